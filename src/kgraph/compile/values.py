"""The checks every value of a card passes before it becomes RDF: IDs, keys, words, text, URLs, dates and numbers.

rdflib accepts almost anything and writes it: a claim ID with a space becomes
an IRI that breaks every serialisation, ``card: ontology`` lands in the
ontology's graph, ``.nan`` becomes a figure that no aggregate can add, a
mapping where a label belongs becomes the label ``{'a': 1}``. So each value is
checked here, where its file and line are still known, and a bad one ends the
build with one message saying what was expected.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ..errors import CardError, Location
from .vocab import COUNT_UNITS, DURATION_UNITS, MEASURE_UNITS

# Documented in docs/cards.md: lower-case ASCII letters, digits and hyphens, starting with a letter or digit.
# re.ASCII matters: without it \d and str.isdigit accept other scripts' digits.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*", re.ASCII)

# Graph names under kgr:graph/ that kgraph itself writes: a card or dataset ID must not take them.
RESERVED_GRAPH_IDS = frozenset({"ontology", "import"})

LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", re.ASCII)

# Characters that make an IRI invalid (RFC 3987): rdflib would write them and every reader would choke.
_IRI_FORBIDDEN = frozenset(' <>"{}|\\^`')
URL_SCHEMES = ("http", "https")

# Oxigraph stores xsd:integer as a 64-bit number and xsd:decimal with 18 fractional digits; a figure
# beyond that is kept as an ill-typed literal that isNumeric() rejects and every sum silently skips.
MAX_FIGURE = 2**63 - 1
MAX_FRACTION_DIGITS = 18


def slug(value: object, what: str, where: Location) -> str:
    """An ID as docs/cards.md defines it; anything else would end up inside an IRI path."""
    if not isinstance(value, str) or not SLUG.fullmatch(value):
        raise CardError(
            f"expected {what}: lower-case letters, digits and hyphens (like 'shusha-grave'), got {value!r}", where
        )
    return value


def graph_id(value: object, where: Location) -> str:
    """A card's or dataset's ID names its graph ``kgr:graph/<id>``, so kgraph's own graph names are taken."""
    if value is None:
        raise CardError("expected the card's (or dataset's) ID, which names its graph", where)
    graph = slug(value, "the card's (or dataset's) ID", where)
    if graph in RESERVED_GRAPH_IDS:
        raise CardError(
            f"the ID {graph!r} is reserved: kgraph's own graph kgr:graph/{graph} has that name; "
            f"expected another ID (reserved: {', '.join(sorted(RESERVED_GRAPH_IDS))})",
            where,
        )
    return graph


def known_keys(mapping: Mapping[Any, Any], allowed: Collection[str], what: str, where_of) -> None:
    """Refuse a key the compiler would silently ignore: a typo there loses the analyst's data.

    ``where_of(key)`` gives the location of a key, so the message points at the misspelt line.
    """
    unknown = [key for key in mapping if key not in allowed]
    if unknown:
        key = unknown[0]
        raise CardError(f"unknown key {key!r} in {what}; expected one of: {', '.join(sorted(allowed))}", where_of(key))


def word(value: object, table: Mapping[str, URIRef], what: str, where: Location) -> URIRef:
    """A card word from a closed list; the error lists the words that are allowed."""
    if not isinstance(value, str) or value not in table:
        raise CardError(f"expected a {what} ({', '.join(table)}), got {value!r}", where)
    return table[value]


