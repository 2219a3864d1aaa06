"""Files of the current view: the layers switched on (the CLI's exporter) and a briefing map (the CLI's renderer)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, dcc, html, no_update

from app import audit, export, jobs
from app.i18n import t
from app.web import ids, viewstate
from app.web.layers_panel import LAYER_ON_ALL, visible_layers
from app.web.viewstate import ViewState
from app.web.widgets import html_attrs, labelled_choice, lazy_section, text_options
from app.web.wiring import Callbacks

callbacks = Callbacks()

#: Snapshot choices: paper sizes and formats (the renderer's own names).
SNAPSHOT_PAPERS = [
    ("a4-landscape", "paper_a4_landscape"),
    ("a4-portrait", "paper_a4_portrait"),
    ("a3-landscape", "paper_a3_landscape"),
    ("a3-portrait", "paper_a3_portrait"),
]
SNAPSHOT_FORMATS = [
    ("pdf", "snapshot_pdf"),
    ("png", "snapshot_png"),
    ("svg", "snapshot_svg"),
    ("html", "snapshot_html"),
]


#: The names of the snapshot and download sections' contents (``panel_bodies``).
SNAPSHOT_PART = "snapshot"
DOWNLOAD_PART = "download"

#: Shown while a snapshot is drawn (in both languages: the page's language is not known here).
SNAPSHOT_BUSY = [html.P(f"{t('snapshot_busy', 'zh')} {t('snapshot_busy', 'en')}", className="help")]


def snapshot_panel(lang: str) -> html.Details:
    """Make a briefing map of the current view (layers, indicator, classes, extent, language).

    Its contents are made when it is first opened (``snapshot_body``).
    """
    return lazy_section(t("snapshot", lang), SNAPSHOT_PART, class_name="snapshot")


def snapshot_body(state: ViewState) -> list[Any]:
    """The snapshot section's contents: paper, format, the button, its status and download."""
    lang = state.lang
    return [
        *labelled_choice(t("paper", lang), ids.SNAPSHOT_PAPER, text_options(SNAPSHOT_PAPERS, lang), "a4-landscape"),
        *labelled_choice(t("format", lang), ids.SNAPSHOT_FORMAT, text_options(SNAPSHOT_FORMATS, lang), "pdf"),
        html.Button(t("snapshot_button", lang), id=ids.SNAPSHOT_BUTTON, n_clicks=0, className="action-button"),
        html.Div(id=ids.SNAPSHOT_STATUS, role="status", **html_attrs(aria_live="polite")),
        dcc.Download(id=ids.SNAPSHOT),
    ]


def snapshot_state(query: str | None, paper: str, fmt: str) -> dict[str, Any]:
    """The snapshot renderer's state for the view in the address: layers, indicator, classes, extent, language."""
    view = viewstate.parse(query)
    return {
        "layers": list(view.layers),
        "indicator": view.indicator,
        "scheme": view.scheme,
        "k": view.k,
        "palette": view.palette,
        "extent": view.unit or "province",
        "paper": paper,
        "format": "pdf" if fmt == "html" else fmt,
        "lang": view.lang,
    }


@callbacks.callback(
    output=[Output(ids.SNAPSHOT, "data"), Output(ids.SNAPSHOT_STATUS, "children")],
    inputs=dict(n_clicks=Input(ids.SNAPSHOT_BUTTON, "n_clicks")),
    state=dict(
        query=State(ids.VIEW_QUERY, "data"),
        paper=State(ids.SNAPSHOT_PAPER, "value"),
        fmt=State(ids.SNAPSHOT_FORMAT, "value"),
        lang=State(ids.LANG, "data"),
    ),
    prevent_initial_call=True,
    running=[
        (Output(ids.SNAPSHOT_BUTTON, "disabled"), True, False),
        (Output(ids.SNAPSHOT_STATUS, "children"), SNAPSHOT_BUSY, []),
    ],
)
def snapshot_view(n_clicks: int, query: str | None, paper: str, fmt: str, lang: str = "zh") -> tuple[Any, list[Any]]:
    """Render the current view as a briefing map (PDF, PNG, SVG) or a standalone HTML map, and send it.

    Uses the CLI's renderer (``app.render``), so the file is what ``hubei-map snapshot``
    makes with the same choices.
    """
    from app import render

    if not n_clicks:
        return no_update, []
    state = snapshot_state(query, paper, fmt)
    if state["indicator"] and viewstate.UPLOAD_ID.match(str(state["indicator"])):
        return no_update, [html.P(t("snapshot_upload", lang), className="upload-error")]
    try:
        request = render.request_from_state(state)
        with jobs.slot("snapshot") as job:
            if fmt == "html":
                body, name = job.call(render.to_html, request).encode("utf-8"), "hubei-map.html"
            else:
                body, name = job.call(render.render, request), f"hubei-map_{paper}.{state['format']}"
    except jobs.Busy:
        return no_update, [html.P(t("busy", lang), className="upload-error")]
    except (render.SnapshotError, render.FontError) as exc:
        return no_update, [html.P(str(exc), className="upload-error")]
    what = {key: state[key] for key in ("layers", "indicator", "scheme", "k", "palette", "extent", "paper", "lang")}
    refused = _audited("html" if fmt == "html" else "snapshot", lang, format=fmt, bytes=len(body), **what)
    if refused:
        return no_update, refused
    done = f"{t('snapshot_done', lang)}: {name} ({len(body) / 1e6:.1f} MB)"
    return dcc.send_bytes(body, name), [html.P(done, className="upload-ok")]


