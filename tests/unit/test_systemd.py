"""systemd's notify protocol: READY once, WATCHDOG only while the scheduler ticks."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.monitor import Monitor
from bot.systemd import keep_watchdog_fed, notify
from tests.conftest import FakeClock


@pytest.fixture
def systemd_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> socket.socket:
    path = tmp_path / "notify"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(path))
    listener.setblocking(False)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    return listener


def received(listener: socket.socket) -> list[str]:
    lines = []
    while True:
        try:
            lines.append(listener.recv(100).decode())
        except BlockingIOError:
            return lines


def test_outside_systemd_nothing_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert notify("READY=1") is False


def test_ready_reaches_systemd(systemd_socket: socket.socket) -> None:
    assert notify("READY=1") is True
    assert received(systemd_socket) == ["READY=1"]
    systemd_socket.close()


async def test_the_watchdog_is_fed_only_while_ticks_run(
    systemd_socket: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "40000")  # a ping every 20 ms
    clock = FakeClock(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    monitor = Monitor(clock)
    stop = asyncio.Event()
    feeder = asyncio.create_task(keep_watchdog_fed(monitor, stop))
    await asyncio.sleep(0.1)
    assert received(systemd_socket) == []  # no tick yet: systemd may restart us
    monitor.ticked("checkins-due", 0.01)
    await asyncio.sleep(0.1)
    assert "WATCHDOG=1" in received(systemd_socket)
    clock.advance(minutes=5)  # the scheduler stalled
    await asyncio.sleep(0.1)
    assert received(systemd_socket) == []
    stop.set()
    await feeder
    systemd_socket.close()
