"""`shopgov config ...` and the exit code 2 a typo in any configuration file gets."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from governance.config import init_config


def shopgov(*args: str, home) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHOPGOV_HOME": str(home.root), "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def _typo(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if new.strip() in line)


TYPOS = [
    ("catalog.yaml", "    steward: seller-operations", "    stewart: seller-operations", "tables.sellers.stewart"),
    ("suites/products.yaml", "severity: critical", "severity: critcal", "expectations[0].meta.severity"),
    ("roles.yaml", "    inherits: viewer", "    inherit: viewer", "roles.analyst.inherit"),
    ("maturity.yaml", "provisional_below_coverage:", "provisional_below_coverag:", "provisional_below_coverag"),
]


def test_init_validate_diff(home, tmp_path):
    r = shopgov("config", "init", "--json", str(tmp_path / "init.json"), home=home)
    assert r.returncode == 0, r.stderr
    created = {f["name"] for f in json.loads((tmp_path / "init.json").read_text())["files"]}
    assert {"catalog.yaml", "roles.yaml", "maturity.yaml", "notifications.yaml"} <= created
    r = shopgov("config", "validate", "--json", "-", home=home)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["ok"] and {f["name"] for f in doc["files"]} >= {"catalog.yaml", "suites/events.yaml"}
    r = shopgov("config", "diff", home=home)
    assert r.returncode == 0 and "bundled default" in r.stderr
    _typo(home.config / "notifications.yaml", "notify_on: failure", "notify_on: all")
    r = shopgov("config", "diff", home=home)
    assert "-notify_on: failure" in r.stdout and "+notify_on: all" in r.stdout


@pytest.mark.parametrize(("name", "old", "new", "key"), TYPOS, ids=[t[0] for t in TYPOS])
def test_a_typo_in_each_file_exits_2_naming_file_line_and_key(home, name, old, new, key):
    init_config(home)
    path = home.config / name
    line = _typo(path, old, new)
    r = shopgov("config", "validate", home=home)
    assert r.returncode == 2, r.stderr
    assert f"{path}:{line}: {key}" in r.stderr
    assert "Traceback" not in r.stderr


def test_commands_refuse_to_run_on_a_bad_configuration(home):
    init_config(home)
    _typo(home.config / "suites" / "sellers.yaml", "dimension: uniqueness", "dimension: unique")
    r = shopgov("check", home=home)
    assert r.returncode == 2 and "sellers.yaml" in r.stderr and ".meta.dimension" in r.stderr
    assert not home.results.exists()  # nothing ran, nothing was stored
    _typo(home.config / "maturity.yaml", "provisional_below_coverage:", "provisional_below_coverag:")
    r = shopgov("assess", home=home)
    assert r.returncode == 2 and "maturity.yaml" in r.stderr and "provisional_below_coverag" in r.stderr
    assert "Traceback" not in r.stderr
