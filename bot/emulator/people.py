"""The simulated people: what tests make users do, turned into queued Telegram updates.

Control calls are checked strictly (an impossible action is a bug in the test, so it is
refused with ``ControlError``) except where a test asks to act like a malicious client
(``forge``).
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable
from typing import Any

from bot.emulator.state import (
    DEFAULT_LOCATION,
    DEFAULT_PHONE,
    CallbackRec,
    ChatRec,
    EmulatorState,
)
from bot.emulator.validation import JSONDict, button_text, command_entities

_FAKE_BYTES = {
    "photo": b"\xff\xd8\xff\xe0emulated-jpeg",
    "voice": b"OggSemulated-voice",
    "sticker": b"RIFFemulated-webp",
    "document": b"emulated document",
}


class ControlError(Exception):
    """A control request that cannot happen in real Telegram (HTTP 400/404 to the test)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def int_of(body: JSONDict, key: str, default: int | None = None) -> int:
    raw = body.get(key, default)
    if raw is None or isinstance(raw, bool):
        raise ControlError(f"{key} (int) is required")
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ControlError(f"{key} must be an integer") from None


def _float(body: JSONDict, key: str, default: float) -> float:
    try:
        return float(body.get(key, default))
    except (TypeError, ValueError):
        raise ControlError(f"{key} must be a number") from None


def add_user(state: EmulatorState, body: JSONDict) -> JSONDict:
    """Create (or update) a user and their private chat; chat id = user id. The bot
    may write in it once they have (``started``: they did so before the test)."""
    user_id = int_of(body, "user_id")
    if user_id <= 0:
        raise ControlError("user_id must be positive")
    first_name = body.get("first_name")
    if not isinstance(first_name, str) or not first_name:
        raise ControlError("first_name is required")
    user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
    for key in ("last_name", "username", "language_code"):
        if body.get(key):
            user[key] = str(body[key])
    state.users[user_id] = user
    rec = state.chats.get(user_id)
    if rec is None:
        rec = state.chats[user_id] = ChatRec(chat=state.private_chat_json(user))
    else:
        rec.chat = state.private_chat_json(user)
    rec.started = rec.started or bool(body.get("started"))
    return user


def add_group(state: EmulatorState, body: JSONDict) -> JSONDict:
    """Create a group chat; any user may then send into it."""
    chat_id = int_of(body, "chat_id")
    if chat_id >= 0:
        raise ControlError("group chat_id must be negative")
    title = body.get("title")
    if not isinstance(title, str) or not title:
        raise ControlError("title is required")
    kind = body.get("type") or ("supergroup" if chat_id <= -1_000_000_000_000 else "group")
    if kind not in ("group", "supergroup"):
        raise ControlError("type must be group or supergroup")
    chat: JSONDict = {"id": chat_id, "type": kind, "title": title}
    state.chats[chat_id] = ChatRec(chat=chat)
    return chat


def sender_of(state: EmulatorState, body: JSONDict) -> tuple[JSONDict, ChatRec]:
    user_id = int_of(body, "user_id")
    if user_id <= 0:
        raise ControlError("user_id must be positive")
    user = state.ensure_user(user_id)
    chat_id = int_of(body, "chat_id", user_id)
    rec = state.chats.get(chat_id)
    if chat_id != user_id and (rec is None or rec.private):
        raise ControlError(f"unknown group {chat_id}; create it with POST /control/groups")
    assert rec is not None
    if rec.private and user_id in state.blocked:
        raise ControlError(f"user {user_id} has blocked the bot; unblock first")
    if rec.private:
        rec.started = True
    return user, rec


def _queue_message(
    state: EmulatorState, user: JSONDict, rec: ChatRec, content: JSONDict
) -> JSONDict:
    message: JSONDict = {
        "message_id": rec.take_message_id(),
        "from": user,
        "chat": rec.chat,
        "date": int(time.time()),
        **content,
    }
    rec.messages[message["message_id"]] = message
    state.record_message(rec, message, direction="in")
    update_id = state.queue_update("message", dict(message))
    return {"update_id": update_id, "message_id": message["message_id"]}


