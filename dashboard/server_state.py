"""Small JSON state files the dashboard server keeps under ``$SHOPGOV_HOME/auth/``.

The login throttle and the session list must outlive a browser session (a reload must not
reset them) and be shared by every server process of the home, so they live on disk: one
JSON object per file, read and rewritten under an OS file lock (:mod:`filelock`), replaced
atomically, readable by the owner only (0600 files in a 0700 folder).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock

from governance.paths import Home


def auth_dir(home: Home) -> Path:
    """``$SHOPGOV_HOME/auth``: server-side login state (never user-editable configuration)."""
    path = home.root / "auth"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def read_state(path: Path) -> dict[str, Any]:
    """The JSON object in ``path`` (empty when missing or unreadable: never trust it blindly)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@contextlib.contextmanager
def update_state(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the JSON object in ``path`` for changing in place; written back atomically on exit."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with FileLock(path.with_name(f".{path.name}.lock"), mode=0o600):
        data = read_state(path)
        yield data
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, separators=(",", ":"))
        os.replace(tmp, path)
