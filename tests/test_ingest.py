"""Ingestion: formats, mappings, contract violations, idempotency, atomicity, CLI exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from governance.catalog import load_catalog
from governance.config import ConfigError
from governance.errors import IngestError, UsageError
from governance.hooks import POINTS
from governance.ingest import ingest_file, ingest_files
from governance.mapping import load_mapping
from governance.paths import get_home
from governance.warehouse import connect_read

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = ROOT / "sample_data" / "mappings"
SELLERS_HEADER = "seller_id,name,country,city,rating,joined_at,contact_email,contact_phone\n"
GOOD_SELLERS = SELLERS_HEADER + (
    "s1,Shop One,US,New York,4.5,2023-01-01 10:00:00,a@example.com,+1 555 0100\n"
    's2,"Shop, Two",DE,"Berlin\nMitte",3,2023-02-01,,\n'
    "s3,Shop Three,CN,杭州,,2023-03-01T08:30:00Z,,\n"
)


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def snapshot(home) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent content hash of every data table."""
    con = connect_read(home.warehouse)
    try:
        out = {}
        for t in load_catalog().tables:
            n, digest = con.execute(
                f"SELECT count(*), md5(coalesce(string_agg(CAST(x AS VARCHAR), '|' ORDER BY CAST(x AS VARCHAR)), '')) "
                f"FROM {t} x"
            ).fetchone()
            out[t] = (n, digest)
        return out
    finally:
        con.close()


def query(home, sql: str, params=None):
    con = connect_read(home.warehouse)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def audit(home):
    return query(home, "SELECT table_name, outcome, rows_in, rows_inserted, rows_updated, checksum_sha256, "
                       "mapping, message FROM load_audit ORDER BY started_at, load_id")


def events_file(path: Path, n: int, start: int = 0, fmt: str = "parquet", extra: bool = False) -> Path:
    """``n`` synthetic behaviour events written by DuckDB (ids start at ``start``)."""
    cols = (
        "'e' || lpad(CAST(i AS VARCHAR), 9, '0') AS event_id, 'u' || CAST(i % 97 AS VARCHAR) AS user_id, "
        "'s' || CAST(i // 10 AS VARCHAR) AS session_id, "
        "CASE i % 3 WHEN 0 THEN 'view' WHEN 1 THEN 'click' ELSE 'purchase' END AS event_type, "
        "'p' || CAST(i % 50 AS VARCHAR) AS item_id, NULL::VARCHAR AS query, "
        "TIMESTAMP '2024-03-01 23:00:00' + to_seconds(i * 7) AS ts, 'web-desktop' AS device, "
        "CASE WHEN i % 3 = 2 THEN 'o' || CAST(i AS VARCHAR) END AS order_id, "
        "CASE WHEN i % 3 = 2 THEN 9.5 END AS price_paid"
        + (", 'x' AS tracking_note" if extra else "")
    )
    opts = "(FORMAT parquet)" if fmt == "parquet" else "(HEADER, DELIMITER ',')"
    duckdb.sql(f"COPY (SELECT {cols} FROM range({start}, {start + n}) t(i)) TO '{path}' {opts}")
    return path


# --- happy paths -------------------------------------------------------------------------


def test_csv_happy_path_types_quotes_and_audit(home, tmp_path):
    f = write(tmp_path / "sellers.csv", "\ufeff" + GOOD_SELLERS.replace("\n", "\r\n"))
    r = ingest_file(home, "sellers", f, progress=False)
    assert (r.table, r.source_format, r.outcome) == ("sellers", "csv", "ok")
    assert (r.rows_in, r.rows_inserted, r.rows_updated) == (3, 3, 0)
    assert r.checksum_sha256 == hashlib.sha256(f.read_bytes()).hexdigest()
    rows = query(home, "SELECT seller_id, name, city, rating, joined_at FROM sellers ORDER BY seller_id")
    assert rows[0][0] == "s1" and rows[0][3] == 4.5
    assert rows[1][1] == "Shop, Two" and rows[1][2] == "Berlin\r\nMitte"  # quoted multi-line field
    assert rows[2][2] == "杭州" and rows[2][3] is None
    assert str(rows[2][4]) == "2023-03-01 08:30:00"
    a = audit(home)
    assert len(a) == 1 and a[0][:5] == ("sellers", "ok", 3, 3, 0) and a[0][5] == r.checksum_sha256
    assert r.as_dict()["load_id"].startswith("load-")


