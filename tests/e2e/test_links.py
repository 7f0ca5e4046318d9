"""One resident on two apps: a code from My data in one app, sent in the other, makes
one resident; Samen's own messages go to the app used last; unlinking, export and
erasure cover both. Runs on both emulators at once (``samen_both``)."""

from __future__ import annotations

import json
import re

from bot.clock import utc_now
from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.emulator.whatsapp import WhatsAppEmulatorClient
from bot.services import Services
from bot.services.outbox import NewRow, OutMessage
from tests.e2e.harness import Person, SamenBot, buttons_of, text_of
from tests.e2e.test_mydata import agree, all_rows_mentioning
from tests.e2e.whatsapp_people import WhatsAppPerson

ANNA_WA = "NL.77701234567890123456"
CODE = re.compile(r"/start ([A-Z0-9]{8})")


async def _code_from_my_data(person: Person | WhatsAppPerson, link_label: str) -> str:
    await person.say("/mydata")
    overview = await person.expect("Wat Samen over u bewaart")
    await person.press(overview, link_label)
    message = await person.expect("/start ")
    found = CODE.search(text_of(message))
    assert found is not None
    return found.group(1)


async def _samen_writes_first(samen: SamenBot, resident_id: int, text: str) -> None:
    db = await Database.open(samen.settings.database)
    try:
        outbox = Services.create(db, utc_now).outbox
        await outbox.enqueue(NewRow(resident_id, OutMessage(text), kind="reminder"))
    finally:
        await db.close()


