"""Official postcode centres: CBS/PDOK 4-digit postcode areas (PC4) into ``postcodes.csv``.

CBS and PDOK publish the PC4 areas as polygons (CC BY 4.0), as GeoJSON or as a
GeoPackage, in WGS84 (lon/lat) or in the Dutch RD New grid (EPSG:28992). Samen
needs one point per area, so this module computes each area's centroid (the
shoelace formula, weighted by area, holes subtracted) and writes it where
``geo.Places`` reads it. No GIS library is needed for that: a GeoPackage is
SQLite with WKB geometries (parsed here; only polygons matter), and RD New
becomes WGS84 with the published approximation of Schreutelkamp and Strang van
Hees (better than a metre in the Netherlands, far below the 100 m that matters
for "nearby"), so ``pyproj`` and its PROJ binaries are not worth installing.

Reading never writes: a file with any problem changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.services.places.geo import DATA_DIR, Place, Places, distance_m, parse_postcode

Ring = Sequence[Sequence[float]]
Polygon = Sequence[Ring]
POSTCODE_PROPERTIES = ("postcode", "pc4", "postcode4", "postcode_4")
PLACE_PROPERTIES = ("woonplaats", "woonplaatsnaam", "plaats", "place", "gemeentenaam")
RD_NEW = 28992
WGS84 = 4326
# Schreutelkamp & Strang van Hees: (power of dX, power of dY, coefficient in arc seconds).
_RD_LAT = (
    (0, 1, 3235.65389),
    (2, 0, -32.58297),
    (0, 2, -0.24750),
    (2, 1, -0.84978),
    (0, 3, -0.06550),
    (2, 2, -0.01709),
    (1, 0, -0.00738),
    (4, 0, 0.00530),
    (2, 3, -0.00039),
    (4, 1, 0.00033),
    (1, 1, -0.00012),
)
_RD_LON = (
    (1, 0, 5260.52916),
    (1, 1, 105.94684),
    (1, 2, 2.45656),
    (3, 0, -0.81885),
    (1, 3, 0.05594),
    (3, 1, -0.05607),
    (0, 1, 0.01199),
    (3, 2, -0.00256),
    (1, 4, 0.00128),
    (0, 2, 0.00022),
    (2, 0, -0.00022),
    (5, 0, 0.00026),
)


class PostcodeFileError(ValueError):
    """A file (or one area in it) that cannot be used; the message says why, in English."""


@dataclass
class AreaSum:
    """Running shoelace sums of one postcode (an area may come in several features)."""

    area: float = 0.0
    x: float = 0.0
    y: float = 0.0
    place: str = ""

    def add(self, polygon: Polygon) -> None:
        for index, ring in enumerate(polygon):
            area, x, y = _ring_sums(ring)
            # The outer ring adds, holes subtract, whatever way the rings are drawn.
            sign = 1.0 if index == 0 else -1.0
            if area < 0:
                area, x, y = -area, -x, -y
            self.area += sign * area
            self.x += sign * x
            self.y += sign * y

    def centroid(self) -> tuple[float, float]:
        if self.area <= 0:
            raise PostcodeFileError("its polygons have no area")
        return self.x / (6 * self.area), self.y / (6 * self.area)


@dataclass
class AreaRead:
    """What a file held: the sums per 4-digit postcode, its grid, and every problem."""

    srid: int = WGS84
    areas: dict[str, AreaSum] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, where: str, properties: dict[str, Any], polygons: list[Polygon]) -> None:
        code = _postcode_of(properties)
        if code is None:
            self.errors.append(f"{where}: no 4-digit postcode (a property {POSTCODE_PROPERTIES})")
            return
        if not polygons:
            self.errors.append(f"{where} ({code}): not a Polygon or MultiPolygon")
            return
        area = self.areas.setdefault(code, AreaSum())
        area.place = area.place or _place_of(properties)
        try:
            for polygon in polygons:
                area.add(polygon)
        except (TypeError, ValueError, IndexError):
            self.errors.append(f"{where} ({code}): coordinates that are not pairs of numbers")

    def centres(self) -> dict[str, tuple[float, float]]:
        """(lat, lon) in WGS84 per postcode; areas without area are errors."""
        found: dict[str, tuple[float, float]] = {}
        for code, sums in sorted(self.areas.items()):
            try:
                x, y = sums.centroid()
            except PostcodeFileError as error:
                self.errors.append(f"postcode {code}: {error}")
                continue
            found[code] = rd_to_wgs84(x, y) if self.srid == RD_NEW else (y, x)
        return found


@dataclass(frozen=True)
class CentreChange:
    postcode: str
    place: str
    lat: float
    lon: float
    moved_m: float | None  # None for a postcode that was not listed before


@dataclass
class PostcodeReport:
    changes: list[CentreChange] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # listed, but not in the file
    errors: list[str] = field(default_factory=list)


def _ring_sums(ring: Ring) -> tuple[float, float, float]:
    """Shoelace: (signed area, sum for x, sum for y) of one closed or open ring."""
    points = list(ring)
    if len(points) >= 2 and points[0][:2] == points[-1][:2]:
        points.pop()
    area = x = y = 0.0
    for (x0, y0, *_r0), (x1, y1, *_r1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        x += (x0 + x1) * cross
        y += (y0 + y1) * cross
    return area / 2, x, y


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """RD New (EPSG:28992) metres to WGS84 (lat, lon) degrees, to within a metre."""
    dx, dy = (x - 155_000) * 1e-5, (y - 463_000) * 1e-5
    lat = 52.15517440 + sum(k * dx**p * dy**q for p, q, k in _RD_LAT) / 3600
    lon = 5.38720621 + sum(k * dx**p * dy**q for p, q, k in _RD_LON) / 3600
    return lat, lon


def _property(properties: dict[str, Any], names: Iterable[str]) -> str:
    lowered = {str(k).lower(): v for k, v in properties.items()}
    for name in names:
        value = lowered.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _postcode_of(properties: dict[str, Any]) -> str | None:
    value = _property(properties, POSTCODE_PROPERTIES)
    if value.endswith(".0"):
        value = value[:-2]  # a number column read as a float
    code = parse_postcode(value)
    return code.digits if code is not None and not code.letters else None


def _place_of(properties: dict[str, Any]) -> str:
    return _property(properties, PLACE_PROPERTIES)


# --------------------------------------------------------------------------- reading


def read_areas(path: Path) -> AreaRead:
    """A .geojson/.json or .gpkg file of PC4 areas."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".geojson", ".json"):
            return read_geojson(path.read_text(encoding="utf-8-sig"))
        if suffix == ".gpkg":
            return read_geopackage(path)
    except PostcodeFileError as error:
        return AreaRead(errors=[str(error)])
    except UnicodeDecodeError:
        return AreaRead(errors=["the file is not UTF-8 text"])
    return AreaRead(errors=[f"unknown file type {suffix or '(none)'}: use .geojson or .gpkg"])


