"""Check-ins, the resident's side: set up, change, pause, stop, and answer.

Every step is saved as soon as it is chosen (days, then time, then the safety
net), so a restart or an abandoned set-up loses nothing and the check-in menu
always shows the schedule as it is. Only three steps wait for typing (a time, a
phone number, a date); those are conversation states. Buttons carry what they
choose, and every action re-reads the person's own schedule on the server, so
an old or forged button can do no more than the person could anyway.
"""

from __future__ import annotations

import contextlib
import html
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import format_timedelta, get_day_names
from babel.lists import format_list
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.buttons import Prefix, args_of, encode, matches
from bot.channels.telegram.conversation import TelegramConversation
from bot.i18n import N_, Translator
from bot.services.activities.catalog import Hit, SearchQuery, When
from bot.services.callme.phones import PhoneRefused, display_phone
from bot.services.care.checkins import (
    EVERY_DAY,
    MOOD_LABELS,
    WEEKDAYS,
    Answer,
    Mood,
    QuietHoursError,
    Subscription,
    chosen_days,
    mood_from_text,
    parse_time,
    render_checkin,
    slot_from_code,
    time_text,
)
from bot.services.places.geo import parse_postcode
from bot.when import parse_day
from handlers.activities.search import when_text
from handlers.callme.phone import phone_refusal, shared_phone
from handlers.callme.request import call_me_button_data
from handlers.common import edit_buttons, is_consented, messages_stopped, send_with_menu
from handlers.context import SamenContext
from handlers.conversation import conversation
from handlers.expired import button_expired
from handlers.helplines import crisis_help, desk_help
from handlers.keyboards import MENU_LABELS, MenuAction, menu_action

ASK_TIME = "checkin_time"
ASK_PHONE = "checkin_phone"
ASK_DATE = "checkin_date"
END = ConversationHandler.END

SHARE_NUMBER = N_("📱 Share my phone number")  # the same words as the call-back journey
NOT_NOW = N_("↩️ Not now")

KIND_WORDS = (
    N_("That is good to hear! Enjoy your day."),
    N_("How nice! Thank you for letting me know."),
    N_("Good to hear. Take care of yourself today."),
)


# ---------------------------------------------------------------- texts


def days_text(t: Translator, days: int) -> str:
    if days == EVERY_DAY:
        return t._("every day")
    if days == WEEKDAYS:
        return t._("every weekday")
    names = get_day_names("wide", locale=t.locale)
    return str(format_list([str(names[d]) for d in chosen_days(days)], locale=t.locale))


def schedule_text(ctx: SamenContext, sub: Subscription) -> str:
    """The schedule as it really is: while messages are stopped, no next check-in, no net."""
    t = ctx.t
    stopped = messages_stopped(ctx)
    lines = [t._("<b>Your check-ins</b>"), ""]
    lines.append(t._("• Days: %(days)s", days=days_text(t, sub.days)))
    if sub.local_time is not None:
        lines.append(t._("• Time: %(time)s", time=time_text(sub.local_time)))
    if sub.paused_until is not None:
        lines.append(t._("• On holiday until %(date)s", date=t.day(sub.paused_until)))
    if sub.next_due is not None and not stopped:
        lines.append(t._("• Next check-in: <b>%(moment)s</b>", moment=t.datetime(sub.next_due)))
    if sub.safety_net and sub.phone and stopped:
        lines.append(t._("• Safety net: not working while messages are stopped"))
    elif sub.safety_net and sub.phone:
        lines.append(t._("• Safety net: on (%(phone)s)", phone=display_phone(sub.phone)))
    else:
        lines.append(t._("• Safety net: off"))
    if stopped:
        lines += ["", stopped_text(t)]
    if sub.local_time is not None and ctx.services.checkins.policy.quiet.contains(sub.local_time):
        lines += ["", t._("Your time is now in the quiet hours. Please choose another time.")]
    return "\n".join(lines)


def stopped_text(t: Translator) -> str:
    return t._(
        "You stopped all messages from Samen, so no check-ins are sent and the safety net "
        "does not work. Go to “📋 My data” to start messages again."
    )


def next_checkin_text(ctx: SamenContext, sub: Subscription) -> str:
    """When the next check-in comes, or, while messages are stopped, that none comes."""
    if messages_stopped(ctx) or sub.next_due is None:
        return stopped_text(ctx.t)
    return ctx.t._("Your next check-in: %(moment)s.", moment=ctx.t.datetime(sub.next_due))