def _file(state: EmulatorState, kind: str, body: JSONDict, name: str | None = None) -> JSONDict:
    content = body.get("content")
    data = content.encode("utf-8") if isinstance(content, str) else _FAKE_BYTES[kind]
    mime = mimetypes.guess_type(name)[0] if name else None
    stored = state.store_file(data, folder=f"{kind}s", file_name=name, mime_type=mime)
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(data),
    }


def _text_content(text: str) -> JSONDict:
    content: JSONDict = {"text": text}
    entities = command_entities(text)
    if entities:
        content["entities"] = entities
    return content


def _content(state: EmulatorState, user: JSONDict, body: JSONDict) -> JSONDict:
    kind = body.get("kind", "text")
    text = body.get("text")
    if text is not None and not isinstance(text, str):
        raise ControlError("text must be a string")
    content: JSONDict = {}
    if kind == "text":
        if not text:
            raise ControlError("text is required for kind=text")
        return _text_content(text)
    if kind == "location":
        lat = _float(body, "latitude", DEFAULT_LOCATION[0])
        lon = _float(body, "longitude", DEFAULT_LOCATION[1])
        return {"location": {"latitude": lat, "longitude": lon}}
    if kind == "contact":
        return {"contact": _contact(state, user, body)}
    if kind == "sticker":
        sticker = _file(state, "sticker", body)
        sticker.update(
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
            emoji=body.get("emoji", "👍"),
        )
        return {"sticker": sticker}
    if kind in _PLAIN_KINDS:
        return _PLAIN_KINDS[kind](state, body)
    if kind == "voice":
        voice = _file(state, "voice", body)
        voice.update(duration=int_of(body, "duration", 3), mime_type="audio/ogg")
        return {"voice": voice}
    if kind == "photo":
        size = _file(state, "photo", body)
        content["photo"] = [
            {**size, "width": 90, "height": 90},
            {**size, "width": 1280, "height": 960},
        ]
    elif kind == "document":
        name = str(body.get("file_name") or "document.txt")
        document = _file(state, "document", body, name)
        document["file_name"] = name
        document["mime_type"] = mimetypes.guess_type(name)[0] or "application/octet-stream"
        content["document"] = document
    else:
        raise ControlError(f"unknown kind {kind!r}")
    if text:
        content["caption"] = text
    return content


def _dice(state: EmulatorState, body: JSONDict) -> JSONDict:
    return {"dice": {"emoji": str(body.get("emoji") or "🎲"), "value": 4}}


def _poll(state: EmulatorState, body: JSONDict) -> JSONDict:
    labels = body.get("options") or ("Ja", "Nee")
    options = [
        {"text": str(o), "voter_count": 0, "persistent_id": str(i)} for i, o in enumerate(labels)
    ]
    poll = {
        "id": str(state.new_id()),
        "question": str(body.get("text") or "Komt u ook?"),
        "options": options,
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,  # required since Bot API 9.6
        "members_only": False,  # required since Bot API 10.0
    }
    if body.get("older_api"):  # as Bot API 9.5 sent it, which PTB 22.8 cannot read
        del poll["allows_revoting"], poll["members_only"]
        for option in options:
            del option["persistent_id"]
    return {"poll": poll}


def _venue(state: EmulatorState, body: JSONDict) -> JSONDict:
    lat = _float(body, "latitude", DEFAULT_LOCATION[0])
    lon = _float(body, "longitude", DEFAULT_LOCATION[1])
    location = {"latitude": lat, "longitude": lon}
    title = str(body.get("text") or "Bibliotheek Heemstede")
    venue = {"location": location, "title": title, "address": "Julianaplein 1"}
    return {"location": location, "venue": venue}


def _video_note(state: EmulatorState, body: JSONDict) -> JSONDict:
    note = _file(state, "voice", body)
    return {"video_note": {**note, "length": 240, "duration": 3}}