def view_indicator(query: str | None) -> export.IndicatorRequest | None:
    """The indicator the map in the address shows, classed as there; None without one or for an upload."""
    view = viewstate.parse(query)
    if not view.indicator or viewstate.UPLOAD_ID.match(str(view.indicator)):
        return None
    return export.IndicatorRequest(view.indicator, scheme=view.scheme, k=view.k, palette=view.palette)


def _audited(action: str, page_lang: str, /, **what: Any) -> list[Any] | None:
    """Write the action's audit line; None, or the panel's message when it cannot be written (no file then)."""
    try:
        audit.record(action, **what)
    except audit.AuditError:
        return [html.P(t("audit_failed", page_lang), className="upload-error")]
    return None


#: Download choices shown in the app (the CLI offers the same and a few more).
DOWNLOAD_FORMATS = [
    ("geojson", "download_geojson"),
    ("gpkg", "download_gpkg"),
    ("shp", "download_shp"),
    ("csv", "download_csv"),
]
DOWNLOAD_CRS = [
    ("wgs84", "crs_wgs84"),
    ("cgcs2000", "crs_cgcs2000"),
    ("cgcs2000-gk", "crs_cgcs2000_gk"),
    ("webmercator", "crs_webmercator"),
    ("gcj02", "crs_gcj02"),
]


def download_panel(lang: str) -> html.Details:
    """Download the layers now switched on, in a chosen format and CRS (same files as the CLI).

    Its contents are made when it is first opened (``download_body``).
    """
    return lazy_section(t("download", lang), DOWNLOAD_PART, class_name="download")


def download_body(state: ViewState) -> list[Any]:
    """The download section's contents: format, CRS, only the view, the button, its status and download."""
    lang = state.lang
    return [
        *labelled_choice(t("format", lang), ids.DOWNLOAD_FORMAT, text_options(DOWNLOAD_FORMATS, lang), "geojson"),
        *labelled_choice(t("crs", lang), ids.DOWNLOAD_CRS, text_options(DOWNLOAD_CRS, lang), "wgs84"),
        dcc.Checklist(id=ids.DOWNLOAD_VIEW, options=[{"label": t("only_view", lang), "value": "view"}], value=[]),
        html.Button(t("download_button", lang), id=ids.DOWNLOAD_BUTTON, n_clicks=0, className="action-button"),
        html.Div(id=ids.DOWNLOAD_STATUS, role="status", **html_attrs(aria_live="polite")),
        dcc.Download(id=ids.DOWNLOAD),
    ]


@callbacks.callback(
    output=[Output(ids.DOWNLOAD, "data"), Output(ids.DOWNLOAD_STATUS, "children")],
    inputs=dict(n_clicks=Input(ids.DOWNLOAD_BUTTON, "n_clicks")),
    state=dict(
        layer_values=State(LAYER_ON_ALL, "value"),
        fmt=State(ids.DOWNLOAD_FORMAT, "value"),
        crs_choice=State(ids.DOWNLOAD_CRS, "value"),
        only_view=State(ids.DOWNLOAD_VIEW, "value"),
        bounds=State(ids.MAP, "bounds"),
        lang=State(ids.LANG, "data"),
        query=State(ids.VIEW_QUERY, "data"),
    ),
    prevent_initial_call=True,
)
def download_layers(
    n_clicks: int,
    layer_values: list[list[str] | None] | None,
    fmt: str,
    crs_choice: str,
    only_view: list[str] | None,
    bounds: list[list[float]] | None,
    lang: str = "zh",
    query: str | None = None,
) -> tuple[Any, list[Any]]:
    """Export the layers switched on (optionally only the current view) and send them as one file.

    Uses ``app.export.export_layers``, the CLI's exporter, so the files are the same as
    ``hubei-map export`` with the same choices, styled, labels in the page's language. The
    indicator on the map (not an upload) comes too, as a choropleth layer with the map's classes.
    One GeoPackage is sent as it is; other formats are zipped.
    """
    layer_ids = visible_layers(layer_values)
    indicator = view_indicator(query)
    if not n_clicks or not (layer_ids or indicator):
        return no_update, [html.P(t("no_layer_on", lang), className="upload-error")]
    bbox = None
    if only_view and "view" in only_view and bounds:
        try:
            (south, west), (north, east) = bounds
            bbox = tuple(float(v) for v in (west, south, east, north))
        except (TypeError, ValueError):
            return no_update, [html.P(t("bad_view_bounds", lang), className="upload-error")]
    try:
        packed = export.export_in_job(
            layer_ids, fmt, crs_choice=crs_choice, bbox=bbox, lang="en" if lang == "en" else "zh", indicator=indicator
        )
    except jobs.Busy:
        return no_update, [html.P(t("busy", lang), className="upload-error")]
    except export.ExportError as exc:
        return no_update, [html.P(str(exc), className="upload-error")]
    except audit.AuditError:  # no file without its record
        return no_update, [html.P(t("audit_failed", lang), className="upload-error")]
    payload = dcc.send_bytes(packed.body, packed.filename)
    message = t("download_done", lang).format(layers=packed.layers, features=packed.features)
    return payload, [html.P(message, className="upload-ok")]
