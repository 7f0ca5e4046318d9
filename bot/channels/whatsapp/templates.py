"""The message templates Samen submits to Meta, kept here with the code that sends them.

Outside the 24-hour window WhatsApp delivers only approved templates. Each outbox kind
that Samen sends on its own initiative has one; the message itself goes in as the one
parameter, between fixed words that say who writes and how to answer (a reply opens the
window again). Bodies are catalog texts, so they exist in every language Samen speaks;
``{message}`` becomes Meta's ``{{1}}``. ``samen whatsapp templates`` prints them in the
shape of Meta's "create template" request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from bot.channels.whatsapp.format import one_line
from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import N_, Catalogs

# Meta's limit on a template body, parameters filled in.
BODY_LIMIT = 1024


class Category(StrEnum):
    UTILITY = "UTILITY"  # about something the person set up or asked for
    MARKETING = "MARKETING"  # news nobody asked for individually


@dataclass(frozen=True)
class Template:
    name: str
    category: Category
    kinds: tuple[str, ...]  # outbox kinds sent with this template
    body: str  # msgid, with {message}
    example: str  # msgid: a sample message for Meta's reviewers
    # The person agreed to exactly these messages in the journey that sends them (an
    # emergency contact's "Yes, I will"), so they need no general opt-in as well.
    agreed_in_journey: bool = False

    def meta_body(self, t_body: str) -> str:
        return t_body.replace("{message}", "{{1}}")

    def parameter(self, t_body: str, message: str) -> str:
        """The message as the template's parameter, short enough for the body limit."""
        room = BODY_LIMIT - len(t_body.replace("{message}", ""))
        return one_line(message, room)


TEMPLATES: tuple[Template, ...] = (
    Template(
        "samen_checkin",
        Category.UTILITY,
        ("checkin", "checkin-nudge", "selfcheck"),
        N_("Your check-in from Samen:\n\n{message}\n\nReply to this message to answer."),
        N_("Good morning! How are you today?"),
    ),
    Template(
        "samen_reminder",
        Category.UTILITY,
        ("reminder",),
        N_("A reminder you asked Samen for:\n\n{message}\n\nReply to this message for more."),
        N_("Coffee morning at the library starts at 10:00 today."),
    ),
    Template(
        "samen_call_request_news",
        Category.UTILITY,
        ("call_request",),
        N_(
            "News about your call request at Samen:\n\n{message}\n\nReply to this message for more."
        ),
        N_("A volunteer will call you this afternoon."),
    ),
    Template(
        "samen_task_alert",
        Category.UTILITY,
        ("task", "alert", "application", "volunteer"),
        N_("For you as a Samen volunteer:\n\n{message}\n\nReply to this message to open it."),
        N_("A resident asks to be called back today."),
    ),
    Template(
        "samen_safety_net_news",
        Category.UTILITY,
        ("emergency-contact",),
        N_("News about your safety net at Samen:\n\n{message}\n\nReply to this message for more."),
        N_("Els said yes. Els is now your emergency contact for the safety net."),
    ),
    Template(
        "samen_emergency_contact",
        Category.UTILITY,
        ("safety-contact",),
        N_(
            "You are an emergency contact in Samen. A message for you:\n\n{message}\n\n"
            "Reply to this message to answer."
        ),
        N_("Samen could not reach Anna today. Could you check how Anna is doing?"),
        agreed_in_journey=True,
    ),
    Template(
        "samen_broadcast",
        Category.MARKETING,
        ("broadcast",),
        N_("News from Samen Heemstede:\n\n{message}\n\nReply to this message to chat with Samen."),
        N_("On Saturday there is a free walk through the park. Everyone is welcome."),
    ),
)

_BY_KIND = {kind: template for template in TEMPLATES for kind in template.kinds}


def template_for(kind: str) -> Template | None:
    """The template an outbox message of this kind uses outside the window."""
    return _BY_KIND.get(kind)


def submission(catalogs: Catalogs) -> list[dict[str, object]]:
    """Every template in every language, as Meta's template creation API takes them."""
    requests: list[dict[str, object]] = []
    for template in TEMPLATES:
        for language in catalogs.languages:
            t = catalogs.get(language)
            body = t._(template.body, message="{message}")
            requests.append(
                {
                    "name": template.name,
                    "language": language,
                    "category": template.category.value,
                    "components": [
                        {
                            "type": "BODY",
                            "text": template.meta_body(body),
                            "example": {"body_text": [[t._(template.example)]]},
                        }
                    ],
                }
            )
    return requests


def submission_json(catalogs: Catalogs) -> str:
    return json.dumps(submission(catalogs), ensure_ascii=False, indent=2)


def approved(languages: tuple[str, ...] = SUPPORTED_LANGUAGES) -> dict[str, dict[str, int]]:
    """The templates as Meta knows them once approved: name -> language -> parameters.

    What the local emulator accepts (tests, playground, benchmark)."""
    return {template.name: dict.fromkeys(languages, 1) for template in TEMPLATES}
