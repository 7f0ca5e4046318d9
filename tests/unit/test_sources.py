"""Tolerant imports, defaults per source, source names, and partners' feeds over HTTP.

The feeds are served by a real aiohttp server on 127.0.0.1 that honours (and
records) conditional requests, so the fetch, the 304, the failures and the
shrink check all run as in production.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from bot.activity_cli import import_file
from bot.db import Database
from bot.services import Services
from bot.services.activities.imports import SourceDefaults, read_csv, read_ics
from bot.services.activities.sources import SourceError, source_name
from bot.services.places.geo import Places
from tests.conftest import FakeClock
from tests.unit.test_activities import HEADER, csv_row

PLACES = Places.load()
ZONE = "Europe/Amsterdam"
COORDINATOR = 700
LIBRARY = SourceDefaults(
    organiser="Bibliotheek Heemstede",
    kind="learning",
    place="Bibliotheek",
    address="Julianaplein 1, 2101 EA Heemstede",
    phone="023 511 51 55",
    website="https://www.bibliotheekzuidkennemerland.nl",
)


async def shown(db: Database) -> list[str]:
    rows = await db.fetchall(
        "SELECT external_id FROM activities WHERE hidden_by IS NULL ORDER BY external_id"
    )
    return [r[0] for r in rows]


# --------------------------------------------------------------------------- tolerant, strict


async def test_a_file_with_some_broken_rows_imports_the_complete_ones(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    path = tmp_path / "wij.csv"
    path.write_text(HEADER + csv_row("a") + csv_row("b") + csv_row("c"))
    await import_file(db, path, "wij.csv", ZONE, clock)
    # b breaks (unknown kind) and d is new and broken: a and c are applied, b is kept as
    # it was (not hidden as if removed), d is listed.
    path.write_text(
        HEADER
        + csv_row("a", title="Koffie anders")
        + csv_row("b", kind="?")
        + csv_row("c")
        + csv_row("d", start="x")
    )
    report = await import_file(db, path, "wij.csv", ZONE, clock)
    assert report.errors == []
    assert report.skipped == [
        "line 3: kind: This is not a known kind of activity.",
        "line 5: start/end/rrule/exdates: This is not a date I can read.",
    ]
    assert (report.updated, report.unchanged, report.hidden) == (1, 1, 0)
    assert await shown(db) == ["a", "b", "c"]

    # Strict keeps the all-or-nothing: nothing changes.
    path.write_text(HEADER + csv_row("a") + csv_row("b", kind="?"))
    strict = await import_file(db, path, "wij.csv", ZONE, clock, strict=True)
    assert strict.errors == ["line 3: kind: This is not a known kind of activity."]
    title = await db.fetchone("SELECT title_nl FROM activities WHERE external_id = 'a'")
    assert title[0] == "Koffie anders"

    # Nothing complete at all is refused, also when tolerant: it would hide everything.
    path.write_text(HEADER + csv_row("a", kind="?"))
    nothing = await import_file(db, path, "wij.csv", ZONE, clock)
    assert nothing.errors == ["line 2: kind: This is not a known kind of activity."]
    assert await shown(db) == ["a", "b", "c"]


def test_the_command_warns_about_skipped_rows_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("SAMEN_DATABASE", str(tmp_path / "samen.sqlite3"))
    path = tmp_path / "Agenda WIJ (déc) 2026.csv"
    path.write_text(HEADER + csv_row("a") + csv_row("b", kind="?"))
    assert main(["import", "activities", str(path)]) == 0
    output = capsys.readouterr()
    assert "skipped: line 3: kind: This is not a known kind of activity." in output.err
    assert "warning: 1 skipped" in output.out
    assert "added 1, updated 0, unchanged 0, hidden 0, skipped 1, errors 0" in output.out
    assert main(["import", "activities", str(path), "--strict"]) == 1
    assert "nothing was imported" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("wij.csv", "wij.csv"),
        ("Agenda WIJ (déc) 2026.ics", "Agenda-WIJ-dec-2026.ics"),
        ("  .hidden file.csv", "hidden-file.csv"),
        ("📅📅.ics", "ics"),
        ("📅", "file"),
        ("bot", "bot-file"),
        ("x" * 80 + ".csv", "x" * 60),
    ],
)
def test_a_source_name_is_made_from_any_file_name(file_name: str, expected: str) -> None:
    assert source_name(file_name) == expected


# --------------------------------------------------------------------------- defaults


def test_defaults_fill_what_a_calendar_does_not_carry() -> None:
    bare = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:bieb\r\nBEGIN:VEVENT\r\nUID:lees-1\r\n"
        "DTSTART;TZID=Europe/Amsterdam:20261201T100000\r\nSUMMARY:Leesclub\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:lees-2\r\nDTSTART;TZID=Europe/Amsterdam:20261202T100000\r\n"
        "SUMMARY:Taalcafé\r\nCATEGORIES:games\r\nLOCATION:Raadhuis\\, Raadhuisplein 1\\,"
        " 2101 HA Heemstede\r\nURL:https://example.org/taal\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert len(read_ics(bare, PLACES, ZONE).errors) == 2
    result = read_ics(bare, PLACES, ZONE, LIBRARY)
    assert result.errors == []
    first, second = result.activities
    assert (first.organiser, first.kind.value, first.place_name) == (
        "Bibliotheek Heemstede",
        "learning",
        "Bibliotheek",
    )
    assert first.website == LIBRARY.website and first.phone == "023 511 5155"
    # What the event carries itself wins.
    assert (second.kind.value, second.place_name, second.website) == (
        "games",
        "Raadhuis",
        "https://example.org/taal",
    )
    # A CSV may leave out the columns the defaults give.
    csv = "id,title_nl,start\nlees-3,Voorlezen,2026-12-03 15:00\n"
    assert read_csv(csv, PLACES, ZONE).errors == [
        "line 1: missing column(s) organiser, kind, place"
    ]
    (from_csv,) = read_csv(csv, PLACES, ZONE, LIBRARY).activities
    assert (from_csv.organiser, from_csv.address) == ("Bibliotheek Heemstede", LIBRARY.address)


async def test_defaults_are_set_once_per_source_and_checked(
    services: Services, db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    with pytest.raises(SourceError, match="kind: This is not a known kind"):
        await services.sources.set_defaults("bieb.csv", SourceDefaults(kind="dancing?"))
    await services.sources.set_defaults("bieb.csv", LIBRARY)
    path = tmp_path / "bieb.csv"
    path.write_text("id,title_nl,start\nlees-3,Voorlezen,2026-12-03 15:00\n")
    report = await import_file(db, path, "bieb.csv", ZONE, clock)
    assert (report.added, report.errors) == (1, [])
    other = await import_file(db, path, "ander.csv", ZONE, clock)
    assert other.errors == ["line 1: missing column(s) organiser, kind, place"]


# --------------------------------------------------------------------------- feeds


@dataclass
class Partner:
    """A partner's web server: one calendar, ETag support, and what it was asked."""

    body: str = ""
    status: int = 200
    requests: list[dict[str, str]] = field(default_factory=list)

    @property
    def etag(self) -> str:
        return f'"{abs(hash(self.body))}"'

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.headers))
        if self.status != 200:
            return web.Response(status=self.status)
        if request.headers.get("If-None-Match") == self.etag:
            return web.Response(status=304)
        return web.Response(
            text=self.body,
            content_type="text/calendar",
            headers={"ETag": self.etag, "Last-Modified": "Tue, 01 Dec 2026 08:00:00 GMT"},
        )


