"""Masked sample rows for a failing check (row-level: callers check ``view_rows`` and audit).

A failing expectation is turned back into the SQL of its unexpected rows. The suite rule
is looked up by its stable ``expectation_id`` and rebuilt the way the check run built it
(``governance.check_suites`` / ``governance.checks``: same batch - the run's daily
partition for partitioned suites - and the same ``${params}``, with the run's start as its
reference time). SQL rules run as written; GX column rules become the equivalent
predicate. If the rule cannot be found (an older suite), the expectation type and column
of the stored result are used on the whole table. Rows are read from a read-only
connection (never blocking a writer) and masked with
:func:`governance.privacy.mask_frame` before they leave this module.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from governance.errors import ShopgovError
from governance.mapping import sql_literal
from governance.paths import Home
from governance.warehouse import connect_read

SAMPLE_LIMIT = 20


@dataclass(frozen=True)
class RuleSQL:
    relation: str  # the batch: a table name or a parenthesised query
    type: str
    column: str | None
    kwargs: dict[str, Any]


def _q(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _between(expr: str, kw: dict) -> str | None:
    lo, hi = kw.get("min_value"), kw.get("max_value")
    if lo is None and hi is None:
        return None
    bad = []
    if lo is not None:
        bad.append(f"{expr} {'<=' if kw.get('strict_min') else '<'} {sql_literal(lo)}")
    if hi is not None:
        bad.append(f"{expr} {'>=' if kw.get('strict_max') else '>'} {sql_literal(hi)}")
    return " OR ".join(bad)


def unexpected_predicate(relation: str, expectation_type: str, column: str | None,
                         kwargs: dict | None = None) -> str | None:
    """SQL WHERE clause selecting the rows a GX column expectation calls unexpected (None if unknown).

    Like GX, value expectations ignore NULLs (only the null checks look at them).
    """
    kw = kwargs or {}
    etype = expectation_type
    if etype == "expect_compound_columns_to_be_unique" and kw.get("column_list"):
        cols = ", ".join(_q(c) for c in kw["column_list"])
        return f"({cols}) IN (SELECT ({cols}) FROM {relation} _d GROUP BY ALL HAVING count(*) > 1)"
    if etype.startswith("expect_column_pair_values") and kw.get("column_A") and kw.get("column_B"):
        a, b = _q(kw["column_A"]), _q(kw["column_B"])
        both = f"{a} IS NOT NULL AND {b} IS NOT NULL"
        if etype == "expect_column_pair_values_a_to_be_greater_than_b":
            return f"{both} AND NOT ({a} {'>=' if kw.get('or_equal') else '>'} {b})"
        if etype == "expect_column_pair_values_to_be_equal":
            return f"{both} AND {a} <> {b}"
        return None
    column = kw.get("column") or column
    if not column or "," in column:
        return None
    col = _q(column)
    not_null = f"{col} IS NOT NULL"
    if etype == "expect_column_values_to_not_be_null":
        return f"{col} IS NULL"
    if etype == "expect_column_values_to_be_null":
        return not_null
    if etype == "expect_column_values_to_be_unique":
        return f"{col} IN (SELECT {col} FROM {relation} _d GROUP BY {col} HAVING count(*) > 1)"
    if etype == "expect_column_values_to_be_between":
        clause = _between(col, kw)
        return f"{not_null} AND ({clause})" if clause else None
    if etype == "expect_column_value_lengths_to_be_between":
        clause = _between(f"length({col})", kw)
        return f"{not_null} AND ({clause})" if clause else None
    if etype in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        values = kw.get("value_set")
        if not values:
            return None
        members = f"{col} IN ({', '.join(sql_literal(v) for v in values)})"
        if etype == "expect_column_values_to_be_in_set":
            return f"{not_null} AND NOT ({members})"
        return f"{not_null} AND {members}"
    if etype in ("expect_column_values_to_match_regex", "expect_column_values_to_not_match_regex"):
        regex = kw.get("regex")
        if not regex:
            return None
        match = f"regexp_matches({col}, {sql_literal(regex)})"
        if etype == "expect_column_values_to_match_regex":
            return f"{not_null} AND NOT {match}"
        return f"{not_null} AND {match}"
    return None


def _columns(con: Any, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"SELECT * FROM {relation} _c LIMIT 0").description]


def unexpected_sql(con: Any, relation: str, expectation_type: str, column: str | None,
                   kwargs: dict | None = None) -> str | None:
    """A SELECT of the full unexpected rows of ``relation`` (None if the rule has no row-level form).

    For SQL rules (``unexpected_rows_query`` over ``{batch}``) the rows the query returns
    are matched back to the batch on the columns it selects, so the sample shows whole rows.
    """
    kw = kwargs or {}
    if kw.get("unexpected_rows_query"):
        query = str(kw["unexpected_rows_query"]).replace("{batch}", relation)
        query = query.replace("{{", "{").replace("}}", "}")  # GX formats the query with str.format
        batch_cols = set(_columns(con, relation))
        shared = [c for c in _columns(con, f"({query})") if c in batch_cols]
        if not shared:
            return None
        match = " AND ".join(f"b.{_q(c)} IS NOT DISTINCT FROM u.{_q(c)}" for c in shared)
        return f"SELECT b.* FROM {relation} b WHERE EXISTS (SELECT 1 FROM ({query}) u WHERE {match})"
    where = unexpected_predicate(relation, expectation_type, column, kw)
    if where is None:
        return None
    col = kw.get("column") or column
    order = _q(col) if col and "," not in str(col) else "1"
    return f"SELECT * FROM {relation} WHERE {where} ORDER BY {order}"


def suite_rule(con: Any, home: Home, expectation: dict, run: dict | None) -> RuleSQL | None:
    """The batch and concrete arguments of the suite rule behind a stored result (None if unknown)."""
    try:
        from governance.catalog import load_catalog
        from governance.check_suites import load_suites, substitute
        from governance.checks import parse_as_of, plan_batches
    except ImportError:
        return None
    try:
        suite = next((s for s in load_suites() if s.name == expectation.get("suite")), None)
        if suite is None:
            return None
        rule = suite.rule(str(expectation.get("expectation_id")))
        run = run or {}
        partition = run.get("partition_date") or "latest"
        as_of = parse_as_of(run.get("started_at"))
        batches, _ = plan_batches(home, con, [suite], load_catalog(), partition, as_of)
        batch = batches[0]
        relation = f"({batch.query})" if batch.query else batch.table_sql
        params = {**suite.params, **batch.params}
        for name, sql in suite.families.items():  # inline the per-run TEMP tables as subqueries
            params[f"family_{name}"] = "(" + substitute(sql, params, name).replace("{batch}", relation) + ")"
        kwargs = substitute(rule.kwargs, params, f"{suite.path} ({rule.id})")
    except Exception:  # a suite that changed since the run: fall back to the stored result
        return None
    return RuleSQL(relation=relation, type=rule.type, column=rule.column, kwargs=kwargs)


def _fallback(expectation: dict) -> RuleSQL:
    return RuleSQL(relation=_q(str(expectation.get("table_name"))), type=str(expectation.get("expectation_type", "")),
                   column=expectation.get("column_name"), kwargs={})


def fetch_sample(home: Home, expectation: dict, run: dict | None = None,
                 limit: int = SAMPLE_LIMIT) -> pd.DataFrame | None:
    """Up to ``limit`` masked rows that fail ``expectation`` (None: no row-level sample possible).

    ``run`` is the check_runs row of the result (its partition and start time).
    """
    from governance.catalog import load_catalog
    from governance.privacy import mask_frame

    table = expectation.get("table_name")
    if not table or not home.warehouse.exists():
        return None
    con = connect_read(home.warehouse)
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if table not in names:
            return None
        rule = suite_rule(con, home, expectation, run) or _fallback(expectation)
        try:
            sql = unexpected_sql(con, rule.relation, rule.type, rule.column, rule.kwargs)
            if sql is None:
                return None
            df = con.execute(f"{sql} LIMIT ?", [int(limit)]).df()
        except duckdb.Error as e:
            raise ShopgovError(f"cannot read sample rows for {expectation.get('expectation_id')}: {e}") from None
    finally:
        with contextlib.suppress(Exception):
            con.close()
    catalog = load_catalog(home)  # the home's own catalog says which columns hold personal data
    return mask_frame(df, table if table in catalog.tables else None, catalog)
