"""The templates Samen submits to Meta, and WhatsApp's text format."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest

from bot.__main__ import main
from bot.channels.whatsapp.format import fit, one_line, whatsapp_text
from bot.channels.whatsapp.templates import (
    BODY_LIMIT,
    TEMPLATES,
    Category,
    approved,
    submission,
    template_for,
)
from bot.i18n import Catalogs


def test_every_kind_samen_starts_has_a_template_of_the_right_category() -> None:
    utility = ("checkin", "selfcheck", "reminder", "call_request", "task", "alert", "application")
    for kind in (*utility, "checkin-nudge", "safety-contact", "emergency-contact"):
        template = template_for(kind)
        assert template is not None and template.category is Category.UTILITY
    broadcast = template_for("broadcast")
    assert broadcast is not None and broadcast.category is Category.MARKETING
    assert template_for("chat") is None
    assert approved()["samen_broadcast"] == {"nl": 1, "en": 1}


def test_submission_has_every_template_in_both_languages_with_meta_placeholders() -> None:
    catalogs = Catalogs.load(ZoneInfo("Europe/Amsterdam"))
    requests = submission(catalogs)
    assert len(requests) == 2 * len(TEMPLATES)
    dutch = next(r for r in requests if r["name"] == "samen_checkin" and r["language"] == "nl")
    body = dutch["components"][0]  # type: ignore[index]
    assert body["text"].startswith("Uw check-in van Samen") and "{{1}}" in body["text"]
    assert "{message}" not in json.dumps(requests)


def test_the_command_prints_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatsapp", "templates"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in printed} == {t.name for t in TEMPLATES}


def test_a_parameter_is_one_line_and_fits_the_body() -> None:
    template = TEMPLATES[0]
    body = "Your check-in:\n\n{message}\n\nReply."
    text = "<b>Hello</b>\n\nHow are you?\tTell us. " + "word " * 400
    parameter = template.parameter(body, text)
    assert parameter.startswith("*Hello* How are you? Tell us.")
    assert "\n" not in parameter and "\t" not in parameter and parameter.endswith("…")
    assert len(body.replace("{message}", parameter)) <= BODY_LIMIT


def test_html_becomes_whatsapp_markup() -> None:
    assert whatsapp_text('<b>Bold</b> <i>it</i> &amp; <a href="https://x.nl">site</a>') == (
        "*Bold* _it_ & site (https://x.nl)"
    )
    assert whatsapp_text('<a href="https://x.nl">https://x.nl</a>') == "https://x.nl"
    assert one_line("a\n\nb", 10) == "a b"
    assert fit("abcdef", 4) == "abc…" and fit("abc", 4) == "abc"
