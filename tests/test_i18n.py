"""The interface's words (app/i18n.py): every text in both languages, every key the code asks for there."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from app import i18n
from app.web import downloads, mapview, search, viewstate

APP = Path(__file__).resolve().parents[1] / "app"
#: A call of ``t`` (or ``i18n.t``) with a literal key, in single or double quotes.
T_CALL = re.compile(r"""(?<![\w.])(?:i18n\.)?t\(\s*(["'])([^"'\\]+)\1""")
#: Chinese characters, CJK punctuation and full-width forms.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _keys_used() -> dict[str, list[str]]:
    """Every literal key passed to ``t`` under app/, with the files that use it."""
    used: dict[str, list[str]] = {}
    for path in sorted(APP.rglob("*.py")):
        for match in T_CALL.finditer(path.read_text(encoding="utf-8")):
            used.setdefault(match[2], []).append(str(path.relative_to(APP.parent)))
    return used


@pytest.mark.parametrize("key", sorted(i18n.TEXT))
def test_every_text_has_chinese_and_english(key):
    zh, en = i18n.TEXT[key]
    if not key.endswith("sep"):  # separators may be empty (Chinese runs words together)
        assert zh.strip() and en.strip()
    # Chinese mode speaks Chinese, except the button that offers English; texts of only
    # punctuation and blanks (a dash, "{region}{indicator}") have no words to translate.
    words = re.sub(r"\{\w*\}", "", zh)
    if key not in ("switch_lang", "switch_lang_label") and any(c.isalpha() for c in words):
        assert CHINESE.search(zh), zh


@pytest.mark.parametrize("key", sorted(i18n.TEXT))
def test_both_languages_fill_the_same_blanks(key):
    def blanks(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}

    zh, en = i18n.TEXT[key]
    assert blanks(zh) == blanks(en)


def test_every_key_the_code_asks_for_exists():
    used = _keys_used()
    assert len(used) > 50  # the pattern still finds the calls
    missing = {key: files for key, files in used.items() if key not in i18n.TEXT}
    assert missing == {}


def test_every_key_named_in_a_choice_table_exists():
    tables = [downloads.SNAPSHOT_PAPERS, downloads.SNAPSHOT_FORMATS, downloads.DOWNLOAD_FORMATS, downloads.DOWNLOAD_CRS]
    keys = [key for table in tables for _, key in table]
    keys += [mapview.BASEMAP_NAMES[b] for b in ("none", *viewstate.BASEMAPS)]
    keys += list(search.HIT_LEVELS.values())
    assert [key for key in keys if key not in i18n.TEXT] == []


def test_the_key_pattern_finds_calls_however_they_are_written():
    found = [
        m[2]
        for m in T_CALL.finditer("""t("a", lang) t('b', 'zh') i18n.t("c", x) f"{t('d', lang)}" at("no") x.t("no")""")
    ]
    assert found == ["a", "b", "c", "d"]
