"""Sending through Meta's Graph API with pywa (``pywa_async``).

pywa builds Meta's request shapes and turns Meta's error codes into exceptions. It
always points its HTTP client at graph.facebook.com; we give it our own httpx client
and point that at ``WHATSAPP_API_URL`` afterwards (the local emulator in tests).
"""

from __future__ import annotations

import mimetypes

import httpx
from pywa.types.callback import Button, Section, SectionList, SectionRow
from pywa_async.client import WhatsApp
from pywa_async.types.templates import TemplateLanguage

from bot.channels.whatsapp.render import WaMessage

GRAPH_VERSION = "23.0"
TIMEOUT_S = 20.0


class GraphRefused(Exception):
    """Meta refused the token or the phone number id (the HTTP status)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class GraphSender:
    """Sends ``WaMessage``s and templates to people by their BSUID."""

    def __init__(self, api_url: str, phone_number_id: str, token: str) -> None:
        self._phone_number_id = phone_number_id
        self._session = httpx.AsyncClient(
            timeout=TIMEOUT_S, limits=httpx.Limits(max_connections=64)
        )
        self._wa = WhatsApp(
            phone_id=phone_number_id,
            token=token,
            session=self._session,
            api_version=GRAPH_VERSION,
        )
        self._session.base_url = f"{api_url}/v{GRAPH_VERSION}"

    async def number(self) -> str:
        """The business number as Meta shows it ('+31 85 …'): proves token and number id.

        Raises ``GraphRefused`` when Meta refuses them, httpx's errors when unreachable."""
        answer = await self._session.get(
            f"/{self._phone_number_id}", params={"fields": "display_phone_number,verified_name"}
        )
        if answer.status_code != 200:
            raise GraphRefused(answer.status_code)
        return str(answer.json().get("display_phone_number", ""))

    async def close(self) -> None:
        await self._session.aclose()

    async def send(self, to: str, message: WaMessage) -> str:
        """Send one message; returns WhatsApp's message id. Raises pywa's errors."""
        if message.place is not None:
            place = message.place
            sent = await self._wa.send_location(
                to, place.latitude, place.longitude, place.name or None, place.address or None
            )
            return sent.id
        if message.location_request:
            return (await self._wa.request_location(to, message.body)).id
        buttons: list[Button] | SectionList | None = None
        if message.buttons:
            buttons = [Button(o.title, o.data) for o in message.buttons]
        elif message.rows:
            rows = [SectionRow(o.title, o.data, o.description or None) for o in message.rows]
            buttons = SectionList(message.list_button, [Section("", rows)])
        return (await self._wa.send_message(to, message.body, buttons=buttons)).id

    async def send_document(self, to: str, name: str, content: bytes, caption: str) -> str:
        """Upload a file (pywa does it first) and send it as a document."""
        mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        sent = await self._wa.send_document(
            to, content, filename=name, caption=caption or None, mime_type=mime_type
        )
        return sent.id

    async def send_template(self, to: str, name: str, language: str, parameter: str) -> str:
        sent = await self._wa.send_template(
            to,
            name=name,
            language=TemplateLanguage(language),
            # Meta's own shape of a body parameter (pywa passes dicts through).
            params=[{"type": "body", "parameters": [{"type": "text", "text": parameter}]}],
        )
        return sent.id
