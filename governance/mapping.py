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

from pydantic import Field, ValidationError, field_validator, model_validator

from .config import ConfigError, Strict, load_model, resolve, validation_problems
from .errors import IngestError
from .paths import Home
from .sql_expr import SqlExpression

FORMATS = ("csv", "parquet", "jsonl", "json")


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


class MappingSpec(Strict):
    """A mapping file (see the module docstring); every key is optional."""

    format: str | None = None
    delimiter: str | None = None
    header: bool = True
    encoding: str = "utf-8"
    columns: dict[str, str] | list[str] | None = None
    constants: dict[str, Any] = Field(default_factory=dict)
    transforms: dict[str, SqlExpression] = Field(default_factory=dict)  # one expression each
    defaults: dict[str, Any] = Field(default_factory=dict)
    deduplicate: bool = False

    @field_validator("format")
    @classmethod
    def _format(cls, v: str | None) -> str | None:
        if v is None:
            return None
        fmt = str(v).lower().replace("ndjson", "jsonl")
        if fmt not in FORMATS:
            raise ValueError(f"format {v!r} is not one of {', '.join(FORMATS)}")
        return fmt

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, v: str | None) -> str | None:
        if v is None:
            return None
        d = {"tab": "\t", "\\t": "\t"}.get(str(v).lower(), str(v))
        if len(d) != 1:
            raise ValueError(f"delimiter must be one character or 'tab', not {v!r}")
        return d

    @field_validator("encoding", mode="before")
    @classmethod
    def _encoding(cls, v: Any) -> str:
        enc = str(v or "utf-8")
        try:
            codecs.lookup(enc)
        except LookupError:
            raise ValueError(f"unknown encoding {enc!r} (try utf-8, latin-1, cp1252, gbk, gb18030)") from None
        return enc

    @field_validator("columns")
    @classmethod
    def _columns(cls, v: dict[str, str] | list[str] | None) -> dict[str, str] | list[str] | None:
        if isinstance(v, list):
            names = [str(c).strip() for c in v]
            if len(set(names)) != len(names) or any(not n for n in names):
                raise ValueError("the list of column names must be non-empty and unique")
            return names
        if isinstance(v, dict) and len(set(v.values())) != len(v):
            raise ValueError("two source columns are renamed to the same name")
        return v

    @field_validator("transforms")
    @classmethod
    def _transforms(cls, v: dict[str, str]) -> dict[str, str]:
        for target, expr in v.items():
            if not expr.strip():
                raise ValueError(f"the expression for {target!r} must be a non-empty SQL string")
        return v

    @model_validator(mode="after")
    def _headerless(self) -> MappingSpec:
        if not self.header and self.columns is not None and not isinstance(self.columns, list):
            raise ValueError("with header: false, columns must be a list naming the file's columns in order")
        return self


def _from_spec(spec: MappingSpec, sha256: str | None, source: str | None) -> Mapping:
    cols = spec.columns
    return Mapping(
        format=spec.format, delimiter=spec.delimiter, header=spec.header, encoding=spec.encoding,
        rename={str(k): str(v) for k, v in cols.items()} if isinstance(cols, dict) else {},
        names=tuple(cols) if isinstance(cols, list) else None,
        constants={str(k): v for k, v in spec.constants.items()},
        transforms={str(k): v for k, v in spec.transforms.items()},
        defaults={str(k): v for k, v in spec.defaults.items()},
        deduplicate=spec.deduplicate, source=source, sha256=sha256,
    )


def parse_mapping(raw: Any, where: str = "<mapping>", sha256: str | None = None,
                  source: str | None = None) -> Mapping:
    """Validate a mapping given as a dict (e.g. from YAML); errors name ``where`` and the key."""
    try:
        spec = MappingSpec.model_validate(raw if raw is not None else {})
    except ValidationError as e:
        raise ConfigError(where, validation_problems(e, None)) from None
    return _from_spec(spec, sha256, source)


def mapping_path(spec: str | Path, home: Home | None = None) -> Path:
    """A mapping given on the command line: a file path, or the name of one in ``config/mappings/``."""
    path = Path(spec)
    if path.exists() or home is None or path.suffix not in ("", ".yaml", ".yml") or len(path.parts) > 1:
        return path
    folder = resolve(home, "mappings")
    for cand in (folder / path.name, folder / f"{path.name}.yaml"):
        if cand.is_file():
            return cand
    return path


def load_mapping(spec: Mapping | dict | str | Path | None, home: Home | None = None) -> Mapping:
    """A :class:`Mapping` from a file path (or a name in the home's ``config/mappings/``), a dict,
    an existing mapping or None (no mapping)."""
    if spec is None:
        return NO_MAPPING
    if isinstance(spec, Mapping):
        return spec
    if isinstance(spec, dict):
        return parse_mapping(spec)
    path = mapping_path(spec, home)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(str(path), "mapping file not found") from None
    except OSError as e:
        raise IngestError(str(path), f"cannot read mapping file: {e.strerror or e}") from None
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(path, [("", None, f"not valid UTF-8: {e}")]) from None
    spec_ = load_model(path, MappingSpec)
    return _from_spec(spec_, hashlib.sha256(data).hexdigest(), str(path.resolve()))


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
