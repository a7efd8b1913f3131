"""Ingestion speed, and the public real-world exports through their bundled mappings.

    python -m bench.ingest_bench [--events 1000000] [--json out.json]

1. Writes ``--events`` synthetic behaviour events as Parquet and CSV (DuckDB), then times
   ``ingest_file`` into a fresh warehouse, a reload of the same file (every row an update),
   and the CSV into another fresh warehouse.
2. If ``../shared/data`` exists, loads each public export with its mapping from
   ``sample_data/mappings`` and reports the outcome (rows, or the error message).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from governance.errors import ShopgovError
from governance.ingest import ingest_file
from governance.paths import get_home

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
MAPPINGS = ROOT / "sample_data" / "mappings"
REAL = [
    ("products", "walmart-products/walmart_products_free_dataset.csv", "walmart_products.yaml"),
    ("events", "taobao-userbehavior-sample/UserBehavior.csv", "taobao_userbehavior.yaml"),
    ("products", "olist/olist_products_dataset.csv", "olist_products.yaml"),
    ("sellers", "olist/olist_sellers_dataset.csv", "olist_sellers.yaml"),
    ("events", "diginetica-sample/sample_train-item-views.csv", "diginetica_views.yaml"),
    ("events", "yoochoose-rsc15-100k/yoochoose-clicks-100k_train_full.txt", "yoochoose_clicks.yaml"),
    # without a mapping: must fail with a message a user can act on
    ("sellers", "olist/olist_sellers_dataset.csv", None),
    ("events", "taobao-userbehavior-sample/UserBehavior.csv", None),
]


def synthetic_events(out: Path, n: int) -> tuple[Path, Path]:
    sql = f"""SELECT 'e' || lpad(CAST(i AS VARCHAR), 10, '0') AS event_id, 'u' || CAST(hash(i) % 50000 AS VARCHAR) AS user_id,
      's' || CAST(i // 20 AS VARCHAR) AS session_id,
      (['view','click','search','cart','fav','purchase'])[1 + CAST(hash(i * 7) % 6 AS BIGINT)] AS event_type,
      'p' || CAST(hash(i * 3) % 20000 AS VARCHAR) AS item_id, CASE WHEN i % 10 = 0 THEN 'red running shoes' END AS query,
      TIMESTAMP '2024-01-01' + to_seconds(i * 3) AS ts, 'web-desktop' AS device,
      CASE WHEN i % 50 = 0 THEN 'o' || CAST(i AS VARCHAR) END AS order_id, CASE WHEN i % 50 = 0 THEN 19.99 END AS price_paid
      FROM range({n}) t(i)"""
    pq, csv = out / "events.parquet", out / "events.csv"
    duckdb.sql(f"COPY ({sql}) TO '{pq}' (FORMAT parquet)")
    duckdb.sql(f"COPY ({sql}) TO '{csv}' (HEADER)")
    return pq, csv


def timed(home_dir: Path, table: str, path: Path, mapping=None) -> dict:
    t0 = time.perf_counter()
    try:
        r = ingest_file(get_home(home_dir), table, path, mapping, progress=False)
        return {"outcome": "ok", "seconds": round(time.perf_counter() - t0, 2), "rows_in": r.rows_in,
                "rows_inserted": r.rows_inserted, "rows_updated": r.rows_updated,
                "ignored_columns": r.ignored_columns, "notes": r.notes}
    except ShopgovError as e:
        return {"outcome": "failed", "seconds": round(time.perf_counter() - t0, 2), "message": str(e)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--json", dest="json_out")
    args = ap.parse_args(argv)
    report: dict = {"events": args.events}
    with tempfile.TemporaryDirectory(prefix="shopgov-bench-") as tmp:
        d = Path(tmp)
        pq, csv = synthetic_events(d, args.events)
        report["parquet_mb"] = round(pq.stat().st_size / 2**20, 1)
        report["csv_mb"] = round(csv.stat().st_size / 2**20, 1)
        report["parquet_fresh"] = timed(d / "h1", "events", pq)
        report["parquet_reload"] = timed(d / "h1", "events", pq)
        report["csv_fresh"] = timed(d / "h2", "events", csv)
        report["warehouse_mb"] = round(get_home(d / "h1").warehouse.stat().st_size / 2**20, 1)
        for key in ("parquet_fresh", "parquet_reload", "csv_fresh"):
            r = report[key]
            print(f"{key:15s} {r['outcome']:6s} {r['seconds']:6.2f} s  rows_in={r.get('rows_in')}", file=sys.stderr)
        if SHARED.is_dir():
            report["real"] = []
            for table, rel, mapping in REAL:
                r = timed(d / "real", table, SHARED / rel, MAPPINGS / mapping if mapping else None)
                r.update(table=table, file=rel, mapping=mapping)
                report["real"].append(r)
                detail = f"rows_in={r['rows_in']}" if r["outcome"] == "ok" else r["message"].splitlines()[0][:150]
                print(f"{rel:60s} {str(mapping):26s} {r['outcome']:6s} {r['seconds']:5.2f} s  {detail}", file=sys.stderr)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
