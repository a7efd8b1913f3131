"""Personal data planted in every text column never comes out raw: CLI, JSON, results, Data Docs,
reports, logs, load_audit, ingest errors, dashboard samples (review items 1 and 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd

from governance.catalog import load_catalog
from governance.paths import get_home
from governance.sample import generate

# One synthetic value of every kind (the raw strings the outputs are searched for).
PLANTED = {
    "email": "planted.person@example.org",
    "phone": "13987654321",
    "landline": "010-62345678",
    "intl": "+44 20 7946 0123",
    "id18": "11010519491231002X",
    "id15": "110105491231002",
    "card": "6222021234567890128",
    "wechat": "plantedhandle88",
    "qq": "987651234",
    "ip": "203.0.113.77",
    "zh_address": "建国路88号",
    "en_address": "4821 Maple Street",
    "token": "SECRETtoken12345xyz",
}
TEXT = (f"contact {PLANTED['email']} / {PLANTED['phone']} / {PLANTED['landline']} / {PLANTED['intl']} "
        f"id {PLANTED['id18']} old {PLANTED['id15']} card {PLANTED['card']} 微信: {PLANTED['wechat']} "
        f"QQ: {PLANTED['qq']} from {PLANTED['ip']} 寄到北京市朝阳区{PLANTED['zh_address']} or "
        f"{PLANTED['en_address']}, see https://x.example.com/r?token={PLANTED['token']}")
KEYS = {"categories": {"category_id", "parent_id"}, "sellers": {"seller_id"},
        "products": {"product_id", "sku", "seller_id", "category_id"}, "events": {"event_id", "item_id"},
        "reviews": {"review_id", "product_id"}}
TABLES = ("categories", "sellers", "products", "events", "reviews")


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHOPGOV_HOME": str(home), "SHOPGOV_CHECK_MEMORY_LIMIT": "256MB"}
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def _plant(folder: Path) -> None:
    """Put every kind of personal data into every text column (not keys) of the first rows."""
    catalog = load_catalog()
    for t in TABLES:
        path = folder / f"{t}.parquet"
        df = pd.read_parquet(path)
        for col in df.columns:
            spec = next((c for c in catalog.tables[t].columns if c.name == col), None)
            if spec is None or spec.type not in ("VARCHAR", "JSON") or col in KEYS[t] or spec.pii not in ("none", None):
                continue
            for i in range(min(3, len(df))):
                if spec.type == "JSON":
                    df.at[i, col] = json.dumps({"note": TEXT, "nested": [TEXT]})  # escapes the Chinese words
                else:
                    df.at[i, col] = TEXT if i else f"{df.at[i, col]} {TEXT}"
        df.to_parquet(path, index=False)


def _leaks(text: str) -> list[str]:
    return [k for k, v in PLANTED.items() if v in text]


def test_planted_personal_data_never_leaves_raw(tmp_path):
    src = tmp_path / "sample"
    generate(src, products=200, events=2000, seed=3, days=7, end="2024-06-30", progress=False)
    _plant(src)
    home_dir = tmp_path / "home"
    outputs: dict[str, str] = {}

    def run(name: str, *args: str) -> subprocess.CompletedProcess:
        r = _cli(*args, home=home_dir)
        outputs[name] = r.stdout + r.stderr
        assert "Traceback" not in r.stderr, r.stderr
        return r

    assert run("init", "init", "--no-sample").returncode == 0
    from governance.ingest import ingest_files  # in-process for speed; products through the CLI

    ingest_files(get_home(home_dir), [(t, src / f"{t}.parquet") for t in TABLES if t != "products"], progress=False)
    r = run("ingest products", "ingest", "products", str(src / "products.parquet"), "--json", str(tmp_path / "ingest.json"))
    assert r.returncode == 0, r.stderr
    # a bad row whose error message quotes a planted value (review item 2)
    bad = pd.read_parquet(src / "products.parquet").head(2).astype({"price": object})
    bad.at[1, "price"] = f"card {PLANTED['card']} id {PLANTED['id15']}"
    bad.to_csv(tmp_path / "bad.csv", index=False)
    r = run("ingest bad", "ingest", "products", str(tmp_path / "bad.csv"))
    assert r.returncode != 0 and "price" in r.stderr
    r = run("check", "check", "--partition", "all", "--as-of", "2024-06-30T23:59:59", "-q",
            "--json", str(tmp_path / "check.json"))
    assert r.returncode in (0, 1), r.stderr
    check = json.loads((tmp_path / "check.json").read_text())
    assert "catalog_columns.pii.no_critical_in_text" in {e["expectation"] for e in check["expectations"]}
    assert run("assess", "assess").returncode == 0
    for fmt in ("json", "html"):
        assert run(f"report {fmt}", "report", "--format", fmt, "--role", "analyst",
                   "--output", str(tmp_path / f"report.{fmt}")).returncode == 0

    home = get_home(home_dir)
    # the dashboard's masked row samples of every failing row-level check
    from dashboard.samples import fetch_sample
    from governance.results_schema import latest_runs, run_results

    latest = latest_runs(home, 1)[0]
    samples = []
    for exp in run_results(home, latest["run_id"], failed_only=True):
        df = fetch_sample(home, exp, latest)
        if df is not None:
            samples.append(df.to_csv(index=False))
    raw_rows = duckdb.connect(str(home.warehouse), read_only=True)
    try:  # the planted rows are really in the warehouse: a sample of them must be masked, not absent
        assert raw_rows.execute("SELECT count(*) FROM products WHERE title LIKE ?", [f"%{PLANTED['card']}%"]).fetchone()[0]
        audit = raw_rows.execute("SELECT * FROM load_audit").df().to_csv(index=False)
        products = raw_rows.execute("SELECT * FROM products WHERE title LIKE ? LIMIT 5",
                                    [f"%{PLANTED['email']}%"]).df()
    finally:
        raw_rows.close()
    from governance.privacy import mask_frame

    samples.append(mask_frame(products, "products", load_catalog(home)).to_csv(index=False))
    assert "failed" in audit and "[bank-card]" in audit  # the bad row's message is there, scrubbed

    con = duckdb.connect(str(home.results), read_only=True)
    results_text = []
    try:
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            results_text.append(con.execute(f'SELECT * FROM "{table}"').df().to_csv(index=False))
        kinds = {k for (k,) in con.execute("SELECT DISTINCT kind FROM pii_findings").fetchall()}
    finally:
        con.close()
    assert {"email", "phone", "id-number", "bank-card", "wechat", "qq", "ip", "address", "url-token"} <= kinds

    files = {}
    for folder in (home.data_docs, home.reports, home.logs, tmp_path):
        for p in folder.rglob("*"):
            if p.is_file() and p.suffix in (".html", ".json", ".log", ".txt", ".jsonl", ".md") and "sample" not in p.parts:
                files[str(p)] = p.read_text(encoding="utf-8", errors="ignore")
    assert any("data_docs" in f for f in files) and any(f.endswith("report.html") for f in files)

    haystacks = {**outputs, **files, "load_audit": audit, "results.duckdb": "\n".join(results_text),
                 "dashboard samples": "\n".join(samples)}
    leaks = {name: _leaks(text) for name, text in haystacks.items() if _leaks(text)}
    assert not leaks, leaks
