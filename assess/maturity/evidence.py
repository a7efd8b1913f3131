"""Measure indicators from stored evidence: check results, the catalog, listing flags, loads.

Everything is read through :class:`governance.warehouse.Reader` (both files attached
read-only), so an assessment never blocks or is broken by a nightly writer. A collector
returns :class:`Evidence`: a value, or ``None`` with the reason there is no evidence yet;
values are never invented.

Each metric named in ``model.yaml`` is a function registered in :data:`METRICS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import duckdb

from governance.coverage import CatalogCoverage, catalog_coverage
from governance.errors import UsageError
from governance.paths import Home
from governance.vocabulary import DIMENSION_IDS
from governance.warehouse import Reader

STANDARD_DIMENSIONS = DIMENSION_IDS
# A run is evidence when it stored expectation results, whatever its status: an 'error' run
# (some rule could not be evaluated) still judged the rest, and its errored checks count as failed.
RUN_FILTER = "coalesce(n_expectations, 0) > 0"
_RATE = "coalesce(row_weighted_pass_rate, pass_share)"
MAX_IDS = 25  # evidence lists (expectation ids, table names) are truncated to this many


@dataclass
class Evidence:
    """A measured value with where it came from, or ``value=None`` and why not."""

    value: float | None
    source: str
    details: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "details": self.details, "reason": self.reason}


def missing(source: str, reason: str, **details: Any) -> Evidence:
    return Evidence(None, source, dict(details), reason)


def _iso(v: Any) -> Any:
    return v.isoformat(sep=" ") if isinstance(v, datetime) else (v.isoformat() if hasattr(v, "isoformat") else v)


class Sources:
    """The attached warehouse (``wh``) and results (``res``) plus cached lookups."""

    def __init__(self, con: duckdb.DuckDBPyConnection, home: Home | None = None):
        self.con = con
        self.home = home
        rows = con.execute(
            "SELECT database_name, table_name FROM duckdb_tables() WHERE database_name IN ('wh', 'res')"
        ).fetchall()
        self.tables = {(db, t) for db, t in rows}
        self._cache: dict[str, Any] = {}

    @classmethod
    def open(cls, home: Home) -> tuple[Sources, Reader]:
        reader = Reader(home)
        return cls(reader.connection(), home), reader

    def has(self, db: str, table: str) -> bool:
        return (db, table) in self.tables

    def columns(self, db: str, table: str) -> set[str]:
        key = f"cols:{db}.{table}"
        if key not in self._cache:
            rows = self.con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND table_name = ?", [db, table]
            ).fetchall()
            self._cache[key] = {r[0] for r in rows}
        return self._cache[key]

    def rows(self, sql: str, params: list | None = None) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def one(self, sql: str, params: list | None = None) -> dict[str, Any] | None:
        r = self.rows(sql, params)
        return r[0] if r else None

    # -- cached lookups ------------------------------------------------------------
    def latest_check_run(self) -> dict[str, Any] | None:
        if "run" not in self._cache:
            run = None
            if self.has("res", "check_runs"):
                run = self.one(
                    f"""SELECT run_id, started_at, finished_at, partition_date, status, n_expectations, n_failed,
                               suites, gx_version, config_sha256
                        FROM res.check_runs WHERE {RUN_FILTER}
                        ORDER BY started_at DESC, run_id DESC LIMIT 1"""
                )
            self._cache["run"] = run
        return self._cache["run"]

    def latest_listing_run(self) -> dict[str, Any] | None:
        if "listing" not in self._cache:
            run = None
            if self.has("res", "listing_runs"):
                run = self.one(
                    """SELECT run_id, model_version, scored_at, n_scored, n_flagged, threshold
                       FROM res.listing_runs ORDER BY scored_at DESC, run_id DESC LIMIT 1"""
                )
            self._cache["listing"] = run
        return self._cache["listing"]

    def catalog_table_names(self) -> list[str]:
        """The tables the catalog in effect declares: the home's ``catalog.yaml`` (else the
        bundled default); without a home, the warehouse's catalog tables (synced copy)."""
        if "catalog_tables" not in self._cache:
            from governance.catalog import load_catalog

            if self.home is None and self.has("wh", "catalog_tables"):
                names = [r["table_name"] for r in self.rows("SELECT table_name FROM wh.catalog_tables ORDER BY 1")]
            else:
                names = sorted(load_catalog(self.home).tables)
            self._cache["catalog_tables"] = names
        return self._cache["catalog_tables"]

    def summary(self) -> dict[str, Any]:
        """What evidence exists, for the report's appendix."""
        run = self.latest_check_run()
        listing = self.latest_listing_run()
        out: dict[str, Any] = {
            "warehouse_attached": any(db == "wh" for db, _ in self.tables),
            "results_attached": any(db == "res" for db, _ in self.tables),
            "check_run": {k: _iso(v) for k, v in run.items()} if run else None,
            "listing_run": {k: _iso(v) for k, v in listing.items()} if listing else None,
            "catalog_sha256": None,
            "n_check_runs": 0,
        }
        if self.has("wh", "catalog_tables"):
            r = self.one("SELECT any_value(catalog_sha256) AS sha FROM wh.catalog_tables")
            out["catalog_sha256"] = r["sha"] if r else None
        if self.has("res", "check_runs"):
            out["n_check_runs"] = self.one(
                f"SELECT count(*) AS n FROM res.check_runs WHERE {RUN_FILTER}"
            )["n"]
        return out


