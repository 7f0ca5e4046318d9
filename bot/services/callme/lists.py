"""A volunteer's /tasks list: their own tasks and the waiting ones, each with its button."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_timedelta

from bot.buttons import Prefix, encode
from bot.i18n import Translator
from bot.services.callme.model import Task
from bot.services.callme.moments import moment_text
from bot.services.outbox import Button, OutMessage

# A volunteer's /tasks list names at most this many of their own tasks, so that it
# stays one message that can be kept up to date.
MY_TASKS_LISTED = 40
WAITING_LISTED = 10


def claim_button(label: str, task_id: int) -> Button:
    return Button(label, encode(Prefix.TASK, "claim", str(task_id)))


def task_list(t: Translator, mine: list[Task], waiting: list[Task], now: datetime) -> OutMessage:
    """A volunteer's /tasks: their own tasks and the waiting ones, each with its button."""
    listed = mine[:MY_TASKS_LISTED]
    lines = [t._("<b>Your tasks</b>")]
    lines += [
        t._(
            "• #%(id)s – %(moment)s",
            id=task.id,
            moment=moment_text(t, task.moment_start, task.moment_end),
        )
        for task in listed
    ] or [t._("None right now.")]
    if len(mine) > len(listed):
        lines.append(t._("…and %(n)s more.", n=len(mine) - len(listed)))
    lines += ["", t._("<b>Waiting for a volunteer</b>")]
    lines += [
        t._(
            "• #%(id)s – speaks %(language)s – waiting %(age)s",
            id=task.id,
            language=t.language_name(task.language),
            age=format_timedelta(now - task.opened_at, locale=t.locale),
        )
        for task in waiting
    ] or [t._("Nobody is waiting. Thank you!")]
    rows = [
        (Button(t._("📞 #%(id)s: details", id=task.id), encode(Prefix.TASK, "show", str(task.id))),)
        for task in listed
    ]
    rows += [(claim_button(t._("🙋 Take #%(id)s", id=task.id), task.id),) for task in waiting]
    return OutMessage("\n".join(lines), tuple(rows))
