"""Create a shopgov home: folders, the warehouse with its catalog, and the bundled sample."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from .catalog import load_catalog
from .paths import Home
from .warehouse import atomic_write, connect_read, ensure_warehouse

SAMPLE_TABLES = ("categories", "sellers", "products", "events", "reviews")


def warehouse_rows(home: Home, table: str = "products") -> int:
    """Rows in ``table`` (0 if the warehouse or table does not exist)."""
    if not home.warehouse.exists():
        return 0
    con = connect_read(home.warehouse)
    try:
        return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    except Exception:
        return 0
    finally:
        con.close()


def _sample_is_current(folder: Path, products: int, events: int, end: str) -> bool:
    """True if ``folder`` already holds the sample for these arguments (generation is deterministic)."""
    manifest = folder / "manifest.json"
    if not manifest.exists():
        return False
    m = json.loads(manifest.read_text())
    return m.get("end") == end and m.get("args") == {"products": products, "events": events}


def init_home(
    home: Home,
    *,
    products: int = 20_000,
    events: int = 1_000_000,
    load_sample: bool = True,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> dict:
    """Create ``home`` and its warehouse; load the bundled sample unless there is data already.

    The sample is generated deterministically (seed 42) with its window ending today (UTC),
    so freshness rules pass on a fresh demo; it is cached under ``home.sample``.
    """
    from .privacy import pseudonym_key

    started = time.perf_counter()
    home.ensure()
    pseudonym_key(home)  # a random key of this home's own (config/pseudonym.key, mode 0600)
    created = ensure_warehouse(home)
    summary: dict = {"home": str(home.root), "warehouse_created": created, "loaded": []}
    log(f"{'created' if created else 'using'} warehouse {home.warehouse}")
    if not load_sample:
        return summary
    if warehouse_rows(home) and not force:
        log("warehouse already has data; use --force to reload the sample")
        return summary
    if force and not created:
        from .catalog import create_schema, sync_catalog

        catalog = load_catalog(home)
        with atomic_write(home, home.warehouse, fresh=True) as con:
            create_schema(con, catalog)
            sync_catalog(con, catalog)

    from .ingest import ingest_files
    from .sample import generate

    end = datetime.now(UTC).date().isoformat()
    folder = home.sample
    if not _sample_is_current(folder, products, events, end):
        log(f"generating sample data ({products:,} products, {events:,} events) in {folder}")
        manifest = generate(folder, products=products, events=events, seed=42, end=end)
        manifest["args"] = {"products": products, "events": events}
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    t0 = time.perf_counter()
    # the home's catalog decides which sample tables exist (a team may have removed some)
    tables = [t for t in SAMPLE_TABLES if t in load_catalog(home).tables]
    results = ingest_files(home, [(t, folder / f"{t}.parquet") for t in tables])
    summary["loaded"] = [r.as_dict() for r in results]
    summary["load_seconds"] = round(time.perf_counter() - t0, 2)
    summary["seconds"] = round(time.perf_counter() - started, 2)
    log(
        "loaded "
        + ", ".join(f"{r.table} {r.rows_in:,}" for r in results)
        + f" in {summary['load_seconds']:.1f} s"
    )
    return summary
