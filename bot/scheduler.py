"""A handful of repeating ticks; the database is the schedule.

Each tick asks SQL what is due and is idempotent, so a restart or crash loses
nothing and repeats nothing. There is never one APScheduler job per resident:
the number of jobs is the number of ticks, whatever the number of residents.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.ext import CallbackContext, JobQueue

from bot.backup import copy_database, nightly_due, rotate
from bot.monitor import Monitor
from bot.runtime import Runtime
from bot.services import Services
from bot.services.outbox import OUTBOX_RETENTION

log = logging.getLogger("samen.scheduler")


@dataclass(frozen=True)
class Tick:
    name: str
    every: timedelta
    run: Callable[[], Awaitable[object]]


def ticks_for(runtime: Runtime) -> list[Tick]:
    services = runtime.services
    return [
        # Data minimisation, hourly: delivered messages, closed calls' phone numbers,
        # old self-check answers.
        Tick(
            "purge",
            timedelta(hours=1),
            lambda: _each(
                ("outbox", lambda: services.outbox.purge(OUTBOX_RETENTION)),
                ("call_requests", services.call_requests.purge_closed),
                ("selfcheck", services.selfcheck.purge),
            ),
        ),
        # Activities: keep the next weeks of occurrences materialised; send due reminders.
        Tick("activities-refresh", timedelta(hours=6), services.activities.refresh),
        # Partners' feeds: the database says which are due (SAMEN_FEED_INTERVAL after
        # their last check), so a feed added from the command line is fetched soon.
        Tick("feeds", timedelta(minutes=1), services.sources.refresh_due),
        Tick("activity-reminders", timedelta(seconds=30), services.reminders.send_due),
        # The desk: tasks nobody took reach the coordinators; regular calls pass
        # unanswered proposals on, open each week's task and settle the weeks.
        Tick(
            "call-tasks",
            timedelta(seconds=30),
            lambda: _each(
                ("call_requests", services.call_requests.escalate_unclaimed),
                ("regular_calls", services.regular_calls.tick),
            ),
        ),
        Tick("broadcasts-queue", timedelta(seconds=15), services.broadcasts.queue_due),
        Tick("broadcasts-progress", timedelta(seconds=3), services.broadcasts.report_progress),
        Tick("checkins-due", timedelta(seconds=20), services.checkins.tick),
        Tick("checkins-watch", timedelta(minutes=1), lambda: watch_checkins(services)),
        Tick("selfcheck-invite", timedelta(minutes=1), services.selfcheck.tick),
        *(
            [Tick("backup", timedelta(minutes=10), lambda: nightly_backup(runtime))]
            if runtime.settings.backup_dir is not None
            else []
        ),
    ]


async def watch_checkins(services: Services) -> None:
    """The safety net climbs a step where one is due; then old check-ins are forgotten."""
    await services.safety_net.climb()
    await services.checkins.purge()


async def nightly_backup(runtime: Runtime) -> None:
    """After 03:00 local, once a day: copy the database and keep the newest few."""
    folder = runtime.settings.backup_dir
    assert folder is not None
    now = runtime.clock()
    target = nightly_due(folder, now, runtime.settings.zone)
    if target is None:
        return
    await asyncio.to_thread(copy_database, runtime.settings.database, target)
    await runtime.state.put_time("backup.last", now)
    removed = await asyncio.to_thread(rotate, folder, runtime.settings.backup_keep)
    log.info("nightly backup written; %d old copies removed", len(removed))


async def _each(*steps: tuple[str, Callable[[], Awaitable[object]]]) -> None:
    """Run several small jobs in one tick; one failing does not stop the others."""
    for name, step in steps:
        try:
            await step()
        except Exception:
            log.exception("%s failed; it runs again at the next tick", name)


def start_ticks(job_queue: JobQueue[Any], ticks: list[Tick], monitor: Monitor) -> None:
    for tick in ticks:

        async def callback(_ctx: CallbackContext[Any, Any, Any, Any], tick: Tick = tick) -> None:
            started = time.perf_counter()
            try:
                await tick.run()
            except Exception:
                monitor.errors.labels("tick").inc()
                log.exception("tick %s failed; it runs again at its next interval", tick.name)
            monitor.ticked(tick.name, time.perf_counter() - started)

        job_queue.run_repeating(
            callback,
            interval=tick.every,
            first=1.0,
            name=tick.name,
            # A tick that could not run on time (busy loop, suspended laptop) still
            # runs once, late, instead of being dropped after APScheduler's 1 s default.
            job_kwargs={
                "misfire_grace_time": int(tick.every.total_seconds()),
                "coalesce": True,
                "max_instances": 1,
            },
        )
