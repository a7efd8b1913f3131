"""Differential test: the DuckDB path (our GX data source) against GX's pandas engine.

Every expectation type the suites use runs on both engines over the same data (the
generated sample with its injected defects, and a small frame full of NULLs and edge
cases); success, unexpected and element counts and observed values must be identical.
``unexpected_rows_expectation`` is SQL-only in GX (no pandas implementation), so its
rules are compared with GX's generic SQL engine instead, which also checks that our
single-pass metric overrides return what GX's own implementation returns.

The same data also checks :mod:`governance.rule_sql` (the SQL of a rule's unexpected rows,
used for samples and by the benchmark): the rows its SQL selects, and its count query,
equal GX's ``unexpected_count`` for every expectation type it translates.
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

from governance import gx_duckdb, rule_sql
from governance.catalog import load_catalog
from governance.check_suites import COUNTS_ONLY, load_suites, substitute, to_gx_suite
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


def _rule_sql_counts(con, relation, etype, kwargs):
    """(rows the unexpected-rows SELECT returns, value of the count query) of one rule."""
    rows = None
    sql = rule_sql.unexpected_sql(con, relation, etype, None, kwargs)
    if sql is not None:
        rows = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
    count = rule_sql.count_sql(relation, etype, kwargs)
    return rows, (con.execute(count).fetchone()[0] if count is not None else None)


def _assert_rule_sql_matches_gx(con, relation, etype, kwargs, gx_result, where):
    """The rule's SQL selects (and counts) exactly GX's unexpected rows; table rules count 0/1."""
    success, unexpected = gx_result[0], gx_result[1]
    rows, count = _rule_sql_counts(con, relation, etype, kwargs)
    if etype in rule_sql.TABLE_TYPES:
        assert rows is None and count == (0 if success else 1), where
    else:
        assert rows == unexpected and count == unexpected, (where, rows, count, unexpected)


def test_suites_give_identical_results_on_duckdb_and_pandas(planned):
    home, batches, frames = planned
    used = {r.type for b in batches for r in b.suite.rules} - SQL_ONLY
    covered: set[str] = set()
    failing = 0
    con = connect_read(home.warehouse)
    for b in batches:
        rules = tuple(r for r in b.suite.rules if not r.is_sql)
        if not rules:
            continue
        suite = to_gx_suite(dataclasses.replace(b.suite, rules=rules), b.params)
        got_duck, got_pd = _engines(home.warehouse, b.suite.table, frames[b.suite.table], suite)
        assert got_duck == got_pd, b.suite.name
        covered |= {r.type for r in rules}
        failing += sum(1 for v in got_duck.values() if not v[0])
        for r in rules:  # the rule -> SQL translation counts what GX counts, on the real suites
            kwargs = substitute(r.kwargs, {**b.suite.params, **b.params}, r.id)
            _assert_rule_sql_matches_gx(con, b.table_sql, r.type, kwargs, got_pd[r.id], r.id)
    con.close()
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


ODD = 'my "odd" col'  # a column name that needs quoting (space and double quotes)


def test_rule_sql_selects_exactly_gx_unexpected_rows(tmp_path):
    """Every type governance.rule_sql translates, incl. quoting-hostile names and values."""
    con = duckdb.connect(str(tmp_path / "rules.duckdb"))
    con.execute(f"""CREATE TABLE t AS SELECT
        range AS id,
        CASE WHEN range % 7 = 0 THEN NULL ELSE 'k' || (range % 23) END AS a,
        CASE WHEN range % 11 = 0 THEN NULL ELSE range % 3 END AS b,
        CASE WHEN range % 13 = 0 THEN NULL WHEN range % 5 = 0 THEN -2.5 ELSE range * 1.25 END AS price,
        CASE WHEN range % 17 = 0 THEN NULL ELSE range * 1.2 END AS list_price,
        TIMESTAMP '2024-06-01' + to_hours(range * 7) AS ts,
        CASE WHEN range % 4 = 0 THEN 'short' ELSE 'a considerably longer title' END AS title,
        CASE WHEN range % 6 = 0 THEN NULL WHEN range % 5 = 0 THEN 'O''Brien'
             WHEN range % 3 = 0 THEN 'back\\slash "q"' ELSE 'plain' END AS {rule_sql.quote_ident(ODD)},
        CASE WHEN range % 8 = 0 THEN NULL ELSE range % 4 END AS "two words"
        FROM range(240)""")
    frame = con.execute("SELECT * FROM t").df()
    ts10 = dt.datetime(2024, 6, 3, 22)  # the ts of row 10
    exps = [
        gxe.ExpectColumnValuesToNotBeNull(column=ODD),
        gxe.ExpectColumnValuesToBeNull(column="a"),
        gxe.ExpectColumnValuesToBeUnique(column=ODD),
        gxe.ExpectColumnValuesToBeUnique(column="a"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=[ODD, "two words"]),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["a", "b"], ignore_row_if="any_value_is_missing"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["a", "b"], ignore_row_if="never"),
        gxe.ExpectColumnValuesToBeInSet(column=ODD, value_set=["plain", "O'Brien"]),
        gxe.ExpectColumnValuesToNotBeInSet(column=ODD, value_set=["O'Brien", 'back\\slash "q"']),
        gxe.ExpectColumnValuesToBeBetween(column="price", min_value=0, strict_min=True),
        gxe.ExpectColumnValuesToBeBetween(column="two words", min_value=1, max_value=2, strict_max=True),
        # a bound with microseconds: row 10 is just below it (a truncated literal would keep it)
        gxe.ExpectColumnValuesToBeBetween(column="ts", min_value=ts10 + dt.timedelta(microseconds=1)),
        gxe.ExpectColumnValueLengthsToBeBetween(column="title", min_value=6),
        gxe.ExpectColumnValueLengthsToBeBetween(column=ODD, max_value=5),
        gxe.ExpectColumnValuesToMatchRegex(column=ODD, regex="^[a-z]+$"),
        gxe.ExpectColumnValuesToNotMatchRegex(column=ODD, regex="'B"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="list_price", column_B="price", or_equal=True,
                                                    ignore_row_if="either_value_is_missing"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="list_price", column_B="price"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="list_price", column_B="price",
                                                    ignore_row_if="neither"),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="b", column_B="two words",
                                            ignore_row_if="either_value_is_missing"),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="price", column_B="list_price"),  # (GX pandas: not Int64)
        gxe.ExpectColumnMaxToBeBetween(column="ts", min_value=dt.datetime(2024, 6, 20)),
        gxe.ExpectColumnMaxToBeBetween(column="ts", max_value=dt.datetime(2024, 6, 20)),
        gxe.ExpectTableRowCountToBeBetween(min_value=1, max_value=100),
    ]
    supported = {*rule_sql.ROW_TYPES, *rule_sql.SET_TYPES, *rule_sql.TABLE_TYPES}
    assert {e.expectation_type for e in exps} == supported
    suite = gx.ExpectationSuite(name="rules", expectations=[
        e.copy(update={"meta": {"id": f"e{i}"}}) for i, e in enumerate(exps)])
    pdb = gx.get_context(mode="ephemeral").data_sources.add_pandas("pd")
    bd = pdb.add_dataframe_asset("t").add_batch_definition_whole_dataframe("b")
    got = _summary(bd.get_batch(batch_parameters={"dataframe": frame}).validate(suite, result_format=COUNTS_ONLY))
    for i, e in enumerate(exps):
        kwargs = e.configuration.kwargs
        for relation in ("t", "(SELECT * FROM t)"):
            _assert_rule_sql_matches_gx(con, relation, e.expectation_type, kwargs, got[f"e{i}"], (i, kwargs))
    assert sum(1 for v in got.values() if not v[0]) >= 15
    # the odd column's value set (a single quote) really matters to the count
    assert got["e7"][1] == int(con.execute(f"SELECT count(*) FROM t WHERE {rule_sql.quote_ident(ODD)} LIKE 'back%'").fetchone()[0]) > 0
    # the stored-result fallback: the column name alone (no kwargs) selects the same rows
    assert _rule_sql_counts(con, "t", "expect_column_values_to_not_be_null", {"column": ODD}) == \
        (got["e0"][1], got["e0"][1])
    con.close()


def test_old_bench_translation_breaks_on_names_and_values_rule_sql_handles(tmp_path):
    """bench_checks used to write identifiers as f'"{c}"' and values with repr(): both break."""
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT 'x' AS {rule_sql.quote_ident(ODD)}, DATE '2024-06-03' AS d")
    old_ident = f'"{ODD}"'  # bench's old _q
    with pytest.raises(duckdb.Error):
        con.execute(f"SELECT count(*) FROM t WHERE {old_ident} IS NULL")
    old_value = repr(dt.date(2024, 6, 3))  # bench's old _lit for a date
    with pytest.raises(duckdb.Error):
        con.execute(f"SELECT count(*) FROM t WHERE d NOT IN ({old_value})")
    assert con.execute(rule_sql.count_sql("t", "expect_column_values_to_not_be_null", {"column": ODD})).fetchone() == (0,)
    kw = {"column": "d", "value_set": [dt.date(2024, 6, 3)]}
    assert con.execute(rule_sql.count_sql("t", "expect_column_values_to_be_in_set", kw)).fetchone() == (0,)
    assert con.execute(rule_sql.count_sql("t", "expect_column_values_to_not_be_in_set", kw)).fetchone() == (1,)
    con.close()
