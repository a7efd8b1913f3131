"""Password checks and signed login tokens.

Who may see and do what is :mod:`governance.access` (``roles.yaml`` of the home); this
module only asks it whether a token's role still exists. No Streamlit here: the login form
and the session live in :mod:`dashboard.login`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from governance.access import load_policy
from governance.paths import Home

from . import sessions, throttle
from .users import User, cookie_key, get_user, verify_password

COOKIE_NAME = "shopgov_session"
SESSION_MAX_AGE = sessions.MAX_AGE  # seconds a login cookie stays valid at most
SESSION_IDLE = sessions.IDLE_TIMEOUT  # seconds without a request before it is refused
_SALT = "shopgov.dashboard.login"
MAX_FAILURES = throttle.MAX_FAILURES  # failed logins (per user, per client) before a lockout

Clock = Callable[[], float]  # seconds since the epoch, like time.time


def authenticate(home: Home, name: str, password: str) -> User | None:
    """The account if ``name``/``password`` are right, else None (constant-ish time)."""
    user = get_user(home, (name or "").strip())
    ok = verify_password(password or "", user.password_hash if user else None)
    return user if ok and user else None


@dataclass(frozen=True)
class LoginAttempt:
    """The outcome of :func:`attempt_login`: the account, or why not (``retry_after`` > 0: locked)."""

    user: User | None
    retry_after: float = 0.0


def attempt_login(home: Home, name: str, password: str, client: str | None,
                  now: Clock = time.time) -> LoginAttempt:
    """Check a login through the server-side throttle (:mod:`dashboard.throttle`).

    ``client`` identifies the browser's machine (its IP address). While the user name or
    the client is locked out, the password is not even checked.
    """
    keys = throttle.keys(name, client)
    wait = throttle.retry_after(home, keys, now())
    if wait > 0:
        return LoginAttempt(None, wait)
    user = authenticate(home, name, password)
    if user is None:
        throttle.record_failure(home, keys, now())
        return LoginAttempt(None)
    throttle.record_success(home, keys[0])
    return LoginAttempt(user)


def fingerprint(user: User) -> str:
    # Changing the password changes the hash, which invalidates existing cookies.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _serializer(home: Home, now: Clock) -> URLSafeTimedSerializer:
    class _Signer(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(now())

    return URLSafeTimedSerializer(cookie_key(home), salt=_SALT, signer=_Signer)


def issue_token(home: Home, user: User, now: Clock = time.time) -> str:
    """Open a server-side session for ``user`` and return its signed token (the login cookie)."""
    sid = sessions.open_session(home, user.name, now())
    return _serializer(home, now).dumps({"u": user.name, "f": fingerprint(user), "s": sid})


def _claims(home: Home, token: str | None, max_age: int, now: Clock) -> dict | None:
    if not token:
        return None
    try:
        data = _serializer(home, now).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    return data if isinstance(data, dict) else None


def user_from_token(home: Home, token: str | None, max_age: int = SESSION_MAX_AGE,
                    now: Clock = time.time) -> User | None:
    """The account a login token names, if the signature, age (at ``now``), the password
    fingerprint and the server-side session (not signed out, not idle) all hold."""
    data = _claims(home, token, max_age, now)
    if data is None:
        return None
    user = get_user(home, str(data.get("u", "")))
    if user is None or data.get("f") != fingerprint(user) or user.role not in load_policy(home).roles:
        return None
    if not sessions.check_session(home, str(data.get("s") or ""), user.name, now()):
        return None
    return user


def revoke_token(home: Home, token: str | None) -> None:
    """Sign out: end the session a token names, so replaying the token no longer works."""
    data = _claims(home, token, SESSION_MAX_AGE, time.time)
    if data:
        sessions.close_session(home, str(data.get("s") or ""))
