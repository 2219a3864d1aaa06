"""Indicators people bring themselves: parse, validate and join a CSV table, then register it.

``parse_table`` is used by both the CLI (``hubei-map indicators add``) and the web
upload. A table joins on a 6-digit ``code`` column or on Chinese names (``name`` or
``name_zh``: the exact name, or a unique match without the generic suffix such as 市/区/县).
Every row that cannot be joined or read is reported by row number and value; nothing
is returned (or written) unless the whole table is valid.

Cells are read as people type them in Chinese spreadsheets: full-width digits, letters
and punctuation (``１２３``, ``４２０１００``, ``，``) are normalised (Unicode NFKC) before
joining or parsing, and a value may use thousands separators (``1,234.5``). Anything else
that is not a plain decimal number (``1,5``, ``12%``, ``-``, ``—``, ``NaN``, ``inf``,
``1e999``, digits of other scripts) is refused, never guessed. A row whose code and name
both resolve, but to different units, is refused.
"""

from __future__ import annotations

import csv
import io as _io
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from geo import boundaries, datafiles
from geo.paths import DATA_DIR
from layers import indicators

#: Largest table accepted (bytes); a per-unit table of Hubei is a few kilobytes.
MAX_BYTES = 2_000_000
ENCODINGS = ("utf-8-sig", "gb18030")
CODE_COLUMNS = ("code", "代码", "行政区划代码", "adcode")
NAME_COLUMNS = ("name", "name_zh", "名称", "地区")
VALUE_COLUMNS = ("value", "数值", "值")
_SUFFIX = re.compile(r"(土家族苗族自治州|自治州|自治县|林区|市|区|县)$")
#: A plain decimal number, optionally with correctly grouped thousands separators (ASCII only).
_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][+-]?\d+)?|[+-]?\.\d+([eE][+-]?\d+)?", re.ASCII)


@dataclass
class ParsedTable:
    """The outcome of parsing: the joined values, or the problems (never both)."""

    values: pd.DataFrame | None
    problems: list[str] = field(default_factory=list)
    encoding: str | None = None
    join: str | None = None  # "code" or "name"

    @property
    def ok(self) -> bool:
        """True when every row was read and joined."""
        return self.values is not None and not self.problems


def _cell(text: str | None) -> str:
    """A cell as typed, normalised: full-width forms to ASCII (NFKC), surrounding space removed."""
    return unicodedata.normalize("NFKC", text or "").strip()


def parse_number(text: str | None) -> float | None:
    """The finite number a cell holds, or None if it is not a plain decimal number (see the module notes)."""
    cell = _cell(text)
    if not _NUMBER.fullmatch(cell):
        return None
    value = float(cell.replace(",", ""))
    return value if math.isfinite(value) else None


def _pick(columns: list[str], choices: tuple[str, ...]) -> str | None:
    lowered = {c.strip().lower(): c for c in columns}
    return next((lowered[c] for c in choices if c in lowered), None)


