"""The local WhatsApp Cloud API emulator: Graph API for Samen, control API for tests.

Like the Telegram emulator it binds to loopback only and refuses other sites' requests.
Samen sends to ``<url>/{version}/{phone_number_id}/messages``; people act through
``/control/*``; what they do is POSTed to Samen's webhook, signed with the app secret in
``X-Hub-Signature-256`` as Meta signs it, until Samen answers 2xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from bot.emulator.server import check_loopback, loopback_only
from bot.emulator.whatsapp.graph import (
    MAX_MEDIA,
    STATE,
    download_media,
    json_response,
    phone_number,
    send_message,
    upload_media,
)
from bot.emulator.whatsapp.people import ACTIONS, ControlError
from bot.emulator.whatsapp.rules import JSON, Templates
from bot.emulator.whatsapp.state import WaState

SIGNATURE_HEADER = "X-Hub-Signature-256"
RETRY_AFTER_ERROR_S = 0.5


def signature(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


async def push_webhooks(state: WaState, session: aiohttp.ClientSession) -> None:
    """Deliver queued webhooks in order; one leaves the queue only when Samen said 2xx."""
    while not state.closing:
        if not state.webhook_url or not state.webhooks:
            await state.changed(1.0)
            continue
        body = json.dumps(state.webhooks[0], ensure_ascii=False).encode()
        headers = {
            SIGNATURE_HEADER: signature(state.app_secret, body),
            "Content-Type": "application/json",
        }
        try:
            async with session.post(state.webhook_url, data=body, headers=headers) as answer:
                delivered = 200 <= answer.status < 300
        except (aiohttp.ClientError, TimeoutError):
            delivered = False
        if delivered:
            state.webhooks.popleft()
        else:
            await asyncio.sleep(RETRY_AFTER_ERROR_S)


async def _pusher(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        task = asyncio.create_task(push_webhooks(app[STATE], session))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _control(
    action: Callable[[WaState, JSON], Any],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def route(request: web.Request) -> web.Response:
        try:
            body = await request.json() if request.can_read_body else {}
            return json_response(action(request.app[STATE], body))
        except (ControlError, KeyError, ValueError, TypeError) as error:
            return json_response({"error": str(error)}, 400)

    return route


def _number(request: web.Request, key: str, default: float) -> float:
    try:
        return float(request.query.get(key, default))
    except ValueError:
        raise web.HTTPBadRequest(text=f"{key} must be a number") from None


async def chat_wait(request: web.Request) -> web.Response:
    """Entries of one chat after ``after``; waits up to ``timeout`` s for one to come."""
    state = request.app[STATE]
    after = int(_number(request, "after", 0))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + min(max(_number(request, "timeout", 0.0), 0.0), 120.0)
    while True:
        person = state.people.get(request.match_info["user"])
        entries = [] if person is None else person.entries[after:]
        if entries or loop.time() >= deadline or state.closing:
            return json_response(entries)
        await state.changed(deadline - loop.time())


async def violations(request: web.Request) -> web.Response:
    return json_response(request.app[STATE].violations)


async def stats(request: web.Request) -> web.Response:
    return json_response(request.app[STATE].stats())


def create_app(state: WaState) -> web.Application:
    app = web.Application(client_max_size=MAX_MEDIA + 1024 * 1024, middlewares=[loopback_only])
    app[STATE] = state
    app.router.add_post("/{version}/{phone_number_id}/messages", send_message)
    app.router.add_post("/{version}/{phone_number_id}/media", upload_media)
    app.router.add_get("/{version}/{phone_number_id}", phone_number)
    app.router.add_get("/control/media/{media_id}", download_media)
    for name, action in ACTIONS.items():
        app.router.add_post(f"/control/{name}", _control(action))
    app.router.add_get("/control/chats/{user}/messages", chat_wait)
    app.router.add_get("/control/violations", violations)
    app.router.add_get("/control/stats", stats)
    app.cleanup_ctx.append(_pusher)
    return app


class WhatsAppEmulator:
    """Run the emulator on loopback for the duration of an ``async with`` block."""

    def __init__(
        self,
        templates: Templates,
        *,
        phone_number_id: str = "100000000000001",
        token: str = "emulator-token",
        app_secret: str = "emulator-app-secret",
        host: str = "127.0.0.1",
        port: int = 0,
        **realism: Any,
    ) -> None:
        check_loopback(host)
        self.host, self.port = host, port
        self.state = WaState(
            phone_number_id=phone_number_id,
            token=token,
            app_secret=app_secret,
            templates=templates,
        )
        self.state.configure(**realism)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def __aenter__(self) -> WhatsAppEmulator:
        self.state.closing = False
        runner = web.AppRunner(create_app(self.state), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.state.closing = True
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
