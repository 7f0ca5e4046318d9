"""Ways of speaking that change what a crisis phrase means: idioms, a thought that goes on,
fed up with what, and a fall that has passed.
"""

from __future__ import annotations

# A crisis phrase inside one of these is a way of speaking ("ik ben gevallen voor de
# bingo", "doodmoe", "my back is killing me", "I'm dying to try").
IDIOMS = (
    "gevallen voor",
    "val voor",
    "viel voor",
    "fallen for",
    "fell for",
    "fall for",
    "dying to",
    "maar verder",
    "verder gaat het",
    "verder goed",
    "verder prima",
    "chest of drawers",
    "om dood te",
    "bijna gevallen",
    "almost fell",
    "nearly fell",
    "druk gehad",
    "goed gehad",
    "leuk gehad",
    "fijn gehad",
    "gezellig gehad",
    "mooi gehad",
    "koud gehad",
    "warm gehad",
    "dying for",
    "killing me",
    "dood van",
    "me dood",
    "mij dood",
    "dood gelachen",
    "dood lachen",
    "dood vervelen",
    "verveel me dood",
    "bored to death",
    "died laughing",
    "died of laughter",
    "nearly died",
    "scared me to death",
)

# After a phrase that ends a thought ("ik kan niet meer$"), only these may follow and it
# still means what it says: "ik kan niet meer ik trek het niet", not "… meer zo goed lopen".
THOUGHT_GOES_ON = frozenset(
    {
        "ik",
        "en",
        "het",
        "echt",
        "hoor",
        "help",
        "alles",
        "maar",
        "want",
        "gewoon",
        "alsjeblieft",
        "alstublieft",
        "aub",
        "please",
        "helemaal",
        "nou",
        "mensen",
        "i",
        "and",
        "anymore",
        "really",
        "meer",
    }
)
# After a fed-up phrase ("heb het gehad~") "met"/"van"/"with" names what one is fed up
# with: still a crisis for all of it or life, not for the rain.
FED_UP_WITH = frozenset({"met", "van", "with", "of"})
FED_UP_OF_ALL = frozenset(
    {
        "alles",
        "allemaal",
        "iedereen",
        "het",
        "leven",
        "mezelf",
        "everything",
        "everyone",
        "it",
        "life",
        "living",
        "myself",
        "all",
        "this",
    }
)

# A fall, a broken bone or a dizzy spell that has passed is no emergency now: with one of
# these in the message, the crisis phrases in PASSING and the bodily pairs in
# ``understanding`` do not count ("ik ben vorige week gevallen maar het gaat alweer
# goed", "ik heb ooit mijn arm gebroken"); the rest still do ("… en kan niet opstaan").
PASSED = (
    "gaat alweer goed",
    "gaat weer goed",
    "ging goed",
    "gaat goed",
    "al beter",
    "weer beter",
    "niks aan de hand",
    "niets aan de hand",
    "verder goed",
    "verder gaat het",
    "gaat wel",
    "otherwise fine",
    "otherwise ok",
    "im fine",
    "i am fine",
    "im ok",
    "im okay",
    "all fine",
    "all good",
    "better now",
    "fine now",
    "vorig jaar",
    "vorige week",
    "vorige maand",
    "jaar geleden",
    "weken geleden",
    "jaren geleden",
    "vroeger",
    "ooit",
    "toen ik",
    "once",
    "when i was",
    "last year",
    "last week",
    "last month",
    "years ago",
    "weeks ago",
)
PASSING = frozenset(
    {
        "gevallen",
        "ben gevallen",
        "gevallen en",
        "fallen",
        "i fell",
        "have fallen",
        "fell down",
        "fallen down",
        "uitgegleden",
        "slipped",
        "gestruikeld",
        "tripped",
        "hurt my",
        "injured",
        "gewond",
        "hoofd gestoten",
        "duizelig",
        "dizzy",
        "flauw",
        "faint",
        "flauwgevallen",
        "onwel",
        "unwell",
        "geen energie meer",
    }
)
