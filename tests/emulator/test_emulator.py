"""The Bot API emulator, exercised over real loopback HTTP with a real PTB ``Bot``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    MenuButtonCommands,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.emulator.client import EmulatorClient, EmulatorError
from bot.emulator.formatting import parse_html, parse_markdown_v2
from bot.emulator.server import EmulatorServer
from bot.emulator.state import EmulatorState, Realism, max_in_window
from bot.emulator.validation import ApiError

TOKEN = "123456:TEST-TOKEN"
ANNA = 42
GROUP = -100


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when RetryAfter.retry_after is read as int; opt in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def emu() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer() as server:
        yield server


@pytest.fixture
async def client(emu: EmulatorServer) -> AsyncIterator[EmulatorClient]:
    async with EmulatorClient(emu.url) as c:
        await c.add_user(ANNA, "Anna", username="anna", started=True)
        yield c


@pytest.fixture
async def bot(emu: EmulatorServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.url + "/bot", base_file_url=emu.url + "/file/bot") as b:
        yield b


def yes_no() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Ja", callback_data="yes"),
                InlineKeyboardButton("Nee", callback_data="no"),
            ]
        ]
    )


async def raw_call(emu: EmulatorServer, method: str, data: dict[str, Any]) -> tuple[int, Any]:
    """Post a form the way PTB would, but with hand-made (possibly broken) values."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emu.url}/bot{TOKEN}/{method}", data=data) as response,
    ):
        return response.status, await response.json()


# --------------------------------------------------------------------------- PTB round trips


