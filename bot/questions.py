"""The question Samen left open for each person, in Samen's own table (``open_questions``).

A journey asks ("Type the 4 digits of your postcode") and the next typed message is its
answer, even after a restart, for at most ``CONVERSATION_TIMEOUT``. The store keeps every
open question in memory as well (written through to the table, read back at start), so a
channel can decide without a query whether an update answers a question: PTB asks its
handlers that synchronously.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database

# A question left open this long is over; a later message is read on its own.
CONVERSATION_TIMEOUT = timedelta(minutes=15)

Key = tuple[str, int]  # (channel, person id)
Value = str | int


@dataclass(frozen=True)
class Question:
    name: str  # "<journey>.<question>", e.g. "mydata.postcode"
    data: dict[str, Value]
    asked_at: datetime


class QuestionStore:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._open: dict[Key, Question] = {}

    async def load(self) -> None:
        """Forget what has expired, and read the rest (at start)."""
        await self._db.execute(
            "DELETE FROM open_questions WHERE asked_at < ?",
            (to_iso(self._clock() - CONVERSATION_TIMEOUT),),
        )
        rows = await self._db.fetchall(
            "SELECT channel, person_id, name, data, asked_at FROM open_questions"
        )
        self._open = {
            (row["channel"], row["person_id"]): Question(
                row["name"], json.loads(row["data"]), from_iso(row["asked_at"])
            )
            for row in rows
        }

    def get(self, key: Key) -> Question | None:
        """The person's open question, unless it has expired."""
        question = self._open.get(key)
        if question is None or self._clock() - question.asked_at <= CONVERSATION_TIMEOUT:
            return question
        return None

    async def open(self, key: Key, name: str, data: dict[str, Value]) -> Question:
        """Ask ``name``: it replaces any other question this person had open."""
        question = Question(name, dict(data), self._clock())
        self._open[key] = question
        await self._db.execute(
            "INSERT INTO open_questions (channel, person_id, name, data, asked_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, person_id) DO UPDATE SET"
            " name = excluded.name, data = excluded.data, asked_at = excluded.asked_at",
            (*key, name, json.dumps(question.data), to_iso(question.asked_at)),
        )
        return question

    async def close(self, key: Key) -> None:
        """The question is answered, or the person moved on (a menu tap, a command)."""
        if self._open.pop(key, None) is not None:
            await self._db.execute(
                "DELETE FROM open_questions WHERE channel = ? AND person_id = ?", key
            )
