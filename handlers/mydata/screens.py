"""My data: see what is stored, export it, stop messages, delete everything.

Written against the conversation layer (``bot.chat``): no messenger is named here.
The buttons act only on the person who presses them (the data names no one),
and each action re-reads the resident first, so an old or forged button can
do no more than the person could do anyway.
"""

from __future__ import annotations

import html
import json
from collections.abc import Awaitable, Callable

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.message import Choice, Document, Reply, choices
from bot.i18n import N_
from bot.person_ids import channel_of
from bot.services.callme.requests import CLEARED_TEXTS, Withdrawal
from bot.services.places.geo import parse_postcode
from bot.services.privacy import Holdings
from bot.services.residents import Resident, Status
from bot.services.roles import Role
from bot.services.understanding.reader import typed_choice
from handlers.expired import choice_expired
from handlers.mydata.document import EXPORT_FILE_NAME, readable_export
from handlers.mydata.holdings import holding_lines
from handlers.mydata.links import link_choice, linked_line

# The questions My data leaves open (bot/questions.py).
CONFIRM_ERASE = "mydata.erase"
TYPE_POSTCODE = "mydata.postcode"
READABLE_FILE_NAME = N_("samen-my-data.txt")
ERASE_YES = N_("🗑 Yes, delete everything")
ERASE_NO = N_("↩️ No, keep my data")
ERASE_QUESTION = N_(
    "Are you sure? Samen will delete everything it knows about you. You cannot undo this."
)
ERASED = N_(
    "Everything is deleted. Thank you for using Samen.\n\n"
    "Do you want to start again later? Type /start."
)
# A volunteer's goodbye where Samen could not take residents' numbers out of the chat.
DELETE_NUMBERS_YOURSELF = N_(
    "Samen's earlier messages in this chat still show residents' names and numbers: "
    "WhatsApp cannot take a message back. Please delete those messages yourself: "
    "press and hold one, then tap Delete."
)
# Who the person is to Samen, by their id (on WhatsApp a number of Samen's own; a
# resident on both apps keeps their Telegram account number).
ACCOUNT_LINES = {
    "telegram": N_("• Your Telegram account number (not a phone number): %(telegram_id)s"),
    "whatsapp": N_("• Samen's number for you on WhatsApp (not a phone number): %(telegram_id)s"),
}
ROLE_LABELS = {
    Role.VOLUNTEER: N_("volunteer"),
    Role.COORDINATOR: N_("coordinator"),
    Role.PARTNER: N_("partner"),
}


def _my_data_text(
    c: Conversation,
    resident: Resident,
    roles: frozenset[Role],
    holdings: Holdings,
    linked: bool,
) -> str:
    t = c.t
    lines = [
        t._("<b>What Samen stores about you</b>"),
        "",
        t._(ACCOUNT_LINES[channel_of(resident.telegram_id)], telegram_id=resident.telegram_id),
        t._("• First name: %(first_name)s", first_name=html.escape(resident.first_name)),
        t._("• Language: %(language)s", language=t.language_name(resident.language)),
        t._(
            "• Agreed to the privacy text (version %(version)s): %(moment)s",
            version=resident.consent_version,
            moment=t.datetime(resident.consent_at),
        ),
        t._("• Messages from Samen: on")
        if resident.status is not Status.STOPPED
        else t._("• Messages from Samen: stopped"),
        t._("• Postcode: %(digits)s", digits=resident.postcode_area)
        if resident.postcode_area
        else t._("• Postcode: not given"),
    ]
    if linked:
        lines.append(linked_line(t, resident))
    if roles:
        lines.append(
            t._("• Role: %(roles)s", roles=", ".join(t._(ROLE_LABELS[r]) for r in sorted(roles)))
        )
    lines.append(t._("Samen keeps these until you choose “Delete everything”."))
    more = holding_lines(t, holdings)
    if more:
        lines += ["", t._("<b>What else Samen keeps, and for how long</b>"), *more]
    return "\n".join(lines)


