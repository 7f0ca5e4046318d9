"""`samen postcodes import`: official PC4 polygons become the centres geo.Places reads."""

from __future__ import annotations

import json
import sqlite3
import struct
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.services.places.geo import Places, Postcode, distance_m
from bot.services.places.postcode_import import (
    gpkg_polygons,
    import_postcodes,
    rd_to_wgs84,
    read_areas,
)

LISTED = """# hand-placed
postcode,place,lat,lon
2101,Heemstede,52.362,4.626
2102,Heemstede,52.356,4.607
"""


def square(x: float, y: float, size: float) -> list[list[float]]:
    """A closed ring, counter-clockwise, lower-left corner at (x, y)."""
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def feature(code: object, *polygons: list[list[list[float]]], key: str = "postcode") -> dict:
    geometry = (
        {"type": "Polygon", "coordinates": polygons[0]}
        if len(polygons) == 1
        else {"type": "MultiPolygon", "coordinates": list(polygons)}
    )
    return {"type": "Feature", "properties": {key: code}, "geometry": geometry}


def geojson(tmp_path: Path, features: list[dict], crs: str | None = None) -> Path:
    document: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    path = tmp_path / "pc4.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "postcodes.csv").write_text(LISTED, encoding="utf-8")
    (data / "neighbourhoods.csv").write_text("key,name,lat,lon\n", encoding="utf-8")
    return data


def test_rd_new_to_wgs84_matches_known_points() -> None:
    # The RD origin (Amersfoort, Onze Lieve Vrouwetoren) is exact; RD is a grid in
    # metres, so 1 km and 50 km east or north are that far (within the 0.3 % of a round earth).
    origin = rd_to_wgs84(155_000, 463_000)
    assert (round(origin[0], 7), round(origin[1], 7)) == (52.1551744, 5.3872062)
    for metres in (1_000, 50_000):
        east = rd_to_wgs84(155_000 + metres, 463_000)
        north = rd_to_wgs84(155_000, 463_000 + metres)
        assert distance_m(*origin, *east) == pytest.approx(metres, rel=5e-3)
        assert distance_m(*origin, *north) == pytest.approx(metres, rel=5e-3)
        assert north[1] == pytest.approx(origin[1], abs=1e-3)  # north stays on the meridian


def test_centroid_weighs_area_and_subtracts_holes(tmp_path: Path) -> None:
    big = square(4.60, 52.30, 0.02)  # centre 4.61, 52.31; area 4 units
    small = square(4.70, 52.30, 0.01)  # centre 4.705, 52.305; area 1 unit
    hole = square(4.60, 52.30, 0.01)[::-1]  # clockwise hole in the big square's corner
    read = read_areas(
        geojson(
            tmp_path,
            [feature("2101", [big], [small]), feature(2102, [big, hole], key="PC4")],
        )
    )
    centres = read.centres()
    assert read.errors == []
    lat, lon = centres["2101"]
    assert lon == pytest.approx((4 * 4.61 + 1 * 4.705) / 5)
    assert lat == pytest.approx((4 * 52.31 + 1 * 52.305) / 5)
    lat, lon = centres["2102"]  # three quarters of the big square are left
    assert lon == pytest.approx((4 * 4.61 - 4.605) / 3)
    assert lat == pytest.approx((4 * 52.31 - 52.305) / 3)


def test_rd_new_geojson_is_converted(tmp_path: Path) -> None:
    ring = square(154_000, 462_000, 2_000)  # centre at the RD origin
    for crs in ("urn:ogc:def:crs:EPSG::28992", None):  # said, or seen from the numbers
        centres = read_areas(geojson(tmp_path, [feature("2101", [ring])], crs)).centres()
        assert distance_m(*centres["2101"], 52.1551744, 5.3872062) < 1


