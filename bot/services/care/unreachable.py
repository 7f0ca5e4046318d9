"""A resident the check-ins cannot reach: one call, not a call every day.

With the safety net on, a resident who blocked Samen still gets the daily check-in, and
each one that fails counts as unanswered (``safety.py``). Climbing on every one would
ask a volunteer to call them every day. A care worker calls once (they may be in
trouble, or blocked Samen by accident) and then lets the coordinators decide. So a
check-in that could not be delivered is *held* when the one before it failed the same
way (blocked, or failed) and climbed or was held itself, and the resident has neither
answered nor written to Samen since (writing is when they are told about it, which
``undelivered.py`` records as an outbox row): no new task, and at the first hold the
coordinators hear once that check-ins cannot reach this resident.

A held check-in is stored as ``escalation = 'dropped'`` with the task id of the call that
covers it, which is how the next check-in finds the chain (a check-in dropped for any
other reason has no task id). The chain ends when they write, answer, or a check-in
reaches them again; a volunteer who reached them does not end it: they heard why the
messages do not arrive, and the coordinators decide what comes next.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from bot.services.care.kinds import UNDELIVERED_NOTICE
from bot.services.care.safety_sql import DELIVERY_JOIN

# The escalations of a check-in that climbed: a call task covers it.
CLIMBED = frozenset({"task", "existing"})
HELD = "dropped"  # with a task id: covered by the call of an earlier check-in

_PREVIOUS_SQL = (
    "SELECT c.escalation, c.task_id, c.answered_at, o.status AS delivery,"
    " EXISTS (SELECT 1 FROM outbox n"
    f" WHERE n.dedupe_key = '{UNDELIVERED_NOTICE}:' || c.id) AS told"
    " FROM checkin_sends c" + DELIVERY_JOIN + " WHERE c.telegram_id = ? AND c.slot < ?"
    " AND c.outcome = 'sent' AND c.safety_net = 1 ORDER BY c.slot DESC LIMIT 1"
)


@dataclass(frozen=True)
class Hold:
    """This check-in needs no call of its own: ``task_id``'s call covers it."""

    task_id: int
    first: bool  # the first one held since the call: the coordinators hear it now


async def hold_for(db: Database, resident_id: int, slot: str, delivery: str) -> Hold | None:
    """Whether an undelivered check-in (its slot as stored, its outbox ``delivery``)
    is held by the one before it; None when it climbs as usual."""
    before = await db.fetchone(_PREVIOUS_SQL, (resident_id, slot))
    if before is None or before["task_id"] is None or before["delivery"] != delivery:
        return None  # no call before it, or it failed another way (a new cause)
    if before["answered_at"] is not None or before["told"]:
        return None  # they answered or wrote since: a new silence is news again
    if before["escalation"] in CLIMBED:
        return Hold(int(before["task_id"]), first=True)
    if before["escalation"] == HELD:
        return Hold(int(before["task_id"]), first=False)
    return None
