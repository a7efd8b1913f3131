"""Personal data in the warehouse and in files: scan, classify columns, keep findings.

* :func:`scan_warehouse` runs :mod:`governance.pii_scan` over every text and JSON column of
  the catalogued tables (each distinct value once; a column with more than
  :data:`SAMPLE_VALUES` values is sampled, see :func:`sample_filter`) and returns one :class:`ColumnScan` per column.
* :func:`classify_columns` suggests a PII class for every column from its name and sampled
  values and compares it with the catalog: a column the catalog leaves unclassified, or marks
  ``none`` while its name or most of its values say it identifies people, is reported.
* :func:`store_findings` keeps ``results.pii_findings`` up to date: one row per (table,
  column, kind) with the number of values holding it. A finding's id is stable, so a status
  set by a person (``accepted``) survives later scans; a finding no longer seen becomes
  ``resolved`` and one seen again after that is ``open`` again.
* :func:`check_outcomes` is what ``shopgov check`` adds to its run: the scan, the stored
  findings, and two metadata results (``catalog_columns.pii.content_classified``: columns
  whose content contradicts the catalog; ``catalog_columns.pii.no_open_findings``: text
  columns with open critical findings), so the check report, Data Docs-free JSON and the
  maturity evidence see them.
* :func:`scan_file` is ``shopgov pii``: one row per finding of a CSV/JSONL/Parquet file.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalog import Catalog
from .errors import ShopgovError, UsageError
from .paths import Home
from .pii_scan import SEVERITY, excerpt, scan, sql_candidate
from .privacy import NAME_RULES
from .results_schema import ensure_table
from .rule_sql import quote_ident
from .warehouse import apply_settings, atomic_write, check_settings, connect_read

if TYPE_CHECKING:
    from .checks import ExpectationOutcome

#: The metadata results a check run gains from the scan (besides the suites' own rules).
EXPECTATION_IDS = ("catalog_columns.pii.content_classified", "catalog_columns.pii.no_critical_in_text")
#: Values scanned per column at most (a larger column is sampled).
SAMPLE_VALUES = 200_000
SAMPLE_SEED = 20181001  # a fixed seed: the same file gives the same sample, so findings do not flicker
VECTOR = 2048  # rows per DuckDB vector: the unit a sample keeps or skips
#: Share of a column's values that must *be* one kind of personal data for the column to
#: be classified by its content (free text with the odd phone number stays ``none``).
CONTENT_SHARE = 0.5
#: Suggested PII class of a column made of values of each kind.
KIND_CLASS = {"email": "direct", "phone": "direct", "id-number": "direct", "bank-card": "direct",
              "wechat": "direct", "qq": "direct", "address": "direct", "url-token": "direct",
              "ip": "indirect"}
_TEXT_TYPES = ("VARCHAR", "JSON")
_NAME_HINTS = [
    (("id_number", "id_card", "idcard", "passport", "wechat", "qq_", "address", "card_no", "iban"), "direct"),
    (("ip_address", "client_ip", "device_id"), "indirect"),
]


@dataclass
class ColumnScan:
    """What the scanner found in one column: values holding each kind, values that are one."""

    table: str
    column: str
    scanned: int = 0  # non-null values scanned
    sampled: bool = False
    holding: Counter = field(default_factory=Counter)  # kind -> values containing it
    whole: Counter = field(default_factory=Counter)  # kind -> values that are exactly it
    example: dict[str, str] = field(default_factory=dict)  # kind -> masked excerpt


@dataclass
class Classification:
    """A column's catalog class next to the class its name and values suggest."""

    table: str
    column: str
    catalog: str | None
    suggested: str
    reason: str
    problem: str | None  # None | 'unclassified' | 'misclassified'


def _scan_values(rows: list[tuple[Any, int]], cs: ColumnScan) -> None:
    for value, n in rows:
        if value is None:
            continue
        text = str(value)
        cs.scanned += n
        found = scan(text)
        for kind in {f.kind for f in found}:
            cs.holding[kind] += n
            if kind not in cs.example:
                first = next(f for f in found if f.kind == kind)
                cs.example[kind] = excerpt(text, first, found)
        stripped = text.strip()
        if len(found) == 1 and text[found[0].start:found[0].end].strip() == stripped:
            cs.whole[found[0].kind] += n


class ScanStopped(ShopgovError):
    """The scan was asked to stop (the check run it served failed)."""


