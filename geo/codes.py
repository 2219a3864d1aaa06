"""Administrative codes and levels: the constants, without geometry (importing this loads nothing heavy).

``HUBEI_CODE`` is the province's GB/T 2260 code; ``LEVELS`` the three levels of its units.
"""

from __future__ import annotations

#: Hubei province (GB/T 2260).
HUBEI_CODE = "420000"
#: The levels of Hubei's administrative units, from the top.
LEVELS: tuple[str, ...] = ("province", "prefecture", "county")
