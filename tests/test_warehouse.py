import multiprocessing as mp
import time

import duckdb
import pytest

from governance.catalog import load_catalog
from governance.warehouse import Reader, atomic_write, connect_read, ensure_warehouse


def _count(path, table="products"):
    con = connect_read(path)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_ensure_warehouse_creates_every_catalog_table(home):
    assert ensure_warehouse(home) is True
    assert ensure_warehouse(home) is False
    con = connect_read(home.warehouse)
    names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    assert set(load_catalog().tables) <= names
    assert {"load_audit", "catalog_tables", "catalog_columns", "catalog_lineage"} <= names


def test_catalog_tables_mirror_the_yaml(home):
    ensure_warehouse(home)
    cat = load_catalog()
    con = connect_read(home.warehouse)
    n_cols = con.execute("SELECT count(*) FROM catalog_columns").fetchone()[0]
    masked = {tuple(r) for r in con.execute("SELECT table_name, column_name FROM catalog_columns WHERE masked").fetchall()}
    con.close()
    assert n_cols == sum(len(t.columns) for t in cat.tables.values())
    # masked comes from the masking rules (governance.privacy.masks_column), not from the class:
    # with the bundled rules exactly the PII-classified columns are masked
    assert masked == cat.pii_columns()
    assert ("events", "user_id") in masked


def test_failed_write_leaves_file_untouched(home):
    ensure_warehouse(home)
    with atomic_write(home, home.warehouse) as con:
        con.execute("INSERT INTO categories (category_id, name, level, path, is_leaf) VALUES ('c1','A',1,'A',true)")
    before = home.warehouse.read_bytes()
    with pytest.raises(RuntimeError), atomic_write(home, home.warehouse) as con:
        con.execute("DELETE FROM categories")
        raise RuntimeError("boom")
    assert home.warehouse.read_bytes() == before
    assert _count(home.warehouse, "categories") == 1
    assert not list(home.root.glob(".*.tmp"))


def test_reader_sees_swapped_file_and_never_blocks_writer(home):
    ensure_warehouse(home)
    reader = Reader(home)
    con = reader.connection()
    assert con.execute("SELECT count(*) FROM wh.categories").fetchone()[0] == 0
    with atomic_write(home, home.warehouse) as w:  # the reader holds the old file open
        w.execute("INSERT INTO categories (category_id, name, level, path, is_leaf) VALUES ('c1','A',1,'A',true)")
    assert reader.connection().execute("SELECT count(*) FROM wh.categories").fetchone()[0] == 1
    reader.close()


def _hold_reader(path, started, stop):
    con = duckdb.connect(str(path), read_only=True)
    started.set()
    stop.wait(120)  # until the writer is done (the test sets stop)
    con.close()


def test_writer_succeeds_while_another_process_reads(home):
    ensure_warehouse(home)
    ctx = mp.get_context("spawn")
    started, stop = ctx.Event(), ctx.Event()
    p = ctx.Process(target=_hold_reader, args=(home.warehouse, started, stop))
    p.start()
    try:
        # a spawned child imports this module first: on a loaded 2-core machine that can take long
        deadline = time.monotonic() + 180
        while not started.wait(1):
            assert p.is_alive(), f"the reader process died (exit code {p.exitcode})"
            assert time.monotonic() < deadline, "the reader process did not open the warehouse within 180 s"
        with atomic_write(home, home.warehouse, timeout=10) as con:
            con.execute("INSERT INTO categories (category_id, name, level, path, is_leaf) VALUES ('c9','Z',1,'Z',true)")
        assert _count(home.warehouse, "categories") == 1
    finally:
        stop.set()
        p.join(30)


HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)  # the protocol of every shopgov writer: flock on .write.lock
print("held", flush=True)
sys.stdin.read()  # until the test closes our stdin
"""


def test_busy_writer_lock_raises_warehouse_busy_and_frees_when_the_holder_exits(home):
    import subprocess
    import sys

    from governance.errors import WarehouseBusy
    from governance.warehouse import write_lock

    ensure_warehouse(home)
    before = _count(home.warehouse)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(home.lock)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = r"another shopgov job is writing to .*\.write\.lock.*try again later"
        with pytest.raises(WarehouseBusy, match=busy), atomic_write(home, home.warehouse, timeout=0) as con:
            con.execute("DELETE FROM products")
    finally:
        holder.stdin.close()
        holder.wait(60)
    assert _count(home.warehouse) == before and not list(home.root.glob(".warehouse.duckdb.*"))
    # the kernel released the holder's lock when it exited; it excludes a second holder in-process too
    with write_lock(home, timeout=0), pytest.raises(WarehouseBusy), write_lock(home, timeout=0):
        pass
    with write_lock(home, timeout=0):
        pass


def test_a_version_read_back_by_its_writer_is_not_read_again_until_it_changes(home, monkeypatch):
    """The nightly check after an ingest does not scan the whole warehouse a second time: the
    writer read its new version back before the swap and recorded it; any later write (damage
    included) changes the file's identity and the next reader verifies it again."""
    import os

    from governance import warehouse as wh

    ensure_warehouse(home)
    with atomic_write(home, home.warehouse) as con:
        con.execute("CREATE OR REPLACE TABLE extra AS SELECT range AS x FROM range(1000)")
    wh._VERIFIED.clear()  # as in a new process: only the record beside the file remembers
    reads: list[str] = []
    real = wh.verify_database
    monkeypatch.setattr(wh, "verify_database", lambda con, label: (reads.append(label), real(con, label)))
    wh.verify_file(home.warehouse)
    assert reads == []
    st = home.warehouse.stat()
    os.utime(home.warehouse, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # written since
    wh.verify_file(home.warehouse)
    assert reads == [str(home.warehouse)]
    wh._VERIFIED.clear()
    wh.verify_file(home.warehouse)  # the reader recorded what it read back
    assert reads == [str(home.warehouse)]