def _my_data_choices(
    c: Conversation, resident: Resident, linked: bool
) -> tuple[tuple[Choice, ...], ...]:
    t = c.t
    if resident.status is Status.STOPPED:
        messages = Choice(t._("🔔 Start messages again"), encode(Prefix.MY_DATA, "start"))
    else:
        messages = Choice(t._("🔕 Stop all messages"), encode(Prefix.MY_DATA, "stop"))
    if resident.postcode_area:
        postcode = Choice(t._("📍 Remove my postcode"), encode(Prefix.MY_DATA, "noarea"))
    else:
        postcode = Choice(t._("📍 Give my postcode"), encode(Prefix.MY_DATA, "area"))
    link = link_choice(c, linked)
    return choices(
        Choice(t._("📄 Send me my data"), encode(Prefix.MY_DATA, "export")),
        messages,
        postcode,
        *([link] if link is not None else []),
        Choice(t._("🗑 Delete everything"), encode(Prefix.MY_DATA, "erase")),
    )


async def show_my_data(c: Conversation) -> None:
    """/mydata or the My data button."""
    resident = c.resident
    if resident is None:
        await c.say(
            Reply(
                c.t._("Samen stores nothing about you. You have not agreed to the privacy text."),
                choices=choices(
                    Choice(c.t._("🔒 Read the privacy text"), encode(Prefix.PRIVACY, "show"))
                ),
            )
        )
        return
    await c.say(await _overview(c, resident))


async def _overview(c: Conversation, resident: Resident) -> Reply:
    """The my-data overview with what is stored right now, and its choices."""
    linked = await c.runtime.services.links.linked(resident.telegram_id)
    return Reply(
        await _current_text(c, resident, linked), choices=_my_data_choices(c, resident, linked)
    )


async def _current_text(c: Conversation, resident: Resident, linked: bool) -> str:
    roles = await c.runtime.services.roles.of(resident.telegram_id)
    holdings = await c.runtime.services.privacy.holdings(resident.telegram_id)
    return _my_data_text(c, resident, roles, holdings, linked)


async def my_data_action(c: Conversation) -> None:
    """my:export|stop|stopyes|stopno|start|erase|area|noarea. "stop" only asks."""
    resident = c.resident
    if resident is None:
        await choice_expired(c)
        return
    (action,) = args_of(c.incoming.data)
    await _ACTIONS[action](c, resident)


async def _export(c: Conversation, resident: Resident) -> None:
    await c.acknowledge()
    data = await c.runtime.services.privacy.export(resident.telegram_id)
    linked = await c.runtime.services.links.linked(resident.telegram_id)
    readable = readable_export(c.t, await _current_text(c, resident, linked), data)
    await c.send_document(
        Document(
            c.t._(READABLE_FILE_NAME),
            readable.encode(),
            c.t._("Here is everything Samen stores about you, to read."),
        )
    )
    await c.send_document(
        Document(
            EXPORT_FILE_NAME,
            json.dumps(data, ensure_ascii=False, indent=2).encode(),
            c.t._(
                "The same, with every detail, in a file for computers (JSON). Times in it are UTC."
            ),
        )
    )


async def _ask_postcode(c: Conversation, _: Resident) -> None:
    await c.acknowledge()
    await c.ask(
        TYPE_POSTCODE,
        Reply(
            c.t._(
                "Type the 4 digits of your postcode, for example 2101. "
                "Samen keeps only these digits, not your street. "
                "Then you get news about your own neighbourhood."
            )
        ),
    )


async def _remove_postcode(c: Conversation, resident: Resident) -> None:
    await c.runtime.services.residents.set_postcode_area(resident.telegram_id, None)
    await c.acknowledge(c.t._("Your postcode is removed."))
    await _refresh(c, resident.telegram_id)


