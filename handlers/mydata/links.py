"""One resident, two apps: under My data, link (or unlink) the other app.

The resident taps "🔗 Link WhatsApp" (or Telegram) and gets a one-time code, valid 15
minutes, to send Samen in the other app as "/start <code>"; from Telegram to WhatsApp
also as a click-to-chat link when ``WHATSAPP_DISPLAY_NUMBER`` is set. Sending it there
makes the two accounts one resident (``bot.services.links``). Works the same from both
apps; only the names of the apps differ.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from bot.buttons import Prefix, args_of, encode
from bot.chat.conversation import Conversation
from bot.chat.message import Choice, Reply, choices
from bot.i18n import N_, Translator
from bot.services.links import LinkResult
from bot.services.residents import Resident
from handlers.expired import choice_expired

# The app a resident can link from the one they are in.
OTHER_APP = {"telegram": "WhatsApp", "whatsapp": "Telegram"}
WA_ME = "https://wa.me/{number}?text={text}"
NOT_LINKED = {
    LinkResult.UNKNOWN: N_(
        "This code does not work. A code works once, for 15 minutes. "
        "Ask for a new one in your other app: “📋 My data”, then “🔗 Link”."
    ),
    LinkResult.WAIT: N_(
        "You sent a code that does not work several times. To keep your data safe, Samen "
        "does not look at your codes for a while. Please try again in 15 minutes, with a "
        "new code from your other app: “📋 My data”, then “🔗 Link”."
    ),
    LinkResult.SAME_APP: N_(
        "Send this code in your other app, not here. That is how Samen knows both apps are yours."
    ),
    LinkResult.ALREADY_LINKED: N_(
        "Samen on Telegram is already linked to another WhatsApp. "
        "Unlink that first under “📋 My data”."
    ),
    LinkResult.BOTH_AGREED: N_(
        "You already use Samen in this app too. Samen cannot put two sets of data together. "
        "To link, first delete your data in one of the two apps: “📋 My data”, "
        "then “🗑 Delete everything”. Then try again."
    ),
}


def other_app(c: Conversation) -> str | None:
    """The app this person can link, if Samen runs there (WhatsApp may be off)."""
    if c.person.channel == "telegram" and not c.runtime.settings.whatsapp_enabled:
        return None
    return OTHER_APP.get(c.person.channel)


def link_choice(c: Conversation, linked: bool) -> Choice | None:
    """My data's choice to link the other app, or to unlink it."""
    app = other_app(c)
    if app is None:
        return None
    if linked:
        return Choice(c.t._("🔗 Unlink %(app)s", app=app), encode(Prefix.LINK, "unlink"))
    return Choice(c.t._("🔗 Link %(app)s", app=app), encode(Prefix.LINK, "new"))


def linked_line(t: Translator, resident: Resident) -> str:
    """My data's line for a resident on both apps: where Samen writes first."""
    last = "WhatsApp" if resident.last_channel == "whatsapp" else "Telegram"
    return t._(
        "• Linked: Telegram and WhatsApp. Messages Samen starts go to the app "
        "you used last (now: %(app)s).",
        app=last,
    )


async def link_action(c: Conversation) -> None:
    """lk:new|unlink|unlinkyes|unlinkno."""
    await c.acknowledge()
    app = other_app(c)
    if c.resident is None or app is None:
        await choice_expired(c)
        return
    await _ACTIONS[args_of(c.incoming.data)[0]](c, app)


async def _new_code(c: Conversation, app: str) -> None:
    assert c.resident is not None
    code, until = await c.runtime.services.links.new_code(c.resident.telegram_id)
    text = c.t._(
        "<b>Use Samen on %(app)s too</b>\n\n"
        "Open %(app)s and send Samen this message:\n\n/start %(code)s\n\n"
        "The code works once, until %(until)s. Then Samen is the same in both apps: "
        "your data, your requests. Messages Samen starts go to the app you used last.",
        app=app,
        code=code,
        until=c.t.time(until),
    )
    number = c.runtime.settings.whatsapp_display_number
    if app == "WhatsApp" and number:
        link = WA_ME.format(number=number, text=quote(f"/start {code}"))
        text += "\n\n" + c.t._("On this phone? Tap: %(link)s", link=link)
    await c.say(Reply(text))


async def _ask_unlink(c: Conversation, app: str) -> None:
    await c.say(
        Reply(
            c.t._(
                "Unlink %(app)s? Your data stays with Samen on Telegram. "
                "On WhatsApp Samen then starts anew.",
                app=app,
            ),
            choices=choices(
                Choice(c.t._("🔗 Yes, unlink"), encode(Prefix.LINK, "unlinkyes")),
                Choice(c.t._("↩️ No, keep both"), encode(Prefix.LINK, "unlinkno")),
            ),
        )
    )


async def _unlink(c: Conversation, app: str) -> None:
    assert c.resident is not None
    if not await c.runtime.services.links.unlink(c.resident.telegram_id):
        await choice_expired(c)
        return
    text = c.t._(
        "Done: Telegram and WhatsApp are no longer linked. Your data stays with Samen on Telegram."
    )
    if c.person.channel == "whatsapp":  # this account is a stranger to Samen now
        await c.forget()
        text += "\n\n" + c.t._("Here on WhatsApp Samen starts anew: send “/start”.")
    await c.say(Reply(text, menu=True))


async def _keep(c: Conversation, app: str) -> None:
    await c.say(Reply(c.t._("Good, both apps stay linked."), menu=True))


_ACTIONS = {"new": _new_code, "unlink": _ask_unlink, "unlinkyes": _unlink, "unlinkno": _keep}


async def link_with_code(c: Conversation) -> None:
    """/start <code>, sent in the other app: the two accounts become one resident."""
    (code,) = c.incoming.args
    links = c.runtime.services.links
    result, resident_id = await links.redeem(code, c.person.id)
    if result is not LinkResult.LINKED:
        await c.say(Reply(c.t._(NOT_LINKED[result]), menu=True))
        return
    await c.close_question()
    c.resident = await c.runtime.services.residents.get(resident_id)
    assert c.resident is not None
    c.t = c.runtime.catalogs.get(c.resident.language)
    await c.say(
        Reply(
            c.t._(
                "Linked! Welcome, %(name)s. Samen is now the same on Telegram and WhatsApp. "
                "Messages Samen starts go to the app you used last.",
                name=html.escape(c.resident.first_name),
            ),
            menu=True,
        )
    )
