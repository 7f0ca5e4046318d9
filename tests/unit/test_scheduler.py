"""The database is the schedule: a handful of ticks, whatever the number of residents."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_application
from bot.config import load_settings
from bot.runtime import Runtime
from bot.scheduler import start_ticks, ticks_for


async def test_ticks_are_few_and_do_not_grow_with_residents(tmp_path: Path) -> None:
    settings = load_settings(
        TELEGRAM_BOT_TOKEN="123:TEST-TOKEN", SAMEN_DATABASE=tmp_path / "s.sqlite3"
    )
    runtime = await Runtime.open(settings)
    try:
        before = len(ticks_for(runtime))
        for resident in range(200):
            await runtime.services.residents.give_consent(10_000 + resident, "R", "nl")
        app = build_application(runtime)
        assert app.job_queue is not None
        start_ticks(app.job_queue, ticks_for(runtime), runtime.monitor)
        jobs = app.job_queue.scheduler.get_jobs()
        assert len(jobs) == before <= 10
        assert len({job.name for job in jobs}) == len(jobs)
        # Each tick runs late rather than being dropped when the bot was busy.
        assert all(job.misfire_grace_time and job.misfire_grace_time >= 3 for job in jobs)
    finally:
        await runtime.close()
