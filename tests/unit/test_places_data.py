"""data/postcodes.csv and data/neighbourhoods.csv are edited by hand (README: "edit them
without touching code"): a mistake in them stops Samen with one line that says which
file and line, and exit code 2, instead of a traceback."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import __main__ as cli
from bot.services.places import geo
from bot.services.places.geo import Places, PlacesError

DATA = Path(__file__).resolve().parents[2] / "data"


def broken_copy(tmp_path: Path, name: str, change: Callable[[str], str]) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for file in ("postcodes.csv", "neighbourhoods.csv"):
        shutil.copy(DATA / file, folder / file)
    path = folder / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        (
            "postcodes.csv",
            lambda t: t.replace("2101,Heemstede,52.362,4.626", "2101,Heemstede,52.362,4,626"),
            "postcodes.csv line 13: more cells than columns (a comma in a number? use a point)",
        ),
        (
            "postcodes.csv",
            lambda t: t.replace("2101,Heemstede,52.362,4.626", "2101,Heemstede"),
            "postcodes.csv line 13: lat is not a number such as 52.357",
        ),
        (
            "postcodes.csv",
            lambda t: t.replace("postcode,place,lat,lon", "pc4,place,lat,lon"),
            "postcodes.csv line 13: there is no column 'postcode'",
        ),
        (
            "postcodes.csv",
            lambda t: t.replace("2101,Heemstede", "2101 AB,Heemstede"),
            "postcodes.csv line 13: not a 4-digit postcode",
        ),
    ],
)
def test_a_mistake_in_a_data_file_names_its_line(
    tmp_path: Path, name: str, change: Callable[[str], str], problem: str
) -> None:
    folder = broken_copy(tmp_path, name, change)
    with pytest.raises(PlacesError) as caught:
        Places.load(folder)
    assert (
        str(caught.value)
        == f"{folder / problem.split(' line')[0]} line{problem.split(' line', 1)[1]}"
    )


def test_a_missing_or_non_utf8_data_file_is_one_line(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "postcodes.csv", lambda t: t)
    (folder / "neighbourhoods.csv").write_bytes(
        "key,name,lat,lon\ncaf\xe9,x,1,2\n".encode("cp1252")
    )
    with pytest.raises(PlacesError, match=r"neighbourhoods\.csv is not UTF-8 text"):
        Places.load(folder)
    (folder / "neighbourhoods.csv").unlink()
    with pytest.raises(PlacesError, match=r"neighbourhoods\.csv cannot be read \(No such file"):
        Places.load(folder)


def test_samen_stops_with_the_data_error_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = broken_copy(tmp_path, "neighbourhoods.csv", lambda t: t + "Mijn Wijk,x,52.3,4.6\n")
    monkeypatch.setattr(geo, "DATA_DIR", folder)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SAMEN_DATABASE", str(tmp_path / "samen.sqlite3"))
    calendar = tmp_path / "agenda.ics"
    calendar.write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n", encoding="utf-8")
    assert cli.main(["import", "activities", str(calendar)]) == 2
    error = capsys.readouterr().err
    assert error.splitlines() == [error.strip()]
    assert error.startswith(f"Data error: {folder / 'neighbourhoods.csv'} line ")
    assert error.strip().endswith(": key must be a-z, 0-9 or -")
