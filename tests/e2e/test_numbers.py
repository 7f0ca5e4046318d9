"""/stats and /audit end to end: counts about feelings never point at a person."""

from __future__ import annotations

from bot.db import Database
from bot.emulator.client import EmulatorClient
from bot.services import Services
from bot.services.roles import Role
from tests.conftest import FakeClock
from tests.e2e.conftest import COORDINATOR_ID
from tests.e2e.harness import Person, SamenBot, text_of
from tests.e2e.test_mydata import onboard


async def _bump_last_week(samen: SamenBot, clock: FakeClock, **metrics: int) -> None:
    """What residents did last week, as the services count it."""
    db = await Database.open(samen.settings.database)
    try:
        counts = Services.create(db, clock).counts
        clock.advance(weeks=-1)
        for metric, by in metrics.items():
            await counts.bump(metric, by)
    finally:
        clock.advance(weeks=1)
        await db.close()


async def _numbers(coen: Person) -> str:
    await coen.say("/stats")
    return text_of(await coen.expect("Samen in numbers"))


async def test_self_check_results_show_from_five_people(
    samen_with_clock: tuple[SamenBot, FakeClock], client: EmulatorClient
) -> None:
    samen, clock = samen_with_clock
    coen = await Person(client, COORDINATOR_ID, "Coen", "en").join(opened=True)
    # Nobody yet (and Samen has surely set up its database once it answers).
    assert "• self-checks done: … · < 5" in await _numbers(coen)

    # One resident did the self-check (severe result) and answered a check-in "not good".
    await _bump_last_week(
        samen, clock, selfcheck_done=1, selfcheck_severe=1, checkins_answered_bad=1
    )
    numbers = await _numbers(coen)
    assert "• self-checks done: … · < 5" in numbers
    assert "• result: severely lonely: … · < 5" in numbers
    assert "• answered: not good: … · < 5" in numbers
    assert "fewer than 5 shows as “< 5”" in numbers

    # Four people: still "< 5".
    await _bump_last_week(samen, clock, selfcheck_done=3, selfcheck_severe=3)
    numbers = await _numbers(coen)
    assert "• self-checks done: … · < 5" in numbers
    assert "• result: severely lonely: … · < 5" in numbers

    # Five people: now the count is shown.
    await _bump_last_week(samen, clock, selfcheck_done=1, selfcheck_severe=1)
    numbers = await _numbers(coen)
    assert "• self-checks done: … · 5" in numbers
    assert "• result: severely lonely: … · 5" in numbers
    assert "• answered: not good: … · < 5" in numbers


async def test_audit_in_plain_words_with_first_names(
    samen_with_clock: tuple[SamenBot, FakeClock], client: EmulatorClient, anna: Person
) -> None:
    samen, clock = samen_with_clock
    coen = await Person(client, COORDINATOR_ID, "Coen", "en").join(opened=True)
    await onboard(coen, "✓ English", "✅ I agree")
    await onboard(anna, "✓ Nederlands", "✅ Ik ga akkoord")
    db = await Database.open(samen.settings.database)
    try:
        services = Services.create(db, clock)
        async with db.transaction() as conn:  # as an approved application does it
            await services.volunteers.enrol(anna.user_id, "Annie", "nl", COORDINATOR_ID, conn)
        await services.volunteers.create_invite(COORDINATOR_ID)
        await services.roles.revoke(anna.user_id, Role.VOLUNTEER, COORDINATOR_ID)
        await services.roles.grant(700_000_777, Role.VOLUNTEER, None)  # no name stored
    finally:
        await db.close()

    await coen.say("/audit")
    text = text_of(await coen.expect("Latest actions"))
    assert "Coen gave Annie the role volunteer" in text  # the volunteer's display name
    assert "Coen made an invitation for a new volunteer" in text
    assert "Coen took the role volunteer away from Annie" in text
    assert "a coordinator gave a resident the role volunteer" in text
    for raw in (str(COORDINATOR_ID), str(anna.user_id), "700000777", "role.", "invite."):
        assert raw not in text
