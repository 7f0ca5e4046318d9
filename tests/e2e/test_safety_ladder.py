"""The safety net climbs, end to end on a clock the test moves: the resident names an
emergency contact who agrees through the forwarded link; a missed check-in brings a
nudge, a volunteer task, then the contact (who answers "all is well"); without a
contact, the coordinators."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.services import Services
from tests.conftest import FakeClock
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.harness import Person, SamenBot, buttons_of, make_settings, text_of
from tests.e2e.test_checkins import MOODS, open_menu, run, subscribe
from tests.e2e.test_mydata import onboard

CHECKIN = datetime(2026, 12, 1, 9, 31, tzinfo=UTC)  # Tuesday 10:31 in Heemstede


@pytest.fixture
async def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # Monday 09:00 in Heemstede


@pytest.fixture
async def bot(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[SamenBot]:
    settings = make_settings(
        emulator.url, tmp_path / "samen.sqlite3", SAMEN_COORDINATORS=str(COORDINATOR_ID)
    )
    samen = SamenBot(settings, clock)
    await samen.start()
    yield samen
    await samen.stop()


@pytest.fixture
async def coordinator(client: EmulatorClient) -> Person:
    return await Person(client, COORDINATOR_ID, "Cora", "nl").join()


async def name_a_contact(john: Person, anna: Person) -> None:
    """John names Anna; the message he forwards carries the link she opens."""
    await john.press(await open_menu(john), "👤 Emergency contact")
    explained = await john.expect("You can name someone you trust")
    assert "only your first name" in text_of(explained)
    assert "You have no emergency contact yet." in text_of(explained)
    await john.press(explained, "➕ Name someone")
    await john.expect("What is their name?")
    # A menu tap now is not a name: the check-in menu opens, and nobody is invited.
    menu = await open_menu(john)
    await john.press(menu, "👤 Emergency contact")
    await john.press(await john.expect("You can name someone you trust"), "➕ Name someone")
    await john.expect("What is their name?")
    await john.say("my daughter Anna, who lives in Haarlem and visits on Sundays")
    await john.expect("Please type a short name")
    await john.say("my daughter Anna")
    await john.expect("forward the next message to my daughter Anna")
    invite = await john.expect("would like you to be their emergency contact")
    found = re.search(r"start=(ec[A-Za-z0-9_-]{16})", text_of(invite))
    assert found is not None
    await john.expect("I will let you know when my daughter Anna says yes.")

    await anna.say(f"/start {found.group(1)}")
    question = await anna.expect("John vraagt u als noodcontact")
    assert "alleen het nummer van uw chat" in text_of(question)
    await anna.press(question, "✅ Ja, dat wil ik")
    thanks = await anna.expect("U bent nu noodcontact")
    assert buttons_of(thanks) == ["⏹ Stoppen als noodcontact"]
    await john.expect("my daughter Anna said yes")


async def miss_a_check_in(bot: SamenBot, john: Person, clock: FakeClock) -> None:
    """A check-in arrives and is not answered: a nudge after an hour, then the task."""
    clock.now = CHECKIN
    await run(bot, "tick")
    checkin = await john.expect("How are you today?")
    assert buttons_of(checkin) == MOODS
    clock.now = CHECKIN + timedelta(hours=1, minutes=1)
    await run(bot, "climb")
    nudge = await john.expect("I have not heard from you yet today")
    assert buttons_of(nudge) == MOODS
    clock.now = CHECKIN + timedelta(hours=3, minutes=2)
    await run(bot, "climb")
    tasks = await bot.query("SELECT resident_id, status FROM call_requests")
    assert tasks == [(john.user_id, "open")]


async def steps(bot: SamenBot) -> list[str]:
    return [r[0] for r in await bot.query("SELECT step FROM safety_steps ORDER BY id")]


async def test_the_ladder_reaches_the_emergency_contact_who_says_all_is_well(
    bot: SamenBot, john: Person, anna: Person, coordinator: Person, clock: FakeClock
) -> None:
    await subscribe(john, "Every day", "10:30", safety_net=True)
    await name_a_contact(john, anna)
    await miss_a_check_in(bot, john, clock)

    clock.now = CHECKIN + timedelta(hours=7, minutes=3)  # nobody took the call: 17:34
    await run(bot, "climb")
    told = await anna.expect("Samen kon John vandaag niet bereiken")
    assert "612345678" not in text_of(told) and "12 34" not in text_of(told)
    assert buttons_of(told) == ["✅ Alles is goed", "🚶 Ik ga even kijken"]
    await anna.press(told, "✅ Alles is goed")
    await anna.expect("alles goed is met John")
    assert await steps(bot) == ["nudge", "task", "contact", "well"]
    assert await bot.query("SELECT status FROM call_requests") == [("cancelled",)]

    clock.now = CHECKIN + timedelta(hours=10)
    await run(bot, "climb")
    assert "coordinators" not in await steps(bot)


async def test_without_a_contact_the_ladder_reaches_the_coordinators(
    bot: SamenBot, john: Person, coordinator: Person, clock: FakeClock
) -> None:
    await subscribe(john, "Every day", "10:30", safety_net=True)
    await miss_a_check_in(bot, john, clock)
    clock.now = CHECKIN + timedelta(hours=7, minutes=3)
    await run(bot, "climb")
    alert = await coordinator.expect("Vangnet: Samen kon John niet bereiken")
    assert "John heeft geen noodcontact in Samen." in text_of(alert)
    assert await steps(bot) == ["nudge", "task", "coordinators"]


async def test_the_contact_can_stop_and_the_resident_is_told(
    bot: SamenBot, john: Person, anna: Person
) -> None:
    await subscribe(john, "Every day", "10:30", safety_net=True)
    await name_a_contact(john, anna)
    entries = await anna.client.transcript(anna.user_id)
    thanks = [e for e in entries if "U bent nu noodcontact" in text_of(e)][-1]
    await anna.press(thanks, "⏹ Stoppen als noodcontact")
    await anna.expect("U bent geen noodcontact meer")
    await john.expect("my daughter Anna is no longer your emergency contact")
    await john.press(await open_menu(john), "👤 Emergency contact")
    assert "You have no emergency contact yet." in text_of(await john.expect("Emergency contact"))


async def test_a_late_answer_is_passed_on_to_the_contact(
    bot: SamenBot, john: Person, anna: Person, coordinator: Person, clock: FakeClock
) -> None:
    await subscribe(john, "Every day", "10:30", safety_net=True)
    await name_a_contact(john, anna)
    await miss_a_check_in(bot, john, clock)
    clock.now = CHECKIN + timedelta(hours=7, minutes=3)
    await run(bot, "climb")
    await anna.expect("Samen kon John vandaag niet bereiken")
    entries = await john.client.transcript(john.user_id)
    checkin = [e for e in entries if "How are you today?" in text_of(e)][-1]
    await john.press(checkin, "🙂 Good")
    await anna.expect("Goed nieuws: John heeft net gereageerd")
    assert await steps(bot) == ["nudge", "task", "contact", "answered"]
    clock.now = CHECKIN + timedelta(hours=10)
    await run(bot, "climb")
    assert "coordinators" not in await steps(bot)


async def test_a_volunteer_who_gets_no_answer_twice_brings_the_contact_in(
    bot: SamenBot, john: Person, anna: Person, coordinator: Person, clock: FakeClock
) -> None:
    await subscribe(john, "Every day", "10:30", safety_net=True)
    await name_a_contact(john, anna)
    piet = await Person(john.client, 700_000_031, "Piet", "en").join()
    await onboard(piet, "✓ English", "✅ I agree")
    db = await Database.open(bot.settings.database)
    try:
        services = Services.create(db, clock)
        async with db.transaction() as conn:  # as an approved application does it
            await services.volunteers.enrol(piet.user_id, "Piet", "en", COORDINATOR_ID, conn)
    finally:
        await db.close()

    await miss_a_check_in(bot, john, clock)
    offer = await piet.expect("New call request")
    assert "Did not answer a check-in" in text_of(offer)
    await piet.press(offer, "🙋 I'll take it")
    details = await piet.expect("Phone: 06 12 34 56 78")
    for attempt in (1, 2):
        await piet.press(details, "📵 No answer")
        await piet.expect(f"No answer so far: {attempt} of 3", where=lambda e: bool(e["edited"]))
    await run(bot, "climb")
    told = await anna.expect("Samen kon John vandaag niet bereiken")
    await anna.press(told, "🚶 Ik ga even kijken")
    await anna.expect("Dank u wel dat u gaat kijken")
    assert await steps(bot) == ["nudge", "task", "contact", "look"]
