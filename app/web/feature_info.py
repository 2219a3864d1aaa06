"""What the map tells about a feature: the hover line, and the panel a click opens (a record or a unit's profile)."""

from __future__ import annotations

from typing import Any

from dash import ctx, html

from app.i18n import t
from app.web import ids
from geo import boundaries
from layers import catalogue
from layers.describe import feature_record, unit_lines
from layers.profile import UnitProfile, unit_profile

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
