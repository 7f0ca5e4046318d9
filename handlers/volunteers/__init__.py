"""Volunteers: the task desk, profiles, invite links and their administration.

desk.py: tasks and notes; profile.py: “🤝 I want to help” and the profile;
joining.py: invite links and applications; admin.py: coordinators manage volunteers.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.buttons import Prefix, encode, matches
from handlers.callme.request import MenuLabel
from handlers.commands import names
from handlers.context import SamenContext
from handlers.conversation import conversation, end_with
from handlers.keyboards import MenuAction
from handlers.volunteers.desk import WRITE_NOTE, ask_note, got_note, show_tasks, task_action
from handlers.volunteers.joining import (
    INVITE_START,
    decide_application,
    invite_button,
    join_with_invite,
    joined_with_consent,
    new_invite,
)
from handlers.volunteers.profile import WRITE_NAME, apply, ask_name, got_name, profile_action


def volunteer_conversation(index: dict[str, MenuAction]) -> ConversationHandler[Any]:
    """The two things a volunteer types: a note on a call, and their first name."""
    from handlers.menu import on_text

    private = filters.ChatType.PRIVATE
    text = private & filters.TEXT & ~filters.COMMAND
    menu = MessageHandler(private & MenuLabel(index), end_with(on_text))
    return conversation(
        "volunteer",
        entry_points=[
            CallbackQueryHandler(ask_note, pattern=matches(Prefix.TASK_NOTE)),
            CallbackQueryHandler(
                ask_name, pattern=lambda data: data == encode(Prefix.VOLUNTEER, "name:edit")
            ),
        ],
        states={
            WRITE_NOTE: [menu, MessageHandler(text, got_note), _please_type()],
            WRITE_NAME: [menu, MessageHandler(text, got_name), _please_type()],
        },
    )


def volunteer_handlers() -> list[BaseHandler[Update, Any, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", join_with_invite, filters=private & INVITE_START),
        CommandHandler(names("tasks"), show_tasks, filters=private),
        CommandHandler(names("invite"), new_invite, filters=private),
        CallbackQueryHandler(task_action, pattern=matches(Prefix.TASK)),
        CallbackQueryHandler(profile_action, pattern=matches(Prefix.VOLUNTEER)),
        CallbackQueryHandler(invite_button, pattern=matches(Prefix.INVITE)),
        CallbackQueryHandler(joined_with_consent, pattern=matches(Prefix.JOIN)),
        CallbackQueryHandler(apply, pattern=matches(Prefix.APPLY)),
        CallbackQueryHandler(decide_application, pattern=matches(Prefix.APPLICATION)),
    ]


def _please_type() -> MessageHandler[Any, Any]:
    async def please_type(update: Update, ctx: SamenContext) -> None:
        if update.message is not None:
            await update.message.reply_text(ctx.t._("Please type it as text, or type /cancel."))

    return MessageHandler(
        filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND, please_type
    )
