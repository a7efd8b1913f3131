"""Server-side login throttling: per user name and per client, persistent across reloads.

Every failed login counts against two keys, the user name tried and the client (its IP
address as Streamlit sees it). When a key reaches :data:`MAX_FAILURES` failures it is
locked: for :data:`BASE_LOCKOUT` seconds, doubling with every further failure up to
:data:`MAX_LOCKOUT`. While a key is locked no password is even checked. Failures are
forgotten :data:`WINDOW` seconds after the last one; a successful login clears the user's
count (not the client's: one valid account must not unlock guessing at the others).

The counts live in ``$SHOPGOV_HOME/auth/login-throttle.json`` (see
:mod:`dashboard.server_state`); keys are SHA-256 hashes, so a password typed into the user
name field is never stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from governance.paths import Home

from .server_state import auth_dir, read_state, update_state

MAX_FAILURES = 5  # failures per key before it is locked
BASE_LOCKOUT = 30.0  # seconds of the first lockout; doubles with each further failure
MAX_LOCKOUT = 3600.0
WINDOW = 900.0  # failures older than this (after the last one) are forgotten

Clock = Callable[[], float]


def _path(home: Home) -> Path:
    return auth_dir(home) / "login-throttle.json"


def keys(name: str, client: str | None) -> list[str]:
    """The throttle keys of a login attempt: the user name and the client."""
    user = (name or "").strip().lower()[:128]
    return [hashlib.sha256(f"user:{user}".encode()).hexdigest(),
            hashlib.sha256(f"client:{client or 'unknown'}".encode()).hexdigest()]


def retry_after(home: Home, attempt_keys: Iterable[str], now: float) -> float:
    """Seconds until every key of the attempt is unlocked (0 when none is locked)."""
    state = read_state(_path(home))
    waits = [float(state.get(k, {}).get("until", 0)) - now for k in attempt_keys]
    return max([0.0, *waits])


def record_failure(home: Home, attempt_keys: Iterable[str], now: float) -> None:
    """Count a failed login against each key; lock the keys that reached the limit."""
    with update_state(_path(home)) as state:
        for k in list(state):  # forget stale entries so the file stays small
            e = state[k]
            if now - float(e.get("last", 0)) > WINDOW and now >= float(e.get("until", 0)):
                del state[k]
        for k in attempt_keys:
            e = state.setdefault(k, {"failures": 0, "last": now, "until": 0})
            e["failures"] = int(e.get("failures", 0)) + 1
            e["last"] = now
            extra = e["failures"] - MAX_FAILURES
            if extra >= 0:
                e["until"] = now + min(MAX_LOCKOUT, BASE_LOCKOUT * 2 ** min(extra, 20))


def record_success(home: Home, user_key: str) -> None:
    """A successful login clears the user's failures."""
    with update_state(_path(home)) as state:
        state.pop(user_key, None)
