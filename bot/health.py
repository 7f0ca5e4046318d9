"""The facts behind ``GET /healthz``: can Samen write, tick, send and reach Telegram?

Each part says ``ok`` and its figure; the whole is healthy only when every part is.
Thresholds are generous on purpose: a health check that cries wolf gets ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.monitor import Monitor
from bot.service_state import ServiceState
from bot.services.outbox import Outbox

# The shortest tick runs every 3 s; a minute without one means the scheduler stalled.
TICK_LATE = timedelta(minutes=2)
# A due message waiting this long means the messenger is stuck or Telegram refuses.
OUTBOX_LATE = timedelta(minutes=10)
# Polling asks Telegram at least every 10 s; webhook mode hears from it less often.
TELEGRAM_SILENT = timedelta(minutes=5)


@dataclass(frozen=True)
class Health:
    healthy: bool
    body: dict[str, Any]


async def check(
    monitor: Monitor, state: ServiceState, outbox: Outbox, *, expect_polling: bool
) -> Health:
    now = monitor.clock()
    body: dict[str, Any] = {}
    try:
        await state.put_time("healthz", now)
        body["database"] = {"ok": True, "writable": True}
    except Exception as error:  # read-only, disk full, locked: all mean "cannot write"
        body["database"] = {"ok": False, "writable": False, "error": type(error).__name__}
    tick_age = None if monitor.last_tick is None else (now - monitor.last_tick)
    body["scheduler"] = {
        "ok": tick_age is not None and tick_age <= TICK_LATE,
        "last_tick_seconds_ago": None if tick_age is None else round(tick_age.total_seconds()),
    }
    try:
        backlog = await outbox.backlog()
        body["outbox"] = {
            "ok": backlog.lag_seconds <= OUTBOX_LATE.total_seconds(),
            "lag_seconds": round(backlog.lag_seconds),
            "waiting": sum(backlog.waiting.values()),
        }
    except Exception as error:
        body["outbox"] = {"ok": False, "error": type(error).__name__}
    contact = monitor.last_telegram_ok
    contact_age = None if contact is None else now - contact
    body["telegram"] = {
        # Without polling, a quiet night brings no call to Telegram: only polling must talk.
        "ok": not expect_polling or (contact_age is not None and contact_age <= TELEGRAM_SILENT),
        "last_contact_seconds_ago": None
        if contact_age is None
        else round(contact_age.total_seconds()),
    }
    healthy = all(part["ok"] for part in body.values())
    return Health(healthy, {"status": "ok" if healthy else "unhealthy", **body})
