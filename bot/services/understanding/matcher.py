"""Which lexicon phrases a message contains: fuzzy word matching (rapidfuzz), stems,
compounds, gaps, negation, idioms and what follows a phrase, worked out once per message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.services.understanding.lexicon import Meaning
from bot.services.understanding.lexicon.reading import (
    NEGATIONS,
    NOBODY,
    NOT_TYPOS,
    POLITE_AFTER_NEGATION,
)
from bot.services.understanding.lexicon.speaking import (
    FED_UP_OF_ALL,
    FED_UP_WITH,
    THOUGHT_GOES_ON,
)
from bot.services.understanding.phrases import (
    ASKING_PHRASES,
    BODILY_PAIRS,
    CRISIS_PAIRS,
    IDIOM_PHRASES,
    KIND_PHRASES,
    PASSED_PHRASES,
    PHRASES,
    WHEN_PHRASES,
    Phrase,
)

GAP = 2  # at most this many other words between the words of a phrase

_NEGATION_BEFORE = 3  # "ik wil echt niet gebeld worden", "I do not feel lonely"
_NEGATION_AFTER = 2  # "bel me niet"


def _threshold(word: str) -> float:
    """Short words must be exact; longer ones may have a typo ("eenzam", "belen").

    Five letters allow a letter too many or too few but no other letter ("bloem" is
    not "bloed"); six and more allow one wrong letter as well ("belen", "eenzam").
    """
    length = len(word.rstrip("*"))
    if length <= 4:
        return 100.0
    if length == 5:
        return 85.0
    return 83.0


def _same(token: str, word: str) -> bool:
    """One typed token against one lexicon word (a stem ends in "*").

    Typed words of three letters or fewer, and stems of four, must be exact ("the" is
    not "thee", "dankjewel" is not "dans…"). The first letter must be right: typos are
    rarely there, and it keeps "bloed" from "bloem".
    """
    if word.endswith("*"):
        stem = word[:-1]
        if token.startswith(stem):
            return True
        if len(stem) <= 4 or len(token) < len(stem) - 2 or token[0] != stem[0]:
            return False
        cuts = {token[: len(stem)], token[: len(stem) + 1]}  # "vrijwilger", "wandelclub"
        return max(fuzz.ratio(cut, stem) for cut in cuts) >= _threshold(word)
    if token == word:
        return True
    if len(word) <= 3 or len(token) <= 3 or token[0] != word[0]:
        return False
    return fuzz.ratio(token, word) >= _threshold(word)


@lru_cache(maxsize=8192)
def _lexicon_words(token: str) -> frozenset[str]:
    """Every lexicon word (or stem) one typed word matches; the same words recur a lot."""
    hits = {token} if token in _VOCABULARY_SET else set()
    if token in NOT_TYPOS:  # a real word of its own: "lovely" is no typo of "lonely"
        return frozenset(hits)
    for word, _, _ in process.extract(
        token, _PLAIN_WORDS, scorer=fuzz.ratio, score_cutoff=80.0, limit=None
    ):
        if _same(token, word):
            hits.add(word)
    hits.update(stem for stem in _STEMS if _same(token, stem))
    if not hits:
        hits.update(_compound_heads(token))
    return frozenset(hits)


_COMPOUND_PART = 3  # "brei|clubje", "senioren|koor": both parts at least this long


def _compound_heads(token: str) -> set[str]:
    """A Dutch compound read by its last part, for the words of activities only:
    "breiclubje" is a "clubje", "seniorenkoor" a "koor" (never a crisis by its tail:
    "aangebrand" is no "brand")."""
    heads: set[str] = set()
    for cut in range(_COMPOUND_PART, len(token) - _COMPOUND_PART):
        tail = token[cut:]
        heads.update(
            head
            for head in _COMPOUND_HEADS
            if (tail.startswith(head[:-1]) if head.endswith("*") else tail == head)
        )
        if heads:
            break
    return heads


class Matcher:
    """Which lexicon words each typed token matches, worked out once per message."""

    def __init__(self, parts: Sequence[Sequence[str]]) -> None:
        self.tokens = [token for part in parts for token in part]
        self._clause_of = [n for n, part in enumerate(parts) for _ in part]
        self._spans: set[tuple[int, int]] = set()
        start = 0
        for part in parts:
            self._spans.add((start, start + len(part) - 1))
            start += len(part)
        self._hits = [_lexicon_words(token) for token in self.tokens]
        self._where: dict[str, list[int]] = {}  # lexicon word -> where it was typed
        for at, hits in enumerate(self._hits):
            for word in hits:
                self._where.setdefault(word, []).append(at)
        self._idioms: list[tuple[int, int]] = []
        self._idioms = [span for idiom in IDIOM_PHRASES for span in self.positions(idiom)]

    def positions(self, phrase: Phrase) -> list[tuple[int, int]]:
        """(first, last) token positions of each place the phrase occurs."""
        found = []
        for start in self._where.get(phrase.words[0], ()):
            end = self._follow(phrase.words[1:], start)
            if end is not None:
                found.append((start, end))
        return found

    def _follow(self, rest: Sequence[str], at: int) -> int | None:
        for word in rest:
            window = range(at + 1, min(at + 2 + GAP, len(self.tokens)))
            nxt = next((i for i in window if word in self._hits[i]), None)
            if nxt is None:
                return None
            at = nxt
        return at

    def is_clause(self, first: int, last: int, length: int) -> bool:
        """The words from first to last, and no others, are a whole clause."""
        return (first, last) in self._spans and last - first + 1 == length

    def near(self, one: Phrase, other: Phrase, distance: int) -> bool:
        """Both phrases occur in the same clause, at most ``distance`` words apart."""
        return any(
            self._clause_of[a] == self._clause_of[b]
            and abs(a - b) <= distance
            and not self.idiomatic(min(a, b), max(a, b))
            for a, _ in self.positions(one)
            for b, _ in self.positions(other)
        )

    def tail_ok(self, phrase: Phrase, last: int) -> bool:
        """What follows a phrase does not change its meaning (see ``Phrase.tail``)."""
        after = [
            self.tokens[i]
            for i in range(last + 1, min(last + 4, len(self.tokens)))
            if self._clause_of[i] == self._clause_of[last]
        ]
        if phrase.tail == "end":
            return not after or after[0] in THOUGHT_GOES_ON
        if phrase.tail == "object":
            for at, token in enumerate(after[:2]):
                if token in FED_UP_WITH:
                    rest = after[at + 1 :]
                    return bool(rest) and rest[0] in FED_UP_OF_ALL
        return True

    def idiomatic(self, first: int, last: int) -> bool:
        """The words overlap a way of speaking ("gevallen voor de bingo", "doodmoe")."""
        return any(not (last < a or first > b) for a, b in self._idioms)

    def negated(self, first: int, last: int) -> bool:
        """A negation just before the phrase, or just after it ("bel me niet")."""
        start = max(0, first - _NEGATION_BEFORE)
        before = [
            i for i in range(start, first) if self.tokens[i] in NEGATIONS and not self._polite(i)
        ]
        after = self.tokens[last + 1 : last + 1 + _NEGATION_AFTER]
        nobody = any(  # "ik heb niemand om mee te praten": nobody, anywhere before
            self.tokens[i] in NOBODY and self._clause_of[i] == self._clause_of[first]
            for i in range(first)
        )
        return bool(before) or nobody or any(t in NEGATIONS for t in after)

    def _polite(self, at: int) -> bool:
        following = self.tokens[at + 1] if at + 1 < len(self.tokens) else ""
        return self.tokens[at] == "niet" and following in POLITE_AFTER_NEGATION


def weigh(
    matcher: Matcher,
    phrases: Iterable[tuple[Phrase, int]],
    *,
    negatable: bool,
    idioms: bool = False,
) -> float:
    """The weight of the strongest phrase found, and half a point more when a second
    phrase agrees ("elke ochtend een berichtje": two hints make a wish)."""
    found: list[tuple[int, int, int]] = []  # (weight, first, last)
    for phrase, weight in phrases:
        found.extend(
            (weight, first, last)
            for first, last in matcher.positions(phrase)
            if not (phrase.whole and not matcher.is_clause(first, last, len(phrase.words)))
            and not (negatable and not phrase.negated_in_itself and matcher.negated(first, last))
            and matcher.tail_ok(phrase, last)
            and not (idioms and matcher.idiomatic(first, last))
        )
    if not found:
        return 0.0
    strongest = max(found)
    agrees = any(last < strongest[1] or first > strongest[2] for _, first, last in found)
    return strongest[0] + (0.5 if agrees else 0.0)


_ALL_PHRASES = [
    *(p for ones, others, _ in CRISIS_PAIRS + BODILY_PAIRS for p in (*ones, *others)),
    *ASKING_PHRASES,
    *IDIOM_PHRASES,
    *PASSED_PHRASES,
    *(p for ps in PHRASES.values() for p, _ in ps),
    *(p for ps in KIND_PHRASES.values() for p in ps),
    *(p for ps in WHEN_PHRASES.values() for p in ps),
]
_VOCABULARY = sorted({w for p in _ALL_PHRASES for w in p.words})
_VOCABULARY_SET = frozenset(_VOCABULARY)
_STEMS = tuple(w for w in _VOCABULARY if w.endswith("*"))
_PLAIN_WORDS = tuple(w for w in _VOCABULARY if not w.endswith("*"))
# The last parts of compounds worth reading: the words of activities ("…clubje", "…koor").
_COMPOUND_HEADS = tuple(
    sorted(
        {
            p.words[0]
            for p in (
                *(p for p, _ in PHRASES[Meaning.ACTIVITY]),
                *(p for ps in KIND_PHRASES.values() for p in ps),
            )
            if len(p.words) == 1 and len(p.words[0].rstrip("*")) >= 4
        }
    )
)
