"""My data: see, export, stop and start messages, delete everything (and really gone)."""

from __future__ import annotations

import json

from bot.emulator.client import EmulatorClient
from tests.e2e.harness import Person, SamenBot, buttons_of, keyboard_of, text_of


async def onboard(person: Person, language_button: str, agree_button: str) -> None:
    await person.say("/start")
    await person.press(await person.expect(), language_button)
    notice = await person.expect(where=lambda e: bool(buttons_of(e)))
    await person.press(notice, agree_button)
    await person.expect(where=lambda e: bool(keyboard_of(e)))


async def all_rows_mentioning(samen: SamenBot, needle: str) -> list[tuple[str, tuple[object, ...]]]:
    """Every row in every table with the needle in any column (the erasure proof)."""
    tables = [
        r[0]
        for r in await samen.query(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    hits: list[tuple[str, tuple[object, ...]]] = []
    for table in tables:
        columns = [r[1] for r in await samen.query(f"PRAGMA table_info({table})")]
        where = " OR ".join(f"CAST({c} AS TEXT) LIKE ?" for c in columns)
        rows = await samen.query(
            f"SELECT * FROM {table} WHERE {where}", tuple([f"%{needle}%"] * len(columns))
        )
        hits += [(table, row) for row in rows]
    return hits


async def test_see_export_stop_and_erase(
    samen: SamenBot, anna: Person, client: EmulatorClient
) -> None:
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("📋 Mijn gegevens")
    overview = await anna.expect("Wat Samen over u bewaart")
    assert "Voornaam: Anna" in overview["text"]
    assert f"Telegram-nummer: {anna.user_id}" in overview["text"]
    assert "Berichten van Samen: aan" in overview["text"]
    assert buttons_of(overview) == [
        "📄 Stuur mij mijn gegevens",
        "🔕 Stop alle berichten",
        "📍 Geef mijn postcode",
        "🗑 Alles wissen",
    ]

    await anna.press(overview, "📄 Stuur mij mijn gegevens")
    export = await anna.expect(where=lambda e: e.get("document") is not None)
    document = export.get("document") or {}
    assert document["file_name"] == "samen-my-data.json"
    data = json.loads(await client.download(document["file_id"]))
    assert data["telegram_id"] == anna.user_id
    assert data["residents"][0]["first_name"] == "Anna"
    assert data["residents"][0]["consent_version"] == 1

    await anna.press(overview, "🔕 Stop alle berichten")
    await anna.expect_toast("Berichten gestopt")
    stopped = await anna.expect("Berichten van Samen: gestopt")
    assert "🔔 Weer berichten krijgen" in buttons_of(stopped)
    assert await samen.query(
        "SELECT status FROM residents WHERE telegram_id = ?", (anna.user_id,)
    ) == [("stopped",)]
    await anna.press(stopped, "🔔 Weer berichten krijgen")
    await anna.expect("Berichten van Samen: aan")

    await anna.press(stopped, "🗑 Alles wissen")
    question = await anna.expect("Weet u het zeker?")
    await anna.press(question, "🗑 Ja, alles wissen")
    farewell = await anna.expect("Alles is gewist.")
    assert "🔒 Privacy" in keyboard_of(farewell)

    await samen.stop()  # flush everything PTB still holds in memory, then look
    assert await all_rows_mentioning(samen, str(anna.user_id)) == []
    assert await all_rows_mentioning(samen, "Anna") == []
    counts = await samen.query("SELECT metric, count FROM daily_counts ORDER BY metric")
    assert counts == [("residents_erased", 1), ("residents_joined", 1)]


async def test_keep_my_data_and_stale_confirmation(samen: SamenBot, john: Person) -> None:
    await onboard(john, "✓ English", "✅ I agree")
    await john.say("/mydata")
    overview = await john.expect("What Samen stores about you")
    await john.press(overview, "🗑 Delete everything")
    question = await john.expect("Are you sure?")
    await john.press(question, "↩️ No, keep my data")
    await john.expect("Good, nothing was deleted.")

    # The old "yes" button is gone; a client that sends its data anyway is refused.
    message_id = question.get("message_id")
    assert message_id is not None
    await john.client.press(john.user_id, message_id, callback_data="erase:yes", forge=True)
    await john.expect_toast("This button no longer works.")
    await john.expect("That button no longer works. Here is the menu.")
    assert await samen.query(
        "SELECT count(*) FROM residents WHERE telegram_id = ?", (john.user_id,)
    ) == [(1,)]


async def test_restart_while_asked_to_confirm_erasure(samen: SamenBot, john: Person) -> None:
    await onboard(john, "✓ English", "✅ I agree")
    await john.say("/mydata")
    await john.press(await john.expect("What Samen stores"), "🗑 Delete everything")
    question = await john.expect("Are you sure?")
    await samen.restart()
    await john.press(question, "🗑 Yes, delete everything")
    await john.expect("Everything is deleted.")
    assert await samen.query(
        "SELECT count(*) FROM residents WHERE telegram_id = ?", (john.user_id,)
    ) == [(0,)]


async def test_start_again_after_erasure(samen: SamenBot, john: Person) -> None:
    await onboard(john, "✓ English", "✅ I agree")
    await john.say("/mydata")
    await john.press(await john.expect("What Samen stores"), "🗑 Delete everything")
    await john.press(await john.expect("Are you sure?"), "🗑 Yes, delete everything")
    await john.expect("Everything is deleted.")
    await john.say("/start")
    choice = await john.expect("Choose your language")
    assert "✓ English" in buttons_of(choice)
    assert "Welcome back" not in text_of(choice)


async def test_blocking_the_bot_marks_unreachable(
    samen: SamenBot, john: Person, client: EmulatorClient
) -> None:
    await onboard(john, "✓ English", "✅ I agree")
    await client.block(john.user_id)
    for _ in range(50):
        rows = await samen.query(
            "SELECT status FROM residents WHERE telegram_id = ?", (john.user_id,)
        )
        if rows == [("unreachable",)]:
            break
        await john.expect_silence(0.1)
    assert rows == [("unreachable",)]
    await client.unblock(john.user_id)
    await john.say("/menu")
    await john.expect("What would you like to do?")
    assert await samen.query(
        "SELECT status FROM residents WHERE telegram_id = ?", (john.user_id,)
    ) == [("active",)]


async def test_a_question_left_open_does_not_catch_later_messages(
    samen: SamenBot, anna: Person
) -> None:
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.say("/mydata")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "📍 Geef mijn postcode")
    await anna.expect("Typ de 4 cijfers van uw postcode")
    # She moves on with the menu instead of answering.
    await anna.tap("❓ Hulp")
    await anna.expect("Hoe Samen werkt")
    await anna.say("hallo")
    await anna.expect("Fijn dat u schrijft")  # a greeting, not "that is not a postcode"
    await anna.tap("📞 Bel mij")
    await anna.expect("Op welk nummer kunnen we u bellen?")
    assert await samen.query(
        "SELECT postcode_area FROM residents WHERE telegram_id = ?", (anna.user_id,)
    ) == [(None,)]
