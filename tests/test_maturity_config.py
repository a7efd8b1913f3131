"""The maturity model file as configuration: typed validation with file/key/line errors,
per-home calibration (``config/maturity.yaml``) end to end, and the home's catalog as
evidence of which tables exist."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
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

from assess.maturity import load_model, run_assessment, store
from assess.maturity.config import MODEL_FILE, ModelError
from assess.maturity.evidence import Sources, check_table_coverage
from governance.config import ConfigError, default_path, fingerprint
from governance.errors import UsageError

DEFAULT = MODEL_FILE.read_text(encoding="utf-8")
FLAG_ANCHORS = "metric: listing_flag_share\n        direction: lower_is_better\n        weight: 3\n        anchors: {2: 0.25, 3: 0.12, 4: 0.06, 5: 0.02}"
TIGHT_ANCHORS = FLAG_ANCHORS.replace("{2: 0.25, 3: 0.12, 4: 0.06, 5: 0.02}", "{2: 0.10, 3: 0.05, 4: 0.03, 5: 0.01}")


def _edit(old: str, new: str, text: str = DEFAULT) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


def _line(text: str, needle: str) -> int:
    """1-based line of the first occurrence of ``needle``."""
    return text[: text.index(needle)].count("\n") + 1


# ---------------------------------------------------------------- file / key path / line
@pytest.mark.parametrize(("old", "new", "key", "message"), [
    # a misspelt key
    ("        metric: check_dimension_coverage", "        metrc: check_dimension_coverage",
     "domains[5].indicators[0].metrc", "unknown key"),
    ("provisional_below_coverage: 0.6", "provisional_below_covrage: 0.6",
     "provisional_below_covrage", "unknown key"),
    # a wrong type
    ("provisional_below_coverage: 0.6", "provisional_below_coverage: lots",
     "provisional_below_coverage", "valid number"),
    ("        weight: 3\n        anchors: {2: 0.25", "        weight: heavy\n        anchors: {2: 0.25",
     "domains[3].indicators[1].weight", "valid number"),
    # a value out of range
    ("provisional_below_coverage: 0.6", "provisional_below_coverage: 1.6",
     "provisional_below_coverage", "less than or equal to 1"),
    # an unknown metric, metric parameter or quality dimension
    ("metric: check_dimension_coverage", "metric: check_dimension_covrage",
     "domains[5].indicators[0].metric", "unknown metric 'check_dimension_covrage'"),
    ("params: {dimension: consistency}", "params: {dimension: consistancy}",
     "domains[5].indicators[6].params.dimension", "metric check_pass_rate"),
    ("params: {window_days: 30}", "params: {window_dys: 30}",
     "params.window_dys", "unknown parameter"),
    ("params: {severities: [critical, high]}", "params: {severities: [critical, urgent]}",
     "params.severities[1]", "metric open_pii_findings"),
    # semantic checks as model validators, still pointing at the key
    ("anchors: {2: 0.33, 3: 0.66, 4: 0.83, 5: 1.0}", "anchors: {2: 0.33, 3: 0.66, 4: 0.6, 5: 1.0}",
     "domains[5].indicators[0].anchors[4]", "strictly increase"),
    ("        - {indicator: quality.table_coverage, min: 0.8}", "        - {indicator: quality.table_covrage, min: 0.8}",
     "domains[5].gates[3][0].indicator", "gate must name an indicator of this domain; got 'quality.table_covrage'"),
    ("        above: 0\n        max_level: 3", "        max_level: 3",
     "domains[5].caps[0]", "exactly one of 'above' or 'below'"),
    ("        item: quality_requirements", "        item: quality_requirement",
     "domains[5].indicators[0].item", "unknown item 'quality_requirement'"),
    ("      - id: quality.table_coverage", "      - id: q.table_coverage",
     "domains[5].indicators[1].id", "reserved for questionnaire"),
    ("      - id: quality.table_coverage", "      - id: quality.dimension_coverage",
     "domains[5].indicators[1].id", "duplicate indicator id"),
    ("  partially: 0.33", "  partially: 0.8", "answers", "increase not < partially"),
    ("  - id: quality\n", "  - id: qualty\n", "domains[5].id", "unknown DCMM domain 'qualty'"),
    ("level_rule: floor_mean_level ", "level_rule: max ", "overall.level_rule", "floor_mean_level"),
])
def test_problem_names_file_key_path_and_line(tmp_path, old, new, key, message):
    text = _edit(old, new)
    p = tmp_path / "maturity.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_model(p)
    assert isinstance(e.value, UsageError)  # the CLI exits 2
    err = str(e.value)
    assert str(p) in err and key in err and message in err, err
    lines = [line for k, line, _ in e.value.problems if key in k]
    want = _line(DEFAULT, old)  # the edited line; the error points at it or at its parent entry
    assert any(line and abs(line - want) <= 2 for line in lines), (lines, want, err)


def test_every_problem_is_listed_not_just_the_first(tmp_path):
    text = _edit("provisional_below_coverage: 0.6", "provisional_below_coverage: lots")
    text = _edit("default_target_level: 3", "default_target_levl: 3", text)
    p = tmp_path / "maturity.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ModelError) as e:
        load_model(p)
    keys = {k for k, _, _ in e.value.problems}
    assert {"provisional_below_coverage", "default_target_levl"} <= keys


def test_bad_yaml_and_missing_file_name_the_file(tmp_path):
    p = tmp_path / "maturity.yaml"
    p.write_text("standard: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML") as e:
        load_model(p)
    assert str(p) in str(e.value)
    with pytest.raises(ConfigError, match="file not found"):
        load_model(tmp_path / "nope.yaml")


# ---------------------------------------------------------------- per-home calibration
def test_home_without_its_own_model_uses_the_bundled_default(home):
    assert Path(load_model(home).source) == default_path("maturity.yaml")
    assert load_model(home).sha256 == load_model().sha256 == hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()


def _realistic(home) -> None:
    add_check_run(home, "r1", T0, baseline_checks(consistency_unexpected=20))
    add_products(home, 200)
    add_listing_run(home, "L1", T0, n_scored=200, n_flagged=18)  # 9 % flagged
    write_answers(home, ANSWERS_YAML, EVIDENCE_FILES)


def _indicators(tree: dict) -> dict[str, dict]:
    return {i["id"]: i for d in tree["domains"] for it in d["items"] for i in it["indicators"]}


def test_tightened_anchor_in_the_home_config_lowers_that_indicator(home):
    _realistic(home)
    default_tree = run_assessment(home)
    assert default_tree["config_source"] == "default/maturity.yaml"
    assert default_tree["model_sha256"] == hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()
    assert default_tree["config_sha256"] == fingerprint(home)

    own = home.config / "maturity.yaml"
    own.write_text(_edit(FLAG_ANCHORS, TIGHT_ANCHORS), encoding="utf-8")
    tree = run_assessment(home)

    before, after = _indicators(default_tree), _indicators(tree)
    flag_id = "application.flagged_listing_share"
    assert before[flag_id]["value"] == after[flag_id]["value"] == pytest.approx(0.09)
    assert before[flag_id]["score"] == pytest.approx(3.5)  # between 0.12 (L3) and 0.06 (L4)
    assert after[flag_id]["score"] == pytest.approx(2.2)   # between 0.10 (L2) and 0.05 (L3)
    assert after[flag_id]["anchors"] == {"2": 0.10, "3": 0.05, "4": 0.03, "5": 0.01}
    app_before = {d["id"]: d for d in default_tree["domains"]}["application"]
    app_after = {d["id"]: d for d in tree["domains"]}["application"]
    assert app_after["score"] < app_before["score"]
    # nothing else moved: the calibration of one anchor changes one indicator
    assert {k: v["score"] for k, v in after.items() if k != flag_id} == \
        {k: v["score"] for k, v in before.items() if k != flag_id}
    # the explanation tree names the home's file and its hash; the stored snapshot keeps them
    assert tree["config_source"] == "config/maturity.yaml"
    assert tree["model_sha256"] == hashlib.sha256(own.read_bytes()).hexdigest()
    assert tree["config_sha256"] == fingerprint(home) != default_tree["config_sha256"]
    stored = store.load_assessment(home)
    assert stored["assessment_id"] == tree["assessment_id"]
    assert stored["model_sha256"] == tree["model_sha256"] and stored["config_source"] == "config/maturity.yaml"
    assert store.list_assessments(home)[0]["config_sha256"] == tree["config_sha256"]


def test_explicit_model_file_overrides_the_home_and_is_fingerprinted(home, tmp_path):
    _realistic(home)
    other = tmp_path / "strict.yaml"
    other.write_text(_edit(FLAG_ANCHORS, TIGHT_ANCHORS), encoding="utf-8")
    tree = run_assessment(home, model_path=other, save=False)
    assert tree["config_source"] == "strict.yaml"
    assert tree["model_sha256"] == hashlib.sha256(other.read_bytes()).hexdigest()
    assert tree["config_sha256"] != fingerprint(home)  # the override is part of what was in effect


def test_invalid_home_model_stops_the_cli_with_exit_2(home):
    (home.config / "maturity.yaml").write_text(_edit("weight: 3", "weigth: 3"), encoding="utf-8")
    with pytest.raises(ConfigError):
        run_assessment(home, save=False)
    env = {**os.environ, "SHOPGOV_HOME": str(home.root), "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    r = subprocess.run([sys.executable, "-m", "dashboard.cli", "assess", "--home", str(home.root)],
                       capture_output=True, text=True, env=env, timeout=120)
    out = (r.stdout + r.stderr).replace("\n", "")  # the console wraps long lines
    assert r.returncode == 2, out
    assert "maturity.yaml" in out and "weigth" in out and "unknown key" in out and "Traceback" not in out


# ---------------------------------------------------------------- the home's catalog is the evidence
def test_table_coverage_follows_the_home_catalog(home):
    add_check_run(home, "r1", T0, baseline_checks())
    catalog = yaml.safe_load(default_path("catalog.yaml").read_text(encoding="utf-8"))

    def coverage():
        src, reader = Sources.open(home)
        try:
            return check_table_coverage(src, {})
        finally:
            reader.close()

    base = coverage()
    assert base.value == 1.0 and "returns" not in base.details["missing"]
    # a team adds a table to its catalog: it counts, uncovered, before any load or re-init
    added = dict(catalog, tables={**catalog["tables"], "returns": {
        "description": "Returned orders", "key": ["return_id"], "columns": {"return_id": {"required": True}}}})
    (home.config / "catalog.yaml").write_text(yaml.safe_dump(added, allow_unicode=True), encoding="utf-8")
    ev = coverage()
    assert ev.details["missing"] == ["returns"] and ev.value == pytest.approx(5 / 6)
    # ... and removes one: it no longer counts
    removed = dict(catalog, tables={k: v for k, v in catalog["tables"].items() if k != "reviews"})
    (home.config / "catalog.yaml").write_text(yaml.safe_dump(removed, allow_unicode=True), encoding="utf-8")
    ev = coverage()
    assert "reviews" not in ev.details["covered"] and ev.details["tables"] == 4 and ev.value == 1.0