def quiet_text(ctx: SamenContext) -> str:
    quiet = ctx.services.checkins.policy.quiet
    return ctx.t._(
        "Between %(start)s and %(end)s Samen sends nothing, so you can rest.",
        start=time_text(quiet.start),
        end=time_text(quiet.end),
    )


def _button(t: Translator, label: str, prefix: Prefix, *args: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t._(label), callback_data=encode(prefix, *args))


def menu_buttons(t: Translator, sub: Subscription) -> InlineKeyboardMarkup:
    rows = [[_button(t, N_("🗓 Change days or time"), Prefix.CHECKIN, "setup")]]
    if sub.safety_net:
        rows.append([_button(t, N_("🛟 Switch the safety net off"), Prefix.CHECKIN, "netoff")])
    else:
        rows.append([_button(t, N_("🛟 Switch the safety net on"), Prefix.CHECKIN, "net")])
    if sub.paused_until is not None:
        rows.append([_button(t, N_("▶️ Start again now"), Prefix.CHECKIN, "resume")])
    else:
        rows.append([_button(t, N_("⏸ Take a break (holiday)"), Prefix.CHECKIN, "pause")])
    rows.append([_button(t, N_("⏹ Stop check-ins"), Prefix.CHECKIN, "stop")])
    rows.append([selfcheck_button(t)])
    return InlineKeyboardMarkup(rows)


def selfcheck_button(t: Translator) -> InlineKeyboardButton:
    """The way to the optional monthly self-check (handlers/care/selfcheck.py)."""
    return _button(t, N_("📝 Monthly self-check"), Prefix.SELFCHECK, "menu")


# ---------------------------------------------------------------- the menu


async def _consented(update: Update, ctx: SamenContext) -> bool:
    """Check-ins store data, so they are only for residents who agreed."""
    if is_consented(ctx):
        return True
    if update.callback_query is not None:
        await button_expired(update, ctx)
    else:
        await send_with_menu(
            update,
            ctx,
            ctx.t._("Check-ins need your agreement first. Tap “🔒 Privacy” below to read it."),
        )
    return False


async def show_checkins(update: Update, ctx: SamenContext) -> object:
    """The "💬 Check-ins" button: the schedule with its next date, or the invitation."""
    if not await _consented(update, ctx) or ctx.resident is None:
        return END
    chat_id = ctx.resident.telegram_id
    sub = await ctx.services.checkins.get(chat_id)
    if sub is None or not sub.complete:
        await ctx.bot.send_message(
            chat_id,
            ctx.t._(
                "<b>Check-ins</b>\n\n"
                "Would you like a short message from Samen on the days you choose? "
                "It asks how you are. You answer with one tap.\n\n"
                "Not doing well? Then Samen shows you who can help."
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    [_button(ctx.t, N_("✅ Yes, I would like that"), Prefix.CHECKIN, "setup")],
                    [selfcheck_button(ctx.t)],
                ]
            ),
        )
        return END
    await ctx.bot.send_message(
        chat_id, schedule_text(ctx, sub), reply_markup=menu_buttons(ctx.t, sub)
    )
    return END


