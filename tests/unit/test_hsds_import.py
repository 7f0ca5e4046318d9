"""Open Referral HSDS 3.0: a service with a weekly schedule at a location becomes an activity."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.activity_cli import import_file
from bot.db import Database
from bot.services.activities.hsds import read_hsds
from bot.services.activities.kinds import Kind
from bot.services.places.geo import Places
from tests.conftest import FakeClock

PLACES = Places.load()
ZONE = "Europe/Amsterdam"


def service(**changes: Any) -> dict[str, Any]:
    """A service as the HSDS 3.0 API returns it: organization, attributes, locations nested."""
    base: dict[str, Any] = {
        "id": "svc-1",
        "name": "Koffieochtend",
        "description": "Samen koffie drinken.",
        "status": "active",
        "url": "https://wijheemstede.nl/koffie",
        "fees_description": "gratis",
        "organization": {"id": "org-1", "name": "WIJ Heemstede"},
        "attributes": [{"taxonomy_term": {"code": "coffee", "name": "Koffie"}}],
        "phones": [{"number": "023 548 38 28"}],
        "schedules": [
            {
                "id": "sch-1",
                "location_id": "loc-1",
                "freq": "WEEKLY",
                "byday": "TU",
                "dtstart": "2026-11-30",  # a Monday: the first Tuesday is 1 December
                "opens_at": "10:00",
                "closes_at": "11:30",
            }
        ],
        "service_at_locations": [
            {
                "id": "sal-1",
                "location": {
                    "id": "loc-1",
                    "name": "Bibliotheek",
                    "latitude": 52.3574,
                    "longitude": 4.6222,
                    "addresses": [
                        {
                            "address_1": "Julianaplein 1",
                            "postal_code": "2101 EA",
                            "city": "Heemstede",
                        }
                    ],
                },
            }
        ],
    }
    base.update(changes)
    return base


def write_json(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "sociale-kaart.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_weekly_service_at_a_location(tmp_path: Path) -> None:
    result = read_hsds(write_json(tmp_path, [service()]), PLACES, ZONE)
    assert result.errors == []
    [activity] = result.activities
    assert activity.external_id == "svc-1/sch-1"
    assert (activity.title_nl, activity.organiser, activity.kind) == (
        "Koffieochtend",
        "WIJ Heemstede",
        Kind.COFFEE,
    )
    assert (activity.place_name, activity.address) == (
        "Bibliotheek",
        "Julianaplein 1, 2101 EA Heemstede",
    )
    assert (activity.lat, activity.lon, activity.free) == (52.3574, 4.6222, True)
    assert (activity.phone, activity.website) == ("023 548 3828", "https://wijheemstede.nl/koffie")
    schedule = activity.schedule
    assert (schedule.start_local, schedule.duration_min, schedule.rrule) == (
        "2026-12-01T10:00",
        90,
        "FREQ=WEEKLY;BYDAY=TU",
    )
    found = schedule.occurrences(
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 16, tzinfo=UTC)
    )
    assert [start.day for start, _end in found] == [1, 8, 15]
    assert all(start.hour == 9 for start, _end in found)  # 10:00 in Heemstede


def test_api_pages_valid_to_costs_and_a_postcode_for_a_place(tmp_path: Path) -> None:
    served = service(fees_description=None, cost_options=[{"amount": 0}, {"amount": "2,50"}])
    location = served["service_at_locations"][0]["location"]
    del location["latitude"], location["longitude"]
    schedule = served["schedules"][0]
    schedule.update(interval=2, valid_to="2026-12-15")
    del schedule["location_id"]  # the service's only location
    page = {"total_items": 1, "contents": [served]}
    [activity] = read_hsds(write_json(tmp_path, page), PLACES, ZONE).activities
    centre = PLACES.postcode_areas[0]
    assert centre.key == "2101" and (activity.lat, activity.lon) == (centre.lat, centre.lon)
    assert (activity.free, activity.price) == (False, "€ 2,50")
    assert activity.schedule.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20261215T225959Z"
    found = activity.schedule.occurrences(
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2027, 1, 31, tzinfo=UTC)
    )
    assert [start.day for start, _end in found] == [1, 15]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"attributes": []}, "service svc-1: kind: no attribute with a taxonomy term"),
        ({"schedules": []}, "service svc-1: no schedule"),
        (
            {
                "schedules": [{"id": "s", "dtstart": "2026-12-01", "opens_at": "10:00"}],
                "service_at_locations": [
                    {"id": "a", "location": {"id": "1", "name": "Bibliotheek"}},
                    {"id": "b", "location": {"id": "2", "name": "Het Oude Slot"}},
                ],
            },
            "service svc-1: schedule s: which location?",
        ),
        ({"organization": {}}, "service svc-1: organization name: This cannot be empty."),
        (
            {"schedules": [{"id": "s", "freq": "WEEKLY", "opens_at": "10:00"}]},
            "service svc-1: schedule s: dtstart or valid_from: missing",
        ),
        (
            {
                "schedules": [
                    {"id": "s", "freq": "HOURLY", "dtstart": "2026-12-01", "opens_at": "10:00"}
                ]
            },
            "service svc-1: schedule s: freq: 'HOURLY' is not one of",
        ),
        (
            {
                "schedules": [
                    {
                        "id": "s",
                        "dtstart": "2026-12-01",
                        "opens_at": "10:00",
                        "closes_at": "09:00",
                        "freq": "WEEKLY",
                        "byday": "XX",
                    }
                ]
            },
            "service svc-1: schedule s: the repeat is not valid",
        ),
    ],
)
def test_problems_name_the_service(tmp_path: Path, changes: dict[str, Any], problem: str) -> None:
    result = read_hsds(write_json(tmp_path, [service(**changes)]), PLACES, ZONE)
    assert result.activities == []
    assert len(result.errors) == 1 and result.errors[0].startswith(problem), result.errors


def test_inactive_services_are_left_out_and_not_hsds_is_refused(tmp_path: Path) -> None:
    assert (
        read_hsds(write_json(tmp_path, [service(status="inactive")]), PLACES, ZONE).activities == []
    )
    assert read_hsds(write_json(tmp_path, {"foo": 1}), PLACES, ZONE).errors == [
        "the file is not HSDS: expected a list of services with their schedules"
    ]


# --------------------------------------------------------------------------- CSV tables

TABLES = {
    "services": [
        {
            "id": "svc-1",
            "organization_id": "org-1",
            "name": "Koffieochtend",
            "status": "active",
            "fees_description": "gratis",
            "url": "",
        },
    ],
    "organizations": [{"id": "org-1", "name": "WIJ Heemstede"}],
    "locations": [
        {"id": "loc-1", "name": "Bibliotheek", "latitude": "52.3574", "longitude": "4.6222"}
    ],
    "addresses": [
        {
            "id": "a",
            "location_id": "loc-1",
            "address_1": "Julianaplein 1",
            "postal_code": "2101 EA",
            "city": "Heemstede",
        }
    ],
    "service_at_locations": [{"id": "sal-1", "service_id": "svc-1", "location_id": "loc-1"}],
    "schedules": [
        {
            "id": "sch-1",
            "service_id": "",
            "service_at_location_id": "sal-1",
            "freq": "WEEKLY",
            "byday": "TU",
            "dtstart": "2026-11-30",
            "opens_at": "10:00:00",
            "closes_at": "11:30:00",
        }
    ],
    "taxonomy_terms": [{"id": "t1", "code": "coffee", "name": "Koffie"}],
    "attributes": [
        {"id": "at1", "link_id": "svc-1", "link_type": "service", "taxonomy_term_id": "t1"}
    ],
}


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def datapackage() -> str:
    return json.dumps(
        {"name": "hsds", "resources": [{"name": n, "path": f"{n}.csv"} for n in TABLES]}
    )


def test_csv_tables_in_a_folder_and_in_a_zip(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "datapackage.json").write_text(datapackage(), encoding="utf-8")
    for name, rows in TABLES.items():
        (folder / f"{name}.csv").write_text(csv_text(rows), encoding="utf-8")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:  # as many tools make them: in a folder
        out.writestr("hsds/datapackage.json", datapackage())
        for name, rows in TABLES.items():
            out.writestr(f"hsds/{name}.csv", csv_text(rows))
    for path in (folder, archive):
        result = read_hsds(path, PLACES, ZONE)
        assert result.errors == []
        [activity] = result.activities
        assert (activity.external_id, activity.kind, activity.organiser) == (
            "svc-1/sch-1",
            Kind.COFFEE,
            "WIJ Heemstede",
        )
        assert activity.address == "Julianaplein 1, 2101 EA Heemstede"
        assert (activity.schedule.start_local, activity.schedule.duration_min) == (
            "2026-12-01T10:00",
            90,
        )


def test_tables_saved_by_dutch_excel_are_read(tmp_path: Path) -> None:
    """Semicolons and Windows-1252, as Excel in Dutch saves a table someone edited."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "datapackage.json").write_text(datapackage(), encoding="utf-8")
    tables = {**TABLES, "services": [{**TABLES["services"][0], "name": "Koffie in het Café"}]}
    for name, rows in tables.items():
        text = csv_text(rows).replace(",", ";")
        (folder / f"{name}.csv").write_bytes(text.encode("cp1252"))
    result = read_hsds(folder, PLACES, ZONE)
    assert result.errors == []
    [activity] = result.activities
    assert (activity.title_nl, activity.schedule.start_local) == (
        "Koffie in het Café",
        "2026-12-01T10:00",
    )


