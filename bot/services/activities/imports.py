"""Reading the partners' files: CSV here, iCalendar (.ics) in ``ical``, by the file's type.

Reading never touches the database: it returns every activity it understood
and every problem it found (with the line or UID), so an import can take the
complete ones and list the rest, or (strict) refuse the whole file with a
complete list of what to fix. No input, however broken, raises.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from bot.services.activities import fields
from bot.services.activities.cleaning import decode_text
from bot.services.activities.fields import ActivityData, FieldError
from bot.services.activities.ical import read_ics
from bot.services.activities.kinds import Audience, Kind
from bot.services.activities.reading import EXTERNAL_ID, NO_DEFAULTS, ReadResult, SourceDefaults
from bot.services.activities.schedule import Schedule
from bot.services.places.geo import Places

# What callers import from here: the readers and what they share.
__all__ = [
    "CSV_COLUMNS",
    "NO_DEFAULTS",
    "ReadResult",
    "SourceDefaults",
    "csv_delimiter",
    "read_csv",
    "read_file",
    "read_ics",
    "read_published",
]

CSV_COLUMNS = (
    "id",
    "title_nl",
    "title_en",
    "description_nl",
    "description_en",
    "organiser",
    "kind",
    "place",
    "address",
    "lat",
    "lon",
    "start",
    "end",
    "rrule",
    "exdates",
    "cost",
    "wheelchair",
    "hearing_loop",
    "phone",
    "website",
    "audience",
)
WEB_PAGE = (
    "the link gives a web page, not a calendar or a CSV file (a login page? use the"
    " calendar's public address in iCal format)"
)
REQUIRED_CSV_COLUMNS = ("id", "title_nl", "organiser", "kind", "place", "start")
# The names a coordinator's own spreadsheet may give the columns, Dutch or English.
_COLUMN_ALIASES = {
    "titel": "title_nl",
    "title": "title_nl",
    "naam": "title_nl",
    "activiteit": "title_nl",
    "titel_en": "title_en",
    "omschrijving": "description_nl",
    "beschrijving": "description_nl",
    "description": "description_nl",
    "omschrijving_en": "description_en",
    "organisator": "organiser",
    "organisatie": "organiser",
    "organizer": "organiser",
    "soort": "kind",
    "type": "kind",
    "categorie": "kind",
    "plaats": "place",
    "locatie": "place",
    "location": "place",
    "adres": "address",
    "latitude": "lat",
    "longitude": "lon",
    "begin": "start",
    "datum": "start",
    "wanneer": "start",
    "eind": "end",
    "einde": "end",
    "herhaling": "rrule",
    "uitzonderingen": "exdates",
    "kosten": "cost",
    "prijs": "cost",
    "price": "cost",
    "rolstoel": "wheelchair",
    "ringleiding": "hearing_loop",
    "telefoon": "phone",
    "telefoonnummer": "phone",
    "url": "website",
    "doelgroep": "audience",
}
# Stands in for a row's schedule while its problems are collected; never stored.
_NO_SCHEDULE = Schedule("UTC", "2000-01-01", True, 1)


def read_file(
    path: Path, places: Places, zone: str, defaults: SourceDefaults = NO_DEFAULTS
) -> ReadResult:
    """Read a .csv or .ics file by its extension; a .txt or .tsv (what spreadsheets and
    calendars also save) by what it holds."""
    try:
        content = decode_text(path.read_bytes())
    except OSError as error:
        return ReadResult(errors=[f"the file cannot be read ({error.strerror})"])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(content, places, zone, defaults)
    if suffix in (".ics", ".ical", ".ifb", ".icalendar"):
        return read_ics(content, places, zone, defaults)
    if suffix in (".txt", ".tsv"):
        return read_published(content, places, zone, defaults)
    return ReadResult(errors=[f"unknown file type {suffix or '(none)'}: use .csv or .ics"])


def read_published(
    content: str, places: Places, zone: str, defaults: SourceDefaults = NO_DEFAULTS
) -> ReadResult:
    """A feed's body: a calendar if it says so on its first line, else CSV (servers'
    content types for both are too often wrong to go by)."""
    content = content.removeprefix("\ufeff")
    if content.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        return read_ics(content, places, zone, defaults)
    if content.lstrip().startswith("<"):
        return ReadResult(errors=[WEB_PAGE])
    return read_csv(content, places, zone, defaults)


# --------------------------------------------------------------------------- CSV


def read_csv(
    content: str, places: Places, zone: str, defaults: SourceDefaults = NO_DEFAULTS
) -> ReadResult:
    """Rows of CSV_COLUMNS (or their Dutch names), separated by commas, semicolons (Dutch
    Excel) or tabs; lines starting with '#' before the header are notes."""
    result = ReadResult()
    lines = content.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and (lines[skipped].startswith("#") or not lines[skipped].strip()):
        skipped += 1
    delimiter = csv_delimiter(lines[skipped] if skipped < len(lines) else "")
    reader = csv.DictReader(
        io.StringIO("".join(lines[skipped:]), newline=""), delimiter=delimiter, strict=True
    )
    try:
        _read_rows(reader, skipped, places, zone, defaults, result)
    except csv.Error as error:
        opened = _unclosed_quote(lines)
        result.errors.append(
            f"line {opened}: a double quote is opened here and never closed"
            if opened
            else f"line {skipped + reader.line_num}: the CSV cannot be read ({error})"
        )
    return result


def _unclosed_quote(lines: list[str]) -> int | None:
    """The line whose double quote is never closed (quotes come in pairs), if any."""
    inside, opened_at = False, 0
    for number, line in enumerate(lines, 1):
        if line.count('"') % 2:  # this line opens or closes a quoted text
            inside = not inside
            opened_at = number if inside else opened_at
    return opened_at if inside else None


def csv_delimiter(header: str) -> str:
    """The separator the header line uses most (outside quotes)."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    return max((",", ";", "\t"), key=unquoted.count)