def test_import_replaces_listed_points_and_keeps_the_rest(folder: Path, tmp_path: Path) -> None:
    path = geojson(
        tmp_path,
        [feature("2101", [square(4.62, 52.36, 0.01)]), feature("9999", [square(5, 52, 1)])],
    )
    report = import_postcodes(path, folder)
    assert report.errors == []
    assert [c.postcode for c in report.changes] == ["2101"]
    assert report.missing == ["2102"]
    places = Places.load(folder)
    moved = places.postcode(Postcode("2101"))
    assert moved is not None and (moved.lat, moved.lon, moved.name) == (52.365, 4.625, "Heemstede")
    kept = places.postcode(Postcode("2102"))
    assert kept is not None and (kept.lat, kept.lon) == (52.356, 4.607)
    assert places.postcode(Postcode("9999")) is None  # only the listed ones, unless --all
    assert "from pc4.geojson" in (folder / "postcodes.csv").read_text(encoding="utf-8")


def test_import_all_adds_new_areas_with_their_place(folder: Path, tmp_path: Path) -> None:
    new = feature("2121", [square(4.59, 52.31, 0.02)])
    new["properties"]["woonplaats"] = "Bennebroek"
    report = import_postcodes(geojson(tmp_path, [new]), folder, add_all=True)
    assert report.errors == []
    added = Places.load(folder).postcode(Postcode("2121"))
    assert added is not None and added.name == "Bennebroek"
    assert added.lat == pytest.approx(52.32) and added.lon == pytest.approx(4.60)


@pytest.mark.parametrize(
    ("features", "problem"),
    [
        ([feature("21", [square(4.6, 52.3, 0.01)])], "feature 1: no 4-digit postcode"),
        (
            [
                {
                    "type": "Feature",
                    "properties": {"pc4": "2101"},
                    "geometry": {"type": "Point", "coordinates": [4.6, 52.3]},
                }
            ],
            "feature 1 (2101): not a Polygon or MultiPolygon",
        ),
        (
            [feature("2101", [[[4.6, 52.3], [4.7, 52.3], [4.6, 52.3]]])],
            "postcode 2101: its polygons have no area",
        ),
        ([feature("9999", [square(5, 52, 1)])], "the file holds none of the postcodes"),
        (
            [feature("2101", [[["4.6", 52.3], [4.7], [4.6, 52.4]]])],
            "feature 1 (2101): coordinates that are not pairs of numbers",
        ),
    ],
)
def test_a_bad_file_changes_nothing(
    folder: Path, tmp_path: Path, features: list[dict], problem: str
) -> None:
    report = import_postcodes(geojson(tmp_path, features), folder)
    assert any(error.startswith(problem) for error in report.errors), report.errors
    assert (folder / "postcodes.csv").read_text(encoding="utf-8") == LISTED


def test_not_a_feature_collection(tmp_path: Path) -> None:
    path = tmp_path / "pc4.geojson"
    path.write_text("{not json", encoding="utf-8")
    assert read_areas(path).errors[0].startswith("the file is not valid JSON")
    path.write_text('{"type": "Feature"}', encoding="utf-8")
    assert read_areas(path).errors == ["the file is not a GeoJSON FeatureCollection"]
    assert read_areas(tmp_path / "pc4.shp").errors[0].startswith("unknown file type .shp")


# --------------------------------------------------------------------------- GeoPackage


def wkb_polygon(rings: list[list[list[float]]], order: str = "<", z: bool = False) -> bytes:
    code = 1003 if z else 3
    out = bytes([1 if order == "<" else 0]) + struct.pack(order + "I", code)
    out += struct.pack(order + "I", len(rings))
    for ring in rings:
        out += struct.pack(order + "I", len(ring))
        for x, y in ring:
            out += struct.pack(order + ("ddd" if z else "dd"), x, y, *([7.0] if z else []))
    return out


