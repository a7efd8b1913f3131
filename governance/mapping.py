"""Mapping files: how to read an export whose layout differs from the table contract.

A mapping is a small YAML file (all keys optional)::

    format: csv              # csv | parquet | jsonl | json (default: from the file extension)
    delimiter: ";"           # CSV only: one character, or "tab" (default: detected from the header)
    header: true             # CSV only: false when the file has no header row
    encoding: utf-8          # CSV/JSON: utf-8 (default; a BOM is fine) or any Python codec
                             # (latin-1, cp1252, gbk, gb18030, shift_jis ...), converted to UTF-8
    columns:                 # rename source columns: {source name: new name} ...
      uniq_id: product_id
    # ... or, for a file without header, a list naming its columns in order:
    # columns: [user_id, item_id, category_id, behavior, unix_ts]
    constants:               # target column -> fixed value for every row
      seller_id: walmart
    transforms:              # target column -> DuckDB SQL expression over the (renamed) source columns
      ts: to_timestamp(CAST(unix_ts AS BIGINT))
      event_type: "CASE behavior WHEN 'pv' THEN 'view' WHEN 'buy' THEN 'purchase' ELSE behavior END"
    defaults:                # target column -> value used where the resolved value is null or empty
      currency: USD
    deduplicate: false       # true: drop rows identical (in every loaded column) to an earlier row;
                             # rows that share a key but differ still fail the load

For every column of the target table the value is, in this order: its transform, its
constant, the source column of the same name (after renaming; matched case-insensitively),
else NULL; then its default fills nulls. The result is cast to the contract type, and every
value that does not convert is reported by row and column. Source columns that feed no
target column are ignored and listed in the load result.
"""

from __future__ import annotations

import codecs
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import IngestError

FORMATS = ("csv", "parquet", "jsonl", "json")
KEYS = ("format", "delimiter", "header", "encoding", "columns", "constants", "transforms", "defaults",
        "deduplicate")


@dataclass(frozen=True)
class Mapping:
    """A parsed, validated mapping (see the module docstring for the file format)."""

    format: str | None = None
    delimiter: str | None = None
    header: bool = True
    encoding: str = "utf-8"
    rename: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] | None = None  # positional column names (``columns:`` given as a list)
    constants: dict[str, Any] = field(default_factory=dict)
    transforms: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    deduplicate: bool = False
    source: str | None = None  # the mapping file, for messages and the audit log
    sha256: str | None = None

    @property
    def is_utf8(self) -> bool:
        return codecs.lookup(self.encoding).name == "utf-8"

    def describe(self) -> str:
        """How the audit log records this mapping: the file and its hash, or the inline spec."""
        if self.source:
            return json.dumps({"file": self.source, "sha256": self.sha256})
        spec = {k: v for k, v in self.as_spec().items()
                if v not in (None, {}, []) and (k, v) not in (("header", True), ("encoding", "utf-8"), ("deduplicate", False))}
        return json.dumps(spec, ensure_ascii=False, default=str)

    def as_spec(self) -> dict[str, Any]:
        return {
            "format": self.format, "delimiter": self.delimiter, "header": self.header,
            "encoding": self.encoding, "columns": list(self.names) if self.names else dict(self.rename),
            "constants": self.constants, "transforms": self.transforms, "defaults": self.defaults,
            "deduplicate": self.deduplicate,
        }


NO_MAPPING = Mapping()


def _fail(where: str, message: str) -> IngestError:
    return IngestError(where, f"invalid mapping: {message}")