def text(value: object, what: str, where: Location) -> str:
    """Free text (a label, title, note, evidence): a string, or a number or date YAML read from the words.

    A mapping, a list or a yes/no would be written as Python's rendering of it, which nobody typed.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
        raise CardError(f"expected {what} as text, got {value!r}", where)
    words = value.isoformat() if isinstance(value, dt.date) else str(value)
    if not words.strip():
        raise CardError(f"expected {what} as text, got an empty value", where)
    return words


def optional_text(value: object, what: str, where: Location) -> str | None:
    """Like :func:`text`, but an absent or empty value is simply nothing to write."""
    if value is None or value == "":
        return None
    return text(value, what, where)


def language(value: object, where: Location) -> str:
    """A BCP 47 language tag; rdflib raises a bare ValueError on anything else."""
    if not isinstance(value, str) or not LANGUAGE_TAG.fullmatch(value):
        raise CardError(f"expected a language tag such as en, az, hy, ru; got {value!r}", where)
    return value


def flag(value: object, what: str, where: Location) -> bool:
    """A yes/no: ``'no'`` as a string would otherwise count as true."""
    if not isinstance(value, bool):
        raise CardError(f"expected {what} as true or false, got {value!r}", where)
    return value


def url(value: object, where: Location) -> URIRef:
    """A source's web address, written as an IRI: only http(s), and nothing an IRI may not hold.

    ``javascript:`` and ``file:`` addresses end up as links in exports and web pages; spaces, quotes and
    angle brackets make rdflib write an IRI that breaks N-Triples and Turtle readers.
    """
    expected = "an http:// or https:// URL without spaces, quotes, <, > or control characters"
    if not isinstance(value, str):
        raise CardError(f"expected the source URL as {expected}, got {value!r}", where)
    bad = next((c for c in value if c in _IRI_FORBIDDEN or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F), None)
    if bad is not None:
        raise CardError(f"expected {expected}; the URL holds {bad!r}", where)
    try:
        parts = urlsplit(value)
    except ValueError as error:
        raise CardError(f"expected {expected}, got {value!r} ({error})", where) from error
    if parts.scheme.lower() not in URL_SCHEMES or not parts.netloc:
        raise CardError(f"expected {expected}, got {value!r}", where)
    return URIRef(value)


def date_literal(value: object, where: Location) -> Literal:
    """An exact day (``published``, ``curated``): a YAML date or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Literal(value, datatype=XSD.date)
    if isinstance(value, str):
        try:
            return Literal(dt.date.fromisoformat(value.strip()), datatype=XSD.date)
        except ValueError:
            pass
    raise CardError(f"expected a real calendar date as YYYY-MM-DD, got {value!r}", where)


def sha256(value: object, where: Location) -> str:
    """A pinned text hash: 64 hex digits as text. Unquoted, ``000…0`` is the integer 0 and pins nothing."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value, re.ASCII):
        raise CardError(f"expected sha256 as 64 lower-case hex digits in quotes, got {value!r}", where)
    return value


def text_file_name(value: object, where: Location) -> str:
    """The cited text's file name, looked up in the text folders: a name, never a path out of them."""
    if not isinstance(value, str) or not value.strip() or "/" in value or "\\" in value or value in {".", ".."}:
        raise CardError(f"expected the text's file name (no folders), got {value!r}", where)
    return value


def number(value: object, key: str, where: Location) -> Literal:
    """A finite number, typed: aggregates over mixed or ill-typed literals differ between engines."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CardError(f"expected {key} as a number, got {value!r}", where)
    if isinstance(value, float) and not math.isfinite(value):
        hint = " (YAML reads a number past 1e308 as infinity)" if math.isinf(value) else ""
        raise CardError(f"expected {key} as a finite number, got {value!r}{hint}", where)
    if abs(value) > MAX_FIGURE:
        raise CardError(f"expected {key} as a number up to {MAX_FIGURE}, got {value!r}", where)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    decimal = Decimal(repr(value))
    if decimal.as_tuple().exponent < -MAX_FRACTION_DIGITS:  # type: ignore[operator]
        raise CardError(f"expected {key} with at most {MAX_FRACTION_DIGITS} decimal places, got {value!r}", where)
    return Literal(decimal, datatype=XSD.decimal)


def figure_number(value: object, key: str, measure: str, unit: str, where: Location) -> Literal:
    """A figure's value, low, best or high: never negative; whole unless the unit measures time.

    Persons, bodies, families, graves and regions are counts of things (``vocab.COUNT_UNITS``): 5.5 persons
    is a typing error, and a whole number typed as ``5.0`` or ``1e3`` is kept as the integer it is. Hours,
    days and years (``vocab.DURATION_UNITS``) measure time, where "1.5 hours" is what a source says. The
    unit must fit the measure (``vocab.MEASURE_UNITS``), or a count could take decimals by naming hours.
    """
    literal = number(value, key, where)
    if value < 0:  # type: ignore[operator]
        raise CardError(f"expected figure {key} as a number from 0, got {value!r}", where)
    if unit in COUNT_UNITS:
        if isinstance(value, float):
            if not value.is_integer():
                raise CardError(f"expected figure {key} as a whole number of {unit}, got {value!r}", where)
            return Literal(int(value), datatype=XSD.integer)
    elif unit not in DURATION_UNITS:  # a unit added to vocab.UNITS must be classified there too
        raise CardError(f"unit {unit!r} is neither a count nor a duration", where)
    return literal


def unit_fits_measure(measure: str, unit: str, where: Location) -> None:
    """Durations in units of time, everything else in units of things."""
    allowed = MEASURE_UNITS.get(measure, COUNT_UNITS)
    if unit not in allowed:
        raise CardError(
            f"a figure of {measure} is expected in {', '.join(sorted(allowed))}, got unit {unit!r}"
            + (" (the default unit is persons)" if measure in MEASURE_UNITS else ""),
            where,
        )
