"""The monthly self-check, the resident's side: consent, questions, the reflection, stop.

Written against the conversation layer (``bot.chat``): no messenger is named here. It is
reached from the check-in menu (``handlers.care.checkin_texts.selfcheck_button``).
Nothing is stored before its own consent. Every step is saved in the database as it
happens (each answer, one by one), so a restart halfway loses nothing: the choices carry
the month, the question number and the answer, and the server only accepts the question
that is due for this person. Old, repeated or forged choices get a kind answer. While a
question is on screen it is also Samen's open question (``SELFCHECK_QUESTION``), so a
typed "ja", "min of meer" or "nee" answers it, even after a restart; other words keep
their own meaning (handlers.listen) and the question stays open. A typed yes or no soon
after the monthly invitation answers that (on WhatsApp it may come as a template
without choices).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation, consented, messages_stopped
from bot.chat.incoming import Incoming
from bot.chat.journeys import Journeys
from bot.chat.menu import MENU_LABELS, MenuAction
from bot.chat.message import Choice, Reply, choices
from bot.i18n import N_, Translator
from bot.services.care.selfcheck import (
    Participation,
    Problem,
    Round,
    RoundStatus,
    answer_data,
    month_code,
    month_from_code,
)
from bot.services.care.selfcheck_scale import (
    ITEMS,
    QUESTIONS,
    REPLY_LABELS,
    Band,
    Score,
    reflection,
    reply_from_text,
)
from bot.services.care.selfcheck_scale import Reply as Answer
from bot.services.understanding.reader import yes_or_no
from handlers.activities.where import show_activities
from handlers.callme.request import call_me_button_data
from handlers.expired import choice_expired
from handlers.helplines import desk_help

NOT_NOW = N_("↩️ Not now")  # the same words as in the check-in set-up
# Open while a question is on screen: a typed answer goes to ``typed_answer``.
SELFCHECK_QUESTION = "selfcheck.question"
# A typed yes or no answers this month's invitation this long after it was sent.
INVITATION_REPLY = timedelta(hours=24)


def register(journeys: Journeys) -> None:
    journeys.choice(Prefix.SELFCHECK, on_step)
    journeys.choice(Prefix.SELFCHECK_INVITE, on_invite)
    journeys.choice(Prefix.SELFCHECK_ANSWER, on_answer)
    journeys.answer(SELFCHECK_QUESTION, typed_answer, accepts=_is_an_answer)
    journeys.typed_answer(typed_invitation_answer)


def _choice(t: Translator, label: str, step: str) -> Choice:
    return Choice(t._(label), encode(Prefix.SELFCHECK, step))


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


def question_reply(t: Translator, month: str, number: int) -> Reply:
    return Reply(
        question_text(t, number),
        choices=choices(
            tuple(Choice(t._(REPLY_LABELS[r]), answer_data(month, number, r)) for r in Answer),
            _choice(t, N_("⏸ Later"), "later"),
        ),
    )


def invitation_moment(c: Conversation, due: datetime) -> str:
    """When the next invitation comes; while messages are stopped, that none comes."""
    if messages_stopped(c):
        return c.t._("none while your messages are stopped (“📋 My data”)")
    return c.t.datetime(due)


def result_text(c: Conversation, result: Score) -> str:
    """The reflection, then help that fits it: never a crisis line for loneliness alone.

    Feeling connected: activities. Missing people now and then: a call or
    activities. Often missing people: a call, activities and the social work desk.
    (113 and 112 are for a crisis signal, which six yes/no sentences do not give.)
    """
    t = c.t
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
        parts.append(desk_help(c))
    return "\n\n".join(parts)


def result_reply(c: Conversation, result: Score) -> Reply:
    t = c.t
    activities = _choice(t, MENU_LABELS[MenuAction.ACTIVITIES], "acts")
    if result.band is Band.NOT_LONELY:
        return Reply(result_text(c, result), choices=choices(activities))
    call = Choice(t._(MENU_LABELS[MenuAction.CALL_ME]), call_me_button_data())
    return Reply(result_text(c, result), choices=choices(call, activities))


# ---------------------------------------------------------------- the menu


async def show_selfcheck(c: Conversation) -> None:
    """The self-check's own menu, or its consent text for someone who has not agreed."""
    assert c.resident is not None
    t = c.t
    service = c.runtime.services.selfcheck
    joined = await service.consenting(c.person.id)
    if joined is None:
        await c.say(
            Reply(
                consent_text(t),
                choices=choices(
                    _choice(t, N_("✅ I agree"), "agree"), _choice(t, N_("No, thank you"), "no")
                ),
            )
        )
        return
    current = await service.round(c.person.id, service.this_month())
    lines = [
        t._("<b>Your monthly self-check</b>"),
        "",
        t._("• You agreed: %(moment)s", moment=t.datetime(joined.consent_at)),
        t._("• Next invitation: %(moment)s", moment=invitation_moment(c, joined.next_due)),
        _this_month_line(t, current),
    ]
    rows: list[Choice] = []
    if current is None or current.status is not RoundStatus.DONE:
        begun = current is not None and bool(current.replies)
        label = N_("▶️ Continue the self-check") if begun else N_("▶️ Do the self-check now")
        rows.append(_choice(t, label, "start"))
    if await service.last_done(c.person.id) is not None:
        rows.append(_choice(t, N_("🔁 See my last result"), "result"))
    rows.append(_choice(t, N_("⏹ Stop the self-check"), "stop"))
    await c.say(Reply("\n".join(lines), choices=choices(*rows)))