def _share(covered: int, total: int) -> float:
    return covered / total


def _no_run(source: str) -> Evidence:
    return missing(source, "no completed check run in results.duckdb yet (run `shopgov check`)")


def _failed_expectations(src: Sources, run_id: str, where: str, params: list) -> list[dict[str, Any]]:
    rows = src.rows(
        f"""SELECT expectation_id, table_name, column_name, dimension, severity, unexpected_count, element_count
            FROM res.expectation_results
            WHERE run_id = ? AND NOT success AND {where}
            ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END,
                     unexpected_count DESC NULLS LAST, expectation_id
            LIMIT {MAX_IDS}""",
        [run_id, *params],
    )
    return rows


# -- metrics on check results ----------------------------------------------------------
def check_pass_rate(src: Sources, params: dict) -> Evidence:
    """Row-weighted pass rate of a quality dimension in the latest check run.

    ``aggregate: table_mean`` (default) averages the per-table rates, so a small table's
    defects are not drowned by a large one (events dwarf products); ``aggregate: overall``
    uses the run's all-tables row. ``tables`` restricts the tables considered.
    """
    dim = params.get("dimension", "*")
    tables = params.get("tables")
    aggregate = params.get("aggregate", "table_mean")
    if aggregate not in ("table_mean", "overall"):
        raise UsageError(f"maturity model: check_pass_rate aggregate must be table_mean or overall, got {aggregate!r}")
    source = "results.quality_scores"
    run = src.latest_check_run()
    if run is None or not src.has("res", "quality_scores"):
        return _no_run(source)
    if aggregate == "overall" and not tables:
        rows = src.rows(
            "SELECT * FROM res.quality_scores WHERE run_id = ? AND table_name = '*' AND dimension = ?",
            [run["run_id"], dim],
        )
    else:
        rows = src.rows(
            "SELECT * FROM res.quality_scores WHERE run_id = ? AND dimension = ? AND table_name <> '*'"
            " AND (? IS NULL OR list_contains(?, table_name)) ORDER BY table_name",
            [run["run_id"], dim, list(tables) if tables else None, list(tables) if tables else None],
        )
    if not rows:
        scope = f"tables {', '.join(tables)}" if tables else "any table"
        return missing(source, f"the latest check run has no '{dim}' checks on {scope}", run_id=run["run_id"])
    values, measures = [], set()
    for r in rows:
        if r.get("row_weighted_pass_rate") is not None:
            values.append(float(r["row_weighted_pass_rate"]))
            measures.add("row_weighted_pass_rate")
        elif r.get("pass_share") is not None:
            values.append(float(r["pass_share"]))
            measures.add("pass_share")
    if not values:
        return missing(source, f"no pass rate stored for '{dim}' in run {run['run_id']}", run_id=run["run_id"])
    value = sum(values) / len(values)
    where, wparams = "kind = 'quality'", []
    if dim != "*":
        where += " AND dimension = ?"
        wparams.append(dim)
    if tables:
        where += " AND list_contains(?, table_name)"
        wparams.append(list(tables))
    failed = _failed_expectations(src, run["run_id"], where, wparams) if src.has("res", "expectation_results") else []
    return Evidence(value, source, {
        "run_id": run["run_id"],
        "dimension": dim,
        "aggregate": aggregate,
        "measure": " / ".join(sorted(measures)),
        "per_table": [{"table": r["table_name"], "checks_total": r["checks_total"], "checks_passed": r["checks_passed"],
                       "pass_share": r["pass_share"], "row_weighted_pass_rate": r["row_weighted_pass_rate"]}
                      for r in rows],
        "checks_total": sum(int(r["checks_total"] or 0) for r in rows),
        "checks_passed": sum(int(r["checks_passed"] or 0) for r in rows),
        "failed_expectations": failed,
    })


