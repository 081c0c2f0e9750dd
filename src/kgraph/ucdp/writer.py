"""N-Quads for GED rows: the dataset's description once per file, then each row's claims as it comes.

One class, :class:`GedWriter`, and the RDF terms it writes, each serialised
only once (``T``), because it runs once per row of files with hundreds of
thousands of rows. It keeps the set of shared nodes already declared, so
conflicts, actors and places are declared once per file; the rows come
checked from :mod:`.rows`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TextIO

import pyoxigraph as ox

from .rows import DATE_PRECISION, ISO_DATE, VIOLENCE_TYPES, WHERE_PRECISION, GedRow, release_slug, slugify

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

# Gleditsch-Ward codes of the countries the reference gazetteer already holds.
REFERENCE_COUNTRIES: dict[int, str] = {373: "azerbaijan", 371: "armenia"}


class GedWriter:
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
