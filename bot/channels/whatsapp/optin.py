"""WhatsApp's explicit opt-in: may Samen write first?

Meta allows messages a business starts (templates, outside the 24-hour window) only to
people who agreed to receive them. Samen asks once, right after the person agreed to
the privacy text, with two buttons; either button can be tapped again later to change
the answer. Without a yes, reminders and news reach the person only while they are
chatting (inside the window); check-ins they set up come anyway (setting them up is
the agreement to them).
"""

from __future__ import annotations

from bot.chat.message import Choice, Reply, choices
from bot.i18n import N_, Translator

YES, NO = "wa|optin:yes", "wa|optin:no"
ANSWERS = frozenset({YES, NO})
QUESTION = N_(
    "One more question. May Samen send you a message first? For example a reminder you"
    " asked for, or news from Samen. You can stop all messages at any time"
    " in “📋 My data”."
)
YES_LABEL = N_("✅ Yes, that is fine")
NO_LABEL = N_("No, thank you")
THANKS = {
    YES: N_("Thank you. Samen may now send you a message first."),
    NO: N_("All right. Samen will only answer when you write."),
}


def question(t: Translator) -> Reply:
    return Reply(
        t._(QUESTION),
        choices=choices(Choice(t._(YES_LABEL), YES), Choice(t._(NO_LABEL), NO)),
    )


# Check-ins set up are their own agreement (bot/services/care/kinds.py): a "no" here
# leaves them coming, and says so.
CHECKINS_STAY = N_(
    "Your check-ins still come at their time. You can stop them under “💬 Check-ins”."
)


def answered(t: Translator, answer: str, *, checkins: bool = False) -> Reply:
    text = t._(THANKS[answer])
    if answer == NO and checkins:
        text += "\n\n" + t._(CHECKINS_STAY)
    return Reply(text, menu=True)
