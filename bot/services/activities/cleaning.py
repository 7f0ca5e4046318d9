"""Making other programs' text fit Samen: the bytes of a file, HTML in a calendar's
texts, titles written for a web page.

Partners' files come from Excel, Outlook, WordPress and church websites, not from
Samen: a CSV saved by Excel in Windows-1252, a DESCRIPTION full of ``<br>`` and
``&amp;``, an Eventbrite title of two lines. These turn them into what a resident
can read on a phone, so the event is imported instead of refused.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_LINE_BREAK_TAG = re.compile(r"<(br|/p|/div|/h[1-6]|/tr)\b[^<>]*>", re.IGNORECASE)
_LIST_ITEM_TAG = re.compile(r"<li\b[^<>]*>", re.IGNORECASE)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")


def decode_text(data: bytes) -> str:
    """The text of a file: UTF-8 (with or without Excel's BOM), UTF-16 with its BOM
    (Excel's "Unicode text", Notepad's "Unicode"), else Windows-1252.

    A file that is not UTF-8 is far more often an old Windows export than anything
    else; reading it as Windows-1252 keeps its "é" and "€" instead of refusing it.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: read it as the bytes it is
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # one of its five unused bytes: Latin-1 reads every byte
        return data.decode("latin-1")


def plain_text(value: str) -> str:
    """A text without HTML: tags become line breaks where they break a line and go
    otherwise, entities (``&amp;``, ``&#8211;``) become their characters.

    Only text that contains a tag or an entity is touched, so "5 < 6" stays.
    """
    if _TAG.search(value):
        value = _LINE_BREAK_TAG.sub("\n", value)
        value = _LIST_ITEM_TAG.sub("\n- ", value)
        value = _TAG.sub("", value)
    if _ENTITY.search(value):
        value = html.unescape(value)
    value = "\n".join(line.strip() for line in value.replace("\xa0", " ").splitlines())
    return _BLANK_LINES.sub("\n\n", value).strip()


def shortened(value: str, limit: int) -> str:
    """A title cut at a word so it fits ``limit`` characters, ending in "…"."""
    cleaned = " ".join(value.split())
    if len(cleaned) <= limit:
        return cleaned
    cut = cleaned[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + "…"
