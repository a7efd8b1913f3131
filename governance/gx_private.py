"""Every use of Great Expectations internals in shopgov, in one place.

GX is pinned to one exact version in ``pyproject.toml``. The names below are not GX's
public API (internal modules, ``_``-prefixed attributes, undocumented helpers) and may
change in any release; an upgrade starts here, and is gated on ``tests/test_differential.py``
(with ``tests/test_gx_adapter.py`` and ``tests/test_checks.py``). Other modules import GX
internals only from this one (``tests/test_gx_adapter.py`` checks that).

* :class:`StreamingCheckpoint` overrides ``Checkpoint._run_validation_definitions`` (and
  calls ``_build_result_key``) to hand each validation to a callback as it finishes;
* :func:`build_data_docs` calls ``UpdateDataDocsAction._build_data_docs`` and
  ``_get_docs_sites_urls``;
* :func:`should_notify` uses ``ValidationAction._get_max_severity_failure_from_checkpoint_result``
  and ``checkpoint.actions.should_notify``;
* :func:`register_unexpected_values_shortcut` rewrites entries of ``expectations.registry._registered_metrics``;
* :func:`generic_unexpected_rows` and :func:`generic_spark_unexpected_rows` call the undecorated
  GX SQL and Spark implementations of ``unexpected_rows_query.table``;
* re-exported internal classes: the SQL execution engine, metric providers, the run
  identifier, progress-bar settings and the expectation registry lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from great_expectations.checkpoint import Checkpoint
from great_expectations.checkpoint.actions import NotifyOn
from great_expectations.checkpoint.actions import should_notify as _should_notify
from great_expectations.compatibility.pydantic import PrivateAttr
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier
from great_expectations.execution_engine import SparkDFExecutionEngine, SqlAlchemyExecutionEngine
from great_expectations.expectations.metrics.metric_provider import MetricProvider, metric_value
from great_expectations.expectations.metrics.query_metrics.query_table.unexpected_rows_query_table import (
    UnexpectedRowsQueryTable,
)
from great_expectations.expectations.registry import (
    _registered_metrics,
    get_expectation_impl,
    register_metric,
)

__all__ = [
    "MetricProvider", "NotifyOn", "SparkDFExecutionEngine", "SqlAlchemyExecutionEngine", "StreamingCheckpoint",
    "UnexpectedRowsQueryTable", "build_data_docs", "disable_progress_bars", "expectation_class",
    "generic_spark_unexpected_rows", "generic_unexpected_rows", "metric_value", "register_unexpected_values_shortcut", "run_checkpoint",
    "should_notify",
]


# --------------------------------------------------------------------------- suites
def expectation_class(type_name: str) -> type:
    """The GX expectation class registered under ``type_name`` (raises if unknown)."""
    return get_expectation_impl(type_name)


def disable_progress_bars(context: Any) -> None:
    """Turn off GX's tqdm progress bars for ``context``."""
    context.variables.progress_bars = ProgressBarsConfig(globally=False)


# --------------------------------------------------------------------------- checkpoint
class StreamingCheckpoint(Checkpoint):
    """Checkpoint that reports each validation as it finishes (before the actions run).

    ``_batch_parameters`` may give a validation its own batch parameters, by name (a Spark
    run hands each suite its own DataFrame).
    """

    _on_result: Any = PrivateAttr(default=None)
    _batch_parameters: dict = PrivateAttr(default_factory=dict)

    def _run_validation_definitions(self, batch_parameters, expectation_parameters, result_format, run_id):
        results = {}
        for vd in self.validation_definitions:
            res = vd.run(checkpoint_id=self.id,
                         batch_parameters=self._batch_parameters.get(vd.name, batch_parameters),
                         expectation_parameters=expectation_parameters,
                         result_format=result_format, run_id=run_id)
            key = self._build_result_key(validation_definition=vd, run_id=run_id,
                                         batch_identifier=res.batch_id)
            self._on_result(vd, key, res)
            results[key] = res
        return results


