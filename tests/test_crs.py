from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import Polygon, box

from geo.crs import (
    CGCS2000,
    HUBEI_CONFORMAL,
    HUBEI_EQUAL_AREA,
    WGS84,
    fit_center,
    gcj02_to_wgs84,
    geometry_gcj02_to_wgs84,
    in_china_box,
    lonlat_to_web_pixels,
    wgs84_to_gcj02,
)

GEOD = pyproj.Geod(ellps="WGS84")

# Hubei's bounding box, degrees (lon_min, lat_min, lon_max, lat_max).
HUBEI_BOX = (108.3, 29.0, 116.2, 33.3)


@pytest.fixture(scope="module")
def hubei_grid() -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.meshgrid(
        np.linspace(HUBEI_BOX[0], HUBEI_BOX[2], 200),
        np.linspace(HUBEI_BOX[1], HUBEI_BOX[3], 200),
    )
    return lon, lat


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist)


# --- forward transform -------------------------------------------------------------


def test_forward_matches_published_vector():
    # Source: README of the wandergis/coordTransform repository,
    # "wgs84togcj02(116.404, 39.915) -> [116.41024449916938, 39.91640428150164]".
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.41024449916938, abs=1e-12, rel=0)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12, rel=0)


def test_forward_offset_in_wuhan_is_east_and_south():
    lon, lat = wgs84_to_gcj02(114.30, 30.59)
    dlon, dlat = float(lon) - 114.30, float(lat) - 30.59
    assert 0.0050 < dlon < 0.0058
    assert -0.0028 < dlat < -0.0020


# --- inverse -----------------------------------------------------------------------


def test_inverse_round_trip_over_hubei_is_sub_millimetre(hubei_grid):
    lon, lat = hubei_grid
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    error_m = _metres(lon, lat, back_lon, back_lat)
    assert error_m.shape == lon.shape
    assert np.isfinite(error_m).all()
    assert error_m.max() < 0.5
    assert error_m.max() < 0.001


def test_one_step_inverse_is_not_good_enough(hubei_grid):
    # The naive inverse w = 2g - forward(g) many libraries use: off by metres in Hubei,
    # which is why gcj02_to_wgs84 iterates.
    lon, lat = hubei_grid
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    f_lon, f_lat = wgs84_to_gcj02(g_lon, g_lat)
    naive_lon, naive_lat = 2 * g_lon - f_lon, 2 * g_lat - f_lat
    error_m = _metres(lon, lat, naive_lon, naive_lat)
    assert error_m.max() > 0.5


def test_inverse_of_forward_shift_is_the_published_offset_undone():
    g_lon, g_lat = wgs84_to_gcj02(116.404, 39.915)
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert float(w_lon) == pytest.approx(116.404, abs=1e-9, rel=0)
    assert float(w_lat) == pytest.approx(39.915, abs=1e-9, rel=0)


def test_inverse_raises_when_it_cannot_converge():
    with pytest.raises(RuntimeError, match="did not converge"):
        gcj02_to_wgs84(114.3, 30.59, max_iter=1)


# --- outside China, NaN, shapes ----------------------------------------------------


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(-0.1276, 51.5072), (151.2093, -33.8688), (139.6917, 35.6895), (100.5, 0.5), (70.0, 35.0), (120.0, 56.0)],
    ids=["london", "sydney", "tokyo-east-of-box", "south-of-box", "west-of-box", "north-of-box"],
)
def test_points_outside_china_box_are_unchanged(lon, lat):
    assert not in_china_box(lon, lat)
    for func in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, out_lat = func(lon, lat)
        assert float(out_lon) == lon
        assert float(out_lat) == lat


def test_in_china_box_covers_hubei(hubei_grid):
    assert in_china_box(*hubei_grid).all()


@pytest.mark.parametrize("func", [wgs84_to_gcj02, gcj02_to_wgs84])
def test_nan_gives_nan_without_raising(func):
    lon = np.array([np.nan, 114.30, np.nan])
    lat = np.array([np.nan, 30.59, 30.59])
    out_lon, out_lat = func(lon, lat)
    assert np.isnan(out_lon[[0, 2]]).all()
    assert np.isnan(out_lat[0])
    # The finite point alongside is transformed as usual.
    exp_lon, exp_lat = func(114.30, 30.59)
    assert out_lon[1] == float(exp_lon)
    assert out_lat[1] == float(exp_lat)
    # All-NaN scalar input.
    s_lon, s_lat = func(np.nan, np.nan)
    assert np.isnan(s_lon)
    assert np.isnan(s_lat)


