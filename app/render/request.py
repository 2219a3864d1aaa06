"""What a snapshot shows and how it is printed: a frozen, validated request.

``SnapshotRequest()`` with no arguments is the layout map of the whole province on A4
landscape paper as a PDF. ``validate`` checks a request against the catalogues and
raises ``SnapshotError`` naming the bad value and the choices; ``request_from_state``
builds a request from untrusted values sent by the browser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from app.messages import shown, shown_list
from app.render.paper import DEFAULT_DPI, DEFAULT_PAPER, DPIS, FORMATS, MM_PER_INCH, PAPERS_MM
from geo import boundaries
from layers import catalogue, choices, indicators, palettes

LANGS: tuple[str, ...] = ("zh", "en")
#: Largest raster we render (pixels); A3 at 600 dpi (70 million) would need about 280 MB of memory.
MAX_PIXELS = 50_000_000
#: Longest title and approval number accepted (characters).
MAX_TITLE_CHARS = 60
MAX_APPROVAL_CHARS = 40
PROVINCE = "province"
#: Keys ``request_from_state`` accepts from the browser.
STATE_KEYS: tuple[str, ...] = (
    "layers",
    "indicator",
    "scheme",
    "k",
    "palette",
    "extent",
    "paper",
    "format",
    "dpi",
    "lang",
    "title",
    "approval_number",
)


class SnapshotError(ValueError):
    """A snapshot request that cannot be rendered; the message names the value and the choices."""


def default_layers() -> tuple[str, ...]:
    """The layers of the layout map: the catalogue's layers that are on when the map opens."""
    return tuple(spec.id for spec in catalogue.catalogue().values() if spec.visible)


@dataclass(frozen=True)
class SnapshotRequest:
    """One map to print.

    ``layers`` are catalogue layer ids (None: the layers the web map opens with);
    ``indicator`` colours the units by an indicator, classed by ``scheme``/``k`` in
    ``palette``; ``extent`` is ``"province"`` or a prefecture-level code (its counties
    are drawn too); ``fmt`` is ``pdf``, ``png`` or ``svg``; ``dpi`` applies to PNG;
    ``title`` replaces the generated title; ``approval_number`` is the map's 审图号
    (without one the map is marked internal, not for publication).
    """

    layers: tuple[str, ...] | None = None
    indicator: str | None = None
    scheme: str = choices.DEFAULT_SCHEME
    k: int = choices.DEFAULT_K
    palette: str = palettes.DEFAULT_SEQUENTIAL
    extent: str = PROVINCE
    paper: str = DEFAULT_PAPER
    fmt: str = "pdf"
    dpi: int = DEFAULT_DPI
    lang: str = "zh"
    title: str | None = None
    approval_number: str | None = None

    @property
    def layer_ids(self) -> tuple[str, ...]:
        """The layers drawn, in catalogue order (bottom first)."""
        chosen = default_layers() if self.layers is None else self.layers
        return tuple(i for i in catalogue.catalogue() if i in chosen)

    @property
    def paper_inches(self) -> tuple[float, float]:
        """Paper width and height in inches."""
        width, height = PAPERS_MM[self.paper]
        return width / MM_PER_INCH, height / MM_PER_INCH

    @property
    def pixels(self) -> tuple[int, int]:
        """Raster size (width, height) at ``dpi``, rounded to whole pixels."""
        width, height = self.paper_inches
        return round(width * self.dpi), round(height * self.dpi)


def _choices(name: str, value: object, allowed: tuple[Any, ...] | list[Any]) -> None:
    if value not in allowed:
        raise SnapshotError(f"unknown {name} {shown(value)}; choose one of {list(allowed)}")


def _clean_text(value: str | None, name: str, limit: int) -> str | None:
    if value is None:
        return None
    text = " ".join(value.split())
    if any(unicodedata.category(c).startswith("C") for c in text):
        raise SnapshotError(f"{name} must be printable text without control characters")
    if len(text) > limit:
        raise SnapshotError(f"{name} is {len(text)} characters; at most {limit} fit on the page")
    return text or None


