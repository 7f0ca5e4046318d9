"""How fast Samen answers, next to a bare PTB echo bot on the same emulator.

Both bots run in this process against the Bot API emulator in a subprocess.
For each bot: a warm-up round gives every simulated person a message with
buttons; the bot stops; the measured batch of updates (menu navigation and
my data for Samen, texts and button presses for the echo bot) is queued; the
bot starts again and works through it. Throughput is updates over the time from
the first update handled to the last reply sent. Samen's own time per update
runs from the moment PTB hands it the update to the moment its first reply
request leaves (so the emulator's and the network's time is not counted).

    .venv/bin/python bench/updates.py [--users 40] [--rounds 5]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, TypeHandler, filters
from telegram.request import HTTPXRequest, RequestData

from bot.app import build_application, poll_until
from bot.config import load_settings
from bot.emulator.client import EmulatorClient
from bot.runtime import Runtime

TOKEN = "123456789:BENCH-TOKEN"
FIRST_USER = 710_000_000


class Probe:
    """Timestamps of the updates handled and the first request each one sent."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.started: float | None = None
        self.first: float | None = None
        self.last_send = 0.0
        self.handled = 0
        self.own_ms: list[float] = []

    async def on_update(self, update: object, context: object) -> None:
        now = time.perf_counter()
        self.started = now
        self.first = self.first or now
        self.handled += 1

    def on_request(self) -> None:
        now = time.perf_counter()
        self.last_send = now
        if self.started is not None:
            self.own_ms.append((now - self.started) * 1000)
            self.started = None


class TimedRequest(HTTPXRequest):
    """PTB's HTTP client, noting when a reply request leaves (getUpdates excluded)."""

    def __init__(self, probe: Probe) -> None:
        super().__init__(connection_pool_size=8)
        self._probe = probe

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if not url.endswith(("/getUpdates", "/getMe", "/setMyCommands", "/deleteWebhook")):
            self._probe.on_request()
        return await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_emulator(port: int) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "emulator",
        "--port",
        str(port),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    for _ in range(200):
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
            return process
        await asyncio.sleep(0.05)
    process.kill()
    raise SystemExit("the emulator did not start")


Runner = Callable[[asyncio.Event], Awaitable[None]]


async def run_phase(runner: Runner, probe: Probe, expected: int) -> None:
    """Run a bot until it has handled ``expected`` updates and sent its last reply."""
    stop = asyncio.Event()
    task = asyncio.create_task(runner(stop))
    deadline = time.perf_counter() + 300
    while probe.handled < expected:
        if task.done() or time.perf_counter() > deadline:
            stop.set()
            await task
            raise SystemExit(f"handled only {probe.handled} of {expected} updates")
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.5)  # let the last replies leave
    stop.set()
    await task


async def queue(client: EmulatorClient, actions: list[Callable[[], Awaitable[object]]]) -> None:
    for start in range(0, len(actions), 50):
        await asyncio.gather(*(act() for act in actions[start : start + 50]))


async def bot_message_ids(client: EmulatorClient, users: list[int]) -> dict[int, int]:
    """Each user's latest bot message that has inline buttons."""
    found: dict[int, int] = {}
    for user in users:
        for entry in await client.transcript(user):
            if entry.get("direction") == "out" and (entry.get("reply_markup") or {}).get(
                "inline_keyboard"
            ):
                found[user] = int(entry["message_id"] or 0)
    return found


async def measure_samen(client: EmulatorClient, url: str, users: list[int], rounds: int) -> Probe:
    probe = Probe()
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=url,
            SAMEN_DATABASE=Path(folder) / "bench.sqlite3",
        )
        runtime = await Runtime.open(settings)
        try:
            for user in users:
                await client.add_user(user, first_name="Bench", language_code="nl")
                await runtime.services.residents.give_consent(user, "Bench", "nl")

            async def runner(stop: asyncio.Event) -> None:
                app = build_application(runtime, request=TimedRequest(probe))
                # Before bot.app's own counter (group -2): PTB runs one handler per group.
                app.add_handler(TypeHandler(Update, probe.on_update), group=-3)
                await poll_until(app, runtime, stop)

            await queue(client, [lambda u=u: client.send_text(u, "/mydata") for u in users])
            await run_phase(runner, probe, len(users))
            messages = await bot_message_ids(client, users)
            actions: list[Callable[[], Awaitable[object]]] = []
            for _ in range(rounds):
                for u in users:
                    m = messages[u]
                    actions += [
                        lambda u=u: client.send_text(u, "/menu"),
                        lambda u=u: client.send_text(u, "📋 Mijn gegevens"),
                        lambda u=u, m=m: client.press(u, m, callback_data="my:stop", forge=True),
                        lambda u=u, m=m: client.press(u, m, callback_data="my:start", forge=True),
                        lambda u=u: client.send_text(u, "❓ Hulp"),
                        lambda u=u: client.send_text(u, "hallo"),
                    ]
            await queue(client, actions)
            probe.reset()
            await run_phase(runner, probe, len(actions))
        finally:
            await runtime.close()
    return probe


