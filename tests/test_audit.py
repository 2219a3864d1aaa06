"""The audit trail (issue 18): a JSON line per export, OGC features read, snapshot, briefing, upload and
sign-in, rotated by size, read by `hubei-map audit`;
an audit file that cannot be written stops the action with a clear error."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from flask import g

from app import audit, cli, export, jobs
from app.export import ogc
from app.serve.server import create_app
from app.web import downloads, upload

CSV = b"code,value\n420100,5\n420200,1\n420300,2\n420500,3\n420600,4\n"


@pytest.fixture
def trail(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "audit" / "audit.log"
    path.parent.mkdir()
    monkeypatch.setenv("HUBEI_MAP_AUDIT_LOG", str(path))
    monkeypatch.setenv("HUBEI_MAP_HEAVY_ISOLATION", "thread")
    monkeypatch.setenv("HUBEI_MAP_WORK_DIR", str(tmp_path / "work"))
    return path


@pytest.fixture
def broken_trail(tmp_path, monkeypatch) -> Path:
    """An audit file that cannot be written: it is a folder."""
    path = tmp_path / "audit.log"
    path.mkdir()
    monkeypatch.setenv("HUBEI_MAP_AUDIT_LOG", str(path))
    monkeypatch.setenv("HUBEI_MAP_HEAVY_ISOLATION", "thread")
    monkeypatch.setenv("HUBEI_MAP_WORK_DIR", str(tmp_path / "work"))
    return path


@pytest.fixture(scope="module")
def server():
    return create_app().server


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _as_web_user(server, user: str = "alice", address: str = "10.1.2.3"):
    """A callback's request context, with the user the access layer established."""
    context = server.test_request_context(
        "/_dash-update-component", method="POST", environ_base={"REMOTE_ADDR": address}
    )
    context.push()
    g.hubei_user = user
    return context


def _press_download(server, fmt: str, crs: str, bounds: list[list[float]] | None = None):
    """The Download button pressed by alice with the computing layer on (only the view when ``bounds``)."""
    context = _as_web_user(server)
    try:
        return downloads.download_layers(
            n_clicks=1,
            layer_values=[["computing"]],
            fmt=fmt,
            crs_choice=crs,
            only_view=["view"] if bounds else [],
            bounds=bounds,
            lang="en",
        )
    finally:
        context.pop()


# --- the trail itself --------------------------------------------------------------------------


def test_a_record_is_one_json_line_with_who_when_and_what(trail):
    entry = audit.record("export", layers=["computing"], format="gpkg", crs="cgcs2000", extent=None, bytes=10)
    (line,) = _lines(trail)
    assert line == entry
    assert line["action"] == "export" and line["via"] == "cli" and line["user"]
    assert line["layers"] == ["computing"] and line["crs"] == "cgcs2000" and "extent" not in line  # None is left out
    assert dt.datetime.fromisoformat(line["time"].replace("Z", "+00:00")).tzinfo is not None
    assert set(line) <= {"time", "action", "outcome", "user", "address", "via", "layers", "format", "crs", "bytes"}


def test_no_trail_is_kept_without_the_variable(monkeypatch, tmp_path):
    monkeypatch.delenv("HUBEI_MAP_AUDIT_LOG", raising=False)
    assert audit.record("export", layers=["x"]) is None


def test_the_trail_is_appended_and_rotated_by_size_and_read_back_in_order(trail, monkeypatch):
    monkeypatch.setenv("HUBEI_MAP_AUDIT_MAX_BYTES", "1024")
    for number in range(40):
        audit.record("export", layers=[f"layer_{number}"], format="geojson")
    rotated = [p for p in trail.parent.iterdir() if p.name != trail.name]
    assert rotated, "the file was not rotated"
    assert all(p.stat().st_size <= 1024 for p in [trail, *rotated])
    read = list(audit.read(trail))
    assert [e["layers"][0] for e in read] == [f"layer_{n}" for n in range(40)]  # none lost, oldest first


