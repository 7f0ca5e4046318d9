"""The volunteer desk end to end: what a volunteer's chat still shows, and who hears what.

Uses the call-back tests' team (Anna the resident in Dutch, Piet and Kees the
volunteers, Carla the coordinator) and their clock.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.emulator.client import EmulatorClient, Entry
from bot.emulator.server import EmulatorServer
from tests.e2e import test_call_requests as shared
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.harness import Person, SamenBot, buttons_of, make_settings, text_of
from tests.e2e.test_call_requests import START, FlowingClock, ask_for_call, onboard

# The call-back tests' fixtures: a bot on a flowing clock, and the team.
clock, bot, team = shared.clock, shared.bot, shared.team

Team = tuple[Person, Person, Person, Person]
ANNAS_NUMBER = "06 12 34 56 78"


async def shown_now(person: Person) -> list[str]:
    """What every bot message in this person's chat says now (after all edits)."""
    entries = await person.client.transcript(person.user_id)
    return [text_of(e) for e in entries if e.get("direction") == "out"]


async def piet_takes_it(team: Team) -> Entry:
    """Anna asks, Piet takes it: the details message with her name and number."""
    anna, piet, kees, _coordinator = team
    await ask_for_call(anna)
    offer = await piet.expect("New call-back request #1")
    await kees.expect("Nieuw terugbelverzoek #1")
    await piet.press(offer, "🙋 I'll take it")
    details = await piet.expect(f"Phone: {ANNAS_NUMBER}")
    assert "Name: Anna" in text_of(details)
    return details


async def a_second_copy_then_reached(piet: Person) -> Entry:
    """Piet opens the details again from /tasks and closes the call on that copy; the
    first copy still shows the name and number."""
    await piet.say("/tasks")
    listing = await piet.expect("Your tasks")
    await piet.press(listing, "📞 #1: details")
    copy = await piet.expect(f"Phone: {ANNAS_NUMBER}")
    await piet.press(copy, "✅ Reached")
    await piet.expect("is closed: ✅ Reached", where=lambda e: bool(e["edited"]))
    assert sum(ANNAS_NUMBER in text for text in await shown_now(piet)) == 1
    return copy


async def expect_cleared(piet: Person, details: Entry, says: str) -> None:
    cleared = await piet.expect(
        says, timeout=10, where=lambda e: e["message_id"] == details["message_id"]
    )
    assert buttons_of(cleared) == []
    for text in await shown_now(piet):
        assert ANNAS_NUMBER not in text and "Anna" not in text


async def test_a_cancelled_request_leaves_no_number_in_the_volunteers_chat(
    bot: SamenBot, team: Team, client: EmulatorClient
) -> None:
    anna, piet, _kees, _coordinator = team
    details = await piet_takes_it(team)
    await anna.tap("📞 Bel mij")
    request = await anna.expect("U hebt al gevraagd om gebeld te worden")
    await anna.press(request, "❌ Mijn verzoek intrekken")
    await expect_cleared(piet, details, "was cancelled. No need to call.")
    assert await bot.query("SELECT count(*) FROM call_request_messages") == [(0,)]
    assert await client.violations() == []


async def test_erasure_takes_the_number_out_of_every_copy(
    bot: SamenBot, team: Team, client: EmulatorClient
) -> None:
    anna, piet, _kees, _coordinator = team
    details = await piet_takes_it(team)
    await a_second_copy_then_reached(piet)
    await anna.say("/mydata")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "🗑 Alles wissen")
    await anna.press(await anna.expect("Weet u het zeker?"), "🗑 Ja, alles wissen")
    await anna.expect("Alles is gewist.")
    await expect_cleared(piet, details, "was withdrawn. No need to call.")
    assert await client.violations() == []


async def test_the_purge_takes_the_number_out_after_the_retention_days(
    bot: SamenBot, team: Team, client: EmulatorClient, clock: FlowingClock
) -> None:
    _anna, piet, _kees, _coordinator = team
    details = await piet_takes_it(team)
    await a_second_copy_then_reached(piet)
    clock.advance(days=29)
    await bot.restart()
    await asyncio.sleep(2.5)  # the purge tick has run: not yet, the number stays 30 days
    assert any(ANNAS_NUMBER in text for text in await shown_now(piet))
    clock.advance(days=1, minutes=1)
    await bot.restart()  # ticks run a second after a start
    await expect_cleared(piet, details, "For privacy, the name and number have been removed.")
    assert await client.violations() == []


