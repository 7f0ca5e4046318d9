"""What a person does the way their app does it, for tests that run on every channel.

``harness.Person`` (Telegram) and ``whatsapp_people.WhatsAppPerson`` share say, tap,
press and expect; what differs (a forged button, a sticker, a shared contact) is here,
once, instead of an if in every test.
"""

from __future__ import annotations

from bot.emulator.client import Entry
from tests.e2e.harness import Person
from tests.e2e.whatsapp_people import WhatsAppPerson

Someone = Person | WhatsAppPerson


async def press_data(person: Someone, data: str, entry: Entry | None = None) -> None:
    """A button with this data, whether Samen showed it or not (a forged or stale one):
    on Telegram on ``entry`` (else Samen's last message), on WhatsApp as a reply id."""
    if isinstance(person, WhatsAppPerson):
        await person.client.press(person.bsuid, data, forge=True)
        return
    message_id = entry.get("message_id") if entry is not None else None
    await person.client.press(
        person.user_id, message_id or await person.last_bot_message_id(), data, forge=True
    )


async def send_sticker(person: Someone) -> None:
    if isinstance(person, WhatsAppPerson):
        await person.client.send_media(person.bsuid, "sticker")
        return
    await person.client.send_sticker(person.user_id)


async def send_contact(person: Someone, phone: str, owner: Person | None = None) -> None:
    """A contact card with ``phone``: someone else's (``owner``) or a stranger's."""
    if isinstance(person, WhatsAppPerson):
        await person.client.send_contact(person.bsuid, phone)
        return
    owner_id = owner.user_id if owner is not None else None
    await person.client.send_contact(person.user_id, phone, contact_user_id=owner_id)


def english(person: Someone) -> str:
    """The English button at the language question: ticked where the phone said English,
    which only Telegram tells Samen."""
    return "✓ English" if person.channel == "telegram" else "English"
