"""Long lists are split into messages Telegram accepts, cut between lines."""

from __future__ import annotations

import pytest

from bot.channels.telegram.send import MAX_MESSAGE, split_message
from handlers.volunteers.desk import shorten


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_a_short_text_stays_one_message() -> None:
    assert split_message("<b>Tasks</b>\n\n• #1") == ["<b>Tasks</b>\n\n• #1"]


@pytest.mark.parametrize("line", ["• #{n} – taken by Piet – asked 3 days ago", "📞 #{n}: ☕ " * 9])
def test_long_lists_are_cut_between_lines(line: str) -> None:
    lines = [line.format(n=n) for n in range(400)]
    text = "\n".join(lines)
    parts = split_message(text)
    assert len(parts) > 1
    assert all(utf16(part) <= MAX_MESSAGE for part in parts)
    # Nothing lost, nothing cut within a line, nothing reordered.
    assert "\n".join(parts) == text


def test_emoji_count_double_as_telegram_counts_them() -> None:
    text = "\n".join(["🙂" * 100] * 30)  # 3,029 characters, 6,029 UTF-16 units
    parts = split_message(text)
    assert len(parts) == 2 and all(utf16(p) <= MAX_MESSAGE for p in parts)


def test_a_single_overlong_line_is_cut_hard() -> None:
    parts = split_message("x" * 9000, limit=4096)
    assert [len(p) for p in parts] == [4096, 4096, 808]


def test_notes_in_lists_are_shortened() -> None:
    assert shorten("Belde om 10 uur.") == "Belde om 10 uur."
    long = shorten("Mevrouw wil graag\nmeer contact " + "en nog veel meer " * 30)
    assert len(long) == 80 and long.endswith("…") and "\n" not in long
