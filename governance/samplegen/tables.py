"""Arrow schemas from the catalog contract, and small helpers to build/write tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from governance.catalog import load_catalog

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "JSON": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
}


def arrow_schema(table: str) -> pa.Schema:
    """The Parquet schema of a sample file: the catalog's input columns, in catalog order."""
    t = load_catalog().tables[table]
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in t.input_columns])


def build_table(table: str, columns: dict[str, Any]) -> pa.Table:
    """A table with exactly the catalog's columns (missing ones raise KeyError)."""
    schema = arrow_schema(table)
    arrays = []
    for field in schema:
        col = columns[field.name]
        arrays.append(col.cast(field.type) if isinstance(col, pa.Array | pa.ChunkedArray)
                      else pa.array(col, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def write_table(tbl: pa.Table, path: Path) -> None:
    pq.write_table(tbl, path, compression="zstd", row_group_size=1_000_000)
