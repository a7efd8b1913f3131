"""The personal-data scanner: kinds by content, tricky negatives, JSON, files, warehouse findings."""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd
import pytest

from governance.catalog import load_catalog
from governance.pii_audit import (
    ColumnScan,
    check_outcomes,
    classify_columns,
    scan_frame,
    scan_warehouse,
    set_status,
    store_findings,
)
from governance.pii_scan import id18_checksum_ok, luhn_ok, mask, scan, sql_candidate
from governance.privacy import mask_frame, scrub_text

POSITIVES = [
    ("mail jane.doe@example.com now", "email", "jane.doe@example.com"),
    ("有问题发邮件到li_wu88@example.cn，谢谢", "email", "li_wu88@example.cn"),
    ("call 138 1234 5678", "phone", "138 1234 5678"),
    ("手机13912345678同微信", "phone", "13912345678"),
    ("tel 010-62345678", "phone", "010-62345678"),
    ("(0755) 8654 3210 ext", "phone", "(0755) 8654 3210"),
    ("ring +44 20 7946 0958 today", "phone", "+44 20 7946 0958"),
    ("call +1 (415) 555-0199", "phone", "+1 (415) 555-0199"),
    ("身份证 11010519491231002X", "id-number", "11010519491231002X"),
    ("身份证 110105491231002 旧证", "id-number", "110105491231002"),
    ("card 4111 1111 1111 1111 ok", "bank-card", "4111 1111 1111 1111"),
    ("银行卡号：6222021234567890128", "bank-card", "6222021234567890128"),
    ("amex 3782-822463-10005", "bank-card", "3782-822463-10005"),
    ("WeChat: shop_seller88", "wechat", "shop_seller88"),
    ("加微信：abc12345 有优惠", "wechat", "abc12345"),
    ("QQ: 123456789", "qq", "123456789"),
    ("login from 203.0.113.7 failed", "ip", "203.0.113.7"),
    ("ip 2001:db8::8a2e:370:7334", "ip", "2001:db8::8a2e:370:7334"),
    ("收货地址：上海市浦东新区世纪大道100号", "address", "世纪大道100号"),
    ("ship to 221 Baker Street, London", "address", "221 Baker Street"),
    ("reset https://x.example.com/r?token=abcdef123456&x=1", "url-token", "token=abcdef123456"),
]


@pytest.mark.parametrize("text,kind,value", POSITIVES)
def test_finds_each_kind_by_content(text, kind, value):
    found = scan(text)
    assert any(f.kind == kind and value in text[f.start:f.end] or text[f.start:f.end] in value
               for f in found if f.kind == kind), found
    assert value not in mask(text) and f"[{kind}]" in mask(text)


