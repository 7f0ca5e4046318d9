"""Activities nearby, the resident's side: where → filters → nearest first → details → remind.

Browsing stores nothing: the place and the filters of a search ride along in the
buttons (``af:``/``as:`` callback data), so people who have not agreed to the
privacy text can look around, a restart strands nobody, and an old list keeps
working. Only "Remind me" stores something, and it asks for consent first.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import UTC, datetime
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
from bot.i18n import N_, Translator
from bot.persistence import CONVERSATION_TIMEOUT
from bot.services.activities.catalog import PAGE_SIZE, Activity, Hit, SearchPage, SearchQuery, When
from bot.services.activities.kinds import KIND_LABELS, Kind
from bot.services.activities.reminders import Added
from bot.services.callme.requests import Topic
from bot.services.care.schedule import time_text
from bot.services.places.geo import POSTCODE_LIKE, Place, format_distance, parse_postcode
from bot.services.residents import Status
from bot.services.roles import Role
from bot.services.understanding.reader import Meaning, understand
from handlers.auth import has_role
from handlers.callme.request import call_me_button_data
from handlers.common import (
    edit_text,
    is_consented,
    messages_stopped,
    send_long,
    send_with_menu,
    split_message,
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
MAX_REMINDERS_SHOWN = 100  # Telegram allows at most 100 buttons under one message
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

    def _args(self) -> tuple[str, str, str, str]:
        kind = self.kind.value if self.kind else "all"
        return self.origin.token, kind, self.when.value, "1" if self.free_only else "0"

    def filters_data(self) -> str:
        return encode(Prefix.ACT_FILTERS, *self._args())

    def results_data(self, page: int = 0) -> str:
        return encode(Prefix.ACT_SEARCH, *self._args(), str(page))

    def query(self) -> SearchQuery:
        return SearchQuery(
            self.origin.lat, self.origin.lon, self.kind, self.when, self.free_only, self.page
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
    origin = decode_origin(ctx, args[0])
    if origin is None:
        return None
    kind = None if args[1] == "all" else Kind(args[1])
    page = int(args[4]) if len(args) > 4 else 0
    return Search(origin, kind, When(args[2]), args[3] == "1", page)


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
        rows.append([_my_reminders_button(t)])
    if await has_role(update, ctx, Role.COORDINATOR):
        from handlers.activities.admin import manage_button

        rows.append([manage_button(t)])
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
    from handlers.care.answers import typed_checkin_answer
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
    """Confirm the place (bringing back the menu), then offer the filters."""
    chat = update.effective_chat
    if chat is None:
        return
    _forget_where(ctx)
    await send_with_menu(update, ctx, note)
    search = Search(origin)
    await ctx.bot.send_message(
        chat.id, _filters_text(ctx.t, search), reply_markup=_filters_keyboard(ctx.t, search)
    )


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
        + t._("What kind of activity, and when? Choose if you like. Then tap “🔎 Show activities”.")
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
        [InlineKeyboardButton(t._("🔎 Show activities"), callback_data=search.results_data())],
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


def when_text(t: Translator, moment: datetime, all_day: bool, *, short: bool = False) -> str:
    if all_day:
        return t._("%(day)s (all day)", day=t.day(moment, short=short))
    return t.datetime(moment, short=short)


def cost_text(t: Translator, free: bool, price: str) -> str:
    return t._("free") if free else html.escape(price)


def render_results(
    t: Translator, search: Search, page: SearchPage
) -> tuple[str, InlineKeyboardMarkup]:
    """The text and buttons of one page of results (also what the benchmark times)."""
    kind = t._(KIND_LABELS[search.kind]) if search.kind else t._("✨ Everything")
    lines = [
        heading(t, search.origin),
        t._("%(kind)s · %(when)s", kind=kind, when=t._(WHEN_LABELS[search.when]))
        + (" · " + t._("only free") if search.free_only else ""),
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
                    callback_data=encode(Prefix.ACT_DETAILS, str(hit.id)),
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
    return t._(
        "%(number)s. <b>%(title)s</b> – %(distance)s\n     %(when)s · %(place)s · %(cost)s\n",
        number=number,
        title=html.escape(hit.title(t.language)),
        distance=format_distance(hit.distance_m, t.locale),
        when=when_text(t, hit.starts_at, hit.all_day, short=True),
        place=html.escape(hit.place_name),
        cost=cost_text(t, hit.free, hit.price),
    )


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
    if search.page == 0:
        await ctx.services.counts.bump("activity_searches")  # anonymous: no person in it
    page = await ctx.services.activities.search(search.query())
    text, keyboard = render_results(ctx.t, search, page)
    await edit_text(query, text, keyboard)


# --------------------------------------------------------------------------- details


async def on_details(update: Update, ctx: SamenContext) -> None:
    """ad:<id>: everything about one activity, with a pin on the map."""
    query = update.callback_query
    if query is None:
        return
    activity_id = int(args_of(query.data)[0])
    await show_details(update, ctx, activity_id)


async def show_details(
    update: Update, ctx: SamenContext, activity_id: int, *, answered: bool = False
) -> None:
    """The pin, then the text and buttons; ``answered``: the button press was answered."""
    query = None if answered else update.callback_query
    chat = update.effective_chat
    if chat is None:
        return
    coordinator = await has_role(update, ctx, Role.COORDINATOR)
    activity = await ctx.services.activities.get(activity_id)
    if activity is None or (activity.hidden_by is not None and not coordinator):
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
    text, keyboard = await details(ctx, activity, coordinator)
    await ctx.bot.send_message(chat.id, text, reply_markup=keyboard)


async def details(
    ctx: SamenContext, activity: Activity, coordinator: bool
) -> tuple[str, InlineKeyboardMarkup]:
    t = ctx.t
    data = activity.data
    upcoming = await ctx.services.activities.upcoming(activity.id, limit=4)
    lines = [f"<b>{html.escape(activity.title(t.language))}</b>", t._(KIND_LABELS[data.kind])]
    description = activity.description(t.language)
    if description:
        lines += ["", html.escape(description)]
    lines.append("")
    if upcoming:
        first = upcoming[0]
        when = when_text(t, first.starts_at, data.schedule.all_day)
        if not data.schedule.all_day:
            when += "–" + t.time(first.ends_at)
        lines.append(t._("🕒 Next time: %(when)s", when=when))
        if len(upcoming) > 1:
            later = ", ".join(
                when_text(t, o.starts_at, data.schedule.all_day, short=True) for o in upcoming[1:]
            )
            lines.append(t._("     After that: %(dates)s", dates=later))
    else:
        lines.append(t._("🕒 No date planned in the coming weeks."))
    place = ", ".join(p for p in (data.place_name, data.address) if p)
    lines += [
        t._("📍 %(place)s", place=html.escape(place)),
        t._("💶 %(cost)s", cost=cost_text(t, data.free, data.price)),
        t._("👥 Organised by %(organiser)s", organiser=html.escape(data.organiser)),
    ]
    if data.phone:
        lines.append(t._("📞 %(phone)s", phone=html.escape(data.phone)))
    if data.website:
        lines.append(t._("🌐 %(website)s", website=html.escape(data.website)))
    lines.append(
        t._("♿ Wheelchair accessible: yes")
        if data.wheelchair
        else t._("♿ Wheelchair accessible: no")
    )
    lines.append(t._("🦻 Hearing loop: yes") if data.hearing_loop else t._("🦻 Hearing loop: no"))
    rows: list[list[InlineKeyboardButton]] = []
    now = ctx.runtime.clock()
    remindable = next((o for o in upcoming if o.starts_at > now), None)
    if remindable is not None and activity.hidden_by is None:
        rows.append([remind_button(t._("🔔 Remind me"), activity.id, remindable.starts_at)])
    rows.append(
        [
            InlineKeyboardButton(
                t._("🤝 I'd rather not go alone"),
                callback_data=encode(Prefix.ACT_ALONE, str(activity.id)),
            )
        ]
    )
    if coordinator:
        from handlers.activities.admin import admin_lines, admin_rows

        history = await ctx.services.activities.history(activity.id, limit=1)
        lines += ["", *admin_lines(t, activity, history[0] if history else None)]
        rows += admin_rows(t, activity)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


# --------------------------------------------------------------------------- remind me


def remind_button(label: str, activity_id: int, starts_at: datetime) -> InlineKeyboardButton:
    """ar:<id>:<start in minutes since 1970>: a reminder for this one occurrence."""
    minutes = int(starts_at.timestamp()) // 60
    return InlineKeyboardButton(
        label, callback_data=encode(Prefix.ACT_REMIND, str(activity_id), str(minutes))
    )


def _my_reminders_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        t._("🔔 My reminders"), callback_data=encode(Prefix.ACT_REMINDERS, "list")
    )


async def on_remind(update: Update, ctx: SamenContext) -> None:
    """ar:<id>:<start>: remind me (consent needed: this is the first thing stored)."""
    query = update.callback_query
    if query is None:
        return
    t = ctx.t
    activity_id, minutes = (int(a) for a in args_of(query.data))
    resident = ctx.resident
    if resident is None or not is_consented(ctx):
        await query.answer()
        await ctx.bot.send_message(
            query.from_user.id,
            t._(
                "For a reminder, Samen has to store something about you: "
                "who you are and which activity. That needs your consent first. "
                "Browsing activities works without it."
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            t._("🔒 Read the privacy text"),
                            callback_data=encode(Prefix.PRIVACY, "show"),
                        )
                    ]
                ]
            ),
        )
        return
    if resident.status is Status.STOPPED:
        await query.answer()
        await send_with_menu(
            update,
            ctx,
            t._(
                "You have stopped all messages from Samen, so I cannot send a reminder. "
                "You can turn messages on again under “📋 My data”."
            ),
        )
        return
    starts_at = datetime.fromtimestamp(minutes * 60, tz=UTC)
    lead = ctx.runtime.settings.reminder_lead
    outcome, remind_at = await ctx.services.reminders.add(
        resident.telegram_id, activity_id, starts_at, lead
    )
    if outcome is Added.ADDED:
        await ctx.services.counts.bump("activity_reminders")
    await query.answer(t._("Reminder set.") if outcome is Added.ADDED else None)
    rows = [[_my_reminders_button(t)]]
    if outcome is Added.ADDED:
        text = t._("🔔 Fine! Your reminder comes %(moment)s.", moment=t.datetime(remind_at))
        if remind_at != starts_at - lead:
            text += "\n\n" + _moved_out_of_quiet_hours(ctx, remind_at < starts_at - lead)
    elif outcome is Added.ALREADY:
        text = t._("You already have a reminder for this.")
    elif outcome is Added.TOO_LATE:
        text = t._(
            "This starts soon, at %(time)s, so a reminder would come too late.",
            time=t.time(starts_at),
        )
        offer = await _next_remindable(ctx, activity_id, after=starts_at)
        if offer is not None:
            text += "\n\n" + offer[0]
            rows.insert(0, [offer[1]])
    else:
        text = t._("This date is no longer planned. Please look at the activity again.")
    await ctx.bot.send_message(resident.telegram_id, text, reply_markup=InlineKeyboardMarkup(rows))


def _moved_out_of_quiet_hours(ctx: SamenContext, earlier: bool) -> str:
    """Why a reminder comes at another time than usual: quiet hours."""
    quiet = ctx.services.reminders.policy.quiet
    start, end = time_text(quiet.start), time_text(quiet.end)
    if earlier:
        return ctx.t._(
            "That is earlier than usual: between %(start)s and %(end)s Samen sends nothing.",
            start=start,
            end=end,
        )
    return ctx.t._(
        "That is later than usual: between %(start)s and %(end)s Samen sends nothing.",
        start=start,
        end=end,
    )


async def _next_remindable(
    ctx: SamenContext, activity_id: int, after: datetime
) -> tuple[str, InlineKeyboardButton] | None:
    """The next time of this activity that a reminder can still reach, as text and button."""
    activity = await ctx.services.activities.get(activity_id)
    if activity is None or activity.hidden_by is not None:
        return None
    lead = ctx.runtime.settings.reminder_lead
    for occurrence in await ctx.services.activities.upcoming(activity_id, limit=4):
        start = occurrence.starts_at
        if start > after and ctx.services.reminders.moment(start, lead) is not None:
            when = when_text(ctx.t, start, activity.data.schedule.all_day)
            button = InlineKeyboardButton(
                ctx.t._("🔔 Remind me next time"),
                callback_data=encode(
                    Prefix.ACT_REMIND, str(activity_id), str(int(start.timestamp()) // 60)
                ),
            )
            return ctx.t._("The next time is %(when)s.", when=when), button
    return None


async def on_reminders(update: Update, ctx: SamenContext) -> None:
    """al:list: this person's reminders, each with a cancel button."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await show_reminders(update, ctx, edit=False)


