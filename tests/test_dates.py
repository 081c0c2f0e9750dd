"""Dates keep what the source said (EDTF, relative words) and gain bounds SPARQL can filter on."""

from __future__ import annotations

import datetime as dt

import pytest

from kgraph.dates import DateSyntaxError, parse_date_spec


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2025-05-01", dt.date(2025, 5, 1), dt.date(2025, 5, 1)),
        ("1992-02", dt.date(1992, 2, 1), dt.date(1992, 2, 29)),
        ("1988/1994", dt.date(1988, 1, 1), dt.date(1994, 12, 31)),
        ("2020-23", dt.date(2020, 9, 1), dt.date(2020, 11, 30)),  # EDTF season 23 = autumn
        ("199X", dt.date(1990, 1, 1), dt.date(1999, 12, 31)),
    ],
)
def test_edtf_gets_earliest_and_latest_bounds(text, earliest, latest):
    span = parse_date_spec(text)
    assert (span.edtf, span.earliest, span.latest) == (text, earliest, latest)


def test_an_open_end_has_no_latest_bound():
    span = parse_date_spec("2020/..")
    assert span.earliest == dt.date(2020, 1, 1) and span.latest is None


def test_a_yaml_date_is_an_exact_day():
    assert parse_date_spec(dt.date(2025, 5, 1)).exact_date == dt.date(2025, 5, 1)


def test_a_relative_date_keeps_words_anchor_and_naive_resolution():
    span = parse_date_spec({"words": "last September", "anchor": dt.date(2025, 5, 3), "resolved": "2024-09"})
    assert span.relative is not None
    assert span.relative.words == "last September"
    assert span.relative.anchor == dt.date(2025, 5, 3)
    assert span.relative.naive_resolution == "2024-09"
    assert (span.earliest, span.latest) == (dt.date(2024, 9, 1), dt.date(2024, 9, 30))


@pytest.mark.parametrize(
    "bad",
    ["last week", "2025-13-01", {"words": "Thursday"}, {"words": "x", "anchor": "soon", "resolved": "2025"}, 3.5],
)
def test_unreadable_dates_are_errors(bad):
    with pytest.raises(DateSyntaxError):
        parse_date_spec(bad)
