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

from bot.clock import Clock, utc_now
from bot.config import SUPPORTED_LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def N_(msgid: str) -> str:
    """Mark a text for extraction where it is defined; it is translated where shown."""
    return msgid


# Days people name by a word rather than a date.
RELATIVE_DAYS = {-1: N_("yesterday"), 0: N_("today"), 1: N_("tomorrow")}

# A date this far ahead reads without its year ("zaterdag 9 januari" in December).
YEAR_IS_CLEAR_AHEAD = dt.timedelta(days=183)


class Translator:
    """Texts, dates and numbers in one person's language."""

    def __init__(
        self,
        language: str,
        translations: gettext.NullTranslations,
        zone: ZoneInfo,
        clock: Clock = utc_now,
    ):
        self.language = language
        self.locale = Locale.parse(language)
        self.zone = zone
        self._translations = translations
        self._clock = clock

    def _(self, msgid: str, **params: object) -> str:
        text = self._translations.gettext(msgid)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text % {"n": n, **params}

    def day(self, moment: dt.datetime | dt.date, *, short: bool = False) -> str:
        """A day as people say it: 'vandaag', 'morgen', 'zaterdag 5 december'.

        The one way Samen shows a date, so every message reads alike. The year
        is added only when it is not obvious: another year, and not soon ahead.
        ``short`` ('za 5 dec') is for lists where every line has a date.
        """
        on = moment.astimezone(self.zone).date() if isinstance(moment, dt.datetime) else moment
        today = self._clock().astimezone(self.zone).date()
        relative = RELATIVE_DAYS.get((on - today).days)
        if relative is not None:
            return self._(relative)
        pattern = "EEE d MMM" if short else "EEEE d MMMM"
        if on.year != today.year and not today < on <= today + YEAR_IS_CLEAR_AHEAD:
            pattern += " y"
        return str(format_date(on, pattern, locale=self.locale))

    def datetime(self, moment: dt.datetime, *, short: bool = False) -> str:
        """A moment in local time: 'morgen om 10:00', 'zaterdag 5 december om 14:30'."""
        return self._(
            "%(day)s at %(time)s", day=self.day(moment, short=short), time=self.time(moment)
        )

    def dated(self, moment: dt.datetime) -> str:
        """Weekday, date, year and time, never "today": for a document read months later."""
        return format_datetime(
            moment.astimezone(self.zone), "EEEE d MMMM yyyy, HH:mm", locale=self.locale
        )

    def time(self, moment: dt.datetime) -> str:
        return format_time(moment.astimezone(self.zone), "HH:mm", locale=self.locale)

    def language_name(self, code: str) -> str:
        """A language named in the reader's language: 'Engels' for a Dutch reader."""
        return str(self.locale.languages.get(code, code))


class Catalogs:
    """All languages' translations, loaded once."""

    def __init__(
        self,
        translations: dict[str, gettext.NullTranslations],
        zone: ZoneInfo,
        clock: Clock = utc_now,
    ):
        self._translators = {
            lang: Translator(lang, trans, zone, clock) for lang, trans in translations.items()
        }

    @classmethod
    def load(cls, zone: ZoneInfo, clock: Clock = utc_now, folder: Path = LOCALES_DIR) -> Catalogs:
        """Every language's catalog; ``clock`` says which day is 'today' in dates shown."""
        translations: dict[str, gettext.NullTranslations] = {}
        for language in SUPPORTED_LANGUAGES:
            po_path = folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=language)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)  # fuzzy entries are left out, as gettext does
            buffer.seek(0)
            translations[language] = gettext.GNUTranslations(buffer)
        return cls(translations, zone, clock)

    def get(self, language: str) -> Translator:
        return self._translators[language]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._translators)