async def show_reminders(update: Update, ctx: SamenContext, *, edit: bool) -> None:
    t = ctx.t
    user = update.effective_user
    if user is None:
        return
    if ctx.resident is None:
        await send_with_menu(update, ctx, t._("You have no reminders."))
        return
    reminders = await ctx.services.reminders.pending(user.id)
    keyboard: InlineKeyboardMarkup | None = None
    if not reminders:
        text = t._("You have no reminders.")
    else:
        lines = [t._("<b>Your reminders</b>"), ""]
        rows = []
        for number, reminder in enumerate(reminders[:MAX_REMINDERS_SHOWN], start=1):
            lines.append(
                t._(
                    "%(number)s. %(title)s – %(when)s",
                    number=number,
                    title=html.escape(reminder.title(t.language)),
                    when=when_text(t, reminder.starts_at, reminder.all_day, short=True),
                )
            )
            rows.append(
                [
                    InlineKeyboardButton(
                        t._("❌ Cancel reminder %(number)s", number=number),
                        callback_data=encode(Prefix.ACT_REMINDER_CANCEL, str(reminder.id)),
                    )
                ]
            )
        if len(reminders) > MAX_REMINDERS_SHOWN:
            lines += [
                "",
                t._(
                    "… and %(n)s more. They appear here when the first ones have passed.",
                    n=len(reminders) - MAX_REMINDERS_SHOWN,
                ),
            ]
        if messages_stopped(ctx):
            lines += [
                "",
                t._(
                    "Your messages are stopped, so these reminders are not sent. "
                    "You can start messages again under “📋 My data”."
                ),
            ]
        text = "\n".join(lines)
        keyboard = InlineKeyboardMarkup(rows)
    query = update.callback_query
    if edit and query is not None and len(split_message(text)) == 1:
        await edit_text(query, text, keyboard)
    else:
        await send_long(ctx, user.id, text, reply_markup=keyboard)


