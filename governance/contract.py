"""Apply a table's contract (catalog.yaml) to a staged file: map, type, validate — all in SQL.

Given a staging table (source columns, file order), :func:`plan_columns` decides where each
target column comes from (mapping transform, constant, same-named source column, default),
and :func:`build_typed` creates a typed TEMP table after set-based checks:

* every value converts to the column's type (``TRY_CAST``; offenders listed by row/column),
  and floating-point values are finite (no NaN, Infinity or overflow such as ``1e309``),
* text key columns are trimmed (``'s1 '`` is the key ``'s1'``),
* required columns have a value (not NULL, not blank),
* the load key is unique within the file (duplicate rows named),
* derived columns (``events.event_date``) are computed.

Any violation raises :class:`~governance.errors.IngestError` with ``(row, column, message)``
problems; rows are 1-based data records of the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from .catalog import Column, Table
from .config import ConfigError
from .errors import IngestError
from .mapping import Mapping, sql_literal
from .sources import ROW, first_line, q
from .sql_expr import check_expression

EXAMPLES_PER_CHECK = 10
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
TEXT_TYPES = {"VARCHAR"}
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}  # types that can hold NaN and infinities


@dataclass
class ColumnPlan:
    """Where each target column's raw value comes from."""

    exprs: dict[str, str]  # target column -> SQL over the staging table (None-free)
    origins: dict[str, str]  # target column -> human description ("column 'Price'", "transform" ...)
    ignored: list[str] = field(default_factory=list)  # source columns nothing reads


def _article(type_name: str) -> str:
    return "an" if type_name[:1] in "AEIOU" else "a"


def _referenced(expr: str, name: str) -> bool:
    pat = r'"' + re.escape(name.replace('"', '""')) + r'"' + "|" + r"(?<![\w.\"'])" + re.escape(name) + r"(?![\w\"'])"
    return re.search(pat, expr, flags=re.IGNORECASE) is not None


def plan_columns(table: Table, source_columns: list[str], mapping: Mapping, display: str,
                 hint: str | None = None) -> ColumnPlan:
    """Resolve every input column of ``table``; raise if a required one has no source."""
    by_lower = {c.lower(): c for c in source_columns}
    exprs: dict[str, str] = {}
    origins: dict[str, str] = {}
    used: set[str] = set()
    missing: list[str] = []
    for col in table.input_columns:
        if col.name in mapping.transforms:
            expr = mapping.transforms[col.name]
            try:  # a Mapping built in code skipped the file's validation: check here too
                check_expression(expr)
            except ValueError as e:
                raise ConfigError(mapping.source or display, [(f"transforms.{col.name}", None, str(e))]) from None
            exprs[col.name], origins[col.name] = f"({expr})", f"transform `{expr.strip()}`"
            used.update(s for s in source_columns if _referenced(expr, s))
        elif col.name in mapping.constants:
            exprs[col.name], origins[col.name] = sql_literal(mapping.constants[col.name]), "constant"
        elif col.name.lower() in by_lower:
            src = by_lower[col.name.lower()]
            exprs[col.name] = q(src)
            origins[col.name] = f"column '{col.name}'" if src == col.name else f"source column '{src}'"
            used.add(src)
        elif col.name in mapping.defaults:
            exprs[col.name], origins[col.name] = sql_literal(mapping.defaults[col.name]), "default"
        elif col.required or col.name in table.key:
            missing.append(col.name)
    if missing:
        raise IngestError(
            display,
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
            f"for table '{table.name}'. The file's columns are: {', '.join(source_columns) or '(none)'}. "
            + (hint or "Rename a column (`columns:`), or set `constants:`/`transforms:` in a mapping file "
                    "(examples: sample_data/mappings/)."),
        )
    ignored = [s for s in source_columns if s not in used]
    return ColumnPlan(exprs=exprs, origins=origins, ignored=ignored)


def _describe(con: duckdb.DuckDBPyConnection, select: str, stg: str) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT {select} FROM {q(stg)}").fetchall()}


def _bind_check(con, table: Table, plan: ColumnPlan, stg: str, display: str, mapping: Mapping) -> dict[str, str]:
    """Types of the raw expressions; a transform that does not bind is reported by column."""
    select = ", ".join(f"{e} AS {q(c)}" for c, e in plan.exprs.items())
    try:
        return _describe(con, select, stg)
    except duckdb.Error:
        pass
    for c, e in plan.exprs.items():
        try:
            _describe(con, f"{e} AS {q(c)}", stg)
        except duckdb.Error as err:
            cols = [r[0] for r in con.execute(f"DESCRIBE {q(stg)}").fetchall() if r[0] != ROW]
            raise IngestError(
                mapping.source or display,
                f"cannot compute column '{c}' from {plan.origins[c]}: {first_line(err)} "
                f"(the file's columns are: {', '.join(cols)})",
            ) from None
    raise IngestError(display, "cannot map the file's columns to the table")  # pragma: no cover


