"""Check results in ``results.duckdb``: runs, expectation results, quality scores, retention.

Tables (owned by :mod:`governance.results_schema`): ``check_runs``, ``expectation_results``
and ``quality_scores``; the readers ``latest_runs`` and ``volume_history`` live there too and
are re-exported here. A run is written in one transaction through
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
from .results_schema import CHECK_TABLES, ensure_schema, insert_sql, latest_runs, volume_history
from .warehouse import atomic_write

if TYPE_CHECKING:
    from .checks import CheckRun

RESULT_TABLES = CHECK_TABLES


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
        ensure_schema(con)
        con.execute(
            insert_sql("check_runs"),
            [run.run_id, run.started_at, run.finished_at, run.partition_date, run.status,
             run.n_expectations, run.n_failed, ",".join(run.suites), run.gx_version,
             run.config_sha256, run.data_docs_path],
        )
        con.executemany(
            insert_sql("expectation_results"),
            [[run.run_id, r.suite, r.kind, r.table_name, r.column_name, r.expectation_id,
              r.expectation_type, r.dimension, r.severity, r.success, r.unexpected_count,
              r.element_count, r.unexpected_percent,
              json.dumps(r.observed, ensure_ascii=False, default=str), r.description]
             for r in run.results],
        )
        if run.scores:
            con.executemany(
                insert_sql("quality_scores"),
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


def volume_bounds(history: Sequence[int], min_ratio: float, max_ratio: float, min_runs: int) -> tuple[int, int | None]:
    """(min, max) row counts accepted given earlier observations (``(1, None)`` without history)."""
    if len(history) < max(1, min_runs):
        return 1, None
    med = statistics.median(history)
    return max(1, int(med * min_ratio)), int(med * max_ratio) + 1


__all__ = ["RESULT_TABLES", "Retention", "latest_runs", "save_run", "volume_bounds", "volume_history"]
