"""Differential test: the DuckDB path (our GX data source) against GX's pandas engine.

Every expectation type the suites use runs on both engines over the same data (the
generated sample with its injected defects, and a small frame full of NULLs and edge
cases); success, unexpected and element counts and observed values must be identical.
``unexpected_rows_expectation`` is SQL-only in GX (no pandas implementation), so its
rules are compared with GX's generic SQL engine instead, which also checks that our
single-pass metric overrides return what GX's own implementation returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import duckdb
import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import pytest
from check_fixtures import AS_OF, sample_root

from governance import gx_duckdb
from governance.catalog import load_catalog
from governance.check_suites import COUNTS_ONLY, load_suites, to_gx_suite
from governance.checks import materialize_families, parse_as_of, plan_batches
from governance.paths import get_home
from governance.warehouse import connect_read

SQL_ONLY = {"unexpected_rows_expectation"}


def _norm(v):
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None).isoformat()
    if isinstance(v, float):
        return None if math.isnan(v) else round(v, 9)
    if hasattr(v, "item"):  # numpy scalars
        return _norm(v.item())
    return v


def _summary(res):
    out = {}
    for r in res.results:
        info = r.exception_info or {}
        assert not info.get("raised_exception"), (r.expectation_config.type, info)
        result = r.result or {}
        out[r.expectation_config.meta["id"]] = (
            r.success, result.get("unexpected_count"), result.get("element_count"),
            result.get("missing_count"), _norm(result.get("observed_value")),
        )
    return out


def _engines(path, table, frame, suite):
    ctx = gx.get_context(mode="ephemeral")
    ds = ctx.data_sources.add_shopgov_duckdb(name="duck", connection_string=gx_duckdb.url_for(path),
                                             kwargs={"connect_args": {"read_only": True}})
    duck = ds.add_table_asset(name=table, table_name=table).add_batch_definition_whole_table("b")
    pdb = ctx.data_sources.add_pandas("pd").add_dataframe_asset(table).add_batch_definition_whole_dataframe("b")
    try:
        got_duck = _summary(duck.get_batch().validate(suite, result_format=COUNTS_ONLY))
    finally:
        ds.get_execution_engine().engine.dispose()
    got_pd = _summary(pdb.get_batch(batch_parameters={"dataframe": frame}).validate(suite, result_format=COUNTS_ONLY))
    return got_duck, got_pd


@pytest.fixture(scope="module")
def planned():
    home = get_home(sample_root("dirty") / "home")
    con = connect_read(home.warehouse)
    try:
        batches, _ = plan_batches(home, con, load_suites(), load_catalog(), "all", parse_as_of(AS_OF))
        frames = {t: con.execute(f'SELECT * FROM "{t}"').df() for t in {b.suite.table for b in batches}}
    finally:
        con.close()
    return home, batches, frames


def test_suites_give_identical_results_on_duckdb_and_pandas(planned):
    home, batches, frames = planned
    used = {r.type for b in batches for r in b.suite.rules} - SQL_ONLY
    covered: set[str] = set()
    failing = 0
    for b in batches:
        rules = tuple(r for r in b.suite.rules if not r.is_sql)
        if not rules:
            continue
        suite = to_gx_suite(dataclasses.replace(b.suite, rules=rules), b.params)
        got_duck, got_pd = _engines(home.warehouse, b.suite.table, frames[b.suite.table], suite)
        assert got_duck == got_pd, b.suite.name
        covered |= {r.type for r in rules}
        failing += sum(1 for v in got_duck.values() if not v[0])
    assert covered == used
    assert failing >= 8  # the comparison includes real violations, not only passing checks


def test_every_expectation_type_agrees_on_nulls_and_edge_cases(tmp_path, planned):
    _, batches, _ = planned
    path = tmp_path / "edge.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE t AS SELECT
        range AS id,
        CASE WHEN range % 7 = 0 THEN NULL ELSE 'k' || (range % 23) END AS a,
        CASE WHEN range % 11 = 0 THEN NULL ELSE range % 3 END AS b,
        CASE WHEN range % 13 = 0 THEN NULL WHEN range % 5 = 0 THEN -2.5 ELSE range * 1.25 END AS price,
        CASE WHEN range % 17 = 0 THEN NULL ELSE range * 1.2 END AS list_price,
        CASE WHEN range % 9 = 0 THEN 'bogus' WHEN range % 19 = 0 THEN NULL ELSE 'active' END AS status,
        TIMESTAMP '2024-06-01' + to_hours(range * 7) AS ts,
        CASE WHEN range % 4 = 0 THEN 'short' ELSE 'a considerably longer title' END AS title
        FROM range(240)""")
    frame = con.execute("SELECT * FROM t").df()
    con.close()
    cut = dt.datetime(2024, 6, 20)
    exps = {
        "expect_column_values_to_not_be_null": gxe.ExpectColumnValuesToNotBeNull(column="a"),
        "expect_column_values_to_be_unique": gxe.ExpectColumnValuesToBeUnique(column="a"),
        "expect_compound_columns_to_be_unique": gxe.ExpectCompoundColumnsToBeUnique(column_list=["a", "b"]),
        "expect_column_values_to_be_in_set": gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["active"]),
        "expect_column_values_to_be_between": gxe.ExpectColumnValuesToBeBetween(column="price", min_value=0, strict_min=True),
        "expect_column_value_lengths_to_be_between": gxe.ExpectColumnValueLengthsToBeBetween(column="title", min_value=6),
        "expect_column_pair_values_a_to_be_greater_than_b": gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="list_price", column_B="price", or_equal=True, ignore_row_if="either_value_is_missing"),
        "expect_column_max_to_be_between": gxe.ExpectColumnMaxToBeBetween(column="ts", min_value=cut),
        "expect_table_row_count_to_be_between": gxe.ExpectTableRowCountToBeBetween(min_value=1, max_value=100),
    }
    extra = [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["a", "b"], ignore_row_if="any_value_is_missing"),
        gxe.ExpectColumnValuesToBeBetween(column="ts", min_value=cut, max_value=dt.datetime(2024, 7, 1)),
    ]
    used = {r.type for b in batches for r in b.suite.rules} - SQL_ONLY
    assert used <= set(exps), f"add edge cases for {used - set(exps)}"
    suite = gx.ExpectationSuite(name="edge", expectations=[
        e.copy(update={"meta": {"id": f"e{i}"}}) for i, e in enumerate([*exps.values(), *extra])])
    got_duck, got_pd = _engines(path, "t", frame, suite)
    assert got_duck == got_pd
    assert sum(1 for v in got_duck.values() if not v[0]) >= 8


