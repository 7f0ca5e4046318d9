"""What a typed message means: text in, a meaning (and a topic and a time) out.

People write to Samen as they write on WhatsApp: no capitals, no accents, typos,
"u" or "je", one word or a long story. This service reads Dutch and English with
hand-kept lexicons of words and phrases per meaning (``bot.services.understanding.lexicon``),
matched word by word with fuzzy matching (rapidfuzz), so "eenzam", "bellen aub" and
"Kan er iemand mij bellen?" all land. A message is read clause by clause (between
punctuation), so "ik wil niet meer, ik ben zo moe" is heard as two thoughts. It knows
nothing of Telegram and stores nothing: the text is read once and forgotten.

Care rules, in order:
1. Crisis first, and with high recall: a false alarm costs a kind message with the
   numbers that help, a miss can cost a life. Crisis phrases ignore negation ("ik wil
   niet meer leven" is a crisis, not a negated wish to live), and two ideas that meet
   in one clause are enough however they are worded (death and a wish, life and an
   end: "ik denk aan de dood", "I'm done with life"). Only a way of speaking
   (``lexicon.speaking.IDIOMS``: "gevallen voor de bingo", "dying to try") or a fall that has
   passed ("vorig jaar", "maar het gaat alweer goed") takes a crisis phrase back.
2. Negation elsewhere: "ik ben niet eenzaam" is not loneliness and "bel me niet"
   is no request for a call; a negated phrase does not count.
3. A request ("can someone call me", "is there something to do") wins over a
   feeling ("I am lonely"), which wins over a greeting, because the reply to the
   request already carries the warmth.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz, process

from bot.services.activities.catalog import When
from bot.services.activities.kinds import Kind
from bot.services.counts import Counts
from bot.services.understanding.lexicon import (
    LEXICON,
)
from bot.services.understanding.lexicon import (
    Meaning as Meaning,  # the meanings belong to this service
)
from bot.services.understanding.lexicon.pairs import (
    AFRAID,
    ALL_OF_IT,
    AS_WELL,
    ASTRAY,
    BONE,
    BREATH,
    BROKEN,
    CANNOT,
    CANT_MOVE,
    DEATH,
    EDGE,
    END,
    ENDING,
    ENDS,
    EVERYTHING,
    FLOOR,
    GET_IN,
    GO_ON,
    GONE,
    HARDLY,
    HEART,
    HELP,
    HURTS,
    IF_I,
    IN_NEED,
    INDOORS,
    INTENSE,
    LIFE,
    LIMB,
    LOST,
    LYING,
    MANY,
    ME,
    MEANS,
    NO_VALUE,
    NOT_ANY_MORE,
    ODD,
    PAIN,
    SMOKE,
    SPEECH,
    STANDING,
    STOPS,
    THE_WAY,
    TINGLES,
    TRYING,
    WERE_GONE,
    WHERE_I_AM,
    WISH,
    WISHED,
)
from bot.services.understanding.lexicon.reading import (
    ABBREVIATIONS,
    CLEAR_YES,
    NEGATIONS,
    NO,
    NOBODY,
    NOT_TYPOS,
    POLITE_AFTER_NEGATION,
    YES,
)
from bot.services.understanding.lexicon.speaking import (
    FED_UP_OF_ALL,
    FED_UP_WITH,
    IDIOMS,
    PASSED,
    PASSING,
    THOUGHT_GOES_ON,
)
from bot.services.understanding.lexicon.topics import (
    ASKING,
    KIND_WORDS,
    WHEN_WORDS,
)

# When two meanings match equally well, the earlier one wins (crisis always wins).
PRIORITY: tuple[Meaning, ...] = (
    Meaning.CRISIS,
    Meaning.DELETE,
    Meaning.STOP,
    Meaning.CALL,
    Meaning.HELP_OUT,
    Meaning.CHECKIN,
    Meaning.ACTIVITY,
    Meaning.LONELY,
    Meaning.HOW,
    Meaning.THANKS,
    Meaning.GREETING,
)


@dataclass(frozen=True)
class Understood:
    meaning: Meaning
    kind: Kind | None = None  # the kind of activity named ("koffie", "zingen")
    when: When | None = None  # the time named ("vandaag" → today; "zaterdag" → this week)


# --------------------------------------------------------------------------- normalising

_APOSTROPHES = re.compile(r"[’'`´]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"(.)\1{2,}")


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation, runs of 3+ letters cut to 2 ("hallooo")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _APOSTROPHES.sub("", plain)  # "don't" → "dont", "I'm" → "im"
    plain = _NOT_WORD.sub(" ", plain)
    return _REPEATS.sub(r"\1\1", plain).strip()


def words(text: str) -> list[str]:
    """The normalised words, short forms written out ("nt" → "niet", "mn" → "mijn")."""
    return " ".join(ABBREVIATIONS.get(word, word) for word in normalise(text).split()).split()


_CLAUSE_END = re.compile(r"[,.;:!?\n]+")


def clauses(text: str) -> list[list[str]]:
    """The words of each part of a message between punctuation ("ik wil niet meer, …")."""
    return [part for part in (words(c) for c in _CLAUSE_END.split(text)) if part]


# --------------------------------------------------------------------------- matching

GAP = 2  # at most this many other words between the words of a phrase

# A kind of activity named on its own ("koffie", "biljarten") already asks for activities;
# a time alone only hints at it, in a short message ("vandaag?", "en morgen").
_KIND_WEIGHT = 2
_WHEN_WEIGHT = 1
_SHORT = 3  # "en morgen?" asks for activities; "wat voor weer wordt het morgen" does not

_NEGATION_BEFORE = 3  # "ik wil echt niet gebeld worden", "I do not feel lonely"
_NEGATION_AFTER = 2  # "bel me niet"


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    whole: bool  # must be a whole clause ("stop", "help me")
    negated_in_itself: bool  # the phrase carries its own negation ("geen berichten")
    # "end": the phrase must end a thought ("ik kan niet meer$", not "… meer zo goed
    # lopen"); "object": what follows "met"/"van" must be all of it ("heb het gehad~":
    # with everything, not with the rain).
    tail: str = ""


_TAILS = {"$": "end", "~": "object"}


def _phrase(text: str) -> _Phrase:
    """A lexicon entry as normalised words; a trailing "*" (a stem) survives normalising."""
    tail = _TAILS.get(text[-1:], "")
    if tail:
        text = text[:-1]
    parts: list[str] = []
    for raw in text.lstrip("=").split():
        plain = normalise(raw).split()
        if raw.endswith("*") and plain:
            plain[-1] += "*"
        parts.extend(plain)
    return _Phrase(tuple(parts), text.startswith("="), any(p in NEGATIONS for p in parts), tail)


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


class _Matcher:
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
        self._idioms = [span for idiom in _IDIOMS for span in self.positions(idiom)]

    def positions(self, phrase: _Phrase) -> list[tuple[int, int]]:
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

    def near(self, one: _Phrase, other: _Phrase, distance: int) -> bool:
        """Both phrases occur in the same clause, at most ``distance`` words apart."""
        return any(
            self._clause_of[a] == self._clause_of[b]
            and abs(a - b) <= distance
            and not self.idiomatic(min(a, b), max(a, b))
            for a, _ in self.positions(one)
            for b, _ in self.positions(other)
        )

    def tail_ok(self, phrase: _Phrase, last: int) -> bool:
        """What follows a phrase does not change its meaning (see ``_Phrase.tail``)."""
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


def _score(
    matcher: _Matcher,
    phrases: Iterable[tuple[_Phrase, int]],
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


_CRISIS_PAIRS = tuple(
    ([_phrase(w) for w in ones], [_phrase(w) for w in others], distance)
    for ones, others, distance in (
        (DEATH, WISH, 7),  # "ik denk de laatste tijd vaak aan de dood"
        (LIFE, END, 7),  # "I am done with this life"
        (LIFE, NO_VALUE, 7),  # "ik heb geen reden meer om te leven"
        (ENDING, ALL_OF_IT, 2),  # "ending it all", not "at the end of the day it is fine"
        (MEANS, MANY, 4),  # "ik heb pillen gespaard", not "ik moet mijn pillen halen"
        (GO_ON, CANNOT, 6),  # "ik weet niet hoe ik verder moet", "I can't go on"
        (HELP, AFRAID, 6),  # "help me please, I'm so scared"
        (AS_WELL, GONE, 3),  # "ik kan net zo goed weg zijn"
        (SMOKE, INDOORS, 4),  # "er komt rook onder de deur door"
        (THE_WAY, NOT_ANY_MORE, 5),  # "ik weet de weg naar huis niet meer"
        (WISH, ENDS, 4),  # "I just want it to end"
        (WISHED, GONE, 5),  # "was ik er maar niet meer", "I wish I was gone"
        (BREATH, HARDLY, 3),  # "ik krijg geen adem", "I can hardly breathe"
        (HURTS, ME, 2),  # "mijn zoon slaat mij", "my carer hits me"
        (TRYING, GET_IN, 4),  # "een man die probeert binnen te komen"
        (LOST, WHERE_I_AM, 5),  # "ik weet niet waar ik ben", "I'm lost, where am I"
        (EVERYTHING, STOPS, 3),  # "het mag allemaal ophouden"
        (IF_I, WERE_GONE, 4),  # "iedereen zou blij zijn als ik weg was"
        (STANDING, EDGE, 4),  # "ik sta op de brug"
        (ASTRAY, IN_NEED, 5),  # "I'm lost, please help"
    )
)
# The body in danger now, unless the message says it has passed ("ooit", "vorig jaar").
_BODILY_PAIRS = tuple(
    ([_phrase(w) for w in ones], [_phrase(w) for w in others], distance)
    for ones, others, distance in (
        (LYING, FLOOR, 4),  # "ik lig op de vloer", "I can't get off the floor"
        (HEART, PAIN, 3),  # "mijn hart doet pijn"
        (BONE, BROKEN, 3),  # "mijn been is gebroken"
        (CANT_MOVE, LIMB, 4),  # "ik kan mijn arm niet bewegen"
        (SPEECH, ODD, 3),  # "ik praat ineens raar", "my speech is slurred"
        (INTENSE, PAIN, 2),  # "ik heb zo'n pijn", "terrible pain"
        (LIMB, TINGLES, 3),  # "mijn arm tintelt"
    )
)
_PHRASES: dict[Meaning, list[tuple[_Phrase, int]]] = {
    meaning: [(_phrase(text), weight) for text, weight in lexicon.items()]
    for meaning, lexicon in LEXICON.items()
}
# Crisis phrases that still count once a message says it has passed ("maar het gaat
# alweer goed", "vorige week"): all but a fall or a dizzy spell.
_LASTING = [
    (_phrase(text), weight)
    for text, weight in LEXICON[Meaning.CRISIS].items()
    if text not in PASSING
]
_PASSED = [_phrase(w) for w in PASSED]
# "Ik weet niet hoe dit werkt" still asks how it works; "niet eenzaam" is not lonely.
_NEGATABLE = frozenset(
    set(Meaning) - {Meaning.CRISIS, Meaning.HOW, Meaning.THANKS, Meaning.GREETING}
)
_ASKING = [_phrase(w) for w in ASKING]
_IDIOMS = [_phrase(w) for w in IDIOMS]
_KIND_PHRASES = {kind: [_phrase(w) for w in ws] for kind, ws in KIND_WORDS.items()}
_WHEN_PHRASES = {when: [_phrase(w) for w in ws] for when, ws in WHEN_WORDS.items()}
_ALL_PHRASES = [
    *(p for ones, others, _ in _CRISIS_PAIRS + _BODILY_PAIRS for p in (*ones, *others)),
    *_ASKING,
    *_IDIOMS,
    *_PASSED,
    *(p for ps in _PHRASES.values() for p, _ in ps),
    *(p for ps in _KIND_PHRASES.values() for p in ps),
    *(p for ps in _WHEN_PHRASES.values() for p in ps),
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
                *(p for p, _ in _PHRASES[Meaning.ACTIVITY]),
                *(p for ps in _KIND_PHRASES.values() for p in ps),
            )
            if len(p.words) == 1 and len(p.words[0].rstrip("*")) >= 4
        }
    )
)


Option = TypeVar("Option", Kind, When)


def _first(matcher: _Matcher, options: dict[Option, list[_Phrase]]) -> Option | None:
    """The first option (kind or time) named and not negated, in the order of the lexicon."""
    for option, phrases in options.items():
        if _score(matcher, ((p, 1) for p in phrases), negatable=True):
            return option
    return None


def _crisis_pair(matcher: _Matcher, *, passed: bool = False) -> bool:
    """Two ideas in one clause, close together: death and a wish ("ik denk aan de dood"),
    life and an end or no worth ("I'm done with life"), pills and many ("alle pillen")."""
    pairs = _CRISIS_PAIRS if passed else _CRISIS_PAIRS + _BODILY_PAIRS
    return any(
        matcher.near(one, other, distance)
        for ones, others, distance in pairs
        for one in ones
        for other in others
    )


def _greeted_by_time(matcher: _Matcher) -> bool:
    """A time inside a greeting is no time asked for: "goede morgen allemaal"."""
    greetings = [
        span
        for phrase, _ in _PHRASES[Meaning.GREETING]
        if len(phrase.words) > 1
        for span in matcher.positions(phrase)
    ]
    return any(
        not (last < a or first > b)
        for phrases in _WHEN_PHRASES.values()
        for phrase in phrases
        for first, last in matcher.positions(phrase)
        for a, b in greetings
    )


_THANKS_FOR = frozenset({"voor", "for"})


def _thanks_for(matcher: _Matcher) -> bool:
    """Thanks for something: what follows "voor"/"for" is what was done, not a request."""
    return any(
        any(t in _THANKS_FOR for t in matcher.tokens[last + 1 : last + 3])
        for phrase, _ in _PHRASES[Meaning.THANKS]
        for _, last in matcher.positions(phrase)
    )


def _activity_score(matcher: _Matcher, said: float, kind: Kind | None, when: When | None) -> float:
    """A kind of activity is a wish in a short message ("koffie", "zaterdag biljarten") or
    with a word that asks ("waar kan ik biljarten"); a time adds to a wish, or is one when
    the message is short ("en morgen?")."""
    short = len(matcher.tokens) <= _SHORT
    asks = short or any(matcher.positions(p) for p in _ASKING)
    score = max(said, _KIND_WEIGHT if kind and asks else 0)
    if when is not None:
        score = score + 0.5 if score else (_WHEN_WEIGHT if short else 0)
    return score


@lru_cache(maxsize=1024)
def understand(text: str) -> Understood:
    """The meaning of one typed message, with the kind of activity and the time it names."""
    parts = clauses(text)
    if not parts:
        return Understood(Meaning.OTHER)
    matcher = _Matcher(parts)
    passed = any(matcher.positions(p) for p in _PASSED)
    crisis_phrases = _LASTING if passed else _PHRASES[Meaning.CRISIS]
    crisis = _score(matcher, crisis_phrases, negatable=False, idioms=True)
    if crisis or _crisis_pair(matcher, passed=passed):
        return Understood(Meaning.CRISIS)
    if _thanks_for(matcher):  # "dankjewel voor het bellen" thanks for a call, asks none
        return Understood(Meaning.THANKS)
    kind = _first(matcher, _KIND_PHRASES)
    when = None if _greeted_by_time(matcher) else _first(matcher, _WHEN_PHRASES)
    scores = {m: _score(matcher, _PHRASES[m], negatable=m in _NEGATABLE) for m in PRIORITY[1:]}
    scores[Meaning.ACTIVITY] = _activity_score(matcher, scores[Meaning.ACTIVITY], kind, when)
    best = max(scores.values())
    if best == 0:
        return Understood(Meaning.OTHER)
    meaning = next(m for m in PRIORITY[1:] if scores[m] == best)
    return Understood(meaning, kind, when)


def typed_choice(
    text: str, labels: Sequence[str], *, yes: int | None = None, no: int | None = None
) -> int | None:
    """Which of the shown choices a typed answer picks, or None.

    "2" picks the second; a label typed (roughly: "ja alles wissen") picks it; "ja",
    "klopt", "yes please" pick ``yes`` and "nee", "no thanks" pick ``no`` when the
    question has such answers. Emoji and case in the labels do not matter.
    """
    said = normalise(text)
    if not said:
        return None
    if said.isdigit():
        number = int(said)
        return number - 1 if 1 <= number <= len(labels) else None
    answer = yes_or_no(said)
    if answer is True and yes is not None:
        return yes
    if answer is False and no is not None:
        return no
    best = process.extractOne(said, [normalise(label) for label in labels], scorer=fuzz.WRatio)
    return best[2] if best and best[1] >= _LABEL_MATCH else None


_LABEL_MATCH = 85.0


def yes_or_no(text: str, *, clear: bool = False) -> bool | None:
    """A short typed yes ("ja", "klopt", "yes please") or no ("nee hoor", "no thanks").

    ``clear``: only a yes that cannot also say how someone is ("ja", not "goed"), for
    answers when Samen does not know which question is open.
    """
    said = normalise(text)
    parts = said.split()
    first = parts[0] if parts and len(parts) <= _SHORT else ""
    if said in NO or first in NO:
        return False
    yes = CLEAR_YES if clear else YES
    if said in yes or first in yes:
        return True
    return None


class CrisisKind(StrEnum):
    """What a crisis message needs first: 112 for the body, 113 for the mind."""

    BODY = "body"  # a fall, chest pain, no breath, fire, an intruder: 112 now
    MIND = "mind"  # not wanting to live, despair: 113 first, and a warm word


# Word beginnings (after ``normalise``) that speak of life and death: these go to 113
# even when the body is named too ("ik wil niet meer leven, ik heb pillen").
_MIND_STEMS = (
    "leven",
    "levn",
    "dood",
    "zelfmoord",
    "suicid",
    "einde",
    "eind",
    "pil",
    "slaappil",
    "zitten",
    "zin",
    "hoeft",
    "uitstap",
    "ophouden",
    "verdwijnen",
    "afscheid",
    "missen",
    "live",
    "living",
    "life",
    "die",
    "dead",
    "death",
    "kill",
    "end",
    "pills",
    "point",
    "anymore",
    "goodbye",
    "gone",
    "disappear",
    "better off",
    "go on",
    "cant take",
)
# Word beginnings of a bodily emergency or danger.
_BODY_STEMS = (
    "geval",
    "val",
    "opstaan",
    "opstaa",
    "borst",
    "hart",
    "adem",
    "lucht",
    "bloed",
    "brand",
    "rook",
    "inbre",
    "inbraak",
    "beroerte",
    "verlam",
    "verdwaald",
    "gebroken",
    "breuk",
    "pijn",
    "flauw",
    "duizel",
    "slaat",
    "sloeg",
    "bedreig",
    "vloer",
    "grond",
    "fell",
    "fallen",
    "fall",
    "floor",
    "chest",
    "heart",
    "breath",
    "breathe",
    "bleed",
    "blood",
    "fire",
    "smoke",
    "stroke",
    "burglar",
    "intruder",
    "lost",
    "broken",
    "pain",
    "faint",
    "dizzy",
    "hitting",
    "hit",
    "threat",
)


def crisis_kind(text: str) -> CrisisKind:
    """Which help a crisis message needs first; when in doubt, the mind (113)."""
    words = normalise(text).split()
    joined = " ".join(words)

    def names(stems: tuple[str, ...]) -> bool:
        return any(
            (" " in stem and stem in joined) or any(w.startswith(stem) for w in words)
            for stem in stems
        )

    if names(_MIND_STEMS):
        return CrisisKind.MIND
    return CrisisKind.BODY if "112" in words or names(_BODY_STEMS) else CrisisKind.MIND


class Understanding:
    """The service: what a typed message means, and an anonymous count of it.

    The text itself is neither stored nor logged; only the number of typed messages
    per local day and meaning goes into ``daily_counts`` (``typed_messages``, and
    ``typed_<meaning>``; ``typed_other`` is "nothing matched").
    """

    def __init__(self, counts: Counts) -> None:
        self._counts = counts

    async def read(self, text: str) -> Understood:
        understood = understand(text)
        await self._counts.bump(TYPED_METRIC)
        await self._counts.bump(metric_of(understood.meaning))
        return understood


TYPED_METRIC = "typed_messages"


def metric_of(meaning: Meaning) -> str:
    return f"typed_{meaning.value}"
