"""Telegram's text formatting in the emulator: HTML, MarkdownV2 and Markdown parsed into
text and entities, with the errors the real Bot API gives for bad markup.

Pure and synchronous, like ``validation``, so the rules can be unit-tested.
"""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.validation import ApiError, JSONDict, bad_request, utf16_len

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z_:-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def _entity_error(text: str) -> ApiError:
    return bad_request(f"can't parse entities: {text}")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR_RE.finditer(raw):
        value = match.group(2) or ""
        if value[:1] in ('"', "'"):
            value = value[1:-1]
        attrs[match.group(1).lower()] = unescape_html(value)
    return attrs


def unescape_html(text: str) -> str:
    """Decode only the entities Telegram decodes; unknown ones stay literal."""

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16)) if int(name[2:], 16) <= 0x10FFFF else match.group(0)
        if name.startswith("#"):
            return chr(int(name[1:])) if int(name[1:]) <= 0x10FFFF else match.group(0)
        return _NAMED_ENTITIES.get(name.lower(), match.group(0))

    return _ENTITY_RE.sub(repl, text)


def _html_entity(tag: str, attrs: dict[str, str], offset: int, length: int) -> JSONDict | None:
    kind = _HTML_TAGS[tag]
    entity: JSONDict = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        href = attrs.get("href")
        if not href:
            return None
        entity["url"] = href
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    elif tag == "code" and attrs.get("class", "").startswith("language-"):
        entity["language"] = attrs["class"].removeprefix("language-")
    return entity


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Strip Telegram HTML into plain text plus entities, failing like Telegram does."""
    out: list[str] = []
    entities: list[JSONDict] = []
    stack: list[tuple[str, int, dict[str, str]]] = []
    pos16 = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            close = text.find(">", i)
            if close < 0:
                raise _entity_error(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
            inner = text[i + 1 : close]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise _entity_error(
                        f"Unexpected end tag at byte offset {_byte_offset(text, i)}"
                    )
                tag, start, attrs = stack.pop()
                if name != tag:
                    raise _entity_error(
                        f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                        f'expected "</{tag}>", found "</{name}>"'
                    )
                if pos16 > start:
                    entity = _html_entity(tag, attrs, start, pos16 - start)
                    if entity is not None:
                        entities.append(entity)
            else:
                m = re.match(r"[a-zA-Z][a-zA-Z0-9-]*", inner)
                name = m.group(0).lower() if m else ""
                if name not in _HTML_TAGS:
                    raise _entity_error(
                        f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}'
                    )
                attrs = _parse_attrs(inner[len(name) :])
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise _entity_error(
                        f'Tag "span" must have class "tg-spoiler" at byte offset '
                        f"{_byte_offset(text, i)}"
                    )
                stack.append((name, pos16, attrs))
            i = close + 1
            continue
        if ch == "&":
            m = _ENTITY_RE.match(text, i)
            if m:
                decoded = unescape_html(m.group(0))
                out.append(decoded)
                pos16 += utf16_len(decoded)
                i = m.end()
                continue
        out.append(ch)
        pos16 += 2 if ord(ch) > 0xFFFF else 1
        i += 1
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    _merge_pre_code(entities)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _merge_pre_code(entities: list[JSONDict]) -> None:
    """<pre><code class="language-x"> becomes one pre entity with a language, as in Telegram."""
    pres = {(e["offset"], e["length"]): e for e in entities if e["type"] == "pre"}
    for entity in list(entities):
        if entity["type"] == "code" and (entity["offset"], entity["length"]) in pres:
            if "language" in entity:
                pres[(entity["offset"], entity["length"])]["language"] = entity["language"]
            entities.remove(entity)


# --------------------------------------------------------------------------- Markdown

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}


def _find_unescaped(text: str, needle: str, start: int) -> int:
    """Index of ``needle`` at or after ``start`` that is not preceded by a backslash escape."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(needle, i):
            return i
        else:
            i += 1
    return -1