async def on_step(update: Update, ctx: SamenContext) -> object:
    """ci:<step>: every button of the check-in menu and set-up."""
    query = update.callback_query
    if query is None or not await _consented(update, ctx) or ctx.resident is None:
        return END
    (step,) = args_of(query.data)
    me = ctx.resident.telegram_id
    checkins = ctx.services.checkins
    sub = await checkins.get(me)
    needs_schedule = step not in ("menu", "setup", "every", "weekdays", "choose")
    if needs_schedule and (sub is None or not sub.complete):
        await button_expired(update, ctx)
        return END
    await query.answer()
    await _drop_buttons(update)
    t = ctx.t
    if step == "menu":
        return await show_checkins(update, ctx)
    if step == "setup":
        await ctx.bot.send_message(
            me,
            t._("On which days would you like a check-in?"),
            reply_markup=InlineKeyboardMarkup(
                [
                    [_button(t, N_("Every day"), Prefix.CHECKIN, "every")],
                    [_button(t, N_("Monday to Friday"), Prefix.CHECKIN, "weekdays")],
                    [_button(t, N_("Let me choose the days"), Prefix.CHECKIN, "choose")],
                ]
            ),
        )
        return END
    if step in ("every", "weekdays"):
        return await _days_chosen(update, ctx, EVERY_DAY if step == "every" else WEEKDAYS)
    if step == "choose":
        start = sub.days if sub is not None and sub.days not in (EVERY_DAY, WEEKDAYS) else 0
        await ctx.bot.send_message(
            me,
            t._("Tap the days you want. Tap “✅ Done” when you are ready."),
            reply_markup=day_picker(t, start),
        )
        return END
    assert sub is not None
    if step == "net":
        return await _ask_safety_net(update, ctx)
    if step == "netyes":
        return await _ask_phone(update, ctx)
    if step in ("netno", "netoff"):
        sub = await checkins.set_safety_net(me, None) or sub
        if step == "netoff":
            await send_with_menu(
                update, ctx, t._("The safety net is off. Samen deleted your phone number.")
            )
            return END
        return await _confirm(update, ctx, sub)
    if step == "pause":
        await ctx.bot.send_message(
            me,
            t._("How long would you like a break from check-ins?"),
            reply_markup=InlineKeyboardMarkup(
                [
                    [_button(t, N_("1 week"), Prefix.CHECKIN, "pause7")],
                    [_button(t, N_("2 weeks"), Prefix.CHECKIN, "pause14")],
                    [_button(t, N_("📅 Until a date I choose"), Prefix.CHECKIN, "pausedate")],
                ]
            ),
        )
        return END
    if step in ("pause7", "pause14"):
        days = 7 if step == "pause7" else 14
        return await _paused(update, ctx, checkins.today() + timedelta(days=days))
    if step == "pausedate":
        await ctx.bot.send_message(
            me, t._("Until which day? Type for example 24 December, Saturday or 24-12.")
        )
        return ASK_DATE
    if step == "resume":
        sub = await checkins.resume(me)
        await send_with_menu(update, ctx, t._("Welcome back!") + " " + next_checkin_text(ctx, sub))
        return END
    if step == "stop":
        await ctx.bot.send_message(
            me,
            t._("Stop check-ins? Samen deletes your schedule and phone number."),
            reply_markup=InlineKeyboardMarkup(
                [
                    [_button(t, N_("⏹ Yes, stop"), Prefix.CHECKIN, "stopyes")],
                    [_button(t, N_("↩️ No, keep them"), Prefix.CHECKIN, "stopno")],
                ]
            ),
        )
        return END
    if step == "stopyes":
        await checkins.stop(me)
        await send_with_menu(
            update,
            ctx,
            t._("Your check-ins are stopped. Would you like them again later? Tap “💬 Check-ins”."),
        )
        return END
    await send_with_menu(update, ctx, t._("Good, your check-ins stay as they are."))
    return END


def day_picker(t: Translator, days: int) -> InlineKeyboardMarkup:
    names = get_day_names("wide", locale=t.locale)
    rows = [
        [
            InlineKeyboardButton(
                ("✅ " if days & (1 << d) else "") + str(names[d]).capitalize(),
                callback_data=encode(Prefix.CHECKIN_DAYS, "pick", str(days ^ (1 << d))),
            )
        ]
        for d in range(7)
    ]
    if days:
        rows.append([_button(t, N_("✅ Done"), Prefix.CHECKIN_DAYS, "done", str(days))])
    return InlineKeyboardMarkup(rows)


async def on_days(update: Update, ctx: SamenContext) -> object:
    """cid:pick:<mask> toggles a day in the picker; cid:done:<mask> saves the days."""
    query = update.callback_query
    if query is None or not await _consented(update, ctx):
        return END
    action, mask_text = args_of(query.data)
    days = int(mask_text)
    if days > EVERY_DAY or (action == "done" and days == 0):
        await button_expired(update, ctx)
        return END
    await query.answer()
    if action == "pick":
        await edit_buttons(query, day_picker(ctx.t, days))
        return END
    await _drop_buttons(update)
    return await _days_chosen(update, ctx, days)


async def _days_chosen(update: Update, ctx: SamenContext, days: int) -> object:
    assert ctx.resident is not None
    me = ctx.resident.telegram_id
    await ctx.services.checkins.set_days(me, days)
    t = ctx.t
    presets = ctx.services.checkins.policy.presets()
    buttons = [
        InlineKeyboardButton(time_text(p), callback_data=encode(Prefix.CHECKIN_TIME, f"{p:%H%M}"))
        for p in presets
    ]
    await ctx.bot.send_message(
        me,
        t._(
            "Check-ins on %(days)s. At what time? Tap a time, or type one, for example 9:30.",
            days=days_text(t, days),
        )
        + "\n\n"
        + quiet_text(ctx),
        reply_markup=InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)]),
    )
    return ASK_TIME


async def on_time_button(update: Update, ctx: SamenContext) -> object:
    """cit:HHMM, a preset time."""
    query = update.callback_query
    if query is None or not await _consented(update, ctx):
        return END
    hour, minute = args_of(query.data)
    await query.answer()
    await _drop_buttons(update)
    return await _time_chosen(update, ctx, time(int(hour), int(minute)))


