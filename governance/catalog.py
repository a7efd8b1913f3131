"""The metadata catalog (``catalog.yaml``): table contracts plus business metadata.

The same file drives the warehouse DDL, the ingestion contract, the catalog tables that
metadata checks read, and the PII classes that masking uses.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import duckdb
from pydantic import Field, StringConstraints, field_validator, model_validator

from .config import DEFAULTS, ConfigError, Strict, load_model, resolve
from .paths import Home
from .sql_expr import SqlExpression
from .vocabulary import DIMENSION_IDS, Dimension, PiiClass

CATALOG_FILE = DEFAULTS / "catalog.yaml"

_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_TYPE = re.compile(
    r"^(VARCHAR|TEXT|BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT"
    r"|FLOAT|REAL|DOUBLE|DECIMAL\(\d+,\s*\d+\)|DATE|TIME|TIMESTAMP|TIMESTAMPTZ|INTERVAL|UUID|BLOB|JSON)$"
)
Sensitivity = Literal["public", "internal", "confidential", "restricted"]


class ColumnSpec(Strict):
    """A column of ``catalog.yaml``. ``pii`` left out means *unclassified*, not "none"."""

    type: str = "VARCHAR"
    required: bool = False
    description: str | None = None
    pii: PiiClass | None = None
    derived: SqlExpression | None = Field(None, description="SQL expression computed at load time")

    @field_validator("type")
    @classmethod
    def _known_type(cls, v: str) -> str:
        t = " ".join(v.upper().split())
        if not _TYPE.match(t):
            raise ValueError(f"unknown column type {v!r} (use a DuckDB type such as VARCHAR, BIGINT, "
                             "DOUBLE, BOOLEAN, DATE, TIMESTAMP, DECIMAL(18,2), JSON)")
        return t


class TableSpec(Strict):
    """A table of ``catalog.yaml``: its contract and its business metadata."""

    description: str | None = None
    owner: str | None = None
    steward: str | None = None
    source_system: str | None = None
    domain: str | None = None
    sensitivity: Sensitivity | None = None
    freshness_sla_hours: float | None = Field(None, gt=0)
    retention_days: int | None = Field(None, gt=0)
    key: list[str] = Field(default_factory=list)
    partition: str | None = None
    columns: dict[Annotated[str, StringConstraints(pattern=_NAME)], ColumnSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _columns_exist(self) -> TableSpec:
        for name in [*self.key, *([self.partition] if self.partition else [])]:
            if name not in self.columns:
                raise ValueError(f"key/partition column {name!r} is not one of the table's columns")
        return self


class LineageSpec(Strict):
    upstream: str
    downstream: str
    transform: str | None = None


class CatalogSpec(Strict):
    """The whole ``catalog.yaml`` file."""

    version: Literal[1] = 1
    standard_dimensions: list[Dimension] = Field(default_factory=lambda: list(DIMENSION_IDS))
    tables: dict[Annotated[str, StringConstraints(pattern=_NAME)], TableSpec] = Field(min_length=1)
    lineage: list[LineageSpec] = Field(default_factory=list)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    description: str | None = None
    pii: str | None = None  # None: unclassified
    derived: str | None = None  # SQL expression computed at load time, not read from files

    @property
    def is_pii(self) -> bool:
        return self.pii not in (None, "none")


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
        """Columns classified as personal data (unclassified ones are not listed)."""
        return [c.name for c in self.columns if c.is_pii]


@dataclass(frozen=True)
class Catalog:
    tables: dict[str, Table]
    lineage: list[dict[str, str]] = field(default_factory=list)
    sha256: str = ""
    source: str = ""

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


def _build(spec: CatalogSpec, sha: str, source: str) -> Catalog:
    tables: dict[str, Table] = {}
    for tname, t in spec.tables.items():
        cols = tuple(
            Column(name=cname, type=c.type, required=c.required, description=c.description,
                   pii=c.pii, derived=c.derived)
            for cname, c in t.columns.items()
        )
        tables[tname] = Table(
            name=tname, columns=cols, key=tuple(t.key), description=t.description, owner=t.owner,
            steward=t.steward, source_system=t.source_system, domain=t.domain,
            sensitivity=t.sensitivity, freshness_sla_hours=t.freshness_sla_hours,
            retention_days=t.retention_days, partition=t.partition,
        )
    lineage = [e.model_dump() for e in spec.lineage]
    return Catalog(tables=tables, lineage=lineage, sha256=sha, source=source)


def catalog_path(source: Home | Path | str | None = None) -> Path:
    """The catalog file for ``source``: a home (its config, else the default), a file, or the default."""
    if isinstance(source, Home):
        return resolve(source, "catalog.yaml")
    return Path(source) if source else CATALOG_FILE


def load_catalog(source: Home | Path | str | None = None) -> Catalog:
    """Read and validate the catalog of a home (or a file; default: the bundled ``catalog.yaml``)."""
    p = catalog_path(source)
    try:
        st = p.stat()
    except OSError:
        raise ConfigError(p, [("", None, "file not found")]) from None
    return _load_cached(str(p), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int) -> Catalog:
    p = Path(path)
    spec = load_model(p, CatalogSpec)
    return _build(spec, hashlib.sha256(p.read_bytes()).hexdigest(), path)


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


def stored_catalog_sha(con: duckdb.DuckDBPyConnection) -> str | None:
    """The sha256 of the catalog last synced into a warehouse (None if none or empty)."""
    try:
        row = con.execute("SELECT max(catalog_sha256) FROM catalog_tables").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def catalog_is_current(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> bool:
    """True when the warehouse holds ``catalog`` as synced now: the same file, and the same
    ``masked`` flags (they follow the masking rules, which can change without the file)."""
    from .privacy import masks_column

    if stored_catalog_sha(con) != catalog.sha256:
        return False
    stored = {(t, c): m for t, c, m in con.execute(
        "SELECT table_name, column_name, masked FROM catalog_columns").fetchall()}
    return stored == {(t.name, c.name): masks_column(t.name, c.name, catalog)
                      for t in catalog.tables.values() for c in t.columns}


def sync_catalog(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Replace the catalog tables' contents with ``catalog`` (inside the caller's transaction).

    ``pii_class`` is NULL for an unclassified column. ``masked`` is what the masking code
    really does to the column (:func:`governance.privacy.masks_column`), not its class.
    """
    from .privacy import masks_column

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
                [t.name, c.name, i, c.type, c.required, c.description, c.pii,
                 masks_column(t.name, c.name, catalog)],
            )
    for edge in catalog.lineage:
        con.execute(
            "INSERT INTO catalog_lineage VALUES (?,?,?)",
            [edge.get("upstream"), edge.get("downstream"), edge.get("transform")],
        )
