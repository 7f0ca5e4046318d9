"""Coordinator broadcasts end to end: compose, audience, preview, send now or later, cancel.

The coordinator is on Telegram; the residents who receive are on Telegram (polling,
webhook) or WhatsApp (``samen_any``, ``anna_any``/``john_any``). On WhatsApp a broadcast
reaches someone outside the 24-hour window as its template if they said yes to messages
Samen starts, else the report counts them as not sent. Photos (Telegram file ids) and
what only the coordinator sees stay on Telegram.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import to_iso, utc_now
from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.emulator.whatsapp import WhatsAppEmulatorClient
from bot.services import Services
from bot.services.roles import Role
from tests.conftest import FakeClock
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.either import Someone, press_data
from tests.e2e.harness import Person, SamenBot, buttons_of, samen_id, text_of
from tests.e2e.test_mydata import agree, onboard
from tests.e2e.whatsapp_people import WhatsAppPerson


async def coordinator(client: EmulatorClient) -> Person:
    return await Person(client, COORDINATOR_ID, "Coen", "en").join(opened=True)


async def residents(samen: SamenBot, anna: Someone, john: Someone) -> None:
    await agree(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await agree(samen, john, "✓ English", "✅ I agree")


async def compose(coen: Person, text: str, audience: str) -> None:
    await coen.say("/broadcast")
    await coen.expect("New announcement")
    await coen.say(text)
    choice = await coen.expect("Who should get this message?")
    await coen.press(choice, next(b for b in buttons_of(choice) if b.startswith(audience)))


async def test_send_now_to_all_residents(
    samen_any: SamenBot, client: EmulatorClient, anna_any: Someone, john_any: Someone
) -> None:
    samen, anna, john = samen_any, anna_any, john_any
    await residents(samen, anna, john)
    stopped = await Person(client, 700_000_099, "Stop", "nl").join()
    await onboard(stopped, "✓ Nederlands", "✅ Ik ga akkoord")
    await stopped.say("/mydata")
    await stopped.press(await stopped.expect("Wat Samen"), "🔕 Stop alle berichten")
    await stopped.press(
        await stopped.expect("Alle berichten stoppen?"), "🔕 Ja, stop alle berichten"
    )
    await stopped.expect("Berichten van Samen: gestopt")

    coen = await coordinator(client)
    await compose(coen, "Koffieochtend in de <b>bibliotheek</b>!", "All residents (2)")
    await coen.expect("Preview")
    preview = await coen.expect("Koffieochtend")
    # Typed tags are text, not formatting: shown exactly as the coordinator typed them.
    assert text_of(preview) == "Koffieochtend in de <b>bibliotheek</b>!"
    summary = await coen.expect("This goes to 2 people.")
    await coen.press(summary, "📤 Send now")
    confirm = await coen.expect("Send it now to 2 people?")
    await coen.press(confirm, "✅ Yes, send now")
    await coen.expect("On its way to 2 people.")

    for person in (anna, john):
        got = await person.expect("Koffieochtend")
        assert text_of(got) == text_of(preview)
    await stopped.expect_silence(1.0)
    report = await coen.expect("Broadcast finished", timeout=15)
    assert "Delivered: 2" in text_of(report)
    assert await samen.query("SELECT status, recipients FROM broadcasts") == [("done", 2)]
    audit = await samen.query("SELECT actor_id, action FROM audit_log")
    assert (COORDINATOR_ID, "broadcast.sent") in audit


async def test_a_photo_goes_out_with_its_caption_and_used_choices_go(
    samen: SamenBot, client: EmulatorClient, anna: Person, john: Person
) -> None:
    await residents(samen, anna, john)
    coen = await coordinator(client)
    await coen.say("/broadcast")
    await coen.expect("New announcement")
    await client.send_photo(coen.user_id, caption="Bingo in de <zaal>")
    choice = await coen.expect("Who should get this message?")
    await coen.press(choice, "All residents (2)")
    await coen.expect("Who should get this message?", where=lambda e: not buttons_of(e))
    await coen.expect("Preview")
    preview = await coen.expect("Bingo", where=lambda e: bool(e.get("photo")))
    assert text_of(preview) == "Bingo in de <zaal>"
    summary = await coen.expect("This goes to 2 people.")
    await coen.press(summary, "📤 Send now")
    # The choices are used up: they go, and the text stays as it was.
    await coen.expect("This goes to 2 people.", where=lambda e: bool(e.get("edited")))
    await coen.press(await coen.expect("Send it now to 2 people?"), "✅ Yes, send now")
    sent_photo = (preview.get("photo") or [{}])[-1]["file_id"]
    for person in (anna, john):
        got = await person.expect("Bingo", where=lambda e: bool(e.get("photo")))
        assert text_of(got) == "Bingo in de <zaal>"
        assert (got.get("photo") or [{}])[-1]["file_id"] == sent_photo
    assert await client.violations() == []


async def test_audiences_language_and_volunteers(
    samen_any: SamenBot, client: EmulatorClient, anna_any: Someone, john_any: Someone
) -> None:
    samen, anna, john = samen_any, anna_any, john_any
    await residents(samen, anna, john)
    db = await Database.open(samen.settings.database)
    try:
        john_id = await samen_id(samen, john)
        assert john_id is not None
        await Services.create(db, utc_now).roles.grant(john_id, Role.VOLUNTEER, None)
    finally:
        await db.close()
    coen = await coordinator(client)
    await compose(coen, "Alleen voor Nederlands", "Residents who read Dutch (1)")
    await coen.press(await coen.expect("This goes to 1 person."), "📤 Send now")
    await coen.press(await coen.expect("Send it now"), "✅ Yes, send now")
    await anna.expect("Alleen voor Nederlands")
    await compose(coen, "Volunteers meeting", "Volunteers (1)")
    await coen.press(await coen.expect("This goes to 1 person."), "📤 Send now")
    await coen.press(await coen.expect("Send it now"), "✅ Yes, send now")
    await john.expect("Volunteers meeting")
    await anna.expect_silence(1.0)


async def test_too_long_and_not_text(samen: SamenBot, client: EmulatorClient) -> None:
    coen = await coordinator(client)
    await coen.say("/broadcast")
    await coen.expect("New announcement")
    await client.send_sticker(coen.user_id)
    await coen.expect("Please send a text, or a photo with a caption.")
    await coen.say("x" * 4097)
    await coen.expect("Your message has 4,097 characters. Telegram allows at most 4,096.")
    await coen.say("/cancel")
    await coen.expect("What would you like to do?")
    assert await samen.query("SELECT count(*) FROM broadcasts") == [(0,)]


async def test_send_now_before_an_audience_is_chosen(
    samen: SamenBot, client: EmulatorClient
) -> None:
    """A forged or stale "send now" on a draft without an audience: answered once, kindly."""
    coen = await coordinator(client)
    await coen.say("/broadcast")
    await coen.expect("New announcement")
    await coen.say("Koffieochtend in de bibliotheek")
    choice = await coen.expect("Who should get this message?")
    ((draft_id,),) = await samen.query("SELECT id FROM broadcasts")
    message_id = choice.get("message_id")
    assert message_id is not None
    await client.press(coen.user_id, message_id, callback_data=f"bc:now:{draft_id}", forge=True)
    await coen.expect_toast("This button no longer works.")
    await coen.expect("That button no longer works. Here is the menu.")
    assert await client.violations() == []
    assert await samen.query("SELECT status FROM broadcasts") == [("draft",)]


async def test_only_coordinators(
    samen_any: SamenBot, client: EmulatorClient, anna_any: Someone, john_any: Someone
) -> None:
    samen, anna, john = samen_any, anna_any, john_any
    await residents(samen, anna, john)
    await anna.say("/broadcast")
    await anna.expect("alleen voor het team van Samen")
    await anna.say("/broadcasts")
    await anna.expect("alleen voor het team van Samen")

    coen = await coordinator(client)
    await compose(coen, "Echt bericht", "All residents (2)")
    summary = await coen.expect("This goes to 2 people.")
    broadcast_id = (await samen.query("SELECT id FROM broadcasts"))[0][0]
    for forged in (
        f"bc:go:{broadcast_id}",
        f"bcs:{broadcast_id}:4102444800",
        f"bc:drop:{broadcast_id}",
    ):
        await press_data(anna, forged)
        await anna.expect_toast("Dit kunt u niet gebruiken.")
    assert await samen.query("SELECT status FROM broadcasts") == [("draft",)]
    await john.expect_silence(0.5)
    await coen.press(summary, "✖️ Cancel")
    await coen.expect("The announcement is cancelled.")


async def test_plan_list_and_cancel(
    samen: SamenBot, client: EmulatorClient, anna: Person, john: Person
) -> None:
    await residents(samen, anna, john)
    coen = await coordinator(client)
    await compose(coen, "Later bericht", "All residents (2)")
    await coen.press(await coen.expect("This goes to 2 people."), "🕒 Send later")
    when = await coen.expect("When should it be sent?")
    await coen.press(when, buttons_of(when)[1])  # tomorrow 10:00
    confirm = await coen.expect("Send it tomorrow at")
    assert "10:00" in text_of(confirm)
    await coen.press(confirm, "✅ Yes, plan it")
    await coen.expect("Planned for")
    await coen.say("/broadcasts")
    listed = await coen.expect("planned for")
    assert "Later bericht" in text_of(listed)
    await coen.press(listed, "✖️ Cancel this one")
    await coen.expect("The announcement is cancelled.")
    assert await samen.query("SELECT status FROM broadcasts") == [("cancelled",)]


async def test_typed_time_and_scheduled_delivery(
    samen_with_clock: tuple[SamenBot, FakeClock],
    client: EmulatorClient,
    anna: Person,
    john: Person,
) -> None:
    samen, clock = samen_with_clock
    await residents(samen, anna, john)
    coen = await coordinator(client)
    await compose(coen, "Over een week", "All residents (2)")
    await coen.press(await coen.expect("This goes to 2 people."), "🕒 Send later")
    await coen.expect("When should it be sent?")
    await coen.say("32-13 25:00")
    await coen.expect("I could not read that")
    await coen.say("10:30")
    confirm = await coen.expect("Send it ")
    await coen.press(confirm, "✅ Yes, plan it")
    await coen.expect("Planned for")
    await anna.expect_silence(0.5)

    # A day later the scheduler's tick queues it; the running bot delivers it.
    clock.advance(days=1)
    db = await Database.open(samen.settings.database)
    try:
        assert await Services.create(db, clock).broadcasts.queue_due()
    finally:
        await db.close()
    await anna.expect("Over een week")
    await john.expect("Over een week")


async def test_stats_and_audit_for_coordinators_only(
    samen: SamenBot, client: EmulatorClient, anna: Person, john: Person
) -> None:
    await residents(samen, anna, john)
    coen = await coordinator(client)
    await coen.say("/stats")
    numbers = await coen.expect("Samen in numbers")
    assert "active now: 2" in text_of(numbers)
    chart = await coen.expect(where=lambda e: bool(e.get("photo")))
    photo = (chart.get("photo") or [{}])[-1]
    assert (await client.download(photo["file_id"])).startswith(b"\x89PNG")
    await coen.say("/audit")
    await coen.expect("Nothing has been recorded yet.")

    await anna.say("/stats")
    await anna.expect("alleen voor het team van Samen")
    await anna.say("/audit")
    await anna.expect("alleen voor het team van Samen")


async def test_area_audience_from_residents_postcodes(
    samen_any: SamenBot, client: EmulatorClient, anna_any: Someone, john_any: Someone
) -> None:
    samen, anna, john = samen_any, anna_any, john_any
    await residents(samen, anna, john)
    await anna.say("/mydata")
    overview = await anna.expect("Postcode: niet gegeven")
    await anna.press(overview, "📍 Geef mijn postcode")
    await anna.expect("Typ de 4 cijfers van uw postcode")
    await anna.say("hallo")
    await anna.expect("Dat is geen postcode.")
    await anna.say("1012 AB")
    await anna.expect("Postcode 1012 ken ik niet.")
    await anna.say("2101 ab")
    await anna.expect("Dank u wel. Uw postcode is 2101.")
    assert await samen.query(
        "SELECT postcode_area FROM residents WHERE telegram_id = ?",
        (await samen_id(samen, anna),),
    ) == [("2101",)]

    coen = await coordinator(client)
    await coen.say("/broadcast")
    await coen.expect("New announcement")
    await coen.say("Buurtkoffie in Heemstede-Noord")
    choice = await coen.expect("Who should get this message?")
    await coen.press(choice, "Residents of one area…")
    areas = await coen.expect(where=lambda e: "Postcode 2101 (1)" in buttons_of(e))
    await coen.press(areas, "Postcode 2101 (1)")
    await coen.press(await coen.expect("This goes to 1 person."), "📤 Send now")
    await coen.press(await coen.expect("Send it now"), "✅ Yes, send now")
    await anna.expect("Buurtkoffie in Heemstede-Noord")
    await john.expect_silence(1.0)

    await anna.say("/mydata")
    await anna.press(await anna.expect("Postcode: 2101"), "📍 Verwijder mijn postcode")
    await anna.expect_toast("Uw postcode is verwijderd.")
    assert await samen.query(
        "SELECT postcode_area FROM residents WHERE telegram_id = ?",
        (await samen_id(samen, anna),),
    ) == [(None,)]


async def test_help_shows_the_team_commands_only_to_the_team(
    samen_any: SamenBot, client: EmulatorClient, anna_any: Someone
) -> None:
    anna = anna_any
    coen = await coordinator(client)
    await coen.say("/help")
    help_text = text_of(await coen.expect("How Samen works"))
    assert "/broadcast" in help_text and "/stats" in help_text
    await anna.say("/help")
    resident_help = text_of(await anna.expect("Hoe Samen werkt"))
    assert "/broadcast" not in resident_help and "/tasks" not in resident_help


async def test_whatsapp_residents_outside_the_window_get_the_template_or_count_as_not_sent(
    samen_both: SamenBot, client: EmulatorClient, wa_client: WhatsAppEmulatorClient
) -> None:
    """WhatsApp only (its 24-hour window): Anna said yes to messages Samen starts and gets
    the broadcast template; John said no: the report counts him, never silently."""
    samen = samen_both
    anna = await WhatsAppPerson(wa_client, "NL.99901234567890123456", "Anna").join()
    john = await WhatsAppPerson(wa_client, "NL.99907654321098765432", "John").join()
    await agree(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord", opt_in=True)
    await agree(samen, john, "✓ English", "✅ I agree", opt_in=False)
    for person in (anna, john):  # a day without a word, for Samen and for WhatsApp
        await wa_client.last_wrote(person.bsuid, hours_ago=25)
    day_ago = to_iso(utc_now() - timedelta(hours=25))
    db = await Database.open(samen.settings.database)
    try:
        await db.execute("UPDATE whatsapp_people SET last_inbound_at = ?", (day_ago,))
    finally:
        await db.close()

    coen = await coordinator(client)
    await compose(coen, "Wandeling op zaterdag", "All residents (2)")
    await coen.press(await coen.expect("This goes to 2 people."), "📤 Send now")
    await coen.press(await coen.expect("Send it now"), "✅ Yes, send now")
    got = await anna.expect("Wandeling op zaterdag")
    assert got["template"]["name"] == "samen_broadcast"
    await john.expect_silence(1.0)
    report = text_of(await coen.expect("Broadcast finished", timeout=15))
    assert "Delivered: 1" in report and "Failed: 1" in report