def _animation(state: EmulatorState, body: JSONDict) -> JSONDict:
    """A GIF: Telegram sends it as an animation and, for old clients, a document."""
    gif = _file(state, "document", body, "animation.mp4")
    animation = {**gif, "width": 320, "height": 240, "duration": 2, "mime_type": "video/mp4"}
    document = {**gif, "file_name": "animation.mp4", "mime_type": "video/mp4"}
    return {"animation": animation, "document": document}


# Kinds made from the request alone, without a caption.
_PLAIN_KINDS: dict[str, Callable[[EmulatorState, JSONDict], JSONDict]] = {
    "dice": _dice,
    "poll": _poll,
    "venue": _venue,
    "video_note": _video_note,
    "animation": _animation,
}


def _contact(state: EmulatorState, user: JSONDict, body: JSONDict) -> JSONDict:
    phone = body.get("phone_number")
    if not isinstance(phone, str) or not phone:
        raise ControlError("phone_number is required for kind=contact")
    contact_user_id = int_of(body, "contact_user_id", user["id"])
    owner = state.users.get(contact_user_id, {})
    contact: JSONDict = {
        "phone_number": phone,
        "first_name": body.get("first_name") or owner.get("first_name") or "Contact",
        "user_id": contact_user_id,
    }
    last_name = body.get("last_name") or owner.get("last_name")
    if last_name:
        contact["last_name"] = last_name
    return contact


def send(state: EmulatorState, body: JSONDict) -> JSONDict:
    """A user sends something; returns {update_id, message_id}. ``media_group_id``
    makes it part of an album, ``forwarded_from`` (a name) a forward from someone who
    hides their account, ``reply_to`` (a message id) a reply, all as Telegram's JSON."""
    user, rec = sender_of(state, body)
    content = _content(state, user, body)
    return _queue_message(state, user, rec, {**content, **_context(rec, body)})


def _context(rec: ChatRec, body: JSONDict) -> JSONDict:
    """Where a message stands: in an album, forwarded, or a reply to an earlier one."""
    out: JSONDict = {}
    if body.get("media_group_id"):
        out["media_group_id"] = str(body["media_group_id"])
    if body.get("forwarded_from"):
        origin = {"type": "hidden_user", "sender_user_name": str(body["forwarded_from"])}
        out["forward_origin"] = {**origin, "date": int(time.time()) - 3600}
    if body.get("reply_to") is not None:
        earlier = rec.messages.get(int_of(body, "reply_to"))
        if earlier is None:
            raise ControlError(f"no message {body['reply_to']} to reply to")
        out["reply_to_message"] = {k: v for k, v in earlier.items() if k != "reply_to_message"}
    return out


def edit(state: EmulatorState, body: JSONDict) -> JSONDict:
    """A user edits one of their own text messages (an edited_message update)."""
    user, rec = sender_of(state, body)
    message_id = int_of(body, "message_id")
    message = rec.messages.get(message_id)
    if message is None or message["from"].get("id") != user["id"]:
        raise ControlError(f"user {user['id']} has no message {message_id} in this chat")
    text = body.get("text")
    if not isinstance(text, str) or not text or "text" not in message:
        raise ControlError("only text messages can be edited, with non-empty text")
    message.pop("entities", None)
    message.update(_text_content(text))
    message["edit_date"] = int(time.time())
    state.record_message(rec, message, direction="in")
    update_id = state.queue_update("edited_message", dict(message))
    return {"update_id": update_id, "message_id": message_id}


def _inline_buttons(message: JSONDict) -> list[JSONDict]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button for row in rows for button in row]


