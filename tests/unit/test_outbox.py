from __future__ import annotations

from datetime import timedelta

from bot.db import Database
from bot.services import Services
from bot.services.outbox import MAX_ATTEMPTS, Button, NewRow, Outcome, OutMessage, Result
from tests.conftest import FakeClock

HELLO = OutMessage("Hallo <b>Anna</b>", buttons=((Button("Ja", "x:1"), Button("Nee", "x:2")),))


def test_message_round_trips_through_json() -> None:
    assert OutMessage.from_json(HELLO.to_json()) == HELLO
    photo = OutMessage("caption", photo="file-id-1")
    assert OutMessage.from_json(photo.to_json()) == photo


async def test_dedupe_key_makes_a_message_once_only(services: Services) -> None:
    outbox = services.outbox
    first = await outbox.enqueue(NewRow(1, HELLO, kind="test", dedupe_key="k1"))
    again = await outbox.enqueue(NewRow(1, HELLO, kind="test", dedupe_key="k1"))
    assert first is not None
    assert again is None
    assert len(await outbox.claim_due(10)) == 1


async def test_claim_respects_not_before_and_marks_in_flight(
    services: Services, clock: FakeClock, db: Database
) -> None:
    outbox = services.outbox
    await outbox.enqueue(NewRow(1, HELLO, kind="test"))
    await outbox.enqueue(NewRow(2, HELLO, kind="test", not_before=clock.now + timedelta(hours=1)))
    claimed = await outbox.claim_due(10)
    assert [p.recipient_id for p in claimed] == [1]
    assert await outbox.claim_due(10) == []  # in flight now, not claimed twice
    clock.advance(hours=1)
    assert [p.recipient_id for p in await outbox.claim_due(10)] == [2]
    statuses = await db.fetchall("SELECT status FROM outbox ORDER BY id")
    assert [r[0] for r in statuses] == ["sending", "sending"]


async def test_outcomes_retry_defer_and_give_up(services: Services, clock: FakeClock) -> None:
    outbox = services.outbox
    for recipient in (1, 2, 3):
        await outbox.enqueue(NewRow(recipient, HELLO, kind="test", ref="batch"))
    one, two, three = await outbox.claim_due(10)
    await outbox.record(
        [
            Result(one.id, Outcome.SENT, message_id=77),
            Result(two.id, Outcome.RETRY, error="TimedOut", retry_in=timedelta(seconds=4)),
            Result(three.id, Outcome.BLOCKED, error="forbidden"),
        ]
    )
    assert await outbox.counts("batch") == {"sent": 1, "pending": 1, "blocked": 1}
    sent = await services.outbox._db.fetchall(
        "SELECT id, recipient_id, message_id FROM outbox WHERE status = 'sent'"
    )
    assert [tuple(r) for r in sent] == [(one.id, 1, 77)]
    assert await outbox.claim_due(10) == []  # the retry waits for its backoff
    for _ in range(MAX_ATTEMPTS - 1):
        clock.advance(seconds=5)
        (again,) = await outbox.claim_due(10)
        await outbox.record([Result(again.id, Outcome.RETRY, retry_in=timedelta(seconds=4))])
    assert await outbox.counts("batch") == {"sent": 1, "failed": 1, "blocked": 1}

    await outbox.enqueue(NewRow(4, HELLO, kind="test", ref="later"))
    (four,) = await outbox.claim_due(10)
    await outbox.record([Result(four.id, Outcome.DEFER, retry_in=timedelta(seconds=2))])
    clock.advance(seconds=2)
    (four_again,) = await outbox.claim_due(10)
    assert four_again.attempts == 0  # a deferral is not a failed attempt


async def test_recover_puts_in_flight_rows_back(services: Services) -> None:
    outbox = services.outbox
    await outbox.enqueue(NewRow(1, HELLO, kind="test"))
    await outbox.claim_due(10)
    assert await outbox.recover() == 1
    assert len(await outbox.claim_due(10)) == 1


async def test_edit_knows_the_original_message_id(services: Services) -> None:
    outbox = services.outbox
    original = await outbox.enqueue(NewRow(1, HELLO, kind="task", ref="task:1"))
    assert original is not None
    await outbox.enqueue_edit(original, NewRow(1, OutMessage("Taken"), kind="task"))
    (first,) = await outbox.claim_due(10)  # the edit waits for the original
    assert await outbox.claim_due(10) == []
    await outbox.record([Result(first.id, Outcome.SENT, message_id=5)])
    (edit,) = await outbox.claim_due(10)
    assert edit.edit_of == original
    assert edit.edit_message_id == 5


