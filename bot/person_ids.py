"""Which channel a person's id belongs to, from the id alone.

Services key people on one integer. Telegram's user and chat ids have at most 52
significant bits; WhatsApp people get ids below ``-(2**52)`` (see
``migrations/0014_whatsapp.sql``), so an id never needs a second column to say
where the person is, and the two channels can never hand out the same id.
"""

from __future__ import annotations

from enum import StrEnum

WHATSAPP_ID_CEILING = -(2**52)


class Channel(StrEnum):
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"


def whatsapp_id(seq: int) -> int:
    """The id of the ``seq``-th WhatsApp person (``seq`` from 1)."""
    if seq < 1:
        raise ValueError("WhatsApp sequence numbers start at 1")
    return WHATSAPP_ID_CEILING - seq


def channel_of(person_id: int) -> Channel:
    return Channel.WHATSAPP if person_id <= WHATSAPP_ID_CEILING else Channel.TELEGRAM