def check_dimension_coverage(src: Sources, params: dict) -> Evidence:
    """Share of the six standard quality dimensions with at least one check in the latest run."""
    source = "results.expectation_results"
    run = src.latest_check_run()
    if run is None or not src.has("res", "expectation_results"):
        return _no_run(source)
    dims = {r["dimension"] for r in src.rows(
        "SELECT DISTINCT dimension FROM res.expectation_results WHERE run_id = ? AND kind = 'quality'", [run["run_id"]]
    )}
    covered = [d for d in STANDARD_DIMENSIONS if d in dims]
    return Evidence(_share(len(covered), len(STANDARD_DIMENSIONS)), source, {
        "run_id": run["run_id"], "covered": covered,
        "missing": [d for d in STANDARD_DIMENSIONS if d not in dims],
    })


def check_table_coverage(src: Sources, params: dict) -> Evidence:
    """Share of catalog tables with at least one quality check in the latest run."""
    source = "results.expectation_results + warehouse.catalog_tables"
    run = src.latest_check_run()
    if run is None or not src.has("res", "expectation_results"):
        return _no_run(source)
    catalog = src.catalog_table_names()
    if not catalog:
        return missing(source, "the catalog lists no tables")
    checked = {r["table_name"] for r in src.rows(
        "SELECT DISTINCT table_name FROM res.expectation_results WHERE run_id = ? AND kind = 'quality'", [run["run_id"]]
    )}
    covered = [t for t in catalog if t in checked]
    return Evidence(_share(len(covered), len(catalog)), source, {
        "run_id": run["run_id"], "tables": len(catalog), "covered": covered,
        "missing": [t for t in catalog if t not in checked],
    })


def failed_checks(src: Sources, params: dict) -> Evidence:
    """Number of failing quality checks of the given severities in the latest run."""
    severities = list(params.get("severities") or ["critical"])
    source = "results.expectation_results"
    run = src.latest_check_run()
    if run is None or not src.has("res", "expectation_results"):
        return _no_run(source)
    n = src.one(
        "SELECT count(*) AS n FROM res.expectation_results WHERE run_id = ? AND kind = 'quality' AND NOT success"
        " AND list_contains(?, severity)", [run["run_id"], severities],
    )["n"]
    failed = _failed_expectations(src, run["run_id"], "kind = 'quality' AND list_contains(?, severity)", [severities])
    return Evidence(float(n), source, {"run_id": run["run_id"], "severities": severities, "failed": int(n),
                                       "failed_expectations": failed})


