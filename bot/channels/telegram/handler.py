"""The one PTB handler through which converted journeys hear Telegram.

While journeys are being converted it comes twice in PTB's group 0. First
(``Stage.CLAIMS``) it claims only what some converted journey handles (``Journeys.claims``:
a registered prefix, command or menu label, an answer to an open question, typed text of
a shape a journey knows), so everything else falls through to the old PTB handlers.
Last (``Stage.LEFTOVERS``) it takes what none of them took and a step is registered for
(``Journeys.leftover``: other typed text for the text step, unknown commands, stale
buttons, ...).
"""

from __future__ import annotations

from enum import Enum

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler

from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.conversation import CHANNEL, TelegramConversation
from bot.channels.telegram.incoming import incoming_of
from bot.chat.journeys import Journeys
from bot.questions import QuestionStore


class Stage(Enum):
    CLAIMS = "claims"
    LEFTOVERS = "leftovers"


class JourneysHandler(BaseHandler[Update, SamenContext, None]):
    def __init__(
        self, journeys: Journeys, questions: QuestionStore, stage: Stage = Stage.CLAIMS
    ) -> None:
        super().__init__(self._run)
        self._journeys = journeys
        self._questions = questions
        self._stage = stage

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
        incoming = incoming_of(update)
        if self._stage is Stage.LEFTOVERS:
            return self._journeys.leftover(incoming) is not None
        question = self._questions.get((CHANNEL, user.id))
        return self._journeys.claims(incoming, question) is not None

    async def _run(self, update: Update, ctx: SamenContext) -> None:
        conversation = TelegramConversation(update, ctx)
        await self._journeys.handle(conversation)
        await conversation.finish()
