"""The numbers that help: one place for every journey (check-ins, self-check, typed words).

Care rule: 113 and 112 are shown only where someone signals crisis (a "very bad" choice or
crisis words), and then first. Someone who is merely not doing well gets the social work
desk and the offer of a call, not a suicide line.
"""

from __future__ import annotations

import html

from bot.chat.conversation import Conversation


def _desk(ctx: Conversation) -> dict[str, str]:
    """The desk's name and number, as every text here names them (escaped for HTML)."""
    policy = ctx.runtime.services.checkins.policy
    return {"desk": html.escape(policy.desk_name), "phone": html.escape(policy.desk_phone)}


def crisis_help(ctx: Conversation) -> str:
    """112, 113 and the desk: for someone in crisis, shown first and clearly. 112 leads,
    because a fall or chest pain needs it at once; each line says when to call it."""
    return ctx.t._(
        "<b>Who can help right now</b>\n"
        "• In danger, hurt or fallen: call 112\n"
        "• Thinking about ending your life: call 113 Suicide Prevention, "
        "0800-0113 (free, day and night), or chat on 113.nl\n"
        "• %(desk)s (social work): %(phone)s",
        **_desk(ctx),
    )


def body_emergency_help(ctx: Conversation) -> str:
    """A fall, chest pain, no breath, fire: 112 at once, and what else can help now.
    No suicide line here: it is off the point and frightening for someone who fell."""
    return ctx.t._(
        "<b>Call 112 now.</b>\n"
        "I am sorry this is happening to you. Do you have an alarm button? Press it. "
        "Or call a neighbour or someone in your family.\n\n"
        "Not urgent, but worried? Call your GP. Or %(desk)s: %(phone)s\n\n"
        "When help has come, you can always write to me again.",
        **_desk(ctx),
    )


def despair_help(ctx: Conversation) -> str:
    """Not wanting to live, despair: a warm word, 113 first, and honesty about what a
    volunteer is (not a counsellor, and not at once), without closing the door: the
    volunteer's call is still offered, and Samen is there when they write again."""
    return ctx.t._(
        "Thank you for telling me. You do not have to carry this alone.\n\n"
        "<b>Talk to someone now:</b>\n"
        "• 113 Suicide Prevention: call 0800-0113 (free, day and night), or chat on 113.nl\n"
        "• In danger right now: call 112\n"
        "• %(desk)s (social work): %(phone)s\n\n"
        "A volunteer from Samen would like to call you too. But a volunteer is not a "
        "counsellor and cannot call straight away. So please call 113 first: they are "
        "there for this, day and night. You can always write to me again.",
        **_desk(ctx),
    )


def desk_help(ctx: Conversation) -> str:
    """The social work desk only: for someone who is not doing well, without alarm."""
    return ctx.t._(
        "Would you like to talk to someone from social work? %(desk)s: %(phone)s",
        **_desk(ctx),
    )
