"""Load files into the warehouse: validated, all-or-nothing, idempotent by key, audited.

``ingest_file(home, table, path)`` loads one file; ``ingest_files(home, items)`` loads several
in one atomic swap (all of them or none). Each load:

1. hashes the file (SHA-256, recorded in the audit log);
2. inside :func:`~governance.warehouse.atomic_write` (writer lock, private copy of the
   warehouse) reads every file with DuckDB into a TEMP staging table (:mod:`governance.sources`),
   maps and types it and checks the contract with set-based SQL (:mod:`governance.contract`);
3. then, in one transaction, upserts by the table's key (DELETE the rows whose key is in the file,
   INSERT the file's rows; ``rows_updated`` counts keys that existed) and appends a row per
   file to ``load_audit``; then the copy is checkpointed and swapped in.

Failure design: if anything fails (bad file, contract violation, a killed process) the copy
is discarded, so the warehouse file — data tables and audit log alike — is exactly as before.
The failure itself is then recorded by a *second*, separate small atomic write that only
appends ``outcome='failed'`` rows (with the error message) to ``load_audit``; data tables are
never touched by it. If that second write cannot get the lock the error is still raised.

Mapping files (renames, constants, SQL transforms, encodings) are described in
:mod:`governance.mapping`. Reloading the same file leaves identical contents and counts
(second time: ``rows_inserted == 0``, ``rows_updated == rows_in``).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from .catalog import Table, create_schema, load_catalog
from .contract import build_typed, plan_columns
from .errors import IngestError, UsageError, WarehouseBusy
from .hooks import pause_point
from .mapping import Mapping, check_targets, load_mapping
from .paths import Home
from .sources import Source, detect_format, first_line, plan_source, q, stage
from .warehouse import atomic_write, ensure_warehouse, scratch_dir

PROGRESS_MIN_BYTES = 8 << 20  # show a progress bar for files from this size on

MappingSpec = Mapping | dict | str | Path | None


@dataclass
class LoadResult:
    """The outcome of loading one file (also one row of ``load_audit``).

    ``ignored_columns`` are source columns that feed no table column; ``notes`` say what was
    adjusted on the way (BOM removed, encoding converted, identical rows dropped ...).
    """

    load_id: str
    table: str
    source: str
    source_format: str
    checksum_sha256: str
    rows_in: int
    rows_inserted: int
    rows_updated: int
    seconds: float
    outcome: str = "ok"
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Job:
    table_name: str
    path: Path
    mapping_spec: MappingSpec
    load_id: str = field(default_factory=lambda: f"load-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}")
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    t0: float = field(default_factory=time.perf_counter)
    table: Table | None = None
    mapping: Mapping | None = None
    fmt: str | None = None
    checksum: str | None = None
    rows_in: int | None = None
    rows_inserted: int | None = None
    rows_updated: int | None = None
    ignored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def display(self) -> str:
        return str(self.path)

    @property
    def source(self) -> str:
        return str(self.path.expanduser().absolute())

    def result(self) -> LoadResult:
        return LoadResult(
            load_id=self.load_id, table=self.table_name, source=self.source, source_format=self.fmt or "",
            checksum_sha256=self.checksum or "", rows_in=self.rows_in or 0,
            rows_inserted=self.rows_inserted or 0, rows_updated=self.rows_updated or 0,
            seconds=round(time.perf_counter() - self.t0, 3), outcome="ok",
            ignored_columns=list(self.ignored), notes=list(self.notes),
        )


class _Progress:
    """A rich progress display on stderr for large files; DuckDB reports query progress."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._bar = None
        self._task = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(), TaskProgressColumn(),
                                 TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("ingest", total=100)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def step(self, label: str, completed: float | None = None) -> None:
        """Show ``label``: with a percentage, or as a pulsing bar when progress is unknown."""
        if self._bar is not None:
            total = None if completed is None else 100
            self._bar.update(self._task, description=label, total=total, completed=completed or 0)

    def execute(self, con: duckdb.DuckDBPyConnection, label: str) -> Any:
        """An ``execute(sql)`` that advances the bar from DuckDB's query progress."""

        def run(sql: str) -> None:
            if self._bar is None:
                con.execute(sql)
                return
            self.step(label, 0)
            done = threading.Event()

            def poll() -> None:
                while not done.wait(0.1):
                    with contextlib.suppress(Exception):
                        p = con.query_progress()
                        if p >= 0:
                            self._bar.update(self._task, completed=p)

            t = threading.Thread(target=poll, daemon=True)
            t.start()
            try:
                con.execute(sql)
            finally:
                done.set()
                t.join()
            self._bar.update(self._task, completed=100)

        return run


