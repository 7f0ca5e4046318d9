"""One activity's fields, and how typed text becomes a field value.

The same parsers read a partner's CSV cell and a coordinator's chat answer, so
a file and the chat accept exactly the same things and report the same
problems. Problems are ``FieldError`` with a short English msgid; the importer
prints it (or its detail) next to a line number, the chat shows its translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import phonenumbers

from bot.i18n import N_
from bot.services.activities.kinds import Audience, Kind, parse_audience, parse_kind
from bot.services.activities.schedule import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    Schedule,
    ScheduleError,
    until_end_of_day,
)
from bot.services.places.geo import Places, parse_postcode

MAX_TITLE = 120
MAX_TEXT = 1500
MAX_SHORT = 200
DEFAULT_DURATION_MIN = 120
_YES = frozenset({"ja", "yes", "j", "y", "1", "true", "waar", "x"})
_NO = frozenset({"nee", "no", "n", "0", "false", "onwaar", ""})
_FREE = frozenset({"", "gratis", "free", "0", "0,00", "0.00", "€ 0", "€0", "€ 0,00"})
_DATE_NL = re.compile(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})")
# A clock time as people type it: 14:30, 14.30, 14u30, 14:30 uur, 14 uur.
_TIME = re.compile(r"([01]?\d|2[0-3])(?:[:.u]([0-5]\d)\s*(?:uur|u)?|\s*uur)")
_MONTH_NAMES = (
    "januari februari maart april mei juni juli augustus september oktober november december",
    "january february march april may june july august september october november december",
)
# Month names and their abbreviations, Dutch and English ('5 dec 2026', '5 mrt.').
_MONTHS = {
    word: number
    for names in _MONTH_NAMES
    for number, name in enumerate(names.split(), 1)
    for word in (name, name[:3])
} | {"mrt": 3, "sept": 9, "okt": 10}
_DATE_WORDS = re.compile(r"(\d{1,2})\s+([a-z]+\.?)\s+(\d{4})\b")
_WEEKDAY = re.compile(
    r"^(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|ma|di|wo|do|vr|za|zo|mon|tue|wed|thu|"
    r"fri|sat|sun)\b\.?,?\s*"
)
_POSTCODE_IN_TEXT = re.compile(r"\b([1-9]\d{3})\s?[A-Za-z]{2}\b")


class FieldError(ValueError):
    """A value that cannot be used.

    ``msgid`` is an English msgid for the chat (shown translated); ``str()`` is
    what the importer prints, which may say more (a schedule's exact problem).
    """

    def __init__(self, msgid: str, detail: str | None = None) -> None:
        super().__init__(detail or msgid)
        self.msgid = msgid


@dataclass(frozen=True)
class ActivityData:
    """Everything that describes an activity, as the partner or coordinator gave it."""

    external_id: str
    title_nl: str
    organiser: str
    kind: Kind
    place_name: str
    address: str
    lat: float
    lon: float
    schedule: Schedule
    title_en: str = ""
    description_nl: str = ""
    description_en: str = ""
    free: bool = True
    price: str = ""
    wheelchair: bool = False
    hearing_loop: bool = False
    phone: str = ""
    website: str = ""
    audience: Audience = Audience.EVERYONE

    def columns(self) -> dict[str, object]:
        """The database columns of this activity (without id, source and timestamps)."""
        s = self.schedule
        return {
            "external_id": self.external_id,
            "title_nl": self.title_nl,
            "title_en": self.title_en,
            "description_nl": self.description_nl,
            "description_en": self.description_en,
            "organiser": self.organiser,
            "kind": self.kind.value,
            "place_name": self.place_name,
            "address": self.address,
            "lat": self.lat,
            "lon": self.lon,
            "tz": s.tz,
            "start_local": s.start_local,
            "all_day": int(s.all_day),
            "duration_min": s.duration_min,
            "rrule": s.rrule,
            "exdates": " ".join(s.exdates),
            "rdates": " ".join(s.rdates),
            "free": int(self.free),
            "price": self.price,
            "wheelchair": int(self.wheelchair),
            "hearing_loop": int(self.hearing_loop),
            "phone": self.phone,
            "website": self.website,
            "audience": self.audience.value,
        }

    def with_columns(self, **changes: object) -> ActivityData:
        return replace(self, **changes)  # type: ignore[arg-type]


def text(value: str, *, required: bool, limit: int = MAX_SHORT) -> str:
    cleaned = " ".join(value.split()) if limit <= MAX_SHORT else value.strip()
    if required and not cleaned:
        raise FieldError(N_("This cannot be empty."))
    if len(cleaned) > limit:
        raise FieldError(N_("This is too long."))
    return cleaned


def kind(value: str) -> Kind:
    found = parse_kind(value)
    if found is None:
        raise FieldError(N_("This is not a known kind of activity."))
    return found


def audience(value: str) -> Audience:
    """Who it is for; empty means everyone (most activities are)."""
    if not value.strip():
        return Audience.EVERYONE
    found = parse_audience(value)
    if found is None:
        raise FieldError(N_("This is not a known audience."))
    return found


def yes_no(value: str) -> bool:
    word = value.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise FieldError(N_("Please answer yes or no."))


def cost(value: str) -> tuple[bool, str]:
    """(free, price text): empty, 'gratis', 'free' or 0 mean free."""
    cleaned = " ".join(value.split())
    if cleaned.lower() in _FREE:
        return True, ""
    if len(cleaned) > 60:
        raise FieldError(N_("This is too long."))
    return False, cleaned


def phone(value: str) -> str:
    """A phone number Dutch people can dial, in its usual written form; '' for none."""
    cleaned = value.strip()
    if not cleaned:
        return ""
    try:
        number = phonenumbers.parse(cleaned, "NL")
    except phonenumbers.NumberParseException:
        raise FieldError(N_("This is not a phone number.")) from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError(N_("This is not a phone number."))
    form = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 31
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(number, form))


def website(value: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        return ""
    if cleaned.lower().startswith("www."):
        cleaned = "https://" + cleaned
    if not re.fullmatch(r"https?://[^\s<>\"]+\.[^\s<>\"]+", cleaned) or len(cleaned) > MAX_SHORT:
        raise FieldError(N_("This is not a web address."))
    return cleaned


def coordinates(lat: str, lon: str) -> tuple[float, float]:
    try:
        latitude, longitude = float(lat.replace(",", ".")), float(lon.replace(",", "."))
    except ValueError:
        raise FieldError(N_("This is not a place on the map.")) from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise FieldError(N_("This is not a place on the map."))
    return latitude, longitude


def location(value: str, places: Places) -> tuple[float, float]:
    """'52.357, 4.621' (two numbers), or a postcode with a known centre."""
    code = parse_postcode(value)
    if code is not None:
        place = places.postcode(code)
        if place is None:
            raise FieldError(N_("I do not know this postcode."))
        return place.lat, place.lon
    parts = re.split(r"[;\s]+|,\s+", value.strip())
    if len(parts) != 2:
        raise FieldError(N_("This is not a place on the map."))
    return coordinates(parts[0], parts[1])


def postcode_point(address: str, places: Places) -> tuple[float, float] | None:
    """The centre of the first known postcode in an address, when no pin is given."""
    for match in _POSTCODE_IN_TEXT.finditer(address):
        code = parse_postcode(match.group(0))
        place = places.postcode(code) if code else None
        if place is not None:
            return place.lat, place.lon
    return None


def moment(value: str) -> tuple[datetime, bool]:
    """'2026-12-01 10:00', '1-12-2026 14.30 uur' or 'za 5 december 2026 14:30' -> (naive
    local time, True); a date alone -> (midnight, False): an all-day start."""
    cleaned = _WEEKDAY.sub("", value.strip().lower()).strip(" ,")
    try:
        day, time_part = _day(cleaned)
    except ValueError:
        raise FieldError(N_("This is not a date I can read.")) from None
    time_part = time_part.strip(" ,").removeprefix("om ")
    if not time_part:
        return day, False
    hour, minute = clock_time(time_part)
    return day.replace(hour=hour, minute=minute), True


def _day(cleaned: str) -> tuple[datetime, str]:
    """The date at the start of a lower-case text, and the rest (ValueError if none)."""
    written = _DATE_WORDS.match(cleaned)
    if written:
        day, month, year = written.groups()
        number = _MONTHS.get(month.rstrip("."))
        if number is None:
            raise ValueError(month)
        return datetime(int(year), number, int(day)), cleaned[written.end() :]
    date_part, _, time_part = cleaned.replace("t", " ", 1).partition(" ")
    numeric = _DATE_NL.fullmatch(date_part)
    if numeric:
        day, month, year = numeric.groups()
        return datetime(int(year), int(month), int(day)), time_part
    return datetime.strptime(date_part, DATE_FORMAT), time_part


def clock_time(value: str) -> tuple[int, int]:
    """'14:30', '14.30', '14:30 uur', '14u30', '14 uur' -> (14, 30)."""
    match = _TIME.fullmatch(value.strip().lower())
    if match is None:
        raise FieldError(N_("This is not a time I can read."))
    return int(match.group(1)), int(match.group(2) or 0)


def schedule(
    start: str, end: str, rrule: str, exdates: str, tz: str, *, rdates: str = ""
) -> Schedule:
    """A schedule from the CSV/chat form: start, end (a time, a moment or a date), RRULE.

    Exceptions are dates or moments separated by spaces or commas; a bare date
    leaves out the occurrence on that day.
    """
    first, timed = moment(start)
    all_day = not timed
    duration = _duration(first, end.strip(), all_day)
    start_text = first.strftime(DATE_FORMAT if all_day else DATETIME_FORMAT)
    try:
        made = Schedule(
            tz=tz,
            start_local=start_text,
            all_day=all_day,
            duration_min=duration,
            rrule=until_end_of_day(rrule.strip().removeprefix("RRULE:"), all_day) or None,
            exdates=_dates(exdates, first, all_day),
            rdates=_dates(rdates, first, all_day),
        )
        made.check()
    except ScheduleError as error:
        raise FieldError(error.msgid, str(error)) from None
    return made


def _duration(first: datetime, end: str, all_day: bool) -> int:
    if not end:
        return 24 * 60 if all_day else DEFAULT_DURATION_MIN
    if not all_day and _TIME.fullmatch(end.lower()):
        hour, minute = clock_time(end)
        finish = first.replace(hour=hour, minute=minute)
        if finish <= first:
            finish += timedelta(days=1)  # ends after midnight
    else:
        parsed, end_timed = moment(end)
        if end_timed == all_day:
            raise FieldError(N_("The end is not in the same form as the start."))
        # An all-day end date is the last day (inclusive), as people write it.
        finish = parsed + timedelta(days=1) if all_day else parsed
    minutes = int((finish - first).total_seconds() // 60)
    if minutes <= 0:
        raise FieldError(N_("The end is not after the start."))
    return minutes


def _dates(value: str, first: datetime, all_day: bool) -> tuple[str, ...]:
    found: list[str] = []
    for part in re.split(r"[,\s]+(?=\d{1,4}-)", value.strip()) if value.strip() else []:
        parsed, timed = moment(part)
        if all_day:
            found.append(parsed.strftime(DATE_FORMAT))
        else:
            when = parsed if timed else parsed.replace(hour=first.hour, minute=first.minute)
            found.append(when.strftime(DATETIME_FORMAT))
    return tuple(found)


# --------------------------------------------------------------------------- chat edits

# Fields a coordinator can change in chat, by their short key (also in button data).
EDITABLE_FIELDS = (
    "title_nl",
    "title_en",
    "descr_nl",
    "descr_en",
    "kind",
    "audience",
    "organiser",
    "place",
    "address",
    "location",
    "start",
    "end",
    "repeat",
    "cost",
    "wheelchair",
    "hearing_loop",
    "phone",
    "website",
)
REPEATS = ("once", "weekly", "biweekly", "monthly")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_MONTHLY = re.compile(r"FREQ=MONTHLY;BYDAY=(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)")


def blank(tz: str) -> ActivityData:
    """The starting point of a new activity in chat; each answer is applied to it."""
    return ActivityData(
        external_id="",
        title_nl="",
        organiser="",
        kind=Kind.COFFEE,
        place_name="",
        address="",
        lat=0.0,
        lon=0.0,
        schedule=Schedule(tz, "2000-01-01T00:00", False, DEFAULT_DURATION_MIN),
    )


def _rule(repeat: str, start_local: str, all_day: bool) -> str | None:
    if repeat == "once":
        return None
    if repeat == "weekly":
        return "FREQ=WEEKLY"
    if repeat == "biweekly":
        return "FREQ=WEEKLY;INTERVAL=2"
    first = datetime.strptime(start_local[:10], DATE_FORMAT)
    week = (first.day - 1) // 7 + 1
    return f"FREQ=MONTHLY;BYDAY={-1 if week == 5 else week}{_WEEKDAYS[first.weekday()]}"


def repeat_of(schedule: Schedule) -> str | None:
    """Which chat choice a schedule's rule is, or None for a rule from a file."""
    rule = schedule.rrule
    if rule is None:
        return "once"
    if rule in ("FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2"):
        return "weekly" if rule == "FREQ=WEEKLY" else "biweekly"
    return "monthly" if _MONTHLY.fullmatch(rule) else None


def apply(data: ActivityData, name: str, value: str, places: Places) -> ActivityData:
    """``data`` with one field set from a typed answer or a button; FieldError if unusable."""
    s = data.schedule
    if name in ("title_nl", "title_en"):
        column = name
        return data.with_columns(
            **{column: text(value, required=name == "title_nl", limit=MAX_TITLE)}
        )
    if name in ("descr_nl", "descr_en"):
        column = "description_" + name[-2:]
        return data.with_columns(**{column: text(value, required=False, limit=MAX_TEXT)})
    if name in ("organiser", "place"):
        column = "place_name" if name == "place" else name
        return data.with_columns(**{column: text(value, required=True)})
    if name == "address":
        return data.with_columns(address=text(value, required=False))
    if name == "kind":
        return data.with_columns(kind=kind(value))
    if name == "audience":
        return data.with_columns(audience=audience(value))
    if name == "location":
        lat, lon = location(value, places)
        return data.with_columns(lat=lat, lon=lon)
    if name in ("wheelchair", "hearing_loop"):
        return data.with_columns(**{name: yes_no(value)})
    if name == "cost":
        free, price = cost(value)
        return data.with_columns(free=free, price=price)
    if name == "phone":
        return data.with_columns(phone=phone(value))
    if name == "website":
        return data.with_columns(website=website(value))
    if name == "start":
        first, timed = moment(value)
        all_day = not timed
        start_local = first.strftime(DATE_FORMAT if all_day else DATETIME_FORMAT)
        duration = (
            s.duration_min
            if all_day == s.all_day
            else (24 * 60 if all_day else DEFAULT_DURATION_MIN)
        )
        repeat = repeat_of(s)
        rule = _rule(repeat, start_local, all_day) if repeat else s.rrule
        return _with_schedule(
            data,
            replace(
                s,
                start_local=start_local,
                all_day=all_day,
                duration_min=duration,
                rrule=rule,
                exdates=(),
                rdates=(),
            ),
        )
    if name == "end":
        first, _timed = moment(s.start_local)
        return _with_schedule(
            data, replace(s, duration_min=_duration(first, value.strip(), s.all_day))
        )
    if name == "repeat":
        if value not in REPEATS:
            raise FieldError(N_("Please choose one of the buttons."))
        return _with_schedule(data, replace(s, rrule=_rule(value, s.start_local, s.all_day)))
    raise FieldError(N_("Please choose one of the buttons."))


def _with_schedule(data: ActivityData, schedule: Schedule) -> ActivityData:
    try:
        schedule.check()
    except ScheduleError as error:
        raise FieldError(error.msgid, str(error)) from None
    return data.with_columns(schedule=schedule)
