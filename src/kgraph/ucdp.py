"""UCDP Georeferenced Event Dataset (GED) rows as claims: ``kgraph import-ucdp FILE.csv``.

The CSV is read as a stream (``csv`` over a file opened with ``newline=""``),
one row at a time, and each row is written straight away as N-Quads into
``data/imports/ucdp-ged-<release>.nq``; the only state kept between rows is
the set of shared nodes (conflicts, actors, administrative units, countries)
already declared, which grows with distinct places and actors, not with rows.
Every build loads that file into ``kgr:graph/import/ucdp-ged-<release>``
(``compile/imports.py``), so the store can always be rebuilt from ``data/``.

What a row becomes (``<r>`` is the release slug, ``23-1``; ``<id>`` the GED ``id``):

- an event ``kgr:event/ucdp-ged-<id>`` (``kg:ArmedClash`` for violence types
  1 and 2, ``kg:OneSidedViolence`` for 3), labelled neutrally with its
  ``relid``; its conflict ``kgr:event/ucdp-conflict-<conflict_new_id>``;
  the actors ``kgr:org/ucdp-actor-<side_*_new_id>`` (the civilians of type 3
  are the people group ``kgr:group/ucdp-civilians``);
- claims, each exactly as the card compiler writes them (claimant
  ``kgr:org/ucdp``, carrier the dataset ``kgr:source/ucdp-ged-<r>``,
  ``kg:recordId`` the GED id, normal rank, asserted, plus the derived plain
  triple) and each ``kg:reportedIn`` the row's news sources
  ``kgr:source/ucdp-ged-<id>-reports``: part of the conflict, the two sides'
  participation, the place, its point, its containment, the time span and the
  death figures. Claim IRIs are ``kgr:claim/ucdp-ged-<r>/<id>-<what>``.
- Entity types and labels are declarations of this file's graph, as in cards.

Decisions:

- **Qualifiers.** The total (``best``, with ``low`` and ``high``) is
  ``kg:Exact`` when low = best = high and ``kg:Approximately`` otherwise. The
  breakdown figures (``deaths_a``, ``deaths_b``, ``deaths_civilians``,
  ``deaths_unknown``) are parts of the best estimate, so they take the total's
  qualifier: exact parts of an exact total, approximate parts of an estimate.
- **Zero parts are not written.** A breakdown column that is 0 adds no figure:
  the parts still sum to the whole (GED's best = a + b + civilians + unknown,
  so the shapes' parts-versus-whole warning stays quiet), and a zero would
  otherwise need groups that do not exist ("combatants of Civilians").
- **Who the parts count.** Sides are organisations, and a figure counts people,
  so ``deaths_a``/``deaths_b`` count ``kgr:group/ucdp-actor-<id>-combatants``
  ("Combatants of <side>"); ``deaths_b`` of a type-3 row, whose side b is the
  civilians, counts ``kgr:group/ucdp-civilians``; ``deaths_unknown`` counts
  ``kgr:group/ucdp-unknown-status``.
- **Spatial precision** (``where_prec`` → ``kg:spatialPrecision``): 1 exact
  point, 2 near point, 3 district (ADM2), 4 region (ADM1), 5 region (larger
  than ADM1), 6 country, 7 region (waters or airspace); the GED code itself is
  kept in ``kg:coordinateSource`` ("UCDP where_prec 5: ...").
- **Containment.** Site → ADM2 → ADM1 → country, empty levels skipped. GED
  repeats district names across provinces (Mexico has several "Benito
  Juárez" municipalities), so an ADM2 node's slug includes its ADM1:
  ``kgr:place/ucdp-adm2-<country_id>-<adm_1>--<adm_2>``; ADM1 nodes are
  ``kgr:place/ucdp-adm1-<country_id>-<adm_1>``; countries
  ``kgr:place/ucdp-country-<country_id>``, except 373 (``kgr:place/azerbaijan``)
  and 371 (``kgr:place/armenia``) of the reference gazetteer. The site's
  containment is claimed by each row; an ADM unit's own containment is claimed
  once, when it is first declared, with the record ID of that row and no news
  source (UCDP's coding, not the reporter's words).
- **News sources.** One ``kg:Source`` per row with ``dcterms:title`` = the
  headline(s), ``rdfs:comment`` = ``source_article`` (and the publishers and
  original informant, prefixed), ``kg:publishedOn`` only when ``source_date``
  is one valid date. A row with no source fields at all gets no such node and
  its claims no ``kg:reportedIn``.
- **Estimates out of order are data, not malformed rows.** Real GED rows
  have high below best (two of the 60 sample rows: 299515 and 381442). The
  shapes require a figure's low <= best <= high, so such a bound is not put on
  the total: it becomes a figure of its own (``<id>-deaths-high-estimate``,
  ``kg:AtMost``, with ``kg:high`` and a comment; ``-low-estimate`` with
  ``kg:AtLeast``), claimed by UCDP like the rest, and the conversion report
  lists the row in ``notes``. Summing ``kg:low`` / ``kg:best`` / ``kg:high``
  over the figures without ``kg:partOfFigure`` still gives GED's column sums.
- **Malformed rows** (a missing or non-integer id, a bad or reversed date, a
  death count that is not a whole number, coordinates out of range, an unknown
  violence / precision code, the wrong number of columns, an id used twice)
  fail with the file and the physical line where the row starts;
  ``strict=False`` skips them and lists each with its line in the report.
  Rows are read with ``csv.reader`` (DictReader's own engine, zipped with the
  header here) so that blank lines, which DictReader skips silently, cannot
  shift the line numbers, and short or long rows are caught.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import math
import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from .api import KnowledgeGraph
from .build import BuildResult
from .compile.imports import import_graph_iri
from .errors import CardError, Location
from .stores import RemoteSettings

ID = "https://w3id.org/kgraph/id/"
KG = "https://w3id.org/kgraph/ontology#"
UCDP_DOWNLOADS = "https://ucdp.uu.se/downloads/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _iri(value: str) -> str:
    """An IRI as N-Quads writes it (pyoxigraph checks and escapes it)."""
    return str(ox.NamedNode(value))


def _text(value: str, language: str | None = None) -> str:
    return str(ox.Literal(value, language=language) if language else ox.Literal(value))


def _typed(value: str, datatype: str) -> str:
    return str(ox.Literal(value, datatype=ox.NamedNode(datatype)))


class _KgTerms(dict[str, str]):
    """``kg:`` terms by local name, serialised on first use."""

    def __missing__(self, name: str) -> str:
        self[name] = term = _iri(KG + name)
        return term


class _Terms:
    """The vocabulary terms written on every row, serialised once."""

    def __init__(self) -> None:
        self.kg = _KgTerms()
        self.type = _iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        self.label = _iri("http://www.w3.org/2000/01/rdf-schema#label")
        self.comment = _iri("http://www.w3.org/2000/01/rdf-schema#comment")
        self.title = _iri("http://purl.org/dc/terms/title")
        self.identifier = _iri("http://purl.org/dc/terms/identifier")
        self.version = _iri("https://schema.org/version")
        self.url = _iri("https://schema.org/url")
        self.attributed_to = _iri("http://www.w3.org/ns/prov#wasAttributedTo")
        self.geometry = _iri("http://www.opengis.net/ont/geosparql#Geometry")
        self.as_wkt = _iri("http://www.opengis.net/ont/geosparql#asWKT")
        self.wkt = "http://www.opengis.net/ont/geosparql#wktLiteral"


T = _Terms()

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
# Gleditsch-Ward codes of the countries the reference gazetteer already holds.
REFERENCE_COUNTRIES: dict[int, str] = {373: "azerbaijan", 371: "armenia"}

REQUIRED_COLUMNS = (  # noqa: SIM905 - the GED columns read, as one string
    "id relid type_of_violence conflict_new_id conflict_name side_a_new_id side_a side_b_new_id side_b "
    "source_article source_office source_date source_headline source_original where_prec where_coordinates "
    "where_description adm_1 adm_2 latitude longitude country country_id date_prec date_start date_end "
    "deaths_a deaths_b deaths_civilians deaths_unknown best high low"
).split()
DEATH_COLUMNS = ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
INTEGER = re.compile(r"-?\d+")
PROGRESS_EVERY = 2000  # rows between progress-bar updates
NOTES_SHOWN = 20  # the summary lists every skipped row, but only this many notes (all are in the data)


# ------------------------------------------------------------------------------------------------ rows


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


# ------------------------------------------------------------------------------------------------ RDF


class _GedWriter:
    """Writes one file's N-Quads: the dataset's description once, then each row's quads as it comes."""

    def __init__(self, sink: TextIO, *, graph: str, release: str, file_name: str) -> None:
        self.sink = sink
        self.graph_suffix = f" {_iri(graph)} .\n"
        self.card = f"ucdp-ged-{release_slug(release)}"
        self.dataset = _iri(f"{ID}source/{self.card}")
        self.ucdp = _iri(f"{ID}org/ucdp")
        self.declared: set[str] = set()
        self.lines: list[str] = []
        self.quads = 0
        self._describe_file(graph, release, file_name)

    # -- plumbing ------------------------------------------------------------------------------

    def _q(self, subject: str, predicate: str, obj: str) -> None:
        self.lines.append(f"{subject} {predicate} {obj}{self.graph_suffix}")

    def flush(self) -> None:
        chunk = "".join(self.lines)
        self.sink.write(chunk)
        self.quads += chunk.count("\n")  # one line per quad: N-Quads escapes newlines inside literals
        self.lines.clear()

    def _node(self, kind: str, local: str) -> str:
        return _iri(f"{ID}{kind}/{self.card}/{local}")

    def _first_time(self, node: str) -> bool:
        """True once per node and file: shared nodes are declared only when first met."""
        if node in self.declared:
            return False
        self.declared.add(node)
        return True

    def _declare(self, node: str, cls: str, label: str) -> None:
        self._q(node, T.type, cls)
        self._q(node, T.label, _text(label, "en"))

    def _claim(self, row: GedRow, what: str, subject: str, predicate: str, obj: str, reports: str | None) -> None:
        """A claim node as the card compiler makes one, plus its derived plain triple (one string: it is hot)."""
        n, g, k = self._node("claim", what), self.graph_suffix, T.kg
        cited = f"{n} {k['reportedIn']} {reports}{g}" if reports is not None else ""
        self.lines.append(
            f"{n} {T.type} {k['Claim']}{g}{n} {k['subject']} {subject}{g}{n} {k['predicate']} {predicate}{g}"
            f"{n} {k['object']} {obj}{g}{n} {k['rank']} {k['NormalRank']}{g}{n} {T.attributed_to} {self.ucdp}{g}"
            f"{n} {k['carriedBy']} {self.dataset}{g}{n} {k['recordId']} {_text(str(row.id))}{g}"
            f"{n} {k['stance']} {k['Asserted']}{g}{cited}{subject} {predicate} {obj}{g}"
        )

    # -- once per file ------------------------------------------------------------------------

    def _describe_file(self, graph: str, release: str, file_name: str) -> None:
        q = self._q
        self._declare(self.ucdp, T.kg["Organisation"], "Uppsala Conflict Data Program (UCDP)")
        q(self.dataset, T.type, T.kg["Dataset"])
        q(self.dataset, T.title, _text(f"UCDP Georeferenced Event Dataset (GED) Global version {release}", "en"))
        q(self.dataset, T.version, _text(release))
        q(self.dataset, T.url, _iri(UCDP_DOWNLOADS))
        q(self.dataset, T.kg["maintainer"], self.ucdp)
        graph_node = _iri(graph)
        q(graph_node, T.type, T.kg["SourceGraph"])
        q(graph_node, T.kg["describesSource"], self.dataset)
        q(graph_node, T.kg["curator"], _iri(f"{ID}org/kgraph-curators"))
        q(graph_node, T.kg["fromCard"], _text(f"imports/{file_name}"))
        self.flush()

    # -- one row ------------------------------------------------------------------------------

    def write(self, row: GedRow) -> None:
        event = _iri(f"{ID}event/ucdp-ged-{row.id}")
        self._declare(event, T.kg[VIOLENCE_TYPES[row.violence]], f"UCDP GED event {row.relid}")
        self._q(event, T.identifier, _text(row.relid))
        reports = self._reports(row)
        self._conflict(row, event, reports)
        self._sides(row, event, reports)
        self._place(row, event, reports)
        self._time(row, event, reports)
        self._figures(row, event, reports)
        self.flush()

    def _reports(self, row: GedRow) -> str | None:
        """The news sources the row was coded from; the row's claims cite them with kg:reportedIn."""
        fields = (row.source_article, row.source_office, row.source_date, row.source_headline, row.source_original)
        if not any(fields):
            return None
        node = _iri(f"{ID}source/ucdp-ged-{row.id}-reports")
        q = self._q
        q(node, T.type, T.kg["Source"])
        q(node, T.label, _text(f"News sources of UCDP GED event {row.relid}", "en"))
        if row.source_headline:
            q(node, T.title, _text(row.source_headline))
        if row.source_article:
            q(node, T.comment, _text(row.source_article))
        if row.source_office:
            q(node, T.comment, _text(f"Publishers: {row.source_office}"))
        if row.source_original:
            q(node, T.comment, _text(f"Original informant: {row.source_original}"))
        if ISO_DATE.fullmatch(row.source_date):
            try:
                published = dt.date.fromisoformat(row.source_date)
            except ValueError:
                return node
            q(node, T.kg["publishedOn"], _typed(published.isoformat(), XSD + "date"))
        return node

    def _conflict(self, row: GedRow, event: str, reports: str | None) -> None:
        conflict = _iri(f"{ID}event/ucdp-conflict-{row.conflict_id}")
        if self._first_time(conflict):
            self._declare(conflict, T.kg["ArmedConflict"], row.conflict_name or f"UCDP conflict {row.conflict_id}")
            self._q(conflict, T.identifier, _text(f"UCDP conflict {row.conflict_id}"))
        self._claim(row, f"{row.id}-part-of", event, T.kg["partOf"], conflict, reports)

    def _actor(self, actor_id: int, name: str) -> str:
        actor = _iri(f"{ID}org/ucdp-actor-{actor_id}")
        if self._first_time(actor):
            self._declare(actor, T.kg["Organisation"], name or f"UCDP actor {actor_id}")
            self._q(actor, T.identifier, _text(f"UCDP actor {actor_id}"))
        return actor

    def _group(self, slug: str, label: str) -> str:
        group = _iri(f"{ID}group/{slug}")
        if self._first_time(group):
            self._declare(group, T.kg["PeopleGroup"], label)
        return group

    def _sides(self, row: GedRow, event: str, reports: str | None) -> None:
        side_a = self._actor(row.side_a_id, row.side_a)
        one_sided = row.violence == 3
        roles = (T.kg["Perpetrator"], T.kg["Victim"]) if one_sided else (T.kg["Party"], T.kg["Party"])
        if row.civilians_are_side_b:
            side_b = self._group("ucdp-civilians", "Civilians")
        else:
            side_b = self._actor(row.side_b_id, row.side_b)
        for what, who, role in (("side-a", side_a, roles[0]), ("side-b", side_b, roles[1])):
            participation = self._node("participation", f"{row.id}-{what}")
            self._q(participation, T.type, T.kg["Participation"])
            self._q(participation, T.kg["participant"], who)
            self._q(participation, T.kg["role"], role)
            self._claim(row, f"{row.id}-{what}", event, T.kg["hasParticipation"], participation, reports)

    def _place(self, row: GedRow, event: str, reports: str | None) -> None:
        site = _iri(f"{ID}place/ucdp-ged-{row.id}-location")
        self._declare(site, T.kg["Site"], row.where_coordinates or f"Location of UCDP GED event {row.relid}")
        if row.where_description:
            self._q(site, T.comment, _text(row.where_description, "en"))
        self._claim(row, f"{row.id}-place", event, T.kg["place"], site, reports)

        geometry = self._node("geometry", f"{row.id}-location")
        precision, meaning = WHERE_PRECISION[row.where_prec]
        self._q(geometry, T.type, T.geometry)
        self._q(geometry, T.as_wkt, _typed(f"POINT({row.longitude!r} {row.latitude!r})", T.wkt))
        self._q(geometry, T.kg["spatialPrecision"], T.kg[precision])
        self._q(geometry, T.kg["coordinateSource"], _text(f"UCDP where_prec {row.where_prec}: {meaning}"))
        self._claim(row, f"{row.id}-location-point", site, T.kg["hasGeometry"], geometry, reports)

        container = self._containers(row)
        self._claim(row, f"{row.id}-location-in", site, T.kg["locatedIn"], container, reports)

    def _containers(self, row: GedRow) -> str:
        """The innermost administrative unit of the row, declaring the chain up to the country once."""
        country_slug = REFERENCE_COUNTRIES.get(row.country_id)
        if country_slug is None:
            country_slug = f"ucdp-country-{row.country_id}"
            country = _iri(f"{ID}place/{country_slug}")
            if self._first_time(country):
                self._declare(country, T.kg["Country"], row.country or f"UCDP country {row.country_id}")
                self._q(country, T.identifier, _text(f"Gleditsch-Ward {row.country_id}"))
        inner = _iri(f"{ID}place/{country_slug}")
        if row.adm_1:
            adm1_slug = f"ucdp-adm1-{row.country_id}-{slugify(row.adm_1)}"
            inner = self._unit(row, adm1_slug, T.kg["Region"], row.adm_1, inner)
        if row.adm_2:
            adm1_part = f"{slugify(row.adm_1)}--" if row.adm_1 else "-"
            adm2_slug = f"ucdp-adm2-{row.country_id}-{adm1_part}{slugify(row.adm_2)}"
            inner = self._unit(row, adm2_slug, T.kg["AdministrativeDistrict"], row.adm_2, inner)
        return inner

    def _unit(self, row: GedRow, slug: str, cls: str, label: str, container: str) -> str:
        unit = _iri(f"{ID}place/{slug}")
        if self._first_time(unit):
            self._declare(unit, cls, label)
            self._claim(row, f"{slug}-located-in", unit, T.kg["locatedIn"], container, None)
        return unit

    def _time(self, row: GedRow, event: str, reports: str | None) -> None:
        span = self._node("time", str(row.id))
        start, end = row.date_start.isoformat(), row.date_end.isoformat()
        self._q(span, T.type, T.kg["TimeSpan"])
        self._q(span, T.kg["edtf"], _text(start if start == end else f"{start}/{end}"))
        self._q(span, T.kg["earliest"], _typed(start, XSD + "date"))
        self._q(span, T.kg["latest"], _typed(end, XSD + "date"))
        precision = f"UCDP date_prec {row.date_prec}: {DATE_PRECISION[row.date_prec]}"
        self._q(span, T.comment, _text(precision, "en"))
        self._claim(row, f"{row.id}-when", event, T.kg["when"], span, reports)

    def _figure(self, node: str, qualifier: str, value: int) -> None:
        self._q(node, T.type, T.kg["Figure"])
        self._q(node, T.kg["measure"], T.kg["Killed"])
        self._q(node, T.kg["qualifier"], qualifier)
        self._q(node, T.kg["unit"], T.kg["PersonsUnit"])
        self._q(node, T.kg["value"], _typed(str(value), XSD + "integer"))

    def _figures(self, row: GedRow, event: str, reports: str | None) -> None:
        deaths = row.deaths
        exact = deaths["low"] == deaths["best"] == deaths["high"]
        qualifier = T.kg["Exact"] if exact else T.kg["Approximately"]
        total = self._node("figure", f"{row.id}-deaths")
        self._figure(total, qualifier, deaths["best"])
        self._q(total, T.kg["best"], _typed(str(deaths["best"]), XSD + "integer"))
        self._claim(row, f"{row.id}-deaths", event, T.kg["hasFigure"], total, reports)
        self._bounds(row, event, reports, total)
        for column, suffix, group in self._parts(row):
            if deaths[column] == 0:
                continue
            part = self._node("figure", f"{row.id}-deaths-{suffix}")
            self._figure(part, qualifier, deaths[column])
            self._q(part, T.kg["partOfFigure"], total)
            self._q(part, T.kg["counts"], group())
            self._claim(row, f"{row.id}-deaths-{suffix}", event, T.kg["hasFigure"], part, reports)

    def _bounds(self, row: GedRow, event: str, reports: str | None, total: str) -> None:
        """low and high on the total; a bound on the wrong side of best becomes a figure of its own."""
        best = row.deaths["best"]
        for bound, in_order, qualifier, side in (
            ("low", row.deaths["low"] <= best, "AtLeast", "above"),
            ("high", row.deaths["high"] >= best, "AtMost", "below"),
        ):
            number = row.deaths[bound]
            literal = _typed(str(number), XSD + "integer")
            if in_order:
                self._q(total, T.kg[bound], literal)
                continue
            figure = self._node("figure", f"{row.id}-deaths-{bound}-estimate")
            self._figure(figure, T.kg[qualifier], number)
            self._q(figure, T.kg[bound], literal)
            note = (
                f"UCDP's {bound} estimate ({number}) is {side} its best estimate ({best}): kept as a figure of its own"
            )
            self._q(figure, T.comment, _text(note, "en"))
            self._claim(row, f"{row.id}-deaths-{bound}-estimate", event, T.kg["hasFigure"], figure, reports)

    def _parts(self, row: GedRow) -> list[tuple[str, str, Callable[[], str]]]:
        """Breakdown column, IRI suffix, and the group it counts (declared only if a figure needs it)."""

        def combatants(actor_id: int, name: str) -> Callable[[], str]:
            return lambda: self._group(f"ucdp-actor-{actor_id}-combatants", f"Combatants of {name}")

        civilians = lambda: self._group("ucdp-civilians", "Civilians")  # noqa: E731
        side_b = civilians if row.civilians_are_side_b else combatants(row.side_b_id, row.side_b)
        return [
            ("deaths_a", "a", combatants(row.side_a_id, row.side_a)),
            ("deaths_b", "b", side_b),
            ("deaths_civilians", "civilians", civilians),
            ("deaths_unknown", "unknown", lambda: self._group("ucdp-unknown-status", "People of unknown status")),
        ]


