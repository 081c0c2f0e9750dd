"""Limits on what a file may make kgraph do, so a hostile or mistaken file fails fast with a message.

Each limit is far above what a real card needs (the founding article's card is
under 100 KB and 5 levels deep) and far below what exhausts memory or the stack.
"""

from __future__ import annotations

import os

from .errors import KgraphError

MAX_DEPTH = 64
"""Levels of nested mappings and lists in one YAML file; cards use about five."""

DEFAULT_MAX_CARD_BYTES = 50 * 1024 * 1024
"""Size of one YAML file: a card of 50 MB is some 500,000 claims; larger means a mistake or an attack."""

MAX_CARD_BYTES_ENV = "KGRAPH_MAX_CARD_BYTES"


def max_card_bytes() -> int:
    """The size limit for one YAML file, from ``KGRAPH_MAX_CARD_BYTES`` when set."""
    raw = os.environ.get(MAX_CARD_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_CARD_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise KgraphError(f"{MAX_CARD_BYTES_ENV} must be a positive whole number of bytes, got {raw!r}")
    return value


MAX_DATE_CHARS = 100
"""Length of one date expression: the EDTF grammar takes about 60 ms per element of a set, so 1,000 characters
took 8 s; real expressions (``1988/1994``, ``[1667,1668]``, ``2004-06~/2004-07``) are a few dozen."""
