"""How error messages quote what a person (or a request) sent: short, and never the whole of it.

A refused value is echoed back so the message says what was wrong; a value sent by a
browser or a script can be megabytes long, so it is quoted with ``repr`` (control
characters and NULs visible) and cut to ``MAX_SHOWN`` characters.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Longest quotation of a refused value in a message (characters of its ``repr``).
MAX_SHOWN = 60
#: At most this many refused values are listed in one message.
MAX_LISTED = 5


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """``repr(value)``, cut to ``limit`` characters with the full length said when cut."""
    text = repr(value)
    if len(text) <= limit:
        return text
    size = f"{len(value)} characters" if isinstance(value, str) else f"{len(text)} characters as text"
    return f"{text[: limit - 1]}… ({size})"


def shown_list(values: Iterable[object]) -> str:
    """A list of refused values for a message: the first ``MAX_LISTED``, each quoted by ``shown``."""
    items = list(values)
    listed = ", ".join(shown(v) for v in items[:MAX_LISTED])
    more = f", … {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
    return f"[{listed}{more}]"
