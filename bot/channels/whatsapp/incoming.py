"""A WhatsApp webhook message as what the person did (``bot.chat.incoming``).

Taps come back with the id Samen gave the button or list row. Most ids are journeys'
choice data; two kinds are the channel's own: ``SAY`` rows stand for a typed label (the
main menu, "Not now" beside a request), so they route exactly as typing it would, and
``OWN_PHONE`` is "use the number I write from" (WhatsApp has no "share my contact").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.chat.incoming import Incoming, Kind, command_of

SAY = "say|"
OWN_PHONE = "phone|own"
# WhatsApp refuses a message whose buttons or rows share an id; Telegram allows it (a
# ticked filter and "Any time" may both mean "as it is"). A repeat gets "#<n>" after it
# ("#" is in no choice data: the codec's and the channel's own ids never use it).
REPEAT = "#"
JSON = dict[str, Any]

# WhatsApp's message types Samen cannot read, as the media kinds journeys know.
MEDIA_KINDS = {
    "image": "photo",
    "video": "video",
    "sticker": "sticker",
    "document": "document",
}


def said(text: str) -> Incoming:
    if text.startswith("/") and text[1:2].strip():
        return command_of(text)
    return Incoming(Kind.TEXT, text=text)


def _text(message: JSON, _own: str | None) -> Incoming:
    return said(str((message.get("text") or {}).get("body", "")))


def _interactive(message: JSON, own: str | None) -> Incoming:
    interactive = message.get("interactive") or {}
    reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
    data = str(reply.get("id", ""))
    if data.startswith(SAY):
        return said(data.removeprefix(SAY))
    if data == OWN_PHONE:
        return Incoming(Kind.CONTACT, phone=own, own_contact=True) if own else said("")
    return Incoming(Kind.CHOICE, data=choice_data(data))


def choice_data(option_id: str) -> str:
    """The journey's choice data behind a button or row id (without a repeat's mark)."""
    return option_id.split(REPEAT, 1)[0]


def _template_button(message: JSON, _own: str | None) -> Incoming:
    """A quick-reply button of a template: what it says, as if typed."""
    return said(str((message.get("button") or {}).get("text", "")))


def _location(message: JSON, _own: str | None) -> Incoming:
    """A shared place; one without usable coordinates is something Samen cannot read
    (not a failure: Meta would deliver it again and again)."""
    location = message.get("location") or {}
    try:
        latitude, longitude = float(location["latitude"]), float(location["longitude"])
    except (KeyError, TypeError, ValueError):
        return Incoming(Kind.OTHER)
    return Incoming(Kind.LOCATION, latitude=latitude, longitude=longitude)


def _contacts(message: JSON, _own: str | None) -> Incoming:
    phones = [p for c in message.get("contacts") or [] for p in c.get("phones") or []]
    if not phones:
        return Incoming(Kind.OTHER)
    sender = message.get("from")
    own = sender is not None and phones[0].get("wa_id") == sender
    return Incoming(Kind.CONTACT, phone=str(phones[0].get("phone", "")), own_contact=own)


def _audio(message: JSON, _own: str | None) -> Incoming:
    voice = (message.get("audio") or {}).get("voice", False)
    return Incoming(Kind.MEDIA, media="voice" if voice else "audio")


_BY_TYPE: Mapping[str, Callable[[JSON, str | None], Incoming]] = {
    "text": _text,
    "interactive": _interactive,
    "button": _template_button,
    "location": _location,
    "contacts": _contacts,
    "audio": _audio,
}


def incoming_of(message: JSON, own_phone: str | None = None) -> Incoming:
    """``own_phone``: the number the person writes from ('+31…'), when Meta shows it."""
    kind = str(message.get("type", ""))
    parse = _BY_TYPE.get(kind)
    if parse is not None:
        return parse(message, own_phone)
    if kind in MEDIA_KINDS:
        return Incoming(Kind.MEDIA, media=MEDIA_KINDS[kind])
    return Incoming(Kind.OTHER)
