"""The emulator's Bot API methods that put something in a chat or change it: send a
message, a file, a place or a contact, and edit or delete one.

Each validates every parameter before it changes any state (see ``botapi``).
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.emulator.formatting import format_text
from bot.emulator.state import ChatRec, EmulatorState, StoredFile
from bot.emulator.validation import (
    MAX_CAPTION,
    MAX_TEXT,
    ApiError,
    JSONDict,
    bad_request,
    get_bool,
    get_float,
    get_int,
    get_str,
    utf16_len,
    validate_reply_markup,
)


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes
    from_url: bool = False


Files = dict[str, Upload]
Handler = Callable[[EmulatorState, JSONDict, Files], Any]

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


def chat_id_of(params: JSONDict) -> int | None:
    """The chat a request is about, if it names one (used for violation records)."""
    try:
        return get_int(params, "chat_id")
    except ApiError:
        return None


def target_chat(state: EmulatorState, params: JSONDict) -> ChatRec:
    raw = params.get("chat_id")
    if raw is None or raw == "":
        raise bad_request("chat_id is empty")
    return state.chat(chat_id_of(params))


def _text(params: JSONDict, key: str = "text", mode_key: str = "parse_mode") -> JSONDict:
    """Parse text + parse_mode into message fields, with Telegram's length rules (after
    the markup is parsed, in UTF-16 code units as Telegram counts: an emoji may be two)."""
    raw = get_str(params, key) or ""
    ents_key = "entities" if key == "text" else "caption_entities"
    plain, entities = format_text(raw, get_str(params, mode_key), params.get(ents_key))
    if key == "text":
        if not plain.strip():
            raise bad_request("message text is empty")
        if utf16_len(plain) > MAX_TEXT:
            raise bad_request("message is too long")
    elif utf16_len(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    out: JSONDict = {}
    if plain:
        out[key] = plain
        if entities:
            out[ents_key] = entities
    return out


def _markup(params: JSONDict, rec: ChatRec) -> JSONDict | None:
    return validate_reply_markup(params.get("reply_markup"), private=rec.private)


def _reply_to(params: JSONDict, rec: ChatRec) -> JSONDict | None:
    reply = params.get("reply_parameters")
    message_id: int | None
    allow = get_bool(params, "allow_sending_without_reply")
    if isinstance(reply, dict):
        message_id = get_int(reply, "message_id")
        allow = allow or get_bool(reply, "allow_sending_without_reply")
    else:
        message_id = get_int(params, "reply_to_message_id")
    if message_id is None:
        return None
    target = rec.messages.get(message_id)
    if target is None:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return {k: v for k, v in target.items() if k != "reply_to_message"}


def _commit_send(
    state: EmulatorState,
    rec: ChatRec,
    content: JSONDict,
    markup: JSONDict | None,
    reply_to: JSONDict | None,
) -> JSONDict:
    """Gate (403, flood) and store a bot message; returns the Message object."""
    chat_id = rec.chat["id"]
    state.check_reachable(rec)
    state.admit_send(chat_id, rec)
    message: JSONDict = {
        "message_id": rec.take_message_id(),
        "from": state.bot_user(),
        "chat": rec.chat,
        "date": int(time.time()),
        **content,
    }
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    extra = None
    if markup is not None:
        if "inline_keyboard" in markup:
            message["reply_markup"] = markup
        else:
            extra = markup
            if "keyboard" in markup:
                rec.reply_keyboard = markup
            elif markup.get("remove_keyboard"):
                rec.reply_keyboard = None
    rec.messages[message["message_id"]] = message
    state.record_message(rec, message, direction="out", markup=extra)
    return message


def _file_param(state: EmulatorState, params: JSONDict, files: Files, key: str) -> Upload | str:
    """Resolve an InputFile: a multipart part, attach://name, a file_id or a URL."""
    if key in files:
        return files[key]
    raw = get_str(params, key)
    if not raw:
        raise bad_request(f"there is no {key} in the request")
    if raw.startswith("attach://") and raw[9:] in files:
        return files[raw[9:]]
    if raw in state.files:
        return raw
    if raw.startswith(("http://", "https://")):
        name = raw.rstrip("/").rsplit("/", 1)[-1] or None
        return Upload(name, mimetypes.guess_type(raw)[0], b"", from_url=True)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _stored(state: EmulatorState, item: Upload | str, folder: str) -> StoredFile:
    if isinstance(item, str):
        return state.files[item]
    if not item.data and not item.from_url:
        raise bad_request("file must be non-empty")
    mime = item.content_type
    if not mime or mime == "application/octet-stream":
        mime = (mimetypes.guess_type(item.filename)[0] if item.filename else None) or mime
    return state.store_file(item.data, folder=folder, file_name=item.filename, mime_type=mime)


def file_json(stored: StoredFile, **extra: Any) -> JSONDict:
    out: JSONDict = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        **extra,
    }
    return out


def _media_object(kind: str, stored: StoredFile) -> Any:
    if kind == "photo":
        return [
            file_json(stored, width=90, height=90),
            file_json(stored, width=1280, height=960),
        ]
    if kind == "document":
        obj = file_json(stored)
        if stored.file_name:
            obj["file_name"] = stored.file_name
        if stored.mime_type:
            obj["mime_type"] = stored.mime_type
        return obj
    if kind == "sticker":
        return file_json(
            stored, type="regular", width=512, height=512, is_animated=False, is_video=False
        )
    if kind in ("video", "animation"):
        return file_json(stored, width=640, height=480, duration=1)
    return file_json(stored, duration=1, mime_type=stored.mime_type or "audio/ogg")