def read_geojson(content: str) -> AreaRead:
    """A FeatureCollection; RD New when its ``crs`` says 28992 or its numbers are metres."""
    try:
        document = json.loads(content)
    except json.JSONDecodeError as error:
        raise PostcodeFileError(f"the file is not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise PostcodeFileError("the file is not a GeoJSON FeatureCollection")
    features = document.get("features") or []
    result = AreaRead(srid=_geojson_srid(document, features))
    for number, feature in enumerate(features, start=1):
        geometry = (feature or {}).get("geometry") or {}
        result.add(
            f"feature {number}",
            (feature or {}).get("properties") or {},
            _geojson_polygons(geometry),
        )
    return result


def _geojson_srid(document: dict[str, Any], features: list[Any]) -> int:
    name = str(((document.get("crs") or {}).get("properties") or {}).get("name", ""))
    if name.endswith(("28992", "EPSG::28992")):
        return RD_NEW
    if name and not name.endswith(("4326", "CRS84")):
        raise PostcodeFileError(f"coordinate system {name} is not supported: use WGS84 or RD New")
    first = next(_first_points(features), None)
    try:
        if first is not None and (abs(first[0]) > 180 or abs(first[1]) > 90):
            return RD_NEW  # older GeoJSON files from PDOK leave the crs out
    except (TypeError, IndexError):
        pass  # not numbers: reported with the feature
    return WGS84


def _first_points(features: list[Any]) -> Iterator[Sequence[float]]:
    for feature in features:
        for polygon in _geojson_polygons((feature or {}).get("geometry") or {}):
            for ring in polygon:
                yield from ring[:1]


def _geojson_polygons(geometry: dict[str, Any]) -> list[Polygon]:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coordinates]
    if kind == "MultiPolygon":
        return list(coordinates)
    return []


def read_geopackage(path: Path) -> AreaRead:
    """The first feature table of an OGC GeoPackage (SQLite), opened read-only."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise PostcodeFileError(f"the file cannot be opened ({error})") from None
    try:
        return _read_features(db)
    except sqlite3.DatabaseError as error:
        raise PostcodeFileError(f"the file is not a GeoPackage ({error})") from None
    finally:
        db.close()


def _read_features(db: sqlite3.Connection) -> AreaRead:
    table = db.execute(
        "SELECT c.table_name, g.column_name, COALESCE(s.organization_coordsys_id, g.srs_id)"
        " FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name"
        " LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id"
        " WHERE c.data_type = 'features' ORDER BY c.table_name LIMIT 1"
    ).fetchone()
    if table is None:
        raise PostcodeFileError("the GeoPackage holds no feature table")
    name, column, srid = str(table[0]), str(table[1]), int(table[2])
    if srid not in (RD_NEW, WGS84):
        raise PostcodeFileError(
            f"coordinate system EPSG:{srid} is not supported: use WGS84 or RD New"
        )
    cursor = db.execute(f'SELECT * FROM "{name.replace(chr(34), "")}"')
    columns = [d[0] for d in cursor.description]
    result = AreaRead(srid=srid)
    for number, row in enumerate(cursor, start=1):
        values = dict(zip(columns, row, strict=True))
        blob = values.pop(column)
        try:
            polygons = gpkg_polygons(blob) if blob is not None else []
        except PostcodeFileError as error:
            result.errors.append(f"row {number}: {error}")
            continue
        result.add(f"row {number}", values, polygons)
    return result


# --------------------------------------------------------------------------- WKB


def gpkg_polygons(blob: bytes) -> list[Polygon]:
    """The polygons of a GeoPackage geometry: its 'GP' header, then standard WKB."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise PostcodeFileError("a geometry without the GeoPackage header")
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0b111)
    if envelope is None:
        raise PostcodeFileError("a geometry with an unknown envelope")
    return wkb_polygons(blob[8 + envelope :])