@pytest.mark.parametrize("func", [wgs84_to_gcj02, gcj02_to_wgs84])
@pytest.mark.parametrize("shape", [(), (7,), (3, 4)], ids=["scalar", "1-D", "2-D"])
def test_shapes_are_preserved(func, shape):
    rng = np.random.default_rng(42)
    lon = rng.uniform(HUBEI_BOX[0], HUBEI_BOX[2], size=shape)
    lat = rng.uniform(HUBEI_BOX[1], HUBEI_BOX[3], size=shape)
    out_lon, out_lat = func(lon, lat)
    assert np.shape(out_lon) == shape
    assert np.shape(out_lat) == shape
    assert np.asarray(out_lon).dtype == np.float64
    # Element-wise: each entry equals the transform of that point alone.
    flat_lon, flat_lat = func(np.ravel(lon), np.ravel(lat))
    np.testing.assert_array_equal(np.ravel(out_lon), flat_lon)
    np.testing.assert_array_equal(np.ravel(out_lat), flat_lat)


def test_lists_are_accepted():
    out_lon, out_lat = wgs84_to_gcj02([114.30, 112.0], [30.59, 31.0])
    assert np.shape(out_lon) == (2,)
    assert np.shape(out_lat) == (2,)


# --- geometries --------------------------------------------------------------------


def test_geometry_inverse_keeps_a_coverage_and_moves_about_600_m():
    # Two 0.02° squares in GCJ-02 near Wuhan sharing the edge lon = 114.32.
    west = box(114.30, 30.58, 114.32, 30.60)
    east = box(114.32, 30.58, 114.34, 30.60)
    assert shapely.coverage_is_valid([west, east])

    out = geometry_gcj02_to_wgs84(np.array([west, east]))

    assert isinstance(out, np.ndarray)
    assert out.shape == (2,)
    assert shapely.is_valid(out).all()
    assert shapely.coverage_is_valid(out)
    # Shared edge maps to the same coordinates on both sides: no gap, no overlap.
    shared = shapely.intersection(out[0], out[1])
    assert shared.geom_type == "LineString"
    assert shared.area == 0
    assert shapely.union_all(out).geom_type == "Polygon"
    # Vertices move ~0.5-0.65 km (GCJ-02 lies ~0.005° east, ~0.002° north-south of WGS-84).
    before = shapely.get_coordinates(np.array([west, east]))
    after = shapely.get_coordinates(out)
    assert before.shape == after.shape
    moved = _metres(before[:, 0], before[:, 1], after[:, 0], after[:, 1])
    assert (moved > 500).all()
    assert (moved < 650).all()
    # WGS-84 lies west of GCJ-02.
    assert (after[:, 0] < before[:, 0]).all()


def test_geometry_round_trip_is_exact_to_sub_millimetre():
    poly = Polygon([(114.30, 30.58), (114.34, 30.58), (114.34, 30.60), (114.30, 30.60)])
    there = np.asarray(shapely.transform(poly, lambda c: np.column_stack(wgs84_to_gcj02(c[:, 0], c[:, 1]))))
    back = geometry_gcj02_to_wgs84(there)
    a, b = shapely.get_coordinates(poly), shapely.get_coordinates(back)
    assert _metres(a[:, 0], a[:, 1], b[:, 0], b[:, 1]).max() < 0.001


# --- CRS constants -----------------------------------------------------------------


def test_wgs84_and_cgcs2000_epsg_codes():
    assert WGS84.to_epsg() == 4326
    assert CGCS2000.to_epsg() == 4490
    assert WGS84.is_geographic
    assert CGCS2000.is_geographic


def test_projection_methods():
    assert HUBEI_EQUAL_AREA.is_projected
    assert HUBEI_CONFORMAL.is_projected
    # Albers Equal Area (EPSG method 9822) and Lambert Conic Conformal 2SP (9802).
    assert HUBEI_EQUAL_AREA.coordinate_operation.method_code == "9822"
    assert HUBEI_CONFORMAL.coordinate_operation.method_code == "9802"
    for crs in (HUBEI_EQUAL_AREA, HUBEI_CONFORMAL):
        assert crs.axis_info[0].unit_name == "metre"


