"""Coordinators manage volunteers: see who helps, and end someone's volunteering.

Written against the conversation layer. Ending it gives their open calls back to the
other volunteers first, so no resident who is waiting for a call is forgotten.
"""

from __future__ import annotations

import html

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.message import Choice, Reply, choices
from bot.services.roles import Role
from bot.services.volunteers import Volunteer
from handlers.auth import only_for
from handlers.expired import choice_expired

# Choices (one per volunteer) stay well under Telegram's 100; the rest is counted.
SHOWN = 50


def _choice(label: str, action: str, telegram_id: int) -> Choice:
    return Choice(label, encode(Prefix.VOLUNTEER_ADMIN, action, str(telegram_id)))


@only_for(Role.COORDINATOR)
async def list_volunteers(c: Conversation) -> None:
    """/volunteers: everyone who helps now, on duty or not, with their open calls."""
    t = c.t
    volunteers = await c.runtime.services.volunteers.everyone()
    if not volunteers:
        await c.say(
            Reply(t._("There are no volunteers yet. Make an invite link with /invite."), menu=True)
        )
        return
    lines = [t._("<b>Volunteers</b> (%(n)s)", n=len(volunteers))]
    held_by = await c.runtime.services.call_requests.held_counts()
    for volunteer in volunteers[:SHOWN]:
        lines.append(
            t._(
                "• %(name)s – %(duty)s – %(languages)s – open calls: %(held)s",
                name=html.escape(volunteer.first_name),
                duty=t._("on duty") if volunteer.on_duty else t._("off duty"),
                languages=", ".join(t.language_name(code) for code in volunteer.languages),
                held=held_by.get(volunteer.telegram_id, 0),
            )
        )
    if len(volunteers) > SHOWN:
        lines.append(t._("… and %(n)s more.", n=len(volunteers) - SHOWN))
    ends = (
        _choice(t._("✖️ End: %(name)s", name=v.first_name), "ask", v.telegram_id)
        for v in volunteers[:SHOWN]
    )
    await c.say(Reply("\n".join(lines), choices=choices(*ends)))


@only_for(Role.COORDINATOR)
async def volunteer_admin_action(c: Conversation) -> None:
    """vman:<list|ask|end>:<id>: every press re-checks the role and the volunteer."""
    action, raw_id = args_of(c.incoming.data)
    if action == "list":
        await list_volunteers(c)
        return
    volunteer = await c.runtime.services.volunteers.get(int(raw_id))
    if volunteer is None:
        await choice_expired(c)
        return
    if action == "ask":
        await _ask_to_end(c, volunteer)
    else:
        await _end(c, volunteer)


async def _ask_to_end(c: Conversation, volunteer: Volunteer) -> None:
    held = len(await c.runtime.services.call_requests.tasks_of(volunteer.telegram_id))
    await c.say(
        Reply(
            c.t._(
                "End the volunteering of %(name)s? They can no longer take calls. "
                "Their open calls (%(held)s) go back to the other volunteers.",
                name=html.escape(volunteer.first_name),
                held=held,
            ),
            choices=choices(
                _choice(c.t._("✖️ Yes, end it"), "end", volunteer.telegram_id),
                _choice(c.t._("↩️ No"), "list", 0),
            ),
        )
    )


async def _end(c: Conversation, volunteer: Volunteer) -> None:
    call_requests = c.runtime.services.call_requests
    if not await call_requests.end_volunteer(volunteer.telegram_id, c.person.id):
        await choice_expired(c)  # another coordinator was just quicker
        return
    # The residents they called every week wait for the next volunteer who fits.
    await c.runtime.services.regular_calls.volunteer_gone(volunteer.telegram_id)
    name = html.escape(volunteer.first_name)
    await c.clear_choices()
    await c.say(
        Reply(
            c.t._(
                "%(name)s is no longer a volunteer. Their open calls went back to the others.",
                name=name,
            ),
            menu=True,
        )
    )
