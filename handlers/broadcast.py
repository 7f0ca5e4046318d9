"""Coordinators' broadcasts: write → audience → preview → now or later → confirm.

Only writing the text and typing a time need conversation state; every other
step is a button that names the draft, and each press re-checks on the server
that the presser is a coordinator and the draft is still a draft. The draft is a
database row from the first step, so a restart in the middle loses nothing.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from babel.numbers import format_decimal
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.buttons import Prefix, args_of, encode, matches
from bot.services.broadcasts import Audience, AudienceKind, Broadcast, Status, too_long
from bot.services.roles import Role
from bot.when import parse_when
from handlers.auth import requires
from handlers.commands import names
from handlers.common import edit_buttons, send_with_menu
from handlers.context import SamenContext
from handlers.conversation import conversation
from handlers.expired import button_expired

WRITE = "broadcast_write"
WHEN = "broadcast_when"
LATEST_SCHEDULE = timedelta(days=90)


def _button(text: str, prefix: Prefix, *args: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text, callback_data=encode(prefix, *args))]


def _number(ctx: SamenContext, n: int) -> str:
    return format_decimal(n, locale=ctx.t.locale)


@requires(Role.COORDINATOR)
async def start_broadcast(update: Update, ctx: SamenContext) -> str:
    await send_with_menu(
        update,
        ctx,
        ctx.t._(
            "<b>New announcement</b>\n\nWrite your message and send it to me. "
            "You can also send a photo with a caption.\n\nType /cancel to stop."
        ),
    )
    return WRITE


async def wrote(update: Update, ctx: SamenContext) -> str | int:
    """The text (or photo with caption): check the length, keep it as a draft."""
    message = update.message
    user = update.effective_user
    if message is None or user is None:
        return WRITE
    if not await ctx.services.roles.has(user.id, Role.COORDINATOR):
        return ConversationHandler.END
    photo = message.photo[-1].file_id if message.photo else None
    plain = (message.caption if photo else message.text) or ""
    text = (message.caption_html if photo else message.text_html) or ""
    if not plain.strip():
        await send_with_menu(update, ctx, ctx.t._("Please send a text, or a photo with a caption."))
        return WRITE
    limit = too_long(plain, photo is not None)
    if limit is not None:
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "Your message has %(length)s characters. Telegram allows at most %(limit)s. "
                "Please make it shorter and send it again.",
                length=_number(ctx, len(plain)),
                limit=_number(ctx, limit),
            ),
        )
        return WRITE
    draft = await ctx.services.broadcasts.draft(user.id, ctx.t.language, text, photo)
    await _ask_audience(message, ctx, draft)
    return ConversationHandler.END


async def wrote_something_else(update: Update, ctx: SamenContext) -> str:
    await send_with_menu(update, ctx, ctx.t._("Please send a text, or a photo with a caption."))
    return WRITE


async def _ask_audience(message: Message, ctx: SamenContext, draft: Broadcast) -> None:
    count = ctx.services.broadcasts.count
    rows = [
        _button(
            ctx.t._(
                "All residents (%(n)s)", n=_number(ctx, await count(Audience(AudienceKind.ALL)))
            ),
            Prefix.BROADCAST_AUDIENCE,
            str(draft.id),
            "all",
        )
    ]
    for language in ctx.runtime.catalogs.languages:
        n = await count(Audience(AudienceKind.LANGUAGE, language))
        rows.append(
            _button(
                ctx.t._(
                    "Residents who read %(language)s (%(n)s)",
                    language=ctx.t.language_name(language),
                    n=_number(ctx, n),
                ),
                Prefix.BROADCAST_AUDIENCE,
                str(draft.id),
                f"lang:{language}",
            )
        )
    rows.append(
        _button(ctx.t._("Residents of one area…"), Prefix.BROADCAST, "areas", str(draft.id))
    )
    volunteers = await count(Audience(AudienceKind.VOLUNTEERS))
    rows.append(
        _button(
            ctx.t._("Volunteers (%(n)s)", n=_number(ctx, volunteers)),
            Prefix.BROADCAST_AUDIENCE,
            str(draft.id),
            "vol",
        )
    )
    rows.append(_button(ctx.t._("✖️ Cancel"), Prefix.BROADCAST, "drop", str(draft.id)))
    await message.reply_text(
        ctx.t._("Who should get this message?"), reply_markup=InlineKeyboardMarkup(rows)
    )


async def _own_draft(update: Update, ctx: SamenContext, broadcast_id: str) -> Broadcast | None:
    """The presser's own draft a button names, if it still is one; else the button has
    expired (an erased draft, or one of another coordinator: drafts are personal)."""
    draft = await ctx.services.broadcasts.get(int(broadcast_id))
    user = update.effective_user
    if (
        draft is None
        or draft.status is not Status.DRAFT
        or user is None
        or draft.author_id != user.id
    ):
        await button_expired(update, ctx)
        return None
    return draft


@requires(Role.COORDINATOR)
async def broadcast_action(update: Update, ctx: SamenContext) -> str | int | None:
    """bc:<areas|now|later|go|drop|cancel>:<id>."""
    query = update.callback_query
    user = update.effective_user
    if query is None or query.message is None or user is None:
        return None
    action, broadcast_id = args_of(query.data)
    if action == "cancel":
        await _cancel(update, ctx, int(broadcast_id))
        return None
    draft = await _own_draft(update, ctx, broadcast_id)
    if draft is None:
        return ConversationHandler.END
    if action not in ("areas", "drop") and draft.audience is None:
        await button_expired(update, ctx)  # it answers the query: answer only once
        return None
    await query.answer()
    chat_id = query.message.chat.id
    if action == "areas":
        areas = await ctx.services.broadcasts.areas()
        if not areas:
            await ctx.bot.send_message(
                chat_id, ctx.t._("No resident has told Samen their postcode yet.")
            )
            return None
        rows = [
            _button(
                ctx.t._("Postcode %(area)s (%(n)s)", area=area, n=_number(ctx, n)),
                Prefix.BROADCAST_AUDIENCE,
                str(draft.id),
                f"area:{area}",
            )
            for area, n in areas
        ]
        await edit_buttons(query, InlineKeyboardMarkup(rows))
        return None
    if action == "drop":
        await ctx.services.broadcasts.cancel(draft.id, user.id)
        await edit_buttons(query, None)
        await ctx.bot.send_message(chat_id, ctx.t._("The announcement is cancelled."))
        return None
    assert draft.audience is not None
    recipients = await ctx.services.broadcasts.count(draft.audience)
    if action == "now":
        await edit_buttons(query, None)
        await ctx.bot.send_message(
            chat_id,
            ctx.t.ngettext(
                "Send it now to %(n)s person?", "Send it now to %(n)s people?", recipients
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    _button(ctx.t._("✅ Yes, send now"), Prefix.BROADCAST, "go", str(draft.id)),
                    _button(ctx.t._("✖️ Cancel"), Prefix.BROADCAST, "drop", str(draft.id)),
                ]
            ),
        )
        return None
    if action == "go":
        await edit_buttons(query, None)
        sent_to = await ctx.services.broadcasts.send_now(draft.id, user.id)
        await ctx.bot.send_message(
            chat_id,
            ctx.t.ngettext(
                "On its way to %(n)s person. A message below shows how it goes.",
                "On its way to %(n)s people. A message below shows how it goes.",
                max(sent_to, 0),
            ),
        )
        return None
    # later
    await edit_buttons(query, None)
    await _ask_time(chat_id, ctx, draft)
    return WHEN


async def _ask_time(chat_id: int, ctx: SamenContext, draft: Broadcast) -> None:
    now = ctx.runtime.clock()
    tomorrow = now.astimezone(ctx.t.zone).date() + timedelta(days=1)
    options = [
        datetime(tomorrow.year, tomorrow.month, tomorrow.day, hour, tzinfo=ctx.t.zone)
        for hour in (9, 10, 14, 19)
    ]
    rows = [
        _button(ctx.t.datetime(at), Prefix.BROADCAST_AT, str(draft.id), str(int(at.timestamp())))
        for at in options
    ]
    await ctx.bot.send_message(
        chat_id,
        ctx.t._(
            "When should it be sent? Tap a moment, or type a day and time, "
            "for example 24 December 10:00 or Saturday 14:30."
        ),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def typed_time(update: Update, ctx: SamenContext) -> str | int:
    """A typed date and time for the author's latest draft."""
    message = update.message
    user = update.effective_user
    if message is None or message.text is None or user is None:
        return WHEN
    if not await ctx.services.roles.has(user.id, Role.COORDINATOR):
        return ConversationHandler.END
    now = ctx.runtime.clock()
    at = parse_when(message.text, now, ctx.t.zone)
    if at is None or at <= now or at - now > LATEST_SCHEDULE:
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "I could not read that as a moment in the next 90 days. "
                "Please type it like 24 December 10:00."
            ),
        )
        return WHEN
    draft = await ctx.services.broadcasts.latest_draft(user.id)
    if draft is None:
        await send_with_menu(update, ctx, ctx.t._("That button no longer works. Here is the menu."))
        return ConversationHandler.END
    await _confirm_time(message.chat.id, ctx, draft, at)
    return ConversationHandler.END