async def test_get_me_and_inline_keyboard_round_trip(
    emu: EmulatorServer, client: EmulatorClient, bot: Bot
) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (
        123456,
        True,
        "Samen",
        "samen_test_bot",
    )

    seq = await client.last_seq(ANNA)
    sent = await bot.send_message(
        ANNA, "<b>Hoi</b> &amp; welkom", parse_mode="HTML", reply_markup=yes_no()
    )
    assert sent.text == "Hoi & welkom"
    assert sent.entities[0].type == "bold"
    assert sent.reply_markup == yes_no()
    assert sent.chat.first_name == "Anna"

    entry = await client.wait_for(ANNA, after=seq)
    assert entry["text"] == "Hoi & welkom"
    assert entry["reply_markup"] == yes_no().to_dict()

    edited = await bot.edit_message_text("Echt?", chat_id=ANNA, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.edit_date is not None and edited.reply_markup is None
    after_edit = await client.transcript(ANNA, after=entry["seq"])
    assert [(e["message_id"], e["text"], e["edited"]) for e in after_edit] == [
        (sent.message_id, "Echt?", True)
    ]

    await bot.edit_message_reply_markup(ANNA, sent.message_id, reply_markup=yes_no())
    press = await client.press(ANNA, sent.message_id, button_text="Nee")
    updates = await bot.get_updates(timeout=1)
    query = updates[-1].callback_query
    assert query is not None and query.data == "no" and query.id == press["callback_query_id"]
    assert query.from_user.id == ANNA
    assert isinstance(query.message, Message) and query.message.text == "Echt?"
    seq = await client.last_seq(ANNA)
    assert await bot.answer_callback_query(query.id, text="Genoteerd", show_alert=True)
    toast = await client.wait_for(ANNA, after=seq, predicate=lambda e: e["direction"] == "toast")
    assert (toast["text"], toast["show_alert"]) == ("Genoteerd", True)
    assert await client.violations() == []


async def test_user_text_and_command_reach_get_updates(client: EmulatorClient, bot: Bot) -> None:
    await client.send_text(ANNA, "hallo")
    result = await client.send_command(ANNA, "/start invite-7")
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["hallo", "/start invite-7"]
    command = updates[1].message
    assert command is not None and command.message_id == result["message_id"]
    assert command.entities[0].type == "bot_command"
    assert (command.entities[0].offset, command.entities[0].length) == (0, 6)
    assert updates[1].update_id == result["update_id"]
    # Confirming with offset forgets them, like Telegram.
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()


async def test_documents_upload_and_download(client: EmulatorClient, bot: Bot) -> None:
    doc = await bot.send_document(
        ANNA, InputFile(b"gegevens", filename="mijn-data.json"), caption="Je gegevens"
    )
    assert doc.document is not None and doc.document.file_name == "mijn-data.json"
    assert doc.document.mime_type == "application/json" and doc.caption == "Je gegevens"
    entry = (await client.transcript(ANNA))[-1]
    assert entry["document"] is not None and entry["document"]["file_name"] == "mijn-data.json"
    assert await client.download(entry["document"]["file_id"]) == b"gegevens"
    file = await bot.get_file(doc.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"gegevens"

    photo = await bot.send_photo(ANNA, InputFile(b"\xff\xd8jpeg", filename="kaart.jpg"))
    assert photo.photo[-1].file_size == 6
    assert (await client.transcript(ANNA))[-1]["kind"] == "photo"


async def test_user_media_location_and_contacts(client: EmulatorClient, bot: Bot) -> None:
    await client.add_user(7, "Bram", "de Vries")
    await client.send_location(ANNA)
    await client.send_contact(ANNA, "+31611111111")
    await client.send_contact(ANNA, "+31622222222", contact_user_id=7)
    await client.send_photo(ANNA, caption="kijk")
    await client.send_voice(ANNA)
    await client.send_sticker(ANNA)
    updates = await bot.get_updates()
    messages = [u.message for u in updates if u.message]
    assert messages[0].location is not None and messages[0].location.latitude == pytest.approx(
        52.3579
    )
    assert messages[1].contact is not None and messages[1].contact.user_id == ANNA
    other = messages[2].contact
    assert other is not None and (other.user_id, other.first_name, other.last_name) == (
        7,
        "Bram",
        "de Vries",
    )
    assert messages[3].photo and messages[3].caption == "kijk"
    assert messages[4].voice is not None and messages[5].sticker is not None
    file = await bot.get_file(messages[4].voice.file_id)
    assert await file.download_as_bytearray()


async def test_what_else_people_send_is_telegrams_json(client: EmulatorClient, bot: Bot) -> None:
    """Albums, forwards, replies, dice, polls, venues, video notes and GIFs, as PTB
    reads real Telegram's updates."""
    first = await client.send_text(ANNA, "eerste")
    await client.send(ANNA, "photo", media_group_id="album-1")
    await client.send_text(ANNA, "doorgestuurd")
    await client.send(ANNA, "text", text="van een ander", forwarded_from="Kees")
    await client.send(ANNA, "text", text="antwoord", reply_to=first["message_id"])
    for kind in ("dice", "poll", "venue", "video_note", "animation"):
        await client.send(ANNA, kind)
    messages = [u.message for u in await bot.get_updates() if u.message]
    assert messages[1].media_group_id == "album-1" and messages[1].photo
    assert messages[3].forward_origin is not None
    assert messages[3].forward_origin.type == "hidden_user"
    assert messages[4].reply_to_message is not None
    assert messages[4].reply_to_message.text == "eerste"
    dice, poll, venue, note, gif = messages[5:]
    assert dice.dice is not None and poll.poll is not None and poll.poll.options
    assert venue.venue is not None and venue.location is not None
    assert note.video_note is not None
    assert gif.animation is not None and gif.document is not None


async def test_reactions_channels_groups_and_old_messages(client: EmulatorClient, bot: Bot) -> None:
    sent = await bot.send_message(ANNA, "Kies", reply_markup=yes_no())
    await client.react(ANNA, sent.message_id)  # not asked for: Telegram keeps it back
    assert await bot.get_updates() == ()
    await client.react(ANNA, sent.message_id, "❤")
    assert await bot.get_updates(allowed_updates=["message_reaction"]) == ()
    await client.react(ANNA, sent.message_id, "❤")
    (reaction,) = await bot.get_updates()
    assert reaction.message_reaction is not None
    assert reaction.message_reaction.new_reaction[0].emoji == "❤"  # type: ignore[union-attr]
    await bot.get_updates(offset=reaction.update_id + 1, allowed_updates=[])
    await client.add_channel(-1_000_000_000_007, "Nieuws")
    await client.channel_post(-1_000_000_000_007, "Nieuws van vandaag")
    await client.add_group(GROUP, "Koffie")
    await client.add_bot_to_group(ANNA, GROUP)
    await client.press(ANNA, sent.message_id, callback_data="yes", inaccessible=True)
    post, added, pressed = await bot.get_updates(offset=reaction.update_id + 1)
    assert post.channel_post is not None and post.channel_post.from_user is None
    assert post.channel_post.sender_chat is not None
    assert added.my_chat_member is not None and added.my_chat_member.chat.id == GROUP
    assert added.my_chat_member.new_chat_member.status == "member"
    query = pressed.callback_query
    assert query is not None and query.message is not None
    assert not query.message.is_accessible  # PTB reads it as a Message dated 0


async def test_reply_keyboard_request_contact_one_time(client: EmulatorClient, bot: Bot) -> None:
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton("Deel mijn nummer", request_contact=True)],
            [KeyboardButton("Locatie", request_location=True)],
            ["Later"],
        ],
        one_time_keyboard=True,
    )
    await bot.send_message(ANNA, "Mag ik je nummer?", reply_markup=keyboard)
    entry = (await client.transcript(ANNA))[-1]
    assert entry["reply_markup"] is not None and "keyboard" in entry["reply_markup"]
    await client.tap_reply_button(ANNA, "Deel mijn nummer", phone_number="+31600000001")
    (update,) = await bot.get_updates()
    contact = update.message.contact if update.message else None
    assert contact is not None and (contact.user_id, contact.phone_number) == (ANNA, "+31600000001")
    with pytest.raises(EmulatorError) as refused:  # one_time_keyboard hid it
        await client.tap_reply_button(ANNA, "Later")
    assert refused.value.status == 400

    await bot.send_message(ANNA, "Waar ben je?", reply_markup=keyboard)
    await client.tap_reply_button(ANNA, "Locatie")
    await bot.send_message(ANNA, "Dank", reply_markup=keyboard)
    await bot.send_message(ANNA, "Weg ermee", reply_markup=ReplyKeyboardRemove())
    with pytest.raises(EmulatorError):
        await client.tap_reply_button(ANNA, "Later")
    location = [u.message.location for u in await bot.get_updates() if u.message]
    assert location[-1] is not None and location[-1].longitude == pytest.approx(4.6206)


