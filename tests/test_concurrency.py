"""Readers and writers in separate processes: readers never fail, writers serialize."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from governance.ingest import ingest_file
from governance.warehouse import connect_read

ROOT = Path(__file__).resolve().parents[1]

READER = r"""
import json, sys, traceback
from governance.paths import get_home
from governance.warehouse import Reader, connect_read

home = get_home(sys.argv[1])
reader = Reader(home)
held = connect_read(home.warehouse)          # a plain read-only connection kept open throughout
for line in sys.stdin:                       # one answer per request: no polling, no timing
    if line.strip() == "stop":
        break
    try:
        answer = {"now": reader.connection().execute("SELECT count(*) FROM wh.events").fetchone()[0],
                  "held": held.execute("SELECT count(*) FROM events").fetchone()[0]}
    except Exception:
        answer = {"error": traceback.format_exc()}
    print(json.dumps(answer), flush=True)
held.close()
fresh = connect_read(home.warehouse)
print(json.dumps({"final": fresh.execute("SELECT count(*) FROM events").fetchone()[0]}), flush=True)
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


def _python(*args: str, pause_at: str | None = None) -> subprocess.Popen:
    env = {**os.environ, **({"SHOPGOV_PAUSE_AT": pause_at} if pause_at else {})}
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _ask(reader: subprocess.Popen, request: str = "count") -> dict:
    reader.stdin.write(request + "\n")
    reader.stdin.flush()
    line = reader.stdout.readline()
    assert line, reader.stderr.read()
    return json.loads(line)


def test_reader_process_keeps_querying_while_another_process_ingests(home, tmp_path):
    ingest_file(home, "events", events_parquet(tmp_path / "base.parquet", 100, 0), progress=False)
    reader = _python("-c", READER, str(home.root))
    try:
        assert _ask(reader) == {"now": 100, "held": 100}
        expected = 100
        for k in range(3):  # three writer processes, one after the other, while the reader reads
            f = events_parquet(tmp_path / f"batch{k}.parquet", 20_000, 1_000 + k * 20_000)
            w = _python("-c", WRITER, str(home.root), str(f), pause_at="ingest.in_transaction")
            # the writer is stopped inside its transaction: the reader neither fails nor waits,
            # and sees the last committed state
            assert w.stdout.readline().split()[:2] == ["shopgov-paused", "ingest.in_transaction"], w.stderr.read()
            assert _ask(reader) == {"now": expected, "held": 100}
            stdout, stderr = w.communicate("go\n", timeout=120)
            assert w.returncode == 0, stderr
            assert stdout.strip() == "20000"
            expected += 20_000
            # the swap is seen at once; the connection held open keeps its consistent old snapshot
            assert _ask(reader) == {"now": expected, "held": 100}
        assert _ask(reader, "stop") == {"final": 60_100}  # reopening sees every new row
    finally:
        if reader.poll() is None:
            reader.stdin.close()
        reader.wait(60)
    assert reader.returncode == 0, reader.stderr.read()


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
