"""The playground's WhatsApp phone: Wim, a resident who uses WhatsApp.

The WhatsApp emulator runs inside the playground's own server (under ``/whatsapp-api``,
so the page reaches it from the same origin, behind the same loopback guard); Samen
sends to it like to Meta's Graph API, and the emulator pushes what Wim does to Samen's
webhook on a loopback port of its own, signed, as Meta would.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.app import SamenApplication, whatsapp_channel
from bot.channels.whatsapp.templates import approved
from bot.emulator.whatsapp.server import create_app
from bot.emulator.whatsapp.state import WaState
from bot.httpserver import http_server
from bot.runtime import Runtime

API_PREFIX = "/whatsapp-api"
PHONE_NUMBER_ID = "100000000000042"


@dataclass(frozen=True)
class WhatsAppPlaygroundPerson:
    key: str
    bsuid: str
    wa_id: str  # the number WhatsApp shows Samen (fictional)
    first_name: str
    language_code: str
    role: str


WIM = WhatsAppPlaygroundPerson(
    "wim", "NL.31612345605000000001", "31612345605", "Wim", "nl", "resident"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class WhatsAppCorner:
    """The WhatsApp emulator's state, its routes on the page's server, Samen's side."""

    def __init__(self) -> None:
        self.state = WaState(
            phone_number_id=PHONE_NUMBER_ID,
            token=secrets.token_urlsafe(24),
            app_secret=secrets.token_urlsafe(24),
            templates=approved(),
        )
        self.webhook_port = _free_port()

    def mount(self, app: web.Application) -> None:
        app.add_subapp(API_PREFIX, create_app(self.state))
        app.router.add_get("/playground/api/whatsapp/updates", self._updates)

    def settings(self, server_url: str) -> dict[str, object]:
        return {
            "SAMEN_HTTP_PORT": self.webhook_port,
            "SAMEN_HTTP_HOST": "127.0.0.1",
            "WHATSAPP_TOKEN": self.state.token,
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_APP_SECRET": self.state.app_secret,
            "WHATSAPP_VERIFY_TOKEN": secrets.token_urlsafe(16),
            "WHATSAPP_API_URL": server_url + API_PREFIX,
        }

    def reset(self) -> None:
        self.state.reset()
        self.state.add_person(WIM.bsuid, WIM.first_name, WIM.wa_id)

    @asynccontextmanager
    async def running(
        self, app: SamenApplication, runtime: Runtime, stop: asyncio.Event
    ) -> AsyncIterator[None]:
        """Samen's WhatsApp side (webhook and messenger) while the bot runs."""
        channel = whatsapp_channel(app, runtime, stop)
        async with (
            http_server("127.0.0.1", self.webhook_port, channel.routes()),
            channel.running(),
        ):
            self.state.webhook_url = f"http://127.0.0.1:{self.webhook_port}/whatsapp"
            yield

    def describe(self) -> list[dict[str, Any]]:
        return [{**WIM.__dict__, "api": API_PREFIX}]

    async def _updates(self, request: web.Request) -> web.Response:
        """Long poll: Wim's chat entries after ``after`` (the page's WhatsApp phone)."""
        try:
            after = int(request.query.get("after", "0"))
            timeout = min(max(float(request.query.get("timeout", "25")), 0.0), 60.0)
        except ValueError:
            raise web.HTTPBadRequest(text="after and timeout must be numbers") from None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            person = self.state.people.get(WIM.bsuid)
            entries = person.entries[after:] if person is not None else []
            if entries or loop.time() >= deadline or self.state.closing:
                return web.json_response({"entries": entries})
            with contextlib.suppress(TimeoutError):
                await self.state.changed(deadline - loop.time())
