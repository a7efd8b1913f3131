"""Read a source file (CSV, Parquet, JSON Lines) into a DuckDB staging table.

Text formats are read with every column as VARCHAR (typing happens later, per column, so
that a bad value is reported by row and column instead of failing the whole read); Parquet
keeps its own column types. DuckDB reads the file directly (never a Python row loop); Python
only looks at the first records (header, delimiter) and, when needed, converts the encoding.

Row numbers are 1-based data records in file order (the header is not counted; a CSV
record may span several lines when a quoted field contains line breaks). Encoding errors are
reported by physical line and byte offset.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import duckdb

from .errors import IngestError
from .mapping import Mapping

EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
}
BOM = codecs.BOM_UTF8
DELIMITERS = (",", ";", "\t", "|")
ROW = "_shopgov_row"  # staging column holding the 1-based data row number (file order)

Execute = Callable[[str], None]


@dataclass
class Source:
    """What we know about a file before reading it all: format, columns, how to read it."""

    path: Path
    display: str
    format: str
    columns: list[str]  # column names after the mapping's renaming
    read_sql: str  # a SELECT producing exactly ``columns``
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    hint: str | None = None  # added to "missing column" errors (e.g. header looks like data)
    _tmpdir: str | None = None

    def cleanup(self) -> None:
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None


def q(name: str) -> str:
    """Quote a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """Quote a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def detect_format(path: Path, mapping: Mapping) -> str:
    if mapping.format:
        return mapping.format
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes = suffixes[:-1]
    ext = suffixes[-1] if suffixes else ""
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    hint = " (save the sheet as CSV first)" if ext in (".xls", ".xlsx", ".ods") else ""
    raise IngestError(
        str(path),
        f"cannot tell the file format from its extension '{ext or '(none)'}'{hint}; use .csv/.tsv/.txt, "
        ".parquet, .jsonl/.ndjson or .json, or set `format:` in a mapping file",
    )


def _is_gzip(path: Path) -> bool:
    return path.suffix.lower() in (".gz", ".gzip")


def _open(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")  # noqa: SIM115


def _head(path: Path, n: int) -> bytes:
    with _open(path) as f:
        return f.read(n)


def find_decode_error(path: Path, encoding: str = "utf-8") -> tuple[int, int, str] | None:
    """(line, byte offset, reason) of the first byte sequence not valid in ``encoding``, or None."""
    dec = codecs.getincrementaldecoder(encoding)("strict")
    base = 0  # bytes fed to the decoder before the current chunk
    lines = 1
    with _open(path) as f:
        while True:
            chunk = f.read(1 << 20)
            try:
                dec.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                obj = bytes(e.object)
                pending = len(obj) - len(chunk)
                offset = base - pending + e.start
                line = lines + obj[pending:max(pending, e.start)].count(b"\n")
                bad = obj[e.start:e.end][:4]
                return line, offset, f"{e.reason} (byte{'s' if len(bad) > 1 else ''} {bad.hex(' ')})"
            if not chunk:
                return None
            base += len(chunk)
            lines += chunk.count(b"\n")


def _encoding_error(display: str, path: Path, encoding: str) -> IngestError:
    found = find_decode_error(path, encoding)
    hint = (
        "declare the file's real encoding in a mapping file (e.g. `encoding: latin-1`, `cp1252` or `gbk`)"
        if codecs.lookup(encoding).name == "utf-8"
        else f"the file is not {encoding}; fix `encoding:` in the mapping"
    )
    if found is None:
        return IngestError(display, f"the file is not valid {encoding}; {hint}")
    line, offset, reason = found
    return IngestError(
        display, f"the file is not valid {encoding} at line {line} (byte offset {offset}): {reason}; {hint}"
    )


def _scratch_dir(scratch: Path | None) -> str:
    """A private folder for a converted copy of a source file: under ``scratch`` (the home's
    ``.scratch``, cleaned by the next writer if this one is killed), else the system's."""
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix="shopgov-ingest-", dir=scratch)


