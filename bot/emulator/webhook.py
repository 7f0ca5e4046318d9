"""The emulator's webhook delivery: like Telegram, it POSTs each update to the bot.

After ``setWebhook`` the emulator stops answering ``getUpdates`` (409, as Telegram does)
and sends the queued updates one at a time, in order, with the secret in
``X-Telegram-Bot-Api-Secret-Token``. An update leaves the queue only when the bot answered
2xx; otherwise it is tried again and ``getWebhookInfo`` shows the last error.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import aiohttp
from aiohttp import web

from bot.emulator.state import EmulatorState

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_AFTER_ERROR_S = 0.5
IDLE_WAIT_S = 1.0


async def push_updates(state: EmulatorState, session: aiohttp.ClientSession) -> None:
    """Deliver queued updates to the webhook until cancelled."""
    while not state.closing:  # closing: wait_for_update no longer waits
        if not state.webhook_url or not state.updates:
            await state.wait_for_update(IDLE_WAIT_S)
            continue
        update = state.peek_updates(1)[0]
        headers = {SECRET_HEADER: state.webhook_secret} if state.webhook_secret else {}
        try:
            async with session.post(state.webhook_url, json=update, headers=headers) as answer:
                delivered = 200 <= answer.status < 300
                error = f"Wrong response from the webhook: {answer.status} {answer.reason}"
        except (aiohttp.ClientError, TimeoutError) as failure:
            delivered, error = False, f"Connection failed: {type(failure).__name__}"
        if delivered:
            state.confirm_updates(int(update["update_id"]) + 1)
            state.webhook_last_error = ""
        else:
            state.webhook_last_error = error
            await asyncio.sleep(RETRY_AFTER_ERROR_S)


def webhook_pusher(
    state: EmulatorState,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """An aiohttp cleanup context: the pusher runs as long as the emulator does."""

    async def running(_app: web.Application) -> AsyncIterator[None]:
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            task = asyncio.create_task(push_updates(state, session))
            yield
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return running
