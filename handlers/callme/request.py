"""The resident's "📞 Call me": phone number → moment → topic → confirmation.

Written against the conversation layer (``bot.chat``): no messenger is named here.
Only the phone question is an open question (the person types or shares a contact);
its data holds a topic another journey chose. The later steps are choices that carry
what was chosen so far (the moment key and the number, which is the person's own),
so a restart in the middle strands nobody and nothing is stored before the request is
complete. A number Samen already has is not asked again: it is offered with the
moments, and "📱 Another number" opens the question. The services check everything
again: a forged choice can at most make a request for the presser themselves.
"""

from __future__ import annotations

import html

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation, consented
from bot.chat.incoming import Kind
from bot.chat.message import Choice, Reply, choices
from bot.services.callme.phones import display_phone
from bot.services.callme.requests import (
    MOMENT_LABELS,
    RESIDENT_TOPICS,
    TOPIC_LABELS,
    Problem,
    RequestRefused,
    Task,
    TaskStatus,
    Topic,
    moment_text,
)
from handlers.callme.phone import answered_number, is_cancel, phone_question
from handlers.choices import consent_choices
from handlers.start import consent_question

ASK_PHONE = "callme.phone"  # the open question; its data: {"topic": <topic|->}
NO_TOPIC = "-"
Rows = tuple[tuple[Choice, ...], ...]


def call_me_button_data(topic: Topic | None = None) -> str:
    """Choice data that starts "Call me" (e.g. "I'd rather not go alone")."""
    return encode(Prefix.CALL_ME, topic.value if topic else "any")


# ---------------------------------------------------------------------- the phone question


async def call_me(c: Conversation) -> None:
    """The menu's "📞 Call me"."""
    await _start(c, NO_TOPIC, use_known=True)


async def call_me_choice(c: Conversation) -> None:
    """call:<topic|any>: "Call me" offered by another journey, about its topic."""
    (topic,) = args_of(c.incoming.data)
    await _start(c, NO_TOPIC if topic == "any" else topic, use_known=True)


async def another_number(c: Conversation) -> None:
    """cbn:<topic|->: a call on another number than the one Samen has."""
    (topic,) = args_of(c.incoming.data)
    await c.clear_choices()
    await _start(c, topic, use_known=False)


async def _start(c: Conversation, topic: str, *, use_known: bool) -> None:
    resident = c.resident
    if resident is None or not consented(c):
        await _offer_consent(c)
        return
    call_requests = c.runtime.services.call_requests
    task = await call_requests.open_request(resident.telegram_id)
    if task is not None:
        await show_request(c, task)
        return
    known = await call_requests.known_phone(resident.telegram_id) if use_known else None
    if known is not None:
        await _offer_known_number(c, known, topic)
        return
    text = c.t._(
        "<b>A volunteer will call you</b> 📞\n\n"
        "Which number can we call? Tap “📱 Share my phone number” below. "
        "Or type your number, for example 06 1234 5678."
    )
    await c.ask(ASK_PHONE, phone_question(c.t, text), topic=topic)


async def _offer_known_number(c: Conversation, phone: str, topic: str) -> None:
    """Samen has their number: straight to the moment, with a way to give another one."""
    another = Choice(c.t._("📱 Another number"), encode(Prefix.CALL_NUMBER, topic))
    await c.say(
        Reply(
            c.t._(
                "<b>A volunteer will call you</b> 📞\n\n"
                "We will call <b>%(phone)s</b>. Another number? "
                "Tap “📱 Another number” below.\n\n"
                "When would you like to be called?",
                phone=display_phone(phone),
            ),
            choices=(*_moment_choices(c, phone, topic), (weekly_choice(c),), (another,)),
        )
    )


def weekly_choice(c: Conversation) -> Choice:
    """The way from "Call me" to a call every week with the same volunteer (/weekly)."""
    return Choice(c.t._("🔁 A call every week"), encode(Prefix.REGULAR, "show"))


async def answered_phone(c: Conversation) -> None:
    """The open phone question's answer: a shared contact, a typed number, or else."""
    question = c.question
    topic = str(question.data.get("topic", NO_TOPIC)) if question is not None else NO_TOPIC
    if c.incoming.kind is Kind.TEXT and is_cancel(c, c.incoming.text):
        await c.close_question()
        await c.say(Reply(c.t._("Fine. No call is planned."), menu=True))
        return
    phone = await answered_number(c)
    if phone is not None:
        await c.close_question()
        await _ask_moment(c, phone, topic)


# ---------------------------------------------------------------------- moment and topic


async def _ask_moment(c: Conversation, phone: str, topic: str) -> None:
    """Back to the menu, then the moments still ahead as choices."""
    await c.say(
        Reply(
            c.t._("Thank you. We will call <b>%(phone)s</b>.", phone=display_phone(phone)),
            menu=True,
        )
    )
    await c.say(
        Reply(c.t._("When would you like to be called?"), choices=_moment_choices(c, phone, topic))
    )


def _moment_choices(c: Conversation, phone: str, topic: str) -> Rows:
    digits = phone.lstrip("+")
    return choices(
        *(
            Choice(
                c.t._(
                    "%(moment)s (%(start)s–%(end)s)",
                    moment=c.t._(MOMENT_LABELS[(moment.offset, moment.part)]),
                    start=c.t.time(moment.start),
                    end=c.t.time(moment.end),
                ),
                encode(Prefix.CALL_MOMENT, moment.key, digits, topic),
            )
            for moment in c.runtime.services.call_requests.moments()
        )
    )


