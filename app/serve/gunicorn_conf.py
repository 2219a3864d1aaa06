"""gunicorn configuration of the map, read from the environment (``app/settings.py``).

Used by ``hubei-map serve --prod`` and by a plain gunicorn command::

    gunicorn -c python:app.serve.gunicorn_conf app.serve.wsgi:server

Threaded workers (``gthread``): the work is CPU-bound Python, so one process per core
(``HUBEI_MAP_WORKERS``) and a few threads each, so a slow export or snapshot does not
hold up a worker's other requests. The app is preloaded in the master (layer bytes are
built once), and when a worker dies the master removes its scratch folders.
"""

from __future__ import annotations

from typing import Any

from app import jobs, settings

bind = f"{settings.DEFAULT_HOST}:{settings.DEFAULT_PORT}"
workers = settings.env_int("HUBEI_MAP_WORKERS", settings.DEFAULT_WORKERS, minimum=1)
worker_class = "gthread"
threads = settings.env_int("HUBEI_MAP_THREADS", minimum=1)
timeout = settings.env_int("HUBEI_MAP_TIMEOUT", minimum=1)
graceful_timeout = settings.env_int("HUBEI_MAP_GRACEFUL_TIMEOUT", minimum=1)
max_requests = settings.env_int("HUBEI_MAP_MAX_REQUESTS")
max_requests_jitter = max_requests // 10
preload_app = True
#: The app writes its own structured access log (app/serve/accesslog.py); gunicorn's own messages go to stderr.
accesslog = None
errorlog = "-"
#: Behind a reverse proxy the app trusts X-Forwarded-* itself (HUBEI_MAP_PROXY_HOPS, werkzeug ProxyFix).
forwarded_allow_ips = "127.0.0.1"
proc_name = "hubei-map"
#: gunicorn 24+'s control socket is one fixed path per user: two servers on a machine would share it.
control_socket_disable = True


def post_worker_init(worker: Any) -> None:
    """In a new worker: start its job process now, so the first export or snapshot does not wait for it."""
    jobs.warm()


def child_exit(server: Any, worker: Any) -> None:
    """In the master, after a worker exited (also when killed): remove the scratch folders it left."""
    removed = jobs.remove_scratch(worker.pid)
    if removed:
        server.log.warning("worker %s left %d scratch folder(s); removed: %s", worker.pid, len(removed), removed)
