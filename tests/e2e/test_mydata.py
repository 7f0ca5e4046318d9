"""My data: see, export, stop and start messages, delete everything (and really gone).

My data is on the conversation layer, so its tests that need no Telegram-only thing run
on Telegram (polling, webhook) and on WhatsApp (``samen_any``, ``anna_any``/``john_any``).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import from_iso, to_iso, utc_now
from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.services.residents import PRIVACY_NOTICE_VERSION
from tests.e2e.harness import (
    Person,
    SamenBot,
    buttons_of,
    eventually,
    keyboard_of,
    samen_id,
    text_of,
)
from tests.e2e.whatsapp_people import WhatsAppPerson

Someone = Person | WhatsAppPerson


async def onboard(person: Someone, language_button: str, agree_button: str) -> None:
    await person.say("/start")
    choice = await person.expect()
    # The tick is on the phone's language, which only Telegram tells Samen.
    if language_button not in buttons_of(choice):
        language_button = language_button.removeprefix("✓ ")
    await person.press(choice, language_button)
    notice = await person.expect(where=lambda e: bool(buttons_of(e)))
    await person.press(notice, agree_button)
    await person.expect(where=lambda e: bool(keyboard_of(e)))


async def agree(
    samen: SamenBot,
    person: Someone,
    language_button: str,
    agree_button: str,
    *,
    opt_in: bool | None = True,
) -> int:
    """The person goes through onboarding and agrees to the privacy notice; their id in
    Samen. On WhatsApp Samen then asks whether it may write first: ``opt_in`` is the
    answer (None leaves the question open)."""
    await onboard(person, language_button, agree_button)
    if isinstance(person, WhatsAppPerson) and opt_in is not None:
        question = await person.expect(where=lambda e: bool(buttons_of(e)))
        await person.press(question, buttons_of(question)[0 if opt_in else 1])
        await person.expect(where=lambda e: bool(keyboard_of(e)))
    found = await samen_id(samen, person)
    assert found is not None
    return found


async def all_rows_mentioning(samen: SamenBot, needle: str) -> list[tuple[str, tuple[object, ...]]]:
    """Every row in every table with the needle in any column (the erasure proof)."""
    tables = [
        r[0]
        for r in await samen.query(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    hits: list[tuple[str, tuple[object, ...]]] = []
    for table in tables:
        columns = [r[1] for r in await samen.query(f"PRAGMA table_info({table})")]
        where = " OR ".join(f"CAST({c} AS TEXT) LIKE ?" for c in columns)
        rows = await samen.query(
            f"SELECT * FROM {table} WHERE {where}", tuple([f"%{needle}%"] * len(columns))
        )
        hits += [(table, row) for row in rows]
    return hits


async def test_see_export_stop_and_erase(samen_any: SamenBot, anna_any: Someone) -> None:
    samen, anna = samen_any, anna_any
    anna_id = await agree(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("📋 Mijn gegevens")
    overview = await anna.expect("Wat Samen over u bewaart")
    assert "Voornaam: Anna" in text_of(overview)
    account = {"telegram": "Telegram-account", "whatsapp": "Samen voor u op WhatsApp"}
    assert f"{account[anna.channel]} (geen telefoonnummer): {anna_id}" in text_of(overview)
    assert "Berichten van Samen: aan" in text_of(overview)
    # Linking the other app is offered where it runs (WhatsApp is off in the Telegram runs).
    link = ["🔗 Koppel Telegram"] if anna.channel == "whatsapp" else []
    assert buttons_of(overview) == [
        "📄 Stuur mij mijn gegevens",
        "🔕 Stop alle berichten",
        "📍 Geef mijn postcode",
        *link,
        "🗑 Alles wissen",
    ]

    await anna.press(overview, "📄 Stuur mij mijn gegevens")
    export = await anna.expect(where=lambda e: e.get("document") is not None)
    assert (await anna.document(export))[0] == "samen-mijn-gegevens.txt"
    export = await anna.expect(where=lambda e: e.get("document") is not None)
    name, content = await anna.document(export)
    assert name == "samen-my-data.json"
    data = json.loads(content)
    assert data["telegram_id"] == anna_id
    assert data["residents"][0]["first_name"] == "Anna"
    assert data["residents"][0]["consent_version"] == PRIVACY_NOTICE_VERSION

    # Before anything stops, Samen says what stops and asks; "no" changes nothing.
    await anna.press(overview, "🔕 Stop alle berichten")
    question = await anna.expect("Alle berichten stoppen?")
    if anna.channel == "telegram":  # the overview turned into it (WhatsApp cannot edit)
        assert question["message_id"] == overview["message_id"]
    for what in ("geen dagelijks berichtje", "geen vangnet", "maandelijkse vragenlijst"):
        assert what in text_of(question)
    for what in ("herinneringen aan activiteiten", "nieuws van de coördinatoren"):
        assert what in text_of(question)
    assert buttons_of(question) == ["🔕 Ja, stop alle berichten", "↩️ Nee, berichten houden"]
    await anna.press(question, "↩️ Nee, berichten houden")
    await anna.expect_toast("Goed, uw berichten blijven aan.")
    kept = await anna.expect("Berichten van Samen: aan")
    assert await samen.query("SELECT status FROM residents WHERE telegram_id = ?", (anna_id,)) == [
        ("active",)
    ]
    await anna.press(kept, "🔕 Stop alle berichten")
    await anna.press(await anna.expect("Alle berichten stoppen?"), "🔕 Ja, stop alle berichten")
    await anna.expect_toast("Berichten gestopt")
    stopped = await anna.expect("Berichten van Samen: gestopt")
    assert "🔔 Weer berichten krijgen" in buttons_of(stopped)
    assert await samen.query("SELECT status FROM residents WHERE telegram_id = ?", (anna_id,)) == [
        ("stopped",)
    ]
    await anna.press(stopped, "🔔 Weer berichten krijgen")
    await anna.expect("Berichten van Samen: aan")

    await anna.press(stopped, "🗑 Alles wissen")
    question = await anna.expect("Weet u het zeker?")
    await anna.press(question, "🗑 Ja, alles wissen")
    farewell = await anna.expect("Alles is gewist.")
    assert "🔒 Privacy" in keyboard_of(farewell)

    await samen.stop()  # flush everything PTB still holds in memory, then look
    assert await all_rows_mentioning(samen, str(anna_id)) == []
    assert await all_rows_mentioning(samen, "Anna") == []
    counts = await samen.query("SELECT metric, count FROM daily_counts ORDER BY metric")
    assert counts == [("residents_erased", 1), ("residents_joined", 1)]


async def test_keep_my_data_and_stale_confirmation(samen: SamenBot, john: Person) -> None:
    await onboard(john, "✓ English", "✅ I agree")
    await john.say("/mydata")
    overview = await john.expect("What Samen stores about you")
    await john.press(overview, "🗑 Delete everything")
    question = await john.expect("Are you sure?")
    await john.press(question, "↩️ No, keep my data")
    await john.expect("Good, nothing was deleted.")

    # The old "yes" button is gone; a client that sends its data anyway is refused.
    message_id = question.get("message_id")
    assert message_id is not None
    await john.client.press(john.user_id, message_id, callback_data="erase:yes", forge=True)
    await john.expect_toast("This button no longer works.")
    await john.expect("That button no longer works. Here is the menu.")
    assert await samen.query(
        "SELECT count(*) FROM residents WHERE telegram_id = ?", (john.user_id,)
    ) == [(1,)]


async def test_restart_while_asked_to_confirm_erasure(
    samen_any: SamenBot, john_any: Someone
) -> None:
    samen, john = samen_any, john_any
    john_id = await agree(samen, john, "✓ English", "✅ I agree")
    await john.say("/mydata")
    await john.press(await john.expect("What Samen stores"), "🗑 Delete everything")
    question = await john.expect("Are you sure?")
    await samen.restart()
    await john.press(question, "🗑 Yes, delete everything")
    await john.expect("Everything is deleted.")
    assert await samen.query(
        "SELECT count(*) FROM residents WHERE telegram_id = ?", (john_id,)
    ) == [(0,)]


async def test_start_again_after_erasure(samen: SamenBot, john: Person) -> None:
    await onboard(john, "✓ English", "✅ I agree")
    await john.say("/mydata")
    await john.press(await john.expect("What Samen stores"), "🗑 Delete everything")
    await john.press(await john.expect("Are you sure?"), "🗑 Yes, delete everything")
    await john.expect("Everything is deleted.")
    await john.say("/start")
    choice = await john.expect("Choose your language")
    assert "✓ English" in buttons_of(choice)
    assert "Welcome back" not in text_of(choice)


async def test_blocking_the_bot_marks_unreachable(
    samen: SamenBot, john: Person, client: EmulatorClient
) -> None:
    await onboard(john, "✓ English", "✅ I agree")
    await client.block(john.user_id)
    rows = await eventually(
        lambda: samen.query("SELECT status FROM residents WHERE telegram_id = ?", (john.user_id,)),
        lambda rows: rows == [("unreachable",)],
    )
    assert rows == [("unreachable",)]
    await client.unblock(john.user_id)
    await john.say("/menu")
    await john.expect("What would you like to do?")
    assert await samen.query(
        "SELECT status FROM residents WHERE telegram_id = ?", (john.user_id,)
    ) == [("active",)]


async def test_a_question_left_open_does_not_catch_later_messages(
    samen: SamenBot, anna: Person
) -> None:
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.say("/mydata")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "📍 Geef mijn postcode")
    await anna.expect("Typ de 4 cijfers van uw postcode")
    # She moves on with the menu instead of answering.
    await anna.tap("❓ Hulp")
    await anna.expect("Hoe Samen werkt")
    await anna.say("hallo")
    await anna.expect("Fijn dat u schrijft")  # a greeting, not "that is not a postcode"
    await anna.tap("📞 Bel mij")
    await anna.expect("Op welk nummer kunnen we u bellen?")
    assert await samen.query(
        "SELECT postcode_area FROM residents WHERE telegram_id = ?", (anna.user_id,)
    ) == [(None,)]


async def _store_everything_for(samen: SamenBot, person_id: int) -> None:
    """What a resident leaves after using every feature once (rows as the services write them)."""
    now = utc_now()
    db = await Database.open(samen.settings.database)
    try:
        at = to_iso(now)
        await db.execute(
            "INSERT INTO checkin_subscriptions (telegram_id, days, local_time, safety_net,"
            " phone, next_due, created_at, updated_at)"
            " VALUES (?, 127, '10:00', 1, '+31612345678', ?, ?, ?)",
            (person_id, to_iso(now + timedelta(days=1)), at, at),
        )
        for day in (1, 2):
            await db.execute(
                "INSERT INTO checkin_sends (telegram_id, slot, outcome, created_at, mood,"
                " answered_at) VALUES (?, ?, 'sent', ?, 'okay', ?)",
                (person_id, to_iso(now - timedelta(days=day)), at, at),
            )
        await db.execute(
            "INSERT INTO selfcheck_subscriptions (telegram_id, consent_version, consent_at, day,"
            " next_due, created_at) VALUES (?, 1, ?, 3, ?, ?)",
            (person_id, at, at, at),
        )
        await db.execute(
            "INSERT INTO selfcheck_rounds (telegram_id, month, status, answers, score,"
            " created_at, finished_at) VALUES (?, '2026-11', 'done', 'ymnyny', 3, ?, ?)",
            (person_id, at, at),
        )
        activity = await db.fetchone(
            "INSERT INTO activities (source, external_id, title_nl, organiser, kind, place_name,"
            " lat, lon, tz, start_local, duration_min, created_at, updated_at) VALUES ('bot',"
            " 'x1', 'Koffie', 'Bieb', 'meet', 'Bieb', 52.35, 4.6, 'Europe/Amsterdam',"
            " '2026-12-24T10:00', 60, ?, ?) RETURNING id",
            (at, at),
        )
        assert activity is not None
        await db.execute(
            "INSERT INTO activity_reminders (telegram_id, activity_id, starts_at, remind_at,"
            " created_at) VALUES (?, ?, ?, ?, ?)",
            (person_id, activity[0], to_iso(now + timedelta(days=3)), at, at),
        )
        for status, phone in (("open", "+31687654321"), ("closed", None)):
            await db.execute(
                "INSERT INTO call_requests (resident_id, language, phone, moment_start,"
                " moment_end, status, created_at, opened_at, closed_at)"
                " VALUES (?, 'nl', ?, ?, ?, ?, ?, ?, ?)",
                (person_id, phone, at, at, status, at, at, at if status == "closed" else None),
            )
    finally:
        await db.close()


async def test_my_data_lists_every_kind_of_data_with_how_long_it_is_kept(
    samen_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = samen_any, anna_any
    await _store_everything_for(samen, await agree(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord"))
    await anna.say("/mydata")
    text = text_of(await anna.expect("Wat Samen over u bewaart"))
    for line in (
        "Samen bewaart dit tot u kiest voor “Alles wissen”.",
        "Wat Samen nog meer bewaart, en hoe lang",
        "• Uw dagen en tijd voor het dagelijkse berichtje: tot u stopt met de berichtjes.",
        "• Uw telefoonnummer voor het vangnet: 06 12 34 56 78. Bewaard tot u het vangnet uitzet.",
        "• 2 dagelijkse berichtjes en uw antwoorden (hoe het met u ging): 90 dagen bewaard.",
        "• 1 maandelijkse vragenlijst met uw antwoorden: 92 dagen bewaard.",
        "• Uw toestemming voor de maandelijkse vragenlijst: tot u ermee stopt.",
        "• Uw verzoek om teruggebeld te worden, met telefoonnummer 06 87 65 43 21. "
        "Het nummer gaat 30 dagen na het gesprek weg.",
        "• 1 herinnering voor een activiteit: tot u kiest voor “Alles wissen”.",
        "• 1 eerder belverzoek. Het telefoonnummer en de notitie gaan 30 dagen na het gesprek weg.",
    ):
        assert line in text


async def test_export_is_a_readable_document_and_a_json_file(
    samen_any: SamenBot, john_any: Someone
) -> None:
    samen, john = samen_any, john_any
    await _store_everything_for(samen, await agree(samen, john, "✓ English", "✅ I agree"))
    await john.say("/mydata")
    await john.press(await john.expect("What Samen stores about you"), "📄 Send me my data")
    readable = await john.expect(where=lambda e: e.get("document") is not None)
    name, content = await john.document(readable)
    assert name == "samen-my-data.txt"
    assert text_of(readable) == "Here is everything Samen stores about you, to read."
    text = content.decode()
    assert text.startswith("Samen – my data\nMade on ")
    assert "• First name: John" in text
    assert "• Your phone number for the safety net: 06 12 34 56 78." in text
    assert "• 2 check-ins and your answers (how you felt): kept 90 days." in text
    # Then what was done, one line each, under plain headings.
    assert "\nYour check-ins\n" in text and text.count(": you felt so-so\n") == 2
    assert "• November 2026: done. Your answers: yes, more or less, no, yes, no, yes" in text
    assert "\nYour reminders for activities\n• An activity on " in text
    assert ": waiting for a volunteer. Phone number: 06 87 65 43 21" in text
    assert ": done. Phone number: removed" in text
    assert not re.search(r"dedupe_key|telegram_id|<b>|\d{4}-\d\d-\d\dT", text)
    # Times are local (Heemstede), not the UTC the database keeps.
    consent = from_iso((await samen.query("SELECT consent_at FROM residents"))[0][0])
    assert consent.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%H:%M") in text

    machine = await john.expect(where=lambda e: e.get("document") is not None)
    name, content = await john.document(machine)
    assert name == "samen-my-data.json"
    assert "UTC" in text_of(machine)
    data = json.loads(content)
    assert data["checkin_subscriptions"][0]["phone"] == "+31612345678"


async def test_a_typed_postcode_answers_the_open_question(
    samen_any: SamenBot, anna_any: Someone
) -> None:
    samen, anna = samen_any, anna_any
    anna_id = await agree(samen, anna, "✓ Nederlands", "✅ Ik ga akkoord")
    await anna.tap("📋 Mijn gegevens")
    await anna.press(await anna.expect("Wat Samen over u bewaart"), "📍 Geef mijn postcode")
    await anna.expect("Typ de 4 cijfers van uw postcode")
    await anna.say("2101")
    await anna.expect("Uw postcode is 2101.")
    assert await samen.query(
        "SELECT postcode_area FROM residents WHERE telegram_id = ?", (anna_id,)
    ) == [("2101",)]
