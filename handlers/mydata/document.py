"""The "Send me my data" document a person can read: their language, local times.

It is made from the same export as the JSON file beside it (``Privacy.export``),
so both always hold the same rows: the overview of what is kept and for how long,
then the things a person did, one line each, under plain headings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from babel.dates import format_date

from bot.clock import from_iso
from bot.i18n import N_, Translator
from bot.services.callme.phones import display_phone

MOODS = {"good": N_("you felt good"), "okay": N_("you felt so-so"), "bad": N_("you felt not good")}
ANSWERS = {"y": N_("yes"), "m": N_("more or less"), "n": N_("no")}
SELFCHECK_STATUS = {
    "invited": N_("invited"),
    "declined": N_("not now"),
    "started": N_("started"),
    "done": N_("done"),
}
CALLBACK_STATUS = {
    "open": N_("waiting for a volunteer"),
    "claimed": N_("a volunteer will call"),
    "closed": N_("done"),
    "cancelled": N_("cancelled"),
}
REMINDER_STATUS = {
    "pending": N_("still to come"),
    "sent": N_("sent"),
    "cancelled": N_("cancelled"),
    "skipped": N_("not sent"),
}

EXPORT_FILE_NAME = "samen-my-data.json"  # the machine-readable file sent beside it
Row = dict[str, Any]


def readable_export(t: Translator, overview_html: str, data: dict[str, Any]) -> str:
    """A plain-text document: title, the overview, then one section per kind of thing done."""
    lines = [
        t._("Samen – my data"),
        t._("Made on %(moment)s", moment=_local(t, data["exported_at"])),
        "",
        _plain(overview_html),
    ]
    sections: tuple[tuple[str, str, Callable[[Translator, Row], str]], ...] = (
        ("checkin_sends", N_("Your check-ins"), _checkin),
        ("selfcheck_rounds", N_("Your monthly self-checks"), _selfcheck),
        ("activity_reminders", N_("Your reminders for activities"), _reminder),
        ("call_requests", N_("Your call requests"), _callback),
    )
    for table, heading, line in sections:
        rows = data.get(table) or []
        if rows:
            lines += ["", t._(heading), *(line(t, row) for row in rows)]
    lines += [
        "",
        t._(
            "The file %(file)s holds the same with every detail, for a computer.",
            file=EXPORT_FILE_NAME,
        ),
        "",
    ]
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Telegram HTML as plain text."""
    return html.unescape(re.sub(r"</?[bi]>", "", text))


def _local(t: Translator, moment: object) -> str:
    """A stored UTC moment as local time in words, with the year (a document is kept)."""
    return t.dated(from_iso(str(moment))) if moment else "–"


def _word(t: Translator, words: dict[str, str], value: object) -> str:
    return t._(words[str(value)]) if str(value) in words else "–"


def _checkin(t: Translator, row: Row) -> str:
    answer = _word(t, MOODS, row["mood"]) if row.get("mood") else t._("no answer")
    return f"• {_local(t, row.get('slot'))}: {answer}"


def _selfcheck(t: Translator, row: Row) -> str:
    month = datetime.strptime(str(row["month"]), "%Y-%m")
    answers = ", ".join(_word(t, ANSWERS, a) for a in str(row.get("answers") or ""))
    return t._(
        "• %(month)s: %(status)s. Your answers: %(answers)s",
        month=format_date(month, "LLLL yyyy", locale=t.locale),
        status=_word(t, SELFCHECK_STATUS, row.get("status")),
        answers=answers or "–",
    )


def _reminder(t: Translator, row: Row) -> str:
    return t._(
        "• An activity on %(moment)s: %(status)s",
        moment=_local(t, row.get("starts_at")),
        status=_word(t, REMINDER_STATUS, row.get("status")),
    )


def _callback(t: Translator, row: Row) -> str:
    return t._(
        "• Asked on %(moment)s: %(status)s. Phone number: %(phone)s",
        moment=_local(t, row.get("created_at")),
        status=_word(t, CALLBACK_STATUS, row.get("status")),
        phone=display_phone(str(row["phone"])) if row.get("phone") else t._("removed"),
    )