async def test_user_edit_block_and_groups(client: EmulatorClient, bot: Bot) -> None:
    sent = await client.send_text(ANNA, "typo")
    await client.edit_message(ANNA, sent["message_id"], "fixed")
    await client.add_group(GROUP, "Koffieochtend")
    await client.send_text(ANNA, "hoi groep", chat_id=GROUP)
    await client.block(ANNA)
    updates = await bot.get_updates()
    assert updates[1].edited_message is not None and updates[1].edited_message.text == "fixed"
    assert updates[2].message is not None and updates[2].message.chat.title == "Koffieochtend"
    member = updates[3].my_chat_member
    assert member is not None and member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(ANNA, "nog daar?")
    await client.unblock(ANNA)
    await bot.send_message(ANNA, "welkom terug")
    assert (await client.stats())["http_403"] == 1
    assert await client.violations() == []  # a 403 for a blocked user is not the bot's bug


async def test_control_refuses_impossible_actions(client: EmulatorClient, bot: Bot) -> None:
    sent = await bot.send_message(ANNA, "Kies", reply_markup=yes_no())
    with pytest.raises(EmulatorError):
        await client.press(ANNA, sent.message_id, callback_data="admin:delete-all")
    forged = await client.press(ANNA, sent.message_id, callback_data="admin:delete-all", forge=True)
    (update,) = await bot.get_updates()
    assert update.callback_query is not None and update.callback_query.data == "admin:delete-all"
    assert update.callback_query.id == forged["callback_query_id"]
    with pytest.raises(EmulatorError):
        await client.press(ANNA, 999, callback_data="yes")
    with pytest.raises(EmulatorError):
        await client.send_text(ANNA, "x", chat_id=-5)
    with pytest.raises(TimeoutError, match="Kies"):
        await client.wait_for(
            ANNA, after=0, predicate=lambda e: e.get("text") == "nooit", timeout=0.3
        )


async def test_bot_side_housekeeping_methods(client: EmulatorClient, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("mijn_data", "Je data")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "mijn_data"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Begin")])
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""
    chat = await bot.get_chat(ANNA)
    assert (chat.id, chat.type, chat.username) == (ANNA, "private", "anna")
    assert await bot.send_chat_action(ANNA, ChatAction.TYPING)
    venue = await bot.send_venue(ANNA, 52.35, 4.62, "Bibliotheek", "Julianaplein 1")
    assert venue.venue is not None and venue.venue.title == "Bibliotheek"
    contact = await bot.send_contact(ANNA, "+31235000000", "Gemeente")
    assert contact.contact is not None and contact.contact.phone_number == "+31235000000"
    assert await bot.delete_message(ANNA, contact.message_id)
    entry = (await client.transcript(ANNA))[-1]
    assert entry["message_id"] == contact.message_id and entry["deleted"]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ANNA, contact.message_id)
    for text in ("een", "twee", "drie"):
        await client.send_text(ANNA, text)
    last_two = await bot.get_updates(offset=-2)
    assert [u.message.text for u in last_two if u.message] == ["twee", "drie"]


