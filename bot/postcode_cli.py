"""`samen postcodes import FILE`: the official PC4 centres instead of the hand-placed points.

Like the activity import, a file with any problem changes nothing: every problem
is printed and the exit code is 1. The running bot reads the new points at its
next start.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.services.places.geo import DATA_DIR
from bot.services.places.postcode_import import PostcodeReport, import_postcodes


def run_postcodes(path: Path, add_all: bool, folder: Path | None = None) -> int:
    """Import one file of PC4 areas, print what moved; exit code 0, or 1 when nothing changed."""
    folder = folder or DATA_DIR
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 1
    report = import_postcodes(path, folder, add_all=add_all)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    if report.errors:
        print("nothing was changed: fix the problems above and run the command again")
        return 1
    _print_changes(report)
    print(f"wrote {folder / 'postcodes.csv'}; restart Samen to use the new centres")
    return 0


def _print_changes(report: PostcodeReport) -> None:
    for change in report.changes:
        moved = "new" if change.moved_m is None else f"moved {change.moved_m:.0f} m"
        print(f"{change.postcode} {change.place}: {change.lat:.5f}, {change.lon:.5f} ({moved})")
    if report.missing:
        print(f"not in the file, kept as they were: {', '.join(report.missing)}")
