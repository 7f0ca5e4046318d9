"""Handler-level tests: Samen's Application fed updates by ``process_update``.

No polling: the test builds each Update itself. Replies still go to the
emulator over loopback, where the test reads them and Telegram's rules are checked.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.app import SamenApplication, build_application
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.runtime import Runtime
from tests.conftest import FakeClock
from tests.e2e.harness import make_settings

USER = {"id": 700_000_010, "is_bot": False, "first_name": "Greet", "language_code": "nl"}


class Feeder:
    """Builds Telegram-shaped updates and runs them through the application."""

    def __init__(self, app: SamenApplication) -> None:
        self.app = app
        self._ids = itertools.count(1)

    async def feed(self, payload: dict[str, Any]) -> None:
        update = Update.de_json({"update_id": next(self._ids), **payload}, self.app.bot)
        await self.app.process_update(update)

    async def text(self, text: str, user: dict[str, Any] = USER) -> None:
        entities = (
            [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            if text.startswith("/")
            else []
        )
        await self.feed(
            {
                "message": {
                    "message_id": next(self._ids),
                    "date": 0,
                    "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
                    "from": user,
                    "text": text,
                    "entities": entities,
                }
            }
        )


@pytest.fixture
async def emulator() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer() as server:
        yield server


@pytest.fixture
async def client(emulator: EmulatorServer) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emulator.url) as control:
        await control.add_user(USER["id"], first_name="Greet", language_code="nl", started=True)
        yield control


@pytest.fixture
async def runtime(
    emulator: EmulatorServer, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[Runtime]:
    settings = make_settings(emulator.url, tmp_path / "samen.sqlite3")
    opened = await Runtime.open(settings, clock)
    yield opened
    await opened.close()


@pytest.fixture
async def app(runtime: Runtime, client: EmulatorClient) -> AsyncIterator[SamenApplication]:
    application = build_application(runtime)
    async with application:
        yield application


@pytest.fixture
def feeder(app: SamenApplication) -> Feeder:
    return Feeder(app)