async def _moment_passed(c: Conversation, phone: str, topic: str) -> None:
    await c.update(
        Reply(
            c.t._("That moment has passed. When would you like to be called?"),
            choices=_moment_choices(c, phone, topic),
        )
    )


async def chose_moment(c: Conversation) -> None:
    """cbm:<moment>:<phone>:<topic|->: ask the topic, or finish when it was preset."""
    key, digits, topic = args_of(c.incoming.data)
    if not await _still_consented(c):
        return
    if c.runtime.services.call_requests.moment(key) is None:
        await _moment_passed(c, "+" + digits, topic)
        return
    if topic != NO_TOPIC:
        await _finish(c, "+" + digits, key, Topic(topic))
        return
    topics = [
        Choice(c.t._(TOPIC_LABELS[value]), encode(Prefix.CALL_TOPIC, value.value, key, digits))
        for value in RESIDENT_TOPICS
    ]
    skip = Choice(c.t._("Skip"), encode(Prefix.CALL_TOPIC, "none", key, digits))
    await c.update(
        Reply(
            c.t._(
                "What would you like to talk about? This helps the volunteer. "
                "You may also skip this."
            ),
            choices=choices(*topics, skip),
        )
    )


async def chose_topic(c: Conversation) -> None:
    """cbt:<topic|none>:<moment>:<phone>: make the request."""
    topic, key, digits = args_of(c.incoming.data)
    if not await _still_consented(c):
        return
    await _finish(c, "+" + digits, key, None if topic == "none" else Topic(topic))


async def _finish(c: Conversation, phone: str, key: str, topic: Topic | None) -> None:
    resident = c.resident
    if resident is None:
        return
    call_requests = c.runtime.services.call_requests
    try:
        task = await call_requests.create_request(resident.telegram_id, phone, key, topic)
    except RequestRefused as refused:
        await _refused(c, refused.problem, phone, topic)
        return
    await c.update(
        Reply(
            c.t._(
                "✅ <b>Your request is in.</b>\n\n"
                "We will call you: %(moment)s\n"
                "Number: %(phone)s\n"
                "%(topic)s\n"
                "<b>What happens now?</b> Our volunteers get your request. "
                "When one of them takes it, you get a message with their first name. "
                "Then they call you at the moment you chose.\n\n"
                "Do you want to change or cancel it? Tap “📞 Call me”.",
                moment=moment_text(c.t, task.moment_start, task.moment_end),
                phone=display_phone(phone),
                topic=_topic_line(c, task),
            )
        )
    )


async def _refused(c: Conversation, problem: Problem, phone: str, topic: Topic | None) -> None:
    if problem is Problem.MOMENT_PASSED:
        await _moment_passed(c, phone, topic.value if topic else NO_TOPIC)
        return
    resident = c.resident
    existing = (
        await c.runtime.services.call_requests.open_request(resident.telegram_id)
        if problem is Problem.ALREADY_OPEN and resident is not None
        else None
    )
    if existing is None:
        await c.update(
            Reply(c.t._("Sorry, that did not work. Please tap “📞 Call me” to try again."))
        )
        return
    await c.clear_choices()
    await show_request(c, existing)


def _topic_line(c: Conversation, task: Task) -> str:
    if task.topic is None:
        return ""
    return c.t._("Topic: %(topic)s", topic=c.t._(TOPIC_LABELS[task.topic])) + "\n"


# ---------------------------------------------------------------------- the open request


async def show_request(c: Conversation, task: Task) -> None:
    """The resident's open request, with the way to cancel it."""
    if task.status is TaskStatus.CLAIMED:
        status = c.t._(
            "%(name)s, a volunteer, will call you.", name=html.escape(task.volunteer_name)
        )
    else:
        status = c.t._("We are looking for a volunteer to call you.")
    await c.say(
        Reply(
            c.t._(
                "<b>You already asked for a call</b>\n\n"
                "When: %(moment)s\nNumber: %(phone)s\n%(topic)s\n%(status)s",
                moment=moment_text(c.t, task.moment_start, task.moment_end),
                phone=display_phone(task.phone) if task.phone else "",
                topic=_topic_line(c, task),
                status=status,
            ),
            choices=choices(
                Choice(c.t._("❌ Cancel my request"), encode(Prefix.CALL_CANCEL, str(task.id)))
            ),
        )
    )


async def cancel_request(c: Conversation) -> None:
    """cbx:<task>: only the resident's own open request can be cancelled."""
    (task_id,) = args_of(c.incoming.data)
    cancelled = await c.runtime.services.call_requests.cancel(int(task_id), c.person.id)
    if cancelled is None:
        await c.acknowledge(c.t._("This request is no longer open."))
        await c.clear_choices()
        return
    await c.update(
        Reply(
            c.t._(
                "Your request is cancelled. Nobody will call you.\n\n"
                "Would you like a call after all? Tap “📞 Call me”."
            )
        )
    )


# ---------------------------------------------------------------------- consent


async def _still_consented(c: Conversation) -> bool:
    if consented(c):
        return True
    await _offer_consent(c)
    return False


async def _offer_consent(c: Conversation) -> None:
    """Nothing can be stored without consent, so the request waits until they agree."""
    await c.say(
        Reply(
            c.t._(
                "Before a volunteer can call you, Samen needs to store your phone number. "
                "Please read the privacy text first. After you agree, tap “📞 Call me” again."
            )
        )
    )
    await c.say(consent_offer(c))


def consent_offer(c: Conversation) -> Reply:
    """The privacy notice and the question whether they agree (nothing is stored before)."""
    # handlers.start still takes PTB's context; it reads only ``t`` (until it is converted).
    return Reply(consent_question(c), choices=consent_choices(c.t))