async def test_paid_and_service_numbers_are_refused_with_the_reason(
    bot: SamenBot, team: Team, client: EmulatorClient
) -> None:
    anna, _piet, _kees, _coordinator = team
    await anna.tap("📞 Bel mij")
    await anna.expect("Op welk nummer kunnen we u bellen?")
    refusals = {
        "0900-1234567": "Het is een betaald nummer (zoals 0900)",
        "0906 1234567": "Het is een betaald nummer (zoals 0900)",
        "0800-1234567": "Het is een servicenummer (zoals 0800 of 088) of een pieper",
        "088 123 4567": "Het is een servicenummer (zoals 0800 of 088) of een pieper",
        "066 1234567": "Het is een servicenummer (zoals 0800 of 088) of een pieper",
        "+32 470 12 34 56": "We kunnen alleen nummers uit deze landen bellen: Nederland.",
        "12345": "Dat lijkt geen telefoonnummer.",
    }
    for typed, reason in refusals.items():
        await anna.say(typed)
        answer = await anna.expect(reason)
        assert "Geef een mobiel nummer of een nummer thuis" in text_of(answer)
    # A shared contact can be a paid line too.
    await client.tap_reply_button(
        anna.user_id, "📱 Mijn telefoonnummer delen", phone_number="+319001234567"
    )
    await anna.expect("Het is een betaald nummer (zoals 0900)")
    await anna.say("023 123 4567")  # a landline in Heemstede
    await anna.expect("We bellen 023 123 45 67.")
    assert await bot.query("SELECT count(*) FROM call_requests") == [(0,)]
    assert await client.violations() == []


async def test_numbers_of_every_configured_country_are_accepted(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path
) -> None:
    settings = make_settings(
        emulator.url,
        tmp_path / "samen.sqlite3",
        SAMEN_COORDINATORS=str(COORDINATOR_ID),
        SAMEN_CALL_REGIONS="NL,BE",
    )
    samen = SamenBot(settings, clock=FlowingClock(START))
    await samen.start()
    try:
        john = await Person(client, 700_000_002, "John", "en").join()
        await onboard(john, "✓ English", "✅ I agree")
        await john.tap("📞 Call me")
        await john.expect("Which number can we call?")
        await john.say("+32 470 12 34 56")
        await john.expect("We will call +32 470 12 34 56.")
    finally:
        await samen.stop()
    assert await client.violations() == []


async def test_the_offer_says_when_and_about_what_but_not_who(
    bot: SamenBot, team: Team, client: EmulatorClient
) -> None:
    anna, piet, kees, _coordinator = team
    await ask_for_call(anna)
    offer = text_of(await piet.expect("New call-back request #1"))
    assert "When: today, 09:00–12:00" in offer
    assert "Language: Dutch" in offer and "Topic: ☕ Just a chat" in offer
    assert "you will see the name and the number" in offer
    assert "Anna" not in offer and ANNAS_NUMBER not in offer
    dutch = text_of(await kees.expect("Nieuw terugbelverzoek #1"))
    assert "Wanneer: vandaag, 09:00–12:00" in dutch
    assert "Neemt u het aan? Dan ziet u de naam en het nummer." in dutch
    assert await client.violations() == []


async def test_volunteers_coming_on_duty_or_joining_get_the_waiting_task(
    bot: SamenBot, team: Team, client: EmulatorClient
) -> None:
    anna, piet, kees, coordinator = team
    await piet.tap("🤝 I want to help")
    profile = await piet.expect("Your volunteer profile")
    await piet.press(profile, "⏸ Go off duty")
    await piet.expect("On duty: no", where=lambda e: bool(e["edited"]))
    await ask_for_call(anna)
    await kees.expect("Nieuw terugbelverzoek #1")
    await piet.expect_silence(1.5)

    await piet.press(profile, "▶️ Go on duty")
    offer = await piet.expect("New call-back request #1")
    await piet.press(profile, "⏸ Go off duty")
    await piet.expect("On duty: no", where=lambda e: bool(e["edited"]))
    await piet.press(profile, "▶️ Go on duty")  # once more: no second offer
    await piet.expect("On duty: yes", where=lambda e: bool(e["edited"]))
    await piet.expect_silence(1.5)

    # Someone who joins after the request came in gets it too.
    fenna = await Person(client, 700_000_021, "Fenna", "nl").join()
    await shared.join_as_volunteer(
        fenna, await shared.new_invite(coordinator), "✅ Ik ga akkoord", "Welkom in het team"
    )
    late = await fenna.expect("Nieuw terugbelverzoek #1")
    await piet.press(offer, "🙋 I'll take it")
    await piet.expect(f"Phone: {ANNAS_NUMBER}")
    await fenna.expect(
        "heeft terugbelverzoek #1 aangenomen",
        where=lambda e: e["message_id"] == late["message_id"],
    )
    assert await client.violations() == []


