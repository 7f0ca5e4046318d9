"""Samen listens: a typed message leads somewhere, and a voice message to a call.

``bot.services.understanding.reader`` says what a message means; this module sends the
person where that meaning leads, through the journeys that already exist: the
call-back ("📞 Call me"), activities nearby, check-ins, helping out, My data (whose
own buttons confirm before anything stops or is deleted), and the help text. Crisis
words get 113 and 112 first, in the very first reply, then the offer of a call.
Nothing typed is stored or logged: only an anonymous count per meaning.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.channels.telegram.conversation import TelegramConversation, run_step
from bot.channels.telegram.render import choice_keyboard
from bot.services.activities.catalog import When
from bot.services.activities.kinds import Kind
from bot.services.callme.requests import Topic
from bot.services.residents import Status
from bot.services.understanding.reader import (
    CrisisKind,
    Meaning,
    Understood,
    crisis_kind,
    understand,
    yes_or_no,
)
from handlers.activities.browse import Origin
from handlers.activities.where import home_origin, suggest_activities
from handlers.care.checkins import show_checkins
from handlers.common import is_consented, send_with_menu
from handlers.context import SamenContext
from handlers.helplines import body_emergency_help, despair_help
from handlers.mydata.screens import show_my_data
from handlers.unexpected import call_choice
from handlers.volunteers.profile import show_help_out

# "112" or "113" typed on its own is a call for help, not a postcode (which has 4 digits,
# but the activities' postcode handler takes 3 to 5 to answer typos kindly).
HELPLINE_NUMBER = r"^\s*(112|113|0800[\s-]?0113)\s*[.!]*\s*$"

Answer = Callable[[Update, SamenContext, Understood], Awaitable[None]]

# Typed words with a meaning of their own are answered as such, never as a button choice.
SAYS_MORE_THAN_A_CHOICE = frozenset(
    {Meaning.CRISIS, Meaning.CALL, Meaning.LONELY, Meaning.STOP, Meaning.DELETE}
)


async def answer_typed(update: Update, ctx: SamenContext) -> None:
    """Any typed text that is no menu label and no answer to an open question."""
    message = update.message
    if message is None or message.text is None:
        return
    says_more = understand(message.text).meaning in SAYS_MORE_THAN_A_CHOICE
    if not says_more and await TelegramConversation(update, ctx).press_typed_choice():
        return  # "nee" under "Wilt u het vangnet?": the same as tapping "Nee"
    understood = await ctx.services.understanding.read(message.text)
    await _ANSWERS[understood.meaning](update, ctx, understood)


def helpline_handler() -> BaseHandler[Update, SamenContext, object]:
    """Before the activities' postcode handler: "112" there would be "not a postcode"."""
    return MessageHandler(
        filters.ChatType.PRIVATE
        & filters.UpdateType.MESSAGE
        & filters.TEXT
        & filters.Regex(HELPLINE_NUMBER),
        answer_typed,
    )


# --------------------------------------------------------------------------- a call


def call_button(ctx: SamenContext, topic: Topic | None = None) -> InlineKeyboardMarkup:
    """One button into the call-back journey (it asks for consent first if need be)."""
    return choice_keyboard([[call_choice(ctx.t, topic)]])


async def offer_call(
    update: Update, ctx: SamenContext, text: str, topic: Topic | None = None
) -> None:
    chat = update.effective_chat
    if chat is not None:
        await ctx.bot.send_message(chat.id, text, reply_markup=call_button(ctx, topic))


async def _crisis(update: Update, ctx: SamenContext, _: Understood) -> None:
    """The help that fits, first, in this very first reply: 112 for a fall or chest pain
    (no volunteer button: it could delay 112), 113 for despair, then a call."""
    text = update.message.text if update.message and update.message.text else ""
    chat = update.effective_chat
    if crisis_kind(text) is CrisisKind.BODY:
        if chat is not None:
            await ctx.bot.send_message(chat.id, body_emergency_help(ctx))
        return
    await offer_call(update, ctx, despair_help(ctx), Topic.CHAT)


async def _call(update: Update, ctx: SamenContext, _: Understood) -> None:
    await offer_call(
        update,
        ctx,
        ctx.t._(
            "Of course. A volunteer from Samen can call you. "
            "Tap the button, then I ask for your phone number and a good moment."
        ),
    )


