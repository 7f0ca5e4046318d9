"""What a person did, in words every channel has."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    LOCATION = "location"
    CONTACT = "contact"
    MEDIA = "media"
    COMMAND = "command"
    EDITED = "edited"
    OTHER = "other"


@dataclass(frozen=True)
class Incoming:
    kind: Kind
    text: str = ""  # TEXT, COMMAND (the whole text), EDITED
    data: str = ""  # CHOICE: the Choice.data / ListRow.data tapped
    command: str = ""  # COMMAND: the name without "/", lower case; its words in args
    args: tuple[str, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None  # CONTACT
    own_contact: bool = False  # CONTACT: the person shared their own number
    media: str = ""  # MEDIA: "voice", "video", "photo", "sticker", "document", ...


# What may answer an open question (a command or a menu tap closes it instead).
ANSWER_KINDS = frozenset({Kind.TEXT, Kind.LOCATION, Kind.CONTACT, Kind.MEDIA})


def command_of(text: str) -> Incoming:
    """A typed "/name@bot arg arg" as a COMMAND."""
    head, *args = text.split()
    name = head[1:].split("@", 1)[0].lower()
    return Incoming(Kind.COMMAND, text=text, command=name, args=tuple(args))
