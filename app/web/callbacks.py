"""Callbacks of the web map: unpack inputs, call pure functions, return. No geometry.

The pure functions here are what the tests call; ``register`` wires them to component
ids. Client-side callbacks (layer visibility, address bar, view sync) live in
``assets/hubei_map.js`` under ``window.dash_clientside.hubeiMap``.
"""

from __future__ import annotations

import base64
from typing import Any

import pandas as pd
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update

from app import export, jobs, settings
from app.i18n import t
from app.web import ids, layout, viewstate
from app.web.viewstate import ViewState
from geo import boundaries
from layers import catalogue, classify, indicators, user_indicators
from layers.choropleth import Choropleth, choropleth
from layers.describe import feature_record, unit_lines
from layers.profile import UnitProfile, unit_profile
from layers.search import search
from layers.vocabulary import VALUE_TEXT

#: Layers of admin units whose hover fills the info panel.
HOVER_LAYERS = tuple(
    spec.id
    for spec in catalogue.catalogue().values()
    if spec.geometry == "polygon"
    and spec.builder in ("vector", "units")
    and spec.group != "context"
    and spec.id != "province"
)
#: Layers whose features open a panel when clicked: a unit's profile or a feature's record.
CLICK_LAYERS = tuple(spec.id for spec in catalogue.catalogue().values() if spec.group != "context")
#: Click layers whose features are admin units (they open the unit's profile).
UNIT_LAYERS = ("prefectures", "counties", "layout")
#: The extra click sources after the catalogue layers: the choropleth and the drill-down counties.
EXTRA_CLICK_IDS = (ids.CHOROPLETH, ids.DRILL_LAYER)


# --- page and address bar -------------------------------------------------------------


def render_page(search_string: str | None, rendered: str | None) -> Any:
    """The page for the view a URL's query string describes (unchanged if already drawn for it)."""
    query = (search_string or "").lstrip("?")
    if rendered is not None and query == rendered:
        return no_update, no_update
    return layout.page(viewstate.parse(query)), query


def view_state(
    lang: str,
    layer_values: list[list[str] | None],
    indicator: str | None,
    scheme: str,
    k: int,
    palette: str,
    center: Any,
    zoom: float | None,
    unit: str | None,
    compare_on: list[str] | None,
    compare_indicator: str | None,
    basemap: str | None,
    opacity: tuple[tuple[str, float], ...] = (),
) -> ViewState:
    """The view state of the page's controls and map (what a link must reproduce)."""
    lat_lon = None
    if isinstance(center, dict) and "lat" in center:
        lat_lon = (float(center["lat"]), float(center["lng"]))
    elif isinstance(center, list | tuple) and len(center) == 2:
        lat_lon = (float(center[0]), float(center[1]))
    return ViewState(
        lang=lang,
        layers=tuple(layout.visible_layers(layer_values)),
        indicator=indicator,
        scheme=scheme,
        k=int(k),
        palette=palette,
        center=lat_lon if zoom is not None else None,
        zoom=float(zoom) if lat_lon is not None and zoom is not None else None,
        unit=unit,
        compare=compare_indicator if compare_on else None,
        basemap=basemap if basemap in viewstate.BASEMAPS else None,
        opacity=opacity,
    )


def view_query(*args: Any) -> str:
    """The query string of the current view (written to the address bar without reloading)."""
    *values, opacity_values = args
    opacity_ids = [item["id"]["layer"] for item in ctx.inputs_list[-1]] if ctx.inputs_list else []
    return viewstate.to_query(view_state(*values, opacity=layout.opacity_pairs(opacity_ids, opacity_values)))


#: What a comparison opens with when no indicator is chosen yet: GDP, first and last year.
COMPARE_DEFAULT = ("gdp_2023", "gdp_2020")


def navigate(lang_clicks: int | None, compare_on: list[str] | None, query: str | None, address: str | None) -> str:
    """A new address for the switches that redraw the page: the language, and comparison on/off.

    ``query`` is the current view (``VIEW_QUERY``); until it is first written, the address
    the page was opened with. The switches appearing on a new page change nothing.
    """
    state = viewstate.parse(query if query is not None else address)
    if ctx.triggered_id == ids.LANG_BUTTON and lang_clicks:
        return viewstate.to_query(state.with_(lang="en" if state.lang == "zh" else "zh"))
    if compare_on and not state.compare:
        indicator = state.indicator or COMPARE_DEFAULT[0]
        other = viewstate.default_compare(indicator) or COMPARE_DEFAULT[1]
        return viewstate.to_query(state.with_(indicator=indicator, compare=other))
    if not compare_on and state.compare:
        return viewstate.to_query(state.with_(compare=None))
    return no_update


