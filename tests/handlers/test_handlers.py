from __future__ import annotations

import logging

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.app import SamenApplication
from bot.channels.telegram.context import SamenContext
from bot.channels.telegram.conversation import run_step
from bot.chat.conversation import Conversation
from bot.emulator.client import EmulatorClient
from bot.runtime import Runtime
from bot.services.residents import Status
from bot.services.roles import Role
from handlers.auth import only_for
from handlers.mydata.screens import ask_to_stop_messages
from tests.handlers.conftest import USER, Feeder


async def bot_texts(client: EmulatorClient) -> list[str]:
    return [
        e.get("text") or ""
        for e in await client.transcript(USER["id"])
        if e.get("direction") == "out"
    ]


async def test_start_offers_languages_without_storing(
    feeder: Feeder, client: EmulatorClient, runtime: Runtime
) -> None:
    await feeder.text("/start")
    assert (await bot_texts(client))[-1].startswith("Kies uw taal")
    assert await runtime.services.residents.get(USER["id"]) is None


async def test_resident_language_wins_over_telegram_setting(
    feeder: Feeder, client: EmulatorClient, runtime: Runtime
) -> None:
    await runtime.services.residents.give_consent(USER["id"], "Greet", "en")
    await feeder.text("/menu")
    assert (await bot_texts(client))[-1] == "What would you like to do?"


async def test_error_handler_tells_the_person_and_logs_no_personal_data(
    app: SamenApplication,
    feeder: Feeder,
    client: EmulatorClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(update: Update, ctx: SamenContext) -> None:
        raise RuntimeError("database on fire")

    app.add_handler(CommandHandler("broken", broken), group=1)
    with caplog.at_level(logging.INFO, logger="samen"):
        await feeder.text("/broken secret text of Greet")
    assert any("er ging bij ons iets mis" in text for text in await bot_texts(client))
    samen_logs = [r for r in caplog.records if r.name.startswith("samen")]
    assert [r.getMessage() for r in samen_logs] == ["update 2 failed"]
    assert "Greet" not in caplog.text
    assert "secret text" not in caplog.text


async def test_only_for_checks_the_role_of_a_step_on_every_call(
    app: SamenApplication, feeder: Feeder, client: EmulatorClient, runtime: Runtime
) -> None:
    calls: list[int] = []

    @only_for(Role.COORDINATOR)
    async def coordinators_only(c: Conversation) -> None:
        calls.append(c.person.id)

    async def team(update: Update, ctx: SamenContext) -> None:
        await run_step(coordinators_only, update, ctx)

    app.add_handler(CommandHandler("team", team), group=1)
    await feeder.text("/team")
    assert calls == []
    assert "alleen voor het team" in (await bot_texts(client))[-1]

    await runtime.services.roles.grant(USER["id"], Role.COORDINATOR, granted_by=None)
    await feeder.text("/team")
    assert calls == [USER["id"]]

    await runtime.services.roles.revoke(USER["id"], Role.COORDINATOR)
    await feeder.text("/team")
    assert calls == [USER["id"]]


async def test_channel_posts_are_ignored(feeder: Feeder, client: EmulatorClient) -> None:
    await feeder.feed(
        {
            "channel_post": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": -100555, "type": "channel", "title": "Nieuws"},
                "text": "hallo",
            }
        }
    )
    assert await bot_texts(client) == []


async def test_error_message_speaks_the_persons_language(
    app: SamenApplication, feeder: Feeder, client: EmulatorClient
) -> None:
    async def broken(update: Update, ctx: SamenContext) -> None:
        raise RuntimeError("boom")

    english = {**USER, "id": 700_000_020, "first_name": "John", "language_code": "en"}
    await client.add_user(english["id"], first_name="John", language_code="en", started=True)
    app.add_handler(CommandHandler("broken", broken), group=1)
    await feeder.text("/broken", user=english)
    texts = [
        e.get("text") or ""
        for e in await client.transcript(english["id"])
        if e.get("direction") == "out"
    ]
    assert any("something went wrong on our side" in text for text in texts)


async def test_stopping_messages_from_a_typed_route_asks_first(
    app: SamenApplication, feeder: Feeder, client: EmulatorClient, runtime: Runtime
) -> None:
    """The typed "stop sending" route (another journey) reaches the same confirmation."""

    async def stop_sending(update: Update, ctx: SamenContext) -> None:
        await run_step(ask_to_stop_messages, update, ctx)

    app.add_handler(CommandHandler("stopsturen", stop_sending), group=1)
    await feeder.text("/stopsturen")
    assert any("Samen bewaart niets over u" in text for text in await bot_texts(client))

    await runtime.services.residents.give_consent(USER["id"], "Greet", "nl")
    await feeder.text("/stopsturen")
    entries = [e for e in await client.transcript(USER["id"]) if e.get("direction") == "out"]
    question = next(e for e in reversed(entries) if "Alle berichten stoppen?" in e["text"])
    keyboard = question["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in keyboard] == [
        ["my:stopyes"],
        ["my:stopno"],
    ]
    resident = await runtime.services.residents.get(USER["id"])
    assert resident is not None and resident.status is Status.ACTIVE  # nothing stopped yet

    await runtime.services.residents.set_status(USER["id"], Status.STOPPED)
    await feeder.text("/stopsturen")
    assert any("Berichten van Samen: gestopt" in text for text in await bot_texts(client))
