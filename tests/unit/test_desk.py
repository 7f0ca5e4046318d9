"""The volunteer desk's services: remembered details messages, offers on duty."""

from __future__ import annotations

from bot.db import Database
from bot.services import Services
from bot.services.outbox import OutMessage
from tests.unit.test_callbacks import KEES, PIET, RESIDENT, outbox, people, request


async def edits_of_details(db: Database) -> list[tuple[int, int, str]]:
    rows = await db.fetchall(
        "SELECT recipient_id, edit_message_id, payload FROM outbox"
        " WHERE edit_message_id IS NOT NULL ORDER BY id"
    )
    return [(int(r[0]), int(r[1]), OutMessage.from_json(r[2]).text) for r in rows]


async def test_details_are_cleared_once_when_the_task_is_given_back(
    services: Services, db: Database
) -> None:
    await people(services, db)
    task_id = await request(services)
    await services.callbacks.claim(task_id, PIET)
    await services.callbacks.remember_details(task_id, PIET, 41)
    await services.callbacks.remember_details(task_id, PIET, 41)  # the same message again
    await services.callbacks.remember_details(task_id, PIET, 57)  # a copy from /tasks
    assert await edits_of_details(db) == []
    await services.callbacks.release(task_id, PIET)
    edits = await edits_of_details(db)
    assert [(r, m) for r, m, _ in edits] == [(PIET, 41), (PIET, 57)]
    assert all("You gave call-back request" in text for _, _, text in edits)
    assert await db.fetchall("SELECT * FROM callback_task_messages") == []


async def test_details_shown_after_a_cancel_are_cleared_at_once(
    services: Services, db: Database
) -> None:
    """The send raced with the resident's cancel: the message must not keep the number."""
    await people(services, db)
    task_id = await request(services)
    await services.callbacks.claim(task_id, KEES)
    await services.callbacks.cancel(task_id, RESIDENT)
    await services.callbacks.remember_details(task_id, KEES, 12)
    edits = await edits_of_details(db)
    assert [(r, m) for r, m, _ in edits] == [(KEES, 12)]
    assert "was cancelled" in edits[0][2] and "612345678" not in edits[0][2]
    # The cancel itself still told Kees there is no need to call.
    assert await outbox(db, "recipient_id = ? AND ref = ?", (KEES, f"task:{task_id}:volunteer"))
