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
from bot.i18n import Translator
from bot.persistence import CONVERSATION_TIMEOUT
from bot.services.activities.catalog import SearchPage
from bot.services.places.geo import POSTCODE_LIKE, parse_postcode
from bot.services.roles import Role
from bot.services.understanding.reader import Meaning, understand
from handlers.activities.admin import admin_handlers
from handlers.activities.browse import Origin as Origin
from handlers.activities.browse import Search as Search
from handlers.activities.browse import (
    decode_origin,
    decode_search,
    location_origin,
    page_reply,
    results_reply,
)
from handlers.activities.details import details_reply, manage_choice
from handlers.activities.reminders import my_reminders
from handlers.auth import has_role
from handlers.common import (
    is_consented,
    send_with_menu,
)
from handlers.context import SamenContext
from handlers.expired import button_expired
from handlers.keyboards import MAX_LABEL, MENU_LABELS, MenuAction, menu_action

# user_data (in memory, never stored): when Samen asked this person where to look.
_ASKED_WHERE = "activities_asked_where"

T = TypeVar("T")


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
    origin = decode_origin(ctx.services.activities.places, "n" + args_of(query.data)[0])
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
    check-in, goes where it belongs, as does any text once the
    question is closed.
    """
    from handlers.care.answers import typed_checkin_answer
    from handlers.listen import answer_typed
    from handlers.menu import on_text

    text = update.message.text if update.message and update.message.text else ""
    label = len(text) <= MAX_LABEL and menu_action(ctx.bot_data.menu_index, text) is not None
    if label or not _asked_where(ctx):
        _forget_where(ctx)
        await on_text(update, ctx)
        return
    if await typed_checkin_answer(update, ctx):
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


# --------------------------------------------------------------------------- results


def render_results(
    t: Translator, search: Search, page: SearchPage
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of results for the PTB handlers still here (and handlers.listen)."""
    reply = results_reply(t, search, page)
    return reply.text, inline_keyboard(reply)


async def results_page(
    ctx: SamenContext, search: Search
) -> tuple[str, InlineKeyboardMarkup | None]:
    reply = await page_reply(ctx.runtime, ctx.t, search)
    return reply.text, inline_keyboard(reply)


# --------------------------------------------------------------------------- details


async def on_details(update: Update, ctx: SamenContext) -> None:
    """ad:<id>[:<search>]: everything about one activity, with a pin on the map; from a
    list of results, with a way back to that list."""
    query = update.callback_query
    if query is None:
        return
    args = args_of(query.data)
    back = decode_search(ctx.services.activities.places, args[1:]) if len(args) > 1 else None
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
        CallbackQueryHandler(on_details, pattern=matches(Prefix.ACT_DETAILS)),
        *admin_handlers(),
        MessageHandler(private & filters.LOCATION, on_location),
        MessageHandler(
            private & filters.TEXT & ~filters.COMMAND & filters.Regex(POSTCODE_LIKE), on_postcode
        ),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, typed_where),
    ]