def _prepare_text(path: Path, display: str, mapping: Mapping, tmpdir_holder: list[str],
                  scratch: Path | None = None) -> tuple[Path, list[str]]:
    """Return a UTF-8 file DuckDB can read: the file itself, or a converted/BOM-stripped copy."""
    notes: list[str] = []
    if mapping.is_utf8:
        if _head(path, 3) != BOM:
            return path, notes
        tmpdir_holder.append(_scratch_dir(scratch))
        out = Path(tmpdir_holder[0]) / "source.utf8"
        with _open(path) as src, open(out, "wb") as dst:
            src.read(3)
            shutil.copyfileobj(src, dst, 1 << 22)
        notes.append("removed the UTF-8 byte order mark")
        return out, notes
    tmpdir_holder.append(_scratch_dir(scratch))
    out = Path(tmpdir_holder[0]) / "source.utf8"
    dec = codecs.getincrementaldecoder(mapping.encoding)("strict")
    try:
        with _open(path) as src, open(out, "wb") as dst:
            first = True
            while True:
                chunk = src.read(1 << 22)
                text = dec.decode(chunk, final=not chunk)
                if first and text.startswith("\ufeff"):
                    text = text[1:]
                first = False
                dst.write(text.encode("utf-8"))
                if not chunk:
                    break
    except UnicodeDecodeError:
        raise _encoding_error(display, path, mapping.encoding) from None
    notes.append(f"converted from {mapping.encoding} to UTF-8")
    return out, notes


def _records(text: str, delim: str, limit: int = 8) -> tuple[list[list[str]], bool]:
    """Parse up to ``limit`` CSV records from ``text``; also say whether the last one may be cut."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar='"', doublequote=True, strict=False)
    out: list[list[str]] = []
    try:
        for rec in reader:
            if rec:
                out.append(rec)
            if len(out) >= limit:
                return out, False
    except csv.Error:
        pass
    return out, True


def _sniff_delimiter(text: str, complete: bool, header: bool) -> str:
    """The candidate delimiter that splits the data records into the most, consistent fields."""
    best, best_n = ",", 1
    for d in DELIMITERS:
        recs, cut = _records(text, d)
        if cut and not complete and len(recs) > 1:
            recs = recs[:-1]
        data = recs[1:] if header and len(recs) > 1 else recs
        counts = {len(r) for r in data}
        if len(counts) == 1 and (n := counts.pop()) > best_n:
            best, best_n = d, n
    return best


def _clean_names(raw: list[str]) -> tuple[list[str], list[str]]:
    names, notes, seen = [], [], set()
    for i, n in enumerate(raw, 1):
        name = n.replace("\ufeff", "").strip() or f"column{i}"
        base, k = name, 2
        while name.lower() in seen:
            name, k = f"{base}_{k}", k + 1
        if name != base:
            notes.append(f"duplicate column name '{base}' renamed to '{name}'")
        seen.add(name.lower())
        names.append(name)
    return names, notes


def _apply_rename(names: list[str], mapping: Mapping, display: str) -> list[str]:
    if not mapping.rename:
        return names
    lower = {n.lower(): n for n in names}
    missing = [s for s in mapping.rename if s not in names and s.lower() not in lower]
    if missing:
        raise IngestError(
            display,
            f"the mapping renames column(s) {', '.join(map(repr, missing))} that the file does not have; "
            f"the file's columns are: {', '.join(names)}",
        )
    by_source = {lower.get(s.lower(), s): t for s, t in mapping.rename.items()}
    out = [by_source.get(n, n) for n in names]
    for src, tgt in by_source.items():
        clash = [n for n in names if n.lower() == tgt.lower() and n != src and n not in by_source]
        if clash:
            raise IngestError(
                display,
                f"the mapping renames '{src}' to '{tgt}' but the file already has a column '{clash[0]}'; "
                f"rename that one too (e.g. `{clash[0]}: {clash[0]}_original`)",
            )
    return out


def _struct(names: list[str]) -> str:
    return "{" + ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names) + "}"


def plan_csv(path: Path, display: str, mapping: Mapping, scratch: Path | None = None) -> Source:
    holder: list[str] = []
    readable, notes = _prepare_text(path, display, mapping, holder, scratch)
    src = Source(path=readable, display=display, format="csv", columns=[], read_sql="", notes=notes,
                 _tmpdir=holder[0] if holder else None)
    try:
        size = 1 << 16
        while True:
            raw = _head(readable, size)
            complete = len(raw) < size
            text = raw.decode("utf-8", errors="replace")
            recs, _ = _records(text, mapping.delimiter or ",", 4)
            if complete or len(recs) >= 4 or size >= 1 << 24:
                break
            size *= 4
        if not text.strip():
            raise IngestError(display, "the file is empty (no header, no rows)")
        delim = mapping.delimiter or (
            "\t" if path.name.lower().removesuffix(".gz").endswith(".tsv")
            else _sniff_delimiter(text, complete, mapping.header)
        )
        recs, _ = _records(text, delim, 2)
        first = recs[0] if recs else []
        if mapping.header and len(first) == 1 and delim in first[0]:
            # A header written as one quoted field ("a,""b"",""c""") -- Excel/pandas double
            # quoting; its data rows are normal. Split it so the columns keep their names.
            inner, _ = _records(first[0], delim, 1)
            if inner and len(inner[0]) > 1 and (len(recs) < 2 or len(recs[1]) == len(inner[0])):
                first = inner[0]
                notes.append("the header row was one quoted field; split it into column names")
        if mapping.names:
            if len(mapping.names) != len(first):
                raise IngestError(
                    display,
                    f"the mapping names {len(mapping.names)} columns but the first "
                    f"{'row' if not mapping.header else 'header row'} has {len(first)} fields "
                    f"(delimiter {delim!r})",
                )
            names = list(mapping.names)
        elif mapping.header:
            names, more = _clean_names(first)
            notes.extend(more)
            if any(_NUMBER.match(n) for n in names):
                src.hint = (
                    "The first row looks like data, not a header: if the file has no header row, set "
                    "`header: false` and name its columns with `columns: [...]` in a mapping file."
                )
        else:
            names = [f"column{i}" for i in range(1, len(first) + 1)]
        names = _apply_rename(names, mapping, display)
        src.columns, src.delimiter = names, delim
        compression = ", compression='gzip'" if readable == path and _is_gzip(path) else ""
        src.read_sql = (
            f"SELECT * FROM read_csv({lit(str(readable))}, header={'true' if mapping.header else 'false'}, "
            f"auto_detect=false, delim={lit(delim)}, quote='\"', escape='\"', columns={_struct(names)}, "
            f"strict_mode=true, null_padding=false, max_line_size=16777216{compression})"
        )
        return src
    except BaseException:
        src.cleanup()
        raise


