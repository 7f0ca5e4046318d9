"""Call me: a resident asks for a phone call (request.py), with their number (phone.py)."""

from __future__ import annotations

from bot.buttons import Prefix
from bot.chat.incoming import Kind
from bot.chat.journeys import Journeys
from bot.chat.menu import MenuAction
from handlers.callme.request import (
    ASK_PHONE,
    another_number,
    answered_phone,
    call_me,
    call_me_choice,
    cancel_request,
    chose_moment,
    chose_topic,
)


def register(journeys: Journeys) -> None:
    journeys.menu(MenuAction.CALL_ME, call_me)
    journeys.choice(Prefix.CALL_ME, call_me_choice)
    journeys.choice(Prefix.CALL_NUMBER, another_number)
    journeys.answer(ASK_PHONE, answered_phone, kinds=(Kind.TEXT, Kind.CONTACT, Kind.MEDIA))
    journeys.choice(Prefix.CALL_MOMENT, chose_moment)
    journeys.choice(Prefix.CALL_TOPIC, chose_topic)
    journeys.choice(Prefix.CALL_CANCEL, cancel_request)
