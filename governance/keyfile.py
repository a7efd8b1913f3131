"""Secret keys generated once per home and kept in files only their owner can read."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create_key(path: Path, nbytes: int = 32) -> str:
    """The hex key in ``path``; created (random, mode 0600) when missing.

    Creation is race-free: the key is written to a private file and hard-linked into
    place, so when two processes create it at once the first wins and both use its key.
    """
    if path.exists():
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        path.unlink(missing_ok=True)  # an empty file (a crash while creating it): start again
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(nbytes)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(tmp, path)  # first writer wins; a concurrent creator keeps its own key
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key
