"""The Graph API side of the emulator: ``POST /{version}/{phone_number_id}/messages``."""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

from aiohttp import web

from bot.emulator.whatsapp import rules
from bot.emulator.whatsapp.rules import GraphError
from bot.emulator.whatsapp.state import PAIR_RATE_LIMIT, RATE_LIMIT, WaState

STATE: web.AppKey[WaState] = web.AppKey("whatsapp_state", WaState)
VERSION = re.compile(r"^v\d+\.\d+$")
UNAUTHORIZED = 190  # "Invalid OAuth access token"
THROTTLED = (RATE_LIMIT, PAIR_RATE_LIMIT)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(data, ensure_ascii=False).encode(),
        status=status,
        content_type="application/json",
    )


def _authorise(request: web.Request, state: WaState) -> None:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").encode()
    if not hmac.compare_digest(given, state.token.encode()):
        raise GraphError(UNAUTHORIZED, "Invalid OAuth access token", status=401)
    if not VERSION.match(request.match_info["version"]):
        raise GraphError(rules.INVALID, "Unknown path components: not a Graph API version")
    if request.match_info["phone_number_id"] != state.phone_number_id:
        raise GraphError(rules.INVALID, "Unsupported post request: unknown phone number id")


async def _message(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise GraphError(rules.INVALID, "The request body is not JSON") from None
    if not isinstance(body, dict):
        raise GraphError(rules.INVALID, "The request body must be a JSON object")
    return body


async def send_message(request: web.Request) -> web.Response:
    state = request.app[STATE]
    try:
        _authorise(request, state)
        message = await _message(request)
        recipient = rules.check(message, state.templates)
        person = state.find(recipient)
        state.admit(person)
    except GraphError as error:
        state.counts["refused"] += 1
        if error.code not in THROTTLED and error.status != 500:  # Samen's fault: a violation
            state.violation(str(error), code=error.code)
        return json_response(error.body(), error.status)
    wamid = state.accept(person, message)
    contact = {"input": recipient}
    if person is not None:
        contact.update(person.contact())
        contact.pop("profile", None)
    return json_response(
        {
            "messaging_product": "whatsapp",
            "contacts": [contact],
            "messages": [{"id": wamid, "message_status": "accepted"}],
        }
    )


MAX_MEDIA = 100 * 1024 * 1024  # Meta's limit for documents


async def upload_media(request: web.Request) -> web.Response:
    """``POST /{version}/{phone_number_id}/media`` (multipart): keep the file, return its id."""
    state = request.app[STATE]
    try:
        _authorise(request, state)
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField) or form.get("messaging_product") != "whatsapp":
            raise GraphError(rules.INVALID, "a file and messaging_product=whatsapp are required")
        content = upload.file.read()
        if not content or len(content) > MAX_MEDIA:
            raise GraphError(rules.NOT_VALID, "the file is empty or too large")
    except GraphError as error:
        state.violation(str(error), code=error.code)
        return json_response(error.body(), error.status)
    media_id = state.new_wamid().replace("wamid.", "media.")
    state.media[media_id] = (upload.filename, upload.content_type, content)
    return json_response({"id": media_id})


async def download_media(request: web.Request) -> web.Response:
    """The control API's copy of an uploaded file (what the person would open)."""
    stored = request.app[STATE].media.get(request.match_info["media_id"])
    if stored is None:
        return json_response({"error": "unknown media id"}, 404)
    _name, mime_type, content = stored
    return web.Response(body=content, content_type=mime_type or "application/octet-stream")


DISPLAY_NUMBER = "+31 85 000 0000"


async def phone_number(request: web.Request) -> web.Response:
    """``GET /{version}/{phone_number_id}``: the business number (what ``samen doctor`` asks)."""
    state = request.app[STATE]
    try:
        _authorise(request, state)
    except GraphError as error:
        return json_response(error.body(), error.status)
    return json_response(
        {
            "id": state.phone_number_id,
            "display_phone_number": DISPLAY_NUMBER,
            "verified_name": "Samen",
        }
    )
