"""Volunteers and coordinators: the task desk, profiles, invite links, applications.

Every button names its object (task, application), and every press is checked
on the server twice: the role (``requires``), and in the service's SQL that this
volunteer may do this to this task now. A forged, stale or second press gets a
kind answer and changes nothing.
"""

from __future__ import annotations

import html
from typing import Any

from babel.dates import format_timedelta
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.buttons import Prefix, args_of, encode, matches
from bot.config import SUPPORTED_LANGUAGES
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
from bot.services.volunteers import (
    ApplyResult,
    DecideResult,
    InviteResult,
    Volunteer,
    invite_link,
)
from handlers.auth import has_role, requires
from handlers.callme.request import MenuLabel, drop_buttons
from handlers.commands import names
from handlers.common import edit_text, is_consented, send_long, send_with_menu
from handlers.context import SamenContext
from handlers.conversation import conversation, end_with
from handlers.expired import button_expired
from handlers.keyboards import MenuAction, consent_choice

WRITE_NOTE = "volunteer_note"
WRITE_NAME = "volunteer_name"
_NOTE_TASK = "note_task"  # user_data key: the task a note is being typed for
INVITE_START = filters.Regex(r"^/start [A-Za-z0-9_-]{16}$")
NOTE_IN_LIST = 80  # a note in a list of tasks is cut to this; the task itself shows it all


def volunteer_conversation(index: dict[str, MenuAction]) -> ConversationHandler[Any]:
    """The two things a volunteer types: a note on a call, and their first name."""
    from handlers.menu import on_text

    private = filters.ChatType.PRIVATE
    text = private & filters.TEXT & ~filters.COMMAND
    menu = MessageHandler(private & MenuLabel(index), end_with(on_text))
    return conversation(
        "volunteer",
        entry_points=[
            CallbackQueryHandler(ask_note, pattern=matches(Prefix.TASK_NOTE)),
            CallbackQueryHandler(
                ask_name, pattern=lambda data: data == encode(Prefix.VOLUNTEER, "name:edit")
            ),
        ],
        states={
            WRITE_NOTE: [menu, MessageHandler(text, got_note), _please_type()],
            WRITE_NAME: [menu, MessageHandler(text, got_name), _please_type()],
        },
    )


def volunteer_handlers() -> list[BaseHandler[Update, Any, Any]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("start", join_with_invite, filters=private & INVITE_START),
        CommandHandler(names("tasks"), show_tasks, filters=private),
        CommandHandler(names("invite"), new_invite, filters=private),
        CallbackQueryHandler(task_action, pattern=matches(Prefix.TASK)),
        CallbackQueryHandler(profile_action, pattern=matches(Prefix.VOLUNTEER)),
        CallbackQueryHandler(invite_button, pattern=matches(Prefix.INVITE)),
        CallbackQueryHandler(joined_with_consent, pattern=matches(Prefix.JOIN)),
        CallbackQueryHandler(apply, pattern=matches(Prefix.APPLY)),
        CallbackQueryHandler(decide_application, pattern=matches(Prefix.APPLICATION)),
    ]


def _please_type() -> MessageHandler[Any, Any]:
    async def please_type(update: Update, ctx: SamenContext) -> None:
        if update.message is not None:
            await update.message.reply_text(ctx.t._("Please type it as text, or type /cancel."))

    return MessageHandler(
        filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND, please_type
    )


def _button(text: str, prefix: Prefix, *args: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode(prefix, *args))


# ---------------------------------------------------------------------- "I want to help"


