"""Telegram's three handlers: who is this, every journey, and errors.

``install`` puts them on the application, in PTB's order:

group -1  ``people.load_person``: who is this, which language; groups are answered once,
          then ignored
group  0  ``JourneysHandler``: everything a person sends in a private chat goes to the
          step the journeys' table routes it to (``Journeys.route``)
errors    ``errors.error_handler``: a step that fails is logged by ids only, and the
          person hears it went wrong
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, BaseHandler, TypeHandler

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.conversation import CHANNEL, TelegramConversation
from bot.channels.telegram.errors import error_handler
from bot.channels.telegram.incoming import incoming_of
from bot.channels.telegram.people import load_person
from bot.chat.journeys import Journeys, Step
from bot.questions import QuestionStore


def install(
    app: Application[Any, Any, Any, Any, Any, Any], journeys: Journeys, went_wrong: Step
) -> None:
    """Telegram's handlers on ``journeys``; ``went_wrong`` tells a person a step failed."""
    app.add_handler(TypeHandler(Update, load_person), group=-1)
    app.add_handler(JourneysHandler(journeys, app.bot_data.runtime.questions))
    app.add_error_handler(error_handler(went_wrong))


class JourneysHandler(BaseHandler[Update, SamenContext, None]):
    def __init__(self, journeys: Journeys, questions: QuestionStore) -> None:
        super().__init__(self._run)
        self._journeys = journeys
        self._questions = questions

    def check_update(self, update: object) -> bool:
        """Synchronous (PTB asks so): the question comes from the store's memory."""
        if not isinstance(update, Update):
            return False
        user = update.effective_user
        chat = update.effective_chat
        if user is None or chat is None or chat.type != ChatType.PRIVATE:
            return False
        if update.message is None and update.edited_message is None and not update.callback_query:
            return False  # not something the person sent (a block, a member change)
        question = self._questions.get((CHANNEL, user.id))
        return self._journeys.route(incoming_of(update), question) is not None

    async def _run(self, update: Update, ctx: SamenContext) -> None:
        conversation = TelegramConversation(update, ctx)
        await self._journeys.handle(conversation)
        await conversation.finish()
