"""Export and erasure: the resident's rights under the AVG/GDPR.

``PERSONAL_TABLES`` names every table that holds data about a person and the
column that points at them; ``ANONYMOUS_TABLES`` names the rest. A test fails
when a migration adds a table to neither list, so erasure cannot silently miss one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import Clock, to_iso
from bot.db import Database
from bot.services.care.checkins import SEND_RETENTION
from bot.services.care.selfcheck import ROUND_RETENTION
from bot.services.counts import Counts
from bot.services.outbox import EMPTY_PAYLOAD, OUTBOX_RETENTION

PERSONAL_TABLES: tuple[tuple[str, str], ...] = (
    ("outbox", "recipient_id"),
    ("activity_reminders", "telegram_id"),
    # A coordinator's changes to activities: exported with them; on erasure the
    # history is kept without their id (see DETACH_ON_ERASE).
    ("activity_changes", "changed_by"),
    ("activity_drafts", "telegram_id"),
    ("call_requests", "resident_id"),
    # Which messages in a volunteer's chat show a task's details (to clear them).
    ("call_request_messages", "chat_id"),
    ("call_request_lists", "chat_id"),
    ("volunteer_availability", "telegram_id"),
    # A regular call (its weeks go with it); who was asked to be the regular caller.
    ("regular_calls", "resident_id"),
    ("regular_call_proposals", "volunteer_id"),
    ("volunteers", "telegram_id"),
    ("volunteer_invites", "used_by"),
    ("volunteer_applications", "telegram_id"),
    # Check-ins: the schedule with the safety-net phone number, and the moods.
    ("checkin_subscriptions", "telegram_id"),
    ("safety_steps", "telegram_id"),
    ("checkin_sends", "telegram_id"),
    # The resident's emergency contact; and, for the contact, that they are one.
    ("emergency_contacts", "resident_id"),
    ("emergency_contacts", "contact_id"),
    # The monthly self-check (health data): its consent and schedule, and the answers.
    ("selfcheck_subscriptions", "telegram_id"),
    ("selfcheck_rounds", "telegram_id"),
    # The question Samen left open (bot/questions.py), keyed by channel and person.
    ("open_questions", "person_id"),
    ("roles", "telegram_id"),
    # The sources a partner keeps (with the role above: erasure ends the partnership).
    ("partner_sources", "telegram_id"),
    # A coordinator's own announcements; audit entries about a person.
    ("broadcasts", "author_id"),
    ("audit_log", "subject_id"),
    # A WhatsApp person's BSUID, phone number (if shown), window and opt-in.
    ("whatsapp_people", "resident_id"),
    # A code to link the other app (15 minutes, hashed).
    ("link_codes", "resident_id"),
    ("residents", "telegram_id"),
)
ANONYMOUS_TABLES: frozenset[str] = frozenset(
    {"daily_counts", "quiet_chats"}
    # Activities are the partners' public programme; they name no resident.
    | {"activities", "activity_occurrences"}
    # Where those come from: partners' names, feed links and defaults.
    | {"sources"}
    # Facts about the service itself (health probe, last backup, webhook secret).
    | {"service_state"}
    # Ids of WhatsApp messages already handled (opaque, no person; kept a week).
    | {"whatsapp_inbound"}
    # A regular call's weeks name no one: they go with their call (ON DELETE CASCADE).
    | {"regular_call_weeks"}
)
# Rows that belong to someone else but also name this person (the volunteer on a
# resident's call-back task, the coordinator who made an invite or decided an
# application): erasure takes the person out and keeps the row. Parameters:
# :person (the Telegram id) and :now. A task the person still held goes back
# to the queue.
DETACH_ON_ERASE: tuple[str, ...] = (
    "UPDATE call_requests SET status = 'open', volunteer_id = NULL, claimed_at = NULL,"
    " opened_at = :now, round = round + 1 WHERE volunteer_id = :person AND status = 'claimed'",
    "UPDATE call_requests SET volunteer_id = NULL WHERE volunteer_id = :person",
    # A regular call this person made as a volunteer waits for the next (the journey
    # hands it over first, see RegularCalls.volunteer_gone; this is the last word).
    "UPDATE regular_calls SET status = 'waiting', volunteer_id = NULL, weekday = NULL"
    " WHERE volunteer_id = :person",
    "UPDATE volunteer_invites SET created_by = NULL WHERE created_by = :person",
    "UPDATE volunteer_applications SET decided_by = NULL WHERE decided_by = :person",
    # An activity's change history stays (what and when), without the coordinator.
    "UPDATE activity_changes SET changed_by = NULL WHERE changed_by = :person",
    # Audit entries of what a coordinator did stay, without who did it.
    "UPDATE audit_log SET actor_id = NULL WHERE actor_id = :person",
    "UPDATE roles SET granted_by = NULL WHERE granted_by = :person",
    "UPDATE partner_sources SET granted_by = NULL WHERE granted_by = :person",
    # Coordinators' notices about this person's application name them: withdraw
    # the ones not yet sent (sent ones keep no text, see outbox.EMPTY_PAYLOAD).
    "UPDATE outbox SET status = 'cancelled', payload = '"
    + EMPTY_PAYLOAD
    + "' WHERE status IN ('pending', 'sending') AND ref IN"
    " (SELECT 'application:' || id FROM volunteer_applications WHERE telegram_id = :person)",
)
# Where other rows name a person (the columns DETACH_ON_ERASE clears): linking two apps
# (bot.services.links) moves these to the resident's one id too.
NAMED_IN_OTHERS: tuple[tuple[str, str], ...] = (
    ("call_requests", "volunteer_id"),
    ("volunteer_invites", "created_by"),
    ("volunteer_applications", "decided_by"),
    ("audit_log", "actor_id"),
    ("roles", "granted_by"),
    ("partner_sources", "granted_by"),
)
# Columns of exported rows that name staff (the volunteer on a task, who decided an
# application): a resident's export shows what happened, not who the staff are.
HIDDEN_IN_EXPORT: frozenset[tuple[str, str]] = frozenset(
    {
        ("call_requests", "volunteer_id"),
        ("regular_calls", "volunteer_id"),
        ("volunteer_applications", "decided_by"),
        ("volunteer_invites", "created_by"),
        ("roles", "granted_by"),
        ("partner_sources", "granted_by"),
        ("link_codes", "code_hash"),
        ("audit_log", "actor_id"),
    }
)


@dataclass(frozen=True)
class Retention:
    """How long Samen keeps what it keeps automatically, in days (from the settings)."""

    phone_days: int = 30  # a closed call-back's phone number and note
    checkin_days: int = SEND_RETENTION.days  # check-ins and their moods
    selfcheck_days: int = ROUND_RETENTION.days  # self-check answers and results
    message_days: int = OUTBOX_RETENTION.days  # the record of a message sent


@dataclass(frozen=True)
class Holdings:
    """Every kind of data Samen holds about one person beyond the profile, for "My data".

    Counts are rows; phone numbers are shown back so the person sees exactly what
    is kept. A kind with nothing in it is simply not held.
    """

    checkin_schedule: bool
    safety_net_phone: str | None
    emergency_contact: str | None  # the name the resident gave them
    checkins: int
    selfcheck_consent: bool
    selfchecks: int
    reminders: int
    open_call_request_phone: str | None
    open_call_request: bool
    earlier_call_requests: int
    regular_call: bool  # a weekly call asked for (its number is shown with it)
    regular_call_phone: str | None
    volunteer_name: str | None
    applications: int
    messages: int
    announcements: int
    audit_entries: int
    activity_changes: int
    invites_used: int
    in_conversation: int  # an open question, a draft, a link code
    retention: Retention


# Which field of Holdings (or the profile) shows each personal table, so "My data"
# cannot silently leave a kind of data out: a test checks every table is here.
SHOWN_IN_MY_DATA: dict[str, str] = {
    "residents": "profile",
    "roles": "profile",
    # How Samen reaches a person on WhatsApp is part of who they are to Samen.
    "whatsapp_people": "profile",
    "partner_sources": "profile",
    "outbox": "messages",
    # A volunteer's messages that show task details or their task list (kept to edit them).
    "call_request_messages": "messages",
    "call_request_lists": "messages",
    "activity_reminders": "reminders",
    "activity_changes": "activity_changes",
    "activity_drafts": "in_conversation",
    "call_requests": "open_call_request, earlier_call_requests",
    "volunteers": "volunteer_name",
    "volunteer_availability": "volunteer_name",
    "regular_calls": "regular_call",
    "regular_call_proposals": "volunteer_name",
    "volunteer_invites": "invites_used",
    "volunteer_applications": "applications",
    "checkin_subscriptions": "checkin_schedule, safety_net_phone",
    "checkin_sends": "checkins",
    "safety_steps": "checkins",
    "emergency_contacts": "emergency_contact",
    "selfcheck_subscriptions": "selfcheck_consent",
    "selfcheck_rounds": "selfchecks",
    "open_questions": "in_conversation",
    # A code to link the other app, until it is used or 15 minutes pass.
    "link_codes": "in_conversation",
    "broadcasts": "announcements",
    "audit_log": "audit_entries",
}


# One row count per kind of data (parameter: the person's Telegram id).
_HOLDING_COUNTS = {
    "checkins": "SELECT COUNT(*) FROM checkin_sends WHERE telegram_id = :person",
    "selfchecks": "SELECT COUNT(*) FROM selfcheck_rounds WHERE telegram_id = :person",
    "reminders": "SELECT COUNT(*) FROM activity_reminders WHERE telegram_id = :person",
    "earlier_call_requests": "SELECT COUNT(*) FROM call_requests WHERE resident_id = :person"
    " AND status IN ('closed', 'cancelled')",
    "applications": "SELECT COUNT(*) FROM volunteer_applications WHERE telegram_id = :person",
    "messages": "SELECT COUNT(*) FROM outbox WHERE recipient_id = :person",
    "announcements": "SELECT COUNT(*) FROM broadcasts WHERE author_id = :person",
    "audit_entries": "SELECT COUNT(*) FROM audit_log WHERE subject_id = :person",
    "activity_changes": "SELECT COUNT(*) FROM activity_changes WHERE changed_by = :person",
    "invites_used": "SELECT COUNT(*) FROM volunteer_invites WHERE used_by = :person",
    "in_conversation": "SELECT (SELECT COUNT(*) FROM activity_drafts WHERE telegram_id = :person)"
    " + (SELECT COUNT(*) FROM open_questions WHERE person_id = :person)"
    " + (SELECT COUNT(*) FROM link_codes WHERE resident_id = :person)",
}


class Privacy:
    def __init__(
        self, db: Database, clock: Clock, counts: Counts, retention: Retention | None = None
    ) -> None:
        self._db = db
        self._clock = clock
        self._counts = counts
        self.retention = retention or Retention()

    async def holdings(self, telegram_id: int) -> Holdings:
        """What "My data" lists: every kind of data held about this person, and how much."""
        person = {"person": telegram_id}
        counts = {}
        for key, sql in _HOLDING_COUNTS.items():
            row = await self._db.fetchone(sql, person)
            counts[key] = int(row[0]) if row else 0
        checkin = await self._db.fetchone(
            "SELECT phone FROM checkin_subscriptions WHERE telegram_id = :person", person
        )
        callback = await self._db.fetchone(
            "SELECT phone FROM call_requests WHERE resident_id = :person"
            " AND status IN ('open', 'claimed') AND regular_call_id IS NULL",
            person,
        )
        volunteer = await self._db.fetchone(
            "SELECT first_name FROM volunteers WHERE telegram_id = :person", person
        )
        regular = await self._db.fetchone(
            "SELECT phone FROM regular_calls WHERE resident_id = :person", person
        )
        contact = await self._db.fetchone(
            "SELECT name FROM emergency_contacts WHERE resident_id = :person", person
        )
        selfcheck = await self._db.fetchone(
            "SELECT 1 FROM selfcheck_subscriptions WHERE telegram_id = :person", person
        )
        return Holdings(
            checkin_schedule=checkin is not None,
            safety_net_phone=checkin[0] if checkin else None,
            emergency_contact=str(contact[0]) if contact else None,
            selfcheck_consent=selfcheck is not None,
            open_call_request=callback is not None,
            open_call_request_phone=callback[0] if callback else None,
            volunteer_name=str(volunteer[0]) if volunteer else None,
            regular_call=regular is not None,
            regular_call_phone=str(regular[0]) if regular else None,
            retention=self.retention,
            **counts,
        )

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
