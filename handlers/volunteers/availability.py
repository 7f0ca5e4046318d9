"""When a volunteer can call: days, hours, a holiday (issue 17).

Written against the conversation layer (``bot.chat``): no messenger is named here.
Reached from the volunteer's profile ("🗓 When I can call"). Every button carries
its whole choice, and each step re-reads the volunteer, so an old or forged button
does no more than the volunteer could anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from babel.dates import get_day_names
from babel.lists import format_list

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.journeys import Journeys
from bot.chat.message import Choice, Reply, choices
from bot.i18n import N_, Translator
from bot.services.availability import PARTS_OF_DAY, Availability
from bot.services.care.schedule import chosen_days
from bot.services.roles import Role
from handlers.expired import choice_expired

EVERY_DAY, WEEKDAYS, WEEKEND = "127", "31", "96"
DAY_LABELS = {
    EVERY_DAY: N_("Every day"),
    WEEKDAYS: N_("Monday to Friday"),
    WEEKEND: N_("Saturday and Sunday"),
}
PART_LABELS = {
    "morning": N_("🌅 Mornings (08:00–12:00)"),
    "afternoon": N_("☀️ Afternoons (12:00–17:00)"),
    "evening": N_("🌆 Evenings (17:00–21:00)"),
}
HOLIDAY_DAYS = {"pause7": 7, "pause14": 14}


def availability_choice(t: Translator) -> Choice:
    """The way in, under the volunteer's profile."""
    return Choice(t._("🗓 When I can call"), encode(Prefix.AVAILABILITY, "show"))


def _hours_text(t: Translator, hours: Availability | None) -> str:
    if hours is None:
        return t._("You get every call request while you are on duty.")
    label = DAY_LABELS.get(str(hours.days))
    names = get_day_names("wide", locale=t.locale)
    days = (
        t._(label)
        if label
        else str(format_list([str(names[d]) for d in chosen_days(hours.days)], locale=t.locale))
    )
    lines = [
        t._(
            "Days: %(days)s. Hours: %(start)s to %(end)s.",
            days=days,
            start=f"{hours.start:%H:%M}",
            end=f"{hours.end:%H:%M}",
        )
    ]
    if hours.paused_until is not None:
        lines.append(t._("On holiday until %(date)s.", date=t.day(hours.paused_until)))
    return "\n".join(lines)


async def _screen(c: Conversation) -> Reply:
    t = c.t
    hours = await c.runtime.services.availability.get(c.person.id)
    holiday = (
        (Choice(t._("▶️ I am back from holiday"), encode(Prefix.AVAILABILITY, "resume")),)
        if hours is not None and hours.paused_until is not None
        else (
            Choice(t._("⏸ Holiday: 1 week"), encode(Prefix.AVAILABILITY, "pause7")),
            Choice(t._("⏸ 2 weeks"), encode(Prefix.AVAILABILITY, "pause14")),
        )
    )
    days = tuple(
        Choice(t._(label), encode(Prefix.AVAILABILITY, "days", mask))
        for mask, label in DAY_LABELS.items()
    )
    return Reply(
        t._("<b>When can you call?</b>")
        + "\n\n"
        + _hours_text(t, hours)
        + "\n\n"
        + t._("Choose your days, then your hours."),
        choices=choices(
            *(row for row in days),
            holiday,
            Choice(t._("Any time I am on duty"), encode(Prefix.AVAILABILITY, "clear")),
        ),
    )


async def on_availability(c: Conversation) -> None:
    """avl:<show|clear|resume|pause7|pause14|days:<mask>|hours:<mask>:<part>>."""
    if not await c.runtime.services.roles.has(c.person.id, Role.VOLUNTEER):
        await choice_expired(c)
        return
    (choice,) = args_of(c.incoming.data)
    action, *rest = choice.split(":")  # the codec let through only whole choices
    await c.acknowledge()
    await _ACTIONS[action](c, *rest)


async def _show(c: Conversation, *_: str) -> None:
    await c.update(await _screen(c))


async def _days(c: Conversation, mask: str, *_: str) -> None:
    t = c.t
    await c.update(
        Reply(
            t._("%(days)s. At what hours can you call?", days=t._(DAY_LABELS[mask])),
            choices=choices(
                *(
                    Choice(t._(label), encode(Prefix.AVAILABILITY, "hours", mask, part))
                    for part, label in PART_LABELS.items()
                )
            ),
        )
    )


async def _hours(c: Conversation, mask: str, part: str) -> None:
    start, end = PARTS_OF_DAY[part]
    await c.runtime.services.availability.set_hours(c.person.id, int(mask), start, end)
    await c.update(await _screen(c))


async def _holiday(c: Conversation, action: str) -> None:
    services = c.runtime.services
    today = c.runtime.clock().astimezone(services.availability.zone).date()
    await services.availability.pause(c.person.id, today + timedelta(days=HOLIDAY_DAYS[action]))
    await c.update(await _screen(c))


async def _resume(c: Conversation, *_: str) -> None:
    await c.runtime.services.availability.resume(c.person.id)
    await c.runtime.services.call_requests.offer_open_tasks(c.person.id)
    await c.update(await _screen(c))


async def _clear(c: Conversation, *_: str) -> None:
    await c.runtime.services.availability.clear(c.person.id)
    await c.runtime.services.call_requests.offer_open_tasks(c.person.id)
    await c.update(await _screen(c))


_ACTIONS: dict[str, Callable[..., Awaitable[None]]] = {
    "show": _show,
    "days": _days,
    "hours": _hours,
    "pause7": lambda c, *_: _holiday(c, "pause7"),
    "pause14": lambda c, *_: _holiday(c, "pause14"),
    "resume": _resume,
    "clear": _clear,
}


def register(journeys: Journeys) -> None:
    journeys.choice(Prefix.AVAILABILITY, on_availability)
