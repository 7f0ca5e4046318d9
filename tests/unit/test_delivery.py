"""The outbox loop every channel shares (bot/delivery.py): a message to a chat that just
had one waits its second in real time, instead of being claimed again and again."""

from __future__ import annotations

import asyncio

from bot.db import Database
from bot.delivery import Delivery
from bot.person_ids import Channel
from bot.sendbudget import SendBudget
from bot.services.outbox import NewRow, Outbox, Outcome, OutMessage, Pending, Result
from tests.conftest import FakeClock

ANNA = 700_000_101


class CountingOutbox(Outbox):
    """The real outbox, counting how often the messenger claims rows."""

    claims = 0

    async def claim_due(self, limit: int, channel: Channel = Channel.TELEGRAM) -> list[Pending]:
        self.claims += 1
        return await super().claim_due(limit, channel)


class Recording(Delivery):
    """A channel that only remembers what it sent, and when."""

    channel = Channel.TELEGRAM

    def __init__(self, outbox: Outbox) -> None:
        super().__init__(outbox, SendBudget(100.0), None)
        self.sent: list[tuple[str, float]] = []

    async def send(self, row: Pending) -> Result:
        self.sent.append((row.message.text, asyncio.get_running_loop().time()))
        return Result(row.id, Outcome.SENT, message_id=row.id)


async def test_two_messages_to_one_chat_go_a_second_apart_without_a_busy_loop(
    db: Database, clock: FakeClock
) -> None:
    outbox = CountingOutbox(db, clock)
    for text in ("first", "second"):
        await outbox.enqueue(NewRow(ANNA, OutMessage(text), kind="notice"))
    messenger = Recording(outbox)
    stop = asyncio.Event()
    task = asyncio.create_task(messenger.run(stop))
    try:
        async with asyncio.timeout(5):
            while len(messenger.sent) < 2:  # noqa: ASYNC110 (the loop has no event to await)
                await asyncio.sleep(0.02)
    finally:
        stop.set()
        await task
    (first, at_first), (second, at_second) = messenger.sent
    assert (first, second) == ("first", "second")
    assert at_second - at_first >= 0.95  # Telegram's one message per chat per second
    # The outbox keeps times to the second, so the deferred row was due again at once:
    # it used to be claimed and deferred hundreds of times in that second.
    assert outbox.claims <= 6
