"""How end-to-end tests run Samen: the real Application polling the emulator over HTTP.

``SamenBot`` starts and stops ``bot.app.serve`` in the test's event loop (so a
restart is just stop + start on the same database), and ``Person`` plays one
resident through the emulator's control API, remembering how far they have read.
"""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.app import serve
from bot.channels.whatsapp.incoming import SAY
from bot.clock import Clock
from bot.config import Settings, load_settings
from bot.db import Database
from bot.emulator.client import EmulatorClient, Entry
from tests.e2e.whatsapp_people import WhatsAppPerson, wa_labels, wa_options, wa_text

TOKEN = "123456789:TEST-TOKEN-samen"
T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], timeout: float = 60.0
) -> T:
    """Poll ``probe`` until ``done`` holds or ``timeout`` seconds of wall time pass, and
    return the last value (the caller asserts on it). A deadline in seconds, not a count of
    polls: on a loaded machine each poll is slower, and a count ran out too early."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await probe()
        if done(value) or asyncio.get_running_loop().time() >= deadline:
            return value
        await asyncio.sleep(0.05)


class SamenBot:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(serve(self.settings, self._stop, self.clock))

    async def stop(self) -> None:
        if self._stop is None or self._task is None:
            return
        self._stop.set()
        task, self._task = self._task, None
        await asyncio.wait_for(task, 30)

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """Read the bot's database from a second connection, as an operator would."""
        db = await Database.open(self.settings.database)
        try:
            return [tuple(r) for r in await db.fetchall(sql, params)]
        finally:
            await db.close()


async def samen_id(samen: SamenBot, person: Person | WhatsAppPerson) -> int | None:
    """The id Samen keys this person on: the Telegram user id, or the id Samen gave the
    WhatsApp person on first sight (None before they wrote)."""
    if isinstance(person, Person):
        return person.user_id
    rows = await samen.query(
        "SELECT resident_id FROM whatsapp_people WHERE bsuid = ?", (person.bsuid,)
    )
    return int(rows[0][0]) if rows else None


# Samen's own HTTP server listens on a port the test chose before Samen starts. A port
# from bind(0) was the kernel's to hand out again at once: until Samen listened on it
# (a second or more on a loaded machine), any outgoing connection on the machine could
# take it as its local port, and Samen could not listen. Ports below Linux's ephemeral
# range (32768-60999 by default) are never handed out that way.
TEST_PORTS = range(20_000, 32_000)
_chosen_ports: set[int] = set()


def free_port() -> int:
    """A loopback port nobody listens on right now, outside the ephemeral range, and not
    chosen before in this test run (for Samen's own HTTP server)."""
    while True:
        port = random.choice(TEST_PORTS)
        if port in _chosen_ports:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue  # in use (perhaps by another test run on this machine)
        _chosen_ports.add(port)
        return port


def make_settings(url: str, database: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": url,
        "SAMEN_DATABASE": database,
        # The operator's HTTP server stays off unless a test asks for it (a free port).
        "SAMEN_HTTP_PORT": 0,
        **overrides,
    }
    return load_settings(**values)


def _on_whatsapp(entry: Entry) -> bool:
    return entry.get("messaging_product") == "whatsapp"  # type: ignore[comparison-overlap]


def text_of(entry: Entry) -> str:
    if _on_whatsapp(entry):
        return wa_text(entry)  # type: ignore[arg-type]
    return entry.get("text") or entry.get("caption") or ""


def plain_text_of(entry: Entry) -> str:
    """The text without bold marks: WhatsApp shows <b> as *...*, Telegram as formatting."""
    return text_of(entry).replace("*", "")


def buttons_of(entry: Entry) -> list[str]:
    """Inline button texts of a bot message, in order (WhatsApp: its buttons or rows)."""
    if _on_whatsapp(entry):
        options = zip(wa_labels(entry), wa_options(entry), strict=True)  # type: ignore[arg-type]
        return [label for label, (_t, data, _d) in options if not data.startswith(SAY)]
    markup = entry.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def keyboard_of(entry: Entry) -> list[str]:
    """Reply-keyboard button texts sent with a bot message (WhatsApp: the menu's rows)."""
    if _on_whatsapp(entry):
        options = zip(wa_labels(entry), wa_options(entry), strict=True)  # type: ignore[arg-type]
        return [label for label, (_t, data, _d) in options if data.startswith(SAY)]
    markup = entry.get("reply_markup") or {}
    return [
        b if isinstance(b, str) else b["text"] for row in markup.get("keyboard", []) for b in row
    ]


class Person:
    channel = "telegram"

    def __init__(
        self, client: EmulatorClient, user_id: int, first_name: str, language_code: str | None
    ) -> None:
        self.client = client
        self.user_id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.cursor = 0

    async def join(self, *, opened: bool = False) -> Person:
        """``opened``: they opened Samen's chat before the test (a coordinator named in
        SAMEN_COORDINATORS, which the doctor checks); else Telegram lets Samen write to
        them only once they have written or tapped."""
        await self.client.add_user(
            self.user_id,
            first_name=self.first_name,
            language_code=self.language_code,
            started=opened,
        )
        return self

    async def say(self, text: str) -> None:
        await self.client.send_text(self.user_id, text)

    async def tap(self, label: str) -> None:
        """Tap a button of the reply keyboard (the main menu)."""
        await self.client.tap_reply_button(self.user_id, label)

    async def press(self, entry: Entry, button_text: str) -> None:
        message_id = entry.get("message_id")
        assert message_id is not None
        await self.client.press(self.user_id, message_id, button_text=button_text)

    async def expect(
        self, contains: str = "", timeout: float = 8.0, where: Callable[[Entry], bool] | None = None
    ) -> Entry:
        """The next bot message (or edit) after what this person saw last, containing text."""

        def wanted(entry: Entry) -> bool:
            return (
                entry.get("direction") == "out"
                and contains in text_of(entry)
                and (where is None or where(entry))
            )

        entry = await self.client.wait_for(
            self.user_id, after=self.cursor, predicate=wanted, timeout=timeout
        )
        self.cursor = int(entry["seq"])
        return entry

    async def expect_toast(self, contains: str = "", timeout: float = 8.0) -> Entry:
        entry = await self.client.wait_for(
            self.user_id,
            after=self.cursor,
            predicate=lambda e: e.get("direction") == "toast" and contains in (e.get("text") or ""),
            timeout=timeout,
        )
        return entry

    async def document(self, entry: Entry) -> tuple[str, bytes]:
        """A document Samen sent: its file name and content."""
        document = entry.get("document") or {}
        return document["file_name"], await self.client.download(document["file_id"])

    async def last_bot_message_id(self) -> int:
        """The id of the newest bot message in this person's chat (to press forged data on)."""
        entries = await self.client.transcript(self.user_id)
        ids = [e.get("message_id") for e in entries if e.get("direction") == "out"]
        found = [i for i in ids if i is not None]
        assert found, "the bot has not written to this person yet"
        return found[-1]

    async def expect_silence(self, seconds: float = 1.0) -> None:
        try:
            entry = await self.client.wait_for(self.user_id, after=self.cursor, timeout=seconds)
        except TimeoutError:
            return
        raise AssertionError(f"expected no answer, got {text_of(entry)!r}")
