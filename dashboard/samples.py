"""Masked sample rows for a failing check (row-level: callers check ``view_rows`` and audit).

A failing expectation is turned back into the SQL of its unexpected rows. The suite rule
is looked up by its stable ``expectation_id`` and rebuilt the way the check run built it
(``governance.check_suites`` / ``governance.checks``: same batch - the run's daily
partition for partitioned suites - and the same ``${params}``, with the run's start as its
reference time). SQL rules run as written; GX column rules become the equivalent
predicate (:mod:`governance.rule_sql`, the one translation of rules into SQL). If the rule
cannot be found (an older suite), the expectation type and column of the stored result are
used on the whole table. Rows are read from a read-only
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
from governance.paths import Home
from governance.rule_sql import quote_ident, unexpected_predicate, unexpected_sql
from governance.warehouse import connect_read

SAMPLE_LIMIT = 20
__all__ = ["RuleSQL", "fetch_sample", "suite_rule", "unexpected_predicate", "unexpected_sql"]


@dataclass(frozen=True)
class RuleSQL:
    relation: str  # the batch: a table name or a parenthesised query
    type: str
    column: str | None
    kwargs: dict[str, Any]


def suite_rule(con: Any, home: Home, expectation: dict, run: dict | None) -> RuleSQL | None:
    """The batch and concrete arguments of the suite rule behind a stored result (None if unknown)."""
    try:
        from governance.catalog import load_catalog
        from governance.check_suites import load_suites, substitute
        from governance.checks import parse_as_of, plan_batches
    except ImportError:
        return None
    try:
        suite = next((s for s in load_suites(home=home) if s.name == expectation.get("suite")), None)
        if suite is None:
            return None
        rule = suite.rule(str(expectation.get("expectation_id")))
        run = run or {}
        partition = run.get("partition_date") or "latest"
        as_of = parse_as_of(run.get("started_at"))
        batches, _ = plan_batches(home, con, [suite], load_catalog(home), partition, as_of)
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
    return RuleSQL(relation=quote_ident(expectation.get("table_name")), type=str(expectation.get("expectation_type", "")),
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
