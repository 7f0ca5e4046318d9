"""Delivering the outbox, whatever the channel: claim, pace, send, record.

Each channel's messenger (Telegram's in ``bot.messenger``, WhatsApp's in
``bot.channels.whatsapp.messenger``) says only how one row is sent (``send``); this
loop claims that channel's due rows, gives each a slot of the channel's own
``SendBudget`` (evenly spaced, never a burst), keeps at most one message per chat per
second, has a few in flight at once, honours a pause the channel asked for, and writes
the outcomes per batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from datetime import timedelta

from bot.clock import utc_now
from bot.monitor import Monitor
from bot.person_ids import Channel
from bot.sendbudget import SLOT_TAKEN, Priority, SendBudget
from bot.services.outbox import Outbox, Outcome, Pending, Result

log = logging.getLogger("samen.messenger")

# Rows claimed at once; after a crash at most this many can be sent twice.
BATCH = 25
IN_FLIGHT = 8
PER_CHAT_SPACING_S = 1.0
IDLE_POLL_S = 1.0


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 ** (attempts + 1)))


class Delivery(ABC):
    """The outbox loop of one channel; subclasses send one row."""

    channel: Channel

    def __init__(self, outbox: Outbox, budget: SendBudget, monitor: Monitor | None) -> None:
        # Benchmarks and tests that read no metrics get a monitor of their own.
        self._monitor = monitor or Monitor(utc_now)
        self._outbox = outbox
        self._budget = budget
        self._last_per_chat: dict[int, float] = {}
        self._paused_until = 0.0

    @abstractmethod
    async def send(self, row: Pending) -> Result:
        """Send one row; outcomes, never exceptions, for what the channel answered."""

    def pause(self, seconds: float) -> None:
        """The channel asked to slow down: no send to anyone for ``seconds``."""
        self._budget.pause(seconds)
        self._paused_until = asyncio.get_running_loop().time() + seconds

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; the batch in hand is finished and recorded."""
        recovered = await self._outbox.recover()
        if recovered:
            log.info(
                "outbox: %d messages were in flight at the last stop; sending again", recovered
            )
        while not stop.is_set():
            self._outbox.wakeup.clear()
            rows = await self._outbox.claim_due(BATCH, self.channel)
            if rows:
                results = await self._deliver(rows)
                await self._outbox.record(results)
                await self._wait_if_all_deferred(results, stop)
                continue
            await self._idle(stop)

    @staticmethod
    async def _wait_if_all_deferred(results: list[Result], stop: asyncio.Event) -> None:
        """Nothing of the batch could go yet (its chats had a message less than a second
        ago, or the channel asked to pause): wait that long before claiming again. The
        outbox keeps its times to the second, so a row deferred for less than one is due
        again at once; without this wait it was claimed and deferred hundreds of times
        a second, keeping the database and the event loop busy (and, on a test's frozen
        clock, the people's replies slow)."""
        if not results or any(r.outcome is not Outcome.DEFER for r in results):
            return
        soonest = min(r.retry_in for r in results).total_seconds()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=soonest)

    async def _idle(self, stop: asyncio.Event) -> None:
        waiters = [
            asyncio.ensure_future(stop.wait()),
            asyncio.ensure_future(self._outbox.wakeup.wait()),
        ]
        try:
            await asyncio.wait(waiters, timeout=IDLE_POLL_S, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _deliver(self, rows: list[Pending]) -> list[Result]:
        loop = asyncio.get_running_loop()
        in_flight = asyncio.Semaphore(IN_FLIGHT)
        tasks: list[asyncio.Task[Result]] = []
        sent_rows: list[Pending] = []
        deferred: list[Result] = []
        for row in rows:
            wait = self._chat_wait(row.recipient_id, loop.time())
            if wait > 0 or loop.time() < self._paused_until:
                later = max(wait, self._paused_until - loop.time())
                deferred.append(Result(row.id, Outcome.DEFER, retry_in=timedelta(seconds=later)))
                continue
            # A free hand first, then the slot: a slot is used the moment it is given.
            await in_flight.acquire()
            await self._budget.take(Priority.BULK)
            self._last_per_chat[row.recipient_id] = loop.time()
            task = asyncio.create_task(self._send_in_slot(row))
            task.add_done_callback(lambda _t: in_flight.release())
            tasks.append(task)
            sent_rows.append(row)
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        results = [*deferred]
        for row, outcome in zip(sent_rows, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                # A bug or surprise in one send must not cost the whole batch its
                # outcomes (they would all be sent again after recovery).
                log.error("outbox %d: %s", row.id, type(outcome).__name__)
                outcome = Result(
                    row.id,
                    Outcome.RETRY,
                    error=type(outcome).__name__,
                    retry_in=backoff(row.attempts),
                )
            results.append(outcome)
            self._monitor.sends.labels(row.kind, outcome.outcome.value).inc()
        self._forget_old_chats(loop.time())
        return results

    async def _send_in_slot(self, row: Pending) -> Result:
        # This task's own context: the request layer must not take a second slot.
        SLOT_TAKEN.set(True)
        return await self.send(row)

    def failed(self) -> None:
        self._monitor.errors.labels("messenger").inc()

    def _chat_wait(self, chat_id: int, now: float) -> float:
        last = self._last_per_chat.get(chat_id)
        return 0.0 if last is None else max(0.0, last + PER_CHAT_SPACING_S - now)

    def _forget_old_chats(self, now: float) -> None:
        if len(self._last_per_chat) > 10_000:
            cutoff = now - PER_CHAT_SPACING_S
            self._last_per_chat = {c: t for c, t in self._last_per_chat.items() if t > cutoff}


async def run_messenger(messenger: Delivery, stop: asyncio.Event) -> None:
    """Run a messenger, logging (ids only) and restarting it if it ever fails."""
    while not stop.is_set():
        try:
            await messenger.run(stop)
        except Exception:
            messenger.failed()
            log.exception("messenger failed; restarting in 5 s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 5)
