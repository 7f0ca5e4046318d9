"""Activities nearby, end to end: location, postcode or neighbourhood → the list (soonest
nearby first) → choices one tap away → details → back to the list or remind me; young
people's activities only on request; browsing without consent; the coordinator's
add/edit/hide.

Activities are on the conversation layer: the resident's side runs on every channel
(``town_any`` with ``anna_any``/``john_any``: Telegram polling and webhook, WhatsApp);
the coordinators' screens, forged Telegram buttons, and what typed text outside a
question means (``handlers.listen``, not yet on the layer) stay on Telegram (``town``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.activity_cli import import_file
from bot.clock import from_iso
from bot.db import Database
from bot.emulator.client import EmulatorClient, Entry
from bot.emulator.server import EmulatorServer
from bot.emulator.whatsapp import WhatsAppEmulator, WhatsAppEmulatorClient
from bot.services import Services
from bot.services.activities.reminders import Added
from tests.conftest import FakeClock
from tests.e2e.activities_helpers import (
    DATA,
    LIBRARY,
    NOW,
    Someone,
    begin,
    changed,
    choices,
    consent,
    distances,
    inline,
    options,
    pin_of,
    press_in,
    share_location,
)
from tests.e2e.conftest import COORDINATOR_ID, mode_settings, whatsapp_settings
from tests.e2e.harness import (
    Person,
    SamenBot,
    buttons_of,
    free_port,
    keyboard_of,
    make_settings,
    text_of,
)
from tests.e2e.test_mydata import all_rows_mentioning, onboard
from tests.e2e.whatsapp_people import WhatsAppPerson


async def _town(
    emulator: EmulatorServer,
    tmp_path: Path,
    mode: str,
    wa: tuple[WhatsAppEmulator, WhatsAppEmulatorClient] | None = None,
) -> AsyncIterator[tuple[SamenBot, FakeClock]]:
    """Samen with the example activities imported and a clock the test moves, reached in
    one of conftest's modes ("polling", "webhook", "whatsapp")."""
    clock = FakeClock(NOW)
    port = free_port()
    extra = whatsapp_settings(wa[0], port) if wa and mode == "whatsapp" else mode_settings(mode)
    settings = make_settings(
        emulator.url,
        tmp_path / "samen.sqlite3",
        SAMEN_COORDINATORS=str(COORDINATOR_ID),
        **extra,
    )
    db = await Database.open(settings.database)
    await db.migrate()
    for name in ("example_activities.csv", "example_activities.ics"):
        report = await import_file(db, DATA / name, name, "Europe/Amsterdam", clock)
        assert report.errors == []
    await db.close()
    bot = SamenBot(settings, clock=clock)
    await bot.start()
    if wa and mode == "whatsapp":
        await wa[1].set_webhook(f"http://127.0.0.1:{port}/whatsapp")
    yield bot, clock
    await bot.stop()


@pytest.fixture
async def town(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path
) -> AsyncIterator[tuple[SamenBot, FakeClock]]:
    """The town on Telegram (polling), for what is Telegram's or the coordinators' only."""
    async for running in _town(emulator, tmp_path, "polling"):
        yield running


@pytest.fixture
async def town_any(
    channel_mode: str,
    emulator: EmulatorServer,
    client: EmulatorClient,
    wa_emulator: WhatsAppEmulator,
    wa_client: WhatsAppEmulatorClient,
    tmp_path: Path,
) -> AsyncIterator[tuple[SamenBot, FakeClock]]:
    """The town in every way a resident reaches Samen (with anna_any / john_any)."""
    async for running in _town(emulator, tmp_path, channel_mode, (wa_emulator, wa_client)):
        yield running


