from __future__ import annotations

from datetime import timedelta

from bot.db import Database
from bot.services import Services
from bot.services.broadcasts import Audience, AudienceKind, Status, too_long
from bot.services.outbox import Outcome, Result
from tests.conftest import FakeClock

AUTHOR = 900


async def _draft(services: Services, residents: int = 3) -> int:
    for i in range(residents):
        await services.residents.give_consent(100 + i, "R", "nl")
    draft = await services.broadcasts.draft(AUTHOR, "en", "Hallo", None)
    await services.broadcasts.set_audience(draft.id, Audience(AudienceKind.ALL))
    return draft.id


async def test_audiences_count_only_reachable_residents(services: Services) -> None:
    await services.residents.give_consent(1, "A", "nl")
    await services.residents.give_consent(2, "B", "en")
    await services.residents.give_consent(3, "C", "nl")
    from bot.services.residents import Status as ResidentStatus

    await services.residents.set_status(3, ResidentStatus.STOPPED)
    await services.residents.set_postcode_area(1, "2101")
    count = services.broadcasts.count
    assert await count(Audience(AudienceKind.ALL)) == 2
    assert await count(Audience(AudienceKind.LANGUAGE, "nl")) == 1
    assert await count(Audience(AudienceKind.AREA, "2101")) == 1
    assert await count(Audience(AudienceKind.VOLUNTEERS)) == 0
    assert Audience.decode("area:2101") == Audience(AudienceKind.AREA, "2101")
    assert Audience.decode("area:0101") is None and Audience.decode("lang:de") is None


async def test_only_the_author_plans_a_draft(services: Services, clock: FakeClock) -> None:
    broadcast_id = await _draft(services)
    later = clock.now + timedelta(minutes=5)
    assert not await services.broadcasts.schedule(broadcast_id, AUTHOR + 1, later)
    assert await services.broadcasts.schedule(broadcast_id, AUTHOR, later)


async def test_a_cancel_just_before_the_tick_wins(services: Services, clock: FakeClock) -> None:
    broadcast_id = await _draft(services)
    assert await services.broadcasts.schedule(
        broadcast_id, AUTHOR, clock.now + timedelta(minutes=5)
    )
    assert await services.broadcasts.cancel(broadcast_id, AUTHOR) is Status.SCHEDULED
    clock.advance(minutes=10)
    assert await services.broadcasts.queue_due() == []
    assert await services.outbox.claim_due(10) == []


async def test_queued_once_even_when_send_now_meets_the_tick(
    services: Services, db: Database
) -> None:
    broadcast_id = await _draft(services)
    assert await services.broadcasts.send_now(broadcast_id, AUTHOR) == 3
    assert await services.broadcasts.queue_due() == []  # already queued: nothing more
    broadcast = await services.broadcasts.get(broadcast_id)
    assert broadcast is not None and broadcast.progress_outbox_id is not None
    rows = await db.fetchall("SELECT kind, COUNT(*) FROM outbox GROUP BY kind ORDER BY kind")
    assert [tuple(r) for r in rows] == [("broadcast", 3), ("broadcast-progress", 1)]


async def test_finishes_when_a_recipient_erased_their_data_meanwhile(
    services: Services,
) -> None:
    broadcast_id = await _draft(services)
    await services.broadcasts.send_now(broadcast_id, AUTHOR)
    await services.privacy.erase(100)
    claimed = await services.outbox.claim_due(10)
    await services.outbox.record(
        [Result(p.id, Outcome.SENT, message_id=i + 1) for i, p in enumerate(claimed)]
    )
    await services.broadcasts.report_progress()
    broadcast = await services.broadcasts.get(broadcast_id)
    assert broadcast is not None and broadcast.status is Status.DONE
    assert "Delivered: 2" in (broadcast.progress_shown or "")


def test_length_is_counted_as_telegram_counts_it() -> None:
    """UTF-16 code units: 600 emoji are 1,200 of them, too long for a caption; a
    coordinator on WhatsApp (which counts characters) could otherwise go over."""
    assert too_long("🙂" * 600, has_photo=True) == 1024
    assert too_long("é" * 1024, has_photo=True) is None
    assert too_long("🙂" * 2049, has_photo=False) == 4096
    assert too_long("🙂" * 2048, has_photo=False) is None