async def test_telegram_resident_links_whatsapp_and_unlinks_it(
    samen_both: SamenBot, client: EmulatorClient, wa_client: WhatsAppEmulatorClient
) -> None:
    samen = samen_both
    anna = await Person(client, 700_000_001, "Anna", "nl").join()
    anna_id = await agree(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    code = await _code_from_my_data(anna, "🔗 Koppel WhatsApp")
    offer = text_of(
        await anna.client.wait_for(
            anna.user_id, after=0, predicate=lambda e: "wa.me" in (e.get("text") or "")
        )
    )
    assert f"https://wa.me/31201234567?text=/start%20{code}" in offer

    on_whatsapp = await WhatsAppPerson(wa_client, ANNA_WA, "Anna").join()
    await on_whatsapp.say(f"/start {code.lower()}")  # typed, in any case
    await on_whatsapp.expect("Gekoppeld! Welkom, Anna.")
    await on_whatsapp.expect("Mag Samen u ook zelf een bericht sturen?")  # Meta's opt-in
    sql = "SELECT resident_id FROM whatsapp_people WHERE bsuid = ?"
    assert await samen.query(sql, (ANNA_WA,)) == [(anna_id,)]
    assert await samen.query("SELECT count(*) FROM residents") == [(1,)]

    # Samen's own messages go to the app she used last: WhatsApp now, then Telegram.
    await _samen_writes_first(samen, anna_id, "Koffie om tien")
    await on_whatsapp.expect("Koffie om tien")
    await anna.say("/menu")
    await anna.expect("Wat wilt u doen?")
    await _samen_writes_first(samen, anna_id, "Thee om drie")
    await anna.expect("Thee om drie")

    await on_whatsapp.say("/mydata")
    overview = await on_whatsapp.expect("Wat Samen over u bewaart")
    assert f"Telegram-account (geen telefoonnummer): {anna_id}" in text_of(overview)
    assert "Gekoppeld: Telegram en WhatsApp" in text_of(overview)
    await on_whatsapp.press(overview, "🔗 Ontkoppel Telegram")
    await on_whatsapp.press(await on_whatsapp.expect("ontkoppelen?"), "🔗 Ja, ontkoppel")
    await on_whatsapp.expect("niet meer gekoppeld")
    assert await samen.query(sql, (ANNA_WA,)) != [(anna_id,)]
    await on_whatsapp.say("hallo")  # a stranger to Samen again
    await on_whatsapp.expect("Kies uw taal")
    await anna.say("/mydata")
    assert "Gekoppeld" not in text_of(await anna.expect("Wat Samen over u bewaart"))


async def test_whatsapp_resident_links_telegram_then_erases_both(
    samen_both: SamenBot, client: EmulatorClient, wa_client: WhatsAppEmulatorClient
) -> None:
    samen = samen_both
    on_whatsapp = await WhatsAppPerson(wa_client, ANNA_WA, "Anna").join()
    await agree(samen, on_whatsapp, "✓ Nederlands", "✅ Ik ga akkoord")
    code = await _code_from_my_data(on_whatsapp, "🔗 Koppel Telegram")

    anna = await Person(client, 700_000_001, "Anna", "nl").join()
    await anna.say(f"/start {code}")
    await anna.expect("Gekoppeld! Welkom, Anna.")
    # One resident, under her Telegram id: her WhatsApp account points at it.
    assert await samen.query("SELECT telegram_id, last_channel FROM residents") == [
        (anna.user_id, "telegram")
    ]
    sql = "SELECT resident_id FROM whatsapp_people WHERE bsuid = ?"
    assert await samen.query(sql, (ANNA_WA,)) == [(anna.user_id,)]

    await anna.say("/mydata")
    overview = await anna.expect("Wat Samen over u bewaart")
    await anna.press(overview, "📄 Stuur mij mijn gegevens")
    await anna.expect(where=lambda e: e.get("document") is not None)
    export = await anna.expect(where=lambda e: e.get("document") is not None)
    data = json.loads((await anna.document(export))[1])
    assert data["telegram_id"] == anna.user_id
    assert [row["bsuid"] for row in data["whatsapp_people"]] == [ANNA_WA]

    await anna.press(overview, "🗑 Alles wissen")
    await anna.press(await anna.expect("Weet u het zeker?"), "🗑 Ja, alles wissen")
    await anna.expect("Alles is gewist")
    assert await all_rows_mentioning(samen, ANNA_WA) == []
    assert await all_rows_mentioning(samen, str(anna.user_id)) == []


async def test_codes_that_do_not_link(
    samen_both: SamenBot, client: EmulatorClient, wa_client: WhatsAppEmulatorClient
) -> None:
    samen = samen_both
    anna = await Person(client, 700_000_001, "Anna", "nl").join()
    await agree(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    code = await _code_from_my_data(anna, "🔗 Koppel WhatsApp")
    await anna.say(f"/start {code}")
    await anna.expect("Stuur deze code in uw andere app, niet hier.")

    on_whatsapp = await WhatsAppPerson(wa_client, ANNA_WA, "Anna").join()
    await on_whatsapp.say("/start ABCDEFGH")
    await on_whatsapp.expect("Deze code werkt niet.")
    # Someone who agreed on WhatsApp too: two residents are never merged.
    await agree(samen, on_whatsapp, "✓ Nederlands", "✅ Ik ga akkoord")
    await on_whatsapp.say(f"/start {code}")
    await on_whatsapp.expect("U gebruikt Samen ook al in deze app.")
    assert await samen.query("SELECT count(*) FROM residents") == [(2,)]
    assert buttons_of(await _overview(on_whatsapp))[-2] == "🔗 Koppel Telegram"


async def _overview(person: WhatsAppPerson) -> dict[str, object]:
    await person.say("/mydata")
    return await person.expect("Wat Samen over u bewaart")


async def test_after_five_wrong_codes_samen_asks_to_wait_and_the_code_still_works_for_her(
    samen_both: SamenBot, client: EmulatorClient, wa_client: WhatsAppEmulatorClient
) -> None:
    samen = samen_both
    anna = await Person(client, 700_000_001, "Anna", "nl").join()
    anna_id = await agree(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    code = await _code_from_my_data(anna, "🔗 Koppel WhatsApp")

    guesser = await WhatsAppPerson(wa_client, "NL.99900000000000000001", "Gerrit").join()
    for wrong in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE"):
        await guesser.say(f"/start {wrong}")
        await guesser.expect("Deze code werkt niet.")
    await guesser.say(f"/start {code}")  # right, but not even looked at now
    await guesser.expect("Probeer het over 15 minuten opnieuw")
    assert await samen.query(
        "SELECT count(*) FROM whatsapp_people WHERE resident_id = ?", (anna_id,)
    ) == [(0,)]

    on_whatsapp = await WhatsAppPerson(wa_client, ANNA_WA, "Anna").join()
    await on_whatsapp.say(f"/start {code}")
    await on_whatsapp.expect("Gekoppeld! Welkom, Anna.")
    sql = "SELECT resident_id FROM whatsapp_people WHERE bsuid = ?"
    assert await samen.query(sql, (ANNA_WA,)) == [(anna_id,)]
