"""All data access of the dashboard pages: read-only, cached, never blocking a writer.

Pages read through one :class:`governance.warehouse.Reader` per home (warehouse attached
as ``wh``, results as ``res``, both READ_ONLY). Every query result is cached with
``st.cache_data`` keyed on the files' identities (``Reader.version``), so a rerun never
rescans anything and a nightly job that swaps in a new file invalidates the cache at once.
The overview reads only the small pre-aggregated results tables (check_runs,
quality_scores, expectation_results of one run, assessments, assessment_domains,
listing_runs), never raw events.

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


def _one(home: Home, sql: str, params: list | None = None) -> dict | None:
    df = query(home, sql, params)
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
        out["n_runs"] = int(query(home, "SELECT count(*) AS n FROM res.check_runs")["n"].iloc[0])
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
        out["latest_run"] = _one(home, "SELECT * FROM res.check_runs ORDER BY started_at DESC LIMIT 1")
    if out["latest_run"] and "quality_scores" in res:
        out["trend"] = query(home, """
            SELECT r.run_id, r.started_at, r.partition_date, q.pass_share, q.row_weighted_pass_rate
            FROM res.quality_scores q JOIN res.check_runs r USING (run_id)
            WHERE q.table_name = '*' AND q.dimension = '*'
            ORDER BY r.started_at DESC LIMIT 120""").sort_values("started_at")
    if out["latest_run"] and "expectation_results" in res:
        out["severity"] = query(home, """
            SELECT severity, count(*) AS failed, sum(coalesce(unexpected_count, 0)) AS unexpected
            FROM res.expectation_results
            WHERE run_id = ? AND NOT coalesce(success, false)
            GROUP BY severity""", [out["latest_run"]["run_id"]])
    if "assessments" in res:
        rows = query(home, """
            SELECT assessment_id, created_at, standard, overall_score, overall_level, provisional
            FROM res.assessments ORDER BY created_at DESC LIMIT 2""")
        recs = [{k: (None if _isna(v) else v) for k, v in r.items()} for r in rows.to_dict("records")]
        out["assessment"] = recs[0] if recs else None
        out["previous"] = recs[1] if len(recs) > 1 else None
    if out["assessment"] and "assessment_domains" in res:
        cur = query(home, "SELECT * FROM res.assessment_domains WHERE assessment_id = ? ORDER BY domain_id",
                    [out["assessment"]["assessment_id"]])
        if out["previous"]:
            prev = query(home, """SELECT domain_id, score AS previous_score, level AS previous_level
                                  FROM res.assessment_domains WHERE assessment_id = ?""",
                         [out["previous"]["assessment_id"]])
            cur = cur.merge(prev, on="domain_id", how="left")
        out["domains"] = cur
    if "listing_runs" in res:
        out["listing_run"] = _one(home, "SELECT * FROM res.listing_runs ORDER BY scored_at DESC LIMIT 1")
    return out


def overview(home: Home) -> dict:
    """Everything the overview shows, from pre-aggregated results tables only."""
    return _overview(str(home.root), data_version(home))


# ---------------------------------------------------------------- data quality

@st.cache_data(show_spinner=False, max_entries=32)
def _runs(root: str, version: Version) -> pd.DataFrame:
    if "check_runs" not in _available(root, version)["res"]:
        return pd.DataFrame()
    return query(get_home(root), """
        SELECT run_id, started_at, finished_at, partition_date, status, n_expectations, n_failed,
               data_docs_path
        FROM res.check_runs ORDER BY started_at DESC LIMIT 500""")


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
        out["scores"] = query(home, "SELECT * FROM res.quality_scores WHERE run_id = ?", [run_id])
        out["table_trend"] = query(home, """
            SELECT r.started_at, r.run_id, q.table_name, q.pass_share, q.row_weighted_pass_rate
            FROM res.quality_scores q JOIN res.check_runs r USING (run_id)
            WHERE q.dimension = '*' AND q.table_name <> '*'
              AND r.started_at >= (SELECT min(started_at) FROM
                   (SELECT started_at FROM res.check_runs ORDER BY started_at DESC LIMIT 60))
            ORDER BY r.started_at""")
    if "expectation_results" in res:
        out["failing"] = query(home, """
            SELECT suite, kind, table_name, column_name, expectation_id, expectation_type, dimension,
                   severity, success, unexpected_count, element_count, unexpected_percent, description
            FROM res.expectation_results
            WHERE run_id = ? AND NOT coalesce(success, false)
            ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2
                     WHEN 'low' THEN 3 ELSE 4 END, unexpected_count DESC NULLS LAST""", [run_id])
        out["summary"] = query(home, """
            SELECT kind, count(*) AS total, count(*) FILTER (WHERE success) AS passed
            FROM res.expectation_results WHERE run_id = ? GROUP BY kind ORDER BY kind""", [run_id])
    return out


def quality(home: Home, run_id: str) -> dict:
    """Scores (table × dimension), per-table trend and failing checks of one run."""
    return _quality(str(home.root), data_version(home), run_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _expectation(root: str, version: Version, run_id: str, expectation_id: str) -> dict | None:
    return _one(get_home(root), """
        SELECT * FROM res.expectation_results WHERE run_id = ? AND expectation_id = ? LIMIT 1""",
        [run_id, expectation_id])


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
        meta = query(home, """
            SELECT table_name, column_name, expectation_id, expectation_type, severity, success,
                   unexpected_count, description
            FROM res.expectation_results
            WHERE kind = 'metadata'
              AND run_id = (SELECT run_id FROM res.check_runs ORDER BY started_at DESC LIMIT 1)
            ORDER BY success, table_name""")
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
    run = _one(home, "SELECT * FROM res.listing_runs ORDER BY scored_at DESC LIMIT 1")
    if run is None:
        return {}
    cat_join = ("LEFT JOIN wh.categories c ON c.category_id = s.category_id"
                if "categories" in av["wh"] else "")
    names = "any_value(c.name) AS category_name, any_value(c.name_zh) AS category_name_zh" if cat_join \
        else "NULL AS category_name, NULL AS category_name_zh"
    by_category = query(home, f"""
        SELECT s.category_id, {names}, count(*) AS listings,
               count(*) FILTER (WHERE s.flagged) AS flagged,
               avg(s.low_quality_score) AS mean_score,
               min(s.low_quality_score) AS min_score, max(s.low_quality_score) AS max_score,
               quantile_cont(s.low_quality_score, 0.25) AS q1,
               quantile_cont(s.low_quality_score, 0.5) AS median,
               quantile_cont(s.low_quality_score, 0.75) AS q3,
               quantile_cont(s.low_quality_score, 0.05) AS p05,
               quantile_cont(s.low_quality_score, 0.95) AS p95
        FROM res.listing_scores s {cat_join}
        GROUP BY s.category_id ORDER BY flagged DESC, listings DESC""")
    by_seller = query(home, """
        SELECT seller_id, count(*) AS listings, count(*) FILTER (WHERE flagged) AS flagged,
               avg(low_quality_score) AS mean_score,
               count(*) FILTER (WHERE flagged) / count(*) AS flagged_share
        FROM res.listing_scores GROUP BY seller_id
        ORDER BY flagged DESC, mean_score DESC LIMIT 25""")
    histogram = query(home, """
        SELECT least(floor(low_quality_score * 20), 19) / 20 AS bin, flagged, count(*) AS listings
        FROM res.listing_scores GROUP BY ALL ORDER BY bin""")
    reasons = query(home, """
        SELECT r.code, count(*) AS listings FROM (
            SELECT unnest(from_json(reasons, '[{"code":"VARCHAR","message":"VARCHAR"}]')) AS r
            FROM res.listing_scores WHERE flagged) GROUP BY r.code ORDER BY listings DESC""")
    return {"run": run, "by_category": by_category, "by_seller": by_seller,
            "histogram": histogram, "reasons": reasons}


def listing_summary(home: Home) -> dict:
    """Aggregates of the latest listing run ({} if none)."""
    return _listing_summary(str(home.root), data_version(home))


LISTING_COLUMNS = ["product_id", "seller_id", "sku", "category_id", "title", "low_quality_score",
                   "clarity_score", "conciseness_score", "flagged", "reasons", "top_tokens"]


@st.cache_data(show_spinner=False, max_entries=32)
def _listing_rows(root: str, version: Version, categories: tuple[str, ...], seller: str,
                  min_score: float, flagged_only: bool, limit: int) -> pd.DataFrame:
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
    df = query(get_home(root), f"""
        SELECT {', '.join(LISTING_COLUMNS)} FROM res.listing_scores
        WHERE {' AND '.join(where)}
        ORDER BY low_quality_score DESC, product_id LIMIT ?""", params)
    for col in ("reasons", "top_tokens"):
        df[col] = df[col].map(lambda v: json.loads(v) if isinstance(v, str) and v else [])
    return df


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
    latest = _one(home, "SELECT * FROM res.assessments ORDER BY created_at DESC LIMIT 1")
    if latest is None:
        return {}
    payload = latest.pop("payload", None)
    try:
        latest["payload"] = json.loads(payload) if isinstance(payload, str) else (payload or {})
    except json.JSONDecodeError:
        latest["payload"] = {}
    domains = pd.DataFrame()
    if "assessment_domains" in res:
        domains = query(home, "SELECT * FROM res.assessment_domains WHERE assessment_id = ? ORDER BY domain_id",
                        [latest["assessment_id"]])
    history = query(home, """SELECT assessment_id, created_at, overall_score, overall_level, provisional
                             FROM res.assessments ORDER BY created_at""")
    return {"latest": latest, "domains": domains, "history": history}


def assessment(home: Home) -> dict:
    """The latest assessment with its parsed payload, its domains and the score history."""
    return _assessment(str(home.root), data_version(home))
