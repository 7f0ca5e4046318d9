"""Check-ins, the resident's side: set up, change, pause, stop, and answer.

Every step is saved as soon as it is chosen (days, then time, then the safety
net), so a restart or an abandoned set-up loses nothing and the check-in menu
always shows the schedule as it is. Only three steps wait for typing (a time, a
phone number, a date); those are conversation states. Buttons carry what they
choose, and every action re-reads the person's own schedule on the server, so
an old or forged button can do no more than the person could anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, time, timedelta
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.buttons import Prefix, args_of, encode, matches
from bot.i18n import N_
from bot.services.care.checkins import QuietHoursError, Subscription
from bot.services.care.schedule import EVERY_DAY, WEEKDAYS, parse_time, time_text
from bot.when import parse_day
from handlers.care.answers import left_for_menu
from handlers.care.checkin_texts import (
    button,
    day_picker,
    days_text,
    menu_buttons,
    next_checkin_text,
    quiet_text,
    schedule_text,
    selfcheck_button,
)
from handlers.care.safety_net import (
    ASK_PHONE,
    ask_phone,
    ask_safety_net,
    confirm_schedule,
    not_a_phone,
    phone_given,
    shared_contact,
    typed_phone,
)
from handlers.common import edit_buttons, is_consented, send_with_menu
from handlers.context import SamenContext
from handlers.conversation import conversation
from handlers.expired import button_expired

ASK_TIME = "checkin_time"
ASK_DATE = "checkin_date"
END = ConversationHandler.END


# ---------------------------------------------------------------- texts


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


def _quick_row(ctx: SamenContext) -> list[list[InlineKeyboardButton]]:
    """The common case as one button: every day at the suggested time."""
    at = ctx.services.checkins.policy.suggested()
    if at is None:
        return []
    label = ctx.t._("✅ Yes, every day at %(time)s", time=time_text(at))
    return [[InlineKeyboardButton(label, callback_data=encode(Prefix.CHECKIN, "quick"))]]


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
                    *_quick_row(ctx),
                    [button(ctx.t, N_("🗓 Choose days and time"), Prefix.CHECKIN, "setup")],
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
    """ci:<step>: every button of the check-in menu and set-up, through ``_STEPS``."""
    query = update.callback_query
    if query is None or not await _consented(update, ctx) or ctx.resident is None:
        return END
    (step,) = args_of(query.data)
    sub = await ctx.services.checkins.get(ctx.resident.telegram_id)
    if step not in _BEFORE_A_SCHEDULE and (sub is None or not sub.complete):
        await button_expired(update, ctx)
        return END
    await query.answer()
    await _drop_buttons(update)
    return await _STEPS[step](update, ctx, sub)


def _me(ctx: SamenContext) -> int:
    assert ctx.resident is not None
    return ctx.resident.telegram_id


async def _step_menu(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    return await show_checkins(update, ctx)


async def _step_setup(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    t = ctx.t
    await ctx.bot.send_message(
        _me(ctx),
        t._("On which days would you like a check-in?"),
        reply_markup=InlineKeyboardMarkup(
            [
                [button(t, N_("Every day"), Prefix.CHECKIN, "every")],
                [button(t, N_("Monday to Friday"), Prefix.CHECKIN, "weekdays")],
                [button(t, N_("Let me choose the days"), Prefix.CHECKIN, "choose")],
            ]
        ),
    )
    return END


async def _step_quick(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    """The common case in one tap: every day at the suggested time; then the safety net."""
    checkins = ctx.services.checkins
    at = checkins.policy.suggested()
    if at is None:
        return await _step_setup(update, ctx, sub)
    await checkins.set_days(_me(ctx), EVERY_DAY)
    return await _time_chosen(update, ctx, at)


async def _step_every(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    return await _days_chosen(update, ctx, EVERY_DAY)


async def _step_weekdays(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    return await _days_chosen(update, ctx, WEEKDAYS)


async def _step_choose(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    start = sub.days if sub is not None and sub.days not in (EVERY_DAY, WEEKDAYS) else 0
    await ctx.bot.send_message(
        _me(ctx),
        ctx.t._("Tap the days you want. Tap “✅ Done” when you are ready."),
        reply_markup=day_picker(ctx.t, start),
    )
    return END


async def _step_net(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    return await ask_safety_net(update, ctx)


async def _step_net_yes(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    """Yes to the safety net: with the number Samen already has, or by asking for one."""
    known = await ctx.services.call_requests.known_phone(_me(ctx))
    if known is None:
        return await ask_phone(update, ctx)
    return await phone_given(update, ctx, known)


async def _step_net_number(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    return await ask_phone(update, ctx)


async def _step_net_no(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    assert sub is not None
    sub = await ctx.services.checkins.set_safety_net(_me(ctx), None) or sub
    return await confirm_schedule(update, ctx, sub)


async def _step_net_off(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    await ctx.services.checkins.set_safety_net(_me(ctx), None)
    await send_with_menu(
        update, ctx, ctx.t._("The safety net is off. Samen deleted your phone number.")
    )
    return END


async def _step_pause(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    t = ctx.t
    await ctx.bot.send_message(
        _me(ctx),
        t._("How long would you like a break from check-ins?"),
        reply_markup=InlineKeyboardMarkup(
            [
                [button(t, N_("1 week"), Prefix.CHECKIN, "pause7")],
                [button(t, N_("2 weeks"), Prefix.CHECKIN, "pause14")],
                [button(t, N_("📅 Until a date I choose"), Prefix.CHECKIN, "pausedate")],
            ]
        ),
    )
    return END


def _pause_for(
    days: int,
) -> Callable[[Update, SamenContext, Subscription | None], Awaitable[object]]:
    async def step(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
        return await _paused(update, ctx, ctx.services.checkins.today() + timedelta(days=days))

    return step


async def _step_pause_date(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    await ctx.bot.send_message(
        _me(ctx), ctx.t._("Until which day? Type for example 24 December, Saturday or 24-12.")
    )
    return ASK_DATE


async def _step_resume(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    resumed = await ctx.services.checkins.resume(_me(ctx))
    await send_with_menu(
        update, ctx, ctx.t._("Welcome back!") + " " + next_checkin_text(ctx, resumed)
    )
    return END


async def _step_stop(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    t = ctx.t
    await ctx.bot.send_message(
        _me(ctx),
        t._("Stop check-ins? Samen deletes your schedule and phone number."),
        reply_markup=InlineKeyboardMarkup(
            [
                [button(t, N_("⏹ Yes, stop"), Prefix.CHECKIN, "stopyes")],
                [button(t, N_("↩️ No, keep them"), Prefix.CHECKIN, "stopno")],
            ]
        ),
    )
    return END


async def _step_stop_yes(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    await ctx.services.checkins.stop(_me(ctx))
    await send_with_menu(
        update,
        ctx,
        ctx.t._("Your check-ins are stopped. Would you like them again later? Tap “💬 Check-ins”."),
    )
    return END


async def _step_stop_no(update: Update, ctx: SamenContext, sub: Subscription | None) -> object:
    await send_with_menu(update, ctx, ctx.t._("Good, your check-ins stay as they are."))
    return END


_STEPS: dict[str, Callable[[Update, SamenContext, Subscription | None], Awaitable[object]]] = {
    "menu": _step_menu,
    "setup": _step_setup,
    "quick": _step_quick,
    "every": _step_every,
    "weekdays": _step_weekdays,
    "choose": _step_choose,
    "net": _step_net,
    "netyes": _step_net_yes,
    "netnumber": _step_net_number,
    "netno": _step_net_no,
    "netoff": _step_net_off,
    "pause": _step_pause,
    "pause7": _pause_for(7),
    "pause14": _pause_for(14),
    "pausedate": _step_pause_date,
    "resume": _step_resume,
    "stop": _step_stop,
    "stopyes": _step_stop_yes,
    "stopno": _step_stop_no,
}
# Steps that may come before the schedule is complete (all others need one).
_BEFORE_A_SCHEDULE = frozenset({"menu", "setup", "quick", "every", "weekdays", "choose"})


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
    if (routed := await left_for_menu(update, ctx, text)) is not None:
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
        return await ask_safety_net(update, ctx)
    return await confirm_schedule(update, ctx, sub)


async def typed_date(update: Update, ctx: SamenContext) -> object:
    text = update.message.text if update.message and update.message.text else ""
    if (routed := await left_for_menu(update, ctx, text)) is not None:
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


async def _drop_buttons(update: Update) -> None:
    """Take the buttons off the message that was just answered, so it is not pressed twice."""
    if update.callback_query is not None:
        await edit_buttons(update.callback_query, None)


# ---------------------------------------------------------------- answers


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
