"""Switching the safety net on: what it does, step by step, and the phone number.

The number Samen already has is used without asking again; otherwise the person
shares or types one. Every path ends in ``confirm_schedule``.
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.ext import (
    ConversationHandler,
)

from bot.buttons import Prefix
from bot.channels.telegram.conversation import TelegramConversation
from bot.i18n import N_
from bot.services.callme.phones import PhoneRefused
from bot.services.care.checkins import Subscription
from handlers.callme.phone import refusal, shared_phone
from handlers.care.answers import left_for_menu
from handlers.care.checkin_texts import button, safety_net_offer, schedule_text
from handlers.common import send_with_menu
from handlers.context import SamenContext
from handlers.expired import button_expired

END = ConversationHandler.END


SHARE_NUMBER = N_("📱 Share my phone number")  # the same words as the call-back journey


NOT_NOW = N_("↩️ Not now")


ASK_PHONE = "checkin_phone"


async def ask_safety_net(update: Update, ctx: SamenContext) -> object:
    assert ctx.resident is not None
    t = ctx.t
    await ctx.bot.send_message(
        ctx.resident.telegram_id,
        safety_net_offer(ctx),
        reply_markup=InlineKeyboardMarkup(
            [
                [button(t, N_("🛟 Yes, please"), Prefix.CHECKIN, "netyes")],
                [button(t, N_("No, thank you"), Prefix.CHECKIN, "netno")],
            ]
        ),
    )
    return END


async def ask_phone(update: Update, ctx: SamenContext) -> object:
    assert ctx.resident is not None
    t = ctx.t
    await ctx.bot.send_message(
        ctx.resident.telegram_id,
        t._(
            "Which number can a volunteer call? Tap “📱 Share my phone number” below. "
            "Or type your number, for example 06 1234 5678."
        ),
        reply_markup=ReplyKeyboardMarkup(
            [[KeyboardButton(t._(SHARE_NUMBER), request_contact=True)], [t._(NOT_NOW)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        ),
    )
    return ASK_PHONE


async def shared_contact(update: Update, ctx: SamenContext) -> object:
    phone = await shared_phone(TelegramConversation(update, ctx))
    return ASK_PHONE if phone is None else await phone_given(update, ctx, phone)


async def not_a_phone(update: Update, ctx: SamenContext) -> object:
    """A sticker, photo or voice message while Samen asks for the number."""
    if update.message is not None:
        await update.message.reply_text(
            ctx.t._("Please type your phone number, or tap “📱 Share my phone number”.")
        )
    return ASK_PHONE


async def typed_phone(update: Update, ctx: SamenContext) -> object:
    text = update.message.text if update.message and update.message.text else ""
    if " ".join(text.split()).casefold() == ctx.t._(NOT_NOW).casefold():
        assert ctx.resident is not None
        sub = await ctx.services.checkins.get(ctx.resident.telegram_id)
        if sub is None or not sub.complete:
            await send_with_menu(update, ctx, ctx.t._("Fine."))
            return END
        return await confirm_schedule(update, ctx, sub)
    if (routed := await left_for_menu(update, ctx, text)) is not None:
        return routed
    try:
        phone = ctx.services.call_requests.check_phone(text)
    except PhoneRefused as refused:
        assert ctx.resident is not None
        await ctx.bot.send_message(
            ctx.resident.telegram_id, refusal(TelegramConversation(update, ctx), refused.problem)
        )
        return ASK_PHONE
    return await phone_given(update, ctx, phone)


async def phone_given(update: Update, ctx: SamenContext, phone: str) -> object:
    assert ctx.resident is not None
    sub = await ctx.services.checkins.set_safety_net(ctx.resident.telegram_id, phone)
    if sub is None or not sub.complete:
        await button_expired(update, ctx)
        return END
    return await confirm_schedule(update, ctx, sub)


async def confirm_schedule(update: Update, ctx: SamenContext, sub: Subscription) -> object:
    """The end of every set-up path: what was saved and when the next check-in comes."""
    t = ctx.t
    text = (
        # The next check-in is named once, in the overview below.
        t._("✅ <b>Your check-ins are set.</b>")
        + "\n\n"
        + t._("You can change this at any time with “💬 Check-ins”.")
        + "\n\n"
        + schedule_text(ctx, sub)
    )
    if sub.safety_net and await ctx.services.emergency_contacts.get(sub.telegram_id) is None:
        text += "\n\n" + t._(
            "Would you like Samen to let someone you trust know, if it cannot reach you? "
            "Tap “💬 Check-ins” and then “👤 Emergency contact”."
        )
    await send_with_menu(update, ctx, text)
    return END
