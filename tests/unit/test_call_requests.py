"""Call requests and tasks: phone numbers, moments, the claim race, escalation, purge."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import to_iso
from bot.db import Database
from bot.services import Services
from bot.services.callme.moments import daytime_between, moments_ahead
from bot.services.callme.phones import (
    PhoneProblem,
    PhoneRefused,
    callable_phone,
    contact_phone,
    display_phone,
    normalise_phone,
)
from bot.services.callme.requests import (
    CallOutcome,
    CallPolicy,
    ClaimResult,
    DayPart,
    OutcomeResult,
    Problem,
    RequestRefused,
    TaskStatus,
    Topic,
)
from bot.services.outbox import OutMessage
from bot.services.quiet import QuietHours
from bot.services.residents import Status
from bot.services.roles import Role
from tests.conftest import FakeClock

AMS = ZoneInfo("Europe/Amsterdam")
DAYTIME = (time(8), time(21))
RESIDENT = 700_100_001
PIET = 700_200_001
KEES = 700_200_002
COORDINATOR = 700_300_001


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC)  # type: ignore[misc]


async def people(services: Services, db: Database) -> None:
    """A resident, two volunteers on duty and a coordinator."""
    await services.residents.give_consent(RESIDENT, "Anna", "nl")
    for volunteer, name in ((PIET, "Piet"), (KEES, "Kees")):
        await services.residents.give_consent(volunteer, name, "en")
        async with db.transaction() as conn:
            await services.volunteers.enrol(volunteer, name, "en", None, conn)
    await services.roles.sync_config_coordinators([COORDINATOR])


async def request(services: Services, phone: str = "06 1234 5678") -> int:
    moment = services.call_requests.moments()[0]
    task = await services.call_requests.create_request(RESIDENT, phone, moment.key, Topic.CHAT)
    return task.id


async def outbox(db: Database, where: str = "1", params: tuple[object, ...] = ()) -> list[tuple]:  # type: ignore[type-arg]
    rows = await db.fetchall(
        f"SELECT recipient_id, kind, ref, status, edit_of, payload FROM outbox WHERE {where}"
        " ORDER BY id",
        params,
    )
    return [tuple(r) for r in rows]


def texts(rows: list[tuple]) -> list[str]:  # type: ignore[type-arg]
    return [OutMessage.from_json(r[5]).text for r in rows]


# ---------------------------------------------------------------------- phone numbers


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0612345678", "+31612345678"),
        ("06-1234 5678", "+31612345678"),
        ("06 12 34 56 78", "+31612345678"),
        ("023 123 4567", "+31231234567"),  # a landline in Heemstede's area code
        ("+31 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("085 123 4567", "+31851234567"),  # an internet line at the ordinary rate
    ],
)
def test_valid_numbers_are_stored_in_e164(typed: str, e164: str) -> None:
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("+32 470 12 34 56", "+32470123456"),  # Belgian mobile
        ("0032 470 12 34 56", "+32470123456"),
        ("+32 2 345 67 89", "+3223456789"),  # Brussels landline
        ("06 1234 5678", "+31612345678"),  # the first region reads national numbers
    ],
)
def test_numbers_of_every_configured_region_are_accepted(typed: str, e164: str) -> None:
    assert callable_phone(typed, ("NL", "BE")) == e164


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("0900-1234567", PhoneProblem.PAID),  # premium rate
        ("0906 1234567", PhoneProblem.PAID),
        ("0909-1234567", PhoneProblem.PAID),
        ("0800-1234567", PhoneProblem.NOT_A_PERSON),  # toll-free
        ("088 123 4567", PhoneProblem.NOT_A_PERSON),  # company number (UAN)
        ("14023", PhoneProblem.NOT_A_PERSON),  # a municipality's 14 number
        ("066 1234567", PhoneProblem.NOT_A_PERSON),  # pager
        ("084 123 4567", PhoneProblem.NOT_A_PERSON),  # personal number, charged extra
        ("+32 470 12 34 56", PhoneProblem.OTHER_COUNTRY),  # not in the default regions
        ("+1 202 555 0123", PhoneProblem.OTHER_COUNTRY),
        ("12345", PhoneProblem.NOT_A_NUMBER),
    ],
)
def test_numbers_nobody_answers_or_that_cost_money_are_refused_with_a_reason(
    typed: str, problem: PhoneProblem
) -> None:
    with pytest.raises(PhoneRefused) as refused:
        callable_phone(typed)
    assert refused.value.problem is problem
    assert normalise_phone(typed) is None


@pytest.mark.parametrize(
    "typed",
    ["", "12345", "abc", "06 1234 567", "+31 6 1234567", "call me maybe", "0" * 41, "😀"],
)
def test_invalid_numbers_are_refused(typed: str) -> None:
    assert normalise_phone(typed) is None


def test_contact_numbers_and_display() -> None:
    assert contact_phone("31612345678") == "+31612345678"
    assert contact_phone("+31612345678") == "+31612345678"
    with pytest.raises(PhoneRefused):
        contact_phone("123")
    with pytest.raises(PhoneRefused):
        contact_phone("319001234567")  # a shared contact can be a paid line too


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+31612345601", "06 12 34 56 01"),
        ("+31231234567", "023 123 45 67"),  # three-digit area code: 3, then pairs
        ("+31252123456", "0252 12 34 56"),  # four-digit area code: pairs
        ("+31851234567", "085 123 45 67"),
        ("+32470123456", "+32 470 12 34 56"),  # not Dutch: international
    ],
)
def test_dutch_numbers_are_shown_the_dutch_way(e164: str, shown: str) -> None:
    assert display_phone(e164) == shown


# ---------------------------------------------------------------------- moments


def test_moments_in_the_afternoon() -> None:
    found = moments_ahead(local(2026, 11, 28, 15, 30), AMS, DAYTIME)
    assert [(m.offset, m.part) for m in found] == [
        (0, DayPart.AFTERNOON),
        (0, DayPart.EVENING),
        (1, DayPart.MORNING),
        (1, DayPart.AFTERNOON),
        (1, DayPart.EVENING),
    ]
    assert found[0].key == "20261128a"
    assert found[0].start == local(2026, 11, 28, 12, 0)
    assert found[0].end == local(2026, 11, 28, 17, 0)


def test_a_moment_with_less_than_an_hour_left_is_not_offered() -> None:
    found = moments_ahead(local(2026, 11, 28, 16, 1), AMS, DAYTIME)
    assert found[0].part is DayPart.EVENING and found[0].offset == 0


def test_in_the_late_evening_only_tomorrow_is_offered() -> None:
    for hour, minute in ((19, 30), (21, 0), (23, 59)):
        found = moments_ahead(local(2026, 11, 28, hour, minute), AMS, DAYTIME)
        assert [m.offset for m in found] == [1, 1, 1]
        assert all(m.day.isoformat() == "2026-11-29" for m in found)


def test_after_midnight_today_is_the_new_day() -> None:
    found = moments_ahead(local(2026, 11, 29, 0, 30), AMS, DAYTIME)
    assert [m.key for m in found][:3] == ["20261129m", "20261129a", "20261129e"]
    assert len(found) == 6


def test_moments_stay_within_daytime() -> None:
    found = moments_ahead(local(2026, 11, 28, 6, 0), AMS, (time(10), time(16)))
    today = [m for m in found if m.offset == 0]
    assert [(m.part, m.start, m.end) for m in today] == [
        (DayPart.MORNING, local(2026, 11, 28, 10, 0), local(2026, 11, 28, 12, 0)),
        (DayPart.AFTERNOON, local(2026, 11, 28, 12, 0), local(2026, 11, 28, 16, 0)),
    ]


def test_moments_follow_daylight_saving_time() -> None:
    found = moments_ahead(local(2026, 3, 28, 20, 0), AMS, DAYTIME)  # DST starts that night
    morning = found[0]
    assert morning.day.isoformat() == "2026-03-29"
    assert morning.start == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 summer time


def test_daytime_between_counts_only_daytime() -> None:
    opened = local(2026, 11, 28, 20, 30)
    assert daytime_between(opened, local(2026, 11, 28, 23, 0), AMS, DAYTIME) == timedelta(
        minutes=30
    )
    assert daytime_between(opened, local(2026, 11, 29, 8, 30), AMS, DAYTIME) == timedelta(hours=1)
    assert daytime_between(
        local(2026, 11, 28, 9, 0), local(2026, 11, 28, 11, 0), AMS, DAYTIME
    ) == timedelta(hours=2)


def test_moment_keys_are_checked_against_the_clock(services: Services, clock: FakeClock) -> None:
    key = services.call_requests.moments()[0].key
    assert services.call_requests.moment(key) is not None
    assert services.call_requests.moment("20261127a") is None  # yesterday
    assert services.call_requests.moment("nonsense") is None
    clock.advance(days=2)
    assert services.call_requests.moment(key) is None


# ---------------------------------------------------------------------- requests


async def test_request_is_offered_to_every_volunteer_on_duty(
    services: Services, db: Database
) -> None:
    await people(services, db)
    await services.volunteers.set_on_duty(KEES, False)
    task_id = await request(services)
    task = await services.call_requests.get(task_id)
    assert task is not None
    assert task.phone == "+31612345678"
    assert task.status is TaskStatus.OPEN and task.topic is Topic.CHAT
    assert task.language == "nl" and task.resident_name == "Anna"
    offers = await outbox(db, "kind = 'task'")
    assert [(r[0], r[2]) for r in offers] == [(PIET, f"task:{task_id}:offer")]
    offer = OutMessage.from_json(offers[0][5])
    assert offer.buttons[0][0].data == f"task:claim:{task_id}"
    # The offer names neither the resident nor the number; when, language and topic it does.
    assert "Anna" not in offer.text and "612345678" not in offer.text
    assert "Language: Dutch" in offer.text and "Topic: ☕ Just a chat" in offer.text
    assert "When: today, 12:00–17:00" in offer.text  # the clock stands on that Saturday


async def test_the_number_samen_has_is_offered_again(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await people(services, db)
    assert await services.call_requests.known_phone(RESIDENT) is None
    await services.checkins.set_days(RESIDENT, 127)
    await services.checkins.set_time(RESIDENT, time(10))
    await services.checkins.set_safety_net(RESIDENT, "+31612345678")
    assert await services.call_requests.known_phone(RESIDENT) == "+31612345678"
    clock.advance(minutes=5)
    task_id = await request(services, "023 123 4567")  # a newer number: that one
    assert await services.call_requests.known_phone(RESIDENT) == "+31231234567"
    assert await services.call_requests.known_phone(PIET) is None  # only their own
    await services.call_requests.cancel(task_id, RESIDENT)
    clock.advance(days=31)
    await services.call_requests.purge_closed()
    assert await services.call_requests.known_phone(RESIDENT) == "+31612345678"
    await services.checkins.set_safety_net(RESIDENT, None)
    assert await services.call_requests.known_phone(RESIDENT) is None


async def test_a_known_number_no_longer_callable_is_not_offered(
    db: Database, clock: FakeClock
) -> None:
    belgian = Services.create(db, clock, call_policy=CallPolicy(regions=("BE", "NL")))
    await people(belgian, db)
    await request(belgian, "+32 470 12 34 56")
    assert await belgian.call_requests.known_phone(RESIDENT) == "+32470123456"
    dutch = Services.create(db, clock, call_policy=CallPolicy(regions=("NL",)))
    assert await dutch.call_requests.known_phone(RESIDENT) is None


async def test_one_open_request_per_resident(services: Services, db: Database) -> None:
    await people(services, db)
    await request(services)
    with pytest.raises(RequestRefused) as refused:
        await request(services, "0612345679")
    assert refused.value.problem is Problem.ALREADY_OPEN


@pytest.mark.parametrize(
    ("phone", "key", "problem"),
    [
        ("12345", None, Problem.INVALID_PHONE),
        ("0612345678", "20261127a", Problem.MOMENT_PASSED),
    ],
)
async def test_bad_requests_are_refused(
    services: Services, db: Database, phone: str, key: str | None, problem: Problem
) -> None:
    await people(services, db)
    moment_key = key or services.call_requests.moments()[0].key
    with pytest.raises(RequestRefused) as refused:
        await services.call_requests.create_request(RESIDENT, phone, moment_key, None)
    assert refused.value.problem is problem
    assert await db.fetchall("SELECT * FROM call_requests") == []


async def test_without_consent_nothing_is_stored(services: Services) -> None:
    key = services.call_requests.moments()[0].key
    with pytest.raises(RequestRefused) as refused:
        await services.call_requests.create_request(RESIDENT, "0612345678", key, None)
    assert refused.value.problem is Problem.NOT_RESIDENT


async def test_nobody_on_duty_alerts_the_coordinators(services: Services, db: Database) -> None:
    await people(services, db)
    for volunteer in (PIET, KEES):
        await services.volunteers.set_on_duty(volunteer, False)
    task_id = await request(services)
    alerts = await outbox(db, "kind = 'alert'")
    assert [r[0] for r in alerts] == [COORDINATOR]
    assert f"#{task_id}" in texts(alerts)[0]


# ---------------------------------------------------------------------- claiming


async def test_two_volunteers_race_on_one_connection(services: Services, db: Database) -> None:
    await people(services, db)
    task_id = await request(services)
    results = await asyncio.gather(
        services.call_requests.claim(task_id, PIET), services.call_requests.claim(task_id, KEES)
    )
    outcomes = sorted(r[0] for r in results)
    assert outcomes == sorted([ClaimResult.CLAIMED, ClaimResult.TAKEN])
    winner = PIET if results[0][0] is ClaimResult.CLAIMED else KEES
    task = await services.call_requests.get(task_id)
    assert task is not None and task.volunteer_id == winner and task.status is TaskStatus.CLAIMED
    assert await services.counts.total("call_requests_claimed") == 1


async def test_two_volunteers_race_on_two_connections(
    services: Services, db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await people(services, db)
    task_id = await request(services)
    other_db = await Database.open(tmp_path / "samen.sqlite3")
    try:
        other = Services.create(other_db, clock)
        for _ in range(20):  # many rounds, so an unlucky interleaving would show
            results = await asyncio.gather(
                services.call_requests.claim(task_id, PIET),
                other.call_requests.claim(task_id, KEES),
            )
            winners = [r for r in results if r[0] is ClaimResult.CLAIMED]
            assert len(winners) == 1
            loser = next(r for r in results if r[0] is not ClaimResult.CLAIMED)
            assert loser[0] is ClaimResult.TAKEN and loser[1] is None
            holder = PIET if results[0][0] is ClaimResult.CLAIMED else KEES
            assert await services.call_requests.release(task_id, holder) is not None
    finally:
        await other_db.close()


async def test_claim_settles_the_other_offers_and_tells_the_resident(
    services: Services, db: Database
) -> None:
    await people(services, db)
    task_id = await request(services)
    # Piet's offer was delivered; Kees's is still waiting in the outbox.
    await db.execute(
        "UPDATE outbox SET status = 'sent', message_id = 55 WHERE recipient_id = ?", (PIET,)
    )
    result, task = await services.call_requests.claim(task_id, KEES)
    assert result is ClaimResult.CLAIMED and task is not None and task.volunteer_name == "Kees"
    assert [r[3] for r in await outbox(db, "recipient_id = ? AND edit_of IS NULL", (KEES,))] == [
        "cancelled"
    ]
    edits = await outbox(db, "edit_of IS NOT NULL")
    assert [r[0] for r in edits] == [PIET]
    assert "taken by Kees" in texts(edits)[0]
    told = await outbox(db, "recipient_id = ?", (RESIDENT,))
    assert len(told) == 1 and "Kees" in texts(told)[0]
    # Pressing again, or pressing late, changes nothing and sends nothing more.
    assert (await services.call_requests.claim(task_id, KEES))[0] is ClaimResult.ALREADY_YOURS
    assert (await services.call_requests.claim(task_id, PIET))[0] is ClaimResult.TAKEN
    assert len(await outbox(db)) == 4


async def test_news_for_the_resident_waits_for_the_end_of_quiet_hours(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await people(services, db)
    clock.now = local(2026, 11, 28, 14, 0)
    task_id = await request(services)
    clock.now = local(2026, 11, 28, 22, 15)  # Kees takes it late in the evening
    await services.call_requests.claim(task_id, KEES)
    clock.now = local(2026, 11, 29, 7, 50)  # and gives it back before breakfast
    await services.call_requests.release(task_id, KEES)
    clock.now = local(2026, 11, 29, 9, 0)
    await services.call_requests.claim(task_id, PIET)
    rows = await db.fetchall(
        "SELECT not_before, created_at FROM outbox WHERE recipient_id = ? ORDER BY id",
        (RESIDENT,),
    )
    morning = to_iso(local(2026, 11, 29, 8, 0))
    assert [(r[0] == morning, r[0] == r[1]) for r in rows] == [
        (True, False),  # taken at 22:15: told at 08:00
        (True, False),  # given back at 07:50: told at 08:00, after the first
        (False, True),  # taken at 09:00: told at once
    ]
    # Volunteers and coordinators are not held: Piet's offer after the release went at once.
    held = await db.fetchall(
        "SELECT 1 FROM outbox WHERE recipient_id != ? AND not_before > created_at", (RESIDENT,)
    )
    assert held == []


async def test_only_volunteers_can_claim(services: Services, db: Database) -> None:
    await people(services, db)
    task_id = await request(services)
    assert (await services.call_requests.claim(task_id, RESIDENT))[0] is ClaimResult.NOT_ALLOWED
    assert (await services.call_requests.claim(task_id, COORDINATOR))[0] is ClaimResult.NOT_ALLOWED
    assert (await services.call_requests.claim(9999, PIET))[0] is ClaimResult.GONE
    await services.roles.revoke(PIET, Role.VOLUNTEER)  # no longer a volunteer
    assert (await services.call_requests.claim(task_id, PIET))[0] is ClaimResult.NOT_ALLOWED


async def test_details_only_for_the_claimer(services: Services, db: Database) -> None:
    await people(services, db)
    task_id = await request(services)
    await services.call_requests.claim(task_id, PIET)
    assert await services.call_requests.task_for(task_id, KEES) is None
    mine = await services.call_requests.task_for(task_id, PIET)
    assert mine is not None and mine.phone == "+31612345678"


async def test_release_offers_the_task_again(services: Services, db: Database) -> None:
    await people(services, db)
    task_id = await request(services)
    await services.call_requests.claim(task_id, PIET)
    assert await services.call_requests.release(task_id, KEES) is None  # not his
    released = await services.call_requests.release(task_id, PIET)
    assert released is not None and released.status is TaskStatus.OPEN
    assert released.round == 2 and released.volunteer_id is None
    second_round = await outbox(
        db, "kind = 'task' AND dedupe_key LIKE ?", (f"task:{task_id}:r2:%",)
    )
    assert [r[0] for r in second_round] == [KEES]  # not back to the one who gave it up
    told = texts(await outbox(db, "recipient_id = ?", (RESIDENT,)))
    assert "Piet kan u toch niet bellen" in told[-1]
    assert (await services.call_requests.claim(task_id, KEES))[0] is ClaimResult.CLAIMED


# ---------------------------------------------------------------------- outcomes


async def test_no_answer_before_the_chosen_moment_is_refused(
    services: Services, db: Database
) -> None:
    """Anna must not hear at night that a volunteer "just called" for tomorrow morning."""
    await people(services, db)
    moment = services.call_requests.moments()[-1]  # the latest moment offered: still ahead
    task = await services.call_requests.create_request(RESIDENT, "06 1234 5678", moment.key, None)
    await services.call_requests.claim(task.id, PIET)
    told_before = await outbox(db, "recipient_id = ?", (RESIDENT,))
    result, held = await services.call_requests.record_outcome(task.id, PIET, CallOutcome.NO_ANSWER)
    assert result is OutcomeResult.TOO_EARLY and held is not None
    assert held.no_answers == 0 and held.status is TaskStatus.CLAIMED
    assert await outbox(db, "recipient_id = ?", (RESIDENT,)) == told_before


async def test_three_no_answers_close_the_task_and_alert(services: Services, db: Database) -> None:
    await people(services, db)
    task_id = await request(services)
    await services.call_requests.claim(task_id, PIET)
    for attempt in (1, 2):
        result, task = await services.call_requests.record_outcome(
            task_id, PIET, CallOutcome.NO_ANSWER
        )
        assert result is OutcomeResult.TRY_AGAIN and task is not None
        assert task.no_answers == attempt and task.status is TaskStatus.CLAIMED
        assert await outbox(db, "kind = 'alert'") == []
    result, task = await services.call_requests.record_outcome(task_id, PIET, CallOutcome.NO_ANSWER)
    assert result is OutcomeResult.GAVE_UP and task is not None
    assert task.status is TaskStatus.CLOSED and task.outcome is CallOutcome.NO_ANSWER
    alerts = await outbox(db, "kind = 'alert'")
    assert [r[0] for r in alerts] == [COORDINATOR]
    assert "drie keer niet opgenomen" in texts(alerts)[0]  # coordinator: default language
    told = texts(await outbox(db, "recipient_id = ?", (RESIDENT,)))
    assert "drie keer" in told[-1]  # Anna reads Dutch
    again = await services.call_requests.record_outcome(task_id, PIET, CallOutcome.NO_ANSWER)
    assert again == (OutcomeResult.NOT_YOURS, None)


@pytest.mark.parametrize(
    "outcome", [CallOutcome.REACHED, CallOutcome.FOLLOW_UP, CallOutcome.REFERRED]
)
async def test_outcomes_close_the_task(
    services: Services, db: Database, outcome: CallOutcome
) -> None:
    await people(services, db)
    task_id = await request(services)
    await services.call_requests.claim(task_id, PIET)
    assert (await services.call_requests.record_outcome(task_id, KEES, outcome))[0] is (
        OutcomeResult.NOT_YOURS
    )
    result, task = await services.call_requests.record_outcome(task_id, PIET, outcome)
    assert result is OutcomeResult.CLOSED and task is not None
    assert task.status is TaskStatus.CLOSED and task.outcome is outcome
    alerts = await outbox(db, "kind = 'alert'")
    assert len(alerts) == (1 if outcome is CallOutcome.FOLLOW_UP else 0)
    assert "gesloten" in texts(await outbox(db, "recipient_id = ?", (RESIDENT,)))[-1]
    assert await services.call_requests.add_note(task_id, PIET, "  Graag volgende week weer  ")
    assert not await services.call_requests.add_note(task_id, KEES, "not mine")
    assert not await services.call_requests.add_note(task_id, PIET, "   ")
    closed = await services.call_requests.task_for(task_id, PIET)
    assert closed is not None and closed.note == "Graag volgende week weer"
    assert await services.call_requests.open_request(RESIDENT) is None


async def test_stopped_residents_are_not_messaged(services: Services, db: Database) -> None:
    await people(services, db)
    await services.residents.set_status(RESIDENT, Status.STOPPED)
    task_id = await request(services)
    await services.call_requests.claim(task_id, PIET)
    await services.call_requests.record_outcome(task_id, PIET, CallOutcome.REACHED)
    assert await outbox(db, "recipient_id = ?", (RESIDENT,)) == []


async def test_resident_cancels(services: Services, db: Database) -> None:
    await people(services, db)
    task_id = await request(services)
    await services.call_requests.claim(task_id, PIET)
    assert await services.call_requests.cancel(task_id, PIET) is None  # only the resident
    cancelled = await services.call_requests.cancel(task_id, RESIDENT)
    assert cancelled is not None and cancelled.status is TaskStatus.CANCELLED
    assert await services.call_requests.cancel(task_id, RESIDENT) is None
    told = texts(await outbox(db, "recipient_id = ? AND kind = 'task'", (PIET,)))
    assert any("cancelled call request" in text for text in told)
    assert (await services.call_requests.record_outcome(task_id, PIET, CallOutcome.REACHED))[0] is (
        OutcomeResult.NOT_YOURS
    )
    assert (await services.call_requests.claim(task_id, KEES))[0] is ClaimResult.GONE
    await request(services)  # a new request is possible again


# ---------------------------------------------------------------------- time


async def test_unclaimed_task_alerts_once_after_two_daytime_hours(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await people(services, db)
    clock.now = local(2026, 11, 28, 10, 0)
    task_id = await request(services)
    clock.advance(hours=1, minutes=59)
    assert await services.call_requests.escalate_unclaimed() == 0
    clock.advance(minutes=1)
    assert await services.call_requests.escalate_unclaimed() == 1
    assert await services.call_requests.escalate_unclaimed() == 0
    clock.advance(hours=5)
    assert await services.call_requests.escalate_unclaimed() == 0
    alerts = await outbox(db, "kind = 'alert'")
    assert [r[0] for r in alerts] == [COORDINATOR]
    assert f"Belverzoek #{task_id} wacht" in texts(alerts)[0]
    assert "2 uur" in texts(alerts)[0]  # a configured coordinator: the default language


async def test_evening_requests_count_from_the_morning(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await people(services, db)
    clock.now = local(2026, 11, 28, 20, 0)  # one daytime hour left today
    await request(services)
    clock.now = local(2026, 11, 29, 8, 59)
    assert await services.call_requests.escalate_unclaimed() == 0
    clock.now = local(2026, 11, 29, 9, 0)
    assert await services.call_requests.escalate_unclaimed() == 1


async def test_claimed_or_released_tasks_and_escalation(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await people(services, db)
    clock.now = local(2026, 11, 28, 10, 0)
    task_id = await request(services)
    await services.call_requests.claim(task_id, PIET)
    clock.advance(hours=3)
    assert await services.call_requests.escalate_unclaimed() == 0  # taken in time
    await services.call_requests.release(task_id, PIET)
    clock.advance(hours=2)
    assert await services.call_requests.escalate_unclaimed() == 1  # counted from the release


async def test_phone_numbers_are_purged_after_retention(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await people(services, db)
    task_id = await request(services)
    await services.call_requests.claim(task_id, PIET)
    await services.call_requests.add_note(task_id, PIET, "Belde over de bibliotheek")
    await services.call_requests.record_outcome(task_id, PIET, CallOutcome.REACHED)
    clock.advance(days=29, hours=23)
    assert await services.call_requests.purge_closed() == 0
    clock.advance(hours=1)
    assert await services.call_requests.purge_closed() == 1
    assert await services.call_requests.purge_closed() == 0
    row = await db.fetchone("SELECT * FROM call_requests WHERE id = ?", (task_id,))
    assert row is not None
    assert (row["resident_id"], row["phone"], row["note"], row["volunteer_id"]) == (
        None,
        None,
        None,
        None,
    )
    assert (row["outcome"], row["topic"], row["language"]) == ("reached", "chat", "nl")
    assert row["claimed_at"] is not None and row["closed_at"] is not None
    assert await services.call_requests.task_for(task_id, PIET) is None


async def test_open_tasks_are_never_purged(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await people(services, db)
    await request(services)
    clock.advance(days=90)
    assert await services.call_requests.purge_closed() == 0


# ---------------------------------------------------------------------- lists


async def test_lists_for_volunteers_and_coordinators(services: Services, db: Database) -> None:
    await people(services, db)
    first = await request(services)
    await services.residents.give_consent(RESIDENT + 1, "Bert", "en")
    key = services.call_requests.moments()[0].key
    second = (await services.call_requests.create_request(RESIDENT + 1, "0612345670", key, None)).id
    await services.call_requests.claim(first, PIET)
    assert [t.id for t in await services.call_requests.open_tasks()] == [second]
    assert [t.id for t in await services.call_requests.tasks_of(PIET)] == [first]
    assert await services.call_requests.tasks_of(KEES) == []
    assert [t.id for t in await services.call_requests.overview()] == [first, second]


async def test_ending_a_volunteer_gives_their_tasks_back_in_one_change(
    services: Services, db: Database
) -> None:
    await people(services, db)
    task_id = await request(services)
    assert (await services.call_requests.claim(task_id, PIET))[0] is ClaimResult.CLAIMED
    assert await services.call_requests.held_counts() == {PIET: 1}
    # Piet presses "I'll take it" again while the coordinator ends his volunteering:
    # he must not get the task back in between (the release and the role are one change).
    ended, (again, _task) = await asyncio.gather(
        services.call_requests.end_volunteer(PIET, COORDINATOR),
        services.call_requests.claim(task_id, PIET),
    )
    assert ended is True and again is ClaimResult.NOT_ALLOWED
    task = await services.call_requests.get(task_id)
    assert task is not None and task.status is TaskStatus.OPEN and task.volunteer_id is None
    assert await services.roles.has(PIET, Role.VOLUNTEER) is False
    assert await services.call_requests.held_counts() == {}
    second_round = await outbox(
        db, "kind = 'task' AND dedupe_key LIKE ?", (f"task:{task_id}:r2:%",)
    )
    assert [r[0] for r in second_round] == [KEES]
    assert (
        "Piet kan u toch niet bellen"
        in texts(await outbox(db, "recipient_id = ?", (RESIDENT,)))[-1]
    )
    thanks = texts(await outbox(db, "recipient_id = ? AND kind = 'volunteer'", (PIET,)))
    assert len(thanks) == 1 and "Thank you very much" in thanks[0]
    audit = await db.fetchall("SELECT actor_id, action, subject_id FROM audit_log")
    assert (COORDINATOR, "role.revoked", PIET) in [tuple(r) for r in audit]
    # A second press (another coordinator) changes nothing.
    assert await services.call_requests.end_volunteer(PIET, COORDINATOR) is False
    assert (await services.call_requests.claim(task_id, KEES))[0] is ClaimResult.CLAIMED


async def test_held_counts_per_volunteer_in_one_query(services: Services, db: Database) -> None:
    await people(services, db)
    key = services.call_requests.moments()[0].key
    ids = [await request(services)]
    for n in (1, 2):
        await services.residents.give_consent(RESIDENT + n, "Bert", "en")
        ids.append(
            (await services.call_requests.create_request(RESIDENT + n, "0612345670", key, None)).id
        )
    await services.call_requests.claim(ids[0], PIET)
    await services.call_requests.claim(ids[1], PIET)
    await services.call_requests.claim(ids[2], KEES)
    await services.call_requests.record_outcome(ids[2], KEES, CallOutcome.REACHED)
    assert await services.call_requests.held_counts() == {PIET: 2}


# ---------------------------------------------------------------------- settings


def test_settings_and_their_defaults() -> None:
    from bot.config import ConfigError, load_settings

    policy = CallPolicy.from_settings(load_settings())
    assert policy.escalate_after == timedelta(hours=2)
    assert policy.retention == timedelta(days=30)
    assert policy.daytime == (time(8), time(21))
    assert policy.quiet == QuietHours(time(21), time(8))
    custom = load_settings(
        SAMEN_TASK_ESCALATE_AFTER="PT90M",
        SAMEN_PHONE_RETENTION_DAYS="7",
        SAMEN_DAYTIME="09:00-17:30",
        SAMEN_QUIET_HOURS="22:30-07:00",
    )
    policy = CallPolicy.from_settings(custom)
    assert policy.escalate_after == timedelta(minutes=90)
    assert policy.retention == timedelta(days=7)
    assert policy.daytime == (time(9), time(17, 30))
    assert policy.quiet == QuietHours(time(22, 30), time(7))
    for name, value in (
        ("SAMEN_DAYTIME", "21:00-08:00"),
        ("SAMEN_DAYTIME", "mornings"),
        ("SAMEN_TASK_ESCALATE_AFTER", "00:00:00"),
        ("SAMEN_PHONE_RETENTION_DAYS", "0"),
    ):
        with pytest.raises(ConfigError, match=name):
            load_settings(**{name: value})


# ---------------------------------------------------------------------- button data


@pytest.mark.parametrize(
    "data",
    [
        "call:activities",
        "cbm:20261128a:31612345678:-",
        "cbm:20261128e:32470123456:worried",
        "cbt:none:20261129m:31612345678",
        "cbx:12",
        "task:claim:1",
        "task:no_answer:123456789",
        "tnote:5",
        "vol:duty:off",
        "vol:lang:en",
        "invite:new",
        "join:AbCdEfGh_-123456",
        "apply:yes",
        "appl:no:3",
    ],
)
def test_button_data_of_this_journey_round_trips(data: str) -> None:
    from bot.buttons import decode, encode

    decoded = decode(data)
    assert decoded is not None
    prefix, args = decoded
    assert encode(prefix, *args) == data


@pytest.mark.parametrize(
    "forged",
    [
        "call:missed_checkin",  # made by the safety net only, never by a button
        "cbm:2026112a:31612345678:-",
        "cbm:20261128x:31612345678:-",
        "cbm:20261128a:+31612345678:-",
        "cbt:missed_checkin:20261128a:31612345678",
        "cbx:-1",
        "cbx:1234567890",
        "task:claim:",
        "task:delete:1",
        "task:claim:1:2",
        "vol:duty:maybe",
        "vol:lang:de",
        "join:short",
        "join:AbCdEfGh_-12345!",
        "appl:yes:x",
    ],
)
def test_forged_button_data_is_refused(forged: str) -> None:
    from bot.buttons import decode

    assert decode(forged) is None
