"""Open the DuckDB files safely while other processes read them.

DuckDB allows one read-write process *or* many read-only ones on a file, never both.
shopgov therefore never writes a file that a reader may have open:

* a writer takes an exclusive file lock (:mod:`filelock`, ``flock``) on
  ``$SHOPGOV_HOME/.write.lock`` (writers queue), removes what killed writers left behind
  (:func:`remove_stale_files`),
  copies the current file to a private temporary file, changes the copy, checkpoints and
  closes it, fsyncs, and ``os.replace``-s it over the original (an atomic rename);
* a reader opens the file read-only. It keeps seeing the old inode until it reopens;
  :class:`Reader` reopens when the file's identity (inode, mtime, size) changes.

If the writer fails or is killed, the temporary file is discarded and the original is
untouched: every write is all-or-nothing. The warehouse file holds loaded data, the
catalog and the load audit log; the results file holds check runs, scores, flags and
assessments, so a check run only reads the warehouse.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from .encryption import attach, open_db
from .errors import DatabaseDamaged, WarehouseBusy
from .hooks import pause_point
from .paths import Home


@contextlib.contextmanager
def write_lock(home: Home, timeout: float = 600.0) -> Iterator[None]:
    """Hold the exclusive writer lock of ``home`` (waits up to ``timeout`` seconds).

    An OS file lock (``flock`` on Unix, via :mod:`filelock`) on ``$SHOPGOV_HOME/.write.lock``:
    released by the kernel if the holder dies, so a killed writer never leaves it stuck.
    Raises :class:`WarehouseBusy` when another writer still holds it after ``timeout``.
    """
    home.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(home.lock, timeout=max(0.0, timeout), mode=0o644)  # filelock: <0 = forever
    try:
        lock.acquire()
    except Timeout:
        raise WarehouseBusy(
            f"another shopgov job is writing to {home.root} (lock {home.lock}); "
            f"waited {timeout:g} s, try again later"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def scratch_dir(home: Home) -> Path:
    """``$SHOPGOV_HOME/.scratch``: writers' temporary files (converted source files)."""
    return home.root / ".scratch"


def remove_stale_files(home: Home) -> list[Path]:
    """Delete what killed writers left behind: private copies of the warehouse and results
    (with their ``.wal`` and DuckDB spill folders) and the scratch folder.

    Only ever call this holding :func:`write_lock`: then no other writer is alive, so every
    such file is stale (a live writer's copy is never touched). Returns what was removed.
    """
    removed = []
    stale = [p for f in (home.warehouse, home.results) for p in f.parent.glob(f".{f.name}.*.tmp*")]
    if scratch_dir(home).exists():
        stale.append(scratch_dir(home))
    for p in stale:
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p)
    return removed


def _first_line(e: BaseException) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def verify_database(con: duckdb.DuckDBPyConnection, label: str) -> None:
    """Read every value of every table of ``con``'s database, so DuckDB checks every data
    block's checksum; raise :class:`DatabaseDamaged` naming ``label`` if one fails."""
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND NOT temporary ORDER BY 1, 2"
    ).fetchall()
    for schema, table in tables:
        name = '"' + schema.replace('"', '""') + '"."' + table.replace('"', '""') + '"'
        try:
            con.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {name}").fetchall()
        except duckdb.Error as e:
            raise DatabaseDamaged(
                f"{label} is damaged (table {table}: {_first_line(e)}); shopgov will not build on it: "
                "restore the file from a backup"
            ) from None


_VERIFIED: set[tuple[str, tuple[int, int, int]]] = set()  # files found intact by this process


def verified_record(path: Path) -> Path:
    """``.verified/<name>.json`` beside ``path``: the identity of the version last read back whole."""
    return path.parent / ".verified" / f"{path.name}.json"


