"""What the map tells about a feature: the hover line, and the panel a click opens (a record or a unit's profile)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, html, no_update

from app import i18n
from app.i18n import t
from app.web import ids
from app.web.targets import status_badge, status_label, unit_targets
from app.web.units_list import UNIT_BUTTON_ALL
from app.web.widgets import article_list, article_ref
from app.web.wiring import Callbacks
from geo import boundaries
from layers import catalogue
from layers.describe import feature_record, unit_lines
from layers.profile import UnitProfile, unit_profile
from layers.vocabulary import FIELD_LABELS

callbacks = Callbacks()

#: Layers of admin units whose hover fills the info panel.
HOVER_LAYERS = tuple(
    spec.id
    for spec in catalogue.catalogue().values()
    if spec.geometry == "polygon"
    and spec.builder in ("vector", "units", "unit_series")
    and spec.group != "context"
    and spec.id != "province"
)


#: Layers whose features open a panel when clicked: a unit's profile or a feature's record.
CLICK_LAYERS = tuple(spec.id for spec in catalogue.catalogue().values() if spec.group != "context")


#: Click layers whose features are admin units (they open the unit's profile).
UNIT_LAYERS = ("prefectures", "counties", "layout")


#: The extra click sources after the catalogue layers: the choropleth and the drill-down counties.
EXTRA_CLICK_IDS = (ids.CHOROPLETH, ids.DRILL_LAYER)

#: Components whose hover and click the panels listen to, in the order of ``hover_panel``'s
#: ``hovers`` and ``clicked_detail``'s ``clicks``.
HOVER_IDS = (*(ids.layer_id(i) for i in HOVER_LAYERS), ids.CHOROPLETH, ids.DRILL_LAYER)
CLICK_IDS = (*(ids.layer_id(i) for i in CLICK_LAYERS), *EXTRA_CLICK_IDS)


@callbacks.callback(
    output=Output(ids.INFO, "children"),
    inputs=dict(hovers=[Input(i, "hoverData") for i in HOVER_IDS]),
    state=dict(hideout=State(ids.CHOROPLETH, "hideout"), lang=State(ids.LANG, "data")),
    prevent_initial_call=True,  # the layout opens with the hint (``hover_hint``)
)
def hover_panel(hovers: list[dict[str, Any] | None], hideout: dict[str, Any] | None, lang: str) -> list[Any]:
    """Children of the info panel for the unit hovered last, with the indicator value if mapped.

    ``hovers`` are the ``hoverData`` of the ``HOVER_IDS`` components; ``hideout`` is the
    choropleth's (its value labels by unit code).
    """
    triggered = ctx.triggered_id if ctx.triggered else None
    if triggered in HOVER_IDS and hovers[HOVER_IDS.index(triggered)]:
        feature = hovers[HOVER_IDS.index(triggered)]
    else:
        feature = next((f for f in reversed(hovers) if f), None)
    props = feature.get("properties") if feature else None
    lines = unit_lines(props, lang)
    if not lines:
        return hover_hint(lang)
    out = [html.Strong(lines[0]), *[html.Div(line) for line in lines[1:]]]
    if hideout and props and hideout.get("title"):
        value = (hideout.get("labels") or {}).get(props.get("code"))
        out.append(
            html.Div(
                f"{hideout['title']}: {value if value is not None else t('no_data', lang)}", className="hover-value"
            )
        )
    return out


def hover_hint(lang: str) -> list[Any]:
    """The info panel before anything is hovered: how to get a unit's name."""
    return [html.Span(t("hover_hint", lang))]


def detail_panel(feature: dict[str, Any] | None, lang: str = "zh") -> list[Any]:
    """Children of the detail panel for a clicked feature: its full record with sources."""
    record = feature_record(feature.get("properties") if feature else None, lang)
    if not record:
        return [html.P(t("detail_hint", lang))]
    rows = []
    for label, value in record:
        parts = value.split(" | ") if label in FIELD_LABELS["sources"] else [value]
        rows.append(html.Tr([html.Th(label), html.Td([html.Div(p) for p in parts])]))
    return [html.Table(rows, className="record")]


def _items(title: str, items: list[Any]) -> list[Any]:
    return [html.H4(title), html.Ul([html.Li(i) for i in items])] if items else []


