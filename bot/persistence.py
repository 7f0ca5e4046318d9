"""Conversation state in SQLite, so a restart mid-conversation strands nobody.

Only ConversationHandler states are kept. user_data and chat_data stay in
memory on purpose: they hold nothing that must survive, and keeping them out of
the database keeps personal data out of it before consent.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.clock import Clock, to_iso
from bot.db import Database
from bot.questions import CONVERSATION_TIMEOUT as CONVERSATION_TIMEOUT

# The shapes BasePersistence uses, spelt out here: PTB names them only in a private module.
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

# PTB keeps states in memory and writes changes at this interval and at shutdown.
FLUSH_INTERVAL_S = 1.0
# A question left open CONVERSATION_TIMEOUT is over (ConversationHandler's timeout, the
# same as the conversation layer's). PTB's timeout is a job in memory, so after a restart
# this is what ends old questions.


class SQLitePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, db: Database, clock: Clock) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=FLUSH_INTERVAL_S,
        )
        self._db = db
        self._clock = clock

    async def get_conversations(self, name: str) -> ConversationDict:
        """The open questions of one conversation; those left too long are dropped."""
        await self._db.execute(
            "DELETE FROM conversations WHERE name = ? AND updated_at < ?",
            (name, to_iso(self._clock() - CONVERSATION_TIMEOUT)),
        )
        rows = await self._db.fetchall(
            "SELECT key, state FROM conversations WHERE name = ?", (name,)
        )
        return {tuple(json.loads(r["key"])): json.loads(r["state"]) for r in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        key_text = json.dumps(list(key))
        if new_state is None:
            await self._db.execute(
                "DELETE FROM conversations WHERE name = ? AND key = ?", (name, key_text)
            )
            return
        # Keys are (chat_id, user_id) for per-user conversations; the user id is
        # kept in its own column so erasure can find it.
        user_id = key[-1] if key and isinstance(key[-1], int) else None
        await self._db.execute(
            "INSERT INTO conversations (name, key, telegram_id, state, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET"
            " state = excluded.state, updated_at = excluded.updated_at",
            (name, key_text, user_id, json.dumps(new_state), to_iso(self._clock())),
        )

    # Nothing else is persisted; these satisfy the interface.
    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None