def validate(request: SnapshotRequest) -> SnapshotRequest:
    """Check every field against the catalogues; return the request with text fields tidied.

    Raises
    ------
    SnapshotError
        Naming the first bad value and what would be accepted.
    """
    known_layers = list(catalogue.catalogue())
    if request.layers is not None:
        unknown = [i for i in request.layers if i not in known_layers]
        if unknown:
            raise SnapshotError(f"unknown layer(s) {shown_list(unknown)}; choose from {known_layers}")
    if request.indicator is not None:
        _choices("indicator", request.indicator, list(indicators.catalogue()))
    _choices("scheme", request.scheme, [s for s in choices.SCHEME_IDS if s != "user_defined"])
    low, high = choices.K_RANGE
    if isinstance(request.k, bool) or not isinstance(request.k, int) or not low <= request.k <= high:
        raise SnapshotError(
            f"k (number of classes) must be a whole number from {low} to {high}, got {shown(request.k)}"
        )
    _choices("palette", request.palette, list(palettes.CLASS_PALETTES))
    _choices("paper", request.paper, list(PAPERS_MM))
    _choices("format", request.fmt, list(FORMATS))
    _choices("dpi", request.dpi, list(DPIS))
    _choices("lang", request.lang, list(LANGS))
    if request.extent != PROVINCE:
        prefectures = boundaries.units("prefecture")["code"].tolist()
        if request.extent not in prefectures:
            raise SnapshotError(
                f"unknown extent {shown(request.extent)}; use 'province' or a prefecture-level code, "
                f"e.g. {prefectures[:3]}"
            )
    if request.fmt == "png":
        width, height = request.pixels
        if width * height > MAX_PIXELS:
            raise SnapshotError(
                f"{request.paper} at {request.dpi} dpi is {width * height / 1e6:.0f} million pixels; the limit is "
                f"{MAX_PIXELS / 1e6:.0f} million: use a lower dpi, or PDF/SVG, which are vector and scale freely"
            )
    return replace(
        request,
        layers=None if request.layers is None else tuple(dict.fromkeys(request.layers)),
        title=_clean_text(request.title, "title", MAX_TITLE_CHARS),
        approval_number=_clean_text(request.approval_number, "approval number", MAX_APPROVAL_CHARS),
    )


_INT = re.compile(r"^\s*\d{1,3}\s*$")


def _as_int(value: object, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INT.match(value):
        return int(value)
    raise SnapshotError(f"{name} must be a whole number, got {shown(value)}")


def _as_text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise SnapshotError(f"{name} must be text, got {type(value).__name__}")
    return value


def request_from_state(state: dict[str, Any]) -> SnapshotRequest:
    """Build and validate a request from the web map's state (values from the browser, untrusted).

    Accepted keys (all optional): ``layers`` (list of layer ids), ``indicator`` (id or
    None), ``scheme``, ``k`` (int or digits), ``palette``, ``extent`` (``"province"`` or a
    prefecture code), ``paper``, ``format`` (pdf/png/svg), ``dpi``, ``lang``, ``title``,
    ``approval_number``. Missing or None values take the defaults.

    Raises
    ------
    SnapshotError
        For an unknown key, a value of the wrong type, or any value ``validate`` refuses.
    """
    if not isinstance(state, dict):
        raise SnapshotError(f"the snapshot state must be an object with keys {list(STATE_KEYS)}")
    unknown = sorted(str(k) for k in state if k not in STATE_KEYS)
    if unknown:
        raise SnapshotError(
            f"unknown key(s) {shown_list(unknown)} in the snapshot state; accepted keys: {list(STATE_KEYS)}"
        )
    given = {k: v for k, v in state.items() if v is not None}
    values: dict[str, Any] = {}
    if "layers" in given:
        layers = given["layers"]
        if not isinstance(layers, list | tuple) or not all(isinstance(i, str) for i in layers):
            raise SnapshotError("layers must be a list of layer ids")
        values["layers"] = tuple(layers)
    for key in ("indicator", "scheme", "palette", "extent", "paper", "lang", "title", "approval_number"):
        if key in given:
            values[key] = _as_text(given[key], key)
    if "format" in given:
        values["fmt"] = _as_text(given["format"], "format").lower()
    for key in ("k", "dpi"):
        if key in given:
            values[key] = _as_int(given[key], key)
    if values.get("indicator") == "":
        values["indicator"] = None
    return validate(SnapshotRequest(**values))
