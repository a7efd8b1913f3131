"""Declarative check suites (``governance/suites/*.yaml``) and their translation into GX suites.

One file holds one suite: the table it validates, whether it is validated per daily
partition, tunable ``params``, and a list of expectations. Each expectation names a GX
expectation ``type`` with its ``kwargs`` and carries a stable ``id`` plus
``meta: {dimension, severity, description}`` (plus an optional Chinese ``description_zh``). Values may refer to run parameters as
``${name}`` (``${as_of}``, ``${window_start}``, ``${partition}``, the suite's ``params``...):
a value that is exactly ``${name}`` receives the typed value (a datetime stays a datetime),
anything else is text substitution (used inside SQL). Regex and cross-table rules are
``unexpected_rows_expectation`` with DuckDB SQL over ``{batch}`` (GX's own placeholder).

``families`` name SQL queries over ``{batch}`` that several rules share (one GROUP BY per
session for all bot rules, say): each is computed once per run into a TEMP table, which the
rules read as ``${family_<name>}``. One scan per rule family instead of one per rule.

Chinese texts: a suite file may give ``description_zh`` (the suite's and each rule's ``meta``);
the bundled suites' Chinese texts live in ``defaults/check_text_zh.yaml`` keyed by suite name and
check id, used while their English text still matches. Without either, Chinese falls back to
English (:func:`description_in`).
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, StringConstraints, field_validator, model_validator

from .config import DEFAULTS, ConfigError, Strict, load_model, resolve
from .errors import ShopgovError, UsageError
from .paths import Home
from .vocabulary import DIMENSIONS, Dimension, Severity

SUITES_DIR = DEFAULTS / "suites"
#: Chinese texts of the bundled suites and checks, keyed by suite name / check id (with the English source).
TEXT_ZH_FILE = DEFAULTS / "check_text_zh.yaml"
KINDS = ("quality", "metadata")
# GX knows three failure severities; ours map onto them (Slack/email actions use them).
GX_SEVERITY = {"critical": "critical", "high": "warning", "medium": "warning", "low": "info"}
# Expectations that report an aggregate value (not counts): never allowed on PII columns,
# because their observed value would be a person's data.
_VALUE_REPORTING = re.compile(
    r"expect_column_(max|min|mean|median|sum|stdev|quantile_values|most_common_value|"
    r"distinct_values|unique_value_count)_"
)
#: GX result_format of every run: counts only - no unexpected values, no sample rows.
COUNTS_ONLY: dict[str, Any] = {
    "result_format": "BASIC",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}


def is_counts_only(result_format: Any) -> bool:
    """Whether a GX ``result_format`` asks for counts only (no unexpected values or rows): then
    the engines skip the queries GX would run for values it then discards."""
    return (isinstance(result_format, dict) and result_format.get("partial_unexpected_count") == 0
            and result_format.get("result_format") != "COMPLETE")


#: Expectations whose observed_value is a count or share of rows, never a data value.
COUNT_OBSERVED = {
    "unexpected_rows_expectation", "expect_table_row_count_to_be_between",
    "expect_table_row_count_to_equal", "expect_column_proportion_of_non_null_values_to_be_between",
    "expect_table_column_count_to_be_between", "expect_table_column_count_to_equal",
}
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Rule:
    """One expectation of a suite file."""

    id: str
    type: str
    kwargs: dict[str, Any]
    dimension: str
    severity: str
    description: str
    column: str | None = None
    scope: str = "rows"  # rows: counts rows of the batch; table: one pass/fail judgement
    notes: str | None = None
    description_zh: str | None = None  # None: Chinese shows the English text

    @property
    def is_sql(self) -> bool:
        return self.type == "unexpected_rows_expectation"


@dataclass(frozen=True)
class Suite:
    """A suite file: which table, how it is batched, its params and rules."""

    name: str
    kind: str
    table: str
    rules: tuple[Rule, ...]
    path: Path
    description: str = ""
    partitioned: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    families: dict[str, str] = field(default_factory=dict)
    sha256: str = ""
    description_zh: str | None = None

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def _column_of(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_A" in kwargs and "column_B" in kwargs:
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    if "column_list" in kwargs:
        return ",".join(str(c) for c in kwargs["column_list"])
    return None


def _table_scope(type_: str) -> bool:
    return type_.startswith("expect_table_") or bool(_VALUE_REPORTING.match(type_)) or (
        "proportion" in type_
    )


# ---------------------------------------------------------------------------- file model
class MetaSpec(Strict):
    dimension: Dimension
    severity: Severity
    description: str = Field(min_length=1)
    description_zh: str | None = Field(None, min_length=1, description="the description in Chinese")


class RuleSpec(Strict):
    """One entry of a suite's ``expectations`` list."""

    id: str = Field(pattern=_ID.pattern, description="stable id, like 'table.column.rule'")
    type: str = Field(pattern=r"^[a-z_]+$")
    kwargs: dict[str, Any] = Field(default_factory=dict)
    meta: MetaSpec
    column: str | None = None
    scope: Literal["rows", "table"] | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _sql_rule(self) -> RuleSpec:
        if self.type == "unexpected_rows_expectation":
            q = self.kwargs.get("unexpected_rows_query")
            if not isinstance(q, str) or "{batch}" not in q:
                raise ValueError("an unexpected_rows_expectation needs kwargs.unexpected_rows_query "
                                 "with a {batch} placeholder")
        return self


