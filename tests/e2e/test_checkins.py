"""Check-ins end to end: set up, change, pause, stop; a check-in arrives; answers; safety net.

Check-ins are on the conversation layer, so the resident's side runs on every channel
(Telegram polling and webhook, WhatsApp: ``channel_mode``, ``john_any``/``anna_any``).
The bot runs on a FakeClock. The check-in tick is the real one: it runs on its own in
the bot, and the tests also run it themselves (through a second runtime on the same
database and clock, as a second process would) after moving the clock. On WhatsApp a
check-in more than 24 hours after the person last wrote comes as a template.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.activity_cli import import_file
from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.emulator.whatsapp import WhatsAppEmulatorClient
from bot.runtime import Runtime
from tests.conftest import FakeClock
from tests.e2e import checkins_helpers as shared
from tests.e2e.checkins_helpers import (
    MOODS,
    Someone,
    answer,
    answer_next_checkin,
    checkin_messages,
    forge,
    join,
    open_menu,
    run,
    said,
    share_number,
    share_someone_else,
    subscribe,
    transcript,
)
from tests.e2e.conftest import JOHN_BSUID
from tests.e2e.harness import (
    Person,
    SamenBot,
    buttons_of,
    eventually,
    keyboard_of,
    make_settings,
    text_of,
)
from tests.e2e.test_mydata import agree, onboard
from tests.e2e.whatsapp_people import WhatsAppPerson

DATA = Path(__file__).resolve().parents[2] / "data"
AMSTERDAM = "Europe/Amsterdam"

# The shared fixtures, where pytest finds them (tests/e2e/checkins_helpers.py).
bot, bot_on_both, clock, coordinator = (
    shared.bot,
    shared.bot_on_both,
    shared.clock,
    shared.coordinator,
)


@pytest.fixture
async def telegram_bot(
    emulator: EmulatorServer, client: EmulatorClient, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[SamenBot]:
    """Samen on Telegram only, for what only Telegram does (its 403 for a blocked bot)."""
    samen = SamenBot(make_settings(emulator.url, tmp_path / "samen.sqlite3"), clock)
    await samen.start()
    yield samen
    await samen.stop()


async def test_subscribe_change_pause_resume_and_stop(bot: SamenBot, john_any: Someone) -> None:
    john = john_any
    await join(bot, john)
    invitation = await open_menu(john)
    assert "Would you like a short message from Samen" in said(invitation)
    await john.press(invitation, "🗓 Choose days and time")
    days = await john.expect("On which days")
    assert buttons_of(days) == ["Every day", "Monday to Friday", "Let me choose the days"]
    await john.press(days, "Let me choose the days")
    picker = await john.expect("Tap the days you want")
    assert "✅ Done" not in buttons_of(picker)
    await john.press(picker, "Tuesday")
    picker = await john.expect(where=lambda e: "✅ Tuesday" in buttons_of(e))
    await john.press(picker, "Thursday")
    picker = await john.expect(where=lambda e: "✅ Thursday" in buttons_of(e))
    await john.press(picker, "✅ Done")
    ask_time = await john.expect("At what time?")
    assert "Tuesday and Thursday" in said(ask_time)
    assert "Between 21:00 and 08:00 Samen sends nothing" in said(ask_time)
    assert buttons_of(ask_time) == ["09:00", "10:30", "13:00", "16:00", "19:00"]

    await john.say("23:00")
    await john.expect("Please choose a time outside those hours")
    await john.say("soon")
    await john.expect("I did not understand that time")
    await john.say("10.30")
    question = await john.expect("The safety net")
    offer = said(question)
    assert "within 3 hours, Samen asks a volunteer to call you" in offer
    assert "between 08:00 and 21:00" in offer
    assert "within 2 hours? Then Samen alerts the coordinators" in offer
    await john.press(question, "🛟 Yes, please")
    ask_phone = await john.expect("Which number can a volunteer call?")
    if john.channel == "telegram":  # WhatsApp has no button that shares a contact
        assert "📱 Share my phone number" in keyboard_of(ask_phone)
    await john.say("12345")
    await john.expect("does not look like a phone number")
    await john.say("0900-1234567")  # volunteers never call a paid line
    await john.expect("it is a paid number (like 0900)")
    await share_someone_else(john, "+31612345678")
    await john.expect("That is someone else's number")
    await john.say("06-1234 5678")
    done = await john.expect("Your check-ins are set")
    assert "Next check-in: tomorrow at 10:30" in said(done)
    assert said(done).count("tomorrow at 10:30") == 1  # said once, not twice
    assert "Safety net: on (06 12 34 56 78)" in said(done)
    assert "a volunteer calls you on 06 12 34 56 78, between 08:00 and 21:00" in said(done)
    assert "💬 Check-ins" in keyboard_of(done)
    rows = await bot.query("SELECT days, local_time, safety_net, phone FROM checkin_subscriptions")
    assert rows == [(0b1010, "10:30", 1, "+31612345678")]

    menu = await open_menu(john)
    assert "Next check-in: tomorrow at 10:30" in said(menu)
    await john.press(menu, "⏸ Take a break (holiday)")
    await john.press(await john.expect("How long"), "1 week")
    paused = await john.expect("Enjoy your break!")
    assert "No check-ins until Monday 7 December" in said(paused)
    assert "Your next check-in: Tuesday 8 December at 10:30" in said(paused)

    menu = await open_menu(john)
    assert "On holiday until Monday 7 December" in said(menu)
    await john.press(menu, "▶️ Start again now")
    await john.expect("Welcome back! Your next check-in: tomorrow at 10:30")

    await john.press(await open_menu(john), "⏸ Take a break (holiday)")
    await john.press(await john.expect("How long"), "📅 Until a date I choose")
    await john.expect("Until which day?")
    await john.say("yesterday")
    await john.expect("I did not understand that date")
    await john.say("29-11-2026")
    await john.expect("Please choose a date after today")
    await john.say("24-12")
    paused = await john.expect("Enjoy your break!")
    assert "Your next check-in: Thursday 24 December at 10:30" in said(paused)

    await john.press(await open_menu(john), "🗓 Change days or time")
    await john.press(await john.expect("On which days"), "Every day")
    await john.press(await john.expect("At what time?"), "13:00")
    changed = await john.expect("Your check-ins are set")
    assert "Next check-in: Thursday 24 December at 13:00" in said(changed)

    menu = await open_menu(john)
    await john.press(menu, "🛟 Switch the safety net off")
    await john.expect("The safety net is off. Samen deleted your phone number.")
    assert await bot.query("SELECT phone FROM checkin_subscriptions") == [(None,)]

    await john.press(await open_menu(john), "⏹ Stop check-ins")
    await john.press(await john.expect("Stop check-ins?"), "⏹ Yes, stop")
    await john.expect("Your check-ins are stopped")
    assert await bot.query("SELECT * FROM checkin_subscriptions") == []
    # An old menu choice (on Telegram taken off the message, so pressed as a forged one).
    await forge(john, menu, "ci:netoff")
    await john.expect_toast("This button no longer works.")


async def test_a_check_in_arrives_and_is_answered_by_button_and_by_text(
    bot: SamenBot, john_any: Someone, clock: FakeClock
) -> None:
    john = john_any
    await subscribe(bot, john, "Every day", "13:00", safety_net=False)
    clock.now = datetime(2026, 11, 30, 12, 1, tzinfo=UTC)  # 13:01 local
    await run(bot, "tick")
    checkin = await john.expect("How are you today?")
    assert buttons_of(checkin) == MOODS
    assert "John" in said(checkin)
    await john.press(checkin, "🙁 Not good")
    if john.channel == "telegram":
        # The answer stays visible under the question, instead of buttons that vanish:
        # the check-in itself changes.
        answered = await john.expect("You chose: 🙁 Not good")
        assert said(answered).startswith(said(checkin)) and not buttons_of(answered)
        assert answered["message_id"] == checkin["message_id"]
    help_now = await john.expect("I am sorry you are not feeling well")
    if john.channel == "whatsapp":  # it cannot change the question: only the answer comes
        assert not [e for e in await checkin_messages(john) if "You chose" in said(e)]
        assert len(await checkin_messages(john)) == 1
    text = said(help_now)
    # Not doing well: a call now and the social work desk, but no crisis lines.
    assert "A volunteer can call you" in text and buttons_of(help_now) == ["📞 Call me"]
    assert "WIJ Heemstede: 023 205 08 89" in text
    assert "0800-0113" not in text and "112" not in text
    assert await bot.query("SELECT mood FROM checkin_sends") == [("bad",)]
    if john.channel == "telegram":  # WhatsApp's app sends back only what was offered
        # A forged answer for a check-in that never was: a kind "no longer works".
        await forge(john, checkin, "mood:29400000:good")
        await john.expect_toast("This button no longer works.")
    # The offered call is the call request journey itself.
    await john.press(help_now, "📞 Call me")
    await john.expect("A volunteer will call you")
    await john.say("/cancel")
    await john.expect("What would you like to do?")

    # A day later: on WhatsApp, a day after John last wrote, it comes as a template.
    clock.now = datetime(2026, 12, 1, 12, 1, tzinfo=UTC)
    await run(bot, "tick")
    second = await john.expect("How are you today?")
    if john.channel == "whatsapp":
        assert second["template"]["name"] == "samen_checkin" and not buttons_of(second)
    await john.say("Good, thanks!")
    if john.channel == "telegram":  # the typed answer is shown under the check-in
        answered = await john.expect("You chose: 🙂 Good")
        assert answered["message_id"] == second["message_id"] and not buttons_of(answered)
    kind = await john.expect(where=lambda e: "How are you" not in text_of(e))
    assert said(kind) in {
        "That is good to hear! Enjoy your day.",
        "How nice! Thank you for letting me know.",
        "Good to hear. Take care of yourself today.",
    }
    moods = await bot.query("SELECT mood FROM checkin_sends ORDER BY slot")
    assert moods == [("bad",), ("good",)]
    await john.say("good")  # nothing open any more: not an answer again
    reply = await john.expect()
    assert "You already answered" not in said(reply) and "You chose" not in said(reply)
    if john.channel == "telegram":  # WhatsApp's typed words wait for that journey
        assert "I am not sure what you mean" in said(reply)
    assert len(await checkin_messages(john)) == 2


async def test_safety_net_once_late_answer_and_restart_in_between(
    bot: SamenBot, john_any: Someone, coordinator: Person, clock: FakeClock
) -> None:
    """The coordinator hears that nobody is on duty."""
    john = john_any
    await subscribe(bot, john, "Every day", "10:30", safety_net=True)
    john_id = (await bot.query("SELECT telegram_id FROM checkin_subscriptions"))[0][0]
    clock.now = datetime(2026, 12, 1, 9, 31, tzinfo=UTC)  # Tuesday 10:31 local
    await bot.stop()
    await run(bot, "tick")  # queued while the bot is down...
    await run(bot, "tick")  # ...and a second run changes nothing
    await bot.start()
    checkin = await john.expect("How are you today?")
    await bot.restart()
    await john.expect_silence(1.5)
    assert len(await checkin_messages(john)) == 1

    clock.now = datetime(2026, 12, 1, 12, 32, tzinfo=UTC)  # 3 h 1 min later
    # Samen climbs on its own too (a second after the restart, then every minute): on a
    # loaded machine its first climb can come after the clock moved and open the task
    # before this run does. Whichever run takes the step, there is one task, only one.
    await run(bot, "climb")
    tasks = await bot.query("SELECT resident_id, phone, status FROM call_requests")
    assert tasks == [(john_id, "+31612345678", "open")]
    assert (await run(bot, "climb")).tasks == 0  # type: ignore[attr-defined]

    await answer(john, checkin, "🙂 Good")
    late = await john.expect("Thank you, good to hear from you.")
    assert "nobody will call you for this" in said(late)
    assert await bot.query("SELECT status FROM call_requests") == [("cancelled",)]


async def test_a_blocked_resident_is_not_retried(
    telegram_bot: SamenBot, john: Person, client: EmulatorClient, clock: FakeClock
) -> None:
    """Telegram only: its 403 for a bot the person blocked (WhatsApp's undeliverable
    status is tested in test_whatsapp_reachable.py)."""
    bot = telegram_bot
    await subscribe(bot, john, "Every day", "13:00", safety_net=False)
    # Telegram answers 403 (the bot was blocked) without telling the bot beforehand.
    await client.configure(forbidden_users=[john.user_id])
    clock.now = datetime(2026, 11, 30, 12, 1, tzinfo=UTC)
    await run(bot, "tick")
    rows = await eventually(
        lambda: bot.query("SELECT status FROM residents"), lambda rows: rows == [("unreachable",)]
    )
    assert rows == [("unreachable",)]
    await john.expect_silence()
    clock.now = datetime(2026, 12, 1, 12, 1, tzinfo=UTC)
    await run(bot, "tick")
    assert await bot.query("SELECT slot FROM checkin_sends") == [("2026-11-30T12:00:00Z",)]
    assert await bot.query("SELECT status FROM outbox WHERE kind = 'checkin'") == [("blocked",)]


async def test_in_dutch_a_typed_answer_shows_who_can_help(
    bot: SamenBot, anna_any: Someone, clock: FakeClock
) -> None:
    anna = anna_any
    await join(bot, anna, "nl")
    await anna.tap("💬 Dagelijks berichtje")
    await anna.press(await anna.expect("Wilt u een kort berichtje"), "🗓 Zelf dagen en tijd kiezen")
    await anna.press(await anna.expect("Op welke dagen"), "Maandag tot en met vrijdag")
    await anna.say("14 uur")
    question = await anna.expect("Het vangnet")
    await anna.press(question, "Nee, liever niet")
    done = await anna.expect("Uw berichtjes staan klaar")
    assert "Volgende berichtje: vandaag om 14:00" in said(done)
    clock.now = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
    await run(bot, "tick")
    await anna.expect("Hoe gaat het vandaag met u?")
    await anna.say("niet zo goed")
    if anna.channel == "telegram":  # the typed answer is shown under the check-in
        await anna.expect("U koos: 🙁 Niet goed")
    help_now = await anna.expect("Wilt u met iemand praten? Een vrijwilliger kan u bellen.")
    assert "WIJ Heemstede: 023 205 08 89" in said(help_now)
    assert "0800-0113" not in said(help_now)
    assert await bot.query("SELECT mood FROM checkin_sends") == [("bad",)]


async def test_answers_fit_how_someone_feels(
    bot: SamenBot, john_any: Someone, clock: FakeClock
) -> None:
    john = john_any
    await subscribe(bot, john, "Every day", "13:00", safety_net=False)
    # So-so: warmth and one suggestion (no postcode known, so a call), no helplines.
    await answer_next_checkin(bot, john, clock, 1, "😐 So-so")
    so_so = await john.expect("Some days are like that.")
    assert "Would you like a chat? A volunteer can call you." in said(so_so)
    assert buttons_of(so_so) == ["📞 Call me"]
    assert "0800-0113" not in said(so_so) and "WIJ Heemstede" not in said(so_so)

    # Very bad: the crisis lines first and clearly, then the offer of a call.
    await answer_next_checkin(bot, john, clock, 2, "😢 Very bad")
    crisis = await john.expect("0800-0113")
    text = said(crisis)
    assert text.startswith("Who can help right now")
    assert (
        "In danger, hurt or fallen: call 112" in text
        and "WIJ Heemstede (social work): 023 205 08 89" in text
    )
    assert "A volunteer can call you" in text and buttons_of(crisis) == ["📞 Call me"]

    # Typed words that say it is very bad count as that choice.
    clock.now = datetime(2026, 12, 3, 12, 1, tzinfo=UTC)
    await run(bot, "tick")
    await john.expect("How are you today?")
    await john.say("really bad")
    if john.channel == "telegram":
        await john.expect("You chose: 😢 Very bad")
    assert said(await john.expect("0800-0113")).startswith("Who can help right now")

    moods = await bot.query("SELECT mood FROM checkin_sends WHERE outcome = 'sent' ORDER BY slot")
    assert moods == [("okay",), ("bad",), ("bad",)]
    assert await bot.query(
        "SELECT metric, SUM(count) FROM daily_counts WHERE metric LIKE 'checkins_answered_%'"
        " GROUP BY metric ORDER BY metric"
    ) == [("checkins_answered_okay", 1), ("checkins_answered_very_bad", 2)]


async def test_so_so_suggests_an_activity_this_week_near_their_postcode(
    bot: SamenBot, john_any: Someone, clock: FakeClock
) -> None:
    john = john_any
    await bot.stop()
    db = await Database.open(bot.settings.database)
    await db.migrate()
    report = await import_file(db, DATA / "example_activities.csv", "example", AMSTERDAM, clock)
    assert report.errors == []
    await db.close()
    await bot.start()
    await join(bot, john)
    await john.say("/mydata")
    await john.press(await john.expect("What Samen stores about you"), "📍 Give my postcode")
    await john.expect("Type the 4 digits of your postcode")
    await john.say("2101")
    await john.expect("Your postcode is 2101")
    await subscribe(bot, john, "Every day", "13:00", safety_net=False, joined=True)

    await answer_next_checkin(bot, john, clock, 1, "😐 So-so")
    suggestion = await john.expect("Maybe something for this week, close to you:")
    assert buttons_of(suggestion) == ["🔎 Tell me more"]
    assert "Would you like a chat?" not in said(suggestion)
    title = said(suggestion).split("close to you:\n")[1].split("\n")[0]
    await john.press(suggestion, "🔎 Tell me more")
    details = await john.expect(where=lambda e: title in said(e) and "Next time" in said(e))
    assert "🔔 Remind me" in buttons_of(details)


async def test_while_messages_are_stopped_the_check_in_screens_tell_the_truth(
    bot: SamenBot, john_any: Someone, clock: FakeClock
) -> None:
    john = john_any
    await subscribe(bot, john, "Every day", "13:00", safety_net=True)
    await john.say("/mydata")
    await john.press(await john.expect("What Samen stores about you"), "🔕 Stop all messages")
    question = await john.expect("Stop all messages?")
    assert "nobody calls you when you do not answer" in said(question)
    await john.press(question, "🔕 Yes, stop all messages")
    await john.expect("Messages from Samen: stopped")

    menu = said(await open_menu(john))
    assert "Next check-in" not in menu and "Safety net: on" not in menu
    assert "Safety net: not working while messages are stopped" in menu
    assert "no check-ins are sent and the safety net does not work" in menu
    await john.press(await open_menu(john), "⏸ Take a break (holiday)")
    await john.press(await john.expect("How long"), "1 week")
    paused = said(await john.expect("Enjoy your break!"))
    assert "Your next check-in" not in paused and "no check-ins are sent" in paused

    clock.now = datetime(2026, 12, 8, 12, 1, tzinfo=UTC)
    await run(bot, "tick")
    await john.expect_silence(1.0)
    assert await checkin_messages(john) == []

    await john.say("/mydata")
    await john.press(await john.expect("What Samen stores about you"), "🔔 Start messages again")
    await john.expect("Messages from Samen: on")
    menu = said(await open_menu(john))
    assert "Next check-in: tomorrow at 13:00" in menu
    assert "Safety net: on (06 12 34 56 78)" in menu


async def test_the_safety_net_offer_says_what_happens_with_the_configured_times(
    emulator: EmulatorServer, anna: Person, tmp_path: Path, clock: FakeClock
) -> None:
    """Telegram only: the offer's words are the same on every channel; this is about
    the hours it names, from a Samen with settings of its own."""
    settings = make_settings(
        emulator.url,
        tmp_path / "other.sqlite3",
        SAMEN_SAFETY_WINDOW="04:00:00",
        SAMEN_DAYTIME="09:00-20:00",
        SAMEN_TASK_ESCALATE_AFTER="03:00:00",
    )
    other = SamenBot(settings, clock)
    await other.start()
    try:
        await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
        await anna.tap("💬 Dagelijks berichtje")
        await anna.press(
            await anna.expect("Wilt u een kort berichtje"), "🗓 Zelf dagen en tijd kiezen"
        )
        await anna.press(await anna.expect("Op welke dagen"), "Elke dag")
        await anna.say("10:00")
        offer = text_of(await anna.expect("Het vangnet"))
    finally:
        await other.stop()
    assert "binnen 4 uur geen antwoord op het berichtje? Dan vraagt Samen een vrijwilliger" in offer
    assert "tussen 09:00 en 20:00. Na 20:00 wordt u de volgende dag gebeld." in offer
    assert "Heeft geen vrijwilliger dienst? Of neemt niemand de vraag binnen 3 uur aan?" in offer
    assert "Dan waarschuwt Samen de coördinatoren." in offer
    assert "misschien" not in offer


async def test_the_common_check_in_takes_four_taps_and_three_with_a_known_number(
    bot: SamenBot,
    john_any: Someone,
    client: EmulatorClient,
    wa_client: WhatsAppEmulatorClient,
    coordinator: Person,  # hears that nobody is on duty for Mia's call
) -> None:
    """Every day, the suggested time, the safety net on: tap by tap from the menu."""
    john = john_any
    await join(bot, john)
    await john.tap("💬 Check-ins")  # 1
    invitation = await john.expect("Would you like a short message")
    assert buttons_of(invitation)[:2] == ["✅ Yes, every day at 10:30", "🗓 Choose days and time"]
    await john.press(invitation, "✅ Yes, every day at 10:30")  # 2
    offer = await john.expect("The safety net")
    assert "Samen first sends you one short reminder" in said(offer)
    assert "lets your emergency contact know, if you named one" in said(offer)
    await john.press(offer, "🛟 Yes, please")  # 3
    await john.expect("Which number can a volunteer call?")
    await share_number(john, "+31612345678")  # 4 (typed on WhatsApp)
    done = said(await john.expect("Your check-ins are set"))
    assert "Days: every day" in done and "Time: 10:30" in done
    assert "Safety net: on (06 12 34 56 78)" in done
    assert "“👤 Emergency contact”" in done  # the next step of the net, offered once

    # Mia asked for a call before: Samen has her number and does not ask again.
    mia: Someone = await Person(client, 700_000_003, "Mia", "en").join()
    if john.channel == "whatsapp":
        mia = await WhatsAppPerson(wa_client, "NL.35791357913579135791", "Mia").join()
    mia_id = await join(bot, mia)
    runtime = await Runtime.open(bot.settings, bot.clock)
    try:
        call_requests = runtime.services.call_requests
        moment = call_requests.moments()[0]
        await call_requests.create_request(mia_id, "0687654321", moment.key, None)
    finally:
        await runtime.close()
    await mia.tap("💬 Check-ins")  # 1
    invitation = await mia.expect("Would you like a short message")
    await mia.press(invitation, "✅ Yes, every day at 10:30")  # 2
    await mia.press(await mia.expect("The safety net"), "🛟 Yes, please")  # 3
    done = said(await mia.expect("Your check-ins are set"))
    assert "Safety net: on (06 87 65 43 21)" in done
    menu = await open_menu(mia)
    assert "📱 Another number" in buttons_of(menu)


async def test_on_whatsapp_check_ins_set_up_come_without_the_general_opt_in(
    bot_on_both: SamenBot, wa_client: WhatsAppEmulatorClient, clock: FakeClock
) -> None:
    """John said no to messages Samen starts; setting up check-ins is his agreement to
    them: two days after he last wrote, the check-in still comes (as its template)."""
    bot = bot_on_both
    john = await WhatsAppPerson(wa_client, JOHN_BSUID, "John").join()
    await agree(bot, john, "✓ English", "✅ I agree", opt_in=False)
    await john.press(await open_menu(john), "✅ Yes, every day at 10:30")
    await john.press(await john.expect("The safety net"), "No, thank you")
    done = said(await john.expect("Your check-ins are set"))
    assert (
        "Samen will send you a message every day at 10:30, also when you have not written "
        "yourself." in done
    )
    clock.now = datetime(2026, 12, 2, 9, 31, tzinfo=UTC)  # Wednesday 10:31, two days on
    await run(bot, "tick")
    checkin = await john.expect("How are you today?")
    assert checkin["template"]["name"] == "samen_checkin"
    await john.say("good")
    assert "good to hear" in said(await john.expect()).lower()
    moods = await bot.query("SELECT mood FROM checkin_sends WHERE outcome = 'sent'")
    assert moods == [("good",)]
    # Saying no again to messages Samen starts leaves the check-ins, and says so.
    entries = await transcript(john)
    sent = [e for e in entries if e["direction"] == "out"]
    question = [e for e in sent if "May Samen send you a message first?" in said(e)][-1]
    await john.press(question, "No, thank you")
    no = said(await john.expect("Samen will only answer when you write"))
    assert "Your check-ins still come at their time." in no