def parse_mapping(raw: Any, where: str = "<mapping>", sha256: str | None = None,
                  source: str | None = None) -> Mapping:
    """Validate a mapping given as a dict (e.g. from YAML); errors name ``where``."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _fail(where, "expected a YAML mapping of keys (format, columns, transforms ...)")
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(KEYS)}")
    fmt = raw.get("format")
    if fmt is not None:
        fmt = str(fmt).lower().replace("ndjson", "jsonl")
        if fmt not in FORMATS:
            raise _fail(where, f"format {raw['format']!r} is not one of {', '.join(FORMATS)}")
    delim = raw.get("delimiter")
    if delim is not None:
        delim = {"tab": "\t", "\\t": "\t"}.get(str(delim).lower(), str(delim))
        if len(delim) != 1:
            raise _fail(where, f"delimiter must be one character or 'tab', not {raw['delimiter']!r}")
    header = raw.get("header", True)
    if not isinstance(header, bool):
        raise _fail(where, f"header must be true or false, not {header!r}")
    dedup = raw.get("deduplicate", False)
    if not isinstance(dedup, bool):
        raise _fail(where, f"deduplicate must be true or false, not {dedup!r}")
    encoding = str(raw.get("encoding") or "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise _fail(where, f"unknown encoding {encoding!r} (try utf-8, latin-1, cp1252, gbk, gb18030)") from None
    cols = raw.get("columns")
    rename: dict[str, str] = {}
    names: tuple[str, ...] | None = None
    if isinstance(cols, list):
        names = tuple(str(c).strip() for c in cols)
        if len(set(names)) != len(names) or any(not n for n in names):
            raise _fail(where, "columns: the list of column names must be non-empty and unique")
    elif isinstance(cols, dict):
        rename = {str(k): str(v) for k, v in cols.items()}
        if len(set(rename.values())) != len(rename):
            raise _fail(where, "columns: two source columns are renamed to the same name")
    elif cols is not None:
        raise _fail(where, "columns must be a {source: new name} map or a list of names")
    if not header and cols is not None and names is None:
        raise _fail(where, "with header: false, columns must be a list naming the file's columns in order")
    sections = {}
    for key in ("constants", "transforms", "defaults"):
        val = raw.get(key) or {}
        if not isinstance(val, dict):
            raise _fail(where, f"{key} must be a map of target column -> value")
        sections[key] = {str(k): v for k, v in val.items()}
    for target, expr in sections["transforms"].items():
        if not isinstance(expr, str) or not expr.strip():
            raise _fail(where, f"transforms: the expression for {target!r} must be a non-empty SQL string")
    return Mapping(
        format=fmt, delimiter=delim, header=header, encoding=encoding, rename=rename, names=names,
        constants=sections["constants"], transforms=sections["transforms"],
        defaults=sections["defaults"], deduplicate=dedup, source=source, sha256=sha256,
    )


def load_mapping(spec: Mapping | dict | str | Path | None) -> Mapping:
    """A :class:`Mapping` from a file path, a dict, an existing mapping or None (no mapping)."""
    if spec is None:
        return NO_MAPPING
    if isinstance(spec, Mapping):
        return spec
    if isinstance(spec, dict):
        return parse_mapping(spec)
    path = Path(spec)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(str(path), "mapping file not found") from None
    except OSError as e:
        raise IngestError(str(path), f"cannot read mapping file: {e.strerror or e}") from None
    try:
        raw = yaml.safe_load(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        raise _fail(str(path), f"not valid UTF-8 YAML: {e}") from None
    return parse_mapping(raw, str(path), hashlib.sha256(data).hexdigest(), str(path.resolve()))


def check_targets(mapping: Mapping, columns: list[str], table: str) -> None:
    """Every constant/transform/default must name a column of the target table."""
    where = mapping.source or "<mapping>"
    for key in ("constants", "transforms", "defaults"):
        bad = sorted(set(getattr(mapping, key)) - set(columns))
        if bad:
            raise _fail(
                where,
                f"{key} name(s) {', '.join(map(repr, bad))} that table '{table}' does not have; "
                f"its columns are: {', '.join(columns)}",
            )


def sql_literal(value: Any) -> str:
    """A Python or YAML scalar as a DuckDB SQL literal (strings with ``'`` doubled)."""
    import math
    from datetime import date, datetime
    from decimal import Decimal

    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float | Decimal) and not math.isfinite(value):
            return f"CAST('{value}' AS DOUBLE)"  # nan, inf, -inf
        return str(value) if isinstance(value, Decimal) else repr(value)
    if isinstance(value, datetime):
        kind = "TIMESTAMPTZ" if value.tzinfo else "TIMESTAMP"
        return f"{kind} '{value.isoformat(sep=' ', timespec='microseconds' if value.microsecond else 'seconds')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return "'" + str(value).replace("'", "''") + "'"
