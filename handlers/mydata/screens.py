"""My data: see what is stored, export it, stop messages, delete everything.

The buttons act only on the person who presses them (the data names no one),
and each action re-reads the resident first, so an old or forged button can
do no more than the person could do anyway.
"""

from __future__ import annotations

import contextlib
import html
import io
import json

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import ConversationHandler

from bot.buttons import Prefix, args_of, encode
from bot.i18n import N_
from bot.services.callme.requests import CLEARED_TEXTS, Withdrawal
from bot.services.places.geo import parse_postcode
from bot.services.privacy import Holdings
from bot.services.residents import Resident, Status
from bot.services.roles import Role
from bot.services.understanding.reader import typed_choice
from handlers.common import edit_buttons, edit_text, send_with_menu
from handlers.context import SamenContext
from handlers.conversation import leave_conversations
from handlers.expired import button_expired
from handlers.mydata.document import EXPORT_FILE_NAME, readable_export
from handlers.mydata.holdings import holding_lines

CONFIRM_ERASE = "confirm_erase"
TYPE_POSTCODE = "type_postcode"
READABLE_FILE_NAME = N_("samen-my-data.txt")
ERASE_YES = N_("🗑 Yes, delete everything")
ERASE_NO = N_("↩️ No, keep my data")
ROLE_LABELS = {
    Role.VOLUNTEER: N_("volunteer"),
    Role.COORDINATOR: N_("coordinator"),
    Role.PARTNER: N_("partner"),
}


def _my_data_text(
    ctx: SamenContext, resident: Resident, roles: frozenset[Role], holdings: Holdings
) -> str:
    t = ctx.t
    lines = [
        t._("<b>What Samen stores about you</b>"),
        "",
        t._(
            "• Your Telegram account number (not a phone number): %(telegram_id)s",
            telegram_id=resident.telegram_id,
        ),
        t._("• First name: %(first_name)s", first_name=html.escape(resident.first_name)),
        t._("• Language: %(language)s", language=t.language_name(resident.language)),
        t._(
            "• Agreed to the privacy text (version %(version)s): %(moment)s",
            version=resident.consent_version,
            moment=t.datetime(resident.consent_at),
        ),
        t._("• Messages from Samen: on")
        if resident.status is not Status.STOPPED
        else t._("• Messages from Samen: stopped"),
        t._("• Postcode: %(digits)s", digits=resident.postcode_area)
        if resident.postcode_area
        else t._("• Postcode: not given"),
    ]
    if roles:
        lines.append(
            t._("• Role: %(roles)s", roles=", ".join(t._(ROLE_LABELS[r]) for r in sorted(roles)))
        )
    lines.append(t._("Samen keeps these until you choose “Delete everything”."))
    more = holding_lines(t, holdings)
    if more:
        lines += ["", t._("<b>What else Samen keeps, and for how long</b>"), *more]
    return "\n".join(lines)


def _my_data_buttons(ctx: SamenContext, resident: Resident) -> InlineKeyboardMarkup:
    t = ctx.t
    if resident.status is Status.STOPPED:
        messages = InlineKeyboardButton(
            t._("🔔 Start messages again"), callback_data=encode(Prefix.MY_DATA, "start")
        )
    else:
        messages = InlineKeyboardButton(
            t._("🔕 Stop all messages"), callback_data=encode(Prefix.MY_DATA, "stop")
        )
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t._("📄 Send me my data"), callback_data=encode(Prefix.MY_DATA, "export")
                )
            ],
            [messages],
            [
                InlineKeyboardButton(
                    t._("📍 Remove my postcode"), callback_data=encode(Prefix.MY_DATA, "noarea")
                )
                if resident.postcode_area
                else InlineKeyboardButton(
                    t._("📍 Give my postcode"), callback_data=encode(Prefix.MY_DATA, "area")
                )
            ],
            [
                InlineKeyboardButton(
                    t._("🗑 Delete everything"), callback_data=encode(Prefix.MY_DATA, "erase")
                )
            ],
        ]
    )


async def show_my_data(update: Update, ctx: SamenContext) -> None:
    """/mydata or the My data button."""
    chat = update.effective_chat
    resident = ctx.resident
    if chat is None:
        return
    if resident is None:
        await ctx.bot.send_message(
            chat.id,
            ctx.t._("Samen stores nothing about you. You have not agreed to the privacy text."),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            ctx.t._("🔒 Read the privacy text"),
                            callback_data=encode(Prefix.PRIVACY, "show"),
                        )
                    ]
                ]
            ),
        )
        return
    await ctx.bot.send_message(
        chat.id,
        await _current_text(ctx, resident),
        reply_markup=_my_data_buttons(ctx, resident),
    )


