"""The one send budget on a fake clock: even spacing, replies first, pause on 429."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.clock import utc_now
from bot.emulator.state import max_in_window
from bot.monitor import Monitor
from bot.sendbudget import Priority, SendBudget, counts_against_budget
from bot.telegram_request import retry_after_of

LIMIT = 28.0


class FakeTime:
    """Monotonic seconds that only move when the budget sleeps."""

    def __init__(self, late: float = 0.0) -> None:
        self.now = 1000.0
        self.late = late  # how much later than asked every sleep ends (a busy loop)

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        # Let the tasks given a slot run (and note the time) before time moves on.
        for _ in range(3):
            await asyncio.sleep(0)
        self.now += seconds + self.late


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
def budget(clock: FakeTime) -> SendBudget:
    return SendBudget(LIMIT, now=clock, sleep=clock.sleep)


Log = list[tuple[Priority, float]]


async def granted(budget: SendBudget, clock: FakeTime, priority: Priority, log: Log) -> None:
    """Take a slot and note when it was given."""
    await budget.take(priority)
    log.append((priority, clock.now))


async def test_slots_are_evenly_spaced_and_never_more_than_the_limit_in_a_second(
    budget: SendBudget, clock: FakeTime
) -> None:
    log: Log = []
    takers = [granted(budget, clock, Priority.BULK, log) for _ in range(200)]
    takers += [granted(budget, clock, Priority.REPLY, log) for _ in range(20)]
    await asyncio.gather(*takers)
    times = [t for _p, t in log]
    assert len(times) == 220
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) == pytest.approx(1 / LIMIT)
    assert max_in_window(times) <= LIMIT
    assert times[-1] - times[0] == pytest.approx(219 / LIMIT)


async def test_waking_late_neither_slows_the_pace_nor_breaks_the_limit() -> None:
    clock = FakeTime(late=0.012)  # a third of a slot late, every time
    budget = SendBudget(LIMIT, now=clock, sleep=clock.sleep)
    log: Log = []
    await asyncio.gather(*(granted(budget, clock, Priority.BULK, log) for _ in range(300)))
    times = [t for _p, t in log]
    assert max_in_window(times) <= LIMIT
    assert (len(times) - 1) / (times[-1] - times[0]) > 0.97 * LIMIT


async def test_idle_time_is_not_saved_up_into_a_burst(budget: SendBudget, clock: FakeTime) -> None:
    log: Log = []
    await granted(budget, clock, Priority.BULK, log)
    clock.now += 5.0  # nobody sent anything for a while
    await asyncio.gather(*(granted(budget, clock, Priority.BULK, log) for _ in range(5)))
    gaps = [b - a for (_p, a), (_q, b) in itertools.pairwise(log[1:])]
    assert gaps == pytest.approx([1 / LIMIT] * 4)


async def test_waiting_replies_are_served_before_waiting_bulk(
    budget: SendBudget, clock: FakeTime
) -> None:
    log: Log = []
    bulk = [granted(budget, clock, Priority.BULK, log) for _ in range(10)]
    replies = [granted(budget, clock, Priority.REPLY, log) for _ in range(3)]
    await asyncio.gather(*bulk, *replies)
    assert [p for p, _t in log] == [Priority.REPLY] * 3 + [Priority.BULK] * 10


async def test_a_reply_during_a_broadcast_gets_the_next_slot(
    budget: SendBudget, clock: FakeTime
) -> None:
    log: Log = []
    broadcast = asyncio.gather(*(granted(budget, clock, Priority.BULK, log) for _ in range(100)))
    for _ in range(40 * 5):  # let the broadcast get going
        await asyncio.sleep(0)
    assert 10 < len(log) < 100
    asked_at = clock.now
    await granted(budget, clock, Priority.REPLY, log)
    assert clock.now - asked_at <= 1 / LIMIT + 1e-9
    assert not broadcast.done()  # it came in the middle of the broadcast
    await broadcast
    assert max_in_window([t for _p, t in log]) <= LIMIT


async def test_a_pause_holds_every_slot_replies_included(
    budget: SendBudget, clock: FakeTime
) -> None:
    log: Log = []
    await granted(budget, clock, Priority.BULK, log)
    budget.pause(3.0)
    paused_at = clock.now
    await asyncio.gather(
        granted(budget, clock, Priority.BULK, log), granted(budget, clock, Priority.REPLY, log)
    )
    assert [p for p, _t in log] == [Priority.BULK, Priority.REPLY, Priority.BULK]
    assert all(t >= paused_at + 3.0 for _p, t in log[1:])
    # After the pause the slots are evenly spaced again, no burst of catching up.
    assert log[2][1] - log[1][1] == pytest.approx(1 / LIMIT)


async def test_a_waiter_that_gives_up_costs_no_slot(clock: FakeTime) -> None:
    monitor = Monitor(utc_now)
    budget = SendBudget(LIMIT, now=clock, sleep=clock.sleep, monitor=monitor)
    log: Log = []
    first = asyncio.create_task(granted(budget, clock, Priority.BULK, log))
    await first
    gone = asyncio.create_task(budget.take(Priority.REPLY))
    await asyncio.sleep(0)
    gone.cancel()
    await granted(budget, clock, Priority.BULK, log)
    assert monitor.send_slots.labels("reply")._value.get() == 0
    assert log[1][1] - log[0][1] == pytest.approx(1 / LIMIT)


async def test_slots_and_pauses_are_counted_for_the_operator(clock: FakeTime) -> None:
    monitor = Monitor(utc_now)
    budget = SendBudget(LIMIT, now=clock, sleep=clock.sleep, monitor=monitor)
    await budget.take(Priority.REPLY)
    await budget.take(Priority.BULK)
    budget.pause(1.0)
    budget.pause(1.0)  # the messenger repeating the request layer's pause
    assert monitor.send_slots.labels("reply")._value.get() == 1
    assert monitor.send_slots.labels("bulk")._value.get() == 1
    assert monitor.send_budget_pauses._value.get() == 1


@pytest.mark.parametrize(
    ("method", "counted"),
    [
        ("sendMessage", True),
        ("sendPhoto", True),
        ("sendDocument", True),
        ("sendLocation", True),
        ("editMessageText", True),
        ("editMessageReplyMarkup", True),
        ("editMessageCaption", True),
        ("copyMessage", True),
        ("forwardMessage", True),
        ("sendChatAction", False),
        ("getUpdates", False),
        ("answerCallbackQuery", False),
        ("setMyCommands", False),
        ("getMe", False),
        ("deleteMessage", False),
    ],
)
def test_which_methods_count_against_the_budget(method: str, counted: bool) -> None:
    assert counts_against_budget(method) is counted


@pytest.mark.parametrize(
    ("payload", "seconds"),
    [
        (b'{"ok":false,"error_code":429,"parameters":{"retry_after":7}}', 7.0),
        (b'{"ok":false,"error_code":429}', 1.0),
        (b"<html>Too Many Requests</html>", 1.0),
    ],
)
def test_retry_after_is_read_from_telegrams_answer(payload: bytes, seconds: float) -> None:
    assert retry_after_of(payload) == seconds


def test_a_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SendBudget(0)
