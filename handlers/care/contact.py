"""The emergency contact: the resident names someone, that person agrees, and answers.

Three people's sides in one place, because they are one agreement:
- the resident (``ec:<step>``): what the contact is for, naming them (typed), the
  invite message to forward, replacing or removing them;
- the contact (``/start ec…`` and ``ecj:<yes|no|stop>:<code>``): what they agree to,
  in plain words, before anything about them is kept; they can stop at any time;
- the contact after step 3 of the safety net (``eca:<well|look>:<check-in>``).
The contact need not use Samen themselves: nothing here asks for their consent as a
resident, and nothing shows them more than the resident's first name.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.buttons import Prefix, args_of, encode, matches
from bot.channels.telegram.conversation import telegram_start_link
from bot.i18n import N_, Translator
from bot.services.care.contacts import Confirmed, EmergencyContact, clean_name
from bot.services.care.safety import Step
from handlers.care.answers import left_for_menu
from handlers.common import edit_buttons, is_consented, send_with_menu
from handlers.context import SamenContext
from handlers.conversation import conversation
from handlers.expired import button_expired

ASK_NAME = "contact_name"
END = ConversationHandler.END
CONTACT_START = filters.Regex(r"^/start ec[A-Za-z0-9_-]{16}$")


def _button(t: Translator, label: str, prefix: Prefix, *args: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t._(label), callback_data=encode(prefix, *args))


def contact_button(t: Translator) -> InlineKeyboardButton:
    """The way in from the check-in menu."""
    return _button(t, N_("👤 Emergency contact"), Prefix.CONTACT, "show")


def what_a_contact_does(t: Translator) -> str:
    return t._(
        "<b>Emergency contact</b>\n\n"
        "You can name someone you trust, for example a child, a neighbour or a friend. "
        "Samen only sends them a message when:\n"
        "• you did not answer your daily message, and\n"
        "• a volunteer could not reach you by phone.\n\n"
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


async def on_contact_step(update: Update, ctx: SamenContext) -> object:
    """ec:<show|name|remove|removeyes>, from the check-in menu."""
    query = update.callback_query
    if query is None or not is_consented(ctx) or ctx.resident is None:
        await button_expired(update, ctx)
        return END
    (step,) = args_of(query.data)
    await query.answer()
    await _drop_buttons(update)
    return await _RESIDENT_STEPS[step](update, ctx)


async def _show(update: Update, ctx: SamenContext) -> object:
    assert ctx.resident is not None
    t = ctx.t
    contact = await ctx.services.emergency_contacts.get(ctx.resident.telegram_id)
    rows = [[_button(t, N_("➕ Name someone"), Prefix.CONTACT, "name")]]
    if contact is not None:
        rows = [
            [_button(t, N_("🔁 Choose someone else"), Prefix.CONTACT, "name")],
            [_button(t, N_("🗑 Remove my emergency contact"), Prefix.CONTACT, "remove")],
        ]
    await ctx.bot.send_message(
        ctx.resident.telegram_id,
        what_a_contact_does(t) + "\n\n" + _status_text(t, contact),
        reply_markup=InlineKeyboardMarkup(rows),
    )
    return END


async def _ask_name(update: Update, ctx: SamenContext) -> object:
    assert ctx.resident is not None
    await ctx.bot.send_message(
        ctx.resident.telegram_id,
        ctx.t._("What is their name? For example: my daughter Els."),
    )
    return ASK_NAME


async def typed_name(update: Update, ctx: SamenContext) -> object:
    """The name of the contact; then the message to forward to them."""
    if update.message is None or ctx.resident is None:
        return END
    if (routed := await left_for_menu(update, ctx, update.message.text or "")) is not None:
        return routed  # a menu tap, not a name
    name = clean_name(update.message.text or "")
    if name is None:
        await update.message.reply_text(
            ctx.t._("Please type a short name, for example: my neighbour Jan.")
        )
        return ASK_NAME
    me = ctx.resident.telegram_id
    contact = await ctx.services.emergency_contacts.invite(me, name)
    t = ctx.t
    await ctx.bot.send_message(
        me,
        t._(
            "Thank you. Now please forward the next message to %(name)s. "
            "Hold your finger on it and tap “Forward”.",
            name=html.escape(name),
        ),
    )
    await ctx.bot.send_message(
        me,
        t._(
            "Hello! %(first_name)s would like you to be their emergency contact in Samen, "
            "the chat service of Heemstede. Open this link to read what that means: %(link)s",
            first_name=html.escape(ctx.resident.first_name),
            link=telegram_start_link(ctx.bot.username, contact.invite_code),
        ),
    )
    await send_with_menu(
        update, ctx, t._("I will let you know when %(name)s says yes.", name=html.escape(name))
    )
    return END


async def _ask_remove(update: Update, ctx: SamenContext) -> object:
    assert ctx.resident is not None
    t = ctx.t
    await ctx.bot.send_message(
        ctx.resident.telegram_id,
        t._("Remove your emergency contact? Then Samen tells the coordinators instead."),
        reply_markup=InlineKeyboardMarkup(
            [
                [_button(t, N_("🗑 Yes, remove"), Prefix.CONTACT, "removeyes")],
                [_button(t, N_("↩️ No, keep them"), Prefix.CONTACT, "show")],
            ]
        ),
    )
    return END


async def _removed(update: Update, ctx: SamenContext) -> object:
    assert ctx.resident is not None
    await ctx.services.emergency_contacts.remove(ctx.resident.telegram_id)
    await send_with_menu(update, ctx, ctx.t._("Done. You have no emergency contact now."))
    return END


_RESIDENT_STEPS: dict[str, Callable[[Update, SamenContext], Awaitable[object]]] = {
    "show": _show,
    "name": _ask_name,
    "remove": _ask_remove,
    "removeyes": _removed,
}


# ---------------------------------------------------------------- the contact


async def opened_invite(update: Update, ctx: SamenContext) -> None:
    """/start ec<code>: whose contact they would be, and what that means."""
    chat = update.effective_chat
    if chat is None or not ctx.args:
        return
    code = ctx.args[0]
    t = ctx.t
    invitation = await ctx.services.emergency_contacts.invitation(code)
    if invitation is None:
        await ctx.bot.send_message(
            chat.id, t._("This link no longer works. Please ask for a new one.")
        )
        return
    name = html.escape(invitation.resident_first_name)
    await ctx.bot.send_message(
        chat.id,
        t._(
            "<b>%(name)s asks you to be their emergency contact</b>\n\n"
            "%(name)s gets a short daily message from Samen. If %(name)s does not answer, "
            "and a volunteer cannot reach %(name)s by phone either, Samen sends you a "
            "message. Then you can check how %(name)s is doing.\n\n"
            "Samen keeps only the number of your chat for this, and nothing else. "
            "You can stop at any time.\n\n"
            "Do you want to be the emergency contact of %(name)s?",
            name=name,
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [_button(t, N_("✅ Yes, I will"), Prefix.CONTACT_JOIN, "yes", code)],
                [_button(t, N_("No, thank you"), Prefix.CONTACT_JOIN, "no", code)],
            ]
        ),
    )


async def on_join(update: Update, ctx: SamenContext) -> None:
    """ecj:<yes|no|stop>:<code>."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    answer, code = args_of(query.data)
    await query.answer()
    await _drop_buttons(update)
    await _JOIN_ANSWERS[answer](update, ctx, code, user.id)


