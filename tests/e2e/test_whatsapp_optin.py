"""On WhatsApp Samen asks once, right after consent, whether it may write first."""

from __future__ import annotations

from bot.emulator.whatsapp import WhatsAppEmulatorClient
from tests.e2e.harness import SamenBot, buttons_of
from tests.e2e.test_mydata import agree
from tests.e2e.whatsapp_people import WhatsAppPerson

ANNA = "NL.13491208655302741918"


async def test_asked_once_after_consent_and_the_answer_kept(
    samen_both: SamenBot, wa_client: WhatsAppEmulatorClient
) -> None:
    anna = await WhatsAppPerson(wa_client, ANNA, "Anna").join()
    anna_id = await agree(samen_both, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.say("hallo")
    question = await anna.expect("Mag Samen u ook zelf een bericht sturen?")
    assert buttons_of(question) == ["✅ Ja, dat is goed", "Nee, liever niet"]
    await anna.press(question, "✅ Ja, dat is goed")
    await anna.expect("Samen mag u nu zelf een bericht sturen.")
    sql = "SELECT opted_in_at IS NOT NULL FROM whatsapp_people WHERE resident_id = ?"
    assert await samen_both.query(sql, (anna_id,)) == [(1,)]

    await anna.say("hallo")
    await anna.expect("Kies iets uit het menu")
    await anna.expect_silence()  # not asked again
    await anna.press(question, "Nee, liever niet")  # she changes her mind later
    await anna.expect("Samen antwoordt alleen als u zelf schrijft.")
    assert await samen_both.query(sql, (anna_id,)) == [(0,)]
