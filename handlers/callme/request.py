"""The resident's "📞 Call me": phone number → moment → topic → confirmation.

Only the phone question needs conversation state (the person types or shares a
contact). The later steps are buttons that carry what was chosen so far (the
moment key and the number, which is the person's own), so a restart in the
middle strands nobody and nothing is stored before the request is complete.
The services check everything again: a forged button can at most make a
request for the presser themselves.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.buttons import Prefix, args_of, encode, matches
from bot.i18n import N_, Catalogs
from bot.services.callme.phones import PhoneProblem, PhoneRefused, display_phone
from bot.services.callme.requests import (
    MOMENT_LABELS,
    RESIDENT_TOPICS,
    TOPIC_LABELS,
    Problem,
    RequestRefused,
    Task,
    TaskStatus,
    Topic,
    moment_text,
)
from handlers.common import edit_buttons, edit_text, is_consented, send_with_menu
from handlers.context import SamenContext
from handlers.conversation import conversation, end_with
from handlers.keyboards import MenuAction, consent_choice, menu_action

ASK_PHONE = "callback_phone"
CANCEL_LABEL = N_("✖️ Cancel")
_PRESET_TOPIC = "callback_topic"  # user_data key: a topic chosen by another journey


class MenuLabel(filters.MessageFilter):
    """Text that is a menu label (in any language), optionally one of some actions."""

    def __init__(self, index: dict[str, MenuAction], *actions: MenuAction) -> None:
        super().__init__()
        self._index = index
        self._actions = set(actions)

    def filter(self, message: Message) -> bool:
        text = message.text
        if not text or len(text) > 64:
            return False
        action = menu_action(self._index, text)
        return action is not None and (not self._actions or action in self._actions)


def call_me_conversation(
    index: dict[str, MenuAction], catalogs: Catalogs
) -> ConversationHandler[Any]:
    """'📞 Call me' (or a call:<topic> button elsewhere) → the phone question."""
    from handlers.menu import on_text

    private = filters.ChatType.PRIVATE
    cancel = filters.Text([catalogs.get(lang)._(CANCEL_LABEL) for lang in catalogs.languages])
    phone_state: list[BaseHandler[Update, Any, Any]] = [
        MessageHandler(private & filters.CONTACT, got_contact),
        MessageHandler(private & cancel, end_with(_cancelled)),
        MessageHandler(private & MenuLabel(index), end_with(on_text)),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, got_typed_phone),
        MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.COMMAND, _not_a_phone),
    ]
    return conversation(
        "callback",
        entry_points=[
            MessageHandler(private & MenuLabel(index, MenuAction.CALL_ME), call_me),
            CallbackQueryHandler(call_me_button, pattern=matches(Prefix.CALL_ME)),
            CallbackQueryHandler(another_number, pattern=matches(Prefix.CALL_NUMBER)),
        ],
        states={ASK_PHONE: phone_state},
    )


def call_request_handlers() -> list[BaseHandler[Update, Any, Any]]:
    """The steps after the phone number, and withdrawing a request."""
    return [
        CallbackQueryHandler(chose_moment, pattern=matches(Prefix.CALL_MOMENT)),
        CallbackQueryHandler(chose_topic, pattern=matches(Prefix.CALL_TOPIC)),
        CallbackQueryHandler(cancel_request, pattern=matches(Prefix.CALL_CANCEL)),
    ]


async def drop_buttons(update: Update) -> None:
    """Take the buttons off the pressed message, if it still has any (Telegram refuses
    an edit that changes nothing, e.g. on an old message pressed again)."""
    if update.callback_query is not None:
        await edit_buttons(update.callback_query, None)


def call_me_button_data(topic: Topic | None = None) -> str:
    """Callback data for a button that starts "Call me" (e.g. "I'd rather not go alone")."""
    return encode(Prefix.CALL_ME, topic.value if topic else "any")


# ---------------------------------------------------------------------- the phone question


async def call_me(update: Update, ctx: SamenContext) -> str | int:
    if ctx.user_data is not None:
        ctx.user_data.pop(_PRESET_TOPIC, None)
    return await _ask_phone(update, ctx)


async def call_me_button(update: Update, ctx: SamenContext) -> str | int:
    query = update.callback_query
    if query is None:
        return ConversationHandler.END
    await query.answer()
    (topic,) = args_of(query.data)
    if ctx.user_data is not None:
        if topic == "any":
            ctx.user_data.pop(_PRESET_TOPIC, None)
        else:
            ctx.user_data[_PRESET_TOPIC] = topic
    return await _ask_phone(update, ctx)


async def another_number(update: Update, ctx: SamenContext) -> str | int:
    """cbn:<topic|->: the resident wants a call on another number than the one Samen has."""
    query = update.callback_query
    if query is None:
        return ConversationHandler.END
    await query.answer()
    await drop_buttons(update)
    (topic,) = args_of(query.data)
    if ctx.user_data is not None and topic != "-":
        ctx.user_data[_PRESET_TOPIC] = topic
    return await _ask_phone(update, ctx, use_known=False)


async def _ask_phone(update: Update, ctx: SamenContext, use_known: bool = True) -> str | int:
    chat = update.effective_chat
    if chat is None:
        return ConversationHandler.END
    if not is_consented(ctx) or ctx.resident is None:
        await _offer_consent(update, ctx)
        return ConversationHandler.END
    task = await ctx.services.call_requests.open_request(ctx.resident.telegram_id)
    if task is not None:
        await show_request(update, ctx, task)
        return ConversationHandler.END
    known = await ctx.services.call_requests.known_phone(ctx.resident.telegram_id)
    if use_known and known is not None:
        await _offer_known_number(ctx, chat.id, known)
        return ConversationHandler.END
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton(ctx.t._("📱 Share my phone number"), request_contact=True)],
            [KeyboardButton(ctx.t._(CANCEL_LABEL))],
        ],
        resize_keyboard=True,
        input_field_placeholder=ctx.t._("For example 06 1234 5678"),
    )
    await ctx.bot.send_message(
        chat.id,
        ctx.t._(
            "<b>A volunteer will call you</b> 📞\n\n"
            "Which number can we call? Tap “📱 Share my phone number” below. "
            "Or type your number, for example 06 1234 5678."
        ),
        reply_markup=keyboard,
    )
    return ASK_PHONE


async def own_phone(update: Update, ctx: SamenContext) -> str | None:
    """The number from a shared contact, only if it is the sender's own (else the
    person is told why not and None is returned). Used wherever Samen asks for one."""
    message = update.message
    user = update.effective_user
    if message is None or message.contact is None or user is None:
        return None
    if message.contact.user_id != user.id:
        await message.reply_text(
            ctx.t._(
                "That is someone else's number. Please share your own number "
                "with the button, or type it."
            )
        )
        return None
    try:
        return ctx.services.call_requests.check_contact(message.contact.phone_number)
    except PhoneRefused as refused:
        await message.reply_text(phone_refusal(ctx, refused.problem))
        return None


def phone_refusal(ctx: SamenContext, problem: PhoneProblem) -> str:
    """Why Samen cannot use a number, and what to give instead."""
    t = ctx.t
    instead = t._("Please give a mobile or home number, like 06 1234 5678 or 023 123 4567.")
    if problem is PhoneProblem.PAID:
        why = t._(
            "We cannot call this number: it is a paid number (like 0900), "
            "and calling it costs money per minute."
        )
    elif problem is PhoneProblem.NOT_A_PERSON:
        why = t._(
            "We cannot call this number: it is a service number (like 0800 or 088) "
            "or a pager, not a phone that a person answers."
        )
    elif problem is PhoneProblem.OTHER_COUNTRY:
        why = t._(
            "We can only call numbers from these countries: %(countries)s.",
            countries=", ".join(
                str(t.locale.territories.get(code, code))
                for code in ctx.services.call_requests.policy.regions
            ),
        )
    else:
        why = t._("That does not look like a phone number.")
    return why + " " + instead


async def got_contact(update: Update, ctx: SamenContext) -> str | int:
    phone = await own_phone(update, ctx)
    return ASK_PHONE if phone is None else await _ask_moment(update, ctx, phone)


async def got_typed_phone(update: Update, ctx: SamenContext) -> str | int:
    message = update.message
    if message is None or message.text is None:
        return ASK_PHONE
    try:
        phone = ctx.services.call_requests.check_phone(message.text)
    except PhoneRefused as refused:
        await message.reply_text(phone_refusal(ctx, refused.problem))
        return ASK_PHONE
    return await _ask_moment(update, ctx, phone)


async def _not_a_phone(update: Update, ctx: SamenContext) -> str:
    if update.message is not None:
        await update.message.reply_text(
            ctx.t._("Please type your phone number, or tap “📱 Share my phone number”.")
        )
    return ASK_PHONE


async def _cancelled(update: Update, ctx: SamenContext) -> None:
    await send_with_menu(update, ctx, ctx.t._("Fine. No call is planned."))


# ---------------------------------------------------------------------- moment and topic


async def _ask_moment(update: Update, ctx: SamenContext, phone: str) -> int:
    """Back to the menu keyboard, then the moments still ahead as buttons."""
    chat = update.effective_chat
    if chat is None:
        return ConversationHandler.END
    preset = ctx.user_data.pop(_PRESET_TOPIC, None) if ctx.user_data is not None else None
    topic = preset if preset in {t.value for t in Topic} else "-"
    await send_with_menu(
        update,
        ctx,
        ctx.t._("Thank you. We will call <b>%(phone)s</b>.", phone=display_phone(phone)),
    )
    await ctx.bot.send_message(
        chat.id,
        ctx.t._("When would you like to be called?"),
        reply_markup=_moment_buttons(ctx, phone, str(topic)),
    )
    return ConversationHandler.END


async def _offer_known_number(ctx: SamenContext, chat_id: int, phone: str) -> None:
    """Samen has their number: straight to the moment, with a way to give another one."""
    preset = ctx.user_data.pop(_PRESET_TOPIC, None) if ctx.user_data is not None else None
    topic = str(preset) if preset in {t.value for t in Topic} else "-"
    moments = _moment_buttons(ctx, phone, topic)
    another = InlineKeyboardButton(
        ctx.t._("📱 Another number"), callback_data=encode(Prefix.CALL_NUMBER, topic)
    )
    await ctx.bot.send_message(
        chat_id,
        ctx.t._(
            "<b>A volunteer will call you</b> 📞\n\n"
            "We will call <b>%(phone)s</b>. Another number? "
            "Tap “📱 Another number” below.\n\n"
            "When would you like to be called?",
            phone=display_phone(phone),
        ),
        reply_markup=InlineKeyboardMarkup([*moments.inline_keyboard, [another]]),
    )


def _moment_buttons(ctx: SamenContext, phone: str, topic: str) -> InlineKeyboardMarkup:
    digits = phone.lstrip("+")
    rows = [
        [
            InlineKeyboardButton(
                ctx.t._(
                    "%(moment)s (%(start)s–%(end)s)",
                    moment=ctx.t._(MOMENT_LABELS[(moment.offset, moment.part)]),
                    start=ctx.t.time(moment.start),
                    end=ctx.t.time(moment.end),
                ),
                callback_data=encode(Prefix.CALL_MOMENT, moment.key, digits, topic),
            )
        ]
        for moment in ctx.services.call_requests.moments()
    ]
    return InlineKeyboardMarkup(rows)


async def chose_moment(update: Update, ctx: SamenContext) -> None:
    """cbm:<moment>:<phone>:<topic|->: ask the topic, or finish when it was preset."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    key, digits, topic = args_of(query.data)
    if not await _still_consented(update, ctx):
        return
    if ctx.services.call_requests.moment(key) is None:
        await edit_text(
            query,
            ctx.t._("That moment has passed. When would you like to be called?"),
            reply_markup=_moment_buttons(ctx, "+" + digits, topic),
        )
        return
    if topic != "-":
        await _finish(update, ctx, "+" + digits, key, Topic(topic))
        return
    rows = [
        [
            InlineKeyboardButton(
                ctx.t._(TOPIC_LABELS[value]),
                callback_data=encode(Prefix.CALL_TOPIC, value.value, key, digits),
            )
        ]
        for value in RESIDENT_TOPICS
    ]
    rows.append(
        [
            InlineKeyboardButton(
                ctx.t._("Skip"), callback_data=encode(Prefix.CALL_TOPIC, "none", key, digits)
            )
        ]
    )
    await edit_text(
        query,
        ctx.t._(
            "What would you like to talk about? This helps the volunteer. You may also skip this."
        ),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def chose_topic(update: Update, ctx: SamenContext) -> None:
    """cbt:<topic|none>:<moment>:<phone>: make the request."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    topic, key, digits = args_of(query.data)
    if not await _still_consented(update, ctx):
        return
    await _finish(update, ctx, "+" + digits, key, None if topic == "none" else Topic(topic))


async def _finish(
    update: Update, ctx: SamenContext, phone: str, key: str, topic: Topic | None
) -> None:
    query = update.callback_query
    resident = ctx.resident
    if query is None or resident is None:
        return
    try:
        task = await ctx.services.call_requests.create_request(
            resident.telegram_id, phone, key, topic
        )
    except RequestRefused as refused:
        if refused.problem is Problem.MOMENT_PASSED:
            await edit_text(
                query,
                ctx.t._("That moment has passed. When would you like to be called?"),
                reply_markup=_moment_buttons(ctx, phone, topic.value if topic else "-"),
            )
        elif refused.problem is Problem.ALREADY_OPEN:
            await drop_buttons(update)
            existing = await ctx.services.call_requests.open_request(resident.telegram_id)
            if existing is not None:
                await show_request(update, ctx, existing)
        else:
            await edit_text(
                query, ctx.t._("Sorry, that did not work. Please tap “📞 Call me” to try again.")
            )
        return
    await edit_text(
        query,
        ctx.t._(
            "✅ <b>Your request is in.</b>\n\n"
            "We will call you: %(moment)s\n"
            "Number: %(phone)s\n"
            "%(topic)s\n"
            "<b>What happens now?</b> Our volunteers get your request. "
            "When one of them takes it, you get a message with their first name. "
            "Then they call you at the moment you chose.\n\n"
            "Do you want to change or cancel it? Tap “📞 Call me”.",
            moment=moment_text(ctx.t, task.moment_start, task.moment_end),
            phone=display_phone(phone),
            topic=_topic_line(ctx, task),
        ),
    )


def _topic_line(ctx: SamenContext, task: Task) -> str:
    if task.topic is None:
        return ""
    return ctx.t._("Topic: %(topic)s", topic=ctx.t._(TOPIC_LABELS[task.topic])) + "\n"


# ---------------------------------------------------------------------- the open request


async def show_request(update: Update, ctx: SamenContext, task: Task) -> None:
    """The resident's open request, with the way to cancel it."""
    chat = update.effective_chat
    if chat is None:
        return
    if task.status is TaskStatus.CLAIMED:
        status = ctx.t._(
            "%(name)s, a volunteer, will call you.", name=html.escape(task.volunteer_name)
        )
    else:
        status = ctx.t._("We are looking for a volunteer to call you.")
    await ctx.bot.send_message(
        chat.id,
        ctx.t._(
            "<b>You already asked for a call</b>\n\n"
            "When: %(moment)s\nNumber: %(phone)s\n%(topic)s\n%(status)s",
            moment=moment_text(ctx.t, task.moment_start, task.moment_end),
            phone=display_phone(task.phone) if task.phone else "",
            topic=_topic_line(ctx, task),
            status=status,
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        ctx.t._("❌ Cancel my request"),
                        callback_data=encode(Prefix.CALL_CANCEL, str(task.id)),
                    )
                ]
            ]
        ),
    )


