"""Reply buttons, lists and long texts within Meta's limits; nothing is lost."""

from __future__ import annotations

from bot.channels.whatsapp.incoming import incoming_of
from bot.channels.whatsapp.render import (
    BODY_MAX,
    BODY_WITH_BUTTONS_MAX,
    Option,
    render,
    split_text,
)
from bot.channels.whatsapp.reply import messages_of
from bot.chat.message import Choice, Reply, Venue, choices
from bot.config import load_settings
from bot.i18n import Catalogs

KW = {"list_button": "Choose", "more_text": "More choices:"}


def test_up_to_three_short_choices_are_reply_buttons() -> None:
    options = [Option("Yes", "a:1"), Option("No", "a:2"), Option("Later", "a:3")]
    (message,) = render("<b>Coffee?</b>", options, **KW)
    assert message.body == "*Coffee?*" and message.buttons == tuple(options)
    assert message.rows == ()


def test_more_choices_or_long_labels_make_a_list_with_full_labels_kept() -> None:
    (four,) = render("Pick", [Option(f"Option {i}", f"o:{i}") for i in range(4)], **KW)
    assert len(four.rows) == 4 and four.buttons == () and four.list_button == "Choose"
    long_label = "Walking group in the park on Saturday"
    (one,) = render("Pick", [Option(long_label, "w:1")], **KW)
    assert len(one.rows[0].title) == 24 and one.rows[0].title.endswith("…")
    assert one.rows[0].description == long_label


def test_beyond_ten_rows_the_list_goes_on_in_a_next_message() -> None:
    options = [Option(f"Activity {i}", f"a:{i}") for i in range(23)]
    pages = render("Activities", options, **KW)
    assert [len(p.rows) for p in pages] == [10, 10, 3]
    assert [p.body for p in pages] == ["Activities", "More choices:", "More choices:"]
    assert [r.data for p in pages for r in p.rows] == [o.data for o in options]


def test_long_texts_are_split_within_the_body_limits() -> None:
    paragraph = "A sentence of some length. " * 30
    text = "\n\n".join([paragraph] * 8)
    plain = render(text, **KW)
    assert all(len(m.body) <= BODY_MAX for m in plain) and len(plain) > 1
    with_buttons = render(text, [Option("OK", "ok")], **KW)
    assert all(len(m.body) <= BODY_WITH_BUTTONS_MAX for m in with_buttons)
    assert with_buttons[-1].buttons and not any(m.buttons for m in with_buttons[:-1])
    assert " ".join(" ".join(m.body.split()) for m in plain) == " ".join(text.split())


def test_location_request_and_word_cuts() -> None:
    (ask,) = render("Where are you?", location_request=True, **KW)
    assert ask.location_request
    assert split_text("aaa bbb ccc", 7) == ["aaa bbb", "ccc"]


def test_choices_with_the_same_data_get_ids_that_differ_and_tap_as_the_same() -> None:
    """Telegram allows one keyboard to repeat data (a ticked kind and "Any time" both
    mean "as it is"); WhatsApp refuses repeated ids, so a repeat is marked and unmarked."""
    same = "af:p2101:all:a:0"
    options = [Option("✓ Everything", same), Option("✓ Any time", same), Option("Today", "x:1")]
    (message,) = render("Filters", options, **KW)
    ids = [b.data for b in message.buttons]
    assert len(set(ids)) == 3 and ids[0] == same
    for row_id in ids[:2]:
        tapped = {"type": "interactive", "interactive": {"button_reply": {"id": row_id}}}
        assert incoming_of(tapped).data == same


def test_a_place_is_a_location_message_before_the_text() -> None:
    t = Catalogs.load(load_settings(TELEGRAM_BOT_TOKEN="1:x").zone).get("en")
    pin = Venue(52.3574, 4.6222, "Coffee morning", "Bibliotheek, Julianaplein 1")
    reply = Reply(
        "<b>Coffee morning</b>", choices=choices(Choice("Remind me", "ar:1:2")), place=pin
    )
    first, text = messages_of(reply, t, consented=True, own_phone=None)
    assert first.place == pin and first.body == "" and not first.buttons
    assert text.body == "*Coffee morning*" and text.place is None
