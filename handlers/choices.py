"""Choices several journeys show: the languages, and agreeing to the privacy text."""

from __future__ import annotations

from babel import Locale

from bot.buttons import Prefix, encode
from bot.chat.message import Choice, choices
from bot.config import SUPPORTED_LANGUAGES
from bot.i18n import Translator

Rows = tuple[tuple[Choice, ...], ...]


def guess_language(language_code: str | None, default: str) -> str:
    """The app's language setting, if Samen speaks it; else the configured default."""
    code = (language_code or "").split("-")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else default


def language_name(language: str) -> str:
    """A language's own name for itself ('Nederlands', 'English'), for the language choice.

    Everywhere else a language is named in the reader's language (``Translator.language_name``).
    """
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def language_choices(prefix: Prefix, suggested: str) -> Rows:
    """One choice per language, the suggested one first and ticked."""
    ordered = sorted(SUPPORTED_LANGUAGES, key=lambda lang: lang != suggested)
    return choices(
        *(
            Choice(("✓ " if lang == suggested else "") + language_name(lang), encode(prefix, lang))
            for lang in ordered
        )
    )


def consent_choices(t: Translator, *, details: bool = True) -> Rows:
    """Agree or not; ``details`` adds the way to the full privacy text under them."""
    rows = [
        Choice(t._("✅ I agree"), encode(Prefix.CONSENT, "yes", t.language)),
        Choice(t._("No, thank you"), encode(Prefix.CONSENT, "no", t.language)),
    ]
    if details:
        rows.append(privacy_details_choice(t))
    return choices(*rows)


def privacy_details_choice(t: Translator) -> Choice:
    return Choice(t._("📄 Read more"), encode(Prefix.PRIVACY_DETAILS, t.language))