def test_parquet_events_derive_partition_and_report_extra_columns(home, tmp_path):
    f = events_file(tmp_path / "events.parquet", 500, extra=True)
    r = ingest_file(home, "events", f, progress=False)
    assert (r.source_format, r.rows_in, r.rows_inserted) == ("parquet", 500, 500)
    assert r.ignored_columns == ["tracking_note"]
    bad = query(home, "SELECT count(*) FROM events WHERE event_date IS NULL OR event_date <> CAST(ts AS DATE)")
    assert bad == [(0,)]
    assert query(home, "SELECT min(event_date), max(event_date) FROM events")[0][0].isoformat() == "2024-03-01"
    assert "ignored columns: tracking_note" in audit(home)[0][7]


def test_jsonl_happy_path_with_nested_json_values(home, tmp_path):
    lines = [
        {"product_id": "P1", "sku": "A-1", "seller_id": "s1", "title": "Red shoe", "price": 19.5,
         "stock": 3, "image_urls": ["https://x/1.jpg"], "attributes": {"color": "red"}},
        {"product_id": "P2", "sku": "A-2", "seller_id": "s1", "price": "7", "created_at": "2024-01-02 03:04:05"},
    ]
    f = write(tmp_path / "products.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    r = ingest_file(home, "products", f, progress=False)
    assert (r.source_format, r.rows_in) == ("jsonl", 2)
    rows = query(home, "SELECT sku, price, stock, image_urls->>0, attributes->>'color', created_at FROM products ORDER BY sku")
    assert rows[0][:5] == ("A-1", 19.5, 3, "https://x/1.jpg", "red")
    assert rows[1][1] == 7.0 and str(rows[1][5]) == "2024-01-02 03:04:05"


# --- idempotency ---------------------------------------------------------------------------


def test_reloading_is_idempotent_and_upserts_by_composite_key(home, tmp_path):
    header = "product_id,sku,seller_id,title,price\n"
    f1 = write(tmp_path / "p1.csv", header + "P1,A,s1,One,1\nP2,B,s1,Two,2\nP3,A,s2,Other seller,3\n")
    r1 = ingest_file(home, "products", f1, progress=False)
    snap = snapshot(home)
    r2 = ingest_file(home, "products", f1, progress=False)
    assert (r1.rows_inserted, r1.rows_updated) == (3, 0)
    assert (r2.rows_inserted, r2.rows_updated) == (0, 3)
    assert snapshot(home) == snap
    assert [a[1] for a in audit(home)] == ["ok", "ok"]
    f2 = write(tmp_path / "p2.csv", header + "P1,A,s1,One (new title),1.5\nP4,C,s1,Four,4\n")
    r3 = ingest_file(home, "products", f2, progress=False)
    assert (r3.rows_in, r3.rows_inserted, r3.rows_updated) == (2, 1, 1)
    assert query(home, "SELECT count(*) FROM products") == [(4,)]
    assert query(home, "SELECT title, price FROM products WHERE seller_id='s1' AND sku='A'") == [("One (new title)", 1.5)]
    assert query(home, "SELECT title FROM products WHERE seller_id='s2' AND sku='A'") == [("Other seller",)]


# --- bad input: clear errors, nothing stored changes ---------------------------------------


def _bad_cases(tmp: Path) -> dict:
    parquet_ok = events_file(tmp / "ok.parquet", 300)
    data = parquet_ok.read_bytes()
    return {
        "wrong_type": ("sellers", write(tmp / "types.csv", SELLERS_HEADER + "x1,A,US,,4.5,,,\nx2,B,US,,abc,,,\n"),
                       ["types.csv", "row 2", "column 'rating'", "'abc' is not a DOUBLE"]),
        "bad_timestamp": ("sellers", write(tmp / "ts.csv", "seller_id,name,joined_at\nx1,A,yesterday\n"),
                          ["ts.csv", "row 1", "column 'joined_at'", "'yesterday' is not a TIMESTAMP"]),
        "missing_column": ("sellers", write(tmp / "missing.csv", "seller_id,country\nx1,US\n"),
                           ["missing.csv", "missing required column 'name'"]),
        "null_required": ("sellers", write(tmp / "nulls.csv", "seller_id,name\nx1,A\nx2,\nx3,  \n"),
                          ["nulls.csv", "row 2, column 'name'", "row 3, column 'name'", "required value is missing"]),
        "duplicate_key": ("products", write(tmp / "dups.csv", "product_id,sku,seller_id\nP1,A,s1\nP2,B,s1\nP3,A,s1\n"),
                          ["dups.csv", "row 1", "column 'seller_id, sku'", "duplicate key (s1, A)", "also in row 3"]),
        "bad_encoding": ("sellers", write(tmp / "latin1.csv", "seller_id,name\nx1,A\nx2,Caf\xe9\n".encode("latin-1")),
                         ["latin1.csv", "not valid utf-8 at line 3", "encoding"]),
        "empty_file": ("sellers", write(tmp / "empty.csv", ""), ["empty.csv", "empty"]),
        "header_only": ("sellers", write(tmp / "header.csv", "seller_id,name\n"), ["header.csv", "no data rows"]),
        "truncated_csv": ("sellers", write(tmp / "cut.csv", 'seller_id,name\nx1,"A\nB"\nx2,"cut her'),
                          ["cut.csv", "row 2", "truncated"]),
        "ragged_row": ("sellers", write(tmp / "ragged.csv", "seller_id,name\nx1,A\nx2,B,C\n"),
                       ["ragged.csv", "row 2", "expected 2 fields but found 3"]),
        "truncated_parquet": ("events", write(tmp / "cut.parquet", data[: len(data) // 2]),
                              ["cut.parquet", "truncated or corrupt"]),
        "truncated_jsonl": ("sellers", write(tmp / "cut.jsonl", '{"seller_id":"x1","name":"A"}\n{"seller_id":"x2","na'),
                            ["cut.jsonl", "line 2", "truncated"]),
        "bad_json_value": ("products", write(tmp / "json.csv", "product_id,sku,seller_id,attributes\nP1,A,s1,{oops\n"),
                           ["json.csv", "row 1", "column 'attributes'", "not valid JSON"]),
        "unknown_format": ("sellers", write(tmp / "sellers.xlsx", "PK\x03\x04"), ["sellers.xlsx", "save the sheet as CSV"]),
        "unknown_table": ("customers", write(tmp / "c.csv", "id\n1\n"), ["unknown table 'customers'", "sellers"]),
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    """A warehouse file that already holds sellers, products and events (built once)."""
    d = tmp_path_factory.mktemp("baseline")
    home = get_home(d / "home").ensure()
    ingest_file(home, "sellers", write(d / "base_sellers.csv", GOOD_SELLERS), progress=False)
    ingest_file(home, "products", write(d / "base_products.csv", "product_id,sku,seller_id\nP9,Z,s1\n"), progress=False)
    ingest_file(home, "events", events_file(d / "base_events.parquet", 50), progress=False)
    return home.warehouse


@pytest.fixture
def loaded(home, baseline):
    """The test's home with a copy of the baseline warehouse."""
    shutil.copyfile(baseline, home.warehouse)
    return home


@pytest.mark.parametrize("case", [
    "wrong_type", "bad_timestamp", "missing_column", "null_required", "duplicate_key", "bad_encoding",
    "empty_file", "header_only", "truncated_csv", "ragged_row", "truncated_parquet", "truncated_jsonl",
    "bad_json_value", "unknown_format", "unknown_table",
])
def test_bad_input_is_rejected_and_changes_nothing(loaded, tmp_path, case):
    home = loaded
    (tmp_path / "in").mkdir()
    table, path, expected = _bad_cases(tmp_path / "in")[case]
    before = snapshot(home)
    n_audit = len(audit(home))
    err_type = UsageError if case == "unknown_table" else IngestError
    with pytest.raises(err_type) as exc:
        ingest_file(home, table, path, progress=False)
    message = str(exc.value)
    for needle in expected:
        assert needle in message, f"{needle!r} not in:\n{message}"
    assert snapshot(home) == before
    rows = audit(home)
    assert len(rows) == n_audit + 1 and rows[-1][1] == "failed" and rows[-1][0] == table
    assert rows[-1][7] and rows[-1][7].splitlines()[0] in message
    assert not list(home.root.glob(".warehouse.duckdb.*"))


def test_batch_load_is_all_or_nothing(loaded, tmp_path):
    home = loaded
    before = snapshot(home)
    good = events_file(tmp_path / "more.parquet", 100, start=1000)
    bad = write(tmp_path / "bad.csv", SELLERS_HEADER + "x1,A,US,,not-a-number,,,\n")
    with pytest.raises(IngestError, match=r"row 1, column 'rating'"):
        ingest_files(home, [("events", good), ("sellers", bad)], progress=False)
    assert snapshot(home) == before
    last = audit(home)[-2:]
    assert [r[1] for r in last] == ["failed", "failed"]
    assert "not loaded" in last[0][7] and "bad.csv" in last[0][7]
    results = ingest_files(home, [("events", good), ("sellers", write(tmp_path / "s.csv", GOOD_SELLERS))], progress=False)
    assert [r.rows_inserted for r in results] == [100, 0]
    assert snapshot(home)["events"][0] == 150


# --- mappings ------------------------------------------------------------------------------


def test_mapping_file_for_headerless_export(home, tmp_path):
    mapping = write(tmp_path / "behaviour.yaml", """
format: csv
header: false
columns: [uid, item, cat, behavior, unix_ts]
columns_note: ignored
""")
    f = write(tmp_path / "behaviour.txt", "1,100,7,pv,1511544070\n1,101,7,buy,1511547070\n2,100,7,cart,1511600000\n")
    with pytest.raises(ConfigError, match=r"behaviour\.yaml:5: columns_note: unknown key"):
        ingest_file(home, "events", f, mapping, progress=False)
    mapping = MAPPINGS / "taobao_userbehavior.yaml"
    r = ingest_file(home, "events", f, mapping, progress=False)
    assert (r.rows_in, r.ignored_columns) == (3, [])  # category_id feeds event_id
    rows = query(home, "SELECT user_id, item_id, event_type, ts, session_id, event_date, length(event_id) "
                       "FROM events ORDER BY ts")
    assert [x[2] for x in rows] == ["view", "purchase", "cart"]
    assert str(rows[0][3]) == "2017-11-24 17:21:10" and rows[0][4] == "1-2017-11-24"
    assert rows[0][5].isoformat() == "2017-11-24" and rows[0][6] == 32
    recorded = json.loads(audit(home)[-1][6])
    assert recorded["file"] == str(mapping.resolve()) and len(recorded["sha256"]) == 64
    r2 = ingest_file(home, "events", f, mapping, progress=False)  # deterministic ids: idempotent
    assert (r2.rows_inserted, r2.rows_updated) == (0, 3)


def test_bundled_walmart_mapping_on_a_small_export(home, tmp_path):
    header = ("url,title,brand,sku,price,currency,description,availability,condition,available_delivery_method,"
              "average_rating,total_ratings,images,uniq_id,scraped_at\n")
    f = write(tmp_path / "walmart.csv", header
              + 'https://w/1,Red Dress,Acme,111,$1,299.50,USD,"Line one\nLine two",InStock,NewCondition,OnSitePickup,'
                "4.5,10,https://i/1.jpg~https://i/2.jpg,uuid-1,03/01/2022 15:58:34\n".replace("$1,299.50", '"$1,299.50"')
              + "https://w/2,Blue Hat,,,9.99,,Plain,OutOfStock,NewCondition,OnSitePickup,,0,,uuid-2,04/01/2022 03:09:40\n")
    r = ingest_file(home, "products", f, MAPPINGS / "walmart_products.yaml", progress=False)
    assert r.rows_in == 2 and r.ignored_columns == []
    rows = query(home, "SELECT product_id, sku, seller_id, price, currency, status, stock, json_array_length(image_urls), "
                       "attributes->>'average_rating', description, updated_at FROM products ORDER BY product_id")
    assert rows[0][:8] == ("uuid-1", "111", "walmart", 1299.5, "USD", "active", None, 2)
    assert rows[0][8] == "4.5" and rows[0][9] == "Line one\nLine two" and str(rows[0][10]) == "2022-03-01 15:58:34"
    assert rows[1][:8] == ("uuid-2", "uuid-2", "walmart", 9.99, "USD", "inactive", 0, None)


def test_header_written_as_one_quoted_field_with_bom_and_semicolons(home, tmp_path):
    cols = ["product_id", "product_category_name", "product_name_lenght", "product_description_lenght",
            "product_photos_qty", "product_weight_g", "product_length_cm", "product_height_cm", "product_width_cm"]
    header = '"' + ",".join(c if i == 0 else f'""{c}""' for i, c in enumerate(cols)) + '"'
    products = write(tmp_path / "olist.csv", "\ufeff" + header + "\r\nabc,perfumaria,40,287,1,225,16,10,14\r\n"
                     "def,,,,,,,,\r\n")
    r = ingest_file(home, "products", products, MAPPINGS / "olist_products.yaml", progress=False)
    assert r.rows_in == 2 and any("one quoted field" in n for n in r.notes)
    assert query(home, "SELECT product_id, sku, seller_id, category_id, attributes->>'weight_g' FROM products ORDER BY 1") == [
        ("abc", "abc", "olist", "perfumaria", "225.0"), ("def", "def", "olist", None, None)]
    sellers = write(tmp_path / "sellers.csv", "\ufeffseller_id;seller_zip_code_prefix;seller_city;seller_state\r\nS1;13023;Campinas;SP\r\n")
    with pytest.raises(IngestError, match="missing required column 'name'"):
        ingest_file(home, "sellers", sellers, progress=False)
    r = ingest_file(home, "sellers", sellers, MAPPINGS / "olist_sellers.yaml", progress=False)
    assert r.ignored_columns == ["seller_zip_code_prefix", "seller_state"]
    assert query(home, "SELECT seller_id, name, city, country FROM sellers") == [("S1", "Olist seller S1", "Campinas", "BR")]


def test_declared_encoding_is_converted(home, tmp_path):
    f = write(tmp_path / "gbk.csv", "seller_id,name,city\ns1,淘宝小店,杭州\n".encode("gbk"))
    with pytest.raises(IngestError, match="not valid utf-8 at line 2"):
        ingest_file(home, "sellers", f, progress=False)
    r = ingest_file(home, "sellers", f, {"encoding": "gbk"}, progress=False)
    assert "converted from gbk to UTF-8" in r.notes
    assert query(home, "SELECT name, city FROM sellers") == [("淘宝小店", "杭州")]


def test_mapping_mistakes_name_the_column_and_row(home, tmp_path):
    f = write(tmp_path / "s.csv", "sid,nm,unix\ns1,A,100\ns2,B,abc\n")
    base = {"columns": {"sid": "seller_id", "nm": "name"}}
    with pytest.raises(IngestError, match=r"'joined_at'.*tsx.*the file's columns are: seller_id, name, unix"):
        ingest_file(home, "sellers", f, {**base, "transforms": {"joined_at": "to_timestamp(CAST(tsx AS BIGINT))"}}, progress=False)
    with pytest.raises(IngestError, match=r"row 2, column 'joined_at'.*'abc'"):
        ingest_file(home, "sellers", f, {**base, "transforms": {"joined_at": "to_timestamp(CAST(unix AS BIGINT))"}}, progress=False)
    with pytest.raises(IngestError, match="renames column.*'nope'"):
        ingest_file(home, "sellers", f, {"columns": {"nope": "name"}}, progress=False)
    with pytest.raises(IngestError, match="constants name.*'colour'"):
        ingest_file(home, "sellers", f, {**base, "constants": {"colour": "red"}}, progress=False)
    assert snapshot(home)["sellers"][0] == 0
    r = ingest_file(home, "sellers", f, {**base, "constants": {"country": "BR"}, "defaults": {"city": "unknown"},
                                         "transforms": {"joined_at": "to_timestamp(TRY_CAST(unix AS BIGINT))"}}, progress=False)
    assert r.rows_in == 2
    assert query(home, "SELECT seller_id, country, city, joined_at IS NULL FROM sellers ORDER BY 1") == [
        ("s1", "BR", "unknown", False), ("s2", "BR", "unknown", True)]


def test_deduplicate_drops_only_identical_rows(home, tmp_path):
    f = write(tmp_path / "clicks.tsv", "SessionId\tItemId\tTime\n1\t10\t1396860669.277\n1\t10\t1396860669.277\n1\t11\t1396860700.5\n")
    spec = load_mapping(MAPPINGS / "yoochoose_clicks.yaml")
    no_dedup = {**spec.as_spec(), "deduplicate": False}
    with pytest.raises(IngestError, match=r"row 1.*also in row 2"):
        ingest_file(home, "events", f, no_dedup, progress=False)
    r = ingest_file(home, "events", f, spec, progress=False)
    assert (r.rows_in, r.rows_inserted) == (3, 2)
    assert any("dropped 1 row identical to an earlier row (row 2)" in n for n in r.notes)


def test_bundled_mappings_are_valid():
    files = sorted(MAPPINGS.glob("*.yaml"))
    assert len(files) >= 4
    for f in files:
        m = load_mapping(f)
        assert m.transforms or m.constants or m.rename or m.names, f


# --- killed writers and the command line ----------------------------------------------------


@pytest.mark.parametrize("point", POINTS)
def test_killed_ingest_leaves_warehouse_untouched(loaded, tmp_path, point):
    """A real writer process is stopped at ``point`` (inside its transaction, or with its copy
    complete just before the swap) and killed there: the warehouse is exactly as before."""
    home = loaded
    new_rows = events_file(tmp_path / "new.csv", 2_000, start=10_000, fmt="csv")
    before_bytes = hashlib.sha256(home.warehouse.read_bytes()).hexdigest()
    before = snapshot(home)
    code = f"from governance.ingest import ingest_file; from governance.paths import get_home; " \
           f"ingest_file(get_home({str(home.root)!r}), 'events', {str(new_rows)!r}, progress=False)"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env={**os.environ, "SHOPGOV_PAUSE_AT": point})
    try:
        assert proc.stdout.readline().split()[:2] == ["shopgov-paused", point]
        tmp = home.root / f".warehouse.duckdb.{proc.pid}.tmp"
        assert tmp.exists(), "the writer is not working on a private copy"
        if point == "warehouse.before_swap":  # the copy really holds the new rows
            con = duckdb.connect(str(tmp), read_only=True)
            assert con.execute("SELECT count(*) FROM events").fetchone()[0] == before["events"][0] + 2_000
            con.close()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL
    assert hashlib.sha256(home.warehouse.read_bytes()).hexdigest() == before_bytes
    assert snapshot(home) == before
    r = ingest_file(home, "events", events_file(tmp_path / "after.parquet", 10, start=5_000_000), progress=False)
    assert r.rows_inserted == 10 and snapshot(home)["events"][0] == before["events"][0] + 10
    assert not tmp.exists(), "the stale copy of the killed writer was not cleaned up"


def shopgov(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("shopgov")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from dashboard.cli import main; main()"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_cli_exit_codes_and_messages(tmp_path):
    home = str(tmp_path / "h")
    good = write(tmp_path / "sellers.csv", GOOD_SELLERS)
    r = shopgov("ingest", "sellers", str(good), "--home", home, "--json", "-")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["rows_inserted"] == 3
    r = shopgov("ingest", "customers", str(good), "--home", home)
    assert r.returncode == 2 and "unknown table 'customers'" in r.stderr
    bad = write(tmp_path / "bad_sellers.csv", SELLERS_HEADER + "x1,A,US,,4.5,,,\nx2,B,US,,abc,,,\n")
    r = shopgov("ingest", "sellers", str(bad), "--home", home)
    assert r.returncode == 3
    flat = " ".join(r.stderr.split())
    assert "bad_sellers.csv" in flat and "row 2" in flat and "column 'rating'" in flat