async def measure_echo(client: EmulatorClient, url: str, users: list[int], rounds: int) -> Probe:
    probe = Probe()

    async def echo(update: Update, context: Any) -> None:
        assert update.message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("again", callback_data="again")]])
        await update.message.reply_text(update.message.text or "?", reply_markup=keyboard)

    async def pressed(update: Update, context: Any) -> None:
        assert update.callback_query is not None and update.effective_chat is not None
        await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, "pressed")

    async def runner(stop: asyncio.Event) -> None:
        app = (
            Application.builder()
            .token(TOKEN)
            .base_url(url + "/bot")
            .base_file_url(url + "/file/bot")
            .request(TimedRequest(probe))
            .build()
        )
        app.add_handler(TypeHandler(Update, probe.on_update), group=-3)
        app.add_handler(MessageHandler(filters.TEXT, echo))
        app.add_handler(CallbackQueryHandler(pressed))
        async with app:
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=10)
            await app.start()
            await stop.wait()
            await app.updater.stop()
            await app.stop()

    for user in users:
        await client.add_user(user, first_name="Bench", language_code="nl")
    await queue(client, [lambda u=u: client.send_text(u, "hi") for u in users])
    await run_phase(runner, probe, len(users))
    messages = await bot_message_ids(client, users)
    actions: list[Callable[[], Awaitable[object]]] = []
    for _ in range(rounds):
        for u in users:
            m = messages[u]
            actions += [
                lambda u=u: client.send_text(u, "/menu"),
                lambda u=u: client.send_text(u, "📋 Mijn gegevens"),
                lambda u=u, m=m: client.press(u, m, callback_data="again"),
                lambda u=u, m=m: client.press(u, m, callback_data="again"),
                lambda u=u: client.send_text(u, "❓ Hulp"),
                lambda u=u: client.send_text(u, "hallo"),
            ]
    await queue(client, actions)
    probe.reset()
    await run_phase(runner, probe, len(actions))
    return probe


def rate(probe: Probe) -> float:
    assert probe.first is not None
    return probe.handled / (probe.last_send - probe.first)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    emulator = await start_emulator(port)
    try:
        async with EmulatorClient(url) as client:
            users = [FIRST_USER + i for i in range(args.users)]
            samen = await measure_samen(client, url, users, args.rounds)
            violations = await client.violations()
            await client.reset()
            echo = await measure_echo(client, url, users, args.rounds)
    finally:
        emulator.terminate()
        await asyncio.wait_for(emulator.wait(), 10)

    figures = {
        "updates": samen.handled,
        "samen_updates_per_s": round(rate(samen), 1),
        "echo_updates_per_s": round(rate(echo), 1),
        "ratio": round(rate(samen) / rate(echo), 3),
        "own_ms_p50": round(percentile(samen.own_ms, 50), 2),
        "own_ms_p95": round(percentile(samen.own_ms, 95), 2),
        "emulator_violations": len(violations),
    }
    print(f"updates per bot:      {samen.handled}")
    print(f"Samen:                {figures['samen_updates_per_s']} updates/s")
    print(f"echo bot:             {figures['echo_updates_per_s']} updates/s")
    print(f"ratio:                {figures['ratio']} (target >= 0.5)")
    print(f"Samen own time p50:   {figures['own_ms_p50']} ms")
    print(f"Samen own time p95:   {figures['own_ms_p95']} ms (target <= 20 ms)")
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
