"""Samen listens, end to end: every meaning of a typed message leads somewhere, a voice
message or photo to the offer of a call, and nothing typed is kept.

What the words mean is the text step of the conversation layer, so every test runs on
Telegram (polling, webhook) and on WhatsApp (``samen_any``, ``anna_any``/``john_any``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.activity_cli import import_file
from bot.config import Settings
from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.emulator.server import EmulatorServer
from bot.emulator.whatsapp import WhatsAppEmulator, WhatsAppEmulatorClient
from bot.services.understanding.reader import Meaning, metric_of
from tests.conftest import FakeClock
from tests.e2e.conftest import _running
from tests.e2e.harness import Person, SamenBot, buttons_of, keyboard_of, plain_text_of, text_of
from tests.e2e.test_activities import DATA, NOW
from tests.e2e.test_mydata import Someone, agree, all_rows_mentioning
from tests.e2e.whatsapp_people import WhatsAppPerson

CALL_NL = "📞 Ja, bel mij maar"
MENU_NL = ["🔒 Privacy", "🌐 Taal", "❓ Hulp"]


@pytest.fixture
async def town_any(
    channel_mode: str,
    emulator: EmulatorServer,
    client: EmulatorClient,
    wa_emulator: WhatsAppEmulator,
    wa_client: WhatsAppEmulatorClient,
    tmp_path: Path,
) -> AsyncIterator[SamenBot]:
    """Samen on every channel with the example activities (test_activities' town)."""
    clock = FakeClock(NOW)

    async def with_activities(settings: Settings) -> None:
        db = await Database.open(settings.database)
        await db.migrate()
        for name in ("example_activities.csv", "example_activities.ics"):
            report = await import_file(db, DATA / name, name, "Europe/Amsterdam", clock)
            assert report.errors == []
        await db.close()

    async for bot in _running(
        emulator, tmp_path, channel_mode, wa_emulator, wa_client, clock, with_activities
    ):
        yield bot


async def _agreed(samen: SamenBot, anna: Someone) -> Someone:
    """Anna agreed; on WhatsApp she also answered whether Samen may write first, so that
    question does not come between what she types next and its answer."""
    anna_id = await agree(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    asked = await samen.query(
        "SELECT 1 FROM whatsapp_people WHERE resident_id = ? AND opt_in_asked_at IS NULL",
        (anna_id,),
    )
    if isinstance(anna, WhatsAppPerson) and asked:
        await anna.say("hallo")
        await anna.press(await anna.expect("Mag Samen u ook zelf"), "✅ Ja, dat is goed")
        await anna.expect("Samen mag u nu zelf een bericht sturen")
    return anna


async def _met(anna: Someone) -> Someone:
    """Anna has chosen her language but agreed to nothing. On WhatsApp a stranger's first
    message starts onboarding (tests/e2e/test_onboarding.py), so there she chooses Dutch
    first (/language); on Telegram nothing is needed."""
    if isinstance(anna, WhatsAppPerson):
        await anna.say("/language")
        languages = await anna.expect(where=lambda e: len(buttons_of(e)) == 2)
        await anna.press(languages, buttons_of(languages)[0])
        await anna.expect("Nederlands")
    return anna


async def _counted(samen: SamenBot, meaning: Meaning) -> int:
    rows = await samen.query(
        "SELECT COALESCE(SUM(count), 0) FROM daily_counts WHERE metric = ?", (metric_of(meaning),)
    )
    return int(rows[0][0])


@pytest.mark.parametrize(
    "words",
    [
        "ik zie het niet meer zitten",
        "113",
        "I want to end it",
        "niemand zou me missen",
        "ik heb mijn pillen gespaard",  # said without a word for death
        "was ik er maar niet meer",
        "ik heb er genoeg van",  # maybe of the rain: the safer reading, said kindly
    ],
)
async def test_despair_gets_113_first_even_without_consent(
    samen_any: SamenBot, anna_any: Someone, words: str
) -> None:
    samen, anna = samen_any, await _met(anna_any)
    await anna.say(words)
    first = await anna.expect()  # the very first reply, whatever it says
    text = plain_text_of(first)
    assert text.startswith("Dank u dat u mij dit vertelt.")
    assert "0800-0113" in text and "112" in text and "postcode" not in text
    assert text.index("113") < text.index("112") < text.index("vrijwilliger")
    assert "geen hulpverlener" in text  # honest: a volunteer is no counsellor
    assert text.endswith("U kunt mij altijd weer schrijven.")  # the door stays open
    assert buttons_of(first) == [CALL_NL]
    assert await _counted(samen, Meaning.CRISIS) == 1


@pytest.mark.parametrize(
    "words", ["Ik ben gevallen en kan niet opstaan", "112", "pijn op de borst", "er is brand"]
)
async def test_a_fall_or_pain_gets_112_at_once_and_no_suicide_line(
    samen_any: SamenBot, anna_any: Someone, words: str
) -> None:
    samen, anna = samen_any, await _met(anna_any)
    await anna.say(words)
    first = plain_text_of(await anna.expect())
    assert first.startswith("Bel nu 112.")
    assert "alarmknop" in first and "113" not in first
    assert first.endswith("U kunt mij altijd weer schrijven.")
    assert await _counted(samen, Meaning.CRISIS) == 1


async def test_a_crisis_call_offer_leads_to_the_call_back(
    samen_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = samen_any, anna_any
    await _agreed(samen, anna)
    await anna.say("ik wil niet meer leven")
    offer = await anna.expect("113")
    await anna.press(offer, CALL_NL)
    await anna.expect("Een vrijwilliger belt u")


async def test_asking_for_a_call_starts_the_call_back(
    samen_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = samen_any, anna_any
    await _agreed(samen, anna)
    await anna.say("Hallo, ik wil graag iemand spreken")
    offer = await anna.expect("Een vrijwilliger van Samen kan u bellen")
    assert "113" not in text_of(offer)
    await anna.press(offer, CALL_NL)
    await anna.expect("Op welk nummer kunnen we u bellen?")
    assert await _counted(samen, Meaning.CALL) == 1


async def test_in_english_too(samen_any: SamenBot, john_any: Someone) -> None:
    samen, john = samen_any, john_any
    await agree(samen, john, "✓ English", "✅ I agree")
    await john.say("can someone call me please")
    offer = await john.expect("A volunteer from Samen can call you")
    assert buttons_of(offer) == ["📞 Yes, please call me"]


async def test_lonely_gets_a_call_and_something_nearby(
    town_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = town_any, anna_any
    await _agreed(samen, anna)
    await anna.say("sinds mijn man er niet meer is voel ik me vaak eenzaam")
    warm = await anna.expect("Dank u dat u het mij vertelt")
    assert "113" not in text_of(warm) and buttons_of(warm) == [CALL_NL]
    # One calm message: the way to activities is named, no list of neighbourhoods.
    assert "Tik hieronder op “🔎 Activiteiten”" in text_of(warm)
    await anna.expect_silence(1.0)


@pytest.mark.parametrize(
    "words",
    [
        "het gaat zo-zo",
        "beetje somber vandaag",
        "mijn man is vorig jaar overleden, ik mis hem",
        "ik moet de hele tijd huilen 😢",
    ],
)
async def test_sadness_gets_warmth_and_a_call_never_a_hotline(
    samen_any: SamenBot, anna_any: Someone, words: str
) -> None:
    samen, anna = samen_any, anna_any
    await _agreed(samen, anna)
    await anna.say(words)
    warm = await anna.expect()
    text = plain_text_of(warm)
    assert text.startswith("Dank u dat u het mij vertelt. Wat naar dat u zich zo voelt.")
    assert "113" not in text and "112" not in text
    assert "Een vrijwilliger van Samen kan u bellen voor een praatje" in text
    assert buttons_of(warm) == [CALL_NL]
    assert "Tik hieronder op “🔎 Activiteiten”" in text  # or something to do with others
    assert await _counted(samen, Meaning.LONELY) == 1


@pytest.mark.parametrize(
    "words",
    [
        "ik ga dood van de hitte",
        "ik lig dubbel",
        "die film was killing",
        "mijn telefoon is gevallen",  # a thing fell, not a person: no 112
    ],
)
async def test_an_idiom_that_only_looks_like_crisis_gets_no_suicide_line(
    samen_any: SamenBot, anna_any: Someone, words: str
) -> None:
    samen, anna = samen_any, await _met(anna_any)
    await anna.say(words)
    offer = await anna.expect()
    assert "113" not in plain_text_of(offer) and "112" not in plain_text_of(offer)
    assert buttons_of(offer) == [CALL_NL]  # still a next step: a call, and the menu
    menu = await anna.expect("Of kies hieronder")
    assert set(MENU_NL) <= set(keyboard_of(menu))
    assert await _counted(samen, Meaning.CRISIS) == 0


async def test_activity_with_a_kind_and_time_goes_straight_to_results_near_the_postcode(
    town_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = town_any, anna_any
    await _agreed(samen, anna)
    await anna.say("/mydata")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "📍 Geef mijn postcode")
    await anna.expect("Typ de 4 cijfers van uw postcode")
    await anna.say("2101")
    await anna.expect("Uw postcode is 2101")
    await anna.say("is er ergens koffie?")
    results = await anna.expect("Activiteiten bij postcode 2101")
    assert "☕ Koffie en een praatje" in text_of(results)
    assert "Koffieochtend in de bibliotheek" in text_of(results)
    assert await _counted(samen, Meaning.ACTIVITY) == 1


async def test_activity_without_a_postcode_asks_where_and_keeps_the_kind(
    town_any: SamenBot, anna_any: Someone
) -> None:
    anna = await _met(anna_any)
    await anna.say("zaterdag biljarten")  # no consent needed to browse
    where = await anna.expect("Waar zal ik zoeken naar activiteiten?")
    assert "🎲 Spelletjes en kaarten" in text_of(where)
    await anna.press(where, "Heemstede-Centrum")
    results = await anna.expect("Activiteiten in en bij Heemstede-Centrum")
    assert "🎲 Spelletjes en kaarten · Deze week" in text_of(results)
    assert buttons_of(results)  # details or "change choices": never a dead end


async def test_checkins_help_out_and_help(samen_any: SamenBot, anna_any: Someone) -> None:
    samen, anna = samen_any, anna_any
    await _agreed(samen, anna)
    await anna.say("kunt u mij elke dag een berichtje sturen")
    await anna.expect("Wilt u een kort berichtje van Samen krijgen")
    await anna.say("ik wil graag vrijwilliger worden")
    offer = await anna.expect("Wilt u helpen?")
    assert buttons_of(offer)
    await anna.say("hoe werkt dit?")
    await anna.expect("Hoe Samen werkt")


@pytest.mark.parametrize("words", ["stuur me geen berichten meer", "alle berichten mogen ophouden"])
async def test_stop_messages_shows_the_button_and_stops_nothing_by_itself(
    samen_any: SamenBot, anna_any: Someone, words: str
) -> None:
    samen, anna = samen_any, anna_any
    await _agreed(samen, anna)
    await anna.say(words)
    await anna.expect("Tik hieronder op “🔕 Stop alle berichten”")
    mydata = await anna.expect("Wat Samen over u bewaart")
    assert "🔕 Stop alle berichten" in buttons_of(mydata)
    assert await samen.query("SELECT status FROM residents") == [("active",)]


async def test_stop_when_messages_are_already_stopped(
    samen_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = samen_any, anna_any
    await _agreed(samen, anna)
    db = await Database.open(samen.settings.database)  # stopped earlier, under My data
    try:
        await db.execute("UPDATE residents SET status = 'stopped'")
    finally:
        await db.close()
    await anna.say("stop")
    await anna.expect("Uw berichten van Samen zijn al gestopt")


async def test_delete_asks_twice_and_a_typed_answer_decides(
    samen_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = samen_any, anna_any
    await _agreed(samen, anna)
    await anna.say("verwijder al mijn gegevens")
    await anna.expect("Tik hieronder op “🗑 Alles wissen”")
    mydata = await anna.expect("Wat Samen over u bewaart")
    await anna.press(mydata, "🗑 Alles wissen")
    await anna.expect("Weet u het zeker?")
    await anna.say("misschien")
    await anna.expect("Ik wis pas iets als u ja zegt")
    assert len(await samen.query("SELECT * FROM residents")) == 1
    await anna.say("ja")
    await anna.expect("Alles is gewist")
    assert await samen.query("SELECT * FROM residents") == []


async def test_a_typed_no_keeps_the_data(samen_any: SamenBot, anna_any: Someone) -> None:
    samen, anna = samen_any, anna_any
    await _agreed(samen, anna)
    await anna.say("/mydata")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "🗑 Alles wissen")
    await anna.expect("Weet u het zeker?")
    await anna.say("2")
    await anna.expect("Goed, er is niets gewist")
    assert len(await samen.query("SELECT * FROM residents")) == 1


@pytest.mark.parametrize(
    ("words", "answer"),
    [("goedemorgen!", "Fijn dat u schrijft"), ("dankjewel", "Graag gedaan")],
)
async def test_greetings_and_thanks_get_a_friendly_answer_and_the_menu(
    samen_any: SamenBot, anna_any: Someone, words: str, answer: str
) -> None:
    anna = await _met(anna_any)
    await anna.say(words)
    reply = await anna.expect(answer)
    assert set(MENU_NL) <= set(keyboard_of(reply))


@pytest.mark.parametrize("words", ["mijn kleinzoon is jarig", "doodmoe vandaag"])
async def test_anything_else_gets_a_call_and_the_menu_never_i_do_not_understand(
    samen_any: SamenBot, anna_any: Someone, words: str
) -> None:
    samen, anna = samen_any, await _met(anna_any)
    await anna.say(words)
    offer = await anna.expect()
    assert "Ik weet niet zeker wat u bedoelt" in text_of(offer)
    assert buttons_of(offer) == [CALL_NL]
    menu = await anna.expect("Of kies hieronder")
    assert set(MENU_NL) <= set(keyboard_of(menu))
    assert await _counted(samen, Meaning.OTHER) == 1


@pytest.mark.parametrize(
    "words", ["ik hoef geen telefoontje", "ik ben niet eenzaam hoor", "bel me maar niet"]
)
async def test_a_wish_said_no_to_is_taken_as_said_without_offering_that_call(
    samen_any: SamenBot, anna_any: Someone, words: str
) -> None:
    samen, anna = samen_any, await _met(anna_any)
    await anna.say(words)
    reply = await anna.expect()
    assert plain_text_of(reply).startswith("Goed. Ik ben er als u mij nodig hebt.")
    assert not buttons_of(reply) and set(MENU_NL) <= set(keyboard_of(reply))
    await anna.expect_silence(1.0)  # no "not sure what you mean", no call offered
    assert await _counted(samen, Meaning.OTHER) == 1


async def test_a_bare_yes_or_no_answers_the_last_offer_of_a_call(
    samen_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = samen_any, anna_any
    await _agreed(samen, anna)
    await anna.say("mijn kleinzoon is jarig")
    await anna.expect("Ik weet niet zeker wat u bedoelt")
    await anna.say("nee hoor")
    await anna.expect("Goed. Ik ben er als u mij nodig hebt")
    await anna.say("ja graag")
    offer = await anna.expect("Een vrijwilliger van Samen kan u bellen")
    await anna.press(offer, CALL_NL)
    await anna.expect("Op welk nummer kunnen we u bellen?")


async def _send_media(person: Someone, kind: str) -> None:
    """A voice message or a photo (with a caption), from the person's own app."""
    if not isinstance(person, Person):
        await person.client.send_media(person.bsuid, "voice" if kind == "voice" else "image")
    elif kind == "voice":
        await person.client.send_voice(person.user_id)
    else:
        await person.client.send_photo(person.user_id, caption="kijk")


@pytest.mark.parametrize(
    ("kind", "answer"),
    [("voice", "niet naar spraakberichten luisteren"), ("photo", "geen foto’s of video’s")],
)
async def test_voice_and_photos_get_the_offer_of_a_call_in_the_same_reply(
    samen_any: SamenBot, anna_any: Someone, kind: str, answer: str
) -> None:
    anna = await _met(anna_any)
    await _send_media(anna, kind)
    reply = await anna.expect()
    assert answer in text_of(reply) and buttons_of(reply) == [CALL_NL]
    await anna.expect("Of kies hieronder")


async def test_typed_words_are_not_kept_only_counted(
    samen_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = samen_any, anna_any
    await _agreed(samen, anna)
    await anna.say("ik voel me zo eenzaam sinds Kees weg is")
    await anna.expect("Dank u dat u het mij vertelt")
    assert await all_rows_mentioning(samen, "Kees") == []
    assert await all_rows_mentioning(samen, "eenzaam") == []
    assert await _counted(samen, Meaning.LONELY) == 1


async def test_typed_answers_work_where_buttons_ask(samen: SamenBot, anna: Person) -> None:
    """Someone who types everything: a language, "ja", an option's number, "nee".
    On Telegram only: onboarding by /start comes to WhatsApp with the channels' work."""
    await anna.say("/start")
    await anna.expect("Kies uw taal")
    await anna.say("nederlands")
    await anna.expect("Uw privacy")
    await anna.say("ja hoor")
    await anna.expect("Dank u wel! Alles is klaar.")
    assert await samen.query("SELECT language FROM residents") == [("nl",)]
    await anna.tap("💬 Dagelijks berichtje")
    await anna.expect("Wilt u een kort berichtje")
    await anna.say("2")  # the second option: choose days and time
    days = await anna.expect("Op welke dagen")
    assert buttons_of(days)[1] == "Maandag tot en met vrijdag"
    await anna.say("2")
    await anna.expect("Een berichtje op maandag tot en met vrijdag. Hoe laat?")
    await anna.say("10:30")
    await anna.expect("Het vangnet")
    await anna.say("nee")
    await anna.expect("Uw berichtjes staan klaar")
    assert await samen.query("SELECT days, safety_net FROM checkin_subscriptions") == [(31, 0)]