def run_checkpoint(checkpoint: StreamingCheckpoint, on_result: Callable[[Any, Any, Any], None],
                   run_name: str, run_time: datetime, batch_parameters: dict | None = None) -> Any:
    """Run ``checkpoint``; ``on_result(validation_definition, result_key, result)`` per validation.

    ``batch_parameters``: ``{validation name: batch parameters}`` for those that need them.
    """
    checkpoint._on_result = on_result
    checkpoint._batch_parameters = dict(batch_parameters or {})
    return checkpoint.run(run_id=RunIdentifier(run_name=run_name, run_time=run_time))


# --------------------------------------------------------------------------- actions
def build_data_docs(action: Any, checkpoint_result: Any) -> dict:
    """Rebuild ``action``'s Data Docs sites once for every validation of the run; their URLs."""
    ids: list[Any] = []
    for rid, result in checkpoint_result.run_results.items():
        ids += [rid, ExpectationSuiteIdentifier(name=result.suite_name)]
    action._build_data_docs(site_names=action.site_names, resource_identifiers=ids)
    return {
        rid: {s["site_name"]: s["site_url"]
              for s in action._get_docs_sites_urls(resource_identifier=rid, site_names=action.site_names)}
        for rid in checkpoint_result.run_results
    }


def should_notify(action: Any, checkpoint_result: Any, notify_on: Any) -> bool:
    """GX's rule for whether a notification action fires (``notify_on`` against the run)."""
    max_sev = action._get_max_severity_failure_from_checkpoint_result(checkpoint_result)
    return _should_notify(success=bool(checkpoint_result.success), notify_on=notify_on, max_severity=max_sev)


# --------------------------------------------------------------------------- metrics
def generic_unexpected_rows(cls: Any, execution_engine: Any, metric_domain_kwargs: dict,
                            metric_value_kwargs: dict, metrics: dict, runtime_configuration: Any) -> Any:
    """GX's own SQL implementation of ``unexpected_rows_query.table`` (count and sample rows)."""
    return UnexpectedRowsQueryTable._sqlalchemy.__wrapped__(
        cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration
    )


def generic_spark_unexpected_rows(cls: Any, execution_engine: Any, metric_domain_kwargs: dict,
                                  metric_value_kwargs: dict, metrics: dict, runtime_configuration: Any) -> Any:
    """GX's own Spark implementation of ``unexpected_rows_query.table`` (up to 200 sample rows)."""
    return UnexpectedRowsQueryTable._spark.__wrapped__(
        cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metrics, runtime_configuration
    )


def register_unexpected_values_shortcut(engine: type, skip: Callable[[Any], bool],
                                        like: type = SqlAlchemyExecutionEngine) -> None:
    """For ``engine``, every map metric ``*.unexpected_values`` of GX's ``like`` engine (its SQL
    engine by default) returns no values (and runs no query) when ``skip(result_format)`` holds,
    and GX's own otherwise."""
    for name, definition in list(_registered_metrics.items()):
        if not name.endswith(".unexpected_values"):
            continue
        provider = definition.get("providers", {}).get(like.__name__)
        if not provider or provider[1] is None:
            continue
        metric_class, generic = provider

        def shortcut(*, cls: Any, execution_engine: Any, metric_domain_kwargs: dict,
                     metric_value_kwargs: dict, metrics: dict, runtime_configuration: Any = None,
                     _generic: Any = generic) -> Any:
            if skip((metric_value_kwargs or {}).get("result_format")):
                return []
            return _generic(cls=cls, execution_engine=execution_engine,
                            metric_domain_kwargs=metric_domain_kwargs,
                            metric_value_kwargs=metric_value_kwargs, metrics=metrics,
                            runtime_configuration=runtime_configuration)

        register_metric(
            metric_name=name, metric_domain_keys=tuple(definition["metric_domain_keys"]),
            metric_value_keys=tuple(definition["metric_value_keys"]),
            execution_engine=engine, metric_class=metric_class,
            metric_provider=shortcut, metric_fn_type=getattr(generic, "metric_fn_type", None),
        )
