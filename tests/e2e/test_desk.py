"""The volunteer desk end to end: what a volunteer's chat still shows, and who hears what.

Uses the call-back tests' team (Anna the resident in Dutch, Piet and Kees the
volunteers, Carla the coordinator) and their clock.

The desk is on the conversation layer: tests that take ``desk`` run with Piet on
Telegram and on WhatsApp. WhatsApp cannot edit or take back a message, so where
Telegram takes the name and number out of Piet's earlier message, on WhatsApp Samen
sends the news anew (outside the 24-hour window as the task template) and asks him to
delete that message himself. Tests that follow Telegram's edits of one message (lists
that stay current, profiles, the offer that turns into "taken") stay on Telegram.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.emulator.client import EmulatorClient, Entry
from bot.emulator.server import EmulatorServer
from bot.emulator.whatsapp import WhatsAppEmulatorClient
from tests.e2e import test_call_requests as shared
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.either import Someone, send_sticker
from tests.e2e.harness import Person, SamenBot, buttons_of, make_settings, text_of
from tests.e2e.test_call_requests import START, FlowingClock, ask_for_call, onboard
from tests.e2e.test_mydata import agree
from tests.e2e.whatsapp_people import WhatsAppPerson

# The call-back tests' fixtures: a bot on a flowing clock, and the team.
clock, bot, team = shared.clock, shared.bot, shared.team

Team = tuple[Person, Person, Person, Person]
Desk = tuple[Person, Someone, Person, Person]
ANNAS_NUMBER = "06 12 34 56 78"
PIET_ON_WHATSAPP = "NL.88801234567890123456"
DELETE_IT = "Please delete the earlier message with the name and number yourself"


@pytest.fixture(params=["polling", "whatsapp"])
def channel_mode(request: pytest.FixtureRequest) -> str:
    """Piet the volunteer on Telegram or on WhatsApp."""
    return str(request.param)


@pytest.fixture
async def desk(
    samen_any_on_clock: SamenBot,
    client: EmulatorClient,
    wa_client: WhatsAppEmulatorClient,
    channel_mode: str,
) -> Desk:
    """The team, with Piet (English) on Telegram or WhatsApp. On WhatsApp he types the
    invite's "/start <code>" after agreeing in English (there is no link to tap)."""
    samen = samen_any_on_clock
    if channel_mode != "whatsapp":
        anna, piet, kees, coordinator = await shared._team(
            client, await Person(client, 700_000_001, "Anna", "nl").join()
        )
        assert isinstance(anna, Person)
        return anna, piet, kees, coordinator
    coordinator = await Person(client, COORDINATOR_ID, "Carla", "en").join()
    await onboard(coordinator, "✓ English", "✅ I agree")
    piet = await WhatsAppPerson(wa_client, PIET_ON_WHATSAPP, "Piet").join()
    await agree(samen, piet, "✓ English", "✅ I agree")
    await piet.say(f"/start {await shared.new_invite(coordinator)}")
    await piet.expect("Welcome to the team")
    await piet.expect(where=lambda e: bool(buttons_of(e)))  # the profile
    kees = await Person(client, 700_000_012, "Kees", "nl").join()
    await shared.join_as_volunteer(
        kees, await shared.new_invite(coordinator), "✅ Ik ga akkoord", "Welkom in het team"
    )
    anna = await Person(client, 700_000_001, "Anna", "nl").join()
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    return anna, piet, kees, coordinator


async def shown_now(person: Person) -> list[str]:
    """What every bot message in this person's chat says now (after all edits)."""
    entries = await person.client.transcript(person.user_id)
    return [text_of(e) for e in entries if e.get("direction") == "out"]


async def piet_takes_it(team: Desk) -> Entry:
    """Anna asks, Piet takes it: the details message with her name and number."""
    anna, piet, kees, _coordinator = team
    await ask_for_call(anna)
    offer = await piet.expect("New call request #1")
    await kees.expect("Nieuw belverzoek #1")
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


async def expect_cleared(piet: Someone, details: Entry, says: str) -> None:
    if isinstance(piet, WhatsAppPerson):  # no edits: the news anew, and a request
        told = await piet.expect(says, timeout=10)
        assert DELETE_IT in text_of(told) and ANNAS_NUMBER not in text_of(told)
        return
    cleared = await piet.expect(
        says, timeout=10, where=lambda e: e["message_id"] == details["message_id"]
    )
    assert buttons_of(cleared) == []
    for text in await shown_now(piet):
        assert ANNAS_NUMBER not in text and "Anna" not in text