async def _current_text(ctx: SamenContext, resident: Resident) -> str:
    """The my-data overview with what is stored right now."""
    roles = await ctx.services.roles.of(resident.telegram_id)
    holdings = await ctx.services.privacy.holdings(resident.telegram_id)
    return _my_data_text(ctx, resident, roles, holdings)


async def my_data_action(update: Update, ctx: SamenContext) -> str | int | None:
    """my:export|stop|stopyes|stopno|start|erase|area|noarea.

    Returns CONFIRM_ERASE to enter the erase conversation, TYPE_POSTCODE to wait
    for a postcode. "stop" only asks; "stopyes" stops.
    """
    query = update.callback_query
    resident = ctx.resident
    if query is None:
        return None
    if resident is None:
        await button_expired(update, ctx)
        return ConversationHandler.END
    (action,) = args_of(query.data)
    if action == "export":
        await query.answer()
        data = await ctx.services.privacy.export(resident.telegram_id)
        readable = readable_export(ctx.t, await _current_text(ctx, resident), data)
        await ctx.bot.send_document(
            resident.telegram_id,
            InputFile(io.BytesIO(readable.encode()), filename=ctx.t._(READABLE_FILE_NAME)),
            caption=ctx.t._("Here is everything Samen stores about you, to read."),
        )
        payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
        await ctx.bot.send_document(
            resident.telegram_id,
            InputFile(io.BytesIO(payload), filename=EXPORT_FILE_NAME),
            caption=ctx.t._(
                "The same, with every detail, in a file for computers (JSON). Times in it are UTC."
            ),
        )
        return ConversationHandler.END
    if action == "area":
        await query.answer()
        await ctx.bot.send_message(
            resident.telegram_id,
            ctx.t._(
                "Type the 4 digits of your postcode, for example 2101. "
                "Samen keeps only these digits, not your street. "
                "Then you get news about your own neighbourhood."
            ),
        )
        return TYPE_POSTCODE
    if action == "noarea":
        await ctx.services.residents.set_postcode_area(resident.telegram_id, None)
        await query.answer(ctx.t._("Your postcode is removed."))
        await _refresh(query, ctx, resident.telegram_id)
        return ConversationHandler.END
    if action == "stop":
        await query.answer()
        await ask_to_stop_messages(update, ctx)
        return ConversationHandler.END
    if action == "stopno":
        await query.answer(ctx.t._("Good, your messages stay on."))
        await _refresh(query, ctx, resident.telegram_id)
        return ConversationHandler.END
    if action in ("stopyes", "start"):
        status = Status.STOPPED if action == "stopyes" else Status.ACTIVE
        await ctx.services.residents.set_status(resident.telegram_id, status)
        await query.answer(
            ctx.t._("Messages stopped. Samen only answers when you ask something.")
            if status is Status.STOPPED
            else ctx.t._("Messages are on again.")
        )
        await _refresh(query, ctx, resident.telegram_id)
        return ConversationHandler.END
    await query.answer()
    await ctx.bot.send_message(
        resident.telegram_id,
        ctx.t._(
            "Are you sure? Samen will delete everything it knows about you. You cannot undo this."
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        ctx.t._(ERASE_YES), callback_data=encode(Prefix.ERASE, "yes")
                    )
                ],
                [InlineKeyboardButton(ctx.t._(ERASE_NO), callback_data=encode(Prefix.ERASE, "no"))],
            ]
        ),
    )
    return CONFIRM_ERASE


async def ask_to_stop_messages(update: Update, ctx: SamenContext) -> None:
    """Before “Stop all messages”: say what stops and what stays, and ask to confirm.

    From the My data button the overview itself turns into the question (and back
    into the overview after the answer), so no screen shows an outdated state; from
    anywhere else (a typed "stop") the question is a new message. Someone without
    consent, or whose messages are already stopped, gets the My data overview instead.
    """
    if ctx.resident is None or ctx.resident.status is Status.STOPPED:
        await show_my_data(update, ctx)  # nothing to stop: what is stored, and the way back
        return
    t = ctx.t
    text = t._(
        "<b>Stop all messages?</b>\n\n"
        "Then Samen sends you nothing by itself:\n"
        "• no check-ins;\n"
        "• so no safety net either: nobody calls you when you do not answer;\n"
        "• no invitations for the monthly self-check;\n"
        "• no reminders for activities;\n"
        "• no news from the coordinators.\n\n"
        "What stays: Samen still answers when you tap or type something. "
        "A call you asked for yourself still goes ahead. Your settings are kept, "
        "so everything works again when you start messages again."
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t._("🔕 Yes, stop all messages"),
                    callback_data=encode(Prefix.MY_DATA, "stopyes"),
                )
            ],
            [
                InlineKeyboardButton(
                    t._("↩️ No, keep my messages"), callback_data=encode(Prefix.MY_DATA, "stopno")
                )
            ],
        ]
    )
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.edit_message_text(text, reply_markup=keyboard)
    elif update.effective_chat is not None:
        await ctx.bot.send_message(update.effective_chat.id, text, reply_markup=keyboard)


