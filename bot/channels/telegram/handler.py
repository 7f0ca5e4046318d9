"""Telegram's three handlers: who is this, every journey, and errors.

``install`` puts them on the application, in PTB's order:

group -1  ``people.load_person``: who is this, which language; groups are answered once,
          then ignored
group  0  ``JourneysHandler``: everything a person sends in a private chat goes to the
          step the journeys' table routes it to (``Journeys.route``); an album is
          answered once (``Albums``)
errors    ``errors.error_handler``: a step that fails is logged by ids only, and the
          person hears it went wrong
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from telegram import Message, Update
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


class Albums:
    """Several photos sent at once reach a bot as one message each, sharing a
    ``media_group_id``: the person sent one thing, so only its first part is answered
    (else one album of five photos gets five answers). Memory only, the last album
    of the most recent chats."""

    KEPT = 1000

    def __init__(self) -> None:
        self._last: OrderedDict[int, str] = OrderedDict()

    def answered_already(self, message: Message | None) -> bool:
        if message is None or message.media_group_id is None:
            return False
        chat = message.chat_id
        if self._last.get(chat) == message.media_group_id:
            return True
        self._last[chat] = message.media_group_id
        self._last.move_to_end(chat)
        if len(self._last) > self.KEPT:
            self._last.popitem(last=False)
        return False


class JourneysHandler(BaseHandler[Update, SamenContext, None]):
    def __init__(self, journeys: Journeys, questions: QuestionStore) -> None:
        super().__init__(self._run)
        self._journeys = journeys
        self._questions = questions
        self._albums = Albums()

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
        if self._albums.answered_already(update.message):
            return False
        question = self._questions.get((CHANNEL, user.id))
        return self._journeys.route(incoming_of(update), question) is not None

    async def _run(self, update: Update, ctx: SamenContext) -> None:
        conversation = TelegramConversation(update, ctx)
        await self._journeys.handle(conversation)
        await conversation.finish()
