"""Metamorphic tests: change the evidence of one kind and only the domain it belongs to moves.

First on contract-shaped results (fast, exact), then end to end on real runs: generate a
small sample, ingest it, run the real GX checks, assess; inject more sale-above-list rows →
the quality score drops and unrelated domains stay unchanged; fix them → it rises again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from maturity_fixture import (
    ANSWERS_YAML,
    EVIDENCE_FILES,
    T0,
    add_check_run,
    add_listing_run,
    add_products,
    baseline_checks,
    write_answers,
)

from assess.maturity import compute_assessment, run_assessment
from governance.warehouse import atomic_write

UNRELATED_TO_QUALITY = ("strategy", "governance", "architecture", "application", "security", "standards")


def _by_domain(tree: dict) -> dict[str, dict]:
    return {d["id"]: d for d in tree["domains"]}


def _indicators(domain: dict) -> dict[str, float | None]:
    return {i["id"]: i["value"] for it in domain["items"] for i in it["indicators"]}


@pytest.fixture
def evidenced(home):
    add_products(home, 100)
    add_listing_run(home, "L1", T0, 100, 8)
    write_answers(home, ANSWERS_YAML, EVIDENCE_FILES)
    return home


def test_more_defects_of_one_kind_lower_only_quality(evidenced):
    home = evidenced
    add_check_run(home, "r1", T0, baseline_checks(consistency_unexpected=20))
    base = _by_domain(run_assessment(home))
    add_check_run(home, "r2", T0 + timedelta(hours=1), baseline_checks(consistency_unexpected=400))
    worse = _by_domain(run_assessment(home))
    add_check_run(home, "r3", T0 + timedelta(hours=2), baseline_checks(consistency_unexpected=0))
    fixed = _by_domain(run_assessment(home))

    assert worse["quality"]["score"] < base["quality"]["score"]
    assert fixed["quality"]["score"] > worse["quality"]["score"]
    for d in (*UNRELATED_TO_QUALITY, "lifecycle"):
        assert worse[d]["score"] == base[d]["score"] == fixed[d]["score"], d
        assert worse[d]["level"] == base[d]["level"] == fixed[d]["level"], d
        assert _indicators(worse[d]) == _indicators(base[d]), d
    # inside quality, the consistency indicator is what moved (and the trend indicators it feeds)
    bq, wq = _indicators(base["quality"]), _indicators(worse["quality"])
    assert wq["quality.consistency"] < bq["quality.consistency"]
    same = {k for k in bq if k not in ("quality.consistency", "quality.pass_rate_change", "quality.failed_critical_checks")}
    assert {k: wq[k] for k in same} == {k: bq[k] for k in same}


def test_quality_score_is_monotone_in_defect_count(home):
    scores = []
    for i, n in enumerate((0, 30, 120, 300, 900)):
        add_check_run(home, f"r{i}", T0 + timedelta(minutes=i), baseline_checks(consistency_unexpected=n))
        tree = compute_assessment(home)
        scores.append(_by_domain(tree)["quality"]["score"])
    assert all(a >= b for a, b in zip(scores, scores[1:], strict=False)), scores
    assert scores[-1] < scores[0]


def test_more_flagged_listings_lower_only_application(evidenced):
    home = evidenced
    add_check_run(home, "r1", T0, baseline_checks())
    base = _by_domain(compute_assessment(home))
    add_listing_run(home, "L2", T0 + timedelta(days=1), 100, 40)
    worse = _by_domain(compute_assessment(home))
    assert worse["application"]["score"] < base["application"]["score"]
    for d in base:
        if d != "application":
            assert worse[d]["score"] == base[d]["score"], d


def test_answering_one_domain_changes_only_that_domain(evidenced):
    home = evidenced
    add_check_run(home, "r1", T0, baseline_checks())
    base = _by_domain(compute_assessment(home))
    write_answers(home, ANSWERS_YAML + "  standards_metrics:\n    2: {answer: fully, evidence: [kpi.pdf]}\n"
                  "    3: {answer: fully, evidence: [kpi.pdf]}\n", EVIDENCE_FILES)
    after = _by_domain(compute_assessment(home))
    assert after["standards"]["coverage"] > base["standards"]["coverage"]
    assert after["standards"]["score"] != base["standards"]["score"]
    for d in base:
        if d != "standards":
            assert after[d]["score"] == base[d]["score"], d


# ---------------------------------------------------------------- end to end on real runs
def _real_pipeline():
    """The real sample generator, ingestion and GX checks (imported here: heavy)."""
    from governance.checks import run_checks
    from governance.ingest import ingest_files
    from governance.sample import generate

    return generate, ingest_files, run_checks


SALE_ABOVE_LIST = "hash(product_id) % 4 = 0 AND price > 0 AND list_price IS NOT NULL"


def test_real_runs_inject_and_fix_sale_above_list(home, tmp_path):
    generate, ingest_files, run_checks = _real_pipeline()
    end = datetime.now(UTC).date()
    out = tmp_path / "sample"
    generate(out, products=1500, events=15000, seed=11, days=8, end=end.isoformat(), progress=False)
    ingest_files(home, [(t, out / f"{t}.parquet") for t in ("categories", "sellers", "products", "events", "reviews")],
                 progress=False)
    write_answers(home, ANSWERS_YAML, EVIDENCE_FILES)

    run_checks(home, progress=False, docs=False)
    base = _by_domain(run_assessment(home))

    with atomic_write(home, home.warehouse) as con:  # many more sale-above-list listings
        n = con.execute(f"UPDATE products SET list_price = round(price * 0.5, 2) WHERE {SALE_ABOVE_LIST}").fetchone()[0]
    assert n > 100
    run_checks(home, progress=False, docs=False)
    worse = _by_domain(run_assessment(home))

    with atomic_write(home, home.warehouse) as con:  # fixed at the source
        con.execute(f"UPDATE products SET list_price = round(price * 1.25, 2) WHERE {SALE_ABOVE_LIST}")
    run_checks(home, progress=False, docs=False)
    fixed = _by_domain(run_assessment(home))

    assert worse["quality"]["score"] < base["quality"]["score"]
    scores = {name: {i["id"]: i["score"] for it in d["quality"]["items"] for i in it["indicators"]}
              for name, d in (("base", base), ("worse", worse), ("fixed", fixed))}
    assert scores["worse"]["quality.consistency"] < scores["base"]["quality.consistency"]
    assert scores["fixed"]["quality.consistency"] > scores["worse"]["quality.consistency"]
    assert fixed["quality"]["score"] > worse["quality"]["score"]
    for d in UNRELATED_TO_QUALITY:
        assert worse[d]["score"] == base[d]["score"] == fixed[d]["score"], d
        assert worse[d]["level"] == base[d]["level"] == fixed[d]["level"], d
