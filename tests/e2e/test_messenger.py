"""The messenger against the emulator: pace, flood limits, blocked people, faults, edits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.clock import utc_now
from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.messenger import Messenger
from bot.sendbudget import SendBudget
from bot.services import Services
from bot.services.outbox import Button, NewRow, OutMessage
from bot.services.residents import Status
from tests.e2e.harness import TOKEN, eventually

PEOPLE = range(800_000_001, 800_000_041)


@pytest.fixture
async def world(
    tmp_path: Path, emulator: EmulatorServer, client: EmulatorClient
) -> AsyncIterator[tuple[Services, Bot]]:
    db = await Database.open(tmp_path / "m.sqlite3")
    await db.migrate()
    for person in PEOPLE:
        await client.add_user(person, first_name="P", started=True)
    bot = Bot(TOKEN, base_url=emulator.url + "/bot", base_file_url=emulator.url + "/file/bot")
    async with bot:
        yield Services.create(db, utc_now), bot
    await db.close()


def settled(total: int) -> Callable[[dict[str, int]], bool]:
    """Every one of ``total`` messages has an outcome (none waiting or in flight)."""
    return lambda counts: (
        sum(counts.values()) == total and not counts.get("pending") and not counts.get("sending")
    )


async def outcomes(
    services: Services,
    ref: str,
    done: Callable[[dict[str, int]], bool],
    *,
    retries_now: bool = False,
) -> dict[str, int]:
    """The outbox counts of ``ref`` once ``done`` holds, or at the harness's deadline in
    wall time (the caller asserts): a loaded machine is slower, not wrong. ``retries_now``:
    a failed send is retried at once instead of after its back-off (2 s, 4 s, ...): its
    due time is moved to the past and the messenger woken, as an enqueue would wake it."""

    async def probe() -> dict[str, int]:
        if retries_now:
            await services.outbox._db.execute(
                "UPDATE outbox SET not_before = '2000-01-01T00:00:00Z' WHERE status = 'pending'"
            )
            services.outbox.wakeup.set()
        return await services.outbox.counts(ref)

    return await eventually(probe, done)


async def deliver(services: Services, messenger: Messenger, ref: str, total: int) -> None:
    """Run the messenger until every message of ``ref`` has an outcome."""
    stop = asyncio.Event()
    task = asyncio.create_task(messenger.run(stop))
    try:
        counts = await outcomes(services, ref, settled(total))
        assert settled(total)(counts), f"not delivered: {counts}"
    finally:
        stop.set()
        await task


async def enqueue_all(services: Services, ref: str, recipients: range | list[int]) -> None:
    async with services.outbox._db.transaction() as conn:
        await services.outbox.enqueue_many(
            [NewRow(r, OutMessage(f"Hallo {r}"), kind="test", ref=ref) for r in recipients],
            conn,
        )


async def test_flood_limits_are_never_hit_at_the_configured_pace(
    world: tuple[Services, Bot], client: EmulatorClient
) -> None:
    services, bot = world
    await client.configure(flood_limits=True)
    await enqueue_all(services, "b1", PEOPLE)
    await deliver(
        services, Messenger(bot, services.outbox, services.residents, SendBudget(28.0)), "b1", 40
    )
    stats = await client.stats()
    assert await services.outbox.counts("b1") == {"sent": 40}
    assert stats["http_429"] == 0
    assert stats["max_sends_in_1s"] <= 30
    for person in PEOPLE:
        (entry,) = await client.transcript(person)
        assert entry.get("text") == f"Hallo {person}"


async def test_retry_after_pauses_and_loses_nothing(
    world: tuple[Services, Bot], client: EmulatorClient
) -> None:
    services, bot = world
    await client.configure(flood_limits=True)
    await enqueue_all(services, "b2", PEOPLE)
    # Far above Telegram's limit on purpose, so the emulator answers 429.
    reckless = Messenger(bot, services.outbox, services.residents, SendBudget(1000.0))
    await deliver(services, reckless, "b2", 40)
    assert (await client.stats())["http_429"] > 0
    assert await services.outbox.counts("b2") == {"sent": 40}
    for person in PEOPLE:
        assert len(await client.transcript(person)) == 1  # nobody got it twice


async def test_blocked_person_is_marked_unreachable_and_not_retried(
    world: tuple[Services, Bot], client: EmulatorClient
) -> None:
    services, bot = world
    blocked = PEOPLE[0]
    await services.residents.give_consent(blocked, "P", "nl")
    await client.block(blocked)
    await enqueue_all(services, "b3", [blocked, PEOPLE[1]])
    await deliver(
        services, Messenger(bot, services.outbox, services.residents, SendBudget(25.0)), "b3", 2
    )
    assert await services.outbox.counts("b3") == {"blocked": 1, "sent": 1}
    resident = await services.residents.get(blocked)
    assert resident is not None and resident.status is Status.UNREACHABLE


async def test_server_errors_are_retried(
    world: tuple[Services, Bot], client: EmulatorClient
) -> None:
    services, bot = world
    await client.configure(fault_5xx=0.5, seed=7)
    await enqueue_all(services, "b4", list(PEOPLE[:6]))
    messenger = Messenger(bot, services.outbox, services.residents, SendBudget(25.0))
    # Retries wait 2 s, 4 s, ...: let them come due by moving their not_before.
    stop = asyncio.Event()
    task = asyncio.create_task(messenger.run(stop))
    try:
        await outcomes(services, "b4", lambda counts: counts.get("sent") == 6, retries_now=True)
    finally:
        stop.set()
        await task
    assert await services.outbox.counts("b4") == {"sent": 6}
    assert (await client.stats())["http_5xx"] > 0


async def test_edit_after_send_and_buttons(
    world: tuple[Services, Bot], client: EmulatorClient
) -> None:
    services, bot = world
    person = PEOPLE[0]
    original = await services.outbox.enqueue(
        NewRow(person, OutMessage("Nieuwe taak", ((Button("Ik doe het", "t:1"),),)), "task", "t1")
    )
    assert original is not None
    await services.outbox.enqueue_edit(
        original, NewRow(person, OutMessage("Al opgepakt"), kind="task", ref="t1-edit")
    )
    messenger = Messenger(bot, services.outbox, services.residents, SendBudget(25.0))
    stop = asyncio.Event()
    task = asyncio.create_task(messenger.run(stop))
    try:
        entry = await client.wait_for(person, predicate=lambda e: bool(e.get("edited")))
    finally:
        stop.set()
        await task
    assert entry.get("text") == "Al opgepakt"
    assert entry.get("edited")
    assert not (entry.get("reply_markup") or {}).get("inline_keyboard")


async def test_in_flight_rows_are_sent_after_a_crash(
    world: tuple[Services, Bot], client: EmulatorClient
) -> None:
    services, bot = world
    await enqueue_all(services, "b5", list(PEOPLE[:3]))
    await services.outbox.claim_due(2)  # a crash right after claiming two rows
    await deliver(
        services, Messenger(bot, services.outbox, services.residents, SendBudget(25.0)), "b5", 3
    )
    assert await services.outbox.counts("b5") == {"sent": 3}


async def test_timeouts_are_retried_and_nobody_is_skipped(
    world: tuple[Services, Bot], client: EmulatorClient, emulator: EmulatorServer
) -> None:
    services, _bot = world
    # The emulator delivers, then answers too late: PTB gives up waiting (TimedOut).
    await client.configure(fault_timeout=0.4, timeout_delay=2.0, seed=3)
    people = list(PEOPLE[:4])
    await enqueue_all(services, "b6", people)
    impatient = Bot(
        TOKEN,
        base_url=emulator.url + "/bot",
        request=HTTPXRequest(connection_pool_size=8, read_timeout=0.5),
    )
    await impatient.initialize()
    stop = asyncio.Event()
    task = asyncio.create_task(
        Messenger(impatient, services.outbox, services.residents, SendBudget(25.0)).run(stop)
    )
    try:
        await outcomes(services, "b6", lambda counts: counts.get("sent") == 4, retries_now=True)
    finally:
        stop.set()
        await task
    await impatient.shutdown()
    assert await services.outbox.counts("b6") == {"sent": 4}
    received = [len(await client.transcript(person)) for person in people]
    assert min(received) >= 1  # at least once: nobody is skipped
    assert max(received) > 1  # a time-out really happened (seeded), and was retried


async def _row_status(services: Services, row_id: int) -> tuple[str, int]:
    row = await services.outbox._db.fetchone(
        "SELECT status, attempts FROM outbox WHERE id = ?", (row_id,)
    )
    assert row is not None
    return str(row["status"]), int(row["attempts"])


async def _until_status(
    services: Services, row_id: int, done: Callable[[tuple[str, int]], bool]
) -> None:
    """Wait until the row's (status, attempts) satisfies ``done`` (a deadline in wall time)."""
    status = await eventually(lambda: _row_status(services, row_id), done)
    assert done(status), f"outbox {row_id} stuck at {status}"


