"""How a message with choices looks on WhatsApp, within Meta's limits.

Up to three short choices become reply buttons (titles ≤ 20, body ≤ 1,024). More
choices, longer labels, descriptions or a longer text become a list (rows ≤ 10, titles ≤ 24,
descriptions ≤ 72, button ≤ 20, body ≤ 4,096); beyond ten rows the list goes on in a
next message ("paging"), so no choice is lost. A text longer than a message allows is
split at paragraph or line ends. Nothing here knows pywa: ``graph`` sends the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.channels.whatsapp.format import fit, whatsapp_text
from bot.channels.whatsapp.incoming import REPEAT
from bot.chat.message import Venue

BUTTONS_MAX, BUTTON_TITLE_MAX = 3, 20
ROWS_MAX, ROW_TITLE_MAX, ROW_DESCRIPTION_MAX, LIST_BUTTON_MAX = 10, 24, 72, 20
BODY_WITH_BUTTONS_MAX, BODY_MAX = 1024, 4096


@dataclass(frozen=True)
class Option:
    """One choice as Samen means it: what it says and the data a tap sends back."""

    title: str
    data: str
    description: str = ""


@dataclass(frozen=True)
class WaMessage:
    """One WhatsApp message: a text, with reply buttons, or a list, or a location request;
    or a pin on the map (``place``, no body)."""

    body: str
    buttons: tuple[Option, ...] = ()
    rows: tuple[Option, ...] = ()
    list_button: str = ""
    location_request: bool = False
    place: Venue | None = None


def split_text(text: str, limit: int = BODY_MAX) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at a paragraph, line or word end."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]  # a break right after the limit still fits
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        cut = cut if cut > 0 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest else pieces


def _row(option: Option) -> Option:
    """A list row: a long title is cut, and said whole in the description."""
    title = option.title
    description = option.description
    if len(title) > ROW_TITLE_MAX:
        description = description or title
        title = fit(title, ROW_TITLE_MAX)
    return Option(title, option.data, fit(description, ROW_DESCRIPTION_MAX))


def unique_ids(options: Sequence[Option]) -> list[Option]:
    """Options whose ids differ: a repeated id gets ``REPEAT`` and a number after it,
    which ``incoming.choice_data`` takes off again when it is tapped."""
    seen: dict[str, int] = {}
    unique = []
    for option in options:
        count = seen.get(option.data, 0)
        seen[option.data] = count + 1
        data = f"{option.data}{REPEAT}{count}" if count else option.data
        unique.append(Option(option.title, data, option.description))
    return unique


def render(
    html: str,
    options: Sequence[Option] = (),
    *,
    list_button: str,
    more_text: str,
    location_request: bool = False,
) -> list[WaMessage]:
    """The WhatsApp messages that say ``html`` (Samen's HTML) and offer ``options``.

    ``list_button`` opens a list ("Choose"); ``more_text`` heads the next page of a list.
    """
    text = whatsapp_text(html)
    options = unique_ids(options)
    # A reply button has a title only: a description needs a list row to be seen.
    short_buttons = len(options) <= BUTTONS_MAX and all(
        len(o.title) <= BUTTON_TITLE_MAX and not o.description for o in options
    )
    with_buttons = location_request or (bool(options) and short_buttons)
    limit = BODY_WITH_BUTTONS_MAX if with_buttons else BODY_MAX
    *lead, last = split_text(text, limit) or [""]
    messages = [WaMessage(piece) for piece in lead]
    if location_request:
        return [*messages, WaMessage(last, location_request=True)]
    if not options:
        return [*messages, WaMessage(last)]
    if short_buttons:
        return [*messages, WaMessage(last, buttons=tuple(options))]
    button = fit(list_button, LIST_BUTTON_MAX)
    rows = [_row(o) for o in options]
    pages = [rows[i : i + ROWS_MAX] for i in range(0, len(rows), ROWS_MAX)]
    messages.append(WaMessage(last, rows=tuple(pages[0]), list_button=button))
    messages.extend(WaMessage(more_text, rows=tuple(p), list_button=button) for p in pages[1:])
    return messages
