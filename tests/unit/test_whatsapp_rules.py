"""The WhatsApp emulator's validation of a location message (an activity's map pin),
as Meta's Graph API applies it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator.whatsapp.rules import GraphError, check


def _location(**location: Any) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "to": "NL.1234567890",
        "type": "location",
        "location": location,
    }


def test_a_pin_with_a_name_and_address_is_accepted() -> None:
    pin = _location(latitude=52.3574, longitude=4.6222, name="Koffie", address="Julianaplein 1")
    assert check(pin, {}) == "NL.1234567890"
    assert check(_location(latitude=52.0, longitude=4.0, name=None, address=None), {})


@pytest.mark.parametrize(
    "location",
    [
        {"longitude": 4.6},
        {"latitude": "52.3", "longitude": 4.6},
        {"latitude": 91.0, "longitude": 4.6},
        {"latitude": 52.3, "longitude": -181},
        {"latitude": True, "longitude": 4.6},
        {"latitude": 52.3, "longitude": 4.6, "name": ""},
        {"latitude": 52.3, "longitude": 4.6, "address": "x" * 1001},
    ],
)
def test_a_pin_meta_would_refuse_is_refused(location: dict[str, Any]) -> None:
    with pytest.raises(GraphError):
        check(_location(**location), {})
