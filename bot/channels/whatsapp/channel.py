"""WhatsApp in a running Samen: the webhook's routes, a conversation per message, and
the messenger that delivers the outbox to WhatsApp people.

A message goes to the same journeys as on Telegram (``handlers.converted_journeys``).
What no journey handles (a journey not yet on the conversation layer) is answered with
an apology and the menu, so nobody is left without an answer. Right after someone
agrees to the privacy text, Samen asks once whether it may write first (``optin``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bot.channels.whatsapp import optin
from bot.channels.whatsapp.conversation import CHANNEL, Outlet, WhatsAppConversation
from bot.channels.whatsapp.graph import GraphSender
from bot.channels.whatsapp.incoming import incoming_of
from bot.channels.whatsapp.messenger import WhatsAppMessenger
from bot.channels.whatsapp.people import WhatsAppPeople
from bot.channels.whatsapp.webhook import JSON, Sender, WhatsAppWebhook
from bot.chat.conversation import Person
from bot.chat.incoming import Incoming, Kind
from bot.chat.journeys import Journeys
from bot.chat.message import Reply
from bot.delivery import run_messenger
from bot.httpserver import Route
from bot.i18n import N_, Translator
from bot.person_ids import Channel
from bot.runtime import Runtime
from bot.sendbudget import SendBudget
from bot.services.care.kinds import CHECKIN
from bot.services.residents import Resident, Status
from bot.services.understanding.reader import says_more_than_a_choice

NOT_HERE_YET = N_("Sorry, I cannot help with that here yet. Please choose from the menu.")


class WhatsAppChannel:
    def __init__(self, runtime: Runtime, journeys: Journeys, accepting: Callable[[], bool]) -> None:
        settings = runtime.settings
        self._runtime = runtime
        self._journeys = journeys
        self.people = WhatsAppPeople(runtime.db, runtime.clock)
        self.sender = GraphSender(
            settings.whatsapp_api_url, settings.whatsapp_phone_number_id, settings.whatsapp_token
        )
        budget = SendBudget(settings.whatsapp_send_rate, monitor=runtime.monitor)
        self.outlet = Outlet(self.sender, budget)
        self.webhook = WhatsAppWebhook(
            verify_token=settings.whatsapp_verify_token,
            app_secret=settings.whatsapp_app_secret,
            people=self.people,
            outbox=runtime.services.outbox,
            residents=runtime.services.residents,
            on_message=self.handle,
            accepting=accepting,
        )
        self.messenger = WhatsAppMessenger(
            self.sender,
            runtime.services.outbox,
            self.people,
            runtime.catalogs,
            settings.default_language,
            budget,
            runtime.monitor,
            agreements=runtime.services.checkins,
        )

    def routes(self) -> list[Route]:
        return self.webhook.routes()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The messenger runs for the duration of the block; then the client closes."""
        stop = asyncio.Event()
        task = asyncio.create_task(run_messenger(self.messenger, stop))
        try:
            yield
        finally:
            stop.set()
            await task
            await self.sender.close()

    async def handle(self, sender: Sender, message: JSON) -> None:
        """One message from one person: to the journey that handles it."""
        services = self._runtime.services
        resident = await services.residents.get(sender.resident_id)
        if resident is not None and resident.status is Status.UNREACHABLE:
            await services.residents.set_status(sender.resident_id, Status.ACTIVE)
        if resident is not None:  # on both apps: Samen's own messages come here now
            await services.links.wrote_in(
                sender.resident_id, Channel.WHATSAPP, resident.last_channel
            )
            # A check-in that could not reach them: they hear it now, once.
            await services.undelivered_checkins.tell(sender.resident_id, resident.language)
        own_phone = await self.people.phone_of(sender.resident_id)
        bsuid = await self.people.bsuid_of(sender.resident_id)
        if bsuid is None:  # erased between the webhook and here
            return
        conversation = WhatsAppConversation(
            outlet=self.outlet,
            runtime=self._runtime,
            person=Person(CHANNEL, sender.resident_id, sender.name, None),
            bsuid=bsuid,
            own_phone=own_phone,
            incoming=incoming_of(message, own_phone),
            resident=resident,
            t=self._translator(sender.resident_id, resident),
        )
        # "goed" under a check-in (or an emergency contact's reply to Samen's message)
        # answers it before it could tap a choice shown earlier or start onboarding.
        if not await self._journeys.answered_typed(conversation):
            conversation.incoming = self._typed_taps(sender.resident_id, conversation.incoming)
            if not await self._answered_opt_in(conversation, sender.resident_id):
                await self._handle(conversation)
        now_id = await self.people.resident_of(bsuid)  # linking may have changed it
        if now_id is not None and await self.people.opt_in_to_ask(now_id):  # they just agreed
            await conversation.say(optin.question(conversation.t))

    async def _answered_opt_in(self, conversation: WhatsAppConversation, person_id: int) -> bool:
        incoming = conversation.incoming
        if incoming.kind is not Kind.CHOICE or incoming.data not in optin.ANSWERS:
            return False
        await self.people.set_opt_in(person_id, incoming.data == optin.YES)
        checkins = await self._runtime.services.checkins.agreed_to(person_id, CHECKIN)
        await conversation.say(optin.answered(conversation.t, incoming.data, checkins=checkins))
        return True

    async def _handle(self, conversation: WhatsAppConversation) -> None:
        if self._first_contact(conversation):
            await self._journeys.greet_first(conversation)
        elif not await self._journeys.handle(conversation):
            await conversation.say(Reply(conversation.t._(NOT_HERE_YET), menu=True))

    def _first_contact(self, c: WhatsAppConversation) -> bool:
        """Nobody sends /start on WhatsApp: someone Samen does not know (no consent, no
        language chosen yet) is welcomed with onboarding whatever they wrote, unless
        they tapped a button or moved on to a command or a menu row themselves."""
        return (
            c.resident is None
            and c.person.id not in self.outlet.languages
            and c.incoming.kind is not Kind.CHOICE
            and not self._journeys.moves_on(c.incoming)
        )

    def _typed_taps(self, person_id: int, incoming: Incoming) -> Incoming:
        """A short typed answer ("ja", "2", a button's words) that no journey takes as
        typed text is a tap on the choice it picks among those last shown."""
        if incoming.kind is not Kind.TEXT:
            return incoming
        question = self._runtime.questions.get((CHANNEL, person_id))
        if self._journeys.claims(incoming, question) is not None or says_more_than_a_choice(
            incoming.text
        ):
            return incoming
        data = self.outlet.typed_choice(person_id, incoming.text)
        return incoming if data is None else Incoming(Kind.CHOICE, data=data)

    def _translator(self, person_id: int, resident: Resident | None) -> Translator:
        """Their language if they agreed, else their choice so far, else the default
        (Meta does not say which language the phone uses)."""
        catalogs = self._runtime.catalogs
        if resident is not None:
            return catalogs.get(resident.language)
        chosen = self.outlet.languages.get(person_id)
        return catalogs.get(chosen or self._runtime.settings.default_language)
