"""What the check-in and safety-net tests do on every channel: a resident joins (on
WhatsApp also saying yes to messages Samen starts, so a check-in outside the 24-hour
window can come as a template), sets up check-ins, answers one, and runs the ticks.

The shared fixtures (``clock``, ``bot``, ``bot_on_both``, ``coordinator``) are bound
in each test module that uses them (``clock = checkins_helpers.clock``): pytest looks
for fixtures in the test module, not in a helper module it imports.

A check-in that came as a WhatsApp template has no buttons: it is answered by typing
the mood, as its text asks ("Reply to this message to answer").
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.emulator.client import EmulatorClient, Entry
from bot.emulator.whatsapp import WhatsAppEmulatorClient
from bot.runtime import Runtime
from tests.conftest import FakeClock
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.harness import Person, SamenBot, buttons_of, eventually, text_of
from tests.e2e.test_mydata import agree
from tests.e2e.whatsapp_people import WhatsAppPerson

Someone = Person | WhatsAppPerson
MOODS = ["🙂 Good", "😐 So-so", "🙁 Not good", "😢 Very bad"]
AGREE = {"en": ("✓ English", "✅ I agree"), "nl": ("✓ Nederlands", "✅ Ik ga akkoord")}


@pytest.fixture
def clock() -> FakeClock:
    """Monday 30 November 2026, 09:00 in Heemstede; the tests move it on."""
    return FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))


@pytest.fixture
def bot(samen_any_on_clock: SamenBot) -> SamenBot:
    """Samen on the test's clock, reached the way ``john_any``/``anna_any`` reach it."""
    return samen_any_on_clock


@pytest.fixture
def bot_on_both(samen_both_on_clock: SamenBot) -> SamenBot:
    """Samen on Telegram and WhatsApp at once, on the test's clock."""
    return samen_both_on_clock


@pytest.fixture
async def coordinator(client: EmulatorClient) -> Person:
    """Cora, a coordinator on Telegram: she hears when nobody is on duty, or the ladder's
    step 4."""
    return await Person(client, COORDINATOR_ID, "Cora", "nl").join(opened=True)


def said(entry: Entry) -> str:
    """The text as read, without WhatsApp's *bold* marks (Telegram sends plain text)."""
    return text_of(entry).replace("*", "")


async def join(samen: SamenBot, person: Someone, language: str = "en") -> int:
    """They agree to the privacy text; on WhatsApp they also say yes to messages Samen
    starts. Their id in Samen."""
    return await agree(samen, person, *AGREE[language])  # onboarding asks the opt-in


async def open_menu(person: Someone) -> Entry:
    await person.tap("💬 Check-ins")
    return await person.expect(where=lambda e: bool(buttons_of(e)))


async def share_number(person: Someone, phone: str) -> None:
    """Their own number: Telegram's contact button, or typed on WhatsApp."""
    if isinstance(person, Person):
        await person.client.send_contact(person.user_id, phone, person.user_id)
    else:
        await person.say(phone)


async def share_someone_else(person: Someone, phone: str) -> None:
    """A contact card of someone else."""
    if isinstance(person, Person):
        await person.client.send_contact(person.user_id, phone, contact_user_id=555)
    else:
        await person.client.send_contact(person.bsuid, phone)


async def forge(person: Someone, entry: Entry, data: str) -> None:
    """A tap on an old choice: forged on Telegram, where it was taken off the message;
    still there on WhatsApp, whose app sends back only what was offered."""
    if isinstance(person, Person):
        await person.client.press(person.user_id, entry["message_id"], data, forge=True)
    else:
        await person.client.press(person.bsuid, data)


async def transcript(person: Someone) -> list[Entry]:
    if isinstance(person, Person):
        return await person.client.transcript(person.user_id)
    return await person.client.transcript(person.bsuid)  # type: ignore[return-value]


