"""A WhatsApp person Meta cannot deliver to is unreachable until they write again,
as a Telegram person who blocks the bot is."""

from __future__ import annotations

import asyncio

from bot.clock import utc_now
from bot.db import Database
from bot.emulator.whatsapp import WhatsAppEmulatorClient
from bot.services import Services
from bot.services.outbox import NewRow, OutMessage
from tests.e2e.harness import SamenBot
from tests.e2e.test_mydata import agree
from tests.e2e.whatsapp_people import WhatsAppPerson

ANNA = "NL.13491208655302741918"


async def status_of(samen: SamenBot, resident_id: int) -> str:
    rows = await samen.query("SELECT status FROM residents WHERE telegram_id = ?", (resident_id,))
    return str(rows[0][0])


async def test_blocked_is_unreachable_until_they_write_again(
    samen_both: SamenBot, wa_client: WhatsAppEmulatorClient
) -> None:
    anna = await WhatsAppPerson(wa_client, ANNA, "Anna").join()
    anna_id = await agree(samen_both, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await wa_client.block(ANNA)
    db = await Database.open(samen_both.settings.database)
    try:
        outbox = Services.create(db, utc_now).outbox
        await outbox.enqueue(NewRow(anna_id, OutMessage("Koffie om tien"), kind="reminder"))
    finally:
        await db.close()
    async with asyncio.timeout(10):
        while await status_of(samen_both, anna_id) != "unreachable":  # noqa: ASYNC110 (polls the database)
            await asyncio.sleep(0.1)
    assert await samen_both.query(
        "SELECT status, delivery, error FROM outbox WHERE recipient_id = ?", (anna_id,)
    ) == [("failed", "failed", "whatsapp 131026")]

    await wa_client.block(ANNA, blocked=False)
    await anna.say("hallo")
    await anna.expect()
    assert await status_of(samen_both, anna_id) == "active"