def _sha256(path: Path, bar: _Progress) -> str:
    h = hashlib.sha256()
    size = max(path.stat().st_size, 1)
    done = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
            done += len(chunk)
            bar.step(f"hashing {path.name}", 100 * done / size)
    return h.hexdigest()


def _normalize_items(items: Sequence[tuple], mapping: MappingSpec) -> list[_Job]:
    jobs = []
    for item in items:
        if len(item) == 2:
            table, path = item
            spec = mapping
        elif len(item) == 3:
            table, path, spec = item
            spec = mapping if spec is None else spec
        else:
            raise UsageError(f"ingest item {item!r} must be (table, path) or (table, path, mapping)")
        jobs.append(_Job(str(table), Path(path), spec))
    return jobs


def _upsert(con: duckdb.DuckDBPyConnection, table: Table, typed: str) -> tuple[int, int]:
    """Replace rows whose key is in ``typed``, insert the rest; returns (inserted, updated)."""
    target = q(table.name)
    rows_in = con.execute(f"SELECT count(*) FROM {q(typed)}").fetchone()[0]
    updated = 0
    if con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {target} LIMIT 1)").fetchone()[0]:
        on = " AND ".join(f"{target}.{q(k)} = {q(typed)}.{q(k)}" for k in table.key)
        updated = con.execute(
            f"SELECT count(*) FROM {q(typed)} WHERE EXISTS (SELECT 1 FROM {target} WHERE {on})"
        ).fetchone()[0]
        if updated:
            con.execute(f"DELETE FROM {target} USING {q(typed)} WHERE {on}")
    cols = ", ".join(q(c) for c in table.column_names)
    con.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {q(typed)}")
    return rows_in - updated, updated


AUDIT_SQL = "INSERT INTO load_audit VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"


def _audit_row(job: _Job, outcome: str, message: str) -> list[Any]:
    if job.mapping_spec is None:
        mapping = None
    elif job.mapping is not None:
        mapping = job.mapping.describe()
    else:
        mapping = str(job.mapping_spec)
    return [
        job.load_id, job.table_name, job.source, job.fmt, mapping, job.checksum,
        job.rows_in, job.rows_inserted, job.rows_updated, job.started_at,
        datetime.now(UTC).replace(tzinfo=None), outcome, message,
    ]


def _ok_message(job: _Job) -> str:
    parts = []
    if job.ignored:
        parts.append(f"ignored columns: {', '.join(job.ignored)}")
    parts.extend(job.notes)
    return "; ".join(parts)


def _record_failures(home: Home, jobs: list[_Job], failed: _Job | None, error: BaseException) -> None:
    """Append failed-load rows to the audit log in a separate atomic write (data untouched)."""
    from .privacy import scrub_text

    msg = scrub_text(str(error))
    rows = []
    for job in jobs:
        if failed is None or job is failed:
            rows.append(_audit_row(job, "failed", msg[:4000]))
        else:
            rows.append(_audit_row(job, "failed", f"not loaded: {failed.display} failed in the same batch"))
    try:
        with atomic_write(home, home.warehouse, timeout=120) as con:
            con.execute("BEGIN")
            create_schema(con, load_catalog(home))
            con.executemany(AUDIT_SQL, rows)
            con.execute("COMMIT")
    except Exception as e:  # the load error matters more than the audit failure
        error.add_note(f"(could not record the failure in load_audit: {e})")


