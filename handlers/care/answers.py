"""Answers to a check-in: by button or typed, and what Samen says back.

A good day gets a kind word; a so-so day one activity nearby this week; a bad day
who can help and a call; a very bad day 113 and 112 first. Typed answers ("goed",
"niet zo goed", 🙁) soon after a check-in count as its answer.
"""

from __future__ import annotations

import contextlib
import html
from datetime import datetime

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    ConversationHandler,
)

from bot.buttons import Prefix, args_of, encode, matches
from bot.i18n import N_, Translator
from bot.services.activities.catalog import Hit, SearchQuery, When
from bot.services.care.checkins import Answer
from bot.services.care.moods import (
    MOOD_LABELS,
    Mood,
    mood_from_text,
    render_checkin,
    slot_from_code,
)
from bot.services.places.geo import parse_postcode
from handlers.activities.texts import when_text
from handlers.callme.request import call_me_button_data
from handlers.common import send_with_menu
from handlers.context import SamenContext
from handlers.expired import button_expired
from handlers.helplines import crisis_help, desk_help
from handlers.keyboards import MENU_LABELS, MenuAction

END = ConversationHandler.END


KIND_WORDS = (
    N_("That is good to hear! Enjoy your day."),
    N_("How nice! Thank you for letting me know."),
    N_("Good to hear. Take care of yourself today."),
)


