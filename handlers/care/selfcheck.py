"""The monthly self-check, the resident's side: consent, questions, the reflection, stop.

It is reached from the check-in menu (``handlers.care.checkins.selfcheck_button``).
Nothing is stored before its own consent. Every step is saved in the database
as it happens (each answer, one by one), so a restart halfway loses nothing:
the buttons carry the month, the question number and the answer, and the
server only accepts the question that is due for this person. Old, repeated
or forged buttons get a kind answer; a typed "ja" or "nee" answers the
question on screen.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.buttons import Prefix, args_of, encode, matches
from bot.channels.telegram.conversation import run_step
from bot.i18n import N_, Translator
from bot.services.care.selfcheck import (
    Problem,
    Round,
    RoundStatus,
    answer_data,
    month_from_code,
)
from bot.services.care.selfcheck_scale import (
    ITEMS,
    QUESTIONS,
    REPLY_LABELS,
    Band,
    Reply,
    Score,
    reflection,
    reply_from_text,
)
from handlers.activities.where import show_activities
from handlers.callme.request import call_me_button_data
from handlers.common import edit_buttons, edit_text, is_consented, messages_stopped, send_with_menu
from handlers.context import SamenContext
from handlers.expired import button_expired
from handlers.helplines import desk_help
from handlers.keyboards import MENU_LABELS, MenuAction

NOT_NOW = N_("↩️ Not now")  # the same words as in the check-in set-up


def _button(t: Translator, label: str, step: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t._(label), callback_data=encode(Prefix.SELFCHECK, step))


# ---------------------------------------------------------------- texts


def consent_text(t: Translator) -> str:
    return t._(
        "<b>Monthly self-check</b> (you choose)\n\n"
        "<b>What:</b> once a month, Samen shows you six short sentences about contact "
        "with other people, such as “I miss having people around me”. "
        "You answer yes, more or less, or no.\n\n"
        "<b>Why:</b> so you can see how you are doing, and find help in time when you "
        "need it. The questions come from a well-known Dutch list (De Jong Gierveld).\n\n"
        "<b>Who sees it:</b> only you see your answers and your result. Coordinators "
        "only see anonymous numbers, such as how many people did the self-check. "
        "Never your name, your answers or your result.\n\n"
        "<b>How long:</b> Samen deletes your answers after 3 months.\n\n"
        "<b>Stop:</b> at any time, in “💬 Check-ins” → “📝 Monthly self-check”. "
        "Samen then deletes all your answers. “🗑 Delete everything” in “📋 My data” "
        "deletes them too.\n\n"
        "Your answers say something about your health. "
        "Do you agree that Samen keeps them for this self-check?"
    )


def question_text(t: Translator, number: int) -> str:
    lines = [
        "<b>" + t._("Question %(n)s of %(total)s", n=number, total=QUESTIONS) + "</b>",
        "",
    ]
    if number == 1:
        lines += [
            t._(
                "How well does each sentence fit you, the way you feel these days? "
                "There is no right or wrong answer."
            ),
            "",
        ]
    lines.append("“" + t._(ITEMS[number - 1].text) + "”")
    return "\n".join(lines)


def question_buttons(t: Translator, month: str, number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t._(REPLY_LABELS[r]), callback_data=answer_data(month, number, r)
                )
                for r in Reply
            ],
            [_button(t, N_("⏸ Later"), "later")],
        ]
    )


def invitation_moment(ctx: SamenContext, due: datetime) -> str:
    """When the next invitation comes; while messages are stopped, that none comes."""
    if messages_stopped(ctx):
        return ctx.t._("none while your messages are stopped (“📋 My data”)")
    return ctx.t.datetime(due)


def result_text(ctx: SamenContext, result: Score) -> str:
    """The reflection, then help that fits it: never a crisis line for loneliness alone.

    Feeling connected: activities. Missing people now and then: a call or
    activities. Often missing people: a call, activities and the social work desk.
    (113 and 112 are for a crisis signal, which six yes/no sentences do not give.)
    """
    t = ctx.t
    parts = [t._("<b>Thank you for filling this in.</b>"), reflection(t, result)]
    if result.band is Band.NOT_LONELY:
        parts.append(t._("Would you like to do something with others nearby? Have a look."))
        return "\n\n".join(parts)
    parts.append(
        t._(
            "Would you like to talk to someone? A volunteer can call you. "
            "Or find something to do with others nearby."
        )
    )
    if result.band is Band.SEVERE:
        parts.append(desk_help(ctx))
    return "\n\n".join(parts)


def result_buttons(t: Translator, result: Score) -> InlineKeyboardMarkup:
    activities = [_button(t, MENU_LABELS[MenuAction.ACTIVITIES], "acts")]
    if result.band is Band.NOT_LONELY:
        return InlineKeyboardMarkup([activities])
    call = InlineKeyboardButton(
        t._(MENU_LABELS[MenuAction.CALL_ME]), callback_data=call_me_button_data()
    )
    return InlineKeyboardMarkup([[call], activities])


# ---------------------------------------------------------------- the menu


async def show_selfcheck(update: Update, ctx: SamenContext) -> None:
    """The self-check's own menu, or its consent text for someone who has not agreed."""
    assert ctx.resident is not None
    me = ctx.resident.telegram_id
    t = ctx.t
    service = ctx.services.selfcheck
    joined = await service.consenting(me)
    if joined is None:
        await ctx.bot.send_message(
            me,
            consent_text(t),
            reply_markup=InlineKeyboardMarkup(
                [[_button(t, N_("✅ I agree"), "agree")], [_button(t, N_("No, thank you"), "no")]]
            ),
        )
        return
    current = await service.round(me, service.this_month())
    lines = [
        t._("<b>Your monthly self-check</b>"),
        "",
        t._("• You agreed: %(moment)s", moment=t.datetime(joined.consent_at)),
        t._("• Next invitation: %(moment)s", moment=invitation_moment(ctx, joined.next_due)),
    ]
    rows: list[list[InlineKeyboardButton]] = []
    if current is not None and current.status is RoundStatus.DONE:
        assert current.finished_at is not None
        lines.append(t._("• This month: done (%(date)s)", date=t.day(current.finished_at)))
    elif current is not None and current.replies:
        lines.append(
            t._(
                "• This month: %(n)s of %(total)s questions answered",
                n=len(current.replies),
                total=QUESTIONS,
            )
        )
        rows.append([_button(t, N_("▶️ Continue the self-check"), "start")])
    else:
        lines.append(t._("• This month: not done yet"))
        rows.append([_button(t, N_("▶️ Do the self-check now"), "start")])
    if await service.last_done(me) is not None:
        rows.append([_button(t, N_("🔁 See my last result"), "result")])
    rows.append([_button(t, N_("⏹ Stop the self-check"), "stop")])
    await ctx.bot.send_message(me, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def on_step(update: Update, ctx: SamenContext) -> None:
    """sc:<step>: the menu, consent, start, later, last result, activities, stop."""
    query = update.callback_query
    if query is None:
        return
    if not is_consented(ctx) or ctx.resident is None:
        await button_expired(update, ctx)  # health data only after the privacy consent too
        return
    (step,) = args_of(query.data)
    joined = await ctx.services.selfcheck.consenting(ctx.resident.telegram_id)
    if step in _NEEDS_CONSENT and joined is None:
        await button_expired(update, ctx)
        return
    if step == "acts":  # the activities screen keeps the result above it (tap answered)
        await run_step(show_activities, update, ctx)
        return
    await query.answer()
    await _drop_buttons(update)
    if step == "start" and joined is None:
        step = "menu"
    await _STEPS[step](update, ctx, ctx.resident.telegram_id)


async def _step_menu(update: Update, ctx: SamenContext, me: int) -> None:
    await show_selfcheck(update, ctx)


async def _step_agree(update: Update, ctx: SamenContext, me: int) -> None:
    t = ctx.t
    joined = await ctx.services.selfcheck.consent(me)
    await ctx.bot.send_message(
        me,
        t._(
            "✅ Thank you. Samen will invite you once a month. "
            "The next invitation: %(moment)s.\n\n"
            "Would you like to do the first self-check now?",
            moment=invitation_moment(ctx, joined.next_due),
        ),
        reply_markup=InlineKeyboardMarkup(
            [[_button(t, N_("▶️ Yes, start now"), "start")], [_button(t, NOT_NOW, "later")]]
        ),
    )


async def _step_no(update: Update, ctx: SamenContext, me: int) -> None:
    await send_with_menu(
        update,
        ctx,
        ctx.t._(
            "Fine. Samen stores nothing for the self-check. "
            "You can change your mind at any time in “💬 Check-ins”."
        ),
    )


async def _step_start(update: Update, ctx: SamenContext, me: int) -> None:
    await _ask(update, ctx, await ctx.services.selfcheck.begin(me))


async def _step_later(update: Update, ctx: SamenContext, me: int) -> None:
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):  # its buttons are gone now
        await ctx.services.selfcheck.shown_off(me, query.message.message_id)
    await send_with_menu(update, ctx, _later_text(ctx.t))