async def subscribe(
    samen: SamenBot, person: Someone, days: str, at: str, safety_net: bool, *, joined: bool = False
) -> Entry:
    """They set up check-ins through the menu (first joining, unless ``joined``); the
    confirmation."""
    if not joined:
        await join(samen, person)
    await person.press(await open_menu(person), "🗓 Choose days and time")
    await person.press(await person.expect("On which days"), days)
    await person.press(await person.expect("At what time?"), at)
    question = await person.expect("The safety net")
    if not safety_net:
        await person.press(question, "No, thank you")
        return await person.expect("Your check-ins are set")
    await person.press(question, "🛟 Yes, please")
    await person.expect("Which number can a volunteer call?")
    await share_number(person, "+31612345678")
    return await person.expect("Your check-ins are set")


async def answer(person: Someone, checkin: Entry, mood: str) -> None:
    """Tap the mood under the check-in; a template without buttons is answered by typing
    it. On Telegram a tap shows the choice under the question ("You chose: …"); WhatsApp
    cannot change the question, and the person's tap stands in the chat already."""
    if buttons_of(checkin):
        await person.press(checkin, mood)
        if isinstance(person, Person):
            await person.expect(f"You chose: {mood}")
    else:
        await person.say(mood)


async def checkin_messages(person: Someone) -> list[Entry]:
    """The check-ins sent (on Telegram the answer is shown in the check-in itself)."""
    return [
        e
        for e in await transcript(person)
        if e.get("direction") == "out" and "How are you today?" in text_of(e)
    ]


async def run(bot: SamenBot, what: str) -> object:
    """Run a tick now, on the bot's database and clock: "tick" (check-ins), "climb" (the
    safety net) or "escalate" (the desk's alert about tasks nobody took)."""
    runtime = await Runtime.open(bot.settings, bot.clock)
    try:
        services = runtime.services
        ticks = {
            "tick": services.checkins.tick,
            "climb": services.safety_net.climb,
            "escalate": services.call_requests.escalate_unclaimed,
        }
        return await ticks[what]()
    finally:
        await runtime.close()


async def answer_next_checkin(
    bot: SamenBot, person: Someone, clock: FakeClock, day: int, mood: str
) -> Entry:
    """Move to 13:01 on a December day, send the check-in and answer it."""
    clock.now = datetime(2026, 12, day, 12, 1, tzinfo=UTC)
    await run(bot, "tick")
    checkin = await person.expect("How are you today?")
    await answer(person, checkin, mood)
    return checkin


async def cannot_reach(
    person: Someone,
    client: EmulatorClient,
    wa_client: WhatsAppEmulatorClient,
    blocked: bool = True,
) -> None:
    """They block Samen (or unblock it): Telegram then answers 403; WhatsApp accepts a
    message and reports it 'failed' (131026) a moment later."""
    if isinstance(person, Person):
        await client.configure(forbidden_users=[person.user_id] if blocked else [])
    else:
        await wa_client.block(person.bsuid, blocked)


async def recorded_as_undelivered(bot: SamenBot, kind: str) -> None:
    """Samen has recorded that the message could not be delivered (WhatsApp's 'failed'
    status comes a moment after the message was accepted)."""
    sql = "SELECT status FROM outbox WHERE kind = ?"
    rows = await eventually(
        lambda: bot.query(sql, (kind,)),
        lambda rows: bool(rows) and all(r[0] in ("failed", "blocked") for r in rows),
    )
    assert rows and all(r[0] in ("failed", "blocked") for r in rows), rows


async def recorded_as_sent(bot: SamenBot, kind: str) -> None:
    """The person has the message, and Samen has recorded it as sent (the safety net
    climbs only on a check-in it knows arrived; the record may come a moment later)."""
    sql = "SELECT COUNT(*) FROM outbox WHERE kind = ? AND status != 'sent'"
    left = await eventually(lambda: bot.query(sql, (kind,)), lambda rows: rows == [(0,)])
    assert left == [(0,)]
