"""SQL expressions from configuration files (mapping ``transforms:``, catalog ``derived:``).

Such an expression is pasted into the SELECT that loads a file, so it must be exactly one
scalar expression: not several statements (``x'); COPY ... TO '/file'; SELECT ('``), not a
FROM/WHERE tail, not a subquery (which could read any file with ``read_csv``), and no
function that reaches outside the row (environment, sequences, settings). DuckDB's own
parser decides (:func:`duckdb.extract_statements`, ``json_serialize_sql``), so what is
checked is exactly what will run.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import duckdb
from pydantic import AfterValidator

#: Functions an expression may not call: they read or change state outside the row.
FORBIDDEN_FUNCTIONS = frozenset({
    "getenv", "current_setting", "getvariable", "nextval", "currval", "setseed",
    "query", "query_table", "read_text", "read_blob", "read_csv", "read_csv_auto",
    "read_parquet", "read_json", "read_json_auto", "glob", "sniff_csv",
})

_con: duckdb.DuckDBPyConnection | None = None


def _tree(sql: str) -> dict[str, Any]:
    global _con
    if _con is None:
        _con = duckdb.connect(":memory:")
    return json.loads(_con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])


def _shell(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if k != "select_list"}


_SHELL: dict[str, Any] | None = None


def _walk(node: Any) -> list[str]:
    """Problems inside an expression tree: subqueries and forbidden functions."""
    problems: list[str] = []
    if isinstance(node, dict):
        if node.get("class") == "SUBQUERY" or node.get("type") == "SUBQUERY":
            problems.append("a subquery is not allowed")
        name = str(node.get("function_name") or "").lower()
        if node.get("class") == "FUNCTION" and name in FORBIDDEN_FUNCTIONS:
            problems.append(f"the function {name}() is not allowed")
        for v in node.values():
            problems.extend(_walk(v))
    elif isinstance(node, list):
        for v in node:
            problems.extend(_walk(v))
    return problems


def check_expression(expr: str) -> str:
    """``expr`` if it is one scalar SQL expression; else ``ValueError`` saying what is wrong."""
    global _SHELL
    if not isinstance(expr, str) or not expr.strip():
        raise ValueError("must be a non-empty SQL expression")
    sql = f"SELECT ({expr})"
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise ValueError(f"not a valid SQL expression: {str(e).splitlines()[0]}") from None
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise ValueError("must be one SQL expression, not SQL statements (no ';')")
    tree = _tree(sql)
    if tree.get("error"):
        raise ValueError(f"not a valid SQL expression: {tree.get('error_message', '')}")
    node = tree["statements"][0]["node"]
    if _SHELL is None:
        _SHELL = _shell(_tree("SELECT (1)")["statements"][0]["node"])
    if (node.get("type") != "SELECT_NODE" or len(node.get("select_list", [])) != 1
            or node["select_list"][0].get("alias") or _shell(node) != _SHELL):
        raise ValueError("must be one SQL expression over the row's columns "
                         "(no FROM, WHERE, alias or second column)")
    problems = _walk(node["select_list"][0])
    if problems:
        raise ValueError(f"{problems[0]} in an expression over the row's columns")
    return expr


#: A string field holding one SQL expression (validated when the file is loaded).
SqlExpression = Annotated[str, AfterValidator(check_expression)]
