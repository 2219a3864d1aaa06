"""Indicators people bring themselves: parse, validate and join a CSV table, then register it.

``parse_table`` is used by both the CLI (``hubei-map indicators add``) and the web
upload. A table joins on a 6-digit ``code`` column or on Chinese names (``name`` or
``name_zh``: the exact name, or a unique match without the generic suffix such as 市/区/县).
Every row that cannot be joined or read is reported by row number and value; nothing
is returned (or written) unless the whole table is valid.
"""

from __future__ import annotations

import csv
import io as _io
import json
import re
from dataclasses import dataclass, field

import pandas as pd

from geo import boundaries, io
from geo.paths import DATA_DIR
from layers import indicators

#: Largest table accepted (bytes); a per-unit table of Hubei is a few kilobytes.
MAX_BYTES = 2_000_000
ENCODINGS = ("utf-8-sig", "gb18030")
CODE_COLUMNS = ("code", "代码", "行政区划代码", "adcode")
NAME_COLUMNS = ("name", "name_zh", "名称", "地区")
VALUE_COLUMNS = ("value", "数值", "值")
_SUFFIX = re.compile(r"(土家族苗族自治州|自治州|自治县|林区|市|区|县)$")


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


def _decode(content: bytes) -> tuple[str, str]:
    for enc in ENCODINGS:
        try:
            return content.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise ValueError("the file is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8 CSV")


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
    if not content.strip():
        return ParsedTable(None, [f"{name}: the file is empty"])
    try:
        text, encoding = _decode(content)
        reader = csv.DictReader(_io.StringIO(text))
        rows = list(reader)
        columns = list(reader.fieldnames or [])
    except (ValueError, csv.Error) as exc:
        return ParsedTable(None, [f"{name}: {exc}"])
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
    problems: list[str] = []
    out: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        raw_code = (row.get(code_col) or "").strip() if code_col else ""
        raw_name = (row.get(name_col) or "").strip() if name_col else ""
        if raw_code:
            code = raw_code.split(".")[0].zfill(6) if raw_code.replace(".", "").isdigit() else raw_code
            if code not in known:
                problems.append(
                    f"{name}, row {number}, field '{code_col}': {raw_code!r} is not a {level}-level Hubei code"
                )
                continue
        elif raw_name:
            candidates = [exact[raw_name]] if raw_name in exact else short.get(_SUFFIX.sub("", raw_name), [])
            if len(candidates) != 1:
                why = "matches several units" if candidates else f"matches no {level}-level unit"
                problems.append(f"{name}, row {number}, field '{name_col}': {raw_name!r} {why}; use the 6-digit code")
                continue
            code = candidates[0]
        else:
            problems.append(f"{name}, row {number}: no code or name")
            continue
        raw_value = (row.get(value_col) or "").strip().replace(",", "")
        try:
            value = float(raw_value)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
        except ValueError:
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
    catalogue entry, each atomically. Returns the paths written.

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
    io.write_text_atomic(table.to_csv(index=False, lineterminator="\n"), table_path)
    io.write_text_atomic(buf.getvalue(), sources_path)
    io.write_text_atomic(json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n", cat_path)
    return [str(table_path), str(sources_path), str(cat_path)]
