"""Samen's simple HTML (<b>, <i>, <a href>) as WhatsApp's own markup.

WhatsApp shows *bold* and _italic_ and makes bare links tappable; it has no HTML.
"""

from __future__ import annotations

import html
import re

_LINK = re.compile(r'<a\s+href="([^"]*)"\s*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
_TAGS = {"b": "*", "strong": "*", "i": "_", "em": "_"}
_TAG = re.compile(r"</?(b|strong|i|em)>", re.IGNORECASE)
_OTHER_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_SPACES = re.compile(r"\s+")


def _link(match: re.Match[str]) -> str:
    url, label = html.unescape(match.group(1)), match.group(2)
    return url if _OTHER_TAG.sub("", label).strip() in ("", url) else f"{label} ({url})"


def whatsapp_text(text: str) -> str:
    """<b>x</b> → *x*, <i>x</i> → _x_, <a href="u">t</a> → t (u); entities unescaped."""
    text = _LINK.sub(_link, text)
    text = _TAG.sub(lambda m: _TAGS[m.group(1).lower()], text)
    return html.unescape(_OTHER_TAG.sub("", text))


def one_line(text: str, limit: int) -> str:
    """A template parameter: Meta refuses new lines, tabs and runs of spaces in them.

    Longer texts are cut at a word and end in "…".
    """
    flat = _SPACES.sub(" ", whatsapp_text(text)).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def fit(text: str, limit: int) -> str:
    """A text cut to ``limit`` characters (ending in "…") when longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
