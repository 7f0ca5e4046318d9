"""The safety net climbs, end to end on a clock the test moves: the resident names an
emergency contact who agrees through the forwarded link; a missed check-in brings a
nudge, a volunteer task, then the contact (who answers "all is well"); without a
contact, the coordinators.

The resident's side runs on every channel (``john_any``); the contact, volunteers and
coordinators are on Telegram, and in one test the contact is on WhatsApp. On WhatsApp
a check-in, its reminder and the contact's message come as templates a day after the
person last wrote: answered by typing, and the contact's reply brings the two answers.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.db import Database
from bot.emulator.client import EmulatorClient, Entry
from bot.emulator.whatsapp import WhatsAppEmulatorClient
from bot.services import Services
from tests.conftest import FakeClock
from tests.e2e import checkins_helpers as shared
from tests.e2e.checkins_helpers import (
    MOODS,
    Someone,
    answer,
    cannot_reach,
    join,
    open_menu,
    recorded_as_sent,
    recorded_as_undelivered,
    run,
    said,
    subscribe,
    transcript,
)
from tests.e2e.conftest import ANNA_BSUID, COORDINATOR_ID
from tests.e2e.harness import Person, SamenBot, buttons_of
from tests.e2e.whatsapp_people import WhatsAppPerson

CHECKIN = datetime(2026, 12, 1, 9, 31, tzinfo=UTC)  # Tuesday 10:31 in Heemstede
INVITE = re.compile(r"(?:start=|/start )(ec[A-Za-z0-9_-]{16})")

# The shared fixtures, where pytest finds them (tests/e2e/checkins_helpers.py).
bot, bot_on_both, clock, coordinator = (
    shared.bot,
    shared.bot_on_both,
    shared.clock,
    shared.coordinator,
)


async def name_a_contact(john: Someone, anna: Someone) -> None:
    """John names Anna; the message he forwards carries the link she opens."""
    await john.press(await open_menu(john), "👤 Emergency contact")
    explained = await john.expect("You can name someone you trust")
    assert "only your first name" in said(explained)
    assert "You have no emergency contact yet." in said(explained)
    await john.press(explained, "➕ Name someone")
    await john.expect("What is their name?")
    # A menu tap now is not a name: the check-in menu opens, and nobody is invited.
    menu = await open_menu(john)
    await john.press(menu, "👤 Emergency contact")
    await john.press(await john.expect("You can name someone you trust"), "➕ Name someone")
    await john.expect("What is their name?")
    await john.say("my daughter Anna, who lives in Haarlem and visits on Sundays")
    await john.expect("Please type a short name")
    await john.say("my daughter Anna")
    await john.expect("forward the next message to my daughter Anna")
    invite = await john.expect("would like you to be their emergency contact")
    found = INVITE.search(said(invite))
    assert found is not None
    await john.expect("I will let you know when my daughter Anna says yes.")

    await anna.say(f"/start {found.group(1)}")
    question = await anna.expect("John vraagt u als noodcontact")
    assert "alleen het nummer van uw chat" in said(question)
    await anna.press(question, "✅ Ja, dat wil ik")
    thanks = await anna.expect("U bent nu noodcontact")
    assert buttons_of(thanks) == ["⏹ Stoppen als noodcontact"]
    await john.expect("my daughter Anna said yes")


def with_moods(person: Someone, entry: Entry) -> bool:
    """The mood choices, or on WhatsApp the check-in template (a day after John last
    wrote), which has none: he answers by typing."""
    if person.channel == "telegram":
        return buttons_of(entry) == MOODS
    return entry["template"]["name"] == "samen_checkin" and not buttons_of(entry)


async def miss_a_check_in(bot: SamenBot, john: Someone, clock: FakeClock) -> None:
    """A check-in arrives and is not answered: a nudge after an hour, then the task."""
    clock.now = CHECKIN
    await run(bot, "tick")
    checkin = await john.expect("How are you today?")
    assert with_moods(john, checkin)
    await recorded_as_sent(bot, "checkin")
    clock.now = CHECKIN + timedelta(hours=1, minutes=1)
    await run(bot, "climb")
    nudge = await john.expect("I have not heard from you yet today")
    assert with_moods(john, nudge)
    clock.now = CHECKIN + timedelta(hours=3, minutes=2)
    await run(bot, "climb")
    tasks = await bot.query(
        "SELECT r.first_name, c.status FROM call_requests c"
        " JOIN residents r ON r.telegram_id = c.resident_id"
    )
    assert tasks == [("John", "open")]


async def steps(bot: SamenBot) -> list[str]:
    return [r[0] for r in await bot.query("SELECT step FROM safety_steps ORDER BY id")]


async def test_the_ladder_reaches_the_emergency_contact_who_says_all_is_well(
    bot: SamenBot, john_any: Someone, anna: Person, coordinator: Person, clock: FakeClock
) -> None:
    await subscribe(bot, john_any, "Every day", "10:30", safety_net=True)
    await name_a_contact(john_any, anna)
    await miss_a_check_in(bot, john_any, clock)

    clock.now = CHECKIN + timedelta(hours=7, minutes=3)  # nobody took the call: 17:34
    await run(bot, "climb")
    told = await anna.expect("Samen kon John vandaag niet bereiken")
    assert "612345678" not in said(told) and "12 34" not in said(told)
    assert buttons_of(told) == ["✅ Alles is goed", "🚶 Ik ga even kijken"]
    await anna.press(told, "✅ Alles is goed")
    await anna.expect("alles goed is met John")
    assert await steps(bot) == ["nudge", "task", "contact", "well"]
    assert await bot.query("SELECT status FROM call_requests") == [("cancelled",)]

    clock.now = CHECKIN + timedelta(hours=10)
    await run(bot, "climb")
    assert "coordinators" not in await steps(bot)


async def test_a_contact_on_whatsapp_gets_the_message_as_a_template_and_answers(
    bot_on_both: SamenBot,
    john: Person,
    wa_client: WhatsAppEmulatorClient,
    coordinator: Person,
    clock: FakeClock,
) -> None:
    """John on Telegram, his daughter on WhatsApp: she agrees by the typed /start code,
    and a day later the message comes as a template; her reply brings the two answers."""
    bot = bot_on_both
    anna = await WhatsAppPerson(wa_client, ANNA_BSUID, "Anna").join()
    await subscribe(bot, john, "Every day", "10:30", safety_net=True)
    await name_a_contact(john, anna)
    await miss_a_check_in(bot, john, clock)

    clock.now = CHECKIN + timedelta(hours=7, minutes=3)
    await run(bot, "climb")
    told = await anna.expect("Samen kon John vandaag niet bereiken")
    assert told["template"]["name"] == "samen_emergency_contact" and not buttons_of(told)
    await anna.say("Wat moet ik doen?")
    again = await anna.expect("Samen kon John vandaag niet bereiken")
    assert buttons_of(again) == ["✅ Alles is goed", "🚶 Ik ga even kijken"]
    await anna.press(again, "🚶 Ik ga even kijken")
    await anna.expect("Dank u wel dat u gaat kijken")
    assert await steps(bot) == ["nudge", "task", "contact", "look"]
    await anna.say("Ik ben er")  # nothing waits for her answer any more
    assert "Samen kon John" not in said(await anna.expect())


async def test_without_a_contact_the_ladder_reaches_the_coordinators(
    bot: SamenBot, john_any: Someone, coordinator: Person, clock: FakeClock
) -> None:
    await subscribe(bot, john_any, "Every day", "10:30", safety_net=True)
    await miss_a_check_in(bot, john_any, clock)
    clock.now = CHECKIN + timedelta(hours=7, minutes=3)
    await run(bot, "climb")
    await run(bot, "escalate")  # the desk's own alert about the unclaimed task: not twice
    alert = await coordinator.expect("Vangnet: Samen kon John niet bereiken")
    assert "John heeft geen noodcontact in Samen." in said(alert)
    assert await steps(bot) == ["nudge", "task", "coordinators"]
    refs = [ref for (ref,) in await bot.query("SELECT ref FROM outbox WHERE kind = 'alert'")]
    assert [ref for ref in refs if ref.endswith(":unclaimed")] == []  # the desk left it
    assert len([ref for ref in refs if ref.endswith(":coordinators")]) == 1


async def test_the_contact_can_stop_and_the_resident_is_told(
    bot: SamenBot, john_any: Someone, anna: Person
) -> None:
    john = john_any
    await subscribe(bot, john, "Every day", "10:30", safety_net=True)
    await name_a_contact(john, anna)
    entries = await transcript(anna)
    thanks = [e for e in entries if "U bent nu noodcontact" in said(e)][-1]
    await anna.press(thanks, "⏹ Stoppen als noodcontact")
    await anna.expect("U bent geen noodcontact meer")
    await john.expect("my daughter Anna is no longer your emergency contact")
    await john.press(await open_menu(john), "👤 Emergency contact")
    assert "You have no emergency contact yet." in said(await john.expect("Emergency contact"))


async def test_a_late_answer_is_passed_on_to_the_contact(
    bot: SamenBot, john_any: Someone, anna: Person, coordinator: Person, clock: FakeClock
) -> None:
    john = john_any
    await subscribe(bot, john, "Every day", "10:30", safety_net=True)
    await name_a_contact(john, anna)
    await miss_a_check_in(bot, john, clock)
    clock.now = CHECKIN + timedelta(hours=7, minutes=3)
    await run(bot, "climb")
    await anna.expect("Samen kon John vandaag niet bereiken")
    entries = await transcript(john)
    sent = [e for e in entries if e.get("direction") == "out"]
    checkin = [e for e in sent if "How are you today?" in said(e)][-1]
    await answer(john, checkin, "🙂 Good")
    await anna.expect("Goed nieuws: John heeft net gereageerd")
    assert await steps(bot) == ["nudge", "task", "contact", "answered"]
    clock.now = CHECKIN + timedelta(hours=10)
    await run(bot, "climb")
    assert "coordinators" not in await steps(bot)


async def test_a_volunteer_who_gets_no_answer_twice_brings_the_contact_in(
    bot: SamenBot,
    john_any: Someone,
    anna: Person,
    client: EmulatorClient,
    coordinator: Person,
    clock: FakeClock,
) -> None:
    john = john_any
    await subscribe(bot, john, "Every day", "10:30", safety_net=True)
    await name_a_contact(john, anna)
    piet = await Person(client, 700_000_031, "Piet", "en").join()
    await join(bot, piet)
    db = await Database.open(bot.settings.database)
    try:
        services = Services.create(db, clock)
        async with db.transaction() as conn:  # as an approved application does it
            await services.volunteers.enrol(piet.user_id, "Piet", "en", COORDINATOR_ID, conn)
    finally:
        await db.close()

    await miss_a_check_in(bot, john, clock)
    offer = await piet.expect("New call request")
    assert "Did not answer a check-in" in said(offer)
    await piet.press(offer, "🙋 I'll take it")
    details = await piet.expect("Phone: 06 12 34 56 78")
    for attempt in (1, 2):
        await piet.press(details, "📵 No answer")
        await piet.expect(f"No answer so far: {attempt} of 3", where=lambda e: bool(e["edited"]))
    await run(bot, "climb")
    told = await anna.expect("Samen kon John vandaag niet bereiken")
    await anna.press(told, "🚶 Ik ga even kijken")
    await anna.expect("Dank u wel dat u gaat kijken")
    assert await steps(bot) == ["nudge", "task", "contact", "look"]


async def test_a_check_in_that_cannot_be_delivered_climbs_and_he_hears_it_when_he_writes(
    bot: SamenBot,
    john_any: Someone,
    client: EmulatorClient,
    wa_client: WhatsAppEmulatorClient,
    coordinator: Person,
    clock: FakeClock,
) -> None:
    """John blocked Samen: Telegram's 403, or WhatsApp's 'failed' status. The net treats
    the check-in as unanswered (no reminder: it would not arrive either): a volunteer's
    task that says why, then the coordinators. When he writes again he hears it, kindly,
    and the check-in menu says it too."""
    john = john_any
    await subscribe(bot, john, "Every day", "10:30", safety_net=True)
    await cannot_reach(john, client, wa_client)
    clock.now = CHECKIN
    await run(bot, "tick")
    await recorded_as_undelivered(bot, "checkin")
    clock.now = CHECKIN + timedelta(hours=1, minutes=1)
    assert (await run(bot, "climb")).nudged == 0  # type: ignore[attr-defined]
    clock.now = CHECKIN + timedelta(hours=3, minutes=2)
    await run(bot, "climb")  # or Samen's own climb, if it came first: one task either way
    assert await bot.query("SELECT topic, status FROM call_requests") == [
        ("undelivered_checkin", "open")
    ]
    assert (await run(bot, "climb")).tasks == 0  # type: ignore[attr-defined]
    clock.now = CHECKIN + timedelta(hours=7, minutes=3)  # nobody took it, no contact
    await run(bot, "climb")
    alert = said(await coordinator.expect("Vangnet: Samen kon John niet bereiken"))
    assert "Het berichtje van Samen kon niet worden bezorgd bij John" in alert
    assert await steps(bot) == ["task", "coordinators"]

    await cannot_reach(john, client, wa_client, blocked=False)
    await john.say("hello")
    notice = await john.expect("Samen could not deliver your check-in of today at 10:30")
    assert "a volunteer calls you when a check-in does not arrive" in said(notice)
    assert buttons_of(notice) == MOODS  # it can still be answered
    menu = said(await open_menu(john))
    assert "⚠️ Your check-in of today at 10:30 could not be delivered to you." in menu
    await john.say("hello again")
    await john.expect()
    await john.expect_silence(1.0)  # told once


async def enrol_piet(bot: SamenBot, client: EmulatorClient, clock: FakeClock) -> Person:
    """Piet, a volunteer on Telegram, enrolled as an approved application does it."""
    piet = await Person(client, 700_000_031, "Piet", "en").join()
    await join(bot, piet)
    db = await Database.open(bot.settings.database)
    try:
        services = Services.create(db, clock)
        async with db.transaction() as conn:
            await services.volunteers.enrol(piet.user_id, "Piet", "en", COORDINATOR_ID, conn)
    finally:
        await db.close()
    return piet


async def undelivered_day(bot: SamenBot, clock: FakeClock, day: int) -> int:
    """The check-in of that day (0: the first) cannot reach John; the tasks the net makes
    for it once the safety window is past."""
    clock.now = CHECKIN + timedelta(days=day)
    await run(bot, "tick")
    await recorded_as_undelivered(bot, "checkin")
    clock.now = CHECKIN + timedelta(days=day, hours=3, minutes=2)
    return (await run(bot, "climb")).tasks  # type: ignore[attr-defined,no-any-return]


async def test_a_blocked_resident_gets_one_call_not_one_every_day(
    bot: SamenBot,
    john_any: Someone,
    client: EmulatorClient,
    wa_client: WhatsAppEmulatorClient,
    coordinator: Person,
    clock: FakeClock,
) -> None:
    """John blocked Samen. The first check-in that cannot reach him brings Piet's call
    (he reaches him). The next ones bring no new call: the coordinators hear once that
    check-ins cannot reach John. When John writes again, a new silence is news again."""
    john = john_any
    await subscribe(bot, john, "Every day", "10:30", safety_net=True)
    piet = await enrol_piet(bot, client, clock)
    await cannot_reach(john, client, wa_client)
    assert await undelivered_day(bot, clock, 0) == 1
    offer = await piet.expect("New call request")
    await piet.press(offer, "🙋 I'll take it")
    details = await piet.expect("Phone: 06 12 34 56 78")
    await piet.press(details, "✅ Reached")
    await piet.expect("is closed: ✅ Reached", where=lambda e: bool(e["edited"]))

    assert await undelivered_day(bot, clock, 1) == 0
    told = said(await coordinator.expect("de check-ins van Samen komen niet aan bij John"))
    assert "niet elke dag opnieuw om te bellen" in told and "+31" not in told
    assert await undelivered_day(bot, clock, 2) == 0
    await coordinator.expect_silence(1.0)  # told once
    assert await bot.query("SELECT COUNT(*) FROM call_requests") == [(1,)]

    await cannot_reach(john, client, wa_client, blocked=False)
    await john.say("hello")
    await john.expect("Samen could not deliver your check-in")
    await cannot_reach(john, client, wa_client)
    assert await undelivered_day(bot, clock, 3) == 1
    await piet.expect("New call request")
