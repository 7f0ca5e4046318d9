"""The WhatsApp Cloud API emulator, driven by pywa (what Samen sends with) over loopback.

pywa builds Meta's request shapes and parses Meta's webhook shapes, so a payload both
sides accept is one the real Cloud API would accept too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web
from pywa import utils as pywa_utils
from pywa_async import WhatsApp, types
from pywa_async.errors import (
    RateLimitHit,
    TemplateParamCountMismatch,
    TooManyMessages,
    WhatsAppError,
)
from pywa_async.types.templates import BodyText, TemplateLanguage

from bot.channels.whatsapp.templates import approved
from bot.emulator.whatsapp import WhatsAppEmulator, WhatsAppEmulatorClient
from bot.emulator.whatsapp.server import SIGNATURE_HEADER

ANNA = "NL.13491208655302741918"


class Receiver:
    """Samen's side of the webhook: keeps what arrives, checks each signature."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.payloads: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        signed = request.headers.get(SIGNATURE_HEADER, "")
        if not pywa_utils.webhook_updates_validator(self.secret, body, signed):
            self.bad_signatures += 1
            return web.Response(status=401)
        self.payloads.append(await request.json())
        self.arrived.set()
        return web.Response(text="ok")

    async def wait(self, count: int) -> list[dict[str, Any]]:
        async with asyncio.timeout(5):
            while len(self.payloads) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.payloads


@pytest.fixture
async def emu() -> AsyncIterator[WhatsAppEmulator]:
    async with WhatsAppEmulator(approved()) as server:
        yield server


@pytest.fixture
async def people(emu: WhatsAppEmulator) -> AsyncIterator[WhatsAppEmulatorClient]:
    async with WhatsAppEmulatorClient(emu.url) as client:
        await client.add_person(ANNA, "Anna")
        await client.last_wrote(ANNA, hours_ago=1)
        yield client


