"""Dates as analysts meet them: exact, coarse or uncertain (EDTF), or relative to an anchor.

SPARQL cannot filter on EDTF strings, so every date also gets earliest/latest
``xsd:date`` bounds; a relative expression keeps its words and anchor because
the naive resolution is sometimes wrong and must stay checkable.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
from dataclasses import dataclass
from functools import lru_cache

import edtf

from .limits import MAX_DATE_CHARS


class DateSyntaxError(ValueError):
    """The text is neither an ISO date, an EDTF expression nor a relative date mapping."""


@dataclass(frozen=True)
class RelativeDate:
    words: str
    anchor: dt.date
    naive_resolution: str


@dataclass(frozen=True)
class TimeSpan:
    edtf: str
    earliest: dt.date | None
    latest: dt.date | None
    relative: RelativeDate | None = None

    @property
    def exact_date(self) -> dt.date | None:
        return self.earliest if self.earliest is not None and self.earliest == self.latest else None


def _struct_to_date(value: object, text: str) -> dt.date | None:
    if not isinstance(value, time.struct_time):
        return None  # open or unknown end (EDTF "..") has no bound
    if not dt.MINYEAR <= value.tm_year <= dt.MAXYEAR:
        raise DateSyntaxError(_out_of_range(value.tm_year, text))
    try:
        return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
    except ValueError as error:
        raise DateSyntaxError(f"not a valid date: {text!r} ({error})") from error


def _out_of_range(year: int, text: str) -> str:
    """Bounds are xsd:date values made from Python dates, which hold the years 1 to 9999 only."""
    shown = str(year) if len(str(year)) <= 20 else str(year)[:20] + "…"
    return f"year {shown} in {text!r} is outside the years {dt.MINYEAR}-{dt.MAXYEAR} that kgraph's date bounds can hold"


_PLAIN_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@lru_cache(maxsize=4096)
def parse_edtf(text: str) -> TimeSpan:
    """Parse an ISO date or EDTF expression into a span with its bounds.

    Plain ``YYYY``, ``YYYY-MM`` and ``YYYY-MM-DD`` skip the EDTF grammar, which
    costs about 10 ms a call: a dataset of many exact dates would spend its
    build parsing them.
    """
    cleaned = text.strip()
    if len(cleaned) > MAX_DATE_CHARS:
        raise DateSyntaxError(
            f"a date of {len(cleaned)} characters: expected an EDTF expression of at most {MAX_DATE_CHARS}"
        )
    plain = _PLAIN_DATE.match(cleaned)
    if plain and (plain.group(2) is None or plain.group(2) <= "12"):  # 21-24 are EDTF seasons
        return _plain_span(cleaned, *plain.groups())
    try:
        parsed = edtf.parse_edtf(cleaned)
    except Exception as error:  # the edtf library raises its own and ValueError variants
        raise DateSyntaxError(f"not an EDTF date: {text!r}") from error
    try:
        lower, upper = parsed.lower_strict(), parsed.upper_strict()
    except Exception as error:  # the library's own bound arithmetic fails on dates it parsed (e.g. huge years)
        raise DateSyntaxError(f"not a date kgraph can bound: {text!r}") from error
    return TimeSpan(edtf=cleaned, earliest=_struct_to_date(lower, cleaned), latest=_struct_to_date(upper, cleaned))


def _plain_span(text: str, year: str, month: str | None, day: str | None) -> TimeSpan:
    try:
        if day is not None:
            exact = dt.date(int(year), int(month or 1), int(day))
            return TimeSpan(text, exact, exact)
        if month is not None:
            first = dt.date(int(year), int(month), 1)
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            return TimeSpan(text, first, last)
        return TimeSpan(text, dt.date(int(year), 1, 1), dt.date(int(year), 12, 31))
    except ValueError as error:
        raise DateSyntaxError(f"not a valid date: {text!r}") from error


def parse_date_spec(value: object) -> TimeSpan:
    """Read a card's date value: a date, an EDTF string, or ``{words, anchor, resolved}``."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return parse_edtf(value.isoformat())
    if isinstance(value, bool):
        raise DateSyntaxError(f"expected a date, got {value!r}")
    if isinstance(value, int):
        # YAML reads an unquoted ``-0500`` or ``1988`` as a number and drops the zeros EDTF needs.
        if not dt.MINYEAR <= value <= dt.MAXYEAR:
            raise DateSyntaxError(_out_of_range(value, str(value)))
        return parse_edtf(f"{value:04d}")
    if isinstance(value, str):
        return parse_edtf(value)
    if isinstance(value, dict):
        missing = {"words", "anchor", "resolved"} - set(value)
        if missing:
            raise DateSyntaxError(
                "a relative date needs words, anchor and resolved; missing " + ", ".join(sorted(missing))
            )
        anchor = value["anchor"]
        if isinstance(anchor, str):
            try:
                anchor = dt.date.fromisoformat(anchor)
            except ValueError as error:
                raise DateSyntaxError(f"the anchor must be an ISO date, got {anchor!r}") from error
        if not isinstance(anchor, dt.date):
            raise DateSyntaxError(f"the anchor must be an ISO date, got {anchor!r}")
        resolved = value["resolved"]
        resolved_text = resolved.isoformat() if isinstance(resolved, dt.date) else str(resolved)
        span = parse_edtf(resolved_text)
        relative = RelativeDate(words=str(value["words"]), anchor=anchor, naive_resolution=span.edtf)
        return TimeSpan(span.edtf, span.earliest, span.latest, relative)
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:60] + "…"
    raise DateSyntaxError(f"expected a date, an EDTF string or a relative date mapping, got {shown}")