# --- zoom bands, basemap ----------------------------------------------------------------


def zoom_urls(
    zoom: float | None,
    basemap: str | None = None,
    layer_values: list[list[str] | None] | None = None,
    counties_auto: list[str] | None = None,
) -> list[Any]:
    """URLs of the catalogue layers shown, for the zoom band of ``zoom``, in the basemap's datum.

    A layer switched off is not fetched (``no_update``: what it loaded before stays, hidden,
    and comes back at once). ``layer_values`` None means every layer; with ``counties_auto``
    the counties load from ``layout.COUNTIES_FROM_ZOOM`` on.
    """
    datum = layout.datum_for(basemap)
    shown = set(catalogue.catalogue()) if layer_values is None else set(layout.visible_layers(layer_values))
    if counties_auto and zoom is not None and zoom >= layout.COUNTIES_FROM_ZOOM:
        shown.add("counties")
    return [layout.layer_url(i, zoom, datum) if i in shown else no_update for i in catalogue.catalogue()]


def basemap_view(basemap: str | None, lang: str) -> tuple[list[Any], str]:
    """The basemap's tile layer (or none) and the note on its datum."""
    return layout.basemap_children(basemap), layout.basemap_note(basemap, lang)


# --- hover and click ---------------------------------------------------------------------


def hover_panel(*args: Any) -> list[Any]:
    """Children of the info panel for the unit hovered last, with the indicator value if mapped.

    ``args`` are the ``hoverData`` of every ``HOVER_LAYERS`` layer, then the choropleth's and
    the drill-down layer's ``hoverData``, then the choropleth's ``hideout`` (its value labels
    by unit code) and the page language.
    """
    *features, hideout, lang = args
    triggered = ctx.triggered_id if ctx.triggered else None
    layer_ids = [*(ids.layer_id(i) for i in HOVER_LAYERS), ids.CHOROPLETH, ids.DRILL_LAYER]
    if triggered in layer_ids and features[layer_ids.index(triggered)]:
        feature = features[layer_ids.index(triggered)]
    else:
        feature = next((f for f in reversed(features) if f), None)
    props = feature.get("properties") if feature else None
    lines = unit_lines(props, lang)
    if not lines:
        return [html.Span(t("hover_hint", lang))]
    out = [html.Strong(lines[0]), *[html.Div(line) for line in lines[1:]]]
    if hideout and props and hideout.get("title"):
        value = (hideout.get("labels") or {}).get(props.get("code"))
        out.append(
            html.Div(
                f"{hideout['title']}: {value if value is not None else t('no_data', lang)}", className="hover-value"
            )
        )
    return out


def detail_panel(feature: dict[str, Any] | None, lang: str = "zh") -> list[Any]:
    """Children of the detail panel for a clicked feature: its full record with sources."""
    record = feature_record(feature.get("properties") if feature else None, lang)
    if not record:
        return [html.P(t("detail_hint", lang))]
    rows = []
    for label, value in record:
        parts = value.split(" | ") if label in ("来源", "Sources") else [value]
        rows.append(html.Tr([html.Th(label), html.Td([html.Div(p) for p in parts])]))
    return [html.Table(rows, className="record")]


def _items(title: str, items: list[Any]) -> list[Any]:
    return [html.H4(title), html.Ul([html.Li(i) for i in items])] if items else []


def _article_text(article: int | None, lang: str) -> str:
    if article is None:
        return ""
    return f"（第{article}条）" if lang == "zh" else f" (article {article})"