class SuiteSpec(Strict):
    """A suite file: which table, how it is batched, its params, families and rules."""

    suite: str | None = Field(None, pattern=r"^[A-Za-z0-9_]+$")
    kind: Literal["quality", "metadata"] = "quality"
    table: str = Field(min_length=1)
    description: str = ""
    description_zh: str | None = Field(None, min_length=1)
    partitioned: bool = False
    params: dict[str, Any] = Field(default_factory=dict)
    families: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")], str] = Field(
        default_factory=dict)
    expectations: list[RuleSpec] = Field(min_length=1)

    @field_validator("families")
    @classmethod
    def _family_sql(cls, v: dict[str, str]) -> dict[str, str]:
        for name, sql in v.items():
            if "{batch}" not in sql:
                raise ValueError(f"family '{name}' needs SQL over {{batch}}")
        return v


def _duplicate_ids(spec: SuiteSpec) -> list[tuple[tuple[Any, ...], str]]:
    seen: set[str] = set()
    problems = []
    for i, r in enumerate(spec.expectations):
        if r.id in seen:
            problems.append((("expectations", i, "id"), f"duplicate expectation id '{r.id}'"))
        seen.add(r.id)
    return problems


def family_table(suite: Suite, name: str) -> str:
    """The TEMP table a suite's rule family is materialized into for one run."""
    return f'"_family_{suite.name}_{name}"'


@lru_cache(maxsize=1)
def bundled_text_zh() -> dict[str, dict[str, dict[str, str]]]:
    """``{"suites": {name: {en, zh}}, "checks": {id: {en, zh}}}`` from :data:`TEXT_ZH_FILE`."""
    raw = yaml.safe_load(TEXT_ZH_FILE.read_text(encoding="utf-8")) or {}
    return {part: {str(k): {"en": str(v["en"]).strip(), "zh": str(v["zh"]).strip()}
                   for k, v in (raw.get(part) or {}).items()} for part in ("suites", "checks")}


def _zh(own: str | None, part: str, key: str, en: str) -> str | None:
    """A file's own Chinese text, else the bundled one if it was made from this English text."""
    if own and own.strip():
        return own.strip()
    entry = bundled_text_zh()[part].get(key)
    return entry["zh"] if entry and entry["en"] == en else None


def load_suite(path: Path) -> Suite:
    """Parse and validate one suite file (errors name the file, key path and line)."""
    spec = load_model(path, SuiteSpec, checks=_duplicate_ids)
    name = spec.suite or path.stem
    rules = tuple(
        Rule(id=r.id, type=r.type, kwargs=dict(r.kwargs), dimension=r.meta.dimension,
             severity=r.meta.severity, description=r.meta.description.strip(),
             column=r.column or _column_of(r.kwargs),
             scope=r.scope or ("table" if _table_scope(r.type) else "rows"), notes=r.notes,
             description_zh=_zh(r.meta.description_zh, "checks", r.id, r.meta.description.strip()))
        for r in spec.expectations
    )
    return Suite(
        name=name, kind=spec.kind, table=spec.table, rules=rules, path=path,
        description=spec.description.strip(), partitioned=spec.partitioned, params=dict(spec.params),
        families=dict(spec.families), sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        description_zh=_zh(spec.description_zh, "suites", name, spec.description.strip()),
    )


def description_in(item: Rule | Suite, lang: str) -> str:
    """The text of a rule or suite in ``lang`` (``en``/``zh``); Chinese falls back to English."""
    return (item.description_zh or item.description) if lang == "zh" else item.description


def check_texts(home: Home | None = None, folder: Path | None = None) -> dict[str, dict[str, str]]:
    """``{check id: {"en": ..., "zh": ...}}`` for the suites in effect (``zh`` falls back to ``en``)."""
    return {r.id: {"en": r.description, "zh": description_in(r, "zh")}
            for s in load_suites(folder=folder, home=home) for r in s.rules}


