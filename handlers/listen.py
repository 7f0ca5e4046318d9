"""Samen listens: a typed message leads somewhere.

Written against the conversation layer (``bot.chat``): the text step, for typed text no
journey claimed (no menu label, no answer to an open question, no postcode).
``bot.services.understanding.reader`` says what a message means; this module sends the
person where that meaning leads, through the journeys that already exist: the call
request ("📞 Call me"), activities nearby, check-ins, helping out, My data (whose own
choices confirm before anything stops or is deleted), and the help text. Crisis words
get 113 and 112 first, in the very first reply, then the offer of a call; "112" or "113"
typed alone is such a call for help (never a postcode: ``handlers.activities.where``).
Nothing typed is stored or logged: only an anonymous count per meaning.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.chat.conversation import Conversation, consented
from bot.chat.journeys import Journeys
from bot.chat.message import Reply, choices
from bot.services.callme.requests import Topic
from bot.services.residents import Status
from bot.services.understanding.reader import (
    CrisisKind,
    Meaning,
    Understood,
    crisis_kind,
    says_more_than_a_choice,
    yes_or_no,
)
from handlers.activities.where import home_origin, suggest_activities
from handlers.care.checkins import show_checkins
from handlers.helplines import body_emergency_help, despair_help
from handlers.menu import show_help
from handlers.mydata.screens import show_my_data
from handlers.unexpected import call_choice
from handlers.volunteers.profile import show_help_out

Answer = Callable[[Conversation, Understood], Awaitable[None]]


def register(journeys: Journeys) -> None:
    journeys.text(answer_typed)


async def answer_typed(c: Conversation) -> None:
    """Any typed text that is no menu label and no answer to an open question."""
    text = c.incoming.text
    if not says_more_than_a_choice(text) and await c.press_typed_choice():
        return  # "nee" under "Wilt u het vangnet?": the same as tapping "Nee"
    understood = await c.runtime.services.understanding.read(text)
    await _ANSWERS[understood.meaning](c, understood)


# --------------------------------------------------------------------------- a call


async def offer_call(c: Conversation, text: str, topic: Topic | None = None) -> None:
    """One choice into "📞 Call me" (it asks for consent first if need be)."""
    await c.say(Reply(text, choices=choices(call_choice(c.t, topic))))


async def _say_with_menu(c: Conversation, text: str) -> None:
    await c.say(Reply(text, menu=True))


async def _crisis(c: Conversation, _: Understood) -> None:
    """The help that fits, first, in this very first reply: 112 for a fall or chest pain
    (no volunteer choice: it could delay 112), 113 for despair, then a call."""
    if crisis_kind(c.incoming.text) is CrisisKind.BODY:
        await c.say(Reply(body_emergency_help(c)))
        return
    await offer_call(c, despair_help(c), Topic.CHAT)


async def _call(c: Conversation, _: Understood) -> None:
    await offer_call(
        c,
        c.t._(
            "Of course. A volunteer from Samen can call you. "
            "Tap the button, then I ask for your phone number and a good moment."
        ),
    )


async def _lonely(c: Conversation, _: Understood) -> None:
    """Warmly: a call for a chat, and something nearby to meet people. The same for
    feeling alone, low or grieving ("ik mis hem", "het gaat zo-zo"): warmth and an offer,
    never a hotline. Someone who just said so gets one calm message: the nearby
    activities follow only when Samen knows where they live, never a list of
    neighbourhoods to choose from."""
    text = c.t._(
        "Thank you for telling me. I am sorry you feel this way, "
        "and it is good that you say so. 💛\n\n"
        "Would you like to talk about it on the phone? "
        "A volunteer from Samen can call you for a chat."
    )
    knows_home = home_origin(c.resident, c.runtime.services.activities.places) is not None
    if not knows_home:
        text += "\n\n" + c.t._(
            "Would you rather do something with others? Tap “🔎 Activities” below."
        )
    await offer_call(c, text, Topic.CHAT)
    if knows_home:
        await suggest_activities(c)


async def _activity(c: Conversation, understood: Understood) -> None:
    """Straight to the results near the postcode under My data, else a neighbourhood."""
    await suggest_activities(c, understood.kind, understood.when)


# --------------------------------------------------------------------------- the rest


async def _checkin(c: Conversation, _: Understood) -> None:
    await show_checkins(c)


async def _help_out(c: Conversation, _: Understood) -> None:
    await show_help_out(c)


async def _stop(c: Conversation, _: Understood) -> None:
    """Nothing stops without the person's own tap (and its confirmation) under My data."""
    if c.resident is not None and c.resident.status is Status.STOPPED:
        await _say_with_menu(
            c,
            c.t._(
                "Your messages from Samen are already stopped. Samen only answers when you write."
            ),
        )
        return
    if consented(c):
        await _say_with_menu(
            c,
            c.t._(
                "Would you like no more messages from Samen? "
                "Tap “🔕 Stop all messages” below. You can turn them on again at any time."
            ),
        )
    await show_my_data(c)


async def _delete(c: Conversation, _: Understood) -> None:
    """Deleting always asks once more: the erase choice under My data confirms first."""
    if consented(c):
        await _say_with_menu(
            c,
            c.t._(
                "Would you like Samen to delete everything it knows about you? "
                "Tap “🗑 Delete everything” below. I will ask you once more before I delete."
            ),
        )
    await show_my_data(c)


async def _how(c: Conversation, _: Understood) -> None:
    await show_help(c)


async def _greeting(c: Conversation, _: Understood) -> None:
    await _say_with_menu(
        c,
        c.t._(
            "Hello! Nice that you write. What would you like to do? "
            "Tap a button below, or tell me in a few words, "
            "for example “call me” or “coffee”."
        ),
    )


async def _thanks(c: Conversation, _: Understood) -> None:
    await _say_with_menu(
        c, c.t._("You are welcome! I am here whenever you need me. Tap a button below.")
    )


async def _other(c: Conversation, understood: Understood) -> None:
    """Nothing matched: never "I do not understand", but a call and the menu. A bare
    "ja" or "nee" most often answers Samen's last offer of a call; a wish said no to
    ("ik hoef geen telefoontje", "ik ben niet eenzaam hoor") is taken as said, without
    offering the very call just declined."""
    answer = yes_or_no(c.incoming.text, clear=True)
    if answer is True:
        await _call(c, understood)
        return
    if answer is False or understood.declined:
        await _say_with_menu(
            c, c.t._("All right. I am here whenever you need me. Tap a button below.")
        )
        return
    await offer_call(
        c,
        c.t._(
            "I am not sure what you mean. "
            "Would you like to talk to a person? A volunteer from Samen can call you."
        ),
    )
    await _say_with_menu(
        c,
        c.t._("Or choose below. You can also type a few words, for example “coffee” or “call me”."),
    )


_ANSWERS: dict[Meaning, Answer] = {
    Meaning.CRISIS: _crisis,
    Meaning.CALL: _call,
    Meaning.LONELY: _lonely,
    Meaning.ACTIVITY: _activity,
    Meaning.CHECKIN: _checkin,
    Meaning.HELP_OUT: _help_out,
    Meaning.STOP: _stop,
    Meaning.DELETE: _delete,
    Meaning.HOW: _how,
    Meaning.GREETING: _greeting,
    Meaning.THANKS: _thanks,
    Meaning.OTHER: _other,
}
