from __future__ import annotations

from datetime import timedelta

from bot.db import Database
from bot.services import Services
from bot.services.callme.requests import CallPolicy
from bot.services.privacy import (
    ANONYMOUS_TABLES,
    PERSONAL_TABLES,
    SHOWN_IN_MY_DATA,
    Holdings,
)
from bot.services.residents import PRIVACY_NOTICE_VERSION, Status
from bot.services.roles import Role
from tests.conftest import FakeClock

ANNA = 700_123_456


async def test_consent_creates_resident_once(services: Services, clock: FakeClock) -> None:
    assert await services.residents.get(ANNA) is None
    resident = await services.residents.give_consent(ANNA, "Anna", "nl")
    assert resident.consent_version == PRIVACY_NOTICE_VERSION
    assert resident.consent_at == clock.now
    assert resident.status is Status.ACTIVE
    clock.advance(days=1)
    again = await services.residents.give_consent(ANNA, "Anna", "en")
    assert again.language == "en"
    assert again.consent_at == clock.now
    assert again.created_at == resident.created_at
    assert await services.counts.total("residents_joined") == 1


async def test_status_and_language(services: Services) -> None:
    await services.residents.give_consent(ANNA, "Anna", "nl")
    await services.residents.set_status(ANNA, Status.STOPPED)
    await services.residents.set_language(ANNA, "en")
    resident = await services.residents.get(ANNA)
    assert resident is not None
    assert resident.status is Status.STOPPED
    assert resident.language == "en"


async def test_roles_and_config_sync(services: Services) -> None:
    await services.roles.sync_config_coordinators([1, 2])
    assert await services.roles.has(1, Role.COORDINATOR)
    await services.roles.grant(3, Role.COORDINATOR, granted_by=1)
    await services.roles.grant(2, Role.VOLUNTEER, granted_by=1)
    await services.roles.sync_config_coordinators([2])
    assert not await services.roles.has(1, Role.COORDINATOR)  # removed from config
    assert await services.roles.has(3, Role.COORDINATOR)  # granted in the bot: kept
    assert await services.roles.of(2) == {Role.COORDINATOR, Role.VOLUNTEER}
    await services.roles.revoke(2, Role.VOLUNTEER)
    assert await services.roles.of(2) == {Role.COORDINATOR}
    await services.roles.sync_config_coordinators([])
    assert await services.roles.of(2) == frozenset()


async def test_every_table_is_classified_for_erasure(db: Database) -> None:
    personal = {table for table, _column in PERSONAL_TABLES}
    assert personal.isdisjoint(ANONYMOUS_TABLES)
    assert set(await db.table_names()) == personal | ANONYMOUS_TABLES


async def _tables_mentioning(db: Database, value: object) -> list[str]:
    """Every table (the audit log too) with a row that has the value in any column,
    also inside a longer text such as an audit detail or an outbox key."""
    hits = []
    for table in await db.table_names():
        columns = [r["name"] for r in await db.fetchall(f"PRAGMA table_info({table})")]
        where = " OR ".join(f"instr(CAST({c} AS TEXT), CAST(? AS TEXT)) > 0" for c in columns)
        rows = await db.fetchall(f"SELECT 1 FROM {table} WHERE {where}", [value] * len(columns))
        hits += [table] * len(rows)
    return hits


async def test_export_and_erase(services: Services, db: Database) -> None:
    await services.residents.give_consent(ANNA, "Anna", "nl")
    await services.roles.grant(ANNA, Role.VOLUNTEER, granted_by=None)
    await db.execute(
        "INSERT INTO open_questions VALUES ('telegram', ?, 'mydata.postcode', '{}', 'now')",
        (ANNA,),
    )
    other = 800_000_001
    await services.residents.give_consent(other, "Bert", "en")

    exported = await services.privacy.export(ANNA)
    assert exported["residents"][0]["first_name"] == "Anna"
    assert exported["roles"][0]["role"] == "volunteer"
    assert len(exported["open_questions"]) == 1
    assert await _tables_mentioning(db, ANNA)

    await services.privacy.erase(ANNA)
    assert await _tables_mentioning(db, ANNA) == []
    assert await _tables_mentioning(db, "Anna") == []
    assert await services.residents.get(other) is not None  # nobody else touched
    assert await services.counts.total("residents_erased") == 1


