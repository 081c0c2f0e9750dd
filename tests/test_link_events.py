"""Imported UCDP events that match curated ones: coarse matches go to review, links never merge figures."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ruamel.yaml import YAML

from conftest import FIXTURES, run_kgraph
from kgraph import KnowledgeGraph
from kgraph.queries.catalog import StoredQuery

GED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "ucdp-ged" / "ged231-sample-60.csv"
KHOJALY = "https://w3id.org/kgraph/id/event/khojaly-killings-1992"


def test_a_coarse_match_is_a_lead_and_an_accepted_link_shows_both_figures(data_copy: Path, tmp_path: Path, corpus):
    store = tmp_path / "store"
    imported = run_kgraph("import-ucdp", str(GED), "--data", str(data_copy), "--store", str(store))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    linked = run_kgraph("link", "--target", "events", "--data", str(data_copy), "--store", str(store))
    assert linked.returncode == 0, linked.stdout + linked.stderr

    # GED 155395 (a village in Khojaly district, 11 February 1992) overlaps "February 1992" in
    # Khojaly: a lead for a curator, not a link, because the curated date is a whole month.
    card = YAML(typ="safe").load((data_copy / "sources" / "links-events.yaml").read_text(encoding="utf-8"))
    assert card["claims"] == []
    review = YAML(typ="safe").load((data_copy / "review" / "events.yaml").read_text(encoding="utf-8"))
    leads = {(c["entity"], c["candidate"]) for c in review["candidates"]}
    assert ("khojaly-killings-1992", "kgr:event/ucdp-ged-155395") in leads
    assert not any(candidate.endswith("ucdp-ged-376126") for _, candidate in leads)  # 2020: no overlap

    # A curator's decision (here made only to exercise the mechanism) is a claim of its own; the
    # disputes query keeps the event's own figures, linked-figures lists UCDP's beside them.
    accepted = run_kgraph(
        "link",
        "--target",
        "events",
        "--accept",
        "khojaly-killings-1992",
        "kgr:event/ucdp-ged-155395",
        "--data",
        str(data_copy),
        "--store",
        str(store),
    )
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    kg = KnowledgeGraph.open(store, read_only=True)
    own = kg.query("disputes", event=KHOJALY, measure="kg:Killed").rows
    assert (613, "unverified-publisher") in {(row["value"], row["claimant"].rsplit("/", 1)[-1]) for row in own}
    linked = kg.query("linked-figures", event=KHOJALY).rows
    figures = {
        (row["about"].rsplit("/", 1)[-1], row["value"], row["low"], row["high"], row["claimant"].rsplit("/", 1)[-1])
        for row in linked
        if row["measure"].endswith("#Killed") and row["best"] is not None
    }
    assert figures == {("ucdp-ged-155395", 1, 1, 3, "ucdp")}  # GED 155395: best 1, low 1, high 3
    # Rewritten for speed (issue 12): the text before the rewrite must give the very same rows.
    before = StoredQuery.load(FIXTURES / "linked-figures-before-12.rq")
    assert Counter(map(repr, kg.query(before.query, event=KHOJALY).rows)) == Counter(map(repr, linked))
