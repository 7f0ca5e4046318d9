"""The 6-item De Jong Gierveld loneliness scale (CBS short version) and its scoring.

Three emotional items (negatively worded) count 1 for "yes" or "more or less";
three social items (positively worded) count 1 for "no" or "more or less". The
total 0-6 reads 0-1 not lonely, 2-4 moderately, 5-6 severely lonely. The result
is only ever shown back to the resident as a gentle reflection, never as a
diagnosis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_, Translator


class Scale(StrEnum):
    EMOTIONAL = "emotional"
    SOCIAL = "social"


class Reply(StrEnum):
    YES = "y"
    MORE_OR_LESS = "m"
    NO = "n"


class Band(StrEnum):
    NOT_LONELY = "not_lonely"  # 0-1
    MODERATE = "moderate"  # 2-4
    SEVERE = "severe"  # 5-6


@dataclass(frozen=True)
class Item:
    text: str  # an N_() msgid: the official English wording; Dutch in the catalog
    scale: Scale


# The CBS short version, in its standard order. The Dutch catalog holds the
# standard Dutch items ("Ik ervaar een leegte om me heen", ...).
ITEMS: tuple[Item, ...] = (
    Item(N_("I experience a general sense of emptiness."), Scale.EMOTIONAL),
    Item(N_("I miss having people around me."), Scale.EMOTIONAL),
    Item(N_("I often feel rejected."), Scale.EMOTIONAL),
    Item(N_("There are plenty of people I can rely on when I have problems."), Scale.SOCIAL),
    Item(N_("There are many people I can trust completely."), Scale.SOCIAL),
    Item(N_("There are enough people I feel close to."), Scale.SOCIAL),
)


QUESTIONS = len(ITEMS)


REPLY_LABELS = {
    Reply.YES: N_("Yes"),
    Reply.MORE_OR_LESS: N_("More or less"),
    Reply.NO: N_("No"),
}


@dataclass(frozen=True)
class Score:
    emotional: int  # 0-3
    social: int  # 0-3

    @property
    def total(self) -> int:
        return self.emotional + self.social

    @property
    def band(self) -> Band:
        return band_of(self.total)


def counts_as_lonely(item: Item, reply: Reply) -> bool:
    """ "More or less" counts on both subscales; otherwise the lonely side of the wording."""
    if reply is Reply.MORE_OR_LESS:
        return True
    return reply is (Reply.YES if item.scale is Scale.EMOTIONAL else Reply.NO)


def score(replies: Sequence[Reply]) -> Score:
    """The score of six answers, in the order of ``ITEMS``."""
    if len(replies) != QUESTIONS:
        raise ValueError(f"a self-check has {QUESTIONS} answers, not {len(replies)}")
    emotional = social = 0
    for item, reply in zip(ITEMS, replies, strict=True):
        if counts_as_lonely(item, Reply(reply)):
            if item.scale is Scale.EMOTIONAL:
                emotional += 1
            else:
                social += 1
    return Score(emotional, social)


def band_of(total: int) -> Band:
    if not 0 <= total <= QUESTIONS:
        raise ValueError("a total is between 0 and 6")
    if total <= 1:
        return Band.NOT_LONELY
    return Band.MODERATE if total <= 4 else Band.SEVERE


def reflection(t: Translator, result: Score) -> str:
    """The result, told back gently in plain words: what the answers show, never a label."""
    band = result.band
    if band is Band.NOT_LONELY:
        lines = [
            t._(
                "Your answers show that you feel connected to people around you. "
                "That is good to hear. Keep taking care of those contacts."
            )
        ]
    elif band is Band.MODERATE:
        lines = [
            t._(
                "Your answers show that you miss people around you now and then. "
                "That happens to many people."
            )
        ]
        if result.emotional >= 2:
            lines.append(t._("Sometimes you seem to miss someone close to you."))
        if result.social >= 2:
            lines.append(t._("A few more people to count on could help you."))
    else:
        lines = [
            t._(
                "Your answers show that you often miss people around you at the moment. "
                "That can feel heavy. You are not the only one: many people feel this way "
                "at times. Talking to someone can help."
            )
        ]
    lines.append(
        t._("This is not a test and not a diagnosis. It is a moment to see how you are doing.")
    )
    return "\n\n".join(lines)


_TYPED = {
    Reply.YES: ("ja", "yes", "j", "y"),
    Reply.MORE_OR_LESS: ("min of meer", "more or less", "minofmeer"),
    Reply.NO: ("nee", "no", "n"),
}


def reply_from_text(text: str) -> Reply | None:
    """A typed 'ja', 'Min of meer.' or 'no' as an answer; anything else is not one."""
    cleaned = " ".join(text.casefold().replace("!", " ").replace(".", " ").split())
    return next((reply for reply, words in _TYPED.items() if cleaned in words), None)
