"""Partners' real calendars reach residents at Heemstede's clock time, on every channel:
an Outlook calendar (its own zone name `W. Europe Standard Time`) and an Eventbrite one
(times in UTC) from tests/data/calendars/, imported as a coordinator would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.activity_cli import import_file
from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.emulator.whatsapp import WhatsAppEmulator, WhatsAppEmulatorClient
from bot.services import Services
from bot.services.activities.imports import SourceDefaults
from tests.conftest import FakeClock
from tests.e2e.activities_helpers import NOW, Someone, consent
from tests.e2e.conftest import COORDINATOR_ID, mode_settings, whatsapp_settings
from tests.e2e.harness import SamenBot, free_port, make_settings, text_of

CALENDARS = Path(__file__).resolve().parents[1] / "data" / "calendars"


@pytest.fixture
async def partners_town(
    channel_mode: str,
    emulator: EmulatorServer,
    client: EmulatorClient,
    wa_emulator: WhatsAppEmulator,
    wa_client: WhatsAppEmulatorClient,
    tmp_path: Path,
) -> AsyncIterator[SamenBot]:
    """Samen with two partners' calendars imported, their organiser and kind set once."""
    clock = FakeClock(NOW)  # Saturday 28 November 2026
    port = free_port()
    whatsapp = channel_mode == "whatsapp"
    extra = whatsapp_settings(wa_emulator, port) if whatsapp else mode_settings(channel_mode)
    settings = make_settings(
        emulator.url, tmp_path / "samen.sqlite3", SAMEN_COORDINATORS=str(COORDINATOR_ID), **extra
    )
    db = await Database.open(settings.database)
    await db.migrate()
    sources = Services.create(db, clock).sources
    for name in ("outlook_desktop.ics", "eventbrite.ics"):
        await sources.set_defaults(name, SourceDefaults(organiser="WIJ Heemstede", kind="coffee"))
        report = await import_file(db, CALENDARS / name, name, "Europe/Amsterdam", clock)
        assert (report.errors, report.skipped) == ([], [])
    await db.close()
    bot = SamenBot(settings, clock=clock)
    await bot.start()
    if whatsapp:
        await wa_client.set_webhook(f"http://127.0.0.1:{port}/whatsapp")
    yield bot
    await bot.stop()


async def test_outlook_and_eventbrite_events_are_shown_at_local_time(
    partners_town: SamenBot, john_any: Someone
) -> None:
    john = john_any
    await consent(partners_town, john, "✓ English", "✅ I agree")
    await john.say("2101")
    found = text_of(await john.expect("Activities near postcode 2101"))
    # Outlook's Tuesday coffee at 10:00 (its zone read from the calendar's VTIMEZONE), and
    # Eventbrite's 13:30 UTC, which is 14:30 in Heemstede in December.
    lines = [line.strip() for line in found.splitlines()]
    coffee = next(i for i, line in enumerate(lines) if "Koffieochtend" in line)
    assert lines[coffee + 1].startswith("Tue 1 Dec at 10:00 · Bibliotheek Heemstede")
    party = next(i for i, line in enumerate(lines) if "Sinterklaasmiddag" in line)
    assert lines[party].endswith("Sint… – 1.5 km")  # Eventbrite's long title, shortened
    assert lines[party + 1].startswith("Sat 5 Dec at 14:30 · Het Oude Slot")
