from __future__ import annotations

import base64
import contextlib
import errno
import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import harness
import pytest
import requests

from app import jobs, settings
from app.cli.serve_command import gunicorn_command
from app.export import errors
from app.export import files as export
from app.serve import accesslog, gunicorn_conf, httpcache
from app.serve.server import create_app
from app.web import downloads, upload
from layers import webdata

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def client():
    return create_app().server.test_client()


@pytest.fixture
def work_dir(tmp_path, monkeypatch):
    folder = tmp_path / "work"
    monkeypatch.setenv("HUBEI_MAP_WORK_DIR", str(folder))
    return folder


# --- configuration in one place -----------------------------------------------------------


def test_readme_configuration_table_is_generated_from_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings.env_table() in readme, "README's table differs: paste settings.env_table() into it"


def test_every_environment_variable_read_by_the_app_is_registered():
    used = set()
    for folder in ("app", "geo", "layers"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"\bHUBEI_MAP_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    assert used == {v.name for v in settings.ENV_VARS}


def test_a_wrong_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("HUBEI_MAP_HEAVY_JOBS", "two")
    with pytest.raises(ValueError, match="HUBEI_MAP_HEAVY_JOBS must be an integer >= 1, got 'two'"):
        settings.env_int("HUBEI_MAP_HEAVY_JOBS", minimum=1)


def test_serve_prod_runs_gunicorn_with_the_project_config():
    command = gunicorn_command("0.0.0.0", 8123, workers=3)
    assert command[1:5] == ["-m", "gunicorn", "--config", "python:app.serve.gunicorn_conf"]
    assert command[-1] == "app.serve.wsgi:server"
    assert "0.0.0.0:8123" in command and command[command.index("--workers") + 1] == "3"
    assert gunicorn_conf.preload_app and gunicorn_conf.worker_class == "gthread"


# --- headers -----------------------------------------------------------------------------------


def _page_urls(client) -> list[str]:
    index = client.get("/").get_data(as_text=True)
    return re.findall(r'(?:src|href)="([^"]+)"', index)


def test_health_names_version_data_and_worker(client):
    body = client.get("/healthz").get_json()
    assert body == {
        "status": "ok",
        "version": export.tool_version(),
        "data": webdata.data_version(),
        "pid": os.getpid(),
    }


@pytest.mark.parametrize(
    ("kind", "policy"),
    [
        ("fingerprinted script", httpcache.IMMUTABLE),
        ("asset", httpcache.IMMUTABLE),
        ("layer", httpcache.IMMUTABLE),
        ("lazy chunk", "public, no-cache"),
        ("layout", "no-cache"),
        ("ogc", "public, max-age=3600"),
    ],
)
def test_static_and_data_responses_are_compressed_cacheable_and_revalidate(client, kind, policy):
    urls = _page_urls(client)
    url = {
        "fingerprinted script": next(u for u in urls if "dash_renderer.v" in u),
        "asset": next(u for u in urls if u.startswith("/assets/hubei_map.js?m=")),
        "layer": next(u for u in urls if u.startswith("/data/layers/") and "?v=" in u),
        "lazy chunk": "/_dash-component-suites/dash_leaflet/async-GeoJSON.js",
        "layout": "/_dash-layout",
        "ogc": "/ogc/collections",
    }[kind]
    first = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == policy
    assert first.headers["Content-Encoding"] in ("br", "gzip")
    assert "Accept-Encoding" in first.headers["Vary"]
    again = client.get(url, headers={"Accept-Encoding": "gzip, br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_page_is_compressed_and_revalidated_each_time(client):
    """Dash writes a fresh id into every page (``end_id``), so it is never a 304; it must not be cached stale."""
    response = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["Cache-Control"] == "no-cache" and response.headers["Content-Encoding"] == "br"


def test_callbacks_errors_and_health_are_not_stored(client):
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    assert client.get("/data/layers/nope/z7-8.pbf").headers["Cache-Control"] == "no-store"
    assert client.post("/_dash-update-component", json={}).headers["Cache-Control"] == "no-store"


def test_layer_without_current_data_hash_keeps_its_week(client):
    response = client.get("/data/layers/prefectures/z7-8.pbf?v=old")
    assert response.headers["Cache-Control"] == f"public, max-age={settings.LAYER_MAX_AGE_S}"


def test_immutable_scripts_are_compressed_once_per_worker(client):
    url = next(u for u in _page_urls(client) if "dash_renderer.v" in u)
    first = client.get(url, headers={"Accept-Encoding": "br"}).data
    kept = [v for (key, enc), v in httpcache._COMPRESSED.items() if key.rstrip("?") == url and enc == "br"]
    assert kept == [first]
    assert client.get(url, headers={"Accept-Encoding": "br"}).data == first


def test_warming_compresses_the_opening_pages_scripts_before_the_first_request(monkeypatch):
    app = create_app()
    assert httpcache.warm(app) > 200_000
    client = app.server.test_client()
    urls = [u for u in _page_urls(client) if u.startswith(("/assets/", "/_dash-component-suites/"))]
    immutable = [
        u for u in urls if httpcache.immutable(u.split("?")[0], dict([u.split("?")[1].split("=")]) if "?" in u else {})
    ]
    assert len(immutable) >= 12 and any(u.endswith(".css") or ".css?" in u for u in immutable)

    def refuse(body: bytes, quality: int = 11) -> bytes:
        raise AssertionError(f"compressed again at quality {quality}")

    monkeypatch.setattr(httpcache.brotli, "compress", refuse)  # each answer must come from the warmed cache
    for url in immutable:
        with client.get(url, headers={"Accept-Encoding": "br"}) as response:
            assert response.status_code == 200 and response.headers["Content-Encoding"] == "br", url


def test_ready_to_serve_puts_what_start_up_built_out_of_the_collectors_reach():
    import gc

    from app.serve.server import ready_to_serve

    app = create_app()
    try:
        ready_to_serve(app)
        assert gc.get_freeze_count() > 50_000  # the app and its tables: a full collection no longer walks them
        assert httpcache._COMPRESSED  # and the page's scripts are compressed
    finally:
        gc.unfreeze()


# --- access log ----------------------------------------------------------------------------------


def test_access_log_writes_one_json_line_per_request():
    stream = io.StringIO()
    server = create_app().server
    server.wsgi_app = accesslog.AccessLog(server.wsgi_app.app, stream)  # type: ignore[attr-defined]
    with server.test_client() as client, client.get("/data/layers/prefectures/z7-8.pbf") as response:
        sent = len(response.data)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert set(line) == {"time", "method", "path", "status", "bytes", "duration_ms", "pid", "remote"}
    assert (line["method"], line["path"], line["status"], line["bytes"], line["pid"]) == (
        "GET",
        "/data/layers/prefectures/z7-8.pbf",
        200,
        sent,
        os.getpid(),
    )
    assert line["duration_ms"] >= 0 and line["time"].endswith("Z")


def test_access_log_mode_is_checked(monkeypatch):
    monkeypatch.setenv("HUBEI_MAP_ACCESS_LOG", "yes")
    with pytest.raises(ValueError, match="HUBEI_MAP_ACCESS_LOG must be one of"):
        accesslog.log_mode()


# --- heavy jobs --------------------------------------------------------------------------------


def _download(fmt: str):
    """The download button's callback for the computing layer in WGS-84, in English."""
    return downloads.download_layers(
        n_clicks=1, layer_values=[["computing"]], fmt=fmt, crs_choice="wgs84", only_view=None, bounds=None, lang="en"
    )


def test_with_every_heavy_place_taken_browsing_is_served_and_heavy_jobs_are_told_busy(client, work_dir):
    with jobs.slot("export"):  # the default: one heavy job per worker
        busy = client.get("/export?layers=computing&format=geojson")
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == settings.env_str("HUBEI_MAP_RETRY_AFTER")
        assert "busy" in busy.get_json()["error"]
        assert client.get("/data/layers/prefectures/z7-8.pbf").status_code == 200
        assert client.get("/").status_code == 200
        assert client.get("/ogc/collections/computing/items").status_code == 200
        _, status = _download("geojson")
        assert "busy" in status[0].children
        _, status = downloads.snapshot_view(n_clicks=1, query="", paper="a4-landscape", fmt="pdf", lang="en")
        assert "busy" in status[0].children
    done = client.get("/export?layers=computing&format=geojson")
    assert done.status_code == 200 and done.headers["Content-Disposition"].endswith('.zip"')
    assert jobs.scratch_dirs() == []


def test_a_job_scratch_folder_is_removed_on_error_and_a_dead_workers_on_request(work_dir):
    with pytest.raises(RuntimeError), jobs.slot("export") as job:
        (job.scratch / "half.gpkg").write_bytes(b"x")
        raise RuntimeError("boom")
    assert not job.scratch.exists()
    other = work_dir / f"{jobs.SCRATCH_PREFIX}999999-export-abc"
    mine = work_dir / f"{jobs.SCRATCH_PREFIX}{os.getpid()}-export-abc"
    other.mkdir(parents=True)
    mine.mkdir()
    assert jobs.remove_scratch(999999) == [other]
    assert not other.exists() and mine.exists()


class _Unpicklable(Exception):
    def __init__(self, message, *, extra):  # a required keyword: pickle cannot rebuild it
        super().__init__(message)


def _raise_unpicklable():
    raise _Unpicklable("cannot travel", extra=1)


def test_a_job_runs_in_a_lower_priority_process_and_its_errors_come_back(work_dir, monkeypatch):
    monkeypatch.setenv("HUBEI_MAP_HEAVY_ISOLATION", "process")
    with jobs.slot("export") as job:
        pid = job.call(os.getpid)
        assert pid != os.getpid()
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert job.call(os.getpriority, os.PRIO_PROCESS, 0) == min(19, mine + settings.env_int("HUBEI_MAP_HEAVY_NICE"))
        with pytest.raises(export.ExportError, match="unknown layer"):
            job.call(export.download, ["no_such_layer"], "geojson", job.scratch)
        with pytest.raises(RuntimeError, match="_Unpicklable: cannot travel"):
            job.call(_raise_unpicklable)
        assert job.call(os.getpid) == pid  # the same process, kept for the next job


def test_a_job_process_that_dies_is_a_clear_error_and_the_next_job_gets_a_new_one(work_dir, monkeypatch):
    monkeypatch.setenv("HUBEI_MAP_HEAVY_ISOLATION", "process")
    with jobs.slot("snapshot") as job:
        first = job.call(os.getpid)
        with pytest.raises(jobs.JobLost, match="the snapshot stopped unexpectedly"):
            job.call(os._exit, 1)
        assert job.call(os.getpid) != first


def test_the_job_process_outlives_the_request_thread_that_started_it(work_dir, monkeypatch):
    """The development server runs each request in a thread of its own; the job process must not end with it."""
    monkeypatch.setenv("HUBEI_MAP_HEAVY_ISOLATION", "process")
    jobs.shutdown()
    pids: list[int] = []

    def request() -> None:
        with jobs.slot("export") as job:
            pids.append(job.call(os.getpid))

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    time.sleep(3 * jobs.ORPHAN_POLL_S)
    with jobs.slot("snapshot") as job:
        assert job.call(os.getpid) == pids[0]


# --- disk full -----------------------------------------------------------------------------------


def _fill_disk(*args, **kwargs):
    path = Path(args[1] if len(args) > 1 else kwargs["path"])
    path.write_bytes(b"partial")  # a writer that got some bytes out before the disk filled
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


@pytest.mark.parametrize("fmt", ["geojsonseq", "gpkg", "shp"])
def test_disk_full_during_export_names_the_problem_and_leaves_nothing(tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(export.pyogrio, "write_dataframe", _fill_disk)
    out = tmp_path / ("out.gpkg" if fmt == "gpkg" else "out")
    with pytest.raises(errors.ExportWriteError, match="no space left on the device; nothing was written"):
        export.export_layers(["computing", "hubs"], fmt, out)
    assert list(tmp_path.iterdir()) == []


def test_disk_full_during_a_web_export_is_a_clear_507_and_the_server_goes_on(client, work_dir, monkeypatch):
    # In this process, so the patched writer is the one that runs (the job process's errors come back
    # the same way: see test_a_job_runs_in_a_lower_priority_process_and_its_errors_come_back).
    monkeypatch.setenv("HUBEI_MAP_HEAVY_ISOLATION", "thread")
    monkeypatch.setattr(export.pyogrio, "write_dataframe", _fill_disk)
    response = client.get("/export?layers=computing&format=gpkg")
    assert response.status_code == 507
    assert "no space left on the device" in response.get_json()["error"]
    _, status = _download("gpkg")
    assert "no space left on the device" in status[0].children
    assert jobs.scratch_dirs() == []
    monkeypatch.undo()
    assert client.get("/export?layers=computing&format=gpkg").status_code == 200


def test_file_size_limit_stops_a_cli_export_cleanly(tmp_path):
    """RLIMIT_FSIZE on a real process: the write fails with EFBIG, the command says why, no file stays."""

    def limit():  # runs in the child: 64 kB files at most; SIGXFSZ ignored so the write returns EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))

    out = tmp_path / "out.gpkg"
    exe = Path(sys.executable).with_name("hubei-map")
    result = subprocess.run(
        [str(exe), "export", "--layers", "all", "--format", "gpkg", "--out", str(out)],
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "could not write the export" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --- against a real gunicorn --------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(tmp_path: Path, workers: int, **env: str):
    port = harness.free_port()
    base = f"http://{harness.HOST}:{port}"
    exe = Path(sys.executable).with_name("hubei-map")
    env = {"HUBEI_MAP_AUTH": "public", **env}  # serve --prod needs an access mode (tests/test_access.py)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        command = [str(exe), "serve", "--prod", "--workers", str(workers), "--port", str(port)]
        log = tmp_path / "gunicorn.log"
        with harness.server(command, f"{base}/healthz", log, timeout=120):
            yield base, log
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _worker_pids(log: Path) -> set[int]:
    return {int(p) for p in re.findall(r"Booting worker with pid: (\d+)", log.read_text())}


@pytest.mark.slow
def test_two_workers_serve_an_uploaded_indicator_and_log_json(tmp_path):
    """The uploaded table lives in the browser's session store and travels with each callback,
    so whichever worker answers draws it."""
    from app.web import ids

    csv = b"code,value\n420100,5\n420200,1\n420300,2\n420500,3\n420600,4\n"
    contents = "data:text/csv;base64," + base64.b64encode(csv).decode()
    store, *_ = upload.upload_indicator(
        contents=contents, filename="mine.csv", title="我的指标", unit="个", level="prefecture", store={}, lang="zh"
    )
    assert "upload_1" in store
    with gunicorn(tmp_path, 2, HUBEI_MAP_WORK_DIR=str(tmp_path / "work")) as (base, log):
        import bench_load
        import dashclient

        deps = requests.get(f"{base}/_dash-dependencies", timeout=30).json()
        dep = dashclient.find(deps, f"{ids.CHOROPLETH}.hideout", f"{ids.LEGEND}.children")
        body = bench_load.Mix(base).switch_body("upload_1")
        for spec in body["inputs"]:
            if spec["id"] == ids.USER_INDICATORS:
                spec["value"] = store
        assert body["output"] == dep["output"]
        seen: set[int] = set()
        for _ in range(10):  # concurrent requests until both workers have answered one
            with ThreadPoolExecutor(6) as pool:
                responses = list(
                    pool.map(lambda _: requests.post(f"{base}/_dash-update-component", json=body, timeout=60), range(6))
                )
            for response in responses:
                assert response.status_code == 200
                hideout = dashclient.response_values(response.content)[ids.CHOROPLETH]["hideout"]
                assert hideout["title"].startswith("我的指标")
            time.sleep(0.5)  # the log line is written when the body is sent
            lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
            seen = {x["pid"] for x in lines if x["path"] == "/_dash-update-component" and x["status"] == 200}
            if len(seen) == 2:
                break
        assert seen == _worker_pids(log)


@pytest.mark.slow
def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _state(pid: int) -> str:
    try:
        return _stat(pid)[0]
    except OSError:
        return "gone"


def _children(pid: int) -> list[int]:
    """Live processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def test_a_worker_killed_mid_export_fails_cleanly_and_the_others_go_on(tmp_path):
    work = tmp_path / "work"
    with gunicorn(tmp_path, 2, HUBEI_MAP_WORK_DIR=str(work)) as (base, log):
        outcome: list[object] = []

        def download() -> None:
            try:
                outcome.append(requests.get(f"{base}/export?layers=all&format=gpkg", timeout=60))
            except requests.RequestException as exc:
                outcome.append(exc)

        thread = threading.Thread(target=download)
        thread.start()
        victim = None
        for _ in range(600):  # the job's scratch folder names the worker serving it
            found = sorted(work.glob(f"{jobs.SCRATCH_PREFIX}*"))
            if found:
                victim = int(found[0].name[len(jobs.SCRATCH_PREFIX) :].split("-")[0])
                break
            time.sleep(0.01)
        assert victim is not None, "the export finished before it could be interrupted"
        job_pids = _children(victim)
        assert job_pids, "the worker has no job process"
        os.kill(victim, signal.SIGKILL)
        thread.join(timeout=60)
        assert not thread.is_alive(), "the client hung"
        assert isinstance(outcome[0], requests.ConnectionError)
        for _ in range(10):  # the other worker answers at once, a new one is booted
            assert requests.get(f"{base}/healthz", timeout=10).json()["pid"] != victim
        for _ in range(100):
            if len(_worker_pids(log)) == 3:
                break
            time.sleep(0.2)
        assert len(_worker_pids(log)) == 3, log.read_text()
        assert list(work.iterdir()) == []  # no half-written export left behind
        for _ in range(50):  # its job process died with it
            if not any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in job_pids):
                break
            time.sleep(0.1)
        assert not any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in job_pids)
        assert requests.get(f"{base}/export?layers=computing&format=geojson", timeout=60).status_code == 200


@pytest.mark.slow
def test_load_benchmark_quick_mode_still_runs(capsys):
    """Keeps benchmarks/bench_load.py from rotting: a --quick run reports every browsing kind, no errors."""
    import bench_load

    assert bench_load.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "| 2 | 4 | switch |" in out and "| 2 | 4 | layer |" in out
    assert re.search(r"^\| 2 \| 4 \| [\d.]+ \| [\d.]+ \| 0 \|", out, flags=re.M), out
