from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import simplify
from geo.boundaries import units
from geo.crs import HUBEI_CONFORMAL, HUBEI_EQUAL_AREA, WGS84
from geo.simplify import (
    ZOOM_BANDS,
    ZoomBand,
    band_by_name,
    band_for_zoom,
    coverage_simplify_metres,
    simplify_for_band,
)

LEVELS = ("prefecture", "county")
BAND_IDS = [b.name for b in ZOOM_BANDS]
# One degree of latitude, metres (for turning coordinate rounding into a distance).
METRES_PER_DEGREE = 111_320.0


@functools.cache
def _units(level: str) -> gpd.GeoDataFrame:
    return units(level)


@functools.cache
def _simplified(level: str, band_name: str) -> gpd.GeoDataFrame:
    return simplify_for_band(_units(level), band_by_name(band_name))


@functools.cache
def _reference(level: str) -> tuple[float, shapely.Geometry]:
    projected = _units(level).geometry.to_crs(HUBEI_EQUAL_AREA)
    return float(projected.area.sum()), shapely.union_all(projected.values)


def _num_holes(geom: shapely.Geometry) -> int:
    return int(shapely.get_num_interior_rings(shapely.get_parts(geom)).sum())


def _vertex_count(gdf: gpd.GeoDataFrame) -> int:
    return int(shapely.get_num_coordinates(gdf.geometry.values).sum())


# --- zoom bands --------------------------------------------------------------------


def test_zoom_bands_cover_every_zoom_exactly_once():
    for zoom in range(23):
        holders = [b for b in ZOOM_BANDS if b.min_zoom <= zoom <= b.max_zoom]
        assert len(holders) == 1, f"zoom {zoom} is in {[b.name for b in holders]}"
        assert band_for_zoom(zoom) is holders[0]
    assert min(b.min_zoom for b in ZOOM_BANDS) == 0
    assert max(b.max_zoom for b in ZOOM_BANDS) == 22
    assert len({b.name for b in ZOOM_BANDS}) == len(ZOOM_BANDS)


def test_zoom_bands_get_coarser_as_zoom_falls():
    by_zoom = sorted(ZOOM_BANDS, key=lambda b: b.min_zoom)
    tolerances = [b.tolerance_m for b in by_zoom]
    assert tolerances == sorted(tolerances, reverse=True)
    assert by_zoom[-1].tolerance_m == 0
    assert by_zoom[-1].decimals == 6  # the stored precision: the deepest band is the data as stored


@pytest.mark.parametrize("band", [b for b in ZOOM_BANDS if b.tolerance_m > 0], ids=lambda b: b.name)
def test_band_rounding_stays_under_a_fifth_of_a_pixel(band: ZoomBand):
    pixel_m = 156543.03 * np.cos(np.radians(31.0)) / 2**band.max_zoom
    rounding_m = 0.5 * 10.0**-band.decimals * METRES_PER_DEGREE
    assert rounding_m <= 0.2 * pixel_m
    assert band.tolerance_m <= pixel_m


def test_band_for_fractional_zoom():
    assert band_for_zoom(7.5).name == "z7-8"
    assert band_for_zoom(7.5) is band_by_name("z7-8")


@pytest.mark.parametrize(("zoom", "name"), [(-3, "z0-6"), (30, "z11+"), (0, "z0-6"), (22, "z11+")])
def test_band_for_zoom_clamps(zoom, name):
    assert band_for_zoom(zoom).name == name


def test_band_by_name():
    for band in ZOOM_BANDS:
        assert band_by_name(band.name) is band
    with pytest.raises(KeyError, match="nope") as info:
        band_by_name("nope")
    for band in ZOOM_BANDS:
        assert band.name in str(info.value)