NEGATIVES = [
    "SKU 12345678", "货号 HX20240315", "EAN 6901234567892", "UPC 036000291452", "ISBN 978-7-111-54742-6",
    "9787111547426", "Order #202403151234567", "订单号 4000123456789012", "order 13812345678 shipped",
    "tracking 9400111899223197428490", "SF123456789012", "¥1299.00", "$1,299.99", "售价 13800 元",
    "Samsung QN65Q80C 65 inch", "12 Volt Drive Motor", "Road Bike 700C 21 Speed", "2024-03-15 12:30:45",
    "ts 1710505845123", "20240315123045", "at 12:30:45.123", "md5 5d41402abc4b2a76b9719d911017c592",
    "00498343-44a7-4565-b3c5-966eb14d59bd", "009bf250-3821-494e-a3b2-0e225cbbffc6",  # UUIDs (event ids)
    "003fb5f0-6fe7-4853-8312-3b23a2d09ba0", "id 001ff19b-8679-4784-98e0-0b24d5d48ab8 ok", "v1.2.3.4", "version 10.0.19045.2965", "固件版本 2.1.0.3",
    "image@2x.png", "https://shop.example.com/item/123456?color=red", "00:1A:2B:3C:4D:5E", "wechat pay supported",
    "大号 5号电池 10节装", "QQ音乐 会员 12个月",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_tricky_negatives_are_not_personal_data(text):
    assert scan(text) == [], [(f.kind, text[f.start:f.end]) for f in scan(text)]
    assert scrub_text(text) == text


def test_checksums():
    assert id18_checksum_ok("11010519491231002X") and not id18_checksum_ok("110105194912310021")
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert scan("身份证 110105194912310021") == []  # a wrong check digit is not an ID number


def test_json_escapes_do_not_hide_values():
    text = json.dumps({"note": "微信: lily_shop88", "card": "6222021234567890128", "addr": "北京市朝阳区建国路88号"})
    assert "\\u" in text  # json.dumps escapes the Chinese context words
    kinds = {f.kind for f in scan(text)}
    assert {"wechat", "bank-card", "address"} <= kinds
    masked = mask(text)
    assert "lily_shop88" not in masked and "6222021234567890128" not in masked
    json.loads(masked)  # still valid JSON



def test_sql_prefilter_lets_every_text_with_a_finding_through():
    """The warehouse scan runs scan() only on values matching ``sql_candidate`` in DuckDB:
    no text in which scan() finds something may fail it, and most others should."""
    corpus = Path(__file__).resolve().parents[1] / "bench" / "pii_corpus.jsonl"
    texts = [t for t, _, _ in POSITIVES] + NEGATIVES + [json.loads(x)["text"] for x in corpus.read_text().splitlines()]
    texts += [
        json.dumps({"note": "微信: lily_shop88", "addr": "北京市朝阳区建国路88号"}),  # only \\u escapes
        "first line\nship to 221 Baker Street, London", "IP:10.0.0.1", "QQ号码：12345678",
        "vx: abc_12345", "加V信 shop_88888", "ping fe80::1:2:3 now", "x(415) 555-0199",
    ]
    con = duckdb.connect()
    got = con.execute(f"SELECT t, {sql_candidate('t')} FROM unnest(?) AS u(t)", [texts]).fetchall()
    assert [t for t, ok in got if scan(t) and not ok] == []
    clean = [ok for t, ok in got if not scan(t)]
    assert sum(clean) < 0.75 * len(clean)  # the corpus negatives are mostly look-alike numbers

def test_mask_frame_scrubs_every_text_column_whatever_its_name():
    """Review item 1: masking does not depend on column names."""
    df = pd.DataFrame({
        "attributes": ['{"color": "red", "seller_note": "mail bob@example.com or 13812345678"}'],
        "category_path": ["Phones > call 4111 1111 1111 1111"],
        "device": ["app-ios 11010519491231002X"],
        "free": ["身份证 110105491231002"],
        "n": [3],
    })
    out = mask_frame(df, "products", load_catalog())
    text = out.to_string()
    for raw in ("bob@example.com", "13812345678", "4111 1111 1111 1111", "11010519491231002X", "110105491231002"):
        assert raw not in text
    assert out.loc[0, "n"] == 3


def test_scan_frame_rows_are_one_based_and_excerpts_masked():
    df = pd.DataFrame({"a": ["clean", "call 13812345678"], "b": [None, 13912345678]})
    rows = scan_frame(df)
    assert [(r["row"], r["column"], r["kind"]) for r in rows] == [(2, "a", "phone"), (2, "b", "phone")]
    assert all("138123" not in r["excerpt"] and "139123" not in r["excerpt"] for r in rows)
    assert rows[0]["start"] == 5 and rows[0]["end"] == 16


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_pii_command_on_files(tmp_path, fmt):
    df = pd.DataFrame({"id": ["1", "2", "3"], "text": ["nice shoes", "vx: lily_shop88", "card 6222021234567890128"]})
    src = tmp_path / f"in.{fmt}"
    {"csv": lambda p: df.to_csv(p, index=False), "jsonl": lambda p: df.to_json(p, orient="records", lines=True),
     "parquet": lambda p: df.to_parquet(p)}[fmt](src)
    out = tmp_path / f"out.{fmt}"
    r = _cli("pii", "--input", str(src), "--output", str(out))
    assert r.returncode == 1, r.stderr
    found = {"csv": pd.read_csv, "jsonl": lambda p: pd.read_json(p, lines=True), "parquet": pd.read_parquet}[fmt](out)
    assert list(found.columns) == ["row", "column", "kind", "severity", "start", "end", "excerpt"]
    assert sorted(zip(found["row"], found["kind"], strict=True)) == [(2, "wechat"), (3, "bank-card")]
    assert "6222021234567890128" not in out.read_bytes().decode("utf-8", "ignore") + r.stderr + r.stdout

    clean = tmp_path / f"clean.{fmt}"
    {"csv": lambda p: df.head(1).to_csv(p, index=False), "jsonl": lambda p: df.head(1).to_json(p, orient="records", lines=True),
     "parquet": lambda p: df.head(1).to_parquet(p)}[fmt](clean)
    assert _cli("pii", "--input", str(clean), "--output", str(tmp_path / "none.csv")).returncode == 0


def test_pii_command_bad_input_exits_2_naming_the_file(tmp_path):
    bad = tmp_path / "broken.parquet"
    bad.write_text("not parquet")
    r = _cli("pii", "--input", str(bad))
    assert r.returncode == 2 and "broken.parquet" in r.stderr and "Traceback" not in r.stderr
    r = _cli("pii", "--input", str(tmp_path / "missing.csv"))
    assert r.returncode == 2 and "missing.csv" in r.stderr
    (tmp_path / "x.txt").write_text("a")
    assert _cli("pii", "--input", str(tmp_path / "x.txt")).returncode == 2


def test_classification_reports_unclassified_and_misclassified(tmp_path):
    catalog = load_catalog()
    scans = [ColumnScan("products", "brand", scanned=10, whole={"phone": 8}),
             ColumnScan("reviews", "text", scanned=10, holding={"phone": 1})]
    bad = {(c.table, c.column): c for c in classify_columns(catalog, scans) if c.problem}
    assert bad[("products", "brand")].problem == "misclassified"  # 80% of its values are phones
    assert bad[("products", "brand")].suggested == "direct"
    assert ("reviews", "text") not in bad  # free text with an odd phone is a finding, not a class
    import dataclasses

    t = catalog.tables["products"]
    first = t.columns[0]
    t2 = dataclasses.replace(t, columns=[dataclasses.replace(first, pii=None), *t.columns[1:]])
    edited = dataclasses.replace(catalog, tables={**catalog.tables, "products": t2})  # the loaded one is shared
    assert any(c.problem == "unclassified" and c.column == first.name for c in classify_columns(edited, scans))
    assert load_catalog().tables["products"].columns[0].pii == "none"


def _warehouse(home, rows):
    home.root.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(home.warehouse))
    con.execute("CREATE TABLE reviews (review_id VARCHAR, product_id VARCHAR, user_id VARCHAR, rating INTEGER,"
                " text VARCHAR, ts TIMESTAMP)")
    con.executemany("INSERT INTO reviews VALUES (?, 'p1', 'u1', 5, ?, NULL)", rows)
    con.close()


