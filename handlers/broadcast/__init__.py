"""Coordinators' broadcasts: write → audience → preview → now or later → confirm.

Only writing the text and typing a time are open questions; every other step is a
choice that names the draft, and each tap re-checks on the server that the person is a
coordinator and the draft is still theirs and still a draft. The draft is a database row
from the first step, so a restart in the middle loses nothing.

``compose``: the text or photo, the audience and the preview; ``sending``: now or later,
and the moment; ``planned``: /broadcasts, the planned ones and cancelling them.
"""

from __future__ import annotations

from bot.buttons import Prefix
from bot.chat.incoming import Kind
from bot.chat.journeys import Journeys
from handlers.broadcast.compose import WRITE, chose_audience, start_broadcast, wrote
from handlers.broadcast.planned import list_broadcasts
from handlers.broadcast.sending import (
    WHEN,
    broadcast_action,
    chose_time,
    confirmed_time,
    typed_time,
)
from handlers.commands import names


def register(journeys: Journeys) -> None:
    journeys.command(names("broadcast"), start_broadcast)
    journeys.command(names("broadcasts"), list_broadcasts)
    # Anything sent while writing is answered: a sticker or a place is not an announcement.
    journeys.answer(WRITE, wrote, kinds=(Kind.TEXT, Kind.MEDIA, Kind.LOCATION, Kind.CONTACT))
    journeys.answer(WHEN, typed_time)
    journeys.choice(Prefix.BROADCAST, broadcast_action)
    journeys.choice(Prefix.BROADCAST_AUDIENCE, chose_audience)
    journeys.choice(Prefix.BROADCAST_AT, chose_time)
    journeys.choice(Prefix.BROADCAST_SCHEDULE, confirmed_time)
