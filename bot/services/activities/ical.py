"""Reading a partner's iCalendar (.ics) file into ``ActivityData``: one VEVENT per
activity, with what calendars have no property for in ``X-SAMEN-…`` properties or the
source's defaults. Like every reader it never raises: problems are listed by UID.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from bot.services.activities import fields
from bot.services.activities.cleaning import plain_text, shortened
from bot.services.activities.fields import ActivityData, FieldError
from bot.services.activities.kinds import Audience, Kind, parse_audience
from bot.services.activities.reading import EXTERNAL_ID, NO_DEFAULTS, ReadResult, SourceDefaults
from bot.services.activities.schedule import (
    Schedule,
    ScheduleError,
    local_text,
    until_end_of_day,
)
from bot.services.activities.zones import iana_name, known_zone
from bot.services.places.geo import Places

_ESCAPE = re.compile(r"\\([\\;,nN])")
_LINE_BREAKS = re.compile(r"\s*\n\s*")
_LOCATION_PARTS = re.compile(r"\s*[,\n]\s*")
_NAME_AND_ADDRESS = re.compile(r"([^,(\n]+?)\s*\((.+)\)", re.DOTALL)
_COMMA_GEO = re.compile(r"\s*-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?\s*")
_APPLE_PIN = re.compile(r"geo:\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class _Zones:
    """Samen's own zone, and the zone of the calendar's floating times (its
    X-WR-TIMEZONE, as Google and WordPress write it, else Samen's)."""

    home: str
    floating: str


def read_ics(
    content: str, places: Places, zone: str, defaults: SourceDefaults = NO_DEFAULTS
) -> ReadResult:
    """VEVENTs with UID; RRULE, EXDATE, RDATE, all-day, TZID and moved occurrences.

    Samen-specific details a calendar has no property for ride along as
    X-SAMEN-* properties (kind, place, cost, accessibility, phone, English texts).
    """
    calendar, problem = _calendar(content)
    if calendar is None:
        return ReadResult(errors=[problem])
    floating = known_zone(str(calendar.get("X-WR-TIMEZONE", ""))) or zone
    zones = _Zones(home=zone, floating=floating)
    lines = _event_lines(content)
    result = ReadResult()
    masters: dict[str, tuple[int | str, Any]] = {}
    moved: dict[str, list[Any]] = {}
    for index, event in enumerate(calendar.walk("VEVENT")):
        uid = str(event.get("UID", "")).strip()
        where = _line(lines, index)
        if not uid:
            result.errors.append(f"event at line {where}: no UID")
        elif event.get("RECURRENCE-ID") is not None:
            moved.setdefault(uid, []).append(event)
        elif uid in masters:
            first = masters[uid][0]
            result.errors.append(
                f"UID {uid} (line {where}): used twice; the event at line {first} is imported"
            )
        else:
            masters[uid] = (where, event)
    for uid, (where, event) in masters.items():
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue  # not taking place: left out, so a re-import hides it
        try:
            result.activities.append(
                _from_event(uid, event, moved.get(uid, []), places, zones, defaults)
            )
        except (FieldError, ScheduleError) as error:
            result.errors.append(f"UID {uid} (line {where}): {error}")
            result.skipped_ids.add(uid)
    for uid, changes in moved.items():
        if uid not in masters:
            where = _line(lines, _index_of(calendar, changes[0]))
            result.errors.append(
                f"UID {uid} (line {where}): a changed occurrence without its series"
            )
    return result


def _calendar(content: str) -> tuple[Any, str]:
    """The calendar, or None and what is wrong with the file, in words a partner can act on."""
    if not content.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        return None, (
            "the file is not a valid iCalendar file: it does not begin with BEGIN:VCALENDAR"
            " (a web page or a login page? use the calendar's public iCal address)"
        )
    if not content.rstrip().upper().endswith("END:VCALENDAR"):
        return None, ("the file is cut off: it does not end with END:VCALENDAR (download it again)")
    try:
        return icalendar.Calendar.from_ical(content), ""
    except ValueError as error:
        detail = " ".join(str(error).split())[:160]
        return None, f"the file is not a valid iCalendar file ({detail})"


def _event_lines(content: str) -> list[int]:
    """Where each VEVENT is, in the order icalendar walks them: the line of its UID
    (a folded UID too, as Outlook writes them), else of its BEGIN:VEVENT."""
    found: list[int] = []
    depth = 0  # components open inside the current event (an alarm has a UID too)
    for number, line in enumerate(content.splitlines(), 1):
        name = line.partition(":")[0].split(";")[0].strip().upper()
        value = line.partition(":")[2].strip().upper()
        if name == "BEGIN" and value == "VEVENT":
            found.append(number)
            depth = 1
        elif depth and name in ("BEGIN", "END"):
            depth += 1 if name == "BEGIN" else -1
        elif depth == 1 and name == "UID" and not line[:1].isspace():
            found[-1] = number
    return found


def _line(lines: list[int], index: int) -> int | str:
    return lines[index] if index < len(lines) else "?"


def _index_of(calendar: Any, event: Any) -> int:
    return next(i for i, e in enumerate(calendar.walk("VEVENT")) if e is event)


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
    zones: _Zones,
    defaults: SourceDefaults,
) -> ActivityData:
    if not EXTERNAL_ID.fullmatch(uid):
        raise FieldError("the UID must contain no spaces")
    broken = _unreadable(event)
    if broken:  # values icalendar could not read (it keeps them as text)
        raise FieldError("; ".join(broken))
    schedule = _schedule(event, moved, zones)

    def text(name: str, *, required: bool = False, limit: int = fields.MAX_SHORT) -> str:
        value = plain_text(_prop(event, name))
        if limit == fields.MAX_TITLE:  # a calendar's title is written for a web page
            value = shortened(value, limit)
        try:
            return fields.text(value, required=required, limit=limit)
        except FieldError as error:
            raise FieldError(f"{name}: {error}") from None

    place, address = _place(event, defaults)
    lat, lon = _geo(event, place, address, places)
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


