"""CSV files as coordinators' spreadsheets really save them (tests/data/csv/, see the
README there): Dutch Excel's semicolons and Windows-1252, Excel's UTF-8 BOM, Google
Sheets, LibreOffice with tabs; Dutch or English headers, written dates and times,
quoted line breaks, empty rows, rows with too few or too many cells. Each becomes
activities at the right local time or a line-numbered reason; a broken file changes
nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.activity_cli import import_file
from bot.db import Database
from bot.services.activities.fields import FieldError, clock_time, moment
from bot.services.activities.imports import SourceDefaults, read_csv, read_file
from bot.services.activities.kinds import Audience, Kind
from bot.services.places.geo import Places
from tests.conftest import FakeClock

CORPUS = Path(__file__).resolve().parents[1] / "data" / "csv"
AMS = ZoneInfo("Europe/Amsterdam")
PLACES = Places.load()
UNTIL = datetime(2027, 6, 1, tzinfo=UTC)

# File -> (each activity's local starts, the reasons of the refused rows).
CSV_EXPECTED: dict[str, tuple[dict[str, list[str]], list[str]]] = {
    "excel_nl_semicolon_cp1252.csv": (
        {
            "koffie-1": [f"2026-{day} 10:00" for day in ("10-06", "10-13", "10-20", "10-27")],
            # Daily at 9:30 over the night the clocks go back.
            "beweeg-1": ["2026-10-24 09:30", "2026-10-25 09:30", "2026-10-26 09:30"],
            "lezen-1": ["2026-12-31 14:30"],
        },
        ["line 7: kind: This is not a known kind of activity."],
    ),
    "excel_utf8_bom.csv": (
        {
            "kerst-1": ["2026-12-19 17:30"],
            "markt-1": ["2026-12-05 00:00"],
            "zomer-1": ["2027-03-27 14:30"],
        },
        [],
    ),
    "google_sheets.csv": (
        {"bingo-1": ["2026-09-08 14:30", "2026-11-10 14:30", "2027-01-12 14:30"]},
        [
            "line 4: lat/lon: missing, and the address has no known postcode; start/end/rrule/"
            "exdates: This is not a date I can read.; kind: This is not a known kind of "
            "activity.; place: This cannot be empty.",
            "line 5: more cells than columns (a text with a comma or semicolon in it? put it"
            " between double quotes)",
            "line 6: start/end/rrule/exdates: This is not a date I can read.",
        ],
    ),
    "libreoffice_tabs.csv": ({"schaak-1": ["2026-11-05 19:30"]}, []),
    "unclosed_quote.csv": ({}, ["line 2: a double quote is opened here and never closed"]),
    "unknown_columns.csv": (
        {},
        [
            "line 1: unknown column(s) opmerkingen: rename them to one of id, title_nl, "
            "title_en, description_nl, description_en, organiser, kind, place, address, lat, "
            "lon, start, end, rrule, exdates, cost, wheelchair, hearing_loop, phone, website, "
            "audience (or their Dutch names, see the README), or remove them"
        ],
    ),
}


def test_every_csv_in_the_corpus_has_its_expectations() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.csv")) == sorted(CSV_EXPECTED)


@pytest.mark.parametrize("name", sorted(CSV_EXPECTED))
def test_each_csv_imports_at_the_right_local_times(name: str) -> None:
    starts, refused = CSV_EXPECTED[name]
    result = read_file(CORPUS / name, PLACES, "Europe/Amsterdam")
    found = {
        a.external_id: [
            b.astimezone(AMS).strftime("%Y-%m-%d %H:%M")
            for b, _ in a.schedule.occurrences(datetime(2026, 1, 1, tzinfo=UTC), UNTIL)
        ]
        for a in result.activities
    }
    first_of = {uid: times[: len(starts.get(uid, []))] for uid, times in found.items()}
    assert first_of == starts
    assert result.errors == refused


def test_what_the_spreadsheets_hold_arrives_whole() -> None:
    excel = {
        a.external_id: a
        for a in read_file(
            CORPUS / "excel_nl_semicolon_cp1252.csv", PLACES, "Europe/Amsterdam"
        ).activities
    }
    coffee = excel["koffie-1"]
    assert coffee.title_nl == "Koffie & praatje in het Café"  # Windows-1252 é
    assert (coffee.wheelchair, coffee.schedule.duration_min) == (True, 90)
    assert (excel["beweeg-1"].free, excel["beweeg-1"].price) == (False, "€ 2,50")
    utf8 = {
        a.external_id: a
        for a in read_file(CORPUS / "excel_utf8_bom.csv", PLACES, "Europe/Amsterdam").activities
    }
    dinner = utf8["kerst-1"]
    assert dinner.description_nl == "Een warme maaltijd.\nOpgeven bij de balie.\n\nIedereen welkom."
    assert (dinner.audience, dinner.schedule.duration_min, dinner.organiser) == (
        Audience.SENIORS,
        120,
        "Stichting Oude Slot",
    )
    assert utf8["markt-1"].schedule.all_day


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("5-12-2026", (datetime(2026, 12, 5), False)),
        ("5/12/2026 14:30", (datetime(2026, 12, 5, 14, 30), True)),
        ("5 december 2026", (datetime(2026, 12, 5), False)),
        ("5 dec. 2026 14.30 uur", (datetime(2026, 12, 5, 14, 30), True)),
        ("za 5 december 2026, 14:30", (datetime(2026, 12, 5, 14, 30), True)),
        ("zaterdag 27 maart 2027 om 9u30", (datetime(2027, 3, 27, 9, 30), True)),
        ("Saturday 5 Dec 2026 14:30", (datetime(2026, 12, 5, 14, 30), True)),
        ("5 mrt 2027", (datetime(2027, 3, 5), False)),
    ],
)
def test_dates_and_times_as_people_write_them(typed: str, expected: tuple[datetime, bool]) -> None:
    assert moment(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:30", (14, 30)),
        ("14.30", (14, 30)),
        ("14:30 uur", (14, 30)),
        ("14u30", (14, 30)),
        ("14 uur", (14, 0)),
    ],
)
def test_clock_times_as_people_write_them(typed: str, expected: tuple[int, int]) -> None:
    assert clock_time(typed) == expected


@pytest.mark.parametrize("typed", ["5 decembre 2026", "31-2-2026", "32 december 2026", "14 uur"])
def test_what_is_not_a_date_stays_a_clear_problem(typed: str) -> None:
    with pytest.raises(FieldError, match=r"This is not a date I can read\."):
        moment(typed)


def test_two_headers_for_one_column_are_a_problem() -> None:
    content = "id,title_nl,titel,organiser,kind,place,start\n"
    assert read_csv(content, PLACES, "Europe/Amsterdam").errors == [
        "line 1: column(s) given twice: title_nl"
    ]


async def test_a_broken_csv_gives_one_error_and_loses_nothing(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "luifel.csv"
    path.write_bytes((CORPUS / "excel_utf8_bom.csv").read_bytes())
    assert (await import_file(db, path, "luifel.csv", "Europe/Amsterdam", clock)).added == 3
    before = [tuple(r) for r in await db.fetchall("SELECT * FROM activities ORDER BY id")]
    for broken in ("unclosed_quote.csv", "unknown_columns.csv"):
        path.write_bytes((CORPUS / broken).read_bytes())
        report = await import_file(db, path, "luifel.csv", "Europe/Amsterdam", clock)
        assert report.errors == CSV_EXPECTED[broken][1]
        assert [tuple(r) for r in await db.fetchall("SELECT * FROM activities ORDER BY id")] == (
            before
        )


def test_a_repeat_until_a_date_includes_that_day() -> None:
    content = (
        "id,title_nl,organiser,kind,place,address,start,rrule\n"
        'a,Koffie,WIJ,coffee,Bieb,"2101 EA",2026-12-01 10:00,FREQ=WEEKLY;UNTIL=20261215\n'
    )
    [activity] = read_csv(content, PLACES, "Europe/Amsterdam").activities
    found = activity.schedule.occurrences(datetime(2026, 11, 1, tzinfo=UTC), UNTIL)
    assert [b.astimezone(AMS).strftime("%m-%d %H:%M") for b, _ in found] == [
        "12-01 10:00",
        "12-08 10:00",
        "12-15 10:00",
    ]


def test_excels_unicode_text_is_read(tmp_path: Path) -> None:
    """Excel's "Unicode text" (UTF-16 with its byte order mark, tabs between cells)."""
    path = tmp_path / "agenda.csv"
    text = (
        "id\ttitel\torganisator\tsoort\tlocatie\tadres\tbegin\n"
        "c\tCafé\tWIJ\tcoffee\tBieb\t2101 EA\t1-12-2026 10:00\n"
    )
    path.write_bytes(text.encode("utf-16"))
    result = read_file(path, PLACES, "Europe/Amsterdam")
    assert (result.errors, [a.title_nl for a in result.activities]) == ([], ["Café"])