# ------------------------------------------------------------------------------------------------ reading


@dataclass
class ConversionReport:
    """What one conversion did: rows read, events written, and every row skipped with its line and reason."""

    csv_path: Path
    out_path: Path
    release: str
    rows_read: int = 0
    events_written: int = 0
    quads_written: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows_skipped(self) -> int:
        return len(self.skipped)


class _SeenIds:
    """GED ids met so far, as a bitmap (ids are below a million today; larger ones fall back to a set)."""

    LIMIT = 1 << 26  # a bitmap of at most 8 MB

    def __init__(self) -> None:
        self.bits = bytearray()
        self.other: set[int] = set()

    def add(self, number: int) -> bool:
        """False if ``number`` was seen before."""
        if not 0 <= number < self.LIMIT:
            if number in self.other:
                return False
            self.other.add(number)
            return True
        index, bit = divmod(number, 8)
        if index >= len(self.bits):
            self.bits.extend(bytes(max(index + 1 - len(self.bits), len(self.bits))))
        if self.bits[index] >> bit & 1:
            return False
        self.bits[index] |= 1 << bit
        return True


def _read_header(reader: Iterator[list[str]], csv_path: Path) -> list[str]:
    header = next(reader, None)
    if not header:
        raise CardError("expected a header row with the GED column names; the file is empty", Location(csv_path, 1))
    header = [name.strip() for name in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise CardError(f"the header lacks required GED columns: {', '.join(missing)}", Location(csv_path, 1))
    return header


def _physical_rows(
    reader: Iterator[list[str]], line_num: Callable[[], int], csv_path: Path
) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) of each row; a quoted field may span lines, so the start is tracked."""
    ended = line_num()
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as error:
            raise CardError(f"cannot read the CSV: {error}", Location(csv_path, ended + 1)) from error
        start, ended = ended + 1, line_num()
        if fields:  # a blank line is no row
            yield start, fields


def _checked_rows(csv_path: Path, handle: TextIO, report: ConversionReport, strict: bool) -> Iterator[GedRow]:
    reader = csv.reader(handle)
    header = _read_header(reader, csv_path)
    seen = _SeenIds()
    for start, fields in _physical_rows(reader, lambda: reader.line_num, csv_path):
        report.rows_read += 1
        values = dict(zip(header, fields, strict=False))
        try:
            if len(fields) != len(header):
                raise RowError(f"expected {len(header)} fields as in the header, got {len(fields)}")
            row = parse_row(values)
            if not seen.add(row.id):
                raise RowError("expected a unique id, but an earlier row has the same id")
            disagreement = bounds_out_of_order(row)
            if disagreement:
                report.notes.append(
                    (start, f"row id {row.id}: {disagreement}; the bound is kept as a figure of its own")
                )
        except RowError as problem:
            message = f"row id {values.get('id', '').strip() or '(none)'}: {problem}"
            if strict:
                raise CardError(message, Location(csv_path, start)) from None
            report.skipped.append((start, message))
            continue
        yield row


def _progress_bar():
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    return Progress(
        TextColumn("[bold]converting[/]"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _convert(csv_path: Path, writer: _GedWriter, report: ConversionReport, strict: bool, progress: bool) -> None:
    size = csv_path.stat().st_size
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = _checked_rows(csv_path, handle, report, strict)
        if not progress:
            for row in rows:
                writer.write(row)
                report.events_written += 1
            return
        with _progress_bar() as bar:
            task = bar.add_task("convert", total=size)
            for row in rows:
                writer.write(row)
                report.events_written += 1
                if report.events_written % PROGRESS_EVERY == 0:
                    bar.update(task, completed=handle.buffer.tell())
            bar.update(task, completed=size)


def convert_ged(
    csv_path: Path, out_path: Path, *, release: str, strict: bool = True, progress: bool = True
) -> ConversionReport:
    """Convert a GED CSV to N-Quads at ``out_path``, row by row; returns a ConversionReport.

    The quads go to a temporary file beside ``out_path`` that replaces it only
    when the whole file converted; on any error ``out_path`` is as it was. The
    graph is the one the build gives ``out_path`` (``kgr:graph/import/<stem>``).
    Raises CardError (file and line) for a malformed row when ``strict``;
    otherwise skips it and lists it in ``report.skipped``.
    """
    csv_path, out_path = Path(csv_path), Path(out_path)
    report = ConversionReport(csv_path, out_path, release)
    if not csv_path.is_file():
        raise CardError("no such CSV file", Location(csv_path))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as sink:
            writer = _GedWriter(sink, graph=import_graph_iri(out_path).value, release=release, file_name=out_path.name)
            _convert(csv_path, writer, report, strict, progress)
            sink.flush()
            os.fsync(sink.fileno())
            report.quads_written = writer.quads
        os.replace(partial, out_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return report


# ------------------------------------------------------------------------------------------------ command


def _keep_previous(target: Path) -> Path | None:
    """A hard link (or copy) of the current import, to put back if the build fails."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.previous")
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