async def _step_result(update: Update, ctx: SamenContext, me: int) -> None:
    last = await ctx.services.selfcheck.last_done(me)
    if last is None or last.result is None:
        await send_with_menu(update, ctx, ctx.t._("There is no result to show yet."))
        return
    await ctx.bot.send_message(
        me, result_text(ctx, last.result), reply_markup=result_buttons(ctx.t, last.result)
    )


async def _step_stop(update: Update, ctx: SamenContext, me: int) -> None:
    t = ctx.t
    await ctx.bot.send_message(
        me,
        t._("Stop the self-check? Samen then deletes all your answers and results."),
        reply_markup=InlineKeyboardMarkup(
            [
                [_button(t, N_("⏹ Yes, stop and delete"), "stopyes")],
                [_button(t, N_("↩️ No, keep it"), "stopno")],
            ]
        ),
    )


async def _step_stop_yes(update: Update, ctx: SamenContext, me: int) -> None:
    await ctx.services.selfcheck.stop(me)
    await send_with_menu(
        update,
        ctx,
        ctx.t._(
            "The self-check is stopped. Samen deleted all your answers and results. "
            "You get no more invitations."
        ),
    )


async def _step_stop_no(update: Update, ctx: SamenContext, me: int) -> None:
    await send_with_menu(update, ctx, ctx.t._("Good, your self-check stays as it is."))


