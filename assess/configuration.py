"""Validate a home's whole configuration: every file with its owner's model, then across files.

``shopgov config validate`` calls :func:`validate_config`; each file is parsed by the one
model that owns it (catalog, suites, roles, maturity, notifications, mappings), so what is
valid here is exactly what the commands accept. Cross-file rules: every suite names a table
of the catalog and every rule a column of that table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from governance.config import folder_files, is_customised, resolve
from governance.errors import ShopgovError, UsageError
from governance.paths import Home


@dataclass
class FileReport:
    """The outcome for one configuration file."""

    name: str
    path: str
    source: str  # home | default
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ValidationReport:
    files: list[FileReport]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    @property
    def problems(self) -> list[str]:
        return [p for f in self.files for p in f.problems]

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "files": [f.__dict__ for f in self.files]}


def _catalog(path: Path, home: Home) -> tuple[Any, list[str]]:
    from governance.catalog import load_catalog

    cat = load_catalog(path)
    unclassified = [f"{t.name}.{c.name}" for t in cat.tables.values() for c in t.columns if c.pii is None]
    notes = []
    if unclassified:
        notes.append(
            f"{len(unclassified)} column(s) have no `pii:` class and count as unclassified (they fail the "
            f"PII-tag metadata check): {', '.join(unclassified[:8])}{' ...' if len(unclassified) > 8 else ''}. "
            "Migration: before this release a missing `pii:` meant `none`; add `pii: none` to columns "
            "that hold no personal data.")
    return cat, notes


def _maturity(path: Path, home: Home) -> tuple[Any, list[str]]:
    from assess.maturity.config import load_model

    return load_model(path), []


def _notifications(path: Path, home: Home) -> tuple[Any, list[str]]:
    from governance.notify import load_notifications

    return load_notifications(path), []


def _spark(path: Path, home: Home) -> tuple[Any, list[str]]:
    from governance.spark_engine import load_spark_settings

    return load_spark_settings(home, path), []


def _roles(path: Path, home: Home) -> tuple[Any, list[str]]:
    from governance.access import load_policy

    return load_policy(home), []


def _mapping(path: Path, home: Home) -> tuple[Any, list[str]]:
    from governance.mapping import load_mapping

    return load_mapping(path), []


def _suite(path: Path, home: Home) -> tuple[Any, list[str]]:
    from governance.check_suites import load_suite

    return load_suite(path), []


Loader = Callable[[Path, Home], tuple[Any, list[str]]]
LOADERS: dict[str, Loader] = {
    "catalog.yaml": _catalog,
    "suites": _suite,
    "roles.yaml": _roles,
    "maturity.yaml": _maturity,
    "notifications.yaml": _notifications,
    "spark.yaml": _spark,
    "mappings": _mapping,
}


def _check(report: FileReport, fn: Callable[[], tuple[Any, list[str]]]) -> Any:
    try:
        value, notes = fn()
    except ShopgovError as e:  # ConfigError and the owners' own errors
        report.ok = False
        report.problems.extend(str(e).splitlines())
        return None
    report.notes.extend(notes)
    return value


def validate_config(home: Home, extra: dict[str, Loader] | None = None) -> ValidationReport:
    """Validate every configuration file in effect for ``home`` and their cross references.

    ``extra`` adds loaders for files owned by upper layers (``users.yaml``: the dashboard).
    """
    loaders = {**LOADERS, **(extra or {})}
    files: list[FileReport] = []
    loaded: dict[str, Any] = {}
    for name, loader in loaders.items():
        where = resolve(home, name) if name in LOADERS else home.config / name
        source = "home" if (name not in LOADERS or is_customised(home, name)) else "default"
        if name in ("suites", "mappings"):
            for p in folder_files(where):
                rep = FileReport(f"{name}/{p.name}", str(p), source)
                loaded[rep.name] = _check(rep, lambda p=p, loader=loader: loader(p, home))
                files.append(rep)
            continue
        if not where.is_file():
            continue
        rep = FileReport(name, str(where), source)
        loaded[name] = _check(rep, lambda where=where, loader=loader: loader(where, home))
        files.append(rep)
    _cross_check(files, loaded)
    return ValidationReport(files)


def _cross_check(files: list[FileReport], loaded: dict[str, Any]) -> None:
    """Suites against the catalog: known table, known columns, GX-known expectation types."""
    from governance.check_suites import unknown_expectation_types
    from governance.config import key_path

    catalog = loaded.get("catalog.yaml")
    by_name = {f.name: f for f in files}
    for name, suite in loaded.items():
        if not name.startswith("suites/") or suite is None:
            continue
        rep = by_name[name]
        problems: list[str] = []
        for loc, msg in unknown_expectation_types(suite):
            problems.append(f"{rep.path}: {key_path(loc)}: {msg}")
        if catalog is not None and not suite.table.startswith("catalog_"):
            table = catalog.tables.get(suite.table)
            if table is None:
                problems.append(f"{rep.path}: table: '{suite.table}' is not a table of the catalog "
                                f"({catalog.source}); add it there or remove this suite")
            else:
                cols = set(table.column_names)
                for i, r in enumerate(suite.rules):
                    if r.is_sql or not r.column:
                        continue
                    missing = [c for c in r.column.split(",") if c and c not in cols]
                    if missing:
                        problems.append(f"{rep.path}: expectations[{i}] ({r.id}): column(s) "
                                        f"{', '.join(missing)} not in table '{suite.table}'")
        if problems:
            rep.ok = False
            rep.problems.extend(problems)


def raise_if_invalid(report: ValidationReport) -> None:
    """Turn a failed validation into one usage error (exit 2) listing every problem."""
    if not report.ok:
        raise UsageError("invalid configuration:\n" + "\n".join(report.problems))
