"""What a journey says: a reply with choices, a list, a one-time request, a document.

Every channel renders these with what it has (``bot.channels.telegram``: inline and reply
keyboards, edits; WhatsApp: reply buttons and lists). A journey never names a channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Choice:
    """One tappable choice; ``data`` is made with ``bot.buttons.encode`` (≤ 64 bytes)."""

    label: str
    data: str


@dataclass(frozen=True)
class ListRow:
    """One row of a longer list to pick from."""

    title: str
    data: str
    description: str = ""


class Ask(StrEnum):
    """A one-time request the app can answer with a tap."""

    NOTHING = "nothing"
    LOCATION = "location"  # Telegram: reply keyboard request_location
    PHONE = "phone"  # Telegram: request_contact; WhatsApp: typed, or the sender's number


@dataclass(frozen=True)
class Venue:
    """A pin on the map with a name and address (an activity's place), shown above the
    text: Telegram's venue, WhatsApp's location message. The channel shortens what is too
    long for it; without an address it shows the bare location."""

    latitude: float
    longitude: float
    name: str
    address: str = ""


@dataclass(frozen=True)
class Reply:
    """One thing Samen says. ``text`` is simple HTML (<b> <i> <a href>); user text escaped."""

    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()  # a few choices, in rows
    rows: tuple[ListRow, ...] = ()  # a longer list; opened with list_label
    list_label: str = ""
    ask: Ask = Ask.NOTHING
    ask_also: tuple[str, ...] = ()  # extra typed-answer labels beside the ask ("Not now")
    menu: bool = False  # show the person's main menu with it
    photo: str | None = None  # a file reference the channel knows
    placeholder: str = ""  # a hint in the empty text box ("For example 2101 AB")
    place: Venue | None = None  # a map pin sent just before the text


def choices(*rows: Choice | tuple[Choice, ...]) -> tuple[tuple[Choice, ...], ...]:
    """Rows of choices; a single Choice is a row of its own (the common case)."""
    return tuple(row if isinstance(row, tuple) else (row,) for row in rows)


@dataclass(frozen=True)
class Document:
    name: str
    content: bytes
    caption: str = ""
