"""The monthly self-check end to end: consent, the invitation, six answers, the reflection.

The self-check is on the conversation layer, so every test runs on Telegram (polling,
webhook) and on WhatsApp (``samen_any_on_clock``, ``anna_any``/``john_any``). The bot runs
on a FakeClock. The invitation tick is the real one; the tests run it themselves after
moving the clock (through a second runtime on the same database and clock, as in
test_checkins), and the bot's own messenger delivers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.emulator.client import EmulatorClient, Entry
from bot.runtime import Runtime
from bot.services.care.selfcheck import month_key
from tests.conftest import FakeClock
from tests.e2e.checkins_helpers import join, transcript
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.harness import Person, SamenBot, buttons_of, plain_text_of, text_of
from tests.e2e.test_mydata import Someone, agree

ANSWERS = ["Yes", "More or less", "No", "⏸ Later"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # Monday 09:00 in Heemstede


async def run_tick(bot: SamenBot) -> int:
    """The monthly invitation tick, now, on the bot's database and clock; returns how many
    invitations this month has. Counted, not the tick's own return: the running bot ticks
    every minute too, and under load its tick may have sent the invitation first."""
    runtime = await Runtime.open(bot.settings, bot.clock)
    try:
        selfcheck = runtime.services.selfcheck
        await selfcheck.tick()
        month = month_key(bot.clock(), selfcheck.policy)
        rows = await bot.query("SELECT COUNT(*) FROM selfcheck_rounds WHERE month = ?", (month,))
        return int(rows[0][0])
    finally:
        await runtime.close()


async def open_selfcheck(person: Someone, checkins: str = "💬 Check-ins") -> Entry:
    await person.tap(checkins)
    label = "📝 Monthly self-check" if checkins == "💬 Check-ins" else "📝 Maandelijkse vragenlijst"
    menu = await person.expect(where=lambda e: label in buttons_of(e))
    await person.press(menu, label)
    return await person.expect(where=lambda e: bool(buttons_of(e)) and _about_it(e))


def _about_it(entry: Entry) -> bool:
    """The self-check's own screen (WhatsApp may ask about messages first, see optin)."""
    return any(word in text_of(entry).casefold() for word in ("self-check", "vragenlijst"))


async def answer(person: Someone, number: int, reply: str) -> Entry:
    question = await person.expect(f"Question {number} of 6", where=lambda e: bool(buttons_of(e)))
    assert buttons_of(question) == ANSWERS
    await person.press(question, reply)
    return question


async def messages_saying(person: Someone, words: str) -> int:
    """How many messages Samen sent this person that say ``words`` (a message Telegram
    changed later counts once; WhatsApp's entries carry their own ``id``)."""
    ids = [e.get("message_id", e.get("id")) for e in await transcript(person)
           if e.get("direction") == "out" and words in text_of(e)]  # fmt: skip
    return len(set(ids))


async def forge(person: Someone, entry: Entry, data: str) -> None:
    """A client that sends choice data Samen did not (or no longer) offer."""
    if isinstance(person, Person):
        await person.client.press(person.user_id, entry["message_id"], data, forge=True)
    else:
        await person.client.press(person.bsuid, data, forge=True)


async def window_open(person: Someone) -> None:
    """On WhatsApp Samen writes first freely only within 24 hours of the person's last
    message: John writes before the tick, so the invitation comes with its choices."""
    if not isinstance(person, Person):
        await person.say("hallo")
        await person.expect("Hello")


