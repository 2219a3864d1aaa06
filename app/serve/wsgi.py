"""The WSGI entry point for gunicorn: ``app.serve.wsgi:server``.

Importing it builds the app and the opening view's layer bytes, so with ``preload_app``
(``app/serve/gunicorn_conf.py``) that work is done once in the gunicorn master and every
worker starts with it (copy-on-write), instead of each worker doing it on its first
requests.
"""

from __future__ import annotations

from app.serve import security
from app.serve.access import startup_problem
from app.serve.server import create_app, ready_to_serve
from app.web import INITIAL_ZOOM
from geo.simplify import band_for_zoom
from layers import webdata
from layers.choropleth import choropleth
from layers.profile import unit_profile

#: What the master builds before forking, so no worker's first click or switch pays for it.
PROFILE_WARM_UNIT = "420100"
CHOROPLETH_WARM_INDICATOR = "gdp_2023"

_problem = startup_problem(prod=True)  # also for a plain gunicorn command, not only `serve --prod`
if _problem:
    raise SystemExit(f"error: {_problem}")
application = create_app()
#: The Flask server gunicorn serves.
server = application.server
webdata.warm(band_for_zoom(INITIAL_ZOOM).name)
webdata.data_version()
# The first profile and choropleth build their look-up tables (about 2 s); do it once, in the master.
unit_profile(PROFILE_WARM_UNIT, "prefecture", "zh")
choropleth(CHOROPLETH_WARM_INDICATOR)
security.inventory(application)  # what callback requests are checked against
ready_to_serve(application)  # the page's scripts compressed once here, not by each worker's first page
