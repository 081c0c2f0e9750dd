"""One claim in a card becomes a claim node, its value node, its evidence and its plain triple.

The claim node is the record of who said what; the plain triple (``event
kg:place place``) is derived from it for easy querying, in the same named
graph, and only while the claim is not deprecated by a correction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from ..dates import DateSyntaxError, TimeSpan, parse_date_spec
from ..errors import CardError, Location
from ..namespaces import GEO, KG, KGR, OA, WD, claim_iri, geonames_iri
from ..yamlfile import line_of
from .quotes import TextLibrary
from .registry import AGENTS, Registry
from .values import figure_number, known_keys, language, number, slug, text, unit_fits_measure, word
from .vocab import MEASURES, PRECISIONS, QUALIFIERS, ROLES, STANCES, UNITS

CLAIM_KEYS_OPTIONAL = frozenset(
    {"quote", "at", "record", "stance", "in", "claimed", "corrects", "evidence", "note", "confidence"}
)
FIGURE_KEYS = frozenset({"measure", "of", "value", "qualifier", "unit", "low", "best", "high", "part_of", "subset_of"})
NAME_KEYS = frozenset({"text", "lang", "used_by", "kind"})
POINT_KEYS = frozenset({"lat", "lon", "precision", "source"})
PARTICIPANT_KEYS = frozenset({"who", "role"})


@dataclass
class CardContext:
    """What every claim of one file shares: its graph, carrier, language and source text."""

    card_id: str
    file: Path
    graph: Graph
    carrier: URIRef
    curation_record: URIRef
    language: str
    source_id: str
    text: str | None
    text_file: str | None
    locations: dict[URIRef, Location]
    curator: str = ""
    claim_lines: dict[str, Location] = field(default_factory=dict)
    figure_claims: set[str] = field(default_factory=set)
    deprecated: set[str] = field(default_factory=set)

    def at(self, node: Any, key: str | int | None = None) -> Location:
        return Location(self.file, line_of(node, key))

    def node(self, kind: str, claim_id: str, suffix: str = "") -> URIRef:
        return KGR[f"{kind}/{self.card_id}/{claim_id}{suffix}"]


@dataclass(frozen=True)
class Statement:
    predicate: URIRef
    value: URIRef | Literal
    derived: bool = True  # framing words are kept on the claim only


class ClaimCompiler:
    def __init__(self, registry: Registry, texts: TextLibrary) -> None:
        self.registry = registry
        self.texts = texts
        self._statement_builders: dict[str, Callable[[CardContext, str, Any, Location], Statement]] = {
            "place": self._place_ref(KG.place),
            "located_in": self._place_ref(KG.locatedIn),
            "near": self._place_ref(KG.near),
            "part_of": self._part_of,
            "same_event_as": self._same_event_as,
            "when": self._when,
            "participant": self._participant,
            "figure": self._figure,
            "name": self._name,
            "characterisation": self._characterisation,
            "point": self._point,
            "wikidata": self._wikidata,
            "geonames": self._geonames,
        }

    @property
    def statement_keys(self) -> list[str]:
        return sorted(self._statement_builders)

    def compile(self, ctx: CardContext, claim: Mapping[str, Any]) -> URIRef:
        claim_id = str(claim["id"])
        here = ctx.at(claim, "id")
        unknown = set(claim) - {"id", "about", "by"} - CLAIM_KEYS_OPTIONAL - set(self._statement_builders)
        if unknown:
            key = sorted(unknown)[0]
            raise CardError(
                f"unknown key {key!r} in claim {claim_id!r}; expected one of: "
                + ", ".join(sorted({"about", "by", *CLAIM_KEYS_OPTIONAL, *self._statement_builders})),
                ctx.at(claim, key),
            )
        statement_keys = [k for k in claim if k in self._statement_builders]
        if len(statement_keys) != 1:
            raise CardError(
                f"claim {claim_id!r} needs exactly one statement key ({', '.join(self.statement_keys)}), "
                f"found {len(statement_keys)}",
                here,
            )
        if "about" not in claim:
            raise CardError(f"claim {claim_id!r} needs 'about': the ID of what it is about", here)
        subject = self.registry.resolve(
            claim["about"], ("event", "place", "group", "org", "person"), ctx.at(claim, "about")
        ).iri
        key = statement_keys[0]
        statement = self._statement_builders[key](ctx, claim_id, claim[key], ctx.at(claim, key))

        node = claim_iri(ctx.card_id, claim_id)
        ctx.locations[node] = here
        g = ctx.graph
        g.add((node, RDF.type, KG.Claim))
        g.add((node, KG.subject, subject))
        g.add((node, KG.predicate, statement.predicate))
        g.add((node, KG.object, statement.value))
        deprecated = claim_id in ctx.deprecated
        g.add((node, KG.rank, KG.DeprecatedRank if deprecated else KG.NormalRank))
        if statement.derived and not deprecated:
            g.add((subject, statement.predicate, statement.value))

        if "by" in claim:  # a missing claimant is left for the shapes to report as a violation
            claimant = self.registry.resolve(claim["by"], AGENTS, ctx.at(claim, "by")).iri
            g.add((node, PROV.wasAttributedTo, claimant))
        self._evidence(ctx, claim_id, claim, node)
        self._qualifiers(ctx, claim_id, claim, node)
        return node

    # -- evidence -------------------------------------------------------------------------------

    def _evidence(self, ctx: CardContext, claim_id: str, claim: Mapping[str, Any], node: URIRef) -> None:
        g = ctx.graph
        if "quote" in claim:
            quote = claim["quote"]
            if not isinstance(quote, str) or not quote.strip():
                raise CardError("expected the quote as non-empty text", ctx.at(claim, "quote"))
            start = claim.get("at")
            if not isinstance(start, int) or isinstance(start, bool) or start < 0:
                raise CardError(
                    f"claim {claim_id!r} needs 'at': the quote's character offset in the source text "
                    "(a whole number from 0)",
                    ctx.at(claim, "at" if "at" in claim else "quote"),
                )
            verified = self.texts.check(
                ctx.text, quote, start, ctx.at(claim, "quote"), ctx.source_id, ctx.text_file or "?"
            )
            quote_node = ctx.node("quote", claim_id)
            exact = ctx.node("quote", claim_id, "/exact")
            position = ctx.node("quote", claim_id, "/position")
            g.add((node, KG.carriedBy, ctx.carrier))
            g.add((node, KG.quote, quote_node))
            g.add((quote_node, RDF.type, KG.Quote))
            g.add((quote_node, OA.hasSource, ctx.carrier))
            g.add((quote_node, OA.hasSelector, exact))
            g.add((quote_node, OA.hasSelector, position))
            g.add((quote_node, KG.offsetsVerified, Literal(verified)))
            g.add((exact, RDF.type, OA.TextQuoteSelector))
            g.add((exact, OA.exact, Literal(quote, lang=ctx.language)))
            g.add((position, RDF.type, OA.TextPositionSelector))
            g.add((position, OA.start, Literal(start, datatype=XSD.integer)))
            g.add((position, OA.end, Literal(start + len(quote), datatype=XSD.integer)))
        elif "record" in claim:
            # A dataset's row or record: the locator is the evidence, there is no text to quote.
            g.add((node, KG.carriedBy, ctx.carrier))
            g.add((node, KG.recordId, Literal(text(claim["record"], "the record", ctx.at(claim, "record")))))
        elif "evidence" in claim:
            # A curator's own finding: carried by the card itself, with the evidence in words.
            g.add((node, KG.carriedBy, ctx.curation_record))
            evidence = text(claim["evidence"], "the evidence", ctx.at(claim, "evidence"))
            g.add((node, KG.evidenceNote, Literal(evidence, lang="en")))
        else:
            # No evidence: carried by the source but unanchored; the shapes report it.
            g.add((node, KG.carriedBy, ctx.carrier))

    def _qualifiers(self, ctx: CardContext, claim_id: str, claim: Mapping[str, Any], node: URIRef) -> None:
        g = ctx.graph
        g.add((node, KG.stance, word(claim.get("stance", "asserted"), STANCES, "stance", ctx.at(claim, "stance"))))
        if "in" in claim:
            event = self.registry.resolve(claim["in"], ("event",), ctx.at(claim, "in")).iri
            g.add((node, KG.madeIn, event))
        if "claimed" in claim:
            span = self._time_span(ctx, claim_id, "/claimed", claim["claimed"], ctx.at(claim, "claimed"))
            g.add((node, KG.claimedAt, span))
        if "corrects" in claim:
            target = slug(claim["corrects"], "the ID of the claim corrected", ctx.at(claim, "corrects"))
            if target not in ctx.claim_lines:
                raise CardError(
                    f"'corrects' names {target!r}, which is no claim of this card", ctx.at(claim, "corrects")
                )
            g.add((node, KG.corrects, claim_iri(ctx.card_id, str(target))))
        if "confidence" in claim:
            value = claim["confidence"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise CardError(f"expected a confidence from 0 to 1, got {value!r}", ctx.at(claim, "confidence"))
            g.add((node, KG.confidence, Literal(Decimal(str(value)), datatype=XSD.decimal)))
        if "note" in claim:
            g.add((node, RDFS.comment, Literal(text(claim["note"], "the note", ctx.at(claim, "note")), lang="en")))

    # -- statements -----------------------------------------------------------------------------

    def _place_ref(self, predicate: URIRef) -> Callable[[CardContext, str, Any, Location], Statement]:
        def build(ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
            return Statement(predicate, self.registry.resolve(value, ("place",), where).iri)

        return build

    def _part_of(self, ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
        return Statement(KG.partOf, self.registry.resolve(value, ("event",), where).iri)

    def _same_event_as(self, ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
        """An event of a card, or one that only an import holds (``kgr:event/ucdp-ged-155395``)."""
        if isinstance(value, str) and value.startswith("kgr:event/"):
            local = slug(value.removeprefix("kgr:event/"), "an event ID after kgr:event/", where)
            return Statement(KG.sameEventAs, KGR[f"event/{local}"])
        return Statement(KG.sameEventAs, self.registry.resolve(value, ("event",), where).iri)

    def _when(self, ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
        return Statement(KG.when, self._time_span(ctx, claim_id, "", value, where))

    def _time_span(self, ctx: CardContext, claim_id: str, suffix: str, value: Any, where: Location) -> URIRef:
        try:
            span: TimeSpan = parse_date_spec(value)
        except DateSyntaxError as error:
            raise CardError(str(error), where) from error
        except (ValueError, OverflowError) as error:  # a calendar the date library cannot hold (year -500)
            raise CardError(f"expected a date from year 1 to 9999, got {value!r} ({error})", where) from error
        node = ctx.node("time", claim_id, suffix)
        g = ctx.graph
        g.add((node, RDF.type, KG.TimeSpan))
        g.add((node, KG.edtf, Literal(span.edtf)))
        if span.earliest is not None:
            g.add((node, KG.earliest, Literal(span.earliest, datatype=XSD.date)))
        if span.latest is not None:
            g.add((node, KG.latest, Literal(span.latest, datatype=XSD.date)))
        if span.relative is not None:
            expression = ctx.node("time", claim_id, suffix + "/expression")
            g.add((node, KG.expression, expression))
            g.add((expression, RDF.type, KG.RelativeDate))
            g.add((expression, KG.words, Literal(span.relative.words, lang=ctx.language)))
            g.add((expression, KG.anchor, Literal(span.relative.anchor, datatype=XSD.date)))
            g.add((expression, KG.naiveResolution, Literal(span.relative.naive_resolution)))
        ctx.locations[node] = where
        return node

    def _participant(self, ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
        if not isinstance(value, Mapping) or "who" not in value or "role" not in value:
            raise CardError("expected participant: {who: ID, role: ROLE}", where)
        known_keys(value, PARTICIPANT_KEYS, "a participant", lambda _key: where)
        role = word(value["role"], ROLES, "role", where)
        who = self.registry.resolve(value["who"], AGENTS, where).iri
        node = ctx.node("participation", claim_id)
        ctx.graph.add((node, RDF.type, KG.Participation))
        ctx.graph.add((node, KG.participant, who))
        ctx.graph.add((node, KG.role, role))
        ctx.locations[node] = where
        return Statement(KG.hasParticipation, node)

    def _figure(self, ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
        if not isinstance(value, Mapping):
            raise CardError("expected figure: {measure, value, qualifier, ...}", where)
        known_keys(value, FIGURE_KEYS, "a figure", lambda _key: where)
        measure = word(value.get("measure"), MEASURES, "measure", where)
        qualifier = word(value.get("qualifier", "exact"), QUALIFIERS, "qualifier", where)
        unit = word(value.get("unit", "persons"), UNITS, "unit", where)
        unit_fits_measure(value["measure"], value.get("unit", "persons"), where)
        node = ctx.node("figure", claim_id)
        g = ctx.graph
        g.add((node, RDF.type, KG.Figure))
        g.add((node, KG.measure, measure))
        g.add((node, KG.qualifier, qualifier))
        g.add((node, KG.unit, unit))
        if "value" not in value and not ({"low", "best", "high"} & set(value)):
            raise CardError("a figure needs a value or low / best / high", where)
        for key, predicate in (("value", KG.value), ("low", KG.low), ("best", KG.best), ("high", KG.high)):
            if key in value:
                number_of = figure_number(value[key], key, value["measure"], value.get("unit", "persons"), where)
                g.add((node, predicate, number_of))
        if "of" in value:
            g.add((node, KG.counts, self.registry.resolve(value["of"], ("group",), where).iri))
        for key, predicate in (("part_of", KG.partOfFigure), ("subset_of", KG.subsetOfFigure)):
            if key in value:
                other = value[key]
                if not isinstance(other, str) or other not in ctx.figure_claims:
                    raise CardError(f"figure {key} names {other!r}, which is no figure claim of this card", where)
                g.add((node, predicate, ctx.node("figure", str(other))))
        ctx.locations[node] = where
        return Statement(KG.hasFigure, node)

    def _name(self, ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
        if not isinstance(value, Mapping) or "text" not in value or "lang" not in value:
            raise CardError("expected name: {text: ..., lang: az, used_by: [ID, ...]}", where)
        known_keys(value, NAME_KEYS, "a name", lambda _key: where)
        lang = language(value["lang"], where)
        node = ctx.node("name", claim_id)
        g = ctx.graph
        g.add((node, RDF.type, KG.Name))
        g.add((node, KG.text, Literal(text(value["text"], "the name's text", where), lang=lang)))
        used_by = value.get("used_by", [])
        if not isinstance(used_by, (str, list)):
            raise CardError(f"expected used_by as an ID or a list of IDs, got {used_by!r}", where)
        for user in [used_by] if isinstance(used_by, str) else used_by:
            g.add((node, KG.usedBy, self.registry.resolve(user, AGENTS, where).iri))
        if "kind" in value:
            g.add((node, KG.nameKind, Literal(text(value["kind"], "the name's kind", where))))
        ctx.locations[node] = where
        return Statement(KG.hasName, node)

    def _characterisation(self, ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
        if not isinstance(value, str) or not value.strip():
            raise CardError("expected the characterising words as text", where)
        return Statement(KG.characterisedAs, Literal(value, lang=ctx.language), derived=False)

    def _point(self, ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
        if not isinstance(value, Mapping) or "lat" not in value or "lon" not in value:
            raise CardError("expected point: {lat: .., lon: .., precision: .., source: ..}", where)
        known_keys(value, POINT_KEYS, "a point", lambda _key: where)
        lat, lon = number(value["lat"], "lat", where), number(value["lon"], "lon", where)
        if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
            raise CardError(f"coordinates out of range: lat {lat}, lon {lon}", where)
        precision = word(value.get("precision", "exact"), PRECISIONS, "precision", where)
        node = ctx.node("geometry", claim_id)
        g = ctx.graph
        g.add((node, RDF.type, GEO.Geometry))
        g.add((node, GEO.asWKT, Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral)))
        g.add((node, KG.spatialPrecision, precision))
        if "source" in value:
            g.add((node, KG.coordinateSource, Literal(text(value["source"], "the point's source", where))))
        ctx.locations[node] = where
        return Statement(KG.hasGeometry, node)

    def _wikidata(self, ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
        if not isinstance(value, str) or not re.fullmatch(r"Q[1-9][0-9]*", value):
            raise CardError(f"expected a Wikidata item ID such as Q227, got {value!r}", where)
        return Statement(SKOS.exactMatch, WD[value])

    def _geonames(self, ctx: CardContext, claim_id: str, value: Any, where: Location) -> Statement:
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise CardError(f"expected a GeoNames ID (a whole number), got {value!r}", where)
        return Statement(SKOS.exactMatch, geonames_iri(value))
