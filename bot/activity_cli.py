"""`samen import activities FILE` and `samen sources`: bring partners' activities (CSV,
iCalendar or Open Referral/HSDS) into Samen.

An import takes every complete activity and lists the skipped ones with their
line (CSV) or UID (iCalendar); the exit code is 0 with a warning, so a partner
can fix those and run the same command again. `--strict` imports nothing when
anything is wrong (exit 1). Re-running with the same file changes nothing.
`samen sources` keeps the defaults per source and the partners' feeds.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import Clock, utc_now
from bot.config import Settings
from bot.db import Database
from bot.runtime import Runtime
from bot.services.activities.catalog import Activities, ImportReport
from bot.services.activities.hsds import is_hsds, read_hsds
from bot.services.activities.imports import SourceDefaults, read_file
from bot.services.activities.sources import (
    Source,
    SourceError,
    Sources,
    apply_read,
    check_name,
    defaults_of,
    source_name,
)
from bot.services.places.geo import Places


def default_source(path: Path) -> str:
    """A file's source name, made from its file name, so each file hides only its own."""
    return source_name(path.name)


async def import_file(
    db: Database,
    path: Path,
    source: str,
    zone: str,
    clock: Clock = utc_now,
    *,
    strict: bool = False,
) -> ImportReport:
    """Read with the source's defaults and apply (one transaction)."""
    try:
        check_name(source)
    except SourceError as error:
        return ImportReport(errors=[str(error)])
    places = Places.load()
    if is_hsds(path):
        result = read_hsds(path, places, zone)
    else:
        result = read_file(path, places, zone, await defaults_of(db, source))
    activities = Activities(db, clock, places, ZoneInfo(zone))
    return await apply_read(activities, source, result, strict=strict)


def run_import(settings: Settings, path: Path, source: str | None, strict: bool = False) -> int:
    """Import one file, print the summary; exit code 0, or 1 when nothing was imported."""
    if not path.exists():  # a file, or a folder of HSDS tables
        print(f"error: no such file: {path}", file=sys.stderr)
        return 1
    report = asyncio.run(_import(settings, path, source or default_source(path), strict))
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    for skipped in report.skipped:
        print(f"skipped: {skipped}", file=sys.stderr)
    if report.errors:
        print("nothing was imported: fix the problems above and run the command again")
    elif report.skipped:
        print(
            f"warning: {len(report.skipped)} skipped (listed above); the rest was imported."
            " Fix those and run the command again, or use --strict to import all or nothing"
        )
    print(report.summary())
    return 1 if report.errors else 0


async def _import(settings: Settings, path: Path, source: str, strict: bool) -> ImportReport:
    db = await Database.open(settings.database)
    try:
        await db.migrate()
        return await import_file(db, path, source, settings.timezone, strict=strict)
    finally:
        await db.close()


# --------------------------------------------------------------------------- samen sources


def run_sources(
    settings: Settings,
    action: str | None,
    name: str,
    url: str,
    defaults: SourceDefaults,
    force: bool = False,
) -> int:
    """`samen sources [add|defaults|remove|fetch]`; problems are one line and exit 1."""
    try:
        return asyncio.run(_run_sources(settings, action, name, url, defaults, force))
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


async def _run_sources(
    settings: Settings,
    action: str | None,
    name: str,
    url: str,
    defaults: SourceDefaults,
    force: bool,
) -> int:
    runtime = await Runtime.open(settings)
    try:
        await _sources(runtime.services.sources, action, name, url, defaults, force)
    finally:
        await runtime.close()
    return 0


async def _sources(
    sources: Sources, action: str | None, name: str, url: str, defaults: SourceDefaults, force: bool
) -> None:
    if action == "add":
        await sources.add(name, url, defaults)
        print(f"feed {name} added; it is fetched every {sources.interval} (first: within a minute)")
    elif action == "defaults":
        await sources.set_defaults(name, defaults)
        print(f"defaults of {name}: {defaults.to_json()}")
    elif action == "remove":
        report = await sources.remove(name)
        if report is None:
            raise SourceError(f"there is no source named {name!r}")
        print(f"source {name} removed; {report.hidden} of its activities hidden")
    elif action == "fetch":
        print(f"{name}: {await sources.fetch(name, force=force)}")
    else:
        _print_list(await sources.all())


def _print_list(found: list[Source]) -> None:
    if not found:
        print("no sources yet: `samen sources add NAME URL` adds a partner's calendar link")
    for source in found:
        checked = source.checked_at.isoformat(timespec="minutes") if source.checked_at else "never"
        print(f"{source.name}  {source.url or '(files)'}")
        print(f"    last checked {checked}: {source.last_result or '-'}")
        if source.defaults.cells():
            print(f"    defaults {source.defaults.to_json()}")
