"""What the safety net says at each step: calm words, only the first name, no alarm.

The nudge carries the check-in's own mood buttons, so answering it answers the
check-in; the contact gets two answers to tap; the coordinators get the reason.
Names are escaped: the texts are simple HTML.
"""

from __future__ import annotations

import html
from datetime import datetime

from bot.buttons import Prefix, encode
from bot.i18n import N_, Translator
from bot.services.care.moods import MOOD_LABELS, MOOD_ROWS, mood_data
from bot.services.outbox import Button, OutMessage


def mood_buttons(t: Translator, slot: datetime) -> tuple[tuple[Button, ...], ...]:
    """The check-in's own mood choices: a tap on them answers that check-in."""
    return tuple(
        tuple(Button(t._(MOOD_LABELS[m]), mood_data(slot, m)) for m in row) for row in MOOD_ROWS
    )


def nudge_message(t: Translator, first_name: str, slot: datetime) -> OutMessage:
    text = t._(
        "Hello %(name)s, it is Samen again. I have not heard from you yet today. "
        "No hurry: just let me know how you are.",
        name=html.escape(first_name.strip()) or t._("neighbour"),
    )
    return OutMessage(text, buttons=mood_buttons(t, slot))


def contact_message(t: Translator, first_name: str, send_id: int) -> OutMessage:
    name = html.escape(first_name)
    text = t._(
        "Hello, this is Samen, the chat service of Heemstede.\n\n"
        "Samen could not reach %(name)s today. There is often a simple reason. "
        "Could you check how %(name)s is doing?\n\n"
        "Please let me know with a tap. If you think something is seriously wrong, "
        "call 112.",
        name=name,
    )
    return OutMessage(
        text,
        buttons=(
            (Button(t._("✅ All is well"), encode(Prefix.CONTACT_ANSWER, "well", str(send_id))),),
            (
                Button(
                    t._("🚶 I will go and look"),
                    encode(Prefix.CONTACT_ANSWER, "look", str(send_id)),
                ),
            ),
        ),
    )


COORDINATOR_REASONS = {
    "no_answer": N_("A volunteer called twice and got no answer."),
    "unclaimed": N_("No volunteer took the call in time."),
    "contact_silent": N_("Their emergency contact was told, but has not answered."),
}


def coordinator_text(
    t: Translator, first_name: str, reason: str, has_contact: bool, *, undelivered: bool = False
) -> str:
    first_name = html.escape(first_name)
    checkin = (
        t._(
            "Samen's check-in could not be delivered to %(name)s: they may have blocked "
            "Samen, or the app refused the message.",
            name=first_name,
        )
        if undelivered
        else t._("%(name)s did not answer today's check-in.", name=first_name)
    )
    lines = [
        t._("🛟 <b>Safety net</b>: Samen could not reach %(name)s.", name=first_name),
        checkin,
        t._(COORDINATOR_REASONS[reason]),
    ]
    if not has_contact:
        lines.append(t._("%(name)s has no emergency contact in Samen.", name=first_name))
    lines.append(t._("Please see whether someone can check on them."))
    return "\n".join(lines)


def unreachable_text(t: Translator, first_name: str) -> str:
    """The coordinators hear once that check-ins cannot reach a resident, and that the
    volunteers are not asked to call about it every day: a person decides what next."""
    name = html.escape(first_name)
    return "\n".join(
        (
            t._("🛟 <b>Safety net</b>: Samen's check-ins cannot reach %(name)s.", name=name),
            t._(
                "%(name)s may have blocked Samen, or the app refuses the messages. "
                "A volunteer was asked to call once.",
                name=name,
            ),
            t._(
                "Samen does not ask for a new call each day while this lasts. "
                "That changes when %(name)s writes to Samen again.",
                name=name,
            ),
            t._("Please decide whether someone keeps in touch with them in another way."),
        )
    )
