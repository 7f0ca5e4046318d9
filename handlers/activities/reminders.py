"""After an activity's details, on the conversation layer: "Remind me", "My reminders"
and "I'd rather not go alone".

Only "Remind me" stores something, so it asks for consent first. A reminder too late
for this time offers the next time a reminder can still reach.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation, consented, messages_stopped
from bot.chat.journeys import Journeys
from bot.chat.message import Choice, Reply, choices
from bot.i18n import Translator
from bot.services.activities.reminders import Added
from bot.services.callme.requests import Topic
from bot.services.care.schedule import time_text
from handlers.activities.texts import when_text
from handlers.callme.request import call_me_button_data
from handlers.expired import choice_expired

PRIVACY_TEXT = encode(Prefix.PRIVACY, "show")
MAX_REMINDERS_SHOWN = 100  # Telegram allows at most 100 buttons under one message


def remind_data(activity_id: int, starts_at: datetime) -> str:
    """ar:<id>:<start in minutes since 1970>: a reminder for this one occurrence."""
    return encode(Prefix.ACT_REMIND, str(activity_id), str(int(starts_at.timestamp()) // 60))


def my_reminders(t: Translator) -> Choice:
    return Choice(t._("🔔 My reminders"), encode(Prefix.ACT_REMINDERS, "list"))


async def remind(c: Conversation) -> None:
    """ar:<id>:<start>: remind me (consent needed: this is the first thing stored)."""
    t = c.t
    activity_id, minutes = (int(a) for a in args_of(c.incoming.data))
    if not consented(c):
        await c.say(
            Reply(
                t._(
                    "For a reminder, Samen has to store something about you: "
                    "who you are and which activity. That needs your consent first. "
                    "Browsing activities works without it."
                ),
                choices=choices(
                    Choice(t._("🔒 Read the privacy text"), encode(Prefix.PRIVACY, "show"))
                ),
            )
        )
        return
    if messages_stopped(c):
        text = t._(
            "You have stopped all messages from Samen, so I cannot send a reminder. "
            "You can turn messages on again under “📋 My data”."
        )
        await c.say(Reply(text, menu=True))
        return
    starts_at = datetime.fromtimestamp(minutes * 60, tz=UTC)
    services = c.runtime.services
    lead = c.runtime.settings.reminder_lead
    outcome, remind_at = await services.reminders.add(c.person.id, activity_id, starts_at, lead)
    if outcome is Added.ADDED:
        await services.counts.bump("activity_reminders")
        await c.acknowledge(t._("Reminder set."))
    rows: list[Choice] = [my_reminders(t)]
    if outcome is Added.ADDED:
        text = t._("🔔 Fine! Your reminder comes %(moment)s.", moment=t.datetime(remind_at))
        if remind_at != starts_at - lead:
            text += "\n\n" + _moved_out_of_quiet_hours(c, remind_at < starts_at - lead)
    elif outcome is Added.ALREADY:
        text = t._("You already have a reminder for this.")
    elif outcome is Added.TOO_LATE:
        text = t._(
            "This starts soon, at %(time)s, so a reminder would come too late.",
            time=t.time(starts_at),
        )
        offer = await _next_remindable(c, activity_id, after=starts_at)
        if offer is not None:
            text += "\n\n" + offer[0]
            rows.insert(0, offer[1])
    else:
        text = t._("This date is no longer planned. Please look at the activity again.")
    await c.say(Reply(text, choices=choices(*rows)))


def _moved_out_of_quiet_hours(c: Conversation, earlier: bool) -> str:
    """Why a reminder comes at another time than usual: quiet hours."""
    quiet = c.runtime.services.reminders.policy.quiet
    start, end = time_text(quiet.start), time_text(quiet.end)
    if earlier:
        return c.t._(
            "That is earlier than usual: between %(start)s and %(end)s Samen sends nothing.",
            start=start,
            end=end,
        )
    return c.t._(
        "That is later than usual: between %(start)s and %(end)s Samen sends nothing.",
        start=start,
        end=end,
    )


async def _next_remindable(
    c: Conversation, activity_id: int, after: datetime
) -> tuple[str, Choice] | None:
    """The next time of this activity that a reminder can still reach, as text and choice."""
    services = c.runtime.services
    activity = await services.activities.get(activity_id)
    if activity is None or activity.hidden_by is not None:
        return None
    lead = c.runtime.settings.reminder_lead
    for occurrence in await services.activities.upcoming(activity_id, limit=4):
        start = occurrence.starts_at
        if start > after and services.reminders.moment(start, lead) is not None:
            when = when_text(c.t, start, activity.data.schedule.all_day)
            choice = Choice(c.t._("🔔 Remind me next time"), remind_data(activity_id, start))
            return c.t._("The next time is %(when)s.", when=when), choice
    return None


async def list_reminders(c: Conversation) -> None:
    """al:list: this person's reminders, each with a cancel choice."""
    await c.say(await _reminders_reply(c))