def _put_back(target: Path, backup: Path | None) -> None:
    if backup is not None:
        if target.exists() and os.path.samefile(backup, target):
            backup.unlink()  # never replaced; rename() between two links of one file would do nothing
        else:
            os.replace(backup, target)
    else:
        target.unlink(missing_ok=True)


def import_ged(
    csv_path: Path,
    *,
    release: str,
    strict: bool,
    data_dir: Path,
    store_path: Path | RemoteSettings,
    texts: tuple[Path, ...] = (),
    progress: bool = True,
) -> tuple[ConversionReport, BuildResult, dict[str, int]]:
    """Convert into ``data/imports/`` and rebuild the store; on any failure data/ and the store stay as they were.

    Returns (ConversionReport, BuildResult, store counts).
    """
    target = ged_import_path(data_dir, release)
    new_folder = not target.parent.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    backup = _keep_previous(target)
    try:
        report = convert_ged(csv_path, target, release=release, strict=strict, progress=progress)
        kg = KnowledgeGraph.open(store_path)
        try:
            kg.data_dir, kg.texts = Path(data_dir), [Path(t) for t in texts]
            result = kg.build(data_dir, texts=texts)
            counts = kg.stats()
        finally:
            kg.close()
    except BaseException:
        _put_back(target, backup)
        if new_folder and not any(target.parent.iterdir()):
            target.parent.rmdir()
        raise
    if backup is not None:
        backup.unlink(missing_ok=True)
    return report, result, counts
