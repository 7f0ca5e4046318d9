"""The emergency contact: the resident names someone, that person agrees, and answers.

Written against the conversation layer (``bot.chat``). Three people's sides in one
place, because they are one agreement:
- the resident (``ec:<step>``): what the contact is for, naming them (an open
  question), the invite message to forward, replacing or removing them;
- the contact (``/start ec…`` and ``ecj:<yes|no|stop>:<code>``): what they agree to,
  in plain words, before anything about them is kept; they can stop at any time;
- the contact after step 3 of the safety net (``eca:<well|look>:<check-in>``).
The contact need not use Samen themselves, nor the resident's app: nothing here asks
for their consent as a resident, and nothing shows them more than the first name.
"""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable

from bot.buttons import Prefix, args_of
from bot.chat.conversation import Conversation, consented
from bot.chat.incoming import Kind
from bot.chat.journeys import Journeys
from bot.chat.message import Choice, Reply, choices
from bot.i18n import N_, Translator
from bot.services.care.contacts import Confirmed, EmergencyContact, clean_name
from bot.services.care.safety import Step
from bot.services.care.safety_texts import contact_message
from handlers.care.answers import typed_checkin_answer
from handlers.care.checkin_texts import choice
from handlers.expired import choice_expired

ASK_NAME = "contact.name"
# What the link to forward starts Samen with: "ec" and the invite code.
INVITE_PAYLOAD = re.compile(r"ec[A-Za-z0-9_-]{16}")


def register(journeys: Journeys) -> None:
    journeys.choice(Prefix.CONTACT, contact_step)
    journeys.answer(ASK_NAME, typed_name, kinds=(Kind.TEXT, Kind.MEDIA))
    journeys.start_payload(INVITE_PAYLOAD, opened_invite)
    journeys.choice(Prefix.CONTACT_JOIN, answered_invite)
    journeys.choice(Prefix.CONTACT_ANSWER, answered_alert)
    journeys.typed_answer(alert_again)


def what_a_contact_does(t: Translator) -> str:
    return t._(
        "<b>Emergency contact</b>\n\n"
        "You can name someone you trust, for example a child, a neighbour or a friend. "
        "Samen only sends them a message when:\n"
        "• you did not answer your daily message, and\n"
        "• nobody could reach you by phone in time.\n\n"
        "They then see only your first name, and that Samen could not reach you. "
        "They can tell Samen “All is well” or “I will go and look”.\n\n"
        "You send them a link. Only when they open it and say yes, do they become "
        "your contact. You can change or remove them at any time."
    )


def _status_text(t: Translator, contact: EmergencyContact | None) -> str:
    if contact is None:
        return t._("You have no emergency contact yet.")
    name = html.escape(contact.name)
    if contact.confirmed:
        return t._("Your emergency contact: <b>%(name)s</b>.", name=name)
    return t._("You asked <b>%(name)s</b>. %(name)s has not opened the link yet.", name=name)


# ---------------------------------------------------------------- the resident


async def contact_step(c: Conversation) -> None:
    """ec:<show|name|remove|removeyes>, from the check-in menu."""
    if not consented(c) or c.resident is None:
        await choice_expired(c)
        return
    (step,) = args_of(c.incoming.data)
    if c.question is not None and c.question.name == ASK_NAME:
        await c.close_question()  # a tap here ends the name question
    await c.acknowledge()
    await c.clear_choices()
    await _RESIDENT_STEPS[step](c)


async def _show(c: Conversation) -> None:
    t = c.t
    contact = await c.runtime.services.emergency_contacts.get(c.person.id)
    options = [choice(t, N_("➕ Name someone"), Prefix.CONTACT, "name")]
    if contact is not None:
        options = [
            choice(t, N_("🔁 Choose someone else"), Prefix.CONTACT, "name"),
            choice(t, N_("🗑 Remove my emergency contact"), Prefix.CONTACT, "remove"),
        ]
    await c.say(
        Reply(
            what_a_contact_does(t) + "\n\n" + _status_text(t, contact),
            choices=choices(*options),
        )
    )


async def _ask_name(c: Conversation) -> None:
    await c.ask(ASK_NAME, Reply(c.t._("What is their name? For example: my daughter Els.")))


async def typed_name(c: Conversation) -> None:
    """The name of the contact; then the message to forward to them."""
    if c.incoming.kind is Kind.TEXT and await typed_checkin_answer(c):
        await c.close_question()
        return
    name = clean_name(c.incoming.text) if c.incoming.kind is Kind.TEXT else None
    if name is None or c.resident is None:
        await c.say(Reply(c.t._("Please type a short name, for example: my neighbour Jan.")))
        return
    await c.close_question()
    contact = await c.runtime.services.emergency_contacts.invite(c.person.id, name)
    t = c.t
    await c.say(
        Reply(
            t._(
                "Thank you. Now please forward the next message to %(name)s. "
                "Hold your finger on it and tap “Forward”.",
                name=html.escape(name),
            )
        )
    )
    await c.say(
        Reply(
            t._(
                "Hello! %(first_name)s would like you to be their emergency contact in Samen, "
                "the chat service of Heemstede. Open this link to read what that means: "
                "%(link)s",
                first_name=html.escape(c.resident.first_name),
                link=c.start_link(contact.invite_code),
            )
        )
    )
    await c.say(
        Reply(
            t._("I will let you know when %(name)s says yes.", name=html.escape(name)),
            menu=True,
        )
    )