def _this_month_line(t: Translator, current: Round | None) -> str:
    if current is not None and current.status is RoundStatus.DONE:
        assert current.finished_at is not None
        return t._("• This month: done (%(date)s)", date=t.day(current.finished_at))
    if current is not None and current.replies:
        return t._(
            "• This month: %(n)s of %(total)s questions answered",
            n=len(current.replies),
            total=QUESTIONS,
        )
    return t._("• This month: not done yet")


async def on_step(c: Conversation) -> None:
    """sc:<step>: the menu, consent, start, later, last result, activities, stop."""
    if not consented(c) or c.resident is None:
        await choice_expired(c)  # health data only after the privacy consent too
        return
    (step,) = args_of(c.incoming.data)
    joined = await c.runtime.services.selfcheck.consenting(c.person.id)
    if step in _NEEDS_CONSENT and joined is None:
        await choice_expired(c)
        return
    await c.acknowledge()
    if step == "acts":  # the activities screen keeps the result above it
        await show_activities(c)
        return
    await c.clear_choices()  # so it is not tapped twice
    if step == "start" and joined is None:
        step = "menu"
    await _STEPS[step](c, joined)


async def _step_menu(c: Conversation, _: Participation | None) -> None:
    await show_selfcheck(c)


async def _step_agree(c: Conversation, _: Participation | None) -> None:
    t = c.t
    joined = await c.runtime.services.selfcheck.consent(c.person.id)
    text = t._(
        "✅ Thank you. Samen will invite you once a month. "
        "The next invitation: %(moment)s.\n\n"
        "Would you like to do the first self-check now?",
        moment=invitation_moment(c, joined.next_due),
    )
    start = _choice(t, N_("▶️ Yes, start now"), "start")
    await c.say(Reply(text, choices=choices(start, _choice(t, NOT_NOW, "later"))))


async def _step_no(c: Conversation, _: Participation | None) -> None:
    await _say_with_menu(
        c,
        c.t._(
            "Fine. Samen stores nothing for the self-check. "
            "You can change your mind at any time in “💬 Check-ins”."
        ),
    )


async def _step_start(c: Conversation, _: Participation | None) -> None:
    await _ask(c, await c.runtime.services.selfcheck.begin(c.person.id))


async def _step_later(c: Conversation, _: Participation | None) -> None:
    """Whatever was answered is kept; a typed "ja" now is no answer any more."""
    if c.question is not None and c.question.name == SELFCHECK_QUESTION:
        await c.close_question()
    await c.runtime.services.selfcheck.shown_off(c.person.id)
    await _say_with_menu(c, _later_text(c.t))


async def _step_result(c: Conversation, _: Participation | None) -> None:
    last = await c.runtime.services.selfcheck.last_done(c.person.id)
    if last is None or last.result is None:
        await _say_with_menu(c, c.t._("There is no result to show yet."))
        return
    await c.say(result_reply(c, last.result))


async def _step_stop(c: Conversation, _: Participation | None) -> None:
    t = c.t
    await c.say(
        Reply(
            t._("Stop the self-check? Samen then deletes all your answers and results."),
            choices=choices(
                _choice(t, N_("⏹ Yes, stop and delete"), "stopyes"),
                _choice(t, N_("↩️ No, keep it"), "stopno"),
            ),
        )
    )


async def _step_stop_yes(c: Conversation, _: Participation | None) -> None:
    await c.runtime.services.selfcheck.stop(c.person.id)
    await c.close_question()
    await _say_with_menu(
        c,
        c.t._(
            "The self-check is stopped. Samen deleted all your answers and results. "
            "You get no more invitations."
        ),
    )


async def _step_stop_no(c: Conversation, _: Participation | None) -> None:
    await _say_with_menu(c, c.t._("Good, your self-check stays as it is."))


