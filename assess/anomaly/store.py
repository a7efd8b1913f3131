"""Record an anomaly run in results.duckdb: ``anomaly_runs`` (read by the maturity evidence:
``n_anomalous`` counts events in flagged sessions) and the sessions in ``anomaly_sessions``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pandas as pd

from governance.paths import Home
from governance.results_schema import columns, ensure_table, insert_sql
from governance.warehouse import atomic_write


def write_run(home: Home, scored: pd.DataFrame, n_events: int | None = None,
              model_version: str | None = None) -> dict:
    """Append an ``anomaly_runs`` row and replace ``anomaly_sessions``; returns the run row."""
    run_id = uuid.uuid4().hex[:12]
    scored_at = datetime.now(UTC).replace(tzinfo=None)
    n_events = int(n_events if n_events is not None else scored.attrs.get("n_events", scored["n_events"].sum()))
    n_anomalous = int(scored.loc[scored["flagged"], "n_events"].sum())
    version = model_version or scored.attrs.get("model_version") or "unknown"
    rows = scored.assign(run_id=run_id)[columns("anomaly_sessions")]
    with atomic_write(home, home.results) as w:
        w.execute("BEGIN")
        ensure_table(w, "anomaly_runs")
        ensure_table(w, "anomaly_sessions")
        w.execute("DELETE FROM anomaly_sessions")
        w.register("scored_rows", rows)
        w.execute(f"INSERT INTO anomaly_sessions SELECT {', '.join(columns('anomaly_sessions'))} FROM scored_rows")
        w.unregister("scored_rows")
        w.execute(insert_sql("anomaly_runs"), [run_id, scored_at, n_events, n_anomalous, version])
        w.execute("COMMIT")
    return {"run_id": run_id, "scored_at": scored_at, "n_events": n_events, "n_anomalous": n_anomalous,
            "model_version": version, "n_sessions": len(scored), "n_flagged": int(scored["flagged"].sum())}
