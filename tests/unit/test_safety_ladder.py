"""The safety net climbs: nudge, volunteer task, emergency contact, coordinators."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.db import Database
from bot.i18n import Catalogs
from bot.services import Services
from bot.services.callme.requests import CallOutcome, Topic
from bot.services.care.contacts import Confirmed, clean_name
from bot.services.care.moods import Mood
from bot.services.care.safety import Step
from bot.services.care.safety_texts import contact_message, coordinator_text, nudge_message
from bot.services.care.schedule import EVERY_DAY, CheckinPolicy
from bot.services.outbox import Outcome, Result
from tests.conftest import FakeClock

ANNA = 700_000_101
ELS = 700_000_202  # Anna's daughter, her emergency contact
PIET = 700_000_301  # a volunteer
COORDINATOR = 700_000_401


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def services(db: Database, clock: FakeClock) -> Services:
    return Services.create(db, clock, checkin_policy=CheckinPolicy())


async def deliver_all(services: Services, outcome: Outcome = Outcome.SENT) -> None:
    """What a messenger does: every due row sent (or failed, or blocked), with an id."""
    rows = await services.outbox.claim_due(1000)
    await services.outbox.record(
        [Result(r.id, outcome, message_id=r.id, channel_message_id=f"wamid.{r.id}") for r in rows]
    )


async def setting(
    services: Services, db: Database, clock: FakeClock, outcome: Outcome = Outcome.SENT
) -> None:
    """Anna: a 10:30 check-in with the safety net; Piet on duty; one coordinator."""
    await services.residents.give_consent(ANNA, "Anna", "nl")
    await services.residents.give_consent(PIET, "Piet", "nl")
    async with db.transaction() as conn:
        await services.volunteers.enrol(PIET, "Piet", "nl", None, conn)
    await services.roles.sync_config_coordinators([COORDINATOR])
    await services.checkins.set_days(ANNA, EVERY_DAY)
    await services.checkins.set_time(ANNA, time(10, 30))
    await services.checkins.set_safety_net(ANNA, "+31612345678")
    clock.now = utc(2026, 11, 30, 9, 31)  # Monday 10:31 local
    await services.checkins.tick()
    await deliver_all(services, outcome)


async def with_contact(services: Services) -> None:
    contact = await services.emergency_contacts.invite(ANNA, "Els")
    result, resident = await services.emergency_contacts.confirm(contact.invite_code, ELS, "nl")
    assert (result, resident) == (Confirmed.YES, ANNA)


async def kinds_to(db: Database, recipient: int) -> list[str]:
    rows = await db.fetchall(
        "SELECT kind FROM outbox WHERE recipient_id = ? ORDER BY id", (recipient,)
    )
    return [str(r[0]) for r in rows]


async def steps(db: Database) -> list[str]:
    return [str(r[0]) for r in await db.fetchall("SELECT step FROM safety_steps ORDER BY id")]


async def piet_tries_twice(services: Services, clock: FakeClock) -> None:
    task = await services.call_requests.open_request(ANNA)
    assert task is not None
    await services.call_requests.claim(task.id, PIET)
    clock.now = max(clock.now, task.moment_start)
    for _ in range(2):
        await services.call_requests.record_outcome(task.id, PIET, CallOutcome.NO_ANSWER)


async def test_one_gentle_nudge_after_an_hour_with_the_mood_buttons(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await setting(services, db, clock)
    clock.advance(minutes=58)
    assert await services.safety_net.nudge_tick() == 0
    clock.advance(minutes=2)
    assert await services.safety_net.nudge_tick() == 1
    assert await services.safety_net.nudge_tick() == 0  # once only
    row = await db.fetchone("SELECT payload FROM outbox WHERE kind = 'checkin-nudge'")
    assert row is not None and "mood:" in str(row[0]) and "Anna" in str(row[0])
    assert await steps(db) == ["nudge"]
    assert await services.counts.total("safety_step_nudge") == 1


@pytest.mark.parametrize("how", ["blocked", "refused", "failed later"])
async def test_a_check_in_that_could_not_be_delivered_climbs_as_an_unanswered_one(
    services: Services, db: Database, clock: FakeClock, how: str
) -> None:
    """Telegram's 403 (blocked), WhatsApp refusing it (no template or opt-in, 131047)
    or its 'failed' status after it was sent: the same for the ladder. No reminder (it
    would not arrive either); at the safety window a volunteer's task that says why;
    the coordinators' alert says so too."""
    outcome = {"blocked": Outcome.BLOCKED, "refused": Outcome.FAILED}.get(how, Outcome.SENT)
    await setting(services, db, clock, outcome)
    if how == "failed later":  # WhatsApp's webhook: accepted first, then 'failed'
        assert await services.outbox.record_delivery("wamid.1", "failed", "whatsapp 131047")
    clock.advance(hours=1, minutes=1)
    assert (await services.safety_net.climb()).nudged == 0
    clock.advance(hours=1, minutes=58)
    assert (await services.safety_net.climb()).tasks == 0  # the window is the same
    clock.advance(minutes=2)
    assert (await services.safety_net.climb()).tasks == 1
    task = await services.call_requests.open_request(ANNA)
    assert task is not None and task.topic is Topic.UNDELIVERED_CHECKIN
    assert await services.counts.total("checkins_undelivered") == 1
    clock.advance(hours=2, minutes=1)  # nobody took it, no contact: the coordinators
    assert (await services.safety_net.climb()).coordinators == 1
    alert = await db.fetchone("SELECT payload FROM outbox WHERE recipient_id = ?", (COORDINATOR,))
    assert alert is not None and "kon niet worden bezorgd bij Anna" in str(alert[0])
    assert await steps(db) == ["task", "coordinators"]