def metadata_check_pass_share(src: Sources, params: dict) -> Evidence:
    """Share of metadata checks (on the catalog tables) that passed in the latest run."""
    source = "results.expectation_results"
    run = src.latest_check_run()
    if run is None or not src.has("res", "expectation_results"):
        return _no_run(source)
    r = src.one(
        "SELECT count(*) AS total, count(*) FILTER (WHERE success) AS passed FROM res.expectation_results"
        " WHERE run_id = ? AND kind = 'metadata'", [run["run_id"]],
    )
    if not r["total"]:
        return missing(source, "the latest check run has no metadata checks", run_id=run["run_id"])
    failed = _failed_expectations(src, run["run_id"], "kind = 'metadata'", [])
    return Evidence(_share(r["passed"], r["total"]), source, {
        "run_id": run["run_id"], "checks_total": int(r["total"]), "checks_passed": int(r["passed"]),
        "failed_expectations": failed,
    })


def _completed_runs(src: Sources) -> list[dict[str, Any]]:
    return src.rows(
        f"SELECT run_id, started_at FROM res.check_runs WHERE {RUN_FILTER} ORDER BY started_at, run_id"
    )


def check_history_days(src: Sources, params: dict) -> Evidence:
    """Number of distinct days with a completed check run (the length of the quality trend)."""
    source = "results.check_runs"
    if src.latest_check_run() is None:
        return _no_run(source)
    runs = _completed_runs(src)
    days = sorted({r["started_at"].date() for r in runs})
    return Evidence(float(len(days)), source, {
        "runs": len(runs), "days": len(days), "first_day": days[0].isoformat(), "last_day": days[-1].isoformat(),
    })


def _window_runs(src: Sources, window_days: float) -> list[dict[str, Any]]:
    latest = src.latest_check_run()
    since = latest["started_at"] - timedelta(days=float(window_days))
    return [r for r in _completed_runs(src) if r["started_at"] >= since]


def pass_rate_change(src: Sources, params: dict) -> Evidence:
    """Change of the pass rate (mean over tables of their row-weighted rate) from the first run in
    the window to the latest run."""
    window = float(params.get("window_days", 30))
    source = "results.quality_scores"
    if src.latest_check_run() is None or not src.has("res", "quality_scores"):
        return _no_run(source)
    runs = _window_runs(src, window)
    ids = [r["run_id"] for r in runs]
    rates = {r["run_id"]: r["rate"] for r in src.rows(
        f"SELECT run_id, avg({_RATE}) AS rate FROM res.quality_scores"
        " WHERE table_name <> '*' AND dimension = '*' AND list_contains(?, run_id) GROUP BY run_id", [ids],
    )}
    series = [(r, float(rates[r["run_id"]])) for r in runs if rates.get(r["run_id"]) is not None]
    if len(series) < 2:
        return missing(source, f"needs at least two check runs within {window:g} days (found {len(series)})",
                       runs=len(series))
    (first, v0), (last, v1) = series[0], series[-1]
    return Evidence(v1 - v0, source, {
        "window_days": window, "runs": len(series),
        "first": {"run_id": first["run_id"], "started_at": _iso(first["started_at"]), "pass_rate": v0},
        "latest": {"run_id": last["run_id"], "started_at": _iso(last["started_at"]), "pass_rate": v1},
    })


def freshness_sla_attainment(src: Sources, params: dict) -> Evidence:
    """Share of timeliness (freshness / volume) checks passed over the runs of the window."""
    window = float(params.get("window_days", 30))
    source = "results.expectation_results (timeliness)"
    if src.latest_check_run() is None or not src.has("res", "expectation_results"):
        return _no_run(source)
    ids = [r["run_id"] for r in _window_runs(src, window)]
    r = src.one(
        "SELECT count(*) AS total, count(*) FILTER (WHERE success) AS passed, count(DISTINCT run_id) AS runs"
        " FROM res.expectation_results WHERE dimension = 'timeliness' AND list_contains(?, run_id)", [ids],
    )
    if not r["total"]:
        return missing(source, f"no timeliness checks in the check runs of the last {window:g} days")
    latest = src.latest_check_run()["run_id"]
    failed = _failed_expectations(src, latest, "dimension = 'timeliness'", [])
    return Evidence(_share(r["passed"], r["total"]), source, {
        "window_days": window, "runs": int(r["runs"]), "checks_total": int(r["total"]),
        "checks_passed": int(r["passed"]), "latest_run_id": latest, "failed_in_latest_run": failed,
    })


