"""``shopgov check --engine spark --source DIR``: the suites on Apache Spark (GX's Spark engine).

:class:`SparkEngine` is what :func:`governance.checks.run_checks` asks of an engine other
than the warehouse: planning (``tables()``, ``value(duckdb_sql)``), each rule's Spark form
(:meth:`SparkEngine.translate`) and GX batch definitions (one Spark DataFrame per suite).
Everything else (suites, parameters, GX expectations, result rows, scores, incidents,
Data Docs, notifications) is the DuckDB path's own code.

* The data: a ``shopgov export warehouse --parquet DIR`` folder (:mod:`governance.parquet_export`),
  each table a temp view of its name (the ``day=`` folder column dropped).
* SQL rules, rule families and batch queries are DuckDB SQL, translated once per run by
  :func:`governance.spark_sql.to_spark`. A rule that sqlglot cannot translate or that Spark
  cannot analyse (a DuckDB-only function, DuckDB's system tables) is *not run on this
  engine*: listed with the reason in ``CheckRun.not_run``, neither passed nor failed.
* The session: ``$SHOPGOV_HOME/config/spark.yaml`` (default ``governance/defaults/spark.yaml``,
  :class:`SparkSettings`), ``$SHOPGOV_SPARK_MASTER`` over its ``master``; conf values may
  read environment variables as ``${env:NAME}`` (credentials stay out of the file).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any

from pydantic import Field

from .check_suites import family_table, substitute
from .config import ConfigError, Strict, load_model, resolve
from .errors import ShopgovError, UsageError
from .paths import Home
from .privacy import scrub_text

EXTRA = "spark"
INSTALL_HINT = f"pip install 'shopgov[{EXTRA}]'"
_ENV = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")


class SparkSettings(Strict):
    """``config/spark.yaml``: where Spark runs and its settings."""

    master: str = Field("local[2]", min_length=1, description="local[N], spark://host:port, yarn, k8s://...")
    app_name: str = Field("shopgov-checks", min_length=1)
    conf: dict[str, str | int | float | bool] = Field(default_factory=dict)
    cache_tables: bool = Field(False, description="keep every table in Spark's memory for the run "
                                                  "(small exports: far fewer Parquet reads)")


def load_spark_settings(home: Home | None, path: Path | None = None) -> SparkSettings:
    """The settings in effect (file, then ``$SHOPGOV_SPARK_MASTER``; ``${env:NAME}`` expanded)."""
    path = path or resolve(home, "spark.yaml")
    spec = load_model(path, SparkSettings)
    conf: dict[str, str | int | float | bool] = {}
    problems = []
    for key, value in spec.conf.items():
        if isinstance(value, str):
            missing = [n for n in _ENV.findall(value) if n not in os.environ]
            if missing:
                problems.append((f"conf.{key}", None, f"environment variable {', '.join(missing)} is not set"))
                continue
            value = _ENV.sub(lambda m: os.environ[m.group(1)], value)
        conf[key] = value
    if problems:
        raise ConfigError(path, problems)
    master = os.environ.get("SHOPGOV_SPARK_MASTER") or spec.master
    return spec.model_copy(update={"master": master, "conf": conf})


def require_pyspark() -> None:
    """Usage error (exit 2) naming the extra when pyspark is not installed."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UsageError(f"--engine spark needs pyspark, which is not installed: {INSTALL_HINT}") from None


