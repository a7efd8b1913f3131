"""Multi-site governance: two generated sites with different defects, signed bundles of aggregates
only, central import (refusing unsigned, tampered, unknown and replayed bundles), the
organisation view capped by the weaker site, and the dashboard's Sites page."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import stat

import pytest
import yaml

from governance import bundle as bundle_mod
from governance.bundle import BundleError, build_bundle, site_identity, write_bundle
from governance.config import DEFAULTS
from governance.paths import get_home
from governance.sites import import_bundle, list_sites, organisation_view, trust
from governance.warehouse import atomic_write, connect_read

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNOWNED = ("events", "reviews")  # site B's catalog names no owner for these tables


def cli(*args: str):
    """The ``shopgov`` app in this process (the subprocess path is covered by tests/test_cli.py)."""
    from typer.testing import CliRunner

    from dashboard.cli import build_app

    return CliRunner().invoke(build_app(), list(args))


def _run_site(home) -> None:
    from assess.maturity import run_assessment
    from governance.checks import run_checks

    run_checks(home, partition="all", progress=False, docs=False)
    run_assessment(home)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Site A: the generated sample. Site B: the same sample plus two defects: negative prices
    (a data defect) and a catalog without owners for two tables (a governance defect)."""
    from governance.setup import init_home

    base = tmp_path_factory.mktemp("sites")
    a, b = get_home(base / "site-a"), get_home(base / "site-b")
    init_home(a, products=500, events=5000, log=lambda _m: None)
    shutil.copytree(a.root, b.root)
    catalog = yaml.safe_load((DEFAULTS / "catalog.yaml").read_text(encoding="utf-8"))
    for name in UNOWNED:
        catalog["tables"][name].pop("owner", None)
    (b.config / "catalog.yaml").write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    with atomic_write(b, b.warehouse) as con:
        con.execute("UPDATE products SET price = -price WHERE product_id IN "
                    "(SELECT product_id FROM products ORDER BY product_id LIMIT 40)")
    _run_site(a)
    _run_site(b)
    site_identity(a, "shanghai")
    site_identity(b, "frankfurt")
    return a, b, base


@pytest.fixture
def central(sites, tmp_path):
    a, b, _ = sites
    c = get_home(tmp_path / "central").ensure()
    trust(c, "shanghai", site_identity(a).public_text)
    trust(c, "frankfurt", site_identity(b).public_text)
    return c


def _personal_values(home) -> set[str]:
    """Every personal value of the sample: contacts, user and session ids, emails/phones in text."""
    con = connect_read(home.warehouse)
    try:
        values: set[str] = set()
        for sql in ("SELECT contact_email FROM sellers", "SELECT contact_phone FROM sellers",
                    "SELECT user_id FROM events", "SELECT session_id FROM events", "SELECT user_id FROM reviews"):
            values |= {r[0] for r in con.execute(sql).fetchall() if r[0]}
        text = "\n".join(str(r[0]) for sql in ("SELECT text FROM reviews", "SELECT description FROM products",
                                                "SELECT query FROM events", "SELECT title FROM products")
                         for r in con.execute(sql).fetchall() if r[0])
    finally:
        con.close()
    values |= set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text))
    values |= set(re.findall(r"\+?\d[\d -]{8,}\d", text))
    return {v for v in values if len(v) >= 6}


def test_bundle_holds_aggregates_and_no_personal_value(sites, tmp_path):
    a, _, _ = sites
    plain = tmp_path / "a.json"
    noisy = tmp_path / "a-noisy.json"
    info = write_bundle(a, plain)
    write_bundle(a, noisy, epsilon=0.5)
    pii = _personal_values(a)
    assert len(pii) > 500 and any("@" in v for v in pii)
    for path in (plain, noisy):
        data = path.read_bytes()
        leaked = sorted(v for v in pii if v.encode() in data)
        assert not leaked, f"{path.name} leaks {leaked[:5]}"
    env = json.loads(plain.read_bytes())
    body = env["body"]
    assert env["header"]["site_id"] == "shanghai" and env["header"]["sequence"] == info["sequence"]
    assert set(body) == {"config_sha256", "check_run", "expectations", "scores", "incidents", "maturity", "privacy"}
    assert body["check_run"]["n_expectations"] == len(body["expectations"]) > 50
    assert all(set(e) == set(bundle_mod.EXPECTATION_COLUMNS) for e in body["expectations"])  # no observed values
    assert {d["id"] for d in body["maturity"]["domains"]} >= {"quality", "governance"}
    # the noisy bundle declares its mechanism and changes counts, not verdicts
    nbody = json.loads(noisy.read_bytes())["body"]
    assert nbody["privacy"]["mechanism"] == "laplace" and nbody["privacy"]["epsilon"] == 0.5
    assert [e["success"] for e in nbody["expectations"]] == [e["success"] for e in body["expectations"]]
    assert [e["element_count"] for e in nbody["expectations"]] != [e["element_count"] for e in body["expectations"]]
    assert json.loads(noisy.read_bytes())["header"]["sequence"] == info["sequence"] + 1
    key = a.keys / bundle_mod.KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(a.keys.stat().st_mode) == 0o700
    assert b"PRIVATE KEY" not in data