# --------------------------------------------------------------------------- validation


async def test_validation_errors_raise_and_are_recorded(
    emu: EmulatorServer, client: EmulatorClient, bot: Bot
) -> None:
    await client.add_group(GROUP, "Groep")
    sent = await bot.send_message(ANNA, "vast")
    contact_button = ReplyKeyboardMarkup([[KeyboardButton("Nummer", request_contact=True)]])
    cases: list[tuple[Any, str]] = [
        (bot.send_message(999, "x"), "chat not found"),
        (bot.send_message(ANNA, "   "), "message text is empty"),
        (bot.send_message(ANNA, "x" * 4097), "message is too long"),
        # Telegram counts UTF-16 code units: 2049 emoji are 4098 of them.
        (bot.send_message(ANNA, "🙂" * 2049), "message is too long"),
        (bot.set_my_commands([BotCommand("a", "b")], language_code="dutch"), "language code"),
        (bot.set_webhook("https://samen.example.nl:8080/telegram"), "only on ports 80, 88"),
        (
            bot.send_document(ANNA, InputFile(b"d", filename="d.txt"), caption="c" * 1025),
            "message caption is too long",
        ),
        (
            bot.send_message(
                ANNA,
                "x",
                reply_markup=InlineKeyboardMarkup(
                    [[InlineKeyboardButton("a", callback_data="é" * 33)]]
                ),
            ),
            "BUTTON_DATA_INVALID",
        ),
        (
            bot.send_message(ANNA, "<foo>x</foo>", parse_mode="HTML"),
            'can\'t parse entities: Unsupported start tag "foo" at byte offset 0',
        ),
        (
            bot.send_message(ANNA, "<b>x", parse_mode="HTML"),
            "can't parse entities: Can't find end tag",
        ),
        (
            bot.send_message(ANNA, "<b>x</i>", parse_mode="HTML"),
            "can't parse entities: Unmatched end tag",
        ),
        (bot.send_message(ANNA, "1.5 uur", parse_mode="MarkdownV2"), "Character '.' is reserved"),
        (bot.edit_message_text("y", chat_id=ANNA, message_id=999), "message to edit not found"),
        (
            bot.edit_message_text("vast", chat_id=ANNA, message_id=sent.message_id),
            "message is not modified",
        ),
        (bot.answer_callback_query("12345"), "query is too old and response timeout expired"),
        (
            bot.send_message(GROUP, "x", reply_markup=contact_button),
            "phone number can be requested in private chats only",
        ),
    ]
    for call, description in cases:
        with pytest.raises(BadRequest) as raised:
            await call
        assert description.lower() in raised.value.message.lower()
    violations = await client.violations()
    assert len(violations) == len(cases)
    assert violations[0] == {
        "method": "sendMessage",
        "description": "Bad Request: chat not found",
        "chat_id": 999,
    }
    assert all(v["description"].startswith("Bad Request: ") for v in violations)


