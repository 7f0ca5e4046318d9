"""Activities: postcodes, distances, recurrence across DST, import, search, reminders."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel import Locale

from bot.activity_cli import import_file
from bot.db import Database
from bot.i18n import Catalogs
from bot.services import Services
from bot.services.activities.catalog import DAY_AS_M, Activities, SearchQuery, When, rank
from bot.services.activities.fields import FieldError, apply, blank, repeat_of
from bot.services.activities.imports import read_csv, read_ics
from bot.services.activities.kinds import Audience, Kind
from bot.services.activities.reminders import Added, reminder_moment
from bot.services.activities.schedule import Schedule
from bot.services.care.schedule import CheckinPolicy
from bot.services.outbox import OutMessage
from bot.services.places.geo import (
    POSTCODE_LIKE,
    Places,
    distance_m,
    format_distance,
    parse_postcode,
)
from bot.services.residents import Status
from tests.conftest import FakeClock

AMS = ZoneInfo("Europe/Amsterdam")
DATA = Path(__file__).resolve().parents[2] / "data"
PLACES = Places.load()
HEADER = "id,title_nl,organiser,kind,place,address,lat,lon,start,end,rrule,exdates,cost\n"
LIBRARY = (52.3574, 4.6222)


def csv_row(
    ident: str,
    *,
    kind: str = "coffee",
    lat: float = LIBRARY[0],
    lon: float = LIBRARY[1],
    start: str = "2026-12-01 10:00",
    rrule: str = "",
    cost: str = "gratis",
    title: str | None = None,
) -> str:
    return (
        f"{ident},{title or 'Activiteit ' + ident},WIJ Heemstede,{kind},Bibliotheek,"
        f'"Julianaplein 1, 2101 EA Heemstede",{lat},{lon},{start},11:30,{rrule},,{cost}\n'
    )


# --------------------------------------------------------------------------- postcodes, distance


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2101", "2101"),
        ("2101 AB", "2101 AB"),
        ("2101ab", "2101 AB"),
        ("  2101  ab ", "2101 AB"),
        ("21O1", "2101"),  # a letter O for a zero
        ("21o1 ab", "2101 AB"),
        ("2OO1", "2001"),
    ],
)
def test_postcode_forms(typed: str, expected: str) -> None:
    code = parse_postcode(typed)
    assert code is not None and str(code) == expected
    assert POSTCODE_LIKE.match(typed)


@pytest.mark.parametrize(
    "typed", ["210", "21011", "0101", "O101", "2101 A", "2101 SS", "abcd", "2101-AB", "oooo"]
)
def test_not_postcodes(typed: str) -> None:
    assert parse_postcode(typed) is None


def test_unknown_postcode_and_neighbourhoods_come_from_data() -> None:
    code = parse_postcode("9999")
    assert code is not None and PLACES.postcode(code) is None
    keys = [place.key for place in PLACES.neighbourhoods]
    assert keys[0] == "centrum" and "geleerdenwijk" in keys
    assert PLACES.postcode_places[0] == "Heemstede"


def test_distance_and_formatting() -> None:
    # One degree of latitude is 111.2 km anywhere; Heemstede to Haarlem station ~2.9 km.
    assert distance_m(52.0, 4.6, 53.0, 4.6) == pytest.approx(111_195, rel=1e-3)
    assert distance_m(*LIBRARY, 52.3874, 4.6385) == pytest.approx(3_530, rel=0.02)
    nl, en = Locale.parse("nl"), Locale.parse("en")
    assert format_distance(347, nl) == "350 m"
    assert format_distance(12, nl) == "50 m"
    assert format_distance(1_234, nl) == "1,2 km"
    assert format_distance(1_234, en) == "1.2 km"
    assert format_distance(14_480, en) == "14 km"


# --------------------------------------------------------------------------- recurrence


@pytest.mark.parametrize(
    ("first", "changes"),
    [
        # Both DST changes of 2026 (29 March, 25 October) and of 2027 (28 March, 31 October).
        ("2026-03-03T10:00", ("2026-03-29", "2026-10-25")),
        ("2027-03-02T10:00", ("2027-03-28", "2027-10-31")),
    ],
)
def test_weekly_tuesday_stays_ten_across_dst(first: str, changes: tuple[str, str]) -> None:
    schedule = Schedule("Europe/Amsterdam", first, False, 90, "FREQ=WEEKLY;BYDAY=TU")
    start = datetime.fromisoformat(first).replace(tzinfo=AMS)
    found = schedule.occurrences(start, start + timedelta(days=300))
    assert len(found) == 43
    for begin, end in found:
        local = begin.astimezone(AMS)
        assert (local.weekday(), local.hour, local.minute) == (1, 10, 0)
        assert end - begin == timedelta(minutes=90)
    spring, autumn = (datetime.fromisoformat(day).replace(tzinfo=UTC) for day in changes)
    assert {b.hour for b, _ in found if b < spring} == {9}  # winter: UTC+1
    assert {b.hour for b, _ in found if spring < b < autumn} == {8}  # summer: UTC+2
    assert {b.hour for b, _ in found if b > autumn} == {9}


def test_exceptions_all_day_and_one_off() -> None:
    weekly = Schedule(
        "Europe/Amsterdam", "2026-12-01T10:00", False, 60, "FREQ=WEEKLY", ("2026-12-08T10:00",)
    )
    window = (datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 20, tzinfo=UTC))
    assert [b.day for b, _ in weekly.occurrences(*window)] == [1, 15]
    all_day = Schedule("Europe/Amsterdam", "2026-12-05", True, 1440)
    ((begin, end),) = all_day.occurrences(*window)
    assert begin == datetime(2026, 12, 4, 23, 0, tzinfo=UTC) and end - begin == timedelta(days=1)
    one_off = Schedule("Europe/Amsterdam", "2026-12-24T19:00", False, 120)
    assert one_off.occurrences(*window) == []
    assert one_off.first_start == datetime(2026, 12, 24, 18, 0, tzinfo=UTC)


def test_chat_repeat_choices_and_start_change() -> None:
    data = apply(blank("Europe/Amsterdam"), "start", "1-12-2026 10:00", PLACES)
    data = apply(data, "repeat", "monthly", PLACES)
    assert data.schedule.rrule == "FREQ=MONTHLY;BYDAY=1TU"
    moved = apply(data, "start", "16-12-2026 14:00", PLACES)
    assert moved.schedule.rrule == "FREQ=MONTHLY;BYDAY=3WE"
    assert repeat_of(moved.schedule) == "monthly"
    assert apply(moved, "end", "15:30", PLACES).schedule.duration_min == 90
    with pytest.raises(FieldError):
        apply(moved, "end", "13:00 extra", PLACES)
    with pytest.raises(FieldError):
        apply(moved, "repeat", "daily", PLACES)
    with pytest.raises(FieldError):
        apply(moved, "phone", "12345", PLACES)


def test_schedule_problems_reach_the_chat_translated() -> None:
    """A schedule the chat cannot use is explained in the coordinator's language;
    the importer keeps printing the detailed English problem."""
    data = apply(blank("Europe/Amsterdam"), "start", "1-12-2026 10:00", PLACES)
    until = dataclasses.replace(data.schedule, rrule="FREQ=WEEKLY;BYDAY=XX")
    with pytest.raises(FieldError) as raised:
        apply(data.with_columns(schedule=until), "start", "2-12-2026 10:00", PLACES)
    assert raised.value.msgid == "This repeat rule is not valid."
    assert str(raised.value).startswith("the RRULE is not valid (")
    nl = Catalogs.load(AMS).get("nl")
    assert nl._(raised.value.msgid) == "Deze herhaling klopt niet."


# --------------------------------------------------------------------------- reading files


def test_example_files_are_complete() -> None:
    csv_result = read_csv((DATA / "example_activities.csv").read_text(), PLACES, "Europe/Amsterdam")
    ics_result = read_ics((DATA / "example_activities.ics").read_text(), PLACES, "Europe/Amsterdam")
    assert csv_result.errors == [] and ics_result.errors == []
    activities = csv_result.activities + ics_result.activities
    assert len(activities) >= 30
    assert {a.kind for a in activities} == set(Kind)
    # Escaped commas in X- properties come out as commas.
    assert "€ 7,50" in {a.price for a in ics_result.activities}
    assert "VOORBEELDGEGEVENS" in (DATA / "example_activities.csv").read_text()
    # Where it is obvious, the examples say who they are for.
    audience = {a.external_id.split("@")[0]: a.audience for a in activities}
    assert audience["jong-gamen"] is audience["jong-sport"] is Audience.YOUTH
    assert audience["muziek-koor"] is Audience.SENIORS
    assert audience["wij-koffie-di"] is Audience.EVERYONE
    assert "EXAMPLE DATA" in (DATA / "example_activities.ics").read_text()


def test_broken_csv_reports_every_line() -> None:
    content = (
        "# a note\n"
        + HEADER
        + csv_row("a")
        + csv_row("b", kind="knitting")
        + csv_row("c", start="2026-13-01 10:00")
        + csv_row("a")
        + csv_row("d", rrule="FREQ=HOURLY")
        + 'e,,WIJ,coffee,Plek,"geen postcode",,,2026-12-01 10:00,,,,\n'
    )
    result = read_csv(content, PLACES, "Europe/Amsterdam")
    assert result.errors == [
        "line 4: kind: This is not a known kind of activity.",
        "line 5: start/end/rrule/exdates: This is not a date I can read.",
        "line 6: id 'a' was already used on line 3",
        "line 7: start/end/rrule/exdates: a recurrence more often than once a day is not supported",
        "line 8: lat/lon: missing, and the address has no known postcode;"
        " title_nl: This cannot be empty.",
    ]
    missing = read_csv("id,title_nl\n", PLACES, "Europe/Amsterdam")
    assert missing.errors == ["line 1: missing column(s) organiser, kind, place, start"]


def test_ics_recurrence_exceptions_moves_and_errors() -> None:
    result = read_ics((DATA / "example_activities.ics").read_text(), PLACES, "Europe/Amsterdam")
    bridge = next(a for a in result.activities if a.external_id.startswith("spel-bridge"))
    spans = bridge.schedule.occurrences(
        datetime(2026, 12, 20, tzinfo=UTC), datetime(2027, 1, 13, tzinfo=UTC)
    )
    days = [b.astimezone(AMS).strftime("%a %d %b %H:%M") for b, _ in spans]
    # 28 Dec left out (EXDATE); 4 Jan moved to Tuesday 5 Jan (RECURRENCE-ID).
    assert days == ["Mon 21 Dec 13:30", "Tue 05 Jan 13:30", "Mon 11 Jan 13:30"]
    all_day = next(a for a in result.activities if a.schedule.all_day)
    assert all_day.schedule.start_local == "2026-12-03"

    broken = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n"
        "BEGIN:VEVENT\r\nUID:one\r\nDTSTART:20261201T100000Z\r\nSUMMARY:Koffie\r\n"
        "CATEGORIES:coffee\r\nORGANIZER;CN=WIJ:mailto:a@example.org\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:two\r\nDTSTART;VALUE=DATE:20261201\r\nSUMMARY:Sport\r\n"
        "CATEGORIES:sport\r\nLOCATION:Sporthal\\, Sportparklaan 16\\, 2103 VR Heemstede\r\n"
        "X-SAMEN-ORGANISER:Sportsupport\r\nRRULE:FREQ=WEEKLY;BYDAY=XX\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nDTSTART:20261201T100000Z\r\nSUMMARY:No uid\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    errors = read_ics(broken, PLACES, "Europe/Amsterdam").errors
    assert errors == [
        "event at line 20: no UID",
        "UID one (line 5): LOCATION: missing",
        "UID two (line 12): RRULE: Expected weekday abbreviation, got: XX",
    ]
    assert (
        read_ics("not a calendar", PLACES, "UTC")
        .errors[0]
        .startswith("the file is not a valid iCalendar file")
    )


# --------------------------------------------------------------------------- import and search


@pytest.fixture
def activities(db: Database, clock: FakeClock) -> Activities:
    return Activities(db, clock, PLACES, AMS)


async def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


async def test_import_adds_updates_hides_and_refuses_broken_files(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    path = await write(tmp_path, "wij.csv", HEADER + csv_row("a") + csv_row("b") + csv_row("c"))
    first = await import_file(db, path, "wij.csv", "Europe/Amsterdam", clock)
    assert (first.added, first.updated, first.unchanged, first.hidden) == (3, 0, 0, 0)
    again = await import_file(db, path, "wij.csv", "Europe/Amsterdam", clock)
    assert (again.added, again.updated, again.unchanged, again.hidden) == (0, 0, 3, 0)

    # b changes, c is gone, d is new: in place, no duplicates, c hidden.
    path.write_text(HEADER + csv_row("a") + csv_row("b", title="Nieuw") + csv_row("d"))
    changed = await import_file(db, path, "wij.csv", "Europe/Amsterdam", clock)
    assert (changed.added, changed.updated, changed.unchanged, changed.hidden) == (1, 1, 1, 1)
    rows = await db.fetchall(
        "SELECT external_id, title_nl, hidden_by FROM activities ORDER BY external_id"
    )
    assert [tuple(r) for r in rows] == [
        ("a", "Activiteit a", None),
        ("b", "Nieuw", None),
        ("c", "Activiteit c", "source"),
        ("d", "Activiteit d", None),
    ]
    # Another source never hides this one's activities.
    other = await write(tmp_path, "bieb.csv", HEADER + csv_row("a"))
    assert (await import_file(db, other, "bieb.csv", "Europe/Amsterdam", clock)).added == 1
    assert (await db.fetchone("SELECT count(*) FROM activities WHERE hidden_by IS NULL"))[0] == 4

    # Strict: a broken file imports nothing, not even its good rows.
    path.write_text(HEADER + csv_row("a") + csv_row("c") + csv_row("e", kind="?"))
    broken = await import_file(db, path, "wij.csv", "Europe/Amsterdam", clock, strict=True)
    assert broken.errors == ["line 4: kind: This is not a known kind of activity."]
    assert (broken.added, broken.updated, broken.hidden) == (0, 0, 0)
    assert (await db.fetchone("SELECT hidden_by FROM activities WHERE external_id = 'c'"))[
        0
    ] == "source"
    changes = await db.fetchall("SELECT action, count(*) FROM activity_changes GROUP BY action")
    assert dict((r[0], r[1]) for r in changes) == {
        "import-add": 5,
        "import-update": 1,
        "import-hide": 1,
    }


async def test_reimport_keeps_a_coordinators_hide(
    db: Database, clock: FakeClock, tmp_path: Path, activities: Activities
) -> None:
    path = await write(tmp_path, "wij.csv", HEADER + csv_row("a"))
    await import_file(db, path, "wij.csv", "Europe/Amsterdam", clock)
    (activity_id,) = await db.fetchone("SELECT id FROM activities")
    await activities.set_hidden(activity_id, True, by=900)
    path.write_text(HEADER + csv_row("a", title="Anders"))
    report = await import_file(db, path, "wij.csv", "Europe/Amsterdam", clock)
    assert report.updated == 1
    row = await db.fetchone("SELECT title_nl, hidden_by FROM activities")
    assert tuple(row) == ("Anders", "coordinator")
    assert (await db.fetchone("SELECT count(*) FROM activity_occurrences"))[0] == 0


async def seed(db: Database, clock: FakeClock, tmp_path: Path, rows: str) -> None:
    path = await write(tmp_path, "seed.csv", HEADER + rows)
    report = await import_file(db, path, "seed.csv", "Europe/Amsterdam", clock)
    assert report.errors == []


async def test_search_order_filters_and_paging(
    db: Database, clock: FakeClock, tmp_path: Path, activities: Activities
) -> None:
    # clock: Saturday 28 November 2026, 15:30 in Heemstede.
    rows = "".join(
        csv_row(f"n{i}", lat=LIBRARY[0] + i * 0.001, start="2026-12-10 10:00") for i in range(12)
    )
    rows += csv_row("today", kind="music", lat=52.35, start="2026-11-28 19:00", cost="€ 5")
    rows += csv_row("week", kind="music", lat=52.351, start="2026-12-04 19:00")
    rows += csv_row("far", kind="sport", lat=52.30, lon=4.55, start="2026-12-02 10:00")
    rows += csv_row("past", kind="sport", start="2026-11-28 10:00")
    await seed(db, clock, tmp_path, rows)

    first = await activities.search(SearchQuery(*LIBRARY, kind=Kind.COFFEE))
    assert [h.title_nl for h in first.hits] == [f"Activiteit n{i}" for i in range(5)]
    assert first.has_next
    assert [h.distance_m for h in first.hits] == sorted(h.distance_m for h in first.hits)
    third = await activities.search(SearchQuery(*LIBRARY, kind=Kind.COFFEE, page=2))
    assert [h.title_nl for h in third.hits] == ["Activiteit n10", "Activiteit n11"]
    assert not third.has_next

    music = SearchQuery(*LIBRARY, kind=Kind.MUSIC)
    assert [h.title_nl for h in (await activities.search(music)).hits] == [
        "Activiteit today",  # 820 m, tonight: soon and nearby comes first
        "Activiteit week",  # 700 m, but only next Friday
    ]
    today = await activities.search(dataclasses.replace(music, when=When.TODAY))
    assert [h.title_nl for h in today.hits] == ["Activiteit today"]
    free = await activities.search(dataclasses.replace(music, free_only=True))
    assert [h.title_nl for h in free.hits] == ["Activiteit week"]
    # "This week" ends on Sunday: on Saturday 28 November, Friday 4 December is next week.
    week = await activities.search(dataclasses.replace(music, when=When.WEEK))
    assert [h.title_nl for h in week.hits] == ["Activiteit today"]
    saturday = clock.now
    clock.now = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)  # Sunday 23:30 in Heemstede
    assert (await activities.search(dataclasses.replace(music, when=When.WEEK))).hits == []
    clock.now = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday: the whole week ahead
    week = await activities.search(dataclasses.replace(music, when=When.WEEK))
    assert [h.title_nl for h in week.hits] == ["Activiteit week"]
    clock.now = saturday

    # Far away (about 8 km) is still found when nothing is closer; the past is not.
    sport = await activities.search(SearchQuery(*LIBRARY, kind=Kind.SPORT))
    assert [h.title_nl for h in sport.hits] == ["Activiteit far"]
    assert 7_500 < sport.hits[0].distance_m < 8_500


def test_rank_mixes_distance_and_wait() -> None:
    assert rank(800, timedelta(0)) == 800
    assert rank(800, timedelta(hours=-3)) == 800  # all day, begun this morning: no wait
    assert rank(0, timedelta(days=2)) == pytest.approx(2 * DAY_AS_M)
    # 300 m away in two days weighs about as much as 1 km away tonight.
    assert rank(300, timedelta(days=2)) == pytest.approx(1044, abs=1)
    assert rank(1500, timedelta(days=1)) >= 1500  # never less than the distance


def audience_row(ident: str, audience: str, **kwargs: Any) -> str:
    return csv_row(ident, **kwargs).rstrip("\n") + f",{audience}\n"


AUDIENCE_HEADER = HEADER.rstrip("\n") + ",audience\n"


async def test_search_soonest_nearby_and_young_people_only_on_request(
    db: Database, clock: FakeClock, tmp_path: Path, activities: Activities
) -> None:
    # clock: Saturday 28 November 2026, 15:30 in Heemstede.
    rows = (
        audience_row("games", "youth", lat=LIBRARY[0] + 0.001, start="2026-11-28 19:00")
        + audience_row("next-month", "", start="2026-12-24 10:00")  # here, in four weeks
        + audience_row("tonight", "ouderen", lat=LIBRARY[0] + 0.012, start="2026-11-28 19:30")
        + audience_row("monday", "iedereen", lat=LIBRARY[0] + 0.004, start="2026-11-30 10:00")
    )
    path = await write(tmp_path, "seed.csv", AUDIENCE_HEADER + rows)
    assert (await import_file(db, path, "seed.csv", "Europe/Amsterdam", clock)).errors == []

    resident = await activities.search(SearchQuery(*LIBRARY))
    assert [h.title_nl for h in resident.hits] == [
        "Activiteit monday",  # 450 m, the day after tomorrow
        "Activiteit tonight",  # 1.3 km, tonight
        "Activiteit next-month",  # right here, but in four weeks
    ]
    assert resident.hits[1].audience is Audience.SENIORS
    everyone = await activities.search(SearchQuery(*LIBRARY, all_ages=True))
    assert everyone.hits[0].title_nl == "Activiteit games"
    assert everyone.hits[0].audience is Audience.YOUTH
    assert len(everyone.hits) == 4


def test_audience_in_files_and_chat() -> None:
    content = (
        AUDIENCE_HEADER
        + audience_row("a", "Jongeren")
        + audience_row("b", "")
        + audience_row("c", "kids?")
    )
    result = read_csv(content, PLACES, "Europe/Amsterdam")
    assert result.errors == ["line 4: audience: This is not a known audience."]
    assert [a.audience for a in result.activities] == [Audience.YOUTH, Audience.EVERYONE]
    assert read_csv(HEADER + csv_row("old"), PLACES, "UTC").activities[0].audience is (
        Audience.EVERYONE
    )  # files without the column still import

    def event(uid: str, extra: str) -> str:
        return (
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:20261201T100000Z\r\nSUMMARY:Koffie\r\n"
            "ORGANIZER;CN=WIJ:mailto:a@example.org\r\nGEO:52.3574;4.6222\r\n"
            f"LOCATION:Bibliotheek\r\n{extra}END:VEVENT\r\n"
        )

    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n"
        + event("x", "CATEGORIES:coffee\r\nX-SAMEN-AUDIENCE:seniors\r\n")
        + event("cat", "CATEGORIES:coffee,gezinnen\r\n")
        + event("none", "CATEGORIES:coffee,buurt\r\n")
        + "END:VCALENDAR\r\n"
    )
    read = read_ics(calendar, PLACES, "Europe/Amsterdam")
    assert read.errors == []
    assert [a.audience for a in read.activities] == [
        Audience.SENIORS,
        Audience.FAMILIES,
        Audience.EVERYONE,
    ]
    wrong = calendar.replace("X-SAMEN-AUDIENCE:seniors", "X-SAMEN-AUDIENCE:kids?")
    assert read_ics(wrong, PLACES, "UTC").errors == [
        "UID x (line 5): X-SAMEN-AUDIENCE: This is not a known audience."
    ]

    data = blank("Europe/Amsterdam")
    assert apply(data, "audience", "families", PLACES).audience is Audience.FAMILIES
    with pytest.raises(FieldError):
        apply(data, "audience", "everybody else", PLACES)


async def test_refresh_moves_the_window_and_skips_hidden(
    db: Database, clock: FakeClock, tmp_path: Path, activities: Activities
) -> None:
    await seed(db, clock, tmp_path, csv_row("w", start="2026-11-03 10:00", rrule="FREQ=WEEKLY"))
    count = "SELECT count(*) FROM activity_occurrences"
    assert (await db.fetchone(count))[0] == 8  # 1 Dec .. 19 Jan: eight Tuesdays
    clock.advance(days=70)
    assert await activities.refresh() == 8
    first = await db.fetchone("SELECT min(starts_at) FROM activity_occurrences")
    assert first[0] == "2027-02-09T09:00:00Z"
    (activity_id,) = await db.fetchone("SELECT id FROM activities")
    await activities.set_hidden(activity_id, True, by=900)
    assert await activities.refresh() == 0


async def test_refresh_keeps_an_edit_made_while_it_expanded(
    db: Database,
    clock: FakeClock,
    tmp_path: Path,
    activities: Activities,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The expansion runs outside the transaction; a coordinator's change in between wins."""
    await seed(db, clock, tmp_path, csv_row("w", start="2026-12-01 10:00", rrule="FREQ=WEEKLY"))
    (activity_id,) = await db.fetchone("SELECT id FROM activities")
    activity = await activities.get(activity_id)
    assert activity is not None
    moved = apply(activity.data, "start", "2-12-2026 14:00", PLACES)
    real_to_thread = asyncio.to_thread

    async def edit_meanwhile(func: Any, /, *args: Any) -> Any:
        expanded = await real_to_thread(func, *args)
        await activities.update(activity_id, moved, by=900, what="start")  # same second
        return expanded

    monkeypatch.setattr(asyncio, "to_thread", edit_meanwhile)
    await activities.refresh()
    starts = await db.fetchall(
        "SELECT starts_at FROM activity_occurrences WHERE activity_id = ? ORDER BY starts_at",
        (activity_id,),
    )
    assert [r[0] for r in starts][:2] == ["2026-12-02T13:00:00Z", "2026-12-09T13:00:00Z"]
    monkeypatch.undo()
    assert await activities.refresh() == len(starts)  # the next refresh agrees


