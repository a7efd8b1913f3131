"""Run the quality and metadata suites against the warehouse: GX pushed down into DuckDB.

:func:`run_checks` is the nightly job behind ``shopgov check``:

1. loads the declarative suites (``governance/suites/*.yaml``);
2. resolves the events partition to validate (``latest``: the newest daily partition that is
   not in the future; a date; or ``all``) and the run parameters (``as_of``, data window,
   SLA, volume bounds from earlier runs);
3. validates every suite as one GX batch through :mod:`governance.gx_duckdb`, reading the
   warehouse read-only (no writer lock; readers are never blocked), with a counts-only
   result format so that no data value leaves DuckDB;
4. runs the GX actions: Data Docs to ``$SHOPGOV_HOME/data_docs`` and the notifications of
   ``$SHOPGOV_HOME/config/notifications.yaml``;
5. stores the run, one row per expectation and the quality scores in ``results.duckdb``.

With the ``catalog_columns`` suite, the run also scans every text column for personal data
(:func:`governance.pii_audit.check_outcomes`): findings go to ``results.pii_findings`` and
two metadata results (column classification, critical findings) join the run.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from .catalog import Catalog, load_catalog
from .check_store import Retention, save_run, volume_bounds, volume_history
from .check_suites import (
    COUNT_OBSERVED,
    DIMENSIONS,
    Suite,
    check_pii_safe,
    family_table,
    load_suites,
    substitute,
    to_gx_suite,
    unknown_expectation_types,
)
from .config import ConfigError, fingerprint, key_path, resolve
from .errors import ShopgovError, UsageError
from .paths import Home, get_home
from .privacy import scrub_text
from .rule_sql import quote_ident
from .warehouse import check_settings, connect_read, ensure_warehouse

log = logging.getLogger(__name__)

EXIT_PASSED, EXIT_FAILED, EXIT_ERROR = 0, 1, 3
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class ExpectationOutcome:
    """One row of ``expectation_results``."""

    suite: str
    kind: str
    table_name: str
    column_name: str | None
    expectation_id: str
    expectation_type: str
    dimension: str
    severity: str
    success: bool
    unexpected_count: int | None
    element_count: int | None
    unexpected_percent: float | None
    observed: dict[str, Any]
    description: str
    scope: str = "rows"
    error: str | None = None


@dataclass
class QualityScore:
    """One row of ``quality_scores`` ('*' = all tables / all dimensions)."""

    table_name: str
    dimension: str
    checks_total: int
    checks_passed: int
    pass_share: float
    row_weighted_pass_rate: float


@dataclass
class CheckRun:
    """The outcome of one :func:`run_checks` call."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    as_of: datetime
    partition: str
    partition_date: date | None
    status: str  # passed | failed | error
    suites: list[str]
    results: list[ExpectationOutcome]
    scores: list[QualityScore]
    gx_version: str
    config_sha256: str
    data_docs_path: str | None
    notifications: list[dict[str, Any]] = field(default_factory=list)
    pruned_runs: int = 0
    incidents: dict[str, list[str]] = field(default_factory=dict)  # {"opened": [...], "closed": [...]}
    engine: str = "duckdb"
    #: rules this engine cannot run ({"expectation", "suite", "reason"}): neither passed nor failed
    not_run: list[dict[str, str]] = field(default_factory=list)

    @property
    def n_expectations(self) -> int:
        return len(self.results)

    @property
    def n_failed(self) -> int:
        return sum(1 for r in self.results if not r.success)

    @property
    def exit_code(self) -> int:
        return {"passed": EXIT_PASSED, "failed": EXIT_FAILED}.get(self.status, EXIT_ERROR)

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def score(self, table: str = "*", dimension: str = "*") -> QualityScore | None:
        for s in self.scores:
            if s.table_name == table and s.dimension == dimension:
                return s
        return None

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` document: run summary, one record per expectation, scores."""
        fields = ("pass_share", "row_weighted_pass_rate", "checks_total", "checks_passed")
        by_table = {s.table_name: {f: getattr(s, f) for f in fields}
                    for s in self.scores if s.dimension == "*" and s.table_name != "*"}
        by_dim = {s.dimension: {f: getattr(s, f) for f in fields} | {"name_zh": DIMENSIONS[s.dimension]["zh"]}
                  for s in self.scores if s.table_name == "*" and s.dimension != "*"}
        overall = self.score()
        return {
            "run_id": self.run_id, "status": self.status, "exit_code": self.exit_code,
            "started_at": self.started_at.isoformat(), "finished_at": self.finished_at.isoformat(),
            "seconds": round(self.seconds, 3), "as_of": self.as_of.isoformat(),
            "partition": self.partition,
            "partition_date": self.partition_date.isoformat() if self.partition_date else None,
            "suites": self.suites, "n_expectations": self.n_expectations, "n_failed": self.n_failed,
            "gx_version": self.gx_version, "config_sha256": self.config_sha256,
            "data_docs_path": self.data_docs_path,
            "expectations": [
                {"suite": r.suite, "kind": r.kind, "table": r.table_name, "column": r.column_name,
                 "expectation": r.expectation_id, "expectation_type": r.expectation_type,
                 "dimension": r.dimension, "severity": r.severity, "success": r.success,
                 "unexpected_count": r.unexpected_count, "element_count": r.element_count,
                 "unexpected_percent": r.unexpected_percent, "error": r.error}
                for r in self.results
            ],
            "scores": {
                "overall": {f: getattr(overall, f) for f in fields} if overall else None,
                "by_table": by_table, "by_dimension": by_dim,
                "by_table_dimension": [asdict(s) for s in self.scores
                                       if s.table_name != "*" and s.dimension != "*"],
            },
            "notifications": self.notifications, "incidents": self.incidents,
            "engine": self.engine, "not_run": self.not_run,
        }


# ---------------------------------------------------------------------------- scores
def compute_scores(results: list[ExpectationOutcome]) -> list[QualityScore]:
    """Scores per table × dimension, per table, per dimension and overall.

    ``pass_share`` = passed checks / checks. ``row_weighted_pass_rate`` = rows that passed /
    rows judged, summed over the checks: a row-level check judges ``element_count`` rows and
    passes ``element_count - unexpected_count`` of them; a table-level check (freshness,
    volume...) or one that could not run counts as one unit, passed or not.
    """
    groups: dict[tuple[str, str], list[ExpectationOutcome]] = {}
    for r in results:
        for key in ((r.table_name, r.dimension), (r.table_name, "*"), ("*", r.dimension), ("*", "*")):
            groups.setdefault(key, []).append(r)
    scores = []
    for (table, dim), rs in sorted(groups.items()):
        passed = sum(1 for r in rs if r.success)
        judged = ok = 0.0
        for r in rs:
            if r.scope == "rows" and r.element_count and r.unexpected_count is not None and r.error is None:
                n = float(r.element_count)
                judged += n
                ok += max(0.0, n - min(float(r.unexpected_count), n))
            else:
                judged += 1
                ok += 1 if r.success else 0
        scores.append(QualityScore(
            table_name=table, dimension=dim, checks_total=len(rs), checks_passed=passed,
            pass_share=passed / len(rs), row_weighted_pass_rate=(ok / judged) if judged else 1.0,
        ))
    return scores


# ---------------------------------------------------------------------------- planning
@dataclass
class Batch:
    """A suite ready to validate: its batch (table or partition query), row count and parameters."""

    suite: Suite
    table_sql: str  # FROM-able relation of the batch
    query: str | None  # query asset SQL (None: whole table asset)
    rows: int
    params: dict[str, Any]


def parse_partition(partition: str | date | None) -> str | date:
    """'latest' | 'all' | a date (from 'YYYY-MM-DD'); anything else is a usage error."""
    if partition is None or partition == "latest":
        return "latest"
    if partition == "all":
        return "all"
    if isinstance(partition, date):
        return partition
    if isinstance(partition, str) and _DATE.match(partition):
        try:
            return date.fromisoformat(partition)
        except ValueError:
            pass
    raise UsageError(f"bad partition {partition!r}: use 'latest', 'all' or a date YYYY-MM-DD")


def parse_as_of(as_of: str | datetime | date | None) -> datetime:
    """The run's reference time as naive UTC (default: now)."""
    if as_of is None:
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    if isinstance(as_of, datetime):
        return as_of.astimezone(UTC).replace(tzinfo=None) if as_of.tzinfo else as_of
    if isinstance(as_of, date):
        return datetime.combine(as_of, datetime.max.time()).replace(microsecond=0)
    try:
        parsed = datetime.fromisoformat(str(as_of))
    except ValueError:
        raise UsageError(f"bad --as-of {as_of!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]") from None
    if _DATE.match(str(as_of)):
        return datetime.combine(parsed.date(), datetime.max.time()).replace(microsecond=0)
    return parse_as_of(parsed)


class DuckDBRelations:
    """What planning asks of an engine, on a DuckDB connection: its tables, one value of a query.

    Other engines (:class:`governance.spark_engine.SparkEngine`) offer the same two methods
    and take the same DuckDB SQL.
    """

    def __init__(self, con: Any):
        self.con = con

    def tables(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}

    def value(self, sql: str) -> Any:
        row = self.con.execute(sql).fetchone()
        return row[0] if row else None


def plan_batches(home: Home, con: Any, suites: list[Suite], catalog: Catalog, partition: str | date,
                 as_of: datetime) -> tuple[list[Batch], date | None]:
    """Resolve each suite's batch and run parameters.

    ``con``: a read-only warehouse connection, or an engine's relations (``tables()`` and
    ``value(duckdb_sql)``, see :class:`DuckDBRelations`).
    """
    rel = con if hasattr(con, "value") else DuckDBRelations(con)
    tables = rel.tables()
    batches: list[Batch] = []
    chosen: date | None = None
    for suite in suites:
        if suite.table not in tables:
            raise ShopgovError(
                f"table '{suite.table}' (suite {suite.name}) is not in the warehouse {home.warehouse}; "
                "run `shopgov init` first"
            )
        ctab = catalog.tables.get(suite.table)
        check_pii_safe(suite, set(ctab.pii_columns) if ctab else set())
        table_sql = quote_ident(suite.table)
        query = None
        context = table_sql
        pcol = ctab.partition if ctab else None
        part_date: date | None = None
        if suite.partitioned and pcol and partition != "all":
            if partition == "latest":
                part_date = rel.value(f"SELECT max({quote_ident(pcol)}) FROM {table_sql} "
                                      f"WHERE {quote_ident(pcol)} <= DATE '{as_of.date().isoformat()}'")
            else:
                part_date = partition  # type: ignore[assignment]
            if part_date is None:
                query = f"SELECT * FROM {table_sql} WHERE false"
            else:
                query = f"SELECT * FROM {table_sql} WHERE {quote_ident(pcol)} = DATE '{part_date.isoformat()}'"
                lo, hi = part_date - timedelta(days=1), part_date + timedelta(days=1)
                context = (f"(SELECT * FROM {table_sql} WHERE {quote_ident(pcol)} "
                           f"BETWEEN DATE '{lo.isoformat()}' AND DATE '{hi.isoformat()}')")
            chosen = chosen or part_date
        relation = f"({query})" if query else table_sql
        rows = int(rel.value(f"SELECT count(*) FROM {relation} AS b"))
        sla = float(ctab.freshness_sla_hours) if ctab and ctab.freshness_sla_hours else 24.0
        retention = int(ctab.retention_days) if ctab and ctab.retention_days else 3650
        params: dict[str, Any] = {
            "as_of": as_of,
            "as_of_date": as_of.date(),
            "table": suite.table,
            "context": context,
            "partition": part_date.isoformat() if part_date else "all",
            "sla_hours": sla,
            "fresh_since": as_of - timedelta(hours=sla),
            "retention_days": retention,
            "retention_start": as_of - timedelta(days=retention),
        }
        for fam in suite.families:
            params[f"family_{fam}"] = family_table(suite, fam)
        # "future" = after the day of the run (plus clock skew): a day's partition is only
        # complete at midnight, and clock errors are days or years off, not hours
        end_of_day = datetime.combine(as_of.date(), datetime.max.time()).replace(microsecond=0)
        params["max_ts"] = max(as_of, end_of_day) + timedelta(
            minutes=float(suite.params.get("clock_skew_minutes", 5)))
        window = suite.params.get("window_days")
        params["window_start"] = as_of - timedelta(days=float(window)) if window else params["retention_start"]
        _volume_params(home, suite, params, partitioned=query is not None)
        batches.append(Batch(suite=suite, table_sql=table_sql, query=query, rows=rows, params=params))
    return batches, chosen


def check_suite_tables(suites: list[Suite], catalog: Catalog) -> None:
    """Every suite must validate a table of the catalog (metadata suites: a catalog_* table)."""
    for s in suites:
        if s.table not in catalog.tables and not s.table.startswith("catalog_"):
            raise ConfigError(s.path, [("table", None, f"table '{s.table}' is not in the catalog "
                                        f"({catalog.source or 'catalog.yaml'}); add it there or remove this suite")])


def _volume_params(home: Home, suite: Suite, params: dict[str, Any], partitioned: bool) -> None:
    rules = [r for r in suite.rules if "${volume_" in json.dumps(r.kwargs)]
    if len(rules) > 1:
        raise ShopgovError(f"{suite.path}: only one rule per suite may use ${{volume_min}}/${{volume_max}}")
    if not rules:
        return
    p = suite.params
    history = volume_history(home, rules[0].id, partitioned, int(p.get("volume_history_runs", 7)))
    lo, hi = volume_bounds(history, float(p.get("volume_min_ratio", 0.5)),
                           float(p.get("volume_max_ratio", 2.0)), int(p.get("volume_min_runs", 3)))
    params["volume_min"], params["volume_max"] = lo, hi
    params["volume_history"] = len(history)


# ---------------------------------------------------------------------------- GX run
def _progress_bar(enabled: bool, total: int):
    from contextlib import nullcontext

    if not enabled:
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("[bold]checks[/bold] {task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=Console(stderr=True),
                    transient=False)


def _run_gx(home: Home, batches: list[Batch], catalog: Catalog, run_id: str, started: datetime,
            docs: bool, actions: list[Any], progress: bool,
            engine: Any = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Validate ``batches`` in one streaming checkpoint: on the warehouse (DuckDB), or on
    ``engine`` (``engine.batch_definitions(context, batches)`` gives each suite's batch
    definition and batch parameters; ``engine.release()`` ends the run)."""
    import great_expectations as gx

    from . import gx_duckdb, gx_private
    from .data_docs import COUNTS_ONLY, SITE_NAME, BuildDataDocsAction, sanitize_result, site_config

    pii = {t: set(catalog.tables[t].pii_columns) for t in catalog.tables}
    context = gx.get_context(mode="ephemeral")
    gx_private.disable_progress_bars(context)
    if docs:
        home.data_docs.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(SITE_NAME, site_config(home.data_docs))
    batch_params: dict[str, dict[str, Any]] = {}
    if engine is None:
        ds = context.data_sources.add_shopgov_duckdb(
            name="warehouse", connection_string=gx_duckdb.url_for(home.warehouse),
            kwargs={"connect_args": {"read_only": True, "settings": check_settings()}},
        )
        bds = {}
        for b in batches:
            if b.query is None:
                asset = ds.add_table_asset(name=b.suite.name, table_name=b.suite.table)
            else:
                asset = ds.add_query_asset(name=b.suite.name, query=b.query)
            bds[b.suite.name] = asset.add_batch_definition_whole_table("batch")
        for b in batches:
            materialize_families(ds.get_execution_engine().engine, b)
    else:
        bds, batch_params = engine.batch_definitions(context, batches)
    vds = []
    by_suite: dict[str, Batch] = {}
    for b in batches:
        bd = bds[b.suite.name]
        gsuite = context.suites.add(to_gx_suite(b.suite, b.params))
        vds.append(context.validation_definitions.add(
            gx.ValidationDefinition(name=b.suite.name, data=bd, suite=gsuite)))
        by_suite[b.suite.name] = b

    all_actions = [BuildDataDocsAction(name="data_docs", site_names=[SITE_NAME])] if docs else []
    all_actions += actions
    cp = gx_private.StreamingCheckpoint(name="shopgov_check", validation_definitions=vds, actions=all_actions,
                     result_format=COUNTS_ONLY)
    store = context.validation_results_store
    out: dict[str, Any] = {}
    from rich.markup import escape  # suite names come from the home's configuration

    with _progress_bar(progress, len(vds)) as bar:
        task = bar.add_task(escape(vds[0].name) if vds else "", total=len(vds)) if bar else None

        def on_result(vd: Any, key: Any, res: Any) -> None:
            batch = by_suite[vd.name]
            sanitize_result(res, pii.get(batch.suite.table, set()))
            if docs:  # the stored copy (rendered by Data Docs, its only reader) is the scrubbed one
                store.set(key, res)
            out[vd.name] = res
            if bar is not None:
                i = list(by_suite).index(vd.name)
                nxt = list(by_suite)[i + 1] if i + 1 < len(by_suite) else "done"
                bar.update(task, advance=1, description=escape(nxt))

        try:  # each validation is scrubbed and stored as it finishes
            gx_private.run_checkpoint(cp, on_result, run_name=run_id, run_time=started.replace(tzinfo=UTC),
                                      batch_parameters=batch_params)
        finally:
            if engine is None:
                _close(ds)
            else:
                engine.release()
    return out, [{"action": a.name, "type": a.type} for a in all_actions]


def materialize_families(engine: Any, batch: Batch) -> None:
    """Compute each rule family of ``batch`` once, into a TEMP table on GX's connection."""
    relation = f"({batch.query})" if batch.query else batch.table_sql
    for name, sql in batch.suite.families.items():
        text = substitute(sql, {**batch.suite.params, **batch.params}, f"{batch.suite.path} (family {name})")
        with engine.connect() as conn:
            conn.exec_driver_sql(f"CREATE OR REPLACE TEMP TABLE {family_table(batch.suite, name)} AS "
                                 f"{text.replace('{batch}', relation)}")
            conn.commit()


def _close(ds: Any) -> None:
    """Close GX's pooled DuckDB connections.

    DuckDB shares one database instance per file within a process; a connection left open
    would keep serving the file as it was, even after a writer swapped in a new version.
    """
    for engine in (getattr(ds.get_execution_engine(), "engine", None), ds.get_engine()):
        if engine is not None:
            engine.dispose()


def _observed(res: Any, column_is_pii: bool, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Counts (and, unless the column is personal data, the observed value) as JSON-able dict."""
    out: dict[str, Any] = {}
    result = res.result or {}
    for k in ("unexpected_count", "unexpected_percent", "missing_count", "element_count"):
        if k in result and result[k] is not None:
            out[k] = result[k]
    if "observed_value" in result and not column_is_pii:
        v = result["observed_value"]
        out["observed_value"] = v if isinstance(v, int | float | bool) or v is None else scrub_text(str(v))
    for k in ("min_value", "max_value"):
        if k in kwargs and kwargs[k] is not None:
            out[k] = kwargs[k] if isinstance(kwargs[k], int | float) else str(kwargs[k])
    return out


def _outcomes(suite_results: dict[str, Any], batches: list[Batch], catalog: Catalog) -> list[ExpectationOutcome]:
    outcomes = []
    for b in batches:
        res = suite_results.get(b.suite.name)
        by_id = {}
        if res is not None:
            for r in res.results:
                by_id[(r.expectation_config.meta or {}).get("id")] = r
        ctab = catalog.tables.get(b.suite.table)
        pii = set(ctab.pii_columns) if ctab else set()
        for rule in b.suite.rules:
            r = by_id.get(rule.id)
            error = None
            unexpected = element = pct = None
            observed: dict[str, Any] = {}
            if r is None:
                success, error = False, "expectation was not evaluated"
            else:
                info = r.exception_info or {}
                raised = info.get("raised_exception") or any(
                    isinstance(v, dict) and v.get("raised_exception") for v in info.values())
                if raised:
                    msg = info.get("exception_message") or next(
                        (v.get("exception_message") for v in info.values()
                         if isinstance(v, dict) and v.get("exception_message")), "error")
                    error = scrub_text(str(msg).strip().splitlines()[0] if msg else "error")[:500]
                success = bool(r.success) and error is None
                result = r.result or {}
                kwargs = r.expectation_config.kwargs or {}
                pii_values = bool(set((rule.column or "").split(",")) & pii) and rule.type not in COUNT_OBSERVED
                observed = _observed(r, pii_values, kwargs)
                if rule.is_sql:
                    if isinstance(result.get("observed_value"), int | float):
                        unexpected = int(result["observed_value"])
                    element = b.rows
                    observed["unexpected_rows"] = unexpected
                elif rule.scope == "rows":
                    unexpected = result.get("unexpected_count")
                    element = result.get("element_count", b.rows)
                else:
                    element = b.rows
                if unexpected is not None and rule.scope == "rows":
                    pct = result.get("unexpected_percent")
                    if pct is None or rule.is_sql:
                        pct = min(100.0, 100.0 * unexpected / element) if element else 0.0
                    if isinstance(pct, float) and math.isnan(pct):
                        pct = None
                if error:
                    observed["error"] = error
            outcomes.append(ExpectationOutcome(
                suite=b.suite.name, kind=b.suite.kind, table_name=b.suite.table, column_name=rule.column,
                expectation_id=rule.id, expectation_type=rule.type, dimension=rule.dimension,
                severity=rule.severity, success=success,
                unexpected_count=int(unexpected) if unexpected is not None else None,
                element_count=int(element) if element is not None else None,
                unexpected_percent=float(pct) if pct is not None else None, observed=observed,
                description=rule.description, scope=rule.scope, error=error,
            ))
    return outcomes


# ---------------------------------------------------------------------------- entry point
def run_checks(
    home: Home | str | Path | None = None,
    partition: str | date | None = "latest",
    suites: list[str] | None = None,
    progress: bool = True,
    catalog: Catalog | None = None,
    *,
    as_of: str | datetime | date | None = None,
    docs: bool = True,
    notifications: Path | None = None,
    retention: Retention | None = None,
    store: bool = True,
    engine: Any = None,
) -> CheckRun:
    """Validate the warehouse with the suites; store and return the run.

    ``engine``: None validates the warehouse (GX on DuckDB); a
    :class:`governance.spark_engine.SparkEngine` validates its Parquet export on Spark
    instead (same suites, results, scores and incidents; rules Spark cannot run are listed
    in ``CheckRun.not_run``).

    ``partition``: 'latest' (newest daily events partition not after ``as_of``), 'all', or
    a date. ``as_of``: the reference time for freshness and future-timestamp rules (default
    now, UTC). ``notifications``: GX actions file (default
    ``$SHOPGOV_HOME/config/notifications.yaml``). Raises :class:`UsageError` for bad
    arguments and :class:`ShopgovError` when the warehouse cannot be read.
    """
    home = home if isinstance(home, Home) else get_home(home)
    part = parse_partition(partition)
    ref = parse_as_of(as_of)
    chosen_suites = load_suites(suites, home=home)
    if engine is None:
        if not home.warehouse.exists():
            raise ShopgovError(f"no warehouse at {home.warehouse}; run `shopgov init` first")
        from .warehouse import verify_file

        verify_file(home.warehouse)  # checks of a damaged file would mislead: refuse it
    catalog = catalog or load_catalog(home)
    check_suite_tables(chosen_suites, catalog)
    for s in chosen_suites:
        problems = unknown_expectation_types(s)  # imports GX
        if problems:
            raise ConfigError(s.path, [(key_path(loc), None, msg) for loc, msg in problems])
    if engine is None:
        ensure_warehouse(home, catalog)  # a catalog edited since the last load is synced first
    pii_scan: Future | None = None
    stop_scan = threading.Event()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shopgov-pii-scan")
    if engine is None and any(s.table == "catalog_columns" for s in chosen_suites):
        # The content scan for personal data reads its samples while GX validates: GX leaves a
        # core idle while it works in Python between its queries. Started after the catalog
        # sync, so it reads the file GX reads; a failed run stops it at its next query.
        from .pii_audit import scan_warehouse

        pii_scan = pool.submit(scan_warehouse, home, catalog, stop=stop_scan)
    con = None
    try:
        from .data_docs import prune as prune_docs
        from .notify import load_actions

        actions = load_actions(notifications or resolve(home, "notifications.yaml"), home=home)
        started = datetime.now(UTC).replace(tzinfo=None)
        run_id = f"chk-{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
        t0 = time.perf_counter()
        not_run: list[dict[str, str]] = []
        try:
            con = connect_read(home.warehouse) if engine is None else engine
        except Exception as e:
            raise ShopgovError(f"cannot read the warehouse {home.warehouse}: {scrub_text(str(e))}") from None
        batches, chosen = plan_batches(home, con, chosen_suites, catalog, part, ref)
        if engine is not None:  # its own form of each rule; the rules it cannot run are set aside
            batches, not_run = engine.translate(batches)
        try:
            suite_results, notes = _run_gx(home, batches, catalog, run_id, started, docs, actions, progress,
                                           engine=engine)
        except ShopgovError:
            raise
        except Exception as e:
            raise ShopgovError(f"the check run failed: {scrub_text(str(e))}") from e
        scans = pii_scan.result() if pii_scan is not None else None
    finally:
        stop_scan.set()  # a failed run stops the scan, and waits for it before it closes the file
        pool.shutdown(wait=True)
        if engine is None and con is not None:
            con.close()
    import great_expectations as gx

    results = _outcomes(suite_results, batches, catalog)
    if any(b.suite.table == "catalog_columns" for b in batches):  # personal data: scan and classify
        if engine is None:
            from .pii_audit import check_outcomes

            results += check_outcomes(home, catalog, run_id, store=store, scans=scans)
        else:
            from .pii_audit import EXPECTATION_IDS

            not_run += [{"expectation": eid, "suite": "catalog_columns", "reason": engine.pii_audit_note}
                        for eid in EXPECTATION_IDS]
    status = ("error" if any(r.error for r in results)
              else "failed" if any(not r.success for r in results) else "passed")
    run = CheckRun(
        run_id=run_id, started_at=started,
        finished_at=started + timedelta(seconds=time.perf_counter() - t0),
        as_of=ref, partition=part if isinstance(part, str) else part.isoformat(), partition_date=chosen,
        status=status, suites=[s.name for s in chosen_suites], results=results,
        scores=compute_scores(results), gx_version=gx.__version__,
        config_sha256=fingerprint(home),
        data_docs_path=str(home.data_docs / "index.html") if docs else None, notifications=notes,
        engine=getattr(engine, "name", "duckdb"), not_run=not_run,
    )
    retention = retention or Retention()
    if store:
        run.pruned_runs = save_run(home, run, retention)
        from .incidents import update_incidents
        run.incidents = update_incidents(home, run.run_id, catalog)
    if docs:
        prune_docs(home.data_docs, retention.days)
    _log_run(home, run)
    return run


def _log_run(home: Home, run: CheckRun) -> None:
    """Append one line per run to ``logs/checks.log`` (ids and counts only, no values)."""
    try:
        home.logs.mkdir(parents=True, exist_ok=True)
        failed = [r.expectation_id for r in run.results if not r.success]
        line = (f"{run.finished_at.isoformat()} run={run.run_id} engine={run.engine} status={run.status} "
                f"partition={run.partition_date or run.partition} expectations={run.n_expectations} "
                f"failed={len(failed)} not_run={len(run.not_run)} seconds={run.seconds:.2f} "
                f"failed_ids={','.join(failed)}\n")
        with (home.logs / "checks.log").open("a", encoding="utf-8") as f:
            f.write(scrub_text(line))
    except OSError as e:  # logging must never break a run
        log.warning("could not write the check log: %s", e)
