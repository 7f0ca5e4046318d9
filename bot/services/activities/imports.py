"""Reading the partners' files: CSV and iCalendar (.ics) into ``ActivityData``.

Reading never touches the database: it returns every activity it understood
and every problem it found (with the line or UID), so an import can take the
complete ones and list the rest, or (strict) refuse the whole file with a
complete list of what to fix. No input, however broken, raises.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from bot.services.activities import fields
from bot.services.activities.fields import ActivityData, FieldError
from bot.services.activities.kinds import Audience, Kind, parse_audience
from bot.services.activities.schedule import Schedule, ScheduleError, local_text
from bot.services.places.geo import Places

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
REQUIRED_CSV_COLUMNS = ("id", "title_nl", "organiser", "kind", "place", "start")
_ESCAPE = re.compile(r"\\([\\;,nN])")
_EXTERNAL_ID = re.compile(r"[^\s]{1,200}")
# Stands in for a row's schedule while its problems are collected; never stored.
_NO_SCHEDULE = Schedule("UTC", "2000-01-01", True, 1)


@dataclass(frozen=True)
class SourceDefaults:
    """What partners' calendars rarely carry, set once per source; a row or event
    that has its own value keeps it. Names are the CSV columns."""

    organiser: str = ""
    kind: str = ""
    place: str = ""
    address: str = ""
    phone: str = ""
    website: str = ""

    def cells(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}

    def to_json(self) -> str:
        return json.dumps(self.cells(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SourceDefaults:
        return cls(**json.loads(text or "{}"))

    def check(self) -> list[str]:
        """Problems with the defaults themselves, so they are caught when set, not per row."""
        checks = {"kind": fields.kind, "phone": fields.phone, "website": fields.website}
        problems = []
        for name, value in self.cells().items():
            try:
                checks.get(name, lambda v: fields.text(v, required=False))(value)
            except FieldError as error:
                problems.append(f"{name}: {error}")
        return problems


NO_DEFAULTS = SourceDefaults()


@dataclass
class ReadResult:
    activities: list[ActivityData] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Ids of rows/events that had problems: an import keeps what it has of them
    # instead of hiding them as if the partner had removed them.
    skipped_ids: set[str] = field(default_factory=set)


def read_file(
    path: Path, places: Places, zone: str, defaults: SourceDefaults = NO_DEFAULTS
) -> ReadResult:
    """Read a .csv or .ics file by its extension."""
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return ReadResult(errors=["the file is not UTF-8 text"])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(content, places, zone, defaults)
    if suffix in (".ics", ".ical", ".ifb", ".icalendar"):
        return read_ics(content, places, zone, defaults)
    return ReadResult(errors=[f"unknown file type {suffix or '(none)'}: use .csv or .ics"])


def read_published(
    content: str, places: Places, zone: str, defaults: SourceDefaults = NO_DEFAULTS
) -> ReadResult:
    """A feed's body: a calendar if it says so on its first line, else CSV (servers'
    content types for both are too often wrong to go by)."""
    content = content.removeprefix("\ufeff")
    if content.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        return read_ics(content, places, zone, defaults)
    return read_csv(content, places, zone, defaults)


# --------------------------------------------------------------------------- CSV


def read_csv(
    content: str, places: Places, zone: str, defaults: SourceDefaults = NO_DEFAULTS
) -> ReadResult:
    """Rows of CSV_COLUMNS; lines starting with '#' before the header are notes."""
    result = ReadResult()
    lines = content.splitlines(keepends=True)
    skipped = 0
    while skipped < len(lines) and (lines[skipped].startswith("#") or not lines[skipped].strip()):
        skipped += 1
    reader = csv.DictReader(io.StringIO("".join(lines[skipped:]), newline=""))
    try:
        _read_rows(reader, skipped, places, zone, defaults, result)
    except csv.Error as error:  # e.g. a quote that is never closed
        result.errors.append(f"line {skipped + reader.line_num}: the CSV cannot be read ({error})")
    return result


def _read_rows(
    reader: csv.DictReader[str],
    skipped: int,
    places: Places,
    zone: str,
    defaults: SourceDefaults,
    result: ReadResult,
) -> None:
    header = [h.strip() for h in reader.fieldnames or []]
    given = set(header) | set(defaults.cells())
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in given]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        if missing:
            result.errors.append(f"line {skipped + 1}: missing column(s) {', '.join(missing)}")
        if unknown:
            result.errors.append(f"line {skipped + 1}: unknown column(s) {', '.join(unknown)}")
        return
    reader.fieldnames = header
    seen: dict[str, int] = {}
    previous_end = skipped + 1
    for row in reader:
        line = previous_end + 1  # where this record starts (records may span lines)
        previous_end = skipped + reader.line_num
        if None in row:
            result.errors.append(f"line {line}: more cells than columns")
            continue
        cells = {**defaults.cells(), **{k: v for k, v in row.items() if v and v.strip()}}
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
    if not _EXTERNAL_ID.fullmatch(external_id):
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


# --------------------------------------------------------------------------- iCalendar


def read_ics(
    content: str, places: Places, zone: str, defaults: SourceDefaults = NO_DEFAULTS
) -> ReadResult:
    """VEVENTs with UID; RRULE, EXDATE, RDATE, all-day, TZID and moved occurrences.

    Samen-specific details a calendar has no property for ride along as
    X-SAMEN-* properties (kind, place, cost, accessibility, phone, English texts).
    """
    result = ReadResult()
    try:
        calendar = icalendar.Calendar.from_ical(content)
    except ValueError as error:
        return ReadResult(errors=[f"the file is not a valid iCalendar file ({error})"])
    uid_lines = _uid_lines(content)
    event_lines = [
        n
        for n, line in enumerate(content.splitlines(), 1)
        if line.strip().upper() == "BEGIN:VEVENT"
    ]
    masters: dict[str, tuple[int, Any]] = {}
    moved: dict[str, list[Any]] = {}
    for index, event in enumerate(calendar.walk("VEVENT")):
        uid = str(event.get("UID", "")).strip()
        where = event_lines[index] if index < len(event_lines) else "?"
        if not uid:
            result.errors.append(f"event at line {where}: no UID")
            continue
        if event.get("RECURRENCE-ID") is not None:
            moved.setdefault(uid, []).append(event)
        elif uid in masters:
            result.errors.append(f"UID {uid} (line {uid_lines.get(uid, where)}): used twice")
        else:
            masters[uid] = (index, event)
    for uid, (_index, event) in masters.items():
        label = f"UID {uid} (line {uid_lines.get(uid, '?')})"
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue  # not taking place: left out, so a re-import hides it
        try:
            result.activities.append(
                _from_event(uid, event, moved.get(uid, []), places, zone, defaults)
            )
        except (FieldError, ScheduleError) as error:
            result.errors.append(f"{label}: {error}")
            result.skipped_ids.add(uid)
    for uid in moved:
        if uid not in masters:
            result.errors.append(
                f"UID {uid} (line {uid_lines.get(uid, '?')}): a changed occurrence without"
                " its series"
            )
    return result


def _uid_lines(content: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, line in enumerate(content.splitlines(), start=1):
        name, _, value = line.partition(":")
        if name.strip().upper().split(";")[0] == "UID":
            found.setdefault(value.strip(), number)
    return found


def _prop(event: Any, name: str) -> str:
    value = event.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    if isinstance(value, icalendar.vText):
        return str(value).strip()
    # X- properties stay as they were written: undo the TEXT escapes (RFC 5545 3.3.11).
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), str(value)).strip()


def _from_event(
    uid: str,
    event: Any,
    moved: list[Any],
    places: Places,
    default_zone: str,
    defaults: SourceDefaults,
) -> ActivityData:
    if not _EXTERNAL_ID.fullmatch(uid):
        raise FieldError("the UID must contain no spaces")
    broken = [f"{name}: {message}" for name, message in getattr(event, "errors", [])]
    if broken:  # values icalendar could not read (it keeps them as text)
        raise FieldError("; ".join(broken))
    start = _single(event, "DTSTART")
    all_day = not isinstance(start, datetime)
    zone = _zone_of(start, default_zone)
    if isinstance(start, datetime) and start.tzinfo is None:
        start = start.replace(tzinfo=ZoneInfo(zone))
    duration = _event_duration(event, start, all_day)
    exdates = _date_list(event.get("EXDATE"), zone, start)
    rdates = _date_list(event.get("RDATE"), zone, start)
    for change in moved:
        # A moved or cancelled single occurrence: leave the original out and, unless
        # cancelled, add the new moment (same length as the series).
        original = _single(change, "RECURRENCE-ID")
        exdates.append(_local(original, zone, start))
        if str(change.get("STATUS", "")).upper() != "CANCELLED" and change.get("DTSTART"):
            rdates.append(_local(_single(change, "DTSTART"), zone, start))
    rrule = _once(event, "RRULE")
    schedule = Schedule(
        tz=zone,
        start_local=_local(start, zone, start),
        all_day=all_day,
        duration_min=duration,
        rrule=rrule.to_ical().decode() if rrule is not None else None,
        exdates=tuple(exdates),
        rdates=tuple(rdates),
    )
    schedule.check()

    def text(name: str, *, required: bool = False, limit: int = fields.MAX_SHORT) -> str:
        try:
            return fields.text(_prop(event, name), required=required, limit=limit)
        except FieldError as error:
            raise FieldError(f"{name}: {error}") from None

    place, address = _place(event, defaults)
    lat, lon = _geo(event, address, places)
    free, price = fields.cost(_prop(event, "X-SAMEN-COST"))
    return ActivityData(
        external_id=uid,
        title_nl=text("SUMMARY", required=True, limit=fields.MAX_TITLE),
        title_en=text("X-SAMEN-TITLE-EN", limit=fields.MAX_TITLE),
        description_nl=text("DESCRIPTION", limit=fields.MAX_TEXT),
        description_en=text("X-SAMEN-DESCRIPTION-EN", limit=fields.MAX_TEXT),
        organiser=_organiser(event, defaults),
        kind=_kind(event, defaults),
        place_name=place,
        address=address,
        lat=lat,
        lon=lon,
        schedule=schedule,
        free=free,
        price=price,
        wheelchair=_flag(event, "X-SAMEN-WHEELCHAIR"),
        hearing_loop=_flag(event, "X-SAMEN-HEARING-LOOP"),
        phone=_checked(
            fields.phone,
            _prop(event, "X-SAMEN-PHONE") or _prop(event, "CONTACT") or defaults.phone,
            "X-SAMEN-PHONE",
        ),
        website=_checked(fields.website, _prop(event, "URL") or defaults.website, "URL"),
        audience=_audience(event),
    )


def _checked(parse: Any, value: str, name: str) -> Any:
    try:
        return parse(value)
    except FieldError as error:
        raise FieldError(f"{name}: {error}") from None


def _single(event: Any, name: str) -> date | datetime:
    """The one date or moment of a required property (DTSTART, RECURRENCE-ID)."""
    value = _once(event, name)
    if value is None:
        raise FieldError(f"{name}: missing")
    moment: date | datetime = value.dt
    return moment


def _once(event: Any, name: str) -> Any:
    """A property an event may carry only once, or None; icalendar gives a list for more."""
    value = event.get(name)
    if isinstance(value, list):
        raise FieldError(f"{name}: given {len(value)} times; an event has one")
    return value


def _zone_of(start: date | datetime, default_zone: str) -> str:
    if isinstance(start, datetime) and start.tzinfo is not None:
        if isinstance(start.tzinfo, ZoneInfo):
            return start.tzinfo.key
        if start.utcoffset() == timedelta(0):
            return "UTC"
        raise FieldError(
            "DTSTART: a time zone Samen does not know; use a TZID like Europe/Amsterdam"
        )
    return default_zone


def _local(value: date | datetime, zone: str, start: date | datetime) -> str:
    """An occurrence moment in the series' own form (``start`` is the series' DTSTART).

    Calendars mix forms: a date in a timed series (EXDATE;VALUE=DATE) means that
    day at the series' time; a moment in an all-day series means its day.
    """
    all_day = not isinstance(start, datetime)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))
        return local_text(aware.astimezone(ZoneInfo(zone)), all_day)
    if isinstance(start, datetime):
        at_series_time = start.astimezone(ZoneInfo(zone)).time().replace(tzinfo=None)
        return local_text(datetime.combine(value, at_series_time), all_day)
    return local_text(value, all_day)


def _event_duration(event: Any, start: date | datetime, all_day: bool) -> int:
    if _once(event, "DURATION") is not None:
        length: timedelta = event["DURATION"].dt
    elif _once(event, "DTEND") is not None:
        end = event["DTEND"].dt
        if isinstance(end, datetime) != isinstance(start, datetime):
            raise FieldError("DTEND: not the same kind of value as DTSTART")
        if isinstance(end, datetime) and isinstance(start, datetime):
            length = end.astimezone(UTC) - start.astimezone(UTC)
        else:
            length = end - start
    else:
        length = timedelta(days=1) if all_day else timedelta(minutes=fields.DEFAULT_DURATION_MIN)
    minutes = int(length.total_seconds() // 60)
    if minutes <= 0:
        raise FieldError("DTEND: the end is not after the start")
    return minutes


def _date_list(value: Any, zone: str, start: date | datetime) -> list[str]:
    if value is None:
        return []
    found: list[str] = []
    for group in value if isinstance(value, list) else [value]:
        for item in group.dts:
            moment = item.dt
            if isinstance(moment, tuple):
                raise FieldError("RDATE: periods are not supported; use dates or date-times")
            found.append(_local(moment, zone, start))
    return found


def _place(event: Any, defaults: SourceDefaults) -> tuple[str, str]:
    """X-SAMEN-PLACE / X-SAMEN-ADDRESS, else LOCATION 'Place, street, postcode town',
    else the source's usual place and address."""
    place = _prop(event, "X-SAMEN-PLACE")
    address = _prop(event, "X-SAMEN-ADDRESS")
    location = _prop(event, "LOCATION")
    if not place and location:
        place, _, rest = location.partition(",")
        address = address or rest.strip()
    if not place.strip():
        place, address = defaults.place, address or defaults.address
    place = " ".join(place.split())
    if not place:
        raise FieldError("LOCATION: missing")
    if len(place) > fields.MAX_SHORT or len(address) > fields.MAX_SHORT:
        raise FieldError("LOCATION: too long")
    return place, " ".join(address.split())


