"""systemd's notify protocol: READY when polling runs, WATCHDOG while the scheduler ticks.

With ``Type=notify`` and ``WatchdogSec=`` in the unit (deploy/samen.service), systemd
restarts a Samen whose event loop hangs or whose ticks stopped, not only one that exited.
Outside systemd (no ``NOTIFY_SOCKET``) every call here does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket

from bot.health import TICK_LATE
from bot.monitor import Monitor


def notify(message: str) -> bool:
    """Send one notify line to systemd; False when not running under systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # an abstract socket
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(message.encode())
    return True


def watchdog_interval() -> float | None:
    """Half of systemd's WatchdogSec, in seconds; None when no watchdog is asked for."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    return int(usec) / 2e6 if usec.isdigit() and int(usec) > 0 else None


async def keep_watchdog_fed(monitor: Monitor, stop: asyncio.Event) -> None:
    """Ping the watchdog while ticks run on time; silence lets systemd restart Samen."""
    interval = watchdog_interval()
    if interval is None:
        return
    while not stop.is_set():
        last = monitor.last_tick
        if last is not None and monitor.clock() - last <= TICK_LATE:
            notify("WATCHDOG=1")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)