def _unreadable(event: Any) -> list[str]:
    """What icalendar could not read, but a GEO written 'lat,lon' (read in ``_geo``)."""
    return [
        f"{name}: {message}"
        for name, message in getattr(event, "errors", [])
        if not (name == "GEO" and _COMMA_GEO.fullmatch(str(event.get("GEO", ""))))
    ]


def _schedule(event: Any, moved: list[Any], zones: _Zones) -> Schedule:
    """The series in its own zone: start, length, repeat, and the occurrences left out,
    moved (RECURRENCE-ID) or added (RDATE)."""
    start = _single(event, "DTSTART")
    all_day = not isinstance(start, datetime)
    zone = _zone_of(event, start, zones)
    if zone == "UTC" and not (event.get("RRULE") or event.get("RDATE")):
        zone = zones.home  # a one-off in UTC is kept, and edited, in local time
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
        rrule=until_end_of_day(rrule.to_ical().decode(), all_day) if rrule is not None else None,
        exdates=tuple(exdates),
        rdates=tuple(rdates),
    )
    schedule.check()
    return schedule


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
    moment = value.dt
    if not isinstance(moment, date):  # a PERIOD or a duration: no one moment to show
        raise FieldError(f"{name}: not a date or a date-time")
    return moment


def _once(event: Any, name: str) -> Any:
    """A property an event may carry only once, or None; icalendar gives a list for more."""
    value = event.get(name)
    if isinstance(value, list):
        raise FieldError(f"{name}: given {len(value)} times; an event has one")
    return value


