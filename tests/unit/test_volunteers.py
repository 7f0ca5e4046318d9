"""Volunteers: invite links, applications, profiles, and erasure of everything personal."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from bot.clock import to_iso
from bot.db import Database
from bot.services import Services
from bot.services.applications import ApplyResult, DecideResult
from bot.services.callme.requests import CallOutcome, TaskStatus, Topic
from bot.services.outbox import EMPTY_PAYLOAD, OutMessage
from bot.services.roles import Role
from bot.services.volunteers import (
    InviteResult,
    clean_name,
)
from tests.conftest import FakeClock

RESIDENT = 700_100_001
VOLUNTEER = 700_200_001
OTHER = 700_200_002
COORDINATOR = 700_300_001


async def test_invite_is_single_use_and_stored_hashed(services: Services, db: Database) -> None:
    await services.residents.give_consent(VOLUNTEER, "Piet", "en")
    await services.residents.give_consent(OTHER, "Kees", "nl")
    invite = await services.volunteers.create_invite(COORDINATOR)
    assert len(invite.code) == 16
    stored = await db.fetchall("SELECT code_hash FROM volunteer_invites")
    assert [r[0] for r in stored] == [hashlib.sha256(invite.code.encode()).hexdigest()]
    assert invite.code not in str(
        [tuple(r) for r in await db.fetchall("SELECT * FROM volunteer_invites")]
    )

    assert await services.volunteers.check_invite(invite.code) is InviteResult.JOINED
    result = await services.volunteers.redeem_invite(invite.code, VOLUNTEER, "Piet", "en")
    assert result is InviteResult.JOINED
    assert await services.roles.has(VOLUNTEER, Role.VOLUNTEER)
    profile = await services.volunteers.get(VOLUNTEER)
    assert profile is not None
    assert (profile.first_name, profile.languages, profile.on_duty) == ("Piet", ("en",), True)

    again = await services.volunteers.redeem_invite(invite.code, OTHER, "Kees", "nl")
    assert again is InviteResult.USED
    assert not await services.roles.has(OTHER, Role.VOLUNTEER)
    assert await services.volunteers.check_invite("not-a-code") is InviteResult.UNKNOWN
    assert (
        await services.volunteers.redeem_invite("not-a-code", OTHER, "Kees", "nl")
        is InviteResult.UNKNOWN
    )


async def test_invite_expires_after_seven_days(services: Services, clock: FakeClock) -> None:
    invite = await services.volunteers.create_invite(COORDINATOR)
    clock.advance(days=6, hours=23)
    assert await services.volunteers.check_invite(invite.code) is InviteResult.JOINED
    clock.advance(hours=1)
    assert await services.volunteers.check_invite(invite.code) is InviteResult.EXPIRED
    result = await services.volunteers.redeem_invite(invite.code, VOLUNTEER, "Piet", "nl")
    assert result is InviteResult.EXPIRED
    assert not await services.roles.has(VOLUNTEER, Role.VOLUNTEER)


async def test_a_volunteer_does_not_use_up_an_invite(services: Services) -> None:
    first = await services.volunteers.create_invite(COORDINATOR)
    await services.volunteers.redeem_invite(first.code, VOLUNTEER, "Piet", "nl")
    second = await services.volunteers.create_invite(COORDINATOR)
    result = await services.volunteers.redeem_invite(second.code, VOLUNTEER, "Piet", "nl")
    assert result is InviteResult.ALREADY
    assert await services.volunteers.check_invite(second.code) is InviteResult.JOINED


async def test_profile_changes(services: Services) -> None:
    invite = await services.volunteers.create_invite(COORDINATOR)
    await services.volunteers.redeem_invite(invite.code, VOLUNTEER, "Piet", "nl")
    profile = await services.volunteers.toggle_language(VOLUNTEER, "en")
    assert profile is not None and profile.languages == ("nl", "en")
    profile = await services.volunteers.toggle_language(VOLUNTEER, "nl")
    assert profile is not None and profile.languages == ("en",)
    profile = await services.volunteers.toggle_language(VOLUNTEER, "en")  # never none left
    assert profile is not None and profile.languages == ("en",)
    profile = await services.volunteers.set_on_duty(VOLUNTEER, False)
    assert profile is not None and not profile.on_duty
    profile = await services.volunteers.set_first_name(VOLUNTEER, "  Pieter\n  Jan  ")
    assert profile is not None and profile.first_name == "Pieter Jan"
    assert await services.volunteers.set_first_name(VOLUNTEER, "   ") is None
    assert clean_name("x" * 100) == "x" * 32
    await services.roles.revoke(VOLUNTEER, Role.VOLUNTEER)
    assert await services.volunteers.get(VOLUNTEER) is None  # the role is the authority


async def test_application_approved(services: Services, db: Database) -> None:
    await services.roles.sync_config_coordinators([COORDINATOR, COORDINATOR + 1])
    await services.residents.give_consent(RESIDENT, "Anna", "nl")
    assert await services.applications.apply(RESIDENT) is ApplyResult.SENT
    assert await services.applications.apply(RESIDENT) is ApplyResult.PENDING
    asks = await db.fetchall(
        "SELECT id, recipient_id, payload FROM outbox WHERE kind = 'application' ORDER BY id"
    )
    assert [r[1] for r in asks] == [COORDINATOR, COORDINATOR + 1]
    message = OutMessage.from_json(asks[0][2])
    assert "Anna" in message.text and f"tg://user?id={RESIDENT}" in message.text
    application_id = int(message.buttons[0][0].data.rsplit(":", 1)[1])
    assert [b.data for b in message.buttons[0]] == [
        f"appl:yes:{application_id}",
        f"appl:no:{application_id}",
    ]
    # The second coordinator's question was delivered; it will say what was decided.
    await db.execute(
        "UPDATE outbox SET status = 'sent', message_id = 9 WHERE id = ?", (asks[1][0],)
    )

    result = await services.applications.decide(application_id, COORDINATOR, approve=True)
    assert result == (DecideResult.APPROVED, "Anna")
    assert await services.roles.has(RESIDENT, Role.VOLUNTEER)
    profile = await services.volunteers.get(RESIDENT)
    assert profile is not None and profile.on_duty and profile.languages == ("nl",)
    again = await services.applications.decide(application_id, COORDINATOR + 1, approve=False)
    assert again == (DecideResult.ALREADY_DECIDED, "Anna")
    assert await services.roles.has(RESIDENT, Role.VOLUNTEER)
    edits = await db.fetchall("SELECT recipient_id FROM outbox WHERE edit_of = ?", (asks[1][0],))
    assert [r[0] for r in edits] == [COORDINATOR + 1]
    answer = await db.fetchall("SELECT payload FROM outbox WHERE recipient_id = ?", (RESIDENT,))
    assert len(answer) == 1
    assert await services.applications.apply(RESIDENT) is ApplyResult.ALREADY
    assert (await services.applications.decide(9999, COORDINATOR, approve=True))[0] is (
        DecideResult.UNKNOWN
    )


async def test_application_declined(services: Services, db: Database) -> None:
    await services.roles.sync_config_coordinators([COORDINATOR])
    await services.residents.give_consent(RESIDENT, "Anna", "en")
    await services.applications.apply(RESIDENT)
    row = await db.fetchone("SELECT id FROM volunteer_applications")
    assert row is not None
    result = await services.applications.decide(int(row[0]), COORDINATOR, approve=False)
    assert result == (DecideResult.DECLINED, "Anna")
    assert not await services.roles.has(RESIDENT, Role.VOLUNTEER)
    answer = await db.fetchall("SELECT payload FROM outbox WHERE recipient_id = ?", (RESIDENT,))
    assert "cannot add you" in OutMessage.from_json(answer[0][0]).text
    assert await services.applications.apply(RESIDENT) is ApplyResult.SENT  # may ask again later


async def _rows_mentioning(db: Database, value: object) -> list[str]:
    hits = []
    for table in ("call_requests", "volunteers", "volunteer_invites", "volunteer_applications"):
        rows = await db.fetchall(f"SELECT * FROM {table}")
        hits += [table for row in rows if any(str(v) == str(value) for v in tuple(row))]
    return hits


async def test_erasure_removes_everything_personal(services: Services, db: Database) -> None:
    await services.roles.sync_config_coordinators([COORDINATOR])
    await services.residents.give_consent(RESIDENT, "Anna", "nl")
    await services.residents.give_consent(VOLUNTEER, "Piet", "en")
    invite = await services.volunteers.create_invite(COORDINATOR)
    await services.volunteers.redeem_invite(invite.code, VOLUNTEER, "Piet", "en")
    await services.applications.apply(RESIDENT)
    key = services.call_requests.moments()[0].key
    task = await services.call_requests.create_request(RESIDENT, "0612345678", key, Topic.WORRIED)
    await services.call_requests.claim(task.id, VOLUNTEER)
    await services.call_requests.add_note(task.id, VOLUNTEER, "Anna is worried about her neighbour")
    await services.privacy.erase(RESIDENT)
    assert await _rows_mentioning(db, RESIDENT) == []
    assert await _rows_mentioning(db, "+31612345678") == []
    assert await services.call_requests.get(task.id) is None

    # The volunteer leaves while holding someone else's task: it goes back to the queue.
    await services.residents.give_consent(RESIDENT + 1, "Bert", "nl")
    other = await services.call_requests.create_request(RESIDENT + 1, "0612345670", key, None)
    await services.call_requests.claim(other.id, VOLUNTEER)
    await services.call_requests.record_outcome(other.id, VOLUNTEER, CallOutcome.NO_ANSWER)
    await services.privacy.erase(VOLUNTEER)
    assert await _rows_mentioning(db, VOLUNTEER) == []
    back = await services.call_requests.get(other.id)
    assert back is not None and back.status is TaskStatus.OPEN and back.volunteer_id is None
    assert back.phone == "+31612345670"  # the resident's request is not lost

    await services.privacy.erase(COORDINATOR)
    assert await _rows_mentioning(db, COORDINATOR) == []


async def test_export_includes_the_new_tables(services: Services) -> None:
    await services.residents.give_consent(RESIDENT, "Anna", "nl")
    key = services.call_requests.moments()[0].key
    await services.call_requests.create_request(RESIDENT, "0612345678", key, Topic.CHAT)
    data = await services.privacy.export(RESIDENT)
    assert data["call_requests"][0]["phone"] == "+31612345678"


async def test_a_decision_counts_only_for_the_application_asked_about(
    services: Services, db: Database, clock: FakeClock
) -> None:
    """Before migration 0008 an erased applicant's id came back for the next one, whose
    question was swallowed as a duplicate: the old question must not decide about them."""
    await services.roles.sync_config_coordinators([COORDINATOR])
    await services.residents.give_consent(RESIDENT, "Piet", "nl")
    await services.applications.apply(RESIDENT)
    (old_id,) = [r[0] for r in await db.fetchall("SELECT id FROM volunteer_applications")]
    await services.privacy.erase(RESIDENT)
    clock.advance(minutes=5)
    await services.residents.give_consent(OTHER, "Quinten", "nl")
    await db.execute(  # what the store did then: the same id for someone else, no question
        "INSERT INTO volunteer_applications (id, telegram_id, created_at) VALUES (?, ?, ?)",
        (old_id, OTHER, to_iso(clock.now)),
    )
    assert await services.applications.decide(old_id, COORDINATOR, approve=True) == (
        DecideResult.UNKNOWN,
        "",
    )
    assert not await services.roles.has(OTHER, Role.VOLUNTEER)
    rows = await db.fetchall("SELECT status FROM volunteer_applications")
    assert [r[0] for r in rows] == ["pending"]

    # A coordinator who was never asked (appointed later) cannot decide by forged data.
    await db.execute("DELETE FROM volunteer_applications")
    await services.applications.apply(OTHER)
    (new_id,) = [r[0] for r in await db.fetchall("SELECT id FROM volunteer_applications")]
    assert new_id > old_id
    await services.roles.grant(COORDINATOR + 1, Role.COORDINATOR, granted_by=None)
    assert (await services.applications.decide(new_id, COORDINATOR + 1, approve=True))[0] is (
        DecideResult.UNKNOWN
    )
    assert await services.applications.decide(new_id, COORDINATOR, approve=True) == (
        DecideResult.APPROVED,
        "Quinten",
    )
    assert await services.roles.has(OTHER, Role.VOLUNTEER)


async def test_a_question_waiting_for_a_decision_outlives_the_outbox_purge(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await services.roles.sync_config_coordinators([COORDINATOR])
    await services.residents.give_consent(RESIDENT, "Anna", "nl")
    await services.residents.give_consent(OTHER, "Bert", "nl")
    await services.applications.apply(RESIDENT)
    await services.applications.apply(OTHER)
    first, second = [r[0] for r in await db.fetchall("SELECT id FROM volunteer_applications")]
    await services.applications.decide(second, COORDINATOR, approve=False)
    await db.execute(f"UPDATE outbox SET status = 'sent', payload = '{EMPTY_PAYLOAD}'")
    clock.advance(days=45)

    await services.outbox.purge(timedelta(days=30))

    remaining = await db.fetchall("SELECT ref FROM outbox")
    assert [r[0] for r in remaining] == [f"application:{first}"]  # Bert's was decided
    assert await services.applications.decide(first, COORDINATOR, approve=True) == (
        DecideResult.APPROVED,
        "Anna",
    )


async def test_withdrawing_before_erasure_takes_the_name_off_the_questions(
    services: Services, db: Database
) -> None:
    await services.roles.sync_config_coordinators([COORDINATOR, COORDINATOR + 1])
    await services.residents.give_consent(RESIDENT, "Anna", "nl")
    await services.applications.apply(RESIDENT)
    delivered, waiting = [r[0] for r in await db.fetchall("SELECT id FROM outbox ORDER BY id")]
    await db.execute("UPDATE outbox SET status = 'sent' WHERE id = ?", (delivered,))

    await services.applications.withdraw_application(RESIDENT)
    await services.privacy.erase(RESIDENT)

    rows = await db.fetchall("SELECT id, status, edit_of, payload FROM outbox ORDER BY id")
    assert [(r[0], r[1], r[2]) for r in rows[:2]] == [
        (delivered, "sent", None),
        (waiting, "cancelled", None),
    ]
    (edit,) = rows[2:]
    assert edit[2] == delivered
    message = OutMessage.from_json(edit[3])
    assert message.text == "Een aanmelding als vrijwilliger is ingetrokken."  # no name
    assert message.buttons == ()