def plan_parquet(con: duckdb.DuckDBPyConnection, path: Path, display: str, mapping: Mapping) -> Source:
    reader = f"read_parquet({lit(str(path))})"
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    except duckdb.Error as e:
        raise IngestError(display, f"not a readable Parquet file (truncated or corrupt?): {first_line(e)}") from None
    names = _apply_rename(cols, mapping, display)
    select = ", ".join(f"{q(a)} AS {q(b)}" if a != b else q(a) for a, b in zip(cols, names, strict=True))
    return Source(path=path, display=display, format="parquet", columns=names,
                  read_sql=f"SELECT {select} FROM {reader}")


def plan_json(con: duckdb.DuckDBPyConnection, path: Path, display: str, mapping: Mapping, fmt: str,
              scratch: Path | None = None) -> Source:
    holder: list[str] = []
    readable, notes = _prepare_text(path, display, mapping, holder, scratch)
    src = Source(path=readable, display=display, format=fmt, columns=[], read_sql="", notes=notes,
                 _tmpdir=holder[0] if holder else None)
    try:
        jfmt = "newline_delimited" if fmt == "jsonl" else "auto"
        try:
            keys = [r[0] for r in con.execute(
                f"SELECT DISTINCT unnest(json_keys(json)) FROM read_json_objects({lit(str(readable))}, format={lit(jfmt)})"
            ).fetchall()]
        except duckdb.Error as e:
            raise _json_error(display, readable, fmt, e) from None
        if not keys:
            raise IngestError(display, "the file is empty (no JSON objects with fields)")
        keys.sort()
        names = _apply_rename(keys, mapping, display)
        select = ", ".join(f"{q(a)} AS {q(b)}" if a != b else q(a) for a, b in zip(keys, names, strict=True))
        src.columns = names
        src.read_sql = (
            f"SELECT {select} FROM read_json({lit(str(readable))}, format={lit(jfmt)}, "
            f"columns={_struct(keys)}, maximum_object_size=67108864)"
        )
        return src
    except BaseException:
        src.cleanup()
        raise


def first_line(e: BaseException) -> str:
    """The first line of an error message, without DuckDB's "Xxx Error: " prefix."""
    msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return re.sub(r"^[A-Za-z ]+ Error: ", "", msg)