def _record_verified(path: Path, ident: tuple[int, int, int]) -> None:
    """Remember (in this process and in :func:`verified_record`) that version ``ident`` of
    ``path`` was read back whole; a read-only home just skips the file."""
    _VERIFIED.add((str(path), ident))
    record = verified_record(path)
    part = record.with_name(f"{record.name}.{os.getpid()}.part")
    try:
        record.parent.mkdir(exist_ok=True)
        part.write_text(json.dumps(list(ident)))
        os.replace(part, record)
    except OSError:
        part.unlink(missing_ok=True)


def _recorded(path: Path, ident: tuple[int, int, int]) -> bool:
    try:
        return tuple(json.loads(verified_record(path).read_text())) == ident
    except (OSError, ValueError, TypeError):
        return False


def verify_file(path: Path) -> None:
    """:func:`verify_database` on the file ``path``, once per file version.

    A version is identified by (inode, mtime, size). One read back whole - by the writer that
    swapped it in (:func:`atomic_write`) or by an earlier reader - is recorded beside the file
    and not read again: the nightly ``check`` after an ``ingest`` does not scan the warehouse a
    second time. Any write to the file (damage included) changes its identity, so the next
    reader verifies it; a block damaged without touching the file's mtime still fails DuckDB's
    checksum when a query reads it.
    """
    ident = file_identity(path)
    if ident is None or (str(path), ident) in _VERIFIED:
        return
    if _recorded(path, ident):
        _VERIFIED.add((str(path), ident))
        return
    try:
        con = open_db(path, read_only=True)
    except duckdb.Error as e:
        raise DatabaseDamaged(f"{path} is damaged or not a DuckDB database ({_first_line(e)}); "
                              "restore the file from a backup") from None
    try:
        verify_database(con, str(path))
    finally:
        con.close()
    _record_verified(path, ident)


