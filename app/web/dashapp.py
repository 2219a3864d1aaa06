"""The web map's Dash app: the index page (preloads, the server-drawn first view), the layout and the callbacks.

``app.serve.server.create_app`` adds the HTTP routes, caching and logging around it.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from dash import Dash
from flask import has_request_context, request

from app import settings
from app.web import (
    compare,
    downloads,
    drilldown,
    feature_info,
    first_view,
    highlight,
    indicator_panel,
    labels,
    layers_panel,
    mapview,
    page,
    panel_bodies,
    search,
    targets,
    units_list,
    upload,
    viewstate,
    wiring,
)
from app.web.layer_urls import preload_links

#: Script chunks Dash loads only once the page's layout is known (the map's GeoJSON and
#: Geobuf decoder, the dropdowns): fetched early, they are ready when the layout arrives
#: instead of one round trip after it. The upload box's chunk is not among them: its section
#: is made when first opened (``panel_bodies``).
LAZY_CHUNKS = (
    "dash_leaflet/async-GeoJSON.js",
    "dash_leaflet/async-geobuf.js",
    "dash/dcc/async-dropdown.js",
)
#: The targets view draws no map and no upload box: only its filter's dropdown.
TARGETS_CHUNKS = ("dash/dcc/async-dropdown.js",)
#: Of those, the chunks the map's layers wait for (dash-leaflet's GeoJSON and its Geobuf decoder) also run
#: as scripts of the page: webpack then finds them installed, and the layers' data is decoded as soon as it
#: is fetched instead of after one more script load (``assets/geojson_ready.js`` starts the lazy import).
EAGER_CHUNKS = ("dash_leaflet/async-GeoJSON.js", "dash_leaflet/async-geobuf.js")
#: Bundles Dash adds to every page that no page of this app uses: Dash always adds dash_table's, and
#: dash-extensions' is registered by importing ``dash_extensions.javascript`` (Python only here).
#: ``tests/test_web.py`` checks that no layout holds a component of these libraries.
UNUSED_BUNDLES = ("dash/dash_table/", "dash_extensions/")
#: Dash's ``@babel/polyfill`` (core-js 2 and regenerator-runtime), first on every page for browsers without
#: ES2015+. It took ~90 ms of the opening page's script time, and core-js replaces some native methods
#: (``String.prototype.trim``) with slower ones. The browsers the map supports have all of core-js natively;
#: the only global Dash's bundles take from it is ``regeneratorRuntime`` (``tests/test_web_startup.py``
#: checks), so the page loads that alone in its place: ``RUNTIME_ASSET``.
POLYFILL = "dash/deps/polyfill@"
#: regenerator-runtime 0.14.1 from the npm registry, unmodified (MIT, its LICENSE file beside it). Under
#: ``assets/vendor/``, which Dash leaves out of the page's automatic asset list (``VENDOR_ASSETS``).
RUNTIME_ASSET = "vendor/regenerator-runtime.js"
VENDOR_ASSETS = "^vendor$"
#: Dash's inline start (``Dash.renderer``), run once the page is parsed: the page's scripts are deferred
#: (``page_scripts``), so the browser can paint the server-drawn first view before it runs them; they run,
#: in order, before DOMContentLoaded. The inline script is hashed for the page's CSP by Dash.
RENDERER = 'document.addEventListener("DOMContentLoaded", function () { window.renderer = new DashRenderer(); });'


#: The feature modules whose callbacks the app declares (each has a ``wiring.Callbacks``), in order.
FEATURES = (
    page,
    layers_panel,
    compare,
    mapview,
    feature_info,
    drilldown,
    labels,
    indicator_panel,
    upload,
    downloads,
    search,
    highlight,
    targets,
    units_list,
    panel_bodies,
)


class MapDash(Dash):
    """Dash with the page's first layers and lazy script chunks preloaded."""

    def interpolate_index(
        self,
        metas: str = "",
        title: str = "",
        css: str = "",
        config: str = "",
        scripts: str = "",
        app_entry: str = "",
        favicon: str = "",
        renderer: str = "",
    ) -> str:
        """The index page, with ``<link rel=preload>`` for the layers the address's view opens with."""
        state = viewstate.parse(request.query_string.decode("utf-8", "replace"))
        prefix = f"{self.config.requests_pathname_prefix}_dash-component-suites/"
        lazy = TARGETS_CHUNKS if state.view == "targets" else LAZY_CHUNKS
        chunks = "".join(f'<link rel="preload" href="{prefix}{chunk}" as="script">' for chunk in lazy)
        # The layout and callback graph the renderer asks for once its scripts have run.
        root = self.config.requests_pathname_prefix
        dash_json = "".join(
            f'<link rel="preload" href="{root}{name}" as="fetch" crossorigin="anonymous">'
            for name in ("_dash-layout", "_dash-dependencies")
        )
        eager = () if state.view == "targets" else EAGER_CHUNKS
        scripts = page_scripts(scripts, prefix, eager=eager, runtime=self.runtime_url())
        # After the page's scripts, which the page waits for (they run before DOMContentLoaded): the layers,
        # layout and chunks are needed only once Dash renders. In <head> they took the browser's six
        # connections to the server first and held back the stylesheet and the scripts.
        scripts += dash_json + chunks + preload_links(state)
        # A static picture of the opening view, shown until the interactive map has painted.
        app_entry = first_view.html_for(state) + app_entry
        index = str(super().interpolate_index(metas, title, css, config, scripts, app_entry, favicon, renderer))
        # The page's language for screen readers, spell-checkers and fonts (assets/a11y.js keeps it in step).
        return index.replace("<html>", f'<html lang="{page.html_lang(state.lang)}">', 1)

    def runtime_url(self) -> str:
        """The URL of ``RUNTIME_ASSET``, named by its modification time like Dash's other assets (cached for good)."""
        path = Path(self.config.assets_folder) / RUNTIME_ASSET
        return f"{self.get_asset_url(RUNTIME_ASSET)}?m={path.stat().st_mtime}"

    def csp_hashes(self, hash_algorithm: str = "sha256") -> list[str]:
        """Dash's inline scripts' CSP hashes, and the first view's (the page's only other inline script)."""
        method = getattr(hashlib, hash_algorithm)
        digest = base64.b64encode(method(first_view.script().encode("utf-8")).digest()).decode("ascii")
        return [*super().csp_hashes(hash_algorithm), f"'{hash_algorithm}-{digest}'"]