def ingest_files(
    home: Home,
    items: Sequence[tuple[str, Path | str] | tuple[str, Path | str, MappingSpec]],
    mapping: MappingSpec = None,
    *,
    progress: bool = True,
) -> list[LoadResult]:
    """Load several files in ONE atomic swap: either every file is loaded or none is.

    ``items`` are ``(table, path)`` or ``(table, path, mapping)``; ``mapping`` is the default
    for items without their own. Raises :class:`UsageError` for an unknown table and
    :class:`IngestError` (naming file, row and column) for a file that breaks the contract.
    """
    jobs = _normalize_items(items, mapping)
    catalog = load_catalog(home)
    ensure_warehouse(home, catalog)
    if not jobs:
        return []
    current: _Job | None = None
    total = sum(j.path.stat().st_size for j in jobs if j.path.is_file())
    try:
        with _Progress(progress and total >= PROGRESS_MIN_BYTES) as bar:
            for job in jobs:
                current = job
                job.table = catalog.table(job.table_name)
                job.mapping = load_mapping(job.mapping_spec, home)
                check_targets(job.mapping, [c.name for c in job.table.input_columns], job.table.name)
                if not job.path.exists():
                    raise IngestError(job.display, "file not found")
                if not job.path.is_file():
                    raise IngestError(job.display, "is not a regular file")
                job.fmt = detect_format(job.path, job.mapping)
                job.checksum = _sha256(job.path, bar)
            current = None
            with atomic_write(home, home.warehouse) as con:
                con.execute("SET TimeZone = 'UTC'")
                con.execute("SET enable_progress_bar = true")
                con.execute("SET enable_progress_bar_print = false")
                create_schema(con, catalog)
                for i, job in enumerate(jobs):  # read + validate every file first
                    current = job
                    _prepare(con, job, i, bar, scratch_dir(home))
                current = None
                con.execute("BEGIN")
                for i, job in enumerate(jobs):
                    current = job
                    bar.step(f"loading {job.table_name}")
                    job.rows_inserted, job.rows_updated = _upsert(con, job.table, f"_typed_{i}")
                    con.execute(f"DROP TABLE _typed_{i}")
                    current = None
                bar.step("writing the audit log")
                con.executemany(AUDIT_SQL, [_audit_row(j, "ok", _ok_message(j)) for j in jobs])
                pause_point("ingest.in_transaction")
                con.execute("COMMIT")
                bar.step("checkpointing the warehouse")
    except WarehouseBusy:
        raise
    except (duckdb.Error, OSError) as e:
        err = IngestError(current.display if current else str(home.warehouse), f"load failed: {first_line(e)}")
        _record_failures(home, jobs, current, err)
        raise err from e
    except BaseException as e:
        if isinstance(e, Exception):
            _record_failures(home, jobs, current, e)
        raise
    return [j.result() for j in jobs]


def _prepare(con: duckdb.DuckDBPyConnection, job: _Job, i: int, bar: _Progress, scratch: Path) -> None:
    """Stage ``job``'s file and build its validated, typed TEMP table ``_typed_<i>``."""
    assert job.table is not None and job.mapping is not None
    stg = f"_stage_{i}"
    bar.step(f"inspecting {job.path.name}")
    src: Source = plan_source(con, job.path, job.display, job.mapping, scratch)
    try:
        job.fmt = src.format
        job.notes.extend(src.notes)
        plan = plan_columns(job.table, src.columns, job.mapping, job.display, src.hint)
        job.ignored = plan.ignored
        job.rows_in = stage(con, src, stg, job.mapping, execute=bar.execute(con, f"reading {job.path.name}"))
        pause_point("ingest.source_staged")
    finally:
        src.cleanup()
    bar.step(f"validating {job.path.name}")
    _, notes = build_typed(con, job.table, stg, f"_typed_{i}", plan, job.mapping, job.display)
    job.notes.extend(notes)
    con.execute(f"DROP TABLE {q(stg)}")


def ingest_file(
    home: Home, table: str, path: Path | str, mapping: MappingSpec = None, *, progress: bool = True
) -> LoadResult:
    """Load one file into ``table`` (see :func:`ingest_files`)."""
    return ingest_files(home, [(table, Path(path))], mapping, progress=progress)[0]


__all__ = ["LoadResult", "ingest_file", "ingest_files"]
