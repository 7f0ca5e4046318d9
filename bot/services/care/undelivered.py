"""A check-in that could not reach the resident: they hear it, kindly, once.

Each messenger records how a check-in's delivery went in its outbox row (Telegram's 403
as blocked; WhatsApp's refusals and its later 'failed' status as failed), so this reads
the same for every channel. The safety net climbs on such a check-in (``safety.py``);
the resident is told the next time they write (a message queued once per check-in: its
dedupe key is the record that they were told) and sees it in the check-in menu.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, from_iso, to_iso
from bot.db import Database
from bot.i18n import Catalogs, Translator
from bot.services.care.checkins import TYPED_ANSWER_WINDOW
from bot.services.care.kinds import UNDELIVERED_NOTICE
from bot.services.care.safety import UNDELIVERED
from bot.services.care.safety_sql import DELIVERY_JOIN
from bot.services.care.safety_texts import mood_buttons
from bot.services.outbox import NewRow, Outbox, OutMessage

KIND = UNDELIVERED_NOTICE
# Older check-ins are not worth a word: the person has moved on (so has the outbox).
LOOK_BACK = timedelta(days=7)

_LATEST_SQL = (
    "SELECT c.id, c.slot, c.safety_net, c.answered_at, c.created_at, o.status AS delivery,"
    f" EXISTS (SELECT 1 FROM outbox n WHERE n.dedupe_key = '{KIND}:' || c.id) AS told"
    " FROM checkin_sends c"
    + DELIVERY_JOIN
    + " WHERE c.telegram_id = ? AND c.outcome = 'sent' AND c.created_at >= ?"
    " ORDER BY c.slot DESC LIMIT 1"
)


@dataclass(frozen=True)
class Undelivered:
    send_id: int
    slot: datetime
    safety_net: bool  # the net was on: a volunteer was asked to call
    answerable: bool  # unanswered and recent: it can still be answered now
    told: bool  # they heard it already


class UndeliveredCheckins:
    def __init__(self, db: Database, clock: Clock, outbox: Outbox, catalogs: Catalogs) -> None:
        self._db = db
        self._clock = clock
        self._outbox = outbox
        self._catalogs = catalogs

    async def latest(self, resident_id: int) -> Undelivered | None:
        """Their newest check-in of the last week, if it could not be delivered."""
        since = to_iso(self._clock() - LOOK_BACK)
        row = await self._db.fetchone(_LATEST_SQL, (resident_id, since))
        if row is None or row["delivery"] not in UNDELIVERED:
            return None
        recent = from_iso(row["created_at"]) >= self._clock() - TYPED_ANSWER_WINDOW
        return Undelivered(
            int(row["id"]),
            from_iso(row["slot"]),
            bool(row["safety_net"]),
            answerable=recent and row["answered_at"] is None,
            told=bool(row["told"]),
        )

    async def tell(self, resident_id: int, language: str) -> bool:
        """They wrote: tell them once that their newest check-in could not reach them.
        True when the message was queued now (False: nothing to tell, or told already)."""
        missed = await self.latest(resident_id)
        if missed is None or missed.told:  # read first: most messages need no write
            return False
        t = self._catalogs.get(language)
        queued = await self._outbox.enqueue(
            NewRow(
                resident_id,
                OutMessage(
                    notice_text(t, missed),
                    buttons=mood_buttons(t, missed.slot) if missed.answerable else (),
                ),
                kind=KIND,
                ref=f"{KIND}:{missed.send_id}",
                dedupe_key=f"{KIND}:{missed.send_id}",
            )
        )
        return queued is not None


def menu_line(t: Translator, missed: Undelivered) -> str:
    """The line in the check-in menu while the newest check-in is one that never came."""
    return t._(
        "⚠️ Your check-in of %(moment)s could not be delivered to you.",
        moment=t.datetime(missed.slot),
    )


def notice_text(t: Translator, missed: Undelivered) -> str:
    """What they hear when they write again: what happened, that all is well now,
    (with the safety net) why a volunteer may call, and, while it can still be
    answered, the check-in's question (its mood choices come with it)."""
    parts = [
        t._(
            "Good to hear from you. Samen could not deliver your check-in of %(moment)s. "
            "Perhaps Samen was blocked, or your phone could not be reached. "
            "You do not need to do anything now.",
            moment=t.datetime(missed.slot),
        )
    ]
    if missed.safety_net:
        parts.append(
            t._(
                "You have the safety net, so a volunteer calls you when a check-in does not "
                "arrive. Just to hear that you are all right."
            )
        )
    if missed.answerable:  # its answer still counts, and stops the safety net's call
        parts.append(t._("How are you today?"))
    return "\n\n".join(parts)