def _inline_rows(rows: int, per_row: int) -> str:
    button = '{"text": "a", "callback_data": "x"}'
    row = "[" + ",".join([button] * per_row) + "]"
    return '{"inline_keyboard": [' + ",".join([row] * rows) + "]}"


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        ("{not json", "can't parse reply keyboard markup JSON object"),
        ('{"inline_keyboard": [["a"]]}', "can't parse reply keyboard markup JSON object"),
        (
            '{"inline_keyboard": [[{"text": "a", "callback_data": "x", "url": "https://a.nl"}]]}',
            "can't parse reply keyboard markup JSON object",
        ),
        ('{"inline_keyboard": [[{"text": "a", "callback_data": ""}]]}', "BUTTON_DATA_INVALID"),
        ('{"keyboard": [[1]]}', "can't parse reply keyboard markup JSON object"),
        ('{"keyboard": "a"}', "can't parse reply keyboard markup JSON object"),
        ("[1]", "can't parse reply keyboard markup JSON object"),
        # Telegram's keyboard sizes: 8 inline buttons a row, 100 in all; 12 and 300 typed.
        (_inline_rows(1, 9), "reply markup is too long"),
        (_inline_rows(13, 8), "reply markup is too long"),
        (
            '{"keyboard": [["a","b","c","d","e","f","g","h","i","j","k","l","m"]]}',
            "reply markup is too long",
        ),
        ('{"inline_keyboard": [[{"text": " ", "callback_data": "x"}]]}', "BUTTON_TEXT_INVALID"),
        ('{"keyboard": [[""]]}', "BUTTON_TEXT_INVALID"),
        (
            '{"keyboard": [["a"]], "input_field_placeholder": "' + "p" * 65 + '"}',
            "input field placeholder must be 1-64 characters long",
        ),
    ],
)
async def test_malformed_markup_over_raw_form(
    emu: EmulatorServer, client: EmulatorClient, markup: str, description: str
) -> None:
    status, body = await raw_call(
        emu, "sendMessage", {"chat_id": str(ANNA), "text": "x", "reply_markup": markup}
    )
    assert status == 400
    assert body == {"ok": False, "error_code": 400, "description": "Bad Request: " + description}
    assert [v["description"] for v in await client.violations()] == [body["description"]]


async def test_form_json_and_get_requests_decode_alike(
    emu: EmulatorServer, client: EmulatorClient
) -> None:
    markup = '{"keyboard": [["Ja", {"text": "Nee"}]], "resize_keyboard": true}'
    status, body = await raw_call(
        emu, "SENDMESSAGE", {"chat_id": str(ANNA), "text": "[1, 2]", "reply_markup": markup}
    )
    assert status == 200 and body["result"]["text"] == "[1, 2]"
    assert "reply_markup" not in body["result"]  # Telegram echoes inline keyboards only
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{emu.url}/bot{TOKEN}/sendMessage", json={"chat_id": ANNA, "text": "json"}
        ) as r:
            assert (await r.json())["result"]["message_id"] == 2
        async with session.get(f"{emu.url}/bot{TOKEN}/getMe") as r:
            assert (await r.json())["result"]["id"] == 123456
        async with session.post(f"{emu.url}/botnonsense/getMe") as r:
            assert r.status == 401
            assert await r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        async with session.post(f"{emu.url}/bot{TOKEN}/sendTelepathy") as r:
            assert r.status == 404
            assert await r.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    await client.tap_reply_button(ANNA, "Nee")  # both button shapes are tappable


# --------------------------------------------------------------------------- realism


async def test_flood_limits_per_chat_and_global(client: EmulatorClient, bot: Bot) -> None:
    await client.configure(flood_limits=True)
    for _ in range(3):
        await bot.send_message(ANNA, "burst")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(ANNA, "te veel")
    assert raised.value.retry_after == timedelta(seconds=1)

    users = range(1000, 1040)
    for user in users:
        await client.add_user(user, f"U{user}", started=True)
    started = time.monotonic()
    accepted = limited = 0
    for user in users:
        try:
            await bot.send_message(user, "rondje")
            accepted += 1
        except RetryAfter:
            limited += 1
    stats = await client.stats(send_times=True)
    assert stats["max_sends_in_1s"] <= 30
    assert limited >= 1 and stats["http_429"] == limited + 1
    if time.monotonic() - started < 0.9:
        assert accepted == 30 - 3  # the three burst messages share the window
    assert len(stats["send_times"]) == stats["sends"] == accepted + 3


def test_flood_bucket_with_fake_clock() -> None:
    now = [100.0]
    state = EmulatorState(Realism(flood_limits=True), clock=lambda: now[0])
    state.ensure_user(1)
    rec = state.chats[1]
    for _ in range(3):
        state.admit_send(1, rec)
    with pytest.raises(ApiError) as raised:
        state.admit_send(1, rec)
    assert (raised.value.code, raised.value.retry_after, raised.value.violation) == (429, 1, False)
    now[0] += 1.0
    state.admit_send(1, rec)
    assert max_in_window([0.0, 0.5, 0.99, 1.0, 1.5, 3.0]) == 3


