"""The server-side list of open dashboard sessions: what makes sign-out real.

A login cookie is a signed token that names a session id; the session must also be in
``$SHOPGOV_HOME/auth/sessions.json`` (see :mod:`dashboard.server_state`). Signing out
removes it, so the token is dead even if it was copied; a session ends after
:data:`IDLE_TIMEOUT` seconds without a request and :data:`MAX_AGE` seconds after login
whatever happens. Only a SHA-256 of each session id is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from governance.paths import Home

from .server_state import auth_dir, read_state, update_state

IDLE_TIMEOUT = 12 * 3600  # seconds without a request before a session ends
MAX_AGE = 24 * 3600  # seconds after login a session ends at the latest
_TOUCH_EVERY = 60  # record activity at most once a minute (a write per click is wasteful)


def _path(home: Home) -> Path:
    return auth_dir(home) / "sessions.json"


def _key(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _alive(entry: dict, now: float) -> bool:
    return (now - float(entry.get("seen", 0)) <= IDLE_TIMEOUT
            and now - float(entry.get("created", 0)) <= MAX_AGE)


def open_session(home: Home, user: str, now: float) -> str:
    """Record a new session of ``user``; returns its (secret) id."""
    sid = secrets.token_urlsafe(24)
    with update_state(_path(home)) as state:
        for k in [k for k, e in state.items() if not _alive(e, now)]:
            del state[k]
        state[_key(sid)] = {"u": user, "created": now, "seen": now}
    return sid


def check_session(home: Home, sid: str, user: str, now: float) -> bool:
    """True if session ``sid`` of ``user`` is open (and records the activity)."""
    if not sid:
        return False
    key = _key(sid)
    entry = read_state(_path(home)).get(key)
    if not entry or entry.get("u") != user or not _alive(entry, now):
        return False
    if now - float(entry.get("seen", 0)) >= _TOUCH_EVERY:
        with update_state(_path(home)) as state:
            if key in state:
                state[key]["seen"] = max(float(state[key].get("seen", 0)), now)
    return True


def close_session(home: Home, sid: str) -> None:
    """End session ``sid`` (sign-out): its token is refused from now on."""
    if sid:
        with update_state(_path(home)) as state:
            state.pop(_key(sid), None)


def close_user_sessions(home: Home, user: str) -> None:
    """End every session of ``user``."""
    with update_state(_path(home)) as state:
        for k in [k for k, e in state.items() if e.get("u") == user]:
            del state[k]
