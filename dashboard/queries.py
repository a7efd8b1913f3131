"""All data access of the dashboard pages: read-only, cached, never blocking a writer.

Pages read through one :class:`governance.warehouse.Reader` per home (warehouse attached
as ``wh``, results as ``res``, both READ_ONLY). Every query result is cached with
``st.cache_data`` keyed on the files' identities (``Reader.version``), so a rerun never
rescans anything and a nightly job that swaps in a new file invalidates the cache at once.
The overview reads only the small pre-aggregated results tables (check_runs,
quality_scores, expectation_results of one run, assessments, assessment_domains,
listing_runs), never raw events. Reads of results tables go through the frame readers of
:mod:`governance.results_schema` (the one module that knows their columns), run on the
shared Reader connection with the results database attached as ``res``.

Functions named ``*_rows`` return row-level data: callers must check the role
(``view_rows``) and write the access audit log.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pandas as pd
import streamlit as st

from governance import coverage, vocabulary
from governance import results_schema as rs
from governance.paths import Home, get_home
from governance.warehouse import Reader, file_identity

SEVERITIES = list(vocabulary.SEVERITIES)
DIMENSIONS = list(vocabulary.DIMENSION_IDS)
_LOCK = threading.RLock()
Version = tuple[Any, Any]


def data_version(home: Home) -> Version:
    """Changes whenever the warehouse or results file is swapped (cheap: two ``stat`` calls)."""
    return (file_identity(home.warehouse), file_identity(home.results))


@st.cache_resource(show_spinner=False)
def _reader(root: str) -> Reader:
    return Reader(get_home(root))


def query(home: Home, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run one read-only query (uncached) and return a DataFrame."""
    with _LOCK:
        con = _reader(str(home.root)).connection()
        return con.execute(sql, params or []).df()


def results(home: Home, reader: Any, *args: Any, **kwargs: Any) -> pd.DataFrame:
    """Run one frame reader of :mod:`governance.results_schema` on the shared connection (uncached)."""
    with _LOCK:
        con = _reader(str(home.root)).connection()
        return reader(con, *args, db="res", **kwargs)


def _first(df: pd.DataFrame) -> dict | None:
    if df.empty:
        return None
    return {k: (None if _isna(v) else v) for k, v in df.iloc[0].to_dict().items()}


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------- what exists

@st.cache_data(show_spinner=False, max_entries=64)
def _available(root: str, version: Version) -> dict:
    home = get_home(root)
    out = {"warehouse": version[0] is not None, "results": version[1] is not None,
           "wh": set(), "res": set()}
    if not (out["warehouse"] or out["results"]):
        return out
    df = query(home, "SELECT database_name, table_name FROM duckdb_tables() WHERE database_name IN ('wh','res')")
    for db, name in df.itertuples(index=False):
        out[db].add(name)
    if "check_runs" in out["res"]:
        with _LOCK:
            out["n_runs"] = rs.run_count(_reader(root).connection(), db="res")
    else:
        out["n_runs"] = 0
    return out


def available(home: Home) -> dict:
    """Which files and tables exist: ``{"warehouse", "results", "wh": {...}, "res": {...}, "n_runs"}``."""
    return _available(str(home.root), data_version(home))


def has(home: Home, schema: str, *tables: str) -> bool:
    av = available(home)
    return all(t in av[schema] for t in tables)


# ---------------------------------------------------------------- overview