async def test_after_no_answer_the_resident_hears_the_volunteer_tried(
    bot: SamenBot, team: Team, client: EmulatorClient
) -> None:
    anna, piet, _kees, _coordinator = team
    details = await piet_takes_it(team)
    await anna.expect("Vrijwilliger Piet belt u")
    await piet.press(details, "📵 No answer")
    await piet.expect_toast("Please try again later")
    tried = text_of(await anna.expect("heeft u net gebeld"))
    assert "Piet, een vrijwilliger" in tried
    assert "Piet probeert het later nog een keer" in tried
    assert "met een nummer dat u niet kent" in tried
    assert "“📞 Bel mij”" in tried
    assert await client.violations() == []


async def test_task_lists_stay_current(bot: SamenBot, team: Team, client: EmulatorClient) -> None:
    anna, piet, kees, _coordinator = team
    await ask_for_call(anna)
    offer = await kees.expect("Nieuw terugbelverzoek #1")
    await piet.say("/tasks")
    listing = await piet.expect("Your tasks")
    assert buttons_of(listing) == ["🙋 Take #1"]

    def listing_now(entry: Entry) -> bool:
        return bool(entry["edited"]) and entry["message_id"] == listing["message_id"]

    await kees.press(offer, "🙋 Ik neem het")
    details = await kees.expect(f"Telefoon: {ANNAS_NUMBER}")
    taken = await piet.expect("Nobody is waiting", where=listing_now)
    assert buttons_of(taken) == []
    await kees.press(details, "↩️ Teruggeven")
    back = await piet.expect("waiting", where=lambda e: listing_now(e) and bool(buttons_of(e)))
    assert buttons_of(back) == ["🙋 Take #1"]

    # Piet takes it from the list; a newer list retires the old one.
    await piet.press(back, "🙋 Take #1")
    await piet.expect(f"Phone: {ANNAS_NUMBER}")
    mine = await piet.expect("#1 –", where=listing_now)
    assert buttons_of(mine) == ["📞 #1: details"]
    await piet.say("/tasks")
    await piet.expect("Your tasks", where=lambda e: e["message_id"] != listing["message_id"])
    old = await piet.expect("This list is old", where=listing_now)
    assert buttons_of(old) == []
    assert await client.violations() == []


async def test_a_volunteer_who_erases_keeps_no_number_on_their_phone(
    bot: SamenBot, team: Team, client: EmulatorClient
) -> None:
    """Erasing takes every outbox row to the volunteer away, so the details cannot
    wait for the outbox: they are cleared before the erasure."""
    _anna, piet, _kees, _coordinator = team
    await piet_takes_it(team)
    await a_second_copy_then_reached(piet)
    await piet.say("/mydata")
    overview = await piet.expect("What Samen stores about you")
    await piet.press(overview, "🗑 Delete everything")
    await piet.press(await piet.expect("Are you sure?"), "🗑 Yes, delete everything")
    await piet.expect("deleted")
    for text in await shown_now(piet):
        assert ANNAS_NUMBER not in text and "Name: Anna" not in text
    cleared = [t for t in await shown_now(piet) if "because you deleted your data" in t]
    assert cleared  # each message that still showed the number says why it is gone
    assert await bot.query("SELECT count(*) FROM call_request_messages") == [(0,)]
    assert await client.violations() == []


async def test_a_note_typed_across_a_restart_is_kept_with_its_task(
    bot: SamenBot, team: Team, client: EmulatorClient
) -> None:
    _anna, piet, _kees, _coordinator = team
    details = await piet_takes_it(team)
    await piet.press(details, "📝 Note")
    await piet.expect("Type a short note about call-back request #1")
    await client.send_sticker(piet.user_id)  # no note: asked again, the question stays
    await piet.expect("Please type it as text, or type /cancel.")
    await bot.restart()  # the task the note is for waits in the open question
    await piet.say("Belt liever na vieren")
    await piet.expect("The note is saved with request #1.")
    assert await bot.query("SELECT note FROM call_requests WHERE id = 1") == [
        ("Belt liever na vieren",)
    ]
    assert await bot.query("SELECT * FROM open_questions") == []
    assert await client.violations() == []