async def _ask_stop(c: Conversation, _: Resident) -> None:
    await c.acknowledge()
    await ask_to_stop_messages(c)


async def _keep_messages(c: Conversation, resident: Resident) -> None:
    await c.acknowledge(c.t._("Good, your messages stay on."))
    await _refresh(c, resident.telegram_id)


async def _stop_messages(c: Conversation, resident: Resident) -> None:
    await c.runtime.services.residents.set_status(resident.telegram_id, Status.STOPPED)
    await c.acknowledge(c.t._("Messages stopped. Samen only answers when you ask something."))
    await _refresh(c, resident.telegram_id)


async def _start_messages(c: Conversation, resident: Resident) -> None:
    await c.runtime.services.residents.set_status(resident.telegram_id, Status.ACTIVE)
    await c.acknowledge(c.t._("Messages are on again."))
    await _refresh(c, resident.telegram_id)


async def _ask_erase(c: Conversation, _: Resident) -> None:
    await c.acknowledge()
    await c.ask(CONFIRM_ERASE, Reply(c.t._(ERASE_QUESTION), choices=_erase_choices(c)))


def _erase_choices(c: Conversation) -> tuple[tuple[Choice, ...], ...]:
    return choices(
        Choice(c.t._(ERASE_YES), encode(Prefix.ERASE, "yes")),
        Choice(c.t._(ERASE_NO), encode(Prefix.ERASE, "no")),
    )


_ACTIONS: dict[str, Callable[[Conversation, Resident], Awaitable[None]]] = {
    "export": _export,
    "area": _ask_postcode,
    "noarea": _remove_postcode,
    "stop": _ask_stop,
    "stopno": _keep_messages,
    "stopyes": _stop_messages,
    "start": _start_messages,
    "erase": _ask_erase,
}


async def ask_to_stop_messages(c: Conversation) -> None:
    """Before “Stop all messages”: say what stops and what stays, and ask to confirm.

    From the My data button the overview itself turns into the question (and back
    into the overview after the answer), so no screen shows an outdated state; from
    anywhere else (a typed "stop") the question is a new message. Someone without
    consent, or whose messages are already stopped, gets the My data overview instead.
    """
    if c.resident is None or c.resident.status is Status.STOPPED:
        await show_my_data(c)  # nothing to stop: what is stored, and the way back
        return
    t = c.t
    text = t._(
        "<b>Stop all messages?</b>\n\n"
        "Then Samen sends you nothing by itself:\n"
        "• no check-ins;\n"
        "• so no safety net either: nobody calls you when you do not answer;\n"
        "• no invitations for the monthly self-check;\n"
        "• no reminders for activities;\n"
        "• no news from the coordinators.\n\n"
        "What stays: Samen still answers when you tap or type something. "
        "A call you asked for yourself still goes ahead. Your settings are kept, "
        "so everything works again when you start messages again."
    )
    await c.update(
        Reply(
            text,
            choices=choices(
                Choice(t._("🔕 Yes, stop all messages"), encode(Prefix.MY_DATA, "stopyes")),
                Choice(t._("↩️ No, keep my messages"), encode(Prefix.MY_DATA, "stopno")),
            ),
        )
    )


async def _refresh(c: Conversation, telegram_id: int) -> None:
    """Show the my-data message again with what is stored now."""
    updated = await c.runtime.services.residents.get(telegram_id)
    if updated is not None:
        await c.update(await _overview(c, updated))


