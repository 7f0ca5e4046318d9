"""The outbox per channel, and WhatsApp's statuses on its rows."""

from __future__ import annotations

import pytest

from bot.person_ids import Channel, whatsapp_id
from bot.services import Services
from bot.services.outbox import NewRow, Outcome, OutMessage, Result

TELEGRAM_PERSON = 4242


async def test_each_channel_claims_only_its_own_people(services: Services) -> None:
    outbox = services.outbox
    for person in (TELEGRAM_PERSON, whatsapp_id(1)):
        await outbox.enqueue(NewRow(person, OutMessage("hi"), kind="reminder"))
    (telegram,) = await outbox.claim_due(10)
    (whatsapp,) = await outbox.claim_due(10, Channel.WHATSAPP)
    assert (telegram.recipient_id, whatsapp.recipient_id) == (TELEGRAM_PERSON, whatsapp_id(1))


async def test_statuses_move_forward_only_and_a_late_failure_counts_as_not_sent(
    services: Services,
) -> None:
    outbox = services.outbox
    await outbox.enqueue(NewRow(whatsapp_id(1), OutMessage("hi"), kind="broadcast", ref="b"))
    (row,) = await outbox.claim_due(10, Channel.WHATSAPP)
    await outbox.record([Result(row.id, Outcome.SENT, channel_message_id="wamid.1")])
    assert await outbox.record_delivery("wamid.1", "read") == whatsapp_id(1)
    assert await outbox.record_delivery("wamid.1", "delivered") is None  # late: no step back
    assert await outbox.record_delivery("wamid.unknown", "sent") is None
    assert await outbox.counts("b") == {"sent": 1}
    assert await outbox.record_delivery("wamid.1", "failed", "whatsapp 131047") == whatsapp_id(1)
    assert await outbox.counts("b") == {"failed": 1}
    with pytest.raises(ValueError):
        await outbox.record_delivery("wamid.1", "exploded")
