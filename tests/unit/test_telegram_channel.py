"""The Telegram adapter: a Reply as keyboards, an Update as what the person did."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import CallbackQuery, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.channels.telegram.conversation import TelegramConversation
from bot.channels.telegram.incoming import incoming_of
from bot.channels.telegram.render import inline_keyboard, markup_of
from bot.channels.telegram.send import send_place
from bot.chat.incoming import Incoming, Kind
from bot.chat.message import Ask, Choice, ListRow, Reply, Venue, choices
from bot.config import load_settings
from bot.i18n import Catalogs, Translator
from bot.telegram_request import readable_updates, update_of

JSON = dict[str, Any]
USER = {"id": 42, "is_bot": False, "first_name": "Greet"}
CHAT = {"id": 42, "type": "private"}


@pytest.fixture(scope="module")
def t() -> Translator:
    return Catalogs.load(load_settings(TELEGRAM_BOT_TOKEN="1:x").zone).get("nl")


def test_list_rows_come_one_per_line_above_the_choices() -> None:
    reply = Reply(
        "Kies",
        rows=(ListRow("Oost", "ap:oost", "the east"), ListRow("West", "ap:west")),
        choices=(
            (Choice("Ja", "erase:yes"), Choice("Nee", "erase:no")),
            (Choice("Terug", "my:stop"),),
        ),
    )
    keyboard = inline_keyboard(reply)
    assert keyboard is not None
    assert [[(b.text, b.callback_data) for b in row] for row in keyboard.inline_keyboard] == [
        [("Oost", "ap:oost")],
        [("West", "ap:west")],
        [("Ja", "erase:yes"), ("Nee", "erase:no")],
        [("Terug", "my:stop")],
    ]
    assert inline_keyboard(Reply("Geen knoppen")) is None


def test_choices_helper_makes_single_choices_rows_of_their_own() -> None:
    a, b, c = Choice("a", "1"), Choice("b", "2"), Choice("c", "3")
    assert choices(a, (b, c)) == ((a,), (b, c))


def test_the_menu_is_the_reply_keyboard_unless_there_are_choices(t: Translator) -> None:
    menu = markup_of(Reply("Hallo", menu=True), t, consented=True)
    assert isinstance(menu, ReplyKeyboardMarkup)
    assert ["📋 Mijn gegevens"] in [[b.text for b in row] for row in menu.keyboard]
    without = markup_of(Reply("Hallo", menu=True), t, consented=False)
    assert isinstance(without, ReplyKeyboardMarkup)
    assert ["🔒 Privacy"] in [[b.text for b in row] for row in without.keyboard]
    both = markup_of(
        Reply("Hallo", menu=True, choices=choices(Choice("Ja", "erase:yes"))), t, consented=True
    )
    assert isinstance(both, InlineKeyboardMarkup)
    assert markup_of(Reply("Hallo"), t, consented=True) is None


@pytest.mark.parametrize(
    ("ask", "label", "field"),
    [
        (Ask.LOCATION, "📍 Deel mijn locatie", "request_location"),
        (Ask.PHONE, "📱 Mijn telefoonnummer delen", "request_contact"),
    ],
)
def test_an_ask_is_one_request_button_and_the_typed_answers(
    t: Translator, ask: Ask, label: str, field: str
) -> None:
    reply = Reply(
        "Waar?", ask=ask, ask_also=("↩️ Niet nu",), menu=True, placeholder="Bijvoorbeeld 2101"
    )
    keyboard = markup_of(reply, t, consented=True)
    assert isinstance(keyboard, ReplyKeyboardMarkup)
    (request,), (other,) = keyboard.keyboard
    assert request.text == label
    assert getattr(request, field) is True
    assert other.text == "↩️ Niet nu"
    assert keyboard.input_field_placeholder == "Bijvoorbeeld 2101"


def _update(**payload: Any) -> Update:
    return Update.de_json({"update_id": 1, **payload}, None)


def _message(**fields: Any) -> Update:
    return _update(message={"message_id": 5, "date": 0, "chat": CHAT, "from": USER, **fields})


def test_updates_become_what_the_person_did() -> None:
    assert incoming_of(_message(text="koffie morgen")) == Incoming(Kind.TEXT, text="koffie morgen")
    assert incoming_of(_message(text="/Gegevens@samen_bot nu")) == Incoming(
        Kind.COMMAND, text="/Gegevens@samen_bot nu", command="gegevens", args=("nu",)
    )
    assert incoming_of(_message(text="/ ja")).kind is Kind.TEXT
    tap = _update(
        callback_query={"id": "q", "from": USER, "chat_instance": "1", "data": "my:export"}
    )
    assert incoming_of(tap) == Incoming(Kind.CHOICE, data="my:export")
    located = incoming_of(_message(location={"latitude": 52.35, "longitude": 4.6}))
    assert (located.kind, located.latitude, located.longitude) == (Kind.LOCATION, 52.35, 4.6)
    edited = _update(
        edited_message={"message_id": 5, "date": 0, "edit_date": 1, "chat": CHAT, "text": "x"}
    )
    assert incoming_of(edited) == Incoming(Kind.EDITED, text="x")


def test_a_contact_says_whether_it_is_the_persons_own_number() -> None:
    own = {"phone_number": "+31612345678", "first_name": "Greet", "user_id": 42}
    other = {"phone_number": "+31687654321", "first_name": "Kees", "user_id": 7}
    stranger = {"phone_number": "+31687654321", "first_name": "Kees"}
    assert incoming_of(_message(contact=own)) == Incoming(
        Kind.CONTACT, phone="+31612345678", own_contact=True
    )
    assert not incoming_of(_message(contact=other)).own_contact
    assert not incoming_of(_message(contact=stranger)).own_contact


@pytest.mark.parametrize(
    ("fields", "media"),
    [
        ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}}, "voice"),
        (
            {"video_note": {"file_id": "v", "file_unique_id": "v", "length": 1, "duration": 3}},
            "video_note",
        ),
        ({"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}, "photo"),
        ({"document": {"file_id": "d", "file_unique_id": "d"}}, "document"),
        (
            {
                "animation": {
                    "file_id": "a",
                    "file_unique_id": "a",
                    "width": 1,
                    "height": 1,
                    "duration": 1,
                },
                "document": {"file_id": "a", "file_unique_id": "a"},
            },
            "animation",
        ),
    ],
)
def test_media_are_named_by_kind(fields: dict[str, Any], media: str) -> None:
    got = incoming_of(_message(**fields))
    assert (got.kind, got.media, got.text, got.html) == (Kind.MEDIA, media, "", "")


def test_a_photo_brings_its_largest_size_and_its_formatted_caption() -> None:
    sizes = [
        {"file_id": f"p{width}", "file_unique_id": f"p{width}", "width": width, "height": 1}
        for width in (90, 320, 1280)
    ]
    bold = [{"type": "bold", "offset": 13, "length": 6}]
    photo = incoming_of(_message(photo=sizes, caption="Koffie in de <zaal>", caption_entities=bold))
    assert photo == Incoming(
        Kind.MEDIA,
        text="Koffie in de <zaal>",
        html="Koffie in de <b>&lt;zaal&gt;</b>",
        media="photo",
        file="p1280",
    )
    voice = incoming_of(_message(voice={"file_id": "v", "file_unique_id": "v", "duration": 3}))
    assert (voice.file, voice.text, voice.html) == ("v", "", "")


def test_formatted_text_comes_as_html_too_and_plain_text_only_as_text() -> None:
    bold = [{"type": "bold", "offset": 0, "length": 6}]
    got = incoming_of(_message(text="Morgen <koffie>", entities=bold))
    assert (got.text, got.html) == ("Morgen <koffie>", "<b>Morgen</b> &lt;koffie&gt;")
    assert incoming_of(_message(text="Morgen <koffie>")).html == ""


def test_anything_else_is_other() -> None:
    assert incoming_of(_message(new_chat_title="x")).kind is Kind.OTHER
    assert incoming_of(_update()).kind is Kind.OTHER


class _Questions:
    def get(self, key: object) -> None:
        return None


class _Context:
    """What a TelegramConversation reads of PTB's context, and nothing else."""

    def __init__(self, t: Translator) -> None:
        self.resident = None
        self.t = t
        self.runtime = SimpleNamespace(questions=_Questions())