def _columns(header: list[str]) -> tuple[list[str], list[str]]:
    """(Samen's column name for each header cell, '' for an empty one; problems)."""
    names = [_column_name(h) for h in header]
    problems = []
    unknown = [h.strip() for h, name in zip(header, names, strict=True) if name is None]
    if unknown:
        problems.append(
            f"unknown column(s) {', '.join(unknown)}: rename them to one of"
            f" {', '.join(CSV_COLUMNS)} (or their Dutch names, see the README), or remove them"
        )
    known = [n for n in names if n]
    doubled = sorted({n for n in known if known.count(n) > 1})
    if doubled:
        problems.append(f"column(s) given twice: {', '.join(doubled)}")
    return [n or "" for n in names], problems


def _column_name(header: str) -> str | None:
    cleaned = re.sub(r"[\s\-]+", "_", header.strip().strip("\ufeff").lower())
    if not cleaned or cleaned in CSV_COLUMNS:
        return cleaned
    return _COLUMN_ALIASES.get(cleaned)


def _read_rows(
    reader: csv.DictReader[str],
    skipped: int,
    places: Places,
    zone: str,
    defaults: SourceDefaults,
    result: ReadResult,
) -> None:
    header, problems = _columns(list(reader.fieldnames or []))
    given = set(header) | set(defaults.cells())
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in given]
    if missing:
        problems.insert(0, f"missing column(s) {', '.join(missing)}")
    if problems:
        result.errors.extend(f"line {skipped + 1}: {problem}" for problem in problems)
        return
    reader.fieldnames = header
    seen: dict[str, int] = {}
    for row in reader:
        cells_in_row = [cell for cell in row.values() if isinstance(cell, str)]
        # Where this record starts: it may span lines (a quoted text with line breaks),
        # and the reader passes over empty lines.
        line = skipped + reader.line_num - sum(cell.count("\n") for cell in cells_in_row)
        if None in row:
            result.errors.append(
                f"line {line}: more cells than columns (a text with a comma or semicolon"
                " in it? put it between double quotes)"
            )
            continue
        if not any(cell.strip() for cell in cells_in_row):
            continue  # a row of empty cells, as spreadsheets leave under a table
        cells = {
            **defaults.cells(),
            **{k: v.replace("\r\n", "\n") for k, v in row.items() if k and v and v.strip()},
        }
        try:
            activity = _from_cells(cells, places, zone)
        except FieldError as error:
            result.errors.append(f"line {line}: {error}")
            result.skipped_ids.add(cells.get("id", "").strip())
            continue
        if activity.external_id in seen:
            result.errors.append(
                f"line {line}: id {activity.external_id!r} was already used on line "
                f"{seen[activity.external_id]}"
            )
            continue
        seen[activity.external_id] = line
        result.activities.append(activity)


def _from_cells(cells: dict[str, str], places: Places, zone: str) -> ActivityData:
    """One row; every problem in it is reported (joined with '; '), not only the first."""
    problems: list[str] = []

    def get(column: str) -> str:
        return cells.get(column, "")

    def parsed(column: str, parse: Any, fallback: Any = "") -> Any:
        try:
            return parse(get(column))
        except FieldError as error:
            problems.append(f"{column}: {error}")
            return fallback

    def text(column: str, required: bool, limit: int = fields.MAX_SHORT) -> str:
        return str(parsed(column, lambda v: fields.text(v, required=required, limit=limit)))

    external_id = get("id").strip()
    if not EXTERNAL_ID.fullmatch(external_id):
        problems.append("id: must be present and contain no spaces")
    free, price = parsed("cost", fields.cost, (True, ""))
    address = text("address", required=False)
    try:
        lat, lon = _point(get("lat"), get("lon"), address, places)
    except FieldError as error:
        problems.append(str(error))
        lat, lon = 0.0, 0.0
    try:
        schedule = fields.schedule(get("start"), get("end"), get("rrule"), get("exdates"), zone)
    except FieldError as error:
        problems.append(f"start/end/rrule/exdates: {error}")
    activity = ActivityData(
        external_id=external_id,
        title_nl=text("title_nl", required=True, limit=fields.MAX_TITLE),
        title_en=text("title_en", required=False, limit=fields.MAX_TITLE),
        description_nl=text("description_nl", required=False, limit=fields.MAX_TEXT),
        description_en=text("description_en", required=False, limit=fields.MAX_TEXT),
        organiser=text("organiser", required=True),
        kind=parsed("kind", fields.kind, Kind.COFFEE),
        place_name=text("place", required=True),
        address=address,
        lat=lat,
        lon=lon,
        schedule=schedule if not problems else _NO_SCHEDULE,
        free=free,
        price=price,
        wheelchair=parsed("wheelchair", fields.yes_no, False),
        hearing_loop=parsed("hearing_loop", fields.yes_no, False),
        phone=parsed("phone", fields.phone),
        website=parsed("website", fields.website),
        audience=parsed("audience", fields.audience, Audience.EVERYONE),
    )
    if problems:
        raise FieldError("; ".join(problems))
    return activity


def _point(lat: str, lon: str, address: str, places: Places) -> tuple[float, float]:
    if lat.strip() or lon.strip():
        try:
            return fields.coordinates(lat, lon)
        except FieldError as error:
            raise FieldError(f"lat/lon: {error}") from None
    found = fields.postcode_point(address, places)
    if found is None:
        raise FieldError("lat/lon: missing, and the address has no known postcode")
    return found
