"""Presses that change nothing send nothing Telegram would refuse.

Tapping a filter that is already ticked, pressing a check-in time twice, or an
old day-picker button: the message already shows what is true, so Samen sends no
edit (Telegram answers such an edit with 400 "message is not modified" and counts
the failed call). The ``client`` fixture fails every test on any refused request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.emulator.client import EmulatorClient, Entry
from bot.emulator.server import EmulatorServer
from tests.conftest import FakeClock
from tests.e2e.harness import Person, SamenBot, buttons_of, make_settings
from tests.e2e.test_mydata import onboard


@pytest.fixture
async def bot(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path
) -> AsyncIterator[SamenBot]:
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # Monday 09:00 in Heemstede
    samen = SamenBot(make_settings(emulator.url, tmp_path / "samen.sqlite3"), clock)
    await samen.start()
    yield samen
    await samen.stop()


async def edits(client: EmulatorClient, person: Person) -> int:
    entries = await client.transcript(person.user_id)
    return sum(1 for e in entries if e.get("direction") == "out" and e.get("edited"))


def callback_data(entry: Entry, label: str) -> str:
    markup = entry.get("reply_markup") or {}
    return next(
        b["callback_data"] for row in markup["inline_keyboard"] for b in row if b["text"] == label
    )


async def test_tapping_filters_that_are_already_ticked(
    bot: SamenBot, client: EmulatorClient, john: Person
) -> None:
    await john.say("/start")
    await john.say("2101")
    # Results come first; the filters are one tap away.
    results = await john.expect("Activities near postcode 2101")
    await john.press(results, "⚙️ Change choices")
    filters = await john.expect("postcode 2101", where=lambda e: bool(e.get("edited")))
    assert {"✓ ✨ Everything", "✓ Any time"} <= set(buttons_of(filters))
    before = await edits(client, john)
    for ticked in ("✓ ✨ Everything", "✓ Any time", "✓ ✨ Everything"):
        await john.press(filters, ticked)
        await john.expect_toast()
    assert await edits(client, john) == before
    # A filter that does change something still changes the message.
    await john.press(filters, "Today")
    today = await john.expect("postcode 2101", where=lambda e: "✓ Today" in buttons_of(e))
    assert "✓ Today" in buttons_of(today)
    assert await client.violations() == []


async def test_a_check_in_time_pressed_twice(
    bot: SamenBot, client: EmulatorClient, john: Person
) -> None:
    await onboard(john, "✓ English", "✅ I agree")
    await john.tap("💬 Check-ins")
    invitation = await john.expect("Would you like a short message")
    await john.press(invitation, "🗓 Choose days and time")
    await john.press(await john.expect("On which days"), "Let me choose the days")
    picker = await john.expect("Tap the days you want")
    old_tuesday = callback_data(picker, "Tuesday")
    await john.press(picker, "Tuesday")
    tuesday = await john.expect(where=lambda e: "✅ Tuesday" in buttons_of(e))
    # The same day again from the old buttons (a double tap): the picker already shows it.
    await client.press(
        john.user_id, picker["message_id"] or 0, callback_data=old_tuesday, forge=True
    )
    await john.expect_toast()
    await john.press(tuesday, "✅ Done")
    ask_time = await john.expect("At what time?")
    await john.press(ask_time, "10:30")
    await john.expect("The safety net")
    # The time again: its buttons are already gone, so there is nothing to take off.
    time_data = callback_data(ask_time, "10:30")
    await client.press(
        john.user_id, ask_time["message_id"] or 0, callback_data=time_data, forge=True
    )
    await john.expect_toast()
    confirmed = await john.expect("Your check-ins are set")
    assert "Time: 10:30" in confirmed.get("text", "")
    assert await client.violations() == []