def test_an_unwritable_trail_raises_a_clear_error(broken_trail):
    with pytest.raises(audit.AuditError, match=r"audit trail .*audit.log \(HUBEI_MAP_AUDIT_LOG\) cannot be written"):
        audit.record("snapshot", format="pdf")
    with pytest.raises(audit.AuditError):
        audit.check_writable()


# --- web actions -------------------------------------------------------------------------------


def test_the_export_route_records_the_download(server, trail):
    client = server.test_client()
    response = client.get("/export?layers=computing&format=gpkg&crs=cgcs2000&bbox=113,29,115,31")
    assert response.status_code == 200
    (line,) = _lines(trail)
    assert line["action"] == "export" and line["via"] == "web" and line["address"] == "127.0.0.1"
    assert line["layers"] == ["computing"] and line["format"] == "gpkg" and line["crs"] == "cgcs2000"
    assert line["extent"] == [113, 29, 115, 31] and line["bytes"] == len(response.data)


def test_the_export_route_sends_nothing_when_the_trail_cannot_be_written(server, broken_trail):
    response = server.test_client().get("/export?layers=computing&format=geojson")
    assert response.status_code == 503
    assert "cannot be written" in response.get_json()["error"] and "stopped" in response.get_json()["error"]
    assert "Content-Disposition" not in response.headers


def test_the_download_button_records_the_user_and_what_was_exported(server, trail):
    payload, _ = _press_download(server, "gpkg", "webmercator", bounds=[[30, 113], [31, 115]])
    (line,) = _lines(trail)
    assert line["user"] == "alice" and line["address"] == "10.1.2.3" and line["action"] == "export"
    assert line["crs"] == "webmercator" and line["extent"] == [113.0, 30.0, 115.0, 31.0]
    assert line["bytes"] == len(base64.b64decode(payload["content"]))


def test_one_export_job_packs_the_file_and_writes_its_line_or_nothing(trail):
    from app import export

    packed = export.export_in_job(["computing"], "csv", crs_choice="cgcs2000", bbox=(113, 29, 115, 31), route="/x")
    (line,) = _lines(trail)
    assert line["route"] == "/x" and line["layers"] == ["computing"] and line["format"] == "csv"
    assert line["crs"] == "cgcs2000" and line["extent"] == [113, 29, 115, 31]
    assert line["bytes"] == len(packed.body) and line["features"] == packed.features > 0
    with pytest.raises(export.ExportError):
        export.export_in_job(["computing"], "kml")
    assert len(_lines(trail)) == 1  # a refused request writes no line


def _refusing(error: Exception):
    def refuse(*args, **kwargs):
        raise error

    return refuse


@pytest.mark.parametrize(
    ("error", "status", "panel"),
    [
        (jobs.Busy("export", 1), 503, "busy"),
        (export.ExportWriteError("disk full"), 507, "disk full"),
        (export.ExportError("unknown layer"), 400, "unknown layer"),
        (audit.AuditError("no trail"), 503, "cannot be written"),
    ],
)
def test_the_route_and_the_button_share_one_export_job_and_answer_its_errors_their_way(
    server, trail, monkeypatch, error, status, panel
):
    monkeypatch.setattr(export, "export_in_job", _refusing(error))
    response = server.test_client().get("/export?layers=computing&format=geojson")
    assert response.status_code == status and "Content-Disposition" not in response.headers
    assert str(error) in response.get_json()["error"]
    assert ("Retry-After" in response.headers) == isinstance(error, jobs.Busy)
    payload, message = _press_download(server, "geojson", "wgs84")
    assert payload is downloads.no_update and panel in message[0].children


def test_the_snapshot_button_records_the_map_it_drew(server, trail):
    context = _as_web_user(server, "bob")
    try:
        payload, _ = downloads.snapshot_view(
            n_clicks=1, query="?lang=en&ind=gdp_2023", paper="a4-portrait", fmt="svg", lang="en"
        )
    finally:
        context.pop()
    (line,) = _lines(trail)
    assert line["action"] == "snapshot" and line["user"] == "bob" and line["format"] == "svg"
    assert line["paper"] == "a4-portrait" and line["lang"] == "en" and line["extent"] == "province"
    assert line["bytes"] == len(base64.b64decode(payload["content"]))


