"""Async client for the emulator's control API: how tests play the people in a chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypedDict, cast

import aiohttp

DEFAULT_PHONE = "+31612345678"
HEEMSTEDE = (52.3579, 4.6206)


class SendResult(TypedDict):
    update_id: int
    message_id: int


class PressResult(TypedDict):
    update_id: int
    callback_query_id: str


class Entry(TypedDict, total=False):
    """One transcript line; ``direction`` is "in" (user), "out" (bot) or "toast"."""

    seq: int
    direction: str
    message_id: int | None
    from_id: int | None
    date: int
    kind: str
    text: str | None
    entities: list[dict[str, Any]] | None
    caption: str | None
    reply_markup: dict[str, Any] | None
    document: dict[str, Any] | None
    photo: list[dict[str, Any]] | None
    location: dict[str, Any] | None
    venue: dict[str, Any] | None
    contact: dict[str, Any] | None
    sticker: dict[str, Any] | None
    voice: dict[str, Any] | None
    audio: dict[str, Any] | None
    video: dict[str, Any] | None
    animation: dict[str, Any] | None
    edited: bool
    deleted: bool
    callback_query_id: str
    show_alert: bool
    url: str | None


class Violation(TypedDict, total=False):
    method: str
    description: str
    chat_id: int | None
    callback_query_id: str
    message_id: int
    data: str | None


class Stats(TypedDict, total=False):
    sends: int
    http_429: int
    http_5xx: int
    http_403: int
    timeouts: int  # sends applied but answered too late (fault injection)
    max_sends_in_1s: int
    send_times: list[list[float]]


class EmulatorError(Exception):
    """The control API refused a request (the test asked for something impossible)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


def _is_bot_output(entry: Entry) -> bool:
    return entry.get("direction") == "out"


def _summary(entry: Entry) -> str:
    body = entry.get("text") or entry.get("caption") or entry.get("kind")
    flags = " (edited)" if entry.get("edited") else ""
    flags += " (deleted)" if entry.get("deleted") else ""
    return (
        f"#{entry.get('seq')} {entry.get('direction')} m{entry.get('message_id')}: {body!r}{flags}"
    )