def unit_panel(profile: UnitProfile, lang: str = "zh") -> list[Any]:
    """Children of the detail panel for an admin unit: role, memberships, indicators, facilities, lines, articles."""
    zh = lang == "zh"
    area = f"{profile.area_km2:,.0f} {'平方公里' if zh else 'km²'}"
    head = [profile.kind, profile.code, area] + ([profile.parent] if profile.parent else [])
    out: list[Any] = [
        html.H3([profile.name, html.Span(f" {profile.other_name}", className="other-name")]),
        html.P(" · ".join(head), className="unit-kind"),
    ]
    if profile.level == "prefecture" and len(boundaries.children(profile.code)) > 1:
        out.append(
            html.Button(
                t("drill", lang),
                id={"type": ids.DRILL_BUTTON, "code": profile.code},
                n_clicks=0,
                className="action-button",
            )
        )
    if profile.role:
        role = profile.role.name + (f" · {profile.role.detail}" if profile.role.detail else "")
        out.append(
            html.P(f"{'布局角色' if zh else 'Role in the layout'}: {role}{_article_text(profile.role.article, lang)}")
        )
    out += _items(
        "所属区域" if zh else "Member of", [m.name + _article_text(m.article, lang) for m in profile.memberships]
    )
    have = [v for v in profile.indicators if v.value is not None]
    rows = [
        html.Tr([html.Th(v.title), html.Td(v.value), html.Td(v.year), html.Td(v.source, className="source")])
        for v in have
    ]
    if rows:
        out += [html.H4("指标" if zh else "Indicators"), html.Table(rows, className="record indicators")]
    missing = len(profile.indicators) - len(have)
    if missing:
        out.append(
            html.P(f"另有 {missing} 项指标无数据" if zh else f"{missing} more indicator(s): no data", className="help")
        )
    out += _items(
        "设施" if zh else "Facilities",
        [f"{f.name} — {f.detail}{_article_text(f.article, lang)}" for f in profile.facilities],
    )
    out += _items(
        "干线" if zh else "Trunk lines",
        [f"{x.name} — {x.detail}{_article_text(x.article, lang)}" for x in profile.lines],
    )
    if profile.articles:
        listed = "、".join(f"第{a}条" for a in profile.articles) if zh else ", ".join(str(a) for a in profile.articles)
        out.append(html.P(f"{'涉及计划条款' if zh else 'Plan articles concerned'}: {listed}", className="articles"))
    return out


def _unit_of(props: dict[str, Any], layer: str) -> tuple[str, str] | None:
    """(code, level) of a clicked admin unit, or None for other features."""
    code = str(props.get("code") or "")
    if not code:
        return None
    if layer == ids.DRILL_LAYER:
        return code, "county"
    level = str(props.get("level") or "prefecture")
    return code, level if level in ("prefecture", "county") else "prefecture"


def clicked_detail(*inputs: Any) -> tuple[list[Any], bool]:
    """The detail panel for whichever layer was clicked last; hidden again by its close button.

    ``inputs`` are the close button's ``n_clicks``, every click layer's ``clickData``
    (``CLICK_LAYERS`` then ``EXTRA_CLICK_IDS``) and the page language. Returns the panel's
    children and whether it is hidden.
    """
    *features, lang = inputs[1:]
    triggered = ctx.triggered_id if ctx.triggered else None
    layer_ids = [*(ids.layer_id(i) for i in CLICK_LAYERS), *EXTRA_CLICK_IDS]
    if triggered not in layer_ids:
        return detail_panel(None, lang), True
    feature = features[layer_ids.index(triggered)]
    if feature is None:
        return detail_panel(None, lang), True
    unit_layers = {*(ids.layer_id(i) for i in UNIT_LAYERS), *EXTRA_CLICK_IDS}
    unit = _unit_of(feature.get("properties") or {}, triggered) if triggered in unit_layers else None
    if unit:
        return unit_panel(unit_profile(unit[0], unit[1], lang), lang), False
    return detail_panel(feature, lang), False


# --- drill-down --------------------------------------------------------------------------


def set_drill(home: int | None, clicks: list[int | None], basemap: str | None = None) -> tuple[Any, Any, Any]:
    """The prefecture to drill into (a button) or None (the breadcrumb), the view to fly to, whether the panel hides.

    Only a real click counts: a button appearing on the page (n_clicks 0) changes nothing,
    so a link's own view is kept.
    """
    triggered = ctx.triggered_id if ctx.triggered else None
    if triggered == ids.BREADCRUMB_HOME and home:
        return None, {"bounds": settings.HUBEI_BOUNDS, "transition": "flyToBounds"}, no_update
    if isinstance(triggered, dict) and any(clicks):
        code = str(triggered["code"])
        # The panel that offered the drill-down closes, so the counties are in view.
        bounds = layout.bounds_in_datum(layout.unit_bounds(code), basemap)
        return code, {"bounds": bounds, "transition": "flyToBounds"}, True
    return no_update, no_update, no_update


def drill_view(unit: str | None, lang: str, zoom: float | None, basemap: str | None) -> tuple[Any, ...]:
    """Breadcrumb and drill-down layer (URL and style) for ``unit`` (None: the province)."""
    url = layout.layer_url("counties", zoom, layout.datum_for(basemap)) if unit else None
    return layout.breadcrumb(unit, lang), url, layout.drill_hideout(unit, lang)


# --- choropleths --------------------------------------------------------------------------


