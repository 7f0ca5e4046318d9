"""How a check-in looks and how its answer is read: moods, greetings, typed answers.

Nothing here knows a messenger: mood buttons carry data made by ``bot/buttons.py``.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from enum import StrEnum

from bot.buttons import Prefix, encode
from bot.clock import to_iso
from bot.i18n import N_, Translator
from bot.services.outbox import Button, OutMessage


class Mood(StrEnum):
    GOOD = "good"
    OKAY = "okay"
    BAD = "bad"
    VERY_BAD = "very_bad"  # a crisis signal: 113 and 112 are shown first

    @property
    def stored(self) -> str:
        """The value in ``checkin_sends.mood``, whose CHECK (0005) knows three moods.

        "Very bad" is kept there as "bad" (it is one), and counted on its own in
        ``checkins_answered_very_bad``, so the counts still add up to the answers.
        """
        return Mood.BAD.value if self is Mood.VERY_BAD else self.value


MOOD_EMOJI = {Mood.GOOD: "🙂", Mood.OKAY: "😐", Mood.BAD: "🙁", Mood.VERY_BAD: "😢"}
MOOD_LABELS = {
    Mood.GOOD: N_("🙂 Good"),
    Mood.OKAY: N_("😐 So-so"),
    Mood.BAD: N_("🙁 Not good"),
    Mood.VERY_BAD: N_("😢 Very bad"),
}
# Two rows, so four labels stay readable on a small phone.
MOOD_ROWS = ((Mood.GOOD, Mood.OKAY), (Mood.BAD, Mood.VERY_BAD))

GREETINGS = {
    "morning": (
        N_("Good morning, %(name)s!"),
        N_("Good morning, %(name)s. I hope you slept well."),
        N_("Hello %(name)s, a good morning to you!"),
    ),
    "afternoon": (
        N_("Good afternoon, %(name)s!"),
        N_("Hello %(name)s, I am thinking of you this afternoon."),
        N_("Good afternoon, %(name)s. Nice to see you."),
    ),
    "evening": (
        N_("Good evening, %(name)s!"),
        N_("Hello %(name)s, I hope you had a good day."),
        N_("Good evening, %(name)s. Here I am again."),
    ),
}


def mood_data(slot: datetime, mood: Mood) -> str:
    """Button data of a mood answer: the slot (minutes since 1970, UTC) and the mood."""
    return encode(Prefix.MOOD, slot_code(slot), mood.value)


def slot_code(slot: datetime) -> str:
    return str(int(slot.timestamp()) // 60)


def slot_from_code(code: str) -> datetime:
    return datetime.fromtimestamp(int(code) * 60, UTC)


def dedupe_key(telegram_id: int, slot: datetime) -> str:
    return f"checkin:{telegram_id}:{to_iso(slot)}"


def part_of_day(local: datetime) -> str:
    if local.hour < 12:
        return "morning"
    return "afternoon" if local.hour < 18 else "evening"


def render_checkin(t: Translator, first_name: str, telegram_id: int, slot: datetime) -> OutMessage:
    """The check-in: a greeting that varies from day to day, the question, four buttons.

    The same text is rendered again when the answer is shown under it, so it
    depends only on the person, the slot and the language.
    """
    variants = GREETINGS[part_of_day(slot.astimezone(t.zone))]
    pick = (int(slot.timestamp()) // 86_400 + telegram_id) % len(variants)
    name = html.escape(first_name.strip()) or t._("neighbour")
    text = t._(variants[pick], name=name) + "\n\n" + t._("How are you today?")
    rows = tuple(
        tuple(Button(t._(MOOD_LABELS[m]), mood_data(slot, m)) for m in row) for row in MOOD_ROWS
    )
    return OutMessage(text, buttons=rows)


_GOOD_WORDS = (
    "goed",
    "good",
    "prima",
    "fine",
    "great",
    "ok",
    "oké",
    "oke",
    "okay",
    "super",
    "uitstekend",
    "fijn",
    "well",
    "top",
    "lekker",
    "best goed",
    "heel goed",
)
_OKAY_WORDS = (
    "matig",
    "gaat wel",
    "so-so",
    "so so",
    "soso",
    "redelijk",
    "niet slecht",
    "meh",
    "zozo",
    "zo zo",
    "middel",
    "it's ok",
    "not great",
    "kan beter",
)
_BAD_WORDS = (
    "slecht",
    "bad",
    "niet goed",
    "not good",
    "not well",
    "niet zo goed",
    "rot",
    "verdrietig",
    "sad",
    "alleen",
    "lonely",
    "eenzaam",
    "beroerd",
    "awful",
    "terrible",
    "moe",
    "ziek",
    "sick",
    "down",
    "not ok",
    "niet ok",
    "niet oké",
    "help",
)
_VERY_BAD_WORDS = (
    "heel slecht",
    "erg slecht",
    "zeer slecht",
    "heel erg slecht",
    "vreselijk",
    "verschrikkelijk",
    "very bad",
    "really bad",
    "horrible",
)
_PHRASES = sorted(
    [(w, Mood.GOOD) for w in _GOOD_WORDS]
    + [(w, Mood.OKAY) for w in _OKAY_WORDS]
    + [(w, Mood.BAD) for w in _BAD_WORDS]
    + [(w, Mood.VERY_BAD) for w in _VERY_BAD_WORDS],
    key=lambda pair: -len(pair[0]),
)
_EMOJI = {
    Mood.GOOD: ("🙂", "😀", "😃", "😄", "😊", "👍", "😁", "☺", "❤", "🥰", "😍"),
    Mood.OKAY: ("😐", "😑", "🤷", "😕", "🫤"),
    Mood.BAD: ("🙁", "☹", "😞", "😔", "👎", "😟", "😩", "💔"),
    Mood.VERY_BAD: ("😢", "😭"),
}


def mood_from_text(text: str) -> Mood | None:
    """Read a short typed answer ('goed', 'niet zo goed', 'heel slecht', '🙁') as a mood, or None.

    The longest phrase found wins, so "niet goed" is bad and "niet slecht" is so-so.
    A negation before a mood word that no listed phrase covers ("niet echt goed",
    "not feeling good") is not guessed at: None, and the buttons are offered
    again. A wrong "good" would withdraw a safety-net call.
    """
    negations = {"niet", "not", "geen", "no", "nee", "nooit", "never", "nicht", "kein"}
    negations |= {"keine", "nein", "nie", "dont", "isnt", "aint", "doesnt", "cannot"}
    listed = {
        "niet goed": Mood.BAD,
        "not good": Mood.BAD,
        "niet zo goed": Mood.BAD,
        "not so good": Mood.BAD,
        "niet zo best": Mood.BAD,
        "niet slecht": Mood.OKAY,
        "not bad": Mood.OKAY,
        "niet zo slecht": Mood.OKAY,
        "not so bad": Mood.OKAY,
        "not too bad": Mood.OKAY,
    }
    cleaned = " ".join(re.sub(r"[!?.,;:]+", " ", text.casefold()).split())
    if not cleaned or len(cleaned) > 40:
        return None
    for mood in (Mood.VERY_BAD, Mood.BAD, Mood.OKAY, Mood.GOOD):
        if any(symbol in cleaned for symbol in _EMOJI[mood]):
            return mood
    padded = f" {cleaned} "
    phrases = sorted([*_PHRASES, *listed.items()], key=lambda pair: -len(pair[0]))
    for phrase, mood in phrases:
        at = padded.find(f" {phrase} ")
        if at < 0:
            continue
        if phrase.split()[0] in negations:
            return mood  # a listed negated phrase: "niet goed", "not ok", "not great"
        before = padded[:at].split()
        if any(w in negations or w.endswith(("n't", "n’t")) for w in before):
            return None
        return mood
    return None