async def typed_time(update: Update, ctx: SamenContext) -> object:
    text = update.message.text if update.message and update.message.text else ""
    if (routed := await _left_for_menu(update, ctx, text)) is not None:
        return routed
    at = parse_time(text)
    if at is None:
        await ctx.bot.send_message(
            update.message.chat_id if update.message else 0,
            ctx.t._("I did not understand that time. Please type it like 9:30, or tap a time."),
        )
        return ASK_TIME
    return await _time_chosen(update, ctx, at)


async def _time_chosen(update: Update, ctx: SamenContext, at: time) -> object:
    assert ctx.resident is not None
    me = ctx.resident.telegram_id
    before = await ctx.services.checkins.get(me)
    if before is None:  # stopped in between: start again from the days
        await button_expired(update, ctx)
        return END
    try:
        sub = await ctx.services.checkins.set_time(me, at)
    except QuietHoursError:
        await ctx.bot.send_message(
            me,
            quiet_text(ctx) + " " + ctx.t._("Please choose a time outside those hours."),
        )
        return ASK_TIME
    if before.local_time is None and not sub.safety_net:
        return await _ask_safety_net(update, ctx)
    return await _confirm(update, ctx, sub)


async def _ask_safety_net(update: Update, ctx: SamenContext) -> object:
    assert ctx.resident is not None
    t = ctx.t
    await ctx.bot.send_message(
        ctx.resident.telegram_id,
        safety_net_offer(ctx),
        reply_markup=InlineKeyboardMarkup(
            [
                [_button(t, N_("🛟 Yes, please"), Prefix.CHECKIN, "netyes")],
                [_button(t, N_("No, thank you"), Prefix.CHECKIN, "netno")],
            ]
        ),
    )
    return END


def safety_net_offer(ctx: SamenContext) -> str:
    """What the safety net does, step by step, with the hours this Samen is set to.

    Someone who relies on it must know exactly when a call comes, and that a
    call still comes when no volunteer is on duty (the coordinators are alerted).
    """
    t = ctx.t
    window = ctx.services.checkins.policy.safety_window
    desk = ctx.services.call_requests.policy
    start, end = desk.daytime
    return t._(
        "<b>The safety net</b> (you choose)\n\n"
        "If you do not answer a check-in within %(window)s, Samen asks a volunteer "
        "to call you. Just to hear that you are all right.\n\n"
        "• The volunteers on duty get the request at once. One of them calls you, "
        "between %(start)s and %(end)s. After %(end)s, they call the next day.\n"
        "• Is no volunteer on duty, or does nobody take the call within %(escalate)s? "
        "Then Samen alerts the coordinators, so that someone still calls you.\n"
        "• Do you answer “🙂 Good” before the call? Then nobody calls.\n\n"
        "For this, Samen needs your phone number. Only the volunteer who calls you "
        "sees it. Samen deletes it when you switch the safety net off.\n\n"
        "Would you like the safety net?",
        window=format_timedelta(window, threshold=2, locale=t.locale),
        start=time_text(start),
        end=time_text(end),
        escalate=format_timedelta(desk.escalate_after, threshold=2, locale=t.locale),
    )


async def _ask_phone(update: Update, ctx: SamenContext) -> object:
    assert ctx.resident is not None
    t = ctx.t
    await ctx.bot.send_message(
        ctx.resident.telegram_id,
        t._(
            "Which number can a volunteer call? Tap “📱 Share my phone number” below. "
            "Or type your number, for example 06 1234 5678."
        ),
        reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton(t._(SHARE_NUMBER), request_contact=True)], [t._(NOT_NOW)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        ),
    )
    return ASK_PHONE


async def shared_contact(update: Update, ctx: SamenContext) -> object:
    phone = await shared_phone(TelegramConversation(update, ctx))
    return ASK_PHONE if phone is None else await _phone_given(update, ctx, phone)


async def not_a_phone(update: Update, ctx: SamenContext) -> object:
    """A sticker, photo or voice message while Samen asks for the number."""
    if update.message is not None:
        await update.message.reply_text(
            ctx.t._("Please type your phone number, or tap “📱 Share my phone number”.")
        )
    return ASK_PHONE