def _user_spec(indicator_id: str, stored: dict[str, Any]) -> tuple[indicators.IndicatorSpec, pd.DataFrame]:
    meta = stored["meta"]
    spec = indicators.IndicatorSpec(
        id=indicator_id,
        title_zh=meta["title"],
        title_en=meta["title"],
        unit_zh=meta["unit"],
        unit_en=meta["unit"],
        year="",
        level=meta["level"],
        kind="numeric",
        data=None,
        derived=None,
        formula_zh=None,
        formula_en=None,
        source_ids=(f"用户上传 uploaded: {meta['filename']}",),
        licence="unknown",
        confidence="L",
        description_zh="本会话上传的指标",
        description_en="Indicator uploaded in this session",
    )
    frame = pd.DataFrame(stored["values"], columns=list(indicators.VALUE_COLUMNS))
    return spec, frame


def _classify(
    indicator_id: str,
    uploaded: dict[str, Any] | None,
    lang: str,
    **options: Any,
) -> Choropleth | None:
    """The choropleth of a catalogue or uploaded indicator (None: unknown, e.g. an upload from another session)."""
    if uploaded and indicator_id in uploaded:
        try:
            spec, frame = _user_spec(indicator_id, uploaded[indicator_id])
        except (KeyError, TypeError, ValueError):  # the store lives in the browser: an edited entry maps nothing
            return None
        return choropleth(indicator_id, values=frame, spec=spec, lang=lang, **options)
    if indicator_id not in indicators.catalogue():
        return None
    return choropleth(indicator_id, lang=lang, **options)


def shared_breaks(
    first: str, second: str, scheme: str, k: int, uploaded: dict[str, Any] | None = None
) -> list[float] | None:
    """Class breaks over the values of two comparable indicators, so both maps share one legend.

    Comparable: both numeric, at the same level and in the same unit (e.g. GDP in two
    years). Returns None otherwise; each map then has its own classes.
    """
    pair = [_classify(i, uploaded, "zh") for i in (first, second)]
    if any(c is None for c in pair):
        return None
    a, b = (c.indicator for c in pair if c is not None)
    if not (a.kind == b.kind == "numeric" and a.level == b.level and a.unit("zh") == b.unit("zh")):
        return None
    values = pd.concat([c.table["value"] for c in pair if c is not None], ignore_index=True)
    return list(classify.classify(values, scheme=scheme, k=k).breaks)


def choropleth_view(
    indicator_id: str | None,
    scheme: str,
    k: int,
    palette: str,
    zoom: float | None,
    uploaded: dict[str, Any] | None = None,
    lang: str = "zh",
    unit: str | None = None,
    basemap: str | None = None,
    breaks: list[float] | None = None,
) -> tuple[str | None, dict[str, Any], list[Any], bool]:
    """URL, style payload and legend of the indicator choropleth; whether the class controls are off.

    Returns no URL and an empty payload when no indicator is chosen. Geometry is not
    sent: the URL is the unit layer already served for the current zoom band. Indicators
    uploaded in this session come from ``uploaded`` (the session store). ``unit`` (a
    prefecture drilled into) dims the counties outside it; ``breaks`` (shared with a
    comparison map) replace the scheme's own.
    """
    options: dict[str, Any] = {"scheme": scheme, "k": int(k), "palette": palette}
    if breaks:
        options.update(scheme="user_defined", breaks=breaks)
    chosen = _classify(indicator_id, uploaded, lang, **options) if indicator_id else None
    if chosen is None:
        return None, {}, layout.legend_view(None, lang), False
    level_layer = "prefectures" if chosen.indicator.level == "prefecture" else "counties"
    numeric = chosen.indicator.kind == "numeric"
    hideout = {**chosen.hideout(), "lang": lang, "parent": unit if chosen.indicator.level == "county" else None}
    return (
        layout.layer_url(level_layer, zoom, layout.datum_for(basemap)),
        hideout,
        layout.legend_view(chosen.legend, lang),
        not numeric,
    )


def table_for(
    opened: int | None,
    indicator_id: str | None,
    scheme: str,
    k: int,
    palette: str,
    uploaded: dict[str, Any] | None,
    unit: str | None,
    lang: str,
) -> Any:
    """The table view of the choropleth, made once a person has opened it (so a switch stays small)."""
    if not opened:
        return no_update
    options = {"scheme": scheme, "k": int(k), "palette": palette}
    chosen = _classify(indicator_id, uploaded, lang, **options) if indicator_id else None
    return layout.table_view(chosen, lang, unit)


