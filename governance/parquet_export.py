"""The warehouse as Parquet files (``shopgov export warehouse --parquet DIR``), for other engines.

Layout of ``DIR``::

    manifest.json                   tables, row counts, columns, config fingerprint
    products.parquet                one file per table ...
    events/day=2024-06-30/*.parquet ... except tables with a catalog partition column
                                    (events: event_date), written hive style by day

The partition files keep every column (``event_date`` too); ``day`` only names the folder.
A NULL partition value goes to ``day=__HIVE_DEFAULT_PARTITION__`` (Spark's and Hive's name).
The export is a plain copy of the warehouse (no pseudonyms): it needs the same care as
``warehouse.duckdb`` itself, and an encrypted home refuses it unless ``plaintext=True``.

The folder is written next to ``DIR`` and renamed into place, so ``DIR`` holds one complete
export or the previous one; a ``DIR`` that exists must be empty or an earlier export.
Reading back: :func:`read_manifest` (validated), :func:`ingest_items` (the files as
``(table, path)`` pairs for :func:`governance.ingest.ingest_files`) and ``shopgov check
--engine spark --source DIR`` (:mod:`governance.spark_engine`).
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from .catalog import load_catalog
from .config import Strict, fingerprint, validation_problems
from .errors import ShopgovError, UsageError
from .paths import Home
from .warehouse import connect_read, sql_string

MANIFEST = "manifest.json"
FORMAT = "shopgov-parquet"
PARTITION_DIR = "day"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


class ColumnSpec(Strict):
    name: str
    type: str


class TableEntry(Strict):
    """One table of an export: where its files are and how many rows they hold."""

    path: str = Field(description="file (one table, one file) or folder (partitioned) under DIR")
    rows: int = Field(ge=0)
    columns: list[ColumnSpec]
    partition_column: str | None = None  # the table column the day= folders are made from


class Manifest(Strict):
    format: Literal["shopgov-parquet"]
    version: Literal[1]
    created_at: str
    source: str
    config_sha256: str
    tables: dict[str, TableEntry]


@dataclass(frozen=True)
class ParquetExport:
    folder: Path
    manifest: Manifest

    @property
    def rows(self) -> dict[str, int]:
        return {t: e.rows for t, e in self.manifest.tables.items()}


def _check_target(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--parquet {folder}: is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MANIFEST).is_file():
        raise UsageError(f"--parquet {folder}: the folder is not empty and holds no earlier export "
                         f"({MANIFEST}); give an empty or new folder")


def export_parquet(home: Home, folder: Path, *, plaintext: bool = False) -> ParquetExport:
    """Write every warehouse table under ``folder`` (see the module docstring)."""
    from .encryption import is_encrypted

    folder = Path(folder).expanduser().resolve()
    _check_target(folder)
    if not home.warehouse.exists():
        raise ShopgovError(f"no warehouse at {home.warehouse}; run `shopgov init` first")
    if is_encrypted(home.root) and not plaintext:
        raise UsageError(f"the home {home.root} is encrypted and Parquet files are not: pass --plaintext "
                         "to write its tables unencrypted anyway")
    catalog = load_catalog(home)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f".{folder.name}.tmp-{uuid.uuid4().hex[:8]}")
    tmp.mkdir()
    con = connect_read(home.warehouse)
    try:
        con.execute("SET TimeZone = 'UTC'")
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name").fetchall()]
        tables: dict[str, TableEntry] = {}
        for name in names:
            cols = [ColumnSpec(name=c, type=str(t)) for c, t in con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
                "AND table_name = ? ORDER BY column_index", [name]).fetchall()]
            rel = '"' + name.replace('"', '""') + '"'
            part = getattr(catalog.tables.get(name), "partition", None)
            if part and part in {c.name for c in cols} and PARTITION_DIR not in {c.name for c in cols}:
                target = tmp / name
                pcol = '"' + part.replace('"', '""') + '"'
                con.execute(f"COPY (SELECT *, coalesce(CAST({pcol} AS VARCHAR), '{NULL_PARTITION}') AS {PARTITION_DIR} "
                            f"FROM {rel}) TO {sql_string(str(target))} "
                            f"(FORMAT parquet, PARTITION_BY ({PARTITION_DIR}), WRITE_PARTITION_COLUMNS false)")
                path = name
            else:
                path, part = f"{name}.parquet", None
                con.execute(f"COPY {rel} TO {sql_string(str(tmp / path))} (FORMAT parquet)")
            rows = int(con.execute(f"SELECT count(*) FROM {rel}").fetchone()[0])
            tables[name] = TableEntry(path=path, rows=rows, columns=cols, partition_column=part)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        con.close()
    manifest = Manifest(format=FORMAT, version=1, created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                        source=str(home.warehouse), config_sha256=fingerprint(home), tables=tables)
    (tmp / MANIFEST).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    _swap(tmp, folder)
    return ParquetExport(folder, manifest)


def _swap(tmp: Path, folder: Path) -> None:
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old-{uuid.uuid4().hex[:8]}")
        folder.rename(old)
    tmp.rename(folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_manifest(folder: Path) -> Manifest:
    """The validated manifest of an export in ``folder`` (usage error naming the file if not)."""
    path = Path(folder) / MANIFEST
    if not Path(folder).is_dir():
        raise UsageError(f"--source {folder}: no such folder (write one with `shopgov export warehouse --parquet DIR`)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: not found; is {folder} a `shopgov export warehouse --parquet` folder?") from None
    except (OSError, ValueError) as e:
        raise UsageError(f"{path}: cannot read: {e}") from None
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as e:
        problems = validation_problems(e, None)
        raise UsageError("\n".join(f"{path}: {k}: {m}" if k else f"{path}: {m}" for k, _, m in problems[:10])) from None
    for name, entry in manifest.tables.items():
        if not (Path(folder) / entry.path).exists():
            raise UsageError(f"{path}: tables.{name}.path: {entry.path} is missing under {folder}")
    return manifest


def table_files(folder: Path, entry: TableEntry) -> list[Path]:
    """The Parquet files of one table of an export (sorted)."""
    target = Path(folder) / entry.path
    return sorted(target.rglob("*.parquet")) if target.is_dir() else [target]


def ingest_items(folder: Path, tables: list[str] | None = None) -> list[tuple[str, Path]]:
    """``(table, file)`` pairs for :func:`governance.ingest.ingest_files` (the round trip)."""
    manifest = read_manifest(folder)
    return [(name, f) for name, entry in manifest.tables.items() if tables is None or name in tables
            for f in table_files(folder, entry)]
