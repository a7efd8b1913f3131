"""The schema of ``results.duckdb``: table DDL, versioned migrations and typed readers.

This module is the one place that knows the results tables and their columns:

* check runs: ``check_runs``, ``expectation_results``, ``quality_scores``;
* listing scoring: ``listing_runs``, ``listing_scores``, analysts' ``listing_labels``;
* maturity assessments: ``assessments``, ``assessment_domains``;
* imported site bundles (a central home, :mod:`governance.sites`): ``site_bundles``,
  ``site_domains``, ``site_scores``;
* producer tables ``pii_findings``, ``anomaly_runs`` and ``anomaly_sessions``: created only by the job that fills
  them (:func:`ensure_table`), because their mere existence tells the maturity evidence
  collector that the scan ran (an empty ``pii_findings`` means "no open findings").

Writers call :func:`ensure_schema` inside their :func:`governance.warehouse.atomic_write`
(it never opens or ends a transaction). It creates missing tables, records the layout
in ``schema_version`` and upgrades an older file in place. A file without ``schema_version``
but with results tables is version 1 (the layout before versioning).

Readers come in two kinds. Record readers take a :class:`~governance.paths.Home`, open
the file read-only and return lists of dicts or dataclasses, empty when the file or table
does not exist yet. Frame readers (``*_frame``) take an open connection plus the name under
which the results database is attached (the dashboard's :class:`~governance.warehouse.Reader`
uses ``"res"``) and return pre-aggregated :class:`pandas.DataFrame` s; callers check the
tables exist (:func:`tables`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from .errors import ShopgovError
from .paths import Home
from .warehouse import connect_read

SCHEMA_VERSION = 5

Columns = tuple[tuple[str, str], ...]

# The current layout of every table the results file always has (created by ensure_schema).
TABLES: dict[str, Columns] = {
    "check_runs": (
        ("run_id", "VARCHAR"), ("started_at", "TIMESTAMP"), ("finished_at", "TIMESTAMP"),
        ("partition_date", "DATE"), ("status", "VARCHAR"), ("n_expectations", "INTEGER"),
        ("n_failed", "INTEGER"), ("suites", "VARCHAR"), ("gx_version", "VARCHAR"),
        ("config_sha256", "VARCHAR"), ("data_docs_path", "VARCHAR"),
    ),
    "expectation_results": (
        ("run_id", "VARCHAR"), ("suite", "VARCHAR"), ("kind", "VARCHAR"), ("table_name", "VARCHAR"),
        ("column_name", "VARCHAR"), ("expectation_id", "VARCHAR"), ("expectation_type", "VARCHAR"),
        ("dimension", "VARCHAR"), ("severity", "VARCHAR"), ("success", "BOOLEAN"),
        ("unexpected_count", "BIGINT"), ("element_count", "BIGINT"), ("unexpected_percent", "DOUBLE"),
        ("observed", "VARCHAR"), ("description", "VARCHAR"),
    ),
    "quality_scores": (
        ("run_id", "VARCHAR"), ("table_name", "VARCHAR"), ("dimension", "VARCHAR"),
        ("checks_total", "INTEGER"), ("checks_passed", "INTEGER"), ("pass_share", "DOUBLE"),
        ("row_weighted_pass_rate", "DOUBLE"),
    ),
    "listing_runs": (
        ("run_id", "VARCHAR"), ("model_version", "VARCHAR"), ("scored_at", "TIMESTAMP"),
        ("n_scored", "BIGINT"), ("n_flagged", "BIGINT"), ("threshold", "DOUBLE"), ("seconds", "DOUBLE"),
    ),
    "listing_scores": (
        ("run_id", "VARCHAR"), ("product_id", "VARCHAR"), ("seller_id", "VARCHAR"), ("sku", "VARCHAR"),
        ("category_id", "VARCHAR"), ("title", "VARCHAR"), ("model_version", "VARCHAR"),
        ("low_quality_score", "DOUBLE"), ("clarity_score", "DOUBLE"), ("conciseness_score", "DOUBLE"),
        ("flagged", "BOOLEAN"), ("reasons", "JSON"), ("top_tokens", "JSON"), ("scored_at", "TIMESTAMP"),
        ("input_hash", "VARCHAR"), ("language", "VARCHAR"),
    ),
    # Analysts' verdicts on listings (audited: who and when); training data for `train --from-labels`.
    "listing_labels": (
        ("label_id", "VARCHAR"), ("product_id", "VARCHAR"), ("title", "VARCHAR"), ("input_hash", "VARCHAR"),
        ("verdict", "VARCHAR"), ("clarity", "INTEGER"), ("conciseness", "INTEGER"),
        ("model_version", "VARCHAR"), ("low_quality_score", "DOUBLE"), ("labelled_by", "VARCHAR"),
        ("labelled_at", "TIMESTAMP"), ("note", "VARCHAR"),
    ),
    "assessments": (
        ("assessment_id", "VARCHAR"), ("created_at", "TIMESTAMP"), ("standard", "VARCHAR"),
        ("config_sha256", "VARCHAR"), ("overall_score", "DOUBLE"), ("overall_level", "INTEGER"),
        ("provisional", "BOOLEAN"), ("payload", "JSON"),
    ),
    "assessment_domains": (
        ("assessment_id", "VARCHAR"), ("domain_id", "VARCHAR"), ("name_en", "VARCHAR"), ("name_zh", "VARCHAR"),
        ("score", "DOUBLE"), ("level", "INTEGER"), ("target_level", "INTEGER"), ("provisional", "BOOLEAN"),
    ),
    # Bundles imported from sites (governance.sites): one row per bundle, the aggregates in payload.
    "site_bundles": (
        ("site_id", "VARCHAR"), ("sequence", "BIGINT"), ("nonce", "VARCHAR"), ("key_id", "VARCHAR"),
        ("created_at", "TIMESTAMP"), ("imported_at", "TIMESTAMP"), ("bundle_sha256", "VARCHAR"),
        ("config_sha256", "VARCHAR"), ("encrypted", "BOOLEAN"), ("epsilon", "DOUBLE"),
        ("check_run_id", "VARCHAR"), ("check_status", "VARCHAR"), ("assessment_id", "VARCHAR"),
        ("overall_level", "INTEGER"), ("overall_score", "DOUBLE"), ("payload", "JSON"),
    ),
    "site_domains": (
        ("site_id", "VARCHAR"), ("sequence", "BIGINT"), ("domain_id", "VARCHAR"), ("name_en", "VARCHAR"),
        ("name_zh", "VARCHAR"), ("score", "DOUBLE"), ("level", "INTEGER"), ("target_level", "INTEGER"),
        ("provisional", "BOOLEAN"),
    ),
    "site_scores": (
        ("site_id", "VARCHAR"), ("sequence", "BIGINT"), ("run_id", "VARCHAR"), ("table_name", "VARCHAR"),
        ("dimension", "VARCHAR"), ("checks_total", "INTEGER"), ("checks_passed", "INTEGER"),
        ("pass_share", "DOUBLE"), ("row_weighted_pass_rate", "DOUBLE"),
    ),
    # Incidents of failing checks (lifecycle: governance.incidents), one row per incident.
    "incidents": (
        ("incident_id", "VARCHAR"), ("expectation_id", "VARCHAR"), ("suite", "VARCHAR"), ("kind", "VARCHAR"),
        ("table_name", "VARCHAR"), ("column_name", "VARCHAR"), ("dimension", "VARCHAR"), ("severity", "VARCHAR"),
        ("expectation_type", "VARCHAR"), ("description", "VARCHAR"), ("status", "VARCHAR"),
        ("opened_at", "TIMESTAMP"), ("closed_at", "TIMESTAMP"), ("first_run_id", "VARCHAR"),
        ("last_run_id", "VARCHAR"), ("first_seen", "TIMESTAMP"), ("last_seen", "TIMESTAMP"),
        ("rows_affected", "BIGINT"), ("element_count", "BIGINT"), ("owner", "VARCHAR"), ("steward", "VARCHAR"),
        ("assignee", "VARCHAR"), ("due_date", "DATE"), ("indicator_id", "VARCHAR"),
        ("points_at_stake", "DOUBLE"), ("stake", "JSON"), ("updated_at", "TIMESTAMP"),
    ),
    # Every change of an incident: opened / closed by a run, ack / assign / comment / due / resolve by people.
    "incident_events": (
        ("event_id", "VARCHAR"), ("incident_id", "VARCHAR"), ("event_at", "TIMESTAMP"), ("actor", "VARCHAR"),
        ("role", "VARCHAR"), ("action", "VARCHAR"), ("detail", "JSON"),
    ),
}

# Tables created by the job that fills them (see the module docstring).
PRODUCER_TABLES: dict[str, Columns] = {
    "pii_findings": (
        ("finding_id", "VARCHAR"), ("severity", "VARCHAR"), ("status", "VARCHAR"), ("table_name", "VARCHAR"),
        ("column_name", "VARCHAR"), ("pii_class", "VARCHAR"), ("detected_at", "TIMESTAMP"),
        ("kind", "VARCHAR"), ("n_values", "BIGINT"), ("n_scanned", "BIGINT"), ("excerpt", "VARCHAR"),
        ("run_id", "VARCHAR"),
    ),
    "anomaly_runs": (
        ("run_id", "VARCHAR"), ("scored_at", "TIMESTAMP"), ("n_events", "BIGINT"), ("n_anomalous", "BIGINT"),
        ("model_version", "VARCHAR"),
    ),
    # one row per scored session of the latest anomaly run (replaced by each run)
    "anomaly_sessions": (
        ("run_id", "VARCHAR"), ("session_id", "VARCHAR"), ("user_id", "VARCHAR"), ("started_at", "TIMESTAMP"),
        ("n_events", "BIGINT"), ("anomaly_score", "DOUBLE"), ("flagged", "BOOLEAN"), ("reasons", "VARCHAR"),
        ("score_rules", "DOUBLE"), ("score_gbm", "DOUBLE"), ("score_gru", "DOUBLE"), ("score_iforest", "DOUBLE"),
    ),
}
ALL_TABLES: dict[str, Columns] = {**TABLES, **PRODUCER_TABLES}

CHECK_TABLES = ("check_runs", "expectation_results", "quality_scores")
"""Tables keyed by a check ``run_id`` (pruned together by retention)."""

# Changes after version 1, keyed by the version they lead to. Each statement must be safe on
# a file that lacks the table (``ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS c TYPE``):
# missing tables are created afterwards from TABLES, which already has the new columns.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: tuple(f"ALTER TABLE IF EXISTS pii_findings ADD COLUMN IF NOT EXISTS {name} {kind}"
             for name, kind in (("kind", "VARCHAR"), ("n_values", "BIGINT"), ("n_scanned", "BIGINT"),
                                ("excerpt", "VARCHAR"), ("run_id", "VARCHAR"))),
    3: (),  # adds site_bundles, site_domains and site_scores (created from TABLES)
    4: (),  # adds the incidents and incident_events tables (created from TABLES)
    # 5: incremental listing scoring (hash of the scored input) and language routing;
    #    listing_labels is a new table (created from TABLES).
    5: (
        "ALTER TABLE IF EXISTS listing_scores ADD COLUMN IF NOT EXISTS input_hash VARCHAR",
        "ALTER TABLE IF EXISTS listing_scores ADD COLUMN IF NOT EXISTS language VARCHAR",
    ),
}

_VERSION_DDL = ("CREATE TABLE IF NOT EXISTS schema_version ("
                "version INTEGER, applied_at TIMESTAMP, description VARCHAR)")


class SchemaError(ShopgovError):
    """results.duckdb has a layout this shopgov cannot use (e.g. written by a newer release)."""


def columns(table: str) -> list[str]:
    """Column names of ``table`` in the current layout, in order."""
    return [name for name, _ in ALL_TABLES[table]]


def ddl(table: str) -> str:
    """``CREATE TABLE IF NOT EXISTS`` statement of ``table`` in the current layout."""
    cols = ", ".join(f"{name} {kind}" for name, kind in ALL_TABLES[table])
    return f"CREATE TABLE IF NOT EXISTS {table} ({cols})"


def tables(con: duckdb.DuckDBPyConnection, db: str | None = None) -> set[str]:
    """Names of the tables in database ``db`` (default: the connection's current database)."""
    where = "database_name = ?" if db else "database_name = current_database()"
    rows = con.execute(f"SELECT table_name FROM duckdb_tables() WHERE {where}", [db] if db else []).fetchall()
    return {r[0] for r in rows}


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The layout version of the connected results database (0: empty, 1: before versioning)."""
    present = tables(con)
    if "schema_version" in present:
        row = con.execute("SELECT max(version) FROM schema_version").fetchone()
        if row and row[0] is not None:
            return int(row[0])
    return 1 if present & ALL_TABLES.keys() else 0


def ensure_schema(con: duckdb.DuckDBPyConnection) -> int:
    """Create missing results tables and upgrade an older layout in place; returns the version.

    Idempotent, and runs inside the caller's transaction (it never issues BEGIN/COMMIT).
    Raises :class:`SchemaError` for a file written by a newer shopgov.
    """
    version = schema_version(con)
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"results.duckdb has schema version {version}, newer than this shopgov understands "
            f"({SCHEMA_VERSION}); upgrade shopgov")
    present = tables(con)
    if "schema_version" not in present or version < SCHEMA_VERSION:
        con.execute(_VERSION_DDL)
        if version == 0:
            version = SCHEMA_VERSION  # a new file: every table is created in the current layout
            _stamp(con, version, "created")
        elif not con.execute("SELECT count(*) FROM schema_version").fetchone()[0]:
            _stamp(con, 1, "layout before schema versioning")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target]:
                con.execute(statement)
            _stamp(con, target, f"migration {target}")
    for table in TABLES:
        if table not in present:
            con.execute(ddl(table))
    return SCHEMA_VERSION


def ensure_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Ensure the schema plus one producer table (``pii_findings``, ``anomaly_runs``, ``anomaly_sessions``)."""
    if table not in ALL_TABLES:
        raise SchemaError(f"unknown results table '{table}' (known: {', '.join(ALL_TABLES)})")
    ensure_schema(con)
    con.execute(ddl(table))


def _stamp(con: duckdb.DuckDBPyConnection, version: int, description: str) -> None:
    con.execute("INSERT INTO schema_version VALUES (?, now()::TIMESTAMP, ?)", [version, description])


def insert_sql(table: str) -> str:
    """``INSERT INTO table (all columns) VALUES (?, ...)``: pass values in the order of :data:`TABLES`."""
    cols = columns(table)
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


# ---------------------------------------------------------------- record readers (by Home)

@contextlib.contextmanager
def _open(home: Home, *needed: str) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A read-only connection to results.duckdb, or None if it or a ``needed`` table is missing."""
    if not home.results.exists():
        yield None
        return
    con = connect_read(home.results)
    try:
        yield con if set(needed) <= tables(con) else None
    finally:
        con.close()


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def latest_runs(home: Home, limit: int = 10) -> list[dict[str, Any]]:
    """The newest check runs (newest first, every check_runs column); empty if none."""
    with _open(home, "check_runs") as con:
        if con is None:
            return []
        return _dicts(con.execute("SELECT * FROM check_runs ORDER BY started_at DESC LIMIT ?", [int(limit)]))


def run_results(home: Home, run_id: str, *, failed_only: bool = False, limit: int | None = None) -> list[dict[str, Any]]:
    """Expectation results of one check run, by expectation id; with ``failed_only`` only the
    failed (or errored) ones, largest unexpected count first."""
    with _open(home, "expectation_results") as con:
        if con is None:
            return []
        where, order = ("AND NOT coalesce(success, false)", "unexpected_count DESC NULLS LAST, expectation_id") \
            if failed_only else ("", "expectation_id")
        lim = "" if limit is None else f"LIMIT {int(limit)}"
        return _dicts(con.execute(
            f"SELECT * FROM expectation_results WHERE run_id = ? {where} ORDER BY {order} {lim}", [run_id]))


@dataclass(frozen=True)
class ScorePoint:
    """A quality score of one check run for one table × dimension (``'*'``: all)."""

    run_id: str
    started_at: datetime
    table_name: str
    dimension: str
    pass_share: float | None
    row_weighted_pass_rate: float | None


def score_history(home: Home, table_name: str = "*", dimension: str = "*", limit: int = 120) -> list[ScorePoint]:
    """Scores of the newest ``limit`` runs for one table × dimension, oldest first."""
    with _open(home, "check_runs", "quality_scores") as con:
        if con is None:
            return []
        rows = con.execute(
            """SELECT * FROM (
                 SELECT r.run_id, r.started_at, q.table_name, q.dimension, q.pass_share, q.row_weighted_pass_rate
                 FROM quality_scores q JOIN check_runs r USING (run_id)
                 WHERE q.table_name = ? AND q.dimension = ? ORDER BY r.started_at DESC LIMIT ?)
               ORDER BY started_at, run_id""", [table_name, dimension, int(limit)]).fetchall()
    return [ScorePoint(*r) for r in rows]


def volume_history(home: Home, expectation_id: str, partitioned: bool, runs: int) -> list[int]:
    """Row counts a volume rule observed in the newest ``runs`` earlier runs of the same mode.

    ``partitioned`` separates nightly single-partition runs from whole-table runs.
    """
    with _open(home, "check_runs", "expectation_results") as con:
        if con is None:
            return []
        rows = con.execute(
            f"""SELECT e.element_count FROM expectation_results e JOIN check_runs c USING (run_id)
                WHERE e.expectation_id = ? AND e.element_count IS NOT NULL
                  AND c.partition_date IS {'NOT ' if partitioned else ''}NULL
                ORDER BY c.started_at DESC LIMIT ?""",
            [expectation_id, int(runs)],
        ).fetchall()
    return [int(r[0]) for r in rows]


def latest_listing_run(home: Home) -> dict[str, Any] | None:
    """The newest listing scoring run, or None."""
    with _open(home, "listing_runs") as con:
        if con is None:
            return None
        rows = _dicts(con.execute("SELECT * FROM listing_runs ORDER BY scored_at DESC, run_id DESC LIMIT 1"))
    return rows[0] if rows else None


def listing_scores(home: Home, *, flagged_only: bool = False, limit: int = 100) -> list[dict[str, Any]]:
    """Scores of the latest listing run, worst first (``reasons``/``top_tokens`` parsed from JSON)."""
    with _open(home, "listing_scores") as con:
        if con is None:
            return []
        rows = _dicts(con.execute(
            f"SELECT * FROM listing_scores {'WHERE flagged' if flagged_only else ''}"
            " ORDER BY low_quality_score DESC, product_id LIMIT ?", [int(limit)]))
    for r in rows:
        for key in ("reasons", "top_tokens"):
            r[key] = _json_list(r.get(key))
    return rows


def _json_list(v: Any) -> list[Any]:
    if isinstance(v, list):
        return v
    try:
        parsed = json.loads(v) if isinstance(v, str) and v else []
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def latest_anomaly_run(home: Home) -> dict[str, Any] | None:
    """The newest behaviour anomaly run, or None."""
    with _open(home, "anomaly_runs") as con:
        if con is None:
            return None
        rows = _dicts(con.execute("SELECT * FROM anomaly_runs ORDER BY scored_at DESC, run_id DESC LIMIT 1"))
    return rows[0] if rows else None


def anomaly_sessions(home: Home, *, flagged_only: bool = False, limit: int = 100) -> list[dict[str, Any]]:
    """Sessions of the latest anomaly run, most anomalous first."""
    with _open(home, "anomaly_sessions") as con:
        if con is None:
            return []
        return _dicts(con.execute(
            f"SELECT * FROM anomaly_sessions {'WHERE flagged' if flagged_only else ''}"
            " ORDER BY anomaly_score DESC, session_id LIMIT ?", [int(limit)]))


def list_assessments(home: Home, limit: int = 100) -> list[dict[str, Any]]:
    """Stored assessments, newest first (without payloads)."""
    with _open(home, "assessments") as con:
        if con is None:
            return []
        return _dicts(con.execute(
            "SELECT assessment_id, created_at, standard, config_sha256, overall_score, overall_level, provisional"
            " FROM assessments ORDER BY created_at DESC, assessment_id DESC LIMIT ?", [int(limit)]))


def load_assessment(home: Home, assessment_id: str | None = None) -> dict[str, Any] | None:
    """The explanation tree of ``assessment_id`` (default: the latest), or None."""
    with _open(home, "assessments") as con:
        if con is None:
            return None
        if assessment_id:
            row = con.execute("SELECT payload FROM assessments WHERE assessment_id = ?", [assessment_id]).fetchone()
        else:
            row = con.execute(
                "SELECT payload FROM assessments ORDER BY created_at DESC, assessment_id DESC LIMIT 1"
            ).fetchone()
    if row is None:
        return None
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def domain_history(home: Home, limit: int = 50) -> list[dict[str, Any]]:
    """Domain scores and levels of the last ``limit`` assessments (oldest first)."""
    with _open(home, "assessments", "assessment_domains") as con:
        if con is None:
            return []
        return _dicts(con.execute(
            """WITH a AS (SELECT assessment_id, created_at FROM assessments
                          ORDER BY created_at DESC, assessment_id DESC LIMIT ?)
               SELECT a.assessment_id, a.created_at, d.domain_id, d.name_en, d.name_zh, d.score, d.level,
                      d.target_level, d.provisional
               FROM a JOIN assessment_domains d USING (assessment_id)
               ORDER BY a.created_at, a.assessment_id, d.domain_id""",
            [int(limit)]))


def site_bundles(home: Home, site_id: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Imported site bundles (no payload), newest sequence first; one site with ``site_id``."""
    with _open(home, "site_bundles") as con:
        if con is None:
            return []
        where, params = ("WHERE site_id = ?", [site_id]) if site_id else ("", [])
        return _dicts(con.execute(
            f"""SELECT * EXCLUDE (payload) FROM site_bundles {where}
                ORDER BY site_id, sequence DESC LIMIT ?""", [*params, int(limit)]))


def latest_site_bundles(home: Home) -> list[dict[str, Any]]:
    """The newest imported bundle of every site (``payload`` parsed), by site id."""
    with _open(home, "site_bundles") as con:
        if con is None:
            return []
        rows = _dicts(con.execute(
            "SELECT * FROM site_bundles QUALIFY row_number() OVER (PARTITION BY site_id ORDER BY sequence DESC) = 1"
            " ORDER BY site_id"))
    for r in rows:
        r["payload"] = json.loads(r["payload"]) if isinstance(r.get("payload"), str) else (r.get("payload") or {})
    return rows


def latest_site_domains(home: Home) -> list[dict[str, Any]]:
    """Domain levels from the newest bundle of every site, by domain then site."""
    with _open(home, "site_bundles", "site_domains") as con:
        if con is None:
            return []
        return _dicts(con.execute(
            """WITH latest AS (SELECT site_id, max(sequence) AS sequence FROM site_bundles GROUP BY site_id)
               SELECT d.* FROM site_domains d JOIN latest USING (site_id, sequence)
               ORDER BY d.domain_id, d.site_id"""))



def list_incidents(home: Home) -> list[dict[str, Any]]:
    """Every incident (every column), newest first; empty before the first run that stored one."""
    with _open(home, "incidents") as con:
        if con is None:
            return []
        return _dicts(con.execute("SELECT * FROM incidents ORDER BY opened_at DESC, incident_id"))


def incident_events(home: Home, incident_id: str) -> list[dict[str, Any]]:
    """The events of one incident, oldest first (``detail`` parsed from JSON)."""
    with _open(home, "incident_events") as con:
        if con is None:
            return []
        rows = _dicts(con.execute("SELECT * FROM incident_events WHERE incident_id = ? ORDER BY event_at, event_id",
                                  [incident_id]))
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if isinstance(r.get("detail"), str) and r["detail"] else {}
    return rows


# ---------------------------------------------------------------- frame readers (open connection)

def _q(db: str | None, table: str) -> str:
    return f"{db}.{table}" if db else table


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, list(params or [])).df()


