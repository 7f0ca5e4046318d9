"""Open questions in Samen's own store (bot/questions.py), end to end: a typed
answer finds its question after a restart, a wrong answer is asked again, and a
question left too long is over. The first two run on every channel (``samen_any``);
the last is about a question kept in PTB's memory, which only Telegram has."""

from __future__ import annotations

from tests.conftest import FakeClock
from tests.e2e.either import Someone
from tests.e2e.harness import Person, SamenBot, samen_id, text_of
from tests.e2e.test_mydata import agree, onboard


async def _ask_postcode(samen: SamenBot, anna: Someone) -> None:
    await agree(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.say("/gegevens")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "📍 Geef mijn postcode")
    await anna.expect("Typ de 4 cijfers van uw postcode")


async def _postcode_of(samen: SamenBot, anna: Someone) -> list[tuple[object, ...]]:
    return await samen.query(
        "SELECT postcode_area FROM residents WHERE telegram_id = ?", (await samen_id(samen, anna),)
    )


async def test_the_answer_finds_its_question_after_a_restart(
    samen_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = samen_any, anna_any
    await _ask_postcode(samen, anna)
    await samen.restart()
    await anna.say("hallo")  # no postcode: asked again, the question stays open
    await anna.expect("Dat is geen postcode. Typ 4 cijfers, zoals 2101.")
    await anna.say("2101")
    await anna.expect("Dank u wel. Uw postcode is 2101.")
    assert await _postcode_of(samen, anna) == [("2101",)]
    assert await samen.query("SELECT * FROM open_questions") == []
    await anna.say("2102")  # answered: a later postcode is read on its own
    reply = await anna.expect()
    assert "Uw postcode is" not in text_of(reply)
    assert await _postcode_of(samen, anna) == [("2101",)]


async def test_a_question_left_too_long_is_over(
    samen_any_on_clock: SamenBot, clock: FakeClock, anna_any: Someone
) -> None:
    samen, anna = samen_any_on_clock, anna_any
    await _ask_postcode(samen, anna)
    clock.advance(minutes=16)
    await anna.say("2101")
    reply = await anna.expect()
    assert "Uw postcode is" not in text_of(reply)
    assert await _postcode_of(samen, anna) == [(None,)]


async def test_a_command_closes_a_question_kept_in_memory(samen: SamenBot, anna: Person) -> None:
    """Activities' "where shall I look?" is one of Samen's own questions: a command
    (help) closes it, so a later "hallo" is not read as a place."""
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("🔎 Activiteiten")
    await anna.expect("Kies een wijk:")
    await anna.say("/hulp")
    await anna.expect("Hoe Samen werkt")
    await anna.say("hallo")
    await anna.expect("Hallo! Fijn dat u schrijft.")