@requires(Role.COORDINATOR)
async def chose_time(update: Update, ctx: SamenContext) -> int | None:
    """bct:<id>:<unix>: a tapped moment; ask to confirm."""
    query = update.callback_query
    if query is None or query.message is None:
        return None
    broadcast_id, unix = args_of(query.data)
    draft = await _own_draft(update, ctx, broadcast_id)
    if draft is None:
        return ConversationHandler.END
    at = datetime.fromtimestamp(int(unix), UTC)
    if at <= ctx.runtime.clock():
        await button_expired(update, ctx)
        return ConversationHandler.END
    await query.answer()
    await edit_buttons(query, None)
    await _confirm_time(query.message.chat.id, ctx, draft, at)
    return ConversationHandler.END


async def _confirm_time(chat_id: int, ctx: SamenContext, draft: Broadcast, at: datetime) -> None:
    assert draft.audience is not None
    recipients = await ctx.services.broadcasts.count(draft.audience)
    unix = str(int(at.timestamp()))
    await ctx.bot.send_message(
        chat_id,
        ctx.t.ngettext(
            "Send it %(moment)s? Right now %(n)s person fits; it goes to whoever fits then.",
            "Send it %(moment)s? Right now %(n)s people fit; it goes to whoever fits then.",
            recipients,
            moment=ctx.t.datetime(at),
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                _button(ctx.t._("✅ Yes, plan it"), Prefix.BROADCAST_SCHEDULE, str(draft.id), unix),
                _button(ctx.t._("✖️ Cancel"), Prefix.BROADCAST, "drop", str(draft.id)),
            ]
        ),
    )


