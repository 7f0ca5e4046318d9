"""What a typed message means: text in, a meaning (and a topic and a time) out.

People write to Samen as they write on WhatsApp: no capitals, no accents, typos,
"u" or "je", one word or a long story. This service reads Dutch and English with
hand-kept lexicons of words and phrases per meaning, matched word by word with
fuzzy matching (rapidfuzz), so "eenzam", "bellen aub" and "Kan er iemand mij
bellen?" all land. It knows nothing of Telegram and stores nothing: the text is
read once and forgotten.

Care rules, in order:
1. Crisis first, and with high recall: a false alarm costs a kind message with the
   numbers that help, a miss can cost a life. Crisis phrases ignore negation ("ik wil
   niet meer leven" is a crisis, not a negated wish to live).
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

from bot.services.activities import When
from bot.services.counts import Counts
from bot.services.kinds import Kind


class Meaning(StrEnum):
    CRISIS = "crisis"
    CALL = "call"
    LONELY = "lonely"
    ACTIVITY = "activity"
    CHECKIN = "checkin"
    HELP_OUT = "help_out"
    STOP = "stop"
    DELETE = "delete"
    HOW = "how"
    THANKS = "thanks"
    GREETING = "greeting"
    OTHER = "other"


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
    return normalise(text).split()


_CLAUSE_END = re.compile(r"[,.;:!?\n]+")


def clauses(text: str) -> list[list[str]]:
    """The words of each part of a message between punctuation ("ik wil niet meer, …")."""
    return [part for part in (words(c) for c in _CLAUSE_END.split(text)) if part]


# --------------------------------------------------------------------------- lexicons
#
# A phrase is a few words that must appear in this order, with at most GAP other words
# between them. A word ending in "*" is a stem: "eenzaam*" also matches "eenzaamheid".
# A phrase starting with "=" must be the whole message ("help me", "ja"). Weights: 3 for
# a phrase that says it all, 2 for a clear word, 1 for a hint.

GAP = 2

_LEXICON: dict[Meaning, dict[str, int]] = {
    Meaning.CRISIS: dict.fromkeys(
        [
            # Dutch: suicidal thoughts
            "niet meer leven",
            "=ik wil niet meer",
            "=wil niet meer",
            "hoeft voor mij niet meer",
            "dringend hulp",
            "nood",
            "urgent help",
            "dood wil",
            "wil dood",
            "dood gaan",
            "doodgaan",
            "zelfmoord*",
            "suicid*",
            "zelfdoding",
            "eind aan maken",
            "einde aan maken",
            "eind aan mijn leven",
            "einde aan mijn leven",
            "er een eind aan",
            "niet meer wakker",
            "niet meer zitten",
            "zie geen uitweg",
            "geen uitweg",
            "geen zin meer in",
            "geen zin in het leven",
            "leven heeft geen zin",
            "leven geen zin",
            "levensmoe",
            "mezelf iets aandoen",
            "mijzelf iets aandoen",
            "mezelf wat aandoen",
            "mezelf pijn doen",
            "er niet meer zijn",
            "niet meer hoeven",
            "kan niet meer",
            "kan het niet meer aan",
            "ik kan niet meer",
            "alles zwart",
            "van de brug springen",
            "voor de trein",
            "pillen innemen",
            "alle pillen",
            # Dutch: acute danger
            "ben gevallen",
            "gevallen en",
            "kan niet opstaan",
            "kom niet overeind",
            "kan niet meer opstaan",
            "niet meer overeind",
            "kan niet ademen",
            "slecht ademen",
            "benauwd",
            "pijn op de borst",
            "pijn op mijn borst",
            "hartaanval",
            "beroerte",
            "noodgeval",
            "ambulance",
            "onwel",
            "unwell",
            "flauw",
            "bloed",
            "brand",
            "inbreker*",
            "=112",
            "=113",
            "einde maken",
            "eind maken",
            "trek het niet",
            "hou het niet",
            "houd het niet",
            "niet meer vol",
            "wordt me te veel",
            "too much for me",
            "cant do this anymore",
            "cant do it anymore",
            "cannot do this",
            "kan dit niet meer",
            "cant cope",
            "cannot cope",
            "ophangen",
            "hang myself",
            "springen",
            "jump off",
            "pistool",
            "gun",
            "van het leven beroven",
            "duizelig",
            "dizzy",
            "erg ziek",
            "heel ziek",
            "very ill",
            "very sick",
            "faint",
            "flauwvallen",
            "to be over",
            "wil dat het voorbij",
            "voorbij is",
            "to die",
            "die now",
            "=wil niet meer",
            "reageert niet",
            "not responding",
            "doesnt respond",
            "wordt niet wakker",
            "wakes up",
            "not breathing",
            "ademt niet",
            "giving up",
            "als ik er niet meer",
            "if i was gone",
            "if i were gone",
            "when im gone",
            "notice if",
            "flauwgevallen",
            "bewusteloos",
            "ingestort",
            "in elkaar gezakt",
            "op de grond",
            "kom niet omhoog",
            "niet omhoog",
            "collapsed",
            "unconscious",
            "on the floor",
            "fallen",
            "gevallen",
            "point of living",
            "no point",
            "geen zin meer",
            "zinloos",
            "pointless",
            "worthless",
            "waardeloos",
            "not worth it",
            "niet de moeite",
            "disappear",
            "verdwijnen",
            "it all to stop",
            "make it stop",
            "dat het stopt",
            "alles stopt",
            "wil niet verder",
            "kan niet verder",
            "geen toekomst",
            "no future",
            "afscheid nemen",
            "say goodbye",
            "goodbye forever",
            "vaarwel",
            "euthanas*",
            "hopeloos",
            "hopeless",
            "wanhopig",
            "desperate",
            "depressief",
            "depressed",
            "depressie",
            "depression",
            "zou me missen",
            "zou mij missen",
            "would miss me",
            "tot last",
            "a burden",
            "heb er geen zin meer in",
            "no reason to go on",
            "give up on life",
            "opgeven",
            "give up",
            "=help me",
            "=help mij",
            "help me alstublieft",
            "help mij alstublieft",
            "=help help",
            "help help help",
            "bel 112",
            "bel 113",
            # English
            "want to die",
            "wanna die",
            "wish i was dead",
            "wish i were dead",
            "better off dead",
            "was dead",
            "were dead",
            "be dead",
            "dood was",
            "dood zijn",
            "dood zou zijn",
            "kill myself",
            "killing myself",
            "end it",
            "end it all",
            "end my life",
            "take my life",
            "take my own life",
            "suicidal",
            "dont want to live",
            "do not want to live",
            "dont want to be alive",
            "not want to live",
            "no reason to live",
            "nothing to live for",
            "not worth living",
            "cant go on",
            "cannot go on",
            "cant take it anymore",
            "no way out",
            "hurt myself",
            "harm myself",
            "overdose",
            "i fell",
            "have fallen",
            "fallen down",
            "fell down",
            "cant get up",
            "cannot get up",
            "cant breathe",
            "cannot breathe",
            "chest pain",
            "heart attack",
            "stroke",
            "emergency",
            "bleeding",
            "call 112",
        ],
        3,
    ),
    Meaning.CALL: {
        **dict.fromkeys(
            [
                "bellen",
                "bel",
                "belt",
                "gebeld",
                "terugbellen",
                "opbellen",
                "telefoon*",
                "telefonisch",
                "iemand spreken",
                "iemand praten",
                "met iemand praten",
                "iemand om mee te praten",
                "even praten",
                "praatje",
                "iemand aan de lijn",
                "een gesprek",
                "wil praten",
                "wil graag praten",
                "hulp nodig",
                "help nodig",
                "kan iemand mij helpen",
                "kan iemand me helpen",
                "call",
                "calls",
                "call me",
                "ring me",
                "phone me",
                "phone call",
                "talk to someone",
                "talk to somebody",
                "speak to someone",
                "speak with someone",
                "someone to talk",
                "somebody to talk",
                "want to talk",
                "need to talk",
                "a chat",
                "need help",
                "can someone help",
                "can somebody help",
                "call back",
                "callback",
                "kletsen",
                "babbelen",
                "chat",
                "graag contact",
                "contact met een vrijwilliger",
                "contact met iemand",
                "contact opnemen",
                "speak to",
                "talk to",
                "real person",
                "echt mens",
                "een mens spreken",
                "persoon spreken",
                "give me a ring",
            ],
            3,
        ),
        **dict.fromkeys(["praten", "spreken", "talk", "gesprek", "stem horen", "voice"], 2),
    },
    Meaning.LONELY: {
        **dict.fromkeys(
            [
                "eenzaam*",
                "alleen",
                "alleen zijn",
                "helemaal alleen",
                "zo alleen",
                "veel alleen",
                "niemand",
                "geen mens",
                "geen mensen",
                "geen vrienden",
                "geen familie",
                "geen contact",
                "weinig contact",
                "niemand om mee te praten",
                "niemand komt",
                "mis mijn",
                "mis hem",
                "mis haar",
                "overleden",
                "weduwe*",
                "lonely",
                "loneliness",
                "alone",
                "on my own",
                "by myself",
                "nobody",
                "no one",
                "noone",
                "no friends",
                "no family",
                "isolated",
                "nooit iemand",
                "bijna nooit",
                "zie niemand",
                "never see anyone",
                "see nobody",
                "never see",
                "verlaten",
                "voel me leeg",
                "leeg huis",
                "feel empty",
                "empty house",
                "so long",
                "eindeloos",
                "endless",
                "dont have anyone",
                "have no one",
                "heb niemand",
                "heb geen mens",
                "geen aanspraak",
                "no one to talk",
                "nobody to talk",
                "on my own all day",
                "miss my",
                "passed away",
                "died",
                "widow*",
                "sad",
                "verdrietig",
                "somber",
                "stil in huis",
                "stil om me heen",
                "quiet in the house",
            ],
            2,
        ),
    },
    Meaning.ACTIVITY: {
        **dict.fromkeys(
            [
                "activiteit*",
                "iets te doen",
                "wat te doen",
                "iets doen",
                "iets leuks",
                "te doen",
                "activit*",
                "something to do",
                "things to do",
                "anything to do",
                "what to do",
                "what is on",
                "whats on",
                "going on",
                "wat doen",
                "uitjes",
                "what can i do",
            ],
            3,
        ),
        **dict.fromkeys(
            [
                "uitje",
                "uitjes",
                "verveel*",
                "mensen ontmoeten",
                "onder de mensen",
                "eruit",
                "de deur uit",
                "ergens heen",
                "ergens naartoe",
                "club",
                "clubje",
                "vereniging",
                "bijeenkomst",
                "ontmoeting*",
                "inloop*",
                "cursus",
                "les",
                "lessen",
                "mee doen",
                "meedoen",
                "bored",
                "boring",
                "meet people",
                "go out",
                "get out",
                "join",
                "group",
                "event*",
                "class",
                "classes",
                "course",
                "kan ik doen",
                "iets voor",
                "voor ouderen",
                "for seniors",
                "for older people",
                "happening",
                "something happening",
                "ondernemen",
                "erop uit",
                "gezellig*",
                "hobby",
                "hobbys",
                "hobbies",
                "company",
                "in de buurt",
                "near me",
                "nearby",
            ],
            2,
        ),
    },
    Meaning.CHECKIN: {
        **dict.fromkeys(
            [
                "berichtje sturen",
                "bericht sturen",
                "berichtje krijgen",
                "bericht krijgen",
                "stuur me",
                "stuur mij",
                "vragen hoe het gaat",
                "vraagt hoe het gaat",
                "hoe het met me gaat",
                "hoe het met mij gaat",
                "check in",
                "checkin",
                "check-in",
                "checkins",
                "check ins",
                "controle",
                "in de gaten houden",
                "send me a message",
                "message me",
                "text me",
                "check on me",
                "checks on me",
                "ask how i am",
                "asks how i am",
                "how im doing",
                "how i am doing",
                "keep an eye",
            ],
            3,
        ),
        # How often, or a message, alone only hint at it ("I miss him every day").
        **dict.fromkeys(
            [
                "elke dag",
                "iedere dag",
                "elke ochtend",
                "iedere ochtend",
                "elke week",
                "dagelijks",
                "regelmatig",
                "vaste tijd",
                "every day",
                "each day",
                "every morning",
                "daily",
                "regular",
                "regularly",
                "bericht",
                "berichtje",
                "berichtjes",
                "message",
                "messages",
                "check",
            ],
            1,
        ),
    },
    Meaning.HELP_OUT: {
        **dict.fromkeys(
            [
                "vrijwilliger*",
                "vrijwillig*",
                "wil helpen",
                "wil graag helpen",
                "andere mensen helpen",
                "anderen helpen",
                "iemand helpen",
                "mensen helpen",
                "help graag",
                "hulp bieden",
                "hulp aanbieden",
                "iets betekenen",
                "bijdragen",
                "meehelpen",
                "volunteer*",
                "want to help",
                "like to help",
                "help others",
                "help other people",
                "help people",
                "help someone",
                "help out",
                "give back",
                "offer help",
                "kan ik helpen",
                "can i help",
                "how can i help",
                "hoe kan ik helpen",
                "voor een ander",
                "voor anderen",
                "iets doen voor",
                "for others",
                "for someone else",
                "do something for",
            ],
            3,
        ),
    },
    Meaning.STOP: {
        **dict.fromkeys(
            [
                "=stop",
                "=stoppen",
                "=hou op",
                "=houd op",
                "hou op met",
                "houd op met",
                "stop met",
                "stop de berichten",
                "stop alle berichten",
                "stoppen met",
                "geen berichten",
                "geen berichtjes",
                "geen berichten meer",
                "niet meer sturen",
                "stuur niks meer",
                "stuur niets meer",
                "stuur geen",
                "niks meer ontvangen",
                "niets meer ontvangen",
                "laat me met rust",
                "laat mij met rust",
                "afmelden",
                "uitschrijven",
                "meld me af",
                "meld mij af",
                "=unsubscribe",
                "unsubscribe",
                "stop messages",
                "stop sending",
                "stop messaging",
                "stop texting",
                "no more messages",
                "dont send",
                "do not send",
                "dont message",
                "dont text",
                "leave me alone",
                "opt out",
                "stop all",
                "more messages",
                "want any more",
                "dont want any",
                "geen berichtjes meer",
                "niks meer van jullie",
                "niets meer van jullie",
                "niks meer horen",
                "niets meer horen",
                "nothing more from you",
                "stop maar",
                "stop ermee",
                "stop nu",
                "please stop",
                "stop it",
            ],
            3,
        ),
        "stop": 2,
    },
    Meaning.DELETE: dict.fromkeys(
        [
            "verwijder*",
            "wis",
            "wissen",
            "weghalen",
            "gegevens weg",
            "data weg",
            "alles weg",
            "vergeet mij",
            "vergeet me",
            "account opheffen",
            "opzeggen",
            "delete*",
            "remove my",
            "erase",
            "forget me",
            "remove me",
            "forget my",
            "wipe",
            "close my account",
        ],
        3,
    ),
    Meaning.HOW: {
        **dict.fromkeys(
            [
                "hoe werkt",
                "hoe werk",
                "hoe gebruik",
                "wat is samen",
                "wat is dit",
                "wat doet",
                "wat kan ik hier",
                "wat kan samen",
                "wat kun je",
                "wat kunt u",
                "wat moet ik",
                "hoe moet",
                "snap het niet",
                "snap er niks",
                "begrijp het niet",
                "begrijp er niks",
                "uitleg",
                "knoppen",
                "menu",
                "=help",
                "=hulp",
                "=uitleg",
                "=info",
                "how does",
                "how do i",
                "how to use",
                "how it works",
                "what is this",
                "what is samen",
                "what can you",
                "what do you do",
                "what does",
                "dont understand",
                "do not understand",
                "confused",
                "instructions",
                "buttons",
                "explain",
                "deze app",
                "this app",
                "wat kan ik met",
                "what can i do with",
                "hoe dit werkt",
                "hoe het werkt",
                "how this works",
                "what am i supposed",
                "what do i do",
                "wat moet ik hier",
                "hoe doe ik",
                "hoe gaat dit",
                "wat nu",
                "what now",
                "what should i do",
            ],
            3,
        ),
    },
    Meaning.THANKS: dict.fromkeys(
        [
            "dank",
            "bedankt",
            "dankje",
            "dankjewel",
            "dank je",
            "dank u",
            "dankuwel",
            "hartelijk dank",
            "thanks",
            "thank",
            "thx",
            "ty",
            "cheers",
            "appreciate",
        ],
        2,
    ),
    Meaning.GREETING: dict.fromkeys(
        [
            "hallo*",
            "hoi",
            "hey",
            "hai",
            "dag",
            "goedemorgen",
            "goedemiddag",
            "goedenavond",
            "goede morgen",
            "goede middag",
            "goede avond",
            "goeie avond",
            "goeie morgen",
            "goeiemiddag",
            "goeienavond",
            "goeie",
            "goedendag",
            "hoe gaat het",
            "hoe is het",
            "hi",
            "hello",
            "hiya",
            "good morning",
            "good afternoon",
            "good evening",
            "morning",
            "how are you",
            "yo",
        ],
        1,
    ),
}

_KIND_WORDS: dict[Kind, tuple[str, ...]] = {
    Kind.COFFEE: ("koffie*", "koffi", "thee", "kopje", "coffee", "tea", "cafe", "praatcafe"),
    Kind.SPORT: (
        "wandel*",
        "sport*",
        "bewegen",
        "beweging",
        "gym",
        "gymnastiek",
        "fiets*",
        "zwem*",
        "yoga",
        "dans*",
        "walk*",
        "exercise",
        "swim*",
        "cycling",
        "dancing",
        "dance",
        "fitness",
        "tai chi",
        "jeu de boules",
        "petanque",
    ),
    Kind.CREATIVE: (
        "handwerk*",
        "breien",
        "haken",
        "schilder*",
        "teken*",
        "knutsel*",
        "creatief",
        "creatieve",
        "naaien",
        "knitting",
        "crochet",
        "painting",
        "drawing",
        "crafts",
        "creative",
    ),
    Kind.MUSIC: (
        "zing*",
        "zang*",
        "koor",
        "koren",
        "muziek",
        "gezongen",
        "sing*",
        "choir",
        "music",
        "concert",
    ),
    Kind.LEARNING: (
        "bibliotheek",
        "bieb",
        "leesclub",
        "lezen",
        "boeken",
        "computer*",
        "taalles",
        "library",
        "reading",
        "books",
        "book club",
        "lecture",
    ),
    Kind.MEALS: (
        "samen eten",
        "eten",
        "maaltijd*",
        "diner",
        "lunch*",
        "koken",
        "dinner",
        "meal*",
        "eat together",
        "eating",
        "cooking",
    ),
    Kind.GAMES: (
        "biljart*",
        "bridge*",
        "bridgen",
        "kaart*",
        "klaverjas*",
        "sjoel*",
        "schaak*",
        "spel*",
        "bingo",
        "rummikub",
        "billiards",
        "pool",
        "cards",
        "chess",
        "games",
        "board games",
    ),
}

_WHEN_WORDS: dict[When, tuple[str, ...]] = {
    When.TODAY: (
        "vandaag",
        "vanmiddag",
        "vanavond",
        "vanochtend",
        "vanmorgen",
        "nu",
        "today",
        "tonight",
        "this afternoon",
        "this evening",
        "now",
    ),
    When.WEEK: (
        "morgen",
        "overmorgen",
        "deze week",
        "weekend",
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
        "tomorrow",
        "this week",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ),
}

# Crisis also when two ideas meet in one clause, however they are worded.
_DEATH = ("dood", "sterven", "sterf*", "death", "dying", "dead")
_WISH = (
    "wil",
    "willen",
    "wens",
    "liefst",
    "liever",
    "denk",
    "denken",
    "want",
    "wanna",
    "wish",
    "rather",
    "think",
    "thinking",
    "klaar",
    "ready",
)
_LIFE = ("leven", "levens", "leef", "life", "living", "bestaan")
_END = (
    "klaar",
    "done",
    "genoeg",
    "enough",
    "end",
    "ending",
    "einde",
    "eind",
    "beeindig*",
    "stop",
    "stoppen",
    "over",
    "finished",
    "zinloos",
    "pointless",
    "moe",
    "tired",
    "sick",
    "hate",
    "haat",
)
_NO_VALUE = (
    "geen",
    "zonder",
    "no",
    "nothing",
    "zin",
    "reden",
    "reason",
    "point",
    "waarom",
    "why",
    "worth",
    "waard",
)
_ENDING = ("eind", "einde", "end", "ending", "beeindig*")
_ALL = ("maken", "make", "alles", "all", "things", "mezelf", "myself", "leven", "life")
_MEANS = ("pil*", "slaappil*", "medicijn*", "tablet*", "mes", "knife", "touw", "rope")
_MANY = (
    "alle",
    "all",
    "veel",
    "many",
    "heleboel",
    "gespaard",
    "opgespaard",
    "saved",
    "potje",
    "doosje",
    "stapel",
    "geslikt",
    "swallowed",
    "overdose",
    "gepakt",
    "klaar",
    "ready",
    "mezelf",
    "myself",
    "pols",
    "wrist",
)


# A kind of activity named on its own ("koffie", "biljarten") already asks for activities;
# a time alone only hints at it, in a short message ("vandaag?", "en morgen").
_KIND_WEIGHT = 2
_WHEN_WEIGHT = 1
_SHORT = 3  # "en morgen?" asks for activities; "wat voor weer wordt het morgen" does not

_NEGATIONS = frozenset(
    {"niet", "geen", "nooit", "niemand", "not", "no", "never", "dont", "cant", "nobody", "noone"}
)
_NEGATION_BEFORE = 3  # "ik wil echt niet gebeld worden", "I do not feel lonely"
_NEGATION_AFTER = 2  # "bel me niet"
# "Kan er niet iemand mij bellen?" is a polite question, no negation.
_POLITE_AFTER_NEGATION = frozenset({"iemand", "even", "eens", "ergens"})

# Typed answers to a question with buttons.
_YES = frozenset(
    {
        "ja",
        "jaa",
        "jawel",
        "klopt",
        "goed",
        "prima",
        "oke",
        "ok",
        "okay",
        "yes",
        "yep",
        "yeah",
        "ya",
        "sure",
        "graag",
        "zeker",
        "correct",
        "right",
        "akkoord",
    }
)
_NO = frozenset(
    {
        "nee",
        "neen",
        "nope",
        "no",
        "nah",
        "niet",
        "liever niet",
        "no thanks",
        "nee dank",
        "nee dank je",
        "nee bedankt",
        "nee hoor",
    }
)


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    whole: bool  # must be the whole message
    negated_in_itself: bool  # the phrase carries its own negation ("geen berichten")


def _phrase(text: str) -> _Phrase:
    """A lexicon entry as normalised words; a trailing "*" (a stem) survives normalising."""
    parts: list[str] = []
    for raw in text.lstrip("=").split():
        plain = normalise(raw).split()
        if raw.endswith("*") and plain:
            plain[-1] += "*"
        parts.extend(plain)
    return _Phrase(tuple(parts), text.startswith("="), any(p in _NEGATIONS for p in parts))


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
        cuts = {token[:n] for n in (len(stem) - 1, len(stem), len(stem) + 1)}
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
    for word, _, _ in process.extract(
        token, _PLAIN_WORDS, scorer=fuzz.ratio, score_cutoff=80.0, limit=None
    ):
        if _same(token, word):
            hits.add(word)
    hits.update(stem for stem in _STEMS if _same(token, stem))
    return frozenset(hits)


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

    def is_clause(self, first: int, last: int) -> bool:
        return (first, last) in self._spans

    def near(self, one: _Phrase, other: _Phrase, distance: int) -> bool:
        """Both phrases occur in the same clause, at most ``distance`` words apart."""
        return any(
            self._clause_of[a] == self._clause_of[b] and abs(a - b) <= distance
            for a, _ in self.positions(one)
            for b, _ in self.positions(other)
        )

    def negated(self, first: int, last: int) -> bool:
        """A negation just before the phrase, or just after it ("bel me niet")."""
        start = max(0, first - _NEGATION_BEFORE)
        before = [
            i for i in range(start, first) if self.tokens[i] in _NEGATIONS and not self._polite(i)
        ]
        after = self.tokens[last + 1 : last + 1 + _NEGATION_AFTER]
        return bool(before) or any(t in _NEGATIONS for t in after)

    def _polite(self, at: int) -> bool:
        following = self.tokens[at + 1] if at + 1 < len(self.tokens) else ""
        return self.tokens[at] == "niet" and following in _POLITE_AFTER_NEGATION


def _score(matcher: _Matcher, phrases: Iterable[tuple[_Phrase, int]], *, negatable: bool) -> float:
    """The weight of the strongest phrase found, and half a point more when a second
    phrase agrees ("elke ochtend een berichtje": two hints make a wish)."""
    found: list[tuple[int, int, int]] = []  # (weight, first, last)
    for phrase, weight in phrases:
        found.extend(
            (weight, first, last)
            for first, last in matcher.positions(phrase)
            if not (phrase.whole and not matcher.is_clause(first, last))
            and not (negatable and not phrase.negated_in_itself and matcher.negated(first, last))
        )
    if not found:
        return 0.0
    strongest = max(found)
    agrees = any(last < strongest[1] or first > strongest[2] for _, first, last in found)
    return strongest[0] + (0.5 if agrees else 0.0)


_CRISIS_PAIRS = tuple(
    ([_phrase(w) for w in ones], [_phrase(w) for w in others], distance)
    for ones, others, distance in (
        (_DEATH, _WISH, 7),  # "ik denk de laatste tijd vaak aan de dood"
        (_LIFE, _END, 7),  # "I am done with this life"
        (_LIFE, _NO_VALUE, 7),  # "ik heb geen reden meer om te leven"
        (_ENDING, _ALL, 2),  # "ending it all", not "at the end of the day it is fine"
        (_MEANS, _MANY, 4),  # "ik heb pillen gespaard", not "ik moet mijn pillen halen"
    )
)
_PHRASES: dict[Meaning, list[tuple[_Phrase, int]]] = {
    meaning: [(_phrase(text), weight) for text, weight in lexicon.items()]
    for meaning, lexicon in _LEXICON.items()
}
# "Ik weet niet hoe dit werkt" still asks how it works; "niet eenzaam" is not lonely.
_NEGATABLE = frozenset(
    set(Meaning) - {Meaning.CRISIS, Meaning.HOW, Meaning.THANKS, Meaning.GREETING}
)
_KIND_PHRASES = {kind: [_phrase(w) for w in ws] for kind, ws in _KIND_WORDS.items()}
_WHEN_PHRASES = {when: [_phrase(w) for w in ws] for when, ws in _WHEN_WORDS.items()}
_ALL_PHRASES = [
    *(p for ones, others, _ in _CRISIS_PAIRS for p in (*ones, *others)),
    *(p for ps in _PHRASES.values() for p, _ in ps),
    *(p for ps in _KIND_PHRASES.values() for p in ps),
    *(p for ps in _WHEN_PHRASES.values() for p in ps),
]
_VOCABULARY = sorted({w for p in _ALL_PHRASES for w in p.words})
_VOCABULARY_SET = frozenset(_VOCABULARY)
_STEMS = tuple(w for w in _VOCABULARY if w.endswith("*"))
_PLAIN_WORDS = tuple(w for w in _VOCABULARY if not w.endswith("*"))


Option = TypeVar("Option", Kind, When)


def _first(matcher: _Matcher, options: dict[Option, list[_Phrase]]) -> Option | None:
    """The first option (kind or time) named and not negated, in the order of the lexicon."""
    for option, phrases in options.items():
        if _score(matcher, ((p, 1) for p in phrases), negatable=True):
            return option
    return None


def _crisis_pair(matcher: _Matcher) -> bool:
    """Two ideas in one clause, close together: death and a wish ("ik denk aan de dood"),
    life and an end or no worth ("I'm done with life"), pills and many ("alle pillen")."""
    return any(
        matcher.near(one, other, distance)
        for ones, others, distance in _CRISIS_PAIRS
        for one in ones
        for other in others
    )


def _activity_score(said: float, kind: Kind | None, when: When | None, tokens: list[str]) -> float:
    """A kind of activity is a wish in itself; a time adds to one, or is one when short."""
    score = max(said, _KIND_WEIGHT if kind else 0)
    if when is not None:
        score = score + 0.5 if score else (_WHEN_WEIGHT if len(tokens) <= _SHORT else 0)
    return score


@lru_cache(maxsize=1024)
def understand(text: str) -> Understood:
    """The meaning of one typed message, with the kind of activity and the time it names."""
    parts = clauses(text)
    if not parts:
        return Understood(Meaning.OTHER)
    matcher = _Matcher(parts)
    tokens = matcher.tokens
    if _score(matcher, _PHRASES[Meaning.CRISIS], negatable=False) or _crisis_pair(matcher):
        return Understood(Meaning.CRISIS)
    kind = _first(matcher, _KIND_PHRASES)
    when = _first(matcher, _WHEN_PHRASES)
    scores = {m: _score(matcher, _PHRASES[m], negatable=m in _NEGATABLE) for m in PRIORITY[1:]}
    scores[Meaning.ACTIVITY] = _activity_score(scores[Meaning.ACTIVITY], kind, when, tokens)
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
    short = said.split()[:1] if len(said.split()) <= _SHORT else []
    if yes is not None and (said in _YES or set(short) & _YES) and not set(short) & _NO:
        return yes
    if no is not None and (said in _NO or set(short) & _NO):
        return no
    best = process.extractOne(said, [normalise(label) for label in labels], scorer=fuzz.WRatio)
    return best[2] if best and best[1] >= _LABEL_MATCH else None


_LABEL_MATCH = 85.0


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
