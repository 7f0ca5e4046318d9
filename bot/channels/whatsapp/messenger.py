"""Delivers the outbox to WhatsApp people, inside Meta's 24-hour rule.

Inside the window a message goes as Samen wrote it (buttons or a list). Outside it
only a template may go: the one for the message's kind, in the person's language, and
only to someone who said yes to messages Samen starts, or to these very messages (an
emergency contact's "Yes, I will"; check-ins set up, for the check-ins' own messages).
Anything else is recorded as failed with the reason, so a broadcast's report says
"not sent" instead of losing it.
WhatsApp cannot edit a sent message: an edit is sent anew inside the window and
dropped outside it, except the news that a task's name and number are withdrawn
(``DETAILS_WITHDRAWN``: the volunteer must not call), which goes as the task template
outside the window; as WhatsApp cannot take the old message back either, it asks the
volunteer to delete it. Pace: its own ``SendBudget`` (``SAMEN_WHATSAPP_SEND_RATE``);
Meta's 130429 pauses every send like Telegram's 429, a per-person limit (131056)
waits for that person only; server trouble is retried with backoff.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Protocol

import httpx
from pywa.errors import RateLimitHit, ThrottlingError, WhatsAppError

from bot.channels.whatsapp.graph import GraphSender
from bot.channels.whatsapp.people import Reach, WhatsAppPeople
from bot.channels.whatsapp.render import Option, render
from bot.channels.whatsapp.reply import LIST_BUTTON, MORE_CHOICES
from bot.channels.whatsapp.templates import Template, template_for
from bot.delivery import Delivery, backoff
from bot.i18n import N_, Catalogs
from bot.monitor import Monitor
from bot.person_ids import Channel
from bot.sendbudget import SendBudget
from bot.services.callme.notices import DETAILS_WITHDRAWN
from bot.services.outbox import Outbox, Outcome, Pending, Result

log = logging.getLogger("samen.whatsapp")

DELETE_IT_YOURSELF = N_(
    "WhatsApp cannot take back a message. Please delete the earlier message with the "
    "name and number yourself: press and hold it, then tap Delete."
)
RATE_LIMIT_PAUSE_S = 1.0  # Meta says no "retry after"; its limits are per second
PAIR_LIMIT_WAIT_S = 6.0  # Meta counts messages to one person over 6 seconds


class Agreements(Protocol):
    """Agreements to messages Samen starts besides the general opt-in: setting up
    check-ins is the agreement to the check-ins' own messages (bot/services/care)."""

    async def agreed_to(self, resident_id: int, kind: str) -> bool: ...


class WhatsAppMessenger(Delivery):
    channel = Channel.WHATSAPP

    def __init__(
        self,
        sender: GraphSender,
        outbox: Outbox,
        people: WhatsAppPeople,
        catalogs: Catalogs,
        default_language: str,
        budget: SendBudget,
        monitor: Monitor | None = None,
        agreements: Agreements | None = None,
    ) -> None:
        super().__init__(outbox, budget, monitor)
        self._agreements = agreements
        self._sender = sender
        self._people = people
        self._catalogs = catalogs
        self._default_language = default_language

    async def send(self, row: Pending) -> Result:
        reach = (await self._people.reach([row.recipient_id])).get(row.recipient_id)
        if reach is None:
            return Result(row.id, Outcome.FAILED, error="no such WhatsApp person")
        edit = row.edit_of is not None or row.edit_message_id is not None
        if row.kind == DETAILS_WITHDRAWN:
            row = self._asking_to_delete(row, reach)
        try:
            if reach.window_open:
                return await self._free_form(row, reach)
            if edit and row.kind != DETAILS_WITHDRAWN:
                return Result(row.id, Outcome.CANCELLED, error="no edits outside the window")
            return await self._template(row, reach)
        except ThrottlingError as error:
            return self._slow_down(row, error)
        except WhatsAppError as error:
            status = error.status_code or 0
            if status >= 500 or error.is_transient:
                return self._retry(row, f"whatsapp {error.code}")
            log.warning("outbox %d refused by WhatsApp: code %s", row.id, error.code)
            return Result(row.id, Outcome.FAILED, error=f"whatsapp {error.code}")
        except httpx.TransportError as error:  # time-outs, connection trouble
            return self._retry(row, type(error).__name__)

    def _asking_to_delete(self, row: Pending, reach: Reach) -> Pending:
        """The withdrawal, and the request to delete the message Samen cannot change."""
        t = self._catalogs.get(reach.language or self._default_language)
        text = row.message.text + "\n\n" + t._(DELETE_IT_YOURSELF)
        return replace(row, message=replace(row.message, text=text))

    async def _free_form(self, row: Pending, reach: Reach) -> Result:
        t = self._catalogs.get(reach.language or self._default_language)
        options = [Option(b.text, b.data) for line in row.message.buttons for b in line]
        messages = render(
            row.message.text,
            options,
            list_button=t._(LIST_BUTTON),
            more_text=t._(MORE_CHOICES),
        )
        message_id = ""
        for message in messages:
            message_id = await self._sender.send(reach.bsuid, message)
        return Result(row.id, Outcome.SENT, channel_message_id=message_id)

    async def _template(self, row: Pending, reach: Reach) -> Result:
        template = template_for(row.kind)
        if template is None:
            return Result(row.id, Outcome.FAILED, error="outside the window, no template")
        if not await self._agreed(row, reach, template):
            return Result(row.id, Outcome.FAILED, error="outside the window, no opt-in")
        language = reach.language or self._default_language
        body = self._catalogs.get(language)._(template.body, message="{message}")
        message_id = await self._sender.send_template(
            reach.bsuid, template.name, language, template.parameter(body, row.message.text)
        )
        return Result(row.id, Outcome.SENT, channel_message_id=message_id)

    async def _agreed(self, row: Pending, reach: Reach, template: Template) -> bool:
        """May Samen start this message? A general yes, the journey that sends it, or
        an agreement to its kind (check-ins set up: their check-in and its reminder)."""
        if reach.opted_in or template.agreed_in_journey:
            return True
        agreements = self._agreements
        return agreements is not None and await agreements.agreed_to(row.recipient_id, row.kind)

    def _slow_down(self, row: Pending, error: ThrottlingError) -> Result:
        if isinstance(error, RateLimitHit):
            self.pause(RATE_LIMIT_PAUSE_S)
            log.warning("WhatsApp asked to slow down (130429)")
            wait = RATE_LIMIT_PAUSE_S
        else:  # one person got too many too quickly (131056): only they wait
            wait = PAIR_LIMIT_WAIT_S
        return Result(row.id, Outcome.DEFER, retry_in=timedelta(seconds=wait))

    def _retry(self, row: Pending, error: str) -> Result:
        return Result(row.id, Outcome.RETRY, error=error, retry_in=backoff(row.attempts))