# --- simplify_for_band on the real boundaries ----------------------------------------


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("band", ZOOM_BANDS, ids=BAND_IDS)
def test_simplify_for_band_keeps_a_valid_coverage(level: str, band: ZoomBand):
    source = _units(level)
    out = _simplified(level, band.name)

    assert isinstance(out, gpd.GeoDataFrame)
    assert out.crs == WGS84
    geoms = out.geometry.values
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert shapely.coverage_is_valid(geoms)
    # Same units, same order, same attributes.
    assert out["code"].tolist() == source["code"].tolist()
    assert out.index.equals(source.index)
    attrs = [c for c in source.columns if c != "geometry"]
    assert out[attrs].equals(source[attrs])

    # Total area within 0.5%.
    ref_area, ref_union = _reference(level)
    projected = out.geometry.to_crs(HUBEI_EQUAL_AREA)
    assert float(projected.area.sum()) == pytest.approx(ref_area, rel=0.005)

    # The outline moves little: the symmetric difference, spread along the outline,
    # is a band much narrower than the tolerance (plus the coordinate rounding).
    union = shapely.union_all(projected.values)
    mean_shift_m = shapely.symmetric_difference(union, ref_union).area / ref_union.boundary.length
    rounding_m = 0.5 * 10.0**-band.decimals * METRES_PER_DEGREE
    assert mean_shift_m <= 0.25 * band.tolerance_m + rounding_m


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("band", ZOOM_BANDS, ids=BAND_IDS)
def test_simplify_for_band_rounds_coordinates(level: str, band: ZoomBand):
    out = _simplified(level, band.name)
    decimals = out.attrs["decimals"]
    # The band's decimals, or one more where the coarse grid would break the coverage.
    assert decimals in (band.decimals, band.decimals + 1)
    if level == "prefecture":
        assert decimals == band.decimals
    coords = shapely.get_coordinates(out.geometry.values)
    scaled = coords * 10.0**decimals
    np.testing.assert_allclose(scaled, np.round(scaled), rtol=0, atol=1e-6)
    if decimals > band.decimals:  # only when needed: the band's own grid really breaks this coverage
        grid = shapely.set_precision(
            simplify.coverage_simplify_metres(_units(level).geometry.values, band.tolerance_m), 10.0**-band.decimals
        )
        assert not (shapely.is_valid(grid).all() and shapely.coverage_is_valid(grid))


@pytest.mark.parametrize("level", LEVELS)
def test_vertex_counts_fall_with_coarser_bands(level: str):
    counts = {band.name: _vertex_count(_simplified(level, band.name)) for band in ZOOM_BANDS}
    assert counts["z11+"] >= counts["z9-10"] > counts["z7-8"] > counts["z0-6"]
    assert counts["z11+"] == _vertex_count(_units(level))


def test_simplify_for_band_does_not_modify_its_input():
    source = _units("prefecture").copy()
    before = source.geometry.values.copy()
    simplify_for_band(source, band_by_name("z0-6"))
    assert shapely.equals_identical(source.geometry.values, before).all()


def test_per_polygon_simplify_breaks_the_coverage():
    # Why coverage_simplify: simplifying each polygon on its own, at the same 1000 m in
    # the projected CRS, moves each side of a shared edge differently.
    for level in LEVELS:
        projected = _units(level).geometry.to_crs(HUBEI_CONFORMAL).values
        assert shapely.coverage_is_valid(projected)

        naive = shapely.simplify(projected, 1000.0, preserve_topology=True)
        assert shapely.is_valid(naive).all()  # every polygon is fine on its own ...
        assert not shapely.coverage_is_valid(naive)  # ... but together they do not tile
        union = shapely.union_all(naive)
        overlap_m2 = shapely.area(naive).sum() - union.area
        assert overlap_m2 > 1e6
        # Gaps show as holes in the union; the stored province has only its 3 enclaves.
        assert _num_holes(union) > _num_holes(shapely.union_all(projected)) + 10

        together = shapely.coverage_simplify(projected, 1000.0)
        assert shapely.coverage_is_valid(together)


@pytest.mark.parametrize("crs", [HUBEI_EQUAL_AREA, HUBEI_CONFORMAL, None], ids=["albers", "lcc", "none"])
def test_simplify_for_band_refuses_other_crs(crs):
    source = _units("prefecture")
    other = source.to_crs(crs) if crs is not None else source.set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="EPSG:4326"):
        simplify_for_band(other, band_by_name("z7-8"))


def test_coverage_simplify_metres_zero_tolerance_is_identity():
    geoms = _units("county").geometry.values
    out = coverage_simplify_metres(geoms, 0)
    assert isinstance(out, np.ndarray)
    assert out.shape == (len(geoms),)
    assert shapely.equals_identical(out, np.asarray(geoms)).all()


def test_coverage_simplify_metres_keeps_order_and_coverage():
    geoms = _units("prefecture").geometry.values
    out = coverage_simplify_metres(geoms, 250.0)
    assert out.shape == (len(geoms),)
    assert shapely.coverage_is_valid(out)
    # Each output lies over its own input: order is kept.
    overlap = shapely.area(shapely.intersection(out, np.asarray(geoms))) / shapely.area(np.asarray(geoms))
    assert (overlap > 0.99).all()
    assert shapely.get_num_coordinates(out).sum() < shapely.get_num_coordinates(np.asarray(geoms)).sum()