_STEPS: dict[str, Callable[[Update, SamenContext, int], Awaitable[None]]] = {
    "menu": _step_menu,
    "agree": _step_agree,
    "no": _step_no,
    "start": _step_start,
    "later": _step_later,
    "result": _step_result,
    "stop": _step_stop,
    "stopyes": _step_stop_yes,
    "stopno": _step_stop_no,
}
# Steps about a self-check the person agreed to.
_NEEDS_CONSENT = frozenset({"later", "result", "stop", "stopyes"})


def _later_text(t: Translator) -> str:
    return t._(
        "Fine. Whatever you answered is saved. You can go on later this month: "
        "“💬 Check-ins” → “📝 Monthly self-check”."
    )


async def on_invite(update: Update, ctx: SamenContext) -> None:
    """sci:<go|not>:<YYYYMM>, the buttons under a monthly invitation."""
    query = update.callback_query
    if query is None or ctx.resident is None or not is_consented(ctx):
        await button_expired(update, ctx)
        return
    action, code = args_of(query.data)
    me = ctx.resident.telegram_id
    service = ctx.services.selfcheck
    month = month_from_code(code)
    if await service.consenting(me) is None or await service.round(me, month) is None:
        await button_expired(update, ctx)  # stopped since, or not theirs
        return
    await query.answer()
    await _drop_buttons(update)
    if action == "not":
        await service.decline(me, month)
        await send_with_menu(update, ctx, _later_text(ctx.t))
        return
    await _ask(update, ctx, await service.begin(me, month))