def main_choropleth(
    indicator_id: str | None,
    scheme: str,
    k: int,
    palette: str,
    zoom: float | None,
    compare_id: str | None,
    shared: list[str] | None,
    uploaded: dict[str, Any] | None,
    unit: str | None,
    basemap: str | None,
    lang: str,
) -> tuple[Any, ...]:
    """The first map's choropleth (``choropleth_view``), on classes shared with the comparison if asked."""
    breaks = None
    if indicator_id and compare_id and shared:
        breaks = shared_breaks(indicator_id, compare_id, scheme, int(k), uploaded)
    return choropleth_view(indicator_id, scheme, k, palette, zoom, uploaded, lang, unit, basemap, breaks)


def compare_choropleth(
    compare_id: str | None,
    indicator_id: str | None,
    scheme: str,
    k: int,
    palette: str,
    zoom: float | None,
    shared: list[str] | None,
    basemap: str | None,
    uploaded: dict[str, Any] | None,
    lang: str,
) -> tuple[Any, ...]:
    """URL, style payload and legend of the comparison map."""
    breaks = None
    if indicator_id and compare_id and shared:
        breaks = shared_breaks(indicator_id, compare_id, scheme, int(k), uploaded)
    url, hideout, legend, _ = choropleth_view(
        compare_id, scheme, k, palette, zoom, uploaded, lang, None, basemap, breaks
    )
    return url, hideout, legend


# --- uploads, downloads, search -------------------------------------------------------------


#: Longest title or unit of an uploaded indicator (characters), and most uploads one session keeps.
MAX_UPLOAD_TEXT = 100
MAX_UPLOADS = 20


def _upload_refused(title: str | None, unit: str | None, store: dict[str, Any] | None, lang: str) -> str | None:
    """Why an upload is refused before its file is read (text too long, too many uploads), or None."""
    for field, text in ((t("upload_title", lang), title), (t("upload_unit", lang), unit)):
        if text and len(text) > MAX_UPLOAD_TEXT:
            return t("upload_text_too_long", lang).format(field=field.lower(), count=len(text), limit=MAX_UPLOAD_TEXT)
    if len(store or {}) >= MAX_UPLOADS:
        return t("upload_too_many", lang).format(count=len(store or {}))
    return None


def upload_indicator(
    contents: str | None,
    filename: str | None,
    title: str | None,
    unit: str | None,
    level: str,
    store: dict[str, Any],
    lang: str = "zh",
) -> tuple[dict[str, Any], list[Any], Any, Any]:
    """Check an uploaded CSV; if every row joins, keep it in the session store and select it.

    Returns the new store, the result message, the indicator options and the indicator to
    select (options and selection unchanged on error). Options and selection change
    together so the dropdown never holds a value it has no option for.
    """
    if not contents:
        return store, [], no_update, no_update
    name = filename if isinstance(filename, str) and filename else "upload.csv"
    refused = _upload_refused(title, unit, store, lang)
    if refused:
        return store, [html.P(refused, className="upload-error")], no_update, no_update
    try:
        content = base64.b64decode(contents.split(",", 1)[1])
    except (IndexError, ValueError):
        message = "无法读取文件" if lang == "zh" else "could not read the file"
        return store, [html.P(f"{name}: {message}", className="upload-error")], no_update, no_update
    parsed = user_indicators.parse_table(content, level=level, source_id="USER", name=name)
    if not parsed.ok or parsed.values is None:
        items = [html.Li(p) for p in parsed.problems[:20]]
        more = len(parsed.problems) - len(items)
        if more > 0:
            items.append(html.Li(f"… {more} more"))
        count = len(parsed.problems)
        head = f"未添加：{count} 处问题" if lang == "zh" else f"Not added: {count} problem(s)"
        return store, [html.P(head, className="upload-error"), html.Ul(items)], no_update, no_update
    indicator_id = f"upload_{len(store or {}) + 1}"
    values = parsed.values.assign(source_ids=[["USER"]] * len(parsed.values))
    entry = {
        "meta": {"title": title or name, "unit": unit or "", "level": level, "filename": name},
        "values": values.to_dict(orient="records"),
    }
    new_store = {**(store or {}), indicator_id: entry}
    total = len(boundaries.units(level))
    if lang == "zh":
        join = "代码" if parsed.join == "code" else "名称"
        message = f"已添加“{entry['meta']['title']}”：{len(values)}/{total} 个单位（按{join}匹配）"
    else:
        message = f"Added “{entry['meta']['title']}”: {len(values)} of {total} units joined on {parsed.join}"
    return new_store, [html.P(message, className="upload-ok")], indicator_choices(new_store, lang), indicator_id


