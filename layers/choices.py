"""The defaults of an indicator map: scheme, number of classes, palette (no heavy imports).

``layers.classify`` and ``layers.palettes`` apply them; the CLI's parser only needs the defaults,
so it reads them here without loading numpy or mapclassify.
"""

from __future__ import annotations

#: Classification schemes by id, in the order menus offer them (``layers.classify.SCHEMES`` applies them).
SCHEME_IDS = ("quantiles", "natural_breaks", "equal_interval", "user_defined")
DEFAULT_SCHEME = "quantiles"
DEFAULT_K = 5
#: Fewest and most classes.
K_RANGE = (2, 9)
#: The palette a classed map opens with.
DEFAULT_SEQUENTIAL = "blues"
