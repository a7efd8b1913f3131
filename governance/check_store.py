"""Check results in ``results.duckdb``: runs, expectation results, quality scores, retention.

Tables (the shared results contract): ``check_runs``, ``expectation_results`` and
``quality_scores``. A run is written in one transaction through
:func:`governance.warehouse.atomic_write`, so readers see either the whole run or none of
it, and old runs are pruned in the same transaction.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .paths import Home
from .warehouse import atomic_write, connect_read

if TYPE_CHECKING:
    from .checks import CheckRun

DDL = [
    """CREATE TABLE IF NOT EXISTS check_runs (
        run_id VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, partition_date DATE,
        status VARCHAR, n_expectations INTEGER, n_failed INTEGER, suites VARCHAR,
        gx_version VARCHAR, config_sha256 VARCHAR, data_docs_path VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS expectation_results (
        run_id VARCHAR, suite VARCHAR, kind VARCHAR, table_name VARCHAR, column_name VARCHAR,
        expectation_id VARCHAR, expectation_type VARCHAR, dimension VARCHAR, severity VARCHAR,
        success BOOLEAN, unexpected_count BIGINT, element_count BIGINT, unexpected_percent DOUBLE,
        observed VARCHAR, description VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS quality_scores (
        run_id VARCHAR, table_name VARCHAR, dimension VARCHAR, checks_total INTEGER,
        checks_passed INTEGER, pass_share DOUBLE, row_weighted_pass_rate DOUBLE)""",
]
RESULT_TABLES = ("check_runs", "expectation_results", "quality_scores")


@dataclass(frozen=True)
class Retention:
    """How much run history to keep: runs newer than ``days`` AND/OR the newest ``runs``.

    A run is deleted when it is older than ``days`` *and* not among the newest ``runs``
    (either limit may be None to switch it off). Default: 90 days, always keeping the last 30.
    """

    days: int | None = 90
    runs: int | None = 30


def save_run(home: Home, run: CheckRun, retention: Retention | None = None) -> int:
    """Store ``run`` (all three tables) and prune old runs; returns the number of runs deleted."""
    retention = retention or Retention()
    with atomic_write(home, home.results) as con:
        con.execute("BEGIN")
        for ddl in DDL:
            con.execute(ddl)
        con.execute(
            "INSERT INTO check_runs VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [run.run_id, run.started_at, run.finished_at, run.partition_date, run.status,
             run.n_expectations, run.n_failed, ",".join(run.suites), run.gx_version,
             run.config_sha256, run.data_docs_path],
        )
        con.executemany(
            "INSERT INTO expectation_results VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [[run.run_id, r.suite, r.kind, r.table_name, r.column_name, r.expectation_id,
              r.expectation_type, r.dimension, r.severity, r.success, r.unexpected_count,
              r.element_count, r.unexpected_percent,
              json.dumps(r.observed, ensure_ascii=False, default=str), r.description]
             for r in run.results],
        )
        if run.scores:
            con.executemany(
                "INSERT INTO quality_scores VALUES (?,?,?,?,?,?,?)",
                [[run.run_id, s.table_name, s.dimension, s.checks_total, s.checks_passed,
                  s.pass_share, s.row_weighted_pass_rate] for s in run.scores],
            )
        deleted = _prune(con, retention, now=run.finished_at)
        con.execute("COMMIT")
    return deleted


def _prune(con: Any, retention: Retention, now: datetime) -> int:
    conditions = []
    params: list[Any] = []
    if retention.days is not None:
        conditions.append("started_at < ?")
        params.append(now - timedelta(days=retention.days))
    if retention.runs is not None:
        conditions.append(
            "run_id NOT IN (SELECT run_id FROM check_runs ORDER BY started_at DESC LIMIT ?)"
        )
        params.append(int(retention.runs))
    if not conditions:
        return 0
    old = [r[0] for r in con.execute(
        f"SELECT run_id FROM check_runs WHERE {' AND '.join(conditions)}", params
    ).fetchall()]
    if old:
        for table in RESULT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE run_id IN (SELECT unnest(?))", [old])
    return len(old)


def volume_history(home: Home, expectation_id: str, partitioned: bool, runs: int) -> list[int]:
    """Row counts a volume rule observed in the newest ``runs`` earlier runs of the same mode.

    ``partitioned`` separates nightly single-partition runs from whole-table runs.
    """
    if not home.results.exists():
        return []
    con = connect_read(home.results)
    try:
        has = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('check_runs','expectation_results')"
        ).fetchone()[0]
        if has < 2:
            return []
        rows = con.execute(
            f"""SELECT e.element_count FROM expectation_results e JOIN check_runs c USING (run_id)
                WHERE e.expectation_id = ? AND e.element_count IS NOT NULL
                  AND c.partition_date IS {'NOT ' if partitioned else ''}NULL
                ORDER BY c.started_at DESC LIMIT ?""",
            [expectation_id, runs],
        ).fetchall()
    finally:
        con.close()
    return [int(r[0]) for r in rows]


def volume_bounds(history: Sequence[int], min_ratio: float, max_ratio: float, min_runs: int) -> tuple[int, int | None]:
    """(min, max) row counts accepted given earlier observations (``(1, None)`` without history)."""
    if len(history) < max(1, min_runs):
        return 1, None
    med = statistics.median(history)
    return max(1, int(med * min_ratio)), int(med * max_ratio) + 1


def latest_runs(home: Home, limit: int = 10) -> list[dict[str, Any]]:
    """The newest check runs (newest first) as dicts; empty if none were stored yet."""
    if not home.results.exists():
        return []
    con = connect_read(home.results)
    try:
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'check_runs'").fetchone()[0]:
            return []
        cur = con.execute("SELECT * FROM check_runs ORDER BY started_at DESC LIMIT ?", [limit])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
