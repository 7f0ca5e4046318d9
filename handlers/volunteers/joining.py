"""Joining the team: invite links, and coordinators deciding on applications.

Written against the conversation layer. Invite codes are single-use and expire; a
decision counts once, only for the application the coordinator was asked about.
"""

from __future__ import annotations

import html
import re

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation, consented
from bot.chat.message import Choice, Reply, choices
from bot.services.applications import DecideResult
from bot.services.roles import Role
from bot.services.volunteers import InviteResult
from handlers.auth import only_for
from handlers.callme.request import consent_offer
from handlers.expired import choice_expired
from handlers.volunteers.profile import profile_card

# "/start <code>": the 16 characters of a volunteer's or partner's invite link.
INVITE_CODE = re.compile(r"[A-Za-z0-9_-]{16}")


@only_for(Role.COORDINATOR)
async def decide_application(c: Conversation) -> None:
    """appl:<yes|no>:<id>: the first coordinator's decision counts."""
    decision, application_id = args_of(c.incoming.data)
    applications = c.runtime.services.applications
    result, name = await applications.decide(
        int(application_id), c.person.id, approve=decision == "yes"
    )
    if result is DecideResult.UNKNOWN:  # erased, or not the application on this message
        await c.clear_choices()
        await choice_expired(c)
        return
    name = html.escape(name)
    texts = {
        DecideResult.APPROVED: c.t._(
            "✅ You approved %(name)s. They are a volunteer now and have been told.", name=name
        ),
        DecideResult.DECLINED: c.t._(
            "❌ You declined %(name)s. They have been told that a coordinator will get in touch.",
            name=name,
        ),
        DecideResult.ALREADY_DECIDED: c.t._(
            "The application of %(name)s was already decided.", name=name
        ),
    }
    await c.update(Reply(texts[result]))
    if result is DecideResult.APPROVED:
        applicant = await applications.applicant_of(int(application_id))
        if applicant is not None:
            await c.runtime.services.call_requests.offer_open_tasks(applicant)


@only_for(Role.COORDINATOR)
async def new_invite(c: Conversation) -> None:
    """/invite, or the coordinator's choice: a single-use link, valid for seven days."""
    invite = await c.runtime.services.volunteers.create_invite(c.person.id)
    await c.say(
        Reply(
            c.t._(
                "<b>New invite link</b>\n\n%(link)s\n\n"
                "Send it to one new volunteer. It works once, until %(until)s.",
                link=c.start_link(invite.code),
                until=c.t.datetime(invite.expires_at),
            )
        )
    )


async def join_with_invite(c: Conversation) -> None:
    """/start <code>: the invite link. Without consent, the privacy text comes first."""
    (code,) = c.incoming.args
    if consented(c):
        await _redeem(c, code)
        return
    state = await c.runtime.services.volunteers.check_invite(code)
    if state is not InviteResult.JOINED:
        await c.say(Reply(_invite_problem(c, state), menu=True))
        return
    sources = await c.runtime.services.volunteers.invite_sources(code)
    welcome = (
        c.t._(
            "Welcome to Samen! 👋 You have been invited to keep the activities of "
            "%(sources)s. First, please read how Samen handles your data.",
            sources=html.escape(", ".join(sources)),
        )
        if sources
        else c.t._(
            "Welcome to Samen! 👋 You have been invited to help as a volunteer. "
            "First, please read how Samen handles your data."
        )
    )
    await c.say(Reply(welcome))
    await c.say(
        Reply(
            consent_offer(c).text,
            choices=choices(
                Choice(c.t._("✅ I agree"), encode(Prefix.JOIN, code)),
                Choice(c.t._("No, thank you"), encode(Prefix.CONSENT, "no", c.t.language)),
            ),
        )
    )


async def joined_with_consent(c: Conversation) -> None:
    """join:<code>: record consent (the first thing stored), then use the invite."""
    (code,) = args_of(c.incoming.data)
    await c.clear_choices()
    if not consented(c):
        c.resident = await c.runtime.services.residents.give_consent(
            c.person.id, c.person.first_name, c.t.language
        )
    await _redeem(c, code)


async def _redeem(c: Conversation, code: str) -> None:
    resident = c.resident
    if resident is None:
        return
    volunteers = c.runtime.services.volunteers
    sources = await volunteers.invite_sources(code)
    result = await volunteers.redeem_invite(
        code, c.person.id, resident.first_name or c.person.first_name, resident.language
    )
    if result is InviteResult.JOINED and sources:
        await c.say(
            Reply(
                c.t._(
                    "🎉 Welcome! You now keep the activities of %(sources)s in Samen. "
                    "Type /activities to see them, change them or add one.",
                    sources=html.escape(", ".join(sources)),
                ),
                menu=True,
            )
        )
        return
    if result is not InviteResult.JOINED:
        await c.say(Reply(_invite_problem(c, result), menu=True))
        return
    await c.say(
        Reply(
            c.t._(
                "🎉 Welcome to the team! You are now a Samen volunteer.\n\n"
                "You will get a message when someone asks for a phone call. "
                "Tap “🤝 I want to help” to see your tasks and your profile."
            ),
            menu=True,
        )
    )
    volunteer = await volunteers.get(c.person.id)
    if volunteer is not None:
        await c.say(profile_card(c, volunteer))
    await c.runtime.services.call_requests.offer_open_tasks(c.person.id)


def _invite_problem(c: Conversation, result: InviteResult) -> str:
    problems = {
        InviteResult.ALREADY: c.t._("You are already a volunteer. Thank you!"),
        InviteResult.USED: c.t._(
            "This invite link was already used. Please ask the coordinator for a new one."
        ),
        InviteResult.EXPIRED: c.t._(
            "This invite link has expired. Please ask the coordinator for a new one."
        ),
    }
    return problems.get(
        result,
        c.t._("This invite link does not work. Please ask the coordinator for a new one."),
    )
