"""Bot API methods: what the bot under test can ask of "Telegram".

Each method takes decoded parameters and uploaded files and returns the ``result``
payload or raises ``ApiError``. Validation happens before any state change, and
flood/fault gates run last, so a rejected call never leaves half a message behind.
"""

from __future__ import annotations

import mimetypes
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.emulator.state import ChatRec, EmulatorState, StoredFile
from bot.emulator.validation import (
    MAX_CAPTION,
    MAX_TEXT,
    ApiError,
    JSONDict,
    bad_request,
    format_text,
    get_bool,
    get_float,
    get_int,
    get_str,
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
AsyncHandler = Callable[[EmulatorState, JSONDict, Files], Awaitable[Any]]

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
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def is_send_like(method: str) -> bool:
    """Methods that put something in a chat; only these count for floods and faults."""
    return (method.startswith("send") and method != "sendchataction") or method.startswith("edit")


def chat_id_of(params: JSONDict) -> int | None:
    """The chat a request is about, if it names one (used for violation records)."""
    try:
        return get_int(params, "chat_id")
    except ApiError:
        return None


# ----------------------------------------------------------------------------- helpers

WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _target_chat(state: EmulatorState, params: JSONDict) -> ChatRec:
    raw = params.get("chat_id")
    if raw is None or raw == "":
        raise bad_request("chat_id is empty")
    return state.chat(chat_id_of(params))


def _text(params: JSONDict, key: str = "text", mode_key: str = "parse_mode") -> JSONDict:
    """Parse text + parse_mode into message fields, with Telegram's length rules."""
    raw = get_str(params, key) or ""
    ents_key = "entities" if key == "text" else "caption_entities"
    plain, entities = format_text(raw, get_str(params, mode_key), params.get(ents_key))
    if key == "text":
        if not plain.strip():
            raise bad_request("message text is empty")
        if len(plain) > MAX_TEXT:
            raise bad_request("message is too long")
    elif len(plain) > MAX_CAPTION:
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


def _file_json(stored: StoredFile, **extra: Any) -> JSONDict:
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
            _file_json(stored, width=90, height=90),
            _file_json(stored, width=1280, height=960),
        ]
    if kind == "document":
        obj = _file_json(stored)
        if stored.file_name:
            obj["file_name"] = stored.file_name
        if stored.mime_type:
            obj["mime_type"] = stored.mime_type
        return obj
    if kind == "sticker":
        return _file_json(
            stored, type="regular", width=512, height=512, is_animated=False, is_video=False
        )
    if kind in ("video", "animation"):
        return _file_json(stored, width=640, height=480, duration=1)
    return _file_json(stored, duration=1, mime_type=stored.mime_type or "audio/ogg")


_FOLDERS = {
    "document": "documents",
    "photo": "photos",
    "voice": "voice",
    "audio": "music",
    "video": "videos",
    "animation": "animations",
    "sticker": "stickers",
}


