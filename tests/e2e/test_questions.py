"""Open questions in Samen's own store (bot/questions.py), end to end: a typed
answer finds its question after a restart, a wrong answer is asked again, and a
question left too long is over."""

from __future__ import annotations

from tests.conftest import FakeClock
from tests.e2e.harness import Person, SamenBot
from tests.e2e.test_mydata import onboard


async def _ask_postcode(anna: Person) -> None:
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.say("/gegevens")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "📍 Geef mijn postcode")
    await anna.expect("Typ de 4 cijfers van uw postcode")


async def _postcode_of(samen: SamenBot, anna: Person) -> list[tuple[object, ...]]:
    return await samen.query(
        "SELECT postcode_area FROM residents WHERE telegram_id = ?", (anna.user_id,)
    )


async def test_the_answer_finds_its_question_after_a_restart(samen: SamenBot, anna: Person) -> None:
    await _ask_postcode(anna)
    await samen.restart()
    await anna.say("hallo")  # no postcode: asked again, the question stays open
    await anna.expect("Dat is geen postcode. Typ 4 cijfers, zoals 2101.")
    await anna.say("2101")
    await anna.expect("Dank u wel. Uw postcode is 2101.")
    assert await _postcode_of(samen, anna) == [("2101",)]
    assert await samen.query("SELECT * FROM open_questions") == []
    await anna.say("2102")  # answered: a later postcode is read on its own
    reply = await anna.expect()
    assert "Uw postcode is" not in (reply.get("text") or "")
    assert await _postcode_of(samen, anna) == [("2101",)]


async def test_a_question_left_too_long_is_over(
    samen_with_clock: tuple[SamenBot, FakeClock], anna: Person
) -> None:
    samen, clock = samen_with_clock
    await _ask_postcode(anna)
    clock.advance(minutes=16)
    await anna.say("2101")
    reply = await anna.expect()
    assert "Uw postcode is" not in (reply.get("text") or "")
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