async def test_a_cancelled_request_leaves_no_number_in_the_volunteers_chat(
    samen_any_on_clock: SamenBot, desk: Desk, client: EmulatorClient
) -> None:
    bot = samen_any_on_clock
    anna, piet, _kees, _coordinator = desk
    details = await piet_takes_it(desk)
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
    desk: Desk, client: EmulatorClient
) -> None:
    anna, piet, kees, _coordinator = desk
    await ask_for_call(anna)
    offer = text_of(await piet.expect("New call request #1"))
    assert "When: today, 09:00–12:00" in offer
    assert "Language: Dutch" in offer and "Topic: ☕ Just a chat" in offer
    assert "you will see the name and the number" in offer
    assert "Anna" not in offer and ANNAS_NUMBER not in offer
    dutch = text_of(await kees.expect("Nieuw belverzoek #1"))
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
    await kees.expect("Nieuw belverzoek #1")
    await piet.expect_silence(1.5)

    await piet.press(profile, "▶️ Go on duty")
    offer = await piet.expect("New call request #1")
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
    late = await fenna.expect("Nieuw belverzoek #1")
    await piet.press(offer, "🙋 I'll take it")
    await piet.expect(f"Phone: {ANNAS_NUMBER}")
    await fenna.expect(
        "heeft belverzoek #1 aangenomen",
        where=lambda e: e["message_id"] == late["message_id"],
    )
    assert await client.violations() == []


async def test_after_no_answer_the_resident_hears_the_volunteer_tried(
    desk: Desk, client: EmulatorClient
) -> None:
    anna, piet, _kees, _coordinator = desk
    details = await piet_takes_it(desk)
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
    offer = await kees.expect("Nieuw belverzoek #1")
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


async def _erases(piet: Someone) -> str:
    """Piet deletes everything: his goodbye."""
    await piet.say("/mydata")
    overview = await piet.expect("What Samen stores about you")
    await piet.press(overview, "🗑 Delete everything")
    await piet.press(await piet.expect("Are you sure?"), "🗑 Yes, delete everything")
    return text_of(await piet.expect("Everything is deleted."))


async def test_a_volunteer_on_whatsapp_who_erases_is_asked_to_delete_the_numbers(
    samen_any_on_clock: SamenBot, desk: Desk, channel_mode: str
) -> None:
    """Telegram takes the name and number out of his messages; WhatsApp cannot, so the
    goodbye asks him to delete them himself."""
    _anna, piet, _kees, _coordinator = desk
    await piet_takes_it(desk)
    goodbye = await _erases(piet)
    asked = "still show residents' names and numbers" in goodbye
    assert asked == (channel_mode == "whatsapp")
    assert await samen_any_on_clock.query("SELECT count(*) FROM call_request_messages") == [(0,)]


async def test_a_volunteer_who_held_no_numbers_is_not_asked_to_delete_any(desk: Desk) -> None:
    _anna, piet, _kees, _coordinator = desk
    assert "numbers" not in await _erases(piet)


async def test_a_note_typed_across_a_restart_is_kept_with_its_task(
    samen_any_on_clock: SamenBot, desk: Desk, client: EmulatorClient
) -> None:
    bot = samen_any_on_clock
    _anna, piet, _kees, _coordinator = desk
    details = await piet_takes_it(desk)
    await piet.press(details, "📝 Note")
    await piet.expect("Type a short note about call request #1")
    await send_sticker(piet)  # no note: asked again, the question stays
    await piet.expect("Please type it as text, or type /cancel.")
    await bot.restart()  # the task the note is for waits in the open question
    await piet.say("Belt liever na vieren")
    await piet.expect("The note is saved with request #1.")
    assert await bot.query("SELECT note FROM call_requests WHERE id = 1") == [
        ("Belt liever na vieren",)
    ]
    assert await bot.query("SELECT * FROM open_questions") == []
    assert await client.violations() == []


async def test_a_volunteer_on_whatsapp_outside_the_window(
    samen_any_on_clock: SamenBot,
    wa_client: WhatsAppEmulatorClient,
    desk: Desk,
    channel_mode: str,
    clock: FlowingClock,
) -> None:
    """WhatsApp only (its 24-hour window): the task alert comes as the task template; Piet
    answers, takes the task, and when it is withdrawn after his window closed, the news
    (and the request to delete the old message) comes as the template too."""
    if channel_mode != "whatsapp":
        pytest.skip("Telegram has no 24-hour window")
    anna, piet, _kees, _coordinator = desk
    assert isinstance(piet, WhatsAppPerson)
    await _a_day_later(clock, wa_client, piet)
    await ask_for_call(anna)
    alert = await piet.expect("New call request #1")
    assert alert["template"]["name"] == "samen_task_alert"
    await piet.say("/tasks")  # he answers: the window opens, the buttons come
    listing = await piet.expect("Your tasks")
    await piet.press(listing, "🙋 Take #1")
    await piet.expect(f"Phone: {ANNAS_NUMBER}")

    await _a_day_later(clock, wa_client, piet)
    await anna.say("/mydata")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "🗑 Alles wissen")
    await anna.press(await anna.expect("Weet u het zeker?"), "🗑 Ja, alles wissen")
    await anna.expect("Alles is gewist.")
    told = await piet.expect("was cancelled. No need to call.", timeout=10)
    assert told["template"]["name"] == "samen_task_alert"
    assert DELETE_IT in text_of(told) and ANNAS_NUMBER not in text_of(told)
    assert await samen_any_on_clock.query("SELECT count(*) FROM call_request_messages") == [(0,)]


async def _a_day_later(
    clock: FlowingClock, wa_client: WhatsAppEmulatorClient, piet: WhatsAppPerson
) -> None:
    """25 hours pass without a word from Piet, for Samen and for WhatsApp."""
    clock.advance(hours=25)
    await wa_client.last_wrote(piet.bsuid, hours_ago=25)