async def _lonely(update: Update, ctx: SamenContext, _: Understood) -> None:
    """Warmly: a call for a chat, and something nearby to meet people. Someone who just
    said they are alone gets one calm message: the nearby activities follow only when
    Samen knows where they live, never a list of neighbourhoods to choose from."""
    text = ctx.t._(
        "Thank you for telling me. Many people feel alone sometimes, "
        "and it is good that you say so. 💛\n\n"
        "Would you like a chat on the phone? A volunteer from Samen can call you."
    )
    home = _home(ctx)
    if home is None:
        text += "\n\n" + ctx.t._(
            "Would you rather do something with others? Tap “🔎 Activities” below."
        )
    await offer_call(update, ctx, text, Topic.CHAT)
    if home is not None:
        await _suggest_activities(update, ctx, None, None)


# --------------------------------------------------------------------------- activities


async def _activity(update: Update, ctx: SamenContext, understood: Understood) -> None:
    await _suggest_activities(update, ctx, understood.kind, understood.when)


async def _suggest_activities(
    update: Update, ctx: SamenContext, kind: Kind | None, when: When | None
) -> None:
    """Straight to the results near the postcode the resident gave under My data;
    without one, the neighbourhoods, each button a search with this kind and time."""
    await run_step(lambda c: suggest_activities(c, kind, when), update, ctx)


def _home(ctx: SamenContext) -> Origin | None:
    return home_origin(ctx.resident, ctx.services.activities.places)


# --------------------------------------------------------------------------- the rest


async def _checkin(update: Update, ctx: SamenContext, _: Understood) -> None:
    await show_checkins(update, ctx)


async def _help_out(update: Update, ctx: SamenContext, _: Understood) -> None:
    await run_step(show_help_out, update, ctx)


async def _stop(update: Update, ctx: SamenContext, _: Understood) -> None:
    """Nothing stops without the person's own tap (and its confirmation) under My data."""
    if ctx.resident is not None and ctx.resident.status is Status.STOPPED:
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "Your messages from Samen are already stopped. Samen only answers when you write."
            ),
        )
        return
    if is_consented(ctx):
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "Would you like no more messages from Samen? "
                "Tap “🔕 Stop all messages” below. You can turn them on again at any time."
            ),
        )
    await run_step(show_my_data, update, ctx)


async def _delete(update: Update, ctx: SamenContext, _: Understood) -> None:
    """Deleting always asks once more: the erase button under My data confirms first."""
    if is_consented(ctx):
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "Would you like Samen to delete everything it knows about you? "
                "Tap “🗑 Delete everything” below. I will ask you once more before I delete."
            ),
        )
    await run_step(show_my_data, update, ctx)


async def _how(update: Update, ctx: SamenContext, _: Understood) -> None:
    from handlers.menu import show_help  # the menu imports this module

    await run_step(show_help, update, ctx)


async def _greeting(update: Update, ctx: SamenContext, _: Understood) -> None:
    await send_with_menu(
        update,
        ctx,
        ctx.t._(
            "Hello! Nice that you write. What would you like to do? "
            "Tap a button below, or tell me in a few words, "
            "for example “call me” or “coffee”."
        ),
    )


async def _thanks(update: Update, ctx: SamenContext, _: Understood) -> None:
    await send_with_menu(
        update,
        ctx,
        ctx.t._("You are welcome! I am here whenever you need me. Tap a button below."),
    )


async def _other(update: Update, ctx: SamenContext, _: Understood) -> None:
    """Nothing matched: never "I do not understand", but a call and the menu. A bare
    "ja" or "nee" most often answers Samen's last offer of a call."""
    text = update.message.text if update.message and update.message.text else ""
    answer = yes_or_no(text, clear=True)
    if answer is True:
        await _call(update, ctx, _)
        return
    if answer is False:
        await send_with_menu(
            update, ctx, ctx.t._("All right. I am here whenever you need me. Tap a button below.")
        )
        return
    await offer_call(
        update,
        ctx,
        ctx.t._(
            "I am not sure what you mean. "
            "Would you like to talk to a person? A volunteer from Samen can call you."
        ),
    )
    await send_with_menu(
        update,
        ctx,
        ctx.t._(
            "Or choose below. You can also type a few words, for example “coffee” or “call me”."
        ),
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
