"""Check-ins at scale: 100,000 subscribers, one tick, and 3,000 check-ins due at once.

1. 100,000 residents subscribe at mixed days and times (08:00-20:55 local).
2. The tick's time to find what is due (the indexed query it starts with), timed at
   many moments spread over a week: p50 and p95. A full tick at a busy minute too.
3. The APScheduler jobs Samen starts, counted on a real Application's JobQueue.
4. 3,000 check-ins due at the same moment: the tick queues them and the real
   Messenger delivers them to the emulator (a subprocess, ``samen emulator
   --flood-limits``) at SAMEN_SEND_LIMIT. Figures from the emulator's /control/stats:
   the send rate, HTTP 429 responses, the most sends in any one second.
5. The peak memory (RSS) of this process.

    .venv/bin/python bench/checkins.py [--residents 100000] [--due 3000] [--port 8099]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram import Bot

from bot.app import build_application
from bot.clock import to_iso
from bot.config import load_settings
from bot.emulator.client import EmulatorClient
from bot.messenger import Messenger
from bot.runtime import Runtime
from bot.scheduler import start_ticks, ticks_for
from bot.services.care.schedule import EVERY_DAY, WEEKDAYS, next_slot

TOKEN = "123456789:BENCH-TOKEN"
FIRST_ID = 720_000_000
os.environ.setdefault("PTB_TIMEDELTA", "true")


class MovableClock:
    """The bench moves time to measure at many moments; the send phase uses real time."""

    def __init__(self) -> None:
        self.fixed: datetime | None = None

    def __call__(self) -> datetime:
        return self.fixed or datetime.now(UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def emulator_process(port: int) -> AsyncIterator[str]:
    """``samen emulator --flood-limits`` in its own process, so its memory is not ours."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "emulator",
        "--port",
        str(port),
        "--flood-limits",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        yield url
    finally:
        process.terminate()
        await process.wait()


async def populate(runtime: Runtime, residents: int, now: datetime) -> None:
    """Residents and their schedules, written in bulk (as years of sign-ups would)."""
    rng = random.Random(5)
    zone = runtime.settings.zone
    quiet = runtime.services.checkins.policy.quiet
    stamp = to_iso(now)
    people, subs = [], []
    for i in range(residents):
        telegram_id = FIRST_ID + i
        days = rng.choice((EVERY_DAY, EVERY_DAY, WEEKDAYS, rng.randint(1, EVERY_DAY)))
        while True:
            at = datetime(2026, 1, 1, rng.randint(8, 20), rng.randrange(0, 60, 5)).time()
            if not quiet.contains(at):
                break
        due = next_slot(days, at, zone, now)
        people.append((telegram_id, "P", rng.choice(("nl", "en")), 1, stamp, stamp, stamp))
        subs.append((telegram_id, days, at.strftime("%H:%M"), to_iso(due), stamp, stamp))
    async with runtime.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO residents (telegram_id, first_name, language, consent_version,"
            " consent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            people,
        )
        await conn.executemany(
            "INSERT INTO checkin_subscriptions (telegram_id, days, local_time, next_due,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            subs,
        )


async def time_find_due(runtime: Runtime, clock: MovableClock, start: datetime) -> list[float]:
    """The tick's first step, at 300 moments spread over a week."""
    timings = []
    for i in range(300):
        clock.fixed = start + timedelta(minutes=37 * i)
        began = time.perf_counter()
        await runtime.services.checkins.find_due()
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def count_jobs(runtime: Runtime) -> int:
    """Start Samen's ticks on a real Application's JobQueue and count the jobs."""
    app = build_application(runtime)
    assert app.job_queue is not None
    start_ticks(app.job_queue, ticks_for(runtime), runtime.monitor)
    return len(app.job_queue.jobs())


