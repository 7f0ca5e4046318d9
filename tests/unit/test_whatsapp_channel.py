"""WhatsApp's side of the conversation layer: webhook messages in, Replies out."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.channels.whatsapp.incoming import OWN_PHONE, SAY, incoming_of
from bot.channels.whatsapp.reply import messages_of
from bot.chat.incoming import Incoming, Kind
from bot.chat.message import Ask, Choice, ListRow, Reply, choices
from bot.i18n import Catalogs, Translator

OWN = "+31612345678"


@pytest.fixture(scope="module")
def nl() -> Translator:
    return Catalogs.load(ZoneInfo("Europe/Amsterdam")).get("nl")


def tapped(kind: str, data: str) -> dict[str, object]:
    return {"type": "interactive", "interactive": {"type": kind, kind: {"id": data, "title": "x"}}}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"type": "text", "text": {"body": "hallo"}}, Incoming(Kind.TEXT, text="hallo")),
        (
            {"type": "text", "text": {"body": "/mydata now"}},
            Incoming(Kind.COMMAND, text="/mydata now", command="mydata", args=("now",)),
        ),
        (tapped("button_reply", "md:export"), Incoming(Kind.CHOICE, data="md:export")),
        (tapped("list_reply", "act:3"), Incoming(Kind.CHOICE, data="act:3")),
        (tapped("list_reply", SAY + "📋 Mijn gegevens"), Incoming(Kind.TEXT, text="📋 Mijn gegevens")),  # noqa: E501
        (tapped("button_reply", OWN_PHONE), Incoming(Kind.CONTACT, phone=OWN, own_contact=True)),
        (
            {"type": "location", "location": {"latitude": 52.35, "longitude": 4.62}},
            Incoming(Kind.LOCATION, latitude=52.35, longitude=4.62),
        ),
        (
            {
                "type": "contacts",
                "from": "31612345678",
                "contacts": [{"phones": [{"phone": "+31 6 12345678", "wa_id": "31612345678"}]}],
            },
            Incoming(Kind.CONTACT, phone="+31 6 12345678", own_contact=True),
        ),
        (
            {"type": "contacts", "contacts": [{"phones": [{"phone": "+31 6 1", "wa_id": "3161"}]}]},
            Incoming(Kind.CONTACT, phone="+31 6 1", own_contact=False),
        ),
        ({"type": "audio", "audio": {"voice": True}}, Incoming(Kind.MEDIA, media="voice")),
        ({"type": "image", "image": {}}, Incoming(Kind.MEDIA, media="photo")),
        ({"type": "button", "button": {"text": "Stop"}}, Incoming(Kind.TEXT, text="Stop")),
        ({"type": "reaction", "reaction": {}}, Incoming(Kind.OTHER)),
        # A place without usable coordinates: unreadable, never a failure Meta repeats.
        ({"type": "location", "location": {"name": "Thuis"}}, Incoming(Kind.OTHER)),
        ({"type": "location", "location": {"latitude": "?", "longitude": 4}}, Incoming(Kind.OTHER)),
    ],
)  # fmt: skip
def test_webhook_messages_become_what_the_person_did(
    message: dict[str, object], expected: Incoming
) -> None:
    assert incoming_of(message, OWN) == expected


def test_the_menu_is_a_list_whose_rows_count_as_typing_the_label(nl: Translator) -> None:
    (message,) = messages_of(
        Reply("Wat wilt u doen?", menu=True), nl, consented=True, own_phone=None
    )
    assert message.list_button == "Menu" and message.buttons == ()
    assert message.rows[0].data == SAY + "🔎 Activiteiten"
    assert len(message.rows) == 7
    unconsented = messages_of(Reply("Hallo", menu=True), nl, consented=False, own_phone=None)
    assert [r.title for r in unconsented[0].rows] == [
        "🔎 Activiteiten",
        "🔒 Privacy",
        "🌐 Taal",
        "❓ Hulp",
    ]


def test_choices_win_over_the_menu_and_descriptions_make_a_list(nl: Translator) -> None:
    reply = Reply(
        "Kies",
        rows=(ListRow("Koffie", "a:1", "Bibliotheek, 10:00"),),
        choices=choices(Choice("Meer", "a:more")),
        menu=True,
    )
    (message,) = messages_of(reply, nl, consented=True, own_phone=None)
    assert message.buttons == () and message.list_button == "Kies"
    assert [(o.title, o.data, o.description) for o in message.rows] == [
        ("Koffie", "a:1", "Bibliotheek, 10:00"),
        ("Meer", "a:more", ""),
    ]


def test_asks_location_by_request_and_phone_typed_or_own_number(nl: Translator) -> None:
    location = Reply("Waar bent u?", ask=Ask.LOCATION, ask_also=("Nu niet",))
    ask, also = messages_of(location, nl, consented=True, own_phone=OWN)
    assert ask.location_request and ask.body == "Waar bent u?"
    assert [(o.title, o.data) for o in also.buttons] == [("Nu niet", SAY + "Nu niet")]

    phone = Reply("Op welk nummer?", ask=Ask.PHONE, ask_also=("Nu niet",))
    (known,) = messages_of(phone, nl, consented=True, own_phone=OWN)
    assert [o.data for o in known.buttons + known.rows] == [OWN_PHONE, SAY + "Nu niet"]
    (hidden,) = messages_of(phone, nl, consented=True, own_phone=None)
    assert [o.data for o in hidden.buttons] == [SAY + "Nu niet"]
