from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.channels.whatsapp.templates import approved
from bot.clock import utc_now
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.emulator.whatsapp import WhatsAppEmulator, WhatsAppEmulatorClient
from tests.conftest import FakeClock
from tests.e2e.harness import Person, SamenBot, free_port, make_settings
from tests.e2e.whatsapp_people import WhatsAppPerson

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


# ----------------------------------------------------------------------------- channels
# Journeys on the conversation layer run on every channel: the same test body drives a
# Telegram person (harness.Person) or a WhatsApp person (whatsapp_people.WhatsAppPerson).
CHANNELS = ["telegram", "whatsapp"]
ANNA_BSUID = "NL.13491208655302741918"
JOHN_BSUID = "NL.24681357924681357924"


@pytest.fixture
async def wa_emulator() -> AsyncIterator[WhatsAppEmulator]:
    async with WhatsAppEmulator(approved()) as server:
        yield server


@pytest.fixture
async def wa_client(wa_emulator: WhatsAppEmulator) -> AsyncIterator[WhatsAppEmulatorClient]:
    async with WhatsAppEmulatorClient(wa_emulator.url) as control:
        yield control
        # As on Telegram: Samen made no request the Cloud API would refuse.
        assert await control.violations() == []


def whatsapp_settings(wa_emulator: WhatsAppEmulator, port: int) -> dict[str, object]:
    state = wa_emulator.state
    return {
        "SAMEN_HTTP_PORT": port,
        "WHATSAPP_TOKEN": state.token,
        "WHATSAPP_PHONE_NUMBER_ID": state.phone_number_id,
        "WHATSAPP_APP_SECRET": state.app_secret,
        "WHATSAPP_VERIFY_TOKEN": "e2e-verify-token",
        "WHATSAPP_API_URL": wa_emulator.url,
    }


@pytest.fixture
async def samen_both(
    emulator: EmulatorServer,
    client: EmulatorClient,
    wa_emulator: WhatsAppEmulator,
    wa_client: WhatsAppEmulatorClient,
    tmp_path: Path,
) -> AsyncIterator[SamenBot]:
    """Samen on Telegram (polling) and on WhatsApp (its webhook on Samen's HTTP server)."""
    port = free_port()
    settings = make_settings(
        emulator.url,
        tmp_path / "samen.sqlite3",
        SAMEN_COORDINATORS=str(COORDINATOR_ID),
        **whatsapp_settings(wa_emulator, port),
    )
    bot = SamenBot(settings, clock=utc_now)
    await bot.start()
    await wa_client.set_webhook(f"http://127.0.0.1:{port}/whatsapp")
    yield bot
    await bot.stop()


@pytest.fixture(params=CHANNELS)
def channel(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def anna_on(
    channel: str, client: EmulatorClient, wa_client: WhatsAppEmulatorClient
) -> Person | WhatsAppPerson:
    """Anna (Dutch) on the channel under test."""
    if channel == "whatsapp":
        return await WhatsAppPerson(wa_client, ANNA_BSUID, "Anna").join()
    return await Person(client, 700_000_001, "Anna", "nl").join()


@pytest.fixture
async def john_on(
    channel: str, client: EmulatorClient, wa_client: WhatsAppEmulatorClient
) -> Person | WhatsAppPerson:
    """John (English) on the channel under test."""
    if channel == "whatsapp":
        return await WhatsAppPerson(wa_client, JOHN_BSUID, "John").join()
    return await Person(client, 700_000_002, "John", "en").join()
