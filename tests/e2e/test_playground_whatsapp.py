"""The playground's WhatsApp phone: Wim reaches the real Samen through the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.emulator.whatsapp import WhatsAppEmulatorClient
from bot.playground import Playground
from bot.playground_whatsapp import API_PREFIX, WIM
from tests.e2e.whatsapp_people import WhatsAppPerson


@pytest.fixture
async def playground(tmp_path: Path) -> AsyncIterator[Playground]:
    running = Playground(port=0, folder=tmp_path / "playground")
    await running.start()
    yield running
    assert running.whatsapp.state.violations == []
    await running.stop()


async def test_wim_chats_on_whatsapp_and_the_page_follows(playground: Playground) -> None:
    state_url = playground.emulator.url + "/playground/api/state"
    async with aiohttp.ClientSession() as http, http.get(state_url) as answer:
        described = await answer.json()
    assert [p["key"] for p in described["whatsapp"]] == ["wim"]

    async with WhatsAppEmulatorClient(playground.emulator.url + API_PREFIX) as client:
        wim = WhatsAppPerson(client, WIM.bsuid, WIM.first_name)
        await wim.say("hallo")
        await wim.expect("Fijn dat u schrijft")  # what typed words mean, on WhatsApp too
        await wim.tap("🔒 Privacy")
        await wim.expect()

    updates = playground.emulator.url + "/playground/api/whatsapp/updates?after=0&timeout=0"
    async with aiohttp.ClientSession() as http, http.get(updates) as answer:
        entries = (await answer.json())["entries"]
    assert [e["direction"] for e in entries][:2] == ["in", "out"]

    await playground.reset()
    async with aiohttp.ClientSession() as http, http.get(updates) as answer:
        assert (await answer.json())["entries"] == []


async def test_other_sites_cannot_reach_the_whatsapp_emulator(playground: Playground) -> None:
    url = playground.emulator.url + API_PREFIX + "/control/send"
    body = {"user": WIM.bsuid, "text": "hi"}
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=body, headers={"Origin": "https://evil.example"}) as answer,
    ):
        assert answer.status == 403
