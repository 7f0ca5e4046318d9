"""A phone number from the person: shared with the app's button or typed, and why not.

Used wherever Samen asks for one ("📞 Call me", the weekly call, the check-ins' safety
net): ``phone_question`` asks, ``answered_number`` reads the answer to an open phone
question, ``is_cancel`` spots the typed "✖️ Cancel" shown beside the share button.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat.conversation import Conversation
from bot.chat.incoming import Kind
from bot.chat.message import Ask, Reply
from bot.i18n import N_, Translator
from bot.services.callme.phones import PhoneProblem, PhoneRefused


async def shared_phone(c: Conversation) -> str | None:
    """The number of a shared contact, only if it is the sender's own (else the person
    is told why not, and None is returned)."""
    incoming = c.incoming
    if not incoming.own_contact or not incoming.phone:
        await c.say(
            Reply(
                c.t._(
                    "That is someone else's number. Please share your own number "
                    "with the button, or type it."
                )
            )
        )
        return None
    try:
        return c.runtime.services.call_requests.check_contact(incoming.phone)
    except PhoneRefused as refused:
        await c.say(Reply(refusal(c, refused.problem)))
        return None


CANCEL_LABEL = N_("✖️ Cancel")


def phone_question(t: Translator, text: str, way_out: str = CANCEL_LABEL) -> Reply:
    """Asking for a number: the app's share button where it has one, ``way_out`` (a
    label, typed or tapped) beside it, and an example in the empty text box."""
    return Reply(
        text,
        ask=Ask.PHONE,
        ask_also=(t._(way_out),),
        placeholder=t._("For example 06 1234 5678"),
    )


def is_cancel(c: Conversation, text: str) -> bool:
    """The typed "✖️ Cancel" beside the share button (any spacing or case)."""
    return " ".join(text.split()).casefold() == c.t._(CANCEL_LABEL).casefold()


async def answered_number(c: Conversation) -> str | None:
    """A shared contact's or a typed number volunteers may call; else None, and the
    person was told why (someone else's, a paid line, a voice message…)."""
    incoming = c.incoming
    if incoming.kind is Kind.CONTACT:
        return await shared_phone(c)
    if incoming.kind is not Kind.TEXT:
        await c.say(
            Reply(c.t._("Please type your phone number, or tap “📱 Share my phone number”."))
        )
        return None
    try:
        return c.runtime.services.call_requests.check_phone(incoming.text)
    except PhoneRefused as refused:
        await c.say(Reply(refusal(c, refused.problem)))
        return None


# Why a number cannot be called, as the person reads it (OTHER_COUNTRY names the countries).
WHY_NOT: dict[PhoneProblem, str] = {
    PhoneProblem.PAID: N_(
        "We cannot call this number: it is a paid number (like 0900), "
        "and calling it costs money per minute."
    ),
    PhoneProblem.NOT_A_PERSON: N_(
        "We cannot call this number: it is a service number (like 0800 or 088) "
        "or a pager, not a phone that a person answers."
    ),
    PhoneProblem.OTHER_COUNTRY: N_("We can only call numbers from these countries: %(countries)s."),
}
NOT_A_NUMBER = N_("That does not look like a phone number.")


def phone_refusal(t: Translator, problem: PhoneProblem, regions: Sequence[str]) -> str:
    """Why Samen cannot use a number (``regions``: the countries it calls), and what to
    give instead."""
    countries = ", ".join(str(t.locale.territories.get(code, code)) for code in regions)
    why = t._(WHY_NOT.get(problem, NOT_A_NUMBER), countries=countries)
    instead = t._("Please give a mobile or home number, like 06 1234 5678 or 023 123 4567.")
    return why + " " + instead


def refusal(c: Conversation, problem: PhoneProblem) -> str:
    """``phone_refusal`` for this person, with the countries this Samen calls."""
    return phone_refusal(c.t, problem, c.runtime.services.call_requests.policy.regions)