def _send_media(kind: str) -> Handler:
    def send(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
        rec = _target_chat(state, params)
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
    rec = _target_chat(state, params)
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
    rec = _target_chat(state, params)
    content = {"location": _location(params)}
    return _commit_send(state, rec, content, _markup(params, rec), _reply_to(params, rec))


def send_venue(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    rec = _target_chat(state, params)
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
    rec = _target_chat(state, params)
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
    rec = _target_chat(state, params)
    if get_str(params, "action") not in _CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    state.check_reachable(rec)
    return True


# ----------------------------------------------------------------------------- editing


def _edit_target(state: EmulatorState, params: JSONDict) -> tuple[ChatRec, JSONDict]:
    if params.get("inline_message_id"):
        raise bad_request("message to edit not found")
    rec = _target_chat(state, params)
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
    rec = _target_chat(state, params)
    message_id = get_int(params, "message_id", required=True) or 0
    if rec.messages.pop(message_id, None) is None:
        raise bad_request("message to delete not found")
    state.record_deleted(rec, message_id)
    return True


# ----------------------------------------------------------------------------- callbacks


def answer_callback_query(state: EmulatorState, params: JSONDict, files: Files) -> bool:
    query_id = get_str(params, "callback_query_id") or ""
    rec = state.callbacks.get(query_id)
    state.check_callbacks()
    too_late = (
        rec is not None
        and rec.delivered_at is not None
        and state.clock() - rec.delivered_at > state.realism.callback_answer_timeout
    )
    if rec is None or rec.answered or rec.delivered_at is None or too_late:
        raise ApiError(400, QUERY_TOO_OLD)
    text = get_str(params, "text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    rec.answered = True
    state.pending_callbacks.pop(query_id, None)
    chat = state.chats.get(rec.chat_id)
    if chat is not None:
        state.record_toast(
            chat,
            {
                "message_id": rec.message_id,
                "callback_query_id": query_id,
                "text": text,
                "show_alert": get_bool(params, "show_alert"),
                "url": get_str(params, "url"),
            },
        )
    return True


# ----------------------------------------------------------------------------- updates


async def get_updates(state: EmulatorState, params: JSONDict, files: Files) -> list[JSONDict]:
    if state.webhook_url:
        raise ApiError(
            409,
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
        )
    limit = min(max(get_int(params, "limit") or 100, 1), 100)
    timeout = max(0.0, get_float(params, "timeout") or 0.0)
    allowed = params.get("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = frozenset(str(a) for a in allowed)
    state.confirm_updates(get_int(params, "offset"))
    deadline = state.clock() + timeout
    while True:
        batch = state.peek_updates(limit)
        remaining = deadline - state.clock()
        if batch or remaining <= 0 or state.closing:
            return batch
        await state.wait_for_update(remaining)


def delete_webhook(state: EmulatorState, params: JSONDict, files: Files) -> bool:
    state.webhook_url = ""
    state.webhook_secret = ""
    if get_bool(params, "drop_pending_updates"):
        state.updates.clear()
    return True


def set_webhook(state: EmulatorState, params: JSONDict, files: Files) -> bool:
    url = get_str(params, "url") or ""
    secret = get_str(params, "secret_token") or ""
    if secret and not WEBHOOK_SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    # Telegram wants https; the emulator also takes http to a loopback address (tests).
    if url and not url.startswith(("https://", "http://127.0.0.1:", "http://localhost:")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    state.webhook_url = url
    state.webhook_secret = secret
    state.webhook_last_error = ""
    if get_bool(params, "drop_pending_updates"):
        state.updates.clear()
    return True


def get_webhook_info(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    return {
        "url": state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
        **({"last_error_message": state.webhook_last_error} if state.webhook_last_error else {}),
    }


# ----------------------------------------------------------------------------- bot info


def get_me(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    return {
        **state.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _commands_key(params: JSONDict) -> str:
    scope = params.get("scope")
    scope_type = scope.get("type", "default") if isinstance(scope, dict) else "default"
    chat = scope.get("chat_id", "") if isinstance(scope, dict) else ""
    return f"{scope_type}:{chat}:{get_str(params, 'language_code') or ''}"


def set_my_commands(state: EmulatorState, params: JSONDict, files: Files) -> bool:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse commands JSON object")
        name, description = command.get("command"), command.get("description")
        if not isinstance(name, str) or not 1 <= len(name) <= 32:
            raise bad_request("BOT_COMMAND_INVALID")
        if not all(c.islower() or c.isdigit() or c == "_" for c in name) or not name.isascii():
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    state.commands[_commands_key(params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


def get_my_commands(state: EmulatorState, params: JSONDict, files: Files) -> list[JSONDict]:
    return list(state.commands.get(_commands_key(params), []))


def delete_my_commands(state: EmulatorState, params: JSONDict, files: Files) -> bool:
    state.commands.pop(_commands_key(params), None)
    return True


def set_chat_menu_button(state: EmulatorState, params: JSONDict, files: Files) -> bool:
    chat_id = get_int(params, "chat_id")
    if chat_id is not None:
        state.chat(chat_id)
    button = params.get("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button JSON object")
    state.menu_buttons[chat_id] = button
    return True


def get_chat_menu_button(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    chat_id = get_int(params, "chat_id")
    button = state.menu_buttons.get(chat_id) or state.menu_buttons.get(None)
    return button or {"type": "commands"}


def get_chat(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    rec = _target_chat(state, params)
    return {
        **rec.chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def get_file(state: EmulatorState, params: JSONDict, files: Files) -> JSONDict:
    stored = state.files.get(get_str(params, "file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return _file_json(stored, file_path=stored.file_path)


def _true(state: EmulatorState, params: JSONDict, files: Files) -> bool:
    return True


SYNC_METHODS: dict[str, Handler] = {
    "getme": get_me,
    "deletewebhook": delete_webhook,
    "setwebhook": set_webhook,
    "getwebhookinfo": get_webhook_info,
    "logout": _true,
    "close": _true,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "setchatmenubutton": set_chat_menu_button,
    "getchatmenubutton": get_chat_menu_button,
    "setmydescription": _true,
    "setmyshortdescription": _true,
    "setmyname": _true,
    "sendmessage": send_message,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "editmessagecaption": edit_message_caption,
    "deletemessage": delete_message,
    "answercallbackquery": answer_callback_query,
    "senddocument": _send_media("document"),
    "sendphoto": _send_media("photo"),
    "sendvoice": _send_media("voice"),
    "sendaudio": _send_media("audio"),
    "sendvideo": _send_media("video"),
    "sendanimation": _send_media("animation"),
    "sendsticker": _send_media("sticker"),
    "sendlocation": send_location,
    "sendvenue": send_venue,
    "sendcontact": send_contact,
    "sendchataction": send_chat_action,
    "getfile": get_file,
    "getchat": get_chat,
}
ASYNC_METHODS: dict[str, AsyncHandler] = {"getupdates": get_updates}


async def call(
    state: EmulatorState, bot_id: int, method: str, params: JSONDict, files: Files
) -> tuple[Any, str | None]:
    """Run one Bot API call; returns (result, fault) where fault may be "timeout".

    Errors are counted/recorded here so every entry point (HTTP or in-process) agrees.
    """
    name = method.lower()
    state.bot_id = bot_id
    fault = None
    try:
        if name in ASYNC_METHODS:
            return await ASYNC_METHODS[name](state, params, files), None
        handler = SYNC_METHODS.get(name)
        if handler is None:
            raise ApiError(404, "Not Found")
        if is_send_like(name):
            fault = state.draw_fault()
            if fault == "5xx":
                raise ApiError(502, "Bad Gateway", violation=False)
        return handler(state, params, files), fault
    except ApiError as exc:
        if exc.violation and 400 <= exc.code < 500:
            state.violation(method, exc.description, chat_id_of(params))
        raise
