"""Places and distances: postcodes, neighbourhoods, haversine, and "350 m" / "1,2 km".

The postcode centres and neighbourhoods are data (``data/*.csv``) so the
municipality can correct or extend them without touching code.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.numbers import format_decimal

DATA_DIR = Path(__file__).resolve().parents[3] / "data"
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)

# A Dutch postcode: four digits (never starting with 0), then optionally two
# letters; spaces and case do not matter. SA, SD and SS are never issued.
# The digits may hold a letter O typed for a zero ("21O1"): read as 0.
_POSTCODE = re.compile(r"\s*([1-9][\dOo]{3})\s*([A-Za-z]{2})?\s*")
_UNUSED_LETTERS = frozenset({"SA", "SD", "SS"})
# What someone who means a postcode might type, typos included: worth a postcode
# answer ("that is not a postcode I know") rather than "I do not understand".
POSTCODE_LIKE = re.compile(r"^\s*(?=[\dOo]*\d)[\dOo]{3,5}\s*[A-Za-z]{0,3}\s*$")
_KEY = re.compile(r"[a-z0-9-]{1,20}")


@dataclass(frozen=True)
class Postcode:
    digits: str
    letters: str = ""

    def __str__(self) -> str:
        return f"{self.digits} {self.letters}" if self.letters else self.digits


def parse_postcode(text: str) -> Postcode | None:
    """'2101', '2101 AB', '2101ab' and '21O1' (an O for a zero) work; anything else is None."""
    match = _POSTCODE.fullmatch(text)
    if match is None:
        return None
    letters = (match.group(2) or "").upper()
    if letters in _UNUSED_LETTERS:
        return None
    return Postcode(match.group(1).upper().replace("O", "0"), letters)


@dataclass(frozen=True)
class Place:
    """A point people can search from: a postcode area or a neighbourhood."""

    key: str
    name: str
    lat: float
    lon: float


class PlacesError(ValueError):
    """A data file of places cannot be used; the message says which file and line."""


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Data rows with their line numbers; lines starting with '#' are notes."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
    reader = csv.DictReader(line for _n, line in lines)
    for index, row in enumerate(reader, start=1):
        yield lines[index][0], row


def _read(path: Path, make: Callable[[dict[str, str]], Place]) -> list[Place]:
    """Every row of a data file as a place; PlacesError names the file and line of a
    problem, since these files are edited by hand (README: "edit them without code")."""
    found: list[Place] = []
    line = 1
    try:
        for number, row in _rows(path):
            line = number  # for the message, should this row be wrong
            if None in row:
                raise PlacesError("more cells than columns (a comma in a number? use a point)")
            found.append(make(row))
    except OSError as error:
        raise PlacesError(f"{path} cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise PlacesError(f"{path} is not UTF-8 text; save it as UTF-8") from None
    except KeyError as error:
        raise PlacesError(f"{path} line {line}: there is no column {error.args[0]!r}") from None
    except (TypeError, ValueError) as error:
        reason = str(error) if isinstance(error, PlacesError) else "a cell is missing or wrong"
        raise PlacesError(f"{path} line {line}: {reason}") from None
    return found


def _postcode_area(row: dict[str, str]) -> Place:
    code = parse_postcode(row["postcode"])
    if code is None or code.letters:
        raise PlacesError("not a 4-digit postcode")
    return Place(
        code.digits, row["place"].strip(), _coordinate(row, "lat"), _coordinate(row, "lon")
    )


def _neighbourhood(row: dict[str, str]) -> Place:
    key = row["key"].strip()
    if not _KEY.fullmatch(key):
        raise PlacesError("key must be a-z, 0-9 or -")
    return Place(key, row["name"].strip(), _coordinate(row, "lat"), _coordinate(row, "lon"))


class Places:
    """Postcode centres and neighbourhoods, loaded once from ``data/``."""

    def __init__(self, postcodes: dict[str, Place], neighbourhoods: list[Place]) -> None:
        self._postcodes = postcodes
        self._neighbourhoods = neighbourhoods
        self._by_key = {place.key: place for place in neighbourhoods}

    @classmethod
    def load(cls, folder: Path | None = None) -> Places:
        """The places in ``folder`` (``data/``); PlacesError (one line) when a file cannot
        be used."""
        folder = folder or DATA_DIR
        postcodes = {p.key: p for p in _read(folder / "postcodes.csv", _postcode_area)}
        return cls(postcodes, _read(folder / "neighbourhoods.csv", _neighbourhood))

    def postcode(self, code: Postcode) -> Place | None:
        """The centre of a postcode's 4-digit area (the letters narrow it no further here)."""
        return self._postcodes.get(code.digits)

    def neighbourhood(self, key: str) -> Place | None:
        return self._by_key.get(key)

    @property
    def neighbourhoods(self) -> list[Place]:
        return list(self._neighbourhoods)

    @property
    def postcode_areas(self) -> list[Place]:
        """Every postcode area with its centre, keyed by its 4 digits."""
        return list(self._postcodes.values())

    @property
    def postcode_places(self) -> list[str]:
        """Place names that have postcodes here, in order of first appearance."""
        return list(dict.fromkeys(p.name for p in self._postcodes.values()))


def _coordinate(row: dict[str, str], column: str) -> float:
    try:
        return float(row[column])
    except (TypeError, ValueError):
        raise PlacesError(f"{column} is not a number such as 52.357") from None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); metres are plenty accurate at town scale."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that holds the circle of radius_m."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def format_distance(metres: float, locale: Locale) -> str:
    """'350 m' below a kilometre (to 50 m, never 0), else '1,2 km' / '1.2 km' / '14 km'."""
    if metres < 950:
        return f"{max(50, round(metres / 50) * 50)} m"
    km = metres / 1000
    pattern = "#,##0.0" if km < 9.95 else "#,##0"
    return f"{format_decimal(km, format=pattern, locale=locale)} km"
