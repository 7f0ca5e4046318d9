"""The emulator's in-memory world: chats, messages, the update queue and realism knobs.

This module holds data and the bookkeeping rules shared by both sides (the Bot API in
``botapi`` and the simulated people in ``people``). Nothing here touches the network;
the only asyncio use is ``Event`` objects so long polls can be woken without busy loops.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import math
import random
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.validation import ApiError, JSONDict

FLOOD_PER_CHAT_RATE = 1.0  # messages per second per chat (token refill)
FLOOD_PER_CHAT_BURST = 3.0
FLOOD_GLOBAL_PER_SECOND = 30
DEFAULT_PHONE = "+31612345678"
DEFAULT_LOCATION = (52.3579, 4.6206)  # Heemstede
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_STARTED = "Forbidden: bot can't initiate conversation with a user"
# Update kinds Telegram sends only to a bot that names them in allowed_updates.
ONLY_WHEN_ASKED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class Realism:
    """Switchable misbehaviour; everything off by default so plain tests stay simple."""

    flood_limits: bool = False
    fault_5xx: float = 0.0
    fault_timeout: float = 0.0
    timeout_delay: float = 10.0
    forbidden_users: frozenset[int] = frozenset()
    seed: int | None = None
    callback_answer_timeout: float = 10.0


@dataclass
class StoredFile:
    """Bytes of an uploaded or user-sent file, reachable by file_id and file_path."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None
    mime_type: str | None


@dataclass
class CallbackRec:
    """A pressed button the bot must answer with answerCallbackQuery."""

    query_id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str | None
    delivered_at: float | None = None
    answered: bool = False


@dataclass
class ChatRec:
    """One chat: its Telegram object, messages by id and the ordered transcript."""

    chat: JSONDict
    messages: dict[int, JSONDict] = field(default_factory=dict)
    next_message_id: int = 1
    # key ("msg", message_id) or ("toast", n) -> entry; kept sorted by entry["seq"].
    transcript: OrderedDict[tuple[str, int], JSONDict] = field(default_factory=OrderedDict)
    # Non-inline markup the bot sent with a message (Telegram does not echo it back).
    sent_markup: dict[int, JSONDict] = field(default_factory=dict)
    reply_keyboard: JSONDict | None = None
    # A private chat the person opened (wrote or tapped in): before that, Telegram
    # refuses to let a bot write first.
    started: bool = False
    tokens: float = FLOOD_PER_CHAT_BURST
    tokens_at: float = 0.0
    event: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def private(self) -> bool:
        return bool(self.chat["type"] == "private")

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


_ENTRY_FIELDS = (
    "text",
    "caption",
    "document",
    "photo",
    "location",
    "venue",
    "contact",
    "sticker",
    "voice",
    "audio",
    "video",
    "animation",
)
_KINDS = _ENTRY_FIELDS[2:]