async def cancel_request(update: Update, ctx: SamenContext) -> None:
    """cbx:<task>: only the resident's own open request can be cancelled."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    (task_id,) = args_of(query.data)
    cancelled = await ctx.services.call_requests.cancel(int(task_id), user.id)
    if cancelled is None:
        await query.answer(ctx.t._("This request is no longer open."))
        await drop_buttons(update)
        return
    await query.answer()
    await edit_text(
        query,
        ctx.t._(
            "Your request is cancelled. Nobody will call you.\n\n"
            "Would you like a call after all? Tap “📞 Call me”."
        ),
    )


# ---------------------------------------------------------------------- consent


async def _still_consented(update: Update, ctx: SamenContext) -> bool:
    if is_consented(ctx):
        return True
    await _offer_consent(update, ctx)
    return False


async def _offer_consent(update: Update, ctx: SamenContext) -> None:
    """Nothing can be stored without consent, so the request waits until they agree."""
    from handlers.start import consent_question

    chat = update.effective_chat
    if chat is None:
        return
    await ctx.bot.send_message(
        chat.id,
        ctx.t._(
            "Before a volunteer can call you, Samen needs to store your phone number. "
            "Please read the privacy text first. After you agree, tap “📞 Call me” again."
        ),
    )
    await ctx.bot.send_message(chat.id, consent_question(ctx), reply_markup=consent_choice(ctx.t))