async def typed_phone(update: Update, ctx: SamenContext) -> object:
    text = update.message.text if update.message and update.message.text else ""
    if " ".join(text.split()).casefold() == ctx.t._(NOT_NOW).casefold():
        assert ctx.resident is not None
        sub = await ctx.services.checkins.get(ctx.resident.telegram_id)
        if sub is None or not sub.complete:
            await send_with_menu(update, ctx, ctx.t._("Fine."))
            return END
        return await _confirm(update, ctx, sub)
    if (routed := await _left_for_menu(update, ctx, text)) is not None:
        return routed
    try:
        phone = ctx.services.call_requests.check_phone(text)
    except PhoneRefused as refused:
        assert ctx.resident is not None
        await ctx.bot.send_message(
            ctx.resident.telegram_id,
            phone_refusal(ctx.t, refused.problem, ctx.services.call_requests.policy.regions),
        )
        return ASK_PHONE
    return await _phone_given(update, ctx, phone)


async def _phone_given(update: Update, ctx: SamenContext, phone: str) -> object:
    assert ctx.resident is not None
    sub = await ctx.services.checkins.set_safety_net(ctx.resident.telegram_id, phone)
    if sub is None or not sub.complete:
        await button_expired(update, ctx)
        return END
    return await _confirm(update, ctx, sub)


async def _confirm(update: Update, ctx: SamenContext, sub: Subscription) -> object:
    """The end of every set-up path: what was saved and when the next check-in comes."""
    t = ctx.t
    await send_with_menu(
        update,
        ctx,
        # The next check-in is named once, in the overview below.
        t._("✅ <b>Your check-ins are set.</b>")
        + "\n\n"
        + t._("You can change this at any time with “💬 Check-ins”.")
        + "\n\n"
        + schedule_text(ctx, sub),
    )
    return END


async def typed_date(update: Update, ctx: SamenContext) -> object:
    text = update.message.text if update.message and update.message.text else ""
    if (routed := await _left_for_menu(update, ctx, text)) is not None:
        return routed
    until = parse_day(text, ctx.services.checkins.today())
    if until is None:
        await ctx.bot.send_message(
            update.message.chat_id if update.message else 0,
            ctx.t._("I did not understand that date. Please type it like 24 December."),
        )
        return ASK_DATE
    return await _paused(update, ctx, until)


async def _paused(update: Update, ctx: SamenContext, until: date) -> object:
    assert ctx.resident is not None
    me = ctx.resident.telegram_id
    checkins = ctx.services.checkins
    try:
        sub = await checkins.pause(me, until)
    except ValueError:
        await ctx.bot.send_message(
            me, ctx.t._("Please choose a date after today and within a year.")
        )
        return ASK_DATE
    except LookupError:
        await button_expired(update, ctx)
        return END
    assert sub.paused_until is not None
    await send_with_menu(
        update,
        ctx,
        ctx.t._(
            "Enjoy your break! No check-ins until %(date)s.",
            date=ctx.t.day(sub.paused_until),
        )
        + " "
        + next_checkin_text(ctx, sub),
    )
    return END


async def _left_for_menu(update: Update, ctx: SamenContext, text: str) -> object | None:
    """A menu button tapped while Samen waited for typing: leave, and do what it says."""
    if menu_action(ctx.bot_data.menu_index, text) is None:
        if await typed_checkin_answer(update, ctx):
            return END
        return None
    from handlers.menu import on_text

    await on_text(update, ctx)
    return END


async def _drop_buttons(update: Update) -> None:
    """Take the buttons off the message that was just answered, so it is not pressed twice."""
    if update.callback_query is not None:
        await edit_buttons(update.callback_query, None)


# ---------------------------------------------------------------- answers


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


# ---------------------------------------------------------------- wiring


def checkins_conversation() -> ConversationHandler[Any]:
    text = filters.TEXT & ~filters.COMMAND
    entry_points: list[BaseHandler[Update, SamenContext, object]] = [
        CallbackQueryHandler(on_step, pattern=matches(Prefix.CHECKIN)),
        CallbackQueryHandler(on_days, pattern=matches(Prefix.CHECKIN_DAYS)),
        CallbackQueryHandler(on_time_button, pattern=matches(Prefix.CHECKIN_TIME)),
    ]
    return conversation(
        "checkins",
        entry_points,
        {
            ASK_TIME: [MessageHandler(text, typed_time)],
            ASK_PHONE: [
                MessageHandler(filters.CONTACT, shared_contact),
                MessageHandler(text, typed_phone),
                MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, not_a_phone),
            ],
            ASK_DATE: [MessageHandler(text, typed_date)],
        },
    )


def mood_handler() -> CallbackQueryHandler[SamenContext, None]:
    return CallbackQueryHandler(on_mood, pattern=matches(Prefix.MOOD))