async def _ask_remove(c: Conversation) -> None:
    t = c.t
    await c.say(
        Reply(
            t._("Remove your emergency contact? Then Samen tells the coordinators instead."),
            choices=choices(
                choice(t, N_("🗑 Yes, remove"), Prefix.CONTACT, "removeyes"),
                choice(t, N_("↩️ No, keep them"), Prefix.CONTACT, "show"),
            ),
        )
    )


async def _removed(c: Conversation) -> None:
    await c.runtime.services.emergency_contacts.remove(c.person.id)
    await c.say(Reply(c.t._("Done. You have no emergency contact now."), menu=True))


_RESIDENT_STEPS: dict[str, Callable[[Conversation], Awaitable[None]]] = {
    "show": _show,
    "name": _ask_name,
    "remove": _ask_remove,
    "removeyes": _removed,
}


# ---------------------------------------------------------------- the contact


async def opened_invite(c: Conversation) -> None:
    """/start ec<code>: whose contact they would be, and what that means."""
    (code,) = c.incoming.args[:1]
    t = c.t
    invitation = await c.runtime.services.emergency_contacts.invitation(code)
    if invitation is None:
        await c.say(Reply(t._("This link no longer works. Please ask for a new one.")))
        return
    name = html.escape(invitation.resident_first_name)
    await c.say(
        Reply(
            t._(
                "<b>%(name)s asks you to be their emergency contact</b>\n\n"
                "%(name)s gets a short daily message from Samen. If %(name)s does not answer, "
                "and nobody can reach %(name)s by phone in time either, Samen sends you a "
                "message. Then you can check how %(name)s is doing.\n\n"
                "Samen keeps only the number of your chat for this, and nothing else. "
                "You can stop at any time.\n\n"
                "Do you want to be the emergency contact of %(name)s?",
                name=name,
            ),
            choices=choices(
                choice(t, N_("✅ Yes, I will"), Prefix.CONTACT_JOIN, "yes", code),
                choice(t, N_("No, thank you"), Prefix.CONTACT_JOIN, "no", code),
            ),
        )
    )


async def answered_invite(c: Conversation) -> None:
    """ecj:<yes|no|stop>:<code>."""
    answer, code = args_of(c.incoming.data)
    await c.acknowledge()
    await c.clear_choices()
    await _JOIN_ANSWERS[answer](c, code)


async def _said_yes(c: Conversation, code: str) -> None:
    t = c.t
    result, _resident = await c.runtime.services.emergency_contacts.confirm(
        code, c.person.id, t.language
    )
    if result is Confirmed.UNKNOWN:
        await c.say(Reply(t._("This link no longer works.")))
        return
    if result is Confirmed.SELF:
        await c.say(
            Reply(t._("This link is for someone else. Please forward it to the person you named."))
        )
        return
    stop = choice(t, N_("⏹ Stop being the emergency contact"), Prefix.CONTACT_JOIN, "stop", code)
    await c.say(
        Reply(
            t._(
                "Thank you! You are now an emergency contact. Samen only sends you a message "
                "when it could not reach them. I hope that is never needed."
            ),
            choices=choices(stop),
        )
    )


async def _said_no(c: Conversation, code: str) -> None:
    await c.say(Reply(c.t._("That is fine. Samen keeps nothing about you.")))


async def _stopped(c: Conversation, code: str) -> None:
    await c.runtime.services.emergency_contacts.withdraw(code, c.person.id)
    await c.say(
        Reply(c.t._("You are no longer an emergency contact. Samen keeps nothing about you."))
    )


_JOIN_ANSWERS: dict[str, Callable[[Conversation, str], Awaitable[None]]] = {
    "yes": _said_yes,
    "no": _said_no,
    "stop": _stopped,
}

CONTACT_THANKS = {
    Step.WELL: N_("Thank you for letting me know that all is well with %(name)s."),
    Step.LOOK: N_("Thank you for going to look. If something is seriously wrong, call 112."),
}


async def answered_alert(c: Conversation) -> None:
    """eca:<well|look>:<check-in>: the contact's answer after step 3."""
    answer, send_id = args_of(c.incoming.data)
    step = Step.WELL if answer == "well" else Step.LOOK
    name = await c.runtime.services.safety_net.contact_answered(c.person.id, int(send_id), step)
    await c.acknowledge()
    await c.clear_choices()
    if name is None:
        await c.say(Reply(c.t._("Thank you. Samen already has an answer.")))
        return
    await c.say(Reply(c.t._(CONTACT_THANKS[step], name=html.escape(name))))


async def alert_again(c: Conversation) -> bool:
    """The contact writes while Samen waits for their answer: the message again, with its
    two answers. On WhatsApp it came as a template, without them, a day after they last
    wrote; their reply opens the chat for the choices. False when nothing waits."""
    alert = await c.runtime.services.safety_net.open_alert(c.person.id)
    if alert is None:
        return False
    send_id, first_name = alert
    message = contact_message(c.t, first_name, send_id)
    rows = tuple(tuple(Choice(b.text, b.data) for b in row) for row in message.buttons)
    await c.say(Reply(message.text, choices=rows))
    return True
