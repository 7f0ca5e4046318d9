"""The task desk: a task's card for the volunteer who took it, outcomes, notes, /tasks.

Written against the conversation layer (``bot.chat``). Every choice names its task,
and every press is checked on the server twice: the role (``only_for``), and in the
service's SQL that this volunteer may do this to this task now. A forged, stale or
second press gets a kind answer and changes nothing. The note's task id is kept in
the open question's data, so a restart while the volunteer types loses nothing.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from babel.dates import format_timedelta

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.incoming import Kind
from bot.chat.message import Choice, Reply, choices
from bot.i18n import Translator
from bot.services.callme.phones import display_phone
from bot.services.callme.requests import (
    NO_ANSWER_LIMIT,
    OUTCOME_LABELS,
    TOPIC_LABELS,
    CallOutcome,
    ClaimResult,
    OutcomeResult,
    Task,
    TaskStatus,
    moment_text,
)
from bot.services.outbox import OutMessage
from bot.services.roles import Role
from handlers.auth import only_for

WRITE_NOTE = "volunteers.note"  # the open question; its data: {"task": <task id>}
NOTE_IN_LIST = 80  # a note in a list of tasks is cut to this; the task itself shows it all
Action = Callable[[Conversation, int], Awaitable[None]]


def _task_text(c: Conversation, task: Task) -> str:
    """Everything the claiming volunteer needs for the call, and only for them."""
    t = c.t
    lines = [
        t._("<b>Weekly call #%(id)s</b>", id=task.id)
        if task.weekly
        else t._("<b>Call request #%(id)s</b>", id=task.id),
        "",
        t._("Name: %(name)s", name=html.escape(task.resident_name or "?")),
        t._("Phone: %(phone)s", phone=display_phone(task.phone) if task.phone else "–"),
        t._("When: %(moment)s", moment=moment_text(t, task.moment_start, task.moment_end)),
        t._("Language: %(language)s", language=t.language_name(task.language)),
    ]
    if task.topic is not None:
        lines.append(t._("Topic: %(topic)s", topic=t._(TOPIC_LABELS[task.topic])))
    if task.no_answers:
        lines.append(
            t._(
                "No answer so far: %(n)s of %(limit)s times",
                n=task.no_answers,
                limit=NO_ANSWER_LIMIT,
            )
        )
    if task.note:
        lines.append(t._("Note: %(note)s", note=html.escape(task.note)))
    lines += ["", t._("After the call, tap what happened. Cannot call? Give it back.")]
    return "\n".join(lines)


def _task_card(c: Conversation, task: Task) -> Reply:
    t = c.t
    tid = str(task.id)

    def outcome(value: CallOutcome) -> Choice:
        return Choice(t._(OUTCOME_LABELS[value]), encode(Prefix.TASK, value.value, tid))

    return Reply(
        _task_text(c, task),
        choices=choices(
            (outcome(CallOutcome.REACHED), outcome(CallOutcome.NO_ANSWER)),
            (outcome(CallOutcome.FOLLOW_UP), outcome(CallOutcome.REFERRED)),
            (
                Choice(t._("📝 Note"), encode(Prefix.TASK_NOTE, tid)),
                Choice(t._("↩️ Give it back"), encode(Prefix.TASK, "release", tid)),
            ),
        ),
    )


async def _send_task(c: Conversation, task: Task) -> None:
    """The details, remembered so the name and number can be taken out later."""
    message_id = await c.say(_task_card(c, task))
    if message_id is not None:
        await c.runtime.services.call_requests.remember_details(task.id, c.person.id, message_id)


@only_for(Role.VOLUNTEER)
async def task_action(c: Conversation) -> None:
    """task:<action>:<id>, re-checked by the service against this volunteer and this task."""
    action, raw_id = args_of(c.incoming.data)
    await _TASK_ACTIONS.get(action, _outcome)(c, int(raw_id))


async def _claim(c: Conversation, task_id: int) -> None:
    # The offer messages themselves are edited through the outbox ("taken"), for
    # everyone at once; editing the tapped one here too would race with that.
    result, task = await c.runtime.services.call_requests.claim(task_id, c.person.id)
    if result in (ClaimResult.CLAIMED, ClaimResult.ALREADY_YOURS) and task is not None:
        await c.acknowledge(c.t._("It is yours. Thank you!"))
        await _send_task(c, task)
        return
    await c.acknowledge(
        c.t._("Someone else was just quicker. Thank you!")
        if result is ClaimResult.TAKEN
        else c.t._("This request is no longer open.")
    )


async def _show(c: Conversation, task_id: int) -> None:
    mine = await c.runtime.services.call_requests.task_for(task_id, c.person.id)
    if mine is None or mine.status is not TaskStatus.CLAIMED:
        await _not_yours(c)
        return
    await _send_task(c, mine)


async def _release(c: Conversation, task_id: int) -> None:
    # The details messages (this one too) are cleared through the outbox.
    if await c.runtime.services.call_requests.release(task_id, c.person.id) is None:
        await _not_yours(c)


async def _outcome(c: Conversation, task_id: int) -> None:
    outcome = CallOutcome(args_of(c.incoming.data)[0])
    result, task = await c.runtime.services.call_requests.record_outcome(
        task_id, c.person.id, outcome
    )
    if result is OutcomeResult.NOT_YOURS or task is None:
        await _not_yours(c)
    elif result is OutcomeResult.TOO_EARLY:
        await c.acknowledge(
            c.t._(
                "%(name)s asked to be called %(moment)s. Please call then.",
                name=task.resident_name or "?",
                moment=moment_text(c.t, task.moment_start, task.moment_end),
            ),
            alert=True,
        )
    elif result is OutcomeResult.TRY_AGAIN:
        await c.acknowledge(c.t._("Saved. Please try again later."))
        await c.update(_task_card(c, task))
    else:
        await c.acknowledge(c.t._("Saved. Thank you!"))
        await c.update(_closed_card(c, task, result, outcome))


def _closed_card(c: Conversation, task: Task, result: OutcomeResult, outcome: CallOutcome) -> Reply:
    t = c.t
    return Reply(
        _closed_summary(t, task, result, outcome)
        + "\n\n"
        + t._("Would you like to add a short note? It is deleted with the phone number later."),
        choices=choices(Choice(t._("📝 Note"), encode(Prefix.TASK_NOTE, str(task.id)))),
    )


def _closed_summary(t: Translator, task: Task, result: OutcomeResult, outcome: CallOutcome) -> str:
    """What came of it, in the words of its kind (a week's call has a next week)."""
    if task.weekly and result is OutcomeResult.GAVE_UP:
        return t._(
            "📵 Weekly call #%(id)s: no answer %(n)s times. The resident has been told. "
            "Until next week!",
            id=task.id,
            n=task.no_answers,
        )
    if task.weekly:
        return t._(
            "Weekly call #%(id)s is done: %(outcome)s. Thank you! Until next week.",
            id=task.id,
            outcome=t._(OUTCOME_LABELS[outcome]),
        )
    if result is OutcomeResult.GAVE_UP:
        return t._(
            "📵 Call request #%(id)s is closed: no answer %(n)s times. "
            "The coordinators have been told. Thank you for trying!",
            id=task.id,
            n=task.no_answers,
        )
    return t._(
        "Call request #%(id)s is closed: %(outcome)s. Thank you!",
        id=task.id,
        outcome=t._(OUTCOME_LABELS[outcome]),
    )


_TASK_ACTIONS: dict[str, Action] = {"claim": _claim, "show": _show, "release": _release}


async def _not_yours(c: Conversation) -> None:
    # Choices off before the answer: a tap that follows the answer must find them gone
    # (the edit waits for a send slot; the answer does not).
    await c.clear_choices()
    await c.acknowledge(c.t._("This task is not yours, or it is already closed."))


# ---------------------------------------------------------------------- notes


@only_for(Role.VOLUNTEER)
async def ask_note(c: Conversation) -> None:
    """tnote:<task>: the volunteer types a note; the task id waits in the question."""
    (raw_id,) = args_of(c.incoming.data)
    task = await c.runtime.services.call_requests.task_for(int(raw_id), c.person.id)
    if task is None or task.status not in (TaskStatus.CLAIMED, TaskStatus.CLOSED):
        await _not_yours(c)
        return
    await c.ask(
        WRITE_NOTE,
        Reply(
            c.t._(
                "Type a short note about call request #%(id)s. "
                "Write only what is needed. Or type /cancel.",
                id=task.id,
            )
        ),
        task=task.id,
    )


async def typed_only(c: Conversation) -> bool:
    """Typed words, as asked; a sticker, photo or voice message gets the kind reminder."""
    if c.incoming.kind is Kind.TEXT:
        return True
    await c.say(Reply(c.t._("Please type it as text, or type /cancel.")))
    return False


async def got_note(c: Conversation) -> None:
    """The typed note, for the task in the open question (the service checks it is theirs)."""
    if not await typed_only(c):
        return
    question = c.question
    task_id = question.data.get("task") if question is not None else None
    await c.close_question()
    if not isinstance(task_id, int):
        await c.say(
            Reply(c.t._("Sorry, I lost track of the task. Please tap “📝 Note” again."), menu=True)
        )
        return
    if await c.runtime.services.call_requests.add_note(task_id, c.person.id, c.incoming.text):
        text = c.t._("The note is saved with request #%(id)s.", id=task_id)
    else:
        text = c.t._("This task is not yours, or it is already closed.")
    await c.say(Reply(text, menu=True))


# ---------------------------------------------------------------------- /tasks


async def show_tasks(c: Conversation) -> None:
    """/tasks: volunteers see open tasks and their own; coordinators see all, with age."""
    roles = await c.runtime.services.roles.of(c.person.id)
    if not roles:
        await c.say(Reply(c.t._("Sorry, this is only for the Samen team."), menu=True))
        return
    if Role.COORDINATOR in roles:
        await c.say(Reply(await overview_text(c)))
    if Role.VOLUNTEER in roles:
        await _volunteer_tasks(c)


async def _volunteer_tasks(c: Conversation) -> None:
    """Open tasks and their own, kept current afterwards (through the outbox)."""
    call_requests = c.runtime.services.call_requests
    listing = await call_requests.task_list(c.person.id, c.t)
    message_id = await c.say(reply_of(listing))
    if message_id is not None:
        await call_requests.remember_list(c.person.id, message_id, listing)


def reply_of(message: OutMessage) -> Reply:
    """A message a service built (the /tasks list) as a Reply: one choice per row."""
    return Reply(
        message.text,
        choices=tuple(tuple(Choice(b.text, b.data) for b in row) for row in message.buttons),
    )


async def overview_text(c: Conversation) -> str:
    """No phone numbers here: coordinators see status, age and who took it."""
    t = c.t
    now = c.runtime.clock()
    tasks = await c.runtime.services.call_requests.overview()
    lines = [t._("<b>All call requests</b>"), ""]
    for task in tasks:
        age = format_timedelta(now - task.created_at, locale=t.locale)
        line = _OVERVIEW_LINES.get(task.status, _follow_up_line)(c, task, age)
        if task.no_answers:
            line += " " + t._("(no answer %(n)s×)", n=task.no_answers)
        lines.append(line)
    if not tasks:
        lines.append(t._("There are no open requests."))
    return "\n".join(lines)


def _waiting_line(c: Conversation, task: Task, age: str) -> str:
    return c.t._("• #%(id)s – waiting %(age)s – nobody yet", id=task.id, age=age)


def _taken_line(c: Conversation, task: Task, age: str) -> str:
    return c.t._(
        "• #%(id)s – asked %(age)s ago – taken by %(name)s",
        id=task.id,
        age=age,
        name=html.escape(task.volunteer_name or "?"),
    )


def _follow_up_line(c: Conversation, task: Task, _age: str) -> str:
    line = c.t._(
        "• #%(id)s – needs follow-up (%(name)s)",
        id=task.id,
        name=html.escape(task.volunteer_name or "?"),
    )
    if task.note:
        line += "\n  " + c.t._("Note: %(note)s", note=html.escape(shorten(task.note)))
    return line


_OVERVIEW_LINES: dict[TaskStatus, Callable[[Conversation, Task, str], str]] = {
    TaskStatus.OPEN: _waiting_line,
    TaskStatus.CLAIMED: _taken_line,
    TaskStatus.CLOSED: _follow_up_line,
}


def shorten(text: str, limit: int = NOTE_IN_LIST) -> str:
    """One line of at most ``limit`` characters, "…" where it was cut (lists stay short)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
