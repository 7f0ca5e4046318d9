from __future__ import annotations

from bot.db import Database
from bot.persistence import SQLitePersistence
from tests.conftest import FakeClock


async def test_conversation_state_survives_a_new_instance(db: Database, clock: FakeClock) -> None:
    first = SQLitePersistence(db, clock)
    await first.update_conversation("erase", (42, 42), "confirm_erase")
    await first.update_conversation("erase", (43, 43), "confirm_erase")
    second = SQLitePersistence(db, clock)
    assert await second.get_conversations("erase") == {
        (42, 42): "confirm_erase",
        (43, 43): "confirm_erase",
    }
    await second.update_conversation("erase", (42, 42), None)
    assert await second.get_conversations("erase") == {(43, 43): "confirm_erase"}
    row = await db.fetchone("SELECT telegram_id FROM conversations")
    assert row is not None and row[0] == 43


async def test_nothing_else_is_persisted(db: Database, clock: FakeClock) -> None:
    persistence = SQLitePersistence(db, clock)
    await persistence.update_user_data(42, {"language": "en"})
    assert await persistence.get_user_data() == {}
    assert not persistence.store_data.user_data


async def test_questions_left_open_too_long_are_over_after_a_restart(
    db: Database, clock: FakeClock
) -> None:
    persistence = SQLitePersistence(db, clock)
    await persistence.update_conversation("checkins", (1, 1), "ask_time")
    clock.advance(minutes=10)
    await persistence.update_conversation("checkins", (2, 2), "ask_time")
    clock.advance(minutes=6)  # the first is 16 minutes old, the second 6
    assert await SQLitePersistence(db, clock).get_conversations("checkins") == {(2, 2): "ask_time"}