async def _reminders_reply(c: Conversation) -> Reply:
    t = c.t
    if c.resident is None:
        return Reply(t._("You have no reminders."), menu=True)
    reminders = await c.runtime.services.reminders.pending(c.person.id)
    if not reminders:
        return Reply(t._("You have no reminders."))
    lines = [t._("<b>Your reminders</b>"), ""]
    cancels = []
    for number, reminder in enumerate(reminders[:MAX_REMINDERS_SHOWN], start=1):
        when = when_text(t, reminder.starts_at, reminder.all_day, short=True)
        title = html.escape(reminder.title(t.language))
        lines.append(t._("%(number)s. %(title)s – %(when)s", number=number, title=title, when=when))
        cancels.append(
            Choice(
                t._("❌ Cancel reminder %(number)s", number=number),
                encode(Prefix.ACT_REMINDER_CANCEL, str(reminder.id)),
            )
        )
    if len(reminders) > MAX_REMINDERS_SHOWN:
        more = len(reminders) - MAX_REMINDERS_SHOWN
        lines += [
            "",
            t._("… and %(n)s more. They appear here when the first ones have passed.", n=more),
        ]
    if messages_stopped(c):
        lines += [
            "",
            t._(
                "Your messages are stopped, so these reminders are not sent. "
                "You can start messages again under “📋 My data”."
            ),
        ]
    return Reply("\n".join(lines), choices=choices(*cancels))


async def cancel_reminder(c: Conversation) -> None:
    """ax:<id>: cancel one of my own reminders (someone else's id finds nothing)."""
    reminder_id = int(args_of(c.incoming.data)[0])
    if await c.runtime.services.reminders.cancel(c.person.id, reminder_id) is None:
        await choice_expired(c)
        return
    await c.acknowledge(c.t._("Reminder cancelled."))
    await c.update(await _reminders_reply(c))


async def not_alone(c: Conversation) -> None:
    """aa:<id>: "I'd rather not go alone": a call from a volunteer about going (a call
    request with the topic "activities"), and the organiser's contact: they can say what
    to expect, or have someone meet the person at the door."""
    activity = await c.runtime.services.activities.get(int(args_of(c.incoming.data)[0]))
    if activity is None:
        await choice_expired(c)
        return
    t = c.t
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
    call = Choice(t._("📞 Yes, a volunteer may call me"), call_me_button_data(Topic.ACTIVITIES))
    await c.say(Reply("\n".join(lines), choices=choices(call)))


def register(journeys: Journeys) -> None:
    journeys.choice(Prefix.ACT_REMIND, remind)
    journeys.choice(Prefix.ACT_REMINDERS, list_reminders)
    journeys.choice(Prefix.ACT_REMINDER_CANCEL, cancel_reminder)
    journeys.choice(Prefix.ACT_ALONE, not_alone)