def test_a_txt_or_tsv_file_is_read_by_what_it_holds(tmp_path: Path) -> None:
    calendar = tmp_path / "agenda.txt"
    calendar.write_bytes((CORPUS.parent / "calendars" / "meetup.ics").read_bytes())
    defaults = SourceDefaults(organiser="Breiclub", kind="creative")
    found = read_file(calendar, PLACES, "Europe/Amsterdam", defaults).activities
    assert [a.title_nl for a in found] == ["Breien en haken"]
    sheet = tmp_path / "agenda.tsv"
    sheet.write_bytes((CORPUS / "libreoffice_tabs.csv").read_bytes())
    assert [a.title_nl for a in read_file(sheet, PLACES, "Europe/Amsterdam").activities] == [
        "Schaken"
    ]


def test_a_kind_may_be_written_as_its_dutch_word() -> None:
    content = (
        "id,titel,organisator,soort,locatie,adres,begin\n"
        "a,Koffie,WIJ,Koffie,Bieb,2101 EA,2026-12-01 10:00\n"
        "b,Kaarten,WIJ,spelletjes,Bieb,2101 EA,2026-12-01 14:00\n"
    )
    found = read_csv(content, PLACES, "Europe/Amsterdam").activities
    assert [a.kind for a in found] == [Kind.COFFEE, Kind.GAMES]