def test_tables_without_a_datapackage_or_services(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    assert read_hsds(folder, PLACES, ZONE).errors == [
        "no datapackage.json: HSDS tables come with one"
    ]
    (folder / "datapackage.json").write_text(datapackage(), encoding="utf-8")
    assert read_hsds(folder, PLACES, ZONE).errors == [
        "no services table (services.csv in datapackage.json)"
    ]
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip", encoding="utf-8")
    assert read_hsds(bad, PLACES, ZONE).errors == ["the file is not a valid .zip"]


# --------------------------------------------------------------------------- through the importer


async def test_import_adds_then_hides_a_service_that_stopped(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    path = write_json(tmp_path, [service(), service(id="svc-2", name="Wandelen")])
    first = await import_file(db, path, "sociale-kaart", ZONE, clock)
    assert (first.added, first.errors) == (2, [])
    again = await import_file(db, path, "sociale-kaart", ZONE, clock)
    assert (again.added, again.unchanged) == (0, 2)
    path.write_text(json.dumps([service(), service(id="svc-2", status="defunct")]))
    stopped = await import_file(db, path, "sociale-kaart", ZONE, clock)
    assert (stopped.unchanged, stopped.hidden) == (1, 1)
    rows = await db.fetchall("SELECT external_id, hidden_by FROM activities ORDER BY external_id")
    assert [tuple(r) for r in rows] == [("svc-1/sch-1", None), ("svc-2/sch-1", "source")]


def test_command_line_imports_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("SAMEN_DATABASE", str(tmp_path / "samen.sqlite3"))
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "datapackage.json").write_text(datapackage(), encoding="utf-8")
    for name, rows in TABLES.items():
        (folder / f"{name}.csv").write_text(csv_text(rows), encoding="utf-8")
    assert main(["import", "activities", str(folder)]) == 0
    assert (
        "added 1, updated 0, unchanged 0, hidden 0, skipped 0, errors 0" in capsys.readouterr().out
    )
