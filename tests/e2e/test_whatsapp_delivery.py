"""WhatsApp end to end: the outbox to the emulator, and the emulator's webhooks back.

Samen's real pieces (pywa sender, messenger, webhook on aiohttp) against the local
Cloud API emulator; every test ends with the emulator having recorded no violation.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp import web
from pywa.errors import WhatsAppError

from bot.channels.whatsapp.conversation import Outlet
from bot.channels.whatsapp.graph import GraphSender
from bot.channels.whatsapp.messenger import WhatsAppMessenger
from bot.channels.whatsapp.people import WhatsAppPeople
from bot.channels.whatsapp.render import WaMessage
from bot.channels.whatsapp.templates import approved
from bot.channels.whatsapp.webhook import PATH, Sender, WhatsAppWebhook
from bot.clock import utc_now
from bot.db import Database
from bot.emulator.whatsapp import WhatsAppEmulator, WhatsAppEmulatorClient
from bot.emulator.whatsapp.server import signature
from bot.i18n import Catalogs
from bot.sendbudget import SendBudget
from bot.services import Services
from bot.services.outbox import Button, NewRow, OutMessage
from tests.e2e.harness import eventually

ANNA, BEN = "NL.13491208655302741918", "NL.24681357924681357924"


class MovableClock:
    """Real time (the messenger waits in it), moved ahead when a test says so."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return utc_now() + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@dataclass
