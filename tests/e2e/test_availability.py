"""A volunteer says when they can call; a holiday; call requests follow it.

On the conversation layer: the volunteer is on Telegram or WhatsApp (``samen_any_on_clock``).
"""

from __future__ import annotations

from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.services import Services
from tests.conftest import FakeClock
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.either import Someone, press_data
from tests.e2e.harness import Person, SamenBot, buttons_of, text_of
from tests.e2e.test_mydata import agree, onboard


async def test_a_volunteer_chooses_days_hours_and_a_holiday(
    samen_any_on_clock: SamenBot, clock: FakeClock, client: EmulatorClient, john_any: Someone
) -> None:
    samen, john = samen_any_on_clock, john_any
    john_id = await agree(samen, john, "✓ English", "✅ I agree")
    db = await Database.open(samen.settings.database)
    try:
        services = Services.create(db, clock)
        async with db.transaction() as conn:  # as an approved application does it
            await services.volunteers.enrol(john_id, "John", "en", COORDINATOR_ID, conn)
    finally:
        await db.close()

    await john.tap("🤝 I want to help")
    profile = await john.expect(where=lambda e: "🗓 When I can call" in buttons_of(e))
    await john.press(profile, "🗓 When I can call")
    screen = await john.expect("When can you call?")
    assert "You get every call request while you are on duty." in text_of(screen)
    await john.press(screen, "Monday to Friday")
    hours = await john.expect("At what hours can you call?")
    await john.press(hours, "🌅 Mornings (08:00–12:00)")
    screen = await john.expect("Days: Monday to Friday. Hours: 08:00 to 12:00.")
    assert await samen.query(
        "SELECT days, from_time, until_time, paused_until FROM volunteer_availability"
    ) == [(31, "08:00", "12:00", None)]

    await john.press(screen, "⏸ Holiday: 1 week")
    screen = await john.expect("On holiday until")
    assert "▶️ I am back from holiday" in buttons_of(screen)
    await john.press(screen, "▶️ I am back from holiday")
    screen = await john.expect(where=lambda e: "⏸ Holiday: 1 week" in buttons_of(e))
    await john.press(screen, "Any time I am on duty")
    await john.expect("You get every call request while you are on duty.")
    assert await samen.query("SELECT * FROM volunteer_availability") == []

    # A forged tap by someone who is not a volunteer does nothing.
    outsider = await Person(client, 700_000_009, "Olga", "en").join()
    await onboard(outsider, "✓ English", "✅ I agree")
    await press_data(outsider, "avl:days:31")
    await outsider.expect("That button no longer works")