async def test_location_list_details_and_reminder_across_restart(
    town_any: tuple[SamenBot, FakeClock], anna_any: Someone
) -> None:
    samen, clock = town_any
    anna = anna_any
    anna_id = await consent(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("🔎 Activiteiten")
    ask = await anna.expect("Waar zal ik zoeken?")
    if isinstance(anna, WhatsAppPerson):  # WhatsApp's own "Send location" button
        assert ask["interactive"]["type"] == "location_request_message"
        assert keyboard_of(await anna.expect("Meer keuzes")) == ["⬅️ Terug naar het menu"]
    else:
        assert keyboard_of(ask) == ["📍 Deel mijn locatie", "⬅️ Terug naar het menu"]
    places = await anna.expect("Kies een wijk:")
    assert "Geleerdenwijk" in buttons_of(places)
    if isinstance(anna, WhatsAppPerson):  # 18 neighbourhoods: ten rows, then the rest
        assert len(buttons_of(places)) == 10
        rest = await anna.expect("Meer keuzes")
        assert "🔔 Mijn herinneringen" in buttons_of(rest)
    else:
        assert "🔔 Mijn herinneringen" in buttons_of(places)

    await share_location(anna, *LIBRARY)
    back = await anna.expect("Ik zoek bij u in de buurt.")
    assert "🔎 Activiteiten" in keyboard_of(back)  # the menu is back
    first = await anna.expect("Activiteiten bij u in de buurt")  # the results, straight away
    text = text_of(first)
    assert "Tik op een activiteit" in text and len(distances(text)) == 5
    assert "1. <b>" not in text and "1. " in text  # HTML was rendered, not shown
    assert "Volgende ▶️" in buttons_of(first)
    # Babel, Dutch: a weekday and month in Dutch, a 24-hour time.
    assert re.search(r"(ma|di|wo|do|vr|za|zo) \d+ \w+\.? om \d\d:\d\d", text)

    await anna.press(first, "Volgende ▶️")
    second = await anna.expect("6. ", where=changed(anna))
    assert "◀️ Vorige" in buttons_of(second)

    # The coffee morning at the library: Tuesday 10:00 every week.
    await anna.press(second, "◀️ Vorige")
    again = await anna.expect("1. ", where=changed(anna))
    coffee = next(b for b in buttons_of(again) if "Koffieochtend" in b)
    await anna.press(again, coffee)
    venue = await anna.expect(where=lambda e: pin_of(e) is not None)
    assert pin_of(venue) == ("Koffieochtend in de bibliotheek", *LIBRARY)
    details = await anna.expect("Koffieochtend in de bibliotheek")
    body = text_of(details)
    assert "Volgende keer: dinsdag 1 december om 10:00–11:30" in body
    assert "Georganiseerd door WIJ Heemstede" in body and "023 512 3401" in body
    assert "Toegankelijk met een rolstoel: ja" in body and "gratis" in body
    assert buttons_of(details) == [
        "🔔 Herinner mij",
        "🤝 Ik ga liever niet alleen",
        "◀️ Terug naar de lijst",
    ]

    await anna.press(details, "🔔 Herinner mij")
    await anna.expect_toast("Herinnering staat klaar.")
    await anna.expect("U krijgt dinsdag 1 december om 08:00 een herinnering.")
    await anna.press(details, "🔔 Herinner mij")
    await anna.expect("U hebt hiervoor al een herinnering.")
    assert await samen.query(
        "SELECT status, starts_at, remind_at FROM activity_reminders WHERE telegram_id = ?",
        (anna_id,),
    ) == [("pending", "2026-12-01T09:00:00Z", "2026-12-01T07:00:00Z")]

    # Samen is down when the reminder falls due; it is sent once after the restart.
    # Anna last wrote three days before: on WhatsApp it comes as the reminder template.
    await samen.stop()
    clock.now = datetime(2026, 12, 1, 7, 5, tzinfo=UTC)
    await samen.start()
    reminder = await anna.expect("Herinnering", timeout=15)
    assert "Koffieochtend in de bibliotheek" in text_of(reminder)
    assert "vandaag om 10:00" in text_of(reminder)  # sent at 08:05 the same day
    if isinstance(anna, WhatsAppPerson):
        assert reminder["template"]["name"] == "samen_reminder"
    await samen.restart()
    await anna.expect_silence(3)
    assert await samen.query(
        "SELECT count(*) FROM outbox WHERE recipient_id = ? AND kind = 'reminder'",
        (anna_id,),
    ) == [(1,)]


async def test_reminders_are_listed_and_cancelled(
    town_any: tuple[SamenBot, FakeClock], john_any: Someone
) -> None:
    john = john_any
    samen, _clock = town_any
    john_id = await consent(samen, john, "✓ English", "✅ I agree")
    await john.say("2101")
    await choices(john, await john.expect("Activities near postcode 2101"))
    filters = await john.expect("postcode 2101", where=changed(john))
    await press_in(john, filters, "🎲 Games and cards")
    ticked = await john.expect("Activities near postcode 2101", where=changed(john))
    assert "✓ 🎲 Games and cards" in await options(john, ticked)
    await press_in(john, ticked, "🔎 Show activities")
    games = await john.expect("Tap an activity", where=changed(john))
    assert "Bridge afternoon" in text_of(games)
    await john.press(games, next(b for b in buttons_of(games) if "Bridge" in b))
    details = await john.expect("Bridge afternoon")
    await john.press(details, "🔔 Remind me")
    confirmed = await john.expect("Your reminder comes Monday 30 November at 11:30.")
    await john.press(confirmed, "🔔 My reminders")
    listed = await john.expect("Your reminders")
    assert "1. Bridge afternoon – Mon 30 Nov at 13:30" in text_of(listed)
    await john.press(listed, "❌ Cancel reminder 1")
    await john.expect_toast("Reminder cancelled.")
    await john.expect("You have no reminders.", where=changed(john))
    assert await samen.query(
        "SELECT status FROM activity_reminders WHERE telegram_id = ?", (john_id,)
    ) == [("cancelled",)]


async def test_reminders_say_they_are_not_sent_while_messages_are_stopped(
    town_any: tuple[SamenBot, FakeClock], john_any: Someone
) -> None:
    john = john_any
    samen, _clock = town_any
    await consent(samen, john, "✓ English", "✅ I agree")
    await john.say("2101")
    found = await john.expect("Activities near postcode 2101")
    await john.press(found, buttons_of(found)[0])
    details = await john.expect("Next time")
    await john.press(details, "🔔 Remind me")
    confirmed = await john.expect("Your reminder comes")
    await john.press(confirmed, "🔔 My reminders")
    assert "messages are stopped" not in text_of(await john.expect("Your reminders"))
    await john.say("/mydata")
    await john.press(await john.expect("What Samen stores about you"), "🔕 Stop all messages")
    question = await john.expect("Stop all messages?")
    assert "no reminders for activities" in text_of(question)
    await john.press(question, "🔕 Yes, stop all messages")
    await john.expect("Messages from Samen: stopped")
    await john.press(confirmed, "🔔 My reminders")
    listed = await john.expect("Your reminders")
    assert "Your messages are stopped, so these reminders are not sent." in text_of(listed)


async def test_more_than_a_hundred_reminders(
    town: tuple[SamenBot, FakeClock], client: EmulatorClient, john: Person, tmp_path: Path
) -> None:
    """Every reminder is listed in messages Telegram accepts; buttons stop at 100."""
    samen, clock = town
    await onboard(john, "✓ English", "✅ I agree")
    rows = "".join(
        f"d{n},Daily walk {n} with a rather long name to make the lines long,WIJ,sport,"
        f'Bibliotheek,"Julianaplein 1, 2101 EA Heemstede",52.3574,4.6222,'
        f"2026-11-30 10:00,11:00,FREQ=DAILY,,gratis\n"
        for n in range(3)
    )
    path = tmp_path / "daily.csv"
    path.write_text(
        "id,title_nl,organiser,kind,place,address,lat,lon,start,end,rrule,exdates,cost\n" + rows,
        encoding="utf-8",
    )
    db = await Database.open(samen.settings.database)
    try:
        assert (await import_file(db, path, "daily.csv", "Europe/Amsterdam", clock)).errors == []
        services = Services.create(db, clock)
        occurrences = await db.fetchall(
            "SELECT o.activity_id, o.starts_at FROM activity_occurrences o"
            " JOIN activities a ON a.id = o.activity_id WHERE a.source = 'daily.csv'"
            " ORDER BY o.starts_at LIMIT 120"
        )
        for activity_id, starts_at in occurrences:
            added, _at = await services.reminders.add(
                john.user_id, activity_id, from_iso(starts_at), timedelta(hours=2)
            )
            assert added is Added.ADDED
    finally:
        await db.close()
    await john.client.press(
        john.user_id, await john.last_bot_message_id(), callback_data="al:list", forge=True
    )
    first = await john.expect("Your reminders")
    last = await john.expect("… and 20 more.")
    assert len(text_of(first)) <= 4096 and len(text_of(last)) <= 4096
    assert "1. Daily walk" in text_of(first) and "100. Daily walk" in text_of(last)
    assert len(buttons_of(last)) == 100 and buttons_of(last)[-1] == "❌ Cancel reminder 100"
    await john.press(last, "❌ Cancel reminder 1")
    await john.expect_toast("Reminder cancelled.")
    again = await john.expect("… and 19 more.")
    assert len(buttons_of(again)) == 100


async def test_postcode_forms_and_unknown_postcodes(
    town_any: tuple[SamenBot, FakeClock], john_any: Someone
) -> None:
    john = john_any
    await begin(john)
    for typed, shown in (("2101ab", "2101 AB"), ("2101 AB", "2101 AB"), ("2103", "2103")):
        await john.say(typed)
        await john.expect(f"I will look near postcode {shown}.")
        await john.expect(f"Activities near postcode {shown[:4]}")
    await john.say("9999 ZZ")
    unknown = await john.expect("I do not know postcode 9999 ZZ.")
    assert "Heemstede, Bennebroek, Aerdenhout, Bloemendaal, Haarlem" in text_of(unknown)
    await john.say("210")
    await john.expect("That is not a postcode. A postcode has 4 digits")
    await john.say("2101 SS")  # letters never issued in Dutch postcodes
    await john.expect("That is not a postcode.")


async def test_neighbourhood_without_consent_stores_nothing(
    town: tuple[SamenBot, FakeClock], client: EmulatorClient
) -> None:
    """Telegram: “No, thank you” at onboarding is not on WhatsApp yet, and there
    Samen keeps the WhatsApp id itself (whatsapp_people) before any consent."""
    samen, clock = town
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # Monday: "this week" is a whole week
    greet = await Person(client, 700_000_033, "Greet", "nl").join()
    await greet.say("/start")
    await greet.press(await greet.expect(), "✓ Nederlands")
    notice = await greet.expect(where=lambda e: bool(buttons_of(e)))
    await greet.press(notice, "Nee, liever niet")
    menu = await greet.expect("Samen heeft niets over u bewaard")
    assert "🔎 Activiteiten" in keyboard_of(menu)

    await greet.tap("🔎 Activiteiten")
    places = await greet.expect("Kies een wijk:")
    assert "🔔 Mijn herinneringen" not in buttons_of(places)
    await greet.press(places, "Geleerdenwijk")
    await greet.expect("Ik zoek in en bij Geleerdenwijk.")
    listed = await greet.expect("Activiteiten in en bij Geleerdenwijk")
    await greet.press(listed, "⚙️ Keuzes veranderen")
    filters = await greet.expect("Geleerdenwijk", where=lambda e: bool(e.get("edited")))
    await greet.press(filters, "💶 Alleen gratis activiteiten")
    free = await greet.expect("Geleerdenwijk", where=lambda e: bool(e.get("edited")))
    await greet.press(free, "Deze week")
    week = await greet.expect("Geleerdenwijk", where=lambda e: bool(e.get("edited")))
    assert "✓ Deze week" in buttons_of(week) and "✓ 💶 Alleen gratis activiteiten" in buttons_of(
        week
    )
    await greet.press(week, "🔎 Laat activiteiten zien")
    results = await greet.expect("alleen gratis", where=lambda e: bool(e.get("edited")))
    assert "€" not in text_of(results)
    await greet.press(results, buttons_of(results)[0])
    details = await greet.expect("Georganiseerd door", where=lambda e: bool(buttons_of(e)))
    await greet.press(details, "🔔 Herinner mij")
    await greet.expect("Daarvoor is eerst uw toestemming nodig.")
    await greet.press(details, "🤝 Ik ga liever niet alleen")
    await greet.expect("U kunt ook contact opnemen met de organisator")

    await samen.stop()
    assert await all_rows_mentioning(samen, str(greet.user_id)) == []
    assert await samen.query("SELECT count(*) FROM activity_reminders") == [(0,)]


async def test_forged_and_stale_search_buttons(town: object, john: Person) -> None:
    """Telegram: forged callback data (WhatsApp's emulator sends only ids it offered)."""
    await john.say("/start")
    await john.say("2101")
    results = await john.expect("Activities near postcode 2101")
    message_id = results.get("message_id")
    assert message_id is not None
    for forged in (
        "as:p9999:all:a:0:0",
        "as:nunknown:all:a:0:0",
        "af:p2101:x:a:0",
        "af:p2101:all:a:4",
        "ap:x",
    ):
        await john.client.press(john.user_id, message_id, callback_data=forged, forge=True)
        await john.expect_toast("This button no longer works.")
        await john.expect("That button no longer works.")
    await john.client.press(john.user_id, message_id, callback_data="ad:999999", forge=True)
    await john.expect_toast("This activity is no longer in the list.")
    await john.expect("Sorry, this activity is no longer in the list.")
    # Somebody else's reminder cannot be cancelled.
    await john.client.press(john.user_id, message_id, callback_data="ax:1", forge=True)
    await john.expect("That button no longer works.")


# --------------------------------------------------------------------------- coordinators


async def answer(coen: Person, text: str, expect: str) -> Entry:
    await coen.say(text)
    return await coen.expect(expect)


async def test_coordinator_adds_edits_and_hides(
    town: tuple[SamenBot, FakeClock], client: EmulatorClient, john: Person
) -> None:
    samen, clock = town
    coen = await Person(client, COORDINATOR_ID, "Coen", "en").join(opened=True)
    await coen.say("/activities")
    manage = await coen.expect("Manage activities")
    await coen.press(manage, "➕ Add an activity")
    await coen.expect("I will ask 12 short questions")
    await coen.expect("Question 1 of 12")
    await answer(coen, "Schaakclub voor iedereen", "Question 2 of 12")
    question = await answer(coen, "Leer schaken of speel een potje.", "Question 3 of 12")
    await coen.press(question, "🎲 Games and cards")
    await coen.expect("Question 4 of 12")
    await answer(coen, "Schaakclub Heemstede", "Question 5 of 12")
    await answer(coen, "Wijkcentrum Merlenhoven", "Question 6 of 12")
    pin = await answer(coen, "Merlenhovenlaan 2, 2106 AA Heemstede", "Question 7 of 12")
    # A restart in the middle loses no answers.
    await samen.restart()
    await coen.press(pin, "Use the postcode of the address")
    await coen.expect("Question 8 of 12")
    await answer(coen, "31-11-2026 19:00", "This is not a date I can read. Please try again.")
    await answer(coen, "2-12-2026 19:00", "Question 9 of 12")
    repeat = await answer(coen, "21:30", "Question 10 of 12")
    await coen.press(repeat, "Every week")
    cost = await coen.expect("Question 11 of 12")
    await coen.press(cost, "Free")
    phone = await coen.expect("Question 12 of 12")
    await coen.say("12345")
    await coen.expect("This is not a phone number. Please try again.")
    await coen.press(phone, "Skip")
    summary = await coen.expect("Is this right?")
    assert "First time: Wednesday 2 December at 19:00" in text_of(summary)
    assert "Every week" in text_of(summary)
    await coen.press(summary, "✅ Save")
    await coen.expect("Saved. Residents can find it now.")
    details = await coen.expect("Schaakclub voor iedereen", where=lambda e: bool(buttons_of(e)))
    assert "source: added in Samen" in text_of(details)
    assert f"Last change: today at 15:30 by {COORDINATOR_ID}" in text_of(details)
    activity_id = int(re.findall(r"Number (\d+)", text_of(details))[0])

    await coen.press(details, "✏️ Change")
    which = await coen.expect("What do you want to change")
    await coen.press(which, "Title (English)")
    await coen.expect("What is the activity called in English?")
    await answer(coen, "Chess club for everyone", "✅ Saved.")
    changed = await coen.expect("Chess club for everyone", where=lambda e: bool(buttons_of(e)))

    await coen.press(changed, "✏️ Change")
    which = await coen.expect("What do you want to change")
    await coen.press(which, "For whom")
    audiences = await coen.expect("Who is it meant for?")
    assert "Now: 👥 For everyone" in text_of(audiences)
    await coen.press(audiences, "🧑 For young people (12-18)")
    await coen.expect("✅ Saved.")
    changed = await coen.expect("🧑 For young people (12-18)", where=lambda e: bool(buttons_of(e)))

    # A resident finds it (in English), nearest to Merlenhoven, when asking for
    # young people's activities too.
    await john.say("2106")
    await choices(john, await john.expect("Activities near postcode 2106"))
    filters = await john.expect("postcode 2106", where=lambda e: bool(e.get("edited")))
    await press_in(john, filters, "🎲 Games and cards")
    games = await john.expect("postcode 2106", where=lambda e: bool(e.get("edited")))
    await john.press(games, "🔎 Show activities")
    listed = await john.expect("Tap an activity", where=lambda e: bool(e.get("edited")))
    assert "Chess club" not in text_of(listed)
    await choices(john, listed)
    filters = await john.expect("postcode 2106", where=lambda e: bool(e.get("edited")))
    await press_in(john, filters, "🧑 Also for young people (12-18)")
    ticked = await john.expect("postcode 2106", where=lambda e: bool(e.get("edited")))
    assert "✓ 🧑 Also for young people (12-18)" in buttons_of(ticked)
    await press_in(john, ticked, "🔎 Show activities")
    listed = await john.expect("Tap an activity", where=lambda e: bool(e.get("edited")))
    assert "Chess club for everyone" in text_of(listed)
    assert "🧑 For young people (12-18)" in text_of(listed)
    assert "also for young people" in text_of(listed)

    await coen.press(changed, "🙈 Hide")
    await coen.expect_toast("Hidden. Residents no longer see it.")
    hidden = await coen.expect("Hidden by a coordinator", where=lambda e: bool(e.get("edited")))
    assert "👁 Show again" in buttons_of(hidden)
    await john.press(listed, "⚙️ Change choices")
    again = await john.expect("postcode 2106", where=lambda e: bool(e.get("edited")))
    await john.press(again, "🔎 Show activities")
    gone = await john.expect("Tap an activity", where=lambda e: bool(e.get("edited")))
    assert "Chess club" not in text_of(gone)
    # The old button of the hidden activity tells the resident kindly.
    chess = next(data for label, data in inline(listed) if "Chess" in label)
    listed_id = listed.get("message_id")
    assert listed_id is not None
    await john.client.press(john.user_id, listed_id, callback_data=chess, forge=True)
    await john.expect("Sorry, this activity is no longer in the list.")

    history = await samen.query(
        "SELECT changed_by, action, detail FROM activity_changes WHERE activity_id = ? ORDER BY id",
        (activity_id,),
    )
    assert history == [
        (COORDINATOR_ID, "add", ""),
        (COORDINATOR_ID, "edit", "title_en"),
        (COORDINATOR_ID, "edit", "audience"),
        (COORDINATOR_ID, "hide", ""),
    ]
    audit = await samen.query(
        "SELECT actor_id, action FROM audit_log WHERE subject_id = ? ORDER BY id", (activity_id,)
    )
    assert audit == [
        (COORDINATOR_ID, "activity.add"),
        (COORDINATOR_ID, "activity.edit"),
        (COORDINATOR_ID, "activity.edit"),
        (COORDINATOR_ID, "activity.hide"),
    ]
    del clock


async def test_an_old_skip_button_is_answered_once(
    town: tuple[SamenBot, FakeClock], client: EmulatorClient
) -> None:
    """ "Skip" under question 2, pressed at question 3 (which cannot be skipped): the kind
    "no longer works" answer, the question stays open, and the query is answered once."""
    coen = await Person(client, COORDINATOR_ID, "Coen", "en").join(opened=True)
    await coen.say("/activities")
    manage = await coen.expect("Manage activities")
    await coen.press(manage, "➕ Add an activity")
    await coen.expect("Question 1 of 12")
    second = await answer(coen, "Schaakclub voor iedereen", "Question 2 of 12")
    assert "Skip" in buttons_of(second)
    third = await answer(coen, "Leer schaken of speel een potje.", "Question 3 of 12")
    await coen.press(second, "Skip")
    await coen.expect_toast("This button no longer works.")
    await coen.expect("That button no longer works. Here is the menu.")
    await coen.press(third, "🎲 Games and cards")
    await coen.expect("Question 4 of 12")
    assert await client.violations() == []


async def test_coordinator_actions_refused_to_others(
    town: tuple[SamenBot, FakeClock], john: Person
) -> None:
    samen, _clock = town
    await onboard(john, "✓ English", "✅ I agree")
    await john.say("/activities")
    await john.expect("Sorry, this is only for the Samen team.")
    await john.say("2101")
    await choices(john, await john.expect("Activities near postcode 2101"))
    filters = await john.expect("postcode 2101", where=lambda e: bool(e.get("edited")))
    message_id = filters.get("message_id")
    assert message_id is not None
    for forged in ("ah:1:hide", "am:add", "ae:1", "aef:1:title_nl", "am:hidden"):
        await john.client.press(john.user_id, message_id, callback_data=forged, forge=True)
        await john.expect_toast("This is not available for you.")
        await john.expect("Sorry, this is only for the Samen team.")
    assert await samen.query(
        "SELECT count(*) FROM activity_changes WHERE changed_by IS NOT NULL"
    ) == [(0,)]
    assert await samen.query("SELECT count(*) FROM activities WHERE hidden_by IS NOT NULL") == [
        (0,)
    ]
    assert await samen.query("SELECT count(*) FROM activity_drafts") == [(0,)]


async def test_reminder_after_the_activity_was_hidden_warns(
    town_any: tuple[SamenBot, FakeClock], john_any: Someone
) -> None:
    john = john_any
    samen, clock = town_any
    await consent(samen, john, "✓ English", "✅ I agree")
    await john.say("2104")
    await choices(john, await john.expect("Activities near postcode 2104"))
    filters = await john.expect("postcode 2104", where=changed(john))
    await press_in(john, filters, "🍽 Eating together")
    meals = await john.expect("postcode 2104", where=changed(john))
    await press_in(john, meals, "🔎 Show activities")
    listed = await john.expect("Tap an activity", where=changed(john))
    await john.press(listed, next(b for b in buttons_of(listed) if "Dinner together" in b))
    details = await john.expect("Dinner together at the Princehof")
    await john.press(details, "🔔 Remind me")
    await john.expect("Your reminder comes Thursday 3 December at 15:30.")
    rows = await samen.query("SELECT activity_id FROM activity_reminders")
    await samen.stop()
    db = await Database.open(samen.settings.database)
    await db.execute("UPDATE activities SET hidden_by = 'source' WHERE id = ?", rows[0])
    await db.execute("DELETE FROM activity_occurrences WHERE activity_id = ?", rows[0])
    await db.close()
    clock.now = datetime(2026, 12, 3, 14, 31, tzinfo=UTC) + timedelta(seconds=1)
    await samen.start()
    warning = await john.expect("is no longer in Samen's list", timeout=15)
    assert "Please check with Kennemerhart before you go." in text_of(warning)


async def test_rather_not_go_alone_becomes_a_call_back_about_activities(
    town_any: tuple[SamenBot, FakeClock], anna_any: Someone, client: EmulatorClient
) -> None:
    """Anna on any channel; the coordinator (Coen) on Telegram."""
    samen, _clock = town_any
    anna = anna_any
    coen = await Person(client, COORDINATOR_ID, "Coen", "nl").join(opened=True)
    anna_id = await consent(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("🔎 Activiteiten")
    places = await anna.expect("Kies een wijk:")
    await anna.press(places, next(b for b in buttons_of(places) if b != "🔔 Mijn herinneringen"))
    results = await anna.expect("Tik op een activiteit")
    await anna.press(results, buttons_of(results)[0])
    details = await anna.expect(where=lambda e: "🤝 Ik ga liever niet alleen" in buttons_of(e))
    await anna.press(details, "🤝 Ik ga liever niet alleen")
    offer = await anna.expect("Een vrijwilliger kan u bellen")
    await anna.press(offer, "📞 Ja, een vrijwilliger mag mij bellen")
    await anna.expect("Op welk nummer")
    await anna.say("06 1234 5678")
    moments = await anna.expect("Wanneer wilt u gebeld worden?")
    await anna.press(moments, buttons_of(moments)[0])
    confirmed = await anna.expect("Uw verzoek is binnen.")
    assert "Waar wilt u over praten?" not in text_of(confirmed)  # the topic was already known
    assert await samen.query(
        "SELECT topic, status FROM call_requests WHERE resident_id = ?", (anna_id,)
    ) == [("activities", "open")]
    await coen.expect("geen vrijwilliger")  # nobody on duty: the coordinator hears it


async def open_details(person: Someone, postcode: str, kind: str, title: str) -> Entry:
    """Search near a postcode for one kind and open the details of one activity."""
    await person.say(postcode)
    await choices(person, await person.expect(f"Activities near postcode {postcode}"))
    filters = await person.expect(postcode, where=changed(person))
    await press_in(person, filters, kind)
    ticked = await person.expect(postcode, where=changed(person))
    await press_in(person, ticked, "🔎 Show activities")
    listed = await person.expect("Tap an activity", where=changed(person))
    await person.press(listed, next(b for b in buttons_of(listed) if title in b))
    return await person.expect(title)


async def test_a_reminder_never_comes_in_quiet_hours(
    town_any: tuple[SamenBot, FakeClock], john_any: Someone
) -> None:
    """Thursday 09:00: two hours before is 07:00, inside quiet hours (21:00-08:00), and
    08:00 leaves too little time, so the reminder comes the evening before, and says so."""
    john = john_any
    samen, clock = town_any
    await consent(samen, john, "✓ English", "✅ I agree")
    details = await open_details(john, "2101", "🤝 Volunteering", "Helping at the food bank")
    await john.press(details, "🔔 Remind me")
    confirmed = await john.expect("Your reminder comes Wednesday 2 December at 20:30.")
    assert "That is earlier than usual: between 21:00 and 08:00 Samen sends nothing." in text_of(
        confirmed
    )
    assert await samen.query("SELECT remind_at FROM activity_reminders") == [
        ("2026-12-02T19:30:00Z",)
    ]
    # Reminders are looked for every 30 s, and once at the start: restarted at 20:30:01,
    # Samen does not wait for the next look (which could come after this test's patience).
    await samen.stop()
    clock.now = datetime(2026, 12, 2, 19, 30, 1, tzinfo=UTC)
    await samen.start()
    reminder = await john.expect("Reminder", timeout=15)
    assert "tomorrow at 09:00" in text_of(reminder)


async def test_a_reminder_too_late_for_tonight_offers_the_next_time(
    town_any: tuple[SamenBot, FakeClock], john_any: Someone
) -> None:
    john = john_any
    samen, clock = town_any
    clock.now = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # Tuesday 17:30; the café is at 19:00
    await consent(samen, john, "✓ English", "✅ I agree")
    details = await open_details(john, "2101", "📚 Learning and library", "Dutch language café")
    await john.press(details, "🔔 Remind me")
    late = await john.expect("This starts soon, at 19:00, so a reminder would come too late.")
    assert "The next time is Tuesday 8 December at 19:00." in text_of(late)
    assert buttons_of(late) == ["🔔 Remind me next time", "🔔 My reminders"]
    await john.press(late, "🔔 Remind me next time")
    await john.expect("Your reminder comes Tuesday 8 December at 17:00.")
    assert await samen.query("SELECT starts_at FROM activity_reminders") == [
        ("2026-12-08T18:00:00Z",)
    ]


async def test_asked_for_a_postcode_every_text_gets_an_answer_about_it(
    town: tuple[SamenBot, FakeClock], anna: Person
) -> None:
    """Asked where to look, any text is an answer to that question; "21O1" (a letter O)
    is read as 2101, here and under My data.
    Telegram while typed text outside a question (“hallo”) is read by
    handlers.listen, which is not on the conversation layer yet."""
    samen, _clock = town
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("🔎 Activiteiten")
    await anna.expect("Kies een wijk:")
    for typed in ("Heemstede", "bij de bieb"):
        await anna.say(typed)
        answer = await anna.expect("moet ik weten waar u bent")
        assert "Typ uw postcode" in text_of(answer) and "2101 AB" in text_of(answer)
    await anna.say("21O1")
    await anna.expect("Ik zoek in de buurt van postcode 2101.")
    await anna.expect("Activiteiten bij postcode 2101")
    # The question is answered: later text is no longer taken as a place.
    await anna.say("hallo")
    await anna.expect("Hallo! Fijn dat u schrijft.")

    await anna.say("/mydata")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "📍 Geef mijn postcode")
    await anna.say("21O1")
    await anna.expect("Dank u wel. Uw postcode is 2101.")
    assert await samen.query(
        "SELECT postcode_area FROM residents WHERE telegram_id = ?", (anna.user_id,)
    ) == [("2101",)]


async def test_a_menu_tap_closes_the_question_where_to_look(
    town: tuple[SamenBot, FakeClock], anna: Person
) -> None:
    """Telegram: “hallo” afterwards is handlers.listen's (not on the layer yet)."""
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("🔎 Activiteiten")
    await anna.expect("Kies een wijk:")
    await anna.tap("⬅️ Terug naar het menu")
    await anna.expect()
    await anna.say("hallo")
    await anna.expect("Hallo! Fijn dat u schrijft.")


async def test_crisis_words_while_asked_where_get_113_and_112_first(
    town: tuple[SamenBot, FakeClock], anna: Person
) -> None:
    """Telegram: crisis words are handlers.listen's (not on the layer yet); the
    question does not accept them (``where.about_a_place``), so they reach it."""
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("🔎 Activiteiten")
    await anna.expect("Kies een wijk:")
    await anna.say("ik wil niet meer leven")
    answer = text_of(await anna.expect("113"))
    assert "112" in answer and "postcode" not in answer


async def test_this_week_ends_on_sunday(
    town_any: tuple[SamenBot, FakeClock], john_any: Someone
) -> None:
    """On Saturday, "this week" is the weekend: nothing from Monday on."""
    john = john_any
    await begin(john)
    await john.say("2101")
    await choices(john, await john.expect("Activities near postcode 2101"))
    filters = await john.expect("postcode 2101", where=changed(john))
    await press_in(john, filters, "This week")
    week = await john.expect("postcode 2101", where=changed(john))
    await press_in(john, week, "🔎 Show activities")
    results = await john.expect("postcode 2101", where=lambda e: "Tap an activity" in text_of(e))
    # Dates in a list read as people say them: Saturday is "today", Sunday "tomorrow".
    days = re.findall(r"\b(today|tomorrow|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b", text_of(results))
    assert days and set(days) <= {"today", "tomorrow"}


async def test_results_first_choices_one_tap_away_and_back_to_the_list(
    town_any: tuple[SamenBot, FakeClock], john_any: Someone
) -> None:
    john = john_any
    await begin(john)
    await john.say("2101")
    await john.expect("I will look near postcode 2101.")
    results = await john.expect("Activities near postcode 2101")
    assert "Tap an activity" in text_of(results) and len(distances(text_of(results))) == 5
    assert buttons_of(results)[0].startswith("1. ")
    assert buttons_of(results)[-2:] == ["Next ▶️", "⚙️ Change choices"]

    await john.press(results, "⚙️ Change choices")
    filters = await john.expect("postcode 2101", where=changed(john))
    assert buttons_of(filters)[0] == "🔎 Show activities"  # at the top, never off screen
    assert "🧑 Also for young people (12-18)" in await options(john, filters)
    await press_in(john, filters, "🔎 Show activities")
    again = await john.expect("Tap an activity", where=changed(john))
    assert text_of(again) == text_of(results)

    # From the second page to an activity, and back to that same page.
    await john.press(again, "Next ▶️")
    second = await john.expect("6. ", where=changed(john))
    await john.press(second, buttons_of(second)[0])
    details = await john.expect(where=lambda e: "◀️ Back to the list" in buttons_of(e))
    assert "🔔 Remind me" in buttons_of(details)
    assert "👥 For everyone" in text_of(details) or "For older people" in text_of(details)
    await john.press(details, "◀️ Back to the list")
    back = await john.expect("6. ", where=changed(john))
    assert back.get("message_id") == details.get("message_id")
    assert text_of(back) == text_of(second)


async def test_a_senior_near_glipper_dreef_does_not_get_a_youth_activity_first(
    town_any: tuple[SamenBot, FakeClock], anna_any: Someone
) -> None:
    """The Glip, Friday afternoon: the youth game night (12-18) is round the corner
    tonight, but a resident sees what is meant for everyone, unless they ask for more."""
    anna = anna_any
    samen, clock = town_any
    clock.now = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # Friday 16:00
    await consent(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("🔎 Activiteiten")
    await press_in(anna, await anna.expect("Kies een wijk:"), "Glip")
    results = await anna.expect("Activiteiten in en bij Glip")
    assert buttons_of(results)[0].startswith("1. ")
    assert "jongeren" not in text_of(results) and "Huiswerkclub" not in text_of(results)

    await choices(anna, results)
    filters = await anna.expect("Glip", where=changed(anna))
    await press_in(anna, filters, "🧑 Ook voor jongeren (12-18)")
    everyone = await anna.expect("Glip", where=changed(anna))
    await press_in(anna, everyone, "🔎 Laat activiteiten zien")
    all_ages = await anna.expect("ook voor jongeren", where=changed(anna))
    assert "Game-avond voor jongeren (12-18)" in text_of(all_ages)
    assert "🧑 Voor jongeren (12-18)" in text_of(all_ages)


async def test_a_location_sent_unasked_looks_nearby(
    town_any: tuple[SamenBot, FakeClock], anna_any: Someone
) -> None:
    """A location sent with the paperclip, without Samen asking, is never "unexpected":
    it looks for activities there (on WhatsApp too, where it once got an apology)."""
    samen, _clock = town_any
    anna = anna_any
    await consent(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    if isinstance(anna, WhatsAppPerson):
        await anna.client.send_location(anna.bsuid, *LIBRARY)
    else:
        await anna.client.send_location(anna.user_id, *LIBRARY)
    await anna.expect("Ik zoek bij u in de buurt.")
    results = await anna.expect("Activiteiten bij u in de buurt")
    assert min(distances(text_of(results))) == 50  # at the library itself