async def _ask(
    update: Update, ctx: SamenContext, current: Round | None, previous_has_buttons: bool = True
) -> None:
    """Show the question that is due, or say the month's self-check is done.

    A question shown before (and not answered) loses its buttons, so only one
    set is on screen; after an answer the previous question was edited already.
    """
    assert ctx.resident is not None
    t = ctx.t
    me = ctx.resident.telegram_id
    if current is None:
        await button_expired(update, ctx)
        return
    number = current.question
    if number is None or current.status is RoundStatus.DONE:
        joined = await ctx.services.selfcheck.consenting(me)
        assert current.finished_at is not None
        await send_with_menu(
            update,
            ctx,
            t._(
                "You already did the self-check this month (%(date)s). Thank you! "
                "The next invitation: %(moment)s.",
                date=t.day(current.finished_at),
                moment=invitation_moment(ctx, joined.next_due) if joined else "–",
            ),
        )
        return
    if previous_has_buttons and current.message_id is not None:
        with contextlib.suppress(BadRequest):
            await ctx.bot.edit_message_reply_markup(me, current.message_id, reply_markup=None)
    sent = await ctx.bot.send_message(
        me, question_text(t, number), reply_markup=question_buttons(t, current.month, number)
    )
    await ctx.services.selfcheck.shown(current.id, sent.message_id)


async def on_answer(update: Update, ctx: SamenContext) -> None:
    """sca:<YYYYMM>:<question>:<y|m|n>: one answer; only the question that is due counts."""
    query = update.callback_query
    if query is None or ctx.resident is None or not is_consented(ctx):
        await button_expired(update, ctx)
        return
    code, number_text, letter = args_of(query.data)
    me = ctx.resident.telegram_id
    t = ctx.t
    number, reply = int(number_text), Reply(letter)
    answered = await ctx.services.selfcheck.answer(me, month_from_code(code), number, reply)
    if answered.problem in (Problem.ANSWERED, Problem.FINISHED):
        await query.answer(t._("You already answered this question."))
        return
    if answered.problem is not None or answered.round is None:
        await button_expired(update, ctx)  # stopped, not theirs, or not the question due
        return
    await query.answer()
    with contextlib.suppress(BadRequest):  # keep the question, show the answer, no buttons
        await edit_text(
            query, question_text(t, number) + "\n\n✓ " + t._(REPLY_LABELS[reply]), reply_markup=None
        )
    await _next(update, ctx, answered.round, answered.finished)


async def typed_selfcheck_answer(update: Update, ctx: SamenContext) -> bool:
    """A typed "ja", "min of meer" or "nee" while a question is on screen is its answer."""
    message = update.message
    if message is None or not message.text or ctx.resident is None or not is_consented(ctx):
        return False
    reply = reply_from_text(message.text)
    if reply is None:
        return False
    service = ctx.services.selfcheck
    me = ctx.resident.telegram_id
    waiting = await service.awaiting(me)
    if waiting is None or waiting.question is None or waiting.message_id is None:
        return False
    number = waiting.question
    answered = await service.answer(me, waiting.month, number, reply)
    if answered.problem is not None or answered.round is None:
        return False
    with contextlib.suppress(BadRequest):  # too old to edit: the answer counts anyway
        await ctx.bot.edit_message_text(
            question_text(ctx.t, number) + "\n\n✓ " + ctx.t._(REPLY_LABELS[reply]),
            chat_id=me,
            message_id=waiting.message_id,
            reply_markup=None,
        )
    await _next(update, ctx, answered.round, answered.finished)
    return True


async def _next(update: Update, ctx: SamenContext, current: Round, finished: bool) -> None:
    """After an answer: the next question, or the reflection when all six are answered."""
    assert ctx.resident is not None
    if not finished or current.result is None:
        await _ask(update, ctx, current, previous_has_buttons=False)
        return
    await ctx.bot.send_message(
        ctx.resident.telegram_id,
        result_text(ctx, current.result),
        reply_markup=result_buttons(ctx.t, current.result),
    )


async def _drop_buttons(update: Update) -> None:
    """Take the buttons off the message just pressed, so it is not pressed twice."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message) or not query.message.reply_markup:
        return  # a forged press on a message without buttons: nothing to take off
    with contextlib.suppress(BadRequest):  # too old to edit
        await edit_buttons(query, None)


def selfcheck_handlers() -> list[BaseHandler[Update, Any, Any]]:
    return [
        CallbackQueryHandler(on_step, pattern=matches(Prefix.SELFCHECK)),
        CallbackQueryHandler(on_invite, pattern=matches(Prefix.SELFCHECK_INVITE)),
        CallbackQueryHandler(on_answer, pattern=matches(Prefix.SELFCHECK_ANSWER)),
    ]
