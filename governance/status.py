"""What is in the warehouse: row counts, freshness against SLA, catalog coverage, latest runs."""

from __future__ import annotations

from datetime import UTC, datetime

from .catalog import load_catalog
from .coverage import SHARES, catalog_coverage
from .errors import ShopgovError
from .paths import Home
from .results_schema import assessments_frame, latest_run_frame
from .warehouse import Reader, verify_file


def _freshness_column(table) -> str | None:
    names = table.column_names
    for c in ("updated_at", "ts", "joined_at"):
        if c in names:
            return c
    return None


def warehouse_status(home: Home) -> dict:
    """A summary of the warehouse (raises if it does not exist yet)."""
    if not home.warehouse.exists():
        raise ShopgovError(f"no warehouse at {home.warehouse}; run `shopgov init` first")
    verify_file(home.warehouse)  # a damaged file is reported, not summarised
    catalog = load_catalog(home)
    reader = Reader(home)
    con = reader.connection()
    now = datetime.now(UTC).replace(tzinfo=None)
    tables = []
    last_loads = {
        r[0]: r[1]
        for r in con.execute(
            "SELECT table_name, max(finished_at) FROM wh.load_audit WHERE outcome = 'ok' GROUP BY 1"
        ).fetchall()
    }
    for t in catalog.tables.values():
        rows = con.execute(f'SELECT count(*) FROM wh."{t.name}"').fetchone()[0]
        col = _freshness_column(t)
        newest = None
        if col and rows:
            # Ignore obviously future-dated rows when judging freshness.
            newest = con.execute(
                f'SELECT max("{col}") FROM wh."{t.name}" WHERE "{col}" <= now()::TIMESTAMP + INTERVAL 1 DAY'
            ).fetchone()[0]
        age = (now - newest).total_seconds() / 3600 if newest else None
        sla = t.freshness_sla_hours
        tables.append({
            "table": t.name, "rows": rows, "newest": newest.isoformat(sep=" ", timespec="minutes") if newest else None,
            "age_hours": age, "sla_hours": sla,
            "fresh": None if age is None or sla is None else age <= sla,
            "last_load": last_loads[t.name].isoformat(sep=" ", timespec="seconds") if t.name in last_loads else None,
        })
    cov = catalog_coverage(con, "wh")
    coverage = cov.shares if cov else {k: 0.0 for k in SHARES}
    latest: list[str] = []
    if reader.has("res", "check_runs"):
        for r in latest_run_frame(con, db="res").itertuples():
            latest.append(f"last check run {r.run_id} at {r.finished_at:%Y-%m-%d %H:%M}: {r.status} "
                          f"({r.n_failed} of {r.n_expectations} checks failed)")
    if reader.has("res", "assessments"):
        for r in assessments_frame(con, db="res", limit=1).itertuples():
            latest.append(f"last assessment at {r.created_at:%Y-%m-%d %H:%M}: level {r.overall_level} "
                          f"(score {r.overall_score:.2f})")
    reader.close()
    return {"home": str(home.root), "tables": tables, "catalog_coverage": coverage, "latest": latest}