def wkb_polygons(data: bytes) -> list[Polygon]:
    """Polygon and MultiPolygon in WKB (2D, Z, M, ZM; ISO or EWKB codes); else []."""
    try:
        polygons, _end = _wkb(data, 0)
    except struct.error:
        raise PostcodeFileError("a geometry that is cut short") from None
    return polygons


def _wkb(data: bytes, offset: int) -> tuple[list[Polygon], int]:
    order = "<" if data[offset] == 1 else ">"
    (code,) = struct.unpack_from(order + "I", data, offset + 1)
    offset += 5
    dims = 2 + bool(code & 0x80000000) + bool(code & 0x40000000)  # EWKB Z and M flags
    if code & 0x20000000:  # an EWKB SRID follows
        offset += 4
    code &= 0x0FFFFFFF
    dims += {0: 0, 1: 1, 2: 1, 3: 2}.get(code // 1000, 0)
    kind = code % 1000
    if kind == 3:
        polygon, offset = _wkb_polygon(data, offset, order, dims)
        return [polygon], offset
    if kind == 6:
        (count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        polygons: list[Polygon] = []
        for _ in range(count):
            found, offset = _wkb(data, offset)
            polygons.extend(found)
        return polygons, offset
    return [], len(data)


def _wkb_polygon(data: bytes, offset: int, order: str, dims: int) -> tuple[Polygon, int]:
    (rings,) = struct.unpack_from(order + "I", data, offset)
    offset += 4
    polygon: list[list[tuple[float, ...]]] = []
    for _ in range(rings):
        (count,) = struct.unpack_from(order + "I", data, offset)
        offset += 4
        values = struct.unpack_from(f"{order}{count * dims}d", data, offset)
        offset += 8 * count * dims
        polygon.append([values[i : i + dims] for i in range(0, len(values), dims)])
    return polygon, offset


# --------------------------------------------------------------------------- writing


def import_postcodes(
    path: Path, folder: Path = DATA_DIR, *, add_all: bool = False
) -> PostcodeReport:
    """Replace the listed postcodes' points with the file's centroids (all with ``add_all``).

    The place names stay as they were: CBS files have none. A new postcode
    (``add_all``) takes its place from a property such as ``woonplaats``.
    Nothing is written when the file has a problem or holds none of the postcodes.
    """
    read = read_areas(path)
    centres = read.centres() if not read.errors else {}
    report = PostcodeReport(errors=read.errors)
    if report.errors:
        return report
    listed = {place.key: place for place in Places.load(folder).postcode_areas}
    wanted = sorted(set(centres) | set(listed)) if add_all else sorted(listed)
    for code in wanted:
        if code not in centres:
            report.missing.append(code)
            continue
        old = listed.get(code)
        place = old.name if old else read.areas[code].place
        if not place:
            report.errors.append(f"postcode {code}: no place name (a property {PLACE_PROPERTIES})")
            continue
        lat, lon = centres[code]
        moved = distance_m(old.lat, old.lon, lat, lon) if old else None
        report.changes.append(CentreChange(code, place, lat, lon, moved))
    if not report.changes and not report.errors:
        report.errors.append("the file holds none of the postcodes in postcodes.csv")
    if not report.errors:
        kept = [listed[code] for code in report.missing]
        write_postcodes(folder / "postcodes.csv", report.changes, kept, path.name)
    return report


def write_postcodes(
    target: Path, changes: list[CentreChange], kept: list[Place], source: str
) -> None:
    """Write the new centres, and the listed postcodes the file lacked as they were."""
    rows = [(c.postcode, c.place, f"{c.lat:.5f}", f"{c.lon:.5f}") for c in changes]
    rows += [(p.key, p.name, f"{p.lat}", f"{p.lon}") for p in kept]
    out = io.StringIO()
    out.write(
        '# Samen - centres of 4-digit postcode areas (PC4), used to search "near postcode 2101".\n'
        f"# Computed by `samen postcodes import` on {date.today().isoformat()} from {source}:\n"
        "# area-weighted centroids of the official PC4 polygons (CBS/PDOK, CC BY 4.0).\n"
    )
    if kept:
        out.write(
            f"# Not in that file, kept as placed by hand: {', '.join(p.key for p in kept)}.\n"
        )
    out.write("# Columns: postcode (4 digits), place, lat, lon (WGS84 decimal degrees).\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("postcode", "place", "lat", "lon"))
    writer.writerows(sorted(rows))
    temporary = target.with_suffix(".csv.new")
    temporary.write_text(out.getvalue(), encoding="utf-8")
    temporary.replace(target)  # all at once: a running bot never reads half a file