def _zone_of(event: Any, start: date | datetime, zones: _Zones) -> str:
    """The IANA zone a start is in: its TZID's (by the VTIMEZONE's rules when the name
    is the calendar's own), else X-WR-TIMEZONE for a floating time, else Samen's zone."""
    if not isinstance(start, datetime):
        return zones.home
    if start.tzinfo is None:
        return zones.floating
    tzid = str(event["DTSTART"].params.get("TZID", ""))
    found = iana_name(start.tzinfo, tzid, start, (zones.floating, zones.home))
    if found is None:
        raise FieldError(
            f"DTSTART: the time zone {tzid or start.tzname()!r} matches no time zone Samen"
            " knows; use a TZID like Europe/Amsterdam"
        )
    return found


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
        length = event["DURATION"].dt
        if not isinstance(length, timedelta):
            raise FieldError("DURATION: not a duration")
    elif _once(event, "DTEND") is not None:
        end = event["DTEND"].dt
        if not isinstance(end, date):
            raise FieldError("DTEND: not a date or a date-time")
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
            if isinstance(moment, tuple):  # a PERIOD: it starts then, as long as the series
                moment = moment[0]
            found.append(_local(moment, zone, start))
    return found


def _place(event: Any, defaults: SourceDefaults) -> tuple[str, str]:
    """X-SAMEN-PLACE / X-SAMEN-ADDRESS, else LOCATION, else the source's usual place.

    LOCATION is written 'Place, street, postcode town' (Google, Outlook), on lines
    (Apple) or 'Place (street, town)' (Meetup). A LOCATION that is only the source's
    usual place gets its usual address."""
    place = _prop(event, "X-SAMEN-PLACE")
    address = _prop(event, "X-SAMEN-ADDRESS")
    location = plain_text(_prop(event, "LOCATION"))
    if not place and location:
        place, rest = _split_location(location)
        address = address or _LINE_BREAKS.sub(", ", rest.strip())
    if not place.strip():
        place, address = defaults.place, address or defaults.address
    place = " ".join(place.split())
    if not address and place.casefold() == defaults.place.casefold():
        address = defaults.address
    if not place:
        raise FieldError("LOCATION: missing")
    if len(place) > fields.MAX_SHORT or len(address) > fields.MAX_SHORT:
        raise FieldError("LOCATION: too long")
    return place, " ".join(address.split())


def _split_location(location: str) -> tuple[str, str]:
    """(place, the rest) of 'Place, street, postcode town', of 'Place' and the address on
    lines, or of 'Place (street, town)'."""
    named = _NAME_AND_ADDRESS.fullmatch(location)
    if named:
        return named.group(1), named.group(2)
    place, *rest = _LOCATION_PARTS.split(location, maxsplit=1)
    return place, "".join(rest)


def _geo(event: Any, place: str, address: str, places: Places) -> tuple[float, float]:
    """GEO, else Apple's map pin, else the centre of the address's postcode."""
    geo = _once(event, "GEO")
    if isinstance(geo, icalendar.vGeo):
        return float(geo.latitude), float(geo.longitude)
    if geo is not None:  # 'lat,lon', as people write it (kept as text by icalendar)
        return fields.coordinates(*str(geo).split(","))
    pin = _APPLE_PIN.search(_prop(event, "X-APPLE-STRUCTURED-LOCATION"))
    if pin is not None:
        return fields.coordinates(pin.group(1), pin.group(2))
    found = fields.postcode_point(address, places)
    if found is None:
        raise FieldError(
            f"LOCATION: {', '.join(filter(None, (place, address)))!r} has no postcode Samen"
            " knows and there is no GEO; write 'Place, street, postcode town'"
        )
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
        raise FieldError(
            "ORGANIZER: missing; add X-SAMEN-ORGANISER, or give the source one organiser"
            " for all its events: samen sources defaults SOURCE --organiser NAME"
        ) from None


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
    raise FieldError(
        "X-SAMEN-KIND/CATEGORIES: no known kind (" + ", ".join(_kinds()) + "); or give the"
        " source one kind for all its events: samen sources defaults SOURCE --kind KIND"
    )


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
