"""Ids that leave the database are never handed out twice (issue 10, item 1).

Migration 0008 rebuilds the tables whose ids go out (in buttons, outbox keys,
audit details, logs) with AUTOINCREMENT. These tests migrate a database that
was in use under 0007 and check that every row survives and that no id that
already went out, even of a row erased before, is given to a new row.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.db import MIGRATIONS_DIR, Database
from bot.services import Services
from bot.services.outbox import EMPTY_PAYLOAD, NewRow, OutMessage
from bot.services.roles import Role

REBUILT = ("callback_tasks", "volunteer_applications", "broadcasts", "activity_reminders", "outbox")
NOW = "2026-11-28T10:00:00Z"
ANNA = 700_123_456


async def _database_at_0007(tmp_path: Path) -> Database:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("000[1-7]_*.sql")):
        shutil.copy(path, folder)
    db = await Database.open(tmp_path / "samen.sqlite3")
    assert await db.migrate(folder) == [1, 2, 3, 4, 5, 6, 7]
    return db


async def _fill_as_used_under_0007(db: Database) -> None:
    """Rows kept, and traces of rows erased since: only their ids in keys and details."""
    statements: list[tuple[str, tuple[object, ...]]] = [
        (
            "INSERT INTO callback_tasks (id, resident_id, language, phone, moment_start,"
            " moment_end, status, created_at, opened_at) VALUES (2, ?, 'nl', '+31612345678',"
            " ?, ?, 'open', ?, ?)",
            (ANNA, NOW, NOW, NOW, NOW),
        ),
        (
            "INSERT INTO checkin_sends (telegram_id, slot, outcome, created_at, task_id)"
            " VALUES (?, ?, 'sent', ?, 5)",
            (ANNA, NOW, NOW),
        ),
        (
            "INSERT INTO volunteer_applications (id, telegram_id, created_at) VALUES (1, ?, ?)",
            (ANNA, NOW),
        ),
        (
            "INSERT INTO broadcasts (id, author_id, language, text, created_at)"
            " VALUES (3, 900, 'nl', 'Koffie!', ?)",
            (NOW,),
        ),
        (
            "INSERT INTO activities (id, source, external_id, title_nl, organiser, kind,"
            " place_name, lat, lon, tz, start_local, duration_min, created_at, updated_at)"
            " VALUES (1, 'x', 'a', 'Koffie', 'WIJ', 'coffee', 'Plein', 52.35, 4.62,"
            " 'Europe/Amsterdam', '2026-12-01T10:00', 60, ?, ?)",
            (NOW, NOW),
        ),
        (
            "INSERT INTO activity_reminders (id, telegram_id, activity_id, starts_at, remind_at,"
            " created_at) VALUES (4, ?, 1, ?, ?, ?)",
            (ANNA, NOW, NOW, NOW),
        ),
        # An erased resident's task 9 still named in a volunteer's offer.
        _outbox(30, 800, ref="task:9:offer", key="task:9:r1:offer:800"),
        _outbox(31, 800, key="task:9:r1:settle:30:cancelled", edit_of=30),
        # An erased applicant's application 7, and an edit naming outbox row 47.
        _outbox(32, 900, ref="application:7", key="application:7:ask:900"),
        _outbox(33, 900, key="application:7:settled:47", edit_of=32),
        # A broadcast 8 whose author erased, still counted by its recipients' rows.
        _outbox(34, 801, ref="broadcast:8", key="broadcast:8:801", status="failed"),
        _outbox(35, ANNA, key="reminder:12", status="sent"),
        (
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES"
            " (?, NULL, 'broadcast.sent', 'broadcast 11'),"
            " (?, 900, 'invite.created', 'invite 700123456')",
            (NOW, NOW),
        ),
    ]
    for sql, params in statements:
        await db.execute(sql, params)


def _outbox(
    row_id: int,
    recipient: int,
    *,
    key: str,
    ref: str | None = None,
    edit_of: int | None = None,
    status: str = "sent",
) -> tuple[str, tuple[object, ...]]:
    return (
        "INSERT INTO outbox (id, recipient_id, kind, ref, dedupe_key, edit_of, payload,"
        " not_before, status, created_at) VALUES (?, ?, 'test', ?, ?, ?, ?, ?, ?, ?)",
        (
            row_id,
            recipient,
            ref,
            key,
            edit_of,
            '{"text":"Hallo Anna","buttons":[],"photo":null}',
            NOW,
            status,
            NOW,
        ),
    )


async def _rows(db: Database, table: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in await db.fetchall(f"SELECT * FROM {table} ORDER BY rowid")]


async def _indexes(db: Database) -> set[str]:
    rows = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    )
    return {str(r[0]) for r in rows}


async def test_migration_keeps_every_row_and_never_reuses_an_id_that_went_out(
    tmp_path: Path,
) -> None:
    db = await _database_at_0007(tmp_path)
    try:
        await _fill_as_used_under_0007(db)
        before = {table: await _rows(db, table) for table in REBUILT if table != "outbox"}
        outbox_before = await _rows(db, "outbox")
        indexes_before = await _indexes(db)

        # Migration 0008 alone: later ones may change these tables again (0009 adds a column).
        shutil.copy(MIGRATIONS_DIR / "0008_unique_ids.sql", tmp_path / "migrations")
        assert await db.migrate(tmp_path / "migrations") == [8]

        for table, rows in before.items():
            assert await _rows(db, table) == rows, table
        columns = [r["name"] for r in await db.fetchall("PRAGMA table_info(outbox)")]
        payload, status = columns.index("payload"), columns.index("status")
        outbox_after = await _rows(db, "outbox")
        assert [r[:payload] + r[payload + 1 :] for r in outbox_after] == [
            r[:payload] + r[payload + 1 :] for r in outbox_before
        ]
        # A failed message keeps no text (item 6), like a delivered one already did not.
        assert [r[payload] for r in outbox_after if r[status] == "failed"] == [EMPTY_PAYLOAD]
        assert await _indexes(db) == indexes_before
        assert await db.fetchall("PRAGMA foreign_key_check") == []
        for table in REBUILT:
            row = await db.fetchone("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
            assert row is not None and "AUTOINCREMENT" in str(row[0]), table
        edit = await db.fetchall("PRAGMA foreign_key_list(outbox)")
        assert [(r["table"], r["from"], r["on_delete"]) for r in edit] == [
            ("outbox", "edit_of", "CASCADE")
        ]

        sequences = dict(
            (str(r[0]), int(r[1])) for r in await db.fetchall("SELECT * FROM sqlite_sequence")
        )
        assert sequences == {
            "callback_tasks": 9,  # task:9 in a volunteer's offer (checkin_sends names 5)
            "volunteer_applications": 7,  # application:7 in a coordinator's question
            "broadcasts": 11,  # only the audit remembers broadcast 11
            "activity_reminders": 12,  # reminder:12
            "outbox": 47,  # application:7:settled:47
        }
        # The invite's audit detail named a resident (the connection's last rowid).
        assert await _rows(db, "audit_log") == [
            (1, NOW, None, "broadcast.sent", None, "broadcast 11"),
            (2, NOW, 900, "invite.created", None, "invite"),
        ]
        # The store still cascades an original's deletion to its edits.
        await db.execute("DELETE FROM outbox WHERE id = 32")
        assert await _rows(db, "outbox") == outbox_after[:2] + outbox_after[4:]
    finally:
        await db.close()


async def test_ids_of_erased_rows_are_not_given_out_again(services: Services, db: Database) -> None:
    """Erasure deletes the newest rows; the next rows still get new ids."""
    await services.residents.give_consent(ANNA, "Anna", "nl")
    await services.roles.grant(900, Role.COORDINATOR, granted_by=None)
    assert await services.applications.apply(ANNA) == "sent"
    draft = await services.broadcasts.draft(ANNA, "nl", "Hallo", None)
    await services.outbox.enqueue(NewRow(ANNA, OutMessage("Hallo"), kind="test"))
    ids_before = {
        table: int((await db.fetchone(f"SELECT MAX(id) FROM {table}"))[0])  # type: ignore[index]
        for table in ("volunteer_applications", "broadcasts", "outbox")
    }
    assert draft.id == ids_before["broadcasts"]

    await services.privacy.erase(ANNA)

    await services.residents.give_consent(ANNA + 1, "Bert", "nl")
    assert await services.applications.apply(ANNA + 1) == "sent"
    again = await services.broadcasts.draft(ANNA + 1, "nl", "Hallo", None)
    await services.outbox.enqueue(NewRow(ANNA + 1, OutMessage("Hallo"), kind="test"))
    for table in ("volunteer_applications", "broadcasts", "outbox"):
        row = await db.fetchone(f"SELECT MIN(id) FROM {table} WHERE id > ?", (ids_before[table],))
        assert row is not None and row[0] is not None, table
    assert again.id > draft.id
