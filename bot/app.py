"""Assembles the PTB Application and runs it: the only place that knows both sides."""

from __future__ import annotations

import asyncio
import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, TypeHandler
from telegram.request import BaseRequest

import handlers
from bot.channels.telegram.context import BotData, SamenContext
from bot.channels.telegram.handler import install
from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.chat.menu import menu_label_index
from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.delivery import run_messenger
from bot.httpserver import Route, http_server, operator_routes
from bot.i18n import N_
from bot.messenger import Messenger
from bot.runlock import run_lock
from bot.runtime import Runtime
from bot.scheduler import start_ticks, ticks_for
from bot.systemd import keep_watchdog_fed, notify
from bot.telegram_request import MonitoredRequest
from bot.webhook import webhook_route, webhook_secret
from handlers.commands import localised
from handlers.errors import went_wrong

log = logging.getLogger("samen")

SamenApplication = Application[Any, SamenContext, Any, Any, BotData, Any]

COMMANDS = (
    ("start", N_("Start Samen")),
    ("menu", N_("Show the buttons")),
    ("mydata", N_("What Samen stores about you")),
    ("language", N_("Choose another language")),
    ("privacy", N_("The privacy text")),
    ("weekly", N_("A call every week")),
    ("help", N_("How Samen works")),
)


def build_application(runtime: Runtime, request: BaseRequest | None = None) -> SamenApplication:
    """One Application, wired to an open runtime; handlers in their documented order.

    ``request`` replaces PTB's HTTP client for Bot API calls (benchmarks time it).
    """
    settings = runtime.settings
    builder = ApplicationBuilder()
    if request is not None:
        builder = builder.request(request)
    else:
        builder = builder.request(
            MonitoredRequest(
                runtime.monitor,
                runtime.budget,
                runtime.shown_choices,
                connection_pool_size=256,
            )
        ).get_updates_request(MonitoredRequest(runtime.monitor, connection_pool_size=1))
    app: SamenApplication = (
        builder.token(settings.telegram_bot_token)
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_api_file_url)
        .context_types(ContextTypes(context=SamenContext, bot_data=BotData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                tzinfo=settings.zone,
            )
        )
        .concurrent_updates(False)
        .build()
    )
    app.bot_data.runtime = runtime
    app.bot_data.menu_index = menu_label_index(runtime.catalogs)
    app.add_handler(TypeHandler(Update, _count_update), group=-2)
    install(app, handlers.converted_journeys(app.bot_data.menu_index), went_wrong)
    return app


async def _count_update(update: Update, ctx: SamenContext) -> None:
    """Counted before anything else looks at it; the kind only, never who or what."""
    kinds = ("message", "edited_message", "callback_query", "my_chat_member", "inline_query")
    kind = next((k for k in kinds if getattr(update, k, None) is not None), "other")
    ctx.runtime.monitor.updates.labels(kind).inc()


async def publish_commands(app: SamenApplication, runtime: Runtime) -> None:
    """The command list Telegram shows under "/", in each language, with its own names."""
    default = runtime.settings.default_language
    for language in (None, *runtime.catalogs.languages):
        t = runtime.catalogs.get(language or default)
        await app.bot.set_my_commands(
            [
                BotCommand(localised(name, t.language), t._(description))
                for name, description in COMMANDS
            ],
            language_code=language,
        )


async def serve(settings: Settings, stop: asyncio.Event, clock: Clock = utc_now) -> None:
    """Run Samen until ``stop`` is set (polling, or webhook mode when SAMEN_WEBHOOK_URL is
    set), with the operator's HTTP server; everything is closed on the way out.

    Raises AlreadyRunning, before touching the database, when another process runs
    Samen on it.
    """
    with run_lock(settings.database):
        runtime = await Runtime.open(settings, clock)
        try:
            await _serve_runtime(runtime, stop)
        finally:
            await runtime.close()


async def _serve_runtime(runtime: Runtime, stop: asyncio.Event) -> None:
    settings = runtime.settings
    app = build_application(runtime)
    webhook = None
    if settings.webhook_url:
        secret = await webhook_secret(settings.webhook_secret, runtime.state)
        route = webhook_route(app, secret, accepting=lambda: not stop.is_set())
        webhook = Webhook(settings.webhook_url + route[1], secret, route)
    if settings.http_port == 0:
        await run_until(app, runtime, stop)
        return
    routes = operator_routes(runtime, polling=webhook is None)
    if webhook is not None:
        routes.append(webhook.route)
    async with AsyncExitStack() as whatsapp_running:
        if settings.whatsapp_enabled:
            whatsapp = whatsapp_channel(app, runtime, stop)
            routes += whatsapp.routes()
            await whatsapp_running.enter_async_context(whatsapp.running())
        async with http_server(settings.http_host, settings.http_port, routes):
            await run_until(app, runtime, stop, webhook)


def whatsapp_channel(
    app: SamenApplication, runtime: Runtime, stop: asyncio.Event
) -> WhatsAppChannel:
    """WhatsApp beside Telegram: the same journeys, its webhook on Samen's HTTP server."""
    journeys = handlers.converted_journeys(app.bot_data.menu_index)
    return WhatsAppChannel(runtime, journeys, accepting=lambda: not stop.is_set())


@dataclass(frozen=True)
class Webhook:
    url: str  # public, with the secret path
    secret: str
    route: Route


async def poll_until(app: SamenApplication, runtime: Runtime, stop: asyncio.Event) -> None:
    """Run with long polling until ``stop`` (the playground and benchmarks)."""
    await run_until(app, runtime, stop)


async def run_until(
    app: SamenApplication, runtime: Runtime, stop: asyncio.Event, webhook: Webhook | None = None
) -> None:
    """Start receiving updates, wait for ``stop``, then stop (PTB's order). Updates
    already received are handled before the stop completes."""
    async with app:
        await publish_commands(app, runtime)
        assert app.updater is not None
        await app.start()
        if webhook is None:
            await app.updater.start_polling(
                poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES
            )
        else:
            await app.bot.set_webhook(
                webhook.url, secret_token=webhook.secret, allowed_updates=Update.ALL_TYPES
            )
        assert app.job_queue is not None
        start_ticks(app.job_queue, ticks_for(runtime), runtime.monitor)
        messenger_stop = asyncio.Event()
        messenger = asyncio.create_task(
            run_messenger(
                Messenger(
                    app.bot,
                    runtime.services.outbox,
                    runtime.services.residents,
                    runtime.budget,
                    runtime.monitor,
                ),
                messenger_stop,
            )
        )
        watchdog = asyncio.create_task(keep_watchdog_fed(runtime.monitor, messenger_stop))
        notify("READY=1")
        log.info("Samen is running as @%s", app.bot.username)
        try:
            await stop.wait()
        finally:
            notify("STOPPING=1")
            if webhook is None:
                await app.updater.stop()
            messenger_stop.set()
            await messenger
            await watchdog
            await app.stop()
            # Graceful stop: anything still marked in flight goes back to the queue now,
            # rather than waiting for the next start's recovery.
            await runtime.services.outbox.recover()
