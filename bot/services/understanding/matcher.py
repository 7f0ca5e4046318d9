"""Which lexicon phrases a message contains: fuzzy word matching (rapidfuzz), stems,
compounds, gaps, negation, idioms and what follows a phrase, worked out once per message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.services.understanding.lexicon import Meaning
from bot.services.understanding.lexicon.reading import (
    NEGATIONS,
    NOBODY,
    NOT_TYPOS,
    POLITE_AFTER_NEGATION,
    WISH_TURNS,
    WISH_VERBS,
)
from bot.services.understanding.lexicon.speaking import (
    CALL_TO_COME,
    CALLED,
    CALLED_AFTER_HELPER,
    FED_UP_OF_ALL,
    FED_UP_WITH,
    PAST_HELPERS,
    SOMEONE,
    THING_FELL_DISTANCE,
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
    THING_FALL_PHRASES,
    THING_PHRASES,
    WHATS_ON_PHRASES,
    WHEN_PHRASES,
    Phrase,
)

GAP = 2  # at most this many other words between the words of a phrase

_NEGATION_BEFORE = 3  # "ik wil echt niet gebeld worden", "I do not feel lonely"
_NEGATION_AFTER = 3  # "bel me niet", "bel me maar niet"


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

    Typed words of four letters or fewer must be exact ("even" is not "event", "quit"
    not "quiet") but for a missing last letter ("leve", "hoef"), and so must stems of
    four ("dankjewel" is not "dans…"). The first letter must be right: typos are rarely
    there, and it keeps "bloed" from "bloem". A word the lexicon knows is never a clipped
    form of a longer one ("alle" is no "alles"). A word spelled as it sounds matches too
    ("zelfmort", "gevalle": ``_sounds``), but a past participle is never a typo of its
    verb ("opgehangen" is no "ophangen", "doodgegaan" no "doodgaan").
    """
    if word.endswith("*"):
        stem = word[:-1]
        if token.startswith(stem):
            return True
        if len(stem) <= 4 or len(token) <= 4 or len(token) < len(stem) - 2 or token[0] != stem[0]:
            return False
        if _sounds(token).startswith(_sounds(stem)):
            return True
        cuts = {token[: len(stem)], token[: len(stem) + 1]}  # "vrijwilger", "wandelclub"
        return max(fuzz.ratio(cut, stem) for cut in cuts) >= _threshold(word)
    if token == word:
        return True
    if len(token) == 4 and len(word) == 5:  # "leve" for "leven", "hoef" for "hoeft"
        return word.startswith(token) and token not in _VOCABULARY_SET
    if len(word) <= 3 or len(token) <= 4 or token[0] != word[0] or _participle_of(token, word):
        return False
    return _sounds(token) == _sounds(word) or fuzz.ratio(token, word) >= _threshold(word)


_DOUBLE_VOWEL = re.compile(r"([aeou])\1")
_FINAL_EN = re.compile(r"(?<=[^aeiou])en$")


def _sounds(word: str) -> str:
    """A Dutch word as it sounds, for spelling variants people type: a double vowel as
    one ("dod", "zelfmoord"), a final "d" as "t" ("zelfmort"), a spoken "-e" for "-en"
    ("leve", "belle", "gevalle")."""
    sound = _FINAL_EN.sub("e", word)
    sound = _DOUBLE_VOWEL.sub(r"\1", sound)
    return sound[:-1] + "t" if sound.endswith("d") else sound


