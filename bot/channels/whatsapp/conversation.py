"""A Conversation on WhatsApp: one webhook message, the person's chat, and the sends.

WhatsApp cannot edit what was sent, nor show a short notice after a tap: ``update``
sends anew (skipped when it would show exactly what the person saw last), a notice is a
short message, and ``replace_earlier`` can do nothing (it says so). Every send takes a reply slot of
WhatsApp's own budget, so an answer never waits behind a broadcast.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field

import httpx
from pywa.errors import RateLimitHit, ThrottlingError, WhatsAppError

from bot.channels.whatsapp.graph import GraphSender
from bot.channels.whatsapp.incoming import SAY, choice_data
from bot.channels.whatsapp.render import WaMessage, render
from bot.channels.whatsapp.reply import LIST_BUTTON, MORE_CHOICES, messages_of
from bot.chat.conversation import Person, consented
from bot.chat.incoming import Incoming
from bot.chat.message import Document, Reply
from bot.i18n import Translator
from bot.questions import Key, Question, Value
from bot.runtime import Runtime
from bot.sendbudget import Priority, SendBudget
from bot.services.residents import Resident
from bot.shown_choices import Shown

CHANNEL = "whatsapp"
REPLY_TRIES = 3
RATE_LIMIT_PAUSE_S = 1.0  # Meta's 130429: everyone waits a moment
PAIR_WAIT_S = 2.0  # 131056: too many to this one person just now
RETRY_WAIT_S = 0.5  # server trouble: 0.5 s, then 1 s


@dataclass
class Outlet:
    """What every WhatsApp conversation shares: the sender, the budget, and memory of
    what each person saw last and which language they chose before they agreed."""

    sender: GraphSender
    budget: SendBudget
    last_shown: dict[int, tuple[WaMessage, ...]] = field(default_factory=dict)
    languages: dict[int, str] = field(default_factory=dict)
    # The choices a person last saw, so "ja" or "2" typed instead of a tap counts as one.
    choices: dict[int, Shown] = field(default_factory=dict)

    async def send(self, person_id: int, to: str, messages: list[WaMessage]) -> int | None:
        """Send them in order; the number of the last one (``message_number``)."""
        sent = ""
        for message in messages:
            sent = await self._send_one(to, message)
        if messages:
            self.last_shown[person_id] = tuple(messages)
        options = [
            (o.title, choice_data(o.data))
            for m in messages
            for o in m.buttons + m.rows
            if not o.data.startswith(SAY)  # the menu: typing its label works anyway
        ]
        if options:
            self.choices[person_id] = Shown({}, tuple(options))
        return message_number(sent) if sent else None

    def typed_choice(self, person_id: int, text: str) -> str | None:
        """The data of the choice a short typed answer picks among those last shown."""
        shown = self.choices.get(person_id)
        return None if shown is None else shown.pick(text)

    def forget(self, person_id: int) -> None:
        for memory in (self.last_shown, self.languages, self.choices):
            memory.pop(person_id, None)

    async def _send_one(self, to: str, message: WaMessage) -> str:
        """A person is waiting: Meta's "slow down" and passing server trouble are
        waited out a few times before the answer counts as failed."""
        for attempt in range(REPLY_TRIES):
            await self.budget.take(Priority.REPLY)
            try:
                return await self.sender.send(to, message)
            except ThrottlingError as error:
                wait = RATE_LIMIT_PAUSE_S if isinstance(error, RateLimitHit) else PAIR_WAIT_S
                if isinstance(error, RateLimitHit):
                    self.budget.pause(wait)
                failure: Exception = error
            except WhatsAppError as error:
                if not (error.is_transient or (error.status_code or 0) >= 500):
                    raise
                wait, failure = RETRY_WAIT_S * 2**attempt, error
            except httpx.TransportError as error:
                wait, failure = RETRY_WAIT_S * 2**attempt, error
            if attempt + 1 == REPLY_TRIES:
                raise failure
            await asyncio.sleep(wait)
        raise AssertionError("unreachable: the last try raises")


def message_number(wamid: str) -> int:
    """Samen's number for a WhatsApp message ("wamid.…", a string): services remember
    messages by an integer. Stable, and as unlikely to repeat as a 62-bit hash."""
    return int.from_bytes(hashlib.blake2b(wamid.encode(), digest_size=8).digest()) >> 2


class WhatsAppConversation:
    def __init__(
        self,
        *,
        outlet: Outlet,
        runtime: Runtime,
        person: Person,
        bsuid: str,
        own_phone: str | None,
        incoming: Incoming,
        resident: Resident | None,
        t: Translator,
    ) -> None:
        self._outlet = outlet
        self._bsuid = bsuid
        self._own_phone = own_phone
        self.person = person
        self.incoming = incoming
        self.resident = resident
        self.t = t
        self.runtime = runtime
        self.question: Question | None = runtime.questions.get(self._key)

    @property
    def _key(self) -> Key:
        return (CHANNEL, self.person.id)

    def _messages(self, reply: Reply) -> list[WaMessage]:
        return messages_of(reply, self.t, consented=consented(self), own_phone=self._own_phone)

    async def say(self, reply: Reply) -> int | None:
        """The number of the message sent (a journey remembers the desk's task details
        by it, so Samen can tell the volunteer when they are withdrawn)."""
        return await self._outlet.send(self.person.id, self._bsuid, self._messages(reply))

    async def update(self, reply: Reply) -> None:
        """No edits on WhatsApp: sent anew, unless the person sees exactly this already."""
        messages = self._messages(reply)
        if self._outlet.last_shown.get(self.person.id) != tuple(messages):
            await self._outlet.send(self.person.id, self._bsuid, messages)

    async def acknowledge(self, notice: str = "", *, alert: bool = False) -> None:
        """WhatsApp shows no notice after a tap: a notice becomes a short message."""
        if notice:
            plain = render(
                notice, list_button=self.t._(LIST_BUTTON), more_text=self.t._(MORE_CHOICES)
            )
            await self._outlet.send(self.person.id, self._bsuid, plain)

    async def send_document(self, document: Document) -> None:
        await self._outlet.budget.take(Priority.REPLY)
        await self._outlet.sender.send_document(
            self._bsuid, document.name, document.content, document.caption
        )

    def start_link(self, payload: str) -> str:
        """WhatsApp has no start links: the invitee sends Samen "/start <code>" themselves
        (the text to forward says so)."""
        return f"/start {payload}"

    async def send_photo(self, photo: Document) -> None:
        """A chart Samen made: sent as a file with its caption, like a document."""
        await self.send_document(photo)

    async def clear_choices(self) -> None:
        """No edits on WhatsApp: used choices stay; the step re-checks every tap."""

    async def press_typed_choice(self) -> bool:
        """The channel already reads a short typed answer as a tap before any journey
        sees it (``Outlet.typed_choice``), so nothing is left to press here."""
        return False

    async def ask(self, question: str, reply: Reply, **data: Value) -> int | None:
        """No message ids on WhatsApp that Samen can change later: None."""
        await self.say(reply)
        self.question = await self.runtime.questions.open(self._key, question, data)
        return None

    async def close_question(self) -> None:
        await self.runtime.questions.close(self._key)
        self.question = None

    async def replace_earlier(self, message_id: int, text: str) -> bool:
        """WhatsApp cannot change a sent message: it stays as it was."""
        return False

    async def set_language(self, language: str) -> None:
        if self.resident is not None:
            await self.runtime.services.residents.set_language(self.person.id, language)
        else:
            self._outlet.languages[self.person.id] = language
        self.t = self.runtime.catalogs.get(language)

    async def forget(self) -> None:
        await self.close_question()
        self.resident = None
        self._outlet.forget(self.person.id)
