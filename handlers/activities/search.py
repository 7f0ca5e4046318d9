"""Activities nearby, the resident's side: where → soonest nearby first → details → remind.

Results come first; the filters (kind, when, free, young people's too) are one tap
away under them, and an activity's details lead back to the list. Browsing stores
nothing: the place and the filters of a search ride along in the buttons
(``af:``/``as:``/``ad:`` callback data), so people who have not agreed to the
privacy text can look around, a restart strands nobody, and an old list keeps
working. Only "Remind me" stores something, and it asks for consent first.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.buttons import Prefix, args_of, encode, matches
from bot.channels.telegram.render import inline_keyboard
from bot.chat.message import Choice
from bot.i18n import N_, Translator
from bot.persistence import CONVERSATION_TIMEOUT
from bot.services.activities.catalog import PAGE_SIZE, Hit, SearchPage, SearchQuery, When
from bot.services.activities.kinds import AUDIENCE_LABELS, KIND_LABELS, Audience, Kind
from bot.services.places.geo import POSTCODE_LIKE, Place, format_distance, parse_postcode
from bot.services.roles import Role
from bot.services.understanding.reader import Meaning, understand
from handlers.activities.admin import admin_handlers
from handlers.activities.details import details_reply, manage_choice
from handlers.activities.reminders import my_reminders
from handlers.activities.texts import cost_text, when_text
from handlers.auth import has_role
from handlers.common import (
    edit_text,
    is_consented,
    send_with_menu,
)
from handlers.context import SamenContext
from handlers.expired import button_expired
from handlers.keyboards import MAX_LABEL, MENU_LABELS, MenuAction, menu_action

# user_data (in memory, never stored): when Samen asked this person where to look.
_ASKED_WHERE = "activities_asked_where"

WHEN_LABELS: dict[When, str] = {
    When.TODAY: N_("Today"),
    When.WEEK: N_("This week"),
    When.ANY: N_("Any time"),
}
_TITLE_IN_BUTTON = 48
MAX_PAGES = 100  # 500 activities nearest first is more than anyone pages through
T = TypeVar("T")


# --------------------------------------------------------------------------- search state


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


def decode_origin(ctx: SamenContext, token: str) -> Origin | None:
    places = ctx.services.activities.places
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


def decode_search(ctx: SamenContext, args: tuple[str, ...]) -> Search | None:
    """<origin>:<kind|all>:<when>:<flags>[:<page>]; flags: 1 only free, 2 all ages."""
    origin = decode_origin(ctx, args[0])
    if origin is None:
        return None
    kind = None if args[1] == "all" else Kind(args[1])
    flags = int(args[3])
    page = int(args[4]) if len(args) > 4 else 0
    return Search(origin, kind, When(args[2]), bool(flags & 1), page, bool(flags & 2))


# --------------------------------------------------------------------------- entry


async def show_activities(update: Update, ctx: SamenContext) -> None:
    """The menu button: ask where to look (location, postcode, or a neighbourhood)."""
    chat = update.effective_chat
    if chat is None:
        return
    t = ctx.t
    if ctx.user_data is not None:
        ctx.user_data[_ASKED_WHERE] = ctx.runtime.clock()
    await ctx.bot.send_message(
        chat.id,
        t._(
            "<b>Activities nearby</b> 🔎\n\n"
            "Where shall I look?\n"
            "• Tap “📍 Share my location” below.\n"
            "• Or type your postcode, for example 2101 AB.\n"
            "• Or choose a neighbourhood."
        ),
        reply_markup=ReplyKeyboardMarkup(
            [
                [KeyboardButton(t._("📍 Share my location"), request_location=True)],
                [KeyboardButton(t._(MENU_LABELS[MenuAction.BACK]))],
            ],
            resize_keyboard=True,
            input_field_placeholder=t._("For example 2101 AB"),
        ),
    )
    places = ctx.services.activities.places.neighbourhoods
    rows = pairs(
        [
            InlineKeyboardButton(place.name, callback_data=encode(Prefix.ACT_PLACE, place.key))
            for place in places
        ]
    )
    if is_consented(ctx):
        mine = my_reminders(t)
        rows.append([InlineKeyboardButton(mine.label, callback_data=mine.data)])
    if await has_role(update, ctx, Role.COORDINATOR):
        manage = manage_choice(t)
        rows.append([InlineKeyboardButton(manage.label, callback_data=manage.data)])
    if rows:
        await ctx.bot.send_message(
            chat.id, t._("Choose a neighbourhood:"), reply_markup=InlineKeyboardMarkup(rows)
        )


def pairs(items: list[T]) -> list[list[T]]:
    """Buttons two to a row: big enough to tap, few enough rows to see at once."""
    return [items[i : i + 2] for i in range(0, len(items), 2)]


async def on_location(update: Update, ctx: SamenContext) -> None:
    """A shared location (the reply-keyboard button, or the paperclip): search there."""
    message = update.message
    if message is None or message.location is None:
        return
    origin = location_origin(message.location.latitude, message.location.longitude)
    await _start_search(update, ctx, origin, ctx.t._("Thank you! I will look near you."))


async def on_neighbourhood(update: Update, ctx: SamenContext) -> None:
    """ap:<key>: search in a neighbourhood from data/neighbourhoods.csv."""
    query = update.callback_query
    if query is None:
        return
    origin = decode_origin(ctx, "n" + args_of(query.data)[0])
    if origin is None or origin.place is None:
        await button_expired(update, ctx)
        return
    await query.answer()
    note = ctx.t._("I will look in and near %(place)s.", place=html.escape(origin.place.name))
    await _start_search(update, ctx, origin, note)


async def on_postcode(update: Update, ctx: SamenContext) -> None:
    """Text that looks like a postcode: '2101', '2101 AB', '2101ab' (and typos of them)."""
    message = update.message
    if message is None or message.text is None:
        return
    t = ctx.t
    code = parse_postcode(message.text)
    if code is None:
        await send_with_menu(
            update,
            ctx,
            t._(
                "That is not a postcode. A postcode has 4 digits, "
                "and often 2 letters: for example 2101 or 2101 AB."
            ),
        )
        return
    place = ctx.services.activities.places.postcode(code)
    if place is None:
        places = ctx.services.activities.places.postcode_places
        await send_with_menu(
            update,
            ctx,
            t._(
                "I do not know postcode %(postcode)s. Samen knows the postcodes of "
                "%(places)s. Try a postcode there, or share your location.",
                postcode=html.escape(str(code)),
                places=html.escape(", ".join(places)),
            ),
        )
        return
    origin = Origin("p" + code.digits, place.lat, place.lon, place)
    await _start_search(
        update, ctx, origin, t._("I will look near postcode %(postcode)s.", postcode=str(code))
    )


def _asked_where(ctx: SamenContext) -> bool:
    """Samen asked this person where to look, and is still waiting for the answer."""
    asked = ctx.user_data.get(_ASKED_WHERE) if ctx.user_data is not None else None
    return isinstance(asked, datetime) and ctx.runtime.clock() - asked < CONVERSATION_TIMEOUT


def _forget_where(ctx: SamenContext) -> None:
    if ctx.user_data is not None:
        ctx.user_data.pop(_ASKED_WHERE, None)


# Typed meanings that go where they belong even while Samen asks where to look.
NOT_ABOUT_A_PLACE = frozenset(
    {Meaning.CRISIS, Meaning.CALL, Meaning.LONELY, Meaning.STOP, Meaning.DELETE}
)


async def typed_where(update: Update, ctx: SamenContext) -> None:
    """Text that is no postcode: while "where shall I look?" is open, it answers that.

    Someone asked for a postcode who types "Heemstede" or "21-01" hears how to
    write a postcode, not "I do not understand". A menu tap, or a typed answer to a
    check-in or self-check, goes where it belongs, as does any text once the
    question is closed.
    """
    from handlers.care.checkins import typed_checkin_answer
    from handlers.care.selfcheck import typed_selfcheck_answer
    from handlers.listen import answer_typed
    from handlers.menu import on_text

    text = update.message.text if update.message and update.message.text else ""
    label = len(text) <= MAX_LABEL and menu_action(ctx.bot_data.menu_index, text) is not None
    if label or not _asked_where(ctx):
        _forget_where(ctx)
        await on_text(update, ctx)
        return
    if await typed_checkin_answer(update, ctx) or await typed_selfcheck_answer(update, ctx):
        return
    if understand(text).meaning in NOT_ABOUT_A_PLACE:
        # "ik wil niet meer leven", "bel mij": never answered with how to write a postcode.
        _forget_where(ctx)
        await answer_typed(update, ctx)
        return
    chat = update.effective_chat
    if chat is not None:
        await ctx.bot.send_message(
            chat.id,
            ctx.t._(
                "To find activities near you, I need to know where you are. "
                "Please type your postcode: 4 digits, and often 2 letters, "
                "for example 2101 AB. Or tap “📍 Share my location”, "
                "or choose a neighbourhood above."
            ),
        )


async def _start_search(update: Update, ctx: SamenContext, origin: Origin, note: str) -> None:
    """Confirm the place (bringing back the menu), then the results straight away:
    the soonest nearby, with the filters one tap away under them."""
    chat = update.effective_chat
    if chat is None:
        return
    _forget_where(ctx)
    await send_with_menu(update, ctx, note)
    text, keyboard = await results_page(ctx, Search(origin))
    await ctx.bot.send_message(chat.id, text, reply_markup=keyboard)


# --------------------------------------------------------------------------- filters


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


def _filters_keyboard(t: Translator, search: Search) -> InlineKeyboardMarkup:
    kinds = [
        InlineKeyboardButton(
            _tick(t._(KIND_LABELS[kind]), search.kind is kind),
            callback_data=replace(search, kind=kind).filters_data(),
        )
        for kind in Kind
    ]
    rows = [
        [InlineKeyboardButton(t._("🔎 Show activities"), callback_data=search.results_data())],
        [
            InlineKeyboardButton(
                _tick(t._("✨ Everything"), search.kind is None),
                callback_data=replace(search, kind=None).filters_data(),
            )
        ],
        *pairs(kinds),
        [
            InlineKeyboardButton(
                _tick(t._(WHEN_LABELS[when]), search.when is when),
                callback_data=replace(search, when=when).filters_data(),
            )
            for when in When
        ],
        [
            InlineKeyboardButton(
                _tick(t._("💶 Only free activities"), search.free_only),
                callback_data=replace(search, free_only=not search.free_only).filters_data(),
            )
        ],
        [
            InlineKeyboardButton(
                _tick(t._("🧑 Also for young people (12-18)"), search.all_ages),
                callback_data=replace(search, all_ages=not search.all_ages).filters_data(),
            )
        ],
    ]
    return InlineKeyboardMarkup(rows)


async def on_filters(update: Update, ctx: SamenContext) -> None:
    """af:…: show the filter choices with the current ones ticked."""
    query = update.callback_query
    if query is None:
        return
    search = decode_search(ctx, args_of(query.data))
    if search is None:
        await button_expired(update, ctx)
        return
    await query.answer()
    await edit_text(query, _filters_text(ctx.t, search), _filters_keyboard(ctx.t, search))


# --------------------------------------------------------------------------- results


def render_results(
    t: Translator, search: Search, page: SearchPage
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of one page of results (also what the benchmark times)."""
    kind = t._(KIND_LABELS[search.kind]) if search.kind else t._("✨ Everything")
    lines = [
        heading(t, search.origin),
        t._("%(kind)s · %(when)s", kind=kind, when=t._(WHEN_LABELS[search.when]))
        + (" · " + t._("only free") if search.free_only else "")
        + (" · " + t._("also for young people") if search.all_ages else ""),
        "",
    ]
    rows: list[list[InlineKeyboardButton]] = []
    first = page.page * PAGE_SIZE + 1
    for number, hit in enumerate(page.hits, start=first):
        lines.append(_hit_line(t, number, hit))
        rows.append(
            [
                InlineKeyboardButton(
                    f"{number}. {_short(hit.title(t.language))}",
                    callback_data=replace(search, page=page.page).details_data(hit.id),
                )
            ]
        )
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
        nav.append(
            InlineKeyboardButton(
                t._("◀️ Previous"), callback_data=search.results_data(page.page - 1)
            )
        )
    if page.has_next and page.page + 1 < MAX_PAGES:
        nav.append(
            InlineKeyboardButton(t._("Next ▶️"), callback_data=search.results_data(page.page + 1))
        )
    if nav:
        rows.append(nav)
    rows.append(
        [InlineKeyboardButton(t._("⚙️ Change choices"), callback_data=search.filters_data())]
    )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


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