@requires(Role.COORDINATOR)
async def confirmed_time(update: Update, ctx: SamenContext) -> None:
    """bcs:<id>:<unix>: plan the broadcast."""
    query = update.callback_query
    user = update.effective_user
    if query is None or query.message is None or user is None:
        return
    broadcast_id, unix = args_of(query.data)
    at = datetime.fromtimestamp(int(unix), UTC)
    if at <= ctx.runtime.clock() or not await ctx.services.broadcasts.schedule(
        int(broadcast_id), user.id, at
    ):
        await button_expired(update, ctx)
        return
    await query.answer()
    await edit_buttons(query, None)
    await ctx.bot.send_message(
        query.message.chat.id,
        ctx.t._("Planned for %(moment)s. See /broadcasts to cancel it.", moment=ctx.t.datetime(at)),
    )


@requires(Role.COORDINATOR)
async def chose_audience(update: Update, ctx: SamenContext) -> None:
    """bca:<id>:<audience>: show the preview exactly as residents will see it."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    broadcast_id, audience_text = args_of(query.data)
    audience = Audience.decode(audience_text)
    draft = await _own_draft(update, ctx, broadcast_id)
    if draft is None or audience is None:
        return
    await ctx.services.broadcasts.set_audience(draft.id, audience)
    await query.answer()
    await edit_buttons(query, None)
    chat_id = query.message.chat.id
    recipients = await ctx.services.broadcasts.count(audience)
    await ctx.bot.send_message(chat_id, ctx.t._("<b>Preview</b> – this is what people will see:"))
    if draft.photo_file_id:
        await ctx.bot.send_photo(chat_id, draft.photo_file_id, caption=draft.text)
    else:
        await ctx.bot.send_message(chat_id, draft.text)
    await ctx.bot.send_message(
        chat_id,
        ctx.t.ngettext(
            "This goes to %(n)s person. Residents who stopped messages are not included.",
            "This goes to %(n)s people. Residents who stopped messages are not included.",
            recipients,
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                _button(ctx.t._("📤 Send now"), Prefix.BROADCAST, "now", str(draft.id)),
                _button(ctx.t._("🕒 Send later"), Prefix.BROADCAST, "later", str(draft.id)),
                _button(ctx.t._("✖️ Cancel"), Prefix.BROADCAST, "drop", str(draft.id)),
            ]
        ),
    )


@requires(Role.COORDINATOR)
async def list_broadcasts(update: Update, ctx: SamenContext) -> None:
    """/broadcasts: planned and running announcements, each with a cancel button."""
    chat = update.effective_chat
    if chat is None:
        return
    planned = await ctx.services.broadcasts.scheduled()
    if not planned:
        await send_with_menu(update, ctx, ctx.t._("No announcements are planned or being sent."))
        return
    for broadcast in planned:
        when = broadcast.send_at or ctx.runtime.clock()
        state = (
            ctx.t._("being sent now")
            if broadcast.status is Status.SENDING
            else ctx.t._("planned for %(moment)s", moment=ctx.t.datetime(when))
        )
        preview = html.escape(_plain_start(broadcast.text))
        await ctx.bot.send_message(
            chat.id,
            ctx.t._(
                "#%(id)s, %(state)s:\n%(preview)s", id=broadcast.id, state=state, preview=preview
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    _button(
                        ctx.t._("✖️ Cancel this one"), Prefix.BROADCAST, "cancel", str(broadcast.id)
                    )
                ]
            ),
        )


def _plain_start(text: str, length: int = 80) -> str:
    """The start of an HTML text without its tags, for a short list."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return plain if len(plain) <= length else plain[: length - 1] + "…"


