"""One budget for everything Samen sends or edits: replies first, bulk takes what is left.

Telegram allows about 30 messages per second per bot. Replies to people (sent from the
handlers) and the outbox (broadcasts, check-ins, alerts) draw on the same limit, so they
take their start times from one ``SendBudget``: evenly spaced slots at ``limit`` per
second, never a burst. A waiting reply gets the next free slot before any waiting bulk
send, so a person chatting during a 10,000-recipient broadcast is answered within a
slot or two while the broadcast slows down a little. A 429 pauses every slot.

The request layer (``bot.telegram_request``) takes a reply slot for every send or edit,
unless ``SLOT_TAKEN`` says the messenger already took a bulk slot for this request.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from enum import IntEnum

from bot.monitor import Monitor

# Set by the messenger around a send for which it already took a (bulk) slot.
SLOT_TAKEN: ContextVar[bool] = ContextVar("samen_send_slot_taken", default=False)

_COUNTED_PREFIXES = ("send", "edit", "copy", "forward")
_NOT_COUNTED = frozenset({"sendchataction"})


def counts_against_budget(api_method: str) -> bool:
    """Bot API methods that put something in a chat (as Telegram's flood limit counts
    them): sendMessage, sendPhoto, editMessageText, copyMessage, forwardMessage, ...
    Not getUpdates, answerCallbackQuery, setMyCommands, getMe or sendChatAction."""
    method = api_method.lower()
    return method.startswith(_COUNTED_PREFIXES) and method not in _NOT_COUNTED


class Priority(IntEnum):
    REPLY = 0  # a person is waiting for it
    BULK = 1  # the outbox: nobody notices a second more


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class SendBudget:
    """Evenly spaced send slots at ``limit`` per second, handed out replies first.

    ``now`` and ``sleep`` are the event loop's by default; unit tests pass a fake clock.
    """

    def __init__(
        self,
        limit: float,
        *,
        monitor: Monitor | None = None,
        now: Callable[[], float] = _loop_time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if limit <= 0:
            raise ValueError("the send limit must be positive")
        self.limit = limit
        self._interval = 1.0 / limit
        self._monitor = monitor
        self._now = now
        self._sleep = sleep
        self._next_slot = float("-inf")
        self._paused_until = float("-inf")
        self._waiting: dict[Priority, deque[asyncio.Future[None]]] = {p: deque() for p in Priority}
        self._dispatcher: asyncio.Task[None] | None = None
        self._given: deque[float] = deque(maxlen=max(1, math.floor(limit)))

    async def take(self, priority: Priority) -> None:
        """Wait for a slot; the request may start as soon as this returns."""
        slot: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[priority].append(slot)
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._hand_out())
        await slot

    def pause(self, seconds: float) -> None:
        """Telegram said 429: no slot for anyone until ``seconds`` from now.

        Pausing again while paused (the messenger repeats what the request layer did)
        only extends the pause; the operator's counter counts pauses begun."""
        now = self._now()
        if self._monitor is not None and self._paused_until <= now:
            self._monitor.send_budget_pauses.inc()
        self._paused_until = max(self._paused_until, now + seconds)

    async def _hand_out(self) -> None:
        planned: float | None = None  # the slot slept for, if the next grant needed a sleep
        while (priority := self._next_priority()) is not None:
            start = max(self._next_slot, self._paused_until, self._window_opens())
            now = self._now()
            if now < start:
                # A reply arriving during this sleep is served first when it ends.
                planned = start
                await self._sleep(start - now)
                continue
            self._waiting[priority].popleft().set_result(None)
            self._given.append(now)
            # Waking a little late must not slow every later slot: keep to the planned
            # grid. A slot that was free when asked (idle, or a waiter that came late)
            # starts the grid afresh, so idle time is never saved up into a burst.
            self._next_slot = (now if planned is None else planned) + self._interval
            planned = None
            if self._monitor is not None:
                self._monitor.send_slots.labels(priority.name.lower()).inc()

    def _window_opens(self) -> float:
        """The hard cap: never more than ``limit`` slots in any one second."""
        if len(self._given) < (self._given.maxlen or 0):
            return float("-inf")
        return self._given[0] + 1.0

    def _next_priority(self) -> Priority | None:
        """Whom to serve next, replies first; waiters that gave up are dropped."""
        for priority in Priority:
            queue = self._waiting[priority]
            while queue and queue[0].done():
                queue.popleft()
            if queue:
                return priority
        return None