def page_scripts(scripts: str, prefix: str, eager: tuple[str, ...], runtime: str) -> str:
    """The index page's ``<script>`` tags, deferred: no ``UNUSED_BUNDLES``, ``POLYFILL`` replaced, chunks added.

    ``POLYFILL``'s tag becomes one for the script at ``runtime`` (a URL); the ``eager`` chunks are under ``prefix``.
    Each chunk follows its library's bundle, so it is installed before the app's assets run. Every script is
    ``defer``: they run in this order once the page is parsed (``RENDERER`` then starts Dash).
    """
    unused = tuple(f'src="{prefix}{path}' for path in UNUSED_BUNDLES)
    polyfill = f'src="{prefix}{POLYFILL}'
    lines = [
        f'<script src="{runtime}"></script>' if polyfill in line else line
        for line in scripts.splitlines()
        if not any(u in line for u in unused)
    ]
    for chunk in reversed(eager):
        library = f'src="{prefix}{chunk.split("/")[0]}/'
        at = max((i for i, line in enumerate(lines) if library in line), default=len(lines) - 1)
        lines.insert(at + 1, f'<script src="{prefix}{chunk}"></script>')
    return "\n".join(line.replace("<script src=", "<script defer src=") for line in lines)


def serve_layout() -> Any:
    """The app's layout, drawn for the address the page was opened with (its referrer), if known."""
    referrer = request.referrer if has_request_context() else None
    return page.shell(urlparse(referrer).query if referrer else None)


#: Addresses whose layouts hold between them every component a callback reads (``component_classes``).
COMPONENT_PAGES = ("", "compare=1&ind=gdp_2023", "unit=420100", "view=targets", "hl=T01")


def component_classes() -> tuple[dict[str, set[type]], dict[str, set[Any]]]:
    """What the app's pages hold: component ids with their classes, and choice components with their values.

    The first maps a component id (a pattern id's ``type``) to the Dash classes that carry it, the second
    a choice component's id to the values of its options on every page where it is (None if it can be empty).
    """
    from dash.development.base_component import Component

    found: dict[str, set[type]] = {}
    choices: dict[str, set[Any]] = {}
    for query in COMPONENT_PAGES:
        for component in panel_bodies.with_parts(page.shell(query), viewstate.parse(query)):
            ident = getattr(component, "id", None)
            if isinstance(component, Component) and ident is not None:
                key = str(ident.get("type") if isinstance(ident, dict) else ident)
                found.setdefault(key, set()).add(type(component))
                options = getattr(component, "options", None)
                if isinstance(options, list) and all(isinstance(o, dict) and "value" in o for o in options):
                    values = choices.setdefault(key, set())
                    values.update(o["value"] for o in options)
                    if getattr(component, "value", None) is None or getattr(component, "clearable", False):
                        values.add(None)  # cleared, or nothing chosen yet
                    if getattr(component, "multi", False) or type(component).__name__ == "Checklist":
                        values.add(list)  # a list of choices (else one choice, never a list)
    return found, choices


def create_dash() -> Dash:
    """Build the Dash app of the web map: layout and callbacks, no HTTP routes of its own."""
    app = MapDash(
        __name__,
        title=f"{settings.APP_TITLE_ZH} · {settings.APP_TITLE_EN}",
        update_title="",  # no "Updating..." in the tab's title while a callback runs (Dash: None or "")
        compress=True,
        assets_path_ignore=[VENDOR_ASSETS],
        # The page is drawn by a callback from the URL, and the comparison map exists only
        # in comparisons; tests/test_web.py checks every callback id against a full page.
        suppress_callback_exceptions=True,  # flask-compress: gzip/br for Dash's scripts, layout and callback responses
    )
    app.layout = serve_layout
    app.renderer = RENDERER
    wiring.attach(app, *(module.callbacks for module in FEATURES))
    return app
