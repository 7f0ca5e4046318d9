"""What the check-in screens say and offer: the schedule as it is, quiet hours, the
safety net, and the menu and day-picker buttons."""

from __future__ import annotations

from babel.dates import format_timedelta, get_day_names
from babel.lists import format_list
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons import Prefix, encode
from bot.i18n import N_, Translator
from bot.services.callme.phones import display_phone
from bot.services.care.checkins import Subscription
from bot.services.care.schedule import EVERY_DAY, WEEKDAYS, chosen_days, time_text
from handlers.care.contact import contact_button
from handlers.common import messages_stopped
from handlers.context import SamenContext


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
        "• After %(nudge)s without an answer, Samen first sends you one short reminder.\n"
        "• The volunteers on duty get the request at once. One of them calls you, "
        "between %(start)s and %(end)s. After %(end)s, they call the next day.\n"
        "• Is no volunteer on duty, or does nobody take the call within %(escalate)s? "
        "Then Samen alerts the coordinators, so that someone still calls you.\n"
        "• Can the volunteer not reach you twice, or does nobody take the call? Then Samen "
        "lets your emergency contact know, if you named one. After that, the coordinators.\n"
        "• Do you answer “🙂 Good” before the call? Then nobody calls.\n\n"
        "For this, Samen needs your phone number. Only the volunteer who calls you "
        "sees it. Samen deletes it when you switch the safety net off.\n\n"
        "Would you like the safety net?",
        window=format_timedelta(window, threshold=2, locale=t.locale),
        nudge=format_timedelta(ctx.services.checkins.policy.nudge_after, locale=t.locale),
        start=time_text(start),
        end=time_text(end),
        escalate=format_timedelta(desk.escalate_after, threshold=2, locale=t.locale),
    )


def button(t: Translator, label: str, prefix: Prefix, *args: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t._(label), callback_data=encode(prefix, *args))


def menu_buttons(t: Translator, sub: Subscription) -> InlineKeyboardMarkup:
    rows = [[button(t, N_("🗓 Change days or time"), Prefix.CHECKIN, "setup")]]
    if sub.safety_net:
        rows.append([button(t, N_("📱 Another number"), Prefix.CHECKIN, "netnumber")])
        rows.append([contact_button(t)])
        rows.append([button(t, N_("🛟 Switch the safety net off"), Prefix.CHECKIN, "netoff")])
    else:
        rows.append([button(t, N_("🛟 Switch the safety net on"), Prefix.CHECKIN, "net")])
    if sub.paused_until is not None:
        rows.append([button(t, N_("▶️ Start again now"), Prefix.CHECKIN, "resume")])
    else:
        rows.append([button(t, N_("⏸ Take a break (holiday)"), Prefix.CHECKIN, "pause")])
    rows.append([button(t, N_("⏹ Stop check-ins"), Prefix.CHECKIN, "stop")])
    rows.append([selfcheck_button(t)])
    return InlineKeyboardMarkup(rows)


def selfcheck_button(t: Translator) -> InlineKeyboardButton:
    """The way to the optional monthly self-check (handlers/care/selfcheck.py)."""
    return button(t, N_("📝 Monthly self-check"), Prefix.SELFCHECK, "menu")


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
        rows.append([button(t, N_("✅ Done"), Prefix.CHECKIN_DAYS, "done", str(days))])
    return InlineKeyboardMarkup(rows)
