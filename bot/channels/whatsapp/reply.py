"""A journey's Reply as WhatsApp messages (``render`` keeps them within Meta's limits).

Choices and list rows are buttons or a list. WhatsApp has no keyboard under the text
box, so the main menu is a list ("Menu") and a typed answer offered beside a request
("Not now") is a button that counts as typing it (``incoming.SAY``). A location is asked
with WhatsApp's location request; a phone number is typed, or "use this number" when
Meta shows the number the person writes from. Photos are Telegram file ids: not shown.
A place (``Reply.place``) is a location message with its name and address.
"""

from __future__ import annotations

from bot.channels.whatsapp.incoming import OWN_PHONE, SAY
from bot.channels.whatsapp.render import Option, WaMessage, render
from bot.chat.menu import MENU_LABELS, menu_rows
from bot.chat.message import Ask, Reply
from bot.i18n import N_, Translator

LIST_BUTTON = N_("Choose")
MORE_CHOICES = N_("More choices:")
MENU_BUTTON = N_("Menu")
USE_NUMBER = N_("📱 Use {number}")


def typed(label: str) -> Option:
    """A button that means the same as typing its label."""
    return Option(label, SAY + label)


def _options(reply: Reply, t: Translator, own_phone: str | None) -> list[Option]:
    options = [Option(r.title, r.data, r.description) for r in reply.rows]
    options += [Option(c.label, c.data) for line in reply.choices for c in line]
    if not options and reply.ask is Ask.PHONE and own_phone:
        options.append(Option(t._(USE_NUMBER, number=own_phone), OWN_PHONE))
    if not options or reply.ask is Ask.PHONE:
        options += [typed(label) for label in reply.ask_also]
    return options


def menu_options(t: Translator, *, consented: bool) -> list[Option]:
    actions = [action for row in menu_rows(consented=consented) for action in row]
    return [typed(t._(MENU_LABELS[action])) for action in actions]


def messages_of(
    reply: Reply, t: Translator, *, consented: bool, own_phone: str | None
) -> list[WaMessage]:
    """What WhatsApp shows for ``reply``: a pin on the map first, if it has one; then
    the text, where choices win over an ask, and an ask over the menu."""
    pin = [WaMessage("", place=reply.place)] if reply.place is not None else []
    return pin + _said(reply, t, consented=consented, own_phone=own_phone)


def _said(
    reply: Reply, t: Translator, *, consented: bool, own_phone: str | None
) -> list[WaMessage]:
    more = t._(MORE_CHOICES)
    options = _options(reply, t, own_phone)
    button = reply.list_label or t._(LIST_BUTTON)
    if reply.ask is Ask.LOCATION and not reply.choices and not reply.rows:
        messages = render(reply.text, list_button=button, more_text=more, location_request=True)
        if reply.ask_also:
            also = [typed(label) for label in reply.ask_also]
            messages += render(t._(MORE_CHOICES), also, list_button=button, more_text=more)
        return messages
    if not options and reply.menu:
        options = menu_options(t, consented=consented)
        button = t._(MENU_BUTTON)
    return render(reply.text, options, list_button=button, more_text=more)
