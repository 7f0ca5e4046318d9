"""Open Referral end to end: a social map's HSDS export, imported, is what a resident finds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.activity_cli import import_file
from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from tests.conftest import FakeClock
from tests.e2e.harness import Person, SamenBot, buttons_of, make_settings, text_of
from tests.e2e.test_activities import NOW
from tests.e2e.test_mydata import onboard
from tests.unit.test_hsds_import import service


@pytest.fixture
async def social_map(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path
) -> AsyncIterator[SamenBot]:
    """Samen with only one HSDS service imported: a weekly coffee morning at the library."""
    clock = FakeClock(NOW)  # Saturday 28 November 2026
    settings = make_settings(emulator.url, tmp_path / "samen.sqlite3")
    path = tmp_path / "sociale-kaart.json"
    path.write_text(json.dumps({"contents": [service()]}), encoding="utf-8")
    db = await Database.open(settings.database)
    await db.migrate()
    report = await import_file(db, path, "sociale-kaart", "Europe/Amsterdam", clock)
    assert (report.added, report.errors) == (1, [])
    await db.close()
    bot = SamenBot(settings, clock=clock)
    await bot.start()
    yield bot
    await bot.stop()


async def test_a_service_from_a_social_map_is_found_near_its_postcode(
    social_map: SamenBot, john: Person
) -> None:
    await onboard(john, "✓ English", "✅ I agree")
    await john.say("2101")
    found = await john.expect("Activities near postcode 2101")
    assert "Koffieochtend" in text_of(found)
    await john.press(found, next(b for b in buttons_of(found) if "Koffieochtend" in b))
    details = await john.expect("Next time")
    body = text_of(details)
    assert "Tuesday 1 December at 10:00–11:30" in body
    assert "WIJ Heemstede" in body and "023 548 3828" in body and "Bibliotheek" in body
