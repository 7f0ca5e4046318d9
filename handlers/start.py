"""Onboarding: language, a warm introduction, the privacy notice, consent.

Each button carries the chosen language, so onboarding needs no server-side
state: nothing about the person is stored before they agree, and a restart
in the middle of it strands nobody. Written against the conversation layer (bot/chat).
"""

from __future__ import annotations

from bot.buttons import Prefix, args_of
from bot.chat.conversation import Conversation, consented, guess_language
from bot.chat.incoming import Kind
from bot.chat.journeys import Journeys
from bot.chat.menu import MenuAction
from bot.chat.message import Reply, choices
from bot.i18n import N_
from bot.services.residents import PRIVACY_NOTICE_VERSION
from bot.services.understanding.reader import CrisisKind, Meaning, crisis_kind, understand
from handlers.choices import (
    consent_choices,
    language_choices,
    privacy_details_choice,
)
from handlers.commands import names
from handlers.helplines import body_emergency_help, crisis_help, despair_help

# How Samen knows where to write, per channel (on WhatsApp Meta may show the number).
ACCOUNT_KEPT = {
    "telegram": N_(
        "• The number of your Telegram account, so Samen knows where to send a message. "
        "This is not your phone number."
    ),
    "whatsapp": N_(
        "• Your WhatsApp account, so Samen knows where to send a message. And the phone "
        "number WhatsApp shows Samen. Samen uses that number only if you ask for a phone call."
    ),
}
# Crisis words in someone's very first message get their help before anything else.
CRISIS_HELP = {CrisisKind.BODY: body_emergency_help, CrisisKind.MIND: despair_help}


def register(journeys: Journeys) -> None:
    """/start with a code (an invite, an emergency contact's link, a link to the other
    app) belongs to the journey of that code; /start alone, or with words no journey
    knows, is this one. On WhatsApp a first message of any kind starts it too."""
    journeys.command(names("start"), start)
    journeys.greet(first_contact)
    journeys.choice(Prefix.LANGUAGE, chose_language)
    journeys.choice(Prefix.CONSENT, answered_consent)
    journeys.choice(Prefix.PRIVACY, show_privacy)
    journeys.choice(Prefix.PRIVACY_DETAILS, show_privacy_details)
    journeys.command(names("privacy"), show_privacy)
    journeys.menu(MenuAction.PRIVACY, show_privacy)


def privacy_notice(ctx: Conversation) -> str:
    """The short notice (B1) people agree to; the details are one tap away."""
    return ctx.t._(
        "<b>Your privacy</b>\n\n"
        "If you agree, Samen keeps:\n"
        "• your first name and your language;\n"
        "• what you choose, for example a request for a phone call.\n\n"
        "Samen only uses this to help you. You can delete it all at any time.\n\n"
        "(Privacy text, version %(version)s)",
        version=PRIVACY_NOTICE_VERSION,
    )


def privacy_details(ctx: Conversation) -> str:
    """Everything about what is kept, why, who sees it and how to delete it, in plain words."""
    return ctx.t._(
        "<b>Your privacy in detail</b>\n\n"
        "<b>What does Samen keep?</b>\n"
        "• Your first name and your language.\n"
        "%(account)s\n"
        "• When you agreed to the privacy text.\n"
        "• What you choose in Samen, for example a reminder or a request for a phone call.\n"
        "• Your phone number only if you give it yourself, for a phone call.\n\n"
        "<b>Why?</b> Only to help you. We never sell your data.\n\n"
        "<b>Who sees it?</b> A volunteer who helps you only sees what is needed for that. "
        "The coordinators of Samen also see your first name and your requests, "
        "to make sure someone helps you.\n\n"
        "<b>How long?</b> Until you delete it. You can do that at any time.\n\n"
        "<b>Delete?</b> Tap “📋 My data” and then “🗑 Delete everything”. "
        "Then everything is gone at once.",
        account=ctx.t._(ACCOUNT_KEPT[ctx.person.channel]),
    )


def consent_question(ctx: Conversation) -> str:
    return privacy_notice(ctx) + "\n\n" + ctx.t._("Do you agree?")


