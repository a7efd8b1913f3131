"""Maturity scoring rules on hand-computed fixtures, the model file, the questionnaire,
evidence collection from contract-shaped results, and stored snapshots."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import duckdb
import pytest
import yaml
from maturity_fixture import (
    ANSWERS_YAML,
    EVIDENCE_FILES,
    T0,
    add_check_run,
    add_listing_run,
    add_pii_findings,
    add_products,
    baseline_checks,
    ensure_results,
    write_answers,
)

from assess.maturity import config as mconfig
from assess.maturity import load_model, run_assessment, store
from assess.maturity.config import Cap, Domain, Gate, Indicator, Item, ModelError, Statement
from assess.maturity.evidence import Sources, check_pass_rate
from assess.maturity.questionnaire import (
    QuestionnaireError,
    evidence_dir,
    load_answers,
    questionnaire_evidence,
    template_csv,
    template_yaml,
)
from assess.maturity.scoring import (
    DomainResult,
    anchor_score,
    questionnaire_level,
    score_domain,
    score_overall,
    value_for_score,
)
from governance.config import fingerprint

PASS = ((2, 0.85), (3, 0.93), (4, 0.97), (5, 0.99))
FLAGS = ((2, 0.25), (3, 0.12), (4, 0.06), (5, 0.02))
IDENTITY = tuple((lvl, float(lvl)) for lvl in range(1, 6))


# ---------------------------------------------------------------- anchors
@pytest.mark.parametrize(("value", "expected"), [
    (0.95, 3.5),             # halfway between 0.93 (L3) and 0.97 (L4)
    (0.85, 2.0),             # exactly on an anchor
    (0.98, 4.5),
    (0.99, 5.0), (1.0, 5.0),  # at / beyond the last anchor
    (0.425, 1.5),            # below the first anchor: towards level 1 at worst = 0
    (0.0, 1.0), (-3.0, 1.0),
])
def test_anchor_interpolation_higher_is_better(value, expected):
    assert anchor_score(value, PASS) == pytest.approx(expected)


@pytest.mark.parametrize(("value", "expected"), [
    (0.09, 3.5),                      # between 0.12 (L3) and 0.06 (L4)
    (0.02, 5.0), (0.0, 5.0),
    (0.5, 1 + 0.5 / 0.75),            # below L2 anchor 0.25 towards worst = 1.0
    (1.0, 1.0),
])
def test_anchor_interpolation_lower_is_better(value, expected):
    assert anchor_score(value, FLAGS, "lower_is_better") == pytest.approx(expected)


def test_anchor_with_explicit_level_one_and_counts():
    counts = ((1, 10.0), (2, 5.0), (3, 2.0), (4, 1.0), (5, 0.0))
    assert anchor_score(3, counts, "lower_is_better") == pytest.approx(2 + 2 / 3)
    assert anchor_score(20, counts, "lower_is_better") == 1.0
    assert anchor_score(0, counts, "lower_is_better") == 5.0


@pytest.mark.parametrize("target", [1.0, 1.7, 2.0, 3.25, 4.9, 5.0])
def test_value_for_score_inverts_anchor_score(target):
    for anchors, direction in ((PASS, "higher_is_better"), (FLAGS, "lower_is_better")):
        v = value_for_score(target, anchors, direction)
        assert anchor_score(v, anchors, direction) == pytest.approx(target)


# ---------------------------------------------------------------- domain rules
def _domain() -> Domain:
    stmts = tuple(Statement(lvl, f"s{lvl}", f"s{lvl}") for lvl in (2, 3, 4, 5))
    ind = lambda iid, item, w, anchors, direction="higher_is_better", kind="measured", worst=None: Indicator(  # noqa: E731
        iid, item, iid, iid, kind, None if kind == "questionnaire" else "m", {}, w, anchors, direction,
        worst if worst is not None else (None if anchors[0][0] == 1 else (0.0 if direction == "higher_is_better" else 1.0)))
    return Domain(
        id="d", zh="域", en="Domain", target_level=3,
        items=(Item("i1", "项1", "Item 1", stmts), Item("i2", "项2", "Item 2", stmts)),
        indicators=(
            ind("a", "i1", 3, PASS),
            ind("b", "i1", 1, FLAGS, "lower_is_better"),
            ind("q.i2", "i2", 2, IDENTITY, kind="questionnaire"),
            ind("z", "i1", 0, ((1, 1.0), (5, 0.0)), "lower_is_better"),
        ),
        gates=(Gate(3, "b", max=0.15), Gate(4, "a", min=0.97)),
        caps=(Cap("z", max_level=2, above=0),),
    )


def test_weighted_score_floor_gates_and_coverage():
    r = score_domain(_domain(), {"a": 0.95, "b": 0.09, "q.i2": None, "z": 0}, 0.6)
    # (3 * 3.5 + 1 * 3.5) / 4; the unanswered questionnaire only lowers coverage (4 of 6)
    assert r.score == pytest.approx(3.5)
    assert r.coverage == pytest.approx(4 / 6)
    assert (r.score_level, r.gate_level, r.cap_level, r.level) == (3, 3, 5, 3)  # L4 gate a ≥ 0.97 fails
    assert not r.provisional
    assert r.item_scores == {"i1": pytest.approx(3.5), "i2": None}
    assert sum(x.contribution for x in r.indicators if x.contribution) == pytest.approx(r.score)


def test_weights_and_l4_gate_pass():
    r = score_domain(_domain(), {"a": 0.98, "b": 0.09, "q.i2": 4.0, "z": 0}, 0.6)
    assert r.score == pytest.approx((3 * 4.5 + 1 * 3.5 + 2 * 4.0) / 6)
    assert r.coverage == 1.0
    assert r.level == 4


def test_gates_are_cumulative():
    # b fails the L3 gate; a passes the L4 gate, but L4 needs L3's gates too
    r = score_domain(_domain(), {"a": 0.99, "b": 0.2, "q.i2": 5.0, "z": 0}, 0.6)
    assert r.score_level == 4
    assert r.gate_level == 2
    assert r.level == 2
    failed = [g for g in r.gates if not g.passed]
    assert [(g.level, g.indicator) for g in failed] == [(3, "b")]


def test_cap_limits_level_and_unevaluated_cap_is_provisional():
    values = {"a": 0.99, "b": 0.01, "q.i2": 5.0}
    capped = score_domain(_domain(), {**values, "z": 1}, 0.6)
    assert capped.score == pytest.approx(5.0)
    assert capped.cap_level == 2 and capped.level == 2
    unknown = score_domain(_domain(), {**values, "z": None}, 0.6)
    assert unknown.level == 5 and unknown.provisional
    assert any("cap" in reason for reason in unknown.provisional_reasons)
    # the same reasons in Chinese, one for one (the dashboard shows them in the interface language)
    assert len(unknown.provisional_reasons_zh) == len(unknown.provisional_reasons)
    assert any("上限条件" in reason for reason in unknown.provisional_reasons_zh)


def test_missing_evidence_is_never_invented():
    only_q = score_domain(_domain(), {"q.i2": 2.5, "z": 0}, 0.6)
    assert only_q.score == pytest.approx(2.5)  # not dragged down by a or b
    assert only_q.coverage == pytest.approx(2 / 6)
    assert only_q.provisional
    nothing = score_domain(_domain(), {}, 0.6)
    assert (nothing.score, nothing.level, nothing.coverage, nothing.provisional) == (1.0, 1, 0.0, True)
    # a gate on an indicator without evidence is not met
    assert nothing.gate_level == 2


def _dr(score: float, level: int, provisional: bool = False) -> DomainResult:
    return DomainResult("x", score, int(score), 5, 5, level, 1.0, provisional, [], [])


@pytest.mark.parametrize(("rule", "level"), [("floor_mean_level", 2), ("floor_mean_score", 3), ("min_domain_level", 2)])
def test_overall_rules(rule, level):
    doms = [_dr(3.5, 3), _dr(2.0, 2), _dr(4.2, 3)]
    ov = score_overall(doms, rule)
    assert ov.score == pytest.approx((3.5 + 2.0 + 4.2) / 3)
    assert ov.level == level
    assert not ov.provisional
    assert score_overall([*doms, _dr(5, 5, provisional=True)], rule).provisional


@pytest.mark.parametrize(("answers", "expected"), [
    ({2: 1.0, 3: 1.0, 4: 0.67, 5: 0.0}, 3.67),
    ({2: 0.33, 3: 1.0, 4: 1.0, 5: 1.0}, 1 + 4 * 0.33),  # a level counts only as far as lower ones are met
    ({2: 1.0}, 2.0),                                    # unanswered statements count as not met
    ({}, None),
])
def test_questionnaire_level(answers, expected):
    got = questionnaire_level(answers)
    assert got == (None if expected is None else pytest.approx(expected))


# ---------------------------------------------------------------- the model file
def test_bundled_model_is_dcmm_2018():
    m = load_model()
    assert m.standard == "GB/T 36073-2018"
    assert [d.zh for d in m.domains] == ["数据战略", "数据治理", "数据架构", "数据应用", "数据安全", "数据质量",
                                          "数据标准", "数据生存周期"]
    assert len(m.items) == 28
    assert {it.zh for _, it in m.items} >= {"数据战略规划", "元数据管理", "参考数据和主数据", "数据退役", "数据安全审计"}
    assert [m.levels[i]["zh"] for i in range(1, 6)] == ["初始级", "受管理级", "稳健级", "量化管理级", "优化级"]
    assert m.sha256 == hashlib.sha256(mconfig.MODEL_FILE.read_bytes()).hexdigest()
    assert "not the official DCMM" in m.disclaimer["en"] and "并非 DCMM 官方" in m.disclaimer["zh"]
    assert all(len(it.statements) == 4 for _, it in m.items)


def _raw() -> dict:
    return yaml.safe_load(mconfig.MODEL_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("mutate", "key", "message"), [
    (lambda r: r["domains"][5]["indicators"][2].update(anchors={2: 0.9, 3: 0.85}),
     "domains[5].indicators[2].anchors[3]", "strictly increase"),
    (lambda r: r["domains"][1]["indicators"][0].update(item="nope"), "domains[1].indicators[0].item",
     "unknown item 'nope'"),
    (lambda r: r["domains"][1]["gates"][3].append({"indicator": "ghost", "min": 1}),
     "domains[1].gates[3][1].indicator", "gate must name an indicator"),
    (lambda r: r["domains"].pop(), "domains", "has 8 capability domains"),
    (lambda r: r["domains"][1]["indicators"][0].update(metric="made_up"), "domains[1].indicators[0].metric",
     "unknown metric 'made_up'"),
    (lambda r: r.update(standard="ISO 8000"), "standard", "unknown standard"),
    (lambda r: r["overall"].update(level_rule="max"), "overall.level_rule", "level_rule"),
])
def test_bad_model_is_rejected_with_location(tmp_path, mutate, key, message):
    raw = _raw()
    mutate(raw)
    p = tmp_path / "model.yaml"
    p.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ModelError) as e:
        load_model(p)
    assert str(p) in str(e.value) and f": {key}: " in str(e.value) and message in str(e.value), str(e.value)
    assert all(line for _, line, _ in e.value.problems)  # and the line


# ---------------------------------------------------------------- questionnaire
def test_answers_yaml_downgrades_unevidenced_and_scrubs_notes(home):
    write_answers(home, ANSWERS_YAML, EVIDENCE_FILES)
    m = load_model()
    ans = load_answers(home.config / "questionnaire.yaml", m, evidence_dir(home))
    assert ans.answered == 9
    ev = questionnaire_evidence(m, ans, evidence_dir(home))
    # strategy_planning: fully (evidence), largely (evidence), partially, blank → 1 + 1 + 0.67 + 0.33 + 0
    assert ev["q.strategy_planning"].value == pytest.approx(3.0)
    # strategy_implementation L3 "fully" has no attachment → counts as partially
    impl = ev["q.strategy_implementation"]
    assert impl.value == pytest.approx(1 + 1 + 0.33)
    assert impl.details["statements"][1]["effective"] == "partially"
    note = ev["q.strategy_planning"].details["statements"][0]["note"]
    assert "[email]" in note and "@" not in note
    files = ev["q.governance_organisation"].details["statements"][0]["evidence"]
    assert files == [{"file": "raci.xlsx", "sha256": hashlib.sha256(b"raci").hexdigest()}]
    assert ev["q.strategy_assessment"].value is None and "no evidence yet" in ev["q.strategy_assessment"].reason


def test_answers_csv_and_errors_name_row_and_column(home, tmp_path):
    m = load_model()
    edir = evidence_dir(home)
    edir.mkdir(parents=True, exist_ok=True)
    (edir / "a.pdf").write_bytes(b"x")
    good = tmp_path / "q.csv"
    good.write_text("item,level,answer,evidence,note\nquality_checking,2,完全达到,a.pdf,\n"
                    "quality_checking,3,Largely,,\n", encoding="utf-8")
    ans = load_answers(good, m, edir)
    assert ans.get("quality_checking", 2).answer == "fully"
    assert ans.get("quality_checking", 3).answer == "largely"
    cases = [
        ("item,level,answer\nquality_checking,3,maybe\n", "row 2, column 'answer'", "unknown answer"),
        ("item,level,answer\nno_such_item,3,fully\n", "row 2, column 'item'", "unknown capability item"),
        ("item,level,answer\nquality_checking,1,fully\n", "row 2, column 'level'", "level must be 2, 3, 4 or 5"),
        ("item,level,answer,evidence\nquality_checking,3,fully,missing.pdf\n", "row 2, column 'evidence'", "not found"),
        ("item,level,answer,evidence\nquality_checking,3,fully,../etc/passwd\n", "column 'evidence'", "relative"),
        ("item,answer\nquality_checking,fully\n", "row 1 (header)", "missing column(s) level"),
    ]
    for text, where, what in cases:
        bad = tmp_path / "bad.csv"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(QuestionnaireError) as e:
            load_answers(bad, m, edir)
        assert str(bad) in str(e.value) and where in str(e.value) and what in str(e.value), str(e.value)


def test_templates_list_every_statement_and_parse_empty(home, tmp_path):
    m = load_model()
    y = tmp_path / "t.yaml"
    y.write_text(template_yaml(m), encoding="utf-8")
    assert load_answers(y, m, evidence_dir(home)).answered == 0
    c = tmp_path / "t.csv"
    c.write_text(template_csv(m), encoding="utf-8")
    assert load_answers(c, m, evidence_dir(home)).answered == 0
    assert c.read_text(encoding="utf-8").count("\n") == 1 + 28 * 4
    text = y.read_text(encoding="utf-8")
    for _, item in m.items:
        assert f"  {item.id}:" in text
        assert all(st.zh in text for st in item.statements)


# ---------------------------------------------------------------- evidence from results.duckdb
def _two_runs(home):
    add_check_run(home, "r1", T0, baseline_checks(consistency_unexpected=20))
    add_check_run(home, "r2", T0 + timedelta(days=1), baseline_checks(consistency_unexpected=100))
    add_check_run(home, "r3-empty", T0 + timedelta(days=2), [], status="error")  # stored no results


def test_check_pass_rate_reads_latest_completed_run(home):
    _two_runs(home)
    src, reader = Sources.open(home)
    try:
        ev = check_pass_rate(src, {"dimension": "consistency"})
        # mean over tables: products 1 - 100/2000, events 1 - 40/50000; the 'error' run is ignored
        assert ev.value == pytest.approx(((1 - 100 / 2000) + (1 - 40 / 50000)) / 2)
        assert ev.details["run_id"] == "r2"
        assert ev.details["failed_expectations"][0]["expectation_id"] == "products.sale_le_list"
        overall = check_pass_rate(src, {"dimension": "consistency", "aggregate": "overall"})
        assert overall.value == pytest.approx(1 - 140 / 52000)
        master = check_pass_rate(src, {"dimension": "*", "tables": ["categories", "sellers"]})
        assert master.value == pytest.approx((1.0 + (1 - 1 / 200)) / 2)
    finally:
        reader.close()


def test_assessment_tree_traces_to_evidence(home):
    _two_runs(home)
    add_products(home, 200)
    add_listing_run(home, "L1", T0, n_scored=200, n_flagged=18)
    write_answers(home, ANSWERS_YAML, EVIDENCE_FILES)
    tree = run_assessment(home)
    assert tree["model_sha256"] == load_model(home).sha256 == load_model().sha256  # no config/maturity.yaml
    assert tree["config_sha256"] == fingerprint(home) and tree["config_source"] == "default/maturity.yaml"
    doms = {d["id"]: d for d in tree["domains"]}
    inds = {i["id"]: i for d in tree["domains"] for it in d["items"] for i in it["indicators"]}
    # every domain score is the sum of its indicator contributions
    for d in tree["domains"]:
        contrib = sum(i["contribution"] or 0 for it in d["items"] for i in it["indicators"])
        assert contrib == pytest.approx(d["score"], abs=1e-3) or d["coverage"] == 0
    flag = inds["application.flagged_listing_share"]
    assert flag["value"] == pytest.approx(0.09)
    assert flag["score"] == pytest.approx(3.5)                      # 0.09 halfway between 0.12 and 0.06
    assert flag["evidence"]["details"]["run_id"] == "L1"
    assert inds["application.listing_scoring_coverage"]["value"] == 1.0
    cons = inds["quality.consistency"]
    assert cons["evidence"]["details"]["run_id"] == "r2" and cons["status"] == "measured"
    assert inds["quality.history_days"]["value"] == 2.0            # r1 and r2; the empty run does not count
    assert inds["quality.pass_rate_change"]["value"] < 0
    assert inds["security.open_pii_findings"]["status"] == "no_evidence"
    assert "no personal-data scan" in inds["security.open_pii_findings"]["evidence"]["reason"]
    # the quality domain has a failing critical check → capped at 3 and explained
    q = doms["quality"]
    assert any(c["active"] for c in q["caps"]) and q["level"] <= 3
    # questionnaire answers appear as evidence with the answers file hash
    qi = inds["q.strategy_planning"]
    assert qi["value"] == pytest.approx(3.0)
    assert qi["evidence"]["details"]["file_sha256"] == hashlib.sha256(
        (home.config / "questionnaire.yaml").read_bytes()).hexdigest()
    # blockers name the next level and recommendations are ranked by impact
    for d in tree["domains"]:
        if d["level"] < 5:
            assert d["blockers"], d["id"]
        recs = d["recommendations"]
        keys = [(-r["level_gain"], -r["resolves_provisional"], -r["score_gain"]) for r in recs]
        assert keys == sorted(keys)
    assert tree["top_recommendations"][0]["rank"] == 1


def test_recommendation_gain_is_exact(home):
    _two_runs(home)
    tree = run_assessment(home, save=False)
    m = load_model()
    from assess.maturity.scoring import score_domain as sd

    for d in tree["domains"]:
        values = {i["id"]: i["value"] for it in d["items"] for i in it["indicators"]}
        for r in d["recommendations"]:
            after = sd(m.domain(d["id"]), {**values, r["indicator"]: r["target_value"]}, m.provisional_below_coverage)
            assert after.score == pytest.approx(r["score_after"], abs=1e-3)
            assert after.score - d["score"] == pytest.approx(r["score_gain"], abs=1e-3)


def test_open_critical_pii_finding_caps_security(home):
    ensure_results(home)
    base = {d["id"]: d for d in run_assessment(home, save=False)["domains"]}["security"]
    assert base["level"] >= 3
    add_pii_findings(home, [("critical", "open"), ("high", "closed")])
    sec = {d["id"]: d for d in run_assessment(home, save=False)["domains"]}["security"]
    assert sec["level"] == 2
    assert any(b["kind"] == "cap" for b in sec["blockers"])
    inds = {i["id"]: i for it in sec["items"] for i in it["indicators"]}
    assert inds["security.open_pii_findings"]["value"] == 1.0      # the high finding is closed


def test_snapshots_keep_history_with_contract_schema(home):
    ensure_results(home)
    first = run_assessment(home)
    second = run_assessment(home)
    assert second["previous"]["assessment_id"] == first["assessment_id"]
    assert [a["assessment_id"] for a in store.list_assessments(home)] == [second["assessment_id"], first["assessment_id"]]
    assert store.load_assessment(home)["assessment_id"] == second["assessment_id"]
    assert store.load_assessment(home, first["assessment_id"])["domains"] == first["domains"]
    con = duckdb.connect(str(home.results), read_only=True)
    try:
        cols = {t: con.execute(f"SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = '{t}'"
                               " ORDER BY column_index").fetchall() for t in ("assessments", "assessment_domains")}
        n = con.execute("SELECT count(*) FROM assessment_domains").fetchone()[0]
    finally:
        con.close()
    assert cols["assessments"] == [
        ("assessment_id", "VARCHAR"), ("created_at", "TIMESTAMP"), ("standard", "VARCHAR"),
        ("config_sha256", "VARCHAR"), ("overall_score", "DOUBLE"), ("overall_level", "INTEGER"),
        ("provisional", "BOOLEAN"), ("payload", "JSON")]
    assert cols["assessment_domains"] == [
        ("assessment_id", "VARCHAR"), ("domain_id", "VARCHAR"), ("name_en", "VARCHAR"), ("name_zh", "VARCHAR"),
        ("score", "DOUBLE"), ("level", "INTEGER"), ("target_level", "INTEGER"), ("provisional", "BOOLEAN")]
    assert n == 16
    assert len(store.domain_history(home)) == 16


def test_failed_write_leaves_history_untouched(home, monkeypatch):
    ensure_results(home)
    run_assessment(home)
    before = home.results.read_bytes()
    tree = run_assessment(home, save=False)
    tree["domains"][3]["score"] = object()  # not storable: the insert fails mid-write
    with pytest.raises(duckdb.Error):
        store.save_assessment(home, tree)
    assert home.results.read_bytes() == before
    assert len(store.list_assessments(home)) == 1