@st.cache_data(show_spinner=False, max_entries=32)
def _overview(root: str, version: Version) -> dict:
    home = get_home(root)
    av = _available(root, version)
    res = av["res"]
    out: dict[str, Any] = {"latest_run": None, "trend": pd.DataFrame(), "severity": pd.DataFrame(),
                           "assessment": None, "previous": None, "domains": pd.DataFrame(),
                           "listing_run": None}
    if "check_runs" in res:
        out["latest_run"] = _first(results(home, rs.latest_run_frame))
    if out["latest_run"] and "quality_scores" in res:
        out["trend"] = results(home, rs.overall_trend_frame, limit=120)
    if out["latest_run"] and "expectation_results" in res:
        out["severity"] = results(home, rs.severity_frame, out["latest_run"]["run_id"])
    if "assessments" in res:
        rows = results(home, rs.assessments_frame, limit=2)
        recs = [{k: (None if _isna(v) else v) for k, v in r.items()} for r in rows.to_dict("records")]
        out["assessment"] = recs[0] if recs else None
        out["previous"] = recs[1] if len(recs) > 1 else None
    if out["assessment"] and "assessment_domains" in res:
        cur = results(home, rs.assessment_domains_frame, out["assessment"]["assessment_id"])
        if out["previous"]:
            prev = results(home, rs.assessment_domains_frame, out["previous"]["assessment_id"])
            prev = prev[["domain_id", "score", "level"]].rename(
                columns={"score": "previous_score", "level": "previous_level"})
            cur = cur.merge(prev, on="domain_id", how="left")
        out["domains"] = cur
    if "listing_runs" in res:
        out["listing_run"] = _first(results(home, rs.latest_listing_run_frame))
    return out


def overview(home: Home) -> dict:
    """Everything the overview shows, from pre-aggregated results tables only."""
    return _overview(str(home.root), data_version(home))


# ---------------------------------------------------------------- data quality

@st.cache_data(show_spinner=False, max_entries=32)
def _runs(root: str, version: Version) -> pd.DataFrame:
    if "check_runs" not in _available(root, version)["res"]:
        return pd.DataFrame()
    return results(get_home(root), rs.runs_frame, limit=500)


def runs(home: Home) -> pd.DataFrame:
    """Check runs, newest first."""
    return _runs(str(home.root), data_version(home))


@st.cache_data(show_spinner=False, max_entries=64)
def _quality(root: str, version: Version, run_id: str) -> dict:
    home = get_home(root)
    res = _available(root, version)["res"]
    out = {"scores": pd.DataFrame(), "table_trend": pd.DataFrame(), "failing": pd.DataFrame(),
           "summary": pd.DataFrame()}
    if "quality_scores" in res:
        out["scores"] = results(home, rs.scores_frame, run_id)
        out["table_trend"] = results(home, rs.table_trend_frame, runs=60)
    if "expectation_results" in res:
        out["failing"] = results(home, rs.failing_frame, run_id)
        out["summary"] = results(home, rs.kind_summary_frame, run_id)
    return out


def quality(home: Home, run_id: str) -> dict:
    """Scores (table × dimension), per-table trend and failing checks of one run."""
    return _quality(str(home.root), data_version(home), run_id)


@st.cache_data(show_spinner=False, max_entries=16)
def _daily_scores(root: str, version: Version, days: int) -> pd.DataFrame:
    if not {"check_runs", "quality_scores"} <= _available(root, version)["res"]:
        return pd.DataFrame()
    return results(get_home(root), rs.daily_scores_frame, days=days)


def daily_scores(home: Home, days: int = 90) -> pd.DataFrame:
    """Quality scores per day (the last run of the day): every table × dimension, ``'*'`` totals included."""
    return _daily_scores(str(home.root), data_version(home), int(days))


@st.cache_data(show_spinner=False, max_entries=64)
def _expectation(root: str, version: Version, run_id: str, expectation_id: str) -> dict | None:
    return _first(results(get_home(root), rs.expectation_frame, run_id, expectation_id))


def expectation(home: Home, run_id: str, expectation_id: str) -> dict | None:
    """One expectation result (including its masked ``observed`` JSON)."""
    return _expectation(str(home.root), data_version(home), run_id, expectation_id)


# ---------------------------------------------------------------- catalog

