"""What Meta's webhook brings besides a person's messages: reactions, messages Meta
cannot pass on, a person moving to a new number. Each gets a sensible answer or a
deliberate silence, and loses nothing (Telegram's own: test_telegram_updates.py)."""

from __future__ import annotations

from bot.emulator.whatsapp import WhatsAppEmulatorClient
from tests.e2e.harness import SamenBot
from tests.e2e.test_mydata import agree
from tests.e2e.whatsapp_people import WhatsAppPerson

ANNA = "NL.13491208655302741918"


async def test_a_reaction_gets_no_answer(
    samen_both: SamenBot, wa_client: WhatsAppEmulatorClient
) -> None:
    """An emoji on Samen's message is no message: before, it got "I cannot look at
    photos or stickers"."""
    anna = await WhatsAppPerson(wa_client, ANNA, "Anna").join()
    await agree(samen_both, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await wa_client.react(ANNA, "❤")
    await anna.expect_silence(1.5)
    await anna.say("/help")
    await anna.expect("Hoe Samen werkt")


async def test_what_meta_cannot_pass_on_gets_the_kind_answer(
    samen_both: SamenBot, wa_client: WhatsAppEmulatorClient
) -> None:
    anna = await WhatsAppPerson(wa_client, ANNA, "Anna").join()
    await agree(samen_both, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await wa_client.send_unsupported(ANNA)
    await anna.expect("Gebruik de knoppen hieronder")


async def test_a_new_number_is_the_same_person(
    samen_both: SamenBot, wa_client: WhatsAppEmulatorClient
) -> None:
    """Meta's notice of the move is not answered; the next message, from the new
    number, is the same resident (Samen knows them by their BSUID)."""
    await wa_client.add_person(ANNA, "Anna", wa_id="31612345678")
    anna = WhatsAppPerson(wa_client, ANNA, "Anna")
    await agree(samen_both, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await wa_client.change_number(ANNA, "31687654321")
    await anna.expect_silence(1.5)
    await anna.say("/help")
    await anna.expect("Hoe Samen werkt")
    assert await samen_both.query("SELECT count(*) FROM residents") == [(1,)]
