from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import utc_now
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from tests.conftest import FakeClock
from tests.e2e.harness import Person, SamenBot, free_port, make_settings

COORDINATOR_ID = 900_000_001


@pytest.fixture
async def emulator() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer() as server:
        yield server


@pytest.fixture
async def client(emulator: EmulatorServer) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emulator.url) as control:
        yield control
        # Every test also proves Samen made no request that Telegram would refuse.
        assert await control.violations() == []


# Every journey runs in both ways Telegram can deliver updates: Samen polling the
# emulator, and the emulator POSTing to Samen's webhook (SAMEN_WEBHOOK_URL).
MODES = ["polling", "webhook"]


def mode_settings(mode: str) -> dict[str, object]:
    if mode == "polling":
        return {}
    port = free_port()
    return {"SAMEN_HTTP_PORT": port, "SAMEN_WEBHOOK_URL": f"http://127.0.0.1:{port}"}


@pytest.fixture(params=MODES)
async def samen(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[SamenBot]:
    settings = make_settings(
        emulator.url,
        tmp_path / "samen.sqlite3",
        SAMEN_COORDINATORS=str(COORDINATOR_ID),
        **mode_settings(request.param),
    )
    bot = SamenBot(settings, clock=utc_now)
    await bot.start()
    yield bot
    await bot.stop()


@pytest.fixture(params=MODES)
async def samen_with_clock(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[SamenBot, FakeClock]]:
    """Samen on a clock the test moves (it starts at the real time)."""
    settings = make_settings(
        emulator.url,
        tmp_path / "samen.sqlite3",
        SAMEN_COORDINATORS=str(COORDINATOR_ID),
        **mode_settings(request.param),
    )
    clock = FakeClock(utc_now())
    bot = SamenBot(settings, clock=clock)
    await bot.start()
    yield bot, clock
    await bot.stop()


@pytest.fixture
async def anna(client: EmulatorClient) -> Person:
    return await Person(client, 700_000_001, "Anna", "nl").join()


@pytest.fixture
async def john(client: EmulatorClient) -> Person:
    return await Person(client, 700_000_002, "John", "en").join()
