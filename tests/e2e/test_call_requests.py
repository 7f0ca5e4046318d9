"""Call requests end to end: a resident, two volunteers and a coordinator, through the emulator.

The bot runs on a clock that flows with real time from a chosen moment (Saturday
28 November 2026, 10:00 in Heemstede) and that a test can move forward; ticks
run one second after a start, so "advance the clock, restart" runs them now.

Call me is on the conversation layer: the tests about the resident run with Anna (or
John) on Telegram and on WhatsApp (``bot_any``, ``team_any``); the volunteers and the
coordinator stay on Telegram here (a volunteer on WhatsApp: test_desk.py). Tests about
invites, applications and volunteer profiles are about Telegram volunteers: ``bot``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import utc_now
from bot.emulator.client import EmulatorClient, Entry
from bot.emulator.server import EmulatorServer
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.either import Someone, english, press_data, send_contact, send_sticker
from tests.e2e.harness import (
    Person,
    SamenBot,
    buttons_of,
    eventually,
    keyboard_of,
    make_settings,
    samen_id,
    text_of,
)
from tests.e2e.test_mydata import agree, onboard

START = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
CODE = re.compile(r"t\.me/samen_test_bot\?start=([A-Za-z0-9_-]{16})")


class FlowingClock:
    """Real time, shifted to start at a chosen moment; ``advance`` jumps ahead."""

    def __init__(self, start: datetime) -> None:
        self._offset = start.astimezone(UTC) - utc_now()

    def __call__(self) -> datetime:
        return utc_now() + self._offset

    def advance(self, **delta: float) -> None:
        self._offset += timedelta(**delta)


@pytest.fixture
def clock() -> FlowingClock:
    return FlowingClock(START)


@pytest.fixture
async def bot(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path, clock: FlowingClock
) -> AsyncIterator[SamenBot]:
    settings = make_settings(
        emulator.url, tmp_path / "samen.sqlite3", SAMEN_COORDINATORS=str(COORDINATOR_ID)
    )
    samen = SamenBot(settings, clock=clock)
    await samen.start()
    yield samen
    await samen.stop()


@pytest.fixture(params=["polling", "whatsapp"])
def channel_mode(request: pytest.FixtureRequest) -> str:
    """The resident on Telegram or on WhatsApp (Telegram's webhook adds nothing here)."""
    return str(request.param)


@pytest.fixture
async def bot_any(samen_any_on_clock: SamenBot) -> SamenBot:
    """Samen on the flowing clock, with the resident on either channel."""
    return samen_any_on_clock


async def new_invite(coordinator: Person) -> str:
    await coordinator.say("/invite")
    message = await coordinator.expect("t.me/samen_test_bot?start=")
    match = CODE.search(text_of(message))
    assert match is not None
    return match.group(1)


async def join_as_volunteer(person: Person, code: str, agree: str, welcome: str) -> None:
    """Open the invite link without having used Samen: privacy first, then the team."""
    await person.say(f"/start {code}")
    consent = await person.expect(where=lambda e: agree in buttons_of(e))
    await person.press(consent, agree)
    await person.expect(welcome)
    await person.expect(where=lambda e: bool(buttons_of(e)))  # the profile


Team = tuple[Someone, Person, Person, Person]


@pytest.fixture
async def team(bot: SamenBot, client: EmulatorClient) -> Team:
    """Anna (resident, nl), Piet (volunteer, en), Kees (volunteer, nl), the coordinator (en)."""
    return await _team(client, await Person(client, 700_000_001, "Anna", "nl").join())


@pytest.fixture
async def team_any(bot_any: SamenBot, client: EmulatorClient, anna_any: Someone) -> Team:
    """The same team with Anna on either channel."""
    return await _team(client, anna_any)


async def _team(client: EmulatorClient, anna: Someone) -> Team:
    piet = await Person(client, 700_000_011, "Piet", "en").join()
    kees = await Person(client, 700_000_012, "Kees", "nl").join()
    coordinator = await Person(client, COORDINATOR_ID, "Carla", "en").join(opened=True)
    await onboard(coordinator, "✓ English", "✅ I agree")
    await join_as_volunteer(
        piet, await new_invite(coordinator), "✅ I agree", "Welcome to the team"
    )
    await join_as_volunteer(
        kees, await new_invite(coordinator), "✅ Ik ga akkoord", "Welkom in het team"
    )
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    return anna, piet, kees, coordinator


async def ask_for_call(
    anna: Someone, topic: str | None = "☕ Gewoon een praatje", known: bool = False
) -> Entry:
    """Anna asks for a call on 06 12 34 56 78: she shares it, or Samen has it (``known``)."""
    await anna.tap("📞 Bel mij")
    if known:
        moments = await anna.expect("We bellen 06 12 34 56 78. Een ander nummer?")
    else:
        question = await anna.expect("Op welk nummer kunnen we u bellen?")
        if isinstance(anna, Person):  # Telegram shares her own contact with one tap
            assert "📱 Mijn telefoonnummer delen" in keyboard_of(question)
            await anna.client.tap_reply_button(
                anna.user_id, "📱 Mijn telefoonnummer delen", phone_number="+31612345678"
            )
        else:  # WhatsApp: typed (Meta does not show this number)
            await anna.say("06 12 34 56 78")
        thanks = await anna.expect("We bellen 06 12 34 56 78")
        assert "📞 Bel mij" in keyboard_of(thanks)  # the menu is back
        moments = await anna.expect("Wanneer wilt u gebeld worden?")
    await anna.press(moments, buttons_of(moments)[0])
    topics = await anna.expect("Waar wilt u over praten?")
    await anna.press(topics, topic or "Overslaan")
    return await anna.expect("Uw verzoek is binnen.")


async def test_request_race_claim_call_and_close(
    bot_any: SamenBot, team_any: Team, client: EmulatorClient
) -> None:
    bot = bot_any
    team = team_any
    anna, piet, kees, _coordinator = team
    await anna.tap("📞 Bel mij")
    await anna.expect("Op welk nummer")
    await anna.say("12345")
    await anna.expect("Dat lijkt geen telefoonnummer")
    await send_contact(anna, "+31687654321", owner=piet)
    await anna.expect("Dat is het nummer van iemand anders")
    await anna.say("06-1234 5678")
    await anna.expect("06 12 34 56 78")
    moments = await anna.expect("Wanneer wilt u gebeld worden?")
    assert buttons_of(moments) == [
        "Vanochtend (09:00–12:00)",
        "Vanmiddag (12:00–17:00)",
        "Vanavond (17:00–20:00)",
        "Morgenochtend (09:00–12:00)",
        "Morgenmiddag (12:00–17:00)",
        "Morgenavond (17:00–20:00)",
    ]
    await anna.press(moments, "Vanmiddag (12:00–17:00)")
    topics = await anna.expect("Waar wilt u over praten?")
    await anna.press(topics, "💛 Zorgen om iemand")
    confirmed = await anna.expect("Uw verzoek is binnen.")
    assert "We bellen u: vandaag, 12:00–17:00" in text_of(confirmed)
    assert "Onderwerp: 💛 Zorgen om iemand" in text_of(confirmed)
    assert "Wat gebeurt er nu?" in text_of(confirmed)

    offer_piet = await piet.expect("New call request #1")
    offer_kees = await kees.expect("Nieuw belverzoek #1")
    for offer in (offer_piet, offer_kees):
        assert "Anna" not in text_of(offer) and "12345678" not in text_of(offer)
    assert buttons_of(offer_piet) == ["🙋 I'll take it"]

    # Both press "I'll take it" at the same moment: exactly one wins.
    await asyncio.gather(
        piet.press(offer_piet, "🙋 I'll take it"), kees.press(offer_kees, "🙋 Ik neem het")
    )
    piet_details = piet.expect("Phone: 06 12 34 56 78", timeout=4)
    kees_details = kees.expect("Telefoon: 06 12 34 56 78", timeout=4)
    results = await asyncio.gather(piet_details, kees_details, return_exceptions=True)
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    piet_won = not isinstance(results[0], BaseException)
    winner, loser = (piet, kees) if piet_won else (kees, piet)
    details = winners[0]
    assert "Anna" in text_of(details)
    if piet_won:
        await kees.expect_toast("Iemand anders was net iets sneller")
        await kees.expect("heeft belverzoek #1 aangenomen", where=lambda e: bool(e["edited"]))
    else:
        await piet.expect_toast("Someone else was just quicker")
        await piet.expect("was taken by Kees", where=lambda e: bool(e["edited"]))
    told = await anna.expect("Goed nieuws!")
    assert f"Vrijwilliger {winner.first_name} belt u" in text_of(told)
    assert loser.first_name not in text_of(told)

    reached = "✅ Reached" if piet_won else "✅ Gesproken"
    await winner.press(details, reached)
    await winner.expect("is closed: ✅ Reached" if piet_won else "is gesloten: ✅ Gesproken")
    await anna.expect("Uw belverzoek is gesloten")
    assert await bot.query("SELECT status, outcome, volunteer_id FROM call_requests") == [
        ("closed", "reached", winner.user_id)
    ]
    # Each volunteer got exactly one offer; nothing was sent twice.
    offers = await bot.query(
        "SELECT recipient_id, COUNT(*) FROM outbox WHERE ref = 'task:1:offer' AND edit_of IS NULL"
        " GROUP BY recipient_id ORDER BY recipient_id"
    )
    assert offers == [(piet.user_id, 1), (kees.user_id, 1)]


async def test_release_and_cancel(bot_any: SamenBot, team_any: Team) -> None:
    bot = bot_any
    team = team_any
    anna, piet, kees, _coordinator = team
    await ask_for_call(anna)
    offer = await piet.expect("New call request #1")
    await kees.expect("Nieuw belverzoek #1")
    await piet.press(offer, "🙋 I'll take it")
    details = await piet.expect("Phone: 06 12 34 56 78")
    await kees.expect("Piet heeft belverzoek #1 aangenomen")
    await anna.expect("Vrijwilliger Piet belt u")

    await piet.press(details, "↩️ Give it back")
    await piet.expect("You gave call request #1 back")
    await anna.expect("Piet kan u toch niet bellen")
    again = await kees.expect("Nieuw belverzoek #1")  # offered again, to the others
    await piet.expect_silence(1.0)

    await anna.tap("📞 Bel mij")  # one open request at a time: she sees it instead
    open_request = await anna.expect("U hebt al gevraagd om gebeld te worden")
    assert "We zoeken een vrijwilliger" in text_of(open_request)
    await anna.press(open_request, "❌ Mijn verzoek intrekken")
    await anna.expect("Uw verzoek is ingetrokken.")
    await kees.expect("is ingetrokken. U hoeft niet te bellen", where=lambda e: bool(e["edited"]))
    # Old buttons, pressed after all (as if the edits had not arrived yet).
    await kees.client.press(kees.user_id, again["message_id"] or 0, "task:claim:1", forge=True)
    await kees.expect_toast("Dit verzoek is niet meer open")
    await press_data(anna, "cbx:1", open_request)
    await anna.expect_toast("Dit verzoek is niet meer open")
    assert await bot.query("SELECT status FROM call_requests") == [("cancelled",)]


async def test_a_second_request_uses_the_number_samen_has_or_another(
    bot_any: SamenBot, team_any: Team
) -> None:
    bot = bot_any
    team = team_any
    anna, piet, _kees, _coordinator = team
    await ask_for_call(anna)
    await piet.expect("New call request #1")
    await anna.tap("📞 Bel mij")
    await anna.press(await anna.expect("U hebt al gevraagd"), "❌ Mijn verzoek intrekken")
    await anna.expect("Uw verzoek is ingetrokken.")
    # Asked again: no question for the number she gave, the moments come at once.
    await anna.tap("📞 Bel mij")
    known = await anna.expect("We bellen 06 12 34 56 78. Een ander nummer?")
    assert "Wanneer wilt u gebeld worden?" in text_of(known)
    assert buttons_of(known)[-1] == "📱 Ander nummer"
    assert len(buttons_of(known)) > 1  # the moments above it
    await anna.press(known, "📱 Ander nummer")
    await anna.expect("Op welk nummer kunnen we u bellen?")
    await anna.say("023 123 4567")
    await anna.expect("We bellen 023 123 45 67")
    moments = await anna.expect("Wanneer wilt u gebeld worden?")
    await anna.press(moments, buttons_of(moments)[0])
    await anna.press(await anna.expect("Waar wilt u over praten?"), "Overslaan")
    done = await anna.expect("Uw verzoek is binnen.")
    assert "023 123 45 67" in text_of(done)
    assert await bot.query("SELECT phone FROM call_requests WHERE id = 2") == [("+31231234567",)]


async def test_escalations_with_the_clock_and_purge(
    bot_any: SamenBot, team_any: Team, clock: FlowingClock
) -> None:
    bot = bot_any
    team = team_any
    anna, piet, _kees, coordinator = team
    await ask_for_call(anna)
    offer = await piet.expect("New call request #1")
    clock.advance(hours=1, minutes=50)
    await bot.restart()
    await coordinator.expect_silence(2.5)  # not yet two daytime hours
    clock.advance(minutes=11)
    await bot.restart()
    alert = await coordinator.expect("Call request #1 is waiting", timeout=10)
    assert "2 hours" in text_of(alert)
    assert "12345678" not in text_of(alert)  # coordinators get no phone numbers
    await bot.restart()
    await coordinator.expect_silence(2.5)  # once only

    # After the restarts nobody got a second offer.
    assert await bot.query(
        "SELECT COUNT(*) FROM outbox WHERE ref = 'task:1:offer' AND edit_of IS NULL"
    ) == [(2,)]
    await piet.press(offer, "🙋 I'll take it")
    details = await piet.expect("Phone: 06 12 34 56 78")
    for attempt in (1, 2):
        await piet.press(details, "📵 No answer")
        await piet.expect_toast("Please try again later")
        await piet.expect(f"No answer so far: {attempt} of 3", where=lambda e: bool(e["edited"]))
    await piet.press(details, "📵 No answer")
    await piet.expect("no answer 3 times", where=lambda e: bool(e["edited"]))
    await coordinator.expect("Call request #1: no answer three times")
    await anna.expect("drie keer gebeld")

    clock.advance(days=30, minutes=1)
    await bot.restart()
    rows = await eventually(
        lambda: bot.query("SELECT phone, resident_id, outcome FROM call_requests"),
        lambda rows: rows == [(None, None, "no_answer")],
    )
    assert rows == [(None, None, "no_answer")]
    # The purge takes the name and number out of Piet's chat (an edit from the outbox).
    # It must be shown before his press: a press on the copy that still had choices
    # raced that edit (Samen cleared choices the edit had just taken off).
    cleared = await piet.expect("For privacy, the name and number have been removed")
    assert cleared["message_id"] == details["message_id"] and not buttons_of(cleared)
    assert "06 12 34 56 78" not in text_of(cleared)
    # The old details can do nothing any more.
    await piet.client.press(piet.user_id, details["message_id"] or 0, "task:reached:1", forge=True)
    await piet.expect_toast("This task is not yours")


async def test_invite_links_valid_used_expired(
    bot: SamenBot, client: EmulatorClient, clock: FlowingClock
) -> None:
    coordinator = await Person(client, COORDINATOR_ID, "Carla", "en").join(opened=True)
    await onboard(coordinator, "✓ English", "✅ I agree")
    first = await Person(client, 700_000_021, "Fenna", "nl").join()
    second = await Person(client, 700_000_022, "Gert", "nl").join()
    code = await new_invite(coordinator)
    assert await bot.query(
        "SELECT COUNT(*) FROM volunteer_invites WHERE code_hash = ?", (code,)
    ) == [(0,)]  # only the hash is stored
    await join_as_volunteer(first, code, "✅ Ik ga akkoord", "Welkom in het team")
    await second.say(f"/start {code}")
    await second.expect("Deze uitnodigingslink is al gebruikt")
    assert (
        await bot.query(
            "SELECT telegram_id FROM residents WHERE telegram_id = ?", (second.user_id,)
        )
        == []
    )  # nothing stored for someone who did not agree

    late = await new_invite(coordinator)
    clock.advance(days=7, minutes=1)
    await second.say(f"/start {late}")
    await second.expect("Deze uitnodigingslink is verlopen")
    await second.say("/start AAAAAAAAAAAAAAAA")
    await second.expect("Deze uitnodigingslink werkt niet")
    assert await bot.query("SELECT role FROM roles WHERE telegram_id = ?", (second.user_id,)) == []
    await first.say(f"/start {await new_invite(coordinator)}")
    await first.expect("U bent al vrijwilliger")


async def test_apply_and_approve(bot: SamenBot, client: EmulatorClient) -> None:
    coordinator = await Person(client, COORDINATOR_ID, "Carla", "en").join(opened=True)
    await onboard(coordinator, "✓ English", "✅ I agree")
    anna = await Person(client, 700_000_001, "Anna", "nl").join()
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("🤝 Ik wil helpen")
    offer = await anna.expect("Wilt u helpen?")
    await anna.press(offer, "🙋 Ik wil vrijwilliger worden")
    await anna.expect("We hebben uw aanbod naar een coördinator gestuurd")
    ask = await coordinator.expect("Someone wants to become a volunteer")
    assert "Anna" in text_of(ask)
    await coordinator.press(ask, "✅ Approve")
    await coordinator.expect("You approved Anna", where=lambda e: bool(e["edited"]))
    await anna.expect("Welkom in het team!")
    await anna.tap("🤝 Ik wil helpen")
    profile = await anna.expect("Uw profiel als vrijwilliger")
    assert "Beschikbaar: ja" in text_of(profile)
    await anna.press(profile, "⏸ Even niet beschikbaar")
    await anna.expect("Beschikbaar: nee", where=lambda e: bool(e["edited"]))
    await anna.press(profile, "✏️ Mijn naam veranderen")
    await anna.expect("Welke voornaam zien inwoners?")
    await anna.say("Anna B.")
    await anna.expect("Naam die inwoners zien: Anna B.")
    # Pressing again (an old copy of the question) changes nothing.
    await client.press(coordinator.user_id, ask["message_id"] or 0, "appl:no:1", forge=True)
    await coordinator.expect("The application of Anna was already decided")
    assert await bot.query("SELECT status FROM volunteer_applications") == [("approved",)]


async def test_profile_presses_that_change_nothing(
    bot: SamenBot, client: EmulatorClient, team: Team
) -> None:
    """Unticking your only language, or "off duty" twice, leaves the profile as it is:
    a kind answer, no error, and no edit Telegram would refuse as "not modified"."""
    _anna, piet, _kees, _coordinator = team
    await piet.tap("🤝 I want to help")
    profile = await piet.expect("Your volunteer profile")
    await piet.press(profile, "✓ English")
    await piet.expect_toast("Saved.")
    await piet.press(profile, "⏸ Go off duty")
    await piet.expect("On duty: no", where=lambda e: bool(e["edited"]))
    message_id = profile.get("message_id")
    assert message_id is not None
    await client.press(piet.user_id, message_id, callback_data="vol:duty:off", forge=True)
    await piet.expect_toast("You are off duty.")
    await piet.tap("🤝 I want to help")
    again = await piet.expect("Your volunteer profile")
    assert "Languages you speak: English" in text_of(again)
    assert "Sorry" not in text_of(again)
    assert await client.violations() == []


async def test_refusals_for_people_without_the_role(
    bot_any: SamenBot, team_any: Team, client: EmulatorClient
) -> None:
    bot = bot_any
    team = team_any
    anna, piet, kees, coordinator = team
    await ask_for_call(anna, topic=None)
    offer = await piet.expect("New call request #1")
    kees_offer = await kees.expect("Nieuw belverzoek #1")

    await anna.say("/tasks")
    await anna.expect("alleen voor het team van Samen")
    await anna.say("/invite")
    await anna.expect("alleen voor het team van Samen")
    # A resident forges the volunteer's button data on one of her own messages.
    await press_data(anna, "task:claim:1")
    await anna.expect_toast("Dit kunt u niet gebruiken")
    await press_data(anna, "appl:yes:1")
    await anna.expect_toast("Dit kunt u niet gebruiken")

    await piet.press(offer, "🙋 I'll take it")
    await piet.expect("Phone: 06 12 34 56 78")
    # Kees forges outcome and detail buttons for Piet's task: refused, nothing shown.
    for data in ("task:reached:1", "task:show:1", "task:release:1", "tnote:1"):
        await client.press(kees.user_id, kees_offer["message_id"] or 0, data, forge=True)
        await kees.expect_toast("Deze taak is niet van u")
    await client.press(kees.user_id, kees_offer["message_id"] or 0, "task:claim:x1", forge=True)
    await kees.expect("Die knop werkt niet meer")
    assert "+31" not in str(await client.transcript(kees.user_id))
    assert await bot.query("SELECT status, volunteer_id FROM call_requests") == [
        ("claimed", piet.user_id)
    ]

    await piet.say("/tasks")
    tasks = await piet.expect("Your tasks")
    assert "#1" in text_of(tasks)
    await coordinator.say("/tasks")
    overview = await coordinator.expect("All call requests")
    assert "taken by Piet" in text_of(overview) and "+31" not in text_of(overview)


async def test_call_me_needs_consent_first(
    bot_any: SamenBot, client: EmulatorClient, john_any: Someone
) -> None:
    bot, john = bot_any, john_any
    # The configured coordinator never used Samen; staff alerts still reach them.
    coordinator = await Person(client, COORDINATOR_ID, "Carla", "en").join(opened=True)
    await john.say("/start")
    await john.press(await john.expect(), english(john))
    notice = await john.expect(where=lambda e: bool(buttons_of(e)))
    await john.press(notice, "No, thank you")
    menu = await john.expect(where=lambda e: bool(keyboard_of(e)))
    assert "📞 Call me" not in keyboard_of(menu)  # the menu shows only what works
    await john.say("📞 Call me")
    await john.expect("Samen needs to store your phone number")
    consent = await john.expect(where=lambda e: "✅ I agree" in buttons_of(e))
    await john.press(consent, "✅ I agree")
    menu = await john.expect(where=lambda e: bool(keyboard_of(e)))
    assert "📞 Call me" in keyboard_of(menu)
    await john.tap("📞 Call me")
    await john.expect("Which number can we call?")
    await john.tap("✖️ Cancel")
    cancelled = await john.expect("Fine. No call is planned.")
    assert "📞 Call me" in keyboard_of(cancelled)
    await john.tap("📞 Call me")
    await john.expect("Which number can we call?")
    await send_sticker(john)
    await john.expect("Please type your phone number")
    await john.say("+32 470 12 34 56")  # a Belgian number: not in SAMEN_CALL_REGIONS
    await john.expect("We can only call numbers from these countries: Netherlands.")
    await john.say("0252 123456")  # a landline with a four-digit area code
    await john.expect("We will call 0252 12 34 56")
    moments = await john.expect("When would you like to be called?")
    await john.press(moments, "Tomorrow morning (09:00–12:00)")
    topics = await john.expect("What would you like to talk about?")
    await john.press(topics, "Skip")
    done = await john.expect("Your request is in.")
    assert "We will call you: tomorrow, 09:00–12:00" in text_of(done)
    assert await bot.query("SELECT phone, topic FROM call_requests") == [("+31252123456", None)]
    # No volunteer is on duty yet: the coordinator hears it (in the default language).
    alert = await coordinator.expect("Maar er is geen vrijwilliger beschikbaar")
    assert "Belverzoek #1" in text_of(alert)


async def test_call_me_from_another_journey_keeps_its_topic(
    bot_any: SamenBot, client: EmulatorClient, anna_any: Someone
) -> None:
    """A `call:<topic>` button elsewhere (e.g. "I'd rather not go alone") skips the topic."""
    bot, anna = bot_any, anna_any
    await Person(client, COORDINATOR_ID, "Carla", "en").join(opened=True)
    await agree(bot, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await press_data(anna, "call:activities")
    await anna.expect("Op welk nummer kunnen we u bellen?")
    await anna.say("023 123 4567")
    await anna.expect("We bellen 023 123 45 67")
    moments = await anna.expect("Wanneer wilt u gebeld worden?")
    await anna.press(moments, "Morgenmiddag (12:00–17:00)")
    done = await anna.expect("Uw verzoek is binnen.")
    assert "Onderwerp: 🎨 Activiteiten" in text_of(done)
    assert await bot.query("SELECT phone, topic FROM call_requests") == [
        ("+31231234567", "activities")
    ]


async def piet_takes_annas_call(team: Team) -> None:
    """Anna asks for a call, both volunteers are offered it, Piet takes it."""
    anna, piet, kees, _coordinator = team
    await ask_for_call(anna)
    offer = await piet.expect("New call request #1")
    await kees.expect("Nieuw belverzoek #1")
    await piet.press(offer, "🙋 I'll take it")
    await piet.expect("Phone: 06 12 34 56 78")


async def test_coordinator_ends_a_volunteer_and_their_call_goes_back(
    bot: SamenBot, team: Team
) -> None:
    _anna, piet, kees, coordinator = team
    await piet_takes_annas_call(team)
    await kees.expect("aangenomen", where=lambda e: bool(e.get("edited")))

    await coordinator.say("/volunteers")
    listing = await coordinator.expect("Volunteers (2)")
    assert "Piet – on duty" in text_of(listing) and "open calls: 1" in text_of(listing)
    await coordinator.press(listing, "✖️ End: Piet")
    question = await coordinator.expect("End the volunteering of Piet?")
    # Only coordinators: a volunteer forging the same button is refused.
    message_id = question.get("message_id")
    assert message_id is not None
    await kees.client.press(
        kees.user_id,
        await kees.last_bot_message_id(),
        callback_data=f"vman:end:{piet.user_id}",
        forge=True,
    )
    await kees.expect_toast("Dit kunt u niet gebruiken.")
    await coordinator.press(question, "✖️ Yes, end it")
    await coordinator.expect("Piet is no longer a volunteer.")

    await piet.expect("Your time as a Samen volunteer has ended.")
    again = await kees.expect("Nieuw belverzoek #1", timeout=10)
    await kees.press(again, "🙋 Ik neem het")
    await kees.expect("Telefoon: 06 12 34 56 78")
    assert await bot.query(
        "SELECT count(*) FROM roles WHERE telegram_id = ? AND role = 'volunteer'",
        (piet.user_id,),
    ) == [(0,)]
    audit = await bot.query("SELECT actor_id, action, subject_id FROM audit_log")
    assert (COORDINATOR_ID, "role.revoked", piet.user_id) in audit
    assert sum(1 for row in audit if row[1] == "invite.created") == 2


async def test_a_resident_who_erases_their_data_withdraws_their_request(
    bot_any: SamenBot, team_any: Team
) -> None:
    bot = bot_any
    team = team_any
    anna, piet, _kees, _coordinator = team
    anna_id = await samen_id(bot, anna)
    await piet_takes_annas_call(team)

    await anna.say("/mydata")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "🗑 Alles wissen")
    await anna.press(await anna.expect("Weet u het zeker?"), "🗑 Ja, alles wissen")
    await anna.expect("Alles is gewist.")
    await piet.expect("No need to call", timeout=10)
    assert await bot.query(
        "SELECT count(*) FROM call_requests WHERE resident_id = ?", (anna_id,)
    ) == [(0,)]


async def test_names_with_html_characters_are_shown_as_written(
    bot: SamenBot, client: EmulatorClient
) -> None:
    """Telegram refuses a message whose HTML does not parse: a first name with "<" or
    "&" in it, unescaped, would leave the volunteer or the resident without a word."""
    anna = await Person(client, 700_000_001, "<Anna> & Co", "nl").join()
    piet = await Person(client, 700_000_011, "Piet <3", "en").join()
    coordinator = await Person(client, COORDINATOR_ID, "Carla", "en").join(opened=True)
    await onboard(coordinator, "✓ English", "✅ I agree")
    await join_as_volunteer(
        piet, await new_invite(coordinator), "✅ I agree", "Welcome to the team"
    )
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await ask_for_call(anna)
    offer = await piet.expect("New call request #1")
    await piet.press(offer, "🙋 I'll take it")
    details = await piet.expect("Phone: 06 12 34 56 78")
    assert "<Anna> & Co" in text_of(details)
    told = await anna.expect("Goed nieuws!")
    assert "Vrijwilliger Piet <3 belt u" in text_of(told)
