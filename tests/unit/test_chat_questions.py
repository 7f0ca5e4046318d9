"""The open-question store: one per person and channel, expiring, surviving a restart."""

from __future__ import annotations

from bot.db import Database
from bot.questions import QuestionStore
from tests.conftest import FakeClock


async def test_a_question_is_open_until_closed(db: Database, clock: FakeClock) -> None:
    store = QuestionStore(db, clock)
    await store.load()
    assert store.get(("telegram", 42)) is None
    await store.open(("telegram", 42), "mydata.postcode", {"step": 1})
    question = store.get(("telegram", 42))
    assert question is not None
    assert (question.name, question.data, question.asked_at) == (
        "mydata.postcode",
        {"step": 1},
        clock.now,
    )
    assert store.get(("whatsapp", 42)) is None  # another channel, another conversation
    await store.close(("telegram", 42))
    assert store.get(("telegram", 42)) is None
    assert await db.fetchall("SELECT * FROM open_questions") == []


async def test_a_new_question_replaces_the_old_one(db: Database, clock: FakeClock) -> None:
    store = QuestionStore(db, clock)
    await store.open(("telegram", 42), "mydata.postcode", {})
    await store.open(("telegram", 42), "mydata.erase", {"task": 7})
    question = store.get(("telegram", 42))
    assert question is not None and question.name == "mydata.erase"
    rows = await db.fetchall("SELECT name, data FROM open_questions")
    assert [tuple(r) for r in rows] == [("mydata.erase", '{"task": 7}')]


async def test_questions_survive_a_restart(db: Database, clock: FakeClock) -> None:
    await QuestionStore(db, clock).open(("telegram", 42), "mydata.erase", {"task": 7})
    restarted = QuestionStore(db, clock)
    assert restarted.get(("telegram", 42)) is None  # nothing before it has loaded
    await restarted.load()
    question = restarted.get(("telegram", 42))
    assert question is not None and question.data == {"task": 7}


async def test_a_question_expires_after_the_conversation_timeout(
    db: Database, clock: FakeClock
) -> None:
    store = QuestionStore(db, clock)
    await store.open(("telegram", 1), "mydata.postcode", {})
    clock.advance(minutes=10)
    await store.open(("telegram", 2), "mydata.postcode", {})
    clock.advance(minutes=5)
    assert store.get(("telegram", 1)) is not None  # exactly 15 minutes: still open
    clock.advance(minutes=1)
    assert store.get(("telegram", 1)) is None
    assert store.get(("telegram", 2)) is not None

    restarted = QuestionStore(db, clock)
    await restarted.load()  # the expired row is deleted on the way
    assert restarted.get(("telegram", 2)) is not None
    rows = await db.fetchall("SELECT person_id FROM open_questions")
    assert [r[0] for r in rows] == [2]
