"""A call every week with the same volunteer, end to end on a clock the test moves:
John asks (days, part of the day, interests, number); Piet says "not now", Kees says yes
and John hears his first name; three weeks pass (a call made, a week without answer, a
week without an outcome: the coordinators are alerted once); John pauses (the planned
week's number leaves Kees's chat) and ends it (Kees is thanked, the rows go). The
resident's side also runs on every channel, WhatsApp included."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest

from bot.clock import Clock, utc_now
from bot.db import Database
from bot.emulator.client import EmulatorClient, Entry
from bot.emulator.server import EmulatorServer
from bot.runtime import Runtime
from bot.services import Services
from bot.services.callme.moments import DayPart
from bot.services.regularcall import Answer, WeekReport
from tests.conftest import FakeClock
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.either import Someone, press_data
from tests.e2e.harness import Person, SamenBot, buttons_of, make_settings, text_of
from tests.e2e.test_mydata import agree, onboard
from tests.e2e.whatsapp_people import WhatsAppPerson

MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Heemstede


@pytest.fixture
async def clock() -> FakeClock:
    return FakeClock(MONDAY)


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


@asynccontextmanager
async def services_of(
    bot: SamenBot, clock: Clock = utc_now
) -> AsyncIterator[tuple[Services, Database]]:
    """Samen's services on the bot's database, to arrange what a test needs quickly."""
    db = await Database.open(bot.settings.database)
    try:
        yield Services.create(db, clock), db
    finally:
        await db.close()


async def tick(bot: SamenBot) -> WeekReport:
    """The regular calls' tick, now, on the bot's database and clock."""
    runtime = await Runtime.open(bot.settings, bot.clock)
    try:
        return await runtime.services.regular_calls.tick()
    finally:
        await runtime.close()


async def volunteers(bot: SamenBot, client: EmulatorClient) -> tuple[Person, Person]:
    """Piet and Kees, on duty, speaking English (as an approved application enrols them)."""
    people = []
    for user_id, name in ((700_000_031, "Piet"), (700_000_032, "Kees")):
        person = await Person(client, user_id, name, "en").join()
        await onboard(person, "✓ English", "✅ I agree")
        people.append(person)
    async with services_of(bot, bot.clock) as (services, db):
        for person in people:
            await enrol(services, db, person.user_id, person.first_name)
    return people[0], people[1]


async def enrol(services: Services, db: Database, user_id: int, name: str) -> None:
    """A volunteer on duty, speaking English (as an approved application enrols them)."""
    async with db.transaction() as conn:
        await services.volunteers.enrol(user_id, name, "en", COORDINATOR_ID, conn)


async def ask_for_a_weekly_call(john: Someone) -> None:
    """Tuesdays, in the afternoon, about music; the number typed."""
    await john.say("/weekly")
    offer = await john.expect("Would you like a call from the same volunteer every week?")
    await john.press(offer, "✅ Yes, I would like that")
    days = await john.expect("On which days may the volunteer call you?")
    assert "➡️ Next" not in buttons_of(days)  # no day yet
    await john.press(days, "Tuesday")
    days = await john.expect("On which days", where=lambda e: "✓ Tuesday" in buttons_of(e))
    await john.press(days, "➡️ Next")
    parts = await john.expect("At what time of day?")
    await john.press(parts, "☀️ Afternoon (12:00–17:00)")
    interests = await john.expect("What do you like to talk about?")
    # (WhatsApp shows the bold as *English*.)
    assert "The volunteer speaks English with you." in text_of(interests).replace("*", "")
    await john.press(interests, "🎵 Music")
    interests = await john.expect(
        "What do you like to talk about?", where=lambda e: "✓ 🎵 Music" in buttons_of(e)
    )
    await john.press(interests, "➡️ Next")
    await john.expect("Which number may the volunteer call?")
    await john.say("0900 1234567")
    await john.expect("it is a paid number")
    await john.say("06 1234 5678")
    await john.expect("06 12 34 56 78")
    await john.expect("Your wish is in.")


async def matched(john: Person, piet: Person, kees: Person, coordinator: Person) -> None:
    proposal = await piet.expect("A weekly call?")
    assert "every Tuesday, 12:00–17:00" in text_of(proposal)
    assert "Likes to talk about: 🎵 Music" in text_of(proposal)
    assert "John" not in text_of(proposal) and "12 34" not in text_of(proposal)
    await piet.press(proposal, "Not now")
    await piet.expect("We will ask someone else.")
    proposal = await kees.expect("A weekly call?")
    await kees.press(proposal, "✅ Yes, gladly")
    thanks = await kees.expect("You call John every Tuesday, 12:00–17:00.")
    assert "12 34" not in text_of(thanks)
    news = await john.expect("Good news!")
    assert "Kees, a volunteer, will call you every Tuesday, 12:00–17:00." in text_of(news)
    assert "The first call is tomorrow." in text_of(news)


class Team(NamedTuple):
    john: Person
    piet: Person
    kees: Person
    coordinator: Person


@pytest.fixture
async def team(bot: SamenBot, client: EmulatorClient) -> Team:
    """John asked for a call on Tuesday afternoons; Piet said "not now", Kees said yes."""
    coordinator = await Person(client, COORDINATOR_ID, "Cora", "nl").join()
    john = await Person(client, 700_000_002, "John", "en").join()
    piet, kees = await volunteers(bot, client)
    await onboard(john, "✓ English", "✅ I agree")
    await ask_for_a_weekly_call(john)
    await matched(john, piet, kees, coordinator)
    return Team(john, piet, kees, coordinator)


async def a_week(bot: SamenBot, clock: FakeClock, kees: Person, week: int) -> tuple[Entry, int]:
    """Monday noon of that week: the task reaches Kees, who opens its card."""
    clock.now = MONDAY + timedelta(weeks=week, hours=3, minutes=1)
    assert (await tick(bot)).opened == 1
    assert (await tick(bot)).opened == 0  # once a week
    notice = await kees.expect("Weekly call with John")
    assert "12 34" not in text_of(notice)
    await kees.press(notice, "📞 Show the number")
    card = await kees.expect("Phone: 06 12 34 56 78")
    assert "Weekly call #" in text_of(card)
    rows = await bot.query("SELECT count(*) FROM regular_call_weeks")
    return card, int(rows[0][0])


async def test_a_match_over_three_weeks_a_missed_week_a_pause_and_an_end(
    bot: SamenBot, team: Team, clock: FakeClock
) -> None:
    john, kees, coordinator = team.john, team.kees, team.coordinator

    # Week 1: the call is made.
    card, _ = await a_week(bot, clock, kees, 0)
    clock.now = MONDAY + timedelta(days=1, hours=5)  # Tuesday 14:00
    await kees.press(card, "✅ Reached")
    await kees.expect("is done: ✅ Reached. Thank you! Until next week.")
    assert (await tick(bot)).made == 1

    # Week 2: no answer, three times; John hears the weekly call's words.
    card, _ = await a_week(bot, clock, kees, 1)
    clock.now = MONDAY + timedelta(weeks=1, days=1, hours=5)
    for attempt in (1, 2):
        await kees.press(card, "📵 No answer")
        await kees.expect(f"No answer so far: {attempt} of 3", where=lambda e: bool(e["edited"]))
        await john.expect("tried to call you just now for your weekly call")
    await kees.press(card, "📵 No answer")
    await kees.expect("no answer 3 times. The resident has been told. Until next week!")
    await john.expect("Kees will call again next week.")
    assert (await tick(bot)).missed == 1

    # Week 3: nothing recorded; a day after the afternoon the number leaves Kees's chat
    # and two missed weeks in a row reach the coordinators, once.
    await a_week(bot, clock, kees, 2)
    clock.now = MONDAY + timedelta(weeks=2, days=2, hours=8, minutes=1)  # Wednesday 17:01
    assert (await tick(bot)).missed == 1
    cleared = await kees.expect("its day has passed", where=lambda e: bool(e["edited"]))
    assert "12 34" not in text_of(cleared) and buttons_of(cleared) == []
    alert = await coordinator.expect("2 weken achter elkaar gemist")
    assert "Kees" in text_of(alert) and "John" in text_of(alert)
    assert (await tick(bot)).missed == 0
    await coordinator.say("/hulp")
    assert "/koppels – wekelijkse gesprekken" in text_of(await coordinator.expect("Hoe Samen"))
    await coordinator.say("/koppels")
    overview = await coordinator.expect("Wekelijkse gesprekken")
    assert "John ↔ Kees, elke dinsdag, 12:00–17:00" in text_of(overview)
    assert "2 weken achter elkaar gemist" in text_of(overview)

    # Week 4 is planned; John pauses two weeks: the planned call is off, its number gone.
    await a_week(bot, clock, kees, 3)
    await john.say("/weekly")
    mine = await john.expect("Your weekly call")
    assert "Kees calls you every Tuesday, 12:00–17:00." in text_of(mine)
    await john.press(mine, "⏸ Pause")
    await john.press(await john.expect("How long would you like a break?"), "2 weeks")
    paused = await john.expect("Paused. No call before")
    assert "Next call: Tuesday 5 January" in text_of(paused)
    off = await kees.expect("is off", where=lambda e: bool(e["edited"]))
    assert "12 34" not in text_of(off)
    await kees.expect("John pauses the weekly calls.")
    clock.now = MONDAY + timedelta(weeks=4, hours=3, minutes=1)
    assert (await tick(bot)).opened == 0

    # The end: Kees is thanked without a reason, and nothing about it is kept.
    await john.press(paused, "⏹ End the weekly calls")
    await john.press(await john.expect("Do you want to end the weekly calls?"), "Yes, end them")
    await john.expect("The weekly calls have ended, and your number is removed.")
    await kees.expect("The weekly calls with John have ended.")
    for table in ("regular_calls", "regular_call_proposals", "regular_call_weeks"):
        assert await bot.query(f"SELECT * FROM {table}") == []
    stats = await bot.query(
        "SELECT metric, sum(count) FROM daily_counts WHERE metric LIKE 'regular_calls_%'"
        " GROUP BY metric ORDER BY metric"
    )
    assert dict(stats) == {
        "regular_calls_asked": 1,
        "regular_calls_ended": 1,
        "regular_calls_made": 1,
        "regular_calls_matched": 1,
        "regular_calls_missed": 2,
    }


async def test_the_residents_side_on_every_channel(
    samen_any: SamenBot, john_any: Someone, client: EmulatorClient
) -> None:
    """Ask, hear the first name, see it, ask for someone else, end it: on Telegram and
    on WhatsApp alike."""
    samen, john = samen_any, john_any
    await agree(samen, john, "✓ English", "✅ I agree")
    await volunteers(samen, client)
    await john.say("/help")
    assert "/weekly – a call every week" in text_of(await john.expect("How Samen works"))
    await ask_for_a_weekly_call(john)
    async with services_of(samen) as (services, db):
        (call,) = await services.regular_calls.everyone()
        (asked,) = await db.fetchall(
            "SELECT volunteer_id FROM regular_call_proposals WHERE call_id = ?", (call.id,)
        )
        await services.regular_calls.answer_proposal(call.id, int(asked[0]), yes=True)
    # The news itself may wait for the end of quiet hours (this runs on the real clock).
    assert await samen.query("SELECT count(*) FROM outbox WHERE kind = 'regular_call'") == [(1,)]
    await john.say("/weekly")
    mine = await john.expect("Your weekly call")
    assert "Piet calls you every Tuesday, 12:00–17:00." in text_of(mine)
    # A holiday until a day typed as people write it; nonsense is asked again kindly.
    await john.press(mine, "⏸ Pause")
    await john.press(await john.expect("How long"), "📅 Until a date I choose")
    await john.expect("Until which day?")
    await john.say("someday")
    await john.expect("I did not understand that date.")
    until = utc_now().date() + timedelta(days=10)
    await john.say(f"{until.day}-{until.month}")
    mine = await john.expect("Paused. No call before")
    await john.press(mine, "🔄 Someone else")
    sure = await john.expect("you do not have to say why")
    await john.press(sure, "Yes, someone else")
    await john.expect("We are looking for another volunteer for you.")
    await john.say("/weekly")
    waiting = await john.expect("Your weekly call")
    assert "We are looking for a volunteer who fits." in text_of(waiting)
    await john.press(waiting, "⏹ End the weekly calls")
    await john.press(await john.expect("Do you want to end"), "Yes, end them")
    await john.expect("The weekly calls have ended")
    assert await samen.query("SELECT * FROM regular_calls") == []


async def erase(person: Person) -> None:
    await person.say("/mydata")
    await person.press(await person.expect("What Samen stores"), "🗑 Delete everything")
    await person.press(await person.expect("Are you sure?"), "🗑 Yes, delete everything")
    await person.expect("Everything is deleted.")


async def test_erasure_by_the_resident_takes_the_number_out_of_the_volunteers_chat(
    bot: SamenBot, team: Team, clock: FakeClock
) -> None:
    john, kees = team.john, team.kees
    # "Call me" knows the weekly call's number, and leads to the weekly call.
    await john.tap("📞 Call me")
    known = await john.expect("We will call 06 12 34 56 78.")
    await john.press(known, "🔁 A call every week")
    assert "Kees calls you every Tuesday" in text_of(await john.expect("Your weekly call"))
    await john.say("/mydata")
    held = await john.expect("What Samen stores")
    assert "Your weekly call, with phone number 06 12 34 56 78" in text_of(held)
    await a_week(bot, clock, kees, 0)

    await erase(john)
    cleared = await kees.expect("is off", where=lambda e: bool(e["edited"]))
    assert "12 34" not in text_of(cleared) and buttons_of(cleared) == []
    await kees.expect("The weekly calls with John have ended.")
    for table in ("regular_calls", "regular_call_proposals", "regular_call_weeks"):
        assert await bot.query(f"SELECT * FROM {table}") == []
    assert (
        await bot.query("SELECT * FROM call_requests WHERE resident_id = ?", (john.user_id,)) == []
    )


async def test_erasure_by_the_volunteer_hands_the_resident_on(
    bot: SamenBot, team: Team, clock: FakeClock
) -> None:
    john, piet, kees, coordinator = team
    await a_week(bot, clock, kees, 0)

    await erase(kees)
    entries = await kees.client.transcript(kees.user_id)
    assert any("because you deleted your data" in text_of(e) and e.get("edited") for e in entries)
    await john.expect("Kees can no longer call you every week.")
    # Piet said "not now" before: nobody else fits, so the coordinators hear John waits.
    await coordinator.expect("Een inwoner wacht op een wekelijks gesprek")
    assert await bot.query("SELECT status, volunteer_id FROM regular_calls") == [("waiting", None)]
    assert await bot.query(
        "SELECT status FROM call_requests WHERE regular_call_id IS NOT NULL"
    ) == [("cancelled",)]

    # A coordinator picks Piet after all (they may have talked); Piet says yes.
    await coordinator.say("/koppels")
    overview = await coordinator.expect("Wekelijkse gesprekken")
    assert "John wacht" in text_of(overview) and "nog niemand past" in text_of(overview)
    await coordinator.press(overview, "👤 Vrijwilliger voor John")
    choose = await coordinator.expect("Wie vragen we om John elke week te bellen")
    assert buttons_of(choose) == ["Piet"]  # Kees is gone
    await coordinator.press(choose, "Piet")
    await coordinator.expect("Gevraagd.")
    proposal = await piet.expect("A weekly call?")
    await piet.press(proposal, "✅ Yes, gladly")
    await john.expect("Piet, a volunteer, will call you every Tuesday")


async def test_the_volunteer_pauses_and_then_stops_kindly(
    bot: SamenBot, team: Team, clock: FakeClock
) -> None:
    john, kees, coordinator = team.john, team.kees, team.coordinator

    await kees.say("/weekly")
    mine = await kees.expect("The residents you call every week")
    assert "John, every Tuesday, 12:00–17:00" in text_of(mine)
    await kees.press(mine, "John")
    await kees.press(await kees.expect("John, every Tuesday"), "⏸ John: 2 weeks")
    await kees.expect("No call for the next two weeks.")
    away = await john.expect("Kees is away for a while.")
    assert "Your next weekly call is Tuesday 15 December." in text_of(away)

    await kees.say("/weekly")
    mine = await kees.expect("(paused until")
    await kees.press(mine, "John")
    await kees.press(await kees.expect("John, every Tuesday"), "⏹ John: stop")
    await kees.press(await kees.expect("Do you want to stop these weekly calls?"), "Yes, stop")
    await kees.expect("The resident has been told kindly.")
    await john.expect("Kees can no longer call you every week.")
    await coordinator.expect("Een inwoner wacht op een wekelijks gesprek")  # Piet said no
    await john.say("/weekly")
    assert "We are looking for a volunteer who fits." in text_of(
        await john.expect("Your weekly call")
    )


RESIDENTS = ("Ria", "Bep", "Truus", "Gerrit", "Joop", "Nel", "Wim", "Fien", "Henk", "Mien")
RESIDENTS += ("Toon", "Sjaan")  # twelve: more than one WhatsApp list holds


async def test_a_volunteer_sees_and_can_pause_every_resident_they_call(
    samen_any: SamenBot, john_any: Someone, client: EmulatorClient
) -> None:
    """John, a volunteer, calls twelve residents every week: /weekly lists them all, and
    the last one (past WhatsApp's ten rows, on the list's second page there) can be
    paused."""
    samen, john = samen_any, john_any
    john_id = await agree(samen, john, "✓ English", "✅ I agree")
    residents = [
        await Person(client, 800_000_100 + n, name, "en").join() for n, name in enumerate(RESIDENTS)
    ]
    async with services_of(samen) as (services, db):
        await enrol(services, db, john_id, "John")
        for resident in residents:
            await services.residents.give_consent(resident.user_id, resident.first_name, "en")
            wish = (1 << 1, DayPart.AFTERNOON, "en", 0)  # Tuesday afternoons
            call = await services.regular_calls.ask(resident.user_id, wish, "06 1234 5678")
            answer = await services.regular_calls.answer_proposal(call.id, john_id, yes=True)
            assert answer[0] is Answer.ACCEPTED

    await john.say("/weekly")
    screen = await john.expect("The residents you call every week")
    for name in RESIDENTS:
        assert f"{name}, every Tuesday, 12:00–17:00" in text_of(screen)
    pages = [screen]
    if isinstance(john, WhatsAppPerson):  # ten rows a list: the rest on a second page
        pages.append(await john.expect("More choices"))
    assert [label for page in pages for label in buttons_of(page)] == list(RESIDENTS)

    await john.press(pages[-1], "Sjaan")
    sjaan = await john.expect("Sjaan, every Tuesday, 12:00–17:00")
    await john.press(sjaan, "⏸ Sjaan: 2 weeks")
    await john.expect("No call for the next two weeks.")
    paused = await samen.query(
        "SELECT r.first_name FROM regular_calls c JOIN residents r"
        " ON r.telegram_id = c.resident_id WHERE c.paused_until IS NOT NULL"
    )
    assert paused == [("Sjaan",)]
    await press_data(john, "rcw:show:999")  # a call that is not (or no longer) his
    await john.expect_toast("That is no longer possible.")