def test_the_snapshot_button_gives_no_file_when_the_trail_cannot_be_written(server, broken_trail):
    context = _as_web_user(server)
    try:
        payload, status = downloads.snapshot_view(n_clicks=1, query="", paper="a4-landscape", fmt="svg", lang="en")
    finally:
        context.pop()
    assert payload is downloads.no_update
    assert "audit trail cannot be written" in status[0].children


def test_an_upload_is_recorded_and_refused_when_the_trail_cannot_be_written(server, trail, monkeypatch, tmp_path):
    contents = "data:text/csv;base64," + base64.b64encode(CSV).decode()
    context = _as_web_user(server)
    try:
        store, *_ = upload.upload_indicator(
            contents=contents, filename="mine.csv", title="我的指标", unit="个", level="prefecture", store={}, lang="zh"
        )
        assert "upload_1" in store
        (line,) = _lines(trail)
        assert line["action"] == "upload" and line["filename"] == "mine.csv" and line["rows"] == 5
        assert line["bytes"] == len(CSV) and line["user"] == "alice"
        (tmp_path / "blocked").mkdir()
        monkeypatch.setenv("HUBEI_MAP_AUDIT_LOG", str(tmp_path / "blocked"))
        refused_store, message, *_ = upload.upload_indicator(
            contents=contents, filename="mine.csv", title="我的指标", unit="个", level="prefecture", store={}, lang="zh"
        )
    finally:
        context.pop()
    assert refused_store == {} and "审计日志无法写入" in message[0].children


