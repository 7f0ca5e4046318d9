"""Open Referral HSDS 3.0 into ``ActivityData``: what social maps and directories export.

HSDS comes as JSON (services with their organization, schedules and
service_at_locations nested, as the HSDS API returns them) or as CSV tables
with a ``datapackage.json`` (a folder or a .zip). Both are first made into the
same nested service objects, then each schedule of a service becomes one Samen
activity (id ``<service id>/<schedule id>``, stable across exports), at the
schedule's location or the service's only one.

HSDS has no Samen kind: a service names one with an attribute whose taxonomy
term's code or name is a kind key (``coffee``, ``sport`` …). Services whose
status is not ``active`` are left out, so a re-import hides them.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from bot.services.activities import fields
from bot.services.activities.cleaning import decode_text
from bot.services.activities.fields import ActivityData, FieldError
from bot.services.activities.imports import ReadResult, csv_delimiter
from bot.services.activities.kinds import Kind
from bot.services.activities.schedule import Schedule
from bot.services.places.geo import Places

Json = dict[str, Any]
_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_RULE_PARTS = ("byday", "bymonthday", "byweekno", "byyearday", "wkst", "count")
_INACTIVE = ("inactive", "defunct", "temporarily closed")
# The tables that hold what an activity needs, and the column that links each to its owner.
# The tables that hold what an activity needs (the others are not read).
_TABLES = (
    "services",
    "organizations",
    "locations",
    "service_at_locations",
    "schedules",
    "addresses",
    "phones",
    "cost_options",
    "attributes",
    "taxonomy_terms",
)


def is_hsds(path: Path) -> bool:
    """A folder or .zip with datapackage.json, or a .json file: HSDS, not a CSV or .ics."""
    suffix = path.suffix.lower()
    return path.is_dir() or suffix in (".zip", ".json")


def read_hsds(path: Path, places: Places, zone: str) -> ReadResult:
    """Every activity in an HSDS export, or every problem with the service's id."""
    try:
        services = _load(path)
    except FieldError as error:
        return ReadResult(errors=[str(error)])
    result = ReadResult()
    seen: set[str] = set()
    for index, service in enumerate(services, start=1):
        label = f"service {service.get('id') or f'number {index}'}"
        if str(service.get("status") or "active").strip().lower() in _INACTIVE:
            continue
        try:
            activities = service_activities(service, places, zone)
        except FieldError as error:
            result.errors.append(f"{label}: {error}")
            continue
        for activity in activities:
            if activity.external_id in seen:
                result.errors.append(f"{label}: id {activity.external_id!r} is used twice")
                continue
            seen.add(activity.external_id)
            result.activities.append(activity)
    return result


# --------------------------------------------------------------------------- loading


def _load(path: Path) -> list[Json]:
    if path.is_dir():
        return _from_tables(lambda name: _read_text(path / name))
    if path.suffix.lower() == ".zip":
        return _from_zip(path)
    try:
        document = json.loads(decode_text(path.read_bytes()))
    except json.JSONDecodeError as error:
        raise FieldError(f"the file is not valid JSON ({error})") from None
    return _services_in(document)


def _services_in(document: Any) -> list[Json]:
    """A list of services, one service, or an API page ({"contents": [...]})."""
    if isinstance(document, dict):
        for key in ("contents", "services"):
            if isinstance(document.get(key), list):
                document = document[key]
                break
        else:
            document = [document] if "name" in document else None
    if not isinstance(document, list) or not all(isinstance(s, dict) for s in document):
        raise FieldError("the file is not HSDS: expected a list of services with their schedules")
    return document


def _read_text(path: Path) -> str | None:
    """A table's text (UTF-8, else Windows-1252 as Excel saves it), None when absent."""
    try:
        return decode_text(path.read_bytes())
    except FileNotFoundError:
        return None


def _from_zip(path: Path) -> list[Json]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            package = next((n for n in names if PurePosixPath(n).name == "datapackage.json"), "")
            root = PurePosixPath(package).parent

            def read(name: str) -> str | None:
                member = str(root / name) if str(root) != "." else name
                if member not in names:
                    return None
                return decode_text(archive.read(member))

            return _from_tables(read)
    except zipfile.BadZipFile:
        raise FieldError("the file is not a valid .zip") from None


def _from_tables(read: Callable[[str], str | None]) -> list[Json]:
    """The CSV tables named in datapackage.json, joined into nested services."""
    package_text = read("datapackage.json")
    if package_text is None:
        raise FieldError("no datapackage.json: HSDS tables come with one")
    try:
        package = json.loads(package_text)
        paths = {r["name"]: r.get("path", f"{r['name']}.csv") for r in package["resources"]}
    except (json.JSONDecodeError, KeyError, TypeError):
        raise FieldError("datapackage.json has no list of resources") from None
    tables: dict[str, list[Json]] = {}
    for name in _TABLES:
        text = read(paths[name]) if name in paths else None
        if text is None and name == "services":
            raise FieldError("no services table (services.csv in datapackage.json)")
        tables[name] = _rows(text) if text is not None else []
    return _nest(tables)


