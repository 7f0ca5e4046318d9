"""Small texts the activity screens share (channel-neutral): when, and what it costs."""

from __future__ import annotations

import html
from datetime import datetime

from bot.i18n import Translator


def when_text(t: Translator, moment: datetime, all_day: bool, *, short: bool = False) -> str:
    if all_day:
        return t._("%(day)s (all day)", day=t.day(moment, short=short))
    return t.datetime(moment, short=short)


def cost_text(t: Translator, free: bool, price: str) -> str:
    return t._("free") if free else html.escape(price)
