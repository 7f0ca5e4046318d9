"""My data on every channel, from one test body: see, export, stop messages, erase.

Telegram agrees through onboarding. WhatsApp: onboarding is not on the conversation
layer yet, so a first message gets the apology and the menu, and consent is recorded
as onboarding records it (``Residents.give_consent``); the rest is the same journey.
"""

from __future__ import annotations

import json

from bot.clock import utc_now
from bot.db import Database
from bot.services import Services
from tests.e2e.harness import Person, SamenBot, buttons_of, keyboard_of, text_of
from tests.e2e.test_mydata import all_rows_mentioning, onboard
from tests.e2e.whatsapp_people import WhatsAppPerson

Someone = Person | WhatsAppPerson


async def person_id(samen: SamenBot, person: Someone) -> int:
    if isinstance(person, Person):
        return person.user_id
    rows = await samen.query(
        "SELECT resident_id FROM whatsapp_people WHERE bsuid = ?", (person.bsuid,)
    )
    assert rows, "Samen has not heard from them yet"
    return int(rows[0][0])


async def agree(samen: SamenBot, person: Someone) -> int:
    """Anna agrees to the privacy notice, in Dutch; returns her id in Samen."""
    if isinstance(person, Person):
        await onboard(person, "✓ Nederlands", "✅ Ik ga akkoord")
        return person.user_id
    await person.say("hallo")
    apology = await person.expect("Kies iets uit het menu")
    assert keyboard_of(apology) == ["🔎 Activiteiten", "🔒 Privacy", "🌐 Taal", "❓ Hulp"]
    resident_id = await person_id(samen, person)
    db = await Database.open(samen.settings.database)
    try:
        await Services.create(db, utc_now).residents.give_consent(resident_id, "Anna", "nl")
    finally:
        await db.close()
    return resident_id


async def test_see_export_stop_and_erase_on_every_channel(
    samen_both: SamenBot, anna_on: Someone
) -> None:
    anna, samen = anna_on, samen_both
    anna_id = await agree(samen, anna)
    await anna.tap("📋 Mijn gegevens")
    overview = await anna.expect("Wat Samen over u bewaart")
    assert "Voornaam: Anna" in text_of(overview)
    account = {"telegram": "Telegram-account", "whatsapp": "Samen voor u op WhatsApp"}
    assert f"{account[anna.channel]} (geen telefoonnummer): {anna_id}" in text_of(overview)
    assert "Berichten van Samen: aan" in text_of(overview)
    assert buttons_of(overview) == [
        "📄 Stuur mij mijn gegevens",
        "🔕 Stop alle berichten",
        "📍 Geef mijn postcode",
        "🗑 Alles wissen",
    ]

    await anna.press(overview, "📄 Stuur mij mijn gegevens")
    text_name, _text = await anna.document(await anna.expect(where=lambda e: "document" in e))
    json_name, content = await anna.document(await anna.expect(where=lambda e: "document" in e))
    assert (text_name, json_name) == ("samen-mijn-gegevens.txt", "samen-my-data.json")
    assert json.loads(content)["residents"][0]["first_name"] == "Anna"

    await anna.press(overview, "🔕 Stop alle berichten")
    question = await anna.expect("Alle berichten stoppen?")
    assert buttons_of(question) == ["🔕 Ja, stop alle berichten", "↩️ Nee, berichten houden"]
    await anna.press(question, "🔕 Ja, stop alle berichten")
    await anna.expect_toast("Berichten gestopt")
    stopped = await anna.expect("Berichten van Samen: gestopt")
    assert await samen.query("SELECT status FROM residents WHERE telegram_id = ?", (anna_id,)) == [
        ("stopped",)
    ]

    await anna.press(stopped, "🗑 Alles wissen")
    await anna.press(await anna.expect("Weet u het zeker?"), "🗑 Ja, alles wissen")
    farewell = await anna.expect("Alles is gewist.")
    assert "🔒 Privacy" in keyboard_of(farewell)
    await samen.stop()
    assert await all_rows_mentioning(samen, str(anna_id)) == []
    assert await all_rows_mentioning(samen, "Anna") == []


async def test_a_typed_postcode_answers_the_open_question_on_every_channel(
    samen_both: SamenBot, anna_on: Someone
) -> None:
    anna, samen = anna_on, samen_both
    anna_id = await agree(samen, anna)
    await anna.tap("📋 Mijn gegevens")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "📍 Geef mijn postcode")
    await anna.expect("Typ de 4 cijfers van uw postcode")
    await anna.say("2101")
    await anna.expect("2101")
    assert await samen.query(
        "SELECT postcode_area FROM residents WHERE telegram_id = ?", (anna_id,)
    ) == [("2101",)]