def test_an_ogc_items_read_is_one_line_with_who_what_and_how_much(server, trail, capsys):
    client = server.test_client()
    query = "limit=5&offset=2&crs=http://www.opengis.net/def/crs/EPSG/0/4490&bbox=29,113,32,116"
    query += "&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4490"
    response = client.get(f"/ogc/collections/computing/items?{query}", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert response.status_code == 200
    (line,) = _lines(trail)
    assert line["action"] == "ogc" and line["via"] == "web" and line["address"] == "10.9.8.7"
    assert line["route"] == "/ogc/collections/computing/items" and line["collection"] == "computing"
    assert line["crs"] == "http://www.opengis.net/def/crs/EPSG/0/4490"
    assert line["extent"] == [113, 29, 116, 32]  # in longitude/latitude, whatever the bbox's axis order
    assert line["limit"] == 5 and line["offset"] == 2
    assert line["features"] == response.json["numberReturned"] and line["matched"] == response.json["numberMatched"]
    assert line["bytes"] == len(response.data)
    assert response.headers["Cache-Control"] == "private, no-cache"  # no shared cache hands it out unrecorded
    feature_id = response.json["features"][0]["id"]
    assert client.get(f"/ogc/collections/computing/items/{feature_id}").status_code == 200
    one = _lines(trail)[-1]
    assert one["action"] == "ogc" and one["feature"] == feature_id and one["features"] == 1
    assert cli.main(["audit"]) == 0
    assert "collection=computing" in capsys.readouterr().out


def test_the_ogc_service_description_and_refused_requests_write_no_line(server, trail):
    client = server.test_client()
    paths = ["/ogc/", "/ogc/api", "/ogc/conformance", "/ogc/collections", "/ogc/collections/computing"]
    assert all(client.get(path).status_code == 200 for path in paths)
    assert client.get("/ogc/collections/computing/items?limit=0").status_code == 400
    assert client.get("/ogc/collections/nothing/items").status_code == 404
    assert not trail.exists()


def test_an_ogc_items_read_is_refused_when_the_trail_cannot_be_written(server, broken_trail):
    client = server.test_client()
    response = client.get("/ogc/collections/computing/items")
    assert response.status_code == 503 and response.json["code"] == "ServiceUnavailable"
    assert "cannot be written" in response.json["description"] and "features" not in response.json
    feature_id = ogc.collection("computing").ids[0]
    assert client.get(f"/ogc/collections/computing/items/{feature_id}").status_code == 503
    assert client.get("/ogc/collections").status_code == 200  # descriptions are not records


# --- CLI actions -------------------------------------------------------------------------------


def test_cli_export_snapshot_and_html_are_recorded_with_the_os_user(trail, tmp_path, capsys):
    assert cli.main(["export", "--layers", "computing", "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert cli.main(["snapshot", "--out", str(tmp_path / "map.svg"), "--extent", "420100"]) == 0
    assert cli.main(["html", "--out", str(tmp_path / "map.html"), "--indicator", "gdp_2023"]) == 0
    export, snapshot, html = _lines(trail)
    assert all(e["via"] == "cli" and e["user"] and e["address"] is None for e in (export, snapshot, html))
    assert export["action"] == "export" and export["layers"] == ["computing"] and export["format"] == "csv"
    assert snapshot["action"] == "snapshot" and snapshot["extent"] == "420100" and snapshot["format"] == "svg"
    assert snapshot["bytes"] == (tmp_path / "map.svg").stat().st_size
    assert html["action"] == "html" and html["indicator"] == "gdp_2023" and html["format"] == "html"


def test_cli_briefing_is_recorded(trail, tmp_path, monkeypatch):
    from app import render

    def pack(out, chosen, **kwargs):
        Path(out).write_bytes(b"%PDF-1.7 test")
        return 3

    monkeypatch.setattr(render, "write_pack", pack)
    assert cli.main(["briefing", "--out", str(tmp_path / "pack.pdf"), "--indicators", "gdp_2023"]) == 0
    (line,) = _lines(trail)
    assert line["action"] == "briefing" and line["indicators"] == ["gdp_2023"] and line["pages"] == 3
    assert line["bytes"] == len(b"%PDF-1.7 test")


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--layers", "computing", "--format", "geojson", "--out", "{out}/files"],
        ["snapshot", "--out", "{out}/map.svg"],
        ["briefing", "--out", "{out}/pack.pdf"],
        ["html", "--out", "{out}/map.html"],
    ],
)
def test_cli_actions_write_nothing_when_the_trail_cannot_be_written(broken_trail, tmp_path, capsys, argv):
    out = tmp_path / "out"
    out.mkdir()
    assert cli.main([a.replace("{out}", str(out)) for a in argv]) == 1
    assert "HUBEI_MAP_AUDIT_LOG" in capsys.readouterr().err
    assert list(out.iterdir()) == []


# --- reading the trail -------------------------------------------------------------------------


def test_hubei_map_audit_filters_by_date_and_user(trail, capsys):
    old = {"time": "2026-01-05T08:00:00.000Z", "action": "export", "outcome": "ok", "user": "alice", "format": "shp"}
    trail.write_text(json.dumps(old) + "\nnot json\n", encoding="utf-8")
    audit.record("sign-in", as_user="bob", method="form")
    audit.record("export", as_user="alice", layers=["computing", "parks"], format="gpkg")
    assert cli.main(["audit"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 4 and "unreadable line" in rows[1]
    assert cli.main(["audit", "--since", "2026-02-01", "--user", "alice"]) == 0
    unreadable, row = capsys.readouterr().out.splitlines()  # a line that cannot be read is always shown
    assert "unreadable line" in unreadable
    assert "\talice\t" in row and "layers=computing,parks format=gpkg" in row
    assert cli.main(["audit", "--user", "alice", "--format", "json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r.get("format") for r in records] == ["shp", None, "gpkg"]


def test_hubei_map_audit_says_when_there_is_no_trail(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("HUBEI_MAP_AUDIT_LOG", raising=False)
    assert cli.main(["audit"]) == 2 and "HUBEI_MAP_AUDIT_LOG" in capsys.readouterr().err
    assert cli.main(["audit", "--file", str(tmp_path / "none.log")]) == 1


def test_the_trail_file_is_not_world_readable(trail):
    audit.record("export", layers=["computing"])
    assert stat.S_IMODE(os.stat(trail).st_mode) & 0o007 == 0