async def on_results(update: Update, ctx: SamenContext) -> None:
    """as:…: one page of results, nearest first."""
    query = update.callback_query
    if query is None:
        return
    search = decode_search(ctx, args_of(query.data))
    if search is None:
        await button_expired(update, ctx)
        return
    await query.answer()
    text, keyboard = await results_page(ctx, search)
    await edit_text(query, text, keyboard)


async def results_page(ctx: SamenContext, search: Search) -> tuple[str, InlineKeyboardMarkup]:
    """Search and render one page; a first page counts as a search (anonymously)."""
    if search.page == 0:
        await ctx.services.counts.bump("activity_searches")  # anonymous: no person in it
    page = await ctx.services.activities.search(search.query())
    return render_results(ctx.t, search, page)


# --------------------------------------------------------------------------- details


async def on_details(update: Update, ctx: SamenContext) -> None:
    """ad:<id>[:<search>]: everything about one activity, with a pin on the map; from a
    list of results, with a way back to that list."""
    query = update.callback_query
    if query is None:
        return
    args = args_of(query.data)
    back = decode_search(ctx, args[1:]) if len(args) > 1 else None
    await show_details(update, ctx, int(args[0]), back=back)


async def show_details(
    update: Update,
    ctx: SamenContext,
    activity_id: int,
    *,
    answered: bool = False,
    back: Search | None = None,
) -> None:
    """The pin, then the text and buttons; ``answered``: the button press was answered;
    ``back``: the search it was found in, for a button back to that list."""
    query = None if answered else update.callback_query
    chat = update.effective_chat
    if chat is None:
        return
    activity = await ctx.services.activities.get(activity_id)
    # Coordinators, and a partner for their own sources' activities, see hidden ones too.
    keeper = activity is not None and await ctx.services.partners.may_change(
        chat.id, activity.source
    )
    if activity is None or (activity.hidden_by is not None and not keeper):
        if query is not None:
            await query.answer(ctx.t._("This activity is no longer in the list."))
        await send_with_menu(update, ctx, ctx.t._("Sorry, this activity is no longer in the list."))
        return
    if query is not None:
        await query.answer()
    t = ctx.t
    data = activity.data
    await ctx.bot.send_venue(
        chat.id,
        latitude=data.lat,
        longitude=data.lon,
        title=activity.title(t.language)[:100] or data.place_name,
        address=", ".join(p for p in (data.place_name, data.address) if p)[:200],
    )
    to_list = Choice(ctx.t._("◀️ Back to the list"), back.results_data(back.page)) if back else None
    reply = await details_reply(ctx.t, ctx.runtime, activity, keeper, to_list)
    await ctx.bot.send_message(chat.id, reply.text, reply_markup=inline_keyboard(reply))


# --------------------------------------------------------------------------- registration


def activity_handlers() -> list[BaseHandler[Update, SamenContext, object]]:
    """Buttons, shared locations and typed postcodes; before the general text handler."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

    return [
        CallbackQueryHandler(on_neighbourhood, pattern=matches(Prefix.ACT_PLACE)),
        CallbackQueryHandler(on_filters, pattern=matches(Prefix.ACT_FILTERS)),
        CallbackQueryHandler(on_results, pattern=matches(Prefix.ACT_SEARCH)),
        CallbackQueryHandler(on_details, pattern=matches(Prefix.ACT_DETAILS)),
        *admin_handlers(),
        MessageHandler(private & filters.LOCATION, on_location),
        MessageHandler(
            private & filters.TEXT & ~filters.COMMAND & filters.Regex(POSTCODE_LIKE), on_postcode
        ),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, typed_where),
    ]