async def test_consent_invitation_six_answers_and_a_gentle_reflection(
    samen_any_on_clock: SamenBot, john_any: Someone, client: EmulatorClient, clock: FakeClock
) -> None:
    bot, john = samen_any_on_clock, john_any
    john_id = await agree(bot, john, "✓ English", "✅ I agree")
    consent = await open_selfcheck(john)
    text = plain_text_of(consent)
    assert text.startswith("Monthly self-check (you choose)")
    for promise in (
        "six short sentences",
        "only you see your answers and your result",
        "Coordinators only see anonymous numbers",
        "Samen then deletes all your answers",
        "Delete everything",
    ):
        assert promise in text
    assert buttons_of(consent) == ["✅ I agree", "No, thank you"]
    assert await bot.query("SELECT * FROM selfcheck_subscriptions") == []
    await john.press(consent, "✅ I agree")
    agreed = await john.expect("Samen will invite you once a month")
    assert "The next invitation: Monday 28 December at 10:30" in text_of(agreed)
    assert await bot.query("SELECT consent_version, consent_at FROM selfcheck_subscriptions") == [
        (1, "2026-11-30T08:00:00Z")
    ]
    await john.press(agreed, "↩️ Not now")
    await john.expect("You can go on later this month")

    clock.now = datetime(2026, 12, 28, 9, 30, tzinfo=UTC)  # 10:30 in Heemstede
    await window_open(john)
    assert await run_tick(bot) == 1
    invitation = await john.expect("Your monthly self-check")
    assert "Hello John" in text_of(invitation)
    assert buttons_of(invitation) == ["▶️ Start", "↩️ Not now"]
    assert await run_tick(bot) == 1  # still one: once a month
    await john.press(invitation, "▶️ Start")
    first = await answer(john, 1, "Yes")
    assert "How well does each sentence fit you" in text_of(first)
    await answer(john, 2, "More or less")
    third = await john.expect("Question 3 of 6", where=lambda e: bool(buttons_of(e)))
    assert await bot.query("SELECT status, answers FROM selfcheck_rounds") == [("started", "ym")]

    # A restart halfway loses nothing: the buttons of question 3 still work.
    await bot.restart()
    # An old answer again, a question out of turn, another month: all refused kindly.
    await forge(john, third, "sca:202612:1:n")
    await john.expect_toast("You already answered this question.")
    await forge(john, third, "sca:202612:5:y")
    await john.expect_toast("This button no longer works.")
    await forge(john, third, "sca:202611:3:y")
    await john.expect_toast("This button no longer works.")
    assert await bot.query("SELECT answers FROM selfcheck_rounds") == [("ym",)]
    await john.say("no")  # typed: the question on screen survived the restart too
    await answer(john, 4, "Yes")
    await answer(john, 5, "No")
    await answer(john, 6, "Yes")

    result = await john.expect("Thank you for filling this in.")
    text = text_of(result)
    assert "Your answers show that you miss people around you now and then." in text
    assert "That happens to many people." in text
    assert "not a diagnosis" in text and "lonely" not in text.casefold()
    # Missing people now and then: a call or activities, never a crisis line.
    assert "0800-0113" not in text and "112" not in text and "WIJ Heemstede" not in text
    assert buttons_of(result) == ["📞 Call me", "🔎 Activities"]
    # The invitation and each question came once: an answer does not bring its question
    # (or the greeting) again where the app cannot change a message (WhatsApp).
    for once in ("Hello John", *(f"Question {n} of 6" for n in range(1, 7))):
        assert await messages_saying(john, once) == 1, once
    if isinstance(john, Person):  # Telegram changes the question to show the answer
        entries = await client.transcript(john.user_id)
        answered = [e for e in entries if e.get("message_id") == third["message_id"]][-1]
        assert "✓ No" in text_of(answered) and not buttons_of(answered)
    assert await bot.query("SELECT status, answers, score FROM selfcheck_rounds") == [
        ("done", "ymnyny", 3)
    ]
    assert await bot.query(
        "SELECT metric, count FROM daily_counts WHERE metric LIKE 'selfcheck_%' ORDER BY metric"
    ) == [("selfcheck_done", 1), ("selfcheck_invited", 1), ("selfcheck_joined", 1),
          ("selfcheck_moderate", 1)]  # fmt: skip

    await john.press(result, "🔎 Activities")
    await john.expect("Activities nearby")
    await john.tap("⬅️ Back to the menu")
    await john.expect("What would you like to do?")

    # The coordinator sees the anonymous count, never John or his answers.
    coen = await Person(client, COORDINATOR_ID, "Coen", "en").join(opened=True)
    await coen.say("/stats")
    numbers = text_of(await coen.expect("Samen in numbers"))
    assert "Monthly self-check (anonymous)" in numbers
    # One resident: this week's count waits for the week to end, and then shows "< 5".
    assert "• result: moderately lonely: … · < 5" in numbers
    assert "self-checks done: 1" not in numbers
    assert "John" not in numbers and str(john_id) not in numbers

    # One self-check a month; the last result can be seen again; stop deletes it all.
    menu = await open_selfcheck(john)
    assert "This month: done (today)" in text_of(menu)
    assert "▶️ Do the self-check now" not in buttons_of(menu)
    await john.press(menu, "🔁 See my last result")
    await john.expect("miss people around you now and then")
    menu = await open_selfcheck(john)
    await john.press(menu, "⏹ Stop the self-check")
    await john.press(await john.expect("Stop the self-check?"), "⏹ Yes, stop and delete")
    await john.expect("Samen deleted all your answers and results")
    assert await bot.query("SELECT * FROM selfcheck_rounds") == []
    assert await bot.query("SELECT * FROM selfcheck_subscriptions") == []
    await forge(john, third, "sca:202612:6:y")
    await john.expect_toast("This button no longer works.")