def gpkg_blob(wkb: bytes, envelope: bool = True) -> bytes:
    flags = (1 << 1 if envelope else 0) | 1  # envelope [minx, maxx, miny, maxy]; little-endian
    header = b"GP" + bytes([0, flags]) + struct.pack("<i", 28992)
    return header + (struct.pack("<4d", 0, 0, 0, 0) if envelope else b"") + wkb


def geopackage(tmp_path: Path, rows: list[tuple[str, bytes]], srid: int = 28992) -> Path:
    path = tmp_path / "pc4.gpkg"
    db = sqlite3.connect(path)
    db.executescript(
        f"""
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
            organization TEXT, organization_coordsys_id INTEGER, definition TEXT);
        INSERT INTO gpkg_spatial_ref_sys VALUES ('x', 100, 'EPSG', {srid}, 'x');
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);
        INSERT INTO gpkg_contents VALUES ('cbs_pc4_2023', 'features');
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, srs_id INTEGER);
        INSERT INTO gpkg_geometry_columns VALUES ('cbs_pc4_2023', 'geom', 100);
        CREATE TABLE cbs_pc4_2023 (fid INTEGER PRIMARY KEY, geom BLOB, postcode TEXT,
            aantal_inwoners INTEGER);
        """
    )
    db.executemany(
        "INSERT INTO cbs_pc4_2023 (geom, postcode, aantal_inwoners) VALUES (?, ?, 100)",
        [(blob, code) for code, blob in rows],
    )
    db.commit()
    db.close()
    return path


def test_geopackage_rd_new_polygons(folder: Path, tmp_path: Path) -> None:
    ring = square(154_000, 462_000, 2_000)
    multi = bytes([0]) + struct.pack(">II", 6, 1) + wkb_polygon([ring], ">")  # big-endian
    path = geopackage(
        tmp_path,
        [
            ("2101", gpkg_blob(wkb_polygon([ring], z=True))),
            ("2102", gpkg_blob(multi, envelope=False)),
        ],
    )
    report = import_postcodes(path, folder)
    assert report.errors == [] and report.missing == []
    places = Places.load(folder)
    for code in ("2101", "2102"):
        place = places.postcode(Postcode(code))
        assert place is not None and distance_m(place.lat, place.lon, 52.1551744, 5.3872062) < 1


def test_geopackage_problems_are_reported(tmp_path: Path) -> None:
    path = geopackage(
        tmp_path,
        [("2101", b"XX" + bytes(10)), ("2102", gpkg_blob(wkb_polygon([square(0, 0, 1)])[:20]))],
    )
    assert read_areas(path).errors == [
        "row 1: a geometry without the GeoPackage header",
        "row 2: a geometry that is cut short",
    ]
    other = tmp_path / "other"
    other.mkdir()
    assert read_areas(geopackage(other, [], srid=3857)).errors == [
        "coordinate system EPSG:3857 is not supported: use WGS84 or RD New"
    ]
    junk = tmp_path / "junk.gpkg"
    junk.write_text("not sqlite", encoding="utf-8")
    assert read_areas(junk).errors[0].startswith("the file is not a GeoPackage")


def test_gpkg_header_with_an_unknown_envelope() -> None:
    with pytest.raises(ValueError, match="unknown envelope"):
        gpkg_polygons(b"GP\x00" + bytes([0b1110]) + bytes(4))


# --------------------------------------------------------------------------- command


def test_command_prints_what_moved_and_refuses_bad_files(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("bot.postcode_cli.DATA_DIR", folder)
    good = geojson(tmp_path, [feature("2102", [square(4.60, 52.35, 0.01)])])
    assert main(["postcodes", "import", str(good)]) == 0
    out = capsys.readouterr().out
    assert "2102 Heemstede: 52.35500, 4.60500 (moved 176 m)" in out
    assert "not in the file, kept as they were: 2101" in out
    assert main(["postcodes", "import", str(tmp_path / "missing.geojson")]) == 1
    assert "no such file" in capsys.readouterr().err
