"""Start → language → introduction → privacy → consent → main menu, in both languages."""

from __future__ import annotations

from bot.emulator.client import EmulatorClient
from tests.e2e.harness import Person, SamenBot, buttons_of, keyboard_of, text_of


async def _tables_mentioning(samen: SamenBot, user_id: int) -> list[str]:
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
    return found


async def test_onboarding_in_dutch(samen: SamenBot, anna: Person) -> None:
    await anna.say("/start")
    choice = await anna.expect("Kies uw taal · Choose your language")
    assert buttons_of(choice) == ["✓ Nederlands", "English"]
    await anna.press(choice, "✓ Nederlands")
    await anna.expect("Welkom bij Samen!")
    notice = await anna.expect("Uw privacy")
    assert "versie 2" in notice["text"]
    assert buttons_of(notice) == ["✅ Ik ga akkoord", "Nee, liever niet", "📄 Meer lezen"]
    assert await _tables_mentioning(samen, anna.user_id) == []  # nothing before consent

    await anna.press(notice, "✅ Ik ga akkoord")
    done = await anna.expect("Dank u wel! Alles is klaar.")
    assert "📋 Mijn gegevens" in keyboard_of(done)
    rows = await samen.query(
        "SELECT language, consent_version, first_name, status FROM residents WHERE telegram_id = ?",
        (anna.user_id,),
    )
    assert rows == [("nl", 2, "Anna", "active")]

    await anna.say("/start")
    await anna.expect("Fijn dat u er weer bent!")


async def test_onboarding_in_english(samen: SamenBot, john: Person) -> None:
    await john.say("/start")
    choice = await john.expect("Choose your language")
    assert buttons_of(choice) == ["✓ English", "Nederlands"]
    await john.press(choice, "✓ English")
    await john.expect("Welcome to Samen!")
    notice = await john.expect("Your privacy")
    await john.press(notice, "✅ I agree")
    done = await john.expect("Thank you! Everything is ready.")
    assert {"📋 My data", "🌐 Language", "❓ Help"} <= set(keyboard_of(done))
    assert "🔒 Privacy" not in keyboard_of(done)
    assert await samen.query(
        "SELECT language FROM residents WHERE telegram_id = ?", (john.user_id,)
    ) == [("en",)]


async def test_dutch_phone_may_choose_english(samen: SamenBot, anna: Person) -> None:
    await anna.say("/start")
    choice = await anna.expect("Kies uw taal")
    await anna.press(choice, "English")
    notice = await anna.expect("Your privacy")
    await anna.press(notice, "✅ I agree")
    await anna.expect("Thank you!")
    assert await samen.query(
        "SELECT language FROM residents WHERE telegram_id = ?", (anna.user_id,)
    ) == [("en",)]


async def test_unknown_phone_language_gets_the_default(
    samen: SamenBot, client: EmulatorClient
) -> None:
    pierre = await Person(client, 700_000_003, "Pierre", "fr").join()
    await pierre.say("/start")
    choice = await pierre.expect("Choose your language")
    assert buttons_of(choice)[0] == "✓ Nederlands"


async def test_decline_then_agree_later(samen: SamenBot, john: Person) -> None:
    await john.say("/start")
    await john.press(await john.expect("Choose your language"), "✓ English")
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
    assert await _tables_mentioning(samen, john.user_id) == []

    # The bot stays useful and speaks the chosen language without storing anything.
    await john.tap("❓ Help")
    await john.expect("How Samen works")
    await john.say("/mydata")
    await john.expect("Samen stores nothing about you")
    assert await _tables_mentioning(samen, john.user_id) == []

    await john.tap("🔒 Privacy")
    again = await john.expect("Your privacy")
    await john.press(again, "✅ I agree")
    done = await john.expect("Thank you! Everything is ready.")
    assert "📋 My data" in keyboard_of(done)
    assert await samen.query(
        "SELECT count(*) FROM residents WHERE telegram_id = ?", (john.user_id,)
    ) == [(1,)]


async def test_restart_in_the_middle_of_onboarding(samen: SamenBot, anna: Person) -> None:
    await anna.say("/start")
    await anna.press(await anna.expect("Kies uw taal"), "✓ Nederlands")
    notice = await anna.expect("Uw privacy")
    await samen.restart()
    await anna.press(notice, "✅ Ik ga akkoord")
    await anna.expect("Dank u wel! Alles is klaar.")
    assert await samen.query(
        "SELECT count(*) FROM residents WHERE telegram_id = ?", (anna.user_id,)
    ) == [(1,)]


async def test_change_language_later(samen: SamenBot, anna: Person) -> None:
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
        "SELECT language FROM residents WHERE telegram_id = ?", (anna.user_id,)
    ) == [("en",)]


async def test_help_and_menu_commands(samen: SamenBot, anna: Person) -> None:
    await anna.say("/help")
    help_text = await anna.expect("Hoe Samen werkt")
    assert "/gegevens" in help_text["text"]
    await anna.say("/menu")
    menu = await anna.expect("Wat wilt u doen?")
    assert {"🔒 Privacy", "🌐 Taal", "❓ Hulp"} <= set(keyboard_of(menu))
    assert "📋 Mijn gegevens" not in keyboard_of(menu)
