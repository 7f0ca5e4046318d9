from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.channels.whatsapp.templates import approved
from bot.clock import Clock, utc_now
from bot.config import Settings
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
    async for bot in _running(emulator, tmp_path, request.param):
        yield bot


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
# The same test body drives a Telegram person (harness.Person) or a WhatsApp person
# (whatsapp_people.WhatsAppPerson).
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
        # The number residents see: linking from Telegram offers a wa.me link to it.
        "WHATSAPP_DISPLAY_NUMBER": "31201234567",
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
    async for bot in _running(emulator, tmp_path, "whatsapp", wa_emulator, wa_client):
        yield bot


# Journeys on the conversation layer run in every way a person reaches Samen: Telegram
# polling, Telegram's webhook, and WhatsApp. Their tests take samen_any and anna_any /
# john_any (a harness.Person, or a WhatsAppPerson on the "whatsapp" run).
CHANNEL_MODES = [*MODES, "whatsapp"]


@pytest.fixture(params=CHANNEL_MODES)
def channel_mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def samen_any(
    channel_mode: str,
    emulator: EmulatorServer,
    client: EmulatorClient,
    wa_emulator: WhatsAppEmulator,
    wa_client: WhatsAppEmulatorClient,
    tmp_path: Path,
) -> AsyncIterator[SamenBot]:
    async for bot in _running(emulator, tmp_path, channel_mode, wa_emulator, wa_client):
        yield bot


@pytest.fixture
async def samen_any_on_clock(
    channel_mode: str,
    emulator: EmulatorServer,
    client: EmulatorClient,
    wa_emulator: WhatsAppEmulator,
    wa_client: WhatsAppEmulatorClient,
    tmp_path: Path,
    clock: FakeClock,
) -> AsyncIterator[SamenBot]:
    """``samen_any`` on the ``clock`` fixture (a FakeClock the test moves; a test module
    overrides ``clock`` to start where it needs)."""
    async for bot in _running(emulator, tmp_path, channel_mode, wa_emulator, wa_client, clock):
        yield bot


@pytest.fixture
async def samen_both_on_clock(
    emulator: EmulatorServer,
    client: EmulatorClient,
    wa_emulator: WhatsAppEmulator,
    wa_client: WhatsAppEmulatorClient,
    tmp_path: Path,
    clock: FakeClock,
) -> AsyncIterator[SamenBot]:
    """``samen_both`` on the ``clock`` fixture: for what only WhatsApp does over days
    (its 24-hour window, its statuses)."""
    async for bot in _running(emulator, tmp_path, "whatsapp", wa_emulator, wa_client, clock):
        yield bot


async def _running(
    emulator: EmulatorServer,
    tmp_path: Path,
    mode: str,
    wa_emulator: WhatsAppEmulator | None = None,
    wa_client: WhatsAppEmulatorClient | None = None,
    clock: Clock = utc_now,
    prepare: Callable[[Settings], Awaitable[None]] | None = None,
) -> AsyncIterator[SamenBot]:
    """Samen in one mode until the test ends: "polling", "webhook" (Telegram's), or
    "whatsapp" (Telegram polling, and WhatsApp with its webhook on the HTTP server);
    on the real clock unless a test moves its own."""
    port = free_port()
    extra = mode_settings(mode)
    if mode == "whatsapp":
        assert wa_emulator is not None
        extra = whatsapp_settings(wa_emulator, port)
    settings = make_settings(
        emulator.url,
        tmp_path / "samen.sqlite3",
        SAMEN_COORDINATORS=str(COORDINATOR_ID),
        **extra,
    )
    if prepare is not None:  # a database filled before Samen starts (activities)
        await prepare(settings)
    bot = SamenBot(settings, clock=clock)
    await bot.start()
    if wa_client is not None and mode == "whatsapp":
        await wa_client.set_webhook(f"http://127.0.0.1:{port}/whatsapp")
    yield bot
    await bot.stop()


@pytest.fixture
async def anna_any(
    channel_mode: str, client: EmulatorClient, wa_client: WhatsAppEmulatorClient
) -> Person | WhatsAppPerson:
    """Anna (Dutch) in the way samen_any is reached."""
    if channel_mode == "whatsapp":
        return await WhatsAppPerson(wa_client, ANNA_BSUID, "Anna").join()
    return await Person(client, 700_000_001, "Anna", "nl").join()


@pytest.fixture
async def john_any(
    channel_mode: str, client: EmulatorClient, wa_client: WhatsAppEmulatorClient
) -> Person | WhatsAppPerson:
    """John (English) in the way samen_any is reached."""
    if channel_mode == "whatsapp":
        return await WhatsAppPerson(wa_client, JOHN_BSUID, "John").join()
    return await Person(client, 700_000_002, "John", "en").join()
