"""Broadcast delivery against the emulator: pace under flood limits, raw capacity, crash.

1. Flood limits on (Telegram's 30/s): 10,000 recipients through the real
   Messenger at SAMEN_SEND_LIMIT (default 28/s): achieved rate / pace, the most
   sends in any one second, and the 429s.
2. Limits off and no pacing: the messenger's raw capacity, and the database
   time (claiming and recording outbox rows) per delivered message.
3. Crash: `samen run` in a subprocess delivers a 5,000-recipient broadcast, is
   killed with SIGKILL at a random moment, and started again; every recipient is
   counted in the emulator: lost (none delivered) and duplicated (more than one).
4. Faults: `samen run` delivers a 500-recipient broadcast while the emulator
   answers 30% of sends with a server error and lets 5% time out after delivering:
   the time-outs, the second copies they caused (timeout_duplicates, at most one
   per time-out), the recipients given up on, and whether the coordinator's
   progress message ends on the final report.

    .venv/bin/python bench/broadcast.py [--recipients 10000] [--crash-recipients 5000]
                                        [--fault-recipients 500]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from telegram import Bot

from bot.clock import utc_now
from bot.db import Database
from bot.delivery import BATCH
from bot.emulator.client import EmulatorClient
from bot.messenger import Messenger
from bot.person_ids import Channel
from bot.sendbudget import SendBudget
from bot.services import Services
from bot.services.broadcasts import Audience, AudienceKind
from bot.services.outbox import Outbox

sys.path.insert(0, str(Path(__file__).parent))
from updates import free_port, start_emulator

TOKEN = "123456789:BENCH-TOKEN"
AUTHOR = 999_000_001
FIRST = 720_000_000


class TimedOutbox(Outbox):
    """The outbox, adding up the time spent claiming and recording rows."""

    db_seconds = 0.0

    async def claim_due(self, limit: int, channel: Channel = Channel.TELEGRAM):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return await super().claim_due(limit, channel)
        finally:
            TimedOutbox.db_seconds += time.perf_counter() - start

    async def record(self, results):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return await super().record(results)
        finally:
            TimedOutbox.db_seconds += time.perf_counter() - start


async def seed(path: Path, client: EmulatorClient, recipients: int) -> int:
    """Residents who agreed, a coordinator, and a queued broadcast to all of them."""
    db = await Database.open(path)
    await db.migrate()
    services = Services.create(db, utc_now)
    now = "2026-01-01T00:00:00Z"
    await db.executemany(
        "INSERT INTO residents (telegram_id, first_name, language, consent_version, consent_at,"
        " created_at, updated_at) VALUES (?, 'Bench', 'nl', 1, ?, ?, ?)",
        [(FIRST + i, now, now, now) for i in range(recipients)],
    )
    for start in range(0, recipients, 500):
        await asyncio.gather(
            *(
                client.add_user(FIRST + i, started=True)
                for i in range(start, min(recipients, start + 500))
            )
        )
    await client.add_user(AUTHOR, first_name="Coen", language_code="nl", started=True)
    draft = await services.broadcasts.draft(AUTHOR, "nl", "Week van de Ontmoeting!", None)
    await services.broadcasts.set_audience(draft.id, Audience(AudienceKind.ALL))
    queued = await services.broadcasts.send_now(draft.id, AUTHOR)
    await db.close()
    return queued


async def deliver_all(url: str, path: Path, rate: float, expected: int) -> float:
    """Run the real Messenger until ``expected`` broadcast messages are out; seconds taken."""
    db = await Database.open(path)
    services = Services.create(db, utc_now)
    outbox = TimedOutbox(db, utc_now)
    bot = Bot(TOKEN, base_url=url + "/bot", base_file_url=url + "/file/bot")
    stop = asyncio.Event()
    async with bot:
        messenger = Messenger(bot, outbox, services.residents, SendBudget(rate))
        started = time.perf_counter()
        task = asyncio.create_task(messenger.run(stop))
        while True:
            counts = await outbox.counts("broadcast:1")
            if (
                counts.get("sent", 0) + counts.get("failed", 0) + counts.get("blocked", 0)
                >= expected
            ):
                break
            if task.done():
                raise SystemExit("the messenger stopped")
            await asyncio.sleep(0.2)
        took = time.perf_counter() - started
        stop.set()
        await task
    await db.close()
    return took


async def paced(url: str, client: EmulatorClient, recipients: int, rate: float) -> dict[str, float]:
    await client.reset()
    await client.configure(flood_limits=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.sqlite3"
        queued = await seed(path, client, recipients)
        took = await deliver_all(url, path, rate, queued)
    stats = await client.stats()
    achieved = queued / took
    return {
        "rate_ratio": round(achieved / rate, 3),
        "achieved_per_s": round(achieved, 1),
        "max_sends_in_1s": stats["max_sends_in_1s"],
        "http_429": stats["http_429"],
    }


async def raw(url: str, client: EmulatorClient, recipients: int) -> dict[str, float]:
    await client.reset()
    await client.configure(flood_limits=False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.sqlite3"
        queued = await seed(path, client, recipients)
        TimedOutbox.db_seconds = 0.0
        took = await deliver_all(url, path, 100_000.0, queued)
    return {
        "raw_sends_per_s": round(queued / took, 1),
        "db_ms_per_message": round(TimedOutbox.db_seconds * 1000 / queued, 3),
    }


class SamenRun:
    """`samen run` in a subprocess against the emulator, its log in ``folder``."""

    def __init__(self, url: str, path: Path, rate: float, folder: Path) -> None:
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": url,
            "SAMEN_DATABASE": str(path),
            "SAMEN_SEND_LIMIT": str(rate),
            "SAMEN_HTTP_PORT": "0",
        }
        self.log = folder / "bot.log"

    async def start(self) -> asyncio.subprocess.Process:
        with self.log.open("ab") as sink:
            return await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", env=self.env, stdout=sink, stderr=sink
            )

    def check(self, process: asyncio.subprocess.Process) -> None:
        if process.returncode is not None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise SystemExit(f"samen run stopped by itself ({process.returncode}):\n{tail}")


async def delivered(client: EmulatorClient) -> Counter[int]:
    """How many messages (sends and edits) each chat got, as the emulator logged them."""
    stats = await client.stats(send_times=True)
    return Counter(int(chat) for _t, chat in stats.get("send_times", []))


def extra_copies(got: Counter[int], recipients: int) -> int:
    return sum(max(0, got[FIRST + i] - 1) for i in range(recipients))


def lost(got: Counter[int], recipients: int) -> int:
    return sum(1 for i in range(recipients) if got[FIRST + i] == 0)


async def crash(url: str, client: EmulatorClient, recipients: int, rate: float) -> dict[str, int]:
    await client.reset()
    await client.configure(flood_limits=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.sqlite3"
        queued = await seed(path, client, recipients)
        samen = SamenRun(url, path, rate, Path(folder))
        first = await samen.start()
        kill_after = random.uniform(0.2, 0.8) * queued
        # Polling another process's progress, so no Event to wait on.
        while sum(n for c, n in (await delivered(client)).items() if c != AUTHOR) < kill_after:
            samen.check(first)
            await asyncio.sleep(0.2)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        second = await samen.start()
        deadline = time.monotonic() + queued / rate * 2 + 60
        while time.monotonic() < deadline:
            samen.check(second)
            got = await delivered(client)
            if all(got[FIRST + i] for i in range(recipients)):
                break
            await asyncio.sleep(0.5)
        second.send_signal(signal.SIGTERM)
        await second.wait()
        got = await delivered(client)
    return {
        "crash_lost": lost(got, recipients),
        "crash_duplicates": extra_copies(got, recipients),
        "in_flight_window": BATCH,
        "crash_killed_after": int(kill_after),
    }


async def final_report_shown(client: EmulatorClient, path: Path) -> bool:
    """Does the coordinator's progress message show the final report the service wrote?"""
    db = await Database.open(path)
    try:
        row = await db.fetchone(
            "SELECT b.status, b.progress_shown, o.message_id FROM broadcasts b"
            " JOIN outbox o ON o.id = b.progress_outbox_id WHERE b.id = 1"
        )
    finally:
        await db.close()
    if row is None or row["status"] != "done":
        return False
    shown = html.unescape(re.sub(r"<[^>]+>", "", row["progress_shown"]))
    # A timed-out first send can leave the coordinator a second copy; edits go to
    # the copy the outbox recorded.
    entries = await client.transcript(AUTHOR)
    edited = [e for e in entries if e.get("message_id") == row["message_id"]]
    return bool(edited) and edited[0].get("text") == shown


