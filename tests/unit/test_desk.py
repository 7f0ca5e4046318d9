"""The volunteer desk's services: remembered details messages, offers on duty."""

from __future__ import annotations

from bot.db import Database
from bot.services import Services
from bot.services.callme.requests import CallOutcome
from bot.services.outbox import OutMessage
from tests.unit.test_call_requests import (
    COORDINATOR,
    KEES,
    PIET,
    RESIDENT,
    outbox,
    people,
    request,
)


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
    await services.call_requests.claim(task_id, PIET)
    await services.call_requests.remember_details(task_id, PIET, 41)
    await services.call_requests.remember_details(task_id, PIET, 41)  # the same message again
    await services.call_requests.remember_details(task_id, PIET, 57)  # a copy from /tasks
    assert await edits_of_details(db) == []
    await services.call_requests.release(task_id, PIET)
    edits = await edits_of_details(db)
    assert [(r, m) for r, m, _ in edits] == [(PIET, 41), (PIET, 57)]
    assert all("You gave call request" in text for _, _, text in edits)
    assert await db.fetchall("SELECT * FROM call_request_messages") == []


async def test_details_shown_after_a_cancel_are_cleared_at_once(
    services: Services, db: Database
) -> None:
    """The send raced with the resident's cancel: the message must not keep the number."""
    await people(services, db)
    task_id = await request(services)
    await services.call_requests.claim(task_id, KEES)
    await services.call_requests.cancel(task_id, RESIDENT)
    await services.call_requests.remember_details(task_id, KEES, 12)
    edits = await edits_of_details(db)
    assert [(r, m) for r, m, _ in edits] == [(KEES, 12)]
    assert "was cancelled" in edits[0][2] and "612345678" not in edits[0][2]
    # The cancel itself still told Kees there is no need to call.
    assert await outbox(db, "recipient_id = ? AND ref = ?", (KEES, f"task:{task_id}:volunteer"))


async def test_a_volunteer_coming_on_duty_is_offered_the_waiting_tasks_once(
    services: Services, db: Database
) -> None:
    await people(services, db)
    await services.volunteers.set_on_duty(KEES, False)
    task_id = await request(services)
    offers = "kind = 'task' AND recipient_id = ? AND edit_of IS NULL"
    assert await outbox(db, offers, (KEES,)) == []
    assert await services.call_requests.offer_open_tasks(KEES) == 0  # still off duty
    await services.volunteers.set_on_duty(KEES, True)
    assert await services.call_requests.offer_open_tasks(KEES) == 1
    assert await services.call_requests.offer_open_tasks(KEES) == 1  # pressed twice: same offer
    rows = await outbox(db, offers, (KEES,))
    assert [r[2] for r in rows] == [f"task:{task_id}:offer"]
    # Taken by Piet: Kees's late offer is settled like the others, and not offered again.
    await services.call_requests.claim(task_id, PIET)
    assert [r[3] for r in await outbox(db, offers, (KEES,))] == ["cancelled"]  # never sent
    assert await services.call_requests.offer_open_tasks(KEES) == 0


async def test_the_resident_hears_each_time_a_volunteer_could_not_reach_them(
    services: Services, db: Database
) -> None:
    await people(services, db)
    task_id = await request(services)
    await services.call_requests.claim(task_id, PIET)
    for _ in range(2):
        await services.call_requests.record_outcome(task_id, PIET, CallOutcome.NO_ANSWER)
    told = [
        OutMessage.from_json(r[5]).text
        for r in await outbox(
            db, "recipient_id = ? AND ref = ?", (RESIDENT, f"task:{task_id}:resident")
        )
    ]
    tried = [text for text in told if "heeft u net gebeld" in text]
    assert len(tried) == 2
    assert "Piet" in tried[0] and "nummer dat u niet kent" in tried[0]


async def test_ending_a_volunteer_takes_the_numbers_out_of_their_chat(
    services: Services, db: Database
) -> None:
    await people(services, db)
    task_id = await request(services)
    await services.call_requests.claim(task_id, PIET)
    await services.call_requests.remember_details(task_id, PIET, 41)
    assert await services.call_requests.end_volunteer(PIET, COORDINATOR)
    edits = await edits_of_details(db)
    assert [(r, m) for r, m, _ in edits] == [(PIET, 41)]
    assert "went back to the other volunteers" in edits[0][2]
