"""`shopgov check`: exit codes, summary, JSON document."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from check_fixtures import AS_OF, home_with

from governance.vocabulary import DIMENSIONS

RECORD_KEYS = {"suite", "table", "column", "expectation", "dimension", "success", "unexpected_count",
               "element_count"}


def shopgov(*args, home=None):
    env = {**os.environ, "COLUMNS": "160"}
    if home is not None:
        env["SHOPGOV_HOME"] = str(home.root)
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_help_lists_the_options():
    r = shopgov("check", "--help")
    assert r.returncode == 0
    for opt in ("--partition", "--suite", "--json", "--home", "--no-docs", "--as-of"):
        assert opt in r.stdout


def test_usage_errors_exit_2_and_missing_warehouse_exits_3(home):
    r = shopgov("check", "--suite", "no_such_suite", home=home)
    assert r.returncode == 2 and "unknown suite 'no_such_suite'" in r.stderr
    r = shopgov("check", "--partition", "yesterday", home=home)
    assert r.returncode == 2 and "bad partition" in r.stderr
    r = shopgov("check", "--home", str(home.root / "nowhere"))
    assert r.returncode == 3 and "shopgov init" in r.stderr


def test_failed_checks_exit_1_with_summary_and_json(home, tmp_path):
    home_with("dirty", home)
    out = tmp_path / "check.json"
    r = shopgov("check", "--partition", "all", "--as-of", AS_OF, "--no-docs", "--json", str(out), home=home)
    assert r.returncode == 1, r.stderr
    assert "Failed checks" in r.stderr and "products.title.all_caps" in r.stderr
    doc = json.loads(out.read_text())
    assert doc["status"] == "failed" and doc["exit_code"] == 1 and doc["partition"] == "all"
    assert doc["n_expectations"] == len(doc["expectations"]) > 50
    for rec in doc["expectations"]:
        assert rec.keys() >= RECORD_KEYS
    caps = next(e for e in doc["expectations"] if e["expectation"] == "products.title.all_caps")
    assert caps["success"] is False and caps["table"] == "products" and caps["dimension"] == "validity"
    assert caps["unexpected_count"] > 0 and caps["element_count"] > caps["unexpected_count"]
    assert set(doc["scores"]["by_table"]) == {"products", "events", "categories", "sellers", "reviews",
                                              "catalog_tables", "catalog_columns"}
    assert set(doc["scores"]["by_dimension"]) == {"completeness", "uniqueness", "validity", "accuracy",
                                                  "consistency", "timeliness"}
    assert doc["scores"]["by_dimension"]["validity"]["name_zh"] == DIMENSIONS["validity"]["zh"] == "规范性"
    assert 0 < doc["scores"]["overall"]["pass_share"] < 1
    assert doc["data_docs_path"] is None


def test_passing_checks_exit_0_and_json_to_stdout(home):
    home_with("clean", home)
    r = shopgov("check", "--suite", "products", "--suite", "catalog_columns", "--as-of", AS_OF,
                "--json", "-", home=home)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["status"] == "passed" and doc["suites"] == ["products", "catalog_columns"]
    assert {e["suite"] for e in doc["expectations"]} == {"products", "catalog_columns"}
    assert (home.data_docs / "index.html").exists()
    assert "passed" in r.stderr