async def start(c: Conversation) -> None:
    """/start: welcome back, or begin onboarding with the language question."""
    if consented(c):
        await c.say(Reply(c.t._("Welcome back! What would you like to do?"), menu=True))
        return
    suggested = guess_language(c.person.language_code, c.runtime.settings.default_language)
    both = " · ".join(
        c.runtime.catalogs.get(lang)._("Choose your language") for lang in ("nl", "en")
    )
    await c.say(Reply(both, choices=language_choices(Prefix.LANGUAGE, suggested)))


async def first_contact(c: Conversation) -> None:
    """Someone writes to Samen for the first time (on WhatsApp, where nobody sends
    /start): whatever they wrote, onboarding starts; crisis words get their help first."""
    text = c.incoming.text
    if c.incoming.kind is Kind.TEXT and understand(text).meaning is Meaning.CRISIS:
        await c.say(Reply(CRISIS_HELP[crisis_kind(text)](c)))
    await start(c)


async def chose_language(c: Conversation) -> None:
    """lang:xx: show the introduction and the privacy notice in that language."""
    await c.acknowledge()
    await c.set_language(args_of(c.incoming.data)[0])
    await c.update(
        Reply(
            c.t._(
                "<b>Welcome to Samen!</b> 👋\n\n"
                "Samen is for everyone in Heemstede who would like more contact with others. "
                "The municipality and local partners, such as WIJ Heemstede and the library, "
                "work on it together.\n\n"
                "You use Samen with the buttons. You do not need to type."
            )
        )
    )
    if consented(c):
        await c.say(Reply(c.t._("What would you like to do?"), menu=True))
        return
    await c.say(Reply(consent_question(c), choices=consent_choices(c.t)))


async def answered_consent(c: Conversation) -> None:
    """consent:yes|no:xx: store consent (the first thing ever stored), or store nothing."""
    answer, language = args_of(c.incoming.data)
    c.t = c.runtime.catalogs.get(language)
    if answer == "yes":
        person = c.person
        c.resident = await c.runtime.services.residents.give_consent(
            person.id, person.first_name, language
        )
        await c.acknowledge(c.t._("Thank you!"))
        await c.clear_choices()
        await c.say(
            Reply(
                c.t._(
                    "Thank you! Everything is ready.\n\n"
                    "Choose what you want to do with the buttons below. "
                    "You can always type /menu to see them again."
                ),
                menu=True,
            )
        )
        return
    await c.acknowledge()
    await c.clear_choices()
    if consented(c):
        text = c.t._(
            "You already agreed before. Do you want to withdraw? "
            "Go to “My data” and tap “Delete everything”."
        )
    else:
        await c.set_language(language)
        # Help from a person needs no consent: the numbers are shown, nothing is stored.
        text = (
            c.t._(
                "That is fine. Samen has stored nothing about you.\n\n"
                "Changed your mind? Tap “🔒 Privacy” below to agree after all."
            )
            + "\n\n"
            + crisis_help(c)
        )
    await c.say(Reply(text, menu=True))


async def show_privacy(c: Conversation) -> None:
    """/privacy, the Privacy button or privacy:show: the notice, with the choice if not
    yet agreed."""
    await c.acknowledge()
    if consented(c) and c.resident is not None:
        agreed = c.t._("You agreed: %(moment)s.", moment=c.t.datetime(c.resident.consent_at))
        await c.say(
            Reply(
                privacy_notice(c) + "\n\n" + agreed,
                choices=choices(privacy_details_choice(c.t)),
            )
        )
        return
    await c.say(Reply(consent_question(c), choices=consent_choices(c.t)))


async def show_privacy_details(c: Conversation) -> None:
    """privmore:xx: the full privacy text, then still the choice for who has not agreed."""
    await c.acknowledge()
    c.t = c.runtime.catalogs.get(args_of(c.incoming.data)[0])
    if consented(c):
        await c.say(Reply(privacy_details(c), menu=True))
        return
    await c.say(
        Reply(
            privacy_details(c) + "\n\n" + c.t._("Do you agree?"),
            choices=consent_choices(c.t, details=False),
        )
    )
