"""Media the emulator's people cannot send yet (video notes, audio): the offer of a call."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator.client import EmulatorClient
from tests.handlers.conftest import USER, Feeder


def _message(**media: Any) -> dict[str, Any]:
    return {
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": USER["id"], "type": "private", "first_name": USER["first_name"]},
            "from": USER,
            **media,
        }
    }


@pytest.mark.parametrize(
    ("media", "answer"),
    [
        (
            {"video_note": {"file_id": "v", "file_unique_id": "v", "length": 240, "duration": 4}},
            "niet naar spraakberichten luisteren",
        ),
        (
            {"audio": {"file_id": "a", "file_unique_id": "a", "duration": 9}},
            "niet naar spraakberichten luisteren",
        ),
        (
            {
                "video": {
                    "file_id": "m",
                    "file_unique_id": "m",
                    "width": 640,
                    "height": 480,
                    "duration": 5,
                }
            },
            "geen foto’s of video’s",
        ),
    ],
    ids=["video-note", "audio", "video"],
)
async def test_media_get_the_offer_of_a_call(
    feeder: Feeder, client: EmulatorClient, media: dict[str, Any], answer: str
) -> None:
    await feeder.feed(_message(**media))
    replies = [e for e in await client.transcript(USER["id"]) if e.get("direction") == "out"]
    first = replies[0]
    assert answer in (first.get("text") or "")
    buttons = [b["text"] for row in first["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["📞 Ja, bel mij maar"]
    assert await client.violations() == []
