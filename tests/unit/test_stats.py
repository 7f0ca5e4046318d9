from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import matplotlib.image
import numpy

from bot.db import Database
from bot.i18n import Catalogs
from bot.numbers import render_png, render_text
from bot.services import Services
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
    columns = [r[1] for r in await db.fetchall("PRAGMA table_info(callback_tasks)")]
    assert {"created_at", "closed_at", "status"} <= set(columns)
    for created, closed in rows:
        await db.execute(
            "INSERT INTO callback_tasks (language, moment_start, moment_end, status, outcome,"
            " created_at, opened_at, closed_at) VALUES ('nl', ?, ?, 'closed', 'reached', ?, ?, ?)",
            (created.isoformat(), closed.isoformat(), _iso(created), _iso(created), _iso(closed)),
        )
    report = await services.stats.report()
    callbacks = next(s for s in report.sections if s.key == "callbacks")
    median = next(s for s in callbacks.series if s.label.startswith("median"))
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
    assert "antwoord: heel slecht: 1" in text  # the crisis choice, counted on its own
    assert "Wilhelmina" not in text  # counts only, never a person
    png = render_png(report, catalogs.get("en"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[0] > 300 and pixels.shape[1] > 600
    # Not a blank picture: lines in several colours are drawn.
    assert len(numpy.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 20
