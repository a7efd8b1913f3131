"""Sample warehouses for the check tests: generated with known defects, or cleaned of them.

The generator always injects at least one row of each defect class, so the clean sample is
built by removing every row the manifest names (and the rows that depend on them: events
and reviews of removed listings, the click-farm accounts) before loading.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path

import duckdb

from governance.ingest import ingest_files
from governance.paths import Home, get_home
from governance.sample import DEFECT_RATES, generate

TABLES = ("categories", "sellers", "products", "events", "reviews")
END = "2024-06-30"
AS_OF = "2024-06-30T23:59:59"


def make_sample(folder: Path, *, clean: bool, products: int = 2000, events: int = 50_000, seed: int = 7) -> dict:
    """Generate a sample into ``folder`` (``clean``: with every defect row removed); returns the manifest."""
    rates = None
    if clean:
        rates = {k: 0.0 for k in DEFECT_RATES} | {"stale_partition": 1.0}
    raw = folder / "raw" if clean else folder
    manifest = generate(raw, products=products, events=events, seed=seed, end=END, progress=False, rates=rates)
    if clean:
        _remove_defects(raw, folder, manifest)
    return manifest


def _remove_defects(src: Path, dst: Path, manifest: dict) -> None:
    keys = {d["defect"]: d["keys"] for d in manifest["defects"]}
    by_id = [k for name, ks in keys.items() if name != "duplicate_product_id"
             and manifest_table(manifest, name) == "products" for k in ks]
    dup_skus = keys.get("duplicate_product_id", [])
    event_keys = [k for name, ks in keys.items() if manifest_table(manifest, name) == "events"
                  and name not in ("stale_partition", "bot_high_rate", "bot_regular_interval", "click_farm")
                  for k in ks]
    bot_sessions = keys.get("bot_high_rate", []) + keys.get("bot_regular_interval", [])
    farm_sellers = keys.get("click_farm", [])
    con = duckdb.connect()
    for t in TABLES:
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet('{src / t}.parquet')")
    con.execute("DELETE FROM products WHERE product_id IN (SELECT unnest(?)) OR sku IN (SELECT unnest(?))",
                [by_id, dup_skus])
    # click-farm accounts: their first event is less than 2 h before a purchase of the seller
    con.execute("""
        CREATE TABLE farm_users AS
        WITH first AS (SELECT user_id, min(ts) AS t0 FROM events GROUP BY user_id)
        SELECT DISTINCT e.user_id FROM events e JOIN first USING (user_id)
        JOIN (SELECT DISTINCT product_id, seller_id FROM read_parquet(?)) p ON p.product_id = e.item_id
        WHERE e.event_type = 'purchase' AND p.seller_id IN (SELECT unnest(?))
          AND e.ts - first.t0 < INTERVAL 2 HOUR""", [f"{src / 'products'}.parquet", farm_sellers])
    con.execute("""DELETE FROM events WHERE event_id IN (SELECT unnest(?)) OR session_id IN (SELECT unnest(?))
                   OR user_id IN (SELECT user_id FROM farm_users)
                   OR (coalesce(item_id, '') <> '' AND item_id NOT IN (SELECT product_id FROM products))""",
                [event_keys, bot_sessions])
    con.execute("DELETE FROM reviews WHERE product_id NOT IN (SELECT product_id FROM products)")
    dst.mkdir(parents=True, exist_ok=True)
    for t in TABLES:
        con.execute(f"COPY {t} TO '{dst / t}.parquet' (FORMAT parquet)")
    con.close()
    (dst / "manifest.json").write_text(json.dumps(manifest))


def manifest_table(manifest: dict, defect: str) -> str:
    return next(d["table"] for d in manifest["defects"] if d["defect"] == defect)


def load(home: Home, folder: Path) -> None:
    """Load the sample's Parquet files into ``home``'s warehouse (the real ingestion path)."""
    home.ensure()
    ingest_files(home, [(t, folder / f"{t}.parquet") for t in TABLES], progress=False)


@functools.cache
def sample_root(kind: str) -> Path:
    """A generated sample ('dirty': with defects, 'clean': without) and its loaded warehouse.

    Built once per test process; tests copy the warehouse into their own home.
    """
    root = Path(tempfile.mkdtemp(prefix=f"shopgov-checks-{kind}-"))
    atexit.register(shutil.rmtree, root, True)
    make_sample(root / "sample", clean=kind == "clean")
    load(get_home(root / "home"), root / "sample")
    return root


def home_with(kind: str, home: Home) -> dict:
    """Put the ``kind`` sample warehouse into ``home``; returns the sample's manifest."""
    root = sample_root(kind)
    home.ensure()
    shutil.copyfile(root / "home" / "warehouse.duckdb", home.warehouse)
    return json.loads((root / "sample" / "manifest.json").read_text())
