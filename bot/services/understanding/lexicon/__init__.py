"""The words Samen listens for, per meaning, in Dutch and English: data, no logic.

A phrase is a few words that must appear in this order, with at most a couple of other
words between them (``matcher.GAP``). A word ending in "*" is a stem: "eenzaam*"
also matches "eenzaamheid". A phrase starting with "=" must be a whole clause of the
message ("help me", "stop"). Weights: 3 for a phrase that says it all, 2 for a clear
word, 1 for a hint. A phrase ending in "$" must end the thought ("ik kan niet meer$": not
"… meer zo goed lopen", see THOUGHT_GOES_ON); one ending in "~" is fed up with all of it,
not with something named after "met"/"van" ("heb het gehad~": not "… met die regen").
Write words as people type them: lower case, no accents, no
apostrophes ("dont"); typos are the matcher's job, not the lexicon's.

Add words here when people are misunderstood; keep them general (a word, not a sentence
someone once typed) and run ``bench/understanding.py`` before and after.

The words are split by meaning family, one module each: ``crisis`` (phrases that say it
all), ``pairs`` (two ideas that meet in one clause), ``speaking`` (ways of speaking that
take a crisis back), ``wishes`` (call, activity, check-in, helping out, stop, delete),
``talk`` (lonely, how, thanks, greeting), ``topics`` (kinds of activity and times) and
``reading`` (negations, yes and no, short forms). They stay Python, not data files: the
comments beside the words say why each is there, and mypy checks their shapes.
"""

from __future__ import annotations

from enum import StrEnum

from bot.services.understanding.lexicon import crisis, talk, wishes


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


LEXICON: dict[Meaning, dict[str, int]] = {
    Meaning.CRISIS: crisis.CRISIS,
    Meaning.CALL: wishes.CALL,
    Meaning.LONELY: {**talk.LOW_MOOD, **talk.LONELY},
    Meaning.ACTIVITY: wishes.ACTIVITY,
    Meaning.CHECKIN: wishes.CHECKIN,
    Meaning.HELP_OUT: wishes.HELP_OUT,
    Meaning.STOP: wishes.STOP,
    Meaning.DELETE: wishes.DELETE,
    Meaning.HOW: talk.HOW,
    Meaning.THANKS: talk.THANKS,
    Meaning.GREETING: talk.GREETING,
}
