"""A broadcast survives `kill -9`: nobody is skipped, duplicates only for what was in flight."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from bot.clock import utc_now
from bot.db import Database
from bot.delivery import BATCH
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.services import Services
from bot.services.broadcasts import Audience, AudienceKind
from tests.e2e.harness import TOKEN, eventually

FIRST = 730_000_000
RECIPIENTS = 150
AUTHOR = 990_000_001


async def _seed(path: Path, client: EmulatorClient) -> None:
    db = await Database.open(path)
    await db.migrate()
    services = Services.create(db, utc_now)
    for i in range(RECIPIENTS):
        await services.residents.give_consent(FIRST + i, "R", "nl")
    await asyncio.gather(*(client.add_user(FIRST + i, started=True) for i in range(RECIPIENTS)))
    await client.add_user(AUTHOR, first_name="Coen", language_code="nl", started=True)
    draft = await services.broadcasts.draft(AUTHOR, "nl", "Hallo allemaal", None)
    await services.broadcasts.set_audience(draft.id, Audience(AudienceKind.ALL))
    assert await services.broadcasts.send_now(draft.id, AUTHOR) == RECIPIENTS
    await db.close()


async def _deliveries(client: EmulatorClient) -> Counter[int]:
    stats = await client.stats(send_times=True)
    return Counter(int(chat) for _t, chat in stats.get("send_times", []) if chat != AUTHOR)


async def test_kill_9_in_the_middle_of_a_broadcast(tmp_path: Path) -> None:
    async with EmulatorServer() as emulator, EmulatorClient(emulator.url) as client:
        await _kill_and_resume(emulator, client, tmp_path / "samen.sqlite3")
        # A progress edit in flight at the kill is sent again with the same text;
        # Telegram answers "not modified", which is harmless. Nothing else may fail.
        assert [
            v for v in await client.violations() if "not modified" not in v.get("description", "")
        ] == []


async def _kill_and_resume(
    emulator: EmulatorServer, client: EmulatorClient, database: Path
) -> None:
    await _seed(database, client)
    await client.configure(flood_limits=True)
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.url,
        "SAMEN_DATABASE": str(database),
        "SAMEN_SEND_LIMIT": "28",
        "SAMEN_HTTP_PORT": "0",
    }

    async def start() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    first = await start()
    try:
        await eventually(
            lambda: _deliveries(client), lambda got: sum(got.values()) >= RECIPIENTS // 3
        )
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    before = sum((await _deliveries(client)).values())
    assert 0 < before < RECIPIENTS

    second = await start()
    try:
        await eventually(
            lambda: _deliveries(client), lambda got: all(got[FIRST + i] for i in range(RECIPIENTS))
        )
    finally:
        second.send_signal(signal.SIGTERM)
        await second.wait()
    got = await _deliveries(client)
    assert [i for i in range(RECIPIENTS) if got[FIRST + i] == 0] == []  # nobody lost
    duplicates = sum(n - 1 for n in got.values() if n > 1)
    assert duplicates <= BATCH  # only what was in flight at the kill
    assert (await client.stats())["http_429"] == 0
    db = await Database.open(database)
    try:
        assert (
            await db.fetchone(
                "SELECT COUNT(*) FROM outbox WHERE ref = 'broadcast:1' AND status = 'sent'"
            )
        )[0] == RECIPIENTS  # type: ignore[index]
    finally:
        await db.close()