async def test_cancel_and_purge(services: Services, clock: FakeClock, db: Database) -> None:
    outbox = services.outbox
    keep = await outbox.enqueue(NewRow(1, HELLO, kind="test"))
    drop = await outbox.enqueue(NewRow(2, HELLO, kind="test"))
    assert keep is not None and drop is not None
    async with db.transaction() as conn:
        await outbox.cancel_pending([drop], conn)
    (sent,) = await outbox.claim_due(10)
    await outbox.record([Result(sent.id, Outcome.SENT, message_id=1)])
    clock.advance(days=29)
    assert await outbox.purge(timedelta(days=30)) == 0
    clock.advance(days=2)
    assert await outbox.purge(timedelta(days=30)) == 2
    assert await db.fetchall("SELECT id FROM outbox") == []


async def test_urgent_messages_go_before_bulk(services: Services) -> None:
    from bot.services.outbox import Priority

    outbox = services.outbox
    for recipient in range(1, 4):
        await outbox.enqueue(NewRow(recipient, HELLO, kind="broadcast", priority=Priority.BULK))
    await outbox.enqueue(NewRow(99, HELLO, kind="task", priority=Priority.URGENT))
    claimed = await outbox.claim_due(2)
    assert [p.recipient_id for p in claimed] == [99, 1]


async def _sent_original(services: Services, recipient: int) -> int:
    """An original message that Telegram already has (message id 5)."""
    outbox = services.outbox
    original = await outbox.enqueue(NewRow(recipient, HELLO, kind="progress", ref="b:1"))
    assert original is not None
    (row,) = await outbox.claim_due(10)
    await outbox.record([Result(row.id, Outcome.SENT, message_id=5)])
    return original


async def test_a_retried_edit_never_overwrites_a_newer_one(
    services: Services, clock: FakeClock, db: Database
) -> None:
    outbox = services.outbox
    original = await _sent_original(services, 1)
    older = await outbox.enqueue_edit(original, NewRow(1, OutMessage("84%"), kind="progress"))
    (first_try,) = await outbox.claim_due(10)
    assert first_try.id == older
    await outbox.record(
        [Result(first_try.id, Outcome.RETRY, error="BadGateway", retry_in=timedelta(seconds=2))]
    )
    newer = await outbox.enqueue_edit(original, NewRow(1, OutMessage("Finished"), kind="progress"))
    (final,) = await outbox.claim_due(10)
    assert final.id == newer
    await outbox.record([Result(final.id, Outcome.SENT, message_id=5)])
    clock.advance(seconds=5)  # the old edit's retry is due now
    assert await outbox.claim_due(10) == []  # and it is dropped, never sent
    row = await db.fetchone("SELECT status, error, payload FROM outbox WHERE id = ?", (older,))
    assert row is not None
    assert (row["status"], row["error"]) == ("cancelled", "superseded")
    assert "84%" not in row["payload"]


async def test_an_edit_waits_while_an_older_edit_of_its_message_is_in_flight(
    services: Services, clock: FakeClock
) -> None:
    outbox = services.outbox
    original = await _sent_original(services, 1)
    await outbox.enqueue_edit(original, NewRow(1, OutMessage("50%"), kind="progress"))
    (older,) = await outbox.claim_due(10)
    newer = await outbox.enqueue_edit(original, NewRow(1, OutMessage("90%"), kind="progress"))
    other = await outbox.enqueue(NewRow(2, HELLO, kind="test"))
    # While "50%" is on its way (it may still arrive), "90%" must not overtake it.
    assert [p.id for p in await outbox.claim_due(10)] == [other]
    await outbox.record([Result(older.id, Outcome.SENT, message_id=5)])
    assert [p.id for p in await outbox.claim_due(10)] == [newer]


async def test_of_two_waiting_edits_only_the_newest_is_sent(
    services: Services, db: Database
) -> None:
    outbox = services.outbox
    original = await outbox.enqueue(NewRow(1, HELLO, kind="task", ref="task:1"))
    assert original is not None
    first = await outbox.enqueue_edit(original, NewRow(1, OutMessage("Taken"), kind="task"))
    last = await outbox.enqueue_edit(original, NewRow(1, OutMessage("Closed"), kind="task"))
    (sent,) = await outbox.claim_due(10)
    await outbox.record([Result(sent.id, Outcome.SENT, message_id=5)])
    (edit,) = await outbox.claim_due(10)
    assert (edit.id, edit.message.text) == (last, "Closed")
    row = await db.fetchone("SELECT status FROM outbox WHERE id = ?", (first,))
    assert row is not None and row["status"] == "cancelled"