async def typed_postcode(c: Conversation) -> None:
    """The postcode for "news about your neighbourhood": 4 digits of a place Samen knows.
    A wrong one is asked again; the question stays open."""
    resident = c.resident
    if resident is None:
        await c.close_question()
        return
    code = parse_postcode(c.incoming.text)
    if code is None:
        await c.ask(
            TYPE_POSTCODE,
            Reply(c.t._("That is not a postcode. Please type 4 digits, like 2101."), menu=True),
        )
        return
    if c.runtime.services.activities.places.postcode(code) is None:
        text = c.t._(
            "I do not know postcode %(digits)s. Samen is for Heemstede and the places "
            "around it. Type another postcode, or /cancel.",
            digits=code.digits,
        )
        await c.ask(TYPE_POSTCODE, Reply(text, menu=True))
        return
    await c.close_question()
    await c.runtime.services.residents.set_postcode_area(resident.telegram_id, code.digits)
    await c.say(
        Reply(c.t._("Thank you. Your postcode is %(digits)s.", digits=code.digits), menu=True)
    )


async def confirm_erase(c: Conversation) -> None:
    """erase:yes|no, only while the question is open (else the button has expired)."""
    if c.question is None or c.question.name != CONFIRM_ERASE:
        await choice_expired(c)
        return
    (answer,) = args_of(c.incoming.data)
    await c.acknowledge()
    await c.update(Reply(c.t._(ERASE_QUESTION)))  # the buttons go: it is answered
    await _answered_erase(c, yes=answer == "yes")


async def typed_erase_answer(c: Conversation) -> None:
    """A typed answer to "Are you sure?": "ja", "nee", "1", "2" or a button's words.
    Anything else asks again; nothing is deleted without a clear yes."""
    labels = [c.t._(ERASE_YES), c.t._(ERASE_NO)]
    choice = typed_choice(c.incoming.text, labels, yes=0, no=1)
    if choice is None:
        await c.say(
            Reply(
                c.t._(
                    "Shall Samen delete everything? Tap a button above, "
                    "or type “yes” or “no”. Nothing is deleted until you say yes."
                ),
                menu=True,
            )
        )
        return
    await _answered_erase(c, yes=choice == 0)


async def _answered_erase(c: Conversation, *, yes: bool) -> None:
    await c.close_question()
    if not yes or c.resident is None:
        await c.say(Reply(c.t._("Good, nothing was deleted."), menu=True))
        return
    numbers_left = await _take_numbers_back(c, c.person.id)
    await _erase(c, c.person.id)
    await c.forget()
    text = c.t._(ERASED)
    if numbers_left:
        text += "\n\n" + c.t._(DELETE_NUMBERS_YOURSELF)
    await c.say(Reply(text, menu=True))


async def _take_numbers_back(c: Conversation, person_id: int) -> bool:
    """A volunteer who erases their data must not keep residents' numbers on their phone:
    the messages that show them are changed now, before the erasure. True when some
    still show them (the channel cannot change a sent message), for the person to delete."""
    taken = c.runtime.services.call_requests.take_details_from(person_id)
    replaced = [
        await c.replace_earlier(message_id, c.t._(CLEARED_TEXTS[Withdrawal.LEFT], id=task_id))
        for task_id, message_id in await taken
    ]
    return not all(replaced)


async def _erase(c: Conversation, person_id: int) -> None:
    """Everything about the person goes; what others rely on is handed over first."""
    call_requests = c.runtime.services.call_requests
    # The residents they called every week hear it kindly and wait for the next fit;
    # their own weekly call ends (its number leaves their volunteer's chat).
    regular_calls = c.runtime.services.regular_calls
    await regular_calls.volunteer_gone(person_id)
    await regular_calls.forget_resident(person_id)
    # Calls this person took as a volunteer go back to the others first, so the
    # residents waiting for them are called by someone else.
    for task in await call_requests.tasks_of(person_id):
        await call_requests.release(task.id, person_id)
    # Their own open request is withdrawn the usual way, so the volunteer who
    # took it is told there is no need to call.
    request = await call_requests.open_request(person_id)
    if request is not None:
        await call_requests.cancel(request.id, person_id)
    await call_requests.forget_resident(person_id)
    # An offer to volunteer is withdrawn too: coordinators' questions lose the name.
    await c.runtime.services.applications.withdraw_application(person_id)
    await c.runtime.services.privacy.erase(person_id)
