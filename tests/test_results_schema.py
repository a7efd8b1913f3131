"""governance.results_schema: one owner of results.duckdb's tables, versions and readers."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from governance import results_schema as rs
from governance.paths import get_home
from governance.warehouse import atomic_write, connect_read

# The frozen layout before schema versioning (version 1), exactly as the writers created it.
LEGACY_V1_DDL = [
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
    """CREATE TABLE IF NOT EXISTS assessments (
        assessment_id VARCHAR, created_at TIMESTAMP, standard VARCHAR, config_sha256 VARCHAR,
        overall_score DOUBLE, overall_level INTEGER, provisional BOOLEAN, payload JSON)""",
    """CREATE TABLE IF NOT EXISTS assessment_domains (
        assessment_id VARCHAR, domain_id VARCHAR, name_en VARCHAR, name_zh VARCHAR,
        score DOUBLE, level INTEGER, target_level INTEGER, provisional BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS listing_runs (
        run_id VARCHAR, model_version VARCHAR, scored_at TIMESTAMP, n_scored BIGINT, n_flagged BIGINT,
        threshold DOUBLE, seconds DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS listing_scores (
        run_id VARCHAR, product_id VARCHAR, seller_id VARCHAR, sku VARCHAR, category_id VARCHAR,
        title VARCHAR, model_version VARCHAR, low_quality_score DOUBLE, clarity_score DOUBLE,
        conciseness_score DOUBLE, flagged BOOLEAN, reasons JSON, top_tokens JSON, scored_at TIMESTAMP)""",
]
T0 = datetime(2026, 2, 1, 2, 0)


@pytest.fixture
def home(tmp_path):
    h = get_home(tmp_path / "home")
    h.ensure()
    return h


def _layout(path) -> dict[str, list[tuple[str, str]]]:
    con = connect_read(path)
    try:
        rows = con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns()"
                           " WHERE database_name = current_database() ORDER BY table_name, column_index").fetchall()
    finally:
        con.close()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        out.setdefault(table, []).append((column, kind))
    return out


def _version_rows(path) -> list[tuple]:
    con = connect_read(path)
    try:
        return con.execute("SELECT version, description FROM schema_version ORDER BY version").fetchall()
    finally:
        con.close()


def test_fresh_file_gets_every_table_and_the_current_version(home):
    with atomic_write(home, home.results) as con:
        assert rs.ensure_schema(con) == rs.SCHEMA_VERSION
    layout = _layout(home.results)
    assert set(layout) == set(rs.TABLES) | {"schema_version"}
    for table in rs.TABLES:
        assert [c for c, _ in layout[table]] == rs.columns(table)
    assert _version_rows(home.results) == [(rs.SCHEMA_VERSION, "created")]
    con = connect_read(home.results)
    try:
        assert rs.schema_version(con) == rs.SCHEMA_VERSION
    finally:
        con.close()


def test_legacy_file_upgrades_in_place_keeping_rows(home):
    with atomic_write(home, home.results) as con:
        for statement in LEGACY_V1_DDL[:3]:  # an old file that only ever stored check runs
            con.execute(statement)
        con.execute("INSERT INTO check_runs VALUES ('old-run', ?, ?, NULL, 'passed', 3, 0, 'products', "
                    "'1.0', 'abc', NULL)", [T0, T0])
        con.execute("INSERT INTO quality_scores VALUES ('old-run', '*', '*', 3, 3, 1.0, 0.99)")
    con = connect_read(home.results)
    try:
        assert rs.schema_version(con) == 1
    finally:
        con.close()

    with atomic_write(home, home.results) as con:
        con.execute("BEGIN")  # as the writers do: ensure_schema inside their transaction
        assert rs.ensure_schema(con) == rs.SCHEMA_VERSION
        con.execute("COMMIT")

    assert _version_rows(home.results)[0] == (1, "layout before schema versioning")
    assert max(v for v, _ in _version_rows(home.results)) == rs.SCHEMA_VERSION
    assert [r["run_id"] for r in rs.latest_runs(home)] == ["old-run"]
    assert [(p.run_id, p.row_weighted_pass_rate) for p in rs.score_history(home)] == [("old-run", 0.99)]


def test_upgraded_legacy_file_has_the_same_layout_as_a_fresh_one(home, tmp_path):
    fresh = get_home(tmp_path / "fresh")
    fresh.ensure()
    with atomic_write(fresh, fresh.results) as con:
        rs.ensure_schema(con)
    with atomic_write(home, home.results) as con:
        for statement in LEGACY_V1_DDL:
            con.execute(statement)
        rs.ensure_schema(con)
    assert set(rs.MIGRATIONS) == set(range(2, rs.SCHEMA_VERSION + 1))
    upgraded, created = _layout(home.results), _layout(fresh.results)
    upgraded.pop("schema_version")
    created.pop("schema_version")
    # columns may be appended by a migration, so compare names and types, not positions
    assert {t: sorted(c) for t, c in upgraded.items()} == {t: sorted(c) for t, c in created.items()}


def test_ensure_schema_twice_is_a_no_op(home):
    with atomic_write(home, home.results) as con:
        rs.ensure_schema(con)
        con.execute(rs.insert_sql("listing_runs"), ["lr-1", "m1", T0, 10, 2, 0.5, 1.0])
    before = (_layout(home.results), _version_rows(home.results))
    with atomic_write(home, home.results) as con:
        con.execute("BEGIN")
        assert rs.ensure_schema(con) == rs.SCHEMA_VERSION
        assert rs.ensure_schema(con) == rs.SCHEMA_VERSION
        con.execute("COMMIT")
    assert (_layout(home.results), _version_rows(home.results)) == before
    assert rs.latest_listing_run(home)["run_id"] == "lr-1"


def test_producer_tables_are_created_only_on_demand(home):
    """An empty pii_findings would read as 'no open findings', so ensure_schema leaves it out."""
    with atomic_write(home, home.results) as con:
        rs.ensure_schema(con)
    assert not {"pii_findings", "anomaly_runs"} & set(_layout(home.results))
    with atomic_write(home, home.results) as con:
        rs.ensure_table(con, "pii_findings")
        rs.ensure_table(con, "anomaly_runs")
    layout = _layout(home.results)
    assert [c for c, _ in layout["pii_findings"]][:3] == ["finding_id", "severity", "status"]
    assert {"scored_at", "n_events", "n_anomalous"} <= {c for c, _ in layout["anomaly_runs"]}


def test_newer_file_and_unknown_table_are_refused(home):
    with atomic_write(home, home.results) as con:
        rs.ensure_schema(con)
        con.execute("INSERT INTO schema_version VALUES (?, now()::TIMESTAMP, 'from the future')",
                    [rs.SCHEMA_VERSION + 1])
    before = home.results.read_bytes()
    with pytest.raises(rs.SchemaError, match=f"schema version {rs.SCHEMA_VERSION + 1}"), \
            atomic_write(home, home.results) as con:
        rs.ensure_schema(con)
    assert home.results.read_bytes() == before
    with pytest.raises(rs.SchemaError, match="unknown results table 'nope'"):
        rs.ensure_table(duckdb.connect(), "nope")


def test_readers_on_a_missing_file_or_table_return_empty(home):
    assert not home.results.exists()
    assert rs.latest_runs(home) == []
    assert rs.run_results(home, "r1") == []
    assert rs.score_history(home) == []
    assert rs.volume_history(home, "events.volume", True, 5) == []
    assert rs.latest_listing_run(home) is None
    assert rs.listing_scores(home) == []
    assert rs.list_assessments(home) == []
    assert rs.load_assessment(home) is None
    assert rs.domain_history(home) == []
    assert rs.site_bundles(home) == [] and rs.latest_site_bundles(home) == [] and rs.latest_site_domains(home) == []
    with atomic_write(home, home.results) as con:  # a file with none of the results tables
        con.execute("CREATE TABLE other(x INTEGER)")
    assert rs.latest_runs(home) == [] and rs.load_assessment(home) is None and rs.score_history(home) == []


def test_readers_return_what_the_writers_stored(home):
    with atomic_write(home, home.results) as con:
        rs.ensure_schema(con)
        for i in range(3):
            run = f"run-{i}"
            started = T0.replace(day=1 + i)
            con.execute(rs.insert_sql("check_runs"),
                        [run, started, started, started.date(), "failed", 2, 1, "products", "1.0", "c", None])
            con.executemany(rs.insert_sql("expectation_results"), [
                [run, "products", "quality", "products", "title", "products.title.not_null", "expect_x",
                 "completeness", "high", False, 5 + i, 100 + i, 5.0, None, "d"],
                [run, "events", "quality", "events", None, "events.volume", "expect_y",
                 "timeliness", "medium", True, 0, 1000 + i, 0.0, None, "d"],
            ])
            con.execute(rs.insert_sql("quality_scores"), [run, "*", "*", 2, 1, 0.5, 0.9 + i / 100])
        con.execute(rs.insert_sql("listing_scores"), [
            "lr", "p1", "s1", "k1", "c1", "Title", "m", 0.9, 0.1, 0.2, True,
            '[{"code": "X", "message": "m"}]', "[]", T0, "h1", "en"])
    assert [r["run_id"] for r in rs.latest_runs(home, limit=2)] == ["run-2", "run-1"]
    assert [p.run_id for p in rs.score_history(home)] == ["run-0", "run-1", "run-2"]
    failed = rs.run_results(home, "run-1", failed_only=True)
    assert [r["expectation_id"] for r in failed] == ["products.title.not_null"]
    assert [r["expectation_id"] for r in rs.run_results(home, "run-1", limit=1)] == ["events.volume"]
    assert rs.volume_history(home, "events.volume", True, 2) == [1002, 1001]
    assert rs.volume_history(home, "events.volume", False, 2) == []
    assert rs.listing_scores(home, flagged_only=True)[0]["reasons"] == [{"code": "X", "message": "m"}]
    con = connect_read(home.results)
    try:
        assert rs.run_count(con) == 3
        assert list(rs.overall_trend_frame(con, limit=2)["run_id"]) == ["run-1", "run-2"]
        assert rs.severity_frame(con, "run-2").to_dict("records") == [
            {"severity": "high", "failed": 1, "unexpected": 7}]
    finally:
        con.close()


def test_site_readers_return_the_newest_bundle_of_each_site(home):
    with atomic_write(home, home.results) as con:
        rs.ensure_schema(con)
        for site, seq, level in (("a", 1, 3), ("a", 2, 2), ("b", 7, 3)):
            con.execute(rs.insert_sql("site_bundles"), [site, seq, f"n{seq}", "k", T0, T0, "sha", "cfg", False, None,
                                                        "run", "failed", "as", level, 3.0, '{"x": 1}'])
            con.execute(rs.insert_sql("site_domains"), [site, seq, "quality", "Q", "质", 3.0, level, 3, False])
    assert [(b["site_id"], b["sequence"]) for b in rs.site_bundles(home)] == [("a", 2), ("a", 1), ("b", 7)]
    assert "payload" not in rs.site_bundles(home, "b")[0]
    latest = rs.latest_site_bundles(home)
    assert [(b["site_id"], b["sequence"], b["payload"]) for b in latest] == [("a", 2, {"x": 1}), ("b", 7, {"x": 1})]
    assert [(d["site_id"], d["level"]) for d in rs.latest_site_domains(home)] == [("a", 2), ("b", 3)]


def test_old_module_names_still_import():
    from assess.maturity import store
    from governance import check_store

    assert check_store.latest_runs is rs.latest_runs and check_store.volume_history is rs.volume_history
    assert store.load_assessment is rs.load_assessment and store.domain_history is rs.domain_history
    assert store.list_assessments is rs.list_assessments


def test_version_1_file_gets_the_incident_tables(home):
    with atomic_write(home, home.results) as con:
        for statement in LEGACY_V1_DDL:
            con.execute(statement)
        con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP, description VARCHAR)")
        con.execute("INSERT INTO schema_version VALUES (1, now()::TIMESTAMP, 'v1')")
    assert rs.list_incidents(home) == []  # readers tolerate the missing table
    with atomic_write(home, home.results) as con:
        assert rs.ensure_schema(con) == rs.SCHEMA_VERSION >= 2
    layout = _layout(home.results)
    assert {"incidents", "incident_events"} <= set(layout)
    assert [v for v, _ in _version_rows(home.results)] == list(range(1, rs.SCHEMA_VERSION + 1))