def _rows(text: str) -> list[Json]:
    """A table's rows; separated by commas, or by semicolons when Dutch Excel saved it."""
    delimiter = csv_delimiter(text.partition("\n")[0])
    return [
        {k.strip(): (v or "").strip() for k, v in row.items() if k}
        for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)
    ]


def _nest(tables: dict[str, list[Json]]) -> list[Json]:
    """Give each row its children, so the tables read like the API's JSON."""

    def children(table: str, column: str, owner: str) -> list[Json]:
        return [row for row in tables[table] if row.get(column) == owner]

    terms = {row.get("id"): row for row in tables["taxonomy_terms"]}
    for row in tables["attributes"]:
        row["taxonomy_term"] = terms.get(row.get("taxonomy_term_id"), {})
    organizations = {row.get("id"): row for row in tables["organizations"]}
    locations = {}
    for location in tables["locations"]:
        for table in ("addresses", "phones"):
            location[table] = children(table, "location_id", location.get("id", ""))
        locations[location.get("id")] = location
    for service in tables["services"]:
        owner = service.get("id", "")
        service["organization"] = organizations.get(service.get("organization_id"), {})
        for table in ("phones", "schedules", "cost_options"):
            service[table] = children(table, "service_id", owner)
        service["attributes"] = children("attributes", "link_id", owner)
        service["service_at_locations"] = [
            {**link, "location": locations.get(link.get("location_id"), {})}
            for link in children("service_at_locations", "service_id", owner)
        ]
        for link in service["service_at_locations"]:
            link["schedules"] = children("schedules", "service_at_location_id", link.get("id", ""))
    return tables["services"]


# --------------------------------------------------------------------------- mapping


def service_activities(service: Json, places: Places, zone: str) -> list[ActivityData]:
    """One activity per schedule of the service (at its location); FieldError if unusable."""
    service_id = _text(service.get("id"))
    if not service_id or any(c.isspace() for c in service_id):
        raise FieldError("id: must be present and contain no spaces")
    schedules = _schedules(service)
    if not schedules:
        raise FieldError("no schedule: Samen shows activities with a day and a time")
    organization = service.get("organization") or {}
    organiser = _field("organization name", organization.get("name"), required=True)
    kind = _kind(service)
    free, price = _cost(service)
    activities: list[ActivityData] = []
    for key, schedule, location in schedules:
        place, address, lat, lon = _place(location, places)
        activities.append(
            ActivityData(
                external_id=f"{service_id}/{key}",
                title_nl=_field("name", service.get("name"), required=True, limit=fields.MAX_TITLE),
                description_nl=_field(
                    "description", service.get("description"), limit=fields.MAX_TEXT
                ),
                organiser=organiser,
                kind=kind,
                place_name=place,
                address=address,
                lat=lat,
                lon=lon,
                schedule=hsds_schedule(schedule, zone),
                free=free,
                price=price,
                phone=_phone(service, location, organization),
                website=_checked("url", fields.website, service.get("url")),
            )
        )
    return activities


def _schedules(service: Json) -> list[tuple[str, Json, Json]]:
    """(key, schedule, location) of the schedules on the service or its service_at_locations.

    The key is the schedule's id, else its number.

    A location's own schedules are its opening hours, not the service's: not read.
    """
    links = [link for link in service.get("service_at_locations") or [] if link]
    by_link = {_text(link.get("id")): link.get("location") or {} for link in links}
    by_id = {_text(location.get("id")): location for location in by_link.values()}
    only = next(iter(by_id.values())) if len(by_id) == 1 else None
    found: dict[str, tuple[str, Json, Json]] = {}
    candidates = list(service.get("schedules") or [])
    for link in links:
        candidates += [
            dict(s, location=link.get("location") or {}) for s in link.get("schedules") or []
        ]
    for number, schedule in enumerate(candidates, start=1):
        key = _text(schedule.get("id")) or str(number)
        location = (
            schedule.get("location")
            or by_link.get(_text(schedule.get("service_at_location_id")))
            or by_id.get(_text(schedule.get("location_id")))
            or only
        )
        if location is None:
            raise FieldError(f"schedule {key}: which location? (location_id is missing)")
        found.setdefault(key, (key, schedule, location))
    return list(found.values())