def run_count(con: duckdb.DuckDBPyConnection, db: str | None = None) -> int:
    """Number of stored check runs."""
    return int(con.execute(f"SELECT count(*) FROM {_q(db, 'check_runs')}").fetchone()[0])


def latest_run_frame(con: duckdb.DuckDBPyConnection, db: str | None = None) -> pd.DataFrame:
    """The newest check run (0 or 1 rows, every column)."""
    return _frame(con, f"SELECT * FROM {_q(db, 'check_runs')} ORDER BY started_at DESC LIMIT 1")


def runs_frame(con: duckdb.DuckDBPyConnection, db: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Check runs, newest first."""
    return _frame(con, f"""
        SELECT run_id, started_at, finished_at, partition_date, status, n_expectations, n_failed, data_docs_path
        FROM {_q(db, 'check_runs')} ORDER BY started_at DESC LIMIT ?""", [int(limit)])


def overall_trend_frame(con: duckdb.DuckDBPyConnection, db: str | None = None, limit: int = 120) -> pd.DataFrame:
    """Overall (``'*'`` × ``'*'``) scores of the newest ``limit`` runs, oldest first."""
    return _frame(con, f"""
        SELECT r.run_id, r.started_at, r.partition_date, q.pass_share, q.row_weighted_pass_rate
        FROM {_q(db, 'quality_scores')} q JOIN {_q(db, 'check_runs')} r USING (run_id)
        WHERE q.table_name = '*' AND q.dimension = '*'
        ORDER BY r.started_at DESC LIMIT ?""", [int(limit)]).sort_values("started_at")


def table_trend_frame(con: duckdb.DuckDBPyConnection, db: str | None = None, runs: int = 60) -> pd.DataFrame:
    """Per-table overall scores over the newest ``runs`` runs, oldest first."""
    r, q = _q(db, "check_runs"), _q(db, "quality_scores")
    return _frame(con, f"""
        SELECT r.started_at, r.run_id, q.table_name, q.pass_share, q.row_weighted_pass_rate
        FROM {q} q JOIN {r} r USING (run_id)
        WHERE q.dimension = '*' AND q.table_name <> '*'
          AND r.started_at >= (SELECT min(started_at) FROM
               (SELECT started_at FROM {r} ORDER BY started_at DESC LIMIT ?))
        ORDER BY r.started_at""", [int(runs)])


def daily_scores_frame(con: duckdb.DuckDBPyConnection, db: str | None = None, days: int = 90) -> pd.DataFrame:
    """Quality scores (every table × dimension, ``'*'`` totals included) of the last run of each of
    the newest ``days`` days, oldest first: one point per day for trends."""
    r, q = _q(db, "check_runs"), _q(db, "quality_scores")
    return _frame(con, f"""
        WITH last AS (
            SELECT run_id, started_at, started_at::DATE AS day,
                   row_number() OVER (PARTITION BY started_at::DATE ORDER BY started_at DESC) AS k
            FROM {r})
        SELECT l.day, l.run_id, l.started_at, q.table_name, q.dimension, q.pass_share,
               q.row_weighted_pass_rate, q.checks_total
        FROM last l JOIN {q} q USING (run_id)
        WHERE l.k = 1 AND l.day >= (SELECT min(day) FROM (SELECT DISTINCT day FROM last ORDER BY day DESC LIMIT ?))
        ORDER BY l.day, q.table_name, q.dimension""", [int(days)])


def scores_frame(con: duckdb.DuckDBPyConnection, run_id: str, db: str | None = None) -> pd.DataFrame:
    """Quality scores (table × dimension, with ``'*'`` totals) of one run."""
    return _frame(con, f"SELECT * FROM {_q(db, 'quality_scores')} WHERE run_id = ?", [run_id])


def severity_frame(con: duckdb.DuckDBPyConnection, run_id: str, db: str | None = None) -> pd.DataFrame:
    """Failed expectations and unexpected rows per severity in one run."""
    return _frame(con, f"""
        SELECT severity, count(*) AS failed, sum(coalesce(unexpected_count, 0)) AS unexpected
        FROM {_q(db, 'expectation_results')}
        WHERE run_id = ? AND NOT coalesce(success, false)
        GROUP BY severity""", [run_id])


def failing_frame(con: duckdb.DuckDBPyConnection, run_id: str, db: str | None = None) -> pd.DataFrame:
    """Failing expectations of one run, most severe and largest first."""
    return _frame(con, f"""
        SELECT suite, kind, table_name, column_name, expectation_id, expectation_type, dimension,
               severity, success, unexpected_count, element_count, unexpected_percent, description
        FROM {_q(db, 'expectation_results')}
        WHERE run_id = ? AND NOT coalesce(success, false)
        ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2
                 WHEN 'low' THEN 3 ELSE 4 END, unexpected_count DESC NULLS LAST""", [run_id])


def kind_summary_frame(con: duckdb.DuckDBPyConnection, run_id: str, db: str | None = None) -> pd.DataFrame:
    """Expectations and passes per kind (quality, metadata) in one run."""
    return _frame(con, f"""
        SELECT kind, count(*) AS total, count(*) FILTER (WHERE success) AS passed
        FROM {_q(db, 'expectation_results')} WHERE run_id = ? GROUP BY kind ORDER BY kind""", [run_id])


def expectation_frame(con: duckdb.DuckDBPyConnection, run_id: str, expectation_id: str,
                      db: str | None = None) -> pd.DataFrame:
    """One expectation result of one run (0 or 1 rows, every column)."""
    return _frame(con, f"SELECT * FROM {_q(db, 'expectation_results')} WHERE run_id = ? AND expectation_id = ? LIMIT 1",
                  [run_id, expectation_id])


def expectation_history_frame(con: duckdb.DuckDBPyConnection, expectation_id: str,
                              db: str | None = None) -> pd.DataFrame:
    """One check over the stored runs, one point per day (the last run of the day), oldest first."""
    return _frame(con, f"""
        SELECT day, run_id, started_at, success, unexpected_count, element_count FROM (
            SELECT r.started_at::DATE AS day, r.run_id, r.started_at, e.success, e.unexpected_count,
                   e.element_count,
                   row_number() OVER (PARTITION BY r.started_at::DATE ORDER BY r.started_at DESC) AS k
            FROM {_q(db, 'expectation_results')} e JOIN {_q(db, 'check_runs')} r USING (run_id)
            WHERE e.expectation_id = ?) WHERE k = 1 ORDER BY day""", [expectation_id])


def metadata_checks_frame(con: duckdb.DuckDBPyConnection, db: str | None = None) -> pd.DataFrame:
    """Metadata-check results of the newest run, failing first."""
    return _frame(con, f"""
        SELECT table_name, column_name, expectation_id, expectation_type, severity, success,
               unexpected_count, description
        FROM {_q(db, 'expectation_results')}
        WHERE kind = 'metadata'
          AND run_id = (SELECT run_id FROM {_q(db, 'check_runs')} ORDER BY started_at DESC LIMIT 1)
        ORDER BY success, table_name""")


def latest_listing_run_frame(con: duckdb.DuckDBPyConnection, db: str | None = None) -> pd.DataFrame:
    """The newest listing scoring run (0 or 1 rows)."""
    return _frame(con, f"SELECT * FROM {_q(db, 'listing_runs')} ORDER BY scored_at DESC LIMIT 1")


def listing_by_category_frame(con: duckdb.DuckDBPyConnection, db: str | None = None,
                              categories: str | None = None) -> pd.DataFrame:
    """Listing score distribution per category; ``categories`` names a warehouse table to join for names."""
    join = f"LEFT JOIN {categories} c ON c.category_id = s.category_id" if categories else ""
    names = ("any_value(c.name) AS category_name, any_value(c.name_zh) AS category_name_zh" if categories
             else "NULL AS category_name, NULL AS category_name_zh")
    return _frame(con, f"""
        SELECT s.category_id, {names}, count(*) AS listings,
               count(*) FILTER (WHERE s.flagged) AS flagged,
               avg(s.low_quality_score) AS mean_score,
               min(s.low_quality_score) AS min_score, max(s.low_quality_score) AS max_score,
               quantile_cont(s.low_quality_score, 0.25) AS q1,
               quantile_cont(s.low_quality_score, 0.5) AS median,
               quantile_cont(s.low_quality_score, 0.75) AS q3,
               quantile_cont(s.low_quality_score, 0.05) AS p05,
               quantile_cont(s.low_quality_score, 0.95) AS p95
        FROM {_q(db, 'listing_scores')} s {join}
        GROUP BY s.category_id ORDER BY flagged DESC, listings DESC""")


def listing_by_seller_frame(con: duckdb.DuckDBPyConnection, db: str | None = None, limit: int = 25) -> pd.DataFrame:
    """The ``limit`` sellers with most flagged listings."""
    return _frame(con, f"""
        SELECT seller_id, count(*) AS listings, count(*) FILTER (WHERE flagged) AS flagged,
               avg(low_quality_score) AS mean_score,
               count(*) FILTER (WHERE flagged) / count(*) AS flagged_share
        FROM {_q(db, 'listing_scores')} GROUP BY seller_id
        ORDER BY flagged DESC, mean_score DESC LIMIT ?""", [int(limit)])


def listing_histogram_frame(con: duckdb.DuckDBPyConnection, db: str | None = None) -> pd.DataFrame:
    """Listings per score bin (width 0.05) and flag."""
    return _frame(con, f"""
        SELECT least(floor(low_quality_score * 20), 19) / 20 AS bin, flagged, count(*) AS listings
        FROM {_q(db, 'listing_scores')} GROUP BY ALL ORDER BY bin""")


def listing_reasons_frame(con: duckdb.DuckDBPyConnection, db: str | None = None) -> pd.DataFrame:
    """Flagged listings per reason code."""
    return _frame(con, f"""
        SELECT r.code, count(*) AS listings FROM (
            SELECT unnest(from_json(reasons, '[{{"code":"VARCHAR","message":"VARCHAR"}}]')) AS r
            FROM {_q(db, 'listing_scores')} WHERE flagged) GROUP BY r.code ORDER BY listings DESC""")


LISTING_ROW_COLUMNS = ["product_id", "seller_id", "sku", "category_id", "title", "low_quality_score",
                       "clarity_score", "conciseness_score", "flagged", "reasons", "top_tokens"]


def listing_rows_frame(con: duckdb.DuckDBPyConnection, db: str | None = None, *,
                       categories: Sequence[str] = (), seller: str = "", min_score: float = 0.0,
                       flagged_only: bool = False, limit: int = 200) -> pd.DataFrame:
    """Row-level listing scores matching the filters, worst first (JSON columns parsed to lists)."""
    where, params = ["low_quality_score >= ?"], [float(min_score)]
    if categories:
        where.append(f"category_id IN ({','.join('?' * len(categories))})")
        params.extend(categories)
    if seller.strip():
        where.append("seller_id ILIKE ?")
        params.append(f"%{seller.strip()}%")
    if flagged_only:
        where.append("flagged")
    params.append(int(limit))
    df = _frame(con, f"""
        SELECT {', '.join(LISTING_ROW_COLUMNS)} FROM {_q(db, 'listing_scores')}
        WHERE {' AND '.join(where)}
        ORDER BY low_quality_score DESC, product_id LIMIT ?""", params)
    for col in ("reasons", "top_tokens"):
        df[col] = df[col].map(_json_list)
    return df


def assessments_frame(con: duckdb.DuckDBPyConnection, db: str | None = None, *, limit: int | None = None,
                      newest_first: bool = True) -> pd.DataFrame:
    """Assessment headlines (no payload)."""
    order = "DESC" if newest_first else ""
    lim = f"LIMIT {int(limit)}" if limit is not None else ""
    return _frame(con, f"""
        SELECT assessment_id, created_at, standard, overall_score, overall_level, provisional
        FROM {_q(db, 'assessments')} ORDER BY created_at {order} {lim}""")


def latest_assessment_frame(con: duckdb.DuckDBPyConnection, db: str | None = None) -> pd.DataFrame:
    """The newest assessment with its JSON payload (0 or 1 rows)."""
    return _frame(con, f"SELECT * FROM {_q(db, 'assessments')} ORDER BY created_at DESC LIMIT 1")


def assessment_domains_frame(con: duckdb.DuckDBPyConnection, assessment_id: str,
                             db: str | None = None) -> pd.DataFrame:
    """Domain rows of one assessment, by domain id."""
    return _frame(con, f"SELECT * FROM {_q(db, 'assessment_domains')} WHERE assessment_id = ? ORDER BY domain_id",
                  [assessment_id])


def pii_summary_frame(con: duckdb.DuckDBPyConnection, db: str | None = None) -> pd.DataFrame:
    """Personal-data findings counted by kind, table, severity and status (no excerpts)."""
    return _frame(con, f"""
        SELECT kind, table_name, severity, status, count(*) AS findings, coalesce(sum(n_values), 0) AS n_values
        FROM {_q(db, 'pii_findings')} GROUP BY ALL ORDER BY findings DESC, kind, table_name, severity, status""")


def pii_findings_frame(con: duckdb.DuckDBPyConnection, db: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Personal-data findings, one row each, with the scanner's masked excerpt (row-level: audit the read)."""
    return _frame(con, f"""
        SELECT finding_id, table_name, column_name, kind, severity, status, pii_class, n_values, n_scanned,
               excerpt, detected_at
        FROM {_q(db, 'pii_findings')}
        ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
                 table_name, column_name, kind LIMIT ?""", [int(limit)])
