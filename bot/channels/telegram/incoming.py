"""A PTB Update as what the person did (``bot.chat.incoming``)."""

from __future__ import annotations

from telegram import Message, Update

from bot.chat.incoming import Incoming, Kind, command_of

# Telegram's message fields for things Samen cannot read, as media kinds. An animation
# also carries a document, so it is asked first.
MEDIA_FIELDS = (
    "voice",
    "video_note",
    "video",
    "photo",
    "sticker",
    "animation",
    "audio",
    "document",
)


def incoming_of(update: Update) -> Incoming:
    query = update.callback_query
    if query is not None:
        return Incoming(Kind.CHOICE, data=query.data or "")
    if update.edited_message is not None:
        return Incoming(Kind.EDITED, text=update.edited_message.text or "")
    if update.message is None:
        return Incoming(Kind.OTHER)
    return _message(update.message)


def _message(message: Message) -> Incoming:
    text = message.text
    if text is not None:
        return command_of(text) if text.startswith("/") and text[1:2].strip() else _text(text)
    if message.location is not None:
        return Incoming(
            Kind.LOCATION,
            latitude=message.location.latitude,
            longitude=message.location.longitude,
        )
    contact = message.contact
    if contact is not None:
        sender = message.from_user.id if message.from_user is not None else None
        return Incoming(
            Kind.CONTACT,
            phone=contact.phone_number,
            own_contact=contact.user_id is not None and contact.user_id == sender,
        )
    media = next((field for field in MEDIA_FIELDS if getattr(message, field, None)), None)
    return Incoming(Kind.MEDIA, media=media) if media is not None else Incoming(Kind.OTHER)


def _text(text: str) -> Incoming:
    return Incoming(Kind.TEXT, text=text)