@contextlib.contextmanager
def atomic_write(home: Home, path: Path, *, fresh: bool = False, timeout: float = 600.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection to a private copy of ``path``; swap it in on success.

    ``fresh=True`` starts from an empty database instead of a copy. On any exception
    (or if the process dies) the original file is left exactly as it was. Before the swap
    every block of the new version is read back (:func:`verify_database`): a file damaged
    on disk is refused, never silently carried into a new version. A write to the results
    file first verifies the warehouse the results are computed from.
    """
    with write_lock(home, timeout=timeout):
        remove_stale_files(home)  # we hold the lock: any writer's leftovers are stale
        if path == home.results:
            verify_file(home.warehouse)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        if path.exists() and not fresh:
            shutil.copyfile(path, tmp)
        con = open_db(tmp, read_only=False)
        ok = False
        try:
            yield con
            con.execute("CHECKPOINT")
            verify_database(con, str(path) if not fresh else f"the new {path.name}")
            ok = True
        finally:
            con.close()
            if ok:
                pause_point("warehouse.before_swap")
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(tmp, path)
                _fsync_dir(path.parent)
                ident = file_identity(path)
                if ident is not None:  # read back whole above (verify_database)
                    _record_verified(path, ident)
            else:
                tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)


#: DuckDB's memory cap in check runs and scans. GX, pandas and pyarrow take about 300-400 MB
#: of the process; DuckDB holds the cap and 100-150 MB more. At 512MB, with the personal-data
#: scan reading beside GX, ``shopgov check`` peaked at 0.96-1.07 GB on 10M events; at 384MB,
#: 0.80-0.89 GB, and 819 MB on 100M events in about the same time (bench/bench_checks.py).
DEFAULT_CHECK_MEMORY_LIMIT = "384MB"


def check_settings() -> dict[str, str]:
    """DuckDB settings for check runs and scans: a memory cap (spilling to disk beyond it).

    ``SHOPGOV_CHECK_MEMORY_LIMIT`` (default :data:`DEFAULT_CHECK_MEMORY_LIMIT`) bounds DuckDB's
    buffers, including the blocks it keeps cached after reading them, so that a nightly run on
    a large event log stays under 1 GB of RAM. Set it empty for DuckDB's default (80% of RAM).
    """
    limit = os.environ.get("SHOPGOV_CHECK_MEMORY_LIMIT", DEFAULT_CHECK_MEMORY_LIMIT)
    return {"memory_limit": limit} if limit else {}


def apply_settings(con: duckdb.DuckDBPyConnection, settings: dict[str, str]) -> None:
    """``SET`` each of ``settings`` on ``con`` (names are checked; values are bound)."""
    for name, value in settings.items():
        if not re.fullmatch(r"[a-z_]+", name):
            raise ValueError(f"bad DuckDB setting name {name!r}")
        con.execute(f"SET {name} = ?", [value])


def connect_read(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``path`` (never blocks, never blocks a writer; decrypts if the home is encrypted)."""
    return open_db(path, read_only=True)


def sql_string(value: object) -> str:
    """``value`` as a SQL string literal (a home path may contain ``'``)."""
    return "'" + str(value).replace("'", "''") + "'"


def file_identity(path: Path) -> tuple[int, int, int] | None:
    """(inode, mtime_ns, size) of ``path``, or None if it does not exist."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class Reader:
    """An in-memory DuckDB session with the warehouse and results files attached read-only.

    The files are attached as schemas ``wh`` and ``res``. :meth:`connection` reopens them
    whenever a writer has swapped in a new version, so long-lived readers (the dashboard)
    always see the latest committed state and never hold a writer up.
    """

    def __init__(self, home: Home):
        self.home = home
        self._con: duckdb.DuckDBPyConnection | None = None
        self._ids: tuple[object, object] | None = None

    def _identities(self) -> tuple[object, object]:
        return (file_identity(self.home.warehouse), file_identity(self.home.results))

    def connection(self) -> duckdb.DuckDBPyConnection:
        ids = self._identities()
        if self._con is None or ids != self._ids:
            self.close()
            con = duckdb.connect(":memory:")
            if ids[0] is not None:
                attach(con, self.home.warehouse, "wh", read_only=True)
            if ids[1] is not None:
                attach(con, self.home.results, "res", read_only=True)
            self._con, self._ids = con, ids
        return self._con

    @property
    def version(self) -> tuple[object, object]:
        """Changes whenever either file is swapped; use as a cache key."""
        return self._identities()

    def has(self, schema: str, table: str) -> bool:
        con = self.connection()
        row = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
            [schema, table],
        ).fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        if self._con is not None:
            with contextlib.suppress(Exception):
                self._con.close()
            self._con = None


def ensure_warehouse(home: Home, catalog=None) -> bool:
    """Create the warehouse with every table and the catalog, or bring an existing one in line.

    ``catalog`` defaults to the home's (``config/catalog.yaml``, else the bundled one). For an
    existing warehouse whose stored catalog differs from it, tables the catalog added are
    created and the catalog tables are re-synced in one atomic write; loaded data is never
    touched (a table removed from the catalog keeps its rows). Returns True if it was created.
    """
    from .catalog import catalog_is_current, create_schema, load_catalog, sync_catalog

    home.ensure()
    catalog = catalog or load_catalog(home)
    if home.warehouse.exists():
        con = connect_read(home.warehouse)
        try:
            current = catalog_is_current(con, catalog)
        finally:
            con.close()
        if not current:
            with atomic_write(home, home.warehouse) as con:
                con.execute("BEGIN")
                create_schema(con, catalog)
                sync_catalog(con, catalog)
                con.execute("COMMIT")
        return False
    try:
        with atomic_write(home, home.warehouse, fresh=True) as con:
            # Re-check under the lock: another process may have created (and already
            # loaded data into) the warehouse since the check above; never replace it.
            if home.warehouse.exists():
                raise _AlreadyExists
            con.execute("BEGIN")
            create_schema(con, catalog)
            sync_catalog(con, catalog)
            con.execute("COMMIT")
    except _AlreadyExists:
        return False
    return True


class _AlreadyExists(Exception):
    """Internal: the warehouse appeared while we waited for the writer lock."""