# --------------------------------------------------------------------------- reminders


@pytest.fixture
async def town(db: Database, clock: FakeClock, tmp_path: Path) -> Services:
    catalogs = Catalogs.load(AMS, clock)
    services = Services.create(db, clock, catalogs)
    await seed(
        db,
        clock,
        tmp_path,
        csv_row("w", start="2026-12-01 10:00", rrule="FREQ=WEEKLY", title="Koffieochtend"),
    )
    await services.residents.give_consent(700, "Anna", "nl")
    return services


async def outbox_texts(db: Database) -> list[str]:
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'reminder' ORDER BY id")
    return [OutMessage.from_json(r[0]).text for r in rows]


TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEAD = timedelta(hours=2)


async def test_reminder_fires_once_at_its_time(
    town: Services, db: Database, clock: FakeClock
) -> None:
    (activity_id,) = await db.fetchone("SELECT id FROM activities")
    outcome, remind_at = await town.reminders.add(700, activity_id, TUESDAY, LEAD)
    assert (outcome, remind_at) == (Added.ADDED, TUESDAY - LEAD)
    assert (await town.reminders.add(700, activity_id, TUESDAY, LEAD))[0] is Added.ALREADY
    assert await town.reminders.send_due() == 0
    clock.now = TUESDAY - LEAD - timedelta(minutes=1)
    assert await town.reminders.send_due() == 0
    clock.now = TUESDAY - LEAD
    assert await town.reminders.send_due() == 1
    # A second tick, or a tick after a restart (a new service on the same file), sends nothing.
    assert await town.reminders.send_due() == 0
    again = Services.create(db, clock, Catalogs.load(AMS, clock))
    assert await again.reminders.send_due() == 0
    (text,) = await outbox_texts(db)
    assert "Koffieochtend" in text and "vandaag om 10:00" in text  # 2 hours ahead
    assert "Herinnering" in text


