"""A client for tests and the playground: act as WhatsApp people, read what Samen sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp

Entry = dict[str, Any]


class WhatsAppEmulatorError(Exception):
    pass


def entry_text(entry: Entry) -> str:
    """What the person reads in one entry: a text, an interactive body or a template."""
    if "text" in entry:
        return str(entry["text"]["body"])
    if "interactive" in entry:
        return str((entry["interactive"].get("body") or {}).get("text", ""))
    if "document" in entry:
        return str(entry["document"].get("caption", ""))
    if "template" in entry:
        parameters = [
            p["text"]
            for c in entry["template"].get("components") or []
            for p in c.get("parameters") or []
        ]
        return " ".join([entry["template"]["name"], *parameters])
    return ""


class WhatsAppEmulatorClient:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> WhatsAppEmulatorClient:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=130))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()

    async def _call(self, method: str, path: str, **kw: Any) -> Any:
        assert self._session is not None, "use the client in `async with`"
        async with self._session.request(method, self.url + path, **kw) as answer:
            data = await answer.json()
            if answer.status != 200:
                raise WhatsAppEmulatorError(f"{path}: {answer.status} {data}")
            return data

    async def _post(self, action: str, **body: Any) -> Any:
        return await self._call("POST", f"/control/{action}", json=body)

    async def add_person(self, user: str, name: str, wa_id: str | None = None) -> Entry:
        return dict(await self._post("people", user=user, name=name, wa_id=wa_id))

    async def send_text(self, user: str, text: str) -> Entry:
        return dict(await self._post("send", user=user, text=text))

    async def press(
        self, user: str, data: str, *, forge: bool = False, as_row: bool = False
    ) -> Entry:
        """Tap what Samen offered; ``forge``: send this id whether offered or not."""
        return dict(await self._post("press", user=user, id=data, forge=forge, list=as_row))

    async def send_location(self, user: str, latitude: float, longitude: float) -> Entry:
        return dict(await self._post("location", user=user, latitude=latitude, longitude=longitude))

    async def send_contact(self, user: str, phone: str) -> Entry:
        return dict(await self._post("contact", user=user, phone=phone))

    async def send_media(self, user: str, kind: str) -> Entry:
        return dict(await self._post("media", user=user, kind=kind))

    async def react(self, user: str, emoji: str = "👍") -> Entry:
        return dict(await self._post("react", user=user, emoji=emoji))

    async def send_unsupported(self, user: str) -> Entry:
        return dict(await self._post("unsupported", user=user))

    async def change_number(self, user: str, wa_id: str) -> Entry:
        return dict(await self._post("change_number", user=user, wa_id=wa_id))

    async def last_wrote(self, user: str, hours_ago: float) -> Entry:
        return dict(await self._post("last_wrote", user=user, hours_ago=hours_ago))

    async def read(self, user: str) -> Entry:
        return dict(await self._post("read", user=user))

    async def block(self, user: str, blocked: bool = True) -> Entry:
        return dict(await self._post("block", user=user, blocked=blocked))

    async def configure(self, **realism: Any) -> Entry:
        return dict(await self._post("config", **realism))

    async def set_webhook(self, url: str) -> None:
        await self._post("webhook", url=url)

    async def reset(self) -> None:
        await self._post("reset")

    async def transcript(self, user: str, after: int = 0) -> list[Entry]:
        return list(await self._call("GET", f"/control/chats/{user}/messages?after={after}"))

    async def wait_for(
        self,
        user: str,
        after: int = 0,
        match: Callable[[Entry], bool] = lambda e: e["direction"] == "out",
        timeout: float = 10.0,
    ) -> Entry:
        """The first entry after ``after`` that ``match``es (by default: from Samen)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (left := deadline - loop.time()) > 0:
            path = f"/control/chats/{user}/messages?after={after}&timeout={left:.2f}"
            for entry in await self._call("GET", path):
                after = entry["seq"]
                if match(entry):
                    return dict(entry)
        raise TimeoutError(f"nothing matching for {user} within {timeout} s")

    async def download(self, media_id: str) -> bytes:
        """A file Samen uploaded (a document it sent), as the person would open it."""
        assert self._session is not None, "use the client in `async with`"
        async with self._session.get(f"{self.url}/control/media/{media_id}") as answer:
            if answer.status != 200:
                raise WhatsAppEmulatorError(f"media {media_id}: {answer.status}")
            return await answer.read()

    async def violations(self) -> list[Entry]:
        return list(await self._call("GET", "/control/violations"))

    async def stats(self) -> Entry:
        return dict(await self._call("GET", "/control/stats"))