@pytest.fixture
async def partner() -> AsyncIterator[tuple[Partner, str]]:
    server = Partner()
    app = web.Application()
    app.router.add_get("/agenda.ics", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield server, f"http://127.0.0.1:{port}/agenda.ics"
    await runner.cleanup()


def calendar(*uids: str) -> str:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;TZID=Europe/Amsterdam:20261201T100000\r\n"
        f"SUMMARY:Activiteit {uid}\r\nEND:VEVENT\r\n"
        for uid in uids
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:bieb\r\n{events}END:VCALENDAR\r\n"


async def alerts(db: Database) -> list[str]:
    rows = await db.fetchall(
        "SELECT payload FROM outbox WHERE kind = 'alert' AND recipient_id = ? ORDER BY id",
        (COORDINATOR,),
    )
    return [json.loads(r[0])["text"] for r in rows]


async def test_a_feed_is_fetched_conditionally_and_applied(
    services: Services, db: Database, partner: tuple[Partner, str]
) -> None:
    server, url = partner
    server.body = calendar("a", "b", "c")
    with pytest.raises(SourceError, match="not an http"):
        await services.sources.add("bieb", "ftp://example.org/x.ics", LIBRARY)
    await services.sources.add("bieb", url, LIBRARY)
    with pytest.raises(SourceError, match="already"):
        await services.sources.add("bieb", url, LIBRARY)

    line = await services.sources.fetch("bieb")
    assert line == "added 3, updated 0, unchanged 0, hidden 0, skipped 0, errors 0"
    assert await shown(db) == ["a", "b", "c"]
    assert "If-None-Match" not in server.requests[0]

    # Unchanged: the server answers 304 to the ETag it gave.
    assert await services.sources.fetch("bieb") == "not changed since the last fetch"
    assert server.requests[1]["If-None-Match"] == server.etag
    assert server.requests[1]["If-Modified-Since"] == "Tue, 01 Dec 2026 08:00:00 GMT"

    server.body = calendar("a", "b", "d")
    changed = await services.sources.fetch("bieb")
    assert changed == "added 1, updated 0, unchanged 2, hidden 1, skipped 0, errors 0"
    assert await shown(db) == ["a", "b", "d"]
    (listed,) = await services.sources.all()
    assert (listed.url, listed.last_count, listed.last_result) == (url, 3, changed)


async def test_a_failing_or_shrunk_feed_is_not_applied_and_told_once(
    services: Services, db: Database, partner: tuple[Partner, str], clock: FakeClock
) -> None:
    await services.roles.sync_config_coordinators([COORDINATOR])
    server, url = partner
    server.body = calendar("a", "b", "c", "d")
    await services.sources.add("bieb", url, LIBRARY)
    await services.sources.fetch("bieb")

    server.status = 500
    assert await services.sources.fetch("bieb") == "not applied: HTTP 500"
    clock.advance(hours=6)
    await services.sources.fetch("bieb")
    assert await shown(db) == ["a", "b", "c", "d"]
    (told,) = await alerts(db)
    assert "“bieb”" in told and "(HTTP 500)" in told

    # Back, but with one activity where it had four: not applied; a new failure, told.
    server.status = 200
    server.body = calendar("a")
    clock.advance(hours=6)
    assert await services.sources.fetch("bieb") == (
        "not applied: 1 activities where the last good fetch had 4"
    )
    assert await shown(db) == ["a", "b", "c", "d"]
    assert len(await alerts(db)) == 1  # the same failure goes on: told once
    # After a coordinator checked it with the partner: applied on request.
    assert (await services.sources.fetch("bieb", force=True)).startswith("added 0")
    assert await shown(db) == ["a"]

    # A good fetch ends the failure; the next one is told again, in the coordinator's language.
    server.body = "id,title_nl\n"
    clock.advance(hours=6)
    assert (await services.sources.fetch("bieb")).startswith("not applied: no complete activity")
    second = (await alerts(db))[1]
    assert "De activiteitenlijst “bieb” is niet gebruikt" in second
    assert "geen enkele complete activiteit" in second


async def test_the_tick_fetches_each_feed_every_interval(
    services: Services, db: Database, partner: tuple[Partner, str], clock: FakeClock
) -> None:
    server, url = partner
    server.body = calendar("a")
    await services.sources.add("bieb", url, LIBRARY)
    await services.sources.set_defaults("wij.csv", LIBRARY)  # a file source: never fetched
    await services.sources.refresh_due()
    assert len(server.requests) == 1 and await shown(db) == ["a"]
    clock.advance(hours=5, minutes=59)
    await services.sources.refresh_due()
    assert len(server.requests) == 1
    clock.advance(minutes=1)
    await services.sources.refresh_due()
    assert len(server.requests) == 2

    report = await services.sources.remove("bieb")
    assert report is not None and report.hidden == 1
    assert await services.sources.remove("bieb") is None
    clock.advance(hours=7)
    await services.sources.refresh_due()
    assert len(server.requests) == 2


def test_the_sources_command(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("SAMEN_DATABASE", str(tmp_path / "samen.sqlite3"))
    assert main(["sources"]) == 0
    assert "no sources yet" in capsys.readouterr().out
    url = "https://bieb.example/agenda.ics"
    assert main(["sources", "add", "bieb", url, "--organiser", "Bibliotheek", "--kind", "x"]) == 1
    assert "kind: This is not a known kind" in capsys.readouterr().err
    assert main(["sources", "add", "bieb", url, "--organiser", "Bibliotheek"]) == 0
    assert main(["sources", "defaults", "wij.csv", "--kind", "coffee"]) == 0
    capsys.readouterr()
    assert main(["sources"]) == 0
    listing = capsys.readouterr().out
    assert f"bieb  {url}\n    last checked never: -" in listing
    assert '    defaults {"organiser": "Bibliotheek"}' in listing
    assert 'wij.csv  (files)\n    last checked never: -\n    defaults {"kind": "coffee"}' in (
        listing
    )
    assert main(["sources", "remove", "bieb"]) == 0
    assert main(["sources", "remove", "bieb"]) == 1
    assert main(["sources", "fetch", "wij.csv"]) == 1
    assert "no feed named 'wij.csv'" in capsys.readouterr().err
