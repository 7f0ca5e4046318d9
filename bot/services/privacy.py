"""Export and erasure: the resident's rights under the AVG/GDPR.

``PERSONAL_TABLES`` names every table that holds data about a person and the
column that points at them; ``ANONYMOUS_TABLES`` names the rest. A test fails
when a migration adds a table to neither list, so erasure cannot silently miss one.
"""

from __future__ import annotations

from typing import Any

from bot.clock import Clock, to_iso
from bot.db import Database
from bot.services.counts import Counts
from bot.services.outbox import EMPTY_PAYLOAD

PERSONAL_TABLES: tuple[tuple[str, str], ...] = (
    ("outbox", "recipient_id"),
    ("activity_reminders", "telegram_id"),
    # A coordinator's changes to activities: exported with them; on erasure the
    # history is kept without their id (see DETACH_ON_ERASE).
    ("activity_changes", "changed_by"),
    ("activity_drafts", "telegram_id"),
    ("callback_tasks", "resident_id"),
    # Which messages in a volunteer's chat show a task's details (to clear them).
    ("callback_task_messages", "chat_id"),
    ("callback_task_lists", "chat_id"),
    ("volunteers", "telegram_id"),
    ("volunteer_invites", "used_by"),
    ("volunteer_applications", "telegram_id"),
    # Check-ins: the schedule with the safety-net phone number, and the moods.
    ("checkin_subscriptions", "telegram_id"),
    ("checkin_sends", "telegram_id"),
    # The monthly self-check (health data): its consent and schedule, and the answers.
    ("selfcheck_subscriptions", "telegram_id"),
    ("selfcheck_rounds", "telegram_id"),
    ("conversations", "telegram_id"),
    ("roles", "telegram_id"),
    # A coordinator's own announcements; audit entries about a person.
    ("broadcasts", "author_id"),
    ("audit_log", "subject_id"),
    ("residents", "telegram_id"),
)
ANONYMOUS_TABLES: frozenset[str] = frozenset(
    {"daily_counts", "quiet_chats"}
    # Activities are the partners' public programme; they name no resident.
    | {"activities", "activity_occurrences"}
)
# Rows that belong to someone else but also name this person (the volunteer on a
# resident's call-back task, the coordinator who made an invite or decided an
# application): erasure takes the person out and keeps the row. Parameters:
# :person (the Telegram id) and :now. A task the person still held goes back
# to the queue.
DETACH_ON_ERASE: tuple[str, ...] = (
    "UPDATE callback_tasks SET status = 'open', volunteer_id = NULL, claimed_at = NULL,"
    " opened_at = :now, round = round + 1 WHERE volunteer_id = :person AND status = 'claimed'",
    "UPDATE callback_tasks SET volunteer_id = NULL WHERE volunteer_id = :person",
    "UPDATE volunteer_invites SET created_by = NULL WHERE created_by = :person",
    "UPDATE volunteer_applications SET decided_by = NULL WHERE decided_by = :person",
    # An activity's change history stays (what and when), without the coordinator.
    "UPDATE activity_changes SET changed_by = NULL WHERE changed_by = :person",
    # Audit entries of what a coordinator did stay, without who did it.
    "UPDATE audit_log SET actor_id = NULL WHERE actor_id = :person",
    "UPDATE roles SET granted_by = NULL WHERE granted_by = :person",
    # Coordinators' notices about this person's application name them: withdraw
    # the ones not yet sent (sent ones keep no text, see outbox.EMPTY_PAYLOAD).
    "UPDATE outbox SET status = 'cancelled', payload = '"
    + EMPTY_PAYLOAD
    + "' WHERE status IN ('pending', 'sending') AND ref IN"
    " (SELECT 'application:' || id FROM volunteer_applications WHERE telegram_id = :person)",
)
# Columns of exported rows that name staff (the volunteer on a task, who decided an
# application): a resident's export shows what happened, not who the staff are.
HIDDEN_IN_EXPORT: frozenset[tuple[str, str]] = frozenset(
    {
        ("callback_tasks", "volunteer_id"),
        ("volunteer_applications", "decided_by"),
        ("volunteer_invites", "created_by"),
        ("roles", "granted_by"),
        ("audit_log", "actor_id"),
    }
)


class Privacy:
    def __init__(self, db: Database, clock: Clock, counts: Counts) -> None:
        self._db = db
        self._clock = clock
        self._counts = counts

    async def export(self, telegram_id: int) -> dict[str, Any]:
        """Everything stored about one person, table by table."""
        data: dict[str, Any] = {
            "exported_at": to_iso(self._clock()),
            "telegram_id": telegram_id,
        }
        for table, column in PERSONAL_TABLES:
            rows = await self._db.fetchall(
                f"SELECT * FROM {table} WHERE {column} = ?", (telegram_id,)
            )
            data[table] = [
                {k: None if (table, k) in HIDDEN_IN_EXPORT else v for k, v in dict(row).items()}
                for row in rows
            ]
        return data

    async def erase(self, telegram_id: int) -> None:
        """Remove the person from every personal table, in one transaction."""
        async with self._db.transaction() as conn:
            for statement in DETACH_ON_ERASE:
                await conn.execute(statement, {"person": telegram_id, "now": to_iso(self._clock())})
            for table, column in PERSONAL_TABLES:
                await conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (telegram_id,))
        await self._counts.bump("residents_erased")