async def _refresh(query: CallbackQuery, ctx: SamenContext, telegram_id: int) -> None:
    """Show the my-data message again with what is stored now."""
    updated = await ctx.services.residents.get(telegram_id)
    if updated is not None:
        await edit_text(
            query, await _current_text(ctx, updated), reply_markup=_my_data_buttons(ctx, updated)
        )


async def typed_postcode(update: Update, ctx: SamenContext) -> str | int:
    """The postcode for "news about your neighbourhood": 4 digits of a place Samen knows."""
    message = update.message
    resident = ctx.resident
    if message is None or message.text is None or resident is None:
        return ConversationHandler.END
    code = parse_postcode(message.text)
    if code is None:
        await send_with_menu(
            update, ctx, ctx.t._("That is not a postcode. Please type 4 digits, like 2101.")
        )
        return TYPE_POSTCODE
    if ctx.services.activities.places.postcode(code) is None:
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "I do not know postcode %(digits)s. Samen is for Heemstede and the places "
                "around it. Type another postcode, or /cancel.",
                digits=code.digits,
            ),
        )
        return TYPE_POSTCODE
    await ctx.services.residents.set_postcode_area(resident.telegram_id, code.digits)
    await send_with_menu(
        update, ctx, ctx.t._("Thank you. Your postcode is %(digits)s.", digits=code.digits)
    )
    return ConversationHandler.END


async def confirm_erase(update: Update, ctx: SamenContext) -> int:
    """erase:yes|no, only while the question is open (else the button has expired)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return ConversationHandler.END
    (answer,) = args_of(query.data)
    await query.answer()
    await edit_buttons(query, None)
    return await _answered_erase(update, ctx, user.id, yes=answer == "yes")


async def typed_erase_answer(update: Update, ctx: SamenContext) -> str | int:
    """A typed answer to "Are you sure?": "ja", "nee", "1", "2" or a button's words.
    Anything else asks again; nothing is deleted without a clear yes."""
    message = update.message
    user = update.effective_user
    if message is None or message.text is None or user is None:
        return ConversationHandler.END
    labels = [ctx.t._(ERASE_YES), ctx.t._(ERASE_NO)]
    choice = typed_choice(message.text, labels, yes=0, no=1)
    if choice is None:
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "Shall Samen delete everything? Tap a button above, "
                "or type “yes” or “no”. Nothing is deleted until you say yes."
            ),
        )
        return CONFIRM_ERASE
    return await _answered_erase(update, ctx, user.id, yes=choice == 0)


async def _clear_task_details_now(ctx: SamenContext, volunteer_id: int) -> None:
    """A volunteer who erases their data must not keep residents' numbers on their
    phone: the messages that show them are edited now, before the erasure."""
    for task_id, message_id in await ctx.services.call_requests.take_details_from(volunteer_id):
        text = ctx.t._(CLEARED_TEXTS[Withdrawal.LEFT], id=task_id)
        with contextlib.suppress(TelegramError):  # already deleted by the volunteer
            await ctx.bot.edit_message_text(text, volunteer_id, message_id)


async def _answered_erase(update: Update, ctx: SamenContext, user_id: int, *, yes: bool) -> int:
    if yes and ctx.resident is not None:
        await _clear_task_details_now(ctx, user_id)
        # Calls this person took as a volunteer go back to the others first, so the
        # residents waiting for them are called by someone else.
        for task in await ctx.services.call_requests.tasks_of(user_id):
            await ctx.services.call_requests.release(task.id, user_id)
        # Their own open request is withdrawn the usual way, so the volunteer who
        # took it is told there is no need to call.
        request = await ctx.services.call_requests.open_request(user_id)
        if request is not None:
            await ctx.services.call_requests.cancel(request.id, user_id)
        await ctx.services.call_requests.forget_resident(user_id)
        # An offer to volunteer is withdrawn too: coordinators' questions lose the name.
        await ctx.services.volunteers.withdraw_application(user_id)
        await ctx.services.privacy.erase(user_id)
        leave_conversations(ctx.application, update)
        ctx.resident = None
        if ctx.user_data is not None:
            ctx.user_data.clear()
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "Everything is deleted. Thank you for using Samen.\n\n"
                "Do you want to start again later? Type /start."
            ),
        )
    else:
        await send_with_menu(update, ctx, ctx.t._("Good, nothing was deleted."))
    return ConversationHandler.END
