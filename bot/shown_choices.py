"""Typed answers to questions with buttons: "ja", "nee", "2", or a button's words.

People type where Samen shows buttons ("ja" under "Wilt u het vangnet?"). Every Bot API
answer passes ``ShownChoices.observe`` (see ``bot.telegram_request``), which keeps, per
chat and in memory only, the last message that showed buttons. A typed text that picks one
of them (``ShownChoices.pick``) is then handled as a tap on that button: the journeys need
no second, typed path. A tap made this way has an id of its own (``TYPED_QUERY``), which
the request layer answers itself: Telegram never saw such a query.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from bot.services.understanding.reader import normalise, typed_choice, yes_or_no

TYPED_QUERY = "typed:"
# Methods whose answer is a message the person now sees: new, or edited in place.
_SENDING = {"sendmessage", "sendphoto", "senddocument", "sendlocation"}
_EDITING = {"editmessagetext", "editmessagecaption", "editmessagereplymarkup"}
_CHATS_KEPT = 10_000  # in memory; the oldest chat is forgotten first
MAX_CHOICE_WORDS = 4
_ANSWERED = json.dumps({"ok": True, "result": True}).encode()


@dataclass(frozen=True)
class Shown:
    """A bot message with buttons, as Telegram returned it."""

    message: dict[str, Any]
    buttons: tuple[tuple[str, str], ...]  # (label, callback data), in reading order

    def pick(self, text: str) -> str | None:
        """The callback data of the button a typed answer picks, or None.

        Only short answers pick: a sentence says something of its own ("ik wil graag
        vrijwilliger worden" is no "Ja, dat wil ik graag").
        """
        if len(normalise(text).split()) > MAX_CHOICE_WORDS:
            return None
        labels = [label for label, _data in self.buttons]
        index = typed_choice(text, labels, yes=_first(labels, True), no=_first(labels, False))
        return None if index is None else self.buttons[index][1]


def _first(labels: list[str], yes: bool) -> int | None:
    """The button a plain "ja" (or "nee") means: the first that says yes (or no)."""
    marks = ("✅", "👍") if yes else ("↩️", "❌")
    for index, label in enumerate(labels):
        if yes_or_no(label) is yes or label.startswith(marks):
            return index
    return None


class ShownChoices:
    def __init__(self) -> None:
        self._last: OrderedDict[int, Shown | None] = OrderedDict()

    def last(self, chat_id: int) -> Shown | None:
        return self._last.get(chat_id)

    def answer_locally(self, url: str, parameters: dict[str, Any]) -> bytes | None:
        """The Bot API's answer to answering a typed tap (it never reached Telegram)."""
        if _method(url) != "answercallbackquery":
            return None
        typed = str(parameters.get("callback_query_id", "")).startswith(TYPED_QUERY)
        return _ANSWERED if typed else None

    def observe(self, url: str, payload: bytes) -> None:
        """Remember what a successful send or edit now shows in its chat.

        A new message is what the person looks at, buttons or not. An edit that shows
        buttons (a question edited in place) is too; an edit that takes them away
        matters only for the message that was last.
        """
        method = _method(url)
        if method not in _SENDING and method not in _EDITING:
            return
        try:
            result = json.loads(payload).get("result")
        except (ValueError, AttributeError):
            return
        if not isinstance(result, dict) or not isinstance(result.get("chat"), dict):
            return  # an inline message, or not a message at all
        chat_id = int(result["chat"]["id"])
        shown = _shown(result)
        if method in _EDITING and shown is None:
            current = self._last.get(chat_id)
            if current is None or current.message.get("message_id") != result.get("message_id"):
                return
        self._last[chat_id] = shown
        self._last.move_to_end(chat_id)
        while len(self._last) > _CHATS_KEPT:
            self._last.popitem(last=False)


def _method(url: str) -> str:
    return url.rsplit("/", 1)[-1].lower()


def _shown(message: dict[str, Any]) -> Shown | None:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    buttons = tuple(
        (str(b["text"]), str(b["callback_data"]))
        for row in rows
        for b in row
        if b.get("callback_data")
    )
    return Shown(message, buttons) if buttons else None
