"""Where the committed data lives.

The data folder is the repository's ``data/``; set ``HUBEI_MAP_DATA`` to point
elsewhere (for example a copy with edited layers).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The repository's data folder (files a person can read, diff and edit).
DATA_DIR = Path(os.environ.get("HUBEI_MAP_DATA", Path(__file__).resolve().parent.parent / "data"))
#: Administrative boundaries and their provenance.
BOUNDARIES_DIR = DATA_DIR / "boundaries"