def _check_stop(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise ScanStopped("the personal-data scan was stopped")


def sample_filter(stride: int) -> str:
    """A ``WHERE`` term keeping about one in ``stride`` of a table's rows, or ``true``.

    Whole vectors of :data:`VECTOR` rows are kept or skipped by a hash of their position
    (``rowid``) and :data:`SAMPLE_SEED`, so DuckDB reads only the vectors it keeps, on every
    thread, and the same file always gives the same sample (rows appended later leave the
    earlier ones' choice alone). DuckDB's own seeded ``TABLESAMPLE`` is repeatable on one
    thread only, and setting ``threads`` is global to a file's instance: it slowed the
    check queries that run next to the scan.
    """
    if stride <= 1:
        return "true"
    return f"hash(rowid // {VECTOR} + {SAMPLE_SEED}) % {stride} = 0"


def _plan(con: Any, table: str, columns: list[str], limit: int) -> dict[str, int]:
    """Each column's sampling stride: 1 (every value) for a column with up to ``limit``
    non-null values, else about ``values / limit``.

    A table of up to ``limit`` rows needs no counting; a larger one is counted on a probe
    sample of about ``limit`` rows (counting whole columns of 10M events took ~1 s, the scan
    itself a fifth of that), and a sparse column found there is then read whole.
    """
    rows = con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchone()[0]  # from metadata
    if rows <= limit:
        return dict.fromkeys(columns, 1)
    probe = -(-rows // limit)
    counts = con.execute(f"SELECT count(*), {', '.join(f'count({quote_ident(c)})' for c in columns)} "
                         f"FROM {quote_ident(table)} WHERE {sample_filter(probe)}").fetchone()
    seen = max(int(counts[0]), 1)
    out = {}
    for column, n in zip(columns, counts[1:], strict=True):
        values = int(n) * rows / seen  # the column's non-null values, estimated
        out[column] = 1 if values <= limit else max(2, round(values / limit))
    return out


def scan_warehouse(home: Home, catalog: Catalog, limit: int = SAMPLE_VALUES,
                   stop: threading.Event | None = None) -> list[ColumnScan]:
    """Scan every text/JSON column of every catalogued table in the warehouse.

    Safe to run in a thread next to a check run on the same file: it reads through its own
    connection and changes no setting of the shared DuckDB instance but the check memory cap
    that the check run sets too. Once ``stop`` is set it raises :class:`ScanStopped` before
    its next query.
    """
    if not home.warehouse.exists():
        raise ShopgovError(f"no warehouse at {home.warehouse}; run `shopgov init` first")
    con = connect_read(home.warehouse)
    apply_settings(con, check_settings())  # DuckDB would otherwise cache the blocks it read, GBs at 100M events
    try:
        cols = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND data_type IN (SELECT unnest(?)) ORDER BY table_name, column_index",
            [list(_TEXT_TYPES)]).fetchall()
        by_table: dict[str, list[str]] = {}
        for table, column in cols:
            if table in catalog.tables:
                by_table.setdefault(table, []).append(column)
        views = {v for (v,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        out = []
        for table, columns in by_table.items():
            _check_stop(stop)
            # a view has no rowid to sample by: read whole (shopgov writes none; a team's home may)
            plan = dict.fromkeys(columns, 1) if table in views else _plan(con, table, columns, limit)
            scans = {c: ColumnScan(table, c, sampled=plan[c] > 1) for c in columns}
            for stride in sorted(set(plan.values())):  # one pass per sampling rate, over all its columns
                _check_stop(stop)
                chosen = [quote_ident(c) for c in columns if plan[c] == stride]
                # values in which scan() cannot find anything are only counted (NULL group);
                # UNPIVOT leaves out NULLs, so every column's non-null values are counted
                values = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in chosen)
                present = " OR ".join(f"{c} IS NOT NULL" for c in chosen)
                rows = con.execute(
                    f"SELECT col, CASE WHEN {sql_candidate('v')} THEN v END, count(*) FROM (UNPIVOT (SELECT {values} "
                    f"FROM {quote_ident(table)} WHERE ({present}) AND {sample_filter(stride)}) ON {', '.join(chosen)} "
                    "INTO NAME col VALUE v) GROUP BY ALL").fetchall()
                by_column: dict[str, list[tuple[Any, int]]] = {}
                for column, value, n in rows:
                    by_column.setdefault(column, []).append((value, n))
                for column, found in by_column.items():
                    scans[column].scanned += sum(n for v, n in found if v is None)
                    _scan_values(found, scans[column])
            out += scans.values()
        return out
    finally:
        con.close()


def suggest_class(column: str, cs: ColumnScan | None) -> tuple[str, str]:
    """(suggested PII class, why) of a column from its name and scanned values."""
    low = column.lower()
    if cs is not None and cs.scanned:
        kind, n = max(cs.whole.items(), key=lambda kv: kv[1], default=(None, 0))
        if kind is not None and n / cs.scanned >= CONTENT_SHARE:
            return KIND_CLASS[kind], f"{n / cs.scanned:.0%} of its values are {kind} values"
    for test, cls in NAME_RULES:
        if test(low):
            return cls, "its name"
    for hints, cls in _NAME_HINTS:
        if any(h in low for h in hints):
            return cls, "its name"
    return "none", "neither its name nor its values hold personal data"


def classify_columns(catalog: Catalog, scans: list[ColumnScan]) -> list[Classification]:
    """Suggest a class for every catalogued column and compare it with the catalog.

    ``unclassified``: the catalog gives no class. ``misclassified``: the catalog says
    ``none`` but the suggestion is a PII class (or says ``indirect`` for direct identifiers).
    ``direct`` and ``contact`` count as the same (both are masked as direct identifiers).
    """
    by = {(s.table, s.column): s for s in scans}
    out = []
    for t in catalog.tables.values():
        for c in t.columns:
            suggested, reason = suggest_class(c.name, by.get((t.name, c.name)))
            problem = None
            if c.pii is None:
                problem = "unclassified"
            elif (c.pii == "none" and suggested != "none") or (c.pii == "indirect" and suggested == "direct"):
                problem = "misclassified"
            out.append(Classification(t.name, c.name, c.pii, suggested, reason, problem))
    return out


def finding_id(table: str, column: str, kind: str) -> str:
    return "pii-" + hashlib.sha256(f"{table}\x1f{column}\x1f{kind}".encode()).hexdigest()[:16]


def findings(scans: list[ColumnScan], catalog: Catalog) -> list[dict[str, Any]]:
    """One record per (table, column, kind) found."""
    out = []
    for cs in scans:
        cls = {c.name: c.pii for c in catalog.tables[cs.table].columns} if cs.table in catalog.tables else {}
        for kind, n in sorted(cs.holding.items()):
            out.append({"finding_id": finding_id(cs.table, cs.column, kind), "severity": SEVERITY[kind],
                        "table_name": cs.table, "column_name": cs.column, "pii_class": cls.get(cs.column),
                        "kind": kind, "n_values": n, "n_scanned": cs.scanned, "sampled": cs.sampled,
                        "excerpt": cs.example.get(kind)})
    return out


def store_findings(home: Home, records: list[dict[str, Any]], run_id: str | None = None) -> None:
    """Merge ``records`` into ``results.pii_findings`` (statuses set by people are kept)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with atomic_write(home, home.results) as con:
        con.execute("BEGIN")
        ensure_table(con, "pii_findings")
        old = dict(con.execute("SELECT finding_id, status FROM pii_findings").fetchall())
        seen = set()
        for r in records:
            status = old.get(r["finding_id"])
            status = "open" if status in (None, "resolved") else status
            seen.add(r["finding_id"])
            con.execute("DELETE FROM pii_findings WHERE finding_id = ?", [r["finding_id"]])
            con.execute(
                "INSERT INTO pii_findings (finding_id, severity, status, table_name, column_name, pii_class,"
                " detected_at, kind, n_values, n_scanned, excerpt, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [r["finding_id"], r["severity"], status, r["table_name"], r["column_name"], r["pii_class"],
                 now, r["kind"], r["n_values"], r["n_scanned"], r["excerpt"], run_id])
        gone = [f for f in old if f not in seen]
        if gone:
            con.execute("UPDATE pii_findings SET status = 'resolved', n_values = 0 "
                        "WHERE finding_id IN (SELECT unnest(?)) AND status <> 'accepted'", [gone])
        con.execute("COMMIT")


def set_status(home: Home, finding: str, status: str) -> None:
    """Set a finding's status (``open``, ``accepted``, ``resolved``...)."""
    if not home.results.exists():
        raise UsageError(f"no results at {home.results}: run `shopgov check` first")
    with atomic_write(home, home.results) as con:
        ensure_table(con, "pii_findings")
        n = con.execute("UPDATE pii_findings SET status = ? WHERE finding_id = ? RETURNING finding_id",
                        [status, finding]).fetchall()
    if not n:
        raise UsageError(f"no personal-data finding '{finding}' in {home.results}")


def check_outcomes(home: Home, catalog: Catalog, run_id: str, store: bool = True,
                   scans: list[ColumnScan] | None = None) -> list[ExpectationOutcome]:
    """Scan the warehouse (unless ``scans`` are given), store the findings and return the check
    run's metadata results."""
    from .checks import ExpectationOutcome

    if scans is None:
        scans = scan_warehouse(home, catalog)
    records = findings(scans, catalog)
    if store:
        store_findings(home, records, run_id)
    classes = classify_columns(catalog, scans)
    bad = [c for c in classes if c.problem]
    critical = sorted({(r["table_name"], r["column_name"]) for r in records
                       if r["severity"] == "critical" and r["pii_class"] in (None, "none")})
    n_cols = len(classes)
    n_text = len(scans)
    return [
        ExpectationOutcome(
            suite="catalog_columns", kind="metadata", table_name="catalog_columns", column_name="pii_class",
            expectation_id="catalog_columns.pii.content_classified", expectation_type="shopgov_pii_classification",
            dimension="consistency", severity="high", success=not bad, unexpected_count=len(bad),
            element_count=n_cols, unexpected_percent=100.0 * len(bad) / n_cols if n_cols else 0.0,
            observed={"unexpected_count": len(bad), "columns": [
                {"table": c.table, "column": c.column, "catalog": c.catalog, "suggested": c.suggested,
                 "problem": c.problem, "reason": c.reason} for c in bad]},
            description="Every column is classified, and its name and sampled values agree with its PII class."),
        ExpectationOutcome(
            suite="catalog_columns", kind="metadata", table_name="catalog_columns", column_name="pii_class",
            expectation_id="catalog_columns.pii.no_critical_in_text", expectation_type="shopgov_pii_scan",
            dimension="validity", severity="critical", success=not critical, unexpected_count=len(critical),
            element_count=n_text, unexpected_percent=100.0 * len(critical) / n_text if n_text else 0.0,
            observed={"unexpected_count": len(critical), "columns": [f"{t}.{c}" for t, c in critical],
                      "findings": len(records)},
            description="No ID or bank card numbers in columns classified as not personal (see results.pii_findings)."),
    ]


# ---------------------------------------------------------------------------- files
FILE_COLUMNS = ["row", "column", "kind", "severity", "start", "end", "excerpt"]


def read_table(path: Path) -> Any:
    """A CSV, JSONL or Parquet file as a DataFrame (every column as text)."""
    import duckdb

    suffix = path.suffix.lower()
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    reader = {".csv": "read_csv", ".tsv": "read_csv", ".jsonl": "read_json", ".ndjson": "read_json",
              ".json": "read_json", ".parquet": "read_parquet"}.get(suffix)
    if reader is None:
        raise UsageError(f"{path}: unknown file type '{suffix}' (use .csv, .jsonl or .parquet)")
    opts = ", all_varchar = true" if reader == "read_csv" else ""
    opts += ", format = 'newline_delimited'" if reader == "read_json" and suffix != ".json" else ""
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT * FROM {reader}(?{opts})", [str(path)]).df()
    except duckdb.Error as e:
        raise UsageError(f"{path}: cannot read as {suffix[1:]}: {str(e).splitlines()[0]}") from None
    finally:
        con.close()


def scan_frame(df: Any) -> list[dict[str, Any]]:
    """One record per finding in every cell of ``df`` (row: 1-based data row)."""
    import json

    import pandas as pd

    out = []
    for column in df.columns:
        for i, value in enumerate(df[column].tolist(), start=1):
            if value is None or isinstance(value, bool) or (not isinstance(value, list | dict) and pd.isna(value)):
                continue
            if isinstance(value, float):  # a measure, unless it is a long integer (a number column with nulls)
                if not (value.is_integer() and abs(value) >= 1e6):
                    continue
                value = int(value)
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            found = scan(text)
            for f in found:
                out.append({"row": i, "column": str(column), "kind": f.kind, "severity": f.severity,
                            "start": f.start, "end": f.end, "excerpt": excerpt(text, f, found)})
    return out


def write_findings(records: list[dict[str, Any]], path: Path) -> None:
    """Write findings to ``path`` (.csv, .jsonl or .parquet) with :data:`FILE_COLUMNS`."""
    import pandas as pd

    df = pd.DataFrame(records, columns=FILE_COLUMNS)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        df.to_csv(path, index=False)
    elif suffix in (".jsonl", ".ndjson"):
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    elif suffix == ".parquet":
        df.to_parquet(path, index=False)
    else:
        raise UsageError(f"{path}: unknown output type '{suffix}' (use .csv, .jsonl or .parquet)")


def scan_file(path: Path) -> list[dict[str, Any]]:
    return scan_frame(read_table(path))