async def on_mood(update: Update, ctx: SamenContext) -> None:
    """mood:<slot>:<mood>, a button under a check-in."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    code, value = args_of(query.data)
    slot = slot_from_code(code)
    answer = await ctx.services.checkins.answer(user.id, slot, Mood(value))
    if answer is None:  # not this person's check-in, or forged
        await button_expired(update, ctx)
        return
    await query.answer()
    if query.message is not None:
        await _show_choice(ctx, query.message.message_id, slot, answer.mood)
    await ctx.services.safety_net.resident_answered(user.id, slot)
    await _respond(update, ctx, answer)


async def typed_checkin_answer(update: Update, ctx: SamenContext) -> bool:
    """A typed "goed", "niet zo goed" or 🙁 soon after a check-in is its answer."""
    message = update.message
    if message is None or not message.text or ctx.resident is None:
        return False
    mood = mood_from_text(message.text)
    if mood is None:
        return False
    checkins = ctx.services.checkins
    me = ctx.resident.telegram_id
    slot = await checkins.awaiting_answer(me)
    if slot is None:
        return False
    answer = await checkins.answer(me, slot, mood)
    if answer is None:
        return False
    message_id = await checkins.checkin_message_id(me, slot)
    if message_id is not None:
        await _show_choice(ctx, message_id, slot, mood)
    await ctx.services.safety_net.resident_answered(me, slot)
    await _respond(update, ctx, answer)
    return True


async def _show_choice(ctx: SamenContext, message_id: int, slot: datetime, mood: Mood) -> None:
    """Turn the check-in into its question and the chosen answer, without buttons.

    The answer stays on screen ("You chose: 😐 So-so"), so the person sees what
    Samen heard instead of buttons that just vanish.
    """
    if ctx.resident is None:
        return
    me = ctx.resident.telegram_id
    question = render_checkin(ctx.t, ctx.resident.first_name, me, slot).text
    chosen = ctx.t._("You chose: %(answer)s", answer=ctx.t._(MOOD_LABELS[mood]))
    with contextlib.suppress(BadRequest):  # too old to edit, or already showing it
        await ctx.bot.edit_message_text(
            question + "\n\n" + chosen, chat_id=me, message_id=message_id, reply_markup=None
        )


async def _respond(update: Update, ctx: SamenContext, answer: Answer) -> None:
    """The reply fits how they feel: the stronger the signal, the more direct the help.

    🙂 a warm word; 😐 warmth and one suggestion; 🙁 a call now and the social work
    desk; 😢 113 and 112 first, then the call. Crisis lines appear only for 😢, so
    someone who answers "so-so" every day is not shown a suicide line every day.
    """
    t = ctx.t
    parts: list[str] = []
    if answer.mood is Mood.VERY_BAD:
        parts.append(crisis_help(ctx))
    if not answer.first:
        parts.append(t._("You already answered this check-in. Thank you!"))
    elif answer.late:
        parts.append(t._("Thank you, good to hear from you."))
    if answer.task_cancelled:
        parts.append(t._("We told the volunteers you are fine, so nobody will call you for this."))
    elif answer.task_open:
        parts.append(
            t._(
                "A volunteer may still call you, just to check. "
                "That is fine: you can tell them how you are."
            )
        )
    if answer.mood is Mood.GOOD:
        if answer.first:
            pick = update.update_id % len(KIND_WORDS)
            parts.append(t._(KIND_WORDS[pick]))
        await send_with_menu(update, ctx, "\n\n".join(parts))
        return
    help_parts, button = await _help_for(ctx, answer.mood)
    assert ctx.resident is not None
    await ctx.bot.send_message(
        ctx.resident.telegram_id,
        "\n\n".join(parts + help_parts),
        reply_markup=InlineKeyboardMarkup([[button]]),
    )


async def _help_for(ctx: SamenContext, mood: Mood) -> tuple[list[str], InlineKeyboardButton]:
    """The words and the one button for 😐, 🙁 and 😢 (crisis lines come before these)."""
    t = ctx.t
    if mood is Mood.OKAY:
        suggestion, button = await _one_suggestion(ctx)
        return [t._("Thank you for telling me. Some days are like that."), suggestion], button
    call = t._("Would you like to talk to someone? A volunteer can call you.")
    if mood is Mood.BAD:
        sorry = t._("Thank you for telling me. I am sorry you are not feeling well.")
        return [sorry, call, desk_help(ctx)], call_me_button(t)
    sorry = t._(
        "Thank you for telling me. I am sorry it is so hard right now. "
        "You do not have to carry this alone."
    )
    return [sorry, call], call_me_button(t)


def call_me_button(t: Translator) -> InlineKeyboardButton:
    """The start of the call-back journey, as a button under an answer."""
    return InlineKeyboardButton(
        t._(MENU_LABELS[MenuAction.CALL_ME]), callback_data=call_me_button_data()
    )


async def _one_suggestion(ctx: SamenContext) -> tuple[str, InlineKeyboardButton]:
    """For 😐: an activity this week near their postcode, or else the offer of a call."""
    t = ctx.t
    hit = await _nearby_this_week(ctx)
    if hit is None:
        return t._("Would you like a chat? A volunteer can call you."), call_me_button(t)
    text = t._(
        "Maybe something for this week, close to you:\n<b>%(title)s</b>\n%(when)s · %(place)s",
        title=html.escape(hit.title(t.language)),
        when=when_text(t, hit.starts_at, hit.all_day, short=True),
        place=html.escape(hit.place_name),
    )
    button = InlineKeyboardButton(
        t._("🔎 Tell me more"), callback_data=encode(Prefix.ACT_DETAILS, str(hit.id))
    )
    return text, button


async def _nearby_this_week(ctx: SamenContext) -> Hit | None:
    """The nearest activity this week around the postcode they gave under “My data”."""
    area = ctx.resident.postcode_area if ctx.resident is not None else None
    code = parse_postcode(area) if area else None
    activities = ctx.services.activities
    place = activities.places.postcode(code) if code else None
    if place is None:
        return None
    page = await activities.search(SearchQuery(place.lat, place.lon, when=When.WEEK))
    return page.hits[0] if page.hits else None


async def left_for_menu(update: Update, ctx: SamenContext, text: str) -> object | None:
    """A typed check-in answer while Samen waited for typing: leave, and take it. (A menu
    tap never comes here: the journeys' handler takes it first and ends the wait.)"""
    if await typed_checkin_answer(update, ctx):
        return END
    return None


def mood_handler() -> CallbackQueryHandler[SamenContext, None]:
    return CallbackQueryHandler(on_mood, pattern=matches(Prefix.MOOD))