@st.cache_data(show_spinner=False, max_entries=16)
def _catalog(root: str, version: Version) -> dict:
    home = get_home(root)
    wh = _available(root, version)["wh"]
    if not {"catalog_tables", "catalog_columns"} <= wh:
        return {}
    tables = query(home, "SELECT * FROM wh.catalog_tables ORDER BY table_name")
    columns = query(home, "SELECT * FROM wh.catalog_columns ORDER BY table_name, ordinal")
    lineage = (query(home, "SELECT * FROM wh.catalog_lineage") if "catalog_lineage" in wh
               else pd.DataFrame(columns=["upstream", "downstream", "transform"]))
    meta = pd.DataFrame()
    res = _available(root, version)["res"]
    if {"check_runs", "expectation_results"} <= res:
        meta = results(home, rs.metadata_checks_frame)
    return {"tables": tables, "columns": columns, "lineage": lineage, "metadata_checks": meta}


def catalog(home: Home) -> dict:
    """Catalog tables, columns, lineage and the latest metadata-check results ({} if no warehouse)."""
    return _catalog(str(home.root), data_version(home))


@st.cache_data(show_spinner=False, max_entries=16)
def _coverage(root: str, version: Version) -> tuple[dict[str, float], pd.DataFrame]:
    with _LOCK:
        cov = coverage.catalog_coverage(_reader(root).connection(), "wh")
    if cov is None:
        return {k: 0.0 for k in coverage.SHARES}, pd.DataFrame(columns=["table_name", "columns", *coverage.CHECKS, "gaps"])
    per_table = pd.DataFrame(
        [{"table_name": t.table, "columns": len(t.columns), **t.checks, "gaps": t.gaps} for t in cov.tables],
        columns=["table_name", "columns", *coverage.CHECKS, "gaps"])
    return cov.shares, per_table


def catalog_coverage(home: Home) -> tuple[dict[str, float], pd.DataFrame]:
    """Coverage shares (:data:`governance.coverage.SHARES`) and a per-table gap list, as
    computed by :func:`governance.coverage.catalog_coverage`."""
    return _coverage(str(home.root), data_version(home))


# ---------------------------------------------------------------- listing quality

@st.cache_data(show_spinner=False, max_entries=16)
def _listing_summary(root: str, version: Version) -> dict:
    home = get_home(root)
    av = _available(root, version)
    if not {"listing_runs", "listing_scores"} <= av["res"]:
        return {}
    run = _first(results(home, rs.latest_listing_run_frame))
    if run is None:
        return {}
    categories = "wh.categories" if "categories" in av["wh"] else None
    by_category = results(home, rs.listing_by_category_frame, categories=categories)
    by_seller = results(home, rs.listing_by_seller_frame, limit=25)
    histogram = results(home, rs.listing_histogram_frame)
    reasons = results(home, rs.listing_reasons_frame)
    return {"run": run, "by_category": by_category, "by_seller": by_seller,
            "histogram": histogram, "reasons": reasons}


def listing_summary(home: Home) -> dict:
    """Aggregates of the latest listing run ({} if none)."""
    return _listing_summary(str(home.root), data_version(home))


LISTING_COLUMNS = rs.LISTING_ROW_COLUMNS


@st.cache_data(show_spinner=False, max_entries=32)
def _listing_rows(root: str, version: Version, categories: tuple[str, ...], seller: str,
                  min_score: float, flagged_only: bool, limit: int) -> pd.DataFrame:
    return results(get_home(root), rs.listing_rows_frame, categories=categories, seller=seller,
                   min_score=min_score, flagged_only=flagged_only, limit=limit)


def listing_rows(home: Home, *, categories: tuple[str, ...] = (), seller: str = "",
                 min_score: float = 0.0, flagged_only: bool = False, limit: int = 200) -> pd.DataFrame:
    """Row-level: the worst listings matching the filters (callers audit and check the role)."""
    return _listing_rows(str(home.root), data_version(home), tuple(categories), seller,
                         float(min_score), bool(flagged_only), int(limit))


# ---------------------------------------------------------------- assessment

