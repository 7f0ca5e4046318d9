"""Where activities come from: partners' files and feeds, their defaults, their last result.

A feed is a partner's published calendar link (iCalendar or CSV over HTTP(S)). It
is fetched every feed interval with a conditional request (ETag, Last-Modified)
and goes through the same reader and import as a file. A feed that fails, or that
suddenly has fewer than half the activities of its last good import, is not
applied: the activities stay as they were and the coordinators hear once, until a
fetch succeeds again.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import aiohttp
import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.i18n import Translator
from bot.services.activities.catalog import BOT_SOURCE, Activities, ImportReport
from bot.services.activities.cleaning import decode_text
from bot.services.activities.imports import ReadResult, SourceDefaults, read_published
from bot.services.outbox import NewRow, Outbox, OutMessage
from bot.services.places.geo import Places
from bot.services.volunteers import Volunteers

log = logging.getLogger("samen.sources")

SOURCE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,59}")
FEED_URL = re.compile(r"https?://[^\s]+", re.IGNORECASE)
MAX_FEED_BYTES = 5_000_000  # a partner's calendar is kilobytes; this is a runaway guard
FETCH_TIMEOUT = aiohttp.ClientTimeout(total=60)
SHRINK_LIMIT = 0.5  # fewer than half the activities of the last good import: not applied


class SourceError(ValueError):
    """A source that cannot be added or changed; the message says why, in English."""


class Reason(StrEnum):
    UNREACHABLE = "unreachable"  # network error, HTTP error, not text
    UNREADABLE = "unreadable"  # fetched, but no complete activity in it
    SHRANK = "shrank"  # far fewer activities than last time


@dataclass(frozen=True)
class FeedProblem:
    reason: Reason
    detail: str  # English, for `samen sources` and the log
    before: int = 0
    now: int = 0


@dataclass(frozen=True)
class Source:
    name: str
    url: str | None
    defaults: SourceDefaults
    last_result: str
    checked_at: datetime | None
    last_count: int | None


def source_name(file_name: str) -> str:
    """A valid source name made from any file name.

    'Agenda WIJ (déc).ics' becomes 'Agenda-WIJ-dec-.ics'.
    """
    plain = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).lstrip("-._")[:60] or "file"
    return f"{slug}-file" if slug == BOT_SOURCE else slug


def check_name(name: str) -> None:
    if not SOURCE_NAME.fullmatch(name) or name == BOT_SOURCE:
        raise SourceError(
            f"source name {name!r} is not allowed: use letters, digits, . _ - (not 'bot')"
        )


NOTHING_TO_IMPORT = (
    "the file has no activities, so nothing was changed; to take a source's activities"
    " away, use `samen sources remove NAME`"
)


async def apply_read(
    activities: Activities,
    source: str,
    result: ReadResult,
    *,
    strict: bool,
    allow_empty: bool = False,
) -> ImportReport:
    """Import what was read: the complete activities, the others listed as skipped.

    Strict, or when nothing in it was complete, a file with problems imports nothing.
    Skipped rows keep what Samen had of them instead of being hidden as removed. A file
    without any activity is refused unless ``allow_empty`` (a feed: its shrink check
    already asked the coordinators).
    """
    if result.errors and (strict or not result.activities):
        return ImportReport(errors=result.errors)
    if not result.activities and not allow_empty:  # it would hide the whole source
        return ImportReport(errors=[NOTHING_TO_IMPORT])
    report = await activities.import_activities(source, result.activities, keep=result.skipped_ids)
    report.skipped = result.errors
    return report


async def defaults_of(db: Database, name: str) -> SourceDefaults:
    row = await db.fetchone("SELECT defaults FROM sources WHERE name = ?", (name,))
    return SourceDefaults.from_json(row[0]) if row else SourceDefaults()


class Sources:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        activities: Activities,
        outbox: Outbox,
        volunteers: Volunteers,
        places: Places,
        zone: str,
        interval: timedelta,
    ) -> None:
        self._db = db
        self._clock = clock
        self._activities = activities
        self._outbox = outbox
        self._volunteers = volunteers
        self._places = places
        self._zone = zone
        self.interval = interval

    # ------------------------------------------------------------------ the list

    async def all(self) -> list[Source]:
        rows = await self._db.fetchall("SELECT * FROM sources ORDER BY name")
        return [
            Source(
                name=r["name"],
                url=r["url"],
                defaults=SourceDefaults.from_json(r["defaults"]),
                last_result=r["last_result"],
                checked_at=from_iso(r["checked_at"]) if r["checked_at"] else None,
                last_count=r["last_count"],
            )
            for r in rows
        ]

    async def get(self, name: str) -> Source | None:
        return next((s for s in await self.all() if s.name == name), None)

    async def add(self, name: str, url: str, defaults: SourceDefaults) -> None:
        """A new feed; its first fetch comes with the next tick (or `samen sources fetch`)."""
        check_name(name)
        if not FEED_URL.fullmatch(url):
            raise SourceError(f"{url!r} is not an http:// or https:// address")
        self._check_defaults(defaults)
        if await self.get(name) is not None:
            raise SourceError(f"there is already a source named {name!r}")
        await self._db.execute(
            "INSERT INTO sources (name, url, defaults, created_at) VALUES (?, ?, ?, ?)",
            (name, url, defaults.to_json(), to_iso(self._clock())),
        )

    async def set_defaults(self, name: str, defaults: SourceDefaults) -> None:
        """Set a source's defaults once (a file source gets a row here for them)."""
        check_name(name)
        self._check_defaults(defaults)
        await self._db.execute(
            "INSERT INTO sources (name, defaults, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET defaults = excluded.defaults",
            (name, defaults.to_json(), to_iso(self._clock())),
        )

    async def remove(self, name: str) -> ImportReport | None:
        """Stop fetching a source and hide its activities; None when there is no such source."""
        if await self.get(name) is None:
            return None
        await self._db.execute("DELETE FROM sources WHERE name = ?", (name,))
        return await self._activities.import_activities(name, [])

    @staticmethod
    def _check_defaults(defaults: SourceDefaults) -> None:
        problems = defaults.check()
        if problems:
            raise SourceError("; ".join(problems))

    # ------------------------------------------------------------------ fetching

    async def refresh_due(self) -> None:
        """The scheduler's tick: fetch every feed not checked for an interval."""
        due_before = to_iso(self._clock() - self.interval)
        rows = await self._db.fetchall(
            "SELECT name FROM sources WHERE url IS NOT NULL"
            " AND (checked_at IS NULL OR checked_at <= ?) ORDER BY name",
            (due_before,),
        )
        for row in rows:
            try:
                await self.fetch(row["name"])
            except Exception:  # one partner's feed must not stop the others
                log.exception("feed %s could not be processed", row["name"])

    async def fetch(self, name: str, *, force: bool = False) -> str:
        """Fetch one feed now and apply it unless it fails or shrank (``force``: even then).

        Returns the line `samen sources` shows for it.
        """
        row = await self._db.fetchone(
            "SELECT * FROM sources WHERE name = ? AND url IS NOT NULL", (name,)
        )
        if row is None:
            raise SourceError(f"there is no feed named {name!r}")
        try:
            download = await _download(
                row["url"], None if force else row["etag"], None if force else row["last_modified"]
            )
        except FeedFetchError as error:
            return await self._failed(name, FeedProblem(Reason.UNREACHABLE, str(error)))
        if download is None:
            return await self._checked(name, "not changed since the last fetch")
        result = read_published(
            download.text, self._places, self._zone, SourceDefaults.from_json(row["defaults"])
        )
        problem = _problem(result, row["last_count"], force)
        if problem is not None:
            return await self._failed(name, problem)
        report = await apply_read(self._activities, name, result, strict=False, allow_empty=True)
        line = report.summary()
        now = to_iso(self._clock())
        await self._db.execute(
            "UPDATE sources SET etag = ?, last_modified = ?, checked_at = ?, last_ok_at = ?,"
            " last_result = ?, last_count = ?, alerted_at = NULL WHERE name = ?",
            (
                download.etag,
                download.last_modified,
                now,
                now,
                line,
                len(result.activities),
                name,
            ),
        )
        log.info("feed %s applied: %s", name, line)
        return line

    async def _checked(self, name: str, line: str) -> str:
        await self._db.execute(
            "UPDATE sources SET checked_at = ?, last_result = ?, alerted_at = NULL WHERE name = ?",
            (to_iso(self._clock()), line, name),
        )
        return line

    async def _failed(self, name: str, problem: FeedProblem) -> str:
        """Keep what the source had; tell the coordinators, once until a fetch succeeds."""
        line = f"not applied: {problem.detail}"
        log.warning("feed %s %s", name, line)
        stamp = to_iso(self._clock())
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE sources SET checked_at = ?, last_result = ?,"
                " alerted_at = COALESCE(alerted_at, ?) WHERE name = ? RETURNING alerted_at",
                (stamp, line, stamp, name),
            )
            alerted_at = (await cursor.fetchone() or [None])[0]
            await cursor.close()
            if alerted_at == stamp:  # this failure began now: the first to hear of it
                await self._alert(conn, name, problem, key=f"feed:{name}:{stamp}")
        return line

    async def _alert(
        self, conn: aiosqlite.Connection, name: str, problem: FeedProblem, key: str
    ) -> None:
        for coordinator, t in await self._volunteers.coordinators_to_alert(conn):
            await self._outbox.enqueue(
                NewRow(
                    coordinator,
                    OutMessage(feed_problem_text(t, name, problem)),
                    kind="alert",
                    ref=key,
                    dedupe_key=f"{key}:{coordinator}",
                ),
                conn,
            )