@pytest.fixture
async def receiver(emu: WhatsAppEmulator) -> AsyncIterator[Receiver]:
    receiver = Receiver(emu.state.app_secret)
    app = web.Application()
    app.router.add_post("/whatsapp", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    emu.state.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
    yield receiver
    await runner.cleanup()


@pytest.fixture
async def wa(emu: WhatsAppEmulator) -> AsyncIterator[WhatsApp]:
    async with httpx.AsyncClient() as session:
        client = WhatsApp(
            phone_id=emu.state.phone_number_id, token=emu.state.token, session=session
        )
        session.base_url = f"{emu.url}/v23.0"
        yield client


async def test_messages_within_the_window_arrive_as_sent(
    wa: WhatsApp, people: WhatsAppEmulatorClient
) -> None:
    await wa.send_message(ANNA, "Hello *Anna*")
    yes_no = [types.Button("Yes", "a:1"), types.Button("No", "a:2")]
    await wa.send_message(ANNA, "Coffee?", buttons=yes_no)
    rows = [types.SectionRow(f"Row {i}", f"r:{i}", "about it") for i in range(10)]
    await wa.send_message(
        ANNA, "Pick", buttons=types.SectionList("Choose", [types.Section("S", rows)])
    )
    await wa.request_location(ANNA, "Where are you?")
    shown = [e for e in await people.transcript(ANNA) if e["direction"] == "out"]
    assert [e["type"] for e in shown] == ["text", "interactive", "interactive", "interactive"]
    assert shown[1]["interactive"]["action"]["buttons"][1]["reply"] == {"id": "a:2", "title": "No"}
    assert await people.violations() == []


@pytest.mark.parametrize(
    ("text", "buttons"),
    [
        ("Four buttons", [types.Button(f"B{i}", f"b:{i}") for i in range(4)]),
        ("Long title", [types.Button("x" * 21, "b:1")]),
        ("x" * 1025, [types.Button("Yes", "b:1")]),
        ("x" * 4097, None),
        ("Eleven rows", types.SectionList("Choose", [types.Section("S", [
            types.SectionRow(f"Row {i}", f"r:{i}") for i in range(11)])])),
        ("Long row", types.SectionList("Choose", [types.Section("S", [
            types.SectionRow("x" * 25, "r:1")])])),
        ("Long description", types.SectionList("Choose", [types.Section("S", [
            types.SectionRow("Row", "r:1", "x" * 73)])])),
        ("Long list button", types.SectionList("x" * 21, [types.Section("S", [
            types.SectionRow("Row", "r:1")])])),
    ],
)  # fmt: skip
async def test_what_meta_refuses_is_refused_and_recorded(
    wa: WhatsApp, people: WhatsAppEmulatorClient, text: str, buttons: Any
) -> None:
    with pytest.raises(WhatsAppError):
        await wa.send_message(ANNA, text, buttons=buttons)
    assert len(await people.violations()) == 1
    assert await people.transcript(ANNA) == []


async def test_outside_the_window_only_templates_reach_the_person(
    wa: WhatsApp, people: WhatsAppEmulatorClient, receiver: Receiver
) -> None:
    await people.last_wrote(ANNA, hours_ago=25)
    await wa.send_message(ANNA, "Free form")  # accepted, then failed, as Meta does
    statuses = await receiver.wait(1)
    status = statuses[0]["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert (status["status"], status["errors"][0]["code"]) == ("failed", 131047)
    assert (await people.violations())[0]["description"].startswith("free-form")

    nl = TemplateLanguage.DUTCH
    await wa.send_template(ANNA, name="samen_checkin", language=nl, params=[BodyText.params("Hoi")])
    with pytest.raises(TemplateParamCountMismatch):
        await wa.send_template(ANNA, name="samen_checkin", language=nl, params=[])
    with pytest.raises(WhatsAppError):
        await wa.send_template(ANNA, name="unknown", language=nl, params=[BodyText.params("x")])
    sent = [e for e in await people.transcript(ANNA) if e["direction"] == "out"]
    assert [e["type"] for e in sent] == ["template"]
    assert (await people.stats())["template_outside_window"] == 1


async def test_people_reach_the_webhook_signed_and_in_pywa_shape(
    emu: WhatsAppEmulator, wa: WhatsApp, people: WhatsAppEmulatorClient, receiver: Receiver
) -> None:
    await wa.send_message(ANNA, "Coffee?", buttons=[types.Button("Yes", "a:1")])
    await people.press(ANNA, "a:1")
    await people.send_location(ANNA, 52.35, 4.62)
    payloads = await receiver.wait(4)  # sent, delivered, the tap, the location
    messages = [p for p in payloads if "messages" in p["entry"][0]["changes"][0]["value"]]
    tap = types.CallbackButton.from_update(wa, messages[0])
    assert (tap.data, tap.from_user.bsuid, tap.from_user.name) == ("a:1", ANNA, "Anna")
    location = types.Message.from_update(wa, messages[1])
    assert location.location is not None and location.location.latitude == 52.35
    assert receiver.bad_signatures == 0

    emu.state.app_secret = "someone-else"  # a forged signature is refused by the receiver
    await people.send_text(ANNA, "hi")
    await asyncio.sleep(0.3)
    assert receiver.bad_signatures >= 1


async def test_duplicate_delivery_on_request(
    wa: WhatsApp, people: WhatsAppEmulatorClient, receiver: Receiver
) -> None:
    await people.configure(duplicate_webhooks=True)
    await people.send_text(ANNA, "hello")
    first, second = await receiver.wait(2)
    assert first == second


async def test_flood_limit_answers_130429_and_faults_repeat_with_the_seed(
    wa: WhatsApp, people: WhatsAppEmulatorClient
) -> None:
    await people.configure(rate_limit=2)
    await wa.send_message(ANNA, "one")
    await wa.send_message(ANNA, "two")
    with pytest.raises(RateLimitHit):
        await wa.send_message(ANNA, "three")
    await people.configure(rate_limit=0, pair_limit=2)
    with pytest.raises(TooManyMessages):  # a third to Anna within 6 s
        await wa.send_message(ANNA, "four")
    assert await people.violations() == []  # throttling is not a mistake

    async def outcomes() -> list[bool]:
        await people.configure(pair_limit=0, fault_rate=0.5, seed=7)
        results = []
        for i in range(12):
            try:
                await wa.send_message(ANNA, f"m{i}")
                results.append(True)
            except WhatsAppError:
                results.append(False)
        return results

    first = await outcomes()
    assert first == await outcomes() and True in first and False in first


async def test_pressing_what_was_not_offered_is_refused(people: WhatsAppEmulatorClient) -> None:
    with pytest.raises(Exception, match="no button"):
        await people.press(ANNA, "a:1")


async def test_wrong_token_or_number_is_refused(emu: WhatsAppEmulator) -> None:
    message = {"messaging_product": "whatsapp", "to": ANNA, "type": "text", "text": {"body": "x"}}
    async with httpx.AsyncClient(base_url=emu.url) as http:
        bad_token = await http.post(
            f"/v23.0/{emu.state.phone_number_id}/messages",
            json=message,
            headers={"Authorization": "Bearer wrong"},
        )
        bad_number = await http.post(
            "/v23.0/999/messages",
            json=message,
            headers={"Authorization": f"Bearer {emu.state.token}"},
        )
    assert (bad_token.status_code, bad_token.json()["error"]["code"]) == (401, 190)
    assert bad_number.status_code == 400