def _participle_of(token: str, word: str) -> bool:
    """ "opgehangen" of "ophangen", "doodgegaan" of "doodgaan": another tense, no typo."""
    return any(
        token[at : at + 2] == "ge" and token[:at] + token[at + 2 :] == word
        for at in range(len(token) - 1)
    )


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
        self._join_split_words()
        self._where: dict[str, list[int]] = {}  # lexicon word -> where it was typed
        for at, hits in enumerate(self._hits):
            for word in hits:
                self._where.setdefault(word, []).append(at)
        self._idioms: list[tuple[int, int]] = []
        self._idioms = [span for idiom in IDIOM_PHRASES for span in self.positions(idiom)]
        self._idioms += self._things_that_fell()

    def _things_that_fell(self) -> list[tuple[int, int]]:
        """Where a thing fell ("mijn telefoon is gevallen"), read as a way of speaking:
        a fall word a few words after a thing, in a clause that names nobody who fell."""
        someone = {self._clause_of[at] for at, t in enumerate(self.tokens) if t in SOMEONE}
        return [
            (thing, last)
            for one in THING_PHRASES
            for thing, _ in self.positions(one)
            if self._clause_of[thing] not in someone
            for fall in THING_FALL_PHRASES
            for first, last in self.positions(fall)
            if self._clause_of[first] == self._clause_of[thing]
            and 0 < first - thing <= THING_FELL_DISTANCE
        ]

    def _join_split_words(self) -> None:
        """A word split in two by a phone or a habit ("een zaam", "zelf doding") is read
        as the one word it makes, where it starts: only when the two together are a
        lexicon word or begin with a stem the second part does not already match."""
        for at in range(len(self.tokens) - 1):
            if self._clause_of[at] != self._clause_of[at + 1]:
                continue
            joined = self.tokens[at] + self.tokens[at + 1]
            whole = {joined} & _VOCABULARY_SET
            whole.update(stem for stem in _STEMS if joined.startswith(stem[:-1]))
            self._hits[at] |= whole - self._hits[at + 1]

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

    def reported(self, first: int, last: int) -> bool:
        """The words tell of a call that was made, not one asked for (``lexicon.speaking``:
        "ik heb mevrouw gebeld", "I called the gentleman", not "wanneer word ik gebeld")."""
        clause = [
            t for i, t in enumerate(self.tokens) if self._clause_of[i] == self._clause_of[first]
        ]
        if CALL_TO_COME.intersection(clause):
            return False
        said = self.tokens[first : last + 1]
        if CALLED.intersection(said):
            return True
        helped = PAST_HELPERS.intersection(
            self.tokens[i] for i in range(first) if self._clause_of[i] == self._clause_of[first]
        )
        return bool(helped) and bool(CALLED_AFTER_HELPER.intersection(said))

    def idiomatic(self, first: int, last: int) -> bool:
        """The words overlap a way of speaking ("gevallen voor de bingo", "doodmoe")."""
        return any(not (last < a or first > b) for a, b in self._idioms)

    def negated(self, first: int, last: int) -> bool:
        """A negation just before the phrase, or just after it in its clause ("bel me maar
        niet"), or a wish said no to earlier in the clause ("ik wil niet mee doen met …")."""
        start = max(0, first - _NEGATION_BEFORE)
        before = [
            i for i in range(start, first) if self.tokens[i] in NEGATIONS and not self._polite(i)
        ]
        after = [
            self.tokens[i]
            for i in range(last + 1, min(last + 1 + _NEGATION_AFTER, len(self.tokens)))
            if self._clause_of[i] == self._clause_of[last]
        ]
        nobody = any(  # "ik heb niemand om mee te praten": nobody, anywhere before
            self.tokens[i] in NOBODY and self._clause_of[i] == self._clause_of[first]
            for i in range(first)
        )
        said_no = any(t in NEGATIONS and t not in NOBODY for t in after)  # not "… niemand"
        return bool(before) or nobody or said_no or self._unwished(first)

    def _unwished(self, first: int) -> bool:
        """A wish said no to earlier in the same clause ("ik wil niet", "ik hoef geen",
        "I don't want"), with no "maar wel" / "but" after it. "Niet meer" is left alone:
        "ik wil niet meer alleen zijn" says what one does want."""
        clause = self._clause_of[first]
        unwished = False
        for at in range(first):
            if self._clause_of[at] != clause:
                continue
            token = self.tokens[at]
            if token in WISH_TURNS:
                unwished = False
            elif token in WISH_VERBS and self._said_no_to(at):
                unwished = True
        return unwished

    def _said_no_to(self, at: int) -> bool:
        """The wish verb at ``at`` has a negation right beside it, and not "niet meer"."""
        around = self.tokens[max(0, at - 1) : at + 3]
        for n, token in enumerate(around):
            if token in NEGATIONS:
                following = around[n + 1] if n + 1 < len(around) else ""
                return following not in ("meer", "anymore")
        return False

    def _polite(self, at: int) -> bool:
        following = self.tokens[at + 1] if at + 1 < len(self.tokens) else ""
        return self.tokens[at] == "niet" and following in POLITE_AFTER_NEGATION


def weigh(
    matcher: Matcher,
    phrases: Iterable[tuple[Phrase, int]],
    *,
    negatable: bool,
    idioms: bool = False,
    reports: bool = False,
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
            and not (reports and matcher.reported(first, last))
        )
    if not found:
        return 0.0
    strongest = max(found)
    agrees = any(last < strongest[1] or first > strongest[2] for _, first, last in found)
    return strongest[0] + (0.5 if agrees else 0.0)


_ALL_PHRASES = [
    *(p for ones, others, _ in CRISIS_PAIRS + BODILY_PAIRS for p in (*ones, *others)),
    *ASKING_PHRASES,
    *WHATS_ON_PHRASES,
    *IDIOM_PHRASES,
    *THING_PHRASES,
    *THING_FALL_PHRASES,
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
