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

from bot.i18n import N_, Translator
from bot.services.callme.lists import WAITING_LISTED, claim_button, task_list
from bot.services.callme.model import HELD_TASKS, OPEN_TASKS, TOPIC_LABELS, Task, Withdrawal
from bot.services.callme.moments import moment_text
from bot.services.callme.news import News
from bot.services.outbox import NewRow, OutMessage, Priority

# What a message that showed a task's details says once they are taken out.
# The outbox kind of the edit that takes a name and number out of a volunteer's chat: news
# they must get (do not call), so a channel that cannot edit sends it anew even when it
# would drop other edits (WhatsApp outside the 24-hour window: as the task template).
DETAILS_WITHDRAWN = "task_withdrawn"
CLEARED_TEXTS: dict[Withdrawal, str] = {
    Withdrawal.LEFT: N_(
        "Call request #%(id)s: the name and number have been removed, "
        "because you deleted your data."
    ),
    Withdrawal.CANCELLED: N_(
        "Call request #%(id)s was cancelled. No need to call. "
        "The name and number have been removed."
    ),
    Withdrawal.WITHDRAWN: N_(
        "Call request #%(id)s was withdrawn. No need to call. "
        "The name and number have been removed."
    ),
    Withdrawal.GIVEN_BACK: N_(
        "↩️ You gave call request #%(id)s back. The other volunteers can take it now."
    ),
    Withdrawal.ENDED: N_(
        "Call request #%(id)s went back to the other volunteers. "
        "The name and number have been removed."
    ),
    Withdrawal.PURGED: N_(
        "Call request #%(id)s was closed some time ago. "
        "For privacy, the name and number have been removed."
    ),
    Withdrawal.PASSED: N_(
        "Weekly call #%(id)s: its day has passed. "
        "For privacy, the name and number have been removed."
    ),
    Withdrawal.MATCH_ENDED: N_(
        "Weekly call #%(id)s is off: the weekly calls were paused or ended. "
        "No need to call. The name and number have been removed."
    ),
}


class TaskNotices(News):
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
                    kind=DETAILS_WITHDRAWN,
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
            "📞 <b>New call request #%(id)s</b>\n\n"
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
        """News about the task for its resident (none for a task without one)."""
        if task.resident_id is not None:
            await self.news_for(
                conn,
                task.resident_id,
                text_for,
                kind="call_request",
                ref=f"task:{task.id}:resident",
                dedupe_key=dedupe_key,
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
            "⚠️ Call request #%(id)s came in, but no volunteer is on duty. Type /tasks to see it.",
            id=task.id,
        )
    return t._(
        "⚠️ Call request #%(id)s came in. Volunteers are on duty, but none of them "
        "can call at that time (%(moment)s). Type /tasks to see it.",
        id=task.id,
        moment=moment_text(t, task.moment_start, task.moment_end),
    )
