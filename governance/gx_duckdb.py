"""Great Expectations (GX 1.x) pushed down into DuckDB.

Two pieces, neither of which modifies GX (the GX internals they need - engine and metric
classes, the metric registry - come from :mod:`governance.gx_private`):

1. **A SQLAlchemy dialect adapter.** GX's SQL engine runs each query inside
   ``with engine.connect()`` and reads the rows *after* the connection went back to the
   pool. ``duckdb_engine``'s cursor is the DuckDB connection itself, so releasing it (which
   rolls back) throws the pending result away and every expectation fails with
   ``IndexError`` in ``resolve_metric_bundle``. :class:`BufferedDuckDBDialect` is
   duckdb_engine's dialect whose execution context fetches each result fully while the
   connection is still checked out. It is registered as ``duckdb.buffered``
   (URLs ``duckdb+buffered:////abs/path.duckdb``).

2. **A GX data source and execution engine for DuckDB** (``type: shopgov_duckdb``) that
   open the file read-only and replace the metrics where GX's generic SQL reads the data
   more than once, with single-pass DuckDB queries that return the same numbers (the
   differential test compares them with GX's pandas engine):

   * ``column_values.unique.unexpected_count``: GX partitions a window over the whole
     table and runs it twice; here a GROUP BY on 8-byte hashes of the value, verified
     exactly on the few rows whose hash repeats (2-3x faster on 10M rows, less memory).
   * ``compound_columns.unique.unexpected_count``: GX groups, then joins the groups back
     to every column of the table; here the same hash-then-verify GROUP BY over the key
     columns. (GX's join also drops rows whose key has a NULL, unlike its pandas engine;
     this one matches pandas.)
   * ``<map metric>.unexpected_values``: with ``partial_unexpected_count: 0`` (the counts-only
     result format shopgov always uses) GX still runs one ``LIMIT 0`` query per expectation;
     here no query at all.
   * ``unexpected_rows_query.table``: GX runs every ``UnexpectedRowsExpectation`` query
     twice, once to count and once to fetch up to 200 sample rows, which it then discards
     unless ``result_format`` is ``COMPLETE``. Here the sample is fetched only for
     ``COMPLETE``, so each SQL rule is one query and no row of data leaves DuckDB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

import duckdb
import sqlalchemy as sa
from duckdb_engine import ConnectionWrapper
from duckdb_engine import Dialect as _DuckDBDialect
from great_expectations.datasource.fluent import SQLDatasource
from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.engine import cursor as _cursor

from .check_suites import is_counts_only
from .encryption import open_db
from .gx_private import (
    MetricProvider,
    SqlAlchemyExecutionEngine,
    UnexpectedRowsQueryTable,
    generic_unexpected_rows,
    metric_value,
    register_unexpected_values_shortcut,
)
from .warehouse import apply_settings

DIALECT_NAME = "duckdb.buffered"
URL_SCHEME = "duckdb+buffered"
DATASOURCE_TYPE = "shopgov_duckdb"


# --------------------------------------------------------------------------- dialect
class BufferedExecutionContext(_DuckDBDialect.execution_ctx_cls):  # type: ignore[misc,name-defined]
    """Fetch every row set as soon as the statement ran (before the connection is released)."""

    def post_exec(self) -> None:
        super().post_exec()
        cursor = self.cursor
        if cursor is not None and cursor.description is not None:
            self.cursor_fetch_strategy = _cursor.FullyBufferedCursorFetchStrategy(
                cursor, alternate_description=cursor.description
            )


class BufferedDuckDBDialect(_DuckDBDialect):
    """duckdb_engine's dialect with fully buffered results (see the module docstring)."""

    driver = "buffered"
    execution_ctx_cls = BufferedExecutionContext
    supports_statement_cache = False

    @classmethod
    def get_pool_class(cls, url: Any) -> type[pool.Pool]:
        """One connection per thread, kept open: TEMP tables (rule families) stay visible to GX."""
        return pool.SingletonThreadPool

    def connect(self, *cargs: Any, **cparams: Any) -> ConnectionWrapper:
        """Open DuckDB with exactly the caller's settings.

        duckdb_engine adds a ``custom_user_agent`` setting; DuckDB refuses a second
        connection to a file already open in this process with different settings, so
        the warehouse could not be read by GX and by plain ``duckdb.connect(read_only=True)``
        at once. Without it both share one read-only database instance. ``settings`` in the
        connect args (``{"memory_limit": "1GB"}``) are applied with ``SET`` instead.
        """
        config = dict(cparams.pop("config", None) or {})
        config.update(cparams.pop("url_config", None) or {})
        settings = dict(cparams.pop("settings", None) or {})
        cparams.pop("preload_extensions", None)
        cparams.pop("register_filesystems", None)
        database = cparams.pop("database", cargs[0] if cargs else ":memory:")
        if database not in ("", ":memory:"):  # a home's file: decrypted when the home is encrypted
            conn = open_db(Path(database), read_only=bool(cparams.pop("read_only", False)), config=config)
        else:
            conn = duckdb.connect(database, config=config, **cparams)
        apply_settings(conn, settings)  # e.g. memory_limit: SET works on shared instances
        return ConnectionWrapper(conn)


    def get_pk_constraint(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> dict:
        """No key columns, without a query.

        SQLAlchemy's PostgreSQL primary-key query casts to ``REGCLASS``, which DuckDB lacks: it
        always fails, and GX (the only caller) then goes on without key columns. The same
        answer, minus one failing catalog query per validated batch.
        """
        return {"constrained_columns": [], "name": None}

    def get_columns(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list[dict]:
        """The columns of every table of ``schema`` reflected in one go, then served from memory.

        Each reflection runs two queries over DuckDB's ``pg_catalog`` emulation (slow views);
        GX reflects once per batch. The cache lives in ``connection.info``, i.e. as long as the
        DBAPI connection, whose read-only snapshot cannot change schema. A name not found
        (a TEMP table created since) is reflected the ordinary way.
        """
        from sqlalchemy.engine.reflection import ObjectKind, ObjectScope

        cache = connection.info.setdefault("shopgov_columns", {})
        if schema not in cache:
            cache[schema] = dict(self.get_multi_columns(
                connection, schema=schema, filter_names=None, scope=ObjectScope.ANY, kind=ObjectKind.ANY, **kw))
        found = cache[schema].get((schema, table_name))
        if found is not None:
            return [dict(c) for c in found]
        return super().get_columns(connection, table_name, schema=schema, **kw)


def register() -> None:
    """Make ``duckdb+buffered://`` URLs resolve to :class:`BufferedDuckDBDialect` (idempotent)."""
    registry.register(DIALECT_NAME, __name__, "BufferedDuckDBDialect")


def url_for(path: Path | str) -> str:
    """The SQLAlchemy URL of a DuckDB file for the buffered dialect."""
    return f"{URL_SCHEME}:///{Path(path).resolve()}"


def create_engine(path: Path | str, *, read_only: bool = True, **kwargs: Any) -> sa.Engine:
    """A SQLAlchemy engine on ``path`` through the buffered dialect (read-only by default)."""
    register()
    connect_args = dict(kwargs.pop("connect_args", {}) or {})
    connect_args.setdefault("read_only", read_only)
    return sa.create_engine(url_for(path), connect_args=connect_args, **kwargs)


# --------------------------------------------------------------------------- GX engine
class DuckDBExecutionEngine(SqlAlchemyExecutionEngine):
    """GX's SQL execution engine; metrics registered for this class override the generic ones."""


class DuckDBDatasource(SQLDatasource):
    """A GX SQL data source on a DuckDB file, through the buffered dialect.

    ``context.data_sources.add_shopgov_duckdb(name, connection_string=url_for(path),
    kwargs={"connect_args": {"read_only": True}})``.
    """

    type: Literal["shopgov_duckdb"] = "shopgov_duckdb"  # type: ignore[assignment]

    @property
    def execution_engine_type(self) -> type[SqlAlchemyExecutionEngine]:
        return DuckDBExecutionEngine


def _domain(engine: SqlAlchemyExecutionEngine, domain_kwargs: dict) -> Any:
    """The batch (with any row_condition applied) as a FROM-able subquery."""
    selectable = engine.get_domain_records(domain_kwargs=domain_kwargs)
    if isinstance(selectable, sa.Select):
        return selectable.subquery()
    return selectable


def _scalar(engine: SqlAlchemyExecutionEngine, query: Any) -> int:
    row = engine.execute_query(query).fetchone()
    return int(row[0] or 0) if row else 0


def duplicate_rows(engine: SqlAlchemyExecutionEngine, source: Any, columns: list[str], where: Any) -> int:
    """Rows of ``source`` whose values of ``columns`` occur more than once (NULLs group together).

    Two steps, both exact: group 8-byte hashes of the key (a far smaller hash table than
    the key strings themselves), then group the real values of only the rows whose hash
    repeats. On 10M UUID strings this is ~30% faster than one GROUP BY on the strings
    and needs a fraction of the memory.
    """
    cols = [sa.column(c) for c in columns]
    key = sa.func.hash(*cols)
    repeated = (
        sa.select(key.label("k")).select_from(source).where(where)
        .group_by(key).having(sa.func.count() > 1).subquery()
    )
    groups = (
        sa.select(sa.func.count().label("n")).select_from(source)
        .where(where, key.in_(sa.select(repeated.c.k)))
        .group_by(*cols).having(sa.func.count() > 1).subquery()
    )
    return _scalar(engine, sa.select(sa.func.coalesce(sa.func.sum(groups.c.n), 0)))


class DuckDBColumnValuesUniqueCount(MetricProvider):
    """Rows whose (non-null) value occurs more than once: hash-then-verify GROUP BY, no window."""

    metric_name = "column_values.unique.unexpected_count"
    domain_keys = ("batch_id", "table", "column", "row_condition", "condition_parser")
    value_keys = ()

    @metric_value(engine=DuckDBExecutionEngine)
    def _duckdb(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration):  # noqa: N805
        source = _domain(execution_engine, metric_domain_kwargs)
        column = metric_domain_kwargs["column"]
        return duplicate_rows(execution_engine, source, [column], sa.column(column).is_not(None))


class DuckDBCompoundColumnsUniqueCount(MetricProvider):
    """Rows whose combination of ``column_list`` values occurs more than once (GROUP BY, no join)."""

    metric_name = "compound_columns.unique.unexpected_count"
    domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")
    value_keys = ()

    @metric_value(engine=DuckDBExecutionEngine)
    def _duckdb(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration):  # noqa: N805
        kwargs = dict(metric_domain_kwargs)
        column_list = kwargs.pop("column_list")
        ignore_row_if = kwargs.pop("ignore_row_if", "all_values_are_missing")
        source = _domain(execution_engine, kwargs)
        present = [sa.column(c).is_not(None) for c in column_list]
        where = {"all_values_are_missing": sa.or_(*present),
                 "any_value_is_missing": sa.and_(*present)}.get(ignore_row_if, sa.true())
        return duplicate_rows(execution_engine, source, list(column_list), where)


class DuckDBUnexpectedRowsQueryTable(UnexpectedRowsQueryTable):
    """Sample rows of an UnexpectedRowsExpectation only when they will be reported (COMPLETE)."""

    _sample_formats: ClassVar[set[str]] = {"COMPLETE"}

    @metric_value(engine=DuckDBExecutionEngine)
    def _duckdb(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration):  # noqa: N805
        fmt = (runtime_configuration or {}).get("result_format", "SUMMARY")
        if isinstance(fmt, dict):
            fmt = fmt.get("result_format", "SUMMARY")
        if str(fmt).upper() not in cls._sample_formats:
            return []
        return generic_unexpected_rows(
            cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration
        )


register()
register_unexpected_values_shortcut(DuckDBExecutionEngine, is_counts_only)  # no sample-values query
