"""Check-ins, the resident's side: set up, change, pause, stop.

Written against the conversation layer (``bot.chat``): no messenger is named here.
Every step is saved as soon as it is chosen (days, then time, then the safety net),
so a restart or an abandoned set-up loses nothing and the check-in menu always shows
the schedule as it is. Three steps wait for typing (a time, a phone number, a date):
those are open questions in Samen's own store, so they survive a restart too.
Choices carry what they choose, and every step re-reads the person's own schedule,
so an old or forged choice can do no more than the person could anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, time, timedelta

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation, consented
from bot.chat.incoming import Kind
from bot.chat.journeys import Journeys
from bot.chat.menu import MenuAction
from bot.chat.message import Choice, Reply, choices
from bot.i18n import N_
from bot.services.care.checkins import QuietHoursError, Subscription
from bot.services.care.schedule import EVERY_DAY, WEEKDAYS, parse_time, time_text
from bot.services.care.undelivered import menu_line
from bot.when import parse_day
from handlers.care.answers import typed_checkin_answer
from handlers.care.checkin_texts import (
    choice,
    day_picker,
    days_text,
    menu_choices,
    next_checkin_text,
    quiet_text,
    schedule_text,
    selfcheck_choice,
)
from handlers.care.safety_net import (
    ask_phone,
    ask_safety_net,
    close_own_question,
    confirm_schedule,
    phone_given,
)
from handlers.expired import choice_expired

ASK_TIME = "checkins.time"
ASK_DATE = "checkins.date"

SubStep = Callable[[Conversation, Subscription | None], Awaitable[None]]


def register(journeys: Journeys) -> None:
    journeys.menu(MenuAction.CHECKINS, show_checkins)
    journeys.choice(Prefix.CHECKIN, checkin_step)
    journeys.choice(Prefix.CHECKIN_DAYS, chose_days)
    journeys.choice(Prefix.CHECKIN_TIME, chose_time)
    journeys.answer(ASK_TIME, typed_time)
    journeys.answer(ASK_DATE, typed_date)


# ---------------------------------------------------------------- the menu


async def _consented(c: Conversation) -> bool:
    """Check-ins store data, so they are only for residents who agreed."""
    if consented(c) and c.resident is not None:
        return True
    if c.incoming.kind is Kind.CHOICE:
        await choice_expired(c)
    else:
        await c.say(
            Reply(
                c.t._("Check-ins need your agreement first. Tap “🔒 Privacy” below to read it."),
                menu=True,
            )
        )
    return False


def _quick_choice(c: Conversation) -> tuple[Choice, ...]:
    """The common case as one choice: every day at the suggested time."""
    at = c.runtime.services.checkins.policy.suggested()
    if at is None:
        return ()
    label = c.t._("✅ Yes, every day at %(time)s", time=time_text(at))
    return (Choice(label, encode(Prefix.CHECKIN, "quick")),)


async def show_checkins(c: Conversation) -> None:
    """The "💬 Check-ins" menu label: the schedule with its next date, or the invitation."""
    if not await _consented(c):
        return
    sub = await c.runtime.services.checkins.get(c.person.id)
    if sub is not None and sub.complete:
        text = schedule_text(c, sub)
        missed = await c.runtime.services.undelivered_checkins.latest(c.person.id)
        if missed is not None:  # the newest check-in never reached them: say so here too
            text = menu_line(c.t, missed) + "\n\n" + text
        await c.say(Reply(text, choices=menu_choices(c.t, sub)))
        return
    t = c.t
    await c.say(
        Reply(
            t._(
                "<b>Check-ins</b>\n\n"
                "Would you like a short message from Samen on the days you choose? "
                "It asks how you are. You answer with one tap.\n\n"
                "Not doing well? Then Samen shows you who can help."
            ),
            choices=choices(
                *_quick_choice(c),
                choice(t, N_("🗓 Choose days and time"), Prefix.CHECKIN, "setup"),
                selfcheck_choice(t),
            ),
        )
    )


async def checkin_step(c: Conversation) -> None:
    """ci:<step>: every choice of the check-in menu and set-up, through ``_STEPS``."""
    if not await _consented(c):
        return
    (step,) = args_of(c.incoming.data)
    sub = await c.runtime.services.checkins.get(c.person.id)
    if step not in _BEFORE_A_SCHEDULE and (sub is None or not sub.complete):
        await choice_expired(c)
        return
    await close_own_question(c)  # a tap elsewhere in the check-ins: the typing is over
    await c.acknowledge()
    await c.clear_choices()
    await _STEPS[step](c, sub)


async def _step_menu(c: Conversation, sub: Subscription | None) -> None:
    await show_checkins(c)


async def _step_setup(c: Conversation, sub: Subscription | None) -> None:
    t = c.t
    await c.say(
        Reply(
            t._("On which days would you like a check-in?"),
            choices=choices(
                choice(t, N_("Every day"), Prefix.CHECKIN, "every"),
                choice(t, N_("Monday to Friday"), Prefix.CHECKIN, "weekdays"),
                choice(t, N_("Let me choose the days"), Prefix.CHECKIN, "choose"),
            ),
        )
    )


async def _step_quick(c: Conversation, sub: Subscription | None) -> None:
    """The common case in one tap: every day at the suggested time; then the safety net."""
    checkins = c.runtime.services.checkins
    at = checkins.policy.suggested()
    if at is None:
        await _step_setup(c, sub)
        return
    await checkins.set_days(c.person.id, EVERY_DAY)
    await _time_chosen(c, at)


def _days_step(days: int) -> SubStep:
    async def step(c: Conversation, sub: Subscription | None) -> None:
        await _days_chosen(c, days)

    return step


async def _step_choose(c: Conversation, sub: Subscription | None) -> None:
    start = sub.days if sub is not None and sub.days not in (EVERY_DAY, WEEKDAYS) else 0
    await c.say(
        Reply(
            c.t._("Tap the days you want. Tap “✅ Done” when you are ready."),
            choices=day_picker(c.t, start),
        )
    )


async def _step_net(c: Conversation, sub: Subscription | None) -> None:
    await ask_safety_net(c)


async def _step_net_yes(c: Conversation, sub: Subscription | None) -> None:
    """Yes to the safety net: with the number Samen already has, or by asking for one."""
    known = await c.runtime.services.call_requests.known_phone(c.person.id)
    if known is None:
        await ask_phone(c)
        return
    await phone_given(c, known)


async def _step_net_number(c: Conversation, sub: Subscription | None) -> None:
    await ask_phone(c)


async def _step_net_no(c: Conversation, sub: Subscription | None) -> None:
    assert sub is not None
    sub = await c.runtime.services.checkins.set_safety_net(c.person.id, None) or sub
    await confirm_schedule(c, sub)


async def _step_net_off(c: Conversation, sub: Subscription | None) -> None:
    await c.runtime.services.checkins.set_safety_net(c.person.id, None)
    await c.say(Reply(c.t._("The safety net is off. Samen deleted your phone number."), menu=True))


async def _step_pause(c: Conversation, sub: Subscription | None) -> None:
    t = c.t
    await c.say(
        Reply(
            t._("How long would you like a break from check-ins?"),
            choices=choices(
                choice(t, N_("1 week"), Prefix.CHECKIN, "pause7"),
                choice(t, N_("2 weeks"), Prefix.CHECKIN, "pause14"),
                choice(t, N_("📅 Until a date I choose"), Prefix.CHECKIN, "pausedate"),
            ),
        )
    )


def _pause_for(days: int) -> SubStep:
    async def step(c: Conversation, sub: Subscription | None) -> None:
        await _paused(c, c.runtime.services.checkins.today() + timedelta(days=days))

    return step


async def _step_pause_date(c: Conversation, sub: Subscription | None) -> None:
    await c.ask(
        ASK_DATE,
        Reply(c.t._("Until which day? Type for example 24 December, Saturday or 24-12.")),
    )


async def _step_resume(c: Conversation, sub: Subscription | None) -> None:
    resumed = await c.runtime.services.checkins.resume(c.person.id)
    await c.say(Reply(c.t._("Welcome back!") + " " + next_checkin_text(c, resumed), menu=True))


async def _step_stop(c: Conversation, sub: Subscription | None) -> None:
    t = c.t
    await c.say(
        Reply(
            t._("Stop check-ins? Samen deletes your schedule and phone number."),
            choices=choices(
                choice(t, N_("⏹ Yes, stop"), Prefix.CHECKIN, "stopyes"),
                choice(t, N_("↩️ No, keep them"), Prefix.CHECKIN, "stopno"),
            ),
        )
    )


async def _step_stop_yes(c: Conversation, sub: Subscription | None) -> None:
    await c.runtime.services.checkins.stop(c.person.id)
    await c.say(
        Reply(
            c.t._(
                "Your check-ins are stopped. Would you like them again later? Tap “💬 Check-ins”."
            ),
            menu=True,
        )
    )


async def _step_stop_no(c: Conversation, sub: Subscription | None) -> None:
    await c.say(Reply(c.t._("Good, your check-ins stay as they are."), menu=True))


_STEPS: dict[str, SubStep] = {
    "menu": _step_menu,
    "setup": _step_setup,
    "quick": _step_quick,
    "every": _days_step(EVERY_DAY),
    "weekdays": _days_step(WEEKDAYS),
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


# ---------------------------------------------------------------- days and time


async def chose_days(c: Conversation) -> None:
    """cid:pick:<mask> toggles a day in the picker; cid:done:<mask> saves the days."""
    if not await _consented(c):
        return
    action, mask_text = args_of(c.incoming.data)
    days = int(mask_text)
    if days > EVERY_DAY or (action == "done" and days == 0):
        await choice_expired(c)
        return
    await c.acknowledge()
    if action == "pick":
        await c.update(
            Reply(
                c.t._("Tap the days you want. Tap “✅ Done” when you are ready."),
                choices=day_picker(c.t, days),
            )
        )
        return
    await c.clear_choices()
    await _days_chosen(c, days)


async def _days_chosen(c: Conversation, days: int) -> None:
    checkins = c.runtime.services.checkins
    await checkins.set_days(c.person.id, days)
    presets = [
        Choice(time_text(p), encode(Prefix.CHECKIN_TIME, f"{p:%H%M}"))
        for p in checkins.policy.presets()
    ]
    text = c.t._(
        "Check-ins on %(days)s. At what time? Tap a time, or type one, for example 9:30.",
        days=days_text(c.t, days),
    )
    await c.ask(
        ASK_TIME,
        Reply(
            text + "\n\n" + quiet_text(c),
            choices=tuple(tuple(presets[i : i + 3]) for i in range(0, len(presets), 3)),
        ),
    )


async def chose_time(c: Conversation) -> None:
    """cit:HHMM, a preset time."""
    if not await _consented(c):
        return
    hour, minute = args_of(c.incoming.data)
    await close_own_question(c)
    await c.acknowledge()
    await c.clear_choices()
    await _time_chosen(c, time(int(hour), int(minute)))


async def typed_time(c: Conversation) -> None:
    """The open time question: "9:30", "14 uur"; a typed check-in answer goes first."""
    if await typed_checkin_answer(c):
        await c.close_question()
        return
    at = parse_time(c.incoming.text)
    if at is None:
        await c.say(
            Reply(c.t._("I did not understand that time. Please type it like 9:30, or tap a time."))
        )
        return
    await _time_chosen(c, at)


async def _time_chosen(c: Conversation, at: time) -> None:
    checkins = c.runtime.services.checkins
    before = await checkins.get(c.person.id)
    if before is None:  # stopped in between: start again from the days
        await c.close_question()
        await choice_expired(c)
        return
    try:
        sub = await checkins.set_time(c.person.id, at)
    except QuietHoursError:
        await c.say(Reply(quiet_text(c) + " " + c.t._("Please choose a time outside those hours.")))
        return  # the question stays open for another time
    await c.close_question()
    if before.local_time is None and not sub.safety_net:
        await ask_safety_net(c)
        return
    await confirm_schedule(c, sub)


# ---------------------------------------------------------------- a break


async def typed_date(c: Conversation) -> None:
    """The open "until which day?" question: "24 december", "zaterdag", "24-12"."""
    if await typed_checkin_answer(c):
        await c.close_question()
        return
    until = parse_day(c.incoming.text, c.runtime.services.checkins.today())
    if until is None:
        await c.say(
            Reply(c.t._("I did not understand that date. Please type it like 24 December."))
        )
        return
    await _paused(c, until)


async def _paused(c: Conversation, until: date) -> None:
    try:
        sub = await c.runtime.services.checkins.pause(c.person.id, until)
    except ValueError:
        await c.say(Reply(c.t._("Please choose a date after today and within a year.")))
        return  # typed: the question stays open; a tap cannot pick such a date
    except LookupError:
        await c.close_question()
        await choice_expired(c)
        return
    await c.close_question()
    assert sub.paused_until is not None
    text = c.t._("Enjoy your break! No check-ins until %(date)s.", date=c.t.day(sub.paused_until))
    await c.say(Reply(text + " " + next_checkin_text(c, sub), menu=True))
