"""Webhook mode: Telegram POSTs updates to Samen's HTTP server instead of being polled.

The secret comes from ``SAMEN_WEBHOOK_SECRET`` or is made once and kept in the database,
so a restart keeps the same URL. The path is derived from the secret (not guessable),
and every request must also carry the secret in ``X-Telegram-Bot-Api-Secret-Token``;
anything else gets 403 and never reaches the handlers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.httpserver import Route
from bot.service_state import ServiceState
from bot.telegram_request import update_of

log = logging.getLogger("samen.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_KEY = "webhook.secret"


async def webhook_secret(configured: str, state: ServiceState) -> str:
    """The configured secret, else the one kept in the database (made on first use)."""
    if configured:
        return configured
    kept = await state.get(SECRET_KEY)
    if kept is None:
        kept = secrets.token_urlsafe(32)  # letters, digits, - and _: what Telegram allows
        await state.put(SECRET_KEY, kept)
    return kept


def webhook_path(secret: str) -> str:
    digest = hashlib.sha256(b"samen-webhook-path:" + secret.encode()).hexdigest()
    return f"/telegram/{digest[:40]}"


def webhook_route(
    app: Application[Any, Any, Any, Any, Any, Any],
    secret: str,
    accepting: Callable[[], bool],
) -> Route:
    """POST route for Telegram's updates; while stopping it answers 503 so Telegram
    keeps the update and tries again (after the restart) instead of losing it."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        if not accepting():
            return web.Response(status=503, text="stopping\n")
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook: request without the right secret refused")
            return web.Response(status=403, text="forbidden\n")
        try:
            data = json.loads(await request.read())
            update = update_of(data, app.bot)  # one PTB cannot read is skipped, not retried
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not an update\n")
        await app.update_queue.put(update)
        return web.Response(text="ok\n")

    return ("POST", webhook_path(secret), receive)