# -- metrics on the warehouse catalog and load audit -----------------------------------
# Catalog coverage figures come from governance.coverage (the one definition shared with
# `shopgov status` and the dashboard); these metrics select and explain them.
def _coverage(src: Sources) -> CatalogCoverage | None:
    if "coverage" not in src._cache:
        src._cache["coverage"] = catalog_coverage(src.con, "wh") if src.has("wh", "catalog_tables") else None
    return src._cache["coverage"]


def catalog_table_coverage(src: Sources, params: dict) -> Evidence:
    """Share of catalog tables where all of ``fields`` are filled in."""
    fields = list(params.get("fields") or [])
    source = "warehouse.catalog_tables"
    cov = _coverage(src)
    if cov is None:
        return missing(source, "no warehouse catalog yet (run `shopgov init`)")
    unknown = [f for f in fields if f not in cov.table_fields]
    if not fields or unknown:
        raise UsageError(f"maturity model: catalog_table_coverage fields {unknown or fields} are not columns of catalog_tables")
    share = cov.table_share(fields)
    if share.value is None:
        return missing(source, "the catalog has no tables")
    return Evidence(share.value, source, {
        "fields": fields, "tables": share.total, "covered": len(share.covered), "missing": share.missing[:MAX_IDS],
    })


def catalog_column_coverage(src: Sources, params: dict) -> Evidence:
    """Share of catalog columns where ``field`` is filled in (an unclassified PII class is not)."""
    fld = params.get("field")
    source = "warehouse.catalog_columns"
    cov = _coverage(src)
    if cov is None:
        return missing(source, "no warehouse catalog yet (run `shopgov init`)")
    if fld not in cov.column_fields:
        raise UsageError(f"maturity model: catalog_column_coverage field {fld!r} is not a column of catalog_columns")
    share = cov.column_share(fld)
    if share.value is None:
        return missing(source, "the catalog has no columns")
    return Evidence(share.value, source, {
        "field": fld, "columns": share.total, "covered": len(share.covered), "missing": share.missing[:MAX_IDS],
    })


def lineage_coverage(src: Sources, params: dict) -> Evidence:
    """Share of catalog tables that have at least one upstream lineage edge."""
    source = "warehouse.catalog_lineage"
    cov = _coverage(src)
    if cov is None or not src.has("wh", "catalog_lineage"):
        return missing(source, "no warehouse catalog yet (run `shopgov init`)")
    share = cov.lineage_share()
    if share.value is None:
        return missing(source, "the catalog has no tables")
    return Evidence(share.value, source, {
        "tables": share.total, "covered": len(share.covered), "edges": cov.lineage_edges, "missing": share.missing,
    })


def pii_masking_coverage(src: Sources, params: dict) -> Evidence:
    """Share of personal-data columns (pii_class other than none) marked as masked."""
    source = "warehouse.catalog_columns"
    if not src.has("wh", "catalog_columns"):
        return missing(source, "no warehouse catalog yet (run `shopgov init`)")
    rows = src.rows(
        "SELECT table_name, column_name, pii_class, coalesce(masked, false) AS masked FROM wh.catalog_columns"
        " WHERE pii_class IS NOT NULL AND lower(trim(pii_class)) NOT IN ('', 'none') ORDER BY table_name, ordinal"
    )
    if not rows:
        return missing(source, "no column is classified as personal data, so masking cannot be measured")
    ok = sum(1 for r in rows if r["masked"])
    return Evidence(_share(ok, len(rows)), source, {
        "pii_columns": len(rows), "masked": ok,
        "unmasked": [f"{r['table_name']}.{r['column_name']}" for r in rows if not r["masked"]],
        "classes": sorted({r["pii_class"] for r in rows}),
    })


