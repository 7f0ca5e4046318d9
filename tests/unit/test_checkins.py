"""Check-ins: the schedule (DST, quiet hours, days, pause), the tick, answers, the safety net."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.buttons import Prefix, decode
from bot.clock import to_iso
from bot.db import Database
from bot.i18n import Catalogs
from bot.services import Services
from bot.services.care.checkins import QuietHoursError
from bot.services.care.moods import (
    GREETINGS,
    Mood,
    mood_data,
    mood_from_text,
    render_checkin,
    slot_from_code,
)
from bot.services.care.schedule import (
    EVERY_DAY,
    WEEKDAYS,
    CheckinPolicy,
    next_slot,
    parse_time,
    slot_moment,
)
from bot.services.outbox import Outcome, Result
from bot.services.quiet import QuietHours
from bot.services.residents import Status
from tests.conftest import FakeClock

AMS = ZoneInfo("Europe/Amsterdam")
ANNA = 700_000_101
NO_QUIET = CheckinPolicy(quiet=QuietHours(time(3, 0), time(3, 1)))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(moment: datetime) -> str:
    return moment.astimezone(AMS).strftime("%Y-%m-%d %H:%M %Z")


# ---------------------------------------------------------------- pure schedule


def test_a_nine_o_clock_check_in_stays_at_nine_across_both_dst_sundays() -> None:
    def daily(start: datetime, n: int) -> list[datetime]:
        slots, after = [], start
        for _ in range(n):
            after = next_slot(EVERY_DAY, time(9, 0), AMS, after)
            slots.append(after)
        return slots

    spring = daily(utc(2026, 3, 27, 12), 4)
    assert [local(s) for s in spring] == [
        "2026-03-28 09:00 CET",
        "2026-03-29 09:00 CEST",
        "2026-03-30 09:00 CEST",
        "2026-03-31 09:00 CEST",
    ]
    assert spring[1] - spring[0] == timedelta(hours=23)
    autumn = daily(utc(2026, 10, 23, 12), 4)
    assert [local(s) for s in autumn] == [
        "2026-10-24 09:00 CEST",
        "2026-10-25 09:00 CET",
        "2026-10-26 09:00 CET",
        "2026-10-27 09:00 CET",
    ]
    assert autumn[1] - autumn[0] == timedelta(hours=25)


def test_a_time_that_does_not_exist_is_used_once_at_the_first_valid_moment() -> None:
    moment = slot_moment(date(2026, 3, 29), time(2, 30), AMS)
    assert moment == utc(2026, 3, 29, 1, 0)  # the clocks jump from 02:00 to 03:00
    assert local(moment) == "2026-03-29 03:00 CEST"
    slots, after = [], utc(2026, 3, 28, 12)
    for _ in range(3):
        after = next_slot(EVERY_DAY, time(2, 30), AMS, after)
        slots.append(local(after))
    assert slots == ["2026-03-29 03:00 CEST", "2026-03-30 02:30 CEST", "2026-03-31 02:30 CEST"]


def test_a_time_that_exists_twice_is_used_once() -> None:
    first = slot_moment(date(2026, 10, 25), time(2, 30), AMS)
    assert first == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, the first of the two
    # Asked just after the first 02:30 (during the second one), the next slot is tomorrow.
    following = next_slot(EVERY_DAY, time(2, 30), AMS, first)
    assert following == utc(2026, 10, 26, 1, 30)
    during_second = next_slot(EVERY_DAY, time(2, 30), AMS, utc(2026, 10, 25, 1, 0))
    assert during_second == utc(2026, 10, 26, 1, 30)


def test_weekdays_and_chosen_days() -> None:
    friday_evening = utc(2026, 11, 27, 18)
    assert local(next_slot(WEEKDAYS, time(10, 0), AMS, friday_evening)) == "2026-11-30 10:00 CET"
    tuesday_thursday = (1 << 1) | (1 << 3)
    monday = utc(2026, 11, 30, 12)
    first = next_slot(tuesday_thursday, time(10, 0), AMS, monday)
    second = next_slot(tuesday_thursday, time(10, 0), AMS, first)
    third = next_slot(tuesday_thursday, time(10, 0), AMS, second)
    assert [local(m) for m in (first, second, third)] == [
        "2026-12-01 10:00 CET",
        "2026-12-03 10:00 CET",
        "2026-12-08 10:00 CET",
    ]
    # Today's slot still ahead is today's.
    assert local(next_slot(EVERY_DAY, time(16, 0), AMS, utc(2026, 12, 1, 9))) == (
        "2026-12-01 16:00 CET"
    )
    with pytest.raises(ValueError):
        next_slot(0, time(10, 0), AMS, monday)


def test_a_pause_skips_to_the_first_chosen_day_on_or_after_its_date() -> None:
    after = utc(2026, 11, 28, 12)  # Saturday
    assert local(next_slot(EVERY_DAY, time(9, 0), AMS, after, date(2026, 12, 5))) == (
        "2026-12-05 09:00 CET"
    )
    assert local(next_slot(WEEKDAYS, time(9, 0), AMS, after, date(2026, 12, 5))) == (
        "2026-12-07 09:00 CET"
    )


def test_quiet_hours_wrap_midnight_or_not() -> None:
    night = QuietHours(time(21, 0), time(8, 0))
    assert night.contains(time(21, 0)) and night.contains(time(2, 30))
    assert night.contains(time(7, 59))
    assert not night.contains(time(8, 0)) and not night.contains(time(20, 59))
    siesta = QuietHours(time(13, 0), time(15, 0))
    assert siesta.contains(time(14, 0)) and not siesta.contains(time(15, 0))
    assert CheckinPolicy().presets() and all(
        not night.contains(t) for t in CheckinPolicy().presets()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9", time(9, 0)),
        ("09:30", time(9, 30)),
        ("9.30", time(9, 30)),
        ("0930", time(9, 30)),
        ("9u30", time(9, 30)),
        ("14 uur", time(14, 0)),
        (" 18:05 ", time(18, 5)),
        ("24:00", None),
        ("9:75", None),
        ("half tien", time(9, 30)),  # as people say it, see below
        ("", None),
    ],
)
def test_typed_times(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("goed", Mood.GOOD),
        ("Prima!", Mood.GOOD),
        ("good thanks", Mood.GOOD),
        ("niet goed", Mood.BAD),
        ("Niet zo goed.", Mood.BAD),
        ("slecht", Mood.BAD),
        ("bad", Mood.BAD),
        ("matig", Mood.OKAY),
        ("gaat wel", Mood.OKAY),
        ("niet slecht", Mood.OKAY),
        ("🙂", Mood.GOOD),
        ("😐", Mood.OKAY),
        ("🙁", Mood.BAD),
        ("heel slecht", Mood.VERY_BAD),
        ("Het gaat erg slecht.", Mood.VERY_BAD),
        ("very bad", Mood.VERY_BAD),
        ("vreselijk", Mood.VERY_BAD),
        ("😢", Mood.VERY_BAD),
        ("niet heel slecht", None),
        ("wat is het weer morgen", None),
        ("📋 Mijn gegevens", None),
    ],
)
def test_typed_moods(text: str, mood: Mood | None) -> None:
    assert mood_from_text(text) is mood


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        # A negation before a mood word is not guessed at, in either language.
        ("niet echt goed", None),
        ("ik voel me niet zo fijn", None),
        ("not feeling good", None),
        ("I don't feel good", None),
        ("not really fine", None),
        ("geen goede dag", None),
        ("nicht gut", None),
        ("niet alleen", None),
        # ... unless the phrase is listed.
        ("niet goed", Mood.BAD),
        ("Niet zo goed.", Mood.BAD),
        ("not good", Mood.BAD),
        ("Not so good", Mood.BAD),
        ("nee, niet goed", Mood.BAD),
        ("niet slecht", Mood.OKAY),
        ("niet zo slecht", Mood.OKAY),
        ("Not bad!", Mood.OKAY),
        ("not so bad", Mood.OKAY),
        ("not great", Mood.OKAY),
        ("not ok", Mood.BAD),
        # No negation: read as before.
        ("heel goed", Mood.GOOD),
        ("good, thank you", Mood.GOOD),
        ("beroerd", Mood.BAD),
        ("gaat wel", Mood.OKAY),
    ],
)
def test_negations_are_not_misread(text: str, mood: Mood | None) -> None:
    """A wrong "good" would withdraw a safety-net call: when unsure, ask again."""
    assert mood_from_text(text) is mood


def test_mood_buttons_carry_data_the_codec_accepts() -> None:
    slot = utc(2026, 12, 1, 8, 0)
    for mood in Mood:
        decoded = decode(mood_data(slot, mood))
        assert decoded is not None and decoded[0] is Prefix.MOOD
        code, value = decoded[1]
        assert slot_from_code(code) == slot and value == mood.value


def test_the_greeting_varies_and_escapes_the_name() -> None:
    t = Catalogs.load(AMS).get("en")
    texts = {
        render_checkin(t, "<Anna>", ANNA, utc(2026, 12, d, 8, 0)).text.split("\n")[0]
        for d in range(1, 8)
    }
    assert len(texts) >= 2
    assert texts <= {t._(v, name="&lt;Anna&gt;") for v in GREETINGS["morning"]}
    evening = render_checkin(t, "Anna", ANNA, utc(2026, 12, 1, 18, 0))
    greeting, question = evening.text.split("\n\n")
    assert greeting in {t._(v, name="Anna") for v in GREETINGS["evening"]}
    assert question == "How are you today?"
    assert [[b.text for b in row] for row in evening.buttons] == [
        ["🙂 Good", "😐 So-so"],
        ["🙁 Not good", "😢 Very bad"],
    ]


# ---------------------------------------------------------------- the service


@pytest.fixture
def checkin_services(db: Database, clock: FakeClock) -> Services:
    return Services.create(db, clock, checkin_policy=CheckinPolicy())


async def subscribe(services: Services, at: time, days: int = EVERY_DAY, net: bool = False) -> None:
    await services.residents.give_consent(ANNA, "Anna", "nl")
    await services.checkins.set_days(ANNA, days)
    await services.checkins.set_time(ANNA, at)
    if net:
        await services.checkins.set_safety_net(ANNA, "+31612345678")


async def outbox_rows(db: Database) -> list[tuple[str, str]]:
    rows = await db.fetchall(
        "SELECT dedupe_key, status FROM outbox WHERE kind = 'checkin' ORDER BY id"
    )
    return [(str(r[0]), str(r[1])) for r in rows]


async def deliver_all(services: Services) -> None:
    """What the messenger would do: mark every due outbox row as sent."""
    rows = await services.outbox.claim_due(1000)
    await services.outbox.record([Result(r.id, Outcome.SENT, message_id=r.id) for r in rows])


async def test_a_time_inside_quiet_hours_is_refused(
    checkin_services: Services, clock: FakeClock
) -> None:
    await checkin_services.residents.give_consent(ANNA, "Anna", "nl")
    await checkin_services.checkins.set_days(ANNA, EVERY_DAY)
    for bad in (time(21, 0), time(23, 30), time(6, 0), time(7, 59)):
        with pytest.raises(QuietHoursError):
            await checkin_services.checkins.set_time(ANNA, bad)
    sub = await checkin_services.checkins.get(ANNA)
    assert sub is not None and not sub.complete
    sub = await checkin_services.checkins.set_time(ANNA, time(8, 0))
    # 2026-11-28 14:30 UTC is a Saturday afternoon: the next 08:00 is Sunday's.
    assert sub.next_due == utc(2026, 11, 29, 7, 0)


async def test_days_time_pause_resume_and_stop(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    checkins = checkin_services.checkins
    await subscribe(checkin_services, time(16, 0))
    sub = await checkins.get(ANNA)
    assert sub is not None and sub.next_due == utc(2026, 11, 28, 15, 0)  # today 16:00
    sub = await checkins.set_days(ANNA, WEEKDAYS)
    assert sub.next_due == utc(2026, 11, 30, 15, 0)  # Monday
    sub = await checkins.pause(ANNA, date(2026, 12, 9))
    assert sub.paused_until == date(2026, 12, 9) and sub.next_due == utc(2026, 12, 9, 15, 0)
    with pytest.raises(ValueError):
        await checkins.pause(ANNA, date(2026, 11, 28))  # not after today
    sub = await checkins.resume(ANNA)
    assert sub.paused_until is None and sub.next_due == utc(2026, 11, 30, 15, 0)
    assert await checkins.stop(ANNA)
    assert await checkins.get(ANNA) is None
    assert not await checkins.stop(ANNA)


async def test_check_ins_set_up_are_the_agreement_to_their_own_messages_only(
    checkin_services: Services,
) -> None:
    checkins = checkin_services.checkins
    await checkin_services.residents.give_consent(ANNA, "Anna", "nl")
    assert not await checkins.agreed_to(ANNA, "checkin")  # nothing set up
    await checkins.set_days(ANNA, EVERY_DAY)
    assert not await checkins.agreed_to(ANNA, "checkin")  # no time chosen yet
    await checkins.set_time(ANNA, time(10, 30))
    for kind in ("checkin", "checkin-nudge", "emergency-contact"):
        assert await checkins.agreed_to(ANNA, kind)
    for kind in ("broadcast", "reminder", "selfcheck", "call_request"):
        assert not await checkins.agreed_to(ANNA, kind)
    await checkins.stop(ANNA)
    assert not await checkins.agreed_to(ANNA, "checkin")


async def test_the_due_query_uses_the_index(checkin_services: Services, db: Database) -> None:
    plan = await db.fetchall(
        "EXPLAIN QUERY PLAN SELECT telegram_id FROM checkin_subscriptions"
        " WHERE next_due <= ? ORDER BY next_due LIMIT 10",
        (to_iso(utc(2026, 1, 1)),),
    )
    assert any("checkin_subscriptions_due" in str(row[-1]) for row in plan)


async def test_the_tick_sends_once_even_when_run_twice(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    await subscribe(checkin_services, time(16, 0))
    assert (await checkin_services.checkins.tick()).sent == 0  # not yet due
    clock.advance(minutes=31)  # 15:01 UTC = 16:01 local
    report = await checkin_services.checkins.tick()
    assert report.sent == 1
    assert (await checkin_services.checkins.tick()).sent == 0
    assert await outbox_rows(db) == [(f"checkin:{ANNA}:2026-11-28T15:00:00Z", "pending")]
    sub = await checkin_services.checkins.get(ANNA)
    assert sub is not None and sub.next_due == utc(2026, 11, 29, 15, 0)
    sends = await db.fetchall("SELECT slot, outcome FROM checkin_sends")
    assert [tuple(r) for r in sends] == [("2026-11-28T15:00:00Z", "sent")]


async def test_a_crash_between_insert_and_advance_sends_nothing_twice(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    await subscribe(checkin_services, time(16, 0))
    clock.advance(minutes=31)
    # A crash that left the send and its message but not the advance of next_due.
    await checkin_services.checkins.tick()
    await db.execute("UPDATE checkin_subscriptions SET next_due = '2026-11-28T15:00:00Z'")
    assert (await checkin_services.checkins.tick()).sent == 1  # tried again...
    assert len(await outbox_rows(db)) == 1  # ...but the message exists once
    assert len(await db.fetchall("SELECT 1 FROM checkin_sends")) == 1
    sub = await checkin_services.checkins.get(ANNA)
    assert sub is not None and sub.next_due == utc(2026, 11, 29, 15, 0)


async def test_a_crash_inside_the_batch_rolls_everything_back(
    checkin_services: Services, clock: FakeClock, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await subscribe(checkin_services, time(16, 0))
    clock.advance(minutes=31)

    async def crash(*_args: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(checkin_services.outbox, "enqueue_many", crash)
    with pytest.raises(RuntimeError):
        await checkin_services.checkins.tick()
    monkeypatch.undo()
    assert await db.fetchall("SELECT 1 FROM checkin_sends") == []
    sub = await checkin_services.checkins.get(ANNA)
    assert sub is not None and sub.next_due == utc(2026, 11, 28, 15, 0)  # still due
    assert (await checkin_services.checkins.tick()).sent == 1
    assert len(await outbox_rows(db)) == 1


async def test_missed_while_down_sent_late_within_grace_else_skipped_and_recorded(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    await subscribe(checkin_services, time(16, 0))
    clock.advance(hours=2, minutes=29)  # 1:59 after 16:00 local is still in time
    assert (await checkin_services.checkins.tick()).sent == 1
    # Down for two days: Sunday's was missed by more than the grace window.
    clock.now = utc(2026, 11, 30, 16, 30)  # Monday 17:30 local: Sunday missed, Monday late
    report = await checkin_services.checkins.tick()
    assert (report.missed, report.sent) == (1, 1)
    outcomes = await db.fetchall("SELECT slot, outcome FROM checkin_sends ORDER BY slot")
    assert [tuple(r) for r in outcomes] == [
        ("2026-11-28T15:00:00Z", "sent"),
        ("2026-11-29T15:00:00Z", "missed"),
        ("2026-11-30T15:00:00Z", "sent"),
    ]
    assert len(await outbox_rows(db)) == 2
    sub = await checkin_services.checkins.get(ANNA)
    assert sub is not None and sub.next_due == utc(2026, 12, 1, 15, 0)


async def test_a_late_check_in_is_not_sent_into_quiet_hours(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    await subscribe(checkin_services, time(20, 30))
    clock.now = utc(2026, 11, 28, 20, 10)  # 21:10 local: 40 min late, but quiet now
    report = await checkin_services.checkins.tick()
    assert (report.quiet, report.sent) == (1, 0)
    assert await outbox_rows(db) == []


async def test_only_active_residents_get_check_ins(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    await subscribe(checkin_services, time(16, 0))
    for status in (Status.STOPPED, Status.UNREACHABLE):
        await checkin_services.residents.set_status(ANNA, status)
        clock.advance(days=1)
        report = await checkin_services.checkins.tick()
        assert (report.sent, report.inactive) == (0, 1)
    assert await outbox_rows(db) == []
    assert await db.fetchall("SELECT 1 FROM checkin_sends") == []
    sub = await checkin_services.checkins.get(ANNA)
    assert sub is not None and sub.next_due is not None and sub.next_due > clock.now


async def test_with_the_safety_net_an_unreachable_resident_still_gets_the_check_in(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    """Its failing again is what makes the net call them; someone who stopped all
    messages gets nothing."""
    await subscribe(checkin_services, time(16, 0), net=True)
    await checkin_services.residents.set_status(ANNA, Status.UNREACHABLE)
    clock.now = utc(2026, 11, 28, 15, 1)  # today 16:01 local
    assert (await checkin_services.checkins.tick()).sent == 1
    await checkin_services.residents.set_status(ANNA, Status.STOPPED)
    clock.advance(days=1)
    report = await checkin_services.checkins.tick()
    assert (report.sent, report.inactive) == (0, 1)
    assert len(await outbox_rows(db)) == 1


async def test_answers_by_button_and_typed_window(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    checkins = checkin_services.checkins
    await subscribe(checkin_services, time(16, 0))
    clock.advance(minutes=31)
    await checkins.tick()
    slot = utc(2026, 11, 28, 15, 0)
    assert await checkins.awaiting_answer(ANNA) == slot
    assert await checkins.answer(ANNA, utc(2026, 11, 27, 15, 0), Mood.GOOD) is None  # forged
    assert await checkins.answer(ANNA + 1, slot, Mood.GOOD) is None  # someone else's
    answer = await checkins.answer(ANNA, slot, Mood.BAD)
    assert answer is not None and answer.first and not answer.late
    assert await checkins.awaiting_answer(ANNA) is None
    again = await checkins.answer(ANNA, slot, Mood.OKAY)
    assert again is not None and not again.first
    assert await checkins.history(ANNA) == [(slot, Mood.OKAY)]
    assert await checkin_services.counts.total("checkins_answered_bad") == 1
    assert await checkin_services.counts.total("checkins_answered_okay") == 0


async def test_a_very_bad_answer_is_stored_as_bad_and_counted_on_its_own(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    """The mood column knows three moods; the counts keep "very bad" apart and add up."""
    checkins = checkin_services.checkins
    await subscribe(checkin_services, time(16, 0))
    clock.advance(minutes=31)
    await checkins.tick()
    slot = utc(2026, 11, 28, 15, 0)
    answer = await checkins.answer(ANNA, slot, Mood.VERY_BAD)
    assert answer is not None and answer.mood is Mood.VERY_BAD and answer.first
    assert [tuple(r) for r in await db.fetchall("SELECT mood FROM checkin_sends")] == [("bad",)]
    counts = checkin_services.counts
    assert await counts.total("checkins_answered_very_bad") == 1
    assert await counts.total("checkins_answered_bad") == 0


async def test_the_safety_net_makes_one_task_and_a_late_answer_closes_the_loop(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    checkins = checkin_services.checkins
    await subscribe(checkin_services, time(10, 30), net=True)
    clock.now = utc(2026, 11, 29, 9, 31)  # Sunday 10:31 local
    await checkins.tick()
    await deliver_all(checkin_services)
    clock.advance(hours=2, minutes=59)
    assert await checkin_services.safety_net.task_tick() == 0  # not yet three hours
    clock.advance(minutes=2)
    assert await checkin_services.safety_net.task_tick() == 1
    assert await checkin_services.safety_net.task_tick() == 0
    clock.advance(hours=1)
    assert await checkin_services.safety_net.task_tick() == 0
    tasks = await db.fetchall("SELECT resident_id, phone, status FROM call_requests")
    assert [tuple(r) for r in tasks] == [(ANNA, "+31612345678", "open")]
    answer = await checkins.answer(ANNA, utc(2026, 11, 29, 9, 30), Mood.GOOD)
    assert answer is not None and answer.late and answer.task_cancelled and not answer.task_open
    tasks = await db.fetchall("SELECT status FROM call_requests")
    assert [r[0] for r in tasks] == ["cancelled"]


async def test_a_bad_late_answer_keeps_the_call(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    checkins = checkin_services.checkins
    await subscribe(checkin_services, time(10, 30), net=True)
    clock.now = utc(2026, 11, 29, 9, 31)
    await checkins.tick()
    await deliver_all(checkin_services)
    clock.advance(hours=3, minutes=1)
    assert await checkin_services.safety_net.task_tick() == 1
    answer = await checkins.answer(ANNA, utc(2026, 11, 29, 9, 30), Mood.BAD)
    assert answer is not None and answer.late and answer.task_open and not answer.task_cancelled


async def test_the_safety_net_stays_quiet_when_it_should(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    checkins = checkin_services.checkins
    await subscribe(checkin_services, time(10, 30), net=True)
    clock.now = utc(2026, 11, 29, 9, 31)
    await checkins.tick()
    # Not delivered yet (e.g. a long queue): the window has not started.
    clock.advance(hours=4)
    assert await checkin_services.safety_net.task_tick() == 0
    # Answered in time: nothing to do.
    await deliver_all(checkin_services)
    await checkins.answer(ANNA, utc(2026, 11, 29, 9, 30), Mood.OKAY)
    clock.advance(hours=4)
    assert await checkin_services.safety_net.task_tick() == 0
    # Safety net switched off before the window ended -> dropped.
    clock.now = utc(2026, 12, 1, 9, 31)
    await checkins.tick()
    await deliver_all(checkin_services)
    await checkins.set_safety_net(ANNA, None)
    clock.advance(hours=4)
    assert await checkin_services.safety_net.task_tick() == 0
    assert await db.fetchall("SELECT 1 FROM call_requests") == []
    escalations = await db.fetchall(
        "SELECT escalation FROM checkin_sends WHERE escalation IS NOT NULL"
    )
    assert [r[0] for r in escalations] == ["dropped"]


async def test_an_open_request_covers_a_missed_check_in(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    checkins = checkin_services.checkins
    await subscribe(checkin_services, time(10, 30), net=True)
    clock.now = utc(2026, 11, 29, 9, 31)
    moment = checkin_services.call_requests.moments()[0]
    own = await checkin_services.call_requests.create_request(ANNA, "0612345678", moment.key, None)
    await checkins.tick()
    await deliver_all(checkin_services)
    clock.advance(hours=3, minutes=1)
    assert await checkin_services.safety_net.task_tick() == 0
    row = await db.fetchone("SELECT escalation, task_id FROM checkin_sends")
    assert row is not None and tuple(row) == ("existing", own.id)
    # A good answer does not withdraw a request the resident made themselves.
    answer = await checkins.answer(ANNA, utc(2026, 11, 29, 9, 30), Mood.GOOD)
    assert answer is not None and answer.task_open and not answer.task_cancelled


async def test_old_check_ins_are_purged_and_erasure_removes_everything(
    checkin_services: Services, clock: FakeClock, db: Database
) -> None:
    await subscribe(checkin_services, time(16, 0), net=True)
    clock.advance(minutes=31)
    await checkin_services.checkins.tick()
    clock.advance(days=91)
    assert await checkin_services.checkins.purge() == 1
    clock.advance(minutes=1)
    await checkin_services.checkins.tick()
    assert await db.fetchall("SELECT 1 FROM checkin_sends") != []
    await checkin_services.privacy.erase(ANNA)
    assert await checkin_services.checkins.get(ANNA) is None
    assert await db.fetchall("SELECT 1 FROM checkin_sends") == []


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("half tien", time(9, 30)),
        ("om half elf", time(10, 30)),
        ("kwart over negen", time(9, 15)),
        ("kwart voor tien", time(9, 45)),
        ("tien uur", time(10, 0)),
        ("drie uur 's middags", time(15, 0)),
        ("acht uur 's avonds", time(20, 0)),
        ("3 pm", time(15, 0)),
        ("ten o'clock", time(10, 0)),
        ("half een", time(12, 30)),
    ],
)
def test_times_as_people_say_them(said: str, expected: time) -> None:
    assert parse_time(said) == expected


@pytest.mark.parametrize("said", ["banaan", "half", "kwart na tien", "dertien uur", "half 25"])
def test_words_that_are_no_time(said: str) -> None:
    assert parse_time(said) is None
