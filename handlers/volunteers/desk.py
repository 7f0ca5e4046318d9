"""The task desk: a task's card for the volunteer who took it, outcomes, notes, /tasks.

Every button names its task, and every press is checked on the server twice: the
role (``requires``), and in the service's SQL that this volunteer may do this to
this task now. A forged, stale or second press gets a kind answer and changes nothing.
"""

from __future__ import annotations

import html

from babel.dates import format_timedelta
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ConversationHandler,
)

from bot.buttons import Prefix, args_of, encode
from bot.messenger import inline_keyboard
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
from bot.services.roles import Role
from handlers.auth import requires
from handlers.callme.request import drop_buttons
from handlers.common import edit_text, send_long, send_with_menu
from handlers.context import SamenContext

WRITE_NOTE = "volunteer_note"
_NOTE_TASK = "note_task"  # user_data key: the task a note is being typed for
NOTE_IN_LIST = 80  # a note in a list of tasks is cut to this; the task itself shows it all


def button(text: str, prefix: Prefix, *args: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode(prefix, *args))


# ---------------------------------------------------------------------- tasks


def _task_text(ctx: SamenContext, task: Task) -> str:
    """Everything the claiming volunteer needs for the call, and only for them."""
    t = ctx.t
    lines = [
        t._("<b>Call-back request #%(id)s</b>", id=task.id),
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


def _task_buttons(ctx: SamenContext, task: Task) -> InlineKeyboardMarkup:
    t = ctx.t
    tid = str(task.id)

    def outcome(value: CallOutcome) -> InlineKeyboardButton:
        return button(t._(OUTCOME_LABELS[value]), Prefix.TASK, value.value, tid)

    return InlineKeyboardMarkup(
        [
            [outcome(CallOutcome.REACHED), outcome(CallOutcome.NO_ANSWER)],
            [outcome(CallOutcome.FOLLOW_UP), outcome(CallOutcome.REFERRED)],
            [
                button(t._("📝 Note"), Prefix.TASK_NOTE, tid),
                button(t._("↩️ Give it back"), Prefix.TASK, "release", tid),
            ],
        ]
    )


async def _send_task(update: Update, ctx: SamenContext, task: Task) -> None:
    """The details, remembered so the name and number can be taken out later."""
    chat = update.effective_chat
    if chat is not None:
        sent = await ctx.bot.send_message(
            chat.id, _task_text(ctx, task), reply_markup=_task_buttons(ctx, task)
        )
        await ctx.services.call_requests.remember_details(task.id, chat.id, sent.message_id)


@requires(Role.VOLUNTEER)
async def task_action(update: Update, ctx: SamenContext) -> None:
    """task:<action>:<id>, re-checked by the service against this volunteer and this task."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    action, raw_id = args_of(query.data)
    task_id = int(raw_id)
    call_requests = ctx.services.call_requests
    t = ctx.t
    if action == "claim":
        # The offer messages themselves are edited through the outbox ("taken"), for
        # everyone at once; editing the pressed one here too would race with that.
        result, task = await call_requests.claim(task_id, user.id)
        if result in (ClaimResult.CLAIMED, ClaimResult.ALREADY_YOURS) and task is not None:
            await query.answer(t._("It is yours. Thank you!"))
            await _send_task(update, ctx, task)
            return
        await query.answer(
            t._("Someone else was just quicker. Thank you!")
            if result is ClaimResult.TAKEN
            else t._("This request is no longer open.")
        )
        return
    if action == "show":
        mine = await call_requests.task_for(task_id, user.id)
        if mine is None or mine.status is not TaskStatus.CLAIMED:
            await _not_yours(update, ctx)
            return
        await query.answer()
        await _send_task(update, ctx, mine)
        return
    if action == "release":
        released = await call_requests.release(task_id, user.id)
        if released is None:
            await _not_yours(update, ctx)
            return
        # The details messages (this one too) are cleared through the outbox.
        await query.answer()
        return
    outcome = CallOutcome(action)
    result_, task = await call_requests.record_outcome(task_id, user.id, outcome)
    if result_ is OutcomeResult.NOT_YOURS or task is None:
        await _not_yours(update, ctx)
        return
    if result_ is OutcomeResult.TOO_EARLY:
        await query.answer(
            t._(
                "%(name)s asked to be called %(moment)s. Please call then.",
                name=task.resident_name or "?",
                moment=moment_text(t, task.moment_start, task.moment_end),
            ),
            show_alert=True,
        )
        return
    if result_ is OutcomeResult.TRY_AGAIN:
        await query.answer(t._("Saved. Please try again later."))
        await edit_text(query, _task_text(ctx, task), reply_markup=_task_buttons(ctx, task))
        return
    await query.answer(t._("Saved. Thank you!"))
    summary = (
        t._(
            "📵 Call-back request #%(id)s is closed: no answer %(n)s times. "
            "The coordinators have been told. Thank you for trying!",
            id=task_id,
            n=task.no_answers,
        )
        if result_ is OutcomeResult.GAVE_UP
        else t._(
            "Call-back request #%(id)s is closed: %(outcome)s. Thank you!",
            id=task_id,
            outcome=t._(OUTCOME_LABELS[outcome]),
        )
    )
    await edit_text(
        query,
        summary
        + "\n\n"
        + t._("Would you like to add a short note? It is deleted with the phone number later."),
        reply_markup=InlineKeyboardMarkup([[button(t._("📝 Note"), Prefix.TASK_NOTE, raw_id)]]),
    )


async def _not_yours(update: Update, ctx: SamenContext) -> None:
    query = update.callback_query
    if query is not None:
        # Buttons off before the answer: a press that follows the answer must find them
        # gone (the edit waits for a send slot; the answer does not).
        await drop_buttons(update)
        await query.answer(ctx.t._("This task is not yours, or it is already closed."))


@requires(Role.VOLUNTEER)
async def ask_note(update: Update, ctx: SamenContext) -> str | int:
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return ConversationHandler.END
    (raw_id,) = args_of(query.data)
    task = await ctx.services.call_requests.task_for(int(raw_id), user.id)
    if task is None or task.status not in (TaskStatus.CLAIMED, TaskStatus.CLOSED):
        await _not_yours(update, ctx)
        return ConversationHandler.END
    await query.answer()
    if ctx.user_data is not None:
        ctx.user_data[_NOTE_TASK] = task.id
    await ctx.bot.send_message(
        user.id,
        ctx.t._(
            "Type a short note about call-back request #%(id)s. "
            "Write only what is needed. Or type /cancel.",
            id=task.id,
        ),
    )
    return WRITE_NOTE


async def got_note(update: Update, ctx: SamenContext) -> str | int:
    user = update.effective_user
    message = update.message
    if user is None or message is None or message.text is None:
        return WRITE_NOTE
    task_id = ctx.user_data.pop(_NOTE_TASK, None) if ctx.user_data is not None else None
    if not isinstance(task_id, int):
        # The bot restarted while the note was being typed: we no longer know the task.
        await send_with_menu(
            update, ctx, ctx.t._("Sorry, I lost track of the task. Please tap “📝 Note” again.")
        )
        return ConversationHandler.END
    if await ctx.services.call_requests.add_note(task_id, user.id, message.text):
        await send_with_menu(
            update, ctx, ctx.t._("The note is saved with request #%(id)s.", id=task_id)
        )
    else:
        await send_with_menu(
            update, ctx, ctx.t._("This task is not yours, or it is already closed.")
        )
    return ConversationHandler.END


async def show_tasks(update: Update, ctx: SamenContext) -> None:
    """/tasks: volunteers see open tasks and their own; coordinators see all, with age."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    roles = await ctx.services.roles.of(user.id)
    if not roles:
        await send_with_menu(update, ctx, ctx.t._("Sorry, this is only for the Samen team."))
        return
    if Role.COORDINATOR in roles:
        await _coordinator_tasks(update, ctx)
    if Role.VOLUNTEER in roles:
        await _volunteer_tasks(update, ctx, user.id)


async def _volunteer_tasks(update: Update, ctx: SamenContext, volunteer_id: int) -> None:
    """Open tasks and their own, kept current afterwards (through the outbox)."""
    chat = update.effective_chat
    if chat is None:
        return
    listing = await ctx.services.call_requests.task_list(volunteer_id, ctx.t)
    sent = await ctx.bot.send_message(chat.id, listing.text, reply_markup=inline_keyboard(listing))
    await ctx.services.call_requests.remember_list(volunteer_id, sent.message_id, listing)


async def _coordinator_tasks(update: Update, ctx: SamenContext) -> None:
    """No phone numbers here: coordinators see status, age and who took it."""
    chat = update.effective_chat
    if chat is None:
        return
    t = ctx.t
    now = ctx.runtime.clock()
    tasks = await ctx.services.call_requests.overview()
    lines = [t._("<b>All call-back requests</b>"), ""]
    for task in tasks:
        age = format_timedelta(now - task.created_at, locale=t.locale)
        if task.status is TaskStatus.OPEN:
            line = t._("• #%(id)s – waiting %(age)s – nobody yet", id=task.id, age=age)
        elif task.status is TaskStatus.CLAIMED:
            line = t._(
                "• #%(id)s – asked %(age)s ago – taken by %(name)s",
                id=task.id,
                age=age,
                name=html.escape(task.volunteer_name or "?"),
            )
        else:
            line = t._(
                "• #%(id)s – needs follow-up (%(name)s)",
                id=task.id,
                name=html.escape(task.volunteer_name or "?"),
            )
            if task.note:
                line += "\n  " + t._("Note: %(note)s", note=html.escape(shorten(task.note)))
        if task.no_answers:
            line += " " + t._("(no answer %(n)s×)", n=task.no_answers)
        lines.append(line)
    if not tasks:
        lines.append(t._("There are no open requests."))
    await send_long(ctx, chat.id, "\n".join(lines))


def shorten(text: str, limit: int = NOTE_IN_LIST) -> str:
    """One line of at most ``limit`` characters, "…" where it was cut (lists stay short)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
