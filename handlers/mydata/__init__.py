"""My data: see, export, stop messages, change the postcode, delete everything."""

from __future__ import annotations

import re

from bot.buttons import Prefix
from bot.chat.journeys import Journeys
from bot.chat.menu import MenuAction
from bot.services.links import CODE_PATTERN
from handlers.commands import names
from handlers.mydata.links import link_action, link_with_code
from handlers.mydata.screens import (
    CONFIRM_ERASE,
    TYPE_POSTCODE,
    confirm_erase,
    my_data_action,
    show_my_data,
    typed_erase_answer,
    typed_postcode,
)


def register(journeys: Journeys) -> None:
    journeys.command(names("mydata"), show_my_data)
    journeys.menu(MenuAction.MY_DATA, show_my_data)
    journeys.choice(Prefix.MY_DATA, my_data_action)
    journeys.choice(Prefix.ERASE, confirm_erase)
    journeys.answer(TYPE_POSTCODE, typed_postcode)
    journeys.answer(CONFIRM_ERASE, typed_erase_answer)
    journeys.choice(Prefix.LINK, link_action)
    journeys.start_payload(re.compile(CODE_PATTERN, re.IGNORECASE), link_with_code)