async def test_reminder_cancel_too_late_gone_and_stopped(
    town: Services, db: Database, clock: FakeClock
) -> None:
    (activity_id,) = await db.fetchone("SELECT id FROM activities")
    await town.reminders.add(700, activity_id, TUESDAY, LEAD)
    (reminder,) = await town.reminders.pending(700)
    assert await town.reminders.cancel(701, reminder.id) is None  # not someone else's
    assert (await town.reminders.cancel(700, reminder.id)) is not None
    assert await town.reminders.pending(700) == []
    clock.now = TUESDAY
    assert await town.reminders.send_due() == 0

    clock.now = TUESDAY + timedelta(days=7) - timedelta(hours=1)
    next_week = TUESDAY + timedelta(days=7)
    assert (await town.reminders.add(700, activity_id, next_week, LEAD))[0] is Added.TOO_LATE
    not_planned = next_week + timedelta(hours=1)
    assert (await town.reminders.add(700, activity_id, not_planned, LEAD))[0] is Added.GONE

    # Re-adding a cancelled reminder works; a resident who stopped messages is skipped.
    clock.now = TUESDAY + timedelta(days=10)
    later = TUESDAY + timedelta(days=14)
    assert (await town.reminders.add(700, activity_id, later, LEAD))[0] is Added.ADDED
    await town.residents.set_status(700, Status.STOPPED)
    clock.now = later
    assert await town.reminders.send_due() == 0
    status = await db.fetchone(
        "SELECT status FROM activity_reminders WHERE starts_at = ?", ("2026-12-15T09:00:00Z",)
    )
    assert status[0] == "skipped"
    assert await outbox_texts(db) == []


