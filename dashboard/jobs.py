"""Background jobs started from the dashboard (``shopgov check``, ``shopgov report``).

A job runs as its own process session, detached from the Streamlit server: a page never
waits for it, a browser reload or a dashboard restart does not kill it, and because
writers swap files atomically the pages keep reading the previous results until the job
has committed. Each job has ``logs/jobs/<id>.json`` (what, who, when, pid), ``<id>.log``
(its output, where progress is read from) and ``<id>.rc`` (its exit code, once done).

Run as ``python -m dashboard.jobs RC_FILE -- CMD...``: the wrapper that records the exit code.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from governance.paths import Home

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s?%")
_BAR = re.compile(r"[━█▏▎▍▌▋▊▉]|\|[ #=>-]*\||\d+\s?/\s?\d+ \[")
_FRACTION = re.compile(r"\b(\d[\d,]*)\s?/\s?(\d[\d,]*)\b")


@dataclass
class Job:
    id: str
    kind: str
    args: list[str]
    user: str
    started_at: str
    pid: int
    status: str = "running"  # running | done | failed | error | lost
    exit_code: int | None = None
    progress: float | None = None
    last_line: str = ""
    result: dict | None = None  # the command's --json document, once done (read by :func:`summary`)

    def as_dict(self) -> dict:
        return asdict(self)


def jobs_dir(home: Home) -> Path:
    return home.logs / "jobs"


def result_path(home: Home, job_id: str) -> Path:
    """Where a job's command writes its ``--json`` document."""
    return jobs_dir(home) / f"{job_id}.result.json"


def _paths(home: Home, job_id: str) -> tuple[Path, Path, Path]:
    d = jobs_dir(home)
    return d / f"{job_id}.json", d / f"{job_id}.log", d / f"{job_id}.rc"


def start(home: Home, kind: str, args: list[str], user: str) -> Job:
    """Start ``shopgov <args> --home <home>`` in the background and return its job record.

    ``$SHOPGOV_ACTOR`` tells the command who asked (a report's manifest entry records it).
    """
    running = [j for j in list_jobs(home) if j.kind == kind and j.status == "running"]
    if running:
        return running[0]
    d = jobs_dir(home)
    d.mkdir(parents=True, exist_ok=True)
    job_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + kind + "-" + secrets.token_hex(3)
    meta, log, rc = _paths(home, job_id)
    cmd = [sys.executable, "-m", "dashboard.cli", *args, "--home", str(home.root),
           "--json", str(result_path(home, job_id))]
    env = {**os.environ, "SHOPGOV_HOME": str(home.root), "SHOPGOV_ACTOR": user, "PYTHONUNBUFFERED": "1",
           "TTY_INTERACTIVE": "1", "COLUMNS": "120"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.jobs", str(rc), "--", *cmd],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True, cwd=str(home.root),
        )
    job = Job(id=job_id, kind=kind, args=args, user=user,
              started_at=datetime.now(UTC).isoformat(timespec="seconds"), pid=proc.pid)
    meta.write_text(json.dumps(job.as_dict()), encoding="utf-8")
    return job


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
        if done == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def tail_progress(log: Path, max_bytes: int = 8192) -> tuple[float | None, str]:
    """(fraction done or None, last line of output) from a job's log."""
    try:
        with open(log, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - max_bytes))
            text = f.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None, ""
    lines = [line.strip() for line in re.split(r"[\r\n]+", _ANSI.sub("", text)) if line.strip()]
    fraction = None
    for line in reversed(lines):
        if not _BAR.search(line):  # only progress bars (tqdm, rich) say how far a job is
            continue
        m = _PERCENT.search(line)
        if m:
            fraction = min(float(m.group(1)) / 100.0, 1.0)
            break
        m = _FRACTION.search(line)
        if m and int(m.group(2).replace(",", "")) > 0:
            fraction = min(int(m.group(1).replace(",", "")) / int(m.group(2).replace(",", "")), 1.0)
            break
    return fraction, (lines[-1][:300] if lines else "")


def load(home: Home, job_id: str) -> Job | None:
    meta, log, rc = _paths(home, job_id)
    try:
        job = Job(**json.loads(meta.read_text(encoding="utf-8")))
    except (FileNotFoundError, json.JSONDecodeError, TypeError):
        return None
    if rc.exists():
        try:
            job.exit_code = int(rc.read_text().strip())
        except ValueError:
            job.exit_code = 3
        job.status = {0: "done", 1: "failed"}.get(job.exit_code, "error")
    elif not _alive(job.pid):
        job.status = "lost"
    job.progress, job.last_line = tail_progress(log)
    if job.status != "running":
        try:
            job.result = json.loads(result_path(home, job_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            job.result = None
    if job.status == "done":
        job.progress = 1.0
    return job


def summary(job: Job) -> tuple[str, dict] | None:
    """What a finished job did, as an interface-string key under ``jobs.`` and its values
    (from the command's ``--json`` document, so the page can say it in any language)."""
    r = job.result
    if not isinstance(r, dict):
        return None
    if job.kind == "check" and "n_expectations" in r:
        inc = r.get("incidents") or {}
        return "result_check", {"failed": r.get("n_failed", 0), "total": r["n_expectations"],
                                "opened": len(inc.get("opened") or []), "closed": len(inc.get("closed") or [])}
    if job.kind.startswith("report-") and "output" in r:
        return "result_report", {"fmt": str(r.get("format", "")).upper(), "file": Path(r["output"]).name,
                                 "bytes": r.get("bytes", 0)}
    return None


def list_jobs(home: Home, limit: int = 20) -> list[Job]:
    """Recent jobs, newest first."""
    d = jobs_dir(home)
    if not d.exists():
        return []
    ids = sorted((p.stem for p in d.glob("*.json")), reverse=True)[:limit]
    return [j for j in (load(home, i) for i in ids) if j is not None]


def log_text(home: Home, job_id: str, max_bytes: int = 20_000) -> str:
    _, log, _ = _paths(home, job_id)
    try:
        data = log.read_bytes()[-max_bytes:]
    except FileNotFoundError:
        return ""
    text = _ANSI.sub("", data.decode("utf-8", errors="replace"))
    return "\n".join(part.split("\r")[-1] for part in text.split("\n"))


def _wrapper(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m dashboard.jobs RC_FILE -- CMD...", file=sys.stderr)
        return 2
    rc_file, cmd = Path(argv[0]), argv[2:]
    try:
        code = subprocess.call(cmd)
    except OSError as e:
        print(f"cannot start {cmd[0]}: {e}", file=sys.stderr)
        code = 3
    tmp = rc_file.with_name(rc_file.name + ".tmp")
    tmp.write_text(str(code))
    os.replace(tmp, rc_file)
    return code


if __name__ == "__main__":
    sys.exit(_wrapper(sys.argv[1:]))