def _with_default(col: Column, expr: str, src_type: str, mapping: Mapping) -> str:
    """Fill nulls (and blanks, for text) with the mapping's default; the result is text then."""
    if col.name not in mapping.defaults:
        return expr
    d = f"CAST({sql_literal(mapping.defaults[col.name])} AS VARCHAR)"
    if src_type in TEXT_TYPES:
        return f"CASE WHEN {expr} IS NULL OR trim({expr}) = '' THEN {d} ELSE {expr} END"
    return f"coalesce(CAST({expr} AS VARCHAR), {d})"


def _cast(raw: str, src_type: str, target: str) -> tuple[str, str | None]:
    """(typed expression, violation condition or None) converting ``raw`` to ``target``."""
    if src_type == target:
        return raw, None
    if target == "VARCHAR":
        return f"CAST({raw} AS VARCHAR)", None
    if src_type in TEXT_TYPES:
        v = f"nullif(trim({raw}), '')"
        if target == "TIMESTAMP":
            typed = f"CAST(TRY_CAST({v} AS TIMESTAMPTZ) AS TIMESTAMP)"
        elif target in INTEGER_TYPES:
            typed = f"CASE WHEN TRY_CAST({v} AS DOUBLE) = TRY_CAST({v} AS {target}) THEN TRY_CAST({v} AS {target}) END"
        else:
            typed = f"TRY_CAST({v} AS {target})"
        return typed, f"({v} IS NOT NULL AND {typed} IS NULL)"
    if target == "JSON":
        return f"CAST(to_json({raw}) AS JSON)", None
    typed = f"TRY_CAST({raw} AS {target})"
    return typed, f"({raw} IS NOT NULL AND {typed} IS NULL)"


def _type_message(value: str, target: str) -> str:
    from .privacy import scrub_text  # messages end up in logs and the audit table

    shown = scrub_text(value)  # scrub before cutting: a cut value would escape the scanner
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    if target == "TIMESTAMP":
        hint = " (expected a date-time like 2024-05-01 13:45:00; convert other formats with a transform)"
    elif target == "JSON":
        return f"{shown!r} is not valid JSON"
    else:
        hint = ""
    return f"{shown!r} is not {_article(target)} {target}{hint}"


def _locate_runtime_error(con, stg: str, plan: ColumnPlan, display: str, mapping: Mapping) -> IngestError:
    """A transform raised while evaluating: find the column and the first row that fails."""
    for c, e in plan.exprs.items():
        try:
            con.execute(f"SELECT count({e}) FROM {q(stg)}").fetchone()
            continue
        except duckdb.Error as err:
            first_err = err
        lo, hi = 0, con.execute(f"SELECT count(*) FROM {q(stg)}").fetchone()[0]
        while hi - lo > 1:  # smallest prefix of rows whose evaluation fails
            mid = (lo + hi) // 2
            try:
                con.execute(f"SELECT count({e}) FROM {q(stg)} WHERE {ROW} <= {mid}").fetchone()
                lo = mid
            except duckdb.Error as err:
                first_err, hi = err, mid
        return IngestError(
            display, f"the mapping's {plan.origins[c]} failed",
            [(hi, c, f"{plan.origins[c]} failed: {first_line(first_err)}")],
        )
    return IngestError(display, "evaluating the mapping failed")


