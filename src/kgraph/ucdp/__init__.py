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
  header in ``convert.py``) so that blank lines, which DictReader skips silently, cannot
  shift the line numbers, and short or long rows are caught.
"""

from .convert import NOTES_SHOWN, ConversionReport, convert_ged
from .importer import import_ged
from .rows import GedRow, RowError, bounds_out_of_order, ged_import_path, parse_row, release_slug, slugify

__all__ = [
    "NOTES_SHOWN",
    "ConversionReport",
    "GedRow",
    "RowError",
    "bounds_out_of_order",
    "convert_ged",
    "ged_import_path",
    "import_ged",
    "parse_row",
    "release_slug",
    "slugify",
]