async def test_fault_injection_is_deterministic(client: EmulatorClient, bot: Bot) -> None:
    async def outcomes() -> list[str]:
        seen = []
        for _ in range(20):
            try:
                await bot.send_message(ANNA, "x")
                seen.append("ok")
            except NetworkError as exc:
                assert "Bad Gateway" in str(exc)
                seen.append("502")
        return seen

    await client.configure(seed=7, fault_5xx=0.3)
    first = await outcomes()
    await client.configure(seed=7)
    second = await outcomes()
    assert first == second and {"ok", "502"} == set(first)
    stats = await client.stats()
    assert stats["http_5xx"] == 2 * first.count("502") and stats["sends"] == 2 * first.count("ok")
    assert await client.violations() == []


async def test_fault_timeout_delivers_but_answers_late(client: EmulatorClient, bot: Bot) -> None:
    await client.configure(fault_timeout=1.0, timeout_delay=0.4, seed=1)
    with pytest.raises(TimedOut):
        await bot.send_message(ANNA, "laat", read_timeout=0.1)
    assert (await client.transcript(ANNA))[-1]["text"] == "laat"
    assert (await client.stats())["timeouts"] == 1
    await client.configure(fault_timeout=0.0, forbidden_users=[ANNA])
    with pytest.raises(Forbidden):
        await bot.send_message(ANNA, "nee")


async def test_long_poll_wakes_on_new_update(client: EmulatorClient, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    sent_at = time.monotonic()
    await client.send_text(ANNA, "wakker?")
    updates = await poll
    assert time.monotonic() - sent_at < 0.5
    assert updates[0].message is not None and updates[0].message.text == "wakker?"


async def test_wait_endpoint_wakes_on_bot_output(client: EmulatorClient, bot: Bot) -> None:
    seq = await client.last_seq(ANNA)
    waiter = asyncio.create_task(client.wait_for(ANNA, after=seq, timeout=5))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    await bot.send_message(ANNA, "daar ben ik")
    entry = await waiter
    assert entry["text"] == "daar ben ik" and time.monotonic() - started < 0.5


async def test_unanswered_callback_query_is_a_violation(client: EmulatorClient, bot: Bot) -> None:
    await client.configure(callback_answer_timeout=0.2)
    sent = await bot.send_message(ANNA, "Kies", reply_markup=yes_no())
    await client.press(ANNA, sent.message_id, callback_data="yes")
    (update,) = await bot.get_updates()
    await asyncio.sleep(0.35)
    violations = await client.violations()
    assert [v["description"] for v in violations] == ["unanswered callback query"]
    assert violations[0]["chat_id"] == ANNA and violations[0]["data"] == "yes"
    assert update.callback_query is not None
    with pytest.raises(BadRequest, match="too old"):
        await update.callback_query.answer()


async def test_reset_and_loopback_only(
    emu: EmulatorServer, client: EmulatorClient, bot: Bot
) -> None:
    await bot.send_message(ANNA, "x")
    await client.reset()
    assert await client.transcript(ANNA) == []
    with pytest.raises(BadRequest):
        await bot.send_message(ANNA, "x")  # Anna is gone with the reset
    with pytest.raises(ValueError, match="loopback"):
        EmulatorServer(host="0.0.0.0")


# --------------------------------------------------------------------------- parsers


def test_html_parser_matches_telegram() -> None:
    text, entities = parse_html(
        '<b>vet <i>schuin</i></b> &lt;3 &quot;x&quot; <a href="https://a.nl?x=1&amp;y=2">link</a> '
        '<span class="tg-spoiler">geheim</span> '
        '<pre><code class="language-py">x</code></pre> 😀<u>o</u>'
    )
    assert text == 'vet schuin <3 "x" link geheim x 😀o'
    kinds = [(e["type"], e["offset"], e["length"]) for e in entities]
    assert ("bold", 0, 10) in kinds and ("italic", 4, 6) in kinds and ("spoiler", 23, 6) in kinds
    assert {
        "type": "text_link",
        "offset": 18,
        "length": 4,
        "url": "https://a.nl?x=1&y=2",
    } in entities
    assert {"type": "pre", "offset": 30, "length": 1, "language": "py"} in entities
    assert ("underline", 34, 1) in kinds  # the emoji counts as two UTF-16 units
    for bad in ("<br>", "<b>x</i>", "</b>", "<b>x", "<span>x</span>", "a <b"):
        with pytest.raises(ApiError):
            parse_html(bad)


def test_markdown_v2_parser() -> None:
    text, entities = parse_markdown_v2(
        r"*vet* _schuin_ __onder__ ||sp|| `c\`` [l](https://a.nl) 1\.5"
    )
    assert text == "vet schuin onder sp c` l 1.5"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "spoiler",
        "code",
        "text_link",
    ]
    for bad in ("1.5", "*open", "a-b", "(x)"):
        with pytest.raises(ApiError):
            parse_markdown_v2(bad)


