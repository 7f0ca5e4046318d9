"""Nothing reaches the wrong person after "Delete everything" (issue 10, item 1).

Before ids were unique for the life of the database, erasing the newest rows
handed their ids to the next people: outbox dedupe keys of the erased rows
swallowed the new messages, and old buttons acted on someone else's row. Each
test plays one case the issue describes, end to end through the emulator.

The residents of case (a) are on Telegram or WhatsApp (each WhatsApp person gets an id
of their own, never reused either); (b) and (c) are about a coordinator's questions and
broadcasts on Telegram.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.emulator.whatsapp import WhatsAppEmulatorClient
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.either import Someone
from tests.e2e.harness import Person, SamenBot, make_settings, text_of
from tests.e2e.test_broadcast import compose
from tests.e2e.test_call_requests import (
    START,
    FlowingClock,
    ask_for_call,
    join_as_volunteer,
    new_invite,
    onboard,
)
from tests.e2e.test_mydata import agree, all_rows_mentioning
from tests.e2e.whatsapp_people import WhatsAppPerson

SECOND_COORDINATOR = 900_000_002


@pytest.fixture
async def bot(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path
) -> AsyncIterator[SamenBot]:
    """Samen with two coordinators, on Saturday morning (moments to call are ahead)."""
    await Person(client, SECOND_COORDINATOR, "Bea", "en").join(opened=True)  # alerts reach her too
    settings = make_settings(
        emulator.url,
        tmp_path / "samen.sqlite3",
        SAMEN_COORDINATORS=f"{COORDINATOR_ID},{SECOND_COORDINATOR}",
    )
    samen = SamenBot(settings, clock=FlowingClock(START))
    await samen.start()
    yield samen
    await samen.stop()


@pytest.fixture(params=["polling", "whatsapp"])
def channel_mode(request: pytest.FixtureRequest) -> str:
    """The residents on Telegram or on WhatsApp."""
    return str(request.param)


@pytest.fixture
def clock() -> FlowingClock:
    return FlowingClock(START)


async def resident_on(
    channel: str, samen: SamenBot, people: tuple[EmulatorClient, WhatsAppEmulatorClient], n: int
) -> Someone:
    """The n-th resident (Dutch), onboarded on the channel."""
    name = ("Anna", "Bert", "Carl")[n]
    person: Someone = (
        WhatsAppPerson(people[1], f"NL.{n + 1:020d}", name)
        if channel == "whatsapp"
        else Person(people[0], 700_000_001 + n, name, "nl")
    )
    await person.join()
    await agree(samen, person, "✓ Nederlands", "✅ Ik ga akkoord")
    return person


async def resident(client: EmulatorClient, user_id: int, name: str) -> Person:
    person = await Person(client, user_id, name, "nl").join()
    await onboard(person, "✓ Nederlands", "✅ Ik ga akkoord")
    return person


async def erase(person: Someone, dutch: bool = True) -> None:
    """My data -> Delete everything -> yes."""
    if dutch:
        labels = ("Wat Samen over u bewaart", "🗑 Alles wissen", "Weet u het zeker?")
        yes, done = "🗑 Ja, alles wissen", "Alles is gewist."
    else:
        labels = ("What Samen stores about you", "🗑 Delete everything", "Are you sure?")
        yes, done = "🗑 Yes, delete everything", "Everything is deleted."
    overview, delete, question = labels
    await person.say("/mydata")
    await person.press(await person.expect(overview), delete)
    await person.press(await person.expect(question), yes)
    await person.expect(done)


async def test_call_backs_after_an_erasure_reach_the_volunteers(
    samen_any_on_clock: SamenBot,
    client: EmulatorClient,
    wa_client: WhatsAppEmulatorClient,
    channel_mode: str,
) -> None:
    """(a) A resident erases; the next two requests are still offered to the volunteer."""
    bot, people = samen_any_on_clock, (client, wa_client)
    coordinator = await Person(client, COORDINATOR_ID, "Carla", "en").join(opened=True)
    await onboard(coordinator, "✓ English", "✅ I agree")
    piet = await Person(client, 700_000_011, "Piet", "en").join()
    await join_as_volunteer(
        piet, await new_invite(coordinator), "✅ I agree", "Welcome to the team"
    )
    anna = await resident_on(channel_mode, bot, people, 0)
    await ask_for_call(anna)
    first_offer = await piet.expect("New call request #1")
    await anna.tap("📞 Bel mij")
    await anna.press(await anna.expect("U hebt al gevraagd"), "❌ Mijn verzoek intrekken")
    await anna.expect("Uw verzoek is ingetrokken.")
    await ask_for_call(anna, known=True)
    await piet.expect("New call request #2")

    await erase(anna)
    await piet.expect("No need to call", timeout=10)
    assert await bot.query("SELECT count(*) FROM call_requests") == [(0,)]

    bert = await resident_on(channel_mode, bot, people, 1)
    carl = await resident_on(channel_mode, bot, people, 2)
    await ask_for_call(bert)
    await piet.expect("New call request #3")
    await ask_for_call(carl)
    offer = await piet.expect("New call request #4")
    await piet.press(offer, "🙋 I'll take it")
    details = await piet.expect("Name: Carl")
    assert "Call request #4" in text_of(details)
    await carl.expect("Vrijwilliger Piet belt u")

    # Anna's old offer, pressed after all: her request is gone, and it says so.
    await client.press(piet.user_id, first_offer["message_id"] or 0, "task:claim:1", forge=True)
    await piet.expect_toast("This request is no longer open.")
    tasks = await bot.query("SELECT id, status FROM call_requests ORDER BY id")
    assert tasks == [(3, "open"), (4, "claimed")]


async def test_an_old_approve_button_never_makes_someone_else_a_volunteer(
    bot: SamenBot, client: EmulatorClient
) -> None:
    """(b) P applies and erases; Q applies: the coordinator is asked about Q, and
    Approve on P's old question refuses instead of making Q a volunteer."""
    coordinator = await Person(client, COORDINATOR_ID, "Carla", "en").join(opened=True)
    await onboard(coordinator, "✓ English", "✅ I agree")
    petra = await resident(client, 700_000_021, "Petra")
    await new_invite(coordinator)  # once, its audit entry held Petra's id
    await petra.tap("🤝 Ik wil helpen")
    await petra.press(await petra.expect("Wilt u helpen?"), "🙋 Ik wil vrijwilliger worden")
    await petra.expect("We hebben uw aanbod naar een coördinator gestuurd")
    petras_question = await coordinator.expect("Someone wants to become a volunteer")
    assert "Petra" in text_of(petras_question)
    ((petras_application,),) = await bot.query("SELECT id FROM volunteer_applications")

    await erase(petra)
    withdrawn = await coordinator.expect(
        "An application to become a volunteer was withdrawn.", where=lambda e: bool(e["edited"])
    )
    assert "Petra" not in text_of(withdrawn)

    quinten = await resident(client, 700_000_022, "Quinten")
    await quinten.tap("🤝 Ik wil helpen")
    await quinten.press(await quinten.expect("Wilt u helpen?"), "🙋 Ik wil vrijwilliger worden")
    await quinten.expect("We hebben uw aanbod naar een coördinator gestuurd")
    quintens_question = await coordinator.expect("Someone wants to become a volunteer")
    assert "Quinten" in text_of(quintens_question)

    # Approve on Petra's question, pressed after all (as if the edit had not arrived).
    await client.press(
        coordinator.user_id,
        petras_question["message_id"] or 0,
        f"appl:yes:{petras_application}",
        forge=True,
    )
    await coordinator.expect_toast("This button no longer works.")
    await coordinator.expect("That button no longer works. Here is the menu.")
    assert await bot.query("SELECT role FROM roles WHERE telegram_id = ?", (quinten.user_id,)) == []
    await quinten.expect_silence(1.0)

    await coordinator.press(quintens_question, "✅ Approve")
    await coordinator.expect("You approved Quinten", where=lambda e: bool(e["edited"]))
    await quinten.expect("Welkom in het team!")

    await bot.stop()  # the erasure scan, over every table (the audit log too)
    assert await all_rows_mentioning(bot, str(petra.user_id)) == []
    assert await all_rows_mentioning(bot, "Petra") == []


