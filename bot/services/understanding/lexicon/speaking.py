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
    # to sign up, not to give up: "ik wil me opgeven als vrijwilliger"
    "me opgeven",
    "mij opgeven",
    "opgeven als",
    "opgeven voor",
    # to pass on, not to go on: "hoe geef ik door dat ik iemand gesproken heb"
    "geef door",
    "geeft door",
    "geven door",
    "gaf door",
    # the messages, not life, may stop: "die berichten mogen allemaal ophouden"
    "berichten ophoud*",
    "berichtjes ophoud*",
    "messages stop",
    "messages end",
)

# A thing that fell is no person that fell ("mijn telefoon is gevallen", "my glasses fell
# on the floor"): a fall word up to ``THING_FELL_DISTANCE`` words after one of these
# things is no crisis, unless its clause names someone who may have fallen with it.
DROPPED_THINGS = (
    "telefoon*",
    "mobiel*",
    "gsm",
    "bril",
    "kopje",
    "kopjes",
    "glas",
    "glazen",
    "glaasje",
    "bord",
    "bordje*",
    "vaas",
    "pot",
    "potje",
    "fles",
    "flesje",
    "sleutel*",
    "tablet",
    "ipad",
    "boek",
    "pan",
    "schaal",
    "schilderij*",
    "lijst*",
    "lamp",
    "beker*",
    "mok",
    "afstandsbediening",
    "dienblad",
    "phone",
    "mobile",
    "glasses",
    "cup",
    "mug",
    "glass",
    "plate",
    "vase",
    "jar",
    "bottle",
    "keys",
    "book",
    "picture",
    "remote",
    "tray",
)
THING_FALLS = (
    "gevallen",
    "viel",
    "valt",
    "fell",
    "fallen",
    "falls",
    "op de grond",
    "op de vloer",
    "on the floor",
    "on the ground",
)
THING_FELL_DISTANCE = 5
# Someone in the clause may have fallen with the thing: "ik ben met mijn telefoon gevallen",
# "mijn moeder is met de telefoon in haar hand gevallen". When in doubt, a crisis.
SOMEONE = frozenset(
    {
        "met",
        "with",
        "zijn",
        "haar",
        "hun",
        "his",
        "their",
        "ik",
        "ben",
        "me",
        "mij",
        "mezelf",
        "hij",
        "zij",
        "ze",
        "iemand",
        "i",
        "im",
        "am",
        "myself",
        "he",
        "she",
        "him",
        "her",
        "someone",
    }
)

# A call that was made is news, no request ("ik heb mevrouw gebeld, het ging goed", "I
# called the gentleman"): a past form, or "gebeld" after a past helper in its clause,
# unless a call is still to come in it ("ik ben nog niet gebeld, wanneer word ik gebeld").
CALLED = frozenset({"belde", "belden", "called", "phoned", "rang"})
CALLED_AFTER_HELPER = frozenset({"gebeld", "opgebeld", "teruggebeld"})
PAST_HELPERS = frozenset({"heb", "heeft", "hebben", "had", "ben", "is", "werd", "was"})
CALL_TO_COME = frozenset({"word", "worden", "wordt", "wil", "graag", "be", "being", "get"})

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
