"""Reading rules: negations, typed yes and no, short forms, real words that are no typos."""

from __future__ import annotations

NEGATIONS = frozenset(
    {"niet", "geen", "nooit", "niemand", "not", "no", "never", "dont", "cant", "nobody", "noone"}
)

# "Kan er niet iemand mij bellen?" is a polite question, no negation.
POLITE_AFTER_NEGATION = frozenset({"iemand", "even", "eens", "ergens"})

# Typed answers to a question with buttons.
YES = frozenset(
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
# A yes that answers an offer even when Samen does not know which question is open; "goed"
# or "ok" on their own may just as well say how someone is, or end a chat.
CLEAR_YES = frozenset({"ja", "jaa", "jawel", "yes", "yep", "yeah", "graag", "zeker", "sure"})
NO = frozenset(
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

# Short forms people type, read as the word they stand for ("ik zie het nt meer zitten").
ABBREVIATIONS = {
    "alsjeblieft": "alstublieft",
    "alsjeblief": "alstublieft",
    "asjeblieft": "alstublieft",
    "asjeblief": "alstublieft",
    "astublieft": "alstublieft",
    "ajb": "alstublieft",
    "nt": "niet",
    "nie": "niet",
    "mn": "mijn",
    "zn": "zijn",
    "k": "ik",
    "ff": "even",
    "pls": "please",
    "plz": "please",
    "thnx": "thanks",
    "tnx": "thanks",
    "bedank": "bedankt",
    "ur": "your",
    "u2": "you too",
    "dod": "dood",
    "doot": "dood",
}

# Emoji that say something on their own, read as the word they stand for; the rest
# (🙂, 👍, 🌷) say nothing Samen should act on.
EMOJI = {
    "😢": "verdrietig",
    "😭": "verdrietig",
    "😞": "verdrietig",
    "😔": "verdrietig",
    "😟": "verdrietig",
    "☹": "verdrietig",
    "🙁": "verdrietig",
    "💔": "verdrietig",
    "👋": "hallo",
    "🙏": "dank",
}

# Real words that look like a typo of a lexicon word; read as themselves ("lovely" is
# not "lonely", "bloem" not "bloed", "mogen" not "morgen", "kopje" not "knopje").
NOT_TYPOS = frozenset(
    {
        "lovely",
        "lively",
        "bloem",
        "nearly",
        "uitstekend",
        "knippen",
        "praat",
        "mogen",
        "kopje",
        "kopjes",
    }
)

# "Nobody" before a request in the same clause answers it: "ik heb niemand om mee te
# praten" is loneliness, not a wish for a call.
NOBODY = frozenset({"niemand", "nobody", "noone"})

# A wish verb said no to ("ik wil niet", "ik hoef geen", "I don't want", "no need") takes
# back what the clause asks for after it, up to a turn ("maar wel", "but"): "ik wil niet
# mee doen met activiteiten", "ik hoef geen telefoontje maar wel iets te doen".
WISH_VERBS = frozenset(
    {"wil", "wilt", "willen", "hoef", "hoeft", "hoeven", "want", "need", "like", "zin"}
)
WISH_TURNS = frozenset({"maar", "wel", "but", "though", "rather", "liever"})