def indicator_choices(store: dict[str, Any] | None, lang: str = "zh") -> list[dict[str, str]]:
    """Dropdown options: the catalogue's indicators, then those uploaded in this session."""
    uploaded = [
        {"label": f"{entry['meta']['title']}（{t('uploaded', lang)}）", "value": key}
        for key, entry in (store or {}).items()
    ]
    return layout.indicator_options(lang) + uploaded


def download_layers(
    n_clicks: int,
    layer_values: list[list[str] | None] | None,
    fmt: str,
    crs_choice: str,
    only_view: list[str] | None,
    bounds: list[list[float]] | None,
    lang: str = "zh",
) -> tuple[Any, list[Any]]:
    """Export the layers switched on (optionally only the current view) and send them as one file.

    Uses ``app.export.export_layers``, the CLI's exporter, so the files are the same as
    ``hubei-map export`` with the same choices. One GeoPackage is sent as it is; other
    formats are zipped.
    """
    layer_ids = layout.visible_layers(layer_values)
    if not n_clicks or not layer_ids:
        return no_update, [html.P(t("no_layer_on", lang), className="upload-error")]
    bbox = None
    if only_view and "view" in only_view and bounds:
        try:
            (south, west), (north, east) = bounds
            bbox = tuple(float(v) for v in (west, south, east, north))
        except (TypeError, ValueError):
            return no_update, [html.P(t("bad_view_bounds", lang), className="upload-error")]
    try:
        with jobs.slot("export") as job:
            packed = job.call(export.download, layer_ids, fmt, job.scratch, crs_choice=crs_choice, bbox=bbox)
    except jobs.Busy:
        return no_update, [html.P(t("busy", lang), className="upload-error")]
    except export.ExportError as exc:
        return no_update, [html.P(str(exc), className="upload-error")]
    payload = dcc.send_bytes(packed.body, packed.filename)
    count = packed.features
    if lang == "zh":
        message = f"已导出 {len(layer_ids)} 个图层、{count} 个要素"
    else:
        message = f"Exported {len(layer_ids)} layers, {count} features"
    return payload, [html.P(message, className="upload-ok")]


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
    done = f"{t('snapshot_done', lang)}: {name} ({len(body) / 1e6:.1f} MB)"
    return dcc.send_bytes(body, name), [html.P(done, className="upload-ok")]


def _hit_kind(detail: str, lang: str = "zh") -> str:
    """A hit's level or facility category in ``lang``."""
    levels = {"prefecture": ("市州", "prefecture"), "county": ("县级", "county"), "province": ("省", "province")}
    pair = levels.get(detail) or VALUE_TEXT["category"].get(detail, (detail, detail))
    return pair[1] if lang == "en" else pair[0]


def search_results(query: str | None, lang: str = "zh") -> tuple[list[Any], list[dict[str, Any]]]:
    """Result buttons and their records for a search (at most 10; empty query: nothing)."""
    hits = search(query or "")
    if query and not hits:
        return [html.Li(t("no_match", lang), className="search-empty")], []
    items = [
        html.Li(
            html.Button(
                f"{h['name_en']} · {h['name_zh']} ({_hit_kind(str(h['detail']), lang)})"
                if lang == "en"
                else f"{h['name_zh']} · {h['name_en']}（{_hit_kind(str(h['detail']))}）",
                id={"type": ids.SEARCH_HIT, "index": i},
                n_clicks=0,
                className="search-hit",
            )
        )
        for i, h in enumerate(hits)
    ]
    return items, hits


def fly_to_hit(clicks: list[int | None], hits: list[dict[str, Any]], basemap: str | None = None) -> Any:
    """The map viewport for the result clicked: fly to its bounds (in GCJ-02 over Gaode's tiles)."""
    triggered = ctx.triggered_id if ctx.triggered else None
    if not isinstance(triggered, dict) or not any(clicks):
        return no_update
    index = int(triggered["index"])
    if index >= len(hits):
        return no_update
    return {"bounds": layout.bounds_in_datum(hits[index]["bounds"], basemap), "transition": "flyToBounds"}


# --- wiring -----------------------------------------------------------------------------------


def _clientside(name: str) -> ClientsideFunction:
    return ClientsideFunction(namespace="hubeiMap", function_name=name)


