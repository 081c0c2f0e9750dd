"""What a GED row is: its columns and codes, checking and typing one row, and the slugs its IRIs use.

Kept free of RDF so that the checks can be read (and tested) as plain
validation: :mod:`.writer` turns a :class:`GedRow` into quads, :mod:`.convert`
feeds rows from the CSV and decides what a :class:`RowError` costs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import CardError

# where_prec → (kg:spatialPrecision, what the GED code means)
WHERE_PRECISION: dict[int, tuple[str, str]] = {
    1: ("ExactPoint", "exact location"),
    2: ("NearPoint", "within about 25 km of a known point"),
    3: ("DistrictLevel", "second-order administrative division (ADM2)"),
    4: ("RegionLevel", "first-order administrative division (ADM1)"),
    5: ("RegionLevel", "larger than ADM1 but smaller than the country"),
    6: ("CountryLevel", "country"),
    7: ("RegionLevel", "international waters or airspace"),
}
DATE_PRECISION: dict[int, str] = {
    1: "exact day",
    2: "within 2 to 6 days",
    3: "within a week",
    4: "within a month",
    5: "within a year",
}
VIOLENCE_TYPES: dict[int, str] = {1: "ArmedClash", 2: "ArmedClash", 3: "OneSidedViolence"}

REQUIRED_COLUMNS = (  # noqa: SIM905 - the GED columns read, as one string
    "id relid type_of_violence conflict_new_id conflict_name side_a_new_id side_a side_b_new_id side_b "
    "source_article source_office source_date source_headline source_original where_prec where_coordinates "
    "where_description adm_1 adm_2 latitude longitude country country_id date_prec date_start date_end "
    "deaths_a deaths_b deaths_civilians deaths_unknown best high low"
).split()
DEATH_COLUMNS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
INTEGER = re.compile(r"-?\d+")


class RowError(ValueError):
    """A row that cannot be converted; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class GedRow:
    """One GED event, checked; the text fields stripped."""

    id: int
    relid: str
    violence: int
    conflict_id: int
    conflict_name: str
    side_a_id: int
    side_a: str
    side_b_id: int
    side_b: str
    source_article: str
    source_office: str
    source_date: str
    source_headline: str
    source_original: str
    where_prec: int
    where_coordinates: str
    where_description: str
    adm_1: str
    adm_2: str
    latitude: float
    longitude: float
    country: str
    country_id: int
    date_prec: int
    date_start: dt.date
    date_end: dt.date
    deaths: Mapping[str, int]

    @property
    def civilians_are_side_b(self) -> bool:
        return self.violence == 3 and self.side_b.casefold() == "civilians"


def _integer(values: Mapping[str, str], column: str, what: str = "an integer") -> int:
    text = values[column].strip()
    if not INTEGER.fullmatch(text):
        raise RowError(f"expected {what} in {column}, got {text!r}")
    return int(text)


def _code(values: Mapping[str, str], column: str, allowed: Mapping[int, object]) -> int:
    code = _integer(values, column, f"a code ({', '.join(map(str, allowed))})")
    if code not in allowed:
        raise RowError(f"expected {column} to be one of {', '.join(map(str, allowed))}, got {code}")
    return code


def _date(values: Mapping[str, str], column: str) -> dt.date:
    text = values[column].strip()
    try:
        if ISO_DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise RowError(f"expected {column} as a date YYYY-MM-DD, got {text!r}")


def _coordinate(values: Mapping[str, str], column: str, limit: int) -> float:
    text = values[column].strip()
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not -limit <= number <= limit:  # also false for NaN
        raise RowError(f"expected {column} as a number from {-limit} to {limit}, got {text!r}")
    return number


def _deaths(values: Mapping[str, str]) -> dict[str, int]:
    deaths = {column: _integer(values, column, "a whole number of deaths (0 or more)") for column in DEATH_COLUMNS}
    for column, number in deaths.items():
        if number < 0:
            raise RowError(f"expected a whole number of deaths (0 or more) in {column}, got {number}")
    return deaths


def bounds_out_of_order(row: GedRow) -> str | None:
    """UCDP's own estimates disagreeing (low above best, or high below it): kept, but said so."""
    low, best, high = (row.deaths[column] for column in ("low", "best", "high"))
    problems = [f"low {low} is above best {best}"] * (low > best) + [f"high {high} is below best {best}"] * (
        high < best
    )
    return "; ".join(problems) or None


def parse_row(values: Mapping[str, str]) -> GedRow:
    """Check one row (column → text) and type its fields; raises RowError saying what was expected."""
    event_id = _integer(values, "id", "an integer id")
    if event_id <= 0:
        raise RowError(f"expected a positive integer id, got {event_id}")
    date_start, date_end = _date(values, "date_start"), _date(values, "date_end")
    if date_end < date_start:
        raise RowError(f"expected date_end on or after date_start, got {date_start} to {date_end}")
    text = {column: " ".join(values[column].split()) for column in REQUIRED_COLUMNS}
    return GedRow(
        id=event_id,
        relid=text["relid"],
        violence=_code(values, "type_of_violence", VIOLENCE_TYPES),
        conflict_id=_integer(values, "conflict_new_id"),
        conflict_name=text["conflict_name"],
        side_a_id=_integer(values, "side_a_new_id"),
        side_a=text["side_a"],
        side_b_id=_integer(values, "side_b_new_id"),
        side_b=text["side_b"],
        source_article=text["source_article"],
        source_office=text["source_office"],
        source_date=text["source_date"],
        source_headline=text["source_headline"],
        source_original=text["source_original"],
        where_prec=_code(values, "where_prec", WHERE_PRECISION),
        where_coordinates=text["where_coordinates"],
        where_description=text["where_description"],
        adm_1=text["adm_1"],
        adm_2=text["adm_2"],
        latitude=_coordinate(values, "latitude", 90),
        longitude=_coordinate(values, "longitude", 180),
        country=text["country"],
        country_id=_integer(values, "country_id"),
        date_prec=_code(values, "date_prec", DATE_PRECISION),
        date_start=date_start,
        date_end=date_end,
        deaths=_deaths(values),
    )


def slugify(text: str) -> str:
    """ASCII slug for an IRI; names with no Latin letters get a short hash instead.

    >>> slugify("Qaḑā al Mawşil")
    'qada-al-mawsil'
    >>> slugify("Nīnawá province")
    'ninawa-province'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def release_slug(release: str) -> str:
    """``23.1`` → ``23-1``: the release as it appears in file names and IRIs."""
    slug = re.sub(r"[^a-z0-9]+", "-", release.strip().lower()).strip("-")
    if not slug:
        raise CardError(f"expected a GED release such as 23.1, got {release!r}")
    return slug


def ged_import_path(data_dir: Path, release: str) -> Path:
    return Path(data_dir) / "imports" / f"ucdp-ged-{release_slug(release)}.nq"
