"""Who may see and do what (``roles.yaml``), password checks and signed login tokens.

No Streamlit here: the CLI uses :func:`can` for its report exports too. The login form
and the session live in :mod:`dashboard.login`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from governance.config import DEFAULTS
from governance.errors import ShopgovError, UsageError
from governance.paths import Home

from .users import User, cookie_key, get_user, verify_password

ROLES_FILE = DEFAULTS / "roles.yaml"
COOKIE_NAME = "shopgov_session"
SESSION_MAX_AGE = 7 * 24 * 3600  # seconds a login cookie stays valid
_SALT = "shopgov.dashboard.login"


@dataclass(frozen=True)
class RoleRules:
    actions: dict[str, str]  # action -> description
    roles: dict[str, frozenset[str]]  # role -> every action it may do (inheritance resolved)
    descriptions: dict[str, str]
    pages: dict[str, str]  # page -> action needed


def _resolve(name: str, raw: dict, seen: tuple[str, ...] = ()) -> frozenset[str]:
    if name in seen:
        raise ShopgovError(f"{ROLES_FILE}: role inheritance loop {' -> '.join((*seen, name))}")
    entry = raw.get(name)
    if entry is None:
        raise ShopgovError(f"{ROLES_FILE}: unknown role {name!r} in 'inherits'")
    own = set(entry.get("actions") or [])
    parent = entry.get("inherits")
    if parent:
        own |= _resolve(parent, raw, (*seen, name))
    return frozenset(own)


@lru_cache(maxsize=4)
def load_rules(path: Path = ROLES_FILE) -> RoleRules:
    """Parse and check ``roles.yaml`` (every action a role names must be declared)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    actions = dict(raw.get("actions") or {})
    raw_roles = raw.get("roles") or {}
    roles = {name: _resolve(name, raw_roles) for name in raw_roles}
    for name, acts in roles.items():
        unknown = sorted(acts - set(actions))
        if unknown:
            raise ShopgovError(f"{path}: role {name!r} names undeclared actions {unknown}")
    pages = dict(raw.get("pages") or {})
    for page, action in pages.items():
        if action not in actions:
            raise ShopgovError(f"{path}: page {page!r} needs undeclared action {action!r}")
    return RoleRules(
        actions=actions,
        roles=roles,
        descriptions={n: str(e.get("description", "")) for n, e in raw_roles.items()},
        pages=pages,
    )


def role_names() -> list[str]:
    return list(load_rules().roles)


def can(role: str | None, action: str) -> bool:
    """True if ``role`` may do ``action`` (unknown roles and anonymous users may do nothing)."""
    rules = load_rules()
    if action not in rules.actions:
        raise UsageError(f"unknown action {action!r}; known actions: {', '.join(rules.actions)}")
    return action in rules.roles.get(role or "", frozenset())


def require(role: str | None, action: str) -> None:
    """Raise :class:`PermissionError` unless ``role`` may do ``action``."""
    if not can(role, action):
        raise PermissionError(f"role {role or 'anonymous'!r} may not {action}")


def can_see_page(role: str | None, page: str) -> bool:
    action = load_rules().pages.get(page)
    return action is not None and can(role, action)


def authenticate(home: Home, name: str, password: str) -> User | None:
    """The account if ``name``/``password`` are right, else None (constant-ish time)."""
    user = get_user(home, (name or "").strip())
    ok = verify_password(password or "", user.password_hash if user else None)
    return user if ok and user else None


def fingerprint(user: User) -> str:
    # Changing the password changes the hash, which invalidates existing cookies.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _serializer(home: Home) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(cookie_key(home), salt=_SALT)


def issue_token(home: Home, user: User) -> str:
    """A signed, timestamped token naming ``user`` (the value of the login cookie)."""
    return _serializer(home).dumps({"u": user.name, "f": fingerprint(user)})


def user_from_token(home: Home, token: str | None, max_age: int = SESSION_MAX_AGE) -> User | None:
    """The account a login token names, if the signature, age and password fingerprint hold."""
    if not token:
        return None
    try:
        data = _serializer(home).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = get_user(home, str(data.get("u", "")))
    if user is None or data.get("f") != fingerprint(user) or user.role not in load_rules().roles:
        return None
    return user
