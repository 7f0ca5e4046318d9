"""Linking a resident's two apps: one-time codes, one resident id, never a merge."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.whatsapp.people import WhatsAppPeople
from bot.db import Database
from bot.person_ids import Channel
from bot.services import Services
from bot.services.links import ALPHABET, MAX_WRONG_CODES, LinkResult, WrongCodes
from bot.services.outbox import NewRow, OutMessage
from tests.conftest import FakeClock

TELEGRAM = 700_000_001


async def _whatsapp_person(db: Database, clock: FakeClock, bsuid: str = "NL.1") -> int:
    return await WhatsAppPeople(db, clock).person_for(bsuid)


async def test_a_code_from_telegram_points_whatsapp_at_the_resident(
    db: Database, clock: FakeClock, services: Services
) -> None:
    await services.residents.give_consent(TELEGRAM, "Anna", "nl")
    code, until = await services.links.new_code(TELEGRAM)
    assert until == clock() + timedelta(minutes=15)
    whatsapp = await _whatsapp_person(db, clock)
    assert await services.links.redeem(code.lower(), whatsapp) == (LinkResult.LINKED, TELEGRAM)
    assert await services.links.linked(TELEGRAM)
    assert await WhatsAppPeople(db, clock).resident_of("NL.1") == TELEGRAM
    resident = await services.residents.get(TELEGRAM)
    assert resident is not None and resident.last_channel == "whatsapp"
    # Single use.
    other = await _whatsapp_person(db, clock, "NL.2")
    assert (await services.links.redeem(code, other))[0] is LinkResult.UNKNOWN


async def test_a_code_from_whatsapp_moves_the_resident_to_the_telegram_id(
    db: Database, clock: FakeClock, services: Services
) -> None:
    whatsapp = await _whatsapp_person(db, clock)
    await services.residents.give_consent(whatsapp, "Anna", "nl")
    await services.outbox.enqueue(NewRow(whatsapp, OutMessage("hallo"), kind="reminder"))
    code, _ = await services.links.new_code(whatsapp)
    assert await services.links.redeem(code, TELEGRAM) == (LinkResult.LINKED, TELEGRAM)
    assert await services.residents.get(whatsapp) is None
    resident = await services.residents.get(TELEGRAM)
    assert resident is not None and resident.last_channel == "telegram"
    rows = await db.fetchall("SELECT recipient_id FROM outbox")
    assert [r[0] for r in rows] == [TELEGRAM]
    assert await db.fetchall("SELECT * FROM link_codes") == []


async def test_codes_that_do_not_link(db: Database, clock: FakeClock, services: Services) -> None:
    await services.residents.give_consent(TELEGRAM, "Anna", "nl")
    code, _ = await services.links.new_code(TELEGRAM)
    assert (await services.links.redeem(code, TELEGRAM))[0] is LinkResult.SAME_APP
    # Someone else's code in the same app tells nothing about it (no guessing by app).
    assert (await services.links.redeem(code, 700_000_002))[0] is LinkResult.UNKNOWN
    whatsapp = await _whatsapp_person(db, clock)
    await services.residents.give_consent(whatsapp, "Anna", "nl")
    assert (await services.links.redeem(code, whatsapp))[0] is LinkResult.BOTH_AGREED
    clock.advance(minutes=16)
    stranger = await _whatsapp_person(db, clock, "NL.2")
    assert (await services.links.redeem(code, stranger))[0] is LinkResult.UNKNOWN
    # A newer code replaces the older one.
    first, _ = await services.links.new_code(TELEGRAM)
    second, _ = await services.links.new_code(TELEGRAM)
    assert (await services.links.redeem(first, stranger))[0] is LinkResult.UNKNOWN
    assert (await services.links.redeem(second, stranger))[0] is LinkResult.LINKED
    third = await _whatsapp_person(db, clock, "NL.3")
    code, _ = await services.links.new_code(TELEGRAM)
    assert (await services.links.redeem(code, third))[0] is LinkResult.ALREADY_LINKED


async def test_unlinking_gives_whatsapp_an_id_of_its_own(
    db: Database, clock: FakeClock, services: Services
) -> None:
    await services.residents.give_consent(TELEGRAM, "Anna", "nl")
    whatsapp = await _whatsapp_person(db, clock)
    code, _ = await services.links.new_code(TELEGRAM)
    await services.links.redeem(code, whatsapp)
    assert await services.links.unlink(TELEGRAM)
    assert not await services.links.linked(TELEGRAM)
    assert await WhatsAppPeople(db, clock).resident_of("NL.1") == whatsapp
    resident = await services.residents.get(TELEGRAM)
    assert resident is not None and resident.last_channel is None
    assert not await services.links.unlink(TELEGRAM)


async def test_samens_own_messages_go_to_the_app_used_last(
    db: Database, clock: FakeClock, services: Services
) -> None:
    await services.residents.give_consent(TELEGRAM, "Anna", "nl")
    whatsapp = await _whatsapp_person(db, clock)
    code, _ = await services.links.new_code(TELEGRAM)
    await services.links.redeem(code, whatsapp)  # she linked from WhatsApp: she is there
    await services.outbox.enqueue(NewRow(TELEGRAM, OutMessage("hallo"), kind="reminder"))
    assert await services.outbox.claim_due(10, Channel.TELEGRAM) == []
    assert [r.recipient_id for r in await services.outbox.claim_due(10, Channel.WHATSAPP)] == [
        TELEGRAM
    ]
    await services.links.wrote_in(TELEGRAM, Channel.TELEGRAM, "whatsapp")
    await services.outbox.enqueue(NewRow(TELEGRAM, OutMessage("thee"), kind="reminder"))
    assert await services.outbox.claim_due(10, Channel.WHATSAPP) == []
    assert len(await services.outbox.claim_due(10, Channel.TELEGRAM)) == 1


async def test_after_five_wrong_codes_a_person_waits_and_others_link(
    db: Database, clock: FakeClock, services: Services
) -> None:
    await services.residents.give_consent(TELEGRAM, "Anna", "nl")
    code, _ = await services.links.new_code(TELEGRAM)
    guesser = await _whatsapp_person(db, clock, "NL.9")
    for wrong in range(MAX_WRONG_CODES):
        clock.advance(minutes=2)
        result = await services.links.redeem(f"AAAAAAA{ALPHABET[wrong]}", guesser)
        assert result == (LinkResult.UNKNOWN, guesser)
    # Now even the right code is not looked at: guessing learns nothing.
    assert await services.links.redeem(code, guesser) == (LinkResult.WAIT, guesser)
    assert not await services.links.linked(TELEGRAM)
    # Anna herself, in her other app, links with it.
    anna = await _whatsapp_person(db, clock, "NL.1")
    assert await services.links.redeem(code, anna) == (LinkResult.LINKED, TELEGRAM)
    # The first wrong try is 15 minutes old: one more try, then waiting again.
    clock.advance(minutes=7)
    assert (await services.links.redeem("AAAAAAAA", guesser))[0] is LinkResult.UNKNOWN
    assert (await services.links.redeem("AAAAAAAA", guesser))[0] is LinkResult.WAIT
    clock.advance(minutes=16)
    assert (await services.links.redeem("AAAAAAAA", guesser))[0] is LinkResult.UNKNOWN


def test_wrong_codes_are_forgotten_after_a_quarter_of_an_hour(clock: FakeClock) -> None:
    wrong = WrongCodes(clock)
    for person in (1, 2):
        for _ in range(MAX_WRONG_CODES):
            wrong.count(person)
    assert wrong.too_many(1) and wrong.too_many(2)
    clock.advance(minutes=15)
    wrong.count(3)
    assert not wrong.too_many(1)
    assert len(wrong._tries) == 1  # only person 3 is remembered