def _json_error(display: str, path: Path, fmt: str, e: duckdb.Error) -> IngestError:
    """Locate the first bad JSON record ourselves (DuckDB's line numbers are not reliable)."""
    import json

    if "unicode" in str(e).lower() or "utf-8" in str(e).lower():
        return _encoding_error(display, path, "utf-8")
    if fmt == "jsonl":
        with _open(path) as f:
            for lineno, raw in enumerate(f, 1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except UnicodeDecodeError:
                    return _encoding_error(display, path, "utf-8")
                except json.JSONDecodeError as je:
                    cut = not raw.endswith(b"\n")
                    why = "the file looks truncated (last line cut off)" if cut else "malformed JSON"
                    return IngestError(display, f"line {lineno}: {why}: {je.msg} (column {je.colno})")
                if not isinstance(obj, dict):
                    return IngestError(display, f"line {lineno}: expected a JSON object per line, got {type(obj).__name__}")
    return IngestError(display, f"not readable as JSON: {first_line(e)}")


_LINE = re.compile(r"CSV Error on Line: (\d+)")
_NUMBER = re.compile(r"^[-+]?\d+([.,]\d+)?$")


def csv_error(src: Source, header: bool, e: duckdb.Error) -> IngestError:
    """Turn a DuckDB CSV reader error into a message naming the row and what to do."""
    text = str(e)
    m = _LINE.search(text)
    row = int(m.group(1)) - (1 if header else 0) if m else None
    if "Invalid unicode" in text or "not utf-8 encoded" in text:
        return _encoding_error(src.display, src.path, "utf-8")
    if "unterminated quote" in text:
        msg = ("a quoted field is never closed: the file looks truncated (cut inside a quoted field) "
               "or has a stray double quote")
    elif (cm := re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)):
        exp, found = int(cm.group(1)), int(cm.group(2))
        msg = (f"expected {exp} fields but found {found} (delimiter {src.delimiter!r}); "
               + ("the last row looks truncated" if found < exp else "check the delimiter and quoting"))
    elif "Maximum line size" in text:
        msg = "a record is longer than 16 MB: check the quoting (an unclosed quote swallows the file)"
    else:
        msg = first_line(e)
    om = re.search(r"Original Line: (.*?)\n(?:Expected|Value with|Invalid|Possible|Maximum)", text, re.DOTALL)
    if om and om.group(1).strip():
        from .privacy import scrub_text  # messages end up in logs and the audit table

        line = scrub_text(" ".join(om.group(1).split()))
        msg += f" — the record reads: {line[:80] + '...' if len(line) > 80 else line}"
    problems = [(row, None, msg)] if row is not None else []
    return IngestError(src.display, f"cannot parse the CSV file: {msg}" if row is None else "cannot parse the CSV file",
                       problems)


def plan_source(con: duckdb.DuckDBPyConnection, path: Path, display: str, mapping: Mapping,
                scratch: Path | None = None) -> Source:
    """Inspect ``path`` (existence, emptiness, format, header/schema) without reading it all.

    A converted copy of a text file (other encoding, BOM) goes into ``scratch``."""
    if not path.exists():
        raise IngestError(display, "file not found")
    if path.is_dir():
        raise IngestError(display, "is a folder, not a file")
    if path.stat().st_size == 0:
        raise IngestError(display, "the file is empty (0 bytes)")
    fmt = detect_format(path, mapping)
    if fmt == "parquet":
        return plan_parquet(con, path, display, mapping)
    if fmt in ("jsonl", "json"):
        return plan_json(con, path, display, mapping, fmt, scratch)
    return plan_csv(path, display, mapping, scratch)


def stage(con: duckdb.DuckDBPyConnection, src: Source, name: str, mapping: Mapping,
          execute: Execute | None = None) -> int:
    """Materialize ``src`` as TEMP table ``name`` with the 1-based row number in column ``ROW``."""
    sql = f"CREATE OR REPLACE TEMP TABLE {q(name)} AS SELECT row_number() OVER () AS {ROW}, * FROM ({src.read_sql})"
    try:
        (execute or con.execute)(sql)
    except duckdb.Error as e:
        if src.format == "csv":
            raise csv_error(src, mapping.header, e) from None
        if src.format in ("jsonl", "json"):
            raise _json_error(src.display, src.path, src.format, e) from None
        raise IngestError(src.display, f"not a readable Parquet file (truncated or corrupt?): {first_line(e)}") from None
    rows = con.execute(f"SELECT count(*) FROM {q(name)}").fetchone()[0]
    if rows == 0:
        if src.format == "csv" and mapping.header:
            raise IngestError(src.display, "the file has a header row but no data rows")
        raise IngestError(src.display, "the file has no data rows")
    return rows