async def test_a_reminder_cancelled_just_before_the_tick_is_not_sent(
    town: Services, db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person cancels while the tick is about to queue: nothing goes out."""
    (activity_id,) = await db.fetchone("SELECT id FROM activities")
    await town.reminders.add(700, activity_id, TUESDAY, LEAD)
    (reminder,) = await town.reminders.pending(700)
    clock.now = TUESDAY - LEAD
    real_transaction = db.transaction

    @contextlib.asynccontextmanager
    async def cancel_first() -> AsyncIterator[Any]:
        monkeypatch.setattr(db, "transaction", real_transaction)
        assert await town.reminders.cancel(700, reminder.id) is not None
        async with real_transaction() as conn:
            yield conn

    monkeypatch.setattr(db, "transaction", cancel_first)
    assert await town.reminders.send_due() == 0
    assert await outbox_texts(db) == []
    status = await db.fetchone("SELECT status FROM activity_reminders WHERE id = ?", (reminder.id,))
    assert status[0] == "cancelled"


async def test_erasure_takes_reminders_and_keeps_anonymous_history(
    town: Services, db: Database
) -> None:
    (activity_id,) = await db.fetchone("SELECT id FROM activities")
    await town.reminders.add(700, activity_id, TUESDAY, LEAD)
    await town.activities.set_hidden(activity_id, True, by=700)
    exported = await town.privacy.export(700)
    assert len(exported["activity_reminders"]) == 1 and len(exported["activity_changes"]) == 1
    await town.privacy.erase(700)
    assert (await db.fetchone("SELECT count(*) FROM activity_reminders"))[0] == 0
    history = await db.fetchall(
        "SELECT changed_by, action FROM activity_changes WHERE action = 'hide'"
    )
    assert [tuple(r) for r in history] == [(None, "hide")]


async def test_ics_reimport_and_removed_event(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    content = (DATA / "example_activities.ics").read_bytes().decode()  # keeps CRLF
    path = await write(tmp_path, "bieb.ics", content)
    first = await import_file(db, path, "bieb.ics", "Europe/Amsterdam", clock)
    assert (first.added, first.hidden, first.errors) == (13, 0, [])
    again = await import_file(db, path, "bieb.ics", "Europe/Amsterdam", clock)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 13)
    # The partner drops the Christmas dinner from the calendar.
    begin = content.index("BEGIN:VEVENT\r\nUID:eten-kerstdiner")
    end = content.index("END:VEVENT\r\n", begin) + len("END:VEVENT\r\n")
    path.write_bytes((content[:begin] + content[end:]).encode())
    removed = await import_file(db, path, "bieb.ics", "Europe/Amsterdam", clock)
    assert (removed.added, removed.updated, removed.unchanged, removed.hidden) == (0, 0, 12, 1)
    hidden = await db.fetchall("SELECT external_id FROM activities WHERE hidden_by = 'source'")
    assert [r[0] for r in hidden] == ["eten-kerstdiner@voorbeeld.samen-heemstede.example"]


def test_command_line_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("SAMEN_DATABASE", str(tmp_path / "samen.sqlite3"))
    good = tmp_path / "wij.csv"
    good.write_text(HEADER + csv_row("a") + csv_row("b"))
    assert main(["import", "activities", str(good)]) == 0
    assert "added 2, updated 0, unchanged 0, hidden 0, skipped 0, errors 0" in (
        capsys.readouterr().out
    )
    good.write_text(HEADER + csv_row("a") + csv_row("b", kind="?") + csv_row("c", start="x"))
    assert main(["import", "activities", str(good), "--strict"]) == 1
    output = capsys.readouterr()
    assert "error: line 3: kind: This is not a known kind of activity." in output.err
    assert "error: line 4: start/end/rrule/exdates: This is not a date I can read." in output.err
    assert "nothing was imported" in output.out and "errors 2" in output.out
    assert main(["import", "activities", str(tmp_path / "missing.csv")]) == 1
    assert main(["import", "activities", str(good), "--source", "bot"]) == 1


def test_a_repeat_rule_ending_in_utc_is_accepted_and_expanded() -> None:
    from bot.services.activities.schedule import Schedule

    weekly = Schedule(
        tz="Europe/Amsterdam",
        start_local="2026-11-03T10:00",
        all_day=False,
        duration_min=90,
        rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20261124T235959Z",
    )
    weekly.check()  # calendars often write UNTIL in UTC
    found = weekly.occurrences(
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC)
    )
    assert [start.day for start, _end in found] == [3, 10, 17, 24]
    assert all(start.hour == 9 for start, _end in found)  # 10:00 in Amsterdam (winter)


# --------------------------------------------------------------------------- quiet hours

EVENING_BEFORE = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)  # Monday 20:30 in Heemstede


@pytest.mark.parametrize(
    ("now", "starts_local", "expected"),
    [
        # 10:00: two hours before is 08:00, just outside quiet hours (21:00-08:00).
        ("2026-11-30 12:00", "2026-12-01 10:00", datetime(2026, 12, 1, 7, 0, tzinfo=UTC)),
        # 09:00: 07:00 is quiet, 08:00 leaves only an hour: the evening before.
        ("2026-11-30 12:00", "2026-12-01 09:00", EVENING_BEFORE),
        # 09:30: 08:00 still leaves an hour and a half: when quiet hours end.
        ("2026-11-30 12:00", "2026-12-01 09:30", datetime(2026, 12, 1, 7, 0, tzinfo=UTC)),
        # Asked at 22:00, the evening is gone: at the end of quiet hours after all.
        ("2026-11-30 22:00", "2026-12-01 09:00", datetime(2026, 12, 1, 7, 0, tzinfo=UTC)),
        # A 07:30 start asked for at 22:00: no decent moment is left.
        ("2026-11-30 22:00", "2026-12-01 07:30", None),
        # A 22:30 start: 20:30 is fine.
        ("2026-11-30 12:00", "2026-11-30 22:30", EVENING_BEFORE),
        # A 23:00 start: 21:00 is quiet, so 20:30, just before quiet hours begin.
        ("2026-11-30 12:00", "2026-11-30 23:00", EVENING_BEFORE),
    ],
)
def test_reminders_keep_out_of_quiet_hours(
    now: str, starts_local: str, expected: datetime | None
) -> None:
    def local(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=AMS)

    moment = reminder_moment(local(starts_local), LEAD, local(now), CheckinPolicy())
    assert moment == expected


async def test_a_reminder_in_quiet_hours_comes_the_evening_before(
    town: Services, db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    await seed(db, clock, tmp_path, csv_row("early", start="2026-12-01 09:00", title="Vroeg"))
    (activity_id,) = await db.fetchone("SELECT id FROM activities WHERE title_nl = 'Vroeg'")
    nine = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert await town.reminders.add(700, activity_id, nine, LEAD) == (Added.ADDED, EVENING_BEFORE)
    clock.now = EVENING_BEFORE
    assert await town.reminders.send_due() == 1
    (text,) = await outbox_texts(db)
    assert "Vroeg" in text and "morgen om 09:00" in text


async def test_a_reminder_due_in_quiet_hours_waits_for_their_end(
    town: Services, db: Database, clock: FakeClock
) -> None:
    """A reminder planned for 07:00 (before quiet hours were kept, or changed) is held
    until 08:00, and still goes out because the activity starts at 10:00."""
    (activity_id,) = await db.fetchone("SELECT id FROM activities")
    await town.reminders.add(700, activity_id, TUESDAY, LEAD)
    await db.execute(
        "UPDATE activity_reminders SET remind_at = ?", ("2026-12-01T06:00:00Z",)
    )  # 07:00 in Heemstede
    clock.now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert await town.reminders.send_due() == 0
    clock.now = datetime(2026, 12, 1, 6, 59, tzinfo=UTC)
    assert await town.reminders.send_due() == 0
    clock.now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # 08:00: quiet hours are over
    assert await town.reminders.send_due() == 1


def test_an_ics_start_that_is_a_period_is_a_clear_problem_not_a_crash() -> None:
    """Found by the import fuzz test: DTSTART;VALUE=PERIOD gave a tuple, and the import
    crashed on it. Now that event is refused with its reason, and the others still come."""
    content = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//NL\r\n"
        "BEGIN:VEVENT\r\nUID:p\r\nDTSTART;VALUE=PERIOD:20261201T100000Z/PT1H\r\n"
        "SUMMARY:Koffie\r\nLOCATION:Plein 1\\, 2101 AB Heemstede\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    errors = read_ics(content, PLACES, "Europe/Amsterdam").errors
    assert errors == ["UID p (line 5): DTSTART: not a date or a date-time"]
