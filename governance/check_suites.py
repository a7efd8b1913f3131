"""Declarative check suites (``governance/suites/*.yaml``) and their translation into GX suites.

One file holds one suite: the table it validates, whether it is validated per daily
partition, tunable ``params``, and a list of expectations. Each expectation names a GX
expectation ``type`` with its ``kwargs`` and carries a stable ``id`` plus
``meta: {dimension, severity, description}``. Values may refer to run parameters as
``${name}`` (``${as_of}``, ``${window_start}``, ``${partition}``, the suite's ``params``...):
a value that is exactly ``${name}`` receives the typed value (a datetime stays a datetime),
anything else is text substitution (used inside SQL). Regex and cross-table rules are
``unexpected_rows_expectation`` with DuckDB SQL over ``{batch}`` (GX's own placeholder).

``families`` name SQL queries over ``{batch}`` that several rules share (one GROUP BY per
session for all bot rules, say): each is computed once per run into a TEMP table, which the
rules read as ``${family_<name>}``. One scan per rule family instead of one per rule.
"""

from __future__ import annotations

import hashlib
import re
import string
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from .errors import ShopgovError, UsageError

SUITES_DIR = Path(__file__).with_name("suites")

#: The six DAMA quality dimensions with their GB/T 36344-2018 names.
DIMENSIONS: dict[str, dict[str, str]] = {
    "completeness": {"en": "Completeness", "zh": "完整性"},
    "uniqueness": {"en": "Uniqueness", "zh": "唯一性"},
    "validity": {"en": "Validity", "zh": "规范性/有效性"},
    "accuracy": {"en": "Accuracy", "zh": "准确性"},
    "consistency": {"en": "Consistency", "zh": "一致性"},
    "timeliness": {"en": "Timeliness", "zh": "时效性"},
}
SEVERITIES = ("critical", "high", "medium", "low")
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


def _parse_rule(raw: Any, where: str, seen: set[str]) -> Rule:
    if not isinstance(raw, dict):
        raise ShopgovError(f"{where}: each expectation must be a mapping")
    rid = raw.get("id")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise ShopgovError(f"{where}: expectation id {rid!r} must look like 'table.column.rule'")
    if rid in seen:
        raise ShopgovError(f"{where}: duplicate expectation id '{rid}'")
    seen.add(rid)
    type_ = raw.get("type")
    if not isinstance(type_, str):
        raise ShopgovError(f"{where}: expectation '{rid}' has no type")
    meta = raw.get("meta") or {}
    dim = meta.get("dimension")
    if dim not in DIMENSIONS:
        raise ShopgovError(
            f"{where}: expectation '{rid}' has dimension {dim!r}; use one of {', '.join(DIMENSIONS)}"
        )
    sev = meta.get("severity")
    if sev not in SEVERITIES:
        raise ShopgovError(
            f"{where}: expectation '{rid}' has severity {sev!r}; use one of {', '.join(SEVERITIES)}"
        )
    desc = meta.get("description")
    if not desc:
        raise ShopgovError(f"{where}: expectation '{rid}' needs meta.description")
    kwargs = dict(raw.get("kwargs") or {})
    if type_ == "unexpected_rows_expectation":
        q = kwargs.get("unexpected_rows_query")
        if not isinstance(q, str) or "{batch}" not in q:
            raise ShopgovError(
                f"{where}: expectation '{rid}' needs kwargs.unexpected_rows_query with a {{batch}} placeholder"
            )
    scope = raw.get("scope") or ("table" if _table_scope(type_) else "rows")
    if scope not in ("rows", "table"):
        raise ShopgovError(f"{where}: expectation '{rid}' scope must be rows or table")
    return Rule(
        id=rid, type=type_, kwargs=kwargs, dimension=dim, severity=sev, description=str(desc).strip(),
        column=raw.get("column") or _column_of(kwargs), scope=scope, notes=raw.get("notes"),
    )


def _families(raw: Any, path: Path) -> dict[str, str]:
    if not raw:
        return {}
    if not isinstance(raw, dict):
        raise ShopgovError(f"{path}: families must map a name to a SQL query")
    out = {}
    for name, sql in raw.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(name)) or not isinstance(sql, str) or "{batch}" not in sql:
            raise ShopgovError(f"{path}: family '{name}' needs a lower-case name and SQL over {{batch}}")
        out[str(name)] = sql
    return out


def family_table(suite: Suite, name: str) -> str:
    """The TEMP table a suite's rule family is materialized into for one run."""
    return f'"_family_{suite.name}_{name}"'


def load_suite(path: Path) -> Suite:
    """Parse and validate one suite file (errors name the file and the expectation)."""
    text = path.read_bytes()
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise ShopgovError(f"{path}: not valid YAML: {e}") from None
    name = raw.get("suite") or path.stem
    kind = raw.get("kind", "quality")
    if kind not in KINDS:
        raise ShopgovError(f"{path}: kind must be one of {', '.join(KINDS)}")
    table = raw.get("table")
    if not table:
        raise ShopgovError(f"{path}: suite '{name}' names no table")
    seen: set[str] = set()
    rules = tuple(
        _parse_rule(r, f"{path} (expectation {i + 1})", seen)
        for i, r in enumerate(raw.get("expectations") or [])
    )
    if not rules:
        raise ShopgovError(f"{path}: suite '{name}' has no expectations")
    return Suite(
        name=str(name), kind=kind, table=str(table), rules=rules, path=path,
        description=str(raw.get("description") or "").strip(),
        partitioned=bool(raw.get("partitioned", False)), params=dict(raw.get("params") or {}),
        families=_families(raw.get("families"), path),
        sha256=hashlib.sha256(text).hexdigest(),
    )


def available_suites(folder: Path = SUITES_DIR) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def load_suites(names: list[str] | None = None, folder: Path = SUITES_DIR) -> list[Suite]:
    """The suites in ``folder`` (all, or those named; an unknown name is a usage error)."""
    paths = {p.stem: p for p in sorted(folder.glob("*.yaml"))}
    suites = {stem: load_suite(p) for stem, p in paths.items()}
    by_name = {s.name: s for s in suites.values()}
    if not names:
        return sorted(by_name.values(), key=lambda s: (s.kind != "metadata", s.name))
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise UsageError(
            f"unknown suite {', '.join(repr(n) for n in unknown)}; known suites: {', '.join(sorted(by_name))}"
        )
    return [by_name[n] for n in dict.fromkeys(names)]


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
            "severity": r.severity, "description": r.description, "table": suite.table,
            "column": r.column, "scope": r.scope,
        }
        try:
            exp = impl(**kwargs, meta=meta, severity=GX_SEVERITY[r.severity], description=r.description)
        except Exception as e:
            raise ShopgovError(f"{where}: invalid arguments for {r.type}: {e}") from None
        expectations.append(exp)
    return gx.ExpectationSuite(name=name or suite.name, expectations=expectations, meta={"kind": suite.kind, "table": suite.table})