def load_success_share(src: Sources, params: dict) -> Evidence:
    """Share of loads with outcome 'ok' in the load audit over the window before the latest load."""
    window = float(params.get("window_days", 30))
    source = "warehouse.load_audit"
    if not src.has("wh", "load_audit"):
        return missing(source, "no warehouse yet (run `shopgov init`)")
    r = src.one(
        """WITH w AS (SELECT * FROM wh.load_audit
                      WHERE coalesce(finished_at, started_at) >=
                            (SELECT max(coalesce(finished_at, started_at)) FROM wh.load_audit) - to_days(CAST(? AS INTEGER)))
           SELECT count(*) AS total, count(*) FILTER (WHERE outcome = 'ok') AS ok, count(DISTINCT table_name) AS tables
           FROM w""",
        [int(window)],
    )
    if not r["total"]:
        return missing(source, "the load audit log is empty (nothing loaded yet)")
    return Evidence(_share(r["ok"], r["total"]), source, {
        "window_days": window, "loads": int(r["total"]), "ok": int(r["ok"]), "tables": int(r["tables"]),
    })


# -- metrics on the listing model ----------------------------------------------------------
def listing_scoring_coverage(src: Sources, params: dict) -> Evidence:
    """Products scored in the latest listing run / products in the warehouse."""
    source = "results.listing_runs + warehouse.products"
    run = src.latest_listing_run()
    if run is None:
        return missing(source, "no listing-quality run yet (run `shopgov flag`)")
    if not src.has("wh", "products"):
        return missing(source, "no products table in the warehouse")
    n_products = src.one("SELECT count(*) AS n FROM wh.products")["n"]
    if not n_products:
        return missing(source, "the warehouse has no products")
    n = int(run["n_scored"] or 0)
    return Evidence(min(1.0, n / n_products), source, {
        "run_id": run["run_id"], "model_version": run["model_version"], "scored_at": _iso(run["scored_at"]),
        "n_scored": n, "products": int(n_products),
    })


def listing_flag_share(src: Sources, params: dict) -> Evidence:
    """Share of scored listings flagged as low quality in the latest listing run."""
    source = "results.listing_runs"
    run = src.latest_listing_run()
    if run is None:
        return missing(source, "no listing-quality run yet (run `shopgov flag`)")
    if not run["n_scored"]:
        return missing(source, f"listing run {run['run_id']} scored no listings", run_id=run["run_id"])
    return Evidence(int(run["n_flagged"] or 0) / int(run["n_scored"]), source, {
        "run_id": run["run_id"], "model_version": run["model_version"], "scored_at": _iso(run["scored_at"]),
        "n_scored": int(run["n_scored"]), "n_flagged": int(run["n_flagged"] or 0), "threshold": run["threshold"],
    })


# -- metrics whose evidence arrives with a later issue ---------------------------------------
# Personal-data scanning (governance.pii_audit, run by `shopgov check`) writes
# results.pii_findings (severity, status, ...) and behaviour
# anomaly detection writes results.anomaly_runs (scored_at, n_events, n_anomalous). Until
# those tables exist the indicators report "no evidence yet".
PII_FINDINGS_COLUMNS = {"severity", "status"}
CLOSED_STATUSES = ("closed", "resolved", "false_positive", "accepted")
ANOMALY_RUN_COLUMNS = {"scored_at", "n_events", "n_anomalous"}


def open_pii_findings(src: Sources, params: dict) -> Evidence:
    """Open personal-data findings of the given severities (results.pii_findings)."""
    severities = list(params.get("severities") or ["critical"])
    source = "results.pii_findings"
    if not src.has("res", "pii_findings"):
        return missing(source, "no evidence yet: no personal-data scan has run "
                               "(results.duckdb has no pii_findings table; run `shopgov check`)")
    lacking = PII_FINDINGS_COLUMNS - src.columns("res", "pii_findings")
    if lacking:
        return missing(source, f"pii_findings lacks column(s) {', '.join(sorted(lacking))}")
    r = src.one(
        "SELECT count(*) AS n FROM res.pii_findings"
        " WHERE list_contains(?, lower(severity)) AND NOT list_contains(?, lower(status))",
        [severities, list(CLOSED_STATUSES)],
    )
    return Evidence(float(r["n"]), source, {"severities": severities, "open": int(r["n"])})


