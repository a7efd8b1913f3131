"""A GX expectation as DuckDB SQL: the rows it calls unexpected, and how many there are.

The one translation of suite rules into SQL, used for masked sample rows
(``dashboard.samples``) and for the hand-written-SQL engine of ``bench/bench_checks.py``.
Semantics follow GX's pandas engine (``tests/test_differential.py`` counts the rows each
SQL form selects against GX's ``unexpected_count``):

* value expectations ignore NULLs (only the null checks look at them);
* uniqueness groups NULLs together, as ``DataFrame.duplicated`` does;
* ``ignore_row_if`` of pair and compound rules is honoured, and a comparison with a
  missing value (in a row that is not ignored) is unexpected.

Identifiers are always double-quoted (``"`` doubled) and values rendered with
:func:`governance.mapping.sql_literal` (``'`` doubled), so column names and value sets may
hold any character. ``relation`` is anything FROM-able: a quoted table name or a
parenthesised query.
"""

from __future__ import annotations

from typing import Any

from .mapping import sql_literal

__all__ = [
    "count_sql", "quote_ident", "row_predicate", "rows_query", "sql_literal",
    "unexpected_predicate", "unexpected_sql",
]

ROW_TYPES = (  # decided on each row alone
    "expect_column_values_to_not_be_null", "expect_column_values_to_be_null",
    "expect_column_values_to_be_between", "expect_column_value_lengths_to_be_between",
    "expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_match_regex", "expect_column_values_to_not_match_regex",
    "expect_column_pair_values_a_to_be_greater_than_b", "expect_column_pair_values_to_be_equal",
)
SET_TYPES = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")
TABLE_TYPES = ("expect_column_max_to_be_between", "expect_table_row_count_to_be_between")
SQL_TYPE = "unexpected_rows_expectation"


def quote_ident(name: Any) -> str:
    """``name`` as a DuckDB identifier, safe for any characters (``"`` doubled)."""
    return '"' + str(name).replace('"', '""') + '"'


def _within(expr: str, kw: dict) -> str | None:
    """True when ``expr`` lies within the min/max bounds of ``kw`` (None: no bound given)."""
    lo, hi = kw.get("min_value"), kw.get("max_value")
    conds = []
    if lo is not None:
        conds.append(f"{expr} {'>' if kw.get('strict_min') else '>='} {sql_literal(lo)}")
    if hi is not None:
        conds.append(f"{expr} {'<' if kw.get('strict_max') else '<='} {sql_literal(hi)}")
    return " AND ".join(conds) or None


def _column(kw: dict, column: str | None) -> str | None:
    if kw.get("column"):
        return str(kw["column"])
    if column and "," not in column:  # a stored "a,b" names several columns
        return column
    return None


def _pair_predicate(etype: str, kw: dict) -> str | None:
    a, b = quote_ident(kw["column_A"]), quote_ident(kw["column_B"])
    if etype == "expect_column_pair_values_a_to_be_greater_than_b":
        cond = f"{a} {'>=' if kw.get('or_equal') else '>'} {b}"
    elif etype == "expect_column_pair_values_to_be_equal":
        cond = f"{a} = {b}"
    else:
        return None
    ignore = kw.get("ignore_row_if") or "both_values_are_missing"
    skip = {"both_values_are_missing": f"{a} IS NULL AND {b} IS NULL",
            "either_value_is_missing": f"{a} IS NULL OR {b} IS NULL"}.get(ignore)
    failing = f"NOT coalesce({cond}, false)"
    return f"NOT ({skip}) AND {failing}" if skip else failing


def row_predicate(expectation_type: str, kwargs: dict | None = None,
                  column: str | None = None) -> str | None:
    """A WHERE clause true for each unexpected row, decided on that row alone.

    None for rules that need other rows (uniqueness), table rules, SQL rules, a
    ``row_condition``, and types this module does not know.
    """
    kw = kwargs or {}
    etype = expectation_type
    if etype not in ROW_TYPES or kw.get("row_condition"):
        return None
    if etype.startswith("expect_column_pair_values"):
        return _pair_predicate(etype, kw) if kw.get("column_A") and kw.get("column_B") else None
    name = _column(kw, column)
    if name is None:
        return None
    col = quote_ident(name)
    present = f"{col} IS NOT NULL"
    if etype == "expect_column_values_to_not_be_null":
        return f"{col} IS NULL"
    if etype == "expect_column_values_to_be_null":
        return present
    if etype in ("expect_column_values_to_be_between", "expect_column_value_lengths_to_be_between"):
        expr = col if etype == "expect_column_values_to_be_between" else f"length({col})"
        within = _within(expr, kw)
        return f"{present} AND NOT ({within})" if within else None
    if etype in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        values = kw.get("value_set")
        if not values:
            return None
        members = f"{col} IN ({', '.join(sql_literal(v) for v in values)})"
        negate = "NOT " if etype == "expect_column_values_to_be_in_set" else ""
        return f"{present} AND {negate}({members})"
    regex = kw.get("regex")
    if not regex:
        return None
    match = f"regexp_matches({col}, {sql_literal(regex)})"
    return f"{present} AND {'NOT ' if etype == 'expect_column_values_to_match_regex' else ''}{match}"


