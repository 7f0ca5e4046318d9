"""On WhatsApp Samen asks once, right after consent, whether it may write first
(onboarding is the real journey: the question follows "Everything is ready")."""

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
    anna_id = await agree(samen_both, anna, "✓ Nederlands", "✅ Ik ga akkoord", opt_in=None)
    question = await anna.expect("Mag Samen u ook zelf een bericht sturen?")
    assert buttons_of(question) == ["✅ Ja, dat is goed", "Nee, liever niet"]
    await anna.press(question, "✅ Ja, dat is goed")
    await anna.expect("Samen mag u nu zelf een bericht sturen.")
    sql = "SELECT opted_in_at IS NOT NULL FROM whatsapp_people WHERE resident_id = ?"
    assert await samen_both.query(sql, (anna_id,)) == [(1,)]

    await anna.say("hallo")
    await anna.expect("Fijn dat u schrijft")  # what typed words mean, on WhatsApp too
    await anna.expect_silence()  # not asked again
    await anna.press(question, "Nee, liever niet")  # she changes her mind later
    await anna.expect("Samen antwoordt alleen als u zelf schrijft.")
    assert await samen_both.query(sql, (anna_id,)) == [(0,)]


async def test_typing_ja_or_nee_where_buttons_are_shown_counts_as_a_tap(
    samen_both: SamenBot, wa_client: WhatsAppEmulatorClient
) -> None:
    anna = await WhatsAppPerson(wa_client, ANNA, "Anna").join()
    anna_id = await agree(samen_both, anna, "✓ Nederlands", "✅ Ik ga akkoord", opt_in=None)
    await anna.expect("Mag Samen u ook zelf een bericht sturen?")
    await anna.say("ja")  # the opt-in's "✅ Ja, dat is goed"
    await anna.expect("Samen mag u nu zelf een bericht sturen.")
    sql = "SELECT opted_in_at IS NOT NULL FROM whatsapp_people WHERE resident_id = ?"
    assert await samen_both.query(sql, (anna_id,)) == [(1,)]

    await anna.say("/mydata")
    overview = await anna.expect("Wat Samen over u bewaart")
    await anna.press(overview, "🔕 Stop alle berichten")
    await anna.expect("Alle berichten stoppen?")
    await anna.say("nee")  # "↩️ Nee, berichten houden"
    await anna.expect("Goed, uw berichten blijven aan.")
    status = "SELECT status FROM residents WHERE telegram_id = ?"
    assert await samen_both.query(status, (anna_id,)) == [("active",)]
