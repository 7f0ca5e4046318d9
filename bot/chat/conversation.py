"""What a journey talks to: one Conversation per incoming update, made by a channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.chat.incoming import Incoming
from bot.chat.message import Document, Reply
from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import Translator
from bot.questions import Question, Value
from bot.runtime import Runtime
from bot.services.residents import Resident, Status


@dataclass(frozen=True)
class Person:
    channel: str  # "telegram" | "whatsapp"
    id: int  # the id Samen's services key on (today: resident_id = Telegram user id)
    first_name: str
    language_code: str | None


class Conversation(Protocol):
    """One update's conversation with one person. ``resident`` and ``t`` are loaded once
    per update; a journey that changes them (a new language, an erasure) sets them."""

    person: Person
    incoming: Incoming
    resident: Resident | None
    t: Translator
    runtime: Runtime
    question: Question | None  # the open question, from Samen's own store

    async def say(self, reply: Reply) -> int | None:
        """A new message (Telegram: several, cut between lines, when it is long). The id
        the channel gave it (the last part), for ``replace_earlier`` later; None when the
        channel gives none it can edit by."""

    def start_link(self, payload: str) -> str:
        """A link that opens Samen in this channel and starts it with ``payload`` (an
        invite code): on Telegram t.me/<bot>?start=<payload>."""

    async def update(self, reply: Reply) -> None:
        """Change the message the tapped choice was on; nothing when it shows this already.
        Not after a tap (a typed message), or with a menu or an ask: a new message."""

    async def acknowledge(self, notice: str = "", *, alert: bool = False) -> None:
        """Answer a tap, with a short notice if given (Telegram: answerCallbackQuery).
        A tap nobody acknowledged is answered without a notice after the step."""

    async def clear_choices(self) -> None:
        """Take the choices off the message the tapped choice was on (it is answered),
        keeping its text; nothing when they are gone already, or after a typed message."""

    async def send_document(self, document: Document) -> None: ...

    async def send_photo(self, photo: Document) -> None:
        """A picture Samen made (a chart), shown as a photo with its caption."""

    async def ask(self, question: str, reply: Reply, **data: Value) -> int | None:
        """Say ``reply`` and leave ``question`` open: the next answer goes to its step.
        The id the channel gave the message, as ``say`` returns it."""

    async def close_question(self) -> None: ...

    async def replace_earlier(self, message_id: int, text: str) -> bool:
        """Replace the text of an earlier message Samen sent this person (the id the
        channel gave it), taking its choices off; a message already gone is skipped.
        False when the channel cannot change a sent message (WhatsApp): it still shows
        what it showed, and only the person can delete it."""

    async def press_typed_choice(self) -> bool:
        """A short typed answer ("ja", "2", a button's words) to the choices last shown
        in this chat is taken as a tap on that choice, handled after this update, by that
        journey's own step; False when it picks no choice (``bot.shown_choices``)."""

    async def set_language(self, language: str) -> None:
        """The person chose a language: kept for a resident, else only remembered in the
        channel's memory (nothing is stored before consent); ``t`` speaks it from now."""

    async def forget(self) -> None:
        """The person was erased: close their question and drop whatever the channel
        keeps about them in memory (a language chosen before consent)."""


def consented(conversation: Conversation) -> bool:
    resident = conversation.resident
    return resident is not None and resident.consent_current


def messages_stopped(conversation: Conversation) -> bool:
    """They stopped all messages (“📋 My data”): no screen may promise one is coming."""
    resident = conversation.resident
    return resident is not None and resident.status is Status.STOPPED


def guess_language(language_code: str | None, default: str) -> str:
    """The app's language setting, if Samen speaks it; else the configured default."""
    code = (language_code or "").split("-")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else default
