"""The activities' e2e helpers: the example town's places and time, and the verbs that
differ per channel (consent with WhatsApp's opt-in, a location, an edit, list pages).
The town itself is test_activities' fixtures ``town`` and ``town_any``."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bot.channels.whatsapp.render import ROWS_MAX
from bot.emulator.client import Entry
from bot.emulator.whatsapp.client import entry_text
from tests.e2e.harness import (
    Person,
    SamenBot,
    buttons_of,
)
from tests.e2e.test_mydata import agree
from tests.e2e.whatsapp_people import WhatsAppPerson, wa_options

DATA = Path(__file__).resolve().parents[2] / "data"
LIBRARY = (52.3574, 4.6222)  # Bibliotheek Heemstede, where several example activities are
# Saturday 28 November 2026, 15:30 in Heemstede.
NOW = datetime(2026, 11, 28, 14, 30, tzinfo=UTC)
Someone = Person | WhatsAppPerson


async def consent(samen: SamenBot, person: Someone, language: str, agree_button: str) -> int:
    """The person agrees to the privacy text, and on WhatsApp also to messages Samen
    starts (asked once after consent), so reminders reach them outside the 24-hour
    window as a template. Their id in Samen."""
    return await agree(samen, person, language, agree_button)  # onboarding asks the opt-in


async def begin(person: Someone) -> None:
    """Someone new writes without agreeing to anything yet. Telegram: /start (John's app
    speaks English); WhatsApp tells no language, so they choose English themselves."""
    if isinstance(person, WhatsAppPerson):
        await person.say("/language")
        languages = await person.expect(where=lambda e: len(buttons_of(e)) == 2)
        await person.press(languages, buttons_of(languages)[1])  # Dutch first: the default
        await person.expect("in English from now on")
        return
    await person.say("/start")


def changed(person: Someone) -> Callable[[Entry], bool]:
    """A screen changed by a tap: edited in place on Telegram, sent anew on WhatsApp."""
    if isinstance(person, WhatsAppPerson):
        return lambda e: True
    return lambda e: bool(e.get("edited"))


def pin_of(entry: Entry) -> tuple[str, float, float] | None:
    """A map pin's name and place: Telegram's venue, WhatsApp's location message."""
    venue = entry.get("venue")
    if venue is not None:
        location = venue["location"]
        return venue["title"], location["latitude"], location["longitude"]
    location = entry.get("location")
    if isinstance(location, dict) and "name" in location:
        return location["name"], location["latitude"], location["longitude"]
    return None


async def share_location(person: Someone, latitude: float, longitude: float) -> None:
    """Tap "📍 Share my location" (Telegram's keyboard; WhatsApp's location request)."""
    if isinstance(person, WhatsAppPerson):
        await person.client.send_location(person.bsuid, latitude, longitude)
        return
    label = "📍 Deel mijn locatie" if person.language_code == "nl" else "📍 Share my location"
    await person.client.tap_reply_button(
        person.user_id, label, latitude=latitude, longitude=longitude
    )


async def pages(person: Someone, entry: Entry) -> list[Entry]:
    """An entry and, on WhatsApp, the pages that continue its list: a list has at most
    ten rows, and the rest follow in messages of their own ("More choices:")."""
    found = [entry]
    while isinstance(person, WhatsAppPerson) and len(wa_options(found[-1])) == ROWS_MAX:
        try:
            after = await person.client.wait_for(person.bsuid, int(found[-1]["seq"]), timeout=2)
        except TimeoutError:
            break
        if entry_text(after) not in ("More choices:", "Meer keuzes:"):
            break
        found.append(after)
    return found


async def options(person: Someone, entry: Entry) -> list[str]:
    """Every choice under a message, on all its pages."""
    return [label for page in await pages(person, entry) for label in buttons_of(page)]


async def press_in(person: Someone, entry: Entry, label: str) -> None:
    """Tap a choice under a message, on whichever page of its list it is."""
    for page in await pages(person, entry):
        if label in buttons_of(page):
            await person.press(page, label)
            return
    raise AssertionError(f"no {label!r} among {await options(person, entry)}")


def inline(entry: Entry) -> list[tuple[str, str]]:
    markup = entry.get("reply_markup") or {}
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


def dutch(person: Someone) -> bool:
    if isinstance(person, WhatsAppPerson):
        return person.first_name == "Anna"
    return person.language_code == "nl"


async def choices(person: Someone, results: Entry) -> None:
    """Under a list of results, the choices (kind, when, free…) are one tap away."""
    await person.press(results, "⚙️ Keuzes veranderen" if dutch(person) else "⚙️ Change choices")


def distances(text: str) -> list[float]:
    """The distances of a result list, in metres, in the order shown."""
    found = []
    for value, unit in re.findall(r"– ([\d.,]+) (m|km)\n", text):
        number = float(value.replace(",", "."))
        found.append(number * 1000 if unit == "km" else number)
    return found