_STEPS: dict[str, Callable[[Conversation, Participation | None], Awaitable[None]]] = {
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


async def _say_with_menu(c: Conversation, text: str) -> None:
    """Never a dead end: the main menu comes with it."""
    await c.say(Reply(text, menu=True))


# ---------------------------------------------------------------- the questions


async def on_invite(c: Conversation) -> None:
    """sci:<go|not>:<YYYYMM>, the choices under a monthly invitation."""
    if c.resident is None or not consented(c):
        await choice_expired(c)
        return
    action, code = args_of(c.incoming.data)
    service = c.runtime.services.selfcheck
    month = month_from_code(code)
    me = c.person.id
    if await service.consenting(me) is None or await service.round(me, month) is None:
        await choice_expired(c)  # stopped since, or not theirs
        return
    await c.acknowledge()
    await c.clear_choices()
    await _answer_invitation(c, month, start=action == "go")


async def typed_invitation_answer(c: Conversation) -> bool:
    """A typed "ja" or "nee hoor" soon after this month's invitation answers it, as its
    choices would: on WhatsApp, outside the 24-hour window, it came as a template without
    choices ("Reply to this message to answer"). False when it was no such answer."""
    answer = yes_or_no(c.incoming.text, clear=True)
    if answer is None or c.resident is None or not consented(c):
        return False
    service = c.runtime.services.selfcheck
    current = await service.round(c.person.id, service.this_month())
    if current is None or current.status is not RoundStatus.INVITED:
        return False
    if c.runtime.clock() - current.created_at > INVITATION_REPLY:
        return False  # "ja" days later answers something else
    await _answer_invitation(c, current.month, start=answer)
    return True


async def _answer_invitation(c: Conversation, month: str, *, start: bool) -> None:
    service = c.runtime.services.selfcheck
    if not start:
        await service.decline(c.person.id, month)
        await _say_with_menu(c, _later_text(c.t))
        return
    await _ask(c, await service.begin(c.person.id, month))


async def _ask(c: Conversation, current: Round | None, *, shown_before: bool = True) -> None:
    """Show the question that is due (and leave it open for a typed answer), or say the
    month's self-check is done. A question shown before and not answered loses its
    choices, so only one set is on screen (after an answer it shows that answer already)."""
    if current is None:
        await choice_expired(c)
        return
    number = current.question
    if number is None or current.status is RoundStatus.DONE:
        await _done_already(c, current)
        return
    if shown_before and current.message_id is not None:
        await c.replace_earlier(current.message_id, question_text(c.t, number))
    sent = await c.ask(
        SELFCHECK_QUESTION,
        question_reply(c.t, current.month, number),
        month=month_code(current.month),
        number=number,
    )
    await c.runtime.services.selfcheck.shown(current.id, sent)


async def _done_already(c: Conversation, current: Round) -> None:
    t = c.t
    joined = await c.runtime.services.selfcheck.consenting(c.person.id)
    assert current.finished_at is not None
    await _say_with_menu(
        c,
        t._(
            "You already did the self-check this month (%(date)s). Thank you! "
            "The next invitation: %(moment)s.",
            date=t.day(current.finished_at),
            moment=invitation_moment(c, joined.next_due) if joined else "–",
        ),
    )


async def on_answer(c: Conversation) -> None:
    """sca:<YYYYMM>:<question>:<y|m|n>: one answer; only the question that is due counts."""
    if c.resident is None or not consented(c):
        await choice_expired(c)
        return
    code, number_text, letter = args_of(c.incoming.data)
    await _record(c, month_from_code(code), int(number_text), Answer(letter))


def _is_an_answer(incoming: Incoming) -> bool:
    """ "ja", "Min of meer.", "nee": anything else keeps its own meaning."""
    return reply_from_text(incoming.text) is not None


async def typed_answer(c: Conversation) -> None:
    """A typed "ja", "min of meer" or "nee" while a question is on screen is its answer."""
    reply = reply_from_text(c.incoming.text)
    question = c.question
    if reply is None or question is None or c.resident is None or not consented(c):
        return  # routing sends only answers here, for the question that is open
    await _record(
        c, month_from_code(str(question.data["month"])), int(question.data["number"]), reply
    )


async def _record(c: Conversation, month: str, number: int, reply: Answer) -> None:
    """Save one answer, show it under its question, then what comes next."""
    answered = await c.runtime.services.selfcheck.answer(c.person.id, month, number, reply)
    if answered.problem in (Problem.ANSWERED, Problem.FINISHED):
        await c.acknowledge(c.t._("You already answered this question."))
        return
    current = answered.round
    if answered.problem is not None or current is None:
        await choice_expired(c)  # stopped, not theirs, or not the question due
        return
    await c.acknowledge()
    if current.message_id is not None:  # keep the question, show the answer, no choices
        shown = question_text(c.t, number) + "\n\n✓ " + c.t._(REPLY_LABELS[reply])
        await c.replace_earlier(current.message_id, shown)
    if not answered.finished or current.result is None:
        await _ask(c, current, shown_before=False)
        return
    await c.close_question()
    await c.say(result_reply(c, current.result))
