"""Group chats: the bot speaks up once in a group, then stays quiet."""

from __future__ import annotations

from bot.clock import Clock, to_iso
from bot.db import Database


class Groups:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def first_notice(self, chat_id: int) -> bool:
        """True exactly once per group: the moment to say "I only work in private"."""
        changed = await self._db.execute(
            "INSERT INTO quiet_chats (chat_id, noticed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (chat_id, to_iso(self._clock())),
        )
        return changed > 0
