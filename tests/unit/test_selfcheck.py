"""The monthly self-check: scoring, the monthly schedule, consent, answers, erasure, numbers."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.buttons import Prefix, decode
from bot.db import Database
from bot.i18n import Catalogs
from bot.services import Services
from bot.services.care.schedule import CheckinPolicy
from bot.services.care.selfcheck import (
    Problem,
    RoundStatus,
    answer_data,
    invitation_after,
)
from bot.services.care.selfcheck_scale import (
    ITEMS,
    Band,
    Reply,
    Scale,
    band_of,
    reflection,
    reply_from_text,
    score,
)
from bot.services.outbox import OutMessage
from bot.services.quiet import QuietHours
from bot.services.residents import Status
from bot.services.stats import Few, Later
from tests.conftest import FakeClock

AMS = ZoneInfo("Europe/Amsterdam")
ANNA = 700_000_201
Y, M, N = Reply.YES, Reply.MORE_OR_LESS, Reply.NO
ALL_ANSWERS = list(itertools.product(Reply, repeat=6))
CATALOGS = Catalogs.load(AMS)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(moment: datetime) -> str:
    return moment.astimezone(AMS).strftime("%Y-%m-%d %H:%M %Z")


# ---------------------------------------------------------------- scoring


def test_the_items_are_three_emotional_then_three_social() -> None:
    assert [item.scale for item in ITEMS] == [Scale.EMOTIONAL] * 3 + [Scale.SOCIAL] * 3


@pytest.mark.parametrize(
    ("answers", "emotional", "social", "band"),
    [
        ((N, N, N, Y, Y, Y), 0, 0, Band.NOT_LONELY),  # the least lonely answers
        ((M, M, M, M, M, M), 3, 3, Band.SEVERE),  # "more or less" counts on both subscales
        ((Y, Y, Y, N, N, N), 3, 3, Band.SEVERE),  # the most lonely answers
        ((Y, Y, Y, Y, Y, Y), 3, 0, Band.MODERATE),  # "yes" to everything
        ((N, N, N, N, N, N), 0, 3, Band.MODERATE),  # "no" to everything
        ((Y, N, N, Y, Y, Y), 1, 0, Band.NOT_LONELY),  # 1: the top of "not lonely"
        ((N, N, N, Y, Y, M), 0, 1, Band.NOT_LONELY),
        ((M, N, N, Y, Y, N), 1, 1, Band.MODERATE),  # 2: the bottom of "moderately"
        ((Y, M, N, M, N, Y), 2, 2, Band.MODERATE),  # 4: the top of "moderately"
        ((Y, M, M, N, M, Y), 3, 2, Band.SEVERE),  # 5: the bottom of "severely"
        ((N, Y, M, N, N, M), 2, 3, Band.SEVERE),
    ],
)
def test_scoring_edges(answers: tuple[Reply, ...], emotional: int, social: int, band: Band) -> None:
    result = score(answers)
    assert (result.emotional, result.social) == (emotional, social)
    assert result.total == emotional + social
    assert result.band is band


def test_every_one_of_the_729_answer_sets_scores_by_the_rules() -> None:
    for answers in ALL_ANSWERS:
        result = score(answers)
        # Emotional items (negatively worded): "yes" and "more or less" are lonely answers.
        assert result.emotional == sum(a is not N for a in answers[:3])
        # Social items (positively worded): "no" and "more or less" are lonely answers.
        assert result.social == sum(a is not Y for a in answers[3:])
        assert 0 <= result.total <= 6


def test_bands_at_every_total_and_nothing_outside() -> None:
    assert [band_of(total) for total in range(7)] == [
        Band.NOT_LONELY,
        Band.NOT_LONELY,
        Band.MODERATE,
        Band.MODERATE,
        Band.MODERATE,
        Band.SEVERE,
        Band.SEVERE,
    ]
    for wrong in (-1, 7):
        with pytest.raises(ValueError):
            band_of(wrong)
    for short in ((), (Y,) * 5, (Y,) * 7):
        with pytest.raises(ValueError):
            score(short)


def test_the_reflection_is_gentle_and_never_a_diagnosis() -> None:
    seen: set[str] = set()
    for answers in ALL_ANSWERS:
        for language, labels in (
            ("en", ("you are lonely", "diagnosed")),
            ("nl", ("u bent eenzaam",)),
        ):
            text = reflection(CATALOGS.get(language), score(answers))
            assert not any(label in text.casefold() for label in labels)
            assert "eenzaam" not in text.casefold() and "lonely" not in text.casefold()
            seen.add(text)
    assert len(seen) >= 5  # the three bands, with subscale remarks, in two languages
    moderate = reflection(CATALOGS.get("en"), score((Y, M, N, Y, Y, Y)))
    assert "miss people around you now and then. That happens to many people." in moderate
    assert "not a diagnosis" in moderate
    dutch = reflection(CATALOGS.get("nl"), score((N, N, N, Y, Y, Y)))
    assert "verbonden" in dutch


def test_typed_answers_in_both_languages() -> None:
    assert [reply_from_text(t) for t in ("Ja", "yes!", "Min of meer.", "more or less", "NEE")] == [
        Y,
        Y,
        M,
        M,
        N,
    ]
    for other in ("", "misschien", "ja hoor, soms", "nee nee", "🙂"):
        assert reply_from_text(other) is None


# ---------------------------------------------------------------- the calendar


def test_the_invitation_is_at_half_past_ten_local_on_both_sides_of_dst() -> None:
    policy = CheckinPolicy()
    assert local(invitation_after(utc(2026, 2, 20, 12), 28, policy)) == "2026-03-28 10:30 CET"
    assert local(invitation_after(utc(2026, 3, 20, 12), 28, policy)) == "2026-04-28 10:30 CEST"
    assert local(invitation_after(utc(2026, 9, 30, 12), 28, policy)) == "2026-10-28 10:30 CET"
    assert local(invitation_after(utc(2026, 12, 5, 12), 3, policy)) == "2027-01-03 10:30 CET"


def test_quiet_hours_that_reach_past_half_past_ten_move_the_invitation() -> None:
    late_sleeper = CheckinPolicy(quiet=QuietHours(time(22, 0), time(11, 0)))
    assert local(invitation_after(utc(2026, 5, 1, 12), 1, late_sleeper)) == "2026-06-01 11:00 CEST"


# ---------------------------------------------------------------- the service


@pytest.fixture
async def anna(services: Services) -> int:
    await services.residents.give_consent(ANNA, "Anna", "nl")
    return ANNA


async def invitations(db: Database) -> list[tuple[str, str]]:
    rows = await db.fetchall(
        "SELECT dedupe_key, payload FROM outbox WHERE kind = 'selfcheck' ORDER BY id"
    )
    return [(str(r["dedupe_key"]), str(r["payload"])) for r in rows]


async def test_one_invitation_a_month_at_the_chosen_day(
    services: Services, db: Database, clock: FakeClock, anna: int
) -> None:
    clock.now = utc(2026, 1, 31, 15)  # the 31st: invitations come on the 28th
    joined = await services.selfcheck.consent(anna)
    assert joined.day == 28
    assert local(joined.next_due) == "2026-02-28 10:30 CET"
    assert await services.selfcheck.tick() == 0  # nothing before it is due
    clock.now = joined.next_due - timedelta(seconds=1)
    assert await services.selfcheck.tick() == 0
    clock.now = joined.next_due
    assert await services.selfcheck.tick() == 1
    assert await services.selfcheck.tick() == 0  # idempotent
    sent = await invitations(db)
    assert [key for key, _ in sent] == [f"selfcheck:{anna}:2026-02"]
    message = OutMessage.from_json(sent[0][1])
    assert "Anna" in message.text and "vragenlijst" in message.text.casefold()
    data = [b.data for row in message.buttons for b in row]
    assert data == ["sci:go:202602", "sci:not:202602"]
    assert [decode(d) for d in data] == [
        (Prefix.SELFCHECK_INVITE, ("go", "202602")),
        (Prefix.SELFCHECK_INVITE, ("not", "202602")),
    ]
    after = await services.selfcheck.get(anna)
    assert after is not None and local(after.next_due) == "2026-03-28 10:30 CET"
    # A whole day of ticks in February sends nothing more; March brings the next one.
    for _ in range(24):
        clock.advance(hours=1)
        assert await services.selfcheck.tick() == 0
    clock.now = after.next_due
    assert await services.selfcheck.tick() == 1
    assert [key for key, _ in await invitations(db)][-1] == f"selfcheck:{anna}:2026-03"
    assert await services.counts.total("selfcheck_invited") == 2


async def test_no_invitation_when_this_month_was_started_already_or_messages_stopped(
    services: Services, db: Database, clock: FakeClock, anna: int
) -> None:
    clock.now = utc(2026, 3, 5, 10)
    joined = await services.selfcheck.consent(anna)
    clock.now = joined.next_due - timedelta(days=1)  # 4 April: she does it herself first
    assert await services.selfcheck.begin(anna) is not None
    clock.now = joined.next_due
    assert await services.selfcheck.tick() == 0
    assert await invitations(db) == []
    after = await services.selfcheck.get(anna)
    assert after is not None and local(after.next_due) == "2026-05-05 10:30 CEST"
    await services.residents.set_status(anna, Status.STOPPED)
    clock.now = after.next_due
    assert await services.selfcheck.tick() == 0  # stopped messages: none sent, none kept
    assert await db.fetchall("SELECT month FROM selfcheck_rounds WHERE month = '2026-05'") == []
    again = await services.selfcheck.get(anna)
    assert again is not None and local(again.next_due) == "2026-06-05 10:30 CEST"


async def test_a_late_invitation_waits_for_the_end_of_quiet_hours(
    services: Services, db: Database, clock: FakeClock, anna: int
) -> None:
    clock.now = utc(2026, 6, 10, 9)
    joined = await services.selfcheck.consent(anna)
    clock.now = joined.next_due.replace(hour=21, minute=30)  # down all day: now 23:30 local
    assert await services.selfcheck.tick() == 0
    waiting = await services.selfcheck.get(anna)
    assert waiting is not None and local(waiting.next_due) == "2026-07-11 08:00 CEST"
    clock.now = waiting.next_due
    assert await services.selfcheck.tick() == 1
    assert [key for key, _ in await invitations(db)] == [f"selfcheck:{anna}:2026-07"]


async def test_a_stop_and_a_new_consent_in_the_same_month_bring_no_second_invitation(
    services: Services, db: Database, clock: FakeClock, anna: int
) -> None:
    clock.now = utc(2026, 6, 10, 9)
    joined = await services.selfcheck.consent(anna)
    clock.now = joined.next_due
    assert await services.selfcheck.tick() == 1
    assert await services.selfcheck.stop(anna)
    clock.advance(hours=1)
    again = await services.selfcheck.consent(anna)
    assert local(again.next_due) == "2026-08-10 10:30 CEST"
    clock.advance(days=5)
    assert await services.selfcheck.tick() == 0
    assert len(await invitations(db)) == 1


async def test_consent_is_required_and_must_be_to_the_current_text(
    services: Services, db: Database, anna: int
) -> None:
    selfcheck = services.selfcheck
    assert await selfcheck.begin(anna) is None
    assert (await selfcheck.answer(anna, selfcheck.this_month(), 1, Y)).problem is Problem.GONE
    assert await db.fetchall("SELECT * FROM selfcheck_rounds") == []
    joined = await selfcheck.consent(anna)
    assert joined.consent_current and joined.consent_version == 1
    await db.execute("UPDATE selfcheck_subscriptions SET consent_version = 0")
    assert await selfcheck.consenting(anna) is None
    assert await selfcheck.begin(anna) is None
    await selfcheck.consent(anna)  # agrees to the new text: the schedule stays
    renewed = await selfcheck.get(anna)
    assert renewed is not None and renewed.consent_current
    assert (renewed.day, renewed.next_due) == (joined.day, joined.next_due)


async def test_answers_one_by_one_in_order_then_a_result_and_anonymous_counts(
    services: Services, db: Database, anna: int
) -> None:
    selfcheck = services.selfcheck
    await selfcheck.consent(anna)
    started = await selfcheck.begin(anna)
    assert started is not None and started.question == 1 and started.status is RoundStatus.STARTED
    month = started.month
    assert (await selfcheck.answer(anna, month, 2, Y)).problem is Problem.OUT_OF_ORDER
    assert (await selfcheck.answer(anna, "2020-01", 1, Y)).problem is Problem.GONE
    assert (await selfcheck.answer(anna + 1, month, 1, Y)).problem is Problem.GONE
    replies = (Y, M, N, Y, N, Y)  # emotional 2, social 1: moderately
    for number, reply in enumerate(replies, start=1):
        answered = await selfcheck.answer(anna, month, number, reply)
        assert answered.problem is None and answered.round is not None
        assert answered.round.replies == replies[:number]
        assert answered.finished is (number == 6)
        if number < 6:
            again = await selfcheck.answer(anna, month, number, N)  # a second tap
            assert again.problem is Problem.ANSWERED
            assert again.round is not None and again.round.replies == replies[:number]
    done = await selfcheck.round(anna, month)
    assert done is not None and done.status is RoundStatus.DONE and done.score == 3
    assert done.result is not None and done.result.band is Band.MODERATE
    assert (await selfcheck.answer(anna, month, 6, Y)).problem is Problem.FINISHED
    again = await selfcheck.begin(anna)  # one self-check a month
    assert again is not None and again.status is RoundStatus.DONE
    assert await services.counts.total("selfcheck_done") == 1
    assert await services.counts.total("selfcheck_moderate") == 1
    assert await services.counts.total("selfcheck_severe") == 0
    # The counts name no one: a metric and a number per day.
    rows = await db.fetchall("SELECT * FROM daily_counts WHERE metric LIKE 'selfcheck%'")
    assert {tuple(r.keys()) for r in rows} == {("day", "metric", "count")}


async def test_not_now_keeps_the_month_open(
    services: Services, clock: FakeClock, anna: int
) -> None:
    selfcheck = services.selfcheck
    joined = await selfcheck.consent(anna)
    clock.now = joined.next_due
    assert await selfcheck.tick() == 1
    month = selfcheck.this_month()
    declined = await selfcheck.decline(anna, month)
    assert declined is not None and declined.status is RoundStatus.DECLINED
    started = await selfcheck.begin(anna, month)
    assert started is not None and started.status is RoundStatus.STARTED
    assert await selfcheck.begin(anna, "2020-01") is None  # no such round


async def test_stop_and_erasure_delete_every_answer_but_keep_the_counts(
    services: Services, db: Database, anna: int
) -> None:
    selfcheck = services.selfcheck
    await selfcheck.consent(anna)
    round_ = await selfcheck.begin(anna)
    assert round_ is not None
    for number in range(1, 7):
        await selfcheck.answer(anna, round_.month, number, M)
    assert await selfcheck.stop(anna)
    assert await db.fetchall("SELECT * FROM selfcheck_rounds") == []
    assert await db.fetchall("SELECT * FROM selfcheck_subscriptions") == []
    await selfcheck.consent(anna)
    await selfcheck.begin(anna)
    exported = await services.privacy.export(anna)
    assert len(exported["selfcheck_subscriptions"]) == 1 and len(exported["selfcheck_rounds"]) == 1
    await services.privacy.erase(anna)
    for table in ("selfcheck_rounds", "selfcheck_subscriptions"):
        assert await db.fetchall(f"SELECT * FROM {table}") == []
    assert await services.counts.total("selfcheck_severe") == 1


async def test_old_self_checks_are_forgotten(
    services: Services, db: Database, clock: FakeClock, anna: int
) -> None:
    await services.selfcheck.consent(anna)
    await services.selfcheck.begin(anna)
    clock.advance(days=60)
    assert await services.selfcheck.purge() == 0
    clock.advance(days=40)
    assert await services.selfcheck.purge() == 1
    assert await db.fetchall("SELECT * FROM selfcheck_rounds") == []


async def test_coordinators_see_counts_never_a_person(
    services: Services, db: Database, clock: FakeClock, anna: int
) -> None:
    selfcheck = services.selfcheck
    await selfcheck.consent(anna)
    round_ = await selfcheck.begin(anna)
    assert round_ is not None
    for number in range(1, 7):
        await selfcheck.answer(anna, round_.month, number, N)  # total 3
    counted = await db.fetchall(
        "SELECT metric, count FROM daily_counts WHERE metric IN"
        " ('selfcheck_done', 'selfcheck_moderate') ORDER BY metric"
    )
    assert [tuple(row) for row in counted] == [("selfcheck_done", 1), ("selfcheck_moderate", 1)]
    # Shown only once the week is over, and then as "fewer than 5": one answer stays hers.
    report = await services.stats.report()
    section = next(s for s in report.sections if s.key == "selfcheck")
    assert {series.values[-1] for series in section.series} == {Later()}
    clock.advance(weeks=1)
    report = await services.stats.report()
    section = next(s for s in report.sections if s.key == "selfcheck")
    assert {series.values[-2] for series in section.series} == {Few(5)}
    assert section.totals == ()
    shown = repr(report)
    assert str(anna) not in shown and "Anna" not in shown


@pytest.mark.parametrize(
    "forged",
    [
        "sca:202613:1:y",
        "sca:202612:0:y",
        "sca:202612:7:y",
        "sca:202612:1:x",
        "sca:202612:1",
        "sca:202612:1:y:extra",
        "sci:go:2026",
        "sci:start:202612",
        "sc:delete",
    ],
)
def test_forged_self_check_buttons_are_refused_by_the_codec(forged: str) -> None:
    assert decode(forged) is None


def test_answer_buttons_fit_telegram() -> None:
    for reply in Reply:
        data = answer_data("2026-12", 6, reply)
        assert decode(data) == (Prefix.SELFCHECK_ANSWER, ("202612", "6", reply.value))
        assert len(data.encode()) <= 64
