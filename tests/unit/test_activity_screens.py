"""The activities' screens without a channel: what counts as a postcode typed anywhere,
a search's buttons read back (an unknown kind is an old button), and the map pin."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.chat.message import Venue
from bot.services.activities.catalog import Activity
from bot.services.activities.fields import blank
from bot.services.places.geo import DATA_DIR, Places
from handlers.activities.browse import Search, decode_search
from handlers.activities.details import place_of
from handlers.activities.where import about_a_place, looks_like_postcode


@pytest.mark.parametrize("typed", ["2101", "2101 AB", "2101ab", "21O1", "210", "9999 ZZ"])
def test_postcodes_and_their_typos_are_taken_anywhere(typed: str) -> None:
    assert looks_like_postcode(typed)


@pytest.mark.parametrize("typed", ["112", " 113 ", "113!", "Heemstede", "hallo", "0800-0113"])
def test_helplines_and_words_are_no_postcode(typed: str) -> None:
    assert not looks_like_postcode(typed)


def test_words_with_a_meaning_of_their_own_never_answer_where_to_look() -> None:
    assert about_a_place("Heemstede") and about_a_place("bij de bieb")
    for typed in ("ik wil niet meer leven", "112", "bel mij", "verwijder mijn gegevens"):
        assert not about_a_place(typed)


def test_a_search_with_an_unknown_kind_reads_as_an_old_button() -> None:
    places = Places.load(DATA_DIR)
    search = decode_search(places, ("p2101", "games", "w", "1", "2"))
    assert isinstance(search, Search) and search.page == 2 and search.free_only
    assert decode_search(places, ("p2101", "nosuchkind", "w", "1", "2")) is None
    assert decode_search(places, ("nnowhere", "all", "w", "1")) is None


def test_the_pin_names_the_activity_and_its_address() -> None:
    data = replace(
        blank("Europe/Amsterdam"),
        title_nl="Koffieochtend",
        place_name="Bibliotheek",
        address="Julianaplein 1",
        lat=52.3574,
        lon=4.6222,
    )
    activity = Activity(1, "bot", data, None, datetime(2026, 11, 28, tzinfo=UTC))
    assert place_of(activity, "nl") == Venue(
        52.3574, 4.6222, "Koffieochtend", "Bibliotheek, Julianaplein 1"
    )
