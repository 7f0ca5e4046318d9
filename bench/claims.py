"""How fast call-back requests are made and claimed, with volunteers racing for each.

Each of ``--tasks`` requests is offered to ``--volunteers`` volunteers on duty
(one outbox row each); then all volunteers press "I'll take it" on every task at
the same moment (asyncio.gather on the one connection, as in the bot). The race
must leave exactly one winner per task; the figures are the time per request
(with its offers) and per claim attempt, and the claims per second.

    .venv/bin/python bench/claims.py [--tasks 200] [--volunteers 20]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from bot.clock import utc_now
from bot.db import Database
from bot.services import Services
from bot.services.callme.requests import ClaimResult

RESIDENTS = 1_000_000
VOLUNTEERS = 2_000_000


async def run(tasks: int, volunteers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        await db.migrate()
        services = Services.create(db, utc_now)
        for v in range(volunteers):
            await services.residents.give_consent(VOLUNTEERS + v, f"V{v}", "nl")
            async with db.transaction() as conn:
                await services.volunteers.enrol(VOLUNTEERS + v, f"V{v}", "nl", None, conn)
        key = services.call_requests.moments()[-1].key
        create_ms: list[float] = []
        ids: list[int] = []
        for r in range(tasks):
            await services.residents.give_consent(RESIDENTS + r, f"R{r}", "nl")
            started = time.perf_counter()
            task = await services.call_requests.create_request(
                RESIDENTS + r, "0612345678", key, None
            )
            create_ms.append((time.perf_counter() - started) * 1000)
            ids.append(task.id)

        claim_ms: list[float] = []

        async def attempt(task_id: int, volunteer: int) -> ClaimResult:
            started = time.perf_counter()
            result, _task = await services.call_requests.claim(task_id, volunteer)
            claim_ms.append((time.perf_counter() - started) * 1000)
            return result

        began = time.perf_counter()
        winners = 0
        for task_id in ids:
            results = await asyncio.gather(
                *(attempt(task_id, VOLUNTEERS + v) for v in range(volunteers))
            )
            won = sum(1 for r in results if r is ClaimResult.CLAIMED)
            assert won == 1, f"task {task_id}: {won} winners"
            winners += won
        elapsed = time.perf_counter() - began
        await db.close()
    return {
        "tasks": tasks,
        "volunteers": volunteers,
        "winners": winners,
        "create_ms_p50": round(statistics.median(create_ms), 2),
        "create_ms_p95": round(statistics.quantiles(create_ms, n=20)[18], 2),
        "claim_attempt_ms_p50": round(statistics.median(claim_ms), 2),
        "claim_attempts_per_s": round(len(claim_ms) / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--volunteers", type=int, default=20)
    args = parser.parse_args()
    figures = asyncio.run(run(args.tasks, args.volunteers))
    print(
        f"{figures['tasks']} requests, each offered to {figures['volunteers']} volunteers: "
        f"{figures['create_ms_p50']} ms (p50), {figures['create_ms_p95']} ms (p95) per request"
    )
    print(
        f"claim race: {figures['winners']} winners for {figures['tasks']} tasks; "
        f"{figures['claim_attempts_per_s']} attempts/s, "
        f"{figures['claim_attempt_ms_p50']} ms per attempt (p50, includes waiting for the lock)"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