def _tap_on(text: str, date: int = 1_700_000_000, keyboard: JSON | None = None) -> Update:
    """A tap on a message showing ``text`` (and ``keyboard``, an inline keyboard's rows);
    dated 0, Telegram no longer shows it."""
    message: JSON = {"message_id": 9, "date": date, "chat": CHAT, "text": text}
    if keyboard is not None:
        message["reply_markup"] = {"inline_keyboard": keyboard}
    query = {"id": "q", "from": USER, "chat_instance": "1", "data": "my:stop", "message": message}
    return _update(callback_query=query)


async def test_an_edit_telegram_calls_not_modified_counts_as_done(
    t: Translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tap carried an older copy of the message (two quick taps): Telegram refuses
    the edit as "not modified", and the message shows what was wanted."""
    edits: list[str] = []

    async def refuse(self: CallbackQuery, text: str, **_: Any) -> None:
        edits.append(text)
        raise BadRequest(f"Message is not modified: {text}")

    monkeypatch.setattr(CallbackQuery, "edit_message_text", refuse)
    conversation = TelegramConversation(_tap_on("the overview"), _Context(t))  # type: ignore[arg-type]
    await conversation.update(Reply("the question"))
    assert edits == ["the question"]

    async def fail(self: CallbackQuery, text: str, **_: Any) -> None:
        raise BadRequest("Bad Request: can't parse entities")

    monkeypatch.setattr(CallbackQuery, "edit_message_text", fail)
    with pytest.raises(BadRequest):
        await conversation.update(Reply("the question"))


@pytest.mark.parametrize(
    "refusal",
    ["Message is not modified: specified new message content", "Message to edit not found"],
)
async def test_choices_taken_off_meanwhile_are_cleared_without_an_error(
    t: Translator, monkeypatch: pytest.MonkeyPatch, refusal: str
) -> None:
    """The tap carried the message with its choices, but an edit from the outbox took
    them off before Samen cleared them (or the person deleted it): Telegram refuses the
    edit, and the step goes on to its answer instead of "something went wrong"."""
    tries: list[object] = []

    async def refuse(self: CallbackQuery, reply_markup: object = None, **_: Any) -> None:
        tries.append(reply_markup)
        raise BadRequest(refusal)

    monkeypatch.setattr(CallbackQuery, "edit_message_reply_markup", refuse)
    tapped = _tap_on("the task", keyboard=[[{"text": "Go", "callback_data": "task:1"}]])
    await TelegramConversation(tapped, _Context(t)).clear_choices()  # type: ignore[arg-type]
    assert tries == [None]

    async def fail(self: CallbackQuery, reply_markup: object = None, **_: Any) -> None:
        raise BadRequest("Bad Request: chat not found")

    monkeypatch.setattr(CallbackQuery, "edit_message_reply_markup", fail)
    with pytest.raises(BadRequest):
        await TelegramConversation(tapped, _Context(t)).clear_choices()  # type: ignore[arg-type]


@pytest.mark.parametrize("refusal", ["Message to edit not found", "Message can't be edited"])
async def test_a_message_gone_meanwhile_is_said_anew(
    t: Translator, monkeypatch: pytest.MonkeyPatch, refusal: str
) -> None:
    """The person deleted the message between the tap and the edit."""
    said: list[str] = []

    async def gone(self: CallbackQuery, text: str, **_: Any) -> None:
        raise BadRequest(refusal)

    async def say(self: TelegramConversation, reply: Reply) -> int:
        said.append(reply.text)
        return 10

    monkeypatch.setattr(CallbackQuery, "edit_message_text", gone)
    monkeypatch.setattr(TelegramConversation, "say", say)
    conversation = TelegramConversation(_tap_on("the overview"), _Context(t))  # type: ignore[arg-type]
    await conversation.update(Reply("the question"))
    assert said == ["the question"]


async def test_a_tap_on_a_message_too_old_to_see_is_answered_anew(
    t: Translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram sends a message it no longer shows the bot dated 0, without its text:
    the answer comes below, where the person looks, not days up in the chat."""
    said: list[str] = []

    async def never(self: CallbackQuery, *_: Any, **__: Any) -> None:
        raise AssertionError("edited")

    async def say(self: TelegramConversation, reply: Reply) -> int:
        said.append(reply.text)
        return 10

    monkeypatch.setattr(CallbackQuery, "edit_message_text", never)
    monkeypatch.setattr(CallbackQuery, "edit_message_reply_markup", never)
    monkeypatch.setattr(TelegramConversation, "say", say)
    conversation = TelegramConversation(_tap_on("", date=0), _Context(t))  # type: ignore[arg-type]
    await conversation.update(Reply("the question"))
    await conversation.clear_choices()
    assert said == ["the question"]


async def test_an_edit_that_changes_nothing_is_not_sent(
    t: Translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def never(self: CallbackQuery, text: str, **_: Any) -> None:
        raise AssertionError("edited")

    monkeypatch.setattr(CallbackQuery, "edit_message_text", never)
    conversation = TelegramConversation(_tap_on("the question"), _Context(t))  # type: ignore[arg-type]
    await conversation.update(Reply("<b>the question</b>"))


class _PinBot:
    """Records what a place was sent as (Telegram's sendVenue or sendLocation)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def send_venue(self, chat_id: int, **fields: Any) -> None:
        self.sent.append(("venue", fields))

    async def send_location(self, chat_id: int, latitude: float, longitude: float) -> None:
        self.sent.append(("location", {"latitude": latitude, "longitude": longitude}))


async def test_a_place_is_a_venue_and_without_an_address_a_bare_location() -> None:
    bot = _PinBot()
    long_name = "Koffieochtend " * 10
    await send_place(bot, 42, Venue(52.3574, 4.6222, long_name, "Julianaplein 1"))  # type: ignore[arg-type]
    await send_place(bot, 42, Venue(52.3574, 4.6222, "Koffieochtend"))  # type: ignore[arg-type]
    (venue, fields), (bare, where) = bot.sent
    assert venue == "venue" and fields["address"] == "Julianaplein 1"
    assert len(fields["title"]) == 100 and fields["title"] == long_name[:100]
    assert bare == "location" and where == {"latitude": 52.3574, "longitude": 4.6222}


def test_updates_ptb_cannot_read_are_made_bare_and_the_rest_kept() -> None:
    """PTB would fetch a batch it cannot read again for ever; a bare update is confirmed."""
    text = {"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": CHAT, "text": "hoi"}}
    old_poll = {"id": "p", "question": "?", "options": [{"text": "ja", "voter_count": 0}]}
    poll = {"update_id": 2, "poll": {**old_poll, "total_voter_count": 0, "is_closed": False}}
    fine = json.dumps({"ok": True, "result": [text]}).encode()
    assert readable_updates(fine) == fine
    mixed = json.dumps({"ok": True, "result": [text, poll]}).encode()
    assert json.loads(readable_updates(mixed))["result"] == [text, {"update_id": 2}]
    refused = b'{"ok": false, "error_code": 409, "description": "Conflict"}'
    assert readable_updates(refused) == refused
    assert update_of(poll, None).to_dict() == {"update_id": 2}
    with pytest.raises(ValueError):
        update_of({"poll": poll["poll"]}, None)