def _key(etype: str, kw: dict, column: str | None) -> tuple[list[str], str] | None:
    """Key columns (quoted) and the filter of the rows a uniqueness rule looks at."""
    if etype == "expect_column_values_to_be_unique":
        name = _column(kw, column)
        if name is None:
            return None
        return [quote_ident(name)], f"{quote_ident(name)} IS NOT NULL"
    cols = [quote_ident(c) for c in kw.get("column_list") or []]
    if not cols:
        return None
    ignore = kw.get("ignore_row_if") or "all_values_are_missing"
    present = [f"{c} IS NOT NULL" for c in cols]
    keep = {"all_values_are_missing": " OR ".join(present),
            "any_value_is_missing": " AND ".join(present)}.get(ignore, "true")
    return cols, keep


def unexpected_predicate(relation: str, expectation_type: str, column: str | None,
                         kwargs: dict | None = None) -> str | None:
    """A WHERE clause over ``relation`` selecting the rows GX calls unexpected (None if unknown)."""
    kw = kwargs or {}
    if expectation_type not in SET_TYPES:
        return row_predicate(expectation_type, kw, column)
    key = None if kw.get("row_condition") else _key(expectation_type, kw, column)
    if key is None:
        return None
    cols, keep = key
    tup = f"({', '.join(cols)})"  # a struct: NULL fields compare equal, as in pandas
    return (f"({keep}) AND {tup} IN (SELECT {tup} FROM {relation} _d WHERE {keep} "
            f"GROUP BY ALL HAVING count(*) > 1)")


def rows_query(relation: str, kwargs: dict) -> str:
    """The ``unexpected_rows_query`` of a SQL rule, run on ``relation`` (GX's ``{batch}``)."""
    query = str(kwargs["unexpected_rows_query"]).replace("{batch}", relation)
    return query.replace("{{", "{").replace("}}", "}")  # GX formats the query with str.format


def _columns(con: Any, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"SELECT * FROM {relation} _c LIMIT 0").description]


def unexpected_sql(con: Any, relation: str, expectation_type: str, column: str | None,
                   kwargs: dict | None = None) -> str | None:
    """A SELECT of the full unexpected rows of ``relation`` (None if the rule has no row-level form).

    For SQL rules the rows the query returns are matched back to the batch on the columns
    it selects (``con`` reads their names), so the result has whole rows.
    """
    kw = kwargs or {}
    if kw.get("unexpected_rows_query"):
        query = rows_query(relation, kw)
        batch_cols = set(_columns(con, relation))
        shared = [c for c in _columns(con, f"({query})") if c in batch_cols]
        if not shared:
            return None
        match = " AND ".join(f"b.{quote_ident(c)} IS NOT DISTINCT FROM u.{quote_ident(c)}" for c in shared)
        return f"SELECT b.* FROM {relation} b WHERE EXISTS (SELECT 1 FROM ({query}) u WHERE {match})"
    where = unexpected_predicate(relation, expectation_type, column, kw)
    if where is None:
        return None
    name = _column(kw, column)
    order = quote_ident(name) if name else "1"
    return f"SELECT * FROM {relation} WHERE {where} ORDER BY {order}"


def count_sql(relation: str, expectation_type: str, kwargs: dict | None = None,
              column: str | None = None) -> str | None:
    """A one-value SELECT: the rule's unexpected-row count on ``relation`` (None if unknown).

    Table rules (max / row count between) give 1 when they fail and 0 when they pass; SQL
    rules the number of rows their query returns. Uniqueness is counted with a GROUP BY,
    not a per-row lookup.
    """
    kw = kwargs or {}
    etype = expectation_type
    if kw.get("unexpected_rows_query"):
        return f"SELECT count(*) FROM ({rows_query(relation, kw)}) _u"
    if etype in SET_TYPES:
        key = None if kw.get("row_condition") else _key(etype, kw, column)
        if key is None:
            return None
        cols, keep = key
        return (f"SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM {relation} _d "
                f"WHERE {keep} GROUP BY {', '.join(cols)} HAVING count(*) > 1) _g")
    if etype in TABLE_TYPES:
        name = _column(kw, column)
        if etype == "expect_column_max_to_be_between" and name is None:
            return None
        expr = "count(*)" if etype == "expect_table_row_count_to_be_between" else f"max({quote_ident(name)})"
        within = _within(expr, kw) or "true"
        return f"SELECT CASE WHEN {within} THEN 0 ELSE 1 END FROM {relation} _t"
    pred = row_predicate(etype, kw, column)
    return None if pred is None else f"SELECT count(*) FROM {relation} _r WHERE {pred}"