async def faults(url: str, client: EmulatorClient, recipients: int, rate: float) -> dict[str, Any]:
    """`samen run` with 30% server errors and 5% time-outs (delivered, answered late).

    A time-out may have delivered the message, so its retry can be a second copy: at
    most one per timed-out send. The progress edits face the same faults and must end
    on the final report, never on an older edit retried late.
    """
    await client.reset()
    # PTB gives up after 5 s (its read time-out); the emulator answers after 6 s.
    await client.configure(fault_5xx=0.3, fault_timeout=0.05, timeout_delay=6.0, seed=10)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.sqlite3"
        queued = await seed(path, client, recipients)
        samen = SamenRun(url, path, rate, Path(folder))
        process = await samen.start()
        deadline = time.monotonic() + queued / rate * 4 + 300
        while time.monotonic() < deadline and not await final_report_shown(client, path):
            samen.check(process)
            await asyncio.sleep(1.0)
        finished = await final_report_shown(client, path)
        process.send_signal(signal.SIGTERM)
        await process.wait()
        got = await delivered(client)
        stats = await client.stats()
    return {
        "fault_recipients": recipients,
        "fault_lost": lost(got, recipients),  # five failed attempts: given up
        "timeouts": stats["timeouts"],  # every timed-out send, progress edits included
        "timeout_duplicates": extra_copies(got, recipients),
        "final_report_shown": finished,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--raw-recipients", type=int, default=10_000)
    parser.add_argument("--crash-recipients", type=int, default=5_000)
    parser.add_argument("--fault-recipients", type=int, default=500)
    parser.add_argument("--rate", type=float, default=28.0)
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    emulator = await start_emulator(port)
    try:
        async with EmulatorClient(url) as client:
            figures: dict[str, Any] = {}
            figures |= await paced(url, client, args.recipients, args.rate)
            print(f"paced: {figures}", flush=True)
            figures |= await raw(url, client, args.raw_recipients)
            print(f"raw: {figures}", flush=True)
            figures |= await crash(url, client, args.crash_recipients, args.rate)
            print(f"crash: {figures}", flush=True)
            figures |= await faults(url, client, args.fault_recipients, args.rate)
    finally:
        emulator.terminate()
        await asyncio.wait_for(emulator.wait(), 10)
    f: dict[str, Any] = figures
    print(f"rate: {f['achieved_per_s']}/s = {f['rate_ratio']} x pace (target >= 0.9)")
    print(f"most sends in one second: {f['max_sends_in_1s']} (<= 30); 429s: {f['http_429']}")
    print(f"raw capacity: {f['raw_sends_per_s']}/s (>= 500); db {f['db_ms_per_message']} ms/msg")
    print(
        f"crash: lost {f['crash_lost']}, duplicated {f['crash_duplicates']}"
        f" (in-flight window {f['in_flight_window']})"
    )
    print(
        f"faults (30% 5xx, 5% time-outs, {f['fault_recipients']} recipients):"
        f" {f['timeout_duplicates']} duplicates from {f['timeouts']} time-outs (<= 1 each);"
        f" given up {f['fault_lost']}; final report shown: {f['final_report_shown']}"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
