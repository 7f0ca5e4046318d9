"""Gettext catalogs and a per-language translator with Babel formatting.

The ``.po`` files in ``locales/`` are the source of truth; they are compiled in
memory at start-up, so a fresh clone needs no compile step and a catalog can
never be stale against a forgotten ``.mo`` file.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import SUPPORTED_LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def N_(msgid: str) -> str:
    """Mark a text for extraction where it is defined; it is translated where shown."""
    return msgid


class Translator:
    """Texts, dates and numbers in one person's language."""

    def __init__(self, language: str, translations: gettext.NullTranslations, zone: ZoneInfo):
        self.language = language
        self.locale = Locale.parse(language)
        self.zone = zone
        self._translations = translations

    def _(self, msgid: str, **params: object) -> str:
        text = self._translations.gettext(msgid)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text % {"n": n, **params}

    def datetime(self, moment: dt.datetime, fmt: str = "EEEE d MMMM, HH:mm") -> str:
        """A moment in local time, e.g. 'dinsdag 1 december, 10:00'."""
        return format_datetime(moment.astimezone(self.zone), fmt, locale=self.locale)

    def date(self, moment: dt.datetime, fmt: str = "long") -> str:
        return format_date(moment.astimezone(self.zone).date(), fmt, locale=self.locale)

    def time(self, moment: dt.datetime) -> str:
        return format_time(moment.astimezone(self.zone), "HH:mm", locale=self.locale)


class Catalogs:
    """All languages' translations, loaded once."""

    def __init__(self, translations: dict[str, gettext.NullTranslations], zone: ZoneInfo):
        self._translators = {
            lang: Translator(lang, trans, zone) for lang, trans in translations.items()
        }

    @classmethod
    def load(cls, zone: ZoneInfo, folder: Path = LOCALES_DIR) -> Catalogs:
        translations: dict[str, gettext.NullTranslations] = {}
        for language in SUPPORTED_LANGUAGES:
            po_path = folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=language)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)  # fuzzy entries are left out, as gettext does
            buffer.seek(0)
            translations[language] = gettext.GNUTranslations(buffer)
        return cls(translations, zone)

    def get(self, language: str) -> Translator:
        return self._translators[language]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._translators)