def register(app: Dash) -> None:
    """Attach the callbacks to ``app``."""
    lang = State(ids.LANG, "data")
    busy_message = [html.P(f"{t('snapshot_busy', 'zh')} {t('snapshot_busy', 'en')}", className="help")]
    layer_on = {"type": ids.LAYER_ON, "layer": ALL}
    layer_opacity = {"type": ids.LAYER_OPACITY, "layer": ALL}
    app.callback(
        [Output(ids.PAGE, "children"), Output(ids.RENDERED, "data")],
        Input(ids.URL, "search"),
        State(ids.RENDERED, "data"),
    )(render_page)
    app.callback(
        Output(ids.VIEW_QUERY, "data"),
        [
            Input(ids.LANG, "data"),
            Input(layer_on, "value"),
            Input(ids.INDICATOR, "value"),
            Input(ids.SCHEME, "value"),
            Input(ids.CLASSES, "value"),
            Input(ids.PALETTE, "value"),
            Input(ids.MAP, "center"),
            Input(ids.MAP, "zoom"),
            Input(ids.DRILL, "data"),
            Input(ids.COMPARE_ON, "value"),
            Input(ids.COMPARE_INDICATOR, "value"),
            Input(ids.BASEMAP, "value"),
            Input(layer_opacity, "value"),
        ],
    )(view_query)
    app.clientside_callback(_clientside("writeAddress"), Output(ids.ADDRESS, "data"), Input(ids.VIEW_QUERY, "data"))
    app.callback(
        Output(ids.URL, "search"),
        [Input(ids.LANG_BUTTON, "n_clicks"), Input(ids.COMPARE_ON, "value")],
        [State(ids.VIEW_QUERY, "data"), State(ids.URL, "search")],
        prevent_initial_call=True,
    )(navigate)
    app.clientside_callback(_clientside("copyLink"), Output(ids.COPY_LINK, "content"), Input(ids.COPY_LINK, "n_clicks"))
    app.clientside_callback(
        _clientside("layerVisibility"),
        Output(ids.LAYER_VIS, "data"),
        [
            Input(layer_on, "value"),
            Input(layer_opacity, "value"),
            Input(ids.COUNTIES_AUTO, "value"),
            Input(ids.MAP, "zoom"),
        ],
    )
    app.clientside_callback(
        _clientside("syncView"),
        Output(ids.MAP2, "viewport"),
        [Input(ids.MAP, "center"), Input(ids.MAP, "zoom")],
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _clientside("syncView"),
        Output(ids.MAP, "viewport", allow_duplicate=True),
        [Input(ids.MAP2, "center"), Input(ids.MAP2, "zoom")],
        prevent_initial_call=True,
    )
    app.callback(
        [Output(ids.layer_id(layer_id), "url") for layer_id in catalogue.catalogue()],
        [
            Input(ids.MAP, "zoom"),
            Input(ids.BASEMAP, "value"),
            Input(layer_on, "value"),
            Input(ids.COUNTIES_AUTO, "value"),
        ],
    )(zoom_urls)
    app.callback(
        [Output(ids.BASEMAP_LAYER, "children"), Output(ids.BASEMAP_NOTE, "children")],
        Input(ids.BASEMAP, "value"),
        lang,
        prevent_initial_call=True,
    )(basemap_view)
    app.callback(
        Output(ids.INFO, "children"),
        [Input(ids.layer_id(layer_id), "hoverData") for layer_id in HOVER_LAYERS]
        + [Input(ids.CHOROPLETH, "hoverData"), Input(ids.DRILL_LAYER, "hoverData")],
        [State(ids.CHOROPLETH, "hideout"), lang],
    )(hover_panel)
    app.callback(
        [Output(ids.DETAIL_BODY, "children"), Output(ids.DETAIL, "hidden")],
        [Input(ids.DETAIL_CLOSE, "n_clicks")]
        + [Input(ids.layer_id(layer_id), "clickData") for layer_id in CLICK_LAYERS]
        + [Input(i, "clickData") for i in EXTRA_CLICK_IDS],
        lang,
        prevent_initial_call=True,
    )(clicked_detail)
    app.callback(
        [
            Output(ids.DRILL, "data"),
            Output(ids.MAP, "viewport", allow_duplicate=True),
            Output(ids.DETAIL, "hidden", allow_duplicate=True),
        ],
        [Input(ids.BREADCRUMB_HOME, "n_clicks"), Input({"type": ids.DRILL_BUTTON, "code": ALL}, "n_clicks")],
        State(ids.BASEMAP, "value"),
        prevent_initial_call=True,
    )(set_drill)
    app.callback(
        [Output(ids.BREADCRUMB, "children"), Output(ids.DRILL_LAYER, "url"), Output(ids.DRILL_LAYER, "hideout")],
        Input(ids.DRILL, "data"),
        [lang, State(ids.MAP, "zoom"), State(ids.BASEMAP, "value")],
        prevent_initial_call=True,
    )(drill_view)
    common = [
        Input(ids.SCHEME, "value"),
        Input(ids.CLASSES, "value"),
        Input(ids.PALETTE, "value"),
        Input(ids.MAP, "zoom"),
    ]
    app.callback(
        [
            Output(ids.CHOROPLETH, "url"),
            Output(ids.CHOROPLETH, "hideout"),
            Output(ids.LEGEND, "children"),
            Output(ids.SCHEME, "disabled"),
        ],
        [
            Input(ids.INDICATOR, "value"),
            *common,
            Input(ids.COMPARE_INDICATOR, "value"),
            Input(ids.SHARED_CLASSES, "value"),
            Input(ids.USER_INDICATORS, "data"),
            Input(ids.DRILL, "data"),
            Input(ids.BASEMAP, "value"),
            lang,
        ],
    )(main_choropleth)
    app.callback(
        Output(ids.TABLE_VIEW, "children"),
        [
            Input(ids.TABLE_SUMMARY, "n_clicks"),
            Input(ids.INDICATOR, "value"),
            Input(ids.SCHEME, "value"),
            Input(ids.CLASSES, "value"),
            Input(ids.PALETTE, "value"),
            Input(ids.USER_INDICATORS, "data"),
            Input(ids.DRILL, "data"),
            lang,
        ],
    )(table_for)
    app.callback(
        [Output(ids.CHOROPLETH2, "url"), Output(ids.CHOROPLETH2, "hideout"), Output(ids.LEGEND2, "children")],
        [
            Input(ids.COMPARE_INDICATOR, "value"),
            Input(ids.INDICATOR, "value"),
            *common,
            Input(ids.SHARED_CLASSES, "value"),
            Input(ids.BASEMAP, "value"),
            State(ids.USER_INDICATORS, "data"),
            lang,
        ],
    )(compare_choropleth)
    app.callback(
        [
            Output(ids.USER_INDICATORS, "data"),
            Output(ids.UPLOAD_RESULT, "children"),
            Output(ids.INDICATOR, "options", allow_duplicate=True),
            Output(ids.INDICATOR, "value"),
        ],
        Input(ids.UPLOAD, "contents"),
        [
            State(ids.UPLOAD, "filename"),
            State(ids.UPLOAD_TITLE, "value"),
            State(ids.UPLOAD_UNIT, "value"),
            State(ids.UPLOAD_LEVEL, "value"),
            State(ids.USER_INDICATORS, "data"),
            lang,
        ],
        prevent_initial_call=True,
    )(upload_indicator)
    # On page load: the catalogue plus what this session uploaded before a reload.
    app.callback(Output(ids.INDICATOR, "options"), Input(ids.USER_INDICATORS, "data"), lang)(indicator_choices)
    app.callback(
        [Output(ids.DOWNLOAD, "data"), Output(ids.DOWNLOAD_STATUS, "children")],
        Input(ids.DOWNLOAD_BUTTON, "n_clicks"),
        [
            State(layer_on, "value"),
            State(ids.DOWNLOAD_FORMAT, "value"),
            State(ids.DOWNLOAD_CRS, "value"),
            State(ids.DOWNLOAD_VIEW, "value"),
            State(ids.MAP, "bounds"),
            lang,
        ],
        prevent_initial_call=True,
    )(download_layers)
    app.callback(
        [Output(ids.SNAPSHOT, "data"), Output(ids.SNAPSHOT_STATUS, "children")],
        Input(ids.SNAPSHOT_BUTTON, "n_clicks"),
        [State(ids.VIEW_QUERY, "data"), State(ids.SNAPSHOT_PAPER, "value"), State(ids.SNAPSHOT_FORMAT, "value"), lang],
        prevent_initial_call=True,
        running=[
            (Output(ids.SNAPSHOT_BUTTON, "disabled"), True, False),
            (Output(ids.SNAPSHOT_STATUS, "children"), busy_message, []),
        ],
    )(snapshot_view)
    app.callback(
        [Output(ids.SEARCH_RESULTS, "children"), Output(ids.SEARCH_HITS, "data")],
        Input(ids.SEARCH, "value"),
        lang,
        prevent_initial_call=True,
    )(search_results)
    app.callback(
        Output(ids.MAP, "viewport", allow_duplicate=True),
        Input({"type": ids.SEARCH_HIT, "index": ALL}, "n_clicks"),
        [State(ids.SEARCH_HITS, "data"), State(ids.BASEMAP, "value")],
        prevent_initial_call=True,
    )(fly_to_hit)
