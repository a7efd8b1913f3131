"""The DuckDB adapter for GX 1.x: buffered SQLAlchemy dialect, read-only data source, metric overrides."""

from __future__ import annotations

import shutil

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pytest
import sqlalchemy as sa

from governance import gx_duckdb
from governance.data_docs import COUNTS_ONLY


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE t AS SELECT range AS id,
        CASE WHEN range % 10 = 0 THEN NULL ELSE 'name' || (range % 40) END AS name,
        CASE WHEN range % 7 = 0 THEN -1.0 ELSE range * 1.5 END AS price,
        range % 70 AS grp, range // 140 AS flag
        FROM range(200)""")
    con.close()
    return path


def _validate(ds, exps):
    bd = ds.add_table_asset(name="t", table_name="t").add_batch_definition_whole_table("all")
    suite = gx.ExpectationSuite(name="s", expectations=exps)
    return bd.get_batch().validate(suite, result_format=COUNTS_ONLY)


def test_plain_duckdb_engine_loses_results_and_the_adapter_fixes_it(db, tmp_path):
    """Through duckdb_engine GX reads rows after the connection closed: IndexError. Not with ours."""
    copy = tmp_path / "copy.duckdb"  # duckdb_engine opens files with other settings than ours
    shutil.copyfile(db, copy)
    ctx = gx.get_context(mode="ephemeral")
    plain = ctx.data_sources.add_sql(name="plain", connection_string=f"duckdb:///{copy}")
    res = _validate(plain, [gxe.ExpectColumnValuesToNotBeNull(column="name")])
    assert not res.success
    assert "list index out of range" in str(res.results[0].exception_info)

    ctx = gx.get_context(mode="ephemeral")
    ours = ctx.data_sources.add_sql(name="ours", connection_string=gx_duckdb.url_for(db),
                                    kwargs={"connect_args": {"read_only": True}})
    res = _validate(ours, [gxe.ExpectColumnValuesToNotBeNull(column="name")])
    r = res.results[0]
    assert not r.exception_info.get("raised_exception")
    assert (r.success, r.result["unexpected_count"], r.result["element_count"]) == (False, 20, 200)


def test_dialect_is_registered_under_its_own_name_and_buffers_rows(db):
    engine = gx_duckdb.create_engine(db)
    assert isinstance(engine.dialect, gx_duckdb.BufferedDuckDBDialect)
    assert engine.url.drivername == "duckdb+buffered"
    with engine.connect() as conn:
        result = conn.execute(sa.text("SELECT id FROM t ORDER BY id"))
    # the connection is back in the pool; the rows were fetched before it was released
    assert [r[0] for r in result.fetchall()][:3] == [0, 1, 2]


def test_engine_is_read_only_and_shares_the_file_with_other_readers(db):
    reader = duckdb.connect(str(db), read_only=True)  # a plain reader in the same process
    engine = gx_duckdb.create_engine(db)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 200
        with pytest.raises(sa.exc.SQLAlchemyError, match="read-only"):
            conn.execute(sa.text("CREATE TABLE x (a INT)"))
    assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 200
    reader.close()



def test_catalog_is_reflected_once_per_connection_with_stock_results(db):
    """GX reflects the table of every batch: the dialect reads DuckDB's (slow) pg_catalog once per
    connection, and skips the primary-key query that always fails on DuckDB, with SQLAlchemy's answers."""
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE u AS SELECT 1 AS a, 'x' AS b, DATE '2024-01-01' AS d, true AS e")
    con.close()
    engine = gx_duckdb.create_engine(db)
    stock = gx_duckdb.BufferedDuckDBDialect.__mro__[1]  # duckdb_engine's dialect
    statements: list[str] = []

    def log(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", log)
    with engine.connect() as conn:
        got = [(t, engine.dialect.get_columns(conn, t)) for t in ("t", "u", "t")]
        assert engine.dialect.get_pk_constraint(conn, "t") == {"constrained_columns": [], "name": None}
        assert len(statements) <= 2  # columns and enum types of all tables, once
        for t, cols in got:
            assert str(cols) == str(stock.get_columns(engine.dialect, conn, t))
        with pytest.raises(sa.exc.ProgrammingError, match="REGCLASS"):  # why no PK query is sent
            stock.get_pk_constraint(engine.dialect, conn, "t")

def test_shopgov_data_source_uses_single_pass_metrics(db):
    """Uniqueness and SQL rules run one query each on our engine, with the same counts as GX's."""
    exps = lambda: [  # noqa: E731
        gxe.ExpectColumnValuesToBeUnique(column="name", meta={"k": "u"}),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["grp", "flag"], meta={"k": "c"}),
        gxe.UnexpectedRowsExpectation(unexpected_rows_query="SELECT id FROM {batch} WHERE price < 0",
                                      meta={"k": "q"}),
    ]
    statements: list[str] = []

    def log(conn, cursor, statement, *args):
        statements.append(statement)

    counts = {}
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", log)
    try:
        _compare(db, exps, statements, counts)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", log)
    assert counts["ours"] == counts["generic"]
    assert counts["ours"]["q"] == (False, 29)
    assert counts["ours"]["c"] == (False, 140)  # rows 0..139 pair up as (r, r + 70)