def test_two_sites_import_centrally_and_the_weaker_caps_the_organisation(sites, central):
    a, b, base = sites
    fa, fb = base / "shanghai-1.json", base / "frankfurt-1.json"
    write_bundle(a, fa)
    # the site operator's command and the central import, through the CLI
    r = cli("bundle", "--output", str(fb), "--home", str(b.root), "--json", "-")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["site_id"] == "frankfurt"
    assert import_bundle(central, fa)["site_id"] == "shanghai"
    r = cli("sites", "import", str(fb), "--home", str(central.root))
    assert r.exit_code == 0, r.output

    listed = {s["site_id"]: s for s in list_sites(central)}
    assert set(listed) == {"shanghai", "frankfurt"}
    assert listed["frankfurt"]["failed_checks"] > listed["shanghai"]["failed_checks"]
    assert listed["frankfurt"]["config_sha256"] != listed["shanghai"]["config_sha256"]

    org = organisation_view(central)
    by = {d["id"]: d for d in org["domains"]}
    gov = by["governance"]
    assert gov["sites"]["shanghai"]["level"] > gov["sites"]["frankfurt"]["level"]
    assert gov["level"] == gov["sites"]["frankfurt"]["level"] and gov["capped_by"] == ["frankfurt"]
    for d in org["domains"]:
        assert d["level"] == min(s["level"] for s in d["sites"].values())
    assert org["overall_level"] == min(org["site_levels"].values())

    r = cli("sites", "list", "--json", "--home", str(central.root))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["organisation"]["domains"] == json.loads(json.dumps(org["domains"], default=str))

    # the dashboard shows both sites and the organisation's capped level
    from streamlit.testing.v1 import AppTest

    from dashboard import users

    users.add_user(central, "viewer1", "viewer", "test-password")
    old = os.environ.get("SHOPGOV_HOME")
    os.environ["SHOPGOV_HOME"] = str(central.root)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        at = AppTest.from_file("dashboard/app.py", default_timeout=60).run()
        at.text_input(key="login_name").input("viewer1")
        at.text_input(key="login_password").input("test-password")
        at.button[0].click().run()
        at.switch_page("pages/sites.py").run()
        assert not at.exception, [e.message for e in at.exception]
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["Organisation level"] == f"L{org['overall_level']}"
        tables = "\n".join(df.value.to_csv() for df in at.dataframe)
        assert "shanghai" in tables and "frankfurt" in tables
        gov_row = next(line for line in tables.splitlines() if "Data governance" in line)
        assert f"L{gov['level']},frankfurt" in gov_row
    finally:
        os.chdir(cwd)
        if old is None:
            os.environ.pop("SHOPGOV_HOME", None)
        else:
            os.environ["SHOPGOV_HOME"] = old


def _write(path, env) -> str:
    path.write_text(json.dumps(env), encoding="utf-8")
    return str(path)


def test_unsigned_tampered_unknown_and_replayed_bundles_are_refused(sites, central, tmp_path):
    a, b, _ = sites
    good = build_bundle(a)

    unsigned = copy.deepcopy(good)
    del unsigned["signature"]
    tampered = copy.deepcopy(good)
    failing = next(e for e in tampered["body"]["expectations"] if not e["success"])
    failing["success"], failing["unexpected_count"] = True, 0
    header_edit = copy.deepcopy(good)
    header_edit["header"]["sequence"] += 100
    stranger = copy.deepcopy(good)
    stranger["header"]["site_id"] = "nowhere"
    other_key = build_bundle(b)
    other_key["header"]["site_id"] = "shanghai"  # frankfurt's key claiming to be shanghai

    cases = [(unsigned, "unsigned"), (tampered, "tampered"), (header_edit, "tampered"),
             (stranger, "unknown_site"), (other_key, "unknown_key")]
    for i, (env, reason) in enumerate(cases):
        with pytest.raises(BundleError) as err:
            import_bundle(central, _write(tmp_path / f"bad-{i}.json", env))
        assert err.value.reason == reason, (reason, str(err.value))

    older = build_bundle(a)  # sequence n, imported after n+1: refused as a replay
    newer = build_bundle(a)
    import_bundle(central, _write(tmp_path / "newer.json", newer))
    for name, env in (("again", newer), ("older", older)):
        with pytest.raises(BundleError, match="replayed"):
            import_bundle(central, _write(tmp_path / f"{name}.json", env))
    assert [s["sequence"] for s in list_sites(central) if s["site_id"] == "shanghai"] == [newer["header"]["sequence"]]

    # through the CLI: a clear message and exit 3, nothing stored
    r = cli("sites", "import", str(tmp_path / "bad-1.json"), "--home", str(central.root))
    assert r.exit_code == 3 and "bundle refused (tampered)" in r.stderr, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_encrypted_bundle_needs_the_key(sites, central, tmp_path, monkeypatch):
    from cryptography.fernet import Fernet

    a, _, _ = sites
    monkeypatch.setenv(bundle_mod.ENCRYPTION_ENV, Fernet.generate_key().decode())
    path = tmp_path / "enc.json"
    write_bundle(a, path, encrypt=True)
    data = path.read_bytes()
    assert b"expectations" not in data and b"config_sha256" not in data
    monkeypatch.setenv(bundle_mod.ENCRYPTION_ENV, Fernet.generate_key().decode())
    with pytest.raises(BundleError, match="not_decryptable"):
        import_bundle(central, path)
    monkeypatch.delenv(bundle_mod.ENCRYPTION_ENV)
    with pytest.raises(Exception, match="SHOPGOV_BUNDLE_KEY"):
        import_bundle(central, path)


def test_a_home_signs_as_one_site_only(sites):
    from governance.errors import UsageError

    a, _, _ = sites
    with pytest.raises(UsageError, match="cannot sign as 'elsewhere'"):
        site_identity(a, "elsewhere")
    with pytest.raises(UsageError, match="invalid site id"):
        site_identity(get_home(a.root.parent / "fresh"), "Bad Id!")