async def show_help_out(update: Update, ctx: SamenContext) -> None:
    """The menu button: the volunteer's desk, the coordinator's tools, or how to join."""
    chat = update.effective_chat
    resident = ctx.resident
    if chat is None:
        return
    if resident is None or not is_consented(ctx):
        from handlers.start import consent_question

        await ctx.bot.send_message(
            chat.id, consent_question(ctx), reply_markup=consent_choice(ctx.t)
        )
        return
    roles = await ctx.services.roles.of(resident.telegram_id)
    if Role.COORDINATOR in roles:
        await _coordinator_panel(update, ctx)
    if Role.VOLUNTEER in roles:
        volunteer = await ctx.services.volunteers.get(resident.telegram_id)
        if volunteer is not None:
            await ctx.bot.send_message(
                chat.id,
                _profile_text(ctx, volunteer),
                reply_markup=_profile_buttons(ctx, volunteer),
            )
    if roles:
        return
    await ctx.bot.send_message(
        chat.id,
        ctx.t._(
            "<b>Would you like to help?</b> 🤝\n\n"
            "Samen volunteers call residents who asked for a phone call. "
            "Sometimes just for a chat, sometimes with a practical question. "
            "You choose when you are available.\n\n"
            "Tap the button below. A coordinator of WIJ Heemstede will then get in touch."
        ),
        reply_markup=InlineKeyboardMarkup(
            [[_button(ctx.t._("🙋 I would like to become a volunteer"), Prefix.APPLY, "yes")]]
        ),
    )


async def apply(update: Update, ctx: SamenContext) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    resident = ctx.resident
    if resident is None or not is_consented(ctx):
        await send_with_menu(update, ctx, ctx.t._("Please agree to the privacy text first."))
        return
    result = await ctx.services.volunteers.apply(resident.telegram_id)
    await drop_buttons(update)
    answers = {
        ApplyResult.SENT: ctx.t._(
            "Thank you! We sent your offer to a coordinator. You will hear from us soon."
        ),
        ApplyResult.PENDING: ctx.t._(
            "You already offered to help. A coordinator will get back to you soon."
        ),
        ApplyResult.ALREADY: ctx.t._("You are already a volunteer. Thank you!"),
    }
    await send_with_menu(update, ctx, answers[result])


@requires(Role.COORDINATOR)
async def decide_application(update: Update, ctx: SamenContext) -> None:
    """appl:<yes|no>:<id>: the first coordinator's decision counts."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    decision, application_id = args_of(query.data)
    result, name = await ctx.services.volunteers.decide(
        int(application_id), user.id, approve=decision == "yes"
    )
    name = html.escape(name)
    if result is DecideResult.UNKNOWN:  # erased, or not the application on this message
        await drop_buttons(update)
        await button_expired(update, ctx)
        return
    texts = {
        DecideResult.APPROVED: ctx.t._(
            "✅ You approved %(name)s. They are a volunteer now and have been told.", name=name
        ),
        DecideResult.DECLINED: ctx.t._(
            "❌ You declined %(name)s. They have been told that a coordinator will get in touch.",
            name=name,
        ),
        DecideResult.ALREADY_DECIDED: ctx.t._(
            "The application of %(name)s was already decided.", name=name
        ),
    }
    await query.answer()
    await edit_text(query, texts[result])
    if result is DecideResult.APPROVED:
        applicant = await ctx.services.volunteers.applicant_of(int(application_id))
        if applicant is not None:
            await ctx.services.call_requests.offer_open_tasks(applicant)


# ---------------------------------------------------------------------- profile


def _profile_text(ctx: SamenContext, volunteer: Volunteer) -> str:
    t = ctx.t
    return t._(
        "<b>Your volunteer profile</b>\n\n"
        "Name residents see: %(name)s\n"
        "Languages you speak: %(languages)s\n"
        "On duty: %(duty)s\n\n"
        "On duty means: you get a message when someone asks for a call.",
        name=html.escape(volunteer.first_name),
        languages=", ".join(t.language_name(code) for code in volunteer.languages),
        duty=t._("yes") if volunteer.on_duty else t._("no"),
    )


def _profile_buttons(ctx: SamenContext, volunteer: Volunteer) -> InlineKeyboardMarkup:
    t = ctx.t
    duty = (
        _button(t._("⏸ Go off duty"), Prefix.VOLUNTEER, "duty:off")
        if volunteer.on_duty
        else _button(t._("▶️ Go on duty"), Prefix.VOLUNTEER, "duty:on")
    )
    languages = [
        _button(
            ("✓ " if code in volunteer.languages else "") + t.language_name(code),
            Prefix.VOLUNTEER,
            f"lang:{code}",
        )
        for code in SUPPORTED_LANGUAGES
    ]
    return InlineKeyboardMarkup(
        [
            [duty],
            languages,
            [_button(t._("✏️ Change my name"), Prefix.VOLUNTEER, "name:edit")],
            [_button(t._("📋 Tasks"), Prefix.VOLUNTEER, "tasks:show")],
        ]
    )


@requires(Role.VOLUNTEER)
async def profile_action(update: Update, ctx: SamenContext) -> None:
    """vol:duty:on|off, vol:lang:xx, vol:tasks:show (vol:name:edit is a conversation)."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    what, value = args_of(query.data)[0].split(":")
    if what == "tasks":
        await query.answer()
        await show_tasks(update, ctx)
        return
    volunteers = ctx.services.volunteers
    if what == "duty":
        volunteer = await volunteers.set_on_duty(user.id, value == "on")
        await ctx.services.call_requests.offer_open_tasks(user.id)
    elif what == "lang":
        volunteer = await volunteers.toggle_language(user.id, value)
    else:
        volunteer = await volunteers.get(user.id)
    if volunteer is None:
        await query.answer(ctx.t._("This button no longer works."))
        return
    await query.answer(
        (ctx.t._("You are on duty.") if volunteer.on_duty else ctx.t._("You are off duty."))
        if what == "duty"
        else ctx.t._("Saved.")
    )
    # Unticking the only language, or "off duty" pressed twice, changes nothing: the
    # buttons already show it (duty and languages are all they show), so no edit.
    buttons = _profile_buttons(ctx, volunteer)
    if isinstance(query.message, Message) and query.message.reply_markup == buttons:
        return
    await edit_text(query, _profile_text(ctx, volunteer), buttons)


