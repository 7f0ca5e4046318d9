"""The volunteer's side of a regular call: answer a proposal, pause, end their part."""

from __future__ import annotations

import html
from datetime import date, timedelta

import aiosqlite

from bot.clock import to_iso
from bot.i18n import Translator
from bot.services.regularcall.model import SELECT_CALLS, Answer, RegularCall, Status
from bot.services.regularcall.notices import when_text
from bot.services.regularcall.schedule import call_moment, next_call_day, weekdays_of
from bot.services.regularcall.service import RegularCallStore


class Volunteering(RegularCallStore):
    async def answer_proposal(
        self, call_id: int, volunteer_id: int, yes: bool
    ) -> tuple[Answer, RegularCall | None]:
        """A "yes" makes the match and the resident hears the first name; a "no" asks
        the next who fits. Only the open proposal to this volunteer can be answered."""
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "UPDATE regular_call_proposals SET answer = ?, answered_at = ?"
                " WHERE call_id = ? AND volunteer_id = ? AND answer IS NULL"
                " AND EXISTS (SELECT 1 FROM roles WHERE telegram_id = ? AND role = 'volunteer')"
                " RETURNING weekday",
                ("accepted" if yes else "declined", now, call_id, volunteer_id, volunteer_id),
            )
            row = next(iter(rows), None)
            call = await self._get(conn, call_id)
            if row is None or call is None:
                return Answer.GONE, None
            if not yes:
                await self._propose_next(conn, call)
                return Answer.DECLINED, None
            await conn.execute(
                "UPDATE regular_calls SET status = 'matched', volunteer_id = ?, weekday = ?,"
                " matched_at = ?, missed_in_row = 0, missed_alerted_at = NULL,"
                " waiting_alerted_at = NULL WHERE id = ?",
                (volunteer_id, int(row[0]), now, call_id),
            )
            matched = await self._get(conn, call_id)
            assert matched is not None
            await self._notices.to_resident(
                conn, matched, f"matched:{volunteer_id}", lambda t: self._matched_text(t, matched)
            )
        await self._counts.bump("regular_calls_matched")
        return Answer.ACCEPTED, matched

    def next_day(self, call: RegularCall) -> date:
        """The day of the next call of a matched call (after a pause, if any)."""
        assert call.weekday is not None
        return next_call_day(
            self._clock(), self.policy.zone, call.weekday, call.part, call.paused_until
        )

    def _matched_text(self, t: Translator, call: RegularCall) -> str:
        assert call.weekday is not None
        first = call_moment(self.next_day(call), call.part, self.policy.zone)[0]
        return t._(
            "🎉 <b>Good news!</b> %(name)s, a volunteer, will call you %(when)s. "
            "The first call is %(day)s.\n\n"
            "The call may come from a number you do not know. Please answer it! "
            "To pause or change it, type /weekly.",
            name=html.escape(call.volunteer_name),
            when=when_text(t, call.weekday, call.part),
            day=t.day(first),
        )

    async def volunteer_pause(self, call_id: int, volunteer_id: int, weeks: int = 2) -> bool:
        """The volunteer's holiday: no call for ``weeks``; the resident is told when next."""
        until = self.check_pause(self.today() + timedelta(weeks=weeks))
        async with self._db.transaction() as conn:
            call = await self._matched(conn, "volunteer_id", volunteer_id, call_id)
            if call is None:
                return False
            await self._set_pause(conn, call, until)
            paused = await self._get(conn, call_id)
            assert paused is not None
            day = self.next_day(paused)
            await self._notices.to_resident(
                conn,
                call,
                f"vpaused:{until}",
                lambda t: t._(
                    "%(name)s is away for a while. Your next weekly call is %(day)s.",
                    name=html.escape(call.volunteer_name),
                    day=t.day(call_moment(day, call.part, self.policy.zone)[0]),
                ),
            )
        return True

    async def step_down(self, call_id: int, volunteer_id: int) -> bool:
        """The volunteer ends their part; the resident hears it kindly and the next
        volunteer who fits is asked."""
        async with self._db.transaction() as conn:
            call = await self._matched(conn, "volunteer_id", volunteer_id, call_id)
            if call is None:
                return False
            await self._volunteer_leaves(conn, call, tell_volunteer=False)
        await self._counts.bump("regular_calls_stepped_down")
        return True

    async def propose_to(self, call_id: int, volunteer_id: int) -> bool:
        """A coordinator picks the volunteer to ask (even one who said no before: they may
        have talked). A proposal still open to someone else lapses. False when the call is
        matched or gone, or they are no volunteer."""
        now = to_iso(self._clock())
        async with self._db.transaction() as conn:
            call = await self._get(conn, call_id)
            if call is None or call.status is Status.MATCHED:
                return False
            candidates = await self._candidates(conn, call)
            fits = [c for c in candidates if c.volunteer_id == volunteer_id]
            if not fits:
                return False
            weekday = min(fits[0].weekdays, default=weekdays_of(call.days)[0])
            await conn.execute(
                "UPDATE regular_call_proposals SET answer = 'expired', answered_at = ?"
                " WHERE call_id = ? AND answer IS NULL",
                (now, call_id),
            )
            await conn.execute(
                "INSERT INTO regular_call_proposals (call_id, volunteer_id, weekday, proposed_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (call_id, volunteer_id) DO UPDATE SET"
                " weekday = excluded.weekday, proposed_at = excluded.proposed_at,"
                " answer = NULL, answered_at = NULL",
                (call_id, volunteer_id, weekday, now),
            )
            await conn.execute(
                "UPDATE regular_calls SET status = 'proposed' WHERE id = ?", (call_id,)
            )
            await self._notices.propose(conn, call, volunteer_id, weekday, again=f":{now}")
        return True

    async def volunteer_gone(self, volunteer_id: int) -> int:
        """Someone's volunteering ended, or they erase their data: every resident they
        called hears it kindly and waits for the next fit; their proposals lapse."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                SELECT_CALLS + " WHERE c.volunteer_id = ? OR c.id IN (SELECT call_id FROM"
                " regular_call_proposals WHERE volunteer_id = ? AND answer IS NULL)",
                (volunteer_id, volunteer_id),
            )
            calls = [RegularCall.from_row(r) for r in rows]
            for call in calls:
                await self._volunteer_leaves(conn, call, tell_volunteer=False)
        return len(calls)

    async def _volunteer_leaves(
        self, conn: aiosqlite.Connection, call: RegularCall, *, tell_volunteer: bool = True
    ) -> None:
        await self._let_volunteer_go(conn, call, tell=tell_volunteer)
        if call.volunteer_id is not None:
            await self._notices.to_resident(
                conn,
                call,
                f"left:{call.volunteer_id}",
                lambda t: t._(
                    "%(name)s can no longer call you every week. Thank you for the talks "
                    "together! We are looking for another volunteer for you. "
                    "You will hear their first name.",
                    name=html.escape(call.volunteer_name),
                ),
            )
        await self._propose_next(conn, call)
