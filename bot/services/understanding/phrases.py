"""Typed text and lexicon entries as normalised words, and the lexicon read as phrases.

Both sides go through ``normalise``, so "Eenzáám!!" and "eenzaam" meet; the tables here
are built once at import, for ``matcher`` and ``reader``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.services.understanding.lexicon import (
    LEXICON,
    Meaning,
)
from bot.services.understanding.lexicon.pairs import (
    AFRAID,
    ALL_OF_IT,
    AS_WELL,
    ASTRAY,
    AT_NIGHT,
    BONE,
    BREATH,
    BROKEN,
    CANNOT,
    CANT_MOVE,
    DEATH,
    DIALLING,
    DO_IT,
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
    HARM,
    HEART,
    HELP,
    HELPLINE,
    HOPE_TO,
    HURTS,
    IF_I,
    IN_NEED,
    IN_SLEEP,
    INDOORS,
    INTENSE,
    LIFE,
    LIMB,
    LOST,
    LYING,
    MANY,
    ME,
    MEANS,
    MYSELF,
    NO_VALUE,
    NOT_ANY_MORE,
    OBTAINED,
    ODD,
    PAIN,
    ROPE,
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
    EMOJI,
    NEGATIONS,
)
from bot.services.understanding.lexicon.speaking import (
    DROPPED_THINGS,
    IDIOMS,
    PASSED,
    PASSING,
    THING_FALLS,
)
from bot.services.understanding.lexicon.talk import LONELY
from bot.services.understanding.lexicon.topics import (
    ASKING,
    KIND_WORDS,
    WHATS_ON,
    WHEN_WORDS,
)

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
    """The normalised words, short forms written out ("nt" → "niet", "mn" → "mijn") and
    emoji that say something read as their word ("😢" → "verdrietig", "👋" → "hallo")."""
    for emoji, word in EMOJI.items():
        text = text.replace(emoji, f" {word} ")
    return " ".join(ABBREVIATIONS.get(word, word) for word in normalise(text).split()).split()


_CLAUSE_END = re.compile(r"[,.;:!?\n]+")


def clauses(text: str) -> list[list[str]]:
    """The words of each part of a message between punctuation ("ik wil niet meer, …")."""
    return [part for part in (words(c) for c in _CLAUSE_END.split(text)) if part]


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    whole: bool  # must be a whole clause ("stop", "help me")
    negated_in_itself: bool  # the phrase carries its own negation ("geen berichten")
    # "end": the phrase must end a thought ("ik kan niet meer$", not "… meer zo goed
    # lopen"); "object": what follows "met"/"van" must be all of it ("heb het gehad~":
    # with everything, not with the rain).
    tail: str = ""


_TAILS = {"$": "end", "~": "object"}


def phrase(text: str) -> Phrase:
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
    return Phrase(tuple(parts), text.startswith("="), any(p in NEGATIONS for p in parts), tail)


CRISIS_PAIRS = tuple(
    ([phrase(w) for w in ones], [phrase(w) for w in others], distance)
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
        (HOPE_TO, IN_SLEEP, 6),  # "ik hoop dat ik vannacht in mijn slaap ga"
        (MYSELF, HARM, 3),  # "ik snij mezelf", "I keep hurting myself"
        (ROPE, OBTAINED, 3),  # "ik heb een touw gekocht"
        (HELPLINE, DIALLING, 3),  # "ik moet 113 bellen"
        (DO_IT, AT_NIGHT, 3),  # "ik doe het vannacht"
    )
)
# The body in danger now, unless the message says it has passed ("ooit", "vorig jaar").
BODILY_PAIRS = tuple(
    ([phrase(w) for w in ones], [phrase(w) for w in others], distance)
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
PHRASES: dict[Meaning, list[tuple[Phrase, int]]] = {
    meaning: [(phrase(text), weight) for text, weight in lexicon.items()]
    for meaning, lexicon in LEXICON.items()
}
# Feeling alone, without the words of low mood (``lexicon.talk.LOW_MOOD``).
ALONE = [(phrase(text), weight) for text, weight in LONELY.items()]
# Crisis phrases that still count once a message says it has passed ("maar het gaat
# alweer goed", "vorige week"): all but a fall or a dizzy spell.
LASTING = [
    (phrase(text), weight)
    for text, weight in LEXICON[Meaning.CRISIS].items()
    if text not in PASSING
]
PASSED_PHRASES = [phrase(w) for w in PASSED]

ASKING_PHRASES = [phrase(w) for w in ASKING]
WHATS_ON_PHRASES = [phrase(w) for w in WHATS_ON]
IDIOM_PHRASES = [phrase(w) for w in IDIOMS]
THING_PHRASES = [phrase(w) for w in DROPPED_THINGS]
THING_FALL_PHRASES = [phrase(w) for w in THING_FALLS]
KIND_PHRASES = {kind: [phrase(w) for w in ws] for kind, ws in KIND_WORDS.items()}
WHEN_PHRASES = {when: [phrase(w) for w in ws] for when, ws in WHEN_WORDS.items()}