# --------------------------------------------------------------------------- other web sites


async def _raw(
    method: str, url: str, *, body: str | None = None, **headers: str
) -> tuple[int, str]:
    """A request as a browser would make it for a page elsewhere (headers by hand)."""
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url, data=body, headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_other_web_sites_cannot_act_as_people_or_the_bot(
    emu: EmulatorServer, client: EmulatorClient
) -> None:
    """A page elsewhere can make the browser GET (``<img src>``) or POST ``text/plain``
    without a CORS preflight; none of it may act as a person, the bot or the settings."""
    send = '{"user_id": 42, "text": "I am not Anna"}'
    plain = {"Content-Type": "text/plain"}
    for headers in (
        {"Origin": "http://evil.example", **plain},
        {"Origin": "null", **plain},  # a sandboxed frame or a local file
        {"Sec-Fetch-Site": "cross-site", **plain},
        {"Sec-Fetch-Site": "same-site", **plain},  # another port or subdomain
    ):
        status, text = await _raw("POST", f"{emu.url}/control/send", body=send, **headers)
        assert (status, text) == (403, "Refused: a request from another web site.\n")
    status, _ = await _raw(
        "POST", f"{emu.url}/control/config", body='{"fault_5xx": 1}', Origin="http://evil.example"
    )
    assert status == 403
    image = f"{emu.url}/bot{TOKEN}/sendMessage?chat_id={ANNA}&text=hi"
    status, _ = await _raw("GET", image, **{"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    status, _ = await _raw("GET", image, Origin="http://evil.example")
    assert status == 403
    assert await client.transcript(ANNA) == []  # nothing reached Anna's chat
    assert (await client.configure())["fault_5xx"] == 0.0
    assert await client.violations() == []


async def test_only_the_servers_own_loopback_name_and_port_are_answered(
    emu: EmulatorServer, client: EmulatorClient
) -> None:
    """DNS rebinding: a page's own domain name resolves to 127.0.0.1 and reads the chats."""
    await client.send_text(ANNA, "geheim")
    chats = f"{emu.url}/control/chats/{ANNA}/messages"
    for host in (f"evil.example:{emu.port}", f"127.0.0.1:{emu.port + 1}", "127.0.0.1"):
        status, text = await _raw("GET", chats, Host=host)
        assert status == 403
        assert text == (
            f"Refused: this local server answers only as http://127.0.0.1:{emu.port} "
            "(or localhost), not under another name.\n"
        )
        assert "geheim" not in text
    for host in (f"localhost:{emu.port}", f"[::1]:{emu.port}", f"127.0.0.1:{emu.port}"):
        status, text = await _raw("GET", chats, Host=host)
        assert status == 200 and "geheim" in text
    # The page itself (same origin) and the bot (no Origin at all) are served.
    own = {"Origin": emu.url, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"}
    body = '{"user_id": 42, "text": "hallo"}'
    status, _ = await _raw("POST", f"{emu.url}/control/send", body=body, **own)
    assert status == 200
    status, _ = await _raw("GET", f"{emu.url}/bot{TOKEN}/getMe", **{"Sec-Fetch-Site": "none"})
    assert status == 200


async def test_a_server_given_a_token_accepts_only_that_token() -> None:
    async with EmulatorServer(bot_token="100:secret-token") as server:
        status, _ = await _raw("GET", f"{server.url}/bot100:secret-token/getMe")
        assert status == 200
        status, text = await _raw("GET", f"{server.url}/bot100:guessed-token/getMe")
        assert status == 401 and "Unauthorized" in text
        status, _ = await _raw("GET", f"{server.url}/file/bot100:guessed-token/x/file_1")
        assert status == 401


async def test_a_bot_cannot_write_first(client: EmulatorClient, bot: Bot) -> None:
    """Telegram: 403 until the person writes or taps in the chat; not the bot's bug."""
    await client.add_user(7, "Bram")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(7, "Hallo Bram")
    await client.send_text(7, "/start")
    await bot.send_message(7, "Hallo Bram")
    assert await client.violations() == []
