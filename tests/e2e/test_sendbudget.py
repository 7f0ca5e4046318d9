"""The one send budget against the emulator with Telegram's flood limits on.

A broadcast running while people chat: their answers arrive quickly and Telegram never
has to say 429. And underneath: a reply that gets a 429 anyway is sent again after the
pause, while an outbox send (its slot taken by the messenger) is left to the messenger.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.clock import utc_now
from bot.db import Database, discover_migrations
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.monitor import Monitor
from bot.sendbudget import SLOT_TAKEN, SendBudget
from bot.services import Services
from bot.services.broadcasts import Audience, AudienceKind
from bot.telegram_request import MonitoredRequest
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.harness import TOKEN, Person, SamenBot, eventually, text_of

FIRST_RESIDENT = 760_000_000
RESIDENTS = 280  # ten seconds of broadcast at 28 per second
CHATTERS = 8
ANNOUNCEMENT = "Week van de Ontmoeting!"


async def queue_broadcast(samen: SamenBot, client: EmulatorClient) -> int:
    """Residents who agreed, and a broadcast to all of them queued as the coordinator
    would (through the services, so the test does not wait for 280 people to onboard)."""
    for start in range(0, RESIDENTS, 100):
        await asyncio.gather(
            *(
                client.add_user(FIRST_RESIDENT + i, started=True)
                for i in range(start, min(RESIDENTS, start + 100))
            )
        )
    await client.add_user(COORDINATOR_ID, first_name="Coen", language_code="nl", started=True)
    db = await Database.open(samen.settings.database)
    try:
        # Samen migrates its database as it starts: write only once that is done.
        latest = len(discover_migrations())
        assert await eventually(db.user_version, lambda version: version == latest) == latest
        now = "2026-01-01T00:00:00Z"
        await db.executemany(
            "INSERT INTO residents (telegram_id, first_name, language, consent_version,"
            " consent_at, created_at, updated_at) VALUES (?, 'Buur', 'nl', 1, ?, ?, ?)",
            [(FIRST_RESIDENT + i, now, now, now) for i in range(RESIDENTS)],
        )
        broadcasts = Services.create(db, utc_now).broadcasts
        draft = await broadcasts.draft(COORDINATOR_ID, "nl", ANNOUNCEMENT, None)
        await broadcasts.set_audience(draft.id, Audience(AudienceKind.ALL))
        return await broadcasts.send_now(draft.id, COORDINATOR_ID)
    finally:
        await db.close()


async def chat_until(person: Person, done: asyncio.Event) -> list[float]:
    """Ask for help about once a second until ``done``; seconds until each answer."""
    waits: list[float] = []
    while not done.is_set():
        asked = time.perf_counter()
        await person.say("/help")
        await person.expect("How Samen works", timeout=10)
        waits.append(time.perf_counter() - asked)
        await asyncio.sleep(1.1)
    return waits


async def broadcast_delivered(client: EmulatorClient, total: int) -> None:
    for _ in range(600):
        got = [
            e
            for i in (0, total - 1)
            for e in await client.transcript(FIRST_RESIDENT + i)
            if ANNOUNCEMENT in text_of(e)
        ]
        if len(got) == 2:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the broadcast did not reach everyone")


async def test_people_chatting_during_a_broadcast_are_answered_and_nothing_is_refused(
    samen: SamenBot, client: EmulatorClient
) -> None:
    await client.configure(flood_limits=True)
    chatters = [
        await Person(client, 710_000_001 + n, f"Chat{n}", "en").join() for n in range(CHATTERS)
    ]
    queued = await queue_broadcast(samen, client)
    assert queued == RESIDENTS
    # The broadcast is under way (its first message arrived) before anyone chats.
    first = await client.wait_for(
        FIRST_RESIDENT, after=0, predicate=lambda e: ANNOUNCEMENT in text_of(e), timeout=15
    )
    assert first
    done = asyncio.Event()
    talking = [asyncio.create_task(chat_until(p, done)) for p in chatters]
    await asyncio.sleep(6)  # 28 per second of broadcast plus eight people asking
    done.set()
    waits = [w for task in talking for w in await task]
    await broadcast_delivered(client, RESIDENTS)
    stats = await client.stats()
    assert stats["http_429"] == 0
    assert stats["max_sends_in_1s"] <= 30
    assert len(waits) >= CHATTERS * 4
    assert sorted(waits)[int(len(waits) * 0.95)] < 1.5


@pytest.fixture
async def bot_with_budget(emulator: EmulatorServer) -> AsyncIterator[tuple[Bot, Monitor]]:
    """A Bot whose requests go through the budgeted request layer, as in ``samen run``."""
    monitor = Monitor(utc_now)
    request = MonitoredRequest(monitor, SendBudget(1000.0, monitor=monitor))
    bot = Bot(
        TOKEN,
        base_url=emulator.url + "/bot",
        base_file_url=emulator.url + "/file/bot",
        request=request,
    )
    async with bot:
        yield bot, monitor


async def test_a_reply_refused_with_429_is_sent_again_after_the_pause(
    bot_with_budget: tuple[Bot, Monitor], client: EmulatorClient
) -> None:
    bot, monitor = bot_with_budget
    await client.configure(flood_limits=True)
    person = await Person(client, 710_000_100, "Anna", "nl").join(opened=True)
    started = time.perf_counter()
    # Four in a row to one chat: Telegram allows a burst of three, so the fourth gets
    # 429 (retry after 1 s) and the request layer sends it again after the pause.
    for n in range(4):
        await bot.send_message(person.user_id, f"antwoord {n}")
    assert time.perf_counter() - started >= 0.9
    assert (await client.stats())["http_429"] == 1
    texts = [text_of(e) for e in await client.transcript(person.user_id)]
    assert texts == [f"antwoord {n}" for n in range(4)]
    assert monitor.send_budget_pauses._value.get() == 1
    assert monitor.send_slots.labels("reply")._value.get() == 5  # four, one sent twice


async def test_an_outbox_send_takes_no_second_slot_and_gets_its_429_back(
    bot_with_budget: tuple[Bot, Monitor], client: EmulatorClient
) -> None:
    bot, monitor = bot_with_budget
    await client.configure(flood_limits=True)
    person = await Person(client, 710_000_200, "Anna", "nl").join(opened=True)
    SLOT_TAKEN.set(True)  # as the messenger does around each send
    for n in range(3):
        await bot.send_message(person.user_id, f"bericht {n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(person.user_id, "bericht 3")
    assert monitor.send_slots.labels("reply")._value.get() == 0
    assert monitor.send_budget_pauses._value.get() == 1  # the budget still paused