@requires(Role.VOLUNTEER)
async def ask_name(update: Update, ctx: SamenContext) -> str:
    query = update.callback_query
    if query is not None:
        await query.answer()
    await send_with_menu(
        update,
        ctx,
        ctx.t._("Which first name should residents see? Type it below, or type /cancel."),
    )
    return WRITE_NAME


async def got_name(update: Update, ctx: SamenContext) -> str | int:
    user = update.effective_user
    message = update.message
    if user is None or message is None or message.text is None:
        return WRITE_NAME
    if not await has_role(update, ctx, Role.VOLUNTEER):
        await send_with_menu(update, ctx, ctx.t._("Sorry, this is only for the Samen team."))
        return ConversationHandler.END
    volunteer = await ctx.services.volunteers.set_first_name(user.id, message.text)
    if volunteer is None:
        await message.reply_text(ctx.t._("Please type a first name, or type /cancel."))
        return WRITE_NAME
    await ctx.bot.send_message(
        user.id, _profile_text(ctx, volunteer), reply_markup=_profile_buttons(ctx, volunteer)
    )
    return ConversationHandler.END


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
        return _button(t._(OUTCOME_LABELS[value]), Prefix.TASK, value.value, tid)

    return InlineKeyboardMarkup(
        [
            [outcome(CallOutcome.REACHED), outcome(CallOutcome.NO_ANSWER)],
            [outcome(CallOutcome.FOLLOW_UP), outcome(CallOutcome.REFERRED)],
            [
                _button(t._("📝 Note"), Prefix.TASK_NOTE, tid),
                _button(t._("↩️ Give it back"), Prefix.TASK, "release", tid),
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
        reply_markup=InlineKeyboardMarkup([[_button(t._("📝 Note"), Prefix.TASK_NOTE, raw_id)]]),
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


# ---------------------------------------------------------------------- coordinators


async def _coordinator_panel(update: Update, ctx: SamenContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    t = ctx.t
    pending = await ctx.services.volunteers.pending_applications()
    await ctx.bot.send_message(
        chat.id,
        t._(
            "<b>For coordinators</b>\n\n"
            "/invite – a new invite link for a volunteer\n"
            "/volunteers – who helps, and ending someone's volunteering\n"
            "/tasks – all call-back requests\n\n"
            "Applications waiting for you: %(n)s",
            n=len(pending),
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [_button(t._("➕ New invite link"), Prefix.INVITE, "new")],
                [_button(t._("📋 Tasks"), Prefix.VOLUNTEER, "tasks:show")],
                [_button(t._("👥 Volunteers"), Prefix.VOLUNTEER_ADMIN, "list", "0")],
            ]
        ),
    )


@requires(Role.COORDINATOR)
async def new_invite(update: Update, ctx: SamenContext) -> None:
    """/invite: a single-use link, valid for seven days."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    invite = await ctx.services.volunteers.create_invite(user.id)
    link = invite_link(ctx.bot.username, invite.code)
    await ctx.bot.send_message(
        chat.id,
        ctx.t._(
            "<b>New invite link</b>\n\n%(link)s\n\n"
            "Send it to one new volunteer. It works once, until %(until)s.",
            link=link,
            until=ctx.t.datetime(invite.expires_at),
        ),
    )


@requires(Role.COORDINATOR)
async def invite_button(update: Update, ctx: SamenContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    await new_invite(update, ctx)


async def join_with_invite(update: Update, ctx: SamenContext) -> None:
    """/start <code>: the invite link. Without consent, the privacy text comes first."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or not ctx.args:
        return
    code = ctx.args[0]
    if is_consented(ctx):
        await _redeem(update, ctx, code)
        return
    state = await ctx.services.volunteers.check_invite(code)
    if state is not InviteResult.JOINED:
        await send_with_menu(update, ctx, _invite_problem(ctx, state))
        return
    from handlers.start import consent_question

    sources = await ctx.services.volunteers.invite_sources(code)
    welcome = (
        ctx.t._(
            "Welcome to Samen! 👋 You have been invited to keep the activities of "
            "%(sources)s. First, please read how Samen handles your data.",
            sources=html.escape(", ".join(sources)),
        )
        if sources
        else ctx.t._(
            "Welcome to Samen! 👋 You have been invited to help as a volunteer. "
            "First, please read how Samen handles your data."
        )
    )
    await ctx.bot.send_message(chat.id, welcome)
    await ctx.bot.send_message(
        chat.id,
        consent_question(ctx),
        reply_markup=InlineKeyboardMarkup(
            [
                [_button(ctx.t._("✅ I agree"), Prefix.JOIN, code)],
                [_button(ctx.t._("No, thank you"), Prefix.CONSENT, "no", ctx.t.language)],
            ]
        ),
    )


async def joined_with_consent(update: Update, ctx: SamenContext) -> None:
    """join:<code>: record consent (the first thing stored), then use the invite."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    (code,) = args_of(query.data)
    await query.answer()
    await drop_buttons(update)
    if not is_consented(ctx):
        ctx.resident = await ctx.services.residents.give_consent(
            user.id, user.first_name, ctx.t.language
        )
    await _redeem(update, ctx, code)


async def _redeem(update: Update, ctx: SamenContext, code: str) -> None:
    user = update.effective_user
    resident = ctx.resident
    if user is None or resident is None:
        return
    sources = await ctx.services.volunteers.invite_sources(code)
    result = await ctx.services.volunteers.redeem_invite(
        code, user.id, resident.first_name or user.first_name, resident.language
    )
    if result is InviteResult.JOINED and sources:
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "🎉 Welcome! You now keep the activities of %(sources)s in Samen. "
                "Type /activities to see them, change them or add one.",
                sources=html.escape(", ".join(sources)),
            ),
        )
        return
    if result is InviteResult.JOINED:
        await send_with_menu(
            update,
            ctx,
            ctx.t._(
                "🎉 Welcome to the team! You are now a Samen volunteer.\n\n"
                "You will get a message when someone asks for a phone call. "
                "Tap “🤝 I want to help” to see your tasks and your profile."
            ),
        )
        volunteer = await ctx.services.volunteers.get(user.id)
        if volunteer is not None:
            await ctx.bot.send_message(
                user.id,
                _profile_text(ctx, volunteer),
                reply_markup=_profile_buttons(ctx, volunteer),
            )
        await ctx.services.call_requests.offer_open_tasks(user.id)
        return
    if result is InviteResult.ALREADY:
        await send_with_menu(update, ctx, ctx.t._("You are already a volunteer. Thank you!"))
        return
    await send_with_menu(update, ctx, _invite_problem(ctx, result))


def _invite_problem(ctx: SamenContext, result: InviteResult) -> str:
    if result is InviteResult.USED:
        return ctx.t._(
            "This invite link was already used. Please ask the coordinator for a new one."
        )
    if result is InviteResult.EXPIRED:
        return ctx.t._("This invite link has expired. Please ask the coordinator for a new one.")
    return ctx.t._("This invite link does not work. Please ask the coordinator for a new one.")
