"""What the check-in screens say and offer: the schedule as it is, quiet hours, the
safety net, and the menu and day-picker choices."""

from __future__ import annotations

from babel.dates import format_timedelta, get_day_names
from babel.lists import format_list

from bot.buttons import Prefix, encode
from bot.chat.conversation import Conversation, messages_stopped
from bot.chat.message import Choice, choices
from bot.i18n import N_, Translator
from bot.services.callme.phones import display_phone
from bot.services.care.checkins import Subscription
from bot.services.care.schedule import EVERY_DAY, WEEKDAYS, chosen_days, time_text

Rows = tuple[tuple[Choice, ...], ...]


def days_text(t: Translator, days: int) -> str:
    if days == EVERY_DAY:
        return t._("every day")
    if days == WEEKDAYS:
        return t._("every weekday")
    names = get_day_names("wide", locale=t.locale)
    return str(format_list([str(names[d]) for d in chosen_days(days)], locale=t.locale))


def schedule_text(c: Conversation, sub: Subscription) -> str:
    """The schedule as it really is: while messages are stopped, no next check-in, no net."""
    t = c.t
    stopped = messages_stopped(c)
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
    quiet = c.runtime.services.checkins.policy.quiet
    if sub.local_time is not None and quiet.contains(sub.local_time):
        lines += ["", t._("Your time is now in the quiet hours. Please choose another time.")]
    return "\n".join(lines)


def unasked_messages_text(t: Translator, sub: Subscription) -> str:
    """On WhatsApp, where Samen may otherwise only answer: setting up check-ins is the
    agreement that they come at their time, whether or not the person wrote first."""
    at = time_text(sub.local_time) if sub.local_time is not None else ""
    if sub.days in (EVERY_DAY, WEEKDAYS):
        return t._(
            "Samen will send you a message %(days)s at %(time)s, also when you have not "
            "written yourself.",
            days=days_text(t, sub.days),
            time=at,
        )
    return t._(
        "Samen will send you a message on %(days)s at %(time)s, also when you have not "
        "written yourself.",
        days=days_text(t, sub.days),
        time=at,
    )


def stopped_text(t: Translator) -> str:
    return t._(
        "You stopped all messages from Samen, so no check-ins are sent and the safety net "
        "does not work. Go to “📋 My data” to start messages again."
    )


def next_checkin_text(c: Conversation, sub: Subscription) -> str:
    """When the next check-in comes, or, while messages are stopped, that none comes."""
    if messages_stopped(c) or sub.next_due is None:
        return stopped_text(c.t)
    return c.t._("Your next check-in: %(moment)s.", moment=c.t.datetime(sub.next_due))


def quiet_text(c: Conversation) -> str:
    quiet = c.runtime.services.checkins.policy.quiet
    return c.t._(
        "Between %(start)s and %(end)s Samen sends nothing, so you can rest.",
        start=time_text(quiet.start),
        end=time_text(quiet.end),
    )


def safety_net_offer(c: Conversation) -> str:
    """What the safety net does, step by step, with the hours this Samen is set to.

    Someone who relies on it must know exactly when a call comes, and that a
    call still comes when no volunteer is on duty (the coordinators are alerted).
    """
    t = c.t
    policy = c.runtime.services.checkins.policy
    desk = c.runtime.services.call_requests.policy
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
        window=format_timedelta(policy.safety_window, threshold=2, locale=t.locale),
        nudge=format_timedelta(policy.nudge_after, locale=t.locale),
        start=time_text(start),
        end=time_text(end),
        escalate=format_timedelta(desk.escalate_after, threshold=2, locale=t.locale),
    )


def what_the_net_does(c: Conversation, phone: str) -> str:
    """The safety net in two plain sentences, once it is on: what comes first, and when
    someone calls (the whole ladder was in the offer just before)."""
    window = c.runtime.services.checkins.policy.safety_window
    start, end = c.runtime.services.call_requests.policy.daytime
    return c.t._(
        "No answer to a check-in? Then Samen first sends you a short reminder. "
        "Still no answer after %(window)s? Then a volunteer calls you on %(phone)s, "
        "between %(start)s and %(end)s.",
        window=format_timedelta(window, threshold=2, locale=c.t.locale),
        phone=display_phone(phone),
        start=time_text(start),
        end=time_text(end),
    )


def choice(t: Translator, label: str, prefix: Prefix, *args: str) -> Choice:
    return Choice(t._(label), encode(prefix, *args))


def contact_choice(t: Translator) -> Choice:
    """The way to the emergency contact (handlers/care/contact.py)."""
    return choice(t, N_("👤 Emergency contact"), Prefix.CONTACT, "show")


def selfcheck_choice(t: Translator) -> Choice:
    """The way to the optional monthly self-check (handlers/care/selfcheck.py)."""
    return choice(t, N_("📝 Monthly self-check"), Prefix.SELFCHECK, "menu")


def menu_choices(t: Translator, sub: Subscription) -> Rows:
    rows = [choice(t, N_("🗓 Change days or time"), Prefix.CHECKIN, "setup")]
    if sub.safety_net:
        rows.append(choice(t, N_("📱 Another number"), Prefix.CHECKIN, "netnumber"))
        rows.append(contact_choice(t))
        rows.append(choice(t, N_("🛟 Switch the safety net off"), Prefix.CHECKIN, "netoff"))
    else:
        rows.append(choice(t, N_("🛟 Switch the safety net on"), Prefix.CHECKIN, "net"))
    if sub.paused_until is not None:
        rows.append(choice(t, N_("▶️ Start again now"), Prefix.CHECKIN, "resume"))
    else:
        rows.append(choice(t, N_("⏸ Take a break (holiday)"), Prefix.CHECKIN, "pause"))
    rows.append(choice(t, N_("⏹ Stop check-ins"), Prefix.CHECKIN, "stop"))
    rows.append(selfcheck_choice(t))
    return choices(*rows)


def day_picker(t: Translator, days: int) -> Rows:
    names = get_day_names("wide", locale=t.locale)
    rows = [
        Choice(
            ("✅ " if days & (1 << d) else "") + str(names[d]).capitalize(),
            encode(Prefix.CHECKIN_DAYS, "pick", str(days ^ (1 << d))),
        )
        for d in range(7)
    ]
    if days:
        rows.append(choice(t, N_("✅ Done"), Prefix.CHECKIN_DAYS, "done", str(days)))
    return choices(*rows)