class Rig:
    db: Database
    services: Services
    people: WhatsAppPeople
    emulator: WhatsAppEmulator
    client: WhatsAppEmulatorClient
    messenger: WhatsAppMessenger
    clock: MovableClock
    webhook_url: str
    heard: list[tuple[Sender, dict[str, Any]]] = field(default_factory=list)
    on_message: Callable[[Sender, dict[str, Any]], Awaitable[None]] | None = None

    async def resident(self, bsuid: str, language: str = "nl", *, wrote: bool = True) -> int:
        """A consented resident on WhatsApp; ``wrote``: they just wrote (window open)."""
        await self.client.add_person(bsuid, "Anna")
        if wrote:
            before = len(self.heard)
            await self.client.send_text(bsuid, "hallo")
            await self.wait(lambda: len(self.heard) > before)
        resident_id = await self.people.person_for(bsuid)
        await self.services.residents.give_consent(resident_id, "Anna", language)
        return resident_id

    async def wait(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not condition():  # noqa: ASYNC110 (the webhook server has no event to await)
                await asyncio.sleep(0.02)

    async def deliver(self, ref: str, total: int) -> dict[str, int]:
        stop = asyncio.Event()
        task = asyncio.create_task(self.messenger.run(stop))
        try:
            async with asyncio.timeout(20):
                while True:
                    counts = await self.services.outbox.counts(ref)
                    done = not counts.get("pending") and not counts.get("sending")
                    if sum(counts.values()) == total and done:
                        return counts
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await task


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    clock = MovableClock()
    db = await Database.open(tmp_path / "wa.sqlite3")
    await db.migrate()
    services = Services.create(db, clock)
    people = WhatsAppPeople(db, clock)
    async with (
        WhatsAppEmulator(approved()) as emulator,
        WhatsAppEmulatorClient(emulator.url) as client,
    ):
        state = emulator.state
        sender = GraphSender(emulator.url, state.phone_number_id, state.token)
        catalogs = Catalogs.load(ZoneInfo("Europe/Amsterdam"))
        messenger = WhatsAppMessenger(
            sender,
            services.outbox,
            people,
            catalogs,
            "nl",
            SendBudget(200.0),
            agreements=services.checkins,  # as in Samen: check-ins agree to their messages
        )
        rig = Rig(db, services, people, emulator, client, messenger, clock, "")

        async def on_message(who: Sender, message: dict[str, Any]) -> None:
            if rig.on_message is not None:
                await rig.on_message(who, message)
            rig.heard.append((who, message))

        webhook = WhatsAppWebhook(
            verify_token="verify-me",
            app_secret=state.app_secret,
            people=people,
            outbox=services.outbox,
            residents=services.residents,
            on_message=on_message,
        )
        app = web.Application()
        for method, path, handler in webhook.routes():
            app.router.add_route(method, path, handler)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        rig.webhook_url = f"http://127.0.0.1:{runner.addresses[0][1]}{PATH}"
        await client.set_webhook(rig.webhook_url)
        yield rig
        assert await client.violations() == []
        await runner.cleanup()
        await sender.close()
    await db.close()


def row(resident_id: int, kind: str, text: str, ref: str, **kw: Any) -> NewRow:
    return NewRow(resident_id, OutMessage(text, **kw), kind=kind, ref=ref)


async def test_inside_the_window_the_message_goes_as_written_and_statuses_come_back(
    rig: Rig,
) -> None:
    anna = await rig.resident(ANNA)
    buttons = ((Button("Yes", "c:1"), Button("No", "c:2")),)
    await rig.services.outbox.enqueue(
        row(anna, "checkin", "<b>How are you?</b>", "r1", buttons=buttons)
    )
    assert await rig.deliver("r1", 1) == {"sent": 1}
    shown = await rig.client.wait_for(ANNA)
    assert shown["interactive"]["body"]["text"] == "*How are you?*"
    assert [b["reply"]["title"] for b in shown["interactive"]["action"]["buttons"]] == ["Yes", "No"]

    await until_delivery(rig, "r1", "delivered")
    await rig.client.read(ANNA)
    await until_delivery(rig, "r1", "read")


async def until_delivery(rig: Rig, ref: str, step: str) -> None:
    """The message's delivery status reaches ``step`` (by the harness's deadline)."""
    rows = await eventually(
        lambda: rig.db.fetchall("SELECT delivery FROM outbox WHERE ref = ?", (ref,)),
        lambda rows: rows[0][0] == step,
    )
    assert rows[0][0] == step


async def test_outside_the_window_a_template_goes_only_to_those_who_opted_in(rig: Rig) -> None:
    anna = await rig.resident(ANNA, "en")
    ben = await rig.resident(BEN, "nl")
    await rig.client.last_wrote(ANNA, hours_ago=25)
    await rig.client.last_wrote(BEN, hours_ago=25)
    rig.clock.advance(hours=25)
    await rig.people.set_opt_in(anna, True)
    for person in (anna, ben):
        await rig.services.outbox.enqueue(row(person, "broadcast", "Walk on <b>Saturday</b>", "b"))
    counts = await rig.deliver("b", 2)
    assert counts == {"sent": 1, "failed": 1}  # Ben: reported as not sent, never dropped
    template = (await rig.client.wait_for(ANNA))["template"]
    assert (template["name"], template["language"]["code"]) == ("samen_broadcast", "en")
    assert template["components"][0]["parameters"][0]["text"] == "Walk on *Saturday*"
    errors = await rig.db.fetchall("SELECT error FROM outbox WHERE recipient_id = ?", (ben,))
    assert errors[0][0] == "outside the window, no opt-in"

    await rig.services.outbox.enqueue(row(anna, "chat", "no template for this", "c"))
    assert await rig.deliver("c", 1) == {"failed": 1}


async def test_an_emergency_contacts_yes_is_their_agreement_to_its_template(rig: Rig) -> None:
    """Ben is nobody's resident, only Anna's emergency contact: his "Yes, I will" agreed
    to exactly this message, so outside the window it goes as its template anyway."""
    await rig.client.add_person(BEN, "Ben")
    ben = await rig.people.person_for(BEN)
    await rig.client.last_wrote(BEN, hours_ago=25)
    rig.clock.advance(hours=25)
    await rig.services.outbox.enqueue(row(ben, "safety-contact", "Samen could not reach Anna", "s"))
    await rig.services.outbox.enqueue(row(ben, "checkin-nudge", "How are you?", "n"))
    assert await rig.deliver("s", 1) == {"sent": 1}
    assert await rig.deliver("n", 1) == {"failed": 1}  # a resident's messages need the opt-in
    template = (await rig.client.wait_for(BEN))["template"]
    assert template["name"] == "samen_emergency_contact"


async def test_check_ins_set_up_are_the_agreement_to_their_own_messages(rig: Rig) -> None:
    """Ben said no to messages Samen starts, then set up check-ins: outside the window
    his check-in, its reminder and news about his safety net come as templates, a
    broadcast does not; once he stops check-ins, neither does a check-in."""
    ben = await rig.resident(BEN, "nl")
    await rig.people.set_opt_in(ben, False)
    await rig.services.checkins.set_days(ben, 0b1111111)
    await rig.services.checkins.set_time(ben, time(10, 30))
    await rig.client.last_wrote(BEN, hours_ago=25)
    rig.clock.advance(hours=25)
    for kind in ("checkin", "checkin-nudge", "emergency-contact", "broadcast"):
        await rig.services.outbox.enqueue(row(ben, kind, "Hoe gaat het?", "k"))
    assert await rig.deliver("k", 4) == {"sent": 3, "failed": 1}
    failed = await rig.db.fetchall("SELECT kind FROM outbox WHERE status = 'failed'")
    assert [tuple(r) for r in failed] == [("broadcast",)]

    await rig.services.checkins.stop(ben)
    await rig.services.outbox.enqueue(row(ben, "checkin", "Hoe gaat het?", "s"))
    assert await rig.deliver("s", 1) == {"failed": 1}


async def test_flood_limits_slow_delivery_down_without_losing_a_message(rig: Rig) -> None:
    bsuids = [f"NL.{n:020d}" for n in range(1, 13)]
    ids = [await rig.resident(b) for b in bsuids]
    await rig.client.configure(rate_limit=4)
    async with rig.db.transaction() as conn:
        await rig.services.outbox.enqueue_many(
            [row(i, "broadcast", "News", "flood") for i in ids], conn
        )
    assert await rig.deliver("flood", len(ids)) == {"sent": len(ids)}
    stats = await rig.client.stats()
    assert stats["http_429"] >= 1 and stats["max_sends_in_1s"] <= 4


async def test_server_trouble_is_retried(rig: Rig) -> None:
    anna = await rig.resident(ANNA)
    await rig.client.configure(fault_rate=1.0)
    await rig.services.outbox.enqueue(row(anna, "reminder", "Coffee at ten", "f"))
    stop = asyncio.Event()
    task = asyncio.create_task(rig.messenger.run(stop))
    await rig.wait(lambda: rig.emulator.state.counts["faults"] >= 1)
    stop.set()
    await task
    rows = await rig.db.fetchall("SELECT status, attempts, error FROM outbox WHERE ref = 'f'")
    assert (rows[0][0], rows[0][1]) == ("pending", 1) and rows[0][2].startswith("whatsapp")


async def test_every_message_is_handled_once_even_when_delivered_twice(rig: Rig) -> None:
    await rig.client.add_person(ANNA, "Anna", wa_id="31612345678")
    await rig.client.configure(duplicate_webhooks=True)
    await rig.client.send_text(ANNA, "one")
    await rig.client.send_text(ANNA, "two")
    await rig.wait(lambda: len(rig.heard) == 2 and not rig.emulator.state.webhooks)
    await asyncio.sleep(0.2)
    assert [m["text"]["body"] for _who, m in rig.heard] == ["one", "two"]
    who = rig.heard[0][0]
    assert who.name == "Anna" and await rig.people.phone_of(who.resident_id) == "+31612345678"


async def test_a_message_whose_handling_failed_comes_again(rig: Rig) -> None:
    failures = [RuntimeError("boom")]

    async def fail_once(_who: Sender, _message: dict[str, Any]) -> None:
        if failures:
            raise failures.pop()

    rig.on_message = fail_once
    await rig.client.add_person(ANNA, "Anna")
    await rig.client.send_text(ANNA, "hello")
    await rig.wait(lambda: len(rig.heard) == 1)
    assert rig.heard[0][1]["text"]["body"] == "hello"


async def test_unsigned_or_forged_requests_and_wrong_verify_tokens_are_refused(rig: Rig) -> None:
    body = json.dumps({"object": "whatsapp_business_account", "entry": []}).encode()
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Hub-Signature-256": signature("not-the-secret", body)}):
            async with http.post(rig.webhook_url, data=body, headers=headers) as answer:
                assert answer.status == 401
        good = {"X-Hub-Signature-256": signature(rig.emulator.state.app_secret, body)}
        async with http.post(rig.webhook_url, data=body, headers=good) as answer:
            assert answer.status == 200
        challenge = {"hub.mode": "subscribe", "hub.challenge": "1158201444"}
        async with http.get(
            rig.webhook_url, params={**challenge, "hub.verify_token": "verify-me"}
        ) as answer:
            assert (answer.status, await answer.text()) == (200, "1158201444")
        async with http.get(
            rig.webhook_url, params={**challenge, "hub.verify_token": "guess"}
        ) as answer:
            assert answer.status == 403


async def test_a_reply_waits_out_passing_trouble_but_not_forever(rig: Rig) -> None:
    await rig.resident(ANNA)
    state = rig.emulator.state
    outlet = Outlet(
        GraphSender(rig.emulator.url, state.phone_number_id, state.token), SendBudget(50)
    )
    await rig.client.configure(rate_limit=1)
    await outlet.send(1, ANNA, [WaMessage("one"), WaMessage("two")])  # the second waits
    await rig.client.configure(rate_limit=0, fault_rate=1.0)
    with pytest.raises(WhatsAppError):
        await outlet.send(1, ANNA, [WaMessage("three")])
    assert state.counts["faults"] == 3
    said = [e["text"]["body"] for e in await rig.client.transcript(ANNA) if e["direction"] == "out"]
    assert said == ["one", "two"]
    await outlet.sender.close()


def _text_message(bsuid: str, wamid: str, body: str) -> dict[str, Any]:
    return {
        "from_user_id": bsuid,
        "id": wamid,
        "timestamp": "1764750000",
        "type": "text",
        "text": {"body": body},
    }


async def test_a_batch_of_entries_statuses_for_unknown_ids_and_errors(rig: Rig) -> None:
    """Meta may batch: several entries, several messages in one, statuses for messages
    Samen does not know (sent before a restore), and errors about the whole delivery.
    Every message is handled, in order; nothing else trips the webhook."""
    first = {
        "messaging_product": "whatsapp",
        "contacts": [{"profile": {"name": "Anna"}, "user_id": ANNA}],
        "messages": [
            _text_message(ANNA, "wamid.b1", "een"),
            _text_message(ANNA, "wamid.b2", "twee"),
        ],
        "statuses": [{"id": "wamid.unknown", "status": "delivered", "recipient_id": "31600000000"}],
    }
    second = {
        "messaging_product": "whatsapp",
        "errors": [{"code": 131000, "title": "Something went wrong"}],
        "messages": [_text_message(ANNA, "wamid.b3", "drie")],
    }
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "1", "changes": [{"field": "messages", "value": first}]},
            {"id": "1", "changes": [{"field": "messages", "value": second}]},
        ],
    }
    body = json.dumps(payload).encode()
    headers = {"X-Hub-Signature-256": signature(rig.emulator.state.app_secret, body)}
    async with (
        aiohttp.ClientSession() as http,
        http.post(rig.webhook_url, data=body, headers=headers) as answer,
    ):
        assert answer.status == 200
    assert [m["text"]["body"] for _who, m in rig.heard] == ["een", "twee", "drie"]
    assert len({who.resident_id for who, _m in rig.heard}) == 1
