"""Delivers the outbox to WhatsApp people, inside Meta's 24-hour rule.

Inside the window a message goes as Samen wrote it (buttons or a list). Outside it
only a template may go: the one for the message's kind, in the person's language, and
only to someone who said yes to messages Samen starts. Anything else is recorded as
failed with the reason, so a broadcast's report says "not sent" instead of losing it.
WhatsApp cannot edit a sent message: an edit is sent anew inside the window and
dropped outside it. Pace: its own ``SendBudget`` (``SAMEN_WHATSAPP_SEND_RATE``);
Meta's 130429 pauses every send like Telegram's 429, a per-person limit (131056)
waits for that person only; server trouble is retried with backoff.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
from pywa.errors import RateLimitHit, ThrottlingError, WhatsAppError

from bot.channels.whatsapp.graph import GraphSender
from bot.channels.whatsapp.people import Reach, WhatsAppPeople
from bot.channels.whatsapp.render import Option, render
from bot.channels.whatsapp.reply import LIST_BUTTON, MORE_CHOICES
from bot.channels.whatsapp.templates import template_for
from bot.delivery import Delivery, backoff
from bot.i18n import Catalogs
from bot.monitor import Monitor
from bot.person_ids import Channel
from bot.sendbudget import SendBudget
from bot.services.outbox import Outbox, Outcome, Pending, Result

log = logging.getLogger("samen.whatsapp")

RATE_LIMIT_PAUSE_S = 1.0  # Meta says no "retry after"; its limits are per second
PAIR_LIMIT_WAIT_S = 6.0  # Meta counts messages to one person over 6 seconds


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
    ) -> None:
        super().__init__(outbox, budget, monitor)
        self._sender = sender
        self._people = people
        self._catalogs = catalogs
        self._default_language = default_language

    async def send(self, row: Pending) -> Result:
        reach = (await self._people.reach([row.recipient_id])).get(row.recipient_id)
        if reach is None:
            return Result(row.id, Outcome.FAILED, error="no such WhatsApp person")
        edit = row.edit_of is not None or row.edit_message_id is not None
        try:
            if reach.window_open:
                return await self._free_form(row, reach)
            if edit:
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
        if not reach.opted_in and not template.agreed_in_journey:
            return Result(row.id, Outcome.FAILED, error="outside the window, no opt-in")
        language = reach.language or self._default_language
        body = self._catalogs.get(language)._(template.body, message="{message}")
        message_id = await self._sender.send_template(
            reach.bsuid, template.name, language, template.parameter(body, row.message.text)
        )
        return Result(row.id, Outcome.SENT, channel_message_id=message_id)

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
