"""`samen import activities FILE`: bring a partner's CSV, iCalendar or HSDS file into Samen.

A file with any problem imports nothing: every problem is printed with its line
(CSV) or UID (iCalendar) and the exit code is 1, so a partner can fix the file
and run the same command again. Re-running with the same file changes nothing.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.db import Database
from bot.services.activities import BOT_SOURCE, Activities, ImportReport
from bot.services.activity_import import read_file
from bot.services.geo import Places
from bot.services.hsds_import import is_hsds, read_hsds

_SOURCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,59}")


def default_source(path: Path) -> str:
    """A file's source name: its file name ('bibliotheek.ics'), so each file hides only its own."""
    return path.name


async def import_file(
    db: Database, path: Path, source: str, zone: str, clock: Clock = utc_now
) -> ImportReport:
    """Read and, only when the whole file is fine, apply it (one transaction)."""
    places = Places.load()
    if not _SOURCE.fullmatch(source) or source == BOT_SOURCE:
        return ImportReport(
            errors=[f"source name {source!r} is not allowed: use letters, digits, . _ -"]
        )
    result = read_hsds(path, places, zone) if is_hsds(path) else read_file(path, places, zone)
    if result.errors:
        return ImportReport(errors=result.errors)
    activities = Activities(db, clock, places, ZoneInfo(zone))
    return await activities.import_activities(source, result.activities)


def run_import(settings: Settings, path: Path, source: str | None) -> int:
    """Import one file, print the summary; exit code 0, or 1 when nothing was imported."""
    if not path.exists():  # a file, or a folder of HSDS tables
        print(f"error: no such file: {path}", file=sys.stderr)
        return 1
    report = asyncio.run(_import(settings, path, source or default_source(path)))
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    if report.errors:
        print("nothing was imported: fix the problems above and run the command again")
    print(
        f"added {report.added}, updated {report.updated}, unchanged {report.unchanged},"
        f" hidden {report.hidden}, errors {len(report.errors)}"
    )
    return 1 if report.errors else 0


async def _import(settings: Settings, path: Path, source: str) -> ImportReport:
    db = await Database.open(settings.database)
    try:
        await db.migrate()
        return await import_file(db, path, source, settings.timezone)
    finally:
        await db.close()
