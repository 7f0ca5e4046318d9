"""Browsing activities, on the conversation layer: a search's state (where, kind, when,
free only, young people's too, page) rides along in the choices, so browsing stores
nothing; one page of results, soonest nearby first, and the filters one tap away.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.journeys import Journeys
from bot.chat.message import Choice, Reply, choices
from bot.i18n import N_, Translator
from bot.runtime import Runtime
from bot.services.activities.catalog import PAGE_SIZE, Hit, SearchPage, SearchQuery, When
from bot.services.activities.kinds import AUDIENCE_LABELS, KIND_LABELS, Audience, Kind
from bot.services.places.geo import Place, Places, format_distance, parse_postcode
from handlers.activities.texts import cost_text, when_text
from handlers.expired import choice_expired

WHEN_LABELS: dict[When, str] = {
    When.TODAY: N_("Today"),
    When.WEEK: N_("This week"),
    When.ANY: N_("Any time"),
}
KIND_VALUES = frozenset(kind.value for kind in Kind)
_TITLE_IN_BUTTON = 48
MAX_PAGES = 100  # 500 activities nearest first is more than anyone pages through


@dataclass(frozen=True)
class Origin:
    """Where a search looks from, and how it is written in button data."""

    token: str
    lat: float
    lon: float
    place: Place | None  # the postcode area or neighbourhood; None for a shared location


@dataclass(frozen=True)
class Search:
    origin: Origin
    kind: Kind | None = None
    when: When = When.ANY
    free_only: bool = False
    page: int = 0
    all_ages: bool = False  # young people's activities (12-18) too

    def _args(self) -> tuple[str, str, str, str]:
        kind = self.kind.value if self.kind else "all"
        flags = int(self.free_only) | int(self.all_ages) << 1
        return self.origin.token, kind, self.when.value, str(flags)

    def filters_data(self) -> str:
        return encode(Prefix.ACT_FILTERS, *self._args())

    def results_data(self, page: int = 0) -> str:
        return encode(Prefix.ACT_SEARCH, *self._args(), str(page))

    def details_data(self, activity_id: int) -> str:
        """An activity from this page of results, so its details can lead back here."""
        return encode(Prefix.ACT_DETAILS, str(activity_id), *self._args(), str(self.page))

    def query(self) -> SearchQuery:
        return SearchQuery(
            self.origin.lat,
            self.origin.lon,
            self.kind,
            self.when,
            self.free_only,
            self.page,
            self.all_ages,
        )


def location_origin(latitude: float, longitude: float) -> Origin:
    """A shared location, rounded to 1e-4 degree (about 10 m) to fit in button data."""
    lat, lon = round(latitude * 10_000), round(longitude * 10_000)
    return Origin(f"g{lat}_{lon}", lat / 10_000, lon / 10_000, None)


def decode_origin(places: Places, token: str) -> Origin | None:
    if token.startswith("p"):
        code = parse_postcode(token[1:])
        place = places.postcode(code) if code else None
    elif token.startswith("n"):
        place = places.neighbourhood(token[1:])
    else:
        lat, _, lon = token[1:].partition("_")
        latitude, longitude = int(lat) / 10_000, int(lon) / 10_000
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        return Origin(token, latitude, longitude, None)
    return Origin(token, place.lat, place.lon, place) if place else None


def decode_search(places: Places, args: tuple[str, ...]) -> Search | None:
    """<origin>:<kind|all>:<when>:<flags>[:<page>]; flags: 1 only free, 2 all ages.
    The codec checks the shape only: an unknown kind (forged, or one since removed)
    is None here, as an unknown place is."""
    origin = decode_origin(places, args[0])
    known = args[1] == "all" or args[1] in KIND_VALUES
    if origin is None or not known:
        return None
    kind = None if args[1] == "all" else Kind(args[1])
    flags = int(args[3])
    page = int(args[4]) if len(args) > 4 else 0
    return Search(origin, kind, When(args[2]), bool(flags & 1), page, bool(flags & 2))


def heading(t: Translator, origin: Origin) -> str:
    if origin.place is None:
        return t._("<b>Activities near you</b>")
    if origin.token.startswith("p"):
        return t._("<b>Activities near postcode %(postcode)s</b>", postcode=origin.place.key)
    return t._("<b>Activities in and near %(place)s</b>", place=html.escape(origin.place.name))


def _filters_text(t: Translator, search: Search) -> str:
    return (
        heading(t, search.origin)
        + "\n\n"
        + t._("Tap what you would like to change. Then tap “🔎 Show activities” at the top.")
    )


def _tick(label: str, on: bool) -> str:
    return ("✓ " if on else "") + label


def filters_reply(t: Translator, search: Search) -> Reply:
    kinds = [
        Choice(
            _tick(t._(KIND_LABELS[kind]), search.kind is kind),
            replace(search, kind=kind).filters_data(),
        )
        for kind in Kind
    ]
    rows: list[tuple[Choice, ...]] = [
        (Choice(t._("🔎 Show activities"), search.results_data()),),
        (
            Choice(
                _tick(t._("✨ Everything"), search.kind is None),
                replace(search, kind=None).filters_data(),
            ),
        ),
        *(tuple(kinds[i : i + 2]) for i in range(0, len(kinds), 2)),
        tuple(
            Choice(
                _tick(t._(WHEN_LABELS[when]), search.when is when),
                replace(search, when=when).filters_data(),
            )
            for when in When
        ),
        (
            Choice(
                _tick(t._("💶 Only free activities"), search.free_only),
                replace(search, free_only=not search.free_only).filters_data(),
            ),
        ),
        (
            Choice(
                _tick(t._("🧑 Also for young people (12-18)"), search.all_ages),
                replace(search, all_ages=not search.all_ages).filters_data(),
            ),
        ),
    ]
    return Reply(_filters_text(t, search), choices=tuple(rows))


async def on_filters(c: Conversation) -> None:
    """af:…: show the filter choices with the current ones ticked."""
    search = decode_search(c.runtime.services.activities.places, args_of(c.incoming.data))
    if search is None:
        await choice_expired(c)
        return
    await c.update(filters_reply(c.t, search))


def results_reply(t: Translator, search: Search, page: SearchPage) -> Reply:
    """The text and choices of one page of results (also what the benchmark times)."""
    kind = t._(KIND_LABELS[search.kind]) if search.kind else t._("✨ Everything")
    lines = [
        heading(t, search.origin),
        t._("%(kind)s · %(when)s", kind=kind, when=t._(WHEN_LABELS[search.when]))
        + (" · " + t._("only free") if search.free_only else "")
        + (" · " + t._("also for young people") if search.all_ages else ""),
        "",
    ]
    rows: list[Choice | tuple[Choice, ...]] = []
    first = page.page * PAGE_SIZE + 1
    for number, hit in enumerate(page.hits, start=first):
        lines.append(_hit_line(t, number, hit))
        label = f"{number}. {_short(hit.title(t.language))}"
        rows.append(Choice(label, replace(search, page=page.page).details_data(hit.id)))
    if not page.hits:
        lines.append(
            t._("I found nothing with these choices. Try another kind, or “Any time”.")
            if page.page == 0
            else t._("There are no more activities.")
        )
    else:
        lines.append(t._("Tap an activity to see more."))
    nav = []
    if page.page > 0:
        nav.append(Choice(t._("◀️ Previous"), search.results_data(page.page - 1)))
    if page.has_next and page.page + 1 < MAX_PAGES:
        nav.append(Choice(t._("Next ▶️"), search.results_data(page.page + 1)))
    if nav:
        rows.append(tuple(nav))
    rows.append(Choice(t._("⚙️ Change choices"), search.filters_data()))
    return Reply("\n".join(lines), choices=choices(*rows))


def _hit_line(t: Translator, number: int, hit: Hit) -> str:
    """Title, distance, next time, place and cost; and who it is for, unless everyone."""
    line = t._(
        "%(number)s. <b>%(title)s</b> – %(distance)s\n     %(when)s · %(place)s · %(cost)s\n",
        number=number,
        title=html.escape(hit.title(t.language)),
        distance=format_distance(hit.distance_m, t.locale),
        when=when_text(t, hit.starts_at, hit.all_day, short=True),
        place=html.escape(hit.place_name),
        cost=cost_text(t, hit.free, hit.price),
    )
    if hit.audience is Audience.EVERYONE:
        return line
    return line.rstrip("\n") + "\n     " + t._(AUDIENCE_LABELS[hit.audience]) + "\n"


def _short(title: str) -> str:
    return title if len(title) <= _TITLE_IN_BUTTON else title[: _TITLE_IN_BUTTON - 1] + "…"


async def on_results(c: Conversation) -> None:
    """as:…: one page of results, soonest nearby first."""
    search = decode_search(c.runtime.services.activities.places, args_of(c.incoming.data))
    if search is None:
        await choice_expired(c)
        return
    await c.update(await page_reply(c.runtime, c.t, search))


async def page_reply(runtime: Runtime, t: Translator, search: Search) -> Reply:
    """Search and render one page; a first page counts as a search (anonymously)."""
    if search.page == 0:
        await runtime.services.counts.bump("activity_searches")  # anonymous: no person in it
    page = await runtime.services.activities.search(search.query())
    return results_reply(t, search, page)


def register(journeys: Journeys) -> None:
    journeys.choice(Prefix.ACT_FILTERS, on_filters)
    journeys.choice(Prefix.ACT_SEARCH, on_results)