def _problem(result: ReadResult, last_count: int | None, force: bool) -> FeedProblem | None:
    count = len(result.activities)
    if not result.activities and result.errors:
        return FeedProblem(
            Reason.UNREADABLE,
            f"no complete activity in it ({len(result.errors)} problem(s), the first:"
            f" {result.errors[0]})",
        )
    if not force and last_count and count < last_count * SHRINK_LIMIT:
        return FeedProblem(
            Reason.SHRANK,
            f"{count} activities where the last good fetch had {last_count}",
            before=last_count,
            now=count,
        )
    return None


def feed_problem_text(t: Translator, name: str, problem: FeedProblem) -> str:
    """The coordinators' alert: which feed, why, and that nothing was lost."""
    if problem.reason == Reason.SHRANK:
        why = t._(
            "It now has %(now)s activities; last time it had %(before)s. "
            "That is a big drop, so Samen waits for you to check.",
            now=problem.now,
            before=problem.before,
        )
    elif problem.reason == Reason.UNREADABLE:
        why = t._("Samen could fetch it, but found no complete activity in it.")
    else:
        why = t._("Samen could not fetch it (%(error)s).", error=html.escape(problem.detail))
    return t._(
        "⚠️ <b>The activity feed “%(name)s” was not used</b>\n\n%(why)s\n\n"
        "The activities from this partner stay as they were. Samen tries again later. "
        "On the server, <code>samen sources</code> shows the last result.",
        name=html.escape(name),
        why=why,
    )


# --------------------------------------------------------------------------- HTTP


class FeedFetchError(Exception):
    """The feed could not be fetched; the message says why, in English."""


@dataclass(frozen=True)
class Download:
    text: str
    etag: str | None
    last_modified: str | None


async def _download(url: str, etag: str | None, last_modified: str | None) -> Download | None:
    """GET the feed; None when the server says it did not change (304)."""
    headers = {"User-Agent": "Samen activity feed reader"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with (
            aiohttp.ClientSession(timeout=FETCH_TIMEOUT) as session,
            session.get(url, headers=headers) as response,
        ):
            if response.status == 304:
                return None
            if response.status != 200:
                raise FeedFetchError(f"HTTP {response.status}")
            body = await response.content.read(MAX_FEED_BYTES + 1)
            if len(body) > MAX_FEED_BYTES:
                raise FeedFetchError(f"larger than {MAX_FEED_BYTES // 1_000_000} MB")
            return Download(
                text=decode_text(body),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
    except (aiohttp.ClientError, TimeoutError) as error:
        raise FeedFetchError(type(error).__name__) from None
