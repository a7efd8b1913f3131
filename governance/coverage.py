"""Catalog coverage: how much of the metadata catalog is filled in, defined once.

``shopgov status``, the dashboard's catalog page and the maturity assessment all read their
figures from :func:`catalog_coverage`, computed from the warehouse catalog tables
(``catalog_tables``, ``catalog_columns``, ``catalog_lineage``). A field counts as filled when
it is not NULL and not blank; a column whose PII class is NULL is *unclassified* and does
not count as tagged; a table has lineage when an edge names it as ``downstream``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

#: The headline figures, in display order, and what each one measures.
SHARES: dict[str, str] = {
    "descriptions": "tables and columns with a description",
    "owners": "tables with both an owner and a steward",
    "pii_tags": "columns with a personal-data class (unclassified columns are not covered)",
    "slas": "tables with a freshness SLA",
    "retention": "tables with a retention period",
    "lineage": "tables with recorded upstream lineage",
}
#: Per-table checks behind the gap list (bools, or shares for the column-level ones).
CHECKS = ("table_description", "column_descriptions", "owner", "steward", "pii_tags", "sla", "retention",
          "lineage")


def _filled(col: str) -> str:
    return f"(\"{col}\" IS NOT NULL AND trim(CAST(\"{col}\" AS VARCHAR)) <> '')"


@dataclass(frozen=True)
class ColumnCoverage:
    table: str
    column: str
    filled: dict[str, bool]  # catalog_columns field -> filled in


@dataclass(frozen=True)
class TableCoverage:
    table: str
    filled: dict[str, bool]  # catalog_tables field -> filled in
    columns: list[ColumnCoverage]
    lineage: bool  # an edge names the table as downstream

    def _col_share(self, fld: str) -> float:
        return sum(c.filled[fld] for c in self.columns) / len(self.columns) if self.columns else 0.0

    @property
    def checks(self) -> dict[str, bool | float]:
        return {
            "table_description": self.filled["description"],
            "column_descriptions": self._col_share("description"),
            "owner": self.filled["owner"], "steward": self.filled["steward"],
            "pii_tags": self._col_share("pii_class"),
            "sla": self.filled["freshness_sla_hours"], "retention": self.filled["retention_days"],
            "lineage": self.lineage,
        }

    @property
    def gaps(self) -> list[str]:
        """The checks this table does not fully meet."""
        return [k for k, v in self.checks.items() if float(v) < 1.0]


@dataclass(frozen=True)
class Share:
    value: float | None  # None when there is nothing to measure
    covered: list[str]
    missing: list[str]

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.missing)


@dataclass(frozen=True)
class CatalogCoverage:
    tables: list[TableCoverage]
    lineage_edges: int = 0
    table_fields: tuple[str, ...] = field(default=())
    column_fields: tuple[str, ...] = field(default=())

    @property
    def columns(self) -> list[ColumnCoverage]:
        return [c for t in self.tables for c in t.columns]

    def table_share(self, fields: Iterable[str]) -> Share:
        """Tables where every one of ``fields`` (catalog_tables columns) is filled in."""
        fields = list(fields)
        unknown = [f for f in fields if f not in self.table_fields]
        if not fields or unknown:
            raise KeyError(f"not catalog_tables fields: {', '.join(unknown or fields) or '(none given)'}")
        return _share([(t.table, all(t.filled[f] for f in fields)) for t in self.tables])

    def column_share(self, fld: str) -> Share:
        """Columns (``table.column``) where ``fld`` (a catalog_columns column) is filled in."""
        if fld not in self.column_fields:
            raise KeyError(f"not a catalog_columns field: {fld}")
        return _share([(f"{c.table}.{c.column}", c.filled[fld]) for c in self.columns])

    def lineage_share(self) -> Share:
        return _share([(t.table, t.lineage) for t in self.tables])

    def descriptions_share(self) -> Share:
        entries = [(t.table, t.filled["description"]) for t in self.tables]
        entries += [(f"{c.table}.{c.column}", c.filled["description"]) for c in self.columns]
        return _share(entries)

    @property
    def shares(self) -> dict[str, float]:
        """The headline figures of :data:`SHARES` (0.0 when the catalog is empty)."""
        found = {
            "descriptions": self.descriptions_share(),
            "owners": self.table_share(["owner", "steward"]),
            "pii_tags": self.column_share("pii_class"),
            "slas": self.table_share(["freshness_sla_hours"]),
            "retention": self.table_share(["retention_days"]),
            "lineage": self.lineage_share(),
        }
        return {k: found[k].value or 0.0 for k in SHARES}


def _share(entries: list[tuple[str, bool]]) -> Share:
    covered = [name for name, ok in entries if ok]
    missing = [name for name, ok in entries if not ok]
    return Share(len(covered) / len(entries) if entries else None, covered, missing)


def _fields(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [d[0] for d in con.execute(f"SELECT * FROM {relation} LIMIT 0").description]


def catalog_coverage(con: duckdb.DuckDBPyConnection, schema: str | None = None) -> CatalogCoverage | None:
    """Coverage of the catalog tables reachable through ``con`` (``schema``: e.g. ``wh`` for an
    attached warehouse; None: the connection's own). None when there is no catalog yet."""
    db = schema or con.execute("SELECT current_database()").fetchone()[0]
    have = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'", [db]).fetchall()}
    if not {"catalog_tables", "catalog_columns"} <= have:
        return None
    t_rel, c_rel = f'"{db}".main.catalog_tables', f'"{db}".main.catalog_columns'
    t_fields = [f for f in _fields(con, t_rel) if f != "table_name"]
    c_fields = [f for f in _fields(con, c_rel) if f not in ("table_name", "column_name")]
    downstream: set[str] = set()
    edges = 0
    if "catalog_lineage" in have:
        rows = con.execute(f'SELECT downstream FROM "{db}".main.catalog_lineage').fetchall()
        edges = len(rows)
        downstream = {r[0] for r in rows if r[0] is not None}
    cols: dict[str, list[ColumnCoverage]] = {}
    sel = ", ".join(_filled(f) for f in c_fields)
    for r in con.execute(f"SELECT table_name, column_name, {sel} FROM {c_rel} ORDER BY table_name, ordinal").fetchall():
        cols.setdefault(r[0], []).append(ColumnCoverage(r[0], r[1], dict(zip(c_fields, map(bool, r[2:]), strict=True))))
    sel = ", ".join(_filled(f) for f in t_fields)
    tables = [
        TableCoverage(r[0], dict(zip(t_fields, map(bool, r[1:]), strict=True)), cols.get(r[0], []), r[0] in downstream)
        for r in con.execute(f"SELECT table_name, {sel} FROM {t_rel} ORDER BY table_name").fetchall()
    ]
    return CatalogCoverage(tables, edges, tuple(t_fields), tuple(c_fields))
