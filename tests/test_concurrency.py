"""Readers and writers in separate processes: readers never fail, writers serialize."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from governance.ingest import ingest_file
from governance.warehouse import connect_read

ROOT = Path(__file__).resolve().parents[1]

READER = r"""
import json, sys, time, traceback
from pathlib import Path
from governance.paths import get_home
from governance.warehouse import Reader, connect_read

home = get_home(sys.argv[1]); ready, stop, out = map(Path, sys.argv[2:5])
reader = Reader(home)
held = connect_read(home.warehouse)          # a plain read-only connection kept open throughout
seen, held_seen, errors = [], [], []
ready.write_text("ok")
while not stop.exists():
    try:
        n = reader.connection().execute("SELECT count(*) FROM wh.events").fetchone()[0]
        if not seen or seen[-1] != n:
            seen.append(n)
        held_seen.append(held.execute("SELECT count(*) FROM events").fetchone()[0])
    except Exception:
        errors.append(traceback.format_exc())
    time.sleep(0.005)
held.close()
fresh = connect_read(home.warehouse)
final = fresh.execute("SELECT count(*) FROM events").fetchone()[0]
fresh.close()
out.write_text(json.dumps({"seen": seen, "held": sorted(set(held_seen)), "loops": len(held_seen),
                           "errors": errors, "final": final, "reader_final":
                           reader.connection().execute("SELECT count(*) FROM wh.events").fetchone()[0]}))
"""

WRITER = r"""
import sys
from governance.ingest import ingest_file
from governance.paths import get_home
r = ingest_file(get_home(sys.argv[1]), "events", sys.argv[2], progress=False)
print(r.rows_inserted)
"""


def events_parquet(path: Path, n: int, start: int) -> Path:
    duckdb.sql(
        f"COPY (SELECT 'e' || CAST(i AS VARCHAR) AS event_id, 'u1' AS user_id, 's' || CAST(i // 20 AS VARCHAR) AS session_id, "
        f"'view' AS event_type, 'p1' AS item_id, TIMESTAMP '2024-05-01' + to_seconds(i) AS ts "
        f"FROM range({start}, {start + n}) t(i)) TO '{path}' (FORMAT parquet)"
    )
    return path


def _python(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_reader_process_keeps_querying_while_another_process_ingests(home, tmp_path):
    ingest_file(home, "events", events_parquet(tmp_path / "base.parquet", 100, 0), progress=False)
    ready, stop, out = tmp_path / "ready", tmp_path / "stop", tmp_path / "reader.json"
    reader = _python("-c", READER, str(home.root), str(ready), str(stop), str(out))
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and reader.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ready.exists(), reader.stderr.read() if reader.poll() is not None else "reader did not start"
        for k in range(3):  # three writer processes, one after the other, while the reader reads
            f = events_parquet(tmp_path / f"batch{k}.parquet", 20_000, 1_000 + k * 20_000)
            w = _python("-c", WRITER, str(home.root), str(f))
            stdout, stderr = w.communicate(timeout=120)
            assert w.returncode == 0, stderr
            assert stdout.strip() == "20000"
            time.sleep(0.1)
    finally:
        stop.write_text("stop")
        reader.wait(60)
    assert reader.returncode == 0, reader.stderr.read()
    res = json.loads(out.read_text())
    assert res["errors"] == []
    assert res["held"] == [100]  # the connection held open keeps its consistent old snapshot
    assert res["seen"][0] == 100 and res["seen"][-1] == 60_100
    assert res["seen"] == sorted(res["seen"]) and len(res["seen"]) >= 3  # it saw the swaps as they happened
    assert res["final"] == res["reader_final"] == 60_100  # reopening sees every new row


def test_two_writer_processes_serialize_on_the_lock(tmp_path):
    from governance.paths import get_home

    home = get_home(tmp_path / "fresh")  # no warehouse yet: both race to create it, too
    files = [events_parquet(tmp_path / f"w{k}.parquet", 30_000, k * 30_000) for k in range(2)]
    writers = [_python("-c", WRITER, str(home.root), str(f)) for f in files]
    for w in writers:
        stdout, stderr = w.communicate(timeout=120)
        assert w.returncode == 0, stderr
        assert stdout.strip() == "30000"
    con = connect_read(home.warehouse)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchone() == (60_000, 60_000)
        audit = con.execute("SELECT outcome, rows_inserted FROM load_audit ORDER BY finished_at").fetchall()
        spans = con.execute("SELECT started_at, finished_at FROM load_audit ORDER BY finished_at").fetchall()
    finally:
        con.close()
    assert audit == [("ok", 30_000), ("ok", 30_000)]
    assert spans[0][1] <= spans[1][1]
    assert not list(home.root.glob(".warehouse.duckdb.*"))