def build_typed(con: duckdb.DuckDBPyConnection, table: Table, stg: str, out: str, plan: ColumnPlan,
                mapping: Mapping, display: str) -> tuple[int, list[str]]:
    """Validate the staged rows against ``table``'s contract and create TEMP table ``out``.

    Returns (rows in ``out``, notes). ``out`` has ``_row`` plus every column of the table.
    """
    raw_types = _bind_check(con, table, plan, stg, display, mapping)
    raw: dict[str, str] = {}
    typed: dict[str, str] = {}
    checks: list[tuple[str, str, str]] = []  # (column, kind, condition)
    for col in table.input_columns:
        if col.name not in plan.exprs:
            continue
        expr = _with_default(col, plan.exprs[col.name], raw_types[col.name], mapping)
        src_type = "VARCHAR" if col.name in mapping.defaults and raw_types[col.name] not in TEXT_TYPES else raw_types[col.name]
        raw[col.name] = expr
        r = q(col.name)
        typed[col.name], bad = _cast(f"s.{r}", src_type, col.type)
        if bad:
            checks.append((col.name, "type", bad))
        if col.type in FLOAT_TYPES:  # NaN, Infinity and 1e309 convert, but are no price or rating
            v = typed[col.name]
            checks.append((col.name, "finite", f"({v} IS NOT NULL AND NOT isfinite({v}))"))
        if col.name in table.key and col.type in TEXT_TYPES:  # 's1 ' is the key 's1'
            typed[col.name] = f"trim({typed[col.name]})"
        if col.required or col.name in table.key:
            empty = f"s.{r} IS NULL" + (f" OR trim(s.{r}) = ''" if src_type in TEXT_TYPES else "")
            checks.append((col.name, "required", f"({empty})"))
    inner = f"SELECT {ROW} AS _row, {', '.join(f'{e} AS {q(c)}' for c, e in raw.items())} FROM {q(stg)}"
    problems: list[tuple[int | None, str | None, str]] = []
    summary: list[str] = []
    if checks:
        counts_sql = ", ".join(f"count_if({cond})" for _, _, cond in checks)
        try:
            counts = con.execute(f"SELECT {counts_sql} FROM ({inner}) s").fetchone()
        except duckdb.Error:
            raise _locate_runtime_error(con, stg, plan, display, mapping) from None
        for (cname, kind, cond), n in zip(checks, counts, strict=True):
            if not n:
                continue
            target = table.column(cname).type
            rows = con.execute(
                f"SELECT _row, CAST(s.{q(cname)} AS VARCHAR) FROM ({inner}) s WHERE {cond} "
                f"ORDER BY _row LIMIT {EXAMPLES_PER_CHECK}"
            ).fetchall()
            origin = plan.origins[cname]
            via = "" if origin == f"column '{cname}'" else f" (from {origin})"
            for row, value in rows:
                if kind == "type":
                    problems.append((row, cname, _type_message(value, target) + via))
                elif kind == "finite":
                    problems.append((row, cname, f"{value!r} is not a finite number (NaN and infinities "
                                                 f"are not allowed){via}"))
                else:
                    problems.append((row, cname, f"required value is missing{via}"))
            if kind == "type":
                what = f"{n:,} value{'s are' if n > 1 else ' is'} not {_article(target)} {target}"
            elif kind == "finite":
                what = f"{n:,} value{'s are' if n > 1 else ' is'} not finite"
            else:
                what = f"{n:,} required value{'s' if n > 1 else ''} missing"
            summary.append(f"'{cname}': {what}")
    if problems:
        raise IngestError(
            display, f"the file breaks the contract of table '{table.name}': {'; '.join(summary)}", problems
        )

    select = ", ".join(f"{typed[c]} AS {q(c)}" if c in typed else f"CAST(NULL AS {table.column(c).type}) AS {q(c)}"
                       for c in (col.name for col in table.input_columns))
    derived = [col for col in table.columns if col.derived]
    body = f"SELECT _row, {select} FROM ({inner}) s"
    if derived:
        body = f"SELECT *, {', '.join(f'CAST({d.derived} AS {d.type}) AS {q(d.name)}' for d in derived)} FROM ({body})"
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {q(out)} AS {body}")
    except duckdb.Error:
        raise _locate_runtime_error(con, stg, plan, display, mapping) from None
    notes = drop_identical_rows(con, table, out) if mapping.deduplicate else []
    check_unique_key(con, table, out, display)
    return con.execute(f"SELECT count(*) FROM {q(out)}").fetchone()[0], notes


def drop_identical_rows(con: duckdb.DuckDBPyConnection, table: Table, typed: str) -> list[str]:
    """Delete rows equal in every column to an earlier row (mapping ``deduplicate: true``)."""
    cols = ", ".join(q(c) for c in table.column_names)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _dropped AS SELECT _row FROM (SELECT _row, row_number() OVER "
        f"(PARTITION BY {cols} ORDER BY _row) AS rn FROM {q(typed)}) WHERE rn > 1"
    )
    n, first = con.execute("SELECT count(*), list(_row ORDER BY _row)[1:10] FROM _dropped").fetchone()
    if n:
        con.execute(f"DELETE FROM {q(typed)} WHERE _row IN (SELECT _row FROM _dropped)")
    con.execute("DROP TABLE _dropped")
    if not n:
        return []
    more = " ..." if n > len(first) else ""
    return [f"dropped {n:,} row{'s' if n > 1 else ''} identical to an earlier row "
            f"(row{'s' if n > 1 else ''} {', '.join(map(str, first))}{more})"]


def check_unique_key(con: duckdb.DuckDBPyConnection, table: Table, typed: str, display: str) -> None:
    """Raise if two rows of the file share the table's load key (naming the rows)."""
    if not table.key:
        return
    keys = ", ".join(q(k) for k in table.key)
    groups, extra = con.execute(
        f"SELECT count(*), coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM {q(typed)} "
        f"GROUP BY {keys} HAVING count(*) > 1)"
    ).fetchone()
    if not groups:
        return
    rows = con.execute(
        f"SELECT {keys}, list(_row ORDER BY _row) AS rows FROM {q(typed)} GROUP BY {keys} "
        f"HAVING count(*) > 1 ORDER BY min(_row) LIMIT {EXAMPLES_PER_CHECK * 2}"
    ).fetchall()
    from .privacy import scrub_text

    label = ", ".join(table.key)
    problems = []
    for r in rows:
        key_vals, dup_rows = r[:-1], r[-1]
        shown = scrub_text(", ".join(str(v) for v in key_vals))
        others = ", ".join(str(x) for x in dup_rows[1:8]) + (" ..." if len(dup_rows) > 8 else "")
        problems.append((dup_rows[0], label, f"duplicate key ({shown}): also in row{'s' if len(dup_rows) > 2 else ''} {others}"))
    raise IngestError(
        display,
        f"{groups:,} duplicate value{'s' if groups > 1 else ''} of the key ({label}) in the file "
        f"({extra:,} extra row{'s' if extra > 1 else ''}); each key may appear once per file",
        problems,
    )