@pytest.mark.parametrize("fault", ["fault_5xx", "fault_timeout"])
async def test_a_late_retry_of_an_old_edit_never_overwrites_the_final_one(
    world: tuple[Services, Bot], client: EmulatorClient, emulator: EmulatorServer, fault: str
) -> None:
    """The coordinator saw "84%" for good: that edit failed (a server error, or a
    time-out after Telegram had applied it) and its retry came after "finished"."""
    services, _bot = world
    coordinator = PEOPLE[0]
    impatient = Bot(
        TOKEN,
        base_url=emulator.url + "/bot",
        request=HTTPXRequest(connection_pool_size=8, read_timeout=0.5),
    )
    await impatient.initialize()
    stop = asyncio.Event()
    task = asyncio.create_task(
        Messenger(impatient, services.outbox, services.residents, SendBudget(25.0)).run(stop)
    )
    try:
        progress = await services.outbox.enqueue(
            NewRow(coordinator, OutMessage("Sending… 0%"), kind="progress")
        )
        assert progress is not None
        await client.wait_for(coordinator)
        await client.configure(**{fault: 1.0, "timeout_delay": 1.0})
        old = await services.outbox.enqueue_edit(
            progress, NewRow(coordinator, OutMessage("Sending… 84%"), kind="progress")
        )
        assert old is not None
        await _until_status(services, old, lambda s: s == ("pending", 1))  # failed once
        await client.configure(**{fault: 0.0})
        await services.outbox.enqueue_edit(
            progress, NewRow(coordinator, OutMessage("Broadcast finished"), kind="progress")
        )
        final = "Broadcast finished"
        await client.wait_for(coordinator, predicate=lambda e: e.get("text") == final)
        await services.outbox._db.execute(  # the old edit's retry comes due now
            "UPDATE outbox SET not_before = '2000-01-01T00:00:00Z' WHERE id = ?", (old,)
        )
        await _until_status(services, old, lambda s: s[0] != "pending")
    finally:
        stop.set()
        await task
        await impatient.shutdown()
    assert await _row_status(services, old) == ("cancelled", 1)
    (shown,) = await client.transcript(coordinator)
    assert shown.get("text") == "Broadcast finished"
