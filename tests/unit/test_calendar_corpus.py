"""Every calendar in tests/data/calendars/ (modelled on what Outlook, Exchange, Google,
Apple, Nextcloud, Eventbrite, Meetup, WordPress and a parish website really emit; see the
README there) goes through the import: what it holds becomes activities at the right
local time in Heemstede, what is refused is listed with its reason, and a broken file
changes nothing in the catalog.

The expected times were worked out by hand from each file (daylight saving time in
2026 ends on 25 October, in 2027 it starts on 28 March).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web

from bot.activity_cli import import_file
from bot.db import Database
from bot.services import Services
from bot.services.activities.cleaning import plain_text, shortened
from bot.services.activities.fields import ActivityData
from bot.services.activities.imports import SourceDefaults, read_file, read_published
from bot.services.activities.kinds import Kind
from bot.services.places.geo import Places
from tests.conftest import FakeClock

CORPUS = Path(__file__).resolve().parents[1] / "data" / "calendars"
AMS = ZoneInfo("Europe/Amsterdam")
PLACES = Places.load()
# What a coordinator sets once per source (`samen sources defaults`).
PARTNER = SourceDefaults(organiser="Partner", kind="coffee")
CHURCH = SourceDefaults(
    organiser="Parochie",
    kind="coffee",
    place="Oude Kerk",
    address="Wilhelminaplein 2, 2103 GR Heemstede",
)


@dataclass(frozen=True)
class Expected:
    """What a file yields: each activity's id and its first local starts (up to a date),
    and a piece of the reason of every refused event, in the report's order."""

    starts: dict[str, list[str]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    defaults: SourceDefaults = PARTNER
    until: datetime = datetime(2027, 3, 1, tzinfo=UTC)


OUTLOOK_UID = (
    "040000008200E00074C5B7101A82E0080000000020C7E7B9E93ADC01000000000000000"
    "010000000B2F4E8A0D3E1C94BA1D4E2B0A2C3D4E5"
)
CORPUS_EXPECTED: dict[str, Expected] = {
    "outlook_desktop.ics": Expected(
        {
            # Tuesdays 10:00 before and after the change, 27 Oct left out, 10 Nov moved.
            OUTLOOK_UID: [
                "2026-10-06 10:00",
                "2026-10-13 10:00",
                "2026-10-20 10:00",
                "2026-11-03 10:00",
                "2026-11-10 13:00",
                "2026-11-17 10:00",
                "2026-11-24 10:00",
                "2026-12-01 10:00",
                "2026-12-08 10:00",
                "2026-12-15 10:00",
                "2026-12-22 10:00",
            ],
            "040000008200E00074C5B7101A82E00800000000A0E1F2C3D4E5F601000000000000000"
            "01000000011223344556677889900AABBCCDDEEFF": ["2026-12-12 00:00"],
        }
    ),
    "exchange_owa_custom_tzid.ics": Expected(
        {
            # Second Tuesdays 17:00; UNTIL (13 April 08:00 UTC) is before that day's 17:00.
            "040000008200E00074C5B7101A82E00800000000D1E3C5B7A9F2DC01000000000000000"
            "01000000077A1B2C3D4E5F60718293A4B5C6D7E8F": [
                "2026-10-13 17:00",
                "2026-11-10 17:00",
                "2026-12-08 17:00",
                "2027-01-12 17:00",
                "2027-02-09 17:00",
                "2027-03-09 17:00",
            ],
            # 10:00 in New York (EST since 1 November) is 16:00 in Heemstede.
            "040000008200E00074C5B7101A82E00800000000E2F4D6C8BAA3DC01000000000000000"
            "01000000088B2C3D4E5F60718293A4B5C6D7E8F90": ["2026-11-05 16:00"],
        },
        until=datetime(2027, 6, 1, tzinfo=UTC),
    ),
    "google_calendar.ics": Expected(
        {
            # Second Tuesdays 14:30: October cancelled, November moved, December left out.
            "5m1rk2q8n0d3v0u4b7c9e1f2g3@google.com": [
                "2026-09-08 14:30",
                "2026-11-10 15:00",
                "2027-01-12 14:30",
                "2027-02-09 14:30",
            ],
            # 23:00 UTC on 24 October is 01:00 summer time on the 25th.
            "0a9b8c7d6e5f4g3h2i1j@google.com": ["2026-10-25 01:00"],
            "kerstvakantie-2026@google.com": ["2026-12-28 00:00"],
        }
    ),
    "apple_icloud.ics": Expected(
        {
            "6B29FC40-CA47-1067-B31D-00DD010662DA": [
                "2026-10-02 10:00",
                "2026-10-09 10:00",
                "2026-10-16 10:00",
                "2026-10-23 10:00",
                "2026-10-30 10:00",
                "2026-11-06 10:00",
            ],
            "7C3A0D51-DB58-2178-C42E-11EE121773EB": ["2026-10-15 00:00"],
            "8D4B1E62-EC69-3289-D53F-22FF232884FC": ["2026-01-05 00:00", "2027-01-05 00:00"],
        }
    ),
    "nextcloud_sabre.ics": Expected(
        {
            "3f2b8c1a-7d4e-4c5b-9a6f-0e1d2c3b4a59": [
                "2026-09-19 13:00",
                "2026-10-17 13:00",
                "2026-11-21 13:00",
                "2026-12-19 13:00",
            ],
            # Thursdays 19:30; 26 Nov left out by date, 24 and 31 Dec by moment.
            "4a3c9d2b-8e5f-4d6c-0b7a-1f2e3d4c5b6a": [
                "2026-11-05 19:30",
                "2026-11-12 19:30",
                "2026-11-19 19:30",
                "2026-12-03 19:30",
                "2026-12-10 19:30",
                "2026-12-17 19:30",
            ],
        }
    ),
    "eventbrite.ics": Expected(
        {
            "1234567890123@eventbrite.com": ["2026-12-05 14:30"],
            "1234567890456@eventbrite.com": ["2027-03-26 10:00"],
        },
        until=datetime(2027, 4, 1, tzinfo=UTC),
    ),
    "meetup.ics": Expected({"event_301234567@meetup.com": ["2026-12-09 14:00"]}),
    "wordpress_the_events_calendar.ics": Expected(
        {
            "10001-1797415200-1797422400@bibliotheek.example.nl": ["2026-12-16 10:00"],
            "10002-1797692400-1797692400@bibliotheek.example.nl": ["2026-12-19 14:00"],
        }
    ),
    "church_latin1.ics": Expected(
        {
            "oudekerk-2026-kerst": ["2026-12-24 22:00"],
            "oudekerk-weekly-koffie": [
                "2026-10-04 11:30",
                "2026-10-11 11:30",
                "2026-10-18 11:30",
                "2026-10-25 11:30",
                "2026-11-01 11:30",
                "2026-11-08 11:30",
                "2026-11-15 11:30",
                "2026-11-22 11:30",
                "2026-11-29 11:30",
                "2026-12-06 11:30",
                "2026-12-13 11:30",
                "2026-12-20 11:30",
                "2026-12-27 11:30",
            ],
        },
        defaults=CHURCH,
    ),
    # Floating times in a calendar that says it is on London time: an hour later here.
    "x_wr_timezone_floating.ics": Expected({"glip-1@buurt.example.nl": ["2026-11-06 16:00"]}),
    "floating_no_zone.ics": Expected(
        {
            "floating-1": [
                "2026-10-23 09:30",
                "2026-10-24 09:30",
                "2026-10-25 09:30",
                "2026-10-26 09:30",
            ]
        }
    ),
    "edge_cases.ics": Expected(
        {
            "dup-1": ["2026-12-07 10:00"],
            "long-title": ["2026-12-09 10:00"],
            "far-past": ["1999-03-15 10:00"],
            "far-future": [],
        },
        refused=[
            "UID dup-1 (line 12): used twice; the event at line 6 is imported",
            "event at line 17: no UID",
            "UID no-start (line 42): DTSTART: missing",
            "UID no-place (line 47): LOCATION: missing",
            "UID unknown-place (line 52): LOCATION: 'Bij Marja thuis' has no postcode",
            "UID end-before-start (line 73): DTEND: the end is not after the start",
            "UID hourly (line 80): a recurrence more often than once a day is not supported",
            "UID orphan-change (line 66): a changed occurrence without its series",
        ],
        until=datetime(2027, 3, 1, tzinfo=UTC),
    ),
    "hand_written_quirks.ics": Expected(
        {
            # UNTIL as a date in a series with a time: up to and including that day.
            "quirk-until-date@welzijn.example.nl": [
                "2026-12-01 10:00",
                "2026-12-08 10:00",
                "2026-12-15 10:00",
            ],
            "quirk-geo-comma@welzijn.example.nl": ["2026-12-03 14:00"],
            # RDATE as periods (08:00 UTC is 09:00 here in winter).
            "quirk-rdate-period@welzijn.example.nl": [
                "2026-12-04 09:00",
                "2026-12-11 09:00",
                "2026-12-18 09:00",
            ],
        }
    ),
    "empty_calendar.ics": Expected(),
    "truncated.ics": Expected(
        refused=["the file is cut off: it does not end with END:VCALENDAR (download it again)"]
    ),
    "not_a_calendar.ics": Expected(
        refused=["the file is not a valid iCalendar file: it does not begin with BEGIN:VCALENDAR"]
    ),
}


def local_starts(activity: ActivityData, until: datetime) -> list[str]:
    """Every start from 1998 until ``until``, as a clock in Heemstede shows it."""
    found = activity.schedule.occurrences(datetime(1998, 1, 1, tzinfo=UTC), until)
    return [begin.astimezone(AMS).strftime("%Y-%m-%d %H:%M") for begin, _end in found]


def read(name: str) -> tuple[dict[str, ActivityData], list[str]]:
    expected = CORPUS_EXPECTED[name]
    result = read_file(CORPUS / name, PLACES, "Europe/Amsterdam", expected.defaults)
    return {a.external_id: a for a in result.activities}, result.errors


def test_every_file_in_the_corpus_has_its_expectations() -> None:
    assert sorted(p.name for p in CORPUS.glob("*.ics")) == sorted(CORPUS_EXPECTED)


@pytest.mark.parametrize("name", sorted(CORPUS_EXPECTED))
def test_each_calendar_imports_at_the_right_local_times(name: str) -> None:
    expected = CORPUS_EXPECTED[name]
    activities, errors = read(name)
    assert {uid: local_starts(a, expected.until) for uid, a in activities.items()} == (
        expected.starts
    )
    assert len(errors) == len(expected.refused), errors
    for error, reason in zip(errors, expected.refused, strict=True):
        assert error.startswith(reason)


def test_a_weekly_ten_oclock_keeps_its_clock_across_the_change_in_utc() -> None:
    """Outlook's own zone name: the series follows Heemstede's clock, not a fixed offset."""
    activities, _ = read("outlook_desktop.ics")
    found = activities[OUTLOOK_UID].schedule.occurrences(
        datetime(2026, 10, 19, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)
    )
    assert [begin.strftime("%m-%d %H:%M") for begin, _ in found] == ["10-20 08:00", "11-03 09:00"]
    assert activities[OUTLOOK_UID].schedule.tz == "Europe/Amsterdam"


def test_what_other_programs_put_in_the_texts_is_made_readable() -> None:
    wordpress, _ = read("wordpress_the_events_calendar.ics")
    cafe, reading = wordpress.values()
    assert cafe.title_nl == "Digitaal Café: hulp bij uw telefoon & tablet"
    assert reading.title_nl == "Voorleesmiddag – kerstverhalen"
    assert reading.description_nl == "Voor iedereen die graag luistert."
    assert (reading.kind, reading.organiser) == (Kind.LEARNING, "Bibliotheek Zuid-Kennemerland")
    assert reading.schedule.duration_min == 120  # no DTEND: Samen's usual two hours

    google, _ = read("google_calendar.ics")
    bingo = google["5m1rk2q8n0d3v0u4b7c9e1f2g3@google.com"]
    assert bingo.description_nl == (
        "Bingo!\nElke tweede dinsdag van de maand.\n\nKosten: €2, inclusief koffie.\nMeer info"
    )
    assert (bingo.place_name, bingo.address) == (
        "Buurthuis de Luifel",
        "Herenweg 96, 2101 MR Heemstede, Nederland",
    )

    eventbrite, _ = read("eventbrite.ics")
    title = eventbrite["1234567890123@eventbrite.com"].title_nl
    assert title.startswith("Sinterklaasmiddag voor ouderen") and title.endswith("…")
    assert len(title) <= 120
    workshop = eventbrite["1234567890456@eventbrite.com"].schedule
    assert workshop.duration_min == 78 * 60  # to 29 March 17:00, in summer time

    church, _ = read("church_latin1.ics")
    assert "Café De Pastorie" in church["oudekerk-2026-kerst"].description_nl
    assert church["oudekerk-weekly-koffie"].address == "Wilhelminaplein 2, 2103 GR Heemstede"


def test_where_calendars_put_the_place() -> None:
    apple, _ = read("apple_icloud.ics")
    walk = apple["6B29FC40-CA47-1067-B31D-00DD010662DA"]
    assert (walk.place_name, walk.address) == (
        "Wandelbos Groenendaal",
        "Groenendaal, 2104 WN Heemstede, Nederland",
    )
    assert walk.website == "https://wandelclub.example.nl/groenendaal"
    assert (apple["7C3A0D51-DB58-2178-C42E-11EE121773EB"].lat, walk.lat) == (52.403, 52.35)
    meetup, _ = read("meetup.ics")
    knitting = meetup["event_301234567@meetup.com"]
    assert (knitting.place_name, knitting.address) == (
        "Bibliotheek Heemstede",
        "Julianaplein 1, Heemstede, Netherlands",
    )
    assert (knitting.lat, knitting.lon) == (52.3574, 4.6222)


BROKEN = ("truncated.ics", "not_a_calendar.ics", "empty_calendar.ics")


@pytest.mark.parametrize("name", BROKEN)
async def test_a_broken_file_gives_one_error_and_loses_nothing(
    db: Database, clock: FakeClock, services: Services, tmp_path: Path, name: str
) -> None:
    good = tmp_path / "luifel.ics"
    good.write_bytes((CORPUS / "google_calendar.ics").read_bytes())
    await services.sources.set_defaults("luifel.ics", PARTNER)
    first = await import_file(db, good, "luifel.ics", "Europe/Amsterdam", clock)
    assert (first.added, first.errors, first.skipped) == (3, [], [])
    before = await db.fetchall("SELECT * FROM activities ORDER BY id")

    good.write_bytes((CORPUS / name).read_bytes())
    report = await import_file(db, good, "luifel.ics", "Europe/Amsterdam", clock)
    assert len(report.errors) == 1
    assert (report.added, report.updated, report.hidden) == (0, 0, 0)
    assert [tuple(r) for r in await db.fetchall("SELECT * FROM activities ORDER BY id")] == [
        tuple(r) for r in before
    ]


def test_a_calendar_without_organiser_or_kind_says_how_to_set_them_once() -> None:
    result = read_file(CORPUS / "meetup.ics", PLACES, "Europe/Amsterdam")
    assert result.errors == [
        "UID event_301234567@meetup.com (line 43): ORGANIZER: missing; add X-SAMEN-ORGANISER,"
        " or give the source one organiser for all its events: samen sources defaults SOURCE"
        " --organiser NAME"
    ]
    organised = SourceDefaults(organiser="Breiclub")
    result = read_file(CORPUS / "meetup.ics", PLACES, "Europe/Amsterdam", organised)
    assert result.errors[0].endswith("samen sources defaults SOURCE --kind KIND")


def test_a_feed_that_gives_a_web_page_says_so() -> None:
    """A private or wrong calendar link answers with a login page, not with CSV problems."""
    page = (CORPUS / "not_a_calendar.ics").read_text(encoding="utf-8")
    assert read_published(page, PLACES, "Europe/Amsterdam").errors == [
        "the link gives a web page, not a calendar or a CSV file (a login page? use the"
        " calendar's public address in iCal format)"
    ]


@pytest.mark.parametrize(
    ("given", "plain"),
    [
        ("<p>Koffie &amp; thee</p><p>Welkom</p>", "Koffie & thee\nWelkom"),
        ("Neem mee:<ul><li>wol</li><li>naalden</li></ul>", "Neem mee:\n- wol\n- naalden"),
        ("Kosten&nbsp;&euro;&#160;2,50", "Kosten € 2,50"),
        ("Groep 5 < 6 en 7 > 3", "Groep 5 < 6 en 7 > 3"),  # no tag: left alone
        ("R&D; 2 & 3", "R&D; 2 & 3"),
    ],
)
def test_html_in_calendar_texts_becomes_plain_text(given: str, plain: str) -> None:
    assert plain_text(given) == plain


def test_a_long_title_is_shortened_at_a_word() -> None:
    assert (
        shortened("Kerstmarkt met muziek, koren en nog veel meer", 25) == "Kerstmarkt met muziek…"
    )
    assert shortened("Kort", 25) == "Kort"


@pytest.fixture
async def church_site() -> AsyncIterator[str]:
    """A parish website serving its calendar as the Latin-1 bytes it was saved in."""

    async def agenda(_request: web.Request) -> web.Response:
        body = (CORPUS / "church_latin1.ics").read_bytes()
        return web.Response(body=body, content_type="text/calendar")

    app = web.Application()
    app.router.add_get("/agenda.ics", agenda)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/agenda.ics"
    await runner.cleanup()


async def test_a_feed_in_latin1_is_read(services: Services, db: Database, church_site: str) -> None:
    await services.sources.add("oudekerk", church_site, CHURCH)
    line = await services.sources.fetch("oudekerk")
    assert line == "added 2, updated 0, unchanged 0, hidden 0, skipped 0, errors 0"
    row = await db.fetchone(
        "SELECT description_nl FROM activities WHERE external_id = 'oudekerk-2026-kerst'"
    )
    assert "Café De Pastorie" in row[0]