async def test_erasure_leaves_no_trace_in_the_audit(services: Services, db: Database) -> None:
    """An invite made right after Anna agreed once recorded her id as its audit detail."""
    coordinator = 4242
    await services.roles.grant(coordinator, Role.COORDINATOR, granted_by=None)
    await services.residents.give_consent(ANNA, "Anna", "nl")
    await services.volunteers.create_invite(coordinator)
    await services.roles.grant(ANNA, Role.VOLUNTEER, granted_by=coordinator)
    assert "audit_log" in await _tables_mentioning(db, ANNA)  # the subject of a grant

    await services.privacy.erase(ANNA)

    assert await _tables_mentioning(db, ANNA) == []
    actions = [entry.action for entry in await services.audit.latest()]
    assert actions == ["invite.created", "role.granted"]  # what staff did stays


async def test_group_notice_only_once(services: Services) -> None:
    assert await services.groups.first_notice(-100)
    assert not await services.groups.first_notice(-100)
    assert await services.groups.first_notice(-200)


async def test_export_does_not_hand_out_staff_ids(services: Services) -> None:
    await services.residents.give_consent(ANNA, "Anna", "nl")
    await services.roles.grant(ANNA, Role.VOLUNTEER, granted_by=4242)
    exported = await services.privacy.export(ANNA)
    assert exported["roles"][0]["role"] == "volunteer"
    assert exported["roles"][0]["granted_by"] is None
    assert "4242" not in str(exported)


async def test_delivered_messages_keep_no_text(services: Services, db: Database) -> None:
    from bot.services.outbox import NewRow, Outcome, OutMessage, Result

    await services.outbox.enqueue(NewRow(ANNA, OutMessage("Piet belt u morgen"), kind="task"))
    (row,) = await services.outbox.claim_due(5)
    await services.outbox.record([Result(row.id, Outcome.SENT, message_id=9)])
    stored = await db.fetchone("SELECT payload, message_id FROM outbox")
    assert stored is not None and "Piet" not in stored[0] and stored[1] == 9


async def test_erasing_a_coordinator_keeps_what_they_did_without_them(
    services: Services, db: Database
) -> None:
    coordinator = 4242
    await services.residents.give_consent(coordinator, "Coen", "nl")
    await services.roles.grant(ANNA, Role.VOLUNTEER, granted_by=coordinator)
    await services.privacy.erase(coordinator)
    assert await _tables_mentioning(db, coordinator) == []
    assert await services.roles.has(ANNA, Role.VOLUNTEER)  # the volunteer stays
    (entry,) = await services.audit.latest()
    assert entry.action == "role.granted" and entry.actor_id is None


def test_my_data_shows_every_personal_table() -> None:
    """A new personal table must get a line in "My data" (and how long it is kept)."""
    assert set(SHOWN_IN_MY_DATA) == {table for table, _column in PERSONAL_TABLES}
    fields = set(Holdings.__dataclass_fields__) | {"profile"}
    for shown in SHOWN_IN_MY_DATA.values():
        assert set(shown.split(", ")) <= fields


async def test_my_data_uses_the_configured_phone_retention(db: Database, clock: FakeClock) -> None:
    """SAMEN_PHONE_RETENTION_DAYS is what "My data" says about phone numbers."""
    policy = CallPolicy(retention=timedelta(days=10))
    services = Services.create(db, clock, call_policy=policy)
    await services.residents.give_consent(1, "Wil", "nl")
    held = await services.privacy.holdings(1)
    assert held.retention.phone_days == 10
    assert held.retention.checkin_days == 90 and held.retention.selfcheck_days == 92
