"""Typed answers to buttons: which button a text picks, and what each chat shows last."""

from __future__ import annotations

import json

from bot.shown_choices import TYPED_QUERY, Shown, ShownChoices

SAFETY_NET = Shown(
    {"message_id": 7, "chat": {"id": 1}},
    (("🛟 Ja, graag", "checkin:net:yes"), ("Nee, liever niet", "checkin:net:no")),
)
PRIVACY = Shown(
    {"message_id": 3, "chat": {"id": 1}},
    (
        ("✅ Ik ga akkoord", "consent:yes"),
        ("Nee, liever niet", "consent:no"),
        ("📄 Meer lezen", "privacy:more"),
    ),
)


def test_yes_no_numbers_and_words_pick_a_button() -> None:
    assert SAFETY_NET.pick("ja") == "checkin:net:yes"
    assert SAFETY_NET.pick("Nee hoor") == "checkin:net:no"
    assert SAFETY_NET.pick("2") == "checkin:net:no"
    assert SAFETY_NET.pick("3") is None
    assert PRIVACY.pick("ja") == "consent:yes"  # the ✅ button is the yes
    assert PRIVACY.pick("meer lezen") == "privacy:more"
    assert PRIVACY.pick("nee") == "consent:no"


def test_other_text_picks_nothing() -> None:
    for text in ("ik voel me alleen", "kan iemand mij bellen", "", "🙂🙂"):
        assert SAFETY_NET.pick(text) is None


def _message(chat: int, message_id: int, buttons: list[tuple[str, str]]) -> bytes:
    markup = {"inline_keyboard": [[{"text": t, "callback_data": d}] for t, d in buttons]}
    result = {"message_id": message_id, "chat": {"id": chat}, "text": "…"}
    if buttons:
        result["reply_markup"] = markup
    return json.dumps({"ok": True, "result": result}).encode()


def test_the_last_message_with_buttons_is_remembered_per_chat() -> None:
    choices = ShownChoices()
    api = "http://api/bot123:abc/"
    choices.observe(api + "sendMessage", _message(1, 10, [("Ja", "a:yes"), ("Nee", "a:no")]))
    shown = choices.last(1)
    assert shown is not None and shown.pick("ja") == "a:yes"
    assert choices.last(2) is None
    # A newer message without buttons: nothing to pick any more.
    choices.observe(api + "sendMessage", _message(1, 11, []))
    assert choices.last(1) is None
    # An older message edited to show buttons (a question in place) is what is seen now.
    choices.observe(api + "editMessageText", _message(1, 10, [("Ja", "b:yes")]))
    shown = choices.last(1)
    assert shown is not None and shown.pick("ja") == "b:yes"
    # Another message losing its buttons changes nothing; this one losing them does.
    choices.observe(api + "editMessageReplyMarkup", _message(1, 9, []))
    assert choices.last(1) is not None
    choices.observe(api + "editMessageReplyMarkup", _message(1, 10, []))
    assert choices.last(1) is None
    # Answers that are no message (getMe, True for inline edits) are ignored.
    choices.observe(api + "getMe", b'{"ok":true,"result":{"id":1}}')
    choices.observe(api + "editMessageText", b'{"ok":true,"result":true}')


def test_only_typed_taps_are_answered_locally() -> None:
    choices = ShownChoices()
    url = "http://api/bot123:abc/answerCallbackQuery"
    assert choices.answer_locally(url, {"callback_query_id": TYPED_QUERY + "ab"}) is not None
    assert choices.answer_locally(url, {"callback_query_id": "4711"}) is None
    assert choices.answer_locally("http://api/bot1:a/sendMessage", {}) is None


def test_a_sentence_is_no_choice() -> None:
    offer = Shown(
        {"message_id": 4, "chat": {"id": 1}},
        (("✅ Ja, dat wil ik graag", "checkin:yes"), ("↩️ Nu niet", "checkin:no")),
    )
    assert offer.pick("ja") == "checkin:yes"
    assert offer.pick("nu niet") == "checkin:no"
    assert offer.pick("ik wil graag vrijwilliger worden") is None
