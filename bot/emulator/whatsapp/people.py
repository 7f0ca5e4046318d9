"""The control API's actions: what a person on WhatsApp does (sends, taps, shares)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.emulator.whatsapp.rules import JSON
from bot.emulator.whatsapp.state import Person, WaState

MEDIA_KINDS = ("image", "audio", "voice", "video", "sticker", "document")


class ControlError(Exception):
    """The test asked for something impossible (400)."""


def _person(state: WaState, body: JSON) -> Person:
    person = state.people.get(str(body.get("user", "")))
    if person is None:
        raise ControlError("unknown user: add them first (POST /control/people)")
    return person


def add_person(state: WaState, body: JSON) -> JSON:
    bsuid, name = body.get("user"), body.get("name", "")
    if not isinstance(bsuid, str) or "." not in bsuid:
        raise ControlError("user must be a BSUID like 'NL.1234567890'")
    wa_id = body.get("wa_id")
    person = state.add_person(bsuid, str(name), str(wa_id) if wa_id else None)
    return person.contact()


def send_text(state: WaState, body: JSON) -> JSON:
    return state.incoming(_person(state, body), {"type": "text", "text": {"body": body["text"]}})


def _offered(person: Person, data: str) -> JSON | None:
    """The button or list row with this id in the person's latest interactive message."""
    for entry in reversed(person.entries):
        interactive = entry.get("interactive")
        if entry["direction"] != "out" or not interactive:
            continue
        action = interactive.get("action") or {}
        for button in action.get("buttons") or []:
            if button["reply"]["id"] == data:
                return {"type": "button_reply", "button_reply": dict(button["reply"])}
        for section in action.get("sections") or []:
            for row in section.get("rows") or []:
                if row["id"] == data:
                    reply = {k: row[k] for k in ("id", "title", "description") if k in row}
                    return {"type": "list_reply", "list_reply": reply}
    return None


def _forged(data: str, as_row: bool) -> JSON:
    kind = "list_reply" if as_row else "button_reply"
    return {"type": kind, kind: {"id": data, "title": data[:20]}}


def press(state: WaState, body: JSON) -> JSON:
    """Tap a reply button or pick a list row Samen offered (any earlier message).
    ``forge``: a reply with any id, offered or not (what a tampering client sends;
    ``list: true`` as a list row's reply)."""
    person = _person(state, body)
    data = str(body.get("id", ""))
    reply = _forged(data, bool(body.get("list"))) if body.get("forge") else _offered(person, data)
    if reply is None:
        raise ControlError("no button or list row with that id was offered")
    return state.incoming(person, {"type": "interactive", "interactive": reply})


def send_location(state: WaState, body: JSON) -> JSON:
    location = {"latitude": float(body["latitude"]), "longitude": float(body["longitude"])}
    return state.incoming(_person(state, body), {"type": "location", "location": location})


def send_contact(state: WaState, body: JSON) -> JSON:
    phone = str(body["phone"])
    contact = {
        "name": {"formatted_name": str(body.get("name", "Contact"))},
        "phones": [{"phone": phone, "wa_id": phone.lstrip("+"), "type": "CELL"}],
    }
    return state.incoming(_person(state, body), {"type": "contacts", "contacts": [contact]})


def send_media(state: WaState, body: JSON) -> JSON:
    kind = str(body.get("kind", ""))
    if kind not in MEDIA_KINDS:
        raise ControlError(f"kind must be one of {', '.join(MEDIA_KINDS)}")
    media: JSON = {"id": state.new_wamid(), "mime_type": "application/octet-stream"}
    typ = "audio" if kind == "voice" else kind
    if kind == "voice":
        media["voice"] = True
    return state.incoming(_person(state, body), {"type": typ, typ: media})


def react(state: WaState, body: JSON) -> JSON:
    """The person puts an emoji on Samen's latest message (Meta sends a "reaction")."""
    person = _person(state, body)
    sent = [e["id"] for e in person.entries if e["direction"] == "out"]
    if not sent:
        raise ControlError("Samen has sent this person nothing to react to")
    reaction = {"message_id": sent[-1], "emoji": str(body.get("emoji") or "👍")}
    return state.incoming(person, {"type": "reaction", "reaction": reaction})


def send_unsupported(state: WaState, body: JSON) -> JSON:
    """Something Meta cannot pass on (a view-once photo, a poll): type "unsupported"."""
    error = {
        "code": 131051,
        "title": "Message type unknown",
        "message": "Message type unknown",
        "error_data": {"details": "Message type is currently not supported."},
    }
    return state.incoming(_person(state, body), {"type": "unsupported", "errors": [error]})


def change_number(state: WaState, body: JSON) -> JSON:
    """The person moves their account to a new number: Meta's "system" message."""
    person = _person(state, body)
    new = str(body["wa_id"])
    system = {
        "body": f"User {person.name} changed from {person.wa_id} to {new}",
        "wa_id": new,
        "type": "user_changed_number",
    }
    sent = state.incoming(person, {"type": "system", "system": system})
    person.wa_id = new
    return sent


def last_wrote(state: WaState, body: JSON) -> JSON:
    """Move the person's 24-hour window: they last wrote ``hours_ago`` hours ago."""
    person = _person(state, body)
    person.last_wrote = state.now() - float(body["hours_ago"]) * 3600
    return {"window_open": person.window_open(state.now())}


def read(state: WaState, body: JSON) -> JSON:
    """The person opens the chat: every message Samen sent them is read."""
    person = _person(state, body)
    sent = [e["id"] for e in person.entries if e["direction"] == "out"]
    for wamid in sent:
        state.queue_status(person, wamid, "read")
    return {"read": len(sent)}


def block(state: WaState, body: JSON) -> JSON:
    """The person blocks (``blocked: true``) or unblocks the business."""
    person = _person(state, body)
    person.blocked = bool(body.get("blocked", True))
    return {"blocked": person.blocked}


def configure(state: WaState, body: JSON) -> JSON:
    try:
        return vars(state.configure(**body))
    except (TypeError, ValueError) as error:
        raise ControlError(str(error)) from None


def set_webhook(state: WaState, body: JSON) -> JSON:
    state.webhook_url = str(body.get("url", ""))
    return {"url": state.webhook_url}


def reset(state: WaState, _body: JSON) -> JSON:
    state.reset()
    return {"ok": True}


ACTIONS: Mapping[str, Callable[[WaState, JSON], Any]] = {
    "people": add_person,
    "send": send_text,
    "press": press,
    "location": send_location,
    "contact": send_contact,
    "media": send_media,
    "react": react,
    "unsupported": send_unsupported,
    "change_number": change_number,
    "last_wrote": last_wrote,
    "read": read,
    "block": block,
    "config": configure,
    "webhook": set_webhook,
    "reset": reset,
}
