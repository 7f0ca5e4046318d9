"""Activities nearby at scale: importing 10,000 activities and searching them.

Generates 10,000 activities around Heemstede (a third recurring: weekly, every
two weeks or monthly; the rest one-off in the coming weeks) as a partner's CSV
file, imports it with the real importer (reading, checking, materialising the
next 8 weeks, one transaction), then runs 1,000 searches from random places
with random filters. A search's time includes rendering the page as a
resident sees it (text and buttons, in Dutch).

    .venv/bin/python bench/activities.py [--activities 10000] [--searches 1000]

Targets: search p95 <= 10 ms, import <= 30 s. The last line printed is one JSON
object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.activity_cli import import_file
from bot.channels.telegram.render import inline_keyboard
from bot.db import Database
from bot.i18n import Catalogs
from bot.services.activities.catalog import Activities, When
from bot.services.activities.imports import CSV_COLUMNS
from bot.services.activities.kinds import Kind
from bot.services.places.geo import Places
from handlers.activities.browse import Search, location_origin, results_reply

NOW = datetime(2026, 11, 28, 14, 30, tzinfo=UTC)
CENTRE = (52.357, 4.621)
SPREAD = 0.06  # degrees of latitude either way: about 7 km, Heemstede and around
ZONE = "Europe/Amsterdam"
RULES = (
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=MONTHLY;BYDAY=1TU",
    "FREQ=WEEKLY;BYDAY=MO,TH",
)


def generate(path: Path, count: int, rng: random.Random) -> None:
    kinds = list(Kind)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for number in range(count):
            recurring = number % 3 == 0
            day = NOW + timedelta(days=rng.randint(-60 if recurring else 0, 55))
            start = f"{day:%Y-%m-%d} {rng.randint(9, 20):02d}:{rng.choice((0, 15, 30, 45)):02d}"
            writer.writerow(
                {
                    "id": f"bench-{number}",
                    "title_nl": f"Activiteit {number}",
                    "title_en": f"Activity {number}",
                    "description_nl": "Een activiteit om te meten hoe snel Samen zoekt.",
                    "description_en": "",
                    "organiser": f"Partner {number % 40}",
                    "kind": kinds[number % len(kinds)].value,
                    "place": f"Plek {number % 500}",
                    "address": "",
                    "lat": f"{CENTRE[0] + rng.uniform(-SPREAD, SPREAD):.5f}",
                    "lon": f"{CENTRE[1] + rng.uniform(-SPREAD, SPREAD) * 1.6:.5f}",
                    "start": start,
                    "end": f"{rng.randint(21, 23)}:00",
                    "rrule": rng.choice(RULES) if recurring else "",
                    "exdates": "",
                    "cost": "gratis" if rng.random() < 0.6 else "€ 2,50",
                    "wheelchair": rng.choice(("ja", "nee")),
                    "hearing_loop": "nee",
                    "phone": "",
                    "website": "",
                    "audience": rng.choice(("", "", "", "youth", "seniors", "families")),
                }.values()
            )


async def run(activities_count: int, searches: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    clock = lambda: NOW  # noqa: E731 - a frozen clock: the same window every run
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "bench.csv"
        generate(source, activities_count, rng)
        db = await Database.open(Path(folder) / "bench.sqlite3")
        await db.migrate()
        started = time.perf_counter()
        report = await import_file(db, source, "bench.csv", ZONE, clock)
        import_s = time.perf_counter() - started
        if report.errors or report.added != activities_count:
            raise SystemExit(f"import failed: {report.errors[:5]}")
        occurrences = (await db.fetchone("SELECT count(*) FROM activity_occurrences"))[0]

        service = Activities(db, clock, Places.load(), ZoneInfo(ZONE))
        t = Catalogs.load(ZoneInfo(ZONE)).get("nl")
        timings: list[float] = []
        found = 0
        for _ in range(searches):
            origin = location_origin(
                CENTRE[0] + rng.uniform(-SPREAD, SPREAD) * 0.8,
                CENTRE[1] + rng.uniform(-SPREAD, SPREAD) * 1.3,
            )
            search = Search(
                origin,
                kind=rng.choice([None, None, *Kind]),
                when=rng.choice(list(When)),
                free_only=rng.random() < 0.3,
                page=rng.choice((0, 0, 0, 1, 2)),
                all_ages=rng.random() < 0.2,
            )
            began = time.perf_counter()
            page = await service.search(search.query())
            inline_keyboard(results_reply(t, search, page))
            timings.append((time.perf_counter() - began) * 1000)
            found += len(page.hits)
        await db.close()
    timings.sort()
    return {
        "activities": activities_count,
        "recurring": len(range(0, activities_count, 3)),
        "occurrences": occurrences,
        "import_s": round(import_s, 2),
        "searches": searches,
        "hits_per_search": round(found / searches, 2),
        "search_ms_p50": round(statistics.median(timings), 2),
        "search_ms_p95": round(timings[int(len(timings) * 0.95) - 1], 2),
        "search_ms_max": round(timings[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    figures = asyncio.run(run(args.activities, args.searches, args.seed))
    print(
        f"import of {figures['activities']} activities ({figures['recurring']} recurring,"
        f" {figures['occurrences']} occurrences in 8 weeks): {figures['import_s']} s"
        " (target <= 30 s)"
    )
    print(
        f"{figures['searches']} searches incl. rendering: p50 {figures['search_ms_p50']} ms,"
        f" p95 {figures['search_ms_p95']} ms (target <= 10 ms), max {figures['search_ms_max']} ms,"
        f" {figures['hits_per_search']} results per page on average"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