def _name_lookup(level: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    units = boundaries.units(level)
    exact = dict(zip(units["name_zh"], units["code"], strict=True))
    short: dict[str, list[str]] = {}
    for name, code in exact.items():
        short.setdefault(_SUFFIX.sub("", name), []).append(code)
    return exact, short


def parse_table(
    content: bytes, *, level: str = "prefecture", source_id: str = "USER", name: str = "table"
) -> ParsedTable:
    """Parse an uploaded CSV (bytes) into indicator values at ``level``.

    Parameters
    ----------
    content
        The file's bytes: UTF-8 (with or without BOM) or GBK CSV, with a header row.
    level
        ``"prefecture"`` or ``"county"``: the units the codes or names refer to.
    source_id
        Source id recorded on every row (the user's source).
    name
        The file's name, used in messages.

    Returns
    -------
    ``ParsedTable`` with ``values`` (``layers.indicators.VALUE_COLUMNS``) when every row
    is valid, else ``problems``: one message per bad row, naming the row (1 = first data
    row) and the value.
    """
    if level not in indicators.LEVELS:
        return ParsedTable(None, [f"level must be one of {indicators.LEVELS}, got {level!r}"])
    if len(content) > MAX_BYTES:
        return ParsedTable(None, [f"{name}: {len(content):,} bytes is over the {MAX_BYTES:,}-byte limit for a table"])
    try:
        columns, rows, encoding = datafiles.read_csv_rows(name, content, encodings=ENCODINGS)
    except datafiles.DataFileError as exc:
        return ParsedTable(None, [str(exc)])
    code_col, name_col, value_col = (
        _pick(columns, CODE_COLUMNS),
        _pick(columns, NAME_COLUMNS),
        _pick(columns, VALUE_COLUMNS),
    )
    if value_col is None or (code_col is None and name_col is None):
        return ParsedTable(
            None,
            [f"{name}: needs a 'value' column and a 'code' (6-digit) or 'name' (Chinese name) column; found {columns}"],
            encoding,
        )
    if not rows:
        return ParsedTable(None, [f"{name}: the table has a header but no rows"], encoding)
    exact, short = _name_lookup(level)
    known = set(exact.values())
    code_name = {code: unit_name for unit_name, code in exact.items()}
    problems: list[str] = []
    out: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        raw_code = _cell(row.get(code_col)) if code_col else ""
        raw_name = _cell(row.get(name_col)) if name_col else ""
        # The exact name, else a name without its suffix as typed (沙市 for 沙市区), else with one stripped (襄阳市).
        named = (
            [exact[raw_name]] if raw_name in exact else short.get(raw_name) or short.get(_SUFFIX.sub("", raw_name), [])
        )
        if raw_code:
            code = raw_code.split(".")[0].zfill(6) if raw_code.replace(".", "").isdigit() else raw_code
            if code not in known:
                problems.append(
                    f"{name}, row {number}, field '{code_col}': {raw_code!r} is not a {level}-level Hubei code"
                )
                continue
            if named and code not in named:
                problems.append(
                    f"{name}, row {number}, field '{name_col}': {raw_name!r} is not the unit of code {code} "
                    f"({code_name[code]}); correct the code or the name"
                )
                continue
        elif raw_name:
            if len(named) != 1:
                why = "matches several units" if named else f"matches no {level}-level unit"
                problems.append(f"{name}, row {number}, field '{name_col}': {raw_name!r} {why}; use the 6-digit code")
                continue
            code = named[0]
        else:
            problems.append(f"{name}, row {number}: no code or name")
            continue
        if not _cell(row.get(value_col)):
            problems.append(
                f"{name}, row {number}, field '{value_col}': empty; a unit without a figure has no data: "
                "delete its row (never enter 0)"
            )
            continue
        value = parse_number(row.get(value_col))
        if value is None:
            problems.append(f"{name}, row {number}, field '{value_col}': {row.get(value_col)!r} is not a finite number")
            continue
        if code in seen:
            problems.append(f"{name}, row {number}: unit {code} already given in row {seen[code]}")
            continue
        seen[code] = number
        out.append(
            {
                "code": code,
                "value": value,
                "source_ids": [source_id],
                "confidence": None,
                "note": row.get("note") or None,
            }
        )
    if problems:
        return ParsedTable(None, problems, encoding, "code" if code_col else "name")
    return ParsedTable(
        pd.DataFrame(out, columns=list(indicators.VALUE_COLUMNS)), [], encoding, "code" if code_col else "name"
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", text.lower()).strip("_")


def register(
    parsed: ParsedTable,
    *,
    indicator_id: str,
    title_zh: str,
    title_en: str,
    unit_zh: str,
    unit_en: str,
    year: str,
    level: str,
    source_title: str,
    source_publisher: str | None = None,
    source_date: str | None = None,
    source_url: str | None = None,
    confidence: str = "M",
    replace: bool = False,
) -> list[str]:
    """Write a parsed table into the data folder and add it to the indicator catalogue.

    Writes ``indicators/<id>.csv``, a row in ``sources.csv`` (id ``U-<id>``) and the
    catalogue entry as one change: all three files are written in full before any is
    renamed into place, so a failure leaves the data folder as it was. Returns the paths written.

    Raises
    ------
    ValueError
        If the table did not parse, the id is taken (without ``replace``), or the id is not
        a plain identifier.
    """
    if not parsed.ok or parsed.values is None:
        raise ValueError("the table has problems; nothing was written:\n" + "\n".join(parsed.problems))
    if _slug(indicator_id) != indicator_id or not indicator_id:
        raise ValueError(
            f"indicator id must be lower-case letters, digits and _ (e.g. 'rd_spend_2023'), got {indicator_id!r}"
        )
    cat_path = indicators.CATALOGUE_FILE
    catalogue = json.loads(cat_path.read_text(encoding="utf-8"))
    taken = [e["id"] for e in catalogue["indicators"]]
    if (indicator_id in taken or (DATA_DIR / "indicators" / f"{indicator_id}.csv").exists()) and not replace:
        raise ValueError(f"indicator {indicator_id!r} exists; pass --replace to overwrite it")
    source_id = f"U-{indicator_id}"
    table = parsed.values.assign(source_ids=source_id, confidence=confidence)
    entry = {
        "id": indicator_id,
        "title_zh": title_zh,
        "title_en": title_en,
        "unit_zh": unit_zh,
        "unit_en": unit_en,
        "year": str(year),
        "level": level,
        "kind": "numeric",
        "data": f"indicators/{indicator_id}.csv",
        "derived": None,
        "formula_zh": None,
        "formula_en": None,
        "source_ids": [source_id],
        "licence": "unknown",
        "confidence": confidence,
        "description_zh": f"用户添加的指标（{source_title}）。",
        "description_en": f"Indicator added by a user ({source_title}).",
    }
    indicators.spec_from_entry(entry, len(taken) + 1, cat_path)  # validate before writing anything
    sources_path = DATA_DIR / "sources.csv"
    with sources_path.open(encoding="utf-8", newline="") as f:
        source_rows = [r for r in csv.DictReader(f) if r["source_id"] != source_id]
    source_rows.append(
        {
            "source_id": source_id,
            "title": source_title,
            "publisher": source_publisher or "",
            "date": source_date or "",
            "url": source_url or "",
            "read_at": source_url or "supplied by the user who added the table",
            "confidence": confidence,
            "note": "added with hubei-map indicators add",
        }
    )
    buf = _io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(source_rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    writer.writerows(source_rows)
    catalogue["indicators"] = [e for e in catalogue["indicators"] if e["id"] != indicator_id] + [entry]
    table_path = DATA_DIR / f"indicators/{indicator_id}.csv"
    written = datafiles.write_texts_atomic(  # all three or none
        {
            # Every text quoted: a carriage return inside a note must not end the row.
            table_path: table.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC),
            sources_path: buf.getvalue(),
            cat_path: json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n",
        }
    )
    return [str(path) for path in written]