def parse_markdown_v2(text: str) -> tuple[str, list[JSONDict]]:
    """A compact MarkdownV2 reader: enough to catch unescaped reserved characters."""
    out: list[str] = []
    entities: list[JSONDict] = []
    open_: list[tuple[str, int, int]] = []  # (type, utf16 start, char index)
    pos16 = 0
    i = 0
    n = len(text)

    def emit(s: str) -> None:
        nonlocal pos16
        out.append(s)
        pos16 += utf16_len(s)

    def toggle(kind: str, width: int) -> None:
        nonlocal i
        for k in range(len(open_) - 1, -1, -1):
            if open_[k][0] == kind:
                _, start, _ = open_.pop(k)
                if pos16 > start:
                    entities.append({"type": kind, "offset": start, "length": pos16 - start})
                break
        else:
            open_.append((kind, pos16, i))
        i += width

    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            emit(text[i + 1])
            i += 2
        elif ch == "`":
            fence = 3 if text.startswith("```", i) else 1
            end = _find_unescaped(text, "`" * fence, i + fence)
            if end < 0:
                kind = "Pre" if fence == 3 else "Code"
                raise _entity_error(
                    f"Can't find end of {kind} entity at byte offset {_byte_offset(text, i)}"
                )
            body = text[i + fence : end]
            language = None
            if fence == 3 and "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    language, body = first, rest
            body = re.sub(r"\\([`\\])", r"\1", body)
            start = pos16
            emit(body)
            entity: JSONDict = {
                "type": "pre" if fence == 3 else "code",
                "offset": start,
                "length": pos16 - start,
            }
            if language:
                entity["language"] = language
            if pos16 > start:
                entities.append(entity)
            i = end + fence
        elif ch == "*":
            toggle("bold", 1)
        elif ch == "_":
            if text.startswith("__", i):
                toggle("underline", 2)
            else:
                toggle("italic", 1)
        elif ch == "~":
            toggle("strikethrough", 1)
        elif ch == "|" and text.startswith("||", i):
            toggle("spoiler", 2)
        elif ch == "[":
            open_.append(("text_link", pos16, i))
            i += 1
        elif ch == "]" and any(o[0] == "text_link" for o in open_):
            m = re.match(r"\]\(((?:[^)\\]|\\.)*)\)", text[i:])
            if not m:
                raise _entity_error(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            k = max(idx for idx, o in enumerate(open_) if o[0] == "text_link")
            _, start, _ = open_.pop(k)
            url = re.sub(r"\\(.)", r"\1", m.group(1))
            if pos16 > start:
                entities.append(
                    {"type": "text_link", "offset": start, "length": pos16 - start, "url": url}
                )
            i += m.end()
        elif ch == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # blockquote marker at line start
        elif ch in _MDV2_RESERVED:
            raise _entity_error(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        else:
            emit(ch)
            i += 1
    if open_:
        kind, _, index = open_[0]
        raise _entity_error(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset "
            f"{_byte_offset(text, index)}"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def parse_markdown(text: str) -> tuple[str, list[JSONDict]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out: list[str] = []
    entities: list[JSONDict] = []
    i = 0
    pos16 = 0
    n = len(text)
    marks = {"*": "bold", "_": "italic", "`": "code"}
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "*_`[":
            out.append(text[i + 1])
            pos16 += 1
            i += 2
            continue
        if ch in marks or ch == "[":
            if ch == "[":
                m = re.match(r"\[([^\]]*)\]\(([^)]*)\)", text[i:])
                if not m:
                    out.append(ch)
                    pos16 += 1
                    i += 1
                    continue
                body, url, width = m.group(1), m.group(2), m.end()
                kind = "text_link"
            else:
                fence = "```" if text.startswith("```", i) else ch
                end = text.find(fence, i + len(fence))
                if end < 0:
                    raise _entity_error(
                        "Can't find end of the entity starting at byte offset "
                        f"{_byte_offset(text, i)}"
                    )
                body, url = text[i + len(fence) : end], ""
                width = end + len(fence) - i
                kind = "pre" if fence == "```" else marks[ch]
            start = pos16
            out.append(body)
            pos16 += utf16_len(body)
            if body:
                entity: JSONDict = {"type": kind, "offset": start, "length": pos16 - start}
                if url:
                    entity["url"] = url
                entities.append(entity)
            i += width
            continue
        out.append(ch)
        pos16 += 2 if ord(ch) > 0xFFFF else 1
        i += 1
    return "".join(out), entities


def format_text(
    text: str, parse_mode: str | None, entities: Any
) -> tuple[str, list[JSONDict] | None]:
    """Apply parse_mode (or explicit entities) and return (plain text, entities or None)."""
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        plain, found = parse_html(text)
    elif mode == "markdownv2":
        plain, found = parse_markdown_v2(text)
    elif mode == "markdown":
        plain, found = parse_markdown(text)
    elif mode:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    else:
        plain = text
        if entities is None or entities == "":
            found = []
        elif isinstance(entities, list) and all(isinstance(e, dict) for e in entities):
            found = entities
        else:
            raise bad_request("can't parse entities JSON object")
    return plain, (found or None)
