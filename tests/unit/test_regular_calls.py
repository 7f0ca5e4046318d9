"""Regular calls: the weekly schedule (DST-safe), matching, missed weeks, pause, end, erasure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import to_iso
from bot.db import Database
from bot.services import Services
from bot.services.callme.moments import DayPart
from bot.services.callme.requests import CallOutcome
from bot.services.regularcall import Answer, Problem, Refused, Status
from bot.services.regularcall.matching import Candidate, Fit, best_fit
from bot.services.regularcall.schedule import call_moment, next_call_day, weekdays_of
from bot.services.residents import Status as ResidentStatus
from bot.services.stats import Few, Later
from tests.conftest import FakeClock
from tests.unit.test_call_requests import (
    COORDINATOR,
    KEES,
    PIET,
    RESIDENT,
    local,
    outbox,
    people,
    texts,
)
from tests.unit.test_desk import edits_of_details

ZONE = ZoneInfo("Europe/Amsterdam")
TUESDAY = 1
MONDAY_AND_TUESDAY = 0b11
PHONE = "06 1234 5678"
# The fixtures' Saturday 28 November; Anna and Kees agree on Monday afternoons.
SUNDAY_NOON = datetime(2026, 11, 29, 11, 30, tzinfo=UTC)  # Monday's call opens now
FIRST_MONDAY = "2026-11-30"
CARD = 77  # the message in Kees's chat that shows the first week's name and number


# ---------------------------------------------------------------------- the schedule


def test_a_weekly_call_keeps_its_local_hours_across_the_change_of_summer_time() -> None:
    before = call_moment(date(2026, 10, 20), DayPart.AFTERNOON, ZONE)  # summer time
    after = call_moment(date(2026, 10, 27), DayPart.AFTERNOON, ZONE)  # winter time
    assert before == (
        datetime(2026, 10, 20, 10, tzinfo=UTC),
        datetime(2026, 10, 20, 15, tzinfo=UTC),
    )
    assert after == (datetime(2026, 10, 27, 11, tzinfo=UTC), datetime(2026, 10, 27, 16, tzinfo=UTC))
    spring = call_moment(date(2027, 3, 30), DayPart.MORNING, ZONE)
    assert spring[0] == datetime(2027, 3, 30, 7, tzinfo=UTC)  # 09:00 summer time


def test_the_next_call_is_today_until_its_part_of_the_day_ends_then_next_week() -> None:
    tuesday_morning = datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert next_call_day(tuesday_morning, ZONE, TUESDAY, DayPart.AFTERNOON) == date(2026, 12, 1)
    tuesday_evening = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 17:30, afternoon is over
    assert next_call_day(tuesday_evening, ZONE, TUESDAY, DayPart.AFTERNOON) == date(2026, 12, 8)
    paused = next_call_day(tuesday_morning, ZONE, TUESDAY, DayPart.AFTERNOON, date(2026, 12, 9))
    assert paused == date(2026, 12, 15)
    assert weekdays_of(0b1000001) == [0, 6]


# ---------------------------------------------------------------------- matching


def test_the_volunteer_with_the_fewest_calls_who_speaks_the_language_is_asked() -> None:
    busy = Candidate(1, ("nl",), 2, frozenset({1}))
    free = Candidate(2, ("nl", "en"), 0, frozenset({3, 1}))
    english = Candidate(3, ("en",), 0, frozenset({0}))
    never = Candidate(4, ("nl",), 0, frozenset())
    assert best_fit([busy, free, english, never], "nl", set()) == Fit(2, 1)
    assert best_fit([busy, free, english, never], "nl", {2}) == Fit(1, 1)
    assert best_fit([busy, free, english, never], "nl", {1, 2}) is None
    assert best_fit([busy, english], "en", set()) == Fit(3, 0)


# ---------------------------------------------------------------------- the service


async def ask(services: Services) -> None:
    await services.regular_calls.ask(
        RESIDENT, (MONDAY_AND_TUESDAY, DayPart.AFTERNOON, "en", 0b101), PHONE
    )


@pytest.fixture
async def asked(services: Services, db: Database) -> None:
    """Anna asks for Monday or Tuesday afternoons (call #1); Piet, who fits first, is asked."""
    await people(services, db)
    await ask(services)


@pytest.fixture
async def matched(services: Services, asked: None) -> None:
    """Piet says no; Kees says yes."""
    assert await services.regular_calls.answer_proposal(1, PIET, yes=False) == (
        Answer.DECLINED,
        None,
    )
    answer, call = await services.regular_calls.answer_proposal(1, KEES, yes=True)
    assert answer is Answer.ACCEPTED and call is not None and call.volunteer_name == "Kees"


@pytest.fixture
async def first_week(services: Services, matched: None, db: Database, clock: FakeClock) -> int:
    """Sunday noon: Monday's call is Kees's task, its card (``CARD``) in his chat. The task."""
    clock.now = SUNDAY_NOON
    await services.regular_calls.tick()
    task_id = await week_task(db, FIRST_MONDAY)
    await services.call_requests.remember_details(task_id, KEES, CARD)
    return task_id


@pytest.mark.usefixtures("matched")
async def test_a_match_is_proposed_declined_and_accepted(services: Services, db: Database) -> None:
    proposals = await outbox(db, "ref = 'regular:1:propose'")
    assert [r[0] for r in proposals] == [PIET, KEES]
    assert "Likes to talk about: 🌷 Garden, nature, 🎵 Music" in texts(proposals)[0]
    assert "612345678" not in texts(proposals)[0] and "Anna" not in texts(proposals)[0]
    (news,) = texts(await outbox(db, "recipient_id = ? AND kind = 'regular_call'", (RESIDENT,)))
    assert "Kees" in news and "maandag" in news  # Anna reads Dutch; Monday suits both
    # A second answer, or Piet's late one, changes nothing.
    assert (await services.regular_calls.answer_proposal(1, PIET, yes=True))[0] is Answer.GONE
    assert (await services.regular_calls.answer_proposal(1, KEES, yes=True))[0] is Answer.GONE
    with_refusal = await _refused(services)
    assert with_refusal is Problem.ALREADY


async def _refused(services: Services) -> Problem | None:
    try:
        await ask(services)
    except Refused as refused:
        return refused.problem
    return None


async def test_nobody_fits_so_the_resident_waits_and_coordinators_hear_once(
    services: Services, db: Database
) -> None:
    await people(services, db)
    await services.regular_calls.ask(RESIDENT, (1, DayPart.MORNING, "nl", 0), PHONE)  # nobody: nl
    call = await services.regular_calls.of_resident(RESIDENT)
    assert call is not None and call.status is Status.WAITING
    await services.regular_calls.tick()
    alerts = await outbox(db, "recipient_id = ? AND ref LIKE 'regular:1:waiting%'", (COORDINATOR,))
    assert len(alerts) == 1 and "wacht op een wekelijks gesprek" in texts(alerts)[0]
    # Piet learns Dutch: the next tick asks him.
    await services.volunteers.toggle_language(PIET, "nl")
    await services.regular_calls.tick()
    assert [r[0] for r in await outbox(db, "ref = 'regular:1:propose'")] == [PIET]


async def test_a_bad_number_or_no_day_is_refused(services: Services, db: Database) -> None:
    await people(services, db)
    calls = services.regular_calls
    for wish, phone, problem in (
        ((1, DayPart.MORNING, "nl", 0), "0900 1234567", Problem.INVALID_PHONE),
        ((0, DayPart.MORNING, "nl", 0), PHONE, Problem.INVALID_CHOICE),
    ):
        try:
            await calls.ask(RESIDENT, wish, phone)
        except Refused as refused:
            assert refused.problem is problem
        else:
            raise AssertionError("refused")
    assert await calls.of_resident(RESIDENT) is None


async def week_task(db: Database, day: str) -> int:
    row = await db.fetchone("SELECT task_id FROM regular_call_weeks WHERE day = ?", (day,))
    assert row is not None
    return int(row[0])


@pytest.mark.usefixtures("matched")
async def test_three_weeks_made_missed_missed_alert_the_coordinators_once(
    services: Services, db: Database, clock: FakeClock
) -> None:
    calls, desk = services.regular_calls, services.call_requests
    report = await calls.tick()
    assert report.opened == 0  # Monday is more than a day away
    clock.now = SUNDAY_NOON
    assert (await calls.tick()).opened == 1
    assert (await calls.tick()).opened == 0  # once
    first = await week_task(db, FIRST_MONDAY)
    task = await desk.get(first)
    assert task is not None and task.weekly and task.volunteer_id == KEES
    clock.now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert (await desk.record_outcome(first, KEES, CallOutcome.REACHED))[1] is not None
    assert (await calls.tick()).made == 1

    for week, day in ((1, "2026-12-07"), (2, "2026-12-14"), (3, "2026-12-21")):
        clock.now = datetime(2026, 11, 30, 12, tzinfo=UTC) + timedelta(weeks=week)
        await calls.tick()
        task_id = await week_task(db, day)
        for _ in range(3):
            await desk.record_outcome(task_id, KEES, CallOutcome.NO_ANSWER)
        assert (await calls.tick()).missed == 1
    alerts = await outbox(db, "recipient_id = ? AND ref LIKE 'regular:1:missed%'", (COORDINATOR,))
    assert len(alerts) == 1 and "2 weken achter elkaar gemist" in texts(alerts)[0]
    # The week's no-answers went to Anna as the weekly call's words, not a call-back's.
    news = texts(await outbox(db, "recipient_id = ? AND kind = 'call_request'", (RESIDENT,)))
    assert news and all("weekly call" in text or "wekelijkse" in text for text in news)
    assert await services.counts.total("regular_calls_made") == 1
    assert await services.counts.total("regular_calls_missed") == 3
    assert await services.counts.total("call_requests_reached") == 0


@pytest.mark.usefixtures("first_week")
async def test_a_week_without_an_outcome_is_missed_and_its_number_removed(
    services: Services, db: Database, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 12, 1, 15, tzinfo=UTC)  # a day after Monday afternoon
    assert (await services.regular_calls.tick()).missed == 0
    clock.now = datetime(2026, 12, 1, 16, 1, tzinfo=UTC)
    assert (await services.regular_calls.tick()).missed == 1
    ((chat, message, text),) = await edits_of_details(db)
    assert (chat, message) == (KEES, CARD) and "its day has passed" in text


@pytest.mark.usefixtures("first_week")
async def test_a_pause_takes_the_planned_week_off_and_the_next_call_is_after_it(
    services: Services, db: Database, clock: FakeClock
) -> None:
    call = await services.regular_calls.pause(RESIDENT, date(2026, 12, 13))
    assert call is not None and call.paused_until == date(2026, 12, 13)
    assert services.regular_calls.next_day(call) == date(2026, 12, 14)
    ((_chat, _message, text),) = await edits_of_details(db)
    assert "No need to call" in text
    told = texts(await outbox(db, "recipient_id = ? AND ref LIKE 'regular:1:paused%'", (KEES,)))
    assert told and "pauses the weekly calls" in told[0]
    clock.now = datetime(2026, 12, 6, 12, tzinfo=UTC)  # the day before the next Monday
    assert (await services.regular_calls.tick()).opened == 0
    resumed = await services.regular_calls.resume(RESIDENT)
    assert resumed is not None and resumed.paused_until is None
    assert (await services.regular_calls.tick()).opened == 1


@pytest.mark.usefixtures("first_week")
async def test_ending_removes_the_number_and_every_row_and_thanks_the_volunteer(
    services: Services, db: Database
) -> None:
    assert await services.regular_calls.end(RESIDENT)
    assert "The name and number have been removed" in (await edits_of_details(db))[0][2]
    thanks = texts(await outbox(db, "recipient_id = ? AND ref = 'regular:1:ended'", (KEES,)))
    assert thanks and "nobody needs to explain" in thanks[0]
    for table in ("regular_calls", "regular_call_proposals", "regular_call_weeks"):
        assert await db.fetchall(f"SELECT * FROM {table}") == []


@pytest.mark.usefixtures("matched")
async def test_someone_else_asks_the_next_who_fits_without_a_reason(
    services: Services, db: Database
) -> None:
    assert await services.regular_calls.end(RESIDENT, someone_else=True)
    call = await services.regular_calls.of_resident(RESIDENT)
    # Piet said no before, Kees had his turn: nobody is left, so the coordinators hear.
    assert call is not None and call.status is Status.WAITING and call.volunteer_id is None
    alerts = await outbox(db, "recipient_id = ? AND ref LIKE 'regular:1:waiting%'", (COORDINATOR,))
    assert len(alerts) == 1


@pytest.mark.usefixtures("matched")
async def test_a_volunteer_who_steps_down_or_erases_hands_the_resident_on(
    services: Services, db: Database
) -> None:
    assert await services.regular_calls.step_down(1, PIET) is False  # not Piet's
    assert await services.regular_calls.step_down(1, KEES)
    news = texts(await outbox(db, "recipient_id = ? AND ref = 'regular:1:resident'", (RESIDENT,)))
    assert any("Kees" in text and "another volunteer" in text.lower() for text in news) or any(
        "Kees" in text and "andere vrijwilliger" in text for text in news
    )
    await services.regular_calls.volunteer_gone(KEES)
    assert await services.regular_calls.of_volunteer(KEES) == []


@pytest.mark.usefixtures("first_week")
async def test_erasure_of_the_resident_clears_the_number_and_the_rows(
    services: Services, db: Database
) -> None:
    await services.regular_calls.forget_resident(RESIDENT)
    await services.call_requests.forget_resident(RESIDENT)
    await services.privacy.erase(RESIDENT)
    assert [(c, m) for c, m, _ in await edits_of_details(db)] == [(KEES, CARD)]
    for table in ("regular_calls", "regular_call_weeks", "call_request_messages"):
        assert await db.fetchall(f"SELECT * FROM {table}") == []
    assert await db.fetchall("SELECT * FROM call_requests WHERE resident_id = ?", (RESIDENT,)) == []


async def test_stats_count_matches_and_calls_with_the_small_number_rule(
    services: Services, first_week: int, db: Database, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    await services.call_requests.record_outcome(first_week, KEES, CallOutcome.REACHED)
    await services.regular_calls.tick()
    await services.counts.bump("regular_calls_made", 6)  # six more calls that week
    clock.now = datetime(2026, 12, 7, 12, tzinfo=UTC)  # the week is over
    assert (await services.regular_calls.tick()).opened == 1  # today's call, Kees's task
    report = await services.stats.report()
    (section,) = [s for s in report.sections if s.key == "regular_calls"]
    values = {series.label: series.values for series in section.series}
    assert values["matches made"][-3:] == (Few(5), Few(5), Later())  # 1: too few to show
    assert values["weekly calls made"][-2:] == (5.0, Later())  # 7, rounded to 5
    # A week's call held by Kees is no call-back waiting in the totals.
    (call_backs,) = [s for s in report.sections if s.key == "call_requests"]
    assert dict(call_backs.totals)["taken, not yet closed"] == 0.0


@pytest.mark.usefixtures("asked")
async def test_a_coordinator_can_ask_a_volunteer_only_for_a_call_that_waits(
    services: Services,
) -> None:
    calls = services.regular_calls
    assert await calls.propose_to(1, RESIDENT) is False  # no volunteer
    assert await calls.propose_to(1, KEES)  # Piet's open proposal lapses
    assert (await calls.answer_proposal(1, PIET, yes=True))[0] is Answer.GONE
    assert (await calls.answer_proposal(1, KEES, yes=True))[0] is Answer.ACCEPTED
    assert await calls.propose_to(1, PIET) is False  # matched already


@pytest.mark.usefixtures("matched")
async def test_a_week_called_off_comes_back_when_the_pause_is_lifted_before_its_day(
    services: Services, db: Database, clock: FakeClock
) -> None:
    clock.now = SUNDAY_NOON
    calls = services.regular_calls
    assert (await calls.tick()).opened == 1
    await calls.pause(RESIDENT, date(2026, 12, 5))
    assert (await calls.tick()).opened == 0
    await calls.resume(RESIDENT)
    assert (await calls.tick()).opened == 1  # Monday's call is on again, as a new task
    assert (await calls.tick()).opened == 0
    rows = await db.fetchall("SELECT status FROM call_requests ORDER BY id")
    assert [r[0] for r in rows] == ["cancelled", "claimed"]


@pytest.mark.usefixtures("asked")
async def test_a_proposal_nobody_answers_passes_to_the_next_after_two_days(
    services: Services, db: Database, clock: FakeClock
) -> None:
    calls = services.regular_calls
    clock.advance(days=1, hours=23)
    assert (await calls.tick()).proposals_passed == 0
    clock.advance(hours=1)
    assert (await calls.tick()).proposals_passed == 1
    assert [r[0] for r in await outbox(db, "ref = 'regular:1:propose'")] == [PIET, KEES]
    assert (await calls.answer_proposal(1, PIET, yes=True))[0] is Answer.GONE


@pytest.mark.usefixtures("matched")
async def test_a_volunteers_holiday_takes_the_week_off_and_the_resident_hears_when_next(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await services.availability.pause(KEES, date(2026, 12, 8))  # away until Tuesday 8th
    clock.now = SUNDAY_NOON
    calls = services.regular_calls
    assert (await calls.tick()).opened == 0
    assert (await calls.tick()).opened == 0
    news = texts(await outbox(db, "recipient_id = ? AND dedupe_key LIKE '%away%'", (RESIDENT,)))
    assert len(news) == 1 and "Kees" in news[0] and "14 december" in news[0]
    clock.now = datetime(2026, 12, 13, 11, 30, tzinfo=UTC)
    assert (await calls.tick()).opened == 1  # back: Monday 14 December


@pytest.mark.usefixtures("matched")
async def test_the_residents_news_waits_out_quiet_hours_and_skips_stopped_messages(
    services: Services, db: Database, clock: FakeClock
) -> None:
    """The same rule as a call request's news (``News.news_for``)."""
    clock.now = local(2026, 11, 28, 23, 0)  # Kees pauses late in the evening
    assert await services.regular_calls.volunteer_pause(1, KEES)
    ((held,),) = await db.fetchall(
        "SELECT not_before FROM outbox WHERE recipient_id = ? AND dedupe_key LIKE '%pause%'",
        (RESIDENT,),
    )
    assert held == to_iso(local(2026, 11, 29, 8, 0))
    await services.residents.set_status(RESIDENT, ResidentStatus.STOPPED)
    before = len(await outbox(db, "recipient_id = ?", (RESIDENT,)))
    assert await services.regular_calls.step_down(1, KEES)
    assert len(await outbox(db, "recipient_id = ?", (RESIDENT,))) == before