def _compare(db, exps, statements, counts):
    for kind in ("generic", "ours"):
        ctx = gx.get_context(mode="ephemeral")
        add = ctx.data_sources.add_sql if kind == "generic" else ctx.data_sources.add_shopgov_duckdb
        ds = add(name=kind, connection_string=gx_duckdb.url_for(db), kwargs={"connect_args": {"read_only": True}})
        statements.clear()
        res = _validate(ds, exps())
        counts[kind] = {r.expectation_config.meta["k"]: (r.success, r.result.get("unexpected_count", r.result.get("observed_value")))
                        for r in res.results}
        data_queries = [s for s in statements if "pg_catalog" not in s]
        if kind == "ours":
            assert type(ds.get_execution_engine()).__name__ == "DuckDBExecutionEngine"
            assert not any("OVER (PARTITION BY" in s for s in data_queries)  # no window scans
            assert sum("price < 0" in s for s in data_queries) == 1  # the SQL rule runs once
        else:
            assert sum("price < 0" in s for s in data_queries) == 2  # GX: count + sample rows


PUBLIC_GX = {"great_expectations", "great_expectations.expectations", "great_expectations.checkpoint",
             "great_expectations.datasource.fluent"}
PRIVATE_NAMES = ("_run_validation_definitions", "_build_result_key", "_build_data_docs", "_get_docs_sites_urls",
                 "_get_max_severity_failure_from_checkpoint_result", "_registered_metrics", "__wrapped__",
                 "PrivateAttr", "RunIdentifier", "ProgressBarsConfig", "get_expectation_impl")


def test_gx_internals_are_used_only_in_gx_private():
    """GX is pinned; the internals an upgrade must re-check all live in governance/gx_private.py."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    gx_import = re.compile(r"^\s*(?:from\s+(great_expectations[\w.]*)\s+import\s+([^\n(]+|\([^)]*\))"
                           r"|import\s+(great_expectations[\w.]*))", re.M)
    offenders = []
    for path in sorted(p for d in ("governance", "assess", "dashboard", "bench") for p in (root / d).rglob("*.py")):
        if path.name == "gx_private.py":
            continue
        text = path.read_text(encoding="utf-8")
        for m in gx_import.finditer(text):
            module = m.group(1) or m.group(3)
            names = re.findall(r"\w+", m.group(2) or "")
            if module not in PUBLIC_GX or any(n.startswith("_") for n in names):
                offenders.append(f"{path.relative_to(root)}: {m.group(0).strip()}")
        offenders += [f"{path.relative_to(root)}: {n}" for n in PRIVATE_NAMES if n in text]
    assert not offenders, "GX internals outside governance/gx_private.py:\n" + "\n".join(offenders)