async def test_an_answer_stops_the_nudge(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await setting(services, db, clock)
    await services.checkins.answer(ANNA, utc(2026, 11, 30, 9, 30), Mood.GOOD)
    clock.advance(hours=5)
    report = await services.safety_net.climb()
    assert (report.nudged, report.tasks) == (0, 0)
    assert await steps(db) == []


async def test_no_answer_twice_tells_the_emergency_contact_then_the_coordinators(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await setting(services, db, clock)
    await with_contact(services)
    clock.advance(hours=3, minutes=1)
    report = await services.safety_net.climb()
    # Past the safety window a nudge would only come with the volunteer's call: none.
    assert (report.nudged, report.tasks, report.contacts) == (0, 1, 0)
    await piet_tries_twice(services, clock)
    report = await services.safety_net.climb()
    assert (report.contacts, report.coordinators) == (1, 0)
    assert await kinds_to(db, ELS) == ["safety-contact"]
    payload = await db.fetchone("SELECT payload FROM outbox WHERE kind = 'safety-contact'")
    assert payload is not None and "Anna" in str(payload[0]) and "+316" not in str(payload[0])
    clock.advance(hours=2)
    report = await services.safety_net.climb()
    assert report.coordinators == 1
    assert await kinds_to(db, COORDINATOR) == ["alert"]
    assert await steps(db) == ["task", "contact", "coordinators"]
    assert (await services.safety_net.climb()).coordinators == 0  # once only


async def test_without_a_contact_an_unclaimed_task_goes_to_the_coordinators(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await setting(services, db, clock)
    clock.advance(hours=3, minutes=1)
    await services.safety_net.climb()
    clock.advance(hours=1, minutes=59)
    assert (await services.safety_net.climb()).coordinators == 0
    clock.advance(minutes=2)
    assert (await services.safety_net.climb()).coordinators == 1
    assert await steps(db) == ["task", "coordinators"]
    alert = await db.fetchone(
        "SELECT payload FROM outbox WHERE recipient_id = ? AND ref LIKE 'safety:%'",
        (COORDINATOR,),
    )
    assert alert is not None and "geen noodcontact" in str(alert[0]).lower()


async def test_an_unclaimed_safety_net_task_without_a_contact_alerts_the_coordinators_once(
    services: Services, db: Database, clock: FakeClock
) -> None:
    """The desk's "waiting unclaimed" alert and the ladder's step 4 are one step for a
    missed check-in: the ladder's alert (which says why) is the only one."""
    await setting(services, db, clock)
    clock.advance(hours=3, minutes=1)
    await services.safety_net.climb()
    for _ in range(3):  # the scheduler's ticks, until well past the escalation time
        clock.advance(hours=1, minutes=1)
        await services.call_requests.escalate_unclaimed()
        await services.safety_net.climb()
    assert await kinds_to(db, COORDINATOR) == ["alert"]
    assert await steps(db) == ["task", "coordinators"]


async def test_a_request_of_their_own_still_gets_the_desks_unclaimed_alert(
    services: Services, db: Database, clock: FakeClock
) -> None:
    """Only the safety net's own tasks leave the desk's alert to the ladder."""
    await services.residents.give_consent(ANNA, "Anna", "nl")
    await services.roles.sync_config_coordinators([COORDINATOR])
    clock.now = utc(2026, 11, 30, 8, 0)  # Monday 09:00 local
    moment = services.call_requests.moments()[0]
    await services.call_requests.create_request(ANNA, "0612345678", moment.key, None)
    clock.advance(hours=3)
    assert await services.call_requests.escalate_unclaimed() == 1


async def test_all_is_well_from_the_contact_stops_the_climb_and_withdraws_the_call(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await setting(services, db, clock)
    await with_contact(services)
    clock.advance(hours=3, minutes=1)
    await services.safety_net.climb()
    clock.advance(hours=2, minutes=1)  # nobody took the task
    assert (await services.safety_net.climb()).contacts == 1
    send = await db.fetchone("SELECT id FROM checkin_sends WHERE outcome = 'sent'")
    assert send is not None
    assert await services.safety_net.contact_answered(PIET, int(send[0]), Step.WELL) is None
    # What waits for Els's answer (shown again when she writes back), and only to her.
    assert await services.safety_net.open_alert(ELS) == (int(send[0]), "Anna")
    assert await services.safety_net.open_alert(PIET) is None
    name = await services.safety_net.contact_answered(ELS, int(send[0]), Step.WELL)
    assert await services.safety_net.open_alert(ELS) is None
    assert name == "Anna"
    assert await services.safety_net.contact_answered(ELS, int(send[0]), Step.LOOK) is None
    clock.advance(hours=3)
    assert (await services.safety_net.climb()).coordinators == 0
    status = await db.fetchone("SELECT status FROM call_requests")
    assert status is not None and status[0] == "cancelled"
    assert await services.counts.total("safety_contact_well") == 1


async def test_the_climb_waits_out_quiet_hours(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await setting(services, db, clock)
    clock.advance(hours=3, minutes=1)
    await services.safety_net.climb()
    clock.now = utc(2026, 11, 30, 21, 0)  # 22:00 local
    assert (await services.safety_net.climb()).coordinators == 0
    clock.now = utc(2026, 12, 1, 7, 1)  # 08:01 local
    assert (await services.safety_net.climb()).coordinators == 1


async def test_an_unconfirmed_contact_is_skipped_and_a_resident_cannot_be_their_own(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await setting(services, db, clock)
    contact = await services.emergency_contacts.invite(ANNA, "Els")
    assert not contact.confirmed and contact.invite_code.startswith("ec")
    confirmed = await services.emergency_contacts.confirm(contact.invite_code, ANNA, "nl")
    assert confirmed == (Confirmed.SELF, ANNA)
    assert await services.emergency_contacts.confirm("ecnonsense", ELS, "nl") == (
        Confirmed.UNKNOWN,
        None,
    )
    clock.advance(hours=3, minutes=1)
    await services.safety_net.climb()
    await piet_tries_twice(services, clock)
    report = await services.safety_net.climb()
    assert (report.contacts, report.coordinators) == (0, 1)


async def test_a_new_contact_replaces_the_old_and_erasure_removes_both_sides(
    services: Services, db: Database, clock: FakeClock
) -> None:
    await setting(services, db, clock)
    await with_contact(services)
    again = await services.emergency_contacts.invite(ANNA, "Jan")
    assert not again.confirmed and again.name == "Jan"
    result = await services.emergency_contacts.confirm(again.invite_code, ELS, "nl")
    assert result == (Confirmed.YES, ANNA)
    assert await services.emergency_contacts.withdraw(again.invite_code, ELS) == ANNA
    assert await services.emergency_contacts.get(ANNA) is None
    await with_contact(services)
    held = await services.privacy.holdings(ANNA)
    assert held.emergency_contact == "Els"
    await services.privacy.erase(ELS)
    assert await services.emergency_contacts.get(ANNA) is None
    assert clean_name("  Els   de  Vries ") == "Els de Vries"
    assert clean_name(" ") is None and clean_name("x" * 41) is None


def test_names_are_escaped_in_every_ladder_message() -> None:
    t = Catalogs.load(ZoneInfo("Europe/Amsterdam")).get("en")
    name = "Ann <b>& co"
    for text in (
        nudge_message(t, name, utc(2026, 11, 30, 9, 30)).text,
        contact_message(t, name, 1).text,
        coordinator_text(t, name, "unclaimed", has_contact=False),
    ):
        assert "Ann &lt;b&gt;&amp; co" in text and "<b>&" not in text


async def test_an_invite_link_makes_one_contact_only(services: Services) -> None:
    await services.residents.give_consent(ANNA, "Anna", "nl")
    contact = await services.emergency_contacts.invite(ANNA, "Els")
    code = contact.invite_code
    assert await services.emergency_contacts.confirm(code, ELS, "nl") == (Confirmed.YES, ANNA)
    assert await services.emergency_contacts.confirm(code, ELS, "nl") == (Confirmed.YES, ANNA)
    # Passed on to someone else: they are not told yes, and Els stays the contact.
    assert await services.emergency_contacts.confirm(code, PIET, "nl") == (Confirmed.UNKNOWN, None)
    kept = await services.emergency_contacts.get(ANNA)
    assert kept is not None and kept.contact_id == ELS
