"""Official postcode centres end to end: after `samen postcodes import` and a restart,
"near postcode 2101" is measured from the new centre, on every channel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.services.places.geo import DATA_DIR, Places
from tests.conftest import FakeClock
from tests.e2e.harness import SamenBot, text_of
from tests.e2e.test_activities import (  # noqa: F401 (town_any: a fixture)
    LIBRARY,
    Someone,
    consent,
    distances,
    town_any,
)
from tests.unit.test_postcode_import import feature, geojson, square


async def nearest_to_2101(john: Someone) -> float:
    await john.say("2101")
    found = await john.expect("Activities near postcode 2101")
    # Results come first, soonest nearby: the nearest is somewhere on the first page.
    return min(distances(text_of(found)))


async def test_imported_centres_are_where_searches_start(
    town_any: tuple[SamenBot, FakeClock],  # noqa: F811 (the fixture imported above)
    john_any: Someone,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    samen, _clock = town_any
    john = john_any
    # Samen reads data/ from the checkout; here from a copy, so the repository's file stays.
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    monkeypatch.setattr("bot.postcode_cli.DATA_DIR", data)
    load = Places.load.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(Places, "load", classmethod(lambda cls, folder=data: load(cls, folder)))
    await consent(samen, john, "✓ English", "✅ I agree")
    assert await nearest_to_2101(john) >= 150  # the hand-placed point is ~560 m from the library

    # The official area of 2101, as a small square around the library.
    lat, lon = LIBRARY
    area = geojson(tmp_path, [feature("2101", [square(lon - 0.001, lat - 0.001, 0.002)])])
    assert main(["postcodes", "import", str(area)]) == 0
    await samen.restart()
    assert await nearest_to_2101(john) == 50  # at the library itself ("50 m", never 0)
