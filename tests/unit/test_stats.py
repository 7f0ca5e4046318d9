from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib.image
import matplotlib.pyplot
import numpy
import pytest

from bot.__main__ import main
from bot.db import Database
from bot.i18n import Catalogs
from bot.numbers import draw_chart, render_png, render_text
from bot.services import Services
from bot.services.stats import Few, Later, Report, Value, protect
from tests.conftest import FakeClock


async def test_weekly_counts_and_totals(services: Services, clock: FakeClock, db: Database) -> None:
    await services.residents.give_consent(1, "A", "nl")  # joined this week
    clock.advance(weeks=-1)
    await services.residents.give_consent(2, "B", "nl")  # joined last week
    await services.counts.bump("checkins_sent", 5)
    clock.advance(weeks=1)
    await services.counts.bump("checkins_sent", 3)
    await services.counts.bump("checkins_answered_good", 2)
    clock.advance(weeks=-20)
    await services.counts.bump("checkins_sent", 100)  # too old for the 12 weeks
    clock.advance(weeks=20)

    report = await services.stats.report()
    assert len(report.weeks) == 12
    assert report.weeks[-1].weekday() == 0  # Mondays
    sections = {s.key: s for s in report.sections}
    residents = sections["residents"]
    joined = next(s for s in residents.series if s.label == "joined")
    assert joined.values[-2:] == (1.0, 1.0)
    assert dict(residents.totals)["active"] == 2.0
    sent = next(s for s in sections["checkins"].series if s.label == "sent")
    assert sent.values[-2:] == (5.0, 3.0)
    assert sum(v or 0 for v in sent.values) == 8.0


async def test_median_time_to_call(services: Services, db: Database, clock: FakeClock) -> None:
    now = clock.now
    rows = [(now - timedelta(hours=h), now) for h in (1, 2, 6)]
    columns = [r[1] for r in await db.fetchall("PRAGMA table_info(call_requests)")]
    assert {"created_at", "closed_at", "status"} <= set(columns)
    for created, closed in rows:
        await db.execute(
            "INSERT INTO call_requests (language, moment_start, moment_end, status, outcome,"
            " created_at, opened_at, closed_at) VALUES ('nl', ?, ?, 'closed', 'reached', ?, ?, ?)",
            (created.isoformat(), closed.isoformat(), _iso(created), _iso(created), _iso(closed)),
        )
    report = await services.stats.report()
    call_requests = next(s for s in report.sections if s.key == "call_requests")
    median = next(s for s in call_requests.series if s.label.startswith("median"))
    assert median.values[-1] == 2.0
    assert median.values[0] is None  # no calls that week: nothing, not zero


def _iso(moment: object) -> str:
    from bot.clock import to_iso

    return to_iso(moment)  # type: ignore[arg-type]


