"""The one PTB handler through which converted journeys hear Telegram.

While journeys are being converted it claims only what some converted journey handles
(``Journeys.route``: a registered prefix, command or menu label, or an answer to an open
question); everything else falls through to the PTB handlers registered after it.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.conversation import CHANNEL, TelegramConversation
from bot.channels.telegram.incoming import incoming_of
from bot.chat.journeys import Journeys
from bot.chat.questions import QuestionStore


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
        question = self._questions.get((CHANNEL, user.id))
        return self._journeys.route(incoming_of(update), question) is not None

    async def _run(self, update: Update, ctx: SamenContext) -> None:
        conversation = TelegramConversation(update, ctx)
        await self._journeys.handle(conversation)
        await conversation.finish()
