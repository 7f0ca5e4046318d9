"""The playground's Python side: start-up, people and roles, the page's API, reset, the CLI."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.__main__ import main
from bot.emulator.client import EmulatorClient
from bot.playground import (
    ANNA,
    COEN,
    EXAMPLE_ACTIVITIES,
    FATIMA,
    JOHN,
    PEOPLE,
    Playground,
    PlaygroundError,
)
from bot.services.activities.imports import read_file
from bot.services.places.geo import Places
from bot.services.roles import Role
from tests.e2e.harness import Person, buttons_of, keyboard_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def playground(tmp_path: Path) -> AsyncIterator[Playground]:
    running = Playground(port=0, folder=tmp_path / "playground")
    await running.start()
    yield running
    assert running.state.read_violations() == []
    await running.stop()


@pytest.fixture
async def client(playground: Playground) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(playground.emulator.url) as control:
        yield control


async def get_json(url: str, **headers: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.json(content_type=None)


async def post_json(url: str, body: dict[str, Any], **headers: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as response,
    ):
        return response.status, await response.json(content_type=None)


async def get_text(url: str, **headers: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.text()


async def post_text(url: str, body: dict[str, Any], **headers: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as response,
    ):
        return response.status, await response.text()


async def onboard_anna(client: EmulatorClient) -> None:
    anna = Person(client, ANNA.user_id, ANNA.first_name, ANNA.language_code)
    await anna.say("/start")
    await anna.press(await anna.expect("Kies uw taal"), "✓ Nederlands")
    await anna.press(await anna.expect(where=lambda e: bool(buttons_of(e))), "✅ Ik ga akkoord")
    await anna.expect(where=lambda e: bool(keyboard_of(e)))


async def example_activities_in(playground: Playground) -> int:
    assert playground.runtime is not None
    row = await playground.runtime.db.fetchone("SELECT count(*) AS n FROM activities")
    assert row is not None
    return int(row["n"])


def example_activities_in_file() -> int:
    results = [read_file(path, Places.load(), "Europe/Amsterdam") for path in EXAMPLE_ACTIVITIES]
    assert all(result.errors == [] for result in results)
    return sum(len(result.activities) for result in results)


async def test_start_sets_up_people_roles_and_the_page(playground: Playground) -> None:
    assert await example_activities_in(playground) == example_activities_in_file() > 0
    assert playground.runtime is not None
    roles = playground.runtime.services.roles
    assert await roles.of(FATIMA.user_id) == {Role.VOLUNTEER}
    fatima = await playground.runtime.services.volunteers.get(FATIMA.user_id)
    assert fatima is not None
    assert fatima.on_duty
    assert await roles.of(COEN.user_id) == {Role.COORDINATOR}
    assert await roles.of(ANNA.user_id) == frozenset()
    assert await roles.of(JOHN.user_id) == frozenset()
    assert playground.settings is not None
    assert playground.settings.coordinators == {COEN.user_id}
    assert playground.settings.database == playground.database
    assert {u: playground.state.users[u]["language_code"] for u in playground.state.users} == {
        ANNA.user_id: "nl",
        JOHN.user_id: "en",
        FATIMA.user_id: "nl",
        COEN.user_id: "nl",
    }

    async with aiohttp.ClientSession() as session:
        async with session.get(playground.url) as response:
            assert response.status == 200
            assert "Samen playground" in await response.text()
        for name in ("playground.js", "playground.css"):
            async with session.get(f"{playground.url}static/{name}") as response:
                assert response.status == 200
    status, state = await get_json(playground.url + "playground/api/state")
    assert status == 200
    assert state["epoch"] == 0
    assert [(p["first_name"], p["role"]) for p in state["people"]] == [
        ("Anna", "resident"),
        ("John", "resident"),
        ("Fatima", "volunteer"),
        ("Coen", "coordinator"),
    ]
    assert all(52.3 < p["latitude"] < 52.4 and 4.5 < p["longitude"] < 4.7 for p in state["places"])


async def test_updates_follow_every_chat_with_one_long_poll(
    playground: Playground, client: EmulatorClient
) -> None:
    url = playground.url + "playground/api/updates"
    status, quiet = await get_json(f"{url}?after=0&epoch=0&timeout=0.2")
    assert status == 200
    assert quiet["entries"] == []
    assert quiet["keyboards"] == {str(p.user_id): None for p in PEOPLE}

    waiting = asyncio.create_task(get_json(f"{url}?after=0&epoch=0&timeout=20"))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    await client.send_text(JOHN.user_id, "/start")
    status, woke = await asyncio.wait_for(waiting, 5)  # the person's own message wakes it
    assert woke["entries"][0]["chat_id"] == JOHN.user_id
    assert woke["entries"][0]["direction"] == "in"
    assert woke["entries"][0]["text"] == "/start"

    await client.wait_for(JOHN.user_id)
    status, later = await get_json(f"{url}?after={woke['cursor']}&epoch=0&timeout=5")
    choice = later["entries"][-1]
    assert (choice["chat_id"], choice["direction"]) == (JOHN.user_id, "out")
    assert "Choose your language" in choice["text"]
    assert later["cursor"] == choice["seq"]

    await onboard_anna(client)
    status, everything = await get_json(f"{url}?after=0&epoch=0&timeout=5")
    menu = everything["keyboards"][str(ANNA.user_id)]
    assert ["📋 Mijn gegevens"] in [[b["text"] for b in row] for row in menu["keyboard"]]
    seqs = [e["seq"] for e in everything["entries"]]
    assert seqs == sorted(seqs)
    assert {e["chat_id"] for e in everything["entries"]} == {ANNA.user_id, JOHN.user_id}

    status, _ = await get_json(f"{url}?after=abc")
    assert status == 400


async def test_reset_starts_again_from_an_empty_database(
    playground: Playground, client: EmulatorClient
) -> None:
    await onboard_anna(client)
    assert playground.runtime is not None
    assert await playground.runtime.db.fetchall("SELECT telegram_id FROM residents") != []
    url = playground.url + "playground/api/updates"
    status, seen = await get_json(f"{url}?after=0&epoch=0&timeout=0")
    stale_poll = asyncio.create_task(get_json(f"{url}?after={seen['cursor']}&epoch=0&timeout=20"))
    await asyncio.sleep(0.2)

    status, state = await post_json(playground.url + "playground/api/reset", {})
    assert status == 200
    assert state["epoch"] == 1
    status, stale = await asyncio.wait_for(stale_poll, 5)
    assert stale == {"epoch": 1, "reset": True, "cursor": 0, "entries": []}

    assert playground.runtime is not None
    db = playground.runtime.db
    assert await db.fetchall("SELECT telegram_id FROM residents") == []
    assert await example_activities_in(playground) == example_activities_in_file()
    assert await playground.runtime.services.roles.of(FATIMA.user_id) == {Role.VOLUNTEER}
    assert await playground.runtime.services.roles.of(COEN.user_id) == {Role.COORDINATOR}
    assert await client.transcript(ANNA.user_id) == []
    assert set(playground.state.users) == {p.user_id for p in PEOPLE}

    await client.send_text(ANNA.user_id, "/start")  # the new bot answers
    choice = await client.wait_for(ANNA.user_id)
    assert buttons_of(choice) == ["✓ Nederlands", "English"]


async def test_other_sites_cannot_drive_the_playground(
    playground: Playground, client: EmulatorClient, tmp_path: Path
) -> None:
    """A page elsewhere in the same browser can send GETs (``<img src>``) and simple
    POSTs here, and reach the port under its own name (DNS rebinding)."""
    send = playground.emulator.url + "/control/send"
    body = {"user_id": ANNA.user_id, "text": "hi"}
    status, _ = await post_text(send, body, Origin="http://evil.example")
    assert status == 403
    bot_api = f"{playground.emulator.url}/bot{playground.token}/sendMessage"
    image = f"{bot_api}?chat_id={ANNA.user_id}&text=hi"
    status, refused = await get_text(image, **{"Sec-Fetch-Site": "cross-site"})
    assert (status, refused) == (403, "Refused: a request from another web site.\n")
    host = f"evil.example:{playground.emulator.port}"
    status, _ = await get_text(playground.url + "playground/api/state", Host=host)
    assert status == 403
    # An old browser sends neither header; then only the token, new every run, stops it.
    old_constant = "100000001:PLAYGROUND-offline"
    status, _ = await get_text(image.replace(playground.token, old_constant))
    assert status == 401
    assert await client.transcript(ANNA.user_id) == []
    assert playground.state.read_violations() == [
        {"method": "sendMessage", "description": "Unauthorized", "chat_id": None}
    ]
    playground.state.violations.clear()  # that one was ours, not the bot's

    status, _ = await post_text(send, body, Origin=playground.emulator.url)  # the page itself
    assert status == 200
    assert Playground(port=0, folder=tmp_path / "next").token != playground.token


async def test_a_taken_port_is_a_clear_error(playground: Playground) -> None:
    second = Playground(port=playground.emulator.port)
    with pytest.raises(PlaygroundError, match="SAMEN_PLAYGROUND_PORT"):
        await second.start()
    assert not second.folder.exists()  # its temporary folder is cleaned up


async def test_a_second_playground_on_the_same_folder_is_refused(
    playground: Playground, client: EmulatorClient
) -> None:
    second = Playground(port=0, folder=playground.folder)
    with pytest.raises(PlaygroundError) as refused:
        await second.start()
    assert str(refused.value).startswith(f"Samen is already running on {playground.database}")
    assert playground.database.exists()  # the first one's data is untouched
    await client.send_text(JOHN.user_id, "/start")  # and the first bot runs on
    assert "Choose your language" in (await client.wait_for(JOHN.user_id))["text"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_samen_playground_command_prints_the_url_and_stops_on_ctrl_c(
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "", "PYTHONUNBUFFERED": "1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "playground",
        "--port",
        str(port),
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    lines: list[str] = []
    try:
        while "Ctrl+C stops the playground" not in "".join(lines):
            line = await asyncio.wait_for(process.stdout.readline(), 30)
            assert line, "".join(lines)
            lines.append(line.decode())
        output = "".join(lines)
        assert "offline PLAYGROUND" in output
        assert f"Open  http://127.0.0.1:{port}/" in output
        assert "TELEGRAM_BOT_TOKEN=" in output  # how to run the real bot
        database = Path(next(w for w in output.split() if w.endswith("playground.sqlite3")))
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/") as response:
                assert response.status == 200
            client = EmulatorClient(f"http://127.0.0.1:{port}")
            async with client:
                await client.send_text(JOHN.user_id, "/start")
                assert "Choose your language" in (await client.wait_for(JOHN.user_id))["text"]
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 30) == 0
        assert not database.parent.exists()  # the temporary folder is gone
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def test_has_token_tells_make_run_which_way_to_go(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the working tree
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    assert main(["has-token"]) == 1
    assert main(["run"]) == 2  # `samen run` itself still refuses, and says what to do
    assert "samen playground" in capsys.readouterr().err
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCdef")
    assert main(["has-token"]) == 0
    monkeypatch.setenv("SAMEN_TIMEZONE", "Mars/Olympus")
    assert main(["has-token"]) == 2