async def on_cancel_reminder(update: Update, ctx: SamenContext) -> None:
    """ax:<id>: cancel one of my own reminders (someone else's id finds nothing)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    cancelled = await ctx.services.reminders.cancel(user.id, int(args_of(query.data)[0]))
    if cancelled is None:
        await button_expired(update, ctx)
        return
    await query.answer(ctx.t._("Reminder cancelled."))
    await show_reminders(update, ctx, edit=True)


# --------------------------------------------------------------------------- not alone


async def on_not_alone(update: Update, ctx: SamenContext) -> None:
    """aa:<id>: "I'd rather not go alone"."""
    query = update.callback_query
    if query is None:
        return
    activity = await ctx.services.activities.get(int(args_of(query.data)[0]))
    if activity is None:
        await button_expired(update, ctx)
        return
    await query.answer()
    await rather_not_go_alone(update, ctx, activity)


async def rather_not_go_alone(update: Update, ctx: SamenContext, activity: Activity) -> None:
    """Offer a call from a volunteer about going (a call-back request with the topic
    "activities"), and the organiser's contact: they can say what to expect, or have
    someone meet the person at the door."""
    t = ctx.t
    data = activity.data
    lines = [
        t._(
            "That is very understandable. Many people feel that way the first time.\n\n"
            "A volunteer can call you to talk about it, and maybe find someone to go with you. "
            "You can also get in touch with the organiser, %(organiser)s. They can tell you "
            "what to expect, and often someone can meet you at the door.",
            organiser=html.escape(data.organiser),
        )
    ]
    if data.phone:
        lines.append(t._("📞 %(phone)s", phone=html.escape(data.phone)))
    if data.website:
        lines.append(t._("🌐 %(website)s", website=html.escape(data.website)))
    if not data.phone and not data.website:
        lines.append(t._("The organiser has not given a phone number or website."))
    chat = update.effective_chat
    if chat is None:
        return
    await ctx.bot.send_message(
        chat.id,
        "\n".join(lines),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        t._("📞 Yes, a volunteer may call me"),
                        callback_data=call_me_button_data(Topic.ACTIVITIES),
                    )
                ]
            ]
        ),
    )


# --------------------------------------------------------------------------- registration


def activity_handlers() -> list[BaseHandler[Update, SamenContext, object]]:
    """Buttons, shared locations and typed postcodes; before the general text handler."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    from handlers.activities.admin import admin_handlers

    return [
        CallbackQueryHandler(on_neighbourhood, pattern=matches(Prefix.ACT_PLACE)),
        CallbackQueryHandler(on_filters, pattern=matches(Prefix.ACT_FILTERS)),
        CallbackQueryHandler(on_results, pattern=matches(Prefix.ACT_SEARCH)),
        CallbackQueryHandler(on_details, pattern=matches(Prefix.ACT_DETAILS)),
        CallbackQueryHandler(on_remind, pattern=matches(Prefix.ACT_REMIND)),
        CallbackQueryHandler(on_not_alone, pattern=matches(Prefix.ACT_ALONE)),
        CallbackQueryHandler(on_reminders, pattern=matches(Prefix.ACT_REMINDERS)),
        CallbackQueryHandler(on_cancel_reminder, pattern=matches(Prefix.ACT_REMINDER_CANCEL)),
        *admin_handlers(),
        MessageHandler(private & filters.LOCATION, on_location),
        MessageHandler(
            private & filters.TEXT & ~filters.COMMAND & filters.Regex(POSTCODE_LIKE), on_postcode
        ),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, typed_where),
    ]
