"""Keeping activities, on the conversation layer: the manage screen (a coordinator's,
or a partner's own list), the hidden ones, hide and show, and which field to change.

Every step checks on the server who may do it (``keepers``), so a forged or forwarded
choice does nothing for anyone else. Adding and changing fields is ``editing``.
"""

from __future__ import annotations

import html

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.journeys import Journeys
from bot.chat.message import Choice, Reply, choices
from bot.services.activities import fields
from bot.services.roles import Role
from handlers.activities import editing
from handlers.activities.details import details_reply
from handlers.activities.keepers import keepers_only, may_change
from handlers.activities.partners import show_partner_manage
from handlers.activities.prompts import FIELD_LABELS
from handlers.commands import names
from handlers.expired import choice_expired


@keepers_only
async def show_manage(c: Conversation) -> None:
    """/activities or "Manage activities": add one, or see the hidden ones."""
    if not await c.runtime.services.roles.has(c.person.id, Role.COORDINATOR):
        await show_partner_manage(c)
        return
    t = c.t
    text = t._(
        "<b>Manage activities</b>\n\n"
        "To change an activity, find it with “🔎 Activities” and open it. "
        "You will see the buttons to change or hide it there."
    )
    add = Choice(t._("➕ Add an activity"), encode(Prefix.ACT_MANAGE, "add"))
    hidden = Choice(t._("🙈 Hidden activities"), encode(Prefix.ACT_MANAGE, "hidden"))
    await c.say(Reply(text, choices=choices(add, hidden)))


async def on_manage(c: Conversation) -> None:
    """am:menu | am:hidden | am:add[:<n>]."""
    action = args_of(c.incoming.data)[0]
    if action == "hidden":
        await show_hidden(c)
    elif action == "add":
        await editing.start_add(c)
    else:
        await show_manage(c)


@keepers_only
async def show_hidden(c: Conversation) -> None:
    t = c.t
    services = c.runtime.services
    coordinator = await services.roles.has(c.person.id, Role.COORDINATOR)
    sources = None if coordinator else await services.partners.sources_of(c.person.id)
    hidden = await services.activities.hidden(sources=sources)
    if not hidden:
        await c.say(Reply(t._("No activities are hidden.")))
        return
    rows = [
        Choice(f"{a.id}. {a.title(t.language)}"[:60], encode(Prefix.ACT_DETAILS, str(a.id)))
        for a in hidden
    ]
    text = t._("Hidden activities (newest first). Open one to show it again:")
    await c.say(Reply(text, choices=choices(*rows)))


@keepers_only
async def hide_or_show(c: Conversation) -> None:
    """ah:<id>:hide|show."""
    activity_id, action = args_of(c.incoming.data)
    activities = c.runtime.services.activities
    before = await activities.get(int(activity_id))
    if before is None:
        await choice_expired(c)
        return
    if not await may_change(c, before):
        return
    activity = await activities.set_hidden(before.id, action == "hide", c.person.id)
    if activity is None:
        await choice_expired(c)
        return
    await c.acknowledge(
        c.t._("Hidden. Residents no longer see it.")
        if action == "hide"
        else c.t._("Residents can see it again.")
    )
    await c.update(await details_reply(c.t, c.runtime, activity, keeper=True))


@keepers_only
async def edit_menu(c: Conversation) -> None:
    """ae:<id>: which field to change."""
    activity = await c.runtime.services.activities.get(int(args_of(c.incoming.data)[0]))
    if activity is None:
        await choice_expired(c)
        return
    if not await may_change(c, activity):
        return
    t = c.t
    labels = [
        Choice(t._(FIELD_LABELS[name]), encode(Prefix.ACT_EDIT_FIELD, str(activity.id), name))
        for name in fields.EDITABLE_FIELDS
    ]
    pairs = [tuple(labels[i : i + 2]) for i in range(0, len(labels), 2)]
    text = t._(
        "What do you want to change in “%(title)s”?",
        title=html.escape(activity.title(t.language)),
    )
    await c.say(Reply(text, choices=choices(*pairs)))


def register(journeys: Journeys) -> None:
    journeys.command(names("activities"), show_manage)
    journeys.choice(Prefix.ACT_MANAGE, on_manage)
    journeys.choice(Prefix.ACT_HIDE, hide_or_show)
    journeys.choice(Prefix.ACT_EDIT, edit_menu)
    editing.register(journeys)
