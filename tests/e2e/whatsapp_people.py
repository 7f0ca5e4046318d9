"""A resident on WhatsApp for end-to-end tests, driven like ``harness.Person``.

The same verbs (say, tap, press, expect, expect_toast) so a journey's test runs on both
channels from one body: ``tap`` picks a menu row (or types the label, as a person would
when no menu is on screen), ``press`` taps a reply button or list row by its label, and
a tap's notice (Telegram's toast) is a short message on WhatsApp.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.emulator.whatsapp import WhatsAppEmulatorClient
from bot.emulator.whatsapp.client import Entry, entry_text

# WhatsApp's *bold* and _italic_ markers: the person sees the words, not the marks
# (as Telegram's emulator gives the text without its bold and italic entities).
_MARKUP = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])|(?<![\w_])_([^_\n]+)_(?![\w_])")


def wa_text(entry: Entry) -> str:
    """What the person reads in an entry, without the formatting marks."""
    return _MARKUP.sub(lambda m: m.group(1) or m.group(2), entry_text(entry))


def wa_options(entry: Entry) -> list[tuple[str, str, str]]:
    """(title, id, description) of an entry's reply buttons or list rows, in order."""
    action = (entry.get("interactive") or {}).get("action") or {}
    buttons = [(b["reply"]["title"], b["reply"]["id"], "") for b in action.get("buttons") or []]
    rows = [
        (r["title"], r["id"], r.get("description", ""))
        for s in action.get("sections") or []
        for r in s.get("rows") or []
    ]
    return buttons + rows


def wa_labels(entry: Entry) -> list[str]:
    """What each option says in full (a long label is cut in the title, whole below it)."""
    return [
        description if title.endswith("…") and description else title
        for title, _id, description in wa_options(entry)
    ]


class WhatsAppPerson:
    channel = "whatsapp"

    def __init__(self, client: WhatsAppEmulatorClient, bsuid: str, first_name: str) -> None:
        self.client = client
        self.bsuid = bsuid
        self.first_name = first_name
        self.cursor = 0

    async def join(self) -> WhatsAppPerson:
        await self.client.add_person(self.bsuid, self.first_name)
        return self

    async def say(self, text: str) -> None:
        await self.client.send_text(self.bsuid, text)

    async def tap(self, label: str) -> None:
        """A main-menu label: its row in the newest menu, else typed."""
        for entry in reversed(await self.client.transcript(self.bsuid)):
            for title, data, description in wa_options(entry):
                if label in (title, description):
                    await self.client.press(self.bsuid, data)
                    return
        await self.say(label)

    async def press(self, entry: Entry, label: str) -> None:
        for title, data, description in wa_options(entry):
            if label in (title, description):
                await self.client.press(self.bsuid, data)
                return
        raise AssertionError(f"no {label!r} among {wa_labels(entry)}")

    async def expect(
        self, contains: str = "", timeout: float = 8.0, where: Callable[[Entry], bool] | None = None
    ) -> Entry:
        def wanted(entry: Entry) -> bool:
            return (
                entry["direction"] == "out"
                and contains in wa_text(entry)
                and (where is None or where(entry))
            )

        entry = await self.client.wait_for(self.bsuid, self.cursor, wanted, timeout)
        self.cursor = int(entry["seq"])
        return entry

    async def document(self, entry: Entry) -> tuple[str, bytes]:
        """A document Samen sent: its file name and content."""
        document = entry["document"]
        return document["filename"], await self.client.download(document["id"])

    async def expect_toast(self, contains: str = "", timeout: float = 8.0) -> Entry:
        """WhatsApp shows no notice after a tap: Samen sends it as a short message."""
        return await self.expect(contains, timeout)

    async def expect_silence(self, seconds: float = 1.0) -> None:
        try:
            entry = await self.client.wait_for(self.bsuid, self.cursor, timeout=seconds)
        except TimeoutError:
            return
        raise AssertionError(f"expected no answer, got {wa_text(entry)!r}")