_FOLDERS = {
    "document": "documents",
    "photo": "photos",
    "voice": "voice",
    "audio": "music",
    "video": "videos",
    "animation": "animations",
    "sticker": "stickers",
}


def send_media(kind: str) -> Handler:
    def send(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
        rec = target_chat(state, params)
        item = _file_param(state, params, files, kind)
        content = {} if kind == "sticker" else _text(params, "caption")
        markup = _markup(params, rec)
        reply_to = _reply_to(params, rec)
        stored = _stored(state, item, _FOLDERS[kind])
        content[kind] = _media_object(kind, stored)
        return _commit_send(state, rec, content, markup, reply_to)

    return send


# ----------------------------------------------------------------------------- sending


def send_message(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    rec = target_chat(state, params)
    content = _text(params)
    return _commit_send(state, rec, content, _markup(params, rec), _reply_to(params, rec))


def _location(params: JSONDict) -> JSONDict:
    lat = get_float(params, "latitude", required=True)
    lon = get_float(params, "longitude", required=True)
    assert lat is not None and lon is not None
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise bad_request("wrong latitude or longitude")
    return {"latitude": lat, "longitude": lon}


def send_location(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    rec = target_chat(state, params)
    content = {"location": _location(params)}
    return _commit_send(state, rec, content, _markup(params, rec), _reply_to(params, rec))


def send_venue(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    rec = target_chat(state, params)
    location = _location(params)
    title, address = get_str(params, "title"), get_str(params, "address")
    if not title:
        raise bad_request("venue title is empty")
    if not address:
        raise bad_request("venue address is empty")
    venue = {"location": location, "title": title, "address": address}
    content = {"location": location, "venue": venue}
    return _commit_send(state, rec, content, _markup(params, rec), _reply_to(params, rec))


def send_contact(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    rec = target_chat(state, params)
    phone, first = get_str(params, "phone_number"), get_str(params, "first_name")
    if not phone:
        raise bad_request("phone number is empty")
    if not first:
        raise bad_request("first name is empty")
    contact: JSONDict = {"phone_number": phone, "first_name": first}
    last = get_str(params, "last_name")
    if last:
        contact["last_name"] = last
    content = {"contact": contact}
    return _commit_send(state, rec, content, _markup(params, rec), _reply_to(params, rec))


def send_chat_action(state: EmulatorState, params: JSONDict, files: Files) -> bool:
    rec = target_chat(state, params)
    if get_str(params, "action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    state.check_reachable(rec)
    return True


# ----------------------------------------------------------------------------- editing


def _edit_target(state: EmulatorState, params: JSONDict) -> tuple[ChatRec, JSONDict]:
    if params.get("inline_message_id"):
        raise bad_request("message to edit not found")
    rec = target_chat(state, params)
    message = rec.messages.get(get_int(params, "message_id", required=True) or 0)
    if message is None:
        raise bad_request("message to edit not found")
    if not message["from"].get("is_bot"):
        raise bad_request("message can't be edited")
    return rec, message


def _inline_markup(params: JSONDict, rec: ChatRec) -> JSONDict | None:
    markup = _markup(params, rec)
    if markup is not None and "inline_keyboard" not in markup:
        raise ApiError(400, "Bad Request: can't parse inline keyboard markup JSON object")
    if markup is not None and not markup["inline_keyboard"]:
        return None
    return markup


def _commit_edit(
    state: EmulatorState, rec: ChatRec, message: JSONDict, changes: JSONDict, drop: tuple[str, ...]
) -> JSONDict:
    current = {k: message.get(k) for k in (*changes, *drop)}
    proposed = {k: changes.get(k) for k in current}
    if current == proposed:
        raise ApiError(400, NOT_MODIFIED)
    state.check_reachable(rec)
    state.admit_send(rec.chat["id"], rec)
    for key in drop:
        message.pop(key, None)
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    message["edit_date"] = int(time.time())
    state.record_message(rec, message, direction="out")
    return message


def edit_message_text(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    rec, message = _edit_target(state, params)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    content = _text(params)
    markup = _inline_markup(params, rec)
    changes = {"text": content["text"], "entities": content.get("entities"), "reply_markup": markup}
    return _commit_edit(state, rec, message, changes, ())


def edit_message_caption(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    rec, message = _edit_target(state, params)
    if "text" in message or not any(k in message for k in _FOLDERS):
        raise bad_request("there is no caption in the message to edit")
    content = _text(params, "caption")
    markup = _inline_markup(params, rec)
    changes = {
        "caption": content.get("caption"),
        "caption_entities": content.get("caption_entities"),
        "reply_markup": markup,
    }
    return _commit_edit(state, rec, message, changes, ())


def edit_message_reply_markup(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    rec, message = _edit_target(state, params)
    markup = _inline_markup(params, rec)
    return _commit_edit(state, rec, message, {"reply_markup": markup}, ())


def delete_message(state: EmulatorState, params: JSONDict, files: Files) -> bool:
    rec = target_chat(state, params)
    message_id = get_int(params, "message_id", required=True) or 0
    if rec.messages.pop(message_id, None) is None:
        raise bad_request("message to delete not found")
    state.record_deleted(rec, message_id)
    return True
