"""Every journey, registered once: the routing table of every channel.

The journeys are on the conversation layer (bot/chat): each package's
``register(journeys)`` claims its choices, commands (and /start codes), menu labels,
questions, typed shapes and typed answers; the text step (handlers.listen: what the words
mean) and the kind answers to the unexpected (handlers.unexpected) take the rest. The
channel adapters route by this one table: Telegram's handlers
(``bot.channels.telegram.handler.install``) and WhatsApp's (bot/channels/whatsapp).
"""

from __future__ import annotations

from bot.chat.journeys import Journeys
from bot.chat.menu import MenuAction
from handlers import (
    activities,
    broadcast,
    callme,
    listen,
    menu,
    mydata,
    numbers,
    regularcall,
    start,
    unexpected,
    volunteers,
)
from handlers.care import answers, checkins, contact, safety_net, selfcheck
from handlers.volunteers import availability


def converted_journeys(menu_index: dict[str, MenuAction]) -> Journeys:
    """Every journey on the conversation layer: the one routing table of every channel
    (Telegram's in bot/channels/telegram/handler.py, WhatsApp's in bot/channels/whatsapp)."""
    journeys = Journeys(menu_index)
    # The order of these calls does not matter: each claims its own prefixes, commands,
    # menu labels and questions, and a second claim is refused.
    start.register(journeys)
    menu.register(journeys)
    mydata.register(journeys)
    activities.register(journeys)
    availability.register(journeys)
    callme.register(journeys)
    volunteers.register(journeys)
    unexpected.register(journeys)
    broadcast.register(journeys)
    numbers.register(journeys)
    checkins.register(journeys)
    safety_net.register(journeys)
    answers.register(journeys)
    contact.register(journeys)
    regularcall.register(journeys)
    selfcheck.register(journeys)
    listen.register(journeys)
    return journeys