async def _cancel(update: Update, ctx: SamenContext, broadcast_id: int) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    was = await ctx.services.broadcasts.cancel(broadcast_id, user.id)
    if was is None:
        await button_expired(update, ctx)
        return
    await query.answer(ctx.t._("Cancelled."))
    await edit_buttons(query, None)
    text = (
        ctx.t._("Stopped. People who already got it keep it; nobody else will.")
        if was is Status.SENDING
        else ctx.t._("The announcement is cancelled.")
    )
    await send_with_menu(update, ctx, text)


def broadcast_handlers() -> list[BaseHandler[Update, Any, Any]]:
    """The broadcast journey's handlers, in order (see handlers/__init__.py)."""
    private = filters.ChatType.PRIVATE
    typed = private & filters.UpdateType.MESSAGE & ~filters.COMMAND
    return [
        conversation(
            "broadcast",
            entry_points=[CommandHandler(names("broadcast"), start_broadcast, filters=private)],
            states={
                WRITE: [
                    MessageHandler(typed & (filters.TEXT | filters.PHOTO), wrote),
                    MessageHandler(typed, wrote_something_else),
                ]
            },
        ),
        conversation(
            "broadcast_time",
            entry_points=[
                CallbackQueryHandler(broadcast_action, pattern=matches(Prefix.BROADCAST))
            ],
            states={
                WHEN: [
                    MessageHandler(typed & filters.TEXT, typed_time),
                    CallbackQueryHandler(chose_time, pattern=matches(Prefix.BROADCAST_AT)),
                ]
            },
        ),
        CommandHandler(names("broadcasts"), list_broadcasts, filters=private),
        CallbackQueryHandler(chose_audience, pattern=matches(Prefix.BROADCAST_AUDIENCE)),
        CallbackQueryHandler(chose_time, pattern=matches(Prefix.BROADCAST_AT)),
        CallbackQueryHandler(confirmed_time, pattern=matches(Prefix.BROADCAST_SCHEDULE)),
    ]
