"""Access audit log: every read of row-level data (and every login) as one JSON line.

``$SHOPGOV_HOME/logs/access_audit.jsonl`` gets ``{"ts", "user", "role", "action", "target",
"detail"}`` per event. Lines are appended with a single ``write`` under an ``flock`` so
concurrent dashboard sessions never interleave them. Nothing personal is written: the
detail holds filters and row counts, never values.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from governance.paths import Home

AUDIT_FILE = "access_audit.jsonl"


def audit_path(home: Home) -> Path:
    return home.logs / AUDIT_FILE


def log_access(
    home: Home, user: str | None, role: str | None, action: str, target: str = "",
    **detail: Any,
) -> dict:
    """Append one audit record and return it."""
    record = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "user": user or "anonymous",
        "role": role or "none",
        "action": action,
        "target": target,
        "detail": detail,
    }
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    home.logs.mkdir(parents=True, exist_ok=True)
    fd = os.open(audit_path(home), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    return record


def read_audit(home: Home, limit: int | None = None) -> list[dict]:
    """The audit records, oldest first (the last ``limit`` ones if given)."""
    path = audit_path(home)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    if limit is not None:
        lines = lines[-limit:]
    return [json.loads(line) for line in lines if line.strip()]
