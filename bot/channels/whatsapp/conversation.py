"""A Conversation on WhatsApp: one webhook message, the person's chat, and the sends.

WhatsApp cannot edit what was sent, nor show a short notice after a tap: ``update``
sends anew (skipped when it would show exactly what the person saw last), a notice is a
short message, and ``replace_earlier`` can do nothing. Every send takes a reply slot of
WhatsApp's own budget, so an answer never waits behind a broadcast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.channels.whatsapp.graph import GraphSender
from bot.channels.whatsapp.render import WaMessage, render
from bot.channels.whatsapp.reply import LIST_BUTTON, MORE_CHOICES, messages_of
from bot.chat.conversation import Person, consented
from bot.chat.incoming import Incoming
from bot.chat.message import Document, Reply
from bot.chat.questions import Key, Question, Value
from bot.i18n import Translator
from bot.runtime import Runtime
from bot.sendbudget import Priority, SendBudget
from bot.services.residents import Resident

CHANNEL = "whatsapp"


@dataclass
class Outlet:
    """What every WhatsApp conversation shares: the sender, the budget, and memory of
    what each person saw last and which language they chose before they agreed."""

    sender: GraphSender
    budget: SendBudget
    last_shown: dict[int, tuple[WaMessage, ...]] = field(default_factory=dict)
    languages: dict[int, str] = field(default_factory=dict)

    async def send(self, person_id: int, to: str, messages: list[WaMessage]) -> None:
        for message in messages:
            await self.budget.take(Priority.REPLY)
            await self.sender.send(to, message)
        if messages:
            self.last_shown[person_id] = tuple(messages)


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

    async def say(self, reply: Reply) -> None:
        await self._outlet.send(self.person.id, self._bsuid, self._messages(reply))

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

    async def ask(self, question: str, reply: Reply, **data: Value) -> None:
        await self.say(reply)
        self.question = await self.runtime.questions.open(self._key, question, data)

    async def close_question(self) -> None:
        await self.runtime.questions.close(self._key)
        self.question = None

    async def replace_earlier(self, message_id: int, text: str) -> None:
        """WhatsApp cannot change a sent message; the contract allows skipping it."""

    async def set_language(self, language: str) -> None:
        if self.resident is not None:
            await self.runtime.services.residents.set_language(self.person.id, language)
        else:
            self._outlet.languages[self.person.id] = language
        self.t = self.runtime.catalogs.get(language)

    async def forget(self) -> None:
        await self.close_question()
        self.resident = None
        self._outlet.languages.pop(self.person.id, None)
        self._outlet.last_shown.pop(self.person.id, None)