async def send_burst(runtime: Runtime, clock: MovableClock, url: str, due: int) -> dict[str, float]:
    """``due`` check-ins due at the same moment: tick, then the real messenger delivers."""
    async with EmulatorClient(url) as client:
        ids = [FIRST_ID + i for i in range(due)]
        for start in range(0, due, 200):
            await asyncio.gather(
                *(
                    client.add_user(i, first_name="P", started=True)
                    for i in ids[start : start + 200]
                )
            )
        clock.fixed = None
        moment = to_iso(datetime.now(UTC) - timedelta(seconds=5))
        await runtime.db.executemany(
            "UPDATE checkin_subscriptions SET next_due = ? WHERE telegram_id = ?",
            [(moment, i) for i in ids],
        )
        report = await runtime.services.checkins.tick()
        assert report.sent >= due, report
        rate = runtime.settings.send_limit
        bot = Bot(TOKEN, base_url=url + "/bot", base_file_url=url + "/file/bot")
        async with bot:
            messenger = Messenger(
                bot, runtime.services.outbox, runtime.services.residents, runtime.budget
            )
            stop = asyncio.Event()
            task = asyncio.create_task(messenger.run(stop))
            while True:
                row = await runtime.db.fetchone(
                    "SELECT COUNT(*) FROM outbox WHERE kind = 'checkin'"
                    " AND status IN ('pending', 'sending')"
                )
                if row is not None and row[0] == 0:
                    break
                await asyncio.sleep(0.5)
            stop.set()
            await task
        stats = await client.stats(send_times=True)
    times = sorted(t for t, _chat in stats.get("send_times", []))
    sent = len(times)
    achieved = (sent - 1) / (times[-1] - times[0]) if sent > 1 else 0.0
    return {
        "sent": sent,
        "send_rate": round(achieved, 2),
        "send_rate_ratio": round(achieved / rate, 3),
        "max_sends_in_1s": int(stats.get("max_sends_in_1s", 0)),
        "http_429": int(stats.get("http_429", 0)),
        "configured_rate": rate,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=3_000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    port = args.port or free_port()
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=f"http://127.0.0.1:{port}",
            SAMEN_DATABASE=Path(folder) / "bench.sqlite3",
        )
        clock = MovableClock()
        # A month ahead, so in the send phase (real time) only the burst is due.
        start = datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0)
        start += timedelta(days=30)
        clock.fixed = start
        runtime = await Runtime.open(settings, clock)
        try:
            began = time.perf_counter()
            await populate(runtime, args.residents, start)
            print(f"{args.residents} residents subscribed in {time.perf_counter() - began:.1f} s")
            find_ms = await time_find_due(runtime, clock, start)
            p50 = statistics.median(find_ms)
            p95 = statistics.quantiles(find_ms, n=20)[-1]
            print(f"find what is due: p50 {p50:.2f} ms, p95 {p95:.2f} ms (300 moments)")
            clock.fixed = start + timedelta(hours=2)
            await runtime.services.checkins.tick()  # catch up to mid-morning, not timed
            tick_ms_list, queued = [], 0
            for _minute in range(30):  # then a tick a minute, as in production
                clock.fixed += timedelta(minutes=1)
                began = time.perf_counter()
                queued += (await runtime.services.checkins.tick()).sent
                tick_ms_list.append((time.perf_counter() - began) * 1000)
            tick_ms = max(tick_ms_list)
            print(
                f"full ticks, once a minute for 30 minutes: {queued} check-ins queued,"
                f" slowest tick {tick_ms:.0f} ms"
            )
            await runtime.db.execute("DELETE FROM outbox")  # they are due a month from now
            jobs = count_jobs(runtime)
            print(f"APScheduler jobs: {jobs}")
            async with emulator_process(port) as url:
                burst = await send_burst(runtime, clock, url, args.due)
            print(
                f"{burst['sent']} check-ins sent at {burst['send_rate']}/s"
                f" (configured {burst['configured_rate']}/s, ratio {burst['send_rate_ratio']}),"
                f" max {burst['max_sends_in_1s']} in one second, {burst['http_429']} HTTP 429"
            )
        finally:
            await runtime.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")
    print(
        json.dumps(
            {
                "residents": args.residents,
                "tick_ms_p50": round(p50, 2),
                "tick_ms_p95": round(p95, 2),
                "full_tick_ms_max": round(tick_ms, 1),
                "full_ticks_queued": queued,
                "scheduler_jobs": jobs,
                "peak_rss_mb": round(peak_mb, 1),
                "send_rate_ratio": burst["send_rate_ratio"],
                "max_sends_in_1s": burst["max_sends_in_1s"],
                "http_429": burst["http_429"],
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