def behaviour_anomaly_share(src: Sources, params: dict) -> Evidence:
    """Share of behaviour events flagged as anomalous in the latest anomaly run."""
    source = "results.anomaly_runs"
    if not src.has("res", "anomaly_runs"):
        return missing(source, "no evidence yet: behaviour anomaly detection arrives in a later release "
                               "(results.duckdb has no anomaly_runs table)")
    lacking = ANOMALY_RUN_COLUMNS - src.columns("res", "anomaly_runs")
    if lacking:
        return missing(source, f"anomaly_runs lacks column(s) {', '.join(sorted(lacking))}")
    r = src.one("SELECT * FROM res.anomaly_runs ORDER BY scored_at DESC LIMIT 1")
    if r is None or not r["n_events"]:
        return missing(source, "no anomaly run with events yet")
    return Evidence(int(r["n_anomalous"] or 0) / int(r["n_events"]), source, {
        "scored_at": _iso(r["scored_at"]), "n_events": int(r["n_events"]), "n_anomalous": int(r["n_anomalous"] or 0),
    })


METRICS: dict[str, Callable[[Sources, dict], Evidence]] = {
    "check_pass_rate": check_pass_rate,
    "check_dimension_coverage": check_dimension_coverage,
    "check_table_coverage": check_table_coverage,
    "failed_checks": failed_checks,
    "metadata_check_pass_share": metadata_check_pass_share,
    "check_history_days": check_history_days,
    "pass_rate_change": pass_rate_change,
    "freshness_sla_attainment": freshness_sla_attainment,
    "catalog_table_coverage": catalog_table_coverage,
    "catalog_column_coverage": catalog_column_coverage,
    "lineage_coverage": lineage_coverage,
    "pii_masking_coverage": pii_masking_coverage,
    "load_success_share": load_success_share,
    "listing_scoring_coverage": listing_scoring_coverage,
    "listing_flag_share": listing_flag_share,
    "open_pii_findings": open_pii_findings,
    "behaviour_anomaly_share": behaviour_anomaly_share,
}


def collect_measured(src: Sources, model) -> dict[str, Evidence]:
    """Evidence for every measured indicator of ``model`` (questionnaire ones come separately)."""
    out: dict[str, Evidence] = {}
    for d in model.domains:
        for ind in d.indicators:
            if ind.kind == "measured":
                out[ind.id] = METRICS[ind.metric](src, ind.params)
    return out


def quality_trend(src: Sources, limit: int = 90) -> list[dict[str, Any]]:
    """Per-run pass rates (mean over tables of the row-weighted rate) overall ('*') and per
    dimension, for the last ``limit`` completed check runs, oldest first."""
    if not (src.has("res", "check_runs") and src.has("res", "quality_scores")):
        return []
    rows = src.rows(
        f"""WITH runs AS (SELECT run_id, started_at FROM res.check_runs WHERE {RUN_FILTER}
                          ORDER BY started_at DESC, run_id DESC LIMIT {int(limit)})
            SELECT r.run_id, r.started_at, q.dimension, avg({_RATE}) AS rate
            FROM runs r JOIN res.quality_scores q ON q.run_id = r.run_id AND q.table_name <> '*'
            GROUP BY ALL ORDER BY r.started_at, r.run_id, q.dimension"""
    )
    series: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = series.setdefault(r["run_id"], {"run_id": r["run_id"], "started_at": _iso(r["started_at"]), "rates": {}})
        entry["rates"][r["dimension"]] = None if r["rate"] is None else float(r["rate"])
    return list(series.values())
