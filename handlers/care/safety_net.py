"""Switching the safety net on: what it does, step by step, and the phone number.

The number Samen already has is used without asking again; otherwise the person
shares or types one (an open question). Every path ends in ``confirm_schedule``.
"""

from __future__ import annotations

from bot.buttons import Prefix
from bot.chat.conversation import Conversation, messages_stopped
from bot.chat.incoming import Kind
from bot.chat.journeys import Journeys
from bot.chat.message import Ask, Reply, choices
from bot.i18n import N_
from bot.services.callme.phones import PhoneRefused
from bot.services.care.checkins import Subscription
from handlers.callme.phone import refusal, shared_phone
from handlers.care.answers import typed_checkin_answer
from handlers.care.checkin_texts import (
    choice,
    safety_net_offer,
    schedule_text,
    unasked_messages_text,
    what_the_net_does,
)
from handlers.expired import choice_expired

NOT_NOW = N_("↩️ Not now")
ASK_PHONE = "checkins.phone"
# The check-ins' own questions: a tap elsewhere in the check-ins ends them.
OWN_QUESTIONS = ("checkins.", "contact.")


def register(journeys: Journeys) -> None:
    """Its choices are check-in steps (``ci:net…``, handlers/care/checkins.py); the number
    is its own question."""
    journeys.answer(ASK_PHONE, answered_phone, kinds=(Kind.TEXT, Kind.CONTACT, Kind.MEDIA))


async def close_own_question(c: Conversation) -> None:
    """A check-in choice was tapped while Samen waited for typing there: that typing is
    over. Another journey's open question is left alone."""
    if c.question is not None and c.question.name.startswith(OWN_QUESTIONS):
        await c.close_question()


async def ask_safety_net(c: Conversation) -> None:
    t = c.t
    await c.say(
        Reply(
            safety_net_offer(c),
            choices=choices(
                choice(t, N_("🛟 Yes, please"), Prefix.CHECKIN, "netyes"),
                choice(t, N_("No, thank you"), Prefix.CHECKIN, "netno"),
            ),
        )
    )


async def ask_phone(c: Conversation) -> None:
    t = c.t
    await c.ask(
        ASK_PHONE,
        Reply(
            t._(
                "Which number can a volunteer call? Tap “📱 Share my phone number” below. "
                "Or type your number, for example 06 1234 5678."
            ),
            ask=Ask.PHONE,
            ask_also=(t._(NOT_NOW),),
            placeholder=t._("For example 06 1234 5678"),
        ),
    )


async def answered_phone(c: Conversation) -> None:
    """The open phone question: a shared contact, a typed number, "Not now", or else."""
    incoming = c.incoming
    if incoming.kind is Kind.CONTACT:
        phone = await shared_phone(c)
    elif incoming.kind is not Kind.TEXT:  # a sticker, photo or voice message
        await c.say(
            Reply(c.t._("Please type your phone number, or tap “📱 Share my phone number”."))
        )
        return
    elif _is_not_now(c, incoming.text):
        await _not_now(c)
        return
    elif await typed_checkin_answer(c):
        await c.close_question()
        return
    else:
        phone = await _typed_phone(c, incoming.text)
    if phone is not None:
        await phone_given(c, phone)


def _is_not_now(c: Conversation, text: str) -> bool:
    return " ".join(text.split()).casefold() == c.t._(NOT_NOW).casefold()


async def _not_now(c: Conversation) -> None:
    await c.close_question()
    sub = await c.runtime.services.checkins.get(c.person.id)
    if sub is None or not sub.complete:
        await c.say(Reply(c.t._("Fine."), menu=True))
        return
    await confirm_schedule(c, sub)


async def _typed_phone(c: Conversation, text: str) -> str | None:
    """The number, or None once the person is told why Samen cannot call it."""
    try:
        return c.runtime.services.call_requests.check_phone(text)
    except PhoneRefused as refused:
        await c.say(Reply(refusal(c, refused.problem)))
        return None


async def phone_given(c: Conversation, phone: str) -> None:
    await c.close_question()
    sub = await c.runtime.services.checkins.set_safety_net(c.person.id, phone)
    if sub is None or not sub.complete:
        await choice_expired(c)
        return
    await confirm_schedule(c, sub)


async def confirm_schedule(c: Conversation, sub: Subscription) -> None:
    """The end of every set-up path: what was saved and when the next check-in comes."""
    t = c.t
    text = (
        # The next check-in is named once, in the overview below.
        t._("✅ <b>Your check-ins are set.</b>")
        + "\n\n"
        + t._("You can change this at any time with “💬 Check-ins”.")
        + "\n\n"
        + schedule_text(c, sub)
    )
    if c.person.channel == "whatsapp" and sub.local_time is not None and not messages_stopped(c):
        text += "\n\n" + unasked_messages_text(t, sub)
    if sub.safety_net and sub.phone and not messages_stopped(c):
        text += "\n\n" + what_the_net_does(c, sub.phone)
    if sub.safety_net and await c.runtime.services.emergency_contacts.get(sub.telegram_id) is None:
        text += "\n\n" + t._(
            "Would you like Samen to let someone you trust know, if it cannot reach you? "
            "Tap “💬 Check-ins” and then “👤 Emergency contact”."
        )
    await c.say(Reply(text, menu=True))