class EmulatorClient:
    """Thin typed wrapper over ``/control/*``; use as ``async with EmulatorClient(url)``."""

    def __init__(self, url: str, *, request_timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._timeout = request_timeout
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> EmulatorClient:
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("use EmulatorClient as an async context manager")
        return self._session

    async def _request(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        limit_s: float | None = None,
        raw: bool = False,
    ) -> Any:
        client_timeout = aiohttp.ClientTimeout(total=limit_s or self._timeout)
        params = {k: str(v) for k, v in (query or {}).items()}
        async with self.session.request(
            method, self.url + path, json=body, params=params, timeout=client_timeout
        ) as response:
            if response.status >= 400:
                text = await response.text()
                raise EmulatorError(response.status, text)
            if raw:
                return await response.read()
            return await response.json()

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        clean = {k: v for k, v in body.items() if v is not None}
        return await self._request("POST", "/control/" + path, body=clean)

    # ------------------------------------------------------------------ people

    async def add_user(
        self,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        started: bool = False,
    ) -> dict[str, Any]:
        """``started``: they opened the chat with the bot before (else the bot cannot
        write to them until they write or tap, as on Telegram)."""
        body = {
            "user_id": user_id,
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
            "started": started,
        }
        return cast(dict[str, Any], await self._post("users", body))

    async def add_group(self, chat_id: int, title: str, type: str | None = None) -> dict[str, Any]:
        body = {"chat_id": chat_id, "title": title, "type": type}
        return cast(dict[str, Any], await self._post("groups", body))

    async def send(
        self, user_id: int, kind: str, chat_id: int | None = None, **fields: Any
    ) -> SendResult:
        """Generic user message; the helpers below cover each kind."""
        body = {"user_id": user_id, "chat_id": chat_id, "kind": kind, **fields}
        return cast(SendResult, await self._post("send", body))

    async def send_text(self, user_id: int, text: str, chat_id: int | None = None) -> SendResult:
        return await self.send(user_id, "text", chat_id, text=text)

    send_command = send_text

    async def send_sticker(
        self, user_id: int, chat_id: int | None = None, emoji: str = "👍"
    ) -> SendResult:
        return await self.send(user_id, "sticker", chat_id, emoji=emoji)

    async def send_voice(
        self, user_id: int, chat_id: int | None = None, duration: int = 3
    ) -> SendResult:
        return await self.send(user_id, "voice", chat_id, duration=duration)

    async def send_photo(
        self,
        user_id: int,
        caption: str | None = None,
        chat_id: int | None = None,
        content: str | None = None,
    ) -> SendResult:
        return await self.send(user_id, "photo", chat_id, text=caption, content=content)

    async def send_document(
        self,
        user_id: int,
        file_name: str = "document.txt",
        content: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> SendResult:
        return await self.send(
            user_id, "document", chat_id, file_name=file_name, content=content, text=caption
        )

    async def send_location(
        self,
        user_id: int,
        latitude: float = HEEMSTEDE[0],
        longitude: float = HEEMSTEDE[1],
        chat_id: int | None = None,
    ) -> SendResult:
        return await self.send(user_id, "location", chat_id, latitude=latitude, longitude=longitude)

    async def send_contact(
        self,
        user_id: int,
        phone: str,
        contact_user_id: int | None = None,
        first_name: str | None = None,
        chat_id: int | None = None,
    ) -> SendResult:
        return await self.send(
            user_id,
            "contact",
            chat_id,
            phone_number=phone,
            contact_user_id=contact_user_id,
            first_name=first_name,
        )

    async def edit_message(
        self, user_id: int, message_id: int, text: str, chat_id: int | None = None
    ) -> SendResult:
        body = {"user_id": user_id, "message_id": message_id, "text": text, "chat_id": chat_id}
        return cast(SendResult, await self._post("edit", body))

    async def press(
        self,
        user_id: int,
        message_id: int,
        callback_data: str | None = None,
        button_text: str | None = None,
        forge: bool = False,
        chat_id: int | None = None,
        inaccessible: bool = False,
    ) -> PressResult:
        """``inaccessible``: the message is too old for Telegram to show the bot (48 h)."""
        body = {
            "user_id": user_id,
            "message_id": message_id,
            "callback_data": callback_data,
            "button_text": button_text,
            "forge": forge,
            "chat_id": chat_id,
            "inaccessible": inaccessible,
        }
        return cast(PressResult, await self._post("press", body))

    async def tap_reply_button(self, user_id: int, text: str, **kw: Any) -> SendResult:
        """kw: chat_id, phone_number (request_contact), latitude/longitude (request_location)."""
        return cast(
            SendResult, await self._post("reply_button", {"user_id": user_id, "text": text, **kw})
        )

    async def react(self, user_id: int, message_id: int, emoji: str = "👍") -> dict[str, Any]:
        body = {"user_id": user_id, "message_id": message_id, "emoji": emoji}
        return cast(dict[str, Any], await self._post("react", body))

    async def add_channel(self, chat_id: int, title: str) -> dict[str, Any]:
        return cast(
            dict[str, Any], await self._post("channels", {"chat_id": chat_id, "title": title})
        )

    async def channel_post(self, chat_id: int, text: str) -> dict[str, Any]:
        body = {"chat_id": chat_id, "text": text}
        return cast(dict[str, Any], await self._post("channel_post", body))

    async def add_bot_to_group(self, user_id: int, chat_id: int) -> dict[str, Any]:
        body = {"user_id": user_id, "chat_id": chat_id}
        return cast(dict[str, Any], await self._post("bot_added", body))

    async def block(self, user_id: int) -> dict[str, Any]:
        return cast(dict[str, Any], await self._post("block", {"user_id": user_id}))

    async def unblock(self, user_id: int) -> dict[str, Any]:
        return cast(dict[str, Any], await self._post("unblock", {"user_id": user_id}))

    # ------------------------------------------------------------------ observing

    async def transcript(self, chat_id: int, after: int = 0) -> list[Entry]:
        path = f"/control/chats/{chat_id}/messages"
        return cast(list[Entry], await self._request("GET", path, query={"after": after}))

    async def last_seq(self, chat_id: int) -> int:
        """Seq of the chat's newest entry (0 if none): use as ``after`` for wait_for."""
        path = f"/control/chats/{chat_id}/messages"
        tail = cast(list[Entry], await self._request("GET", path, query={"limit": 1}))
        return int(tail[-1]["seq"]) if tail else 0

    async def wait_for(
        self,
        chat_id: int,
        after: int = 0,
        predicate: Callable[[Entry], bool] | None = None,
        timeout: float = 5.0,
    ) -> Entry:
        """First entry after ``after`` matching ``predicate`` (default: any bot message)."""
        check = predicate or _is_bot_output
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        cursor = after
        while (remaining := deadline - loop.time()) > 0:
            entries = cast(
                list[Entry],
                await self._request(
                    "GET",
                    f"/control/chats/{chat_id}/wait",
                    query={"after": cursor, "timeout": round(remaining, 3)},
                    limit_s=remaining + 10,
                ),
            )
            for entry in entries:
                if check(entry):
                    return entry
            if entries:
                cursor = max(int(e["seq"]) for e in entries)
        tail = (await self.transcript(chat_id, after=after))[-10:]
        lines = "\n  ".join(_summary(e) for e in tail) or "(nothing)"
        raise TimeoutError(
            f"no matching entry in chat {chat_id} within {timeout}s; tail:\n  {lines}"
        )

    async def download(self, file_id: str) -> bytes:
        return cast(bytes, await self._request("GET", f"/control/files/{file_id}", raw=True))

    async def violations(self) -> list[Violation]:
        return cast(list[Violation], await self._request("GET", "/control/violations"))

    async def reset(self) -> None:
        await self._post("reset", {})

    async def configure(self, **kw: Any) -> dict[str, Any]:
        """kw: flood_limits, fault_5xx, fault_timeout, timeout_delay, forbidden_users, seed,
        callback_answer_timeout."""
        return cast(dict[str, Any], await self._request("POST", "/control/config", body=kw))

    async def stats(self, send_times: bool = False) -> Stats:
        query = {"send_times": 1} if send_times else None
        return cast(Stats, await self._request("GET", "/control/stats", query=query))