def test_sql_rules_match_gx_generic_sql_engine(planned):
    """Our engine (one query per SQL rule, no sample rows) counts exactly what GX's own does."""
    home, batches, _ = planned
    got = {}
    for kind in ("generic", "ours"):
        ctx = gx.get_context(mode="ephemeral")
        add = ctx.data_sources.add_sql if kind == "generic" else ctx.data_sources.add_shopgov_duckdb
        ds = add(name=kind, connection_string=gx_duckdb.url_for(home.warehouse),
                 kwargs={"connect_args": {"read_only": True}})
        for b in batches:
            materialize_families(ds.get_execution_engine().engine, b)
            rules = tuple(r for r in b.suite.rules if r.is_sql)
            if not rules:
                continue
            bd = ds.add_table_asset(name=b.suite.name, table_name=b.suite.table).add_batch_definition_whole_table("b")
            suite = to_gx_suite(dataclasses.replace(b.suite, rules=rules), b.params)
            for r in bd.get_batch().validate(suite, result_format=COUNTS_ONLY).results:
                assert not (r.exception_info or {}).get("raised_exception"), r.exception_info
                got[(kind, r.expectation_config.meta["id"])] = (r.success, r.result["observed_value"])
        ds.get_execution_engine().engine.dispose()
    ours = {k[1]: v for k, v in got.items() if k[0] == "ours"}
    generic = {k[1]: v for k, v in got.items() if k[0] == "generic"}
    assert ours == generic
    assert len(ours) == sum(1 for b in batches for r in b.suite.rules if r.is_sql)
    assert sum(1 for s, _ in ours.values() if not s) >= 10