def press(state: EmulatorState, body: JSONDict) -> JSONDict:
    """A user presses an inline button; returns {update_id, callback_query_id}."""
    user, rec = sender_of(state, body)
    message_id = int_of(body, "message_id")
    message = rec.messages.get(message_id)
    if message is None or not message["from"].get("is_bot"):
        raise ControlError(f"no bot message {message_id} in chat {rec.chat['id']}")
    buttons = _inline_buttons(message)
    data = body.get("callback_data")
    label = body.get("button_text")
    if label is not None:
        match = next((b for b in buttons if b.get("text") == label), None)
        if match is None or "callback_data" not in match:
            raise ControlError(f"message {message_id} has no callback button {label!r}")
        data = match["callback_data"]
    elif not isinstance(data, str):
        raise ControlError("pass callback_data or button_text")
    elif not body.get("forge") and not any(b.get("callback_data") == data for b in buttons):
        raise ControlError(f"message {message_id} has no button with callback_data {data!r}")
    query_id = f"{state.new_id()}{user['id'] % 100000:05d}"
    state.callbacks[query_id] = CallbackRec(query_id, rec.chat["id"], message_id, user["id"], data)
    query: JSONDict = {
        "id": query_id,
        "from": user,
        "message": _inaccessible(message) if body.get("inaccessible") else dict(message),
        "chat_instance": str(abs(rec.chat["id"]) * 7919 + 13),
        "data": data,
    }
    update_id = state.queue_update("callback_query", query)
    return {"update_id": update_id, "callback_query_id": query_id}


def _inaccessible(message: JSONDict) -> JSONDict:
    """What Telegram sends for a message it no longer shows the bot (older than 48
    hours): an InaccessibleMessage, its date 0."""
    return {"chat": message["chat"], "message_id": message["message_id"], "date": 0}


def tap_reply_button(state: EmulatorState, body: JSONDict) -> JSONDict:
    """A user taps a button of the reply keyboard currently shown in the chat."""
    user, rec = sender_of(state, body)
    keyboard = rec.reply_keyboard
    if keyboard is None:
        raise ControlError(f"no reply keyboard is shown in chat {rec.chat['id']}")
    wanted = body.get("text")
    buttons = [b for row in keyboard.get("keyboard", []) for b in row]
    button: Any = next((b for b in buttons if button_text(b) == wanted), None)
    if button is None:
        shown = [button_text(b) for b in buttons]
        raise ControlError(f"no reply button {wanted!r}; shown: {shown}")
    if isinstance(button, dict) and button.get("request_contact"):
        body = {**body, "contact_user_id": user["id"], "first_name": None}
        body.setdefault("phone_number", DEFAULT_PHONE)
        content = {"contact": _contact(state, user, body)}
    elif isinstance(button, dict) and button.get("request_location"):
        lat = _float(body, "latitude", DEFAULT_LOCATION[0])
        lon = _float(body, "longitude", DEFAULT_LOCATION[1])
        content = {"location": {"latitude": lat, "longitude": lon}}
    else:
        content = _text_content(button_text(button))
    if keyboard.get("one_time_keyboard"):
        rec.reply_keyboard = None
    return _queue_message(state, user, rec, content)


def set_blocked(state: EmulatorState, body: JSONDict, blocked: bool) -> JSONDict:
    """Block/unblock the bot; Telegram tells the bot with a my_chat_member update."""
    user_id = int_of(body, "user_id")
    user = state.ensure_user(user_id)
    if (user_id in state.blocked) == blocked:
        return {"update_id": None}
    if blocked:
        state.blocked.add(user_id)
    else:
        state.blocked.discard(user_id)
    bot = state.bot_user()
    old, new = ("member", "kicked") if blocked else ("kicked", "member")
    member_old: JSONDict = {"user": bot, "status": old}
    member_new: JSONDict = {"user": bot, "status": new}
    for member in (member_old, member_new):
        if member["status"] == "kicked":
            member["until_date"] = 0
    payload = {
        "chat": state.chats[user_id].chat,
        "from": user,
        "date": int(time.time()),
        "old_chat_member": member_old,
        "new_chat_member": member_new,
    }
    return {"update_id": state.queue_update("my_chat_member", payload)}
