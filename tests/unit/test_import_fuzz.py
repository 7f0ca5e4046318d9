"""No input ends in a traceback: generated and malformed CSV and iCalendar files.

Every file, however broken, must end in activities that can be expanded and a
list of problems, never an exception. The two crashes partners' calendars
caused (several DTSTART values; date-valued occurrences in a timed series) have
their own regression tests.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.activities.imports import ReadResult, read_csv, read_file, read_ics
from bot.services.places.geo import Places

PLACES = Places.load()
ZONE = "Europe/Amsterdam"
WINDOW = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC))
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def _expands(result: ReadResult) -> None:
    """What was read can be stored: every schedule expands without an exception."""
    for activity in result.activities:
        activity.schedule.occurrences(*WINDOW)
    assert all(isinstance(e, str) and e for e in result.errors)


def _calendar(*events: str) -> str:
    body = "".join(f"BEGIN:VEVENT\r\n{e}END:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n{body}END:VCALENDAR\r\n"


COMPLETE = (
    "UID:koffie-1\r\nSUMMARY:Koffie\r\nCATEGORIES:coffee\r\n"
    "LOCATION:Bibliotheek\\, Julianaplein 1\\, 2101 EA Heemstede\r\n"
    "ORGANIZER;CN=WIJ:mailto:wij@example.org\r\n"
)


def test_an_event_with_several_dtstart_values_is_a_problem_not_a_crash() -> None:
    content = _calendar(
        COMPLETE + "DTSTART:20261201T100000Z\r\nDTSTART:20261208T100000Z\r\n",
        COMPLETE.replace("koffie-1", "koffie-2") + "DTSTART:20261201T100000Z\r\n",
    )
    result = read_ics(content, PLACES, ZONE)
    assert [a.external_id for a in result.activities] == ["koffie-2"]
    assert result.errors == ["UID koffie-1 (line 5): DTSTART: given 2 times; an event has one"]


def test_date_valued_occurrences_in_a_timed_series_mean_that_day_at_its_time() -> None:
    series = (
        COMPLETE + "DTSTART;TZID=Europe/Amsterdam:20261201T100000\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=4\r\nEXDATE;VALUE=DATE:20261208\r\n"
        "RDATE;VALUE=DATE:20261226\r\n"
    )
    moved = (
        "UID:koffie-1\r\nRECURRENCE-ID;VALUE=DATE:20261215\r\n"
        "DTSTART;VALUE=DATE:20261216\r\nSUMMARY:Koffie\r\n"
    )
    result = read_ics(_calendar(series, moved), PLACES, ZONE)
    assert result.errors == []
    (activity,) = result.activities
    days = [b.strftime("%d %H:%M") for b, _ in activity.schedule.occurrences(*WINDOW)]
    # 10:00 in Amsterdam is 09:00 UTC; 8 Dec left out, 15 Dec moved to 16 Dec, 26 Dec added.
    assert days == ["01 09:00", "16 09:00", "22 09:00", "26 09:00"]


# --------------------------------------------------------------------------- iCalendar fuzz

_MOMENTS = st.sampled_from(
    [
        "20261201T100000Z",
        "20261201T100000",
        "20261201",
        ";VALUE=DATE:20261201",
        ";TZID=Europe/Amsterdam:20261201T100000",
        ";TZID=Mars/Olympus:20261201T100000",
        ";VALUE=PERIOD:20261201T100000Z/PT1H",
        "20261301T250000",
        "",
        "yesterday",
    ]
)
_VALUES = {
    "UID": st.sampled_from(["a", "b", "with space", ""]),
    "DTSTART": _MOMENTS,
    "DTEND": _MOMENTS,
    "DURATION": st.sampled_from(["PT1H", "P1D", "-PT1H", "PT0S", "soon"]),
    "RECURRENCE-ID": _MOMENTS,
    "EXDATE": _MOMENTS,
    "RDATE": _MOMENTS,
    "RRULE": st.sampled_from(
        [
            "FREQ=WEEKLY",
            "FREQ=DAILY;COUNT=3",
            "FREQ=HOURLY",
            "FREQ=WEEKLY;UNTIL=20270101T000000Z",
            "FREQ=MONTHLY;BYDAY=XX",
            "FREQ=YEARLY;UNTIL=20261201",
            "nonsense",
        ]
    ),
    "SUMMARY": st.text(max_size=30),
    "CATEGORIES": st.sampled_from(["coffee", "sport,walk", "unknown", ""]),
    "LOCATION": st.sampled_from(["Bibliotheek\\, Julianaplein 1\\, 2101 EA Heemstede", "", ","]),
    "GEO": st.sampled_from(["52.35;4.62", "north", "52.35", "999;999"]),
    "ORGANIZER": st.sampled_from(["mailto:a@example.org", ";CN=WIJ:mailto:x", ""]),
    "STATUS": st.sampled_from(["CONFIRMED", "CANCELLED"]),
    "URL": st.sampled_from(["https://example.org", "not a url"]),
    "X-SAMEN-PHONE": st.sampled_from(["023 123 45 67", "12"]),
    "X-SAMEN-COST": st.sampled_from(["gratis", "€ 2,50", "???"]),
    "X-SAMEN-WHEELCHAIR": st.sampled_from(["yes", "maybe"]),
}


@st.composite
def _event(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(sorted(_VALUES)), max_size=14))
    lines = []
    for name in names:
        value = draw(_VALUES[name])
        separator = "" if value.startswith(";") else ":"
        lines.append(f"{name}{separator}{value}".replace("\n", " ").replace("\r", " ") + "\r\n")
    return "".join(lines)


@FUZZ
@given(st.lists(_event(), max_size=4))
def test_generated_calendars_end_in_activities_or_problems(events: list[str]) -> None:
    _expands(read_ics(_calendar(*events), PLACES, ZONE))


@FUZZ
@given(st.text(max_size=200))
def test_random_text_is_refused_as_a_calendar_with_a_reason(text: str) -> None:
    _expands(read_ics(text, PLACES, ZONE))
    _expands(read_ics(_calendar(text + "\r\n"), PLACES, ZONE))


# --------------------------------------------------------------------------- CSV fuzz

_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "a",
            "coffee",
            "2026-12-01 10:00",
            "1-12-2026",
            "11:30",
            "FREQ=WEEKLY",
            "52.35",
            "4.62",
            "2101 EA",
            "gratis",
            "ja",
            "023 123 45 67",
            "https://example.org",
            '"',
        ]
    ),
    st.text(max_size=12),
)
_HEADER = "id,title_nl,organiser,kind,place,address,lat,lon,start,end,rrule,exdates,cost"


@FUZZ
@given(st.lists(st.lists(_CELLS, min_size=0, max_size=15), max_size=6), st.booleans())
def test_generated_csv_files_end_in_activities_or_problems(
    rows: list[list[str]], with_header: bool
) -> None:
    lines = [_HEADER] if with_header else []
    lines += [",".join(row) for row in rows]
    _expands(read_csv("\n".join(lines) + "\n", PLACES, ZONE))


@FUZZ
@given(st.text(max_size=300))
def test_random_text_as_csv_ends_in_problems(text: str) -> None:
    _expands(read_csv(text, PLACES, ZONE))
    _expands(read_csv(_HEADER + "\n" + text, PLACES, ZONE))


@FUZZ
@given(st.binary(max_size=200), st.sampled_from([".csv", ".ics", ".txt", ""]))
def test_any_bytes_in_any_file_end_in_problems(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"agenda{suffix}"
        path.write_bytes(content)
        _expands(read_file(path, PLACES, ZONE))
