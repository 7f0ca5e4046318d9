"""Two `samen run` on one database: the second refuses in one line; kill -9 frees it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from tests.e2e.harness import TOKEN

ANNA = 740_000_001


async def _samen_run(
    emulator: EmulatorServer, database: Path, stderr: int = asyncio.subprocess.DEVNULL
) -> asyncio.subprocess.Process:
    """`samen run` in its own process; ``stderr=PIPE`` to read what it says."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.url,
        "SAMEN_DATABASE": str(database),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=stderr,
    )


async def _answers(client: EmulatorClient) -> None:
    """The running bot answers Anna's /start."""
    after = await client.last_seq(ANNA)
    await client.send_text(ANNA, "/start")
    await client.wait_for(ANNA, after=after, timeout=90)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


async def test_a_second_samen_run_on_the_same_database_refuses(tmp_path: Path) -> None:
    database = tmp_path / "samen.sqlite3"
    started: list[asyncio.subprocess.Process] = []
    async with EmulatorServer() as emulator, EmulatorClient(emulator.url) as client:
        await client.add_user(ANNA, first_name="Anna", language_code="nl")
        try:
            started.append(first := await _samen_run(emulator, database))
            await _answers(client)
            pipe = asyncio.subprocess.PIPE
            started.append(second := await _samen_run(emulator, database, stderr=pipe))
            _out, err = await asyncio.wait_for(second.communicate(), 90)
            assert second.returncode == 1
            assert err.decode().strip().splitlines() == [
                f"Samen is already running on {database} (process {first.pid}); "
                "stop it first, or give this one another SAMEN_DATABASE."
            ]
            assert first.returncode is None
            await _answers(client)  # the first one runs on undisturbed

            first.send_signal(signal.SIGKILL)  # no clean-up at all: the lock goes anyway
            await first.wait()
            started.append(third := await _samen_run(emulator, database))
            await _answers(client)
            await _stop(third)
            assert third.returncode == 0
        finally:
            for process in started:
                await _stop(process)
        assert await client.violations() == []