async def test_text_and_chart(services: Services, clock: FakeClock) -> None:
    await services.residents.give_consent(1, "Wilhelmina", "en")
    await services.counts.bump("checkins_sent", 4)
    await services.counts.bump("checkins_answered_very_bad")
    report = await services.stats.report()
    catalogs = Catalogs.load(ZoneInfo("Europe/Amsterdam"))
    text = render_text(report, catalogs.get("nl"))
    assert "<b>Inwoners</b>" in text
    # The crisis choice is counted on its own, and like every mood never shown as "1".
    line = next(x for x in text.splitlines() if "antwoord: heel slecht" in x)
    assert "1" not in line and "…" in line
    assert "Wilhelmina" not in text  # counts only, never a person
    png = render_png(report, catalogs.get("en"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[0] > 300 and pixels.shape[1] > 600
    # Not a blank picture: lines in several colours are drawn.
    assert len(numpy.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 20


def test_protect_hides_small_counts_and_rounds_the_rest() -> None:
    assert [protect(n, 5) for n in (0, 1, 4)] == [Few(5)] * 3
    assert [protect(n, 5) for n in (5, 7, 8, 12, 13)] == [5.0, 5.0, 10.0, 10.0, 15.0]
    assert [protect(n, 1) for n in (0, 1, 4)] == [0.0, 1.0, 4.0]  # SAMEN_MIN_COUNT=1: off


async def _self_checks_last_week(services: Services, clock: FakeClock, people: int) -> Report:
    """``people`` residents did the self-check last week, all with a severe result."""
    clock.advance(weeks=-1)
    await services.counts.bump("selfcheck_done", people)
    await services.counts.bump("selfcheck_severe", people)
    await services.counts.bump("checkins_sent", people)  # not about feelings: always exact
    clock.advance(weeks=1)
    return await services.stats.report()


def _values(report: Report, label: str) -> tuple[Value, ...]:
    return next(s.values for sec in report.sections for s in sec.series if s.label == label)


@pytest.mark.parametrize(
    ("people", "shown"), [(1, Few(5)), (4, Few(5)), (5, 5.0)], ids=["one", "four", "five"]
)
async def test_self_check_results_only_from_five_people(
    services: Services, clock: FakeClock, people: int, shown: Value
) -> None:
    report = await _self_checks_last_week(services, clock, people)
    assert _values(report, "self-checks done")[-2] == shown
    assert _values(report, "result: severely lonely")[-2] == shown
    assert _values(report, "sent")[-2] == float(people)
    text = render_text(report, Catalogs.load(ZoneInfo("Europe/Amsterdam")).get("en"))
    expected = "&lt; 5" if isinstance(shown, Few) else "5"
    assert f"• result: severely lonely: … · {expected}\n" in text
    assert f"• sent: 0 · {people}\n" in text


async def test_this_weeks_sensitive_counts_wait_for_the_week_to_end(
    services: Services, clock: FakeClock
) -> None:
    """Two looks an hour apart must not show what the one resident in between answered."""
    await services.counts.bump("selfcheck_done", 7)
    await services.counts.bump("checkins_answered_bad", 9)
    report = await services.stats.report()
    assert _values(report, "self-checks done")[-1] == Later()
    assert _values(report, "answered: not good")[-1] == Later()
    clock.advance(weeks=1)
    report = await services.stats.report()
    assert _values(report, "self-checks done")[-2] == 5.0  # 7, rounded to 5
    assert _values(report, "answered: not good")[-2] == 10.0  # 9, rounded to 10


async def test_a_total_and_its_parts_do_not_give_away_a_small_count(
    services: Services, clock: FakeClock
) -> None:
    """12 done, 10 not lonely: subtracting the shown numbers must not reveal the 2."""
    clock.advance(weeks=-1)
    await services.counts.bump("selfcheck_done", 12)
    await services.counts.bump("selfcheck_not_lonely", 10)
    await services.counts.bump("selfcheck_moderate", 2)
    clock.advance(weeks=1)
    report = await services.stats.report()
    done = _values(report, "self-checks done")[-2]
    not_lonely = _values(report, "result: not lonely")[-2]
    assert isinstance(done, float) and isinstance(not_lonely, float)
    assert done - not_lonely == 0  # no trace of the two
    assert _values(report, "result: moderately lonely")[-2] == Few(5)


async def test_min_count_is_a_setting(db: Database, clock: FakeClock) -> None:
    services = Services.create(db, clock, min_count=3)
    report = await _self_checks_last_week(services, clock, 3)
    assert _values(report, "result: severely lonely")[-2] == 3.0
    assert report.min_count == 3


async def test_chart_whole_numbers_and_hours_apart(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await _self_checks_last_week(services, clock, 2)
    await services.counts.bump("call_requests_requested", 3)
    now = clock.now
    await db.execute(
        "INSERT INTO call_requests (language, moment_start, moment_end, status, outcome,"
        " created_at, opened_at, closed_at) VALUES ('nl', ?, ?, 'closed', 'reached', ?, ?, ?)",
        (_iso(now), _iso(now), _iso(now - timedelta(hours=5)), _iso(now), _iso(now)),
    )
    report = await services.stats.report()
    figure = draw_chart(report, Catalogs.load(ZoneInfo("Europe/Amsterdam")).get("en"))
    try:
        titles = [axis.get_title(loc="left") for axis in figure.axes]
        assert "Call requests" in titles and "Call requests: hours" in titles
        hours = figure.axes[titles.index("Call requests: hours")]
        labels = [line.get_label() for line in hours.get_lines()]
        assert [label for label in labels if not label.startswith("_")] == [
            "median hours from request to call"
        ]
        for axis in figure.axes:
            assert all(float(tick).is_integer() for tick in axis.get_yticks())
            assert len(axis.get_xticklabels()) <= 4  # few ticks: readable on a phone
        selfcheck = figure.axes[titles.index("Monthly self-check (anonymous)")]
        legend = selfcheck.get_legend()
        assert legend is not None
        assert "fewer than 5: not shown" in [text.get_text() for text in legend.get_texts()]
    finally:
        matplotlib.pyplot.close(figure)


def test_command_line_numbers_use_samen_min_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`samen stats`: the same protection, as plain text (no tags, no entities)."""
    database = tmp_path / "samen.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAMEN_DATABASE", str(database))
    monkeypatch.setenv("SAMEN_MIN_COUNT", "3")
    monkeypatch.setenv("SAMEN_DEFAULT_LANGUAGE", "en")

    async def last_week() -> None:
        db = await Database.open(database)
        try:
            await db.migrate()
            clock = FakeClock(datetime.now(UTC) - timedelta(weeks=1))
            await Services.create(db, clock).counts.bump("checkins_answered_bad", 4)
            await Services.create(db, clock).counts.bump("selfcheck_done", 2)
        finally:
            await db.close()

    asyncio.run(last_week())
    assert main(["stats", "--png", str(tmp_path / "chart.png")]) == 0
    printed = capsys.readouterr().out
    assert "• self-checks done: … · < 3\n" in printed
    assert "• answered: not good: … · 3\n" in printed  # 4, rounded to 3
    assert "fewer than 3 shows as “< 3”" in printed and "<i>" not in printed
    assert (tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG")


async def test_safety_net_steps_are_counted_and_small_numbers_hidden(
    services: Services, clock: FakeClock
) -> None:
    clock.advance(weeks=-1)
    await services.counts.bump("safety_step_nudge", 12)
    await services.counts.bump("checkins_escalated", 6)
    await services.counts.bump("safety_step_contact", 2)
    await services.counts.bump("safety_step_coordinators", 1)
    clock.advance(weeks=1)
    await services.counts.bump("safety_step_nudge", 9)
    report = await services.stats.report()
    assert _values(report, "1. reminder sent")[-2:] == (10.0, Later())
    assert _values(report, "2. a volunteer called")[-2] == 5.0
    assert _values(report, "3. emergency contact told")[-2] == Few(5)
    assert _values(report, "4. coordinators alerted")[-2] == Few(5)
