"""The sample-data generator: determinism, manifest, defects, clean-row invariants, CLI."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from governance.catalog import load_catalog
from governance.errors import UsageError
from governance.paths import bundled
from governance.privacy import contains_pii
from governance.sample import DEFECTS, generate
from governance.samplegen.text import brands_in_text, listing_problems, max_token_repeat
from governance.samplegen.vocab import load_vocabulary

END = "2025-06-30"
DAYS = 14
ARGS = {"products": 500, "events": 20_000, "seed": 7, "days": DAYS, "end": END, "progress": False}
TABLES = ("categories", "sellers", "products", "events", "reviews")

# The contract in the brief: defect -> (table, dimension).
CONTRACT = {
    "null_title": ("products", "completeness"), "duplicate_product_id": ("products", "uniqueness"),
    "near_duplicate_listing": ("products", "uniqueness"), "negative_price": ("products", "validity"),
    "price_x100": ("products", "accuracy"), "sale_above_list": ("products", "consistency"),
    "invalid_category": ("products", "consistency"), "brand_mismatch": ("products", "consistency"),
    "out_of_stock_active": ("products", "consistency"),
    "keyword_stuffed_title": ("products", "validity"), "all_caps_title": ("products", "validity"),
    "short_title": ("products", "validity"), "long_title": ("products", "validity"),
    "html_in_description": ("products", "validity"),
    "contact_in_description": ("products", "validity"),
    "unknown_item": ("events", "consistency"), "purchase_without_view": ("events", "consistency"),
    "future_timestamp": ("events", "validity"), "past_timestamp": ("events", "validity"),
    "duplicate_event": ("events", "uniqueness"), "stale_partition": ("events", "timeliness"),
    "bot_high_rate": ("events", "accuracy"), "bot_regular_interval": ("events", "accuracy"),
    "click_farm": ("events", "accuracy"),
}
PRODUCT_ROW_DEFECTS = {d for d, (t, _) in CONTRACT.items() if t == "products"} - {
    "duplicate_product_id", "near_duplicate_listing", "price_x100"}
EVENT_ROW_DEFECTS = ("unknown_item", "purchase_without_view", "future_timestamp", "past_timestamp",
                     "duplicate_event")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("sample")
    return out, generate(out, **ARGS)


@pytest.fixture(scope="module")
def db(sample) -> duckdb.DuckDBPyConnection:
    return open_db(*sample)


def open_db(out: Path, manifest: dict) -> duckdb.DuckDBPyConnection:
    """DuckDB over the files, with ``clean_products`` / ``clean_events`` views."""
    con = duckdb.connect()
    for t in TABLES:
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{out / (t + '.parquet')}')")
    keys = [(d["defect"], k) for d in manifest["defects"] for k in d["keys"]]
    con.execute("CREATE TABLE defect_keys(defect VARCHAR, k VARCHAR)")
    if keys:
        con.executemany("INSERT INTO defect_keys VALUES (?, ?)", keys)
    con.execute("""CREATE VIEW clean_products AS SELECT * FROM products
                   WHERE product_id NOT IN (SELECT k FROM defect_keys) AND sku NOT IN (SELECT k FROM defect_keys)""")
    con.execute("""CREATE VIEW clean_events AS SELECT * FROM events
                   WHERE event_id NOT IN (SELECT k FROM defect_keys)
                     AND session_id NOT IN (SELECT k FROM defect_keys)""")
    return con


def _digest(out: Path) -> dict[str, str]:
    """Content hash per table (independent of Parquet file metadata)."""
    digests = {}
    for t in TABLES:
        tbl = pq.read_table(out / f"{t}.parquet")
        h = hashlib.sha256(str(tbl.schema).encode())
        for col in tbl.columns:
            h.update(json.dumps(col.to_pylist(), default=str, ensure_ascii=False).encode())
        digests[t] = h.hexdigest()
    return digests


def _defect(manifest: dict, name: str) -> dict:
    return next(d for d in manifest["defects"] if d["defect"] == name)


# --- files, schema, determinism ---------------------------------------------------------------

def test_files_match_catalog_schema(sample, db):
    out, manifest = sample
    catalog = load_catalog()
    for t in TABLES:
        described = {r[0]: r[1] for r in db.execute(f"DESCRIBE {t}").fetchall()}
        expected = {c.name: c.type for c in catalog.tables[t].input_columns}
        assert list(described) == list(expected), t
        for col, typ in expected.items():
            assert described[col] == ("VARCHAR" if typ == "JSON" else typ), (t, col)
            # and the values cast cleanly to the catalog type
            db.execute(f"SELECT TRY_CAST({col} AS {typ}) FROM {t} LIMIT 1").fetchall()
    assert "event_date" not in pq.read_schema(out / "events.parquet").names
    assert manifest["counts"] == {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    assert manifest["counts"]["products"] == ARGS["products"]
    assert manifest["counts"]["events"] == ARGS["events"]
    assert json.loads((out / "manifest.json").read_text()) == manifest
    assert not [p for p in out.iterdir() if p.name.startswith(".sample-")]  # no temp left behind


def test_same_seed_same_data_other_seed_other_data(sample, tmp_path):
    out, manifest = sample
    again = generate(tmp_path / "again", **ARGS)
    assert again == manifest
    assert _digest(tmp_path / "again") == _digest(out)
    other = generate(tmp_path / "other", **{**ARGS, "seed": 8})
    digests = _digest(tmp_path / "other")
    assert all(digests[t] != d for t, d in _digest(out).items() if t != "categories")
    assert other["defects"][0]["keys"] != manifest["defects"][0]["keys"]


def test_bad_arguments_are_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="days"):
        generate(tmp_path, products=100, events=1000, days=3, progress=False)
    with pytest.raises(UsageError, match="end"):
        generate(tmp_path, products=100, events=1000, end="30/06/2025", progress=False)


# --- manifest ---------------------------------------------------------------------------------

def test_manifest_lists_every_defect_class_with_keys(sample, db):
    out, manifest = sample
    assert manifest["seed"] == ARGS["seed"] and manifest["end"] == END and manifest["days"] == DAYS
    assert {d["defect"]: (d["table"], d["dimension"]) for d in manifest["defects"]} == CONTRACT
    assert DEFECTS == CONTRACT
    for d in manifest["defects"]:
        assert d["count"] > 0 and d["count"] == len(d["keys"]) == len(set(d["keys"])), d["defect"]
        assert 0 < d["rate"] < 0.1, d["defect"]
    found = {}
    for name, (table, _) in CONTRACT.items():
        d = _defect(manifest, name)
        keys = d["keys"]
        if name == "duplicate_product_id":
            n = db.execute("SELECT count(*) FROM products WHERE list_contains(?, sku)", [keys]).fetchone()[0]
        elif table == "products":
            n = db.execute("SELECT count(*) FROM products WHERE list_contains(?, product_id)", [keys]).fetchone()[0]
        elif name in ("bot_high_rate", "bot_regular_interval"):
            n = db.execute("SELECT count(DISTINCT session_id) FROM events WHERE list_contains(?, session_id)", [keys]).fetchone()[0]
            rows = db.execute("SELECT count(*) FROM events WHERE list_contains(?, session_id)", [keys]).fetchone()[0]
            assert rows == d["rows"]
        elif name == "click_farm":
            n = db.execute("SELECT count(*) FROM sellers WHERE list_contains(?, seller_id)", [keys]).fetchone()[0]
        elif name == "stale_partition":
            n = db.execute("SELECT count(DISTINCT CAST(ts AS DATE)) FROM events WHERE list_contains(?, CAST(CAST(ts AS DATE) AS VARCHAR))", [keys]).fetchone()[0]
        else:
            n = db.execute("SELECT count(*) FROM events WHERE list_contains(?, event_id)", [keys]).fetchone()[0]
        found[name] = n
    assert found == {d["defect"]: d["count"] for d in manifest["defects"]}


# --- products ---------------------------------------------------------------------------------

def _rows(db, sql: str, params=None) -> list[dict]:
    cur = db.execute(sql, params or [])
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def test_product_defect_rows_break_exactly_their_rule(sample, db):
    _, manifest = sample
    vocab = load_vocabulary()
    leaf_ids = {c["category_id"] for c in vocab.categories if c["is_leaf"]}
    for name in PRODUCT_ROW_DEFECTS:
        rows = _rows(db, "SELECT * FROM products WHERE list_contains(?, product_id)",
                     [_defect(manifest, name)["keys"]])
        for r in rows:
            assert listing_problems(r, vocab.brands, leaf_ids) == {name}, (name, r["title"])
    # the checks tests would write find the same rows
    dom = {r["title"] for r in _rows(db, "SELECT title FROM products WHERE list_contains(?, product_id)",
                                     [_defect(manifest, "keyword_stuffed_title")["keys"]])}
    assert all(max_token_repeat(t) >= 3 for t in dom)


def test_clean_products_honour_the_invariants(db):
    vocab = load_vocabulary()
    leaf_ids = {c["category_id"] for c in vocab.categories if c["is_leaf"]}
    q = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    assert q("SELECT count(*) - count(DISTINCT product_id) FROM clean_products") == 0
    assert q("SELECT count(*) - count(DISTINCT (seller_id, sku)) FROM products") == 0
    assert q("SELECT count(*) FROM clean_products WHERE title IS NULL OR trim(title) = ''") == 0
    assert q("SELECT count(*) FROM clean_products WHERE NOT (price > 0 AND price <= list_price)") == 0
    assert q("""SELECT count(*) FROM clean_products p LEFT JOIN categories c USING (category_id)
                WHERE c.category_id IS NULL OR NOT c.is_leaf""") == 0
    assert q("SELECT count(*) FROM clean_products WHERE stock = 0 AND status = 'active'") == 0
    assert q("SELECT count(*) FROM clean_products WHERE length(title) NOT BETWEEN 20 AND 120") == 0
    assert q("SELECT count(*) FROM clean_products WHERE upper(title) = title AND regexp_matches(title, '[A-Z]')") == 0
    assert q("SELECT count(*) FROM clean_products WHERE regexp_matches(description, '<[a-zA-Z/][^>]*>')") == 0
    assert q("SELECT count(*) FROM clean_products WHERE status NOT IN ('active', 'inactive', 'draft')") == 0
    assert q("SELECT count(*) FROM clean_products WHERE json_array_length(image_urls::JSON) < 1") == 0
    assert q("SELECT count(*) FROM clean_products WHERE json_type(attributes::JSON) <> 'OBJECT'") == 0
    assert q("SELECT count(*) FROM clean_products WHERE updated_at < created_at") == 0
    for r in _rows(db, "SELECT * FROM clean_products"):
        assert listing_problems(r, vocab.brands, leaf_ids) == set(), r["title"]
        assert len(r["title"].split()) >= 3 and max_token_repeat(r["title"]) < 3
        assert not contains_pii(r["description"]) and not contains_pii(r["title"])
        assert r["brand"] in brands_in_text(r["title"], vocab.brands) or not brands_in_text(r["title"], vocab.brands)


def test_prices_are_robust_outliers_only_for_price_typos(sample, db):
    _, manifest = sample
    z = _rows(db, """
        WITH g AS (SELECT category_id, currency, median(price) med FROM products WHERE price > 0 GROUP BY ALL),
        m AS (SELECT p.category_id, p.currency, any_value(g.med) med, median(abs(p.price - g.med)) * 1.4826 mad,
                     count(*) n
              FROM products p JOIN g USING (category_id, currency) WHERE p.price > 0 GROUP BY ALL)
        SELECT p.product_id, abs(p.price - m.med) / m.mad z FROM products p JOIN m USING (category_id, currency)
        WHERE p.price > 0 AND m.n >= 5 AND m.mad > 0""")
    outliers = {r["product_id"] for r in z if r["z"] > 6}
    assert outliers == set(_defect(manifest, "price_x100")["keys"])


def test_duplicates_and_near_duplicates(sample, db):
    _, manifest = sample
    dups = _rows(db, """SELECT d.product_id, d.seller_id ds, d.sku dsku, o.seller_id os, o.sku osku
                        FROM products d JOIN products o ON o.product_id = d.product_id AND o.sku <> d.sku
                        WHERE list_contains(?, d.sku)""", [_defect(manifest, "duplicate_product_id")["keys"]])
    assert len(dups) == _defect(manifest, "duplicate_product_id")["count"]
    assert all(r["ds"] != r["os"] for r in dups)
    near = _rows(db, "SELECT product_id, sku, seller_id, title FROM products WHERE list_contains(?, product_id)",
                 [_defect(manifest, "near_duplicate_listing")["keys"]])
    words = lambda t: [w for w in (re.sub(r"[^\w]", "", x) for x in t.lower().split()) if w]  # noqa: E731
    for n in near:
        twins = [o for o in _rows(db, "SELECT * FROM clean_products WHERE seller_id = ?", [n["seller_id"]])
                 if o["title"] != n["title"] and _word_distance(words(o["title"]), words(n["title"])) <= 1]
        assert twins and all(o["product_id"] != n["product_id"] and o["sku"] != n["sku"] for o in twins), n


def _word_distance(a: list[str], b: list[str]) -> int:
    """Edit distance between two word lists (insert, delete, replace one word)."""
    prev = list(range(len(b) + 1))
    for i, wa in enumerate(a, 1):
        cur = [i]
        for j, wb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (wa != wb)))
        prev = cur
    return prev[-1]


def test_catalogue_is_realistic(db):
    q = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    assert q("SELECT count(*) FROM categories WHERE level = 1 AND name_zh IS NOT NULL") >= 10
    assert q("SELECT max(level) FROM categories") == 3
    assert q("SELECT count(DISTINCT level) FROM categories WHERE is_leaf") == 2
    assert q("""SELECT count(*) FROM categories c WHERE is_leaf <> NOT EXISTS
                (SELECT 1 FROM categories k WHERE k.parent_id = c.category_id)""") == 0
    zh = q("SELECT avg((locale = 'zh-CN')::INT) FROM products")
    assert 0.03 < zh < 0.15
    assert q("SELECT count(*) FROM products WHERE (locale = 'zh-CN') <> (currency = 'CNY')") == 0
    assert q("SELECT count(*) FROM products WHERE locale = 'zh-CN' AND regexp_matches(title, '[\\x{4e00}-\\x{9fff}]')") > 0
    med = dict(db.execute("""SELECT split_part(category_path, ' > ', -1), median(price) FROM clean_products
                             WHERE currency = 'USD' GROUP BY 1""").fetchall())
    assert med["Laptops"] > 10 * med["Phone Cases"]
    assert q("SELECT count(DISTINCT seller_id) FROM products") >= 10
    assert q("SELECT count(*) FROM sellers WHERE contact_email LIKE '%@%' AND rating BETWEEN 1 AND 5") == q("SELECT count(*) FROM sellers")
    assert q("SELECT avg(rating) FROM reviews") > 3.8
    assert q("SELECT count(*) FROM reviews r LEFT JOIN products p USING (product_id) WHERE p.product_id IS NULL") == 0


# --- events -----------------------------------------------------------------------------------

def test_event_defect_rows_show_their_defect(sample, db):
    _, manifest = sample
    end = date.fromisoformat(END)
    keys = lambda n: [_defect(manifest, n)["keys"]]  # noqa: E731
    q = lambda sql, n: db.execute(sql, keys(n)).fetchone()[0]  # noqa: E731
    assert q("""SELECT count(*) FROM events WHERE list_contains(?, event_id)
                AND item_id NOT IN (SELECT product_id FROM products)""", "unknown_item") == _defect(manifest, "unknown_item")["count"]
    assert q(f"SELECT min(ts) > DATE '{end + timedelta(days=2)}' FROM events WHERE list_contains(?, event_id)", "future_timestamp")
    assert q(f"SELECT max(ts) < DATE '{end - timedelta(days=DAYS + 365)}' FROM events WHERE list_contains(?, event_id)", "past_timestamp")
    assert q("""SELECT count(*) FROM events d JOIN events o USING (user_id, session_id, event_type, ts)
                WHERE list_contains(?, d.event_id) AND o.event_id <> d.event_id
                AND o.item_id IS NOT DISTINCT FROM d.item_id""", "duplicate_event") == _defect(manifest, "duplicate_event")["count"]
    assert q("""SELECT count(*) FROM events p WHERE list_contains(?, p.event_id) AND p.event_type = 'purchase'
                AND NOT EXISTS (SELECT 1 FROM events v WHERE v.session_id = p.session_id AND v.item_id = p.item_id
                                AND v.event_type IN ('view', 'click') AND v.ts < p.ts)""",
             "purchase_without_view") == _defect(manifest, "purchase_without_view")["count"]
    # bots: hundreds a minute / perfectly regular
    rate = db.execute("""SELECT session_id, max(n) FROM (SELECT session_id, count(*) OVER (PARTITION BY session_id ORDER BY ts
                         RANGE BETWEEN CURRENT ROW AND INTERVAL 59999 MILLISECOND FOLLOWING) n
                         FROM events WHERE list_contains(?, session_id)) GROUP BY 1""", keys("bot_high_rate")).fetchall()
    assert rate and all(n >= 100 for _, n in rate)
    regular = db.execute("""SELECT session_id, count(*) n, count(DISTINCT gap) g FROM (SELECT session_id,
                            ts - lag(ts) OVER (PARTITION BY session_id ORDER BY ts) gap FROM events
                            WHERE list_contains(?, session_id)) GROUP BY 1""", keys("bot_regular_interval")).fetchall()
    assert regular and all(n >= 10 and g == 1 for _, n, g in regular)


def test_clean_events_honour_the_invariants(sample, db):
    _, manifest = sample
    end = date.fromisoformat(END)
    start = end - timedelta(days=DAYS - 1)
    q = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    assert q("SELECT count(*) FROM events WHERE event_type NOT IN ('view','click','search','cart','fav','purchase')") == 0
    assert q("SELECT count(*) FROM clean_events WHERE (event_type = 'search') = (item_id IS NOT NULL)") == 0
    assert q("SELECT count(*) FROM clean_events WHERE event_type = 'search' AND (query IS NULL OR query = '')") == 0
    assert q("SELECT count(*) FROM clean_events WHERE item_id IS NOT NULL AND item_id NOT IN (SELECT product_id FROM products)") == 0
    assert q(f"SELECT count(*) FROM clean_events WHERE ts < DATE '{start}' OR ts >= DATE '{end + timedelta(days=1)}'") == 0
    assert q("SELECT count(*) FROM events WHERE NOT regexp_matches(user_id, '^u[0-9]{7}$')") == 0
    assert q("SELECT count(*) - count(DISTINCT event_id) FROM events") == 0
    assert q("""SELECT count(*) FROM (SELECT user_id, session_id, item_id, event_type, ts FROM clean_events
                GROUP BY ALL HAVING count(*) > 1)""") == 0
    assert q("""SELECT count(*) FROM clean_events p WHERE event_type = 'purchase' AND NOT EXISTS (
                SELECT 1 FROM events v WHERE v.session_id = p.session_id AND v.item_id = p.item_id
                AND v.event_type IN ('view', 'click') AND v.ts < p.ts)""") == 0
    assert q("SELECT count(*) FROM clean_events WHERE (event_type = 'purchase') <> (order_id IS NOT NULL AND price_paid > 0)") == 0
    # no clean session is bot-like
    assert q("""SELECT max(n) FROM (SELECT count(*) OVER (PARTITION BY session_id ORDER BY ts
                RANGE BETWEEN CURRENT ROW AND INTERVAL 59999 MILLISECOND FOLLOWING) n FROM clean_events)""") <= 60
    assert q("""SELECT count(*) FROM (SELECT session_id FROM (SELECT session_id,
                ts - lag(ts) OVER (PARTITION BY session_id ORDER BY ts) gap FROM clean_events)
                GROUP BY 1 HAVING count(*) >= 10 AND count(DISTINCT gap) = 1)""") == 0
    # daily volume: within +-50% of the median day, except the stale partition (~5%)
    stale = _defect(manifest, "stale_partition")["keys"][0]
    per_day = dict(db.execute("SELECT CAST(ts AS DATE)::VARCHAR, count(*) FROM clean_events GROUP BY 1").fetchall())
    assert len(per_day) == DAYS
    median = sorted(per_day.values())[DAYS // 2]
    assert per_day[stale] < 0.15 * median
    assert all(0.5 * median <= n <= 1.5 * median for d, n in per_day.items() if d != stale)
    hours = dict(db.execute("SELECT hour(ts), count(*) FROM clean_events GROUP BY 1").fetchall())
    assert hours[20] > 3 * hours[3]  # evening peak, night trough


def test_click_farms_are_the_only_fresh_account_bursts(sample, db):
    _, manifest = sample
    bursts = db.execute("""
        WITH first_seen AS (SELECT user_id, min(ts) first_ts FROM events GROUP BY 1),
        sold AS (SELECT DISTINCT product_id, seller_id FROM products)
        SELECT s.seller_id, date_trunc('hour', e.ts) h, count(DISTINCT e.user_id) buyers
        FROM events e JOIN first_seen f USING (user_id) JOIN sold s ON s.product_id = e.item_id
        WHERE e.event_type = 'purchase' AND e.ts - f.first_ts < INTERVAL 1 HOUR
        GROUP BY 1, 2 HAVING count(DISTINCT e.user_id) > 10""").fetchall()
    farms = set(_defect(manifest, "click_farm")["keys"])
    assert {s for s, _, _ in bursts} == farms
    assert all(n >= 20 for s, _, n in bursts if s in farms)


# --- CLI --------------------------------------------------------------------------------------

def test_cli_sample_writes_files_and_json(tmp_path):
    from dashboard.cli import build_app

    app = build_app()
    out = tmp_path / "cli"
    result = CliRunner().invoke(app, ["sample", "--out", str(out), "--products", "200", "--events", "3000",
                                      "--seed", "3", "--end", END, "--json", str(tmp_path / "s.json")])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["counts"]["products"] == 200 and summary["counts"]["events"] == 3000
    assert set(summary["defects"]) == set(CONTRACT)
    assert all((out / f"{t}.parquet").exists() for t in TABLES)
    bad = CliRunner().invoke(app, ["sample", "--out", str(out), "--end", "June 30"])
    assert bad.exit_code == 2


def test_zero_rates_give_a_clean_sample(tmp_path):
    rates = {d: 0.0 for d in CONTRACT} | {"stale_partition": 1.0}
    manifest = generate(tmp_path, **{**ARGS, "products": 300, "events": 5000}, rates=rates)
    assert {d["defect"]: d["count"] for d in manifest["defects"]} == dict.fromkeys(CONTRACT, 0)
    db = open_db(tmp_path, manifest)
    vocab = load_vocabulary()
    leaf_ids = {c["category_id"] for c in vocab.categories if c["is_leaf"]}
    assert all(listing_problems(r, vocab.brands, leaf_ids) == set() for r in _rows(db, "SELECT * FROM products"))
    assert db.execute("SELECT count(*) - count(DISTINCT product_id) FROM products").fetchone()[0] == 0
    per_day = [n for (n,) in db.execute("SELECT count(*) FROM events GROUP BY CAST(ts AS DATE)").fetchall()]
    assert len(per_day) == DAYS and min(per_day) > 0.5 * sorted(per_day)[DAYS // 2]


def test_listing_titles_regenerate_to_the_packaged_csv(tmp_path):
    """`python -m governance.samplegen.listing_titles` reproduces the bundled training set exactly."""
    out = tmp_path / "titles.csv"
    proc = subprocess.run([sys.executable, "-m", "governance.samplegen.listing_titles", "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "wrote 4200 rows" in proc.stdout
    assert out.read_bytes() == bundled("governance.samplegen", "listing_titles.csv").read_bytes()
