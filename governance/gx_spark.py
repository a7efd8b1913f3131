"""GX's Spark engine without the Spark jobs whose results shopgov's counts-only runs discard.

The same two shortcuts as the DuckDB path (:mod:`governance.gx_duckdb`), for GX's own
``SparkDFExecutionEngine``; every Spark job has a fixed cost (scheduling, planning, a round
trip to the JVM), so each job saved is time saved whatever the data size:

* ``<map metric>.unexpected_values``: with ``partial_unexpected_count: 0`` GX still runs a
  job per column expectation to collect no values; here none.
* ``unexpected_rows_query.table``: GX runs every SQL rule twice, once to count its rows and
  once to collect up to 200 of them, then discards them unless ``result_format`` is
  ``COMPLETE``; here the rows are collected only for ``COMPLETE``.

:func:`install` registers them for the process (idempotent); :class:`governance.spark_engine.SparkEngine`
calls it. Verdicts and counts are unchanged (``tests/test_spark_engine.py`` compares them with DuckDB's).
"""

from __future__ import annotations

import logging
from typing import Any

from .check_suites import is_counts_only

_installed = False


def install() -> None:
    """Register the Spark shortcuts (once per process)."""
    global _installed
    if _installed:
        return
    # gx_duckdb's metric classes subclass GX's and so re-register GX's own Spark functions when
    # they are defined: define them first, so that these overrides come last.
    from . import gx_duckdb  # noqa: F401
    from .gx_private import (
        SparkDFExecutionEngine,
        UnexpectedRowsQueryTable,
        generic_spark_unexpected_rows,
        metric_value,
        register_unexpected_values_shortcut,
    )

    registry = logging.getLogger("great_expectations.expectations.registry")
    level = registry.level
    registry.setLevel(logging.ERROR)  # "registered with different metric_provider": that is the point
    try:
        register_unexpected_values_shortcut(SparkDFExecutionEngine, is_counts_only, like=SparkDFExecutionEngine)
        _define_rows_override(SparkDFExecutionEngine, UnexpectedRowsQueryTable, generic_spark_unexpected_rows,
                              metric_value)
    finally:
        registry.setLevel(level)
    _installed = True


def _define_rows_override(SparkDFExecutionEngine: Any, UnexpectedRowsQueryTable: Any,  # noqa: N803
                          generic_spark_unexpected_rows: Any, metric_value: Any) -> None:
    class SparkUnexpectedRowsQueryTable(UnexpectedRowsQueryTable):  # registered by GX's metaclass
        """Sample rows of an UnexpectedRowsExpectation only when they will be reported (COMPLETE)."""

        @metric_value(engine=SparkDFExecutionEngine)
        def _spark(cls, execution_engine: Any, metric_domain_kwargs: dict, metric_value_kwargs: dict,  # noqa: N805
                   metrics: dict, runtime_configuration: Any) -> Any:
            fmt = (runtime_configuration or {}).get("result_format", "SUMMARY")
            if isinstance(fmt, dict):
                fmt = fmt.get("result_format", "SUMMARY")
            if str(fmt).upper() != "COMPLETE":
                return []
            return generic_spark_unexpected_rows(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs,
                                                 metrics, runtime_configuration)


__all__ = ["install"]
