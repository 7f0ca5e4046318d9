"""Runs first for every update: who is this, which language, and private chats only.

Registered in PTB's group -1 (bot/channels/telegram/handler.py), so every
TelegramConversation finds the resident and their translator in the context. A command or
a menu tap ends the person's open question first.
"""

from __future__ import annotations

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ApplicationHandlerStop

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.conversation import CHANNEL, REMEMBERED_LANGUAGE
from bot.chat.conversation import guess_language
from bot.chat.menu import MAX_LABEL, menu_action
from bot.i18n import Translator
from bot.person_ids import Channel
from bot.services.residents import Status


async def load_person(update: object, ctx: SamenContext) -> None:
    """Attach the resident and their translator to the context, or stop in groups."""
    if not isinstance(update, Update):
        return
    chat = update.effective_chat
    user = update.effective_user
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _quiet_in_groups(update, ctx)
        raise ApplicationHandlerStop
    if user is None:
        return
    resident = await ctx.services.residents.get(user.id)
    ctx.resident = resident
    if resident is not None:  # on both apps: Samen's own messages come here now
        await ctx.services.links.wrote_in(user.id, Channel.TELEGRAM, resident.last_channel)
    ctx.t = translator_for(ctx, user.language_code)
    if _moves_on(update, ctx):
        await ctx.runtime.questions.close((CHANNEL, user.id))
    if resident is not None and update.my_chat_member is not None:
        await _track_block(update.my_chat_member, ctx)
    elif resident is not None and resident.status is Status.UNREACHABLE and update.message:
        # They write to us, so they can be reached again.
        await ctx.services.residents.set_status(user.id, Status.ACTIVE)


def translator_for(ctx: SamenContext, language_code: str | None) -> Translator:
    """The person's language: theirs if they agreed, else their choice in memory
    (user_data is not persisted), else Telegram's setting, else the default."""
    if ctx.resident is not None:
        return ctx.runtime.catalogs.get(ctx.resident.language)
    remembered = ctx.user_data.get(REMEMBERED_LANGUAGE) if ctx.user_data is not None else None
    if isinstance(remembered, str):
        return ctx.runtime.catalogs.get(remembered)
    default = ctx.runtime.settings.default_language
    return ctx.runtime.catalogs.get(guess_language(language_code, default))


def _moves_on(update: Update, ctx: SamenContext) -> bool:
    """A command or a tap on a main-menu button: the start of something new."""
    message = update.message
    text = message.text if message is not None else None
    if not text:
        return False
    if text.startswith("/"):
        return True
    return len(text) <= MAX_LABEL and menu_action(ctx.bot_data.menu_index, text) is not None


async def _track_block(change: ChatMemberUpdated, ctx: SamenContext) -> None:
    """A resident who blocks the bot is unreachable until they unblock it."""
    status = change.new_chat_member.status
    if status == ChatMemberStatus.BANNED:
        await ctx.services.residents.set_status(change.from_user.id, Status.UNREACHABLE)
    elif (
        status == ChatMemberStatus.MEMBER
        and ctx.resident is not None
        and ctx.resident.status is Status.UNREACHABLE
    ):
        await ctx.services.residents.set_status(change.from_user.id, Status.ACTIVE)
    raise ApplicationHandlerStop


async def _quiet_in_groups(update: Update, ctx: SamenContext) -> None:
    chat = update.effective_chat
    if chat is None or update.message is None:
        return
    if not await ctx.services.groups.first_notice(chat.id):
        return
    user = update.effective_user
    t = ctx.runtime.catalogs.get(
        guess_language(user.language_code if user else None, ctx.runtime.settings.default_language)
    )
    await update.message.reply_text(
        t._(
            "Hello! I only work in a private chat. Send me a message there: @%(username)s",
            username=ctx.bot.username,
        )
    )
