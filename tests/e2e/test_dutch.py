"""Dutch without English: Dutch commands and words, dates as people say them, a short privacy text.

Samen runs on a FakeClock at Wednesday 2 December 2026, 10:00 in Heemstede, so
"vandaag", "morgen" and "zaterdag 5 december" are known in advance. The residents' tests
run on every channel (``samen_any_on_clock``, ``anna_any``); Telegram's command menu and
the coordinator's broadcast planning stay on Telegram (coordinators use Telegram).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.services.residents import PRIVACY_NOTICE_VERSION
from tests.conftest import FakeClock
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.harness import (
    Person,
    SamenBot,
    buttons_of,
    eventually,
    keyboard_of,
    make_settings,
    plain_text_of,
    text_of,
)
from tests.e2e.test_mydata import Someone, agree, onboard
from tests.e2e.whatsapp_people import WhatsAppPerson


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))  # Wednesday 10:00 local


@pytest.fixture
async def bot(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path
) -> AsyncIterator[SamenBot]:
    clock = FakeClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))  # Wednesday 10:00 local
    settings = make_settings(
        emulator.url, tmp_path / "samen.sqlite3", SAMEN_COORDINATORS=str(COORDINATOR_ID)
    )
    samen = SamenBot(settings, clock)
    await samen.start()
    yield samen
    await samen.stop()


async def _published_commands(emulator: EmulatorServer, language: str) -> list[str]:
    """The commands Samen published for ``language`` (it does so as it starts)."""
    key = f"default::{language}"

    async def published() -> bool:
        return key in emulator.state.commands

    assert await eventually(published, bool), f"no commands published for {key!r}"
    return [c["command"] for c in emulator.state.commands[key]]


async def test_command_menu_in_each_language(bot: SamenBot, emulator: EmulatorServer) -> None:
    dutch = await _published_commands(emulator, "nl")
    assert {"gegevens", "taal", "hulp", "menu", "privacy"} <= set(dutch)
    assert not {"mydata", "language", "help"} & set(dutch)
    english = await _published_commands(emulator, "en")
    assert {"mydata", "language", "help"} <= set(english)
    assert set(await _published_commands(emulator, "")) == set(dutch)  # the default: Dutch


# Who Samen says the person is to it, per channel (My data).
ACCOUNT_LINE = {
    "telegram": "Nummer van uw Telegram-account (geen telefoonnummer)",
    "whatsapp": "Het nummer van Samen voor u op WhatsApp (geen telefoonnummer)",
}


async def test_dutch_commands_words_and_the_old_menu_label(
    samen_any_on_clock: SamenBot, anna_any: Someone
) -> None:
    anna = anna_any
    await agree(samen_any_on_clock, anna, "✓ Nederlands", "✅ Ik ga akkoord")

    await anna.say("/hulp")
    help_text = text_of(await anna.expect("Hoe Samen werkt"))
    assert "/gegevens" in help_text and "/taal" in help_text
    assert "/mydata" not in help_text and "/language" not in help_text

    await anna.say("/gegevens")
    data = text_of(await anna.expect("Wat Samen over u bewaart"))
    assert ACCOUNT_LINE[anna.channel] in data
    assert "Telegram-nummer" not in data
    await anna.say("/mydata")  # the English name keeps working
    await anna.expect("Wat Samen over u bewaart")

    await anna.say("/taal")
    await anna.expect("Welke taal wilt u?")

    await anna.tap("📞 Bel mij")
    await anna.expect("Op welk nummer kunnen we u bellen?")
    await anna.say("/stoppen")
    menu = await anna.expect("Wat wilt u doen?")
    assert "💬 Dagelijks berichtje" in keyboard_of(menu)
    assert not [label for label in keyboard_of(menu) if "Check-in" in label]

    await anna.say("💬 Check-ins")  # a phone that still shows the old keyboard
    invitation = await anna.expect("Dagelijks berichtje")
    assert "✅ Ja, elke dag om 10:30" in buttons_of(invitation)


async def test_typed_days_and_dates_as_people_say_them(
    samen_any_on_clock: SamenBot, anna_any: Someone
) -> None:
    anna = anna_any
    await agree(samen_any_on_clock, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("💬 Dagelijks berichtje")
    await anna.press(await anna.expect("Dagelijks berichtje"), "🗓 Zelf dagen en tijd kiezen")
    await anna.press(await anna.expect("Op welke dagen"), "Elke dag")
    await anna.say("10:30")
    net = await anna.expect("Het vangnet")
    await anna.press(net, buttons_of(net)[-1])  # without the safety net
    done = await anna.expect("Uw berichtjes staan klaar")
    assert "Volgende berichtje: vandaag om 10:30" in plain_text_of(done)

    async def pause_until(typed: str) -> str:
        await anna.tap("💬 Dagelijks berichtje")
        menu = await anna.expect(where=lambda e: bool(buttons_of(e)))
        if "▶️ Nu weer beginnen" in buttons_of(menu):
            await anna.press(menu, "▶️ Nu weer beginnen")
            await anna.tap("💬 Dagelijks berichtje")
            menu = await anna.expect(where=lambda e: "⏸ Even pauze (vakantie)" in buttons_of(e))
        await anna.press(menu, "⏸ Even pauze (vakantie)")
        await anna.press(await anna.expect("Hoe lang"), "📅 Tot een datum die ik kies")
        await anna.expect("Tot welke dag? Typ bijvoorbeeld 24 december, zaterdag of 24-12.")
        await anna.say(typed)
        return plain_text_of(await anna.expect("Geniet van uw pauze!"))

    paused = await pause_until("24 december")
    assert "Tot donderdag 24 december krijgt u geen berichtjes" in paused
    assert "Uw volgende berichtje: donderdag 24 december om 10:30" in paused
    paused = await pause_until("zaterdag")
    assert "Tot zaterdag 5 december krijgt u geen berichtjes" in paused
    paused = await pause_until("morgen")
    assert "Uw volgende berichtje: morgen om 10:30" in paused


async def test_broadcast_planning_in_dutch(
    bot: SamenBot, client: EmulatorClient, anna: Person, john: Person
) -> None:
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await onboard(john, "✓ English", "✅ I agree")
    coen = await Person(client, COORDINATOR_ID, "Coen", "nl").join(opened=True)
    await onboard(coen, "✓ Nederlands", "✅ Ik ga akkoord")
    await coen.say("/rondsturen")
    await coen.expect("Nieuw bericht voor iedereen")
    await coen.say("Zaterdag koffie in de bibliotheek")
    choice = await coen.expect("Wie moet dit bericht krijgen?")
    assert "Inwoners die Engels lezen (1)" in buttons_of(choice)
    assert "Inwoners die Nederlands lezen (2)" in buttons_of(choice)
    await coen.press(choice, "Inwoners die Nederlands lezen (2)")
    preview = await coen.expect(where=lambda e: "🕒 Later versturen" in buttons_of(e))
    await coen.press(preview, "🕒 Later versturen")
    when = await coen.expect("Wanneer moet het weg?")
    assert "morgen om 09:00" in buttons_of(when)
    await coen.say("zaterdag 14:30")
    confirm = await coen.expect("Wilt u het zaterdag 5 december om 14:30 versturen?")
    await coen.press(confirm, "✅ Ja, inplannen")
    planned = await coen.expect("Ingepland voor zaterdag 5 december om 14:30")
    assert "/geplande_berichten" in text_of(planned)
    await coen.say("/geplande_berichten")
    await coen.expect("zaterdag 5 december om 14:30")


async def test_short_privacy_text_with_the_details_one_tap_away(
    samen_any_on_clock: SamenBot, anna_any: Someone
) -> None:
    bot, anna = samen_any_on_clock, anna_any
    await anna.say("/start")
    languages = await anna.expect("Kies uw taal")
    # The tick is on the phone's language, which only Telegram tells Samen.
    await anna.press(languages, next(b for b in buttons_of(languages) if "Nederlands" in b))
    notice = await anna.expect("Uw privacy")
    short = text_of(notice)
    assert "Telegram-nummer" not in short and f"versie {PRIVACY_NOTICE_VERSION}" in short
    assert len(short) < 400
    assert buttons_of(notice) == ["✅ Ik ga akkoord", "Nee, liever niet", "📄 Meer lezen"]

    await anna.press(notice, "📄 Meer lezen")
    details = await anna.expect("Uw privacy: alles op een rij")
    # Each app's details say what Samen keeps of that app's account.
    if isinstance(anna, WhatsAppPerson):
        assert "Uw WhatsApp-account." in text_of(details)
        assert "alleen als u vraagt om gebeld te worden" in text_of(details)
    else:
        assert "Dit is niet uw telefoonnummer." in text_of(details)
    assert buttons_of(details) == ["✅ Ik ga akkoord", "Nee, liever niet"]
    await anna.press(details, "✅ Ik ga akkoord")
    await anna.expect("Dank u wel! Alles is klaar.")
    assert await bot.query("SELECT consent_version FROM residents") == [(PRIVACY_NOTICE_VERSION,)]

    await anna.say("/privacy")
    again = await anna.expect("Uw privacy")
    assert "U ging akkoord: vandaag om 10:00." in text_of(again)
    await anna.press(again, "📄 Meer lezen")
    await anna.expect("Uw privacy: alles op een rij")
