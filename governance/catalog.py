"""The metadata catalog (``catalog.yaml``): table contracts plus business metadata.

The same file drives the warehouse DDL, the ingestion contract, the catalog tables that
metadata checks read, and the PII classes that masking uses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb
import yaml

from .paths import bundled

CATALOG_FILE = bundled("governance", "catalog.yaml")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    description: str | None = None
    pii: str = "none"
    derived: str | None = None  # SQL expression computed at load time, not read from files


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str | None = None
    owner: str | None = None
    steward: str | None = None
    source_system: str | None = None
    domain: str | None = None
    sensitivity: str | None = None
    freshness_sla_hours: float | None = None
    retention_days: int | None = None
    partition: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def input_columns(self) -> list[Column]:
        """Columns a source file provides (not derived ones)."""
        return [c for c in self.columns if c.derived is None]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def pii_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.pii != "none"]


@dataclass(frozen=True)
class Catalog:
    tables: dict[str, Table]
    lineage: list[dict[str, str]] = field(default_factory=list)
    sha256: str = ""

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            from .errors import UsageError

            raise UsageError(
                f"unknown table '{name}'; known tables: {', '.join(sorted(self.tables))}"
            ) from None

    def pii_columns(self) -> set[tuple[str, str]]:
        """(table, column) pairs classified as personal data."""
        return {(t.name, c) for t in self.tables.values() for c in t.pii_columns}


def _parse(raw: dict, sha: str) -> Catalog:
    tables: dict[str, Table] = {}
    for tname, t in (raw.get("tables") or {}).items():
        cols = tuple(
            Column(
                name=cname,
                type=str(c.get("type", "VARCHAR")).upper(),
                required=bool(c.get("required", False)),
                description=c.get("description"),
                pii=str(c.get("pii", "none")),
                derived=c.get("derived"),
            )
            for cname, c in (t.get("columns") or {}).items()
        )
        tables[tname] = Table(
            name=tname,
            columns=cols,
            key=tuple(t.get("key") or ()),
            description=t.get("description"),
            owner=t.get("owner"),
            steward=t.get("steward"),
            source_system=t.get("source_system"),
            domain=t.get("domain"),
            sensitivity=t.get("sensitivity"),
            freshness_sla_hours=t.get("freshness_sla_hours"),
            retention_days=t.get("retention_days"),
            partition=t.get("partition"),
        )
    return Catalog(tables=tables, lineage=list(raw.get("lineage") or []), sha256=sha)


def load_catalog(path: Path | None = None) -> Catalog:
    """Read and parse a catalog file (default: the bundled ``catalog.yaml``)."""
    return _load_cached(str(path or CATALOG_FILE))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Catalog:
    text = Path(path).read_bytes()
    return _parse(yaml.safe_load(text) or {}, hashlib.sha256(text).hexdigest())


def table_ddl(table: Table, name: str | None = None) -> str:
    """CREATE TABLE statement for a data table (no DB constraints: keys are contract rules)."""
    cols = ",\n  ".join(f'"{c.name}" {c.type}' for c in table.columns)
    return f'CREATE TABLE IF NOT EXISTS "{name or table.name}" (\n  {cols}\n)'


SYSTEM_DDL = [
    """CREATE TABLE IF NOT EXISTS load_audit (
        load_id VARCHAR, table_name VARCHAR, source VARCHAR, source_format VARCHAR,
        mapping VARCHAR, checksum_sha256 VARCHAR, rows_in BIGINT, rows_inserted BIGINT,
        rows_updated BIGINT, started_at TIMESTAMP, finished_at TIMESTAMP,
        outcome VARCHAR, message VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS catalog_tables (
        table_name VARCHAR, description VARCHAR, owner VARCHAR, steward VARCHAR,
        source_system VARCHAR, domain VARCHAR, sensitivity VARCHAR,
        freshness_sla_hours DOUBLE, retention_days INTEGER, key_columns VARCHAR,
        partition_column VARCHAR, catalog_sha256 VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS catalog_columns (
        table_name VARCHAR, column_name VARCHAR, ordinal INTEGER, data_type VARCHAR,
        required BOOLEAN, description VARCHAR, pii_class VARCHAR, masked BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS catalog_lineage (
        upstream VARCHAR, downstream VARCHAR, transform VARCHAR)""",
]


def create_schema(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Create every data and system table that does not exist yet."""
    for t in catalog.tables.values():
        con.execute(table_ddl(t))
    for ddl in SYSTEM_DDL:
        con.execute(ddl)


def sync_catalog(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Replace the catalog tables' contents with ``catalog`` (inside the caller's transaction)."""
    con.execute("DELETE FROM catalog_tables")
    con.execute("DELETE FROM catalog_columns")
    con.execute("DELETE FROM catalog_lineage")
    for t in catalog.tables.values():
        con.execute(
            "INSERT INTO catalog_tables VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [t.name, t.description, t.owner, t.steward, t.source_system, t.domain,
             t.sensitivity, t.freshness_sla_hours, t.retention_days, ",".join(t.key),
             t.partition, catalog.sha256],
        )
        for i, c in enumerate(t.columns, 1):
            con.execute(
                "INSERT INTO catalog_columns VALUES (?,?,?,?,?,?,?,?)",
                [t.name, c.name, i, c.type, c.required, c.description, c.pii, c.pii != "none"],
            )
    for edge in catalog.lineage:
        con.execute(
            "INSERT INTO catalog_lineage VALUES (?,?,?)",
            [edge.get("upstream"), edge.get("downstream"), edge.get("transform")],
        )