async def test_declined_consent_stores_nothing_and_sends_nothing(
    samen_any_on_clock: SamenBot, anna_any: Someone, clock: FakeClock
) -> None:
    bot, anna = samen_any_on_clock, anna_any
    await agree(bot, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    consent = await open_selfcheck(anna, "💬 Dagelijks berichtje")
    assert "Maandelijkse vragenlijst (u kiest zelf)" in plain_text_of(consent)
    assert "alleen u ziet uw antwoorden en uw uitkomst" in text_of(consent)
    assert "Coördinatoren zien alleen anonieme aantallen" in text_of(consent)
    await anna.press(consent, "Nee, liever niet")
    await anna.expect("Samen bewaart niets voor de vragenlijst")
    assert await bot.query("SELECT * FROM selfcheck_subscriptions") == []
    # Without consent, a forged answer or start button does nothing.
    await forge(anna, consent, "sca:202611:1:y")
    await anna.expect_toast("Deze knop werkt niet meer.")
    await anna.expect("Die knop werkt niet meer. Hier is het menu.")
    await forge(anna, consent, "sci:go:202611")
    await anna.expect("Die knop werkt niet meer. Hier is het menu.")
    assert await bot.query("SELECT * FROM selfcheck_rounds") == []
    clock.now = datetime(2026, 12, 30, 9, 30, tzinfo=UTC)
    assert await run_tick(bot) == 0
    await anna.expect_silence(1.0)


async def test_not_now_then_from_the_menu_in_dutch(
    samen_any_on_clock: SamenBot, anna_any: Someone, client: EmulatorClient, clock: FakeClock
) -> None:
    bot, anna = samen_any_on_clock, anna_any
    await agree(bot, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.press(await open_selfcheck(anna, "💬 Dagelijks berichtje"), "✅ Ik ga akkoord")
    await anna.press(await anna.expect("één keer per maand uit"), "↩️ Nu niet")
    # Samen has read "not now" before the clock moves: read later, it would count for December.
    await anna.expect("U kunt later deze maand verder")
    clock.now = datetime(2026, 12, 28, 9, 30, tzinfo=UTC)
    if not isinstance(anna, Person):  # see window_open
        await anna.say("hallo")
        await anna.expect("Hallo")
    assert await run_tick(bot) == 1
    invitation = await anna.expect("Uw maandelijkse vragenlijst")
    await anna.press(invitation, "↩️ Nu niet")
    await anna.expect("U kunt later deze maand verder")
    assert await bot.query("SELECT status FROM selfcheck_rounds") == [("declined",)]
    own = await open_selfcheck(anna, "💬 Dagelijks berichtje")
    assert "Deze maand: nog niet ingevuld" in text_of(own)
    await anna.press(own, "▶️ Nu invullen")
    question = await anna.expect("Vraag 1 van 6")
    assert "Ik ervaar een leegte om me heen." in text_of(question)
    assert buttons_of(question) == ["Ja", "Min of meer", "Nee", "⏸ Later"]
    await anna.press(question, "⏸ Later")
    await anna.expect("Wat u al hebt beantwoord, is bewaard")
    own = await open_selfcheck(anna, "💬 Dagelijks berichtje")
    assert "Deze maand: nog niet ingevuld" in text_of(own)
    await anna.press(own, "▶️ Nu invullen")
    again = await anna.expect("Vraag 1 van 6")
    await anna.press(again, "Ja")
    # Typed answers count too; other text gets the usual kind answer and loses nothing.
    await anna.expect("Vraag 2 van 6", where=lambda e: bool(buttons_of(e)))
    await anna.say("misschien")
    await anna.expect(where=lambda e: "Vraag" not in text_of(e))
    await anna.say("ja")
    await anna.expect("Vraag 3 van 6", where=lambda e: bool(buttons_of(e)))
    await anna.say("Min of meer.")
    question = await anna.expect("Vraag 4 van 6", where=lambda e: bool(buttons_of(e)))
    assert await bot.query("SELECT answers FROM selfcheck_rounds") == [("yym",)]
    if isinstance(anna, Person):  # Telegram changes the question to show the answer
        entries = await client.transcript(anna.user_id)
        typed = [e for e in entries if "Vraag 3 van 6" in text_of(e)][-1]
        assert "✓ Min of meer" in text_of(typed) and not buttons_of(typed)
    for number, reply in enumerate(["Nee", "Nee", "Min of meer"], 4):
        if number > 4:
            question = await anna.expect(
                f"Vraag {number} van 6", where=lambda e: bool(buttons_of(e))
            )
        await anna.press(question, reply)
    result = await anna.expect("Dank u wel voor het invullen")
    assert "Uit uw antwoorden blijkt dat u op dit moment vaak mensen om u heen mist." in text_of(
        result
    )
    assert "eenzaam" not in text_of(result)
    assert await bot.query("SELECT score FROM selfcheck_rounds") == [(6,)]
    # Often missing people: a call, activities and the social work desk, still no 113.
    severe = text_of(result)
    assert "WIJ Heemstede: 023 205 08 89" in severe
    assert "0800-0113" not in severe and "112" not in severe
    assert buttons_of(result) == ["📞 Bel mij", "🔎 Activiteiten"]


async def test_feeling_connected_gets_activities_and_no_helplines(
    samen_any_on_clock: SamenBot, john_any: Someone
) -> None:
    john = john_any
    await agree(samen_any_on_clock, john, "✓ English", "✅ I agree")
    await john.press(await open_selfcheck(john), "✅ I agree")
    await john.press(await john.expect("Samen will invite you once a month"), "▶️ Yes, start now")
    for number, reply in enumerate(["No", "No", "No", "Yes", "Yes", "Yes"], 1):
        await answer(john, number, reply)
    result = await john.expect("Thank you for filling this in.")
    text = text_of(result)
    assert "you feel connected to people around you" in text
    assert "Would you like to do something with others nearby?" in text
    assert "0800-0113" not in text and "WIJ Heemstede" not in text
    assert buttons_of(result) == ["🔎 Activities"]


async def test_while_messages_are_stopped_no_invitation_is_promised(
    samen_any_on_clock: SamenBot, john_any: Someone
) -> None:
    john = john_any
    await agree(samen_any_on_clock, john, "✓ English", "✅ I agree")
    await john.press(await open_selfcheck(john), "✅ I agree")
    await john.press(await john.expect("Samen will invite you once a month"), "↩️ Not now")
    menu = await open_selfcheck(john)
    assert "Next invitation: Monday 28 December at 10:30" in text_of(menu)
    await john.say("/mydata")
    await john.press(await john.expect("What Samen stores about you"), "🔕 Stop all messages")
    await john.press(await john.expect("Stop all messages?"), "🔕 Yes, stop all messages")
    await john.expect("Messages from Samen: stopped")
    menu = await open_selfcheck(john)
    assert "Next invitation: none while your messages are stopped" in text_of(menu)
    assert "28 December" not in text_of(menu)


async def test_a_typed_yes_answers_the_invitation_even_when_it_came_without_choices(
    samen_any_on_clock: SamenBot, john_any: Someone, clock: FakeClock
) -> None:
    """On WhatsApp, weeks after John last wrote, the invitation comes as a template
    without choices ("Reply to this message to answer"): his typed "yes" starts it, as
    "▶️ Start" would. On Telegram the typed "yes" answers the choices on screen."""
    bot, john = samen_any_on_clock, john_any
    await join(bot, john)  # on WhatsApp also yes to messages Samen starts
    await john.press(await open_selfcheck(john), "✅ I agree")
    await john.press(await john.expect("Samen will invite you once a month"), "↩️ Not now")
    await john.expect("You can go on later this month")
    clock.now = datetime(2026, 12, 28, 9, 30, tzinfo=UTC)
    assert await run_tick(bot) == 1
    invitation = await john.expect("Your monthly self-check")
    if not isinstance(john, Person):
        assert invitation["template"]["name"] == "samen_checkin" and not buttons_of(invitation)
    await john.say("yes")
    await answer(john, 1, "Yes")
    await john.expect("Question 2 of 6")
    assert await bot.query("SELECT status, answers FROM selfcheck_rounds") == [("started", "y")]
