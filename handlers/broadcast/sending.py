"""Sending a draft: now (after one more yes) or later (a tapped or typed moment, confirmed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.buttons import Prefix, args_of
from bot.chat.conversation import Conversation
from bot.chat.message import Reply
from bot.services.broadcasts import Broadcast, Status
from bot.services.roles import Role
from bot.when import parse_when
from handlers.auth import only_for
from handlers.broadcast.compose import show_areas
from handlers.broadcast.drafts import cancel_choice, choice, own_draft
from handlers.broadcast.planned import cancel_planned
from handlers.expired import choice_expired

WHEN = "broadcast.when"
LATEST_SCHEDULE = timedelta(days=90)
SUGGESTED_HOURS = (9, 10, 14, 19)  # tomorrow at these hours, one tap each


async def _drop(c: Conversation, draft: Broadcast) -> None:
    await c.runtime.services.broadcasts.cancel(draft.id, c.person.id)
    await c.clear_choices()
    await c.say(Reply(c.t._("The announcement is cancelled.")))


async def _ask_send_now(c: Conversation, draft: Broadcast) -> None:
    assert draft.audience is not None
    recipients = await c.runtime.services.broadcasts.count(draft.audience)
    await c.clear_choices()
    question = c.t.ngettext(
        "Send it now to %(n)s person?", "Send it now to %(n)s people?", recipients
    )
    choices = (
        choice(c.t._("✅ Yes, send now"), Prefix.BROADCAST, "go", draft.id),
        cancel_choice(c, draft),
    )
    await c.say(Reply(question, choices=choices))


async def _send_now(c: Conversation, draft: Broadcast) -> None:
    await c.clear_choices()
    sent_to = await c.runtime.services.broadcasts.send_now(draft.id, c.person.id)
    text = c.t.ngettext(
        "On its way to %(n)s person. A message below shows how it goes.",
        "On its way to %(n)s people. A message below shows how it goes.",
        max(sent_to, 0),
    )
    await c.say(Reply(text))


async def _ask_time(c: Conversation, draft: Broadcast) -> None:
    await c.clear_choices()
    tomorrow = c.runtime.clock().astimezone(c.t.zone).date() + timedelta(days=1)
    moments = [
        datetime(tomorrow.year, tomorrow.month, tomorrow.day, hour, tzinfo=c.t.zone)
        for hour in SUGGESTED_HOURS
    ]
    question = c.t._(
        "When should it be sent? Tap a moment, or type a day and time, "
        "for example 24 December 10:00 or Saturday 14:30."
    )
    choices = tuple(
        choice(c.t.datetime(at), Prefix.BROADCAST_AT, draft.id, int(at.timestamp()))
        for at in moments
    )
    await c.ask(WHEN, Reply(question, choices=choices), draft=draft.id)


# bc:<action>:<id> on a draft; "cancel" names a planned broadcast instead.
_ACTIONS: dict[str, Callable[[Conversation, Broadcast], Awaitable[None]]] = {
    "areas": show_areas,
    "drop": _drop,
    "now": _ask_send_now,
    "go": _send_now,
    "later": _ask_time,
}
_NEED_AUDIENCE = frozenset({"now", "go", "later"})


@only_for(Role.COORDINATOR)
async def broadcast_action(c: Conversation) -> None:
    """bc:<areas|now|later|go|drop|cancel>:<id>."""
    action, broadcast_id = args_of(c.incoming.data)
    if action == "cancel":
        await cancel_planned(c, int(broadcast_id))
        return
    draft = await own_draft(c, broadcast_id)
    if draft is None:
        return
    if action in _NEED_AUDIENCE and draft.audience is None:
        await choice_expired(c)
        return
    await c.acknowledge()
    await _ACTIONS[action](c, draft)


async def typed_time(c: Conversation) -> None:
    """A typed date and time for the draft the question was asked about."""
    question = c.question
    if question is None or not await c.runtime.services.roles.has(c.person.id, Role.COORDINATOR):
        await c.close_question()
        return
    now = c.runtime.clock()
    at = parse_when(c.incoming.text, now, c.t.zone)
    if at is None or at <= now or at - now > LATEST_SCHEDULE:
        again = c.t._(
            "I could not read that as a moment in the next 90 days. "
            "Please type it like 24 December 10:00."
        )
        await c.ask(WHEN, Reply(again, menu=True), **question.data)
        return
    await c.close_question()
    draft = await c.runtime.services.broadcasts.get(int(question.data["draft"]))
    if draft is None or draft.status is not Status.DRAFT or draft.author_id != c.person.id:
        await c.say(Reply(c.t._("That button no longer works. Here is the menu."), menu=True))
        return
    await _confirm_time(c, draft, at)


@only_for(Role.COORDINATOR)
async def chose_time(c: Conversation) -> None:
    """bct:<id>:<unix>: a tapped moment; ask to confirm."""
    broadcast_id, unix = args_of(c.incoming.data)
    if c.question is not None and c.question.name == WHEN:
        await c.close_question()  # tapped instead of typed
    draft = await own_draft(c, broadcast_id)
    if draft is None:
        return
    at = datetime.fromtimestamp(int(unix), UTC)
    if at <= c.runtime.clock():
        await choice_expired(c)
        return
    await c.acknowledge()
    await c.clear_choices()
    await _confirm_time(c, draft, at)


async def _confirm_time(c: Conversation, draft: Broadcast, at: datetime) -> None:
    assert draft.audience is not None
    recipients = await c.runtime.services.broadcasts.count(draft.audience)
    question = c.t.ngettext(
        "Send it %(moment)s? Right now %(n)s person fits; it goes to whoever fits then.",
        "Send it %(moment)s? Right now %(n)s people fit; it goes to whoever fits then.",
        recipients,
        moment=c.t.datetime(at),
    )
    choices = (
        choice(c.t._("✅ Yes, plan it"), Prefix.BROADCAST_SCHEDULE, draft.id, int(at.timestamp())),
        cancel_choice(c, draft),
    )
    await c.say(Reply(question, choices=choices))


@only_for(Role.COORDINATOR)
async def confirmed_time(c: Conversation) -> None:
    """bcs:<id>:<unix>: plan the broadcast."""
    broadcast_id, unix = args_of(c.incoming.data)
    at = datetime.fromtimestamp(int(unix), UTC)
    planned = at > c.runtime.clock() and await c.runtime.services.broadcasts.schedule(
        int(broadcast_id), c.person.id, at
    )
    if not planned:
        await choice_expired(c)
        return
    await c.acknowledge()
    await c.clear_choices()
    text = c.t._("Planned for %(moment)s. See /broadcasts to cancel it.", moment=c.t.datetime(at))
    await c.say(Reply(text))
