"""Meta's validation of a Cloud API message, as the real Graph API applies it.

``check`` raises ``GraphError`` with Meta's code for a message Meta refuses outright;
what Meta accepts and then fails (free form outside the window) is the state's business.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

JSON = dict[str, Any]

BUTTONS_MAX, BUTTON_TITLE_MAX, BUTTON_ID_MAX = 3, 20, 256
ROWS_MAX, ROW_TITLE_MAX, ROW_DESCRIPTION_MAX, ROW_ID_MAX = 10, 24, 72, 200
LIST_BUTTON_MAX, SECTIONS_MAX = 20, 10
BODY_WITH_BUTTONS_MAX, BODY_MAX = 1024, 4096
LOCATION_TEXT_MAX = 1000  # a location's name or address (Meta gives no lower limit)
TEMPLATE_PARAMETER_FORBIDDEN = ("\n", "\t", "     ")

# Code 100: "Invalid parameter"; 131009: "Parameter value is not valid";
# 132001: "Template name does not exist in the translation"; 132000: parameter count.
INVALID, NOT_VALID, NO_TEMPLATE, TEMPLATE_PARAMETERS = 100, 131009, 132001, 132000


class GraphError(Exception):
    """A refusal in Meta's shape: HTTP status, error code, one line."""

    def __init__(self, code: int, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status

    def body(self) -> JSON:
        return {
            "error": {
                "message": f"(#{self.code}) {self}",
                "type": "OAuthException",
                "code": self.code,
                "error_data": {"messaging_product": "whatsapp", "details": str(self)},
                "fbtrace_id": "emulator",
            }
        }


def _require(condition: bool, message: str, code: int = INVALID) -> None:
    if not condition:
        raise GraphError(code, message)


def _text(value: Any, what: str, limit: int) -> str:
    _require(isinstance(value, str) and value.strip() != "", f"{what} is required")
    _require(len(value) <= limit, f"{what} is longer than {limit} characters", NOT_VALID)
    return str(value)


def _check_text(message: JSON, _templates: Templates) -> None:
    _text((message.get("text") or {}).get("body"), "text.body", BODY_MAX)


def _check_buttons(interactive: JSON) -> None:
    _text((interactive.get("body") or {}).get("text"), "body.text", BODY_WITH_BUTTONS_MAX)
    buttons = (interactive.get("action") or {}).get("buttons") or []
    _require(1 <= len(buttons) <= BUTTONS_MAX, f"between 1 and {BUTTONS_MAX} buttons")
    ids, titles = set(), set()
    for button in buttons:
        reply = button.get("reply") or {}
        _require(button.get("type") == "reply", "button type must be 'reply'")
        ids.add(_text(reply.get("id"), "button id", BUTTON_ID_MAX))
        titles.add(_text(reply.get("title"), "button title", BUTTON_TITLE_MAX))
    _require(len(ids) == len(titles) == len(buttons), "button ids and titles must be unique")


def _check_list(interactive: JSON) -> None:
    _text((interactive.get("body") or {}).get("text"), "body.text", BODY_MAX)
    action = interactive.get("action") or {}
    _text(action.get("button"), "action.button", LIST_BUTTON_MAX)
    sections = action.get("sections") or []
    _require(1 <= len(sections) <= SECTIONS_MAX, f"between 1 and {SECTIONS_MAX} sections")
    rows = [row for section in sections for row in section.get("rows") or []]
    _require(1 <= len(rows) <= ROWS_MAX, f"between 1 and {ROWS_MAX} rows in all")
    ids = set()
    for row in rows:
        ids.add(_text(row.get("id"), "row id", ROW_ID_MAX))
        _text(row.get("title"), "row title", ROW_TITLE_MAX)
        if "description" in row:
            _text(row["description"], "row description", ROW_DESCRIPTION_MAX)
    _require(len(ids) == len(rows), "row ids must be unique")


def _check_location_request(interactive: JSON) -> None:
    _text((interactive.get("body") or {}).get("text"), "body.text", BODY_WITH_BUTTONS_MAX)
    _require((interactive.get("action") or {}).get("name") == "send_location", "action.name")


_INTERACTIVE: Mapping[str, Callable[[JSON], None]] = {
    "button": _check_buttons,
    "list": _check_list,
    "location_request_message": _check_location_request,
}


def _check_interactive(message: JSON, _templates: Templates) -> None:
    interactive = message.get("interactive") or {}
    check = _INTERACTIVE.get(str(interactive.get("type")))
    _require(check is not None, "interactive.type is not supported")
    assert check is not None
    check(interactive)


# name -> language -> number of body parameters (the approved templates)
Templates = Mapping[str, Mapping[str, int]]


def _check_template(message: JSON, templates: Templates) -> None:
    template = message.get("template") or {}
    name = template.get("name")
    language = str((template.get("language") or {}).get("code"))
    known = templates.get(str(name), {})
    _require(language in known, f"template {name!r} does not exist in {language!r}", NO_TEMPLATE)
    parameters = [
        p
        for component in template.get("components") or []
        if str(component.get("type")).lower() == "body"
        for p in component.get("parameters") or []
    ]
    _require(
        len(parameters) == known[language],
        f"template {name!r} takes {known[language]} body parameters, got {len(parameters)}",
        TEMPLATE_PARAMETERS,
    )
    for parameter in parameters:
        text = parameter.get("text")
        _require(parameter.get("type") == "text" and isinstance(text, str) and text != "", "text")
        _require(
            not any(bad in text for bad in TEMPLATE_PARAMETER_FORBIDDEN),
            "parameter text has new lines, tabs or more than 4 spaces in a row",
            NOT_VALID,
        )


def _check_image(message: JSON, _templates: Templates) -> None:
    image = message.get("image") or {}
    _require(bool(image.get("id") or image.get("link")), "image.id or image.link is required")
    if "caption" in image:
        _text(image["caption"], "image.caption", BODY_WITH_BUTTONS_MAX)


def _check_document(message: JSON, _templates: Templates) -> None:
    document = message.get("document") or {}
    _require(bool(document.get("id") or document.get("link")), "document.id is required")


def _check_location(message: JSON, _templates: Templates) -> None:
    location = message.get("location") or {}
    for key, limit in (("latitude", 90), ("longitude", 180)):
        value = location.get(key)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        _require(number and -limit <= float(value or 0) <= limit, f"location.{key} is not valid")
    for key in ("name", "address"):
        if location.get(key) is not None:
            _text(location[key], f"location.{key}", LOCATION_TEXT_MAX)


_TYPES: Mapping[str, Callable[[JSON, Templates], None]] = {
    "text": _check_text,
    "interactive": _check_interactive,
    "template": _check_template,
    "image": _check_image,
    "document": _check_document,
    "location": _check_location,
}


def check(message: JSON, templates: Templates) -> str:
    """Validate one message; returns the recipient (BSUID or phone number)."""
    _require(message.get("messaging_product") == "whatsapp", "messaging_product must be whatsapp")
    recipient = message.get("recipient") or message.get("to")
    _require(isinstance(recipient, str) and recipient != "", "'to' or 'recipient' is required")
    kind = _TYPES.get(str(message.get("type", "text")))
    _require(kind is not None, f"message type {message.get('type')!r} is not supported")
    assert kind is not None
    kind(message, templates)
    return str(recipient)