async def test_a_broadcast_after_its_authors_erasure_reaches_everyone(
    bot: SamenBot, client: EmulatorClient
) -> None:
    """(c) A coordinator's broadcast is erased with them; the next broadcast still
    reaches every resident, and its report counts only its own messages."""
    residents = [await resident(client, 700_000_031 + i, f"Inwoner{i}") for i in range(5)]
    coen = await Person(client, COORDINATOR_ID, "Coen", "en").join(opened=True)
    await onboard(coen, "✓ English", "✅ I agree")
    bea = Person(client, SECOND_COORDINATOR, "Bea", "en")  # in the emulator already

    await compose(coen, "Eerste bericht", "All residents (6)")
    summary = await coen.expect("This goes to 6 people.")
    ((draft_id,),) = await bot.query("SELECT id FROM broadcasts")
    # Another coordinator's press on Coen's draft (forged, or a stale id) does nothing.
    await bea.say("/help")
    help_text = await bea.expect()
    await client.press(bea.user_id, help_text["message_id"] or 0, f"bc:now:{draft_id}", forge=True)
    await bea.expect_toast("This button no longer works.")
    await bea.expect("That button no longer works.")
    await coen.press(summary, "📤 Send now")
    await coen.press(await coen.expect("Send it now to 6 people?"), "✅ Yes, send now")
    for person in residents:
        await person.expect("Eerste bericht")
    assert "Delivered: 6" in text_of(await coen.expect("Broadcast finished", timeout=15))

    await erase(coen, dutch=False)
    assert await bot.query("SELECT count(*) FROM broadcasts") == [(0,)]

    await compose(bea, "Tweede bericht", "All residents (5)")
    await bea.press(await bea.expect("This goes to 5 people."), "📤 Send now")
    await bea.press(await bea.expect("Send it now to 5 people?"), "✅ Yes, send now")
    for person in residents:
        await person.expect("Tweede bericht")
    report = text_of(await bea.expect("Broadcast finished", timeout=15))
    assert "Delivered: 5" in report and "Failed: 0" in report
