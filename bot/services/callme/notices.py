"""Every message a task's change sends, enqueued in the caller's transaction.

Offers to the volunteers on duty (and settling them once taken or cancelled),
news to the resident, alerts to coordinators, the volunteers' /tasks lists kept
true, and the messages that showed a name and number cleared. Each is enqueued
in the outbox inside the same transaction as the change, with a dedupe key, so a
restart or crash never loses or doubles a notification.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import aiosqlite

from bot.clock import Clock
from bot.i18n import N_, Catalogs, Translator
from bot.services.callme.lists import WAITING_LISTED, claim_button, task_list
from bot.services.callme.model import HELD_TASKS, OPEN_TASKS, TOPIC_LABELS, Task, Withdrawal
from bot.services.callme.moments import CallPolicy, moment_text
from bot.services.outbox import NewRow, Outbox, OutMessage, Priority
from bot.services.volunteers import Volunteers

# What a message that showed a task's details says once they are taken out.
# What a message that showed a task's details says once they are taken out.
CLEARED_TEXTS: dict[Withdrawal, str] = {
    Withdrawal.LEFT: N_(
        "Call-back request #%(id)s: the name and number have been removed, "
        "because you deleted your data."
    ),
    Withdrawal.CANCELLED: N_(
        "Call-back request #%(id)s was cancelled. No need to call. "
        "The name and number have been removed."
    ),
    Withdrawal.WITHDRAWN: N_(
        "Call-back request #%(id)s was withdrawn. No need to call. "
        "The name and number have been removed."
    ),
    Withdrawal.GIVEN_BACK: N_(
        "↩️ You gave call-back request #%(id)s back. The other volunteers can take it now."
    ),
    Withdrawal.ENDED: N_(
        "Call-back request #%(id)s went back to the other volunteers. "
        "The name and number have been removed."
    ),
    Withdrawal.PURGED: N_(
        "Call-back request #%(id)s was closed some time ago. "
        "For privacy, the name and number have been removed."
    ),
}


class TaskNotices:
    def __init__(
        self,
        clock: Clock,
        volunteers: Volunteers,
        outbox: Outbox,
        catalogs: Catalogs,
        policy: CallPolicy,
    ) -> None:
        self._clock = clock
        self._policy = policy
        self._volunteers = volunteers
        self._outbox = outbox
        self._catalogs = catalogs

    async def clear_details(
        self, conn: aiosqlite.Connection, task_id: int, why: Withdrawal
    ) -> None:
        """Edit every remembered message with this task's details (through the outbox,
        so it survives a restart) to say why the name and number are gone."""
        rows = await conn.execute_fetchall(
            "SELECT chat_id, message_id FROM call_request_messages WHERE task_id = ?",
            (task_id,),
        )
        for chat_id, message_id in rows:
            t = self._catalogs.get(await self._volunteers.language_of(conn, chat_id))
            await self._outbox.enqueue(
                NewRow(
                    chat_id,
                    OutMessage(t._(CLEARED_TEXTS[why], id=task_id)),
                    kind="task",
                    ref=f"task:{task_id}:details",
                    dedupe_key=f"task:{task_id}:clear:{chat_id}:{message_id}",
                    priority=Priority.URGENT,
                    edit_message_id=message_id,
                ),
                conn,
            )
        await conn.execute("DELETE FROM call_request_messages WHERE task_id = ?", (task_id,))

    async def offer(self, conn: aiosqlite.Connection, task: Task, skip: int | None = None) -> None:
        """Offer the task to every volunteer on duty who can call then (their availability);
        coordinators hear when there is none."""
        on_duty = await self._volunteers.on_duty(conn, (task.moment_start, task.moment_end))
        recipients = [(v, t) for v, t in on_duty if v != skip]
        for volunteer, t in recipients:
            await self.offer_to(conn, task, volunteer, t)
        if not recipients:
            anyone = [v for v, _t in await self._volunteers.on_duty(conn) if v != skip]
            await self.alert(
                conn,
                f"task:{task.id}:r{task.round}:noduty",
                functools.partial(_nobody_to_offer, task=task, on_duty=bool(anyone)),
            )

    async def offer_to(
        self, conn: aiosqlite.Connection, task: Task, volunteer: int, t: Translator
    ) -> None:
        """One offer: when, language and topic, not yet who or which number (once per round)."""
        topic = task.topic
        text = t._(
            "📞 <b>New call-back request #%(id)s</b>\n\n"
            "When: %(moment)s\n"
            "Language: %(language)s\n"
            "%(topic)s\n"
            "Take it, and you will see the name and the number.",
            id=task.id,
            moment=moment_text(t, task.moment_start, task.moment_end),
            language=t.language_name(task.language),
            topic=t._("Topic: %(topic)s", topic=t._(TOPIC_LABELS[topic])) + "\n" if topic else "",
        )
        button = claim_button(t._("🙋 I'll take it"), task.id)
        await self._outbox.enqueue(
            NewRow(
                volunteer,
                OutMessage(text, ((button,),)),
                kind="task",
                ref=f"task:{task.id}:offer",
                dedupe_key=f"task:{task.id}:r{task.round}:offer:{volunteer}",
            ),
            conn,
        )

    async def settle_offers(
        self,
        conn: aiosqlite.Connection,
        task: Task,
        text_for: Callable[[Translator, int], str],
    ) -> None:
        """Offers that are no longer true: cancel the unsent, edit the sent (no button)."""
        for outbox_id, recipient, status in await self._outbox.originals(
            f"task:{task.id}:offer", conn
        ):
            if status == "pending":
                await self._outbox.cancel_pending([outbox_id], conn)
            elif status in ("sending", "sent"):
                t = self._catalogs.get(await self._volunteers.language_of(conn, recipient))
                await self._outbox.enqueue_edit(
                    outbox_id,
                    NewRow(
                        recipient,
                        OutMessage(text_for(t, recipient)),
                        kind="task",
                        dedupe_key=f"task:{task.id}:r{task.round}:settle:{outbox_id}:{task.status}",
                    ),
                    conn,
                )

    async def tell_resident(
        self,
        conn: aiosqlite.Connection,
        task: Task,
        dedupe_key: str,
        text_for: Callable[[Translator], str],
    ) -> None:
        """A message to the resident, unless they stopped messages or blocked the bot.

        In quiet hours it waits in the outbox until they end: a volunteer may well
        take or close a task late in the evening, a resident should sleep.
        """
        if task.resident_id is None:
            return
        rows = await conn.execute_fetchall(
            "SELECT language FROM residents WHERE telegram_id = ? AND status = 'active'",
            (task.resident_id,),
        )
        row = next(iter(rows), None)
        if row is None:
            return
        await self._outbox.enqueue(
            NewRow(
                task.resident_id,
                OutMessage(text_for(self._catalogs.get(str(row[0])))),
                kind="call_request",
                ref=f"task:{task.id}:resident",
                dedupe_key=dedupe_key,
                not_before=self._policy.quiet.held_until(self._clock(), self._policy.zone),
            ),
            conn,
        )

    async def alert(
        self, conn: aiosqlite.Connection, key: str, text_for: Callable[[Translator], str]
    ) -> None:
        """One message per coordinator; the key (plus recipient) makes it once-only."""
        for coordinator, t in await self._volunteers.coordinators_to_alert(conn):
            await self._outbox.enqueue(
                NewRow(
                    coordinator,
                    OutMessage(text_for(t)),
                    kind="alert",
                    ref=key,
                    dedupe_key=f"{key}:{coordinator}",
                ),
                conn,
            )

    async def refresh_lists(self, conn: aiosqlite.Connection) -> None:
        """Tasks changed: each volunteer's newest /tasks list is edited to show the truth."""
        lists = await conn.execute_fetchall(
            "SELECT l.chat_id, l.message_id, l.content FROM call_request_lists l"
            " JOIN roles ro ON ro.telegram_id = l.chat_id AND ro.role = 'volunteer'"
        )
        if not lists:
            return
        now = self._clock()
        waiting = [
            Task.from_row(r) for r in await conn.execute_fetchall(OPEN_TASKS, (WAITING_LISTED,))
        ]
        for chat_id, message_id, content in lists:
            mine = [Task.from_row(r) for r in await conn.execute_fetchall(HELD_TASKS, (chat_id,))]
            t = self._catalogs.get(await self._volunteers.language_of(conn, chat_id))
            fresh = task_list(t, mine, waiting, now)
            if fresh.to_json() == content:
                continue  # Telegram refuses an edit that changes nothing
            await self.edit_list(conn, chat_id, message_id, fresh)
            await conn.execute(
                "UPDATE call_request_lists SET content = ? WHERE chat_id = ?",
                (fresh.to_json(), chat_id),
            )

    async def edit_list(
        self, conn: aiosqlite.Connection, chat_id: int, message_id: int, shown: OutMessage
    ) -> None:
        """Edit a list message through the outbox; an edit of it still waiting is replaced."""
        ref = f"tasks:{chat_id}:{message_id}"
        pending = await conn.execute_fetchall(
            "SELECT id FROM outbox WHERE ref = ? AND status = 'pending'", (ref,)
        )
        await self._outbox.cancel_pending([int(r[0]) for r in pending], conn)
        await self._outbox.enqueue(
            NewRow(chat_id, shown, kind="task", ref=ref, edit_message_id=message_id), conn
        )


def _nobody_to_offer(t: Translator, task: Task, on_duty: bool) -> str:
    """What coordinators hear when no volunteer got the task: nobody is on duty, or
    volunteers are on duty but none of them can call at the moment the resident chose."""
    if not on_duty:
        return t._(
            "⚠️ Call-back request #%(id)s came in, but no volunteer is on duty. "
            "Type /tasks to see it.",
            id=task.id,
        )
    return t._(
        "⚠️ Call-back request #%(id)s came in. Volunteers are on duty, but none of them "
        "can call at that time (%(moment)s). Type /tasks to see it.",
        id=task.id,
        moment=moment_text(t, task.moment_start, task.moment_end),
    )
