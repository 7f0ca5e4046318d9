"""The Telegram handlers' view of Samen: a CallbackContext with the runtime and a translator.

``t`` and ``resident`` are set once per update by ``bot.channels.telegram.people.load_person``
(handler group -1), so every later handler reads them without another query.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.chat.menu import MenuAction
from bot.db import Database
from bot.i18n import Translator
from bot.runtime import Runtime
from bot.services import Services
from bot.services.residents import Resident


class AnsweredTaps:
    """Taps Telegram has had its answer for (answerCallbackQuery). It refuses a second
    answer, and the error handler's conversation is a new one that cannot know whether
    the failed step answered: it asks here. The most recent taps only, in memory."""

    KEPT = 1000

    def __init__(self) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_answer(self, query_id: str) -> bool:
        """True once per tap: the caller answers it now."""
        if query_id in self._ids:
            return False
        self._ids[query_id] = None
        if len(self._ids) > self.KEPT:
            self._ids.popitem(last=False)
        return True


class BotData:
    """Application-wide data; PTB creates it empty, build_application fills it."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None
        # Every menu label in every language -> its action; see bot.chat.menu.menu_label_index.
        self.menu_index: dict[str, MenuAction] = {}
        self.answered_taps = AnsweredTaps()


class SamenContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._t: Translator | None = None
        self.resident: Resident | None = None

    @property
    def runtime(self) -> Runtime:
        runtime = self.bot_data.runtime
        if runtime is None:
            raise RuntimeError("build_application did not attach the runtime")
        return runtime

    @property
    def db(self) -> Database:
        return self.runtime.db

    @property
    def services(self) -> Services:
        return self.runtime.services

    @property
    def t(self) -> Translator:
        if self._t is None:
            self._t = self.runtime.catalogs.get(self.runtime.settings.default_language)
        return self._t

    @t.setter
    def t(self, translator: Translator) -> None:
        self._t = translator