def _projected_area(geom, crs) -> float:
    tr = pyproj.Transformer.from_crs(WGS84, crs, always_xy=True)
    return shapely.transform(geom, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1]))).area


@pytest.mark.parametrize(
    "cell", [box(112, 30, 113, 31), box(108.5, 29, 109.5, 30), box(115, 32.3, 116, 33.3)], ids=["centre", "sw", "ne"]
)
def test_equal_area_matches_geodesic_area(cell):
    # Densify so that the geodesic edges and the projected straight edges trace the
    # same lat/lon box.
    dense = shapely.segmentize(cell, 0.01)
    geodesic, _ = GEOD.geometry_area_perimeter(dense)
    geodesic = abs(geodesic)
    assert geodesic == pytest.approx(10.5e9, rel=0.03)  # ~10,500 km² for 1°x1° at 30°N
    assert _projected_area(dense, HUBEI_EQUAL_AREA) == pytest.approx(geodesic, rel=1e-4)


def test_conformal_is_not_equal_area_but_is_conformal():
    # The check above discriminates: the LCC misstates a 1° cell's area by more than 0.01%.
    dense = shapely.segmentize(box(112, 30, 113, 31), 0.01)
    geodesic = abs(GEOD.geometry_area_perimeter(dense)[0])
    assert abs(_projected_area(dense, HUBEI_CONFORMAL) / geodesic - 1) > 1e-4
    lon, lat = np.meshgrid(np.linspace(108.3, 116.2, 5), np.linspace(29.0, 33.3, 5))
    conformal = pyproj.Proj(HUBEI_CONFORMAL).get_factors(lon, lat)
    assert np.abs(conformal.angular_distortion).max() < 1e-5
    equal_area = pyproj.Proj(HUBEI_EQUAL_AREA).get_factors(lon, lat)
    assert np.abs(equal_area.areal_scale - 1).max() < 1e-9


def test_web_pixels_are_web_mercator_scaled_to_leaflet_tiles():
    from pyproj import Transformer

    from geo.crs import WEB_MERCATOR_HALF_M, geometry_to_web_pixels, lonlat_to_web_pixels

    lon, lat = np.array([108.3, 114.3, 116.2, -180.0]), np.array([29.0, 30.6, 33.3, 85.05112878])
    x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(lon, lat)
    for zoom in (0, 7, 12.5):
        scale = 256 * 2**zoom / (2 * WEB_MERCATOR_HALF_M)
        px, py = lonlat_to_web_pixels(lon, lat, zoom)
        np.testing.assert_allclose(px, (x + WEB_MERCATOR_HALF_M) * scale, atol=1e-6)
        np.testing.assert_allclose(py, (WEB_MERCATOR_HALF_M - y) * scale, atol=1e-6)
    assert lonlat_to_web_pixels(-180.0, 85.05112878, 3)[0] == 0  # the world's top-left corner
    line = geometry_to_web_pixels([shapely.LineString([(114.3, 30.6), (116.2, 33.3)])], 7)[0]
    px, py = lonlat_to_web_pixels(lon[1:3], lat[1:3], 7)
    np.testing.assert_allclose(shapely.get_coordinates(line), np.column_stack([px, py]))


def test_fit_center_is_the_web_mercator_midpoint_of_the_bounds():
    bounds = [[29.0, 108.3], [33.3, 116.2]]
    lat, lon = fit_center(bounds)
    assert lon == pytest.approx((108.3 + 116.2) / 2, abs=1e-12)
    # Halfway between south and north in Leaflet's pixels (at any zoom), not in degrees: north of 31.15.
    for zoom in (5, 7, 12):
        _, (y_south, y_north) = lonlat_to_web_pixels([lon, lon], [29.0, 33.3], zoom)
        _, y_mid = lonlat_to_web_pixels(lon, lat, zoom)
        assert float(y_mid) == pytest.approx((y_south + y_north) / 2, abs=1e-6)
    assert lat > (29.0 + 33.3) / 2
