"""Delivers the outbox through Telegram at a steady pace (the loop is ``bot.delivery``).

Each send takes a bulk slot of the one ``SendBudget`` (evenly spaced, replies to
people first, so never a burst over Telegram's 30 per second), at most one per chat
per second, with a few in flight at once so a slow answer does not slow the queue.
``RetryAfter`` pauses everything; ``Forbidden`` marks the resident unreachable;
time-outs and server errors are retried with backoff. Outcomes are written per batch.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.delivery import Delivery, backoff
from bot.monitor import Monitor
from bot.person_ids import Channel
from bot.sendbudget import SendBudget
from bot.services.outbox import Outbox, Outcome, OutMessage, Pending, Result
from bot.services.residents import Residents, Status

log = logging.getLogger("samen.messenger")


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


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Messenger(Delivery):
    """The outbox through Telegram (Telegram's people: ids above the WhatsApp range)."""

    channel = Channel.TELEGRAM

    def __init__(
        self,
        bot: Bot,
        outbox: Outbox,
        residents: Residents,
        budget: SendBudget,
        monitor: Monitor | None = None,
    ) -> None:
        super().__init__(outbox, budget, monitor)
        self._bot = bot
        self._residents = residents

    async def send(self, row: Pending) -> Result:
        try:
            message_id = await self._telegram(row)
        except RetryAfter as error:
            seconds = _seconds(error.retry_after)
            self.pause(seconds)  # the budget is already paused if it came through MonitoredRequest
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
                row.id, Outcome.RETRY, error=type(error).__name__, retry_in=backoff(row.attempts)
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
