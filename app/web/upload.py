"""Bring your own indicator: a CSV checked row by row, kept in the browser session's store and mapped."""

from __future__ import annotations

import base64
from typing import Any

from dash import Input, Output, State, dcc, html, no_update

from app import audit
from app.i18n import t
from app.web import ids
from app.web.indicator_panel import indicator_choices
from app.web.viewstate import ViewState
from app.web.widgets import html_attrs, labelled_choice, lazy_section, text_options
from app.web.wiring import Callbacks
from geo import boundaries
from layers import user_indicators

callbacks = Callbacks()

#: The name of the upload section's contents (``panel_bodies``).
UPLOAD_PART = "upload"


def upload_panel(lang: str) -> html.Details:
    """Bring your own indicator: a CSV (code or Chinese name, value) checked before it is mapped.

    Its contents are made when it is first opened (``upload_body``).
    """
    return lazy_section(t("upload", lang), UPLOAD_PART, class_name="upload")


def upload_body(state: ViewState) -> list[Any]:
    """The upload section's contents in the page's language: title, unit, level, the file box."""
    lang = state.lang
    return [
        html.P(t("upload_help", lang), className="help"),
        html.Label(t("upload_title", lang), htmlFor=ids.UPLOAD_TITLE),
        dcc.Input(id=ids.UPLOAD_TITLE, type="text", placeholder=t("upload_title_placeholder", lang), debounce=True),
        html.Label(t("upload_unit", lang), htmlFor=ids.UPLOAD_UNIT),
        dcc.Input(id=ids.UPLOAD_UNIT, type="text", placeholder=t("upload_unit_placeholder", lang), debounce=True),
        *labelled_choice(
            t("level", lang),
            ids.UPLOAD_LEVEL,
            text_options([("prefecture", "prefecture"), ("county", "county")], lang),
            "prefecture",
        ),
        dcc.Upload(
            html.Div(t("upload_drop", lang)),
            id=ids.UPLOAD,
            accept=".csv,text/csv",
            # Bigger files are not sent: dcc.Upload drops them silently, so the page's script
            # (assets/hubei_map.js) says why in the note below. The parser checks the size again.
            max_size=user_indicators.MAX_BYTES,
            className="upload-box",
        ),
        html.P(
            id=ids.UPLOAD_SIZE_NOTE,
            hidden=True,
            className="upload-error",
            role="alert",
            **html_attrs(
                data_max_bytes=str(user_indicators.MAX_BYTES),
                data_message=t("upload_too_big", lang).replace("{limit}", f"{user_indicators.MAX_BYTES:,}"),
            ),
        ),
        html.Div(id=ids.UPLOAD_RESULT, role="status", **html_attrs(aria_live="polite")),
    ]


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


@callbacks.callback(
    output=[
        Output(ids.USER_INDICATORS, "data"),
        Output(ids.UPLOAD_RESULT, "children"),
        Output(ids.INDICATOR, "options", allow_duplicate=True),
        Output(ids.INDICATOR, "value"),
    ],
    inputs=dict(contents=Input(ids.UPLOAD, "contents")),
    state=dict(
        filename=State(ids.UPLOAD, "filename"),
        title=State(ids.UPLOAD_TITLE, "value"),
        unit=State(ids.UPLOAD_UNIT, "value"),
        level=State(ids.UPLOAD_LEVEL, "value"),
        store=State(ids.USER_INDICATORS, "data"),
        lang=State(ids.LANG, "data"),
    ),
    prevent_initial_call=True,
)
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
        message = f"{name}: {t('upload_unreadable', lang)}"
        return store, [html.P(message, className="upload-error")], no_update, no_update
    parsed = user_indicators.parse_table(content, level=level, source_id="USER", name=name)
    if not parsed.ok or parsed.values is None:
        items = [html.Li(p) for p in parsed.problems[:20]]
        more = len(parsed.problems) - len(items)
        if more > 0:
            items.append(html.Li(t("upload_more_problems", lang).format(count=more)))
        head = t("upload_problems", lang).format(count=len(parsed.problems))
        return store, [html.P(head, className="upload-error"), html.Ul(items)], no_update, no_update
    indicator_id = f"upload_{len(store or {}) + 1}"
    values = parsed.values.copy()
    values["source_ids"] = [["USER"]] * len(values)
    entry: dict[str, Any] = {
        "meta": {"title": title or name, "unit": unit or "", "level": level, "filename": name},
        "values": values.to_dict(orient="records"),
    }
    try:
        meta = entry["meta"]
        audit.record("upload", filename=name, title=meta["title"], level=level, rows=len(values), bytes=len(content))
    except audit.AuditError:
        return store, [html.P(t("audit_failed", lang), className="upload-error")], no_update, no_update
    new_store = {**(store or {}), indicator_id: entry}
    total = len(boundaries.units(level))
    join = t("join_code" if parsed.join == "code" else "join_name", lang)
    message = t("upload_added", lang).format(title=entry["meta"]["title"], joined=len(values), total=total, join=join)
    return new_store, [html.P(message, className="upload-ok")], indicator_choices(new_store, lang), indicator_id
