"""``/whatsapp`` on Samen's HTTP server: Meta's webhook.

GET answers Meta's verification (``hub.verify_token`` must be ours, then we echo
``hub.challenge``). Every POST must carry ``X-Hub-Signature-256``, the HMAC-SHA256 of
the body with the app secret (checked with pywa); anything else gets 401 and is never
read further. Statuses (sent, delivered, read, failed) go onto the outbox rows; each
message is handled once, even when Meta delivers it twice (ids kept in the database),
one at a time, in order. A message whose handling fails is forgotten again and
answered 500, so Meta delivers it again rather than it being lost.
"""

from __future__ import annotations

import json
import logging
from asyncio import Lock
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pywa import utils as pywa_utils

from bot.channels.whatsapp.people import WhatsAppPeople
from bot.httpserver import Route
from bot.services.outbox import DELIVERY_STEPS, Outbox
from bot.services.residents import Residents, Status

log = logging.getLogger("samen.whatsapp")

PATH = "/whatsapp"
UNDELIVERABLE = 131026  # Meta: the person cannot get messages from this business
# Message types that are no message to answer: an emoji on one of Samen's messages, and
# Meta's notices (the person moved to a new number; the next message comes from it).
NOT_SAID = frozenset({"reaction", "system"})
JSON = dict[str, Any]


@dataclass(frozen=True)
class Sender:
    """Who wrote: Samen's id for them and the name their WhatsApp profile shows."""

    resident_id: int
    name: str


# Handles one person's message (the channel adapter turns it into a conversation).
MessageHandler = Callable[[Sender, JSON], Awaitable[None]]


class WhatsAppWebhook:
    def __init__(
        self,
        *,
        verify_token: str,
        app_secret: str,
        people: WhatsAppPeople,
        outbox: Outbox,
        residents: Residents,
        on_message: MessageHandler,
        accepting: Callable[[], bool] = lambda: True,
    ) -> None:
        self._verify_token = verify_token
        self._app_secret = app_secret
        self._people = people
        self._outbox = outbox
        self._residents = residents
        self._on_message = on_message
        self._accepting = accepting
        self._one_at_a_time = Lock()

    def routes(self) -> list[Route]:
        return [("GET", PATH, self.verify), ("POST", PATH, self.receive)]

    async def verify(self, request: web.Request) -> web.Response:
        query = request.query
        if (
            query.get("hub.mode") == "subscribe"
            and query.get(pywa_utils.HUB_VT) == self._verify_token
            and query.get(pywa_utils.HUB_CH)
        ):
            return web.Response(text=query[pywa_utils.HUB_CH])
        log.warning("whatsapp: verification with a wrong token refused")
        return web.Response(status=403, text="forbidden\n")

    async def receive(self, request: web.Request) -> web.Response:
        if not self._accepting():
            return web.Response(status=503, text="stopping\n")
        body = await request.read()
        signature = request.headers.get(pywa_utils.HUB_SIG, "")
        if not signature or not pywa_utils.webhook_updates_validator(
            self._app_secret, body, signature
        ):
            log.warning("whatsapp: request without a valid signature refused")
            return web.Response(status=401, text="bad signature\n")
        try:
            payload = json.loads(body)
            values = [c["value"] for e in payload["entry"] for c in e["changes"]]
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400, text="not a webhook\n")
        async with self._one_at_a_time:
            for value in values:
                if not await self._handle(value):
                    return web.Response(status=500, text="try again\n")
        return web.Response(text="ok\n")

    async def _handle(self, value: JSON) -> bool:
        for error in value.get("errors") or []:  # Meta's trouble with the whole delivery
            log.warning("whatsapp: webhook error %s", error.get("code"))
        for status in value.get("statuses") or []:
            await self._status(status)
        names = {
            c.get("user_id") or c.get("wa_id"): (c.get("profile") or {}).get("name", "")
            for c in value.get("contacts") or []
        }
        for message in value.get("messages") or []:
            if not await self._message(message, names):
                return False
        return True

    async def _status(self, status: JSON) -> None:
        step = str(status.get("status"))
        if step not in DELIVERY_STEPS:
            return  # "played", "deleted", ...: nothing the outbox tracks
        code = (status.get("errors") or [{}])[0].get("code")
        error = f"whatsapp {code}" if code is not None else ""
        recipient = await self._outbox.record_delivery(str(status.get("id")), step, error)
        if recipient is not None and code == UNDELIVERABLE:
            # Like Telegram's "blocked": nothing more is sent until they write again.
            await self._residents.set_status(recipient, Status.UNREACHABLE)

    async def _message(self, message: JSON, names: dict[Any, str]) -> bool:
        bsuid = message.get("from_user_id") or message.get("from")
        message_id = message.get("id")
        if not bsuid or not message_id or message.get("type") in NOT_SAID:
            return True  # nothing to answer (a reaction, a system notice)
        if not await self._people.first_sight(str(message_id)):
            return True  # delivered twice: handled already
        resident_id = await self._people.person_for(str(bsuid), message.get("from"))
        await self._people.heard_from(resident_id)
        try:
            await self._on_message(Sender(resident_id, names.get(bsuid, "")), message)
        except Exception:
            log.exception("whatsapp: handling a message failed; Meta will deliver it again")
            await self._people.forget_message(str(message_id))
            return False
        return True
