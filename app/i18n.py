"""Interface text of the web map in Chinese and English: one table, looked up by key.

Chinese is the default; every label the page shows comes from here or from the data's
own ``*_zh``/``*_en`` columns, so switching the language changes every label at once.
"""

from __future__ import annotations

from app import settings

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

#: key -> (Chinese, English)
TEXT: dict[str, tuple[str, str]] = {
    "title": (settings.APP_TITLE_ZH, settings.APP_TITLE_EN),
    "switch_lang": ("English", "中文"),
    "switch_lang_label": ("Switch to English", "切换到中文 (Chinese)"),
    "copy_link": ("复制链接", "Copy link"),
    "copy_link_label": ("复制可重现当前视图的链接", "Copy a link that reproduces this view"),
    "loading": ("正在加载…", "Loading…"),
    "loading_map": ("正在加载交互地图…", "Loading the interactive map…"),
    "search": ("搜索", "Search"),
    "search_placeholder": ("市州、区县或设施", "Prefecture, county or facility"),
    "no_match": ("无结果", "No match"),
    "layers": ("图层", "Layers"),
    "layer_about": ("说明与来源", "About and sources"),
    "opacity": ("不透明度", "Opacity"),
    "counties_auto": ("放大到区县级时自动显示区县", "Show counties automatically when zoomed in"),
    "plan_articles": ("计划条款", "Plan articles"),
    "indicator_map": ("指标专题图", "Indicator map"),
    "indicator": ("指标", "Indicator"),
    "choose": ("选择指标…", "Choose…"),
    # The words inside every dropdown (Dash's ``labels``; its defaults are English on both pages).
    "dropdown_search": ("搜索", "Search"),
    "dropdown_clear_search": ("清除搜索", "Clear search"),
    "dropdown_clear_selection": ("清除所选", "Clear selection"),
    "dropdown_no_options": ("无匹配项", "No options found"),
    "dropdown_select_all": ("全选", "Select all"),
    "dropdown_deselect_all": ("全不选", "Deselect all"),
    "dropdown_selected_count": ("已选 {num_selected} 项", "{num_selected} selected"),
    "scheme": ("分级方法", "Classification"),
    "classes": ("分级数", "Classes"),
    "palette": ("配色（色盲友好）", "Palette (colour-blind safe)"),
    "legend": ("图例", "Legend"),
    "compare_legend": ("对比地图图例", "Legend of the comparison map"),
    "no_indicator": ("未选择指标", "No indicator chosen"),
    "table_view": ("表格视图", "Table view"),
    "unit": ("单位", "Unit"),
    "value": ("数值", "Value"),
    "class": ("分级", "Class"),
    "no_data": ("无数据", "no data"),
    "compare": ("对比分析", "Compare"),
    "compare_on": ("并排显示第二幅地图", "Show a second map side by side"),
    "compare_indicator": ("对比指标", "Indicator to compare"),
    "shared_classes": ("两图使用相同分级", "Same classes on both maps"),
    "basemap": ("底图", "Basemap"),
    "basemap_help": (
        "在线底图需联网；默认不使用在线底图。",
        "Online basemaps need the internet; none is used by default.",
    ),
    "gcj_note": (
        "高德底图采用 GCJ-02 坐标：所有图层已偏移至 GCJ-02 以对齐。",
        "Gaode tiles use GCJ-02: every layer is shifted to GCJ-02 to line up.",
    ),
    "snapshot": ("简报快照", "Briefing snapshot"),
    "snapshot_button": ("生成当前视图快照", "Snapshot this view"),
    "paper": ("纸张", "Paper"),
    "snapshot_busy": ("正在生成地图，请稍候…", "Drawing the map, please wait…"),
    "snapshot_done": ("已生成", "Made"),
    "snapshot_upload": (
        "上传的指标只在浏览器中，快照无法使用；请选择目录中的指标。",
        "An uploaded indicator lives only in this browser and cannot be printed; choose a catalogue indicator.",
    ),
    "format": ("格式", "Format"),
    "download": ("下载图层", "Download layers"),
    "download_button": ("下载", "Download"),
    "crs": ("坐标系", "CRS"),
    "only_view": ("仅当前视图范围", "Only the current view"),
    "busy": (
        "服务器正忙于其他导出和制图，请稍后再试。",
        "The server is busy with other exports and snapshots; please try again in a moment.",
    ),
    "no_layer_on": ("没有打开的图层", "No layer is switched on"),
    "audit_failed": (
        "审计日志无法写入，操作已停止（未留痕的操作不予执行）；请联系管理员。",
        "The audit trail cannot be written, so the action was stopped (nothing is done unrecorded); "
        "please tell the administrator.",
    ),
    # Access control (app/serve/access.py, signin.py; app/web/access_note.py)
    "signin_title": ("登录", "Sign in"),
    "signin_intro": ("本地图仅供内部使用，请登录。", "This map is for internal use; please sign in."),
    "signin_user": ("用户名", "User name"),
    "signin_password": ("密码", "Password"),
    "signin_button": ("登录", "Sign in"),
    "signin_failed": ("用户名或密码错误。", "Wrong user name or password."),
    "signin_locked": (
        "登录失败次数过多，请 {minutes} 分钟后再试。",
        "Too many failed sign-ins; please try again in {minutes} minutes.",
    ),
    "signin_locked_short": ("登录失败次数过多，请稍后再试", "too many failed sign-ins; try again later"),
    "signin_expired": ("表单已过期，请重试。", "The form has expired; please try again."),
    "signin_internal_note": (
        "内部资料，非公开：地图边界非标准地图。",
        "Internal, not for publication: the boundaries are not an official standard map.",
    ),
    "signed_out": ("您已退出登录。", "You have signed out."),
    "signed_in_as": ("已登录：{user}", "Signed in as {user}"),
    "signout_button": ("退出登录", "Sign out"),
    "auth_required": ("需要登录", "sign-in required"),
    "auth_proxy_missing": (
        "未经组织统一登录：请求未带有可信代理传来的用户",
        "not signed in through the organisation's sign-on: no user from a trusted proxy",
    ),
    "public_note": (
        "注意：本地图可被任何人公开访问（HUBEI_MAP_AUTH=public）。",
        "Note: this map is publicly reachable by anyone (HUBEI_MAP_AUTH=public).",
    ),
    "upload": ("添加自己的指标", "Add your own indicator"),
    "upload_help": (
        "CSV（UTF-8 或 GBK）：列 code（6位代码）或 name（中文名），以及 value。仅在本浏览器会话中使用。",
        "CSV (UTF-8 or GBK) with a 'code' or 'name' column and a 'value' column; kept in this browser session only.",
    ),
    "upload_title": ("标题", "Title"),
    "upload_title_placeholder": ("例如 研发投入 2023", "e.g. R&D spending 2023"),
    "upload_unit": ("计量单位", "Unit of measure"),
    "upload_unit_placeholder": ("例如 亿元", "e.g. 100 million yuan"),
    "level": ("层级", "Level"),
    "prefecture": ("市州", "Prefecture"),
    "county": ("县级", "County"),
    "upload_drop": ("拖放或点击选择 CSV 文件", "Drop or choose a CSV file"),
    "uploaded": ("上传", "uploaded"),
    "upload_too_big": (
        "{name}：{size} 字节，超过表格 {limit} 字节的上限，未上传",
        "{name}: {size} bytes is over the {limit}-byte limit for a table; not uploaded",
    ),
    "upload_text_too_long": (
        "未添加：{field}有 {count} 个字符，最多 {limit} 个",
        "Not added: the {field} is {count} characters; at most {limit}",
    ),
    "upload_too_many": (
        "未添加：本会话已有 {count} 个上传的指标（上限）；关闭此标签页即可重新开始",
        "Not added: this session already holds {count} uploaded indicators (the limit); close the tab to start afresh",
    ),
    "bad_view_bounds": (
        "地图范围无效：需要 [[南, 西], [北, 东]]（度）",
        "the map view's bounds must be [[south, west], [north, east]] in degrees",
    ),
    "hover_hint": ("将鼠标移到地图上查看名称", "Hover over the map for names"),
    "detail_hint": ("点击地图要素查看详情与来源", "Click a feature for its record and sources"),
    "close": ("关闭", "Close"),
    "close_details": ("关闭详情", "Close details"),
    "feature_details": ("要素详情", "Feature details"),
    "drill": ("查看下辖区县", "Show its counties"),
    "units_list": ("地区列表", "Units on the map"),
    "units_list_hint": (
        "按名称选择地区，查看其概况（与点击地图相同）",
        "Choose a unit by name to open its profile (as a click on the map does)",
    ),
    "units_of": ("{name}下辖区县", "Counties of {name}"),
    "province": ("湖北省", "Hubei"),
    "breadcrumb": ("层级导航", "Breadcrumb"),
    "map_label": ("湖北省地图", "Map of Hubei"),
    "compare_map_label": ("对比地图", "Comparison map"),
    # Plan articles cited beside a name, and listed.
    "article_ref": ("（第{article}条）", " (article {article})"),
    "article_number": ("第{article}条", "{article}"),
    "article_sep": ("、", ", "),
    # A unit's profile (the panel a click on a prefecture or county opens).
    "km2": ("平方公里", "km²"),
    "role_in_layout": ("布局角色", "Role in the layout"),
    "member_of": ("所属区域", "Member of"),
    "indicators": ("指标", "Indicators"),
    "indicators_missing": ("另有 {count} 项指标无数据", "{count} more indicator(s): no data"),
    "facilities": ("设施", "Facilities"),
    "trunk_lines": ("干线", "Trunk lines"),
    "articles_concerned": ("涉及计划条款", "Plan articles concerned"),
    # Search results: a hit's level (a facility's category comes from the data).
    "search_hit": ("{name_zh} · {name_en}（{kind}）", "{name_en} · {name_zh} ({kind})"),
    "hit_province": ("省", "province"),
    "hit_prefecture": ("市州", "prefecture"),
    "hit_county": ("县级", "county"),
    # Uploads.
    "upload_unreadable": ("无法读取文件", "could not read the file"),
    "upload_problems": ("未添加：{count} 处问题", "Not added: {count} problem(s)"),
    "upload_more_problems": ("… 另有 {count} 处", "… {count} more"),
    "upload_added": (
        "已添加“{title}”：{joined}/{total} 个单位（按{join}匹配）",
        "Added “{title}”: {joined} of {total} units joined on {join}",
    ),
    "join_code": ("代码", "code"),
    "join_name": ("名称", "name"),
    "user_upload": ("用户上传", "uploaded"),
    "upload_description": ("本会话上传的指标", "Indicator uploaded in this session"),
    # Downloads and snapshots: the choices (values are the exporter's and renderer's own names).
    "download_done": ("已导出 {layers} 个图层、{features} 个要素", "Exported {layers} layers, {features} features"),
    "paper_a4_landscape": ("A4 横向", "A4 landscape"),
    "paper_a4_portrait": ("A4 纵向", "A4 portrait"),
    "paper_a3_landscape": ("A3 横向", "A3 landscape"),
    "paper_a3_portrait": ("A3 纵向", "A3 portrait"),
    "snapshot_pdf": ("PDF（矢量，可打印）", "PDF (vector, for print)"),
    "snapshot_png": ("PNG（300 dpi）", "PNG (300 dpi)"),
    "snapshot_svg": ("SVG（矢量，可编辑）", "SVG (vector, editable)"),
    "snapshot_html": ("交互式 HTML（离线可用）", "Interactive HTML (works offline)"),
    "download_geojson": ("GeoJSON（WGS-84）", "GeoJSON (WGS-84)"),
    "download_gpkg": ("GeoPackage（单文件）", "GeoPackage (one file)"),
    "download_shp": ("Shapefile（zip）", "Shapefile (zipped)"),
    "download_csv": ("CSV 属性表", "CSV attributes"),
    "crs_wgs84": ("WGS-84 经纬度", "WGS-84 lon/lat"),
    "crs_cgcs2000": ("CGCS2000 经纬度", "CGCS2000 lon/lat"),
    "crs_cgcs2000_gk": ("CGCS2000 高斯-克吕格3度带", "CGCS2000 Gauss-Kruger 3° zone"),
    "crs_webmercator": ("Web 墨卡托", "Web Mercator"),
    "crs_gcj02": ("GCJ-02（高德，仅供叠加）", "GCJ-02 (Amap overlay only)"),
    # Basemaps.
    "basemap_none": ("无（离线）", "None (offline)"),
    "basemap_osm": ("OpenStreetMap（WGS-84）", "OpenStreetMap (WGS-84)"),
    "basemap_esri_imagery": ("Esri 影像（WGS-84）", "Esri World Imagery (WGS-84)"),
    "basemap_gaode": ("高德地图（GCJ-02，图层随之偏移）", "Gaode (GCJ-02; layers shifted to match)"),
    # Printed and command-line words (text.py)
    "layout_title": ("{region}数字经济发展布局图", "{region}: digital economy layout"),
    "indicator_title": ("{region}{indicator}", "{region}: {indicator}"),
    "approx": (
        "位置为所在区县或市州代表点（非精确位置）",
        "Placed at its district's or city's representative point (not the exact site)",
    ),
    "callout_key": ("图中编号设施", "Facilities numbered on the map"),
    "location": ("位置示意", "Location"),
    "internal": ("内部资料，非公开", "Internal, not for publication"),
    "approval": ("审图号：{number}", "Map approval number (审图号): {number}"),
    "sources": ("资料来源：", "Sources: "),
    "layer_sources": ("图层资料：", "Layer sources: "),
    "data_date": ("资料截至 {date}", "Sources dated up to {date}"),
    "data_year": ("指标年份 {year}", "Indicator year {year}"),
    "projection": (
        "投影：兰伯特等角圆锥，标准纬线 {lat1}°N、{lat2}°N，中央经线 {lon0}°E",
        "Projection: Lambert conformal conic, standard parallels {lat1}°N and {lat2}°N, central meridian {lon0}°E",
    ),
    "scale": ("比例尺 1:{denominator}", "Scale 1:{denominator}"),
    "km": ("公里", "km"),
    "north": ("北", "N"),
    "count": ("{n} 个", "{n}"),
    "plan": ("依据《{plan}》", "After the {plan}"),
    "sep": ("；", "; "),
    "region_sep": ("", " "),
    "eval_title": ("规划实施评估", "Plan evaluation"),
    "eval_subtitle": ("评估日期 {date} · 规则版本 {version}", "Evaluated {date} · rule version {version}"),
    "eval_charts_title": ("重点目标进展", "Headline targets: progress"),
    "eval_total": ("共 {n} 项目标", "{n} targets"),
    "eval_count": ("{label} {n} 项", "{label}: {n}"),
    "eval_projected": ("{label}（推算）", "{label} (projected)"),
    "eval_article": ("第{n}条", "Article {n}"),
    "eval_article_more": ("第{n}条（续）", "Article {n} (continued)"),
    "eval_stretch": ("力争 {value}", "stretch {value}"),
    "eval_actual": ("{value}（{date}）", "{value} ({date})"),
    "eval_actual_ytd": ("{value}（{date}，年内累计）", "{value} ({date}, year to date)"),
    "eval_none": ("—", "—"),
    "eval_no_data": ("暂无数据", "No data"),
    "eval_note": (
        "（推算）：尚无截止日及之后的实际数据，由最近的数据推算至截止日判断；"
        "进度 = 最新实际值 ÷ 目标值；状态按评估规则计算，不代表官方考核结论",
        "(projected): no actual at or after the deadline yet, so the latest data are extended to the deadline; "
        "progress = latest actual ÷ target; statuses follow the evaluation rule and are not an official assessment",
    ),
    "eval_sources": ("来源编号：", "Source ids: "),
    "eval_col_id": ("编号", "ID"),
    "eval_col_indicator": ("指标", "Indicator"),
    "eval_col_target": ("目标", "Target"),
    "eval_col_deadline": ("期限", "By"),
    "eval_col_actual": ("最新实际值（日期）", "Latest actual (date)"),
    "eval_col_progress": ("进度", "Progress"),
    "eval_col_status": ("状态", "Status"),
    "eval_col_sources": ("来源", "Sources"),
    "eval_col_article": ("条款", "Art."),
    "eval_chart_target": ("目标 {target} · 期限 {date}", "target {target} · by {date}"),
    "eval_leg_actual": ("实际值", "Actual"),
    "eval_leg_ytd": ("年内累计（非全年）", "Year to date (not full year)"),
    "eval_leg_target": ("目标", "Target"),
    "eval_leg_stretch": ("力争目标", "Stretch target"),
    "eval_leg_deadline": ("期限", "Deadline"),
    "eval_leg_projection": ("推算至期限", "Projected to the deadline"),
    # Printed and command-line words (briefing.py)
    "contents": ("目录", "Contents"),
    "targets": ("行动计划目标与实际值", "The plan's targets and actuals"),
    "atlas": ("市州图集：", "Atlas: "),
    "facts": ("概况", "Facts"),
    "area": ("面积 {area} 平方公里", "Area {area} km²"),
    "counties": ("县级单位 {n} 个", "{n} county-level units"),
    "pack_facilities": ("规划设施 {n} 个", "{n} facilities named in the plan"),
    "role": ("发展布局：{role}", "Layout role: {role}"),
    "stretch": ("，力争 {value}", ", stretch {value}"),
    "none": ("—", "—"),
    "pack": ("简报图集", "Briefing pack"),
    "page": ("第 {n} 页", "page {n}"),
    # Printed and command-line words (targets_command.py)
    "projected": ("（推算）", " (projected)"),
    "summary": (
        "共 {n} 项：{counts}（评估规则第 {rule} 版，评估日期 {as_of}）",
        "{n} targets: {counts} (rule version {rule}, evaluated on {as_of})",
    ),
    "cli_sep": ("，", ", "),
    "empty": ("没有符合条件的目标", "no target matches"),
    # The page's views (header) and the targets view (app/web/targets.py).
    "views": ("视图", "Views"),
    "view_map": ("地图", "Map"),
    "view_targets": ("规划目标评估", "Plan targets"),
    "targets_heading": ("规划目标评估：哪些目标已达成？", "The plan's targets: which were met?"),
    "targets_plan": (
        "《湖北数字经济强省三年行动计划（2022-2024年）》的 {n} 项量化目标",
        "The {n} numeric targets of Hubei's three-year digital-economy plan (2022-2024)",
    ),
    "targets_summary": ("各状态目标数", "Targets by status"),
    "targets_filters": ("筛选与分组", "Filter and group"),
    "targets_all": ("全部", "All"),
    "targets_article": ("计划条款", "Plan article"),
    "targets_group": ("分组", "Group by"),
    "targets_by_article": ("按条款", "By article"),
    "targets_by_status": ("按状态", "By status"),
    "targets_caption": (
        "规划目标记分卡：显示 {shown} 项，共 {total} 项",
        "Scorecard of the plan's targets: {shown} of {total} shown",
    ),
    "targets_group_count": ("{title}（{n} 项）", "{title} ({n})"),
    "targets_each_year": ("{first}-{last} 每年", "each year {first}-{last}"),
    "targets_basis": ("依据与来源", "Basis and sources"),
    "targets_col_chart": ("走势", "Trend"),
    "targets_col_places": ("地点", "Places"),
    "targets_chart_label": (
        "{indicator}：{value}（{date}），目标 {target}",
        "{indicator}: {value} ({date}), target {target}",
    ),
    "targets_chart_none": ("{indicator}：暂无实际数据，目标 {target}", "{indicator}: no actual yet, target {target}"),
    "targets_chart_levels": ("（图为增速所依据的总量）", " (the chart shows the levels the growth is computed from)"),
    "show_on_map": ("在地图上查看", "Show on map"),
    "show_on_map_label": ("在地图上查看“{indicator}”的相关地点", "Show the places of “{indicator}” on the map"),
    "highlight_note": (
        "地图突出显示“{indicator}”的相关地点（{n} 处）",
        "Highlighted: the places of “{indicator}” ({n})",
    ),
    "highlight_back": ("返回规划目标评估", "Back to the plan targets"),
    "highlight_clear": ("取消突出显示", "Clear the highlight"),
    "unit_targets": ("相关规划目标", "Plan targets concerning it"),
    # The exported scorecard (app/export/tables.py)
    "scorecard_table_title": ("行动计划目标评估", "Plan scorecard"),
    "scorecard_table_description": (
        "每项数值目标的状态（已达成、未达成、按进度、滞后、暂无数据）、最新实际值、进度与来源",
        "Every numeric target with its status (met, not met, on track, at risk, no data), "
        "latest actual, progress and sources",
    ),
}


def t(key: str, lang: str) -> str:
    """The text for ``key`` in ``lang`` (``"zh"`` or ``"en"``; anything else gives Chinese)."""
    zh, en = TEXT[key]
    return en if lang == "en" else zh


def pick(zh: str, en: str, lang: str) -> str:
    """``en`` in English mode (falling back to ``zh`` when empty), else ``zh``."""
    return (en or zh) if lang == "en" else zh


#: Titles of the catalogue's layer groups, in the order the layer panel shows them.
GROUP_TITLES: dict[str, tuple[str, str]] = {
    "layout": ("发展布局", "Spatial layout"),
    "computing": ("算力设施", "Computing"),
    "parks_platforms": ("园区与平台", "Parks and platforms"),
    "networks": ("网络设施", "Networks"),
    "boundaries": ("行政区划", "Administrative units"),
    "context": ("底图参考", "Context"),
}


def group_title(group: str, lang: str) -> str:
    """Title of a layer group (the group id itself for a group this table does not know)."""
    zh, en = GROUP_TITLES.get(group, (group, group))
    return en if lang == "en" else zh
