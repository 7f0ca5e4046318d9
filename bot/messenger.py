"""The only way out: delivers the outbox through Telegram at a steady pace.

Each send takes a bulk slot of the one ``SendBudget`` (evenly spaced, replies to
people first, so never a burst over Telegram's 30 per second), at most one per chat
per second, with a few in flight at once so a slow answer does not slow the queue.
``RetryAfter`` pauses everything; ``Forbidden`` marks the resident unreachable;
time-outs and server errors are retried with backoff. Outcomes are written per batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.clock import utc_now
from bot.monitor import Monitor
from bot.sendbudget import SLOT_TAKEN, Priority, SendBudget
from bot.services.outbox import Outbox, Outcome, OutMessage, Pending, Result
from bot.services.residents import Residents, Status

log = logging.getLogger("samen.messenger")

# Rows claimed at once; after a crash at most this many can be sent twice.
BATCH = 25
IN_FLIGHT = 8
PER_CHAT_SPACING_S = 1.0
IDLE_POLL_S = 1.0


def inline_keyboard(message: OutMessage) -> InlineKeyboardMarkup | None:
    """The buttons of a message as Telegram's inline keyboard (None without buttons)."""
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
            for row in message.buttons
        ]
    )


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(300, 2 ** (attempts + 1)))


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Messenger:
    def __init__(
        self,
        bot: Bot,
        outbox: Outbox,
        residents: Residents,
        budget: SendBudget,
        monitor: Monitor | None = None,
    ) -> None:
        self._bot = bot
        # Benchmarks and tests that read no metrics get a monitor of their own.
        self._monitor = monitor or Monitor(utc_now)
        self._outbox = outbox
        self._residents = residents
        self._budget = budget
        self._last_per_chat: dict[int, float] = {}
        self._paused_until = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; the batch in hand is finished and recorded."""
        recovered = await self._outbox.recover()
        if recovered:
            log.info(
                "outbox: %d messages were in flight at the last stop; sending again", recovered
            )
        while not stop.is_set():
            self._outbox.wakeup.clear()
            rows = await self._outbox.claim_due(BATCH)
            if rows:
                await self._outbox.record(await self._deliver(rows))
                continue
            await self._idle(stop)

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
            task = asyncio.create_task(self._send(row))
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
                    retry_in=_backoff(row.attempts),
                )
            results.append(outcome)
            self._monitor.sends.labels(row.kind, outcome.outcome.value).inc()
        self._forget_old_chats(loop.time())
        return results

    def failed(self) -> None:
        self._monitor.errors.labels("messenger").inc()

    def _chat_wait(self, chat_id: int, now: float) -> float:
        last = self._last_per_chat.get(chat_id)
        return 0.0 if last is None else max(0.0, last + PER_CHAT_SPACING_S - now)

    def _forget_old_chats(self, now: float) -> None:
        if len(self._last_per_chat) > 10_000:
            cutoff = now - PER_CHAT_SPACING_S
            self._last_per_chat = {c: t for c, t in self._last_per_chat.items() if t > cutoff}

    async def _send(self, row: Pending) -> Result:
        # This task's own context: the request layer must not take a second slot.
        SLOT_TAKEN.set(True)
        try:
            message_id = await self._telegram(row)
        except RetryAfter as error:
            seconds = _seconds(error.retry_after)
            self._budget.pause(seconds)  # already paused if it came through MonitoredRequest
            self._paused_until = asyncio.get_running_loop().time() + seconds
            log.warning("telegram asked to slow down for %.0f s", seconds)
            return Result(row.id, Outcome.DEFER, retry_in=timedelta(seconds=seconds))
        except Forbidden:
            await self._residents.set_status(row.recipient_id, Status.UNREACHABLE)
            return Result(row.id, Outcome.BLOCKED, error="forbidden")
        except BadRequest as error:
            if "not modified" in error.message:
                return Result(row.id, Outcome.SENT, message_id=row.edit_message_id)
            # Telegram's description can quote the message text: log and keep only
            # its first words ("Bad Request: chat not found", "...can't parse entities").
            reason = error.message.split(":")[0:2]
            log.warning("outbox %d refused by Telegram: %s", row.id, ":".join(reason)[:80])
            return Result(row.id, Outcome.FAILED, error=":".join(reason)[:80])
        except (NetworkError, TelegramError) as error:  # time-outs, 5xx, connection trouble
            return Result(
                row.id, Outcome.RETRY, error=type(error).__name__, retry_in=_backoff(row.attempts)
            )
        if message_id is None:
            return Result(row.id, Outcome.CANCELLED, error="nothing to edit")
        return Result(row.id, Outcome.SENT, message_id=message_id)

    async def _telegram(self, row: Pending) -> int | None:
        message = row.message
        if row.edit_of is not None or row.edit_message_id is not None:
            if row.edit_message_id is None:  # the original never arrived: nothing to edit
                return None
            if message.photo:
                await self._bot.edit_message_caption(
                    row.recipient_id,
                    row.edit_message_id,
                    caption=message.text,
                    reply_markup=inline_keyboard(message),
                )
            else:
                await self._bot.edit_message_text(
                    message.text,
                    row.recipient_id,
                    row.edit_message_id,
                    reply_markup=inline_keyboard(message),
                )
            return row.edit_message_id
        sent: Message
        if message.photo:
            sent = await self._bot.send_photo(
                row.recipient_id,
                message.photo,
                caption=message.text,
                reply_markup=inline_keyboard(message),
            )
        else:
            sent = await self._bot.send_message(
                row.recipient_id, message.text, reply_markup=inline_keyboard(message)
            )
        return sent.message_id


async def run_messenger(messenger: Messenger, stop: asyncio.Event) -> None:
    """Run the messenger, logging (ids only) and restarting it if it ever fails."""
    while not stop.is_set():
        try:
            await messenger.run(stop)
        except Exception:
            messenger.failed()
            log.exception("messenger failed; restarting in 5 s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 5)