def test_findings_are_stored_with_stable_ids_and_kept_statuses(home):
    from assess.maturity.evidence import Sources, open_pii_findings

    catalog = load_catalog()
    _warehouse(home, [("r1", "card 6222021234567890128"), ("r2", "ok"), ("r3", "vx: lily_shop88")])
    outcomes = check_outcomes(home, catalog, "run-1")
    crit = next(o for o in outcomes if o.expectation_id == "catalog_columns.pii.no_critical_in_text")
    assert not crit.success and crit.observed["columns"] == ["reviews.text"]
    con = duckdb.connect(str(home.results), read_only=True)
    rows = con.execute("SELECT finding_id, severity, status, table_name, column_name, kind, n_values, excerpt "
                       "FROM pii_findings ORDER BY kind").fetchall()
    con.close()
    assert [(r[1], r[2], r[5], r[6]) for r in rows] == [("critical", "open", "bank-card", 1), ("high", "open", "wechat", 1)]
    assert "6222021234567890128" not in str(rows)
    src, reader = Sources.open(home)
    try:
        assert open_pii_findings(src, {"severities": ["critical"]}).value == 1.0
    finally:
        reader.close()
    set_status(home, rows[0][0], "accepted")
    store_findings(home, [], "run-2")  # nothing found any more: open ones resolve, accepted stay
    con = duckdb.connect(str(home.results), read_only=True)
    assert dict(con.execute("SELECT kind, status FROM pii_findings").fetchall()) == {"bank-card": "accepted",
                                                                                   "wechat": "resolved"}
    con.close()
    with pytest.raises(Exception, match="no personal-data finding"):
        set_status(home, "pii-nope", "accepted")