@st.cache_data(show_spinner=False, max_entries=16)
def _assessment(root: str, version: Version) -> dict:
    home = get_home(root)
    res = _available(root, version)["res"]
    if "assessments" not in res:
        return {}
    latest = _first(results(home, rs.latest_assessment_frame))
    if latest is None:
        return {}
    payload = latest.pop("payload", None)
    try:
        latest["payload"] = json.loads(payload) if isinstance(payload, str) else (payload or {})
    except json.JSONDecodeError:
        latest["payload"] = {}
    domains = pd.DataFrame()
    if "assessment_domains" in res:
        domains = results(home, rs.assessment_domains_frame, latest["assessment_id"])
    history = results(home, rs.assessments_frame, newest_first=False)[
        ["assessment_id", "created_at", "overall_score", "overall_level", "provisional"]]
    return {"latest": latest, "domains": domains, "history": history}


def assessment(home: Home) -> dict:
    """The latest assessment with its parsed payload, its domains and the score history."""
    return _assessment(str(home.root), data_version(home))


# ---------------------------------------------------------------- incidents and freshness

@st.cache_data(show_spinner=False, max_entries=32)
def _incidents(root: str, version: Version, status: str) -> list[dict]:
    from governance import incidents as inc

    return inc.incidents(get_home(root), status)


def incidents(home: Home, status: str = "open") -> list[dict]:
    """Incidents in fix-first order (``open``: open and acknowledged; ``all``)."""
    return _incidents(str(home.root), data_version(home), status)


@st.cache_data(show_spinner=False, max_entries=64)
def _incident(root: str, version: Version, incident_id: str) -> dict | None:
    from governance import incidents as inc

    return inc.get_incident(get_home(root), incident_id)


def incident(home: Home, incident_id: str) -> dict | None:
    """One incident with its events, or None."""
    return _incident(str(home.root), data_version(home), incident_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _check_history(root: str, version: Version, expectation_id: str) -> pd.DataFrame:
    if not {"check_runs", "expectation_results"} <= _available(root, version)["res"]:
        return pd.DataFrame()
    return results(get_home(root), rs.expectation_history_frame, expectation_id)


def check_history(home: Home, expectation_id: str) -> pd.DataFrame:
    """One check per day (last run of the day): success and rows affected."""
    return _check_history(str(home.root), data_version(home), expectation_id)


@st.cache_data(show_spinner=False, max_entries=16)
def _freshness(root: str, version: Version) -> dict:
    from governance.status import warehouse_status

    return warehouse_status(get_home(root))


def freshness(home: Home) -> dict:
    """Per table: rows, newest row, age against its SLA (see :func:`governance.status.warehouse_status`)."""
    return _freshness(str(home.root), data_version(home))


@st.cache_data(show_spinner=False, max_entries=16)
def _daily_rows(root: str, version: Version, table: str, column: str) -> pd.DataFrame:
    return query(get_home(root), f'SELECT "{column}"::DATE AS day, count(*) AS rows FROM wh."{table}" '
                 f'WHERE "{column}" IS NOT NULL GROUP BY 1 ORDER BY 1')


def daily_rows(home: Home, table: str, column: str) -> pd.DataFrame:
    """Rows per day of ``table`` by its date column ``column``."""
    return _daily_rows(str(home.root), data_version(home), table, column)


# ---------------------------------------------------------------- check texts per language

@st.cache_data(show_spinner=False, max_entries=8)
def _check_texts(root: str, stamp: tuple) -> dict[str, dict[str, str]]:
    from governance.check_suites import check_texts as texts
    from governance.errors import ShopgovError

    try:
        return texts(get_home(root))
    except ShopgovError:  # a broken suite file is reported by `shopgov check`, not by the pages
        return {}


def check_texts(home: Home) -> dict[str, dict[str, str]]:
    """``{check id: {"en", "zh"}}`` of the suites in effect (see :func:`governance.check_suites.check_texts`)."""
    from governance.check_suites import suites_folder

    folder = suites_folder(home)
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.yaml"))) if folder.is_dir() else ()
    return _check_texts(str(home.root), (str(folder), stamp))
