"""Routing in the conversation layer: taps by prefix, commands, menu labels in any
language, answers to the open question, and the rest as typed text."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.buttons import Prefix, encode
from bot.chat.incoming import Incoming, Kind, command_of
from bot.chat.journeys import Journeys
from bot.chat.menu import MenuAction, menu_label_index
from bot.config import load_settings
from bot.i18n import Catalogs
from bot.questions import Question

ASKED = datetime(2026, 12, 1, tzinfo=UTC)


class FakeConversation:
    """Only what routing reads and does: the incoming update and the open question."""

    def __init__(self, incoming: Incoming, question: str | None = None) -> None:
        self.incoming = incoming
        self.question = Question(question, {}, ASKED) if question else None
        self.closed = 0
        self.steps: list[str] = []

    async def close_question(self) -> None:
        self.closed += 1
        self.question = None


def _step(name: str) -> Any:
    async def step(conversation: FakeConversation) -> None:
        conversation.steps.append(name)

    return step


@pytest.fixture
def journeys() -> Journeys:
    catalogs = Catalogs.load(load_settings(TELEGRAM_BOT_TOKEN="1:x").zone)
    journeys = Journeys(menu_label_index(catalogs))
    journeys.choice(Prefix.MY_DATA, _step("my data button"))
    journeys.command(["mydata", "gegevens"], _step("my data command"))
    journeys.menu(MenuAction.MY_DATA, _step("my data menu"))
    journeys.answer("mydata.postcode", _step("postcode"))
    journeys.answer("call.phone", _step("phone"), kinds=(Kind.TEXT, Kind.CONTACT))
    journeys.text(_step("typed"))
    return journeys


async def _handled(journeys: Journeys, conversation: FakeConversation) -> list[str]:
    assert await journeys.handle(conversation)  # type: ignore[arg-type]
    return conversation.steps


async def test_a_tap_goes_by_its_prefix_and_only_when_well_formed(journeys: Journeys) -> None:
    tap = Incoming(Kind.CHOICE, data=encode(Prefix.MY_DATA, "export"))
    assert await _handled(journeys, FakeConversation(tap)) == ["my data button"]
    for data in ("my:nonsense", "erase:yes", "", "x" * 80):
        conversation = FakeConversation(Incoming(Kind.CHOICE, data=data))
        assert not await journeys.handle(conversation)  # type: ignore[arg-type]
        assert conversation.steps == []


async def test_commands_in_every_language_close_the_question(journeys: Journeys) -> None:
    for text in ("/mydata", "/GEGEVENS", "/gegevens@samen_bot extra"):
        conversation = FakeConversation(command_of(text), question="mydata.postcode")
        assert await _handled(journeys, conversation) == ["my data command"]
        assert conversation.closed == 1
    unknown = FakeConversation(command_of("/nothing"), question="mydata.postcode")
    assert not await journeys.handle(unknown)  # type: ignore[arg-type]
    assert unknown.closed == 1  # a command moves on, known or not


async def test_a_menu_label_in_any_language_beats_the_open_question(journeys: Journeys) -> None:
    for label in ("📋 Mijn gegevens", "📋 My data", " 📋  my DATA "):
        conversation = FakeConversation(Incoming(Kind.TEXT, text=label), "mydata.postcode")
        assert await _handled(journeys, conversation) == ["my data menu"]
        assert conversation.closed == 1
    # A label of a journey not registered here is left to whoever handles it.
    help_tap = FakeConversation(Incoming(Kind.TEXT, text="❓ Help"), "mydata.postcode")
    assert journeys.route(help_tap.incoming, help_tap.question) is None


async def test_typed_text_answers_the_open_question_else_goes_to_the_text_step(
    journeys: Journeys,
) -> None:
    typed = Incoming(Kind.TEXT, text="2101")
    assert await _handled(journeys, FakeConversation(typed, "mydata.postcode")) == ["postcode"]
    assert await _handled(journeys, FakeConversation(typed)) == ["typed"]
    assert await _handled(journeys, FakeConversation(typed, "gone.question")) == ["typed"]


async def test_only_the_registered_kinds_answer_a_question(journeys: Journeys) -> None:
    contact = Incoming(Kind.CONTACT, phone="+31612345678", own_contact=True)
    assert await _handled(journeys, FakeConversation(contact, "call.phone")) == ["phone"]
    # A contact is no postcode, and a voice message answers nothing: left to others.
    assert journeys.route(contact, Question("mydata.postcode", {}, ASKED)) is None
    voice = Incoming(Kind.MEDIA, media="voice")
    assert journeys.route(voice, Question("call.phone", {}, ASKED)) is None
    assert journeys.route(Incoming(Kind.EDITED, text="x"), None) is None


async def test_text_a_question_does_not_accept_goes_on_and_leaves_it_open(
    journeys: Journeys,
) -> None:
    journeys.answer("quiz.yes_no", _step("yes or no"), accepts=lambda i: i.text in ("ja", "nee"))
    yes = FakeConversation(Incoming(Kind.TEXT, text="ja"), "quiz.yes_no")
    assert await _handled(journeys, yes) == ["yes or no"]
    maybe = FakeConversation(Incoming(Kind.TEXT, text="misschien"), "quiz.yes_no")
    assert await _handled(journeys, maybe) == ["typed"]
    assert maybe.question is not None and maybe.closed == 0


def test_typed_text_for_the_text_step_is_a_leftover_not_a_claim(journeys: Journeys) -> None:
    """A channel reads a short typed answer as a tap only when no journey claims it."""
    open_postcode = Question("mydata.postcode", {}, ASKED)
    assert journeys.claims(Incoming(Kind.TEXT, text="📋 Mijn gegevens"), None) is not None
    assert journeys.claims(Incoming(Kind.TEXT, text="2101"), open_postcode) is not None
    typed = Incoming(Kind.TEXT, text="ja")
    assert journeys.claims(typed, None) is None
    assert journeys.leftover(typed) is journeys.route(typed, None) is not None


def test_a_second_step_for_the_same_thing_is_refused(journeys: Journeys) -> None:
    with pytest.raises(ValueError, match="registered already"):
        journeys.choice(Prefix.MY_DATA, _step("again"))
    with pytest.raises(ValueError, match="registered already"):
        journeys.command(["GEGEVENS"], _step("again"))
    with pytest.raises(ValueError, match="registered already"):
        journeys.text(_step("again"))
    with pytest.raises(ValueError, match="answer a question"):
        journeys.answer("x.y", _step("x"), kinds=(Kind.COMMAND,))


async def test_leftovers_get_the_step_registered_otherwise(journeys: Journeys) -> None:
    journeys.otherwise(Kind.CHOICE, _step("expired"))
    journeys.otherwise(Kind.COMMAND, _step("unknown command"))
    journeys.otherwise(Kind.MEDIA, _step("media"))
    forged = Incoming(Kind.CHOICE, data="erase:yes")
    assert journeys.claims(forged, None) is None  # the old handlers may still take it
    assert await _handled(journeys, FakeConversation(forged)) == ["expired"]
    assert await _handled(journeys, FakeConversation(command_of("/nothing"))) == ["unknown command"]
    voice = Incoming(Kind.MEDIA, media="voice")
    assert await _handled(journeys, FakeConversation(voice, "mydata.postcode")) == ["media"]
    # A registered journey still comes first.
    tap = Incoming(Kind.CHOICE, data=encode(Prefix.MY_DATA, "export"))
    assert await _handled(journeys, FakeConversation(tap)) == ["my data button"]
    with pytest.raises(ValueError, match="registered already"):
        journeys.otherwise(Kind.MEDIA, _step("again"))


async def test_an_answer_the_question_does_not_accept_goes_on_as_if_none_were_open() -> None:
    """Crisis words while Samen asks where to look reach the text step, not the question."""
    catalogs = Catalogs.load(load_settings(TELEGRAM_BOT_TOKEN="1:x").zone)
    journeys = Journeys(menu_label_index(catalogs))
    journeys.answer(
        "activities.where",
        _step("where"),
        kinds=(Kind.TEXT, Kind.LOCATION),
        accepts=lambda incoming: "leven" not in incoming.text,
    )
    journeys.text(_step("typed"))
    asked = "activities.where"
    place = FakeConversation(Incoming(Kind.TEXT, text="Heemstede"), asked)
    assert await _handled(journeys, place) == ["where"]
    crisis = FakeConversation(Incoming(Kind.TEXT, text="ik wil niet meer leven"), asked)
    assert await _handled(journeys, crisis) == ["typed"]
    shared = Incoming(Kind.LOCATION, latitude=52.36, longitude=4.62)
    assert await _handled(journeys, FakeConversation(shared, asked)) == ["where"]


async def test_typed_text_of_a_known_shape_goes_to_its_journey_when_no_question_takes_it(
    journeys: Journeys,
) -> None:
    journeys.typed("activities.postcode", lambda text: text.strip().isdigit(), _step("search"))
    typed = Incoming(Kind.TEXT, text="2101")
    assert await _handled(journeys, FakeConversation(typed)) == ["search"]
    # The open question still comes first; other text is the text step's.
    assert await _handled(journeys, FakeConversation(typed, "mydata.postcode")) == ["postcode"]
    hello = Incoming(Kind.TEXT, text="hallo")
    assert await _handled(journeys, FakeConversation(hello)) == ["typed"]
    # A shape is its journey's claim; other text is left to the text step.
    assert journeys.claims(typed, None) is not None
    assert journeys.claims(hello, None) is None and journeys.leftover(hello) is not None
    with pytest.raises(ValueError, match="registered already"):
        journeys.typed("activities.postcode", lambda text: True, _step("again"))


async def test_a_start_payload_goes_to_the_step_whose_pattern_it_matches_whole() -> None:
    catalogs = Catalogs.load(load_settings(TELEGRAM_BOT_TOKEN="1:x").zone)
    journeys = Journeys(menu_label_index(catalogs))
    journeys.command(["start"], _step("start"))
    journeys.start_payload(re.compile(r"ec[A-Za-z0-9_-]{16}"), _step("contact invite"))
    invite = FakeConversation(command_of("/start ecABCDEFGHIJKLMNOP"), "mydata.postcode")
    assert await _handled(journeys, invite) == ["contact invite"]
    assert invite.closed == 1  # a start link moves on, like any command
    for text in ("/start", "/start ecABC", "/start ABCDEFGHIJKLMNOP", "/start xecABCDEFGHIJKLMNOP"):
        assert await _handled(journeys, FakeConversation(command_of(text))) == ["start"]
    with pytest.raises(ValueError, match="registered already"):
        journeys.start_payload(re.compile(r"ec[A-Za-z0-9_-]{16}"), _step("again"))


async def test_typed_answer_readers_come_before_the_text_step_but_not_a_question(
    journeys: Journeys,
) -> None:
    async def mood(conversation: FakeConversation) -> bool:
        conversation.steps.append("mood?")
        return conversation.incoming.text == "goed"

    journeys.typed_answer(mood)  # type: ignore[arg-type]
    goed = Incoming(Kind.TEXT, text="goed")
    assert await _handled(journeys, FakeConversation(goed)) == ["mood?"]
    other = Incoming(Kind.TEXT, text="koffie")
    assert await _handled(journeys, FakeConversation(other)) == ["mood?", "typed"]
    # The open question, a command and a menu label are never read as a mood.
    assert await _handled(journeys, FakeConversation(goed, "mydata.postcode")) == ["postcode"]
    menu = FakeConversation(Incoming(Kind.TEXT, text="📋 My data"))
    assert await _handled(journeys, menu) == ["my data menu"]
    assert await _handled(journeys, FakeConversation(command_of("/mydata"))) == ["my data command"]


async def test_a_command_with_a_code_goes_to_the_journey_of_that_code(journeys: Journeys) -> None:
    journeys.command(["start"], _step("start"))
    journeys.start_payload(re.compile("[A-Z]{4}", re.IGNORECASE), _step("code"))
    assert await _handled(journeys, FakeConversation(command_of("/start"))) == ["start"]
    assert await _handled(journeys, FakeConversation(command_of("/start abcd"))) == ["code"]
    assert journeys.claims(command_of("/mydata now"), None) is not None
    with pytest.raises(ValueError):
        journeys.start_payload(re.compile("[A-Z]{4}", re.IGNORECASE), _step("again"))


async def test_someone_who_writes_first_is_greeted(journeys: Journeys) -> None:
    conversation = FakeConversation(Incoming(Kind.TEXT, text="hallo"))
    await journeys.greet_first(conversation)  # type: ignore[arg-type]
    assert conversation.steps == ["typed"]  # no greeting registered: routed as usual
    journeys.greet(_step("welcome"))
    conversation = FakeConversation(Incoming(Kind.TEXT, text="hallo"))
    await journeys.greet_first(conversation)  # type: ignore[arg-type]
    assert conversation.steps == ["welcome"]
    with pytest.raises(ValueError):
        journeys.greet(_step("again"))
