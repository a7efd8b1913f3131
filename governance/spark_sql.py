"""DuckDB SQL (the one form suite rules are written in) as Spark SQL, through sqlglot.

:func:`to_spark` transpiles a rule's query (``{batch}`` placeholder and GX's doubled
braces kept) with sqlglot (``read="duckdb", write="spark"``), plus a few fixes where
sqlglot's output is wrong or not valid Spark for what DuckDB means:

* ``epoch_ms(col)`` on a TIMESTAMP column of the batch: DuckDB's overload that returns
  milliseconds (sqlglot reads every ``epoch_ms`` as milliseconds -> timestamp) becomes
  ``unix_millis(col)``;
* ``regexp_full_match(s, 'p')`` (no Spark function) becomes ``s RLIKE '^(?:p)\\z'``
  (Java's ``$`` would also match before a final newline, ``\\z`` does not);
* ``regexp_split_to_array(s, p)`` becomes ``split(s, p)`` and DuckDB's ``len()`` of that
  list ``size()`` (Spark's ``length`` is for strings only);
* ``INTERVAL (n) UNIT`` becomes ``INTERVAL 'n' UNIT``.

Whatever sqlglot cannot express raises :class:`NotPortable` (with sqlglot's reason); a
query Spark then cannot analyse (a DuckDB-only function such as ``jaro_winkler_similarity``
or ``duckdb_columns()``) is reported by :mod:`governance.spark_engine` the same way. In
both cases the rule is "not run on this engine", never a failed check.
"""

from __future__ import annotations

import re
from collections.abc import Collection

BATCH = "__shopgov_batch__"
_TIMESTAMP = re.compile(r"^TIMESTAMP", re.I)


class NotPortable(Exception):
    """A DuckDB query has no Spark SQL form; the message says why."""


def _fix(tree, timestamp_columns: Collection[str]):
    from sqlglot import exp

    def visit(node):
        if isinstance(node, exp.UnixToTime) and node.args.get("scale") is not None \
                and str(node.args["scale"].name) == str(exp.UnixToTime.MILLIS.name) \
                and isinstance(node.this, exp.Column) and node.this.name in timestamp_columns:
            return exp.UnixMillis(this=node.this.copy())
        if isinstance(node, exp.RegexpFullMatch):
            pattern = node.expression
            if not (isinstance(pattern, exp.Literal) and pattern.is_string):
                raise NotPortable("regexp_full_match with a pattern that is not a literal")
            return exp.RegexpLike(this=node.this.copy(),
                                  expression=exp.Literal.string(f"^(?:{pattern.this})\\z"))
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "regexp_split_to_array":
            if len(node.expressions) != 2:
                raise NotPortable("regexp_split_to_array with options")
            return exp.RegexpSplit(this=node.expressions[0].copy(), expression=node.expressions[1].copy())
        if isinstance(node, exp.Length) and (
                isinstance(node.this, exp.RegexpSplit | exp.Split | exp.Array)
                or (isinstance(node.this, exp.Anonymous) and str(node.this.this).lower() == "regexp_split_to_array")):
            return exp.ArraySize(this=visit(node.this))
        if isinstance(node, exp.Interval) and isinstance(node.this, exp.Paren) \
                and isinstance(node.this.this, exp.Literal):
            return exp.Interval(this=exp.Literal.string(str(node.this.this.this)), unit=node.args.get("unit"))
        return node

    return tree.transform(visit)


def to_spark(query: str, *, timestamp_columns: Collection[str] = ()) -> str:
    """The Spark SQL form of a DuckDB ``query`` (``{batch}`` and doubled braces as in the input).

    ``timestamp_columns``: the batch's TIMESTAMP columns (for ``epoch_ms``).
    """
    import sqlglot
    from sqlglot.errors import ErrorLevel, ParseError, UnsupportedError

    text = query.replace("{batch}", BATCH).replace("{{", "{").replace("}}", "}")
    try:
        trees = sqlglot.parse(text, read="duckdb")
        if len(trees) != 1 or trees[0] is None:
            raise NotPortable("not exactly one SQL statement")
        tree = _fix(trees[0], set(timestamp_columns))
        out = tree.sql(dialect="spark", unsupported_level=ErrorLevel.RAISE)
    except (ParseError, UnsupportedError) as e:
        raise NotPortable(f"sqlglot: {str(e).splitlines()[0]}") from None
    return out.replace("{", "{{").replace("}", "}}").replace(BATCH, "{batch}")


def timestamp_columns(columns: dict[str, str]) -> set[str]:
    """Names of the TIMESTAMP columns of ``{name: DuckDB type}``."""
    return {c for c, t in columns.items() if _TIMESTAMP.match(t)}
