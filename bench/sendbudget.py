"""One send budget: a broadcast to 10,000 residents while 20 of them chat.

The real Samen (Application, handlers, messenger, request layer) polls the emulator with
Telegram's flood limits on (30 per second per bot, a burst of 3 per chat). A broadcast to
every resident is queued; meanwhile 20 of them each send /help every 3 to 8 seconds and
wait for the answer. Figures:

- total_max_in_1s: the most sends and edits the emulator saw in any one second (<= 30);
- http_429: requests the emulator refused for flooding (0);
- reply_ms_p95: 95th percentile from a resident's /help to Samen's answer (<= 1000);
- budget_ratio: slots handed out (replies and bulk) per second while the broadcast was
  waiting for one, divided by SAMEN_SEND_LIMIT (>= 0.9: bulk takes what replies leave).

    .venv/bin/python bench/sendbudget.py [--recipients 10000] [--chatters 20]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import dataclasses
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.app import build_application, poll_until
from bot.config import load_settings
from bot.emulator.client import EmulatorClient, Entry
from bot.runtime import Runtime
from bot.sendbudget import Priority, SendBudget

sys.path.insert(0, str(Path(__file__).parent))
from broadcast import FIRST, TOKEN, seed
from updates import free_port, start_emulator

HELP_ANSWER = "Hoe Samen werkt"
ANNOUNCEMENT = "Week van de Ontmoeting"


def is_broadcast(entry: Entry) -> bool:
    return entry.get("direction") == "out" and ANNOUNCEMENT in (entry.get("text") or "")


def is_help_answer(entry: Entry) -> bool:
    return entry.get("direction") == "out" and HELP_ANSWER in (entry.get("text") or "")


class TimedBudget(SendBudget):
    """The budget, noting when each slot was given and when bulk was waiting for one."""

    def __init__(self, limit: float) -> None:
        super().__init__(limit)
        self.given: list[float] = []
        self.bulk_waiting: list[tuple[float, float]] = []  # (asked, given) per bulk slot

    async def take(self, priority: Priority) -> None:
        loop = asyncio.get_running_loop()
        asked = loop.time()
        await super().take(priority)
        given = loop.time()
        self.given.append(given)
        if priority is Priority.BULK:
            self.bulk_waiting.append((asked, given))

    def ratio_while_bulk_waited(self) -> float:
        """Slots given per second inside the spans bulk waited, over the limit."""
        spans = merged(self.bulk_waiting)
        starts = [start for start, _end in spans]
        waited = sum(end - start for start, end in spans)
        inside = 0
        for t in self.given:
            i = bisect.bisect_left(starts, t) - 1  # the last span starting before t
            inside += i >= 0 and t <= spans[i][1]
        return inside / waited / self.limit if waited else 0.0


def merged(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping (start, end) spans joined, in order."""
    out: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


async def chat(client: EmulatorClient, user_id: int, done: asyncio.Event) -> list[float]:
    """/help every 3 to 8 seconds until ``done``; milliseconds until each answer."""
    waits: list[float] = []
    rng = random.Random(user_id)
    while not done.is_set():
        after = await client.last_seq(user_id)
        asked = time.perf_counter()
        await client.send_text(user_id, "/help")
        await client.wait_for(user_id, after=after, predicate=is_help_answer, timeout=60)
        waits.append((time.perf_counter() - asked) * 1000)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), rng.uniform(3.0, 8.0))
    return waits


async def broadcast_done(runtime: Runtime, expected: int) -> None:
    while True:
        counts = await runtime.services.outbox.counts("broadcast:1")
        if sum(counts.get(s, 0) for s in ("sent", "failed", "blocked")) >= expected:
            return
        await asyncio.sleep(0.5)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


async def run(url: str, client: EmulatorClient, recipients: int, chatters: int) -> dict[str, Any]:
    await client.reset()
    await client.configure(flood_limits=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.sqlite3"
        queued = await seed(path, client, recipients)
        settings = load_settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=url,
            SAMEN_DATABASE=path,
            SAMEN_HTTP_PORT=0,
        )
        runtime = await Runtime.open(settings)
        budget = TimedBudget(settings.send_limit)
        runtime = dataclasses.replace(runtime, budget=budget)
        stop, done = asyncio.Event(), asyncio.Event()
        samen = asyncio.create_task(poll_until(build_application(runtime), runtime, stop))
        # Measured from the broadcast's first message, so start-up is not in the figures.
        await client.wait_for(FIRST, predicate=is_broadcast, timeout=60)
        started = time.perf_counter()
        talking = [asyncio.create_task(chat(client, FIRST + n, done)) for n in range(chatters)]
        try:
            await broadcast_done(runtime, queued)
            took = time.perf_counter() - started
        finally:
            done.set()
            waits = [w for task in talking for w in await task]
            stop.set()
            await samen
            await runtime.close()
    stats = await client.stats()
    return {
        "recipients": queued,
        "chatters": chatters,
        "replies": len(waits),
        "broadcast_s": round(took, 1),
        "bulk_per_s": round(queued / took, 1),
        "send_limit": settings.send_limit,
        "total_max_in_1s": stats["max_sends_in_1s"],
        "http_429": stats["http_429"],
        "reply_ms_p50": round(percentile(waits, 0.5)),
        "reply_ms_p95": round(percentile(waits, 0.95)),
        "budget_ratio": round(budget.ratio_while_bulk_waited(), 3),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--chatters", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    emulator = await start_emulator(port)
    try:
        async with EmulatorClient(url) as client:
            figures = await run(url, client, args.recipients, args.chatters)
    finally:
        emulator.terminate()
        await asyncio.wait_for(emulator.wait(), 10)
    f = figures
    print(
        f"{f['recipients']} recipients in {f['broadcast_s']} s ({f['bulk_per_s']}/s) while"
        f" {f['chatters']} residents asked {f['replies']} times"
    )
    print(f"most sends in one second: {f['total_max_in_1s']} (<= 30); 429s: {f['http_429']}")
    print(f"answers: p50 {f['reply_ms_p50']} ms, p95 {f['reply_ms_p95']} ms (<= 1000)")
    print(f"budget used while bulk waited: {f['budget_ratio']} x the limit (>= 0.9)")
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