def hsds_schedule(schedule: Json, zone: str) -> Schedule:
    """HSDS opens_at/closes_at with iCal-style fields (freq, byday …) as a Samen schedule."""
    key = _text(schedule.get("id")) or "?"
    try:
        first = _text(schedule.get("dtstart")) or _text(schedule.get("valid_from"))
        if not first:
            raise FieldError("dtstart or valid_from: missing (the first day)")
        opens, closes = _clock(schedule.get("opens_at")), _clock(schedule.get("closes_at"))
        if not opens:
            raise FieldError("opens_at: missing (the time it starts)")
        start = datetime.combine(
            fields.moment(first[:10])[0].date(), time(*fields.clock_time(opens))
        )
        rule = _rrule(schedule, ZoneInfo(zone))
        if rule:
            # HSDS's first day need not match BYDAY; a calendar's DTSTART must.
            start = rrulestr(rule, dtstart=start, ignoretz=True).after(start, inc=True) or start
        return fields.schedule(start.strftime("%Y-%m-%d %H:%M"), closes, rule, "", zone)
    except FieldError as error:
        raise FieldError(f"schedule {key}: {error}") from None
    except ValueError as error:
        raise FieldError(f"schedule {key}: the repeat is not valid ({error})") from None


def _rrule(schedule: Json, zone: ZoneInfo) -> str:
    freq = _text(schedule.get("freq")).upper()
    if not freq:
        return ""
    if freq not in _FREQUENCIES:
        raise FieldError(f"freq: {freq!r} is not one of {', '.join(_FREQUENCIES)}")
    parts = [f"FREQ={freq}"]
    interval = _text(schedule.get("interval"))
    if interval and interval != "1":
        parts.append(f"INTERVAL={interval}")
    for name in _RULE_PARTS:
        value = _text(schedule.get(name)).replace(" ", "")
        if value:
            parts.append(f"{name.upper()}={value.upper()}")
    until = _text(schedule.get("until")) or _text(schedule.get("valid_to"))
    if until:
        last = fields.moment(until[:10])[0].date()
        end = datetime.combine(last, time(23, 59, 59), zone).astimezone(ZoneInfo("UTC"))
        parts.append(f"UNTIL={end:%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def _clock(value: Any) -> str:
    """'10:00', '10:00:00' or '10:00:00+01:00' → '10:00' (the schedule's own time zone)."""
    return _text(value)[:5]


def _place(location: Json, places: Places) -> tuple[str, str, float, float]:
    place = _field("location name", location.get("name"), required=True)
    addresses = location.get("addresses") or []
    address = ""
    if addresses:
        first = addresses[0]
        street = " ".join(_text(first.get(k)) for k in ("address_1", "address_2")).strip()
        town = " ".join(_text(first.get(k)) for k in ("postal_code", "city")).strip()
        address = _field("address", ", ".join(p for p in (street, town) if p))
    lat, lon = _text(location.get("latitude")), _text(location.get("longitude"))
    if lat or lon:
        try:
            return place, address, *fields.coordinates(lat, lon)
        except FieldError as error:
            raise FieldError(f"latitude/longitude: {error}") from None
    found = fields.postcode_point(address, places)
    if found is None:
        raise FieldError("latitude/longitude: missing, and the address has no known postcode")
    return place, address, *found


def _kind(service: Json) -> Kind:
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        for candidate in (
            term.get("code"),
            term.get("name"),
            term.get("term"),
            attribute.get("value"),
        ):
            try:
                return fields.kind(_text(candidate))
            except FieldError:
                continue
    kinds = ", ".join(k.value for k in Kind)
    raise FieldError(f"kind: no attribute with a taxonomy term that is a kind ({kinds})")


def _cost(service: Json) -> tuple[bool, str]:
    """fees_description ('gratis', '€ 2'), else cost_options' amounts (0 is free)."""
    fees = _text(service.get("fees_description"))
    if not fees:
        amounts = [_text(option.get("amount")) for option in service.get("cost_options") or []]
        try:
            priced = [a for a in amounts if a and float(a.replace(",", ".")) > 0]
        except ValueError:
            raise FieldError("cost_options: an amount is not a number") from None
        fees = ", ".join(f"€ {a}" for a in priced)
    free, price = _checked("fees_description", fields.cost, fees)
    return bool(free), str(price)


def _phone(service: Json, location: Json, organization: Json) -> str:
    for owner in (service, location, organization):
        for phone in owner.get("phones") or []:
            number = _text(phone.get("number"))
            if number:
                return str(_checked("phones", fields.phone, number))
    return ""


def _field(name: str, value: Any, *, required: bool = False, limit: int = fields.MAX_SHORT) -> str:
    try:
        return fields.text(_text(value), required=required, limit=limit)
    except FieldError as error:
        raise FieldError(f"{name}: {error}") from None


def _checked(name: str, parse: Callable[[str], Any], value: Any) -> Any:
    try:
        return parse(_text(value))
    except FieldError as error:
        raise FieldError(f"{name}: {error}") from None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
