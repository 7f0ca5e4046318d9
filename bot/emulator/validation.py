"""Request decoding and Telegram-faithful validation for the emulator.

Everything here is pure and synchronous so the rules can be unit-tested and so a
handler can reject a request before any state changes. Error texts copy the ones
the real Bot API returns, because bot code (and its tests) match on them. Text
formatting (HTML, Markdown) is parsed in ``formatting``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

JSONDict = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
# Keyboard sizes Telegram accepts (tginfo/Telegram-Limits): more is "reply markup is too long".
MAX_INLINE_PER_ROW, MAX_INLINE_BUTTONS = 8, 100
MAX_REPLY_PER_ROW, MAX_REPLY_BUTTONS = 12, 300
MAX_PLACEHOLDER = 64  # input_field_placeholder: 1-64 characters

CANT_PARSE_MARKUP = "Bad Request: can't parse reply keyboard markup JSON object"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
MARKUP_TOO_LONG = "Bad Request: reply markup is too long"
BUTTON_TEXT_EMPTY = "Bad Request: BUTTON_TEXT_INVALID"

# Form values are strings; these keys carry JSON (objects, arrays) in PTB requests.
_JSON_KEYS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "menu_button",
        "link_preview_options",
        "reply_parameters",
        "media",
        "rights",
    }
)
# Free-text keys must never be JSON-decoded: a user may well type "[1, 2]".
_TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "title",
        "address",
        "first_name",
        "last_name",
        "phone_number",
        "description",
        "short_description",
        "name",
        "url",
        "callback_query_id",
        "parse_mode",
        "caption_parse_mode",
        "action",
        "emoji",
        "vcard",
        "file_id",
    }
)
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
_REPLY_REQUESTS = (
    "request_contact",
    "request_location",
    "request_poll",
    "request_users",
    "request_chat",
    "web_app",
)


class ApiError(Exception):
    """A Bot API failure; ``violation`` says whether it points at a bug in the bot."""

    def __init__(
        self,
        code: int,
        description: str,
        *,
        retry_after: int | None = None,
        violation: bool = True,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.violation = violation

    def body(self) -> JSONDict:
        """The JSON body Telegram would answer with."""
        out: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


def bad_request(text: str) -> ApiError:
    """Shorthand for the most common failure, a 400 with Telegram's prefix."""
    return ApiError(400, f"Bad Request: {text}")


# --------------------------------------------------------------------------- params


def decode_value(key: str, value: str) -> Any:
    """Turn a form string into what a JSON body would have carried for that key."""
    if key in _TEXT_KEYS:
        return value
    stripped = value.lstrip()
    if key in _JSON_KEYS or stripped[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value  # left for the method to reject with its own message
    return value


def get_int(params: JSONDict, key: str, *, required: bool = False) -> int | None:
    """Read an integer that may arrive as "123" in a form."""
    raw = params.get(key)
    if raw is None or raw == "":
        if required:
            raise bad_request(f"{key} is empty")
        return None
    if isinstance(raw, bool):
        raise bad_request(f"invalid {key} specified")
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except ValueError:
        raise bad_request(f"invalid {key} specified") from None


def get_float(params: JSONDict, key: str, *, required: bool = False) -> float | None:
    """Read a float that may arrive as a string."""
    raw = params.get(key)
    if raw is None or raw == "":
        if required:
            raise bad_request(f"{key} is empty")
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {key} specified") from None


def get_bool(params: JSONDict, key: str) -> bool:
    """Read a boolean sent as true/false, 1/0 or a JSON bool."""
    raw = params.get(key)
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return False
    return str(raw).strip().lower() in ("true", "1", "yes")


def get_str(params: JSONDict, key: str) -> str | None:
    """Read a string parameter, stringifying numbers like Telegram does."""
    raw = params.get(key)
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(raw)
    return json.dumps(raw)


def utf16_len(text: str) -> int:
    """Telegram measures offsets and lengths in UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def command_entities(text: str) -> list[JSONDict]:
    """A leading "/command" gets a bot_command entity, as the Telegram clients create."""
    if not text.startswith("/") or len(text) < 2:
        return []
    end = 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(text[:end])}]


# --------------------------------------------------------------------------- markup


def _valid_button_url(url: Any) -> bool:
    if not isinstance(url, str) or not url:
        return False
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    return parts.scheme == "tg"


def _check_size(rows: list[Any], per_row: int, total: int) -> None:
    """Telegram's keyboard sizes; a button's text must say something."""
    if any(len(row) > per_row for row in rows) or sum(len(row) for row in rows) > total:
        raise ApiError(400, MARKUP_TOO_LONG)
    if any(not button_text(button).strip() for row in rows for button in row):
        raise ApiError(400, BUTTON_TEXT_EMPTY)


def _check_inline(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, CANT_PARSE_MARKUP)
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(400, CANT_PARSE_MARKUP)
    _check_size(rows, MAX_INLINE_PER_ROW, MAX_INLINE_BUTTONS)
    for row in rows:
        for button in row:
            actions = [key for key in _INLINE_ACTIONS if key in button]
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise ApiError(400, CANT_PARSE_MARKUP)
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str):
                    raise ApiError(400, CANT_PARSE_MARKUP)
                if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                    raise ApiError(400, BUTTON_DATA_INVALID)
            if "url" in button and not _valid_button_url(button["url"]):
                raise bad_request(
                    f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
                )


def _check_keyboard(rows: Any, private: bool) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, CANT_PARSE_MARKUP)
    for row in rows:
        for button in row:
            if not isinstance(button, str) and (
                not isinstance(button, dict) or not isinstance(button.get("text"), str)
            ):
                raise ApiError(400, CANT_PARSE_MARKUP)
    _check_size(rows, MAX_REPLY_PER_ROW, MAX_REPLY_BUTTONS)
    for row in rows:
        for button in row:
            if isinstance(button, str):
                continue
            requests = [key for key in _REPLY_REQUESTS if button.get(key)]
            if len(requests) > 1:
                raise ApiError(400, CANT_PARSE_MARKUP)
            if not private and button.get("request_contact"):
                raise bad_request("phone number can be requested in private chats only")
            if not private and button.get("request_location"):
                raise bad_request("location can be requested in private chats only")


def validate_reply_markup(raw: Any, *, private: bool) -> JSONDict | None:
    """Check a reply_markup the way Telegram does; returns it decoded, or None if absent."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ApiError(400, CANT_PARSE_MARKUP) from None
    if not isinstance(raw, dict):
        raise ApiError(400, CANT_PARSE_MARKUP)
    if "inline_keyboard" in raw:
        _check_inline(raw["inline_keyboard"])
    elif "keyboard" in raw:
        _check_keyboard(raw["keyboard"], private)
        _check_placeholder(raw.get("input_field_placeholder"))
    elif raw.get("remove_keyboard") is not True and raw.get("force_reply") is not True:
        raise ApiError(400, CANT_PARSE_MARKUP)
    return raw


def _check_placeholder(placeholder: Any) -> None:
    """The hint in the empty text box: 1-64 characters, or none."""
    if placeholder is None:
        return
    if not isinstance(placeholder, str) or not 1 <= len(placeholder) <= MAX_PLACEHOLDER:
        raise bad_request("input field placeholder must be 1-64 characters long")


def button_text(button: Any) -> str:
    """A reply-keyboard button is either a bare string or an object with text."""
    if isinstance(button, str):
        return button
    if isinstance(button, dict):
        return str(button.get("text", ""))
    return ""
