"""The operator's side of a running Samen: /healthz, /metrics, backups and `samen doctor`."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.clock import utc_now
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.httpserver import http_server, operator_routes
from bot.runtime import Runtime
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.harness import TOKEN, Person, SamenBot, eventually, free_port, make_settings


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def healthz(port: int) -> tuple[int, dict[str, object]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        return response.status, await response.json()


def samples(metrics_text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_health_and_metrics_of_a_running_bot(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path
) -> None:
    port = free_port()
    settings = make_settings(emulator.url, tmp_path / "samen.sqlite3", SAMEN_HTTP_PORT=port)
    bot = SamenBot(settings, utc_now)
    await bot.start()
    try:
        anna = await Person(client, 700_000_001, "Anna", "nl").join()
        await anna.say("/start")
        await anna.expect()
        # The first tick runs a second after the start (later on a loaded machine).
        status, body = await eventually(lambda: healthz(port), lambda answer: answer[0] == 200)
        assert status == 200, body
        assert body["status"] == "ok"
        assert body["database"] == {"ok": True, "writable": True}
        assert body["outbox"]["lag_seconds"] == 0  # type: ignore[index]
        assert body["telegram"]["last_contact_seconds_ago"] is not None  # type: ignore[index]

        status, text = await get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200
        found = samples(text)
        assert found[("samen_updates_handled_total", (("kind", "message"),))] >= 1
        assert found[("samen_telegram_responses_total", (("status", "2xx"),))] >= 2
        assert found[("samen_telegram_429_total", ())] == 0
        # Anna's answer took a reply slot of the one send budget; nothing paused it.
        assert found[("samen_send_slots_total", (("priority", "reply"),))] >= 1
        assert found[("samen_send_budget_pauses_total", ())] == 0
        assert found[("samen_outbox_lag_seconds", ())] == 0
        assert any(name == "samen_tick_duration_seconds_count" for name, _ in found)
        assert all(name.startswith("samen_") for name, _ in found)
        # No label carries a person: not Anna's id, not her name.
        assert "700000001" not in text and "Anna" not in text
        assert (await get(f"http://127.0.0.1:{port}/other"))[0] == 404
    finally:
        await bot.stop()


async def test_health_is_503_when_the_database_cannot_be_written(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    settings = make_settings(emulator.url, tmp_path / "samen.sqlite3")
    runtime = await Runtime.open(settings)
    port = free_port()
    try:
        runtime.monitor.ticked("checkins-due", 0.01)
        async with http_server("127.0.0.1", port, operator_routes(runtime, polling=False)):
            status, body = await healthz(port)
            assert status == 200, body
            await runtime.db.execute("PRAGMA query_only = ON")  # as on a read-only disk
            status, body = await healthz(port)
            assert status == 503
            assert body["status"] == "unhealthy"
            assert body["database"]["writable"] is False  # type: ignore[index]
            assert body["scheduler"]["ok"] is True  # type: ignore[index]
    finally:
        await runtime.close()


async def _samen(*args: str, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


async def test_doctor_says_what_is_wrong_and_exits_non_zero(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    async with EmulatorClient(emulator.url) as client:
        await _doctor_journey(emulator, client, tmp_path)
        # The one request Telegram refused is the doctor asking for a chat not yet started.
        refused = await client.violations()
        assert [(v["method"], v["chat_id"]) for v in refused] == [("getChat", COORDINATOR_ID)]


async def _doctor_journey(emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.url,
        "SAMEN_DATABASE": str(tmp_path / "samen.sqlite3"),
        "SAMEN_COORDINATORS": str(COORDINATOR_ID),
        "SAMEN_BACKUP_DIR": str(backups),
    }
    status, out = await _samen("doctor", env=env)
    assert status == 1, out
    assert "✓ Telegram: the token works" in out
    assert f"✗ coordinator {COORDINATOR_ID} has not started the bot yet" in out
    assert "✗ no backup in" in out

    await client.add_user(COORDINATOR_ID, first_name="Carla", language_code="nl", started=True)
    backup = backups / "samen-2026-12-01.sqlite3"
    settings = make_settings(emulator.url, tmp_path / "samen.sqlite3")
    runtime = await Runtime.open(settings)
    await runtime.close()
    assert (await _samen("backup", str(backup), env=env))[0] == 0
    status, out = await _samen("doctor", env=env)
    assert status == 0, out
    assert f"✓ coordinator {COORDINATOR_ID} has started the bot" in out
    assert "✓ last backup: samen-2026-12-01.sqlite3, 0 hours old" in out
    assert "✓ social desk: WIJ Heemstede" in out

    nowhere = f"http://127.0.0.1:{free_port()}"
    status, out = await _samen(
        "doctor", env={**env, "TELEGRAM_API_URL": nowhere, "SAMEN_SOCIAL_DESK_PHONE": "1234"}
    )
    assert status == 1
    assert f"✗ cannot reach {nowhere}" in out
    assert "✗ SAMEN_SOCIAL_DESK_PHONE is not a valid phone number" in out


async def test_a_port_in_use_is_one_clear_line(emulator: EmulatorServer, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, out = await _samen(
            "run",
            env={
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": emulator.url,
                "SAMEN_DATABASE": str(tmp_path / "samen.sqlite3"),
                "SAMEN_HTTP_PORT": str(port),
            },
        )
    assert status == 2
    assert (
        f"Configuration error: SAMEN_HTTP_HOST/SAMEN_HTTP_PORT: cannot listen on 127.0.0.1:{port}"
        in out
    )


async def test_backup_while_running_and_restore_only_when_stopped(
    samen: SamenBot, client: EmulatorClient, tmp_path: Path
) -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": samen.settings.telegram_api_url,
        "SAMEN_DATABASE": str(samen.settings.database),
    }
    anna = await Person(client, 700_000_001, "Anna", "en").join()
    await anna.say("/start")
    await anna.press(await anna.expect("Choose your language"), "✓ English")
    await anna.press(await anna.expect("privacy"), "✅ I agree")
    await anna.expect("Thank you")
    backup = tmp_path / "copy.sqlite3"
    status, out = await _samen("backup", str(backup), env=env)  # while Samen runs
    assert status == 0, out
    status, out = await _samen("restore", str(backup), env=env)
    assert status == 1
    assert "restore refused: Samen is already running on" in out

    await samen.stop()
    erased = await samen.query("DELETE FROM residents RETURNING telegram_id")
    assert erased == [(anna.user_id,)]
    status, out = await _samen("restore", str(backup), env=env)
    assert status == 0, out
    assert await samen.query("SELECT first_name FROM residents") == [("Anna",)]
    status, out = await _samen("restore", str(tmp_path / "nothing.sqlite3"), env=env)
    assert status == 1 and "is not a file" in out
    await samen.start()


async def test_doctor_checks_the_webhook_in_webhook_mode(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.url,
        "SAMEN_DATABASE": str(tmp_path / "samen.sqlite3"),
        "SAMEN_WEBHOOK_URL": base,
        "SAMEN_HTTP_PORT": str(port),
    }
    status, out = await _samen("doctor", env=env)
    assert status == 1 and f"✗ webhook: Telegram has no webhook under {base}" in out
    settings = make_settings(
        emulator.url, tmp_path / "samen.sqlite3", SAMEN_WEBHOOK_URL=base, SAMEN_HTTP_PORT=port
    )
    bot = SamenBot(settings, utc_now)
    await bot.start()
    try:
        anna = await Person(client, 700_000_001, "Anna", "nl").join()
        await anna.say("/start")
        await anna.expect()  # delivered through the webhook
        status, out = await _samen("doctor", env=env)
        assert f"✓ webhook: Telegram delivers to {base}" in out
    finally:
        await bot.stop()
