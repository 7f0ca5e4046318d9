"""Activities nearby: the search, soonest nearby first (a mix of distance and date).

Upcoming occurrences are materialised in ``activity_occurrences`` (see ``catalog``) so
a search is one indexed query: a bounding box on ``(lat, lon)`` around the person, the
filters, and each activity's next occurrence. Distances are then exact (haversine)
for the few rows in the box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from sqlite3 import Row

from bot.clock import from_iso, to_iso
from bot.db import Database
from bot.services.activities.kinds import Audience, Kind
from bot.services.places.geo import bounding_box, distance_m

PAGE_SIZE = 5
# Search radius: start small (fast in a dense town), widen until a page is full.
FIRST_RADIUS_M = 1_500.0
MAX_RADIUS_M = 25_000.0
# About how many metres one degree of latitude is (and of longitude, times cos(lat)).
M_PER_DEGREE = 111_195.0
# How far a day later weighs against distance in the order of results: two days'
# wait weighs as much as 1 km, so "soon and nearby" comes first, and the nearest
# activity in three weeks does not push tonight's one around the corner off the page.
DAY_AS_M = 500.0
_COLUMNS = (
    "a.id, a.title_nl, a.title_en, a.kind, a.audience, a.place_name, a.lat, a.lon, a.all_day,"
    " a.free, a.price,"
    " ((a.lat - :lat) * (a.lat - :lat) + (a.lon - :lon) * (a.lon - :lon) * :k2) AS d2"
)
# The wait in days until the next time (none for an all-day one that has begun), and
# the order of results: distance and wait as the two sides of a right angle (see
# ``rank``), squared, so no square root is needed.
_WAIT = "MAX(julianday({start}), :now_jd) - :now_jd AS wait"
_RANK = "d2 * :m2 + wait * wait * :day2"
_BOX = (
    "a.hidden_by IS NULL AND a.lat BETWEEN :lat0 AND :lat1 AND a.lon BETWEEN :lon0 AND :lon1"
    "{filters}"
)
# Any time: from the activities in the box (by place, or by kind and place), each
# with its next occurrence from the occurrences' primary key. MATERIALIZED: the next
# occurrence is looked up once per activity, not again for its wait and its rank.
_SEARCH_ANY = (
    f"WITH near AS MATERIALIZED (SELECT {_COLUMNS},"
    " (SELECT MIN(o.starts_at) FROM activity_occurrences o WHERE o.activity_id = a.id"
    "   AND o.starts_at >= CASE a.all_day WHEN 1 THEN :day_ago ELSE :now END"
    "   AND o.starts_at < :until AND o.ends_at > :now) AS next_start"
    f" FROM activities a WHERE {_BOX})"
    f" SELECT *, {_WAIT.format(start='next_start')} FROM near WHERE next_start IS NOT NULL"
    f" ORDER BY {_RANK} LIMIT :n"
)
# Today or this week: few occurrences fall in the period, so SQLite may start from
# them (by start time) instead of from every activity in the box.
_SEARCH_SOON = (
    f"SELECT {_COLUMNS}, MIN(o.starts_at) AS next_start, {_WAIT.format(start='MIN(o.starts_at)')}"
    " FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id"
    " WHERE o.starts_at >= :day_ago AND o.starts_at < :until AND o.ends_at > :now"
    " AND (a.all_day = 1 OR o.starts_at >= :now)"
    f" AND {_BOX} GROUP BY a.id ORDER BY {_RANK} LIMIT :n"
)
# Today: so few occurrences are left (a few hundred in a big town) that reading them
# by start time settles the whole search area in one query (CROSS JOIN keeps SQLite
# from starting at the activities in the box instead, which costs many times more).
_SEARCH_TODAY = _SEARCH_SOON.replace(" JOIN activities a ", " CROSS JOIN activities a ")


class When(StrEnum):
    TODAY = "t"
    WEEK = "w"
    ANY = "a"


_SEARCHES = {When.ANY: _SEARCH_ANY, When.WEEK: _SEARCH_SOON, When.TODAY: _SEARCH_TODAY}


@dataclass(frozen=True)
class SearchQuery:
    lat: float
    lon: float
    kind: Kind | None = None
    when: When = When.ANY
    free_only: bool = False
    page: int = 0
    # Young people's activities (12-18) too; residents by default see the others.
    all_ages: bool = False


@dataclass(frozen=True)
class Hit:
    id: int
    title_nl: str
    title_en: str
    kind: Kind
    audience: Audience
    place_name: str
    distance_m: float
    starts_at: datetime
    all_day: bool
    free: bool
    price: str

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_nl


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    page: int
    has_next: bool


def rank(distance: float, wait: timedelta) -> float:
    """How far off an activity is, in metres, counting the wait until it starts as distance.

    Distance and wait (``DAY_AS_M`` a day) are the two sides of a right angle:
    something 300 m away in two days ranks like something 1 km away tonight.
    Never less than the distance, which lets the search stop at a radius.
    """
    days = max(0.0, wait.total_seconds() / 86_400)
    return math.hypot(distance, days * DAY_AS_M)


def _next_radius(radius: float, ranks: list[float], needed: int) -> float:
    """The radius to search next: with a page's worth of rows found (none within
    ``radius`` of rank yet), the worst of them bounds where the best ones lie, so one
    more look that far settles it; with fewer, far enough that the same density
    would give a page (at least twice as far), as each look costs about the same."""
    if len(ranks) >= needed:
        return max(sorted(ranks)[needed - 1], radius * 1.01)
    return radius * max(2.0, math.sqrt(needed / max(len(ranks), 0.5)) * 1.2)


Scored = tuple[float, float, datetime, Row]  # rank, distance, next start, the row


async def search_nearby(
    db: Database, now: datetime, until: datetime, query: SearchQuery
) -> SearchPage:
    """Visible activities with an occurrence before ``until``, soonest nearby first.

    The order mixes distance and date (``rank``). The box around the person starts
    small and widens until a full page (plus one, to know whether there is a next
    page) ranks within its radius: anything outside the circle ranks worse than that,
    as its distance alone is more. Today's search reads the whole area at once (few
    occurrences are left today). SQL ranks by a flat-earth distance (exact enough at
    town scale, plain arithmetic) and returns only the rows a page needs; haversine
    decides.
    """
    needed = (query.page + 1) * PAGE_SIZE + 1
    sql = _SEARCHES[query.when].format(filters=_filters(query))
    params = _params(now, until, query, needed)
    radius = MAX_RADIUS_M if query.when is When.TODAY else FIRST_RADIUS_M
    while True:
        lat0, lat1, lon0, lon1 = bounding_box(query.lat, query.lon, radius)
        rows = await db.fetchall(
            sql, {**params, "lat0": lat0, "lat1": lat1, "lon0": lon0, "lon1": lon1}
        )
        scored = [_scored(row, query, now) for row in rows]
        if radius >= MAX_RADIUS_M:
            ranked = [s for s in scored if s[1] <= radius]
            break
        ranked = [s for s in scored if s[0] <= radius]
        if len(ranked) >= needed:
            break
        radius = min(_next_radius(radius, [s[0] for s in scored], needed), MAX_RADIUS_M)
    ranked.sort(key=lambda s: (s[0], s[2], s[3]["id"]))
    start = query.page * PAGE_SIZE
    hits = [_hit(s) for s in ranked[start : start + PAGE_SIZE]]
    return SearchPage(hits, query.page, len(ranked) > start + PAGE_SIZE)


def _filters(query: SearchQuery) -> str:
    return (
        (" AND a.kind = :kind" if query.kind else "")
        + (" AND a.free = 1" if query.free_only else "")
        + ("" if query.all_ages else f" AND a.audience <> '{Audience.YOUTH.value}'")
    )


def _params(now: datetime, until: datetime, query: SearchQuery, needed: int) -> dict[str, object]:
    return {
        "now": to_iso(now),
        "now_jd": now.timestamp() / 86_400 + 2_440_587.5,  # the Julian day, as SQLite counts
        "day_ago": to_iso(now - timedelta(days=1)),
        "until": to_iso(until),
        "kind": query.kind.value if query.kind else None,
        "lat": query.lat,
        "lon": query.lon,
        "k2": math.cos(math.radians(query.lat)) ** 2,
        "m2": M_PER_DEGREE**2,
        "day2": DAY_AS_M**2,
        "n": needed,
    }


def _scored(row: Row, query: SearchQuery, now: datetime) -> Scored:
    distance = distance_m(query.lat, query.lon, row["lat"], row["lon"])
    starts_at = from_iso(row["next_start"])
    return rank(distance, starts_at - now), distance, starts_at, row


def _hit(scored: Scored) -> Hit:
    _, distance, starts_at, r = scored
    return Hit(
        id=int(r["id"]),
        title_nl=r["title_nl"],
        title_en=r["title_en"],
        kind=Kind(r["kind"]),
        audience=Audience(r["audience"]),
        place_name=r["place_name"],
        distance_m=distance,
        starts_at=starts_at,
        all_day=bool(r["all_day"]),
        free=bool(r["free"]),
        price=r["price"],
    )
