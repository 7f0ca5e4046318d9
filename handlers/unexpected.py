"""Kind answers to everything Samen does not expect: never silence, never a trace.

Registered as the leftovers (``Journeys.otherwise``): only what no journey took comes
here. A location is never unexpected: the activities take it (they look nearby).
"""

from __future__ import annotations

from bot.chat.conversation import Conversation, consented
from bot.chat.incoming import Kind
from bot.chat.journeys import Journeys
from bot.chat.message import Choice, Reply, choices
from bot.i18n import Translator
from bot.services.callme.requests import Topic
from handlers.callme.request import call_me_button_data
from handlers.expired import choice_expired

# Media Samen cannot take in but a person may well send instead of typing: a call helps.
LISTEN_OR_LOOK = frozenset({"voice", "audio", "video_note", "video", "photo"})
LOOK = frozenset({"video", "photo"})


def register(journeys: Journeys) -> None:
    journeys.otherwise(Kind.COMMAND, unknown_command)
    journeys.otherwise(Kind.CHOICE, choice_expired)  # old, stale or forged buttons
    journeys.otherwise(Kind.EDITED, edited_message)
    journeys.otherwise(Kind.MEDIA, media)
    journeys.otherwise(Kind.CONTACT, unsupported_message)
    journeys.otherwise(Kind.OTHER, unsupported_message)


def call_choice(t: Translator, topic: Topic | None = None) -> Choice:
    """One choice into "Call me" (it asks for consent first if need be)."""
    return Choice(t._("📞 Yes, please call me"), call_me_button_data(topic))


async def unknown_command(c: Conversation) -> None:
    await c.say(Reply(c.t._("I do not know that command. Here is the menu."), menu=True))


async def media(c: Conversation) -> None:
    """A voice message is often someone who cannot type: offer a call in the same reply.
    Stickers, files and animations only get the menu."""
    if c.incoming.media not in LISTEN_OR_LOOK:
        await unsupported_message(c)
        return
    text = (
        c.t._(
            "Thank you for your message. I cannot look at photos or videos, sorry. "
            "Would you rather talk? A volunteer from Samen can call you."
        )
        if c.incoming.media in LOOK
        else c.t._(
            "Thank you for your message. I cannot listen to voice messages, sorry. "
            "Would you rather talk? A volunteer from Samen can call you."
        )
    )
    await c.say(Reply(text, choices=choices(call_choice(c.t))))
    await c.say(Reply(c.t._("Or choose below."), menu=True))


async def unsupported_message(c: Conversation) -> None:
    """Stickers, files, and contacts we did not ask for. A shared contact outside
    "Call me" is not stored; the person hears where a number is used."""
    if c.incoming.kind is Kind.CONTACT:
        text = (
            c.t._("Thank you. I only use a phone number when you ask for a call: tap “📞 Call me”.")
            if consented(c)
            else c.t._(
                "Thank you. I did not save this number. "
                "I only use a phone number when you ask for a call."
            )
        )
    else:
        text = c.t._(
            "I cannot look at photos or stickers, or listen to voice messages. "
            "Please use the buttons below."
        )
    await c.say(Reply(text, menu=True))


async def edited_message(c: Conversation) -> None:
    await c.say(
        Reply(
            c.t._(
                "You changed a message. I only read new messages. Please send it again if you like."
            ),
            menu=True,
        )
    )