def suites_folder(home: Home | None = None, folder: Path | None = None) -> Path:
    """The suites in effect: ``folder`` if given, else the home's ``config/suites/``, else the defaults."""
    return folder if folder is not None else resolve(home, "suites")


def available_suites(folder: Path | None = None, *, home: Home | None = None) -> list[str]:
    return sorted(p.stem for p in suites_folder(home, folder).glob("*.yaml"))


def load_suites(names: list[str] | None = None, folder: Path | None = None, *,
                home: Home | None = None) -> list[Suite]:
    """The suites of a home (all, or those named; an unknown name is a usage error)."""
    paths = {p.stem: p for p in sorted(suites_folder(home, folder).glob("*.yaml"))}
    suites = {stem: load_suite(p) for stem, p in paths.items()}
    by_name: dict[str, Suite] = {}
    for s in suites.values():
        if s.name in by_name:
            raise ConfigError(s.path, [("suite", None, f"suite name '{s.name}' is also used by {by_name[s.name].path}")])
        by_name[s.name] = s
    if not names:
        return sorted(by_name.values(), key=lambda s: (s.kind != "metadata", s.name))
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise UsageError(
            f"unknown suite {', '.join(repr(n) for n in unknown)}; known suites: {', '.join(sorted(by_name))}"
        )
    return [by_name[n] for n in dict.fromkeys(names)]


def unknown_expectation_types(suite: Suite) -> list[tuple[tuple[Any, ...], str]]:
    """Rules whose ``type`` GX does not know, as (key path, message) (imports GX)."""
    from .gx_private import expectation_class

    out = []
    for i, r in enumerate(suite.rules):
        try:
            expectation_class(r.type)
        except Exception:
            out.append((("expectations", i, "type"), f"unknown expectation type '{r.type}'"))
    return out


def suites_sha256(suites: list[Suite]) -> str:
    h = hashlib.sha256()
    for s in sorted(suites, key=lambda s: s.name):
        h.update(s.name.encode() + b"\0" + s.sha256.encode())
    return h.hexdigest()


# ---------------------------------------------------------------------------- rendering
def sql_literal(value: Any) -> str:
    """Text form of a parameter inside SQL (dates and timestamps in ISO form)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def substitute(value: Any, params: dict[str, Any], where: str) -> Any:
    """Replace ``${name}`` placeholders in ``value`` (recursively through lists and dicts)."""
    if isinstance(value, dict):
        return {k: substitute(v, params, where) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, params, where) for v in value]
    if not isinstance(value, str) or "${" not in value:
        return value
    missing = sorted({m for m in _PLACEHOLDER.findall(value) if m not in params})
    if missing:
        raise ShopgovError(f"{where}: unknown parameter(s) {', '.join('${' + m + '}' for m in missing)}")
    whole = _PLACEHOLDER.fullmatch(value.strip())
    if whole:
        return params[whole.group(1)]
    text = string.Template(value).safe_substitute({k: sql_literal(v) for k, v in params.items()})
    return text


def check_pii_safe(suite: Suite, pii_columns: set[str]) -> None:
    """Refuse expectations whose reported value would be a PII column's data."""
    for r in suite.rules:
        cols = set((r.column or "").split(",")) & pii_columns
        if cols and _VALUE_REPORTING.match(r.type):
            raise ShopgovError(
                f"{suite.path}: expectation '{r.id}' ({r.type}) would report values of the "
                f"personal-data column(s) {', '.join(sorted(cols))}; use a count-based expectation"
            )


def to_gx_suite(suite: Suite, params: dict[str, Any], *, name: str | None = None) -> Any:
    """The GX ``ExpectationSuite`` for ``suite`` with ``params`` substituted."""
    import great_expectations as gx

    from .gx_private import expectation_class

    expectations = []
    for r in suite.rules:
        where = f"{suite.path} ({r.id})"
        try:
            impl = expectation_class(r.type)
        except Exception:
            raise ShopgovError(f"{where}: unknown expectation type '{r.type}'") from None
        kwargs = substitute(r.kwargs, {**suite.params, **params}, where)
        meta = {
            "id": r.id, "dimension": r.dimension, "dimension_zh": DIMENSIONS[r.dimension]["zh"],
            "severity": r.severity, "description": r.description, "description_zh": r.description_zh,
            "table": suite.table,
            "column": r.column, "scope": r.scope,
        }
        try:
            exp = impl(**kwargs, meta=meta, severity=GX_SEVERITY[r.severity], description=r.description)
        except Exception as e:
            raise ShopgovError(f"{where}: invalid arguments for {r.type}: {e}") from None
        expectations.append(exp)
    return gx.ExpectationSuite(name=name or suite.name, expectations=expectations, meta={"kind": suite.kind, "table": suite.table})