def spark_session(settings: SparkSettings) -> Any:
    """A SparkSession for ``settings`` (the active one if this process already has one)."""
    require_pyspark()
    if settings.master.startswith("local") and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ShopgovError("Spark needs a Java runtime (17 or newer) and none was found: install one "
                           "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(settings.master).appName(settings.app_name)
    for key, value in settings.conf.items():
        builder = builder.config(key, str(value).lower() if isinstance(value, bool) else str(value))
    try:
        return builder.getOrCreate()
    except Exception as e:
        raise ShopgovError(f"Spark could not start (master {settings.master}): "
                           f"{scrub_text(str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__)}") from None


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    for line in text.splitlines():
        if line.strip():
            return scrub_text(line.strip())[:300]
    return type(e).__name__


class SparkEngine:
    """The Parquet export in ``source`` on a SparkSession (given, or from the home's settings)."""

    name = "spark"
    pii_audit_note = ("the personal-data scan reads the DuckDB warehouse with Python: "
                      "run `shopgov check` (engine duckdb) or `shopgov pii` for it")

    def __init__(self, source: Path, *, spark: Any = None, home: Home | None = None,
                 settings: SparkSettings | None = None):
        from . import gx_spark
        from .parquet_export import read_manifest

        self.source = Path(source)
        self.manifest = read_manifest(self.source)
        require_pyspark()
        gx_spark.install()
        settings = settings or load_spark_settings(home)
        self.spark = spark or spark_session(settings)
        self.cache_tables = settings.cache_tables
        self._views: list[str] = []
        self._cached: list[Any] = []
        self._frames: dict[str, Any] = {}
        self._register_tables()

    # ------------------------------------------------------------------ data
    def _register_tables(self) -> None:
        from .parquet_export import PARTITION_DIR

        for name, entry in self.manifest.tables.items():
            path = str(self.source / entry.path)
            try:
                reader = self.spark.read
                if entry.partition_column:
                    df = reader.option("basePath", path).parquet(path).drop(PARTITION_DIR)
                else:
                    df = reader.parquet(path)
            except Exception as e:
                raise ShopgovError(f"{path}: Spark cannot read it: {_first_line(e)}") from None
            wanted = [c.name for c in entry.columns]
            if set(df.columns) != set(wanted):
                raise ShopgovError(f"{path}: columns {sorted(df.columns)} differ from the manifest's {sorted(wanted)}")
            df = df.select(*wanted)
            if self.cache_tables:
                df = df.cache()
                self._cached.append(df)
            self._view(name, df)

    def _view(self, name: str, df: Any) -> None:
        df.createOrReplaceTempView(name)
        self._views.append(name)

    def _types(self, table: str) -> dict[str, str]:
        entry = self.manifest.tables.get(table)
        return {c.name: c.type for c in entry.columns} if entry else {}

    # ------------------------------------------------------------------ planning (DuckDB SQL in)
    def tables(self) -> set[str]:
        return set(self.manifest.tables)

    def value(self, sql: str) -> Any:
        from .spark_sql import NotPortable, to_spark

        try:
            rows = self.spark.sql(to_spark(sql)).collect()
        except NotPortable as e:
            raise ShopgovError(f"planning query has no Spark form ({e}): {sql}") from None
        except Exception as e:
            raise ShopgovError(f"Spark failed on a planning query: {_first_line(e)}") from None
        return rows[0][0] if rows else None

    # ------------------------------------------------------------------ rules
    def translate(self, batches: list[Any]) -> tuple[list[Any], list[dict[str, str]]]:
        """Each batch with its rules' Spark SQL; the rules that cannot run here, with the reason.

        Also registers each suite's batch (``_batch_<suite>``) and rule families as views.
        """
        quiet = logging.getLogger("SQLQueryContextLogger")  # pyspark logs every analysis error
        was, quiet.disabled = quiet.disabled, True
        try:
            return self._translate(batches)
        finally:
            quiet.disabled = was

    def _translate(self, batches: list[Any]) -> tuple[list[Any], list[dict[str, str]]]:
        from .spark_sql import NotPortable, timestamp_columns, to_spark

        out, not_run = [], []
        for b in batches:
            suite, params = b.suite, {**b.suite.params, **b.params}
            stamps = timestamp_columns(self._types(suite.table))
            batch_view = f"_batch_{suite.name}"
            try:
                df = self.spark.sql(to_spark(b.query)) if b.query else self.spark.table(suite.table)
            except Exception as e:
                raise ShopgovError(f"suite {suite.name}: Spark cannot select its batch: {_first_line(e)}") from None
            self._frames[suite.name] = df
            self._view(batch_view, df)
            broken: dict[str, str] = {}
            for fam, sql in suite.families.items():
                view = family_table(suite, fam).strip('"')
                try:
                    text = to_spark(substitute(sql, params, f"{suite.path} (family {fam})"), timestamp_columns=stamps)
                    fdf = self.spark.sql(text.format(batch=batch_view)).cache()
                    self._cached.append(fdf)
                    self._view(view, fdf)
                except Exception as e:  # NotPortable or Spark's analysis error
                    broken[family_table(suite, fam)] = f"its rule family '{fam}' cannot run on Spark: {_first_line(e)}"
            rules = []
            for r in suite.rules:
                reason = None
                if r.is_sql:
                    kwargs = substitute(r.kwargs, params, f"{suite.path} ({r.id})")
                    raw = str(kwargs["unexpected_rows_query"])
                    reason = next((why for fam, why in broken.items() if fam in raw), None)
                    if reason is None:
                        try:
                            query = to_spark(raw, timestamp_columns=stamps)
                            self.spark.sql(query.format(batch=batch_view))  # analysed, not run
                        except NotPortable as e:
                            reason = f"no Spark SQL form: {e}"
                        except Exception as e:
                            reason = f"Spark cannot analyse its SQL: {_first_line(e)}"
                    if reason is None:
                        r = dataclasses.replace(r, kwargs={**kwargs, "unexpected_rows_query": query})
                if reason is None:
                    rules.append(r)
                else:
                    not_run.append({"expectation": r.id, "suite": suite.name, "reason": reason})
            if rules:
                out.append(dataclasses.replace(b, suite=dataclasses.replace(suite, rules=tuple(rules))))
        return out, not_run

    # ------------------------------------------------------------------ GX
    def batch_definitions(self, context: Any, batches: list[Any]) -> tuple[dict[str, Any], dict[str, dict]]:
        """GX's Spark data source: one DataFrame asset per suite, its DataFrame as batch parameter."""
        ds = context.data_sources.add_spark(name="spark")
        bds, params = {}, {}
        for b in batches:
            asset = ds.add_dataframe_asset(name=b.suite.name)
            bds[b.suite.name] = asset.add_batch_definition_whole_dataframe("batch")
            params[b.suite.name] = {"dataframe": self._frames[b.suite.name]}
        return bds, params

    def release(self) -> None:
        """Drop this run's views and cached frames (the session stays for the process)."""
        for df in self._cached:
            df.unpersist()
        for name in reversed(self._views):
            self.spark.catalog.dropTempView(name)
        self._cached, self._views, self._frames = [], [], {}


__all__ = ["EXTRA", "INSTALL_HINT", "SparkEngine", "SparkSettings", "load_spark_settings",
           "require_pyspark", "spark_session"]
