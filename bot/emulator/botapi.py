"""Bot API methods: what the bot under test can ask of "Telegram".

Each method takes decoded parameters and uploaded files and returns the ``result``
payload or raises ``ApiError``. Validation happens before any state change, and
flood/fault gates run last, so a rejected call never leaves half a message behind.
The methods that send, edit or delete messages are in ``messages``; this module holds
the rest and the table that routes every method name.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from bot.emulator.messages import (
    Files,
    Handler,
    chat_id_of,
    delete_message,
    edit_message_caption,
    edit_message_reply_markup,
    edit_message_text,
    file_json,
    send_chat_action,
    send_contact,
    send_location,
    send_media,
    send_message,
    send_venue,
    target_chat,
)
from bot.emulator.state import EmulatorState
from bot.emulator.validation import (
    ApiError,
    JSONDict,
    bad_request,
    get_bool,
    get_float,
    get_int,
    get_str,
)

AsyncHandler = Callable[[EmulatorState, JSONDict, Files], Awaitable[Any]]

QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def is_send_like(method: str) -> bool:
    """Methods that put something in a chat; only these count for floods and faults."""
    return (method.startswith("send") and method != "sendchataction") or method.startswith("edit")


# ----------------------------------------------------------------------------- helpers

WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_PORTS = frozenset({443, 80, 88, 8443})


def _port(url: str) -> int | None:
    try:
        return urlsplit(url).port or 443
    except ValueError:
        return None


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
    state.allow_updates(params.get("allowed_updates"))
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
    if url.startswith("https://") and _port(url) not in WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    state.webhook_url = url
    state.webhook_secret = secret
    state.allow_updates(params.get("allowed_updates"))
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


# BotCommandScope types; a language is a two-letter ISO 639-1 code, or none for all.
SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
LANGUAGE_CODE = re.compile(r"[a-z]{2}")


def _commands_key(params: JSONDict) -> str:
    scope = params.get("scope")
    if scope is not None and (not isinstance(scope, dict) or scope.get("type") not in SCOPES):
        raise bad_request("can't parse BotCommandScope JSON object")
    language = get_str(params, "language_code") or ""
    if language and not LANGUAGE_CODE.fullmatch(language):
        raise bad_request("invalid language code specified")
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
    rec = target_chat(state, params)
    if rec.private and not rec.started:  # Telegram knows no chat the person never opened
        raise ApiError(400, "Bad Request: chat not found")
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
    return file_json(stored, file_path=stored.file_path)


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
    "senddocument": send_media("document"),
    "sendphoto": send_media("photo"),
    "sendvoice": send_media("voice"),
    "sendaudio": send_media("audio"),
    "sendvideo": send_media("video"),
    "sendanimation": send_media("animation"),
    "sendsticker": send_media("sticker"),
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
