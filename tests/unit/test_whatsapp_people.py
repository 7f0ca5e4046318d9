"""WhatsApp people: ids that never meet Telegram's, the 24-hour window, opt-in, dedupe."""

from __future__ import annotations

import pytest

from bot.channels.whatsapp.people import WhatsAppPeople
from bot.db import Database
from bot.person_ids import WHATSAPP_ID_CEILING, Channel, channel_of, whatsapp_id
from bot.services import Services
from tests.conftest import FakeClock

ANNA, BEN = "NL.13491208655302741918", "NL.99999999999999999999"
# The largest ids Telegram can hand out (52 significant bits), users and chats.
TELEGRAM_EXTREMES = (2**52 - 1, -(2**52 - 1), -1001234567890)


def test_whatsapp_ids_are_below_every_telegram_id() -> None:
    assert [whatsapp_id(1), whatsapp_id(2)] == [WHATSAPP_ID_CEILING - 1, WHATSAPP_ID_CEILING - 2]
    assert all(channel_of(i) is Channel.TELEGRAM for i in TELEGRAM_EXTREMES)
    assert channel_of(whatsapp_id(1)) is Channel.WHATSAPP
    with pytest.raises(ValueError):
        whatsapp_id(0)


async def test_a_bsuid_keeps_its_id_and_ids_are_never_reused(
    db: Database, clock: FakeClock, services: Services
) -> None:
    people = WhatsAppPeople(db, clock)
    anna = await people.person_for(ANNA)
    assert await people.person_for(ANNA, "31612345678") == anna
    assert await people.phone_of(anna) == "+31612345678"
    await services.privacy.erase(anna)  # the mapping goes with the person
    assert await people.bsuid_of(anna) is None
    ben = await people.person_for(BEN)
    again = await people.person_for(ANNA)
    assert len({anna, ben, again}) == 3 and channel_of(again) is Channel.WHATSAPP


async def test_window_and_opt_in(db: Database, clock: FakeClock, services: Services) -> None:
    people = WhatsAppPeople(db, clock)
    anna = await people.person_for(ANNA)
    await services.residents.give_consent(anna, "Anna", "en")
    assert (await people.reach([anna]))[anna].window_open is False
    await people.heard_from(anna)
    clock.advance(hours=23, minutes=59)
    reach = (await people.reach([anna, 12345]))[anna]
    assert (reach.window_open, reach.opted_in, reach.language, reach.bsuid) == (
        True,
        False,
        "en",
        ANNA,
    )
    clock.advance(minutes=2)
    await people.set_opt_in(anna, True)
    reach = (await people.reach([anna]))[anna]
    assert (reach.window_open, reach.opted_in) == (False, True)
    await people.set_opt_in(anna, False)
    assert (await people.reach([anna]))[anna].opted_in is False


async def test_a_message_id_is_handled_once_and_forgotten_after_a_week(
    db: Database, clock: FakeClock
) -> None:
    people = WhatsAppPeople(db, clock)
    assert await people.first_sight("wamid.1") is True
    assert await people.first_sight("wamid.1") is False
    clock.advance(days=8)
    await people.first_sight("wamid.2")  # forgets what is older than a week
    assert await db.fetchall("SELECT message_id FROM whatsapp_inbound") != []
    assert await people.first_sight("wamid.1") is True


async def test_opt_in_is_asked_once_and_only_after_consent(
    db: Database, clock: FakeClock, services: Services
) -> None:
    people = WhatsAppPeople(db, clock)
    anna = await people.person_for(ANNA)
    assert await people.opt_in_to_ask(anna) is False  # no consent yet: nothing to ask
    await services.residents.give_consent(anna, "Anna", "nl")
    assert await people.opt_in_to_ask(anna) is True
    assert await people.opt_in_to_ask(anna) is False
    await people.set_opt_in(anna, True)
    assert (await people.reach([anna]))[anna].opted_in is True
