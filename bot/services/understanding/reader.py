"""What a typed message means: text in, a meaning (and a topic and a time) out.

People write to Samen as they write on WhatsApp: no capitals, no accents, typos,
"u" or "je", one word or a long story. This service reads Dutch and English with
hand-kept lexicons of words and phrases per meaning (``bot.services.understanding.lexicon``),
matched word by word with fuzzy matching (rapidfuzz), so "eenzam", "bellen aub" and
"Kan er iemand mij bellen?" all land. A message is read clause by clause (between
punctuation), so "ik wil niet meer, ik ben zo moe" is heard as two thoughts. It knows
nothing of Telegram and stores nothing: the text is read once and forgotten.

The parts: ``phrases`` (normalising, and the lexicon as phrases), ``matcher`` (which
phrases a message contains), ``crisis`` (112 or 113 first) and this module, which weighs
the meanings and is the service's face.

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

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz, process

from bot.services.activities.catalog import When
from bot.services.activities.kinds import Kind
from bot.services.counts import Counts
from bot.services.understanding.crisis import CrisisKind as CrisisKind
from bot.services.understanding.crisis import crisis_kind as crisis_kind
from bot.services.understanding.lexicon import (
    Meaning as Meaning,  # the meanings belong to this service
)
from bot.services.understanding.lexicon.reading import (
    CLEAR_YES,
    NO,
    YES,
)
from bot.services.understanding.lexicon.topics import AROUND_A_TIME
from bot.services.understanding.matcher import Matcher, weigh
from bot.services.understanding.phrases import (
    ALONE,
    ASKING_PHRASES,
    BODILY_PAIRS,
    CRISIS_PAIRS,
    KIND_PHRASES,
    LASTING,
    PASSED_PHRASES,
    PHRASES,
    WHATS_ON_PHRASES,
    WHEN_PHRASES,
    Phrase,
    clauses,
)
from bot.services.understanding.phrases import normalise as normalise

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
    # Nothing asked, but a wish or feeling named and said no to ("ik hoef geen
    # telefoontje", "ik ben niet eenzaam hoor"): an answer, not a riddle.
    declined: bool = False


# A kind of activity named on its own ("koffie", "biljarten") already asks for activities;
# a time alone only hints at it, in a short message ("vandaag?", "en morgen").
_KIND_WEIGHT = 2
_WHEN_WEIGHT = 1
_SHORT = 3  # "en morgen?" asks for activities; "wat voor weer wordt het morgen" does not

# "Ik weet niet hoe dit werkt" still asks how it works; "niet eenzaam" is not lonely.
_NEGATABLE = frozenset(
    set(Meaning) - {Meaning.CRISIS, Meaning.HOW, Meaning.THANKS, Meaning.GREETING}
)

# What can be said no to: a wish or a feeling named, and negated.
_DECLINABLE = tuple(m for m in PRIORITY if m in _NEGATABLE)

Option = TypeVar("Option", Kind, When)


def _first(matcher: Matcher, options: dict[Option, list[Phrase]]) -> Option | None:
    """The first option (kind or time) named and not negated, in the order of the lexicon."""
    for option, phrases in options.items():
        if weigh(matcher, ((p, 1) for p in phrases), negatable=True):
            return option
    return None


def _crisis_pair(matcher: Matcher, *, passed: bool = False) -> bool:
    """Two ideas in one clause, close together: death and a wish ("ik denk aan de dood"),
    life and an end or no worth ("I'm done with life"), pills and many ("alle pillen")."""
    pairs = CRISIS_PAIRS if passed else CRISIS_PAIRS + BODILY_PAIRS
    return any(
        matcher.near(one, other, distance)
        for ones, others, distance in pairs
        for one in ones
        for other in others
    )


def _greeted_by_time(matcher: Matcher) -> bool:
    """A time inside a greeting is no time asked for: "goede morgen allemaal"."""
    greetings = [
        span
        for phrase, _ in PHRASES[Meaning.GREETING]
        if len(phrase.words) > 1
        for span in matcher.positions(phrase)
    ]
    return any(
        not (last < a or first > b)
        for phrases in WHEN_PHRASES.values()
        for phrase in phrases
        for first, last in matcher.positions(phrase)
        for a, b in greetings
    )


_THANKS_FOR = frozenset({"voor", "for"})


def _thanks_for(matcher: Matcher) -> bool:
    """Thanks for something: what follows "voor"/"for" is what was done, not a request."""
    return any(
        any(t in _THANKS_FOR for t in matcher.tokens[last + 1 : last + 3])
        for phrase, _ in PHRASES[Meaning.THANKS]
        for _, last in matcher.positions(phrase)
    )


def _only_a_time(matcher: Matcher) -> bool:
    """The message is a time and small words around it ("en morgen?", "zaterdag 14:30"),
    nothing more."""
    timed = {
        at
        for phrases in WHEN_PHRASES.values()
        for phrase in phrases
        for first, last in matcher.positions(phrase)
        for at in range(first, last + 1)
    }
    return all(
        at in timed or token in AROUND_A_TIME or token.isdigit()
        for at, token in enumerate(matcher.tokens)
    )


def _activity_score(matcher: Matcher, said: float, kind: Kind | None, when: When | None) -> float:
    """A kind of activity is a wish in a short message ("koffie", "zaterdag biljarten") or
    with a word that asks ("waar kan ik biljarten"); a time adds to a wish, or is one when
    the message is short and says nothing else Samen does not know ("en morgen?", not
    "doodmoe vandaag") or asks what is on ("is er vanavond iets")."""
    short = len(matcher.tokens) <= _SHORT
    asks = short or any(matcher.positions(p) for p in ASKING_PHRASES)
    score = max(said, _KIND_WEIGHT if kind and asks else 0)
    if when is not None:
        whats_on = (short and _only_a_time(matcher)) or any(
            matcher.positions(p) for p in WHATS_ON_PHRASES
        )
        score = score + 0.5 if score else (_WHEN_WEIGHT if whats_on else 0)
    return score


@lru_cache(maxsize=1024)
def understand(text: str) -> Understood:
    """The meaning of one typed message, with the kind of activity and the time it names."""
    parts = clauses(text)
    if not parts:
        return Understood(Meaning.OTHER)
    matcher = Matcher(parts)
    passed = any(matcher.positions(p) for p in PASSED_PHRASES)
    crisis_phrases = LASTING if passed else PHRASES[Meaning.CRISIS]
    crisis = weigh(matcher, crisis_phrases, negatable=False, idioms=True)
    if crisis or _crisis_pair(matcher, passed=passed):
        return Understood(Meaning.CRISIS)
    if _thanks_for(matcher):  # "dankjewel voor het bellen" thanks for a call, asks none
        return Understood(Meaning.THANKS)
    kind = _first(matcher, KIND_PHRASES)
    when = None if _greeted_by_time(matcher) else _first(matcher, WHEN_PHRASES)
    scores = {
        m: weigh(matcher, PHRASES[m], negatable=m in _NEGATABLE, reports=m is Meaning.CALL)
        for m in PRIORITY[1:]
    }
    scores[Meaning.ACTIVITY] = _activity_score(matcher, scores[Meaning.ACTIVITY], kind, when)
    best = max(scores.values())
    if best == 0:
        declined = any(weigh(matcher, PHRASES[m], negatable=False) for m in _DECLINABLE)
        return Understood(Meaning.OTHER, declined=declined)
    meaning = next(m for m in PRIORITY[1:] if scores[m] == best)
    return Understood(meaning, kind, when)


# Typed words with a meaning of their own are answered as such, never as a button choice.
SAYS_MORE_THAN_A_CHOICE = frozenset(
    {Meaning.CRISIS, Meaning.CALL, Meaning.LONELY, Meaning.STOP, Meaning.DELETE}
)


def says_more_than_a_choice(text: str) -> bool:
    """ "Stop", "bel me", "112" under buttons mean what they say, never a tap on one.
    Low mood alone ("zo-zo", "niet zo goed") answers a question about one's mood: under
    the check-in's "😐 Zo-zo" / "🙁 Niet goed" it is that choice."""
    meaning = understand(text).meaning
    if meaning is Meaning.LONELY:
        return weigh(Matcher(clauses(text)), ALONE, negatable=True) > 0
    return meaning in SAYS_MORE_THAN_A_CHOICE


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
    if not best or best[1] < _LABEL_MATCH:
        return None
    # WRatio also scores a short stretch inside: "mijn kleinzoon is jarig" would be
    # "Ja, dat is goed". The words themselves must match too.
    return best[2] if fuzz.token_set_ratio(said, best[0]) >= _LABEL_MATCH else None


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
