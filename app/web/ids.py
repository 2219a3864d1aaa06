"""Component ids of the web map: constants, so layout, callbacks and tests agree."""

MAP = "map"
INFO = "hover-info"
LAYERS_CONTROL = "layers-control"
SOURCES = "sources-note"
DETAIL = "feature-detail"
DETAIL_BODY = "feature-detail-body"
DETAIL_CLOSE = "feature-detail-close"


def layer_id(layer: str) -> str:
    """Component id of a catalogue layer's GeoJSON component."""
    return f"layer-{layer}"


CHOROPLETH = "choropleth"
INDICATOR = "indicator-select"
SCHEME = "scheme-select"
CLASSES = "classes-select"
PALETTE = "palette-select"
LEGEND = "legend"
CONTROLS = "choropleth-controls"
UPLOAD = "indicator-upload"
UPLOAD_TITLE = "upload-title"
UPLOAD_UNIT = "upload-unit"
UPLOAD_LEVEL = "upload-level"
UPLOAD_RESULT = "upload-result"
#: Filled in the browser (assets/hubei_map.js) when a chosen file is over the size limit.
UPLOAD_SIZE_NOTE = "upload-size-note"
USER_INDICATORS = "user-indicators"
DOWNLOAD_FORMAT = "download-format"
DOWNLOAD_CRS = "download-crs"
DOWNLOAD_VIEW = "download-view"
DOWNLOAD_BUTTON = "download-button"
DOWNLOAD = "download"
DOWNLOAD_STATUS = "download-status"
SEARCH = "search-input"
SEARCH_RESULTS = "search-results"
SEARCH_HITS = "search-hits"
SEARCH_HIT = "search-hit"  # pattern-matching id type of each result button
# Page shell and view state
URL = "url"
PAGE = "page-content"
RENDERED = "rendered-query"  # store: the query string the page on screen was drawn for
ADDRESS = "address-written"  # dummy output of the client-side address-bar writer
VIEW_QUERY = "view-query"  # the query string of the current view (written to the address bar)
LANG = "lang"  # store: the page's language
LANG_BUTTON = "lang-button"
COPY_LINK = "copy-link"
SIDEBAR = "sidebar"
# Layer panel (pattern-matching ids: {"type": ..., "layer": <catalogue id>})
LAYER_ON = "layer-on"
LAYER_OPACITY = "layer-opacity"
COUNTIES_AUTO = "counties-auto"
LAYER_VIS = "layer-visibility"  # dummy output of the client-side visibility callback
# Drill-down
DRILL = "drill-unit"  # store: the prefecture drilled into (None: the province)
DRILL_BUTTON = "drill-button"  # pattern-matching: {"type": DRILL_BUTTON, "code": <code>}
DRILL_LAYER = "drill-layer"
UNIT_LIST = "unit-list"  # the map's units as buttons (keyboard and screen readers)
UNIT_LIST_HINT = "unit-list-hint"
UNIT_BUTTON = "unit-button"  # pattern-matching: {"type": UNIT_BUTTON, "code": <code>, "level": <level>}
# Place names (app/web/labels.py)
LABELS_PREFECTURE = "labels-prefecture"
LABELS_COUNTY = "labels-county"
LABELS_DRILL = "labels-drill"  # the county-level units of the prefecture drilled into
BREADCRUMB = "breadcrumb"
BREADCRUMB_HOME = "breadcrumb-home"
# Comparison map
COMPARE_ON = "compare-on"
COMPARE_INDICATOR = "compare-indicator"
SHARED_CLASSES = "shared-classes"
MAP2 = "map-compare"
CHOROPLETH2 = "choropleth-compare"
LEGEND2 = "legend-compare"
# Basemap, table view, snapshot
BASEMAP = "basemap-select"
BASEMAP_LAYER = "basemap-layer"
BASEMAP_NOTE = "basemap-note"
TABLE_VIEW = "table-view"
TABLE_SUMMARY = "table-view-summary"  # its clicks open the table (made only once asked for)
SNAPSHOT_BUTTON = "snapshot-button"
SNAPSHOT_FORMAT = "snapshot-format"
SNAPSHOT_PAPER = "snapshot-paper"
SNAPSHOT = "snapshot-download"
SNAPSHOT_STATUS = "snapshot-status"
# A part of the page made when first opened (``app/web/panel_bodies.py``): pattern-matching ids
# {"type": LAZY_SUMMARY, "part": <part>} (the summary whose click opens it) and LAZY_BODY (its contents).
LAZY_SUMMARY = "lazy-summary"
LAZY_BODY = "lazy-body"


def layer_panes_class(layer: str) -> str:
    """CSS class of the map pane(s) a catalogue layer is drawn in (one per map)."""
    return f"layer-pane-{layer}"


# Views, the targets view and the map's highlight of a target's places
VIEW_MAP_LINK = "view-map-link"
VIEW_TARGETS_LINK = "view-targets-link"
LANG_LINK = "lang-link"  # the language switch of the targets view (a link: that page has no map state)
TARGETS = "targets-view"
TARGETS_QUERY = "targets-query"  # store: the query the targets view was drawn for
TARGETS_STATUS = "targets-status"
TARGETS_ARTICLE = "targets-article"
TARGETS_GROUP = "targets-group"
TARGETS_TABLE = "targets-table"
HIGHLIGHT = "highlight-target"  # store: the target whose places the map highlights (None: none)
HIGHLIGHT_LAYER = "highlight-layer"
HIGHLIGHT_NOTE = "highlight-note"
HIGHLIGHT_CLEAR = "highlight-clear"
