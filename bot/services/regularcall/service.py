"""Regular calls: asking, matching, pausing and ending (the weekly schedule is in weeks.py).

A resident asks once (days, part of the day, language, interests, number); Samen asks
the volunteer who fits best (matching.py); a "yes" makes the match and the resident
hears the volunteer's first name; a "no", or no answer within PROPOSAL_VALID, asks the
next. When nobody fits, the call waits and the coordinators are told once. Either side
can pause; the resident can end it, or ask for someone else without saying why; the
volunteer can end their part, and the resident waits for the next fit.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

import aiosqlite

from bot.clock import Clock, to_iso
from bot.db import Database, rows_changed
from bot.i18n import Catalogs, Translator
from bot.services.availability import EVERY_DAY
from bot.services.callme.moments import CallPolicy, DayPart
from bot.services.callme.phones import normalise_phone
from bot.services.callme.requests import CallRequests, Withdrawal
from bot.services.counts import Counts
from bot.services.outbox import Outbox
from bot.services.regularcall.matching import Candidate, best_fit
from bot.services.regularcall.model import (
    ALL_INTERESTS,
    SELECT_CALLS,
    Problem,
    Refused,
    RegularCall,
)
from bot.services.regularcall.notices import CallNotices, when_text, wish_text
from bot.services.regularcall.schedule import (
    week_moments,
)
from bot.services.volunteers import Volunteers

# A volunteer who has not answered a proposal after this long is not waited for.
PROPOSAL_VALID = timedelta(days=2)
LONGEST_PAUSE = timedelta(days=365)


class RegularCallStore:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        call_requests: CallRequests,
        volunteers: Volunteers,
        outbox: Outbox,
        counts: Counts,
        catalogs: Catalogs,
        policy: CallPolicy,
    ) -> None:
        self._db = db
        self._clock = clock
        self._tasks = call_requests
        self._volunteers = volunteers
        self._counts = counts
        self.policy = policy
        self._notices = CallNotices(clock, volunteers, outbox, catalogs, policy)

    async def of_resident(self, resident_id: int) -> RegularCall | None:
        row = await self._db.fetchone(SELECT_CALLS + " WHERE c.resident_id = ?", (resident_id,))
        return RegularCall.from_row(row) if row else None

    async def of_volunteer(self, volunteer_id: int) -> list[RegularCall]:
        rows = await self._db.fetchall(
            SELECT_CALLS + " WHERE c.volunteer_id = ? ORDER BY c.weekday, c.id", (volunteer_id,)
        )
        return [RegularCall.from_row(r) for r in rows]

    async def everyone(self) -> list[RegularCall]:
        """For the coordinators: every regular call, waiting ones first."""
        rows = await self._db.fetchall(
            SELECT_CALLS + " ORDER BY c.status = 'matched', c.created_at, c.id"
        )
        return [RegularCall.from_row(r) for r in rows]

    async def _get(self, conn: aiosqlite.Connection, call_id: int) -> RegularCall | None:
        rows = await conn.execute_fetchall(SELECT_CALLS + " WHERE c.id = ?", (call_id,))
        row = next(iter(rows), None)
        return RegularCall.from_row(row) if row else None

    def today(self) -> date:
        return self._clock().astimezone(self.policy.zone).date()

    # ------------------------------------------------------------------ matching

    async def _candidates(self, conn: aiosqlite.Connection, call: RegularCall) -> list[Candidate]:
        """Volunteers on duty with, per chosen weekday, whether their hours fit then."""
        fitting: dict[int, set[int]] = {}
        moments = week_moments(self._clock(), self.policy.zone, call.days, call.part)
        for weekday, moment in moments.items():
            for volunteer_id, _t in await self._volunteers.on_duty(conn, moment):
                fitting.setdefault(volunteer_id, set()).add(weekday)
        rows = await conn.execute_fetchall(
            "SELECT v.telegram_id, v.languages, (SELECT count(*) FROM regular_calls c"
            " WHERE c.volunteer_id = v.telegram_id) FROM volunteers v"
            " JOIN roles ro ON ro.telegram_id = v.telegram_id AND ro.role = 'volunteer'"
        )
        return [
            Candidate(
                int(r[0]),
                tuple(str(r[1]).split(",")),
                int(r[2]),
                frozenset(fitting.get(int(r[0]), ())),
            )
            for r in rows
            if int(r[0]) != call.resident_id
        ]

    async def _propose_next(self, conn: aiosqlite.Connection, call: RegularCall) -> bool:
        """Ask the best-fitting volunteer not asked before; else wait (coordinators told)."""
        asked = {
            int(r[0])
            for r in await conn.execute_fetchall(
                "SELECT volunteer_id FROM regular_call_proposals WHERE call_id = ?", (call.id,)
            )
        }
        fit = best_fit(await self._candidates(conn, call), call.language, asked)
        if fit is None:
            await conn.execute(
                "UPDATE regular_calls SET status = 'waiting', volunteer_id = NULL,"
                " weekday = NULL WHERE id = ?",
                (call.id,),
            )
            await self._tell_waiting(conn, call)
            return False
        now = to_iso(self._clock())
        await conn.execute(
            "INSERT INTO regular_call_proposals (call_id, volunteer_id, weekday, proposed_at)"
            " VALUES (?, ?, ?, ?)",
            (call.id, fit.volunteer_id, fit.weekday, now),
        )
        await conn.execute(
            "UPDATE regular_calls SET status = 'proposed', volunteer_id = NULL, weekday = NULL"
            " WHERE id = ?",
            (call.id,),
        )
        await self._notices.propose(conn, call, fit.volunteer_id, fit.weekday)
        return True

    async def _tell_waiting(self, conn: aiosqlite.Connection, call: RegularCall) -> None:
        """Coordinators hear once that someone waits (until a match is made)."""
        first = await rows_changed(
            conn,
            "UPDATE regular_calls SET waiting_alerted_at = ? WHERE id = ?"
            " AND waiting_alerted_at IS NULL",
            (to_iso(self._clock()), call.id),
        )
        if first != 1:
            return
        await self._notices.alert(
            conn,
            f"regular:{call.id}:waiting:{to_iso(self._clock())}",
            lambda t: t._(
                "🔁 <b>A resident waits for a weekly call</b>\n\n"
                "No volunteer on duty fits yet (language %(language)s; %(wish)s). "
                "Type /matches to see who is waiting.",
                language=t.language_name(call.language),
                wish=wish_text(t, call),
            ),
        )

    # ------------------------------------------------------------------ the resident

    async def ask(
        self,
        resident_id: int,
        wish: tuple[int, DayPart, str, int],
        phone: str,
    ) -> RegularCall:
        """Store the wish (days, part, language, interests) and ask the volunteer who fits.

        Raises ``Refused`` with the reason: no consent, a number volunteers may not
        call, no day chosen (or a forged value), or a regular call they already have.
        """
        days, part, language, interests = wish
        number = normalise_phone(phone, self.policy.regions)
        if number is None:
            raise Refused(Problem.INVALID_PHONE)
        if not 1 <= days <= EVERY_DAY or not 0 <= interests <= ALL_INTERESTS:
            raise Refused(Problem.INVALID_CHOICE)
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "SELECT 1 FROM residents WHERE telegram_id = ?",
                (resident_id,),
            )
            if not rows:
                raise Refused(Problem.NOT_RESIDENT)
            cursor = await conn.execute(
                "INSERT INTO regular_calls (resident_id, days, part, language, interests, phone,"
                " status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?)"
                " ON CONFLICT (resident_id) DO NOTHING",
                (resident_id, days, part.value, language, interests, number, to_iso(self._clock())),
            )
            if cursor.rowcount != 1:
                raise Refused(Problem.ALREADY)
            call_id = int(cursor.lastrowid or 0)
            await cursor.close()
            call = await self._get(conn, call_id)
            assert call is not None
            await self._propose_next(conn, call)
        await self._counts.bump("regular_calls_asked")
        found = await self.of_resident(resident_id)
        assert found is not None
        return found

    def check_pause(self, until: date) -> date:
        """A pause ends after today and within LONGEST_PAUSE; else ``ValueError``."""
        today = self.today()
        if not today < until <= today + LONGEST_PAUSE:
            raise ValueError("a pause ends after today and within a year")
        return until

    async def pause(self, resident_id: int, until: date) -> RegularCall | None:
        """A holiday: no call before ``until``; a call already planned in it is off.
        None when they have no match (anymore); ``ValueError`` for a date out of range."""
        self.check_pause(until)
        async with self._db.transaction() as conn:
            call = await self._matched(conn, "resident_id", resident_id)
            if call is None or call.volunteer_id is None:
                return None
            await self._set_pause(conn, call, until)
            await self._notices.to_volunteer(
                conn,
                call.volunteer_id,
                f"{call.id}:paused:{until}",
                lambda t: t._(
                    "%(name)s pauses the weekly calls. No need to call before %(day)s.",
                    name=html.escape(call.resident_name),
                    day=t.day(until),
                ),
            )
        return await self.of_resident(resident_id)

    async def resume(self, resident_id: int) -> RegularCall | None:
        async with self._db.transaction() as conn:
            call = await self._matched(conn, "resident_id", resident_id)
            if call is None or call.paused_until is None or call.volunteer_id is None:
                return None
            await conn.execute(
                "UPDATE regular_calls SET paused_until = NULL WHERE id = ?", (call.id,)
            )
            await self._notices.to_volunteer(
                conn,
                call.volunteer_id,
                f"{call.id}:resumed:{to_iso(self._clock())}",
                lambda t: t._(
                    "%(name)s would like the weekly calls again, %(when)s.",
                    name=html.escape(call.resident_name),
                    when=when_text(t, call.weekday or 0, call.part),
                ),
            )
        return await self.of_resident(resident_id)

    async def _matched(
        self, conn: aiosqlite.Connection, column: str, person_id: int, call_id: int | None = None
    ) -> RegularCall | None:
        """The matched call of this resident (column resident_id), or this volunteer's
        call ``call_id`` (column volunteer_id): the SQL says whose it is."""
        rows = await conn.execute_fetchall(
            SELECT_CALLS + f" WHERE c.{column} = ? AND c.status = 'matched'"
            " AND (? IS NULL OR c.id = ?)",
            (person_id, call_id, call_id),
        )
        row = next(iter(rows), None)
        return RegularCall.from_row(row) if row else None

    async def _set_pause(self, conn: aiosqlite.Connection, call: RegularCall, until: date) -> None:
        await conn.execute(
            "UPDATE regular_calls SET paused_until = ? WHERE id = ?", (until.isoformat(), call.id)
        )
        await self._withdraw_weeks(conn, call.id, before=until)

    async def _withdraw_weeks(
        self, conn: aiosqlite.Connection, call_id: int, before: date | None = None
    ) -> None:
        """This call's planned weeks (before ``before``, or all) are off; their numbers
        leave the volunteer's chat."""
        rows = await conn.execute_fetchall(
            "SELECT day, task_id FROM regular_call_weeks WHERE call_id = ? AND result IS NULL"
            " AND (? IS NULL OR day < ?)",
            (call_id, before and before.isoformat(), before and before.isoformat()),
        )
        for day, task_id in rows:
            if task_id is not None:
                await self._tasks.withdraw_weekly_task(conn, int(task_id), Withdrawal.MATCH_ENDED)
            await conn.execute(
                "UPDATE regular_call_weeks SET result = 'cancelled' WHERE call_id = ? AND day = ?",
                (call_id, day),
            )

    async def end(self, resident_id: int, *, someone_else: bool = False) -> bool:
        """The resident ends it (the row goes), or asks for someone else (the next fit
        is asked). The volunteer hears kindly that it ended, never why."""
        async with self._db.transaction() as conn:
            rows = await conn.execute_fetchall(
                SELECT_CALLS + " WHERE c.resident_id = ?", (resident_id,)
            )
            row = next(iter(rows), None)
            if row is None:
                return False
            call = RegularCall.from_row(row)
            await self._let_volunteer_go(conn, call)
            if someone_else:
                await self._propose_next(conn, call)
            else:
                await conn.execute("DELETE FROM regular_calls WHERE id = ?", (call.id,))
        await self._counts.bump("regular_calls_other" if someone_else else "regular_calls_ended")
        return True

    async def _let_volunteer_go(
        self, conn: aiosqlite.Connection, call: RegularCall, *, tell: bool = True
    ) -> None:
        """The match (or the open proposal) ends: planned weeks off, the volunteer thanked."""
        await self._withdraw_weeks(conn, call.id)
        await conn.execute(
            "UPDATE regular_call_proposals SET answer = 'ended', answered_at = ?"
            " WHERE call_id = ? AND (answer IS NULL OR answer = 'accepted')",
            (to_iso(self._clock()), call.id),
        )
        await conn.execute(
            "UPDATE regular_calls SET status = 'waiting', volunteer_id = NULL, weekday = NULL,"
            " paused_until = NULL, missed_in_row = 0, missed_alerted_at = NULL,"
            " waiting_alerted_at = NULL WHERE id = ?",
            (call.id,),
        )
        if call.volunteer_id is None or not tell:
            return
        await self._notices.to_volunteer(
            conn,
            call.volunteer_id,
            f"{call.id}:ended",
            lambda t: _ended_text(t, call.resident_name),
        )


def _ended_text(t: Translator, name: str) -> str:
    return t._(
        "🔁 The weekly calls with %(name)s have ended. This happens, and nobody needs to "
        "explain. Thank you for every call you made!",
        name=html.escape(name),
    )