def _geo(event: Any, address: str, places: Places) -> tuple[float, float]:
    geo = _once(event, "GEO")
    if geo is not None:
        return float(geo.latitude), float(geo.longitude)
    found = fields.postcode_point(address, places)
    if found is None:
        raise FieldError("GEO: missing, and the address has no known postcode")
    return found


def _organiser(event: Any, defaults: SourceDefaults) -> str:
    name = _prop(event, "X-SAMEN-ORGANISER")
    organizer = _once(event, "ORGANIZER")
    if not name and organizer is not None:
        name = str(organizer.params.get("CN", "")) or str(organizer).removeprefix("mailto:")
    name = name.strip() or defaults.organiser
    try:
        return fields.text(name, required=True)
    except FieldError:
        raise FieldError("ORGANIZER: missing (or X-SAMEN-ORGANISER)") from None


def _categories(event: Any) -> list[str]:
    categories = event.get("CATEGORIES")
    groups = categories if isinstance(categories, list) else [categories] if categories else []
    return [str(c) for group in groups for c in group.cats]


def _kind(event: Any, defaults: SourceDefaults) -> Kind:
    candidates: list[str] = []
    if _prop(event, "X-SAMEN-KIND"):
        candidates.append(_prop(event, "X-SAMEN-KIND"))
    candidates.extend(_categories(event))
    candidates.append(defaults.kind)
    for candidate in candidates:
        try:
            return fields.kind(candidate)
        except FieldError:
            continue
    raise FieldError("X-SAMEN-KIND/CATEGORIES: no known kind (" + ", ".join(_kinds()) + ")")


def _audience(event: Any) -> Audience:
    """X-SAMEN-AUDIENCE, else the first CATEGORIES word that names one; else everyone."""
    declared = _prop(event, "X-SAMEN-AUDIENCE")
    if declared:
        audience: Audience = _checked(fields.audience, declared, "X-SAMEN-AUDIENCE")
        return audience
    found = (parse_audience(c) for c in _categories(event))
    return next((a for a in found if a is not None), Audience.EVERYONE)


def _kinds() -> Iterable[str]:
    return (k.value for k in Kind)


def _flag(event: Any, name: str) -> bool:
    try:
        return fields.yes_no(_prop(event, name))
    except FieldError:
        raise FieldError(f"{name}: use yes or no") from None
