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
