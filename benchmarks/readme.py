"""The benchmarks' figures in benchmarks/README.md: each script owns the block between its two markers."""

from __future__ import annotations

import os
import re
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"


def write_section(name: str, text: str) -> None:
    """Put ``text`` between ``<!-- name:start -->`` and ``<!-- name:end -->`` (written through a temporary file)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    readme = README.read_text(encoding="utf-8")
    block = f"{start}\n{text}{end}"
    readme = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, readme, flags=re.S)
    tmp = README.with_suffix(".md.tmp")
    tmp.write_text(readme, encoding="utf-8")
    os.replace(tmp, README)