async def _said_yes(update: Update, ctx: SamenContext, code: str, contact_id: int) -> None:
    t = ctx.t
    result, _resident = await ctx.services.emergency_contacts.confirm(
        code, contact_id, ctx.t.language
    )
    if result is Confirmed.UNKNOWN:
        await ctx.bot.send_message(contact_id, t._("This link no longer works."))
        return
    if result is Confirmed.SELF:
        await ctx.bot.send_message(
            contact_id,
            t._("This link is for someone else. Please forward it to the person you named."),
        )
        return
    await ctx.bot.send_message(
        contact_id,
        t._(
            "Thank you! You are now an emergency contact. Samen only sends you a message "
            "when it could not reach them. I hope that is never needed."
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    _button(
                        t,
                        N_("⏹ Stop being the emergency contact"),
                        Prefix.CONTACT_JOIN,
                        "stop",
                        code,
                    )
                ]
            ]
        ),
    )


async def _said_no(update: Update, ctx: SamenContext, code: str, contact_id: int) -> None:
    await ctx.bot.send_message(contact_id, ctx.t._("That is fine. Samen keeps nothing about you."))


async def _stopped(update: Update, ctx: SamenContext, code: str, contact_id: int) -> None:
    await ctx.services.emergency_contacts.withdraw(code, contact_id)
    await ctx.bot.send_message(
        contact_id,
        ctx.t._("You are no longer an emergency contact. Samen keeps nothing about you."),
    )


_JOIN_ANSWERS: dict[str, Callable[[Update, SamenContext, str, int], Awaitable[None]]] = {
    "yes": _said_yes,
    "no": _said_no,
    "stop": _stopped,
}


async def on_contact_answer(update: Update, ctx: SamenContext) -> None:
    """eca:<well|look>:<check-in>: the contact's answer after step 3."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    answer, send_id = args_of(query.data)
    step = Step.WELL if answer == "well" else Step.LOOK
    name = await ctx.services.safety_net.contact_answered(user.id, int(send_id), step)
    await query.answer()
    await _drop_buttons(update)
    t = ctx.t
    if name is None:
        await ctx.bot.send_message(user.id, t._("Thank you. Samen already has an answer."))
        return
    thanks = {
        Step.WELL: N_("Thank you for letting me know that all is well with %(name)s."),
        Step.LOOK: N_("Thank you for going to look. If something is seriously wrong, call 112."),
    }
    await ctx.bot.send_message(user.id, t._(thanks[step], name=html.escape(name)))


# ---------------------------------------------------------------- wiring


def contact_handlers() -> list[BaseHandler[Update, Any, Any]]:
    """Before /start (the invite link) and before the check-in conversation's fallbacks."""
    private = filters.ChatType.PRIVATE
    entry: list[BaseHandler[Update, SamenContext, object]] = [
        CallbackQueryHandler(on_contact_step, pattern=matches(Prefix.CONTACT)),
    ]
    return [
        conversation(
            "emergency_contact",
            entry,
            {ASK_NAME: [MessageHandler(filters.TEXT & ~filters.COMMAND, typed_name)]},
        ),
        CommandHandler("start", opened_invite, filters=private & CONTACT_START),
        CallbackQueryHandler(on_join, pattern=matches(Prefix.CONTACT_JOIN)),
        CallbackQueryHandler(on_contact_answer, pattern=matches(Prefix.CONTACT_ANSWER)),
    ]


async def _drop_buttons(update: Update) -> None:
    """Take the buttons off the pressed message, if it still has any."""
    if update.callback_query is not None:
        await edit_buttons(update.callback_query, None)