class EmulatorState:
    """All emulator state; one instance per server, reset in place between tests."""

    def __init__(
        self,
        realism: Realism | None = None,
        *,
        bot_first_name: str = "Samen",
        bot_username: str = "samen_test_bot",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.realism = realism or Realism()
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username
        self.bot_id = 0
        self.clock = clock
        self.closing = False
        # Set on every transcript change, in any chat and either direction, and on reset:
        # the playground page follows all its people with one long poll on it.
        self.activity = asyncio.Event()
        self._clear()

    # ------------------------------------------------------------------ lifecycle

    def _clear(self) -> None:
        self.users: dict[int, JSONDict] = {}
        self.chats: dict[int, ChatRec] = {}
        self.blocked: set[int] = set()
        self.updates: deque[JSONDict] = deque()
        self.allowed_updates: frozenset[str] = frozenset()
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhook_last_error = ""
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRec] = {}
        self.pending_callbacks: dict[str, CallbackRec] = {}
        self.violations: list[JSONDict] = []
        self.commands: dict[str, list[JSONDict]] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self.send_log: list[tuple[float, int]] = []
        self.recent_sends: deque[float] = deque()
        self.counters = {"http_429": 0, "http_5xx": 0, "http_403": 0, "timeouts": 0}
        self.rng = random.Random(self.realism.seed)
        self._seq = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._update_event = asyncio.Event()

    def reset(self) -> None:
        """Forget everything except the bot identity and realism settings."""
        self._wake_all()
        self._clear()

    def close(self) -> None:
        """Release every long poll so the server can shut down without waiting."""
        self.closing = True
        self._wake_all()

    def _wake_all(self) -> None:
        self._update_event.set()
        self.activity.set()
        for chat in self.chats.values():
            chat.event.set()

    def configure(self, **changes: Any) -> None:
        """Change realism knobs; a new seed restarts the fault sequence."""
        for key, value in changes.items():
            if not hasattr(self.realism, key):
                raise ValueError(f"unknown config key {key!r}")
            if key == "forbidden_users":
                value = frozenset(int(v) for v in value)
            elif key == "flood_limits":
                value = bool(value)
            elif key == "seed":
                value = None if value is None else int(value)
            else:
                value = float(value)
            setattr(self.realism, key, value)
        if "seed" in changes:
            self.rng = random.Random(self.realism.seed)

    def new_id(self) -> int:
        """A process-unique number for file ids, callback ids and the like."""
        return next(self._ids)

    # ------------------------------------------------------------------ people & chats

    def bot_user(self) -> JSONDict:
        """The bot as a Telegram User object."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def ensure_user(self, user_id: int, first_name: str | None = None) -> JSONDict:
        """Get or auto-create a user together with their private chat."""
        user = self.users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or f"User{user_id}"}
            self.users[user_id] = user
        if user_id not in self.chats:
            self.chats[user_id] = ChatRec(chat=self.private_chat_json(user))
        return user

    @staticmethod
    def private_chat_json(user: JSONDict) -> JSONDict:
        chat: JSONDict = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if user.get(key):
                chat[key] = user[key]
        return chat

    def chat(self, chat_id: int | None) -> ChatRec:
        """Look a chat up for the Bot API; unknown ones fail like Telegram."""
        rec = self.chats.get(chat_id) if chat_id is not None else None
        if rec is None:
            raise ApiError(400, "Bad Request: chat not found")
        return rec

    # ------------------------------------------------------------------ updates

    def queue_update(self, kind: str, payload: JSONDict) -> int:
        """Append an update and wake pollers; returns its update_id."""
        update_id = next(self._update_ids)
        if not self.wants(kind):
            return update_id
        self.updates.append({"update_id": update_id, kind: payload})
        self._update_event.set()
        return update_id

    def wants(self, kind: str) -> bool:
        """Whether the bot gets updates of this kind: the ones it asked for, else all
        but the few Telegram sends only when asked (an empty list means the default)."""
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in ONLY_WHEN_ASKED

    def allow_updates(self, allowed: Any) -> None:
        """getUpdates' or setWebhook's allowed_updates; absent keeps the previous choice."""
        if isinstance(allowed, list):
            self.allowed_updates = frozenset(str(a) for a in allowed)

    def confirm_updates(self, offset: int | None) -> None:
        """Apply getUpdates' offset: earlier updates are forgotten for good."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()
            return
        while self.updates and self.updates[0]["update_id"] < offset:
            self.updates.popleft()

    def peek_updates(self, limit: int) -> list[JSONDict]:
        """The next pending updates; marks delivered callback queries for the answer timer."""
        batch = list(itertools.islice(self.updates, limit))
        now = self.clock()
        for update in batch:
            query = update.get("callback_query")
            if query is not None:
                rec = self.callbacks.get(query["id"])
                if rec is not None and rec.delivered_at is None:
                    rec.delivered_at = now
                    self.pending_callbacks[rec.query_id] = rec
        return batch

    async def wait_for_update(self, seconds: float) -> None:
        """Sleep until an update is queued (or timeout); spurious wakeups are fine."""
        if self.closing:
            return
        event = self._update_event
        if event.is_set():
            event.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)

    # ------------------------------------------------------------------ transcript

    def record_message(
        self, rec: ChatRec, message: JSONDict, *, direction: str, markup: JSONDict | None = None
    ) -> JSONDict:
        """Add or refresh a message's transcript entry, giving it a new, higher seq."""
        message_id = message["message_id"]
        if markup is not None:
            rec.sent_markup[message_id] = markup
        entry: JSONDict = {
            "seq": next(self._seq),
            "direction": direction,
            "message_id": message_id,
            "from_id": message.get("from", {}).get("id"),
            "date": message["date"],
            "kind": next((k for k in _KINDS if k in message), "text"),
            "reply_markup": message.get("reply_markup") or rec.sent_markup.get(message_id),
            "edited": "edit_date" in message,
            "deleted": False,
        }
        for name in _ENTRY_FIELDS:
            entry[name] = message.get(name)
        entry["entities"] = message.get("entities") or message.get("caption_entities")
        key = ("msg", message_id)
        rec.transcript[key] = entry
        rec.transcript.move_to_end(key)
        self._notify(rec, direction)
        return entry

    def record_deleted(self, rec: ChatRec, message_id: int) -> None:
        key = ("msg", message_id)
        entry = rec.transcript.get(key)
        if entry is None:
            return
        entry = {**entry, "seq": next(self._seq), "deleted": True}
        rec.transcript[key] = entry
        rec.transcript.move_to_end(key)
        self._notify(rec, "out")

    def record_toast(self, rec: ChatRec, entry: JSONDict) -> None:
        seq = next(self._seq)
        rec.transcript[("toast", seq)] = {"seq": seq, "direction": "toast", **entry}
        self._notify(rec, "toast")

    def _notify(self, rec: ChatRec, direction: str) -> None:
        self.activity.set()
        if direction != "in":
            rec.event.set()

    @staticmethod
    def entries_after(rec: ChatRec, after: int) -> list[JSONDict]:
        """Entries with seq > after, oldest first, touching only those entries."""
        tail: list[JSONDict] = []
        for entry in reversed(rec.transcript.values()):
            if entry["seq"] <= after:
                break
            tail.append(entry)
        tail.reverse()
        return tail

    @staticmethod
    def last_entries(rec: ChatRec, count: int) -> list[JSONDict]:
        """The newest ``count`` entries, oldest first."""
        tail = list(itertools.islice(reversed(rec.transcript.values()), max(count, 0)))
        tail.reverse()
        return tail

    async def wait_entries(self, chat_id: int, after: int, seconds: float) -> list[JSONDict]:
        """Long poll: entries after ``after`` once any bot output is among them, else []."""
        deadline = self.clock() + seconds
        while True:
            rec = self.chats.get(chat_id)
            if rec is not None:
                tail = self.entries_after(rec, after)
                if any(e["direction"] != "in" for e in tail):
                    return tail
            remaining = deadline - self.clock()
            if remaining <= 0 or self.closing:
                return []
            if rec is None:
                await asyncio.sleep(min(remaining, 0.05))
                continue
            rec.event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(rec.event.wait(), remaining)

    # ------------------------------------------------------------------ violations

    def violation(self, method: str, description: str, chat_id: Any = None, **extra: Any) -> None:
        self.violations.append(
            {"method": method, "description": description, "chat_id": chat_id, **extra}
        )

    def check_callbacks(self) -> None:
        """Flag delivered callback queries the bot left unanswered for too long."""
        if not self.pending_callbacks:
            return
        limit = self.clock() - self.realism.callback_answer_timeout
        for query_id, rec in list(self.pending_callbacks.items()):
            if rec.delivered_at is not None and rec.delivered_at <= limit:
                del self.pending_callbacks[query_id]
                self.violation(
                    "answerCallbackQuery",
                    "unanswered callback query",
                    rec.chat_id,
                    callback_query_id=query_id,
                    message_id=rec.message_id,
                    data=rec.data,
                )

    def read_violations(self) -> list[JSONDict]:
        self.check_callbacks()
        return list(self.violations)

    # ------------------------------------------------------------------ realism gates

    def draw_fault(self) -> str | None:
        """Decide this send's fate: None, "5xx" or "timeout" (deterministic per seed)."""
        p5, pt = self.realism.fault_5xx, self.realism.fault_timeout
        if p5 <= 0 and pt <= 0:
            return None
        roll = self.rng.random()
        if roll < p5:
            self.counters["http_5xx"] += 1
            return "5xx"
        if roll < p5 + pt:
            self.counters["timeouts"] += 1
            return "timeout"
        return None

    def check_reachable(self, rec: ChatRec) -> None:
        """403 for users who blocked the bot (or are configured as forbidden), and for
        those who never opened a chat with it."""
        chat_id = rec.chat["id"]
        if rec.private and (chat_id in self.blocked or chat_id in self.realism.forbidden_users):
            self.counters["http_403"] += 1
            raise ApiError(403, BLOCKED, violation=False)
        if rec.private and not rec.started:
            self.counters["http_403"] += 1
            raise ApiError(403, NOT_STARTED, violation=False)

    def admit_send(self, chat_id: int, rec: ChatRec) -> None:
        """Apply flood limits, then log the send; call right before committing it."""
        now = self.clock()
        if self.realism.flood_limits:
            window = self.recent_sends
            while window and window[0] <= now - 1.0:
                window.popleft()
            rec.tokens = min(
                FLOOD_PER_CHAT_BURST,
                rec.tokens + (now - rec.tokens_at) * FLOOD_PER_CHAT_RATE,
            )
            rec.tokens_at = now
            wait = 0.0
            if len(window) >= FLOOD_GLOBAL_PER_SECOND:
                wait = window[-FLOOD_GLOBAL_PER_SECOND] + 1.0 - now
            if rec.tokens < 1.0:
                wait = max(wait, (1.0 - rec.tokens) / FLOOD_PER_CHAT_RATE)
            if wait > 0:
                self.counters["http_429"] += 1
                retry = max(1, math.ceil(wait))
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {retry}",
                    retry_after=retry,
                    violation=False,
                )
            rec.tokens -= 1.0
            window.append(now)
        self.send_log.append((now, chat_id))

    def stats(self, *, with_times: bool = False) -> JSONDict:
        out: JSONDict = {
            "sends": len(self.send_log),
            **self.counters,
            "max_sends_in_1s": max_in_window(t for t, _ in self.send_log),
        }
        if with_times:
            out["send_times"] = [[t, chat_id] for t, chat_id in self.send_log]
        return out

    # ------------------------------------------------------------------ files

    def store_file(
        self, data: bytes, *, folder: str, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        n = self.new_id()
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"F{n:06d}{folder[:3].upper()}emu",
            file_unique_id=f"U{n:06d}",
            file_path=f"{folder}/file_{n}{ext}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored


def max_in_window(times: Iterable[float], window: float = 1.0) -> int:
    """Largest number of timestamps inside any half-open window of ``window`` seconds."""
    ordered = sorted(times)
    best = 0
    start = 0
    for end, t in enumerate(ordered):
        while ordered[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best
