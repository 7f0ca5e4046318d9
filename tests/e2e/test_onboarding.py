"""Start → language → introduction → privacy → consent → main menu, in both languages.

Onboarding is on the conversation layer: every test runs on Telegram (polling, webhook)
and on WhatsApp (``samen_any``). On WhatsApp nobody sends /start: the first message,
whatever it says, starts onboarding, and after consent Samen asks once whether it may
write first (Meta's explicit opt-in). Telegram tells Samen the phone's language;
WhatsApp does not, so there the default language is the one suggested.
"""

from __future__ import annotations

from bot.emulator.client import EmulatorClient
from bot.emulator.whatsapp import WhatsAppEmulatorClient
from bot.services.residents import PRIVACY_NOTICE_VERSION
from tests.e2e.either import Someone, english
from tests.e2e.harness import Person, SamenBot, buttons_of, keyboard_of, samen_id, text_of
from tests.e2e.whatsapp_people import WhatsAppPerson


async def _tables_mentioning(samen: SamenBot, person: Someone) -> list[str]:
    """Tables that hold anything about the person. On WhatsApp the row that names the
    account (its id, the 24-hour window) exists from the first message: it is how
    Samen answers at all; it is the only one."""
    user_id = await samen_id(samen, person)
    assert user_id is not None
    tables = [
        r[0]
        for r in await samen.query(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    found = []
    for table in tables:
        columns = [r[1] for r in await samen.query(f"PRAGMA table_info({table})")]
        where = " OR ".join(f"CAST({c} AS TEXT) LIKE ?" for c in columns)
        rows = await samen.query(
            f"SELECT 1 FROM {table} WHERE {where}", tuple([f"%{user_id}%"] * len(columns))
        )
        found += [table] * len(rows)
    return [table for table in found if table != "whatsapp_people"]


async def test_onboarding_in_dutch(samen_any: SamenBot, anna_any: Someone) -> None:
    samen, anna = samen_any, anna_any
    await anna.say("/start")
    choice = await anna.expect("Kies uw taal · Choose your language")
    assert buttons_of(choice) == ["✓ Nederlands", "English"]
    await anna.press(choice, "✓ Nederlands")
    await anna.expect("Welkom bij Samen!")
    notice = await anna.expect("Uw privacy")
    assert f"versie {PRIVACY_NOTICE_VERSION}" in text_of(notice)
    assert buttons_of(notice) == ["✅ Ik ga akkoord", "Nee, liever niet", "📄 Meer lezen"]
    assert await _tables_mentioning(samen, anna) == []  # nothing before consent

    await anna.press(notice, "✅ Ik ga akkoord")
    done = await anna.expect("Dank u wel! Alles is klaar.")
    assert "📋 Mijn gegevens" in keyboard_of(done)
    rows = await samen.query(
        "SELECT language, consent_version, first_name, status FROM residents WHERE telegram_id = ?",
        (await samen_id(samen, anna),),
    )
    assert rows == [("nl", PRIVACY_NOTICE_VERSION, "Anna", "active")]

    await anna.say("/start")
    await anna.expect("Fijn dat u er weer bent!")


async def test_onboarding_in_english(samen_any: SamenBot, john_any: Someone) -> None:
    samen, john = samen_any, john_any
    await john.say("/start")
    choice = await john.expect("Choose your language")
    # Telegram says the phone speaks English; WhatsApp says nothing: the default.
    suggested = {"telegram": ["✓ English", "Nederlands"], "whatsapp": ["✓ Nederlands", "English"]}
    assert buttons_of(choice) == suggested[john.channel]
    await john.press(choice, english(john))
    await john.expect("Welcome to Samen!")
    notice = await john.expect("Your privacy")
    await john.press(notice, "✅ I agree")
    done = await john.expect("Thank you! Everything is ready.")
    assert {"📋 My data", "🌐 Language", "❓ Help"} <= set(keyboard_of(done))
    assert "🔒 Privacy" not in keyboard_of(done)
    assert await samen.query(
        "SELECT language FROM residents WHERE telegram_id = ?", (await samen_id(samen, john),)
    ) == [("en",)]


async def test_dutch_phone_may_choose_english(samen_any: SamenBot, anna_any: Someone) -> None:
    samen, anna = samen_any, anna_any
    await anna.say("/start")
    choice = await anna.expect("Kies uw taal")
    await anna.press(choice, "English")
    notice = await anna.expect("Your privacy")
    await anna.press(notice, "✅ I agree")
    await anna.expect("Thank you!")
    assert await samen.query(
        "SELECT language FROM residents WHERE telegram_id = ?", (await samen_id(samen, anna),)
    ) == [("en",)]


async def test_unknown_phone_language_gets_the_default(
    samen: SamenBot, client: EmulatorClient
) -> None:
    """Telegram only: it tells Samen the phone's language (WhatsApp never does, so there
    every onboarding suggests the default, as test_onboarding_in_english shows)."""
    pierre = await Person(client, 700_000_003, "Pierre", "fr").join()
    await pierre.say("/start")
    choice = await pierre.expect("Choose your language")
    assert buttons_of(choice)[0] == "✓ Nederlands"


async def test_decline_then_agree_later(samen_any: SamenBot, john_any: Someone) -> None:
    samen, john = samen_any, john_any
    await john.say("/start")
    await john.press(await john.expect("Choose your language"), english(john))
    notice = await john.expect("Your privacy")
    await john.press(notice, "No, thank you")
    declined = await john.expect("Samen has stored nothing about you")
    # A way to a person needs no consent: the social work desk, 113 and 112.
    help_lines = text_of(declined)
    assert "Who can help right now" in help_lines
    assert "0800-0113" in help_lines and "call 112" in help_lines
    assert "WIJ Heemstede (social work): 023 205 08 89" in help_lines
    assert {"🔒 Privacy", "🌐 Language", "❓ Help"} <= set(keyboard_of(declined))
    assert "📋 My data" not in keyboard_of(declined)  # the menu shows only what works
    assert await _tables_mentioning(samen, john) == []

    # The bot stays useful and speaks the chosen language without storing anything.
    await john.tap("❓ Help")
    await john.expect("How Samen works")
    await john.say("/mydata")
    await john.expect("Samen stores nothing about you")
    assert await _tables_mentioning(samen, john) == []

    await john.tap("🔒 Privacy")
    again = await john.expect("Your privacy")
    await john.press(again, "✅ I agree")
    done = await john.expect("Thank you! Everything is ready.")
    assert "📋 My data" in keyboard_of(done)
    assert await samen.query(
        "SELECT count(*) FROM residents WHERE telegram_id = ?", (await samen_id(samen, john),)
    ) == [(1,)]


async def test_restart_in_the_middle_of_onboarding(samen_any: SamenBot, anna_any: Someone) -> None:
    samen, anna = samen_any, anna_any
    await anna.say("/start")
    await anna.press(await anna.expect("Kies uw taal"), "✓ Nederlands")
    notice = await anna.expect("Uw privacy")
    await samen.restart()
    await anna.press(notice, "✅ Ik ga akkoord")
    await anna.expect("Dank u wel! Alles is klaar.")
    assert await samen.query(
        "SELECT count(*) FROM residents WHERE telegram_id = ?", (await samen_id(samen, anna),)
    ) == [(1,)]


async def test_change_language_later(samen_any: SamenBot, anna_any: Someone) -> None:
    samen, anna = samen_any, anna_any
    await anna.say("/start")
    await anna.press(await anna.expect("Kies uw taal"), "✓ Nederlands")
    await anna.press(await anna.expect("Uw privacy"), "✅ Ik ga akkoord")
    await anna.expect("Alles is klaar")
    await anna.tap("🌐 Taal")
    choice = await anna.expect("Welke taal wilt u?")
    await anna.press(choice, "English")
    changed = await anna.expect("I will write in English from now on")
    assert "📋 My data" in keyboard_of(changed)
    assert await samen.query(
        "SELECT language FROM residents WHERE telegram_id = ?", (await samen_id(samen, anna),)
    ) == [("en",)]


async def test_help_and_menu_commands(samen_any: SamenBot, anna_any: Someone) -> None:
    anna = anna_any
    await anna.say("/help")
    help_text = await anna.expect("Hoe Samen werkt")
    assert "/gegevens" in text_of(help_text)
    await anna.say("/menu")
    menu = await anna.expect("Wat wilt u doen?")
    assert {"🔒 Privacy", "🌐 Taal", "❓ Hulp"} <= set(keyboard_of(menu))
    assert "📋 Mijn gegevens" not in keyboard_of(menu)


async def test_first_message_on_whatsapp_starts_onboarding(
    samen_both: SamenBot, wa_client: WhatsAppEmulatorClient
) -> None:
    """Nobody sends /start on WhatsApp: "Hallo" gets the language question; the details
    say what WhatsApp shows Samen; after consent the explicit opt-in, asked once."""
    anna = await WhatsAppPerson(wa_client, "NL.55501234567890123456", "Anna").join()
    await anna.say("Hallo")
    choice = await anna.expect("Kies uw taal · Choose your language")
    await anna.say("hallo?")  # no language yet: asked again, not the menu
    choice = await anna.expect("Kies uw taal")
    await anna.press(choice, "✓ Nederlands")
    notice = await anna.expect("Uw privacy")
    await anna.press(notice, "📄 Meer lezen")
    details = await anna.expect("Uw privacy: alles op een rij")
    assert "Uw WhatsApp-account" in text_of(details) and "Telegram" not in text_of(details)
    await anna.press(details, "✅ Ik ga akkoord")
    await anna.expect("Dank u wel! Alles is klaar.")
    question = await anna.expect("Mag Samen u ook zelf een bericht sturen?")
    await anna.press(question, "✅ Ja, dat is goed")
    await anna.expect("Samen mag u nu zelf een bericht sturen.")
    sql = "SELECT opted_in_at IS NOT NULL, r.first_name FROM whatsapp_people w"
    sql += " JOIN residents r ON r.telegram_id = w.resident_id WHERE bsuid = ?"
    assert await samen_both.query(sql, (anna.bsuid,)) == [(1, "Anna")]
    await anna.say("/start")
    await anna.expect("Fijn dat u er weer bent!")
    await anna.expect_silence()  # the opt-in is not asked again


async def test_crisis_words_as_the_first_message_get_help_first(
    samen_both: SamenBot, wa_client: WhatsAppEmulatorClient
) -> None:
    john = await WhatsAppPerson(wa_client, "NL.55507654321098765432", "John").join()
    await john.say("ik wil niet meer leven")
    help_first = await john.expect()
    assert "113" in text_of(help_first) and "0800-0113" in text_of(help_first)
    await john.expect("Kies uw taal · Choose your language")
    assert await _tables_mentioning(samen_both, john) == []
