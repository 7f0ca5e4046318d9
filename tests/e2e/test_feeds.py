"""A partner's feed breaks: the coordinator hears it once, in the bot, and nothing is lost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.clock import utc_now
from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.services import Services
from bot.services.activities.imports import SourceDefaults
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.harness import Person, SamenBot, make_settings


@pytest.fixture
async def broken_feed() -> AsyncIterator[str]:
    """A partner's web server that answers every request with a server error."""
    app = web.Application()
    app.router.add_get("/agenda.ics", _unavailable)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/agenda.ics"
    await runner.cleanup()


async def _unavailable(_request: web.Request) -> web.Response:
    return web.Response(status=503)


async def test_a_failing_feed_is_told_to_the_coordinator_once(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path, broken_feed: str
) -> None:
    settings = make_settings(
        emulator.url, tmp_path / "samen.sqlite3", SAMEN_COORDINATORS=str(COORDINATOR_ID)
    )
    db = await Database.open(settings.database)
    try:
        await db.migrate()
        await Services.create(db, utc_now).sources.add(
            "bieb", broken_feed, SourceDefaults(organiser="Bibliotheek")
        )
    finally:
        await db.close()
    carla = await Person(client, COORDINATOR_ID, "Carla", "nl").join(opened=True)
    bot = SamenBot(settings, clock=utc_now)
    await bot.start()
    try:
        told = await carla.expect("De activiteitenlijst “bieb” is niet gebruikt", timeout=20)
        assert "Samen kon de lijst niet ophalen (HTTP 503)." in told["text"]
        assert "blijven zoals ze waren" in told["text"]
        await carla.expect_silence(2)
        rows = await bot.query("SELECT last_result FROM sources WHERE name = 'bieb'")
        assert rows == [("not applied: HTTP 503",)]
    finally:
        await bot.stop()