def unit_panel(profile: UnitProfile, lang: str = "zh") -> list[Any]:
    """Children of the detail panel for an admin unit: role, memberships, indicators, facilities, lines, articles."""
    area = f"{profile.area_km2:,.0f} {t('km2', lang)}"
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
        out.append(html.P(f"{t('role_in_layout', lang)}: {role}{article_ref(profile.role.article, lang)}"))
    out += _items(t("member_of", lang), [m.name + article_ref(m.article, lang) for m in profile.memberships])
    have = [v for v in profile.indicators if v.value is not None]
    rows = [
        html.Tr([html.Th(v.title), html.Td(v.value), html.Td(v.year), html.Td(v.source, className="source")])
        for v in have
    ]
    if rows:
        out += [html.H4(t("indicators", lang)), html.Table(rows, className="record indicators")]
    missing = len(profile.indicators) - len(have)
    if missing:
        out.append(html.P(t("indicators_missing", lang).format(count=missing), className="help"))
    out += _items(
        t("facilities", lang), [f"{f.name} — {f.detail}{article_ref(f.article, lang)}" for f in profile.facilities]
    )
    out += _items(
        t("trunk_lines", lang), [f"{x.name} — {x.detail}{article_ref(x.article, lang)}" for x in profile.lines]
    )
    if profile.articles:
        listed = article_list(profile.articles, lang)
        out.append(html.P(f"{t('articles_concerned', lang)}: {listed}", className="articles"))
    if profile.level == "prefecture":
        out += unit_target_list(profile.code, lang)
    return out


def unit_target_list(code: str, lang: str) -> list[Any]:
    """The plan targets tied to places in the prefecture ``code``, with their status (nothing if none)."""
    items = []
    records: list[dict[str, Any]] = unit_targets(code).to_dict("records")  # type: ignore[assignment]
    for row in records:
        name = i18n.pick(str(row["indicator_zh"]), str(row["indicator_en"]), lang)
        basis = str(row["basis_en" if lang == "en" else "basis_zh"])
        badge = status_badge(str(row["status"]), status_label(row, lang), basis)
        items.append([f"{name}{article_ref(int(row['plan_article']), lang)} ", badge])
    return _items(t("unit_targets", lang), items)


def _unit_of(props: dict[str, Any], layer: str) -> tuple[str, str] | None:
    """(code, level) of a clicked admin unit, or None for other features."""
    code = str(props.get("code") or "")
    if not code:
        return None
    if layer == ids.DRILL_LAYER:
        return code, "county"
    level = str(props.get("level") or "prefecture")
    return code, level if level in ("prefecture", "county") else "prefecture"


@callbacks.callback(
    output=[Output(ids.DETAIL_BODY, "children"), Output(ids.DETAIL, "hidden")],
    inputs=dict(
        closed=Input(ids.DETAIL_CLOSE, "n_clicks"),
        clicks=[Input(i, "clickData") for i in CLICK_IDS],
        unit_buttons=Input(UNIT_BUTTON_ALL, "n_clicks"),
    ),
    state=dict(lang=State(ids.LANG, "data")),
    prevent_initial_call=True,
)
def clicked_detail(
    closed: int | None, clicks: list[dict[str, Any] | None], lang: str, unit_buttons: list[int | None] | None = None
) -> tuple[Any, Any]:
    """The detail panel for whichever layer (or unit button of the list) was clicked last; hidden by its close button.

    ``closed`` is the close button's ``n_clicks``, ``clicks`` the ``clickData`` of the
    ``CLICK_IDS`` components, ``unit_buttons`` the ``n_clicks`` of ``units_list``'s buttons
    (a button drawn anew, at 0, opens nothing). Returns the panel's children and whether it is hidden.
    """
    triggered = ctx.triggered_id if ctx.triggered else None
    if isinstance(triggered, dict) and triggered.get("type") == ids.UNIT_BUTTON:
        if not any(unit_buttons or []):
            return no_update, no_update
        profile = unit_profile(str(triggered["code"]), str(triggered["level"]), lang)
        return unit_panel(profile, lang), False
    if triggered not in CLICK_IDS:
        return detail_panel(None, lang), True
    feature = clicks[CLICK_IDS.index(triggered)]
    if feature is None:
        return detail_panel(None, lang), True
    unit_layers = {*(ids.layer_id(i) for i in UNIT_LAYERS), *EXTRA_CLICK_IDS}
    unit = _unit_of(feature.get("properties") or {}, triggered) if triggered in unit_layers else None
    if unit:
        try:
            return unit_panel(unit_profile(unit[0], unit[1], lang), lang), False
        except KeyError:  # a code that is no unit at that level (not a feature the map drew): its fields
            pass
    return detail_panel(feature, lang), False