def test_a_large_column_is_sampled_repeatably_and_still_found_by_content(home):
    """A column with more values than the limit is sampled (whole vectors chosen by a seeded hash
    of their position, so that the same file gives the same findings run after run, on any
    number of threads) and its personal data is still found."""
    from governance.warehouse import atomic_write, ensure_warehouse

    ensure_warehouse(home)
    with atomic_write(home, home.warehouse) as con:
        con.execute("INSERT INTO products (product_id, title, description) SELECT 'p' || range, 'Steel bottle', "
                    "CASE WHEN range % 10 = 0 THEN 'ask buyer' || range || '@example.com' ELSE 'plain text' END "
                    "FROM range(200000)")
    catalog = load_catalog(home)
    runs = []
    for threads in (1, 4, 4):  # DuckDB's seeded TABLESAMPLE differed run to run on more than one thread
        con = duckdb.connect(str(home.warehouse), read_only=True)
        con.execute(f"SET threads = {threads}")  # global to the file's instance in this process
        runs.append({c.column: c for c in scan_warehouse(home, catalog, limit=20_000)})
        assert con.execute("SELECT current_setting('threads')").fetchone()[0] == threads  # left alone
        con.close()
    desc = runs[0]["description"]
    assert desc.sampled and 10_000 <= desc.scanned <= 40_000
    assert 0.05 <= desc.holding["email"] / desc.scanned <= 0.15
    assert all((r["description"].scanned, r["description"].holding) == (desc.scanned, desc.holding) for r in runs)
    assert not scan_warehouse(home, catalog, limit=1_000_000)[0].sampled


def record_scan(monkeypatch) -> SimpleNamespace:
    """Spy on the scan's own (real) DuckDB connection: every statement it runs, and its memory
    limit just before it closes. Observes only; the scan runs as it would."""
    from governance import pii_audit

    seen = SimpleNamespace(queries=[], memory_limits=[])
    real = pii_audit.connect_read

    class Recording:
        def __init__(self, con):
            self._con = con

        def __getattr__(self, name):
            return getattr(self._con, name)

        def execute(self, sql, *args):
            seen.queries.append(sql)
            return self._con.execute(sql, *args)

        def close(self):
            seen.memory_limits.append(self._con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
            self._con.close()

    monkeypatch.setattr(pii_audit, "connect_read", lambda path: Recording(real(path)))
    return seen


def test_the_warehouse_scan_runs_under_the_check_memory_cap(home, monkeypatch):
    """The scan reads every text column: without the cap DuckDB keeps the blocks it read cached
    (4.2 GB at 100M events against 0.7 GB with it), so it runs under SHOPGOV_CHECK_MEMORY_LIMIT."""
    from governance.warehouse import ensure_warehouse

    ensure_warehouse(home)
    seen = record_scan(monkeypatch)
    monkeypatch.setenv("SHOPGOV_CHECK_MEMORY_LIMIT", "123MB")
    scan_warehouse(home, load_catalog(home))
    ref = duckdb.connect()
    ref.execute("SET memory_limit = '123MB'")
    assert seen.memory_limits == [ref.execute("SELECT current_setting('memory_limit')").fetchone()[0]]


def test_the_scan_changes_no_setting_a_check_run_beside_it_shares(home, monkeypatch):
    """The scan runs in a thread next to the check queries, on the same DuckDB instance, where a
    SET is global: it may set only the memory cap the check run sets too (it used to pin
    ``threads`` to 1 for its samples, which would have slowed every check query beside it)."""
    from governance.warehouse import check_settings, ensure_warehouse

    ensure_warehouse(home)
    seen = record_scan(monkeypatch)
    scan_warehouse(home, load_catalog(home), limit=10)  # every column of the sample sampled
    sets = [q.split()[1] for q in seen.queries if q.lstrip().upper().startswith(("SET", "RESET", "PRAGMA"))]
    assert sets and set(sets) <= set(check_settings())


def test_a_stopped_scan_ends_before_its_next_query(home, monkeypatch):
    """A failed check run sets the scan's stop event: the scan ends at once instead of reading
    on (tens of seconds at 100M events) while the user waits for the error."""
    import threading

    from governance import pii_audit
    from governance.warehouse import ensure_warehouse

    ensure_warehouse(home)
    seen = record_scan(monkeypatch)
    stop = threading.Event()
    stop.set()
    with pytest.raises(pii_audit.ScanStopped):
        scan_warehouse(home, load_catalog(home), stop=stop)
    assert not any(q.lstrip().startswith("SELECT col") for q in seen.queries)  # no column was read
    assert scan_warehouse(home, load_catalog(home), stop=threading.Event())  # unset: scans as before
