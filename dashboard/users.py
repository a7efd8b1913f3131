"""Dashboard accounts: ``$SHOPGOV_HOME/config/users.yaml`` with bcrypt-hashed passwords.

The file maps user names to a role and a bcrypt hash; it never holds a clear-text
password. It is read with a strict model (:class:`UsersFile`): an unknown key, a missing
hash or a role the home's ``roles.yaml`` does not define is an error naming the file, key
and line (the CLI exits 2). Writes go through a lock file and an atomic rename, so a crash never leaves a
half-written users file. The key that signs login cookies comes from
``$SHOPGOV_COOKIE_KEY`` or is generated once into ``$SHOPGOV_HOME/config/cookie.key``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bcrypt
import yaml
from filelock import FileLock
from pydantic import Field, field_validator

from governance.access import ADMIN_ACTION, load_policy
from governance.config import ConfigError, Strict, line_of, load_model, read_yaml
from governance.errors import UsageError
from governance.keyfile import read_or_create_key
from governance.paths import Home

USERS_FILE = "users.yaml"
COOKIE_KEY_FILE = "cookie.key"
ADMIN_NAME = "admin"
MIN_PASSWORD_LENGTH = 10  # characters, for every account
MIN_ADMIN_PASSWORD_LENGTH = 12  # for roles that may manage users
BCRYPT_MAX_BYTES = 72  # bcrypt ignores (bcrypt>=5: refuses) bytes beyond this
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
_BCRYPT = re.compile(r"^\$2[aby]?\$\d\d\$[./A-Za-z0-9]{53}$")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str
    created_at: str | None = None
    updated_at: str | None = None

    def as_public_dict(self) -> dict:
        """Everything but the hash (for listings and JSON output)."""
        return {"name": self.name, "role": self.role, "created_at": self.created_at,
                "updated_at": self.updated_at}


class UserEntry(Strict):
    role: str = Field(min_length=1)
    password_hash: str
    created_at: str | None = None
    updated_at: str | None = None

    @field_validator("created_at", "updated_at", mode="before")
    @classmethod
    def _stamp(cls, v: Any) -> Any:
        # an unquoted timestamp in a hand-edited file arrives as a datetime
        return v.isoformat() if isinstance(v, datetime) else v

    @field_validator("password_hash")
    @classmethod
    def _bcrypt(cls, v: str) -> str:
        if not _BCRYPT.match(v):
            raise ValueError("not a bcrypt hash (set passwords with `shopgov users passwd NAME`)")
        return v


class UsersFile(Strict):
    """The whole ``users.yaml`` file."""

    users: dict[str, UserEntry] = Field(default_factory=dict)

    @field_validator("users", mode="before")
    @classmethod
    def _names_are_strings(cls, v: Any) -> Any:
        return {str(k): e for k, e in v.items()} if isinstance(v, dict) else v


def users_path(home: Home) -> Path:
    return home.config / USERS_FILE


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _bcrypt_input(password: str) -> bytes:
    """The bytes bcrypt sees: the UTF-8 password, or for one over 72 bytes its SHA-256
    (base64, 44 bytes) so that no byte is ignored. Shorter passwords are unchanged, so every
    hash written before this rule still verifies."""
    raw = password.encode("utf-8")
    if len(raw) <= BCRYPT_MAX_BYTES:
        return raw
    return base64.b64encode(hashlib.sha256(raw).digest())


def hash_password(password: str) -> str:
    """bcrypt hash of ``password`` (random salt, cost 12; long passwords pre-hashed)."""
    return bcrypt.hashpw(_bcrypt_input(password), bcrypt.gensalt()).decode("ascii")


# A real hash to compare against when the user does not exist, so a login attempt takes
# the same time whether or not the name is known.
_DUMMY_HASH = hash_password(secrets.token_hex(8))


def verify_password(password: str, password_hash: str | None) -> bool:
    """True if ``password`` matches the bcrypt ``password_hash``."""
    target = (password_hash or _DUMMY_HASH).encode("ascii")
    try:
        ok = bcrypt.checkpw(_bcrypt_input(password), target)
    except ValueError:
        return False
    return ok and password_hash is not None


def validate_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise UsageError(
            f"invalid user name {name!r}: use 2-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return name


@functools.cache
def common_passwords() -> frozenset[str]:
    """The bundled list of passwords nobody may use (``dashboard/common_passwords.txt``)."""
    from governance.paths import bundled

    text = bundled("dashboard", "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def validate_password(password: str, *, name: str = "", admin: bool = False) -> str:
    """``password`` if the policy allows it for user ``name``, else a usage error saying why.

    At least 10 characters (12 for an account that manages users), not only whitespace,
    not a common password (or one with digits/symbols appended), not containing the user
    name. Any length above that is fine: over 72 bytes it is pre-hashed for bcrypt.
    """
    password = password or ""
    minimum = MIN_ADMIN_PASSWORD_LENGTH if admin else MIN_PASSWORD_LENGTH
    if len(password) < minimum:
        who = "an account that manages users" if admin else "an account"
        raise UsageError(f"password too short: use at least {minimum} characters for {who}")
    if not password.strip():
        raise UsageError("password is only whitespace")
    low = password.strip().lower()
    stem = re.sub(r"[\d\W_]+$", "", low)
    if low in common_passwords() or stem in common_passwords() or len(set(low)) <= 2:
        raise UsageError("password is too common or too easy to guess: choose another one")
    if len(name) >= 3 and name.lower() in low:
        raise UsageError("password must not contain the user name")
    return password


def validate_role(home: Home, role: str) -> str:
    """``role`` if the home's ``roles.yaml`` defines it, else a usage error listing the roles."""
    return load_policy(home).check_role(role)


def generate_password() -> str:
    """A random password that is easy to type (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def load_users(home: Home) -> dict[str, User]:
    """All accounts (empty if the users file does not exist yet)."""
    path = users_path(home)
    if not path.exists():
        return {}
    spec = load_model(path, UsersFile)
    roles = load_policy(home).roles
    unknown = [(name, e.role) for name, e in spec.users.items() if e.role not in roles]
    if unknown:
        _, node = read_yaml(path)
        raise ConfigError(path, [(f"users.{name}.role", line_of(node, ("users", name, "role")),
                                  f"unknown role {role!r}; known roles: {', '.join(roles)}")
                                 for name, role in unknown])
    return {name: User(name=name, role=e.role, password_hash=e.password_hash, created_at=e.created_at,
                       updated_at=e.updated_at) for name, e in spec.users.items()}


def get_user(home: Home, name: str) -> User | None:
    return load_users(home).get(name)


def _locked(home: Home) -> FileLock:
    """The users file's writer lock (an OS file lock)."""
    home.config.mkdir(parents=True, exist_ok=True)
    return FileLock(home.config / ".users.lock", mode=0o600)


def _save(home: Home, users: dict[str, User]) -> None:
    path = users_path(home)
    body = {
        "users": {
            u.name: {"role": u.role, "password_hash": u.password_hash,
                     "created_at": u.created_at, "updated_at": u.updated_at}
            for u in sorted(users.values(), key=lambda u: u.name)
        }
    }
    text = (
        "# shopgov dashboard accounts (bcrypt hashes only). Edit with `shopgov users ...`.\n"
        + yaml.safe_dump(body, sort_keys=False, allow_unicode=True)
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def add_user(home: Home, name: str, role: str, password: str, *, replace: bool = False) -> User:
    """Create an account (``replace=True`` overwrites an existing one)."""
    validate_name(name)
    validate_role(home, role)
    validate_password(password, name=name, admin=role in _admin_roles(home))
    with _locked(home):
        users = load_users(home)
        if name in users and not replace:
            raise UsageError(f"user {name!r} already exists (use `shopgov users passwd {name}` to change the password)")
        now = _now()
        created = users[name].created_at if name in users else now
        users[name] = User(name, role, hash_password(password), created, now)
        _save(home, users)
        return users[name]


def _admin_roles(home: Home) -> tuple[str, ...]:
    """Roles that manage users (``admin`` in the default ``roles.yaml``)."""
    return load_policy(home).roles_with(ADMIN_ACTION)


def _admins(home: Home, users: dict[str, User]) -> list[str]:
    roles = _admin_roles(home)
    return [u.name for u in users.values() if u.role in roles]


def remove_user(home: Home, name: str) -> None:
    """Delete an account; the last admin cannot be removed."""
    with _locked(home):
        users = load_users(home)
        if name not in users:
            raise UsageError(f"no user {name!r} in {users_path(home)}")
        if _admins(home, users) == [name]:
            raise UsageError(f"cannot remove {name!r}: it is the only admin")
        del users[name]
        _save(home, users)


def set_password(home: Home, name: str, password: str) -> User:
    """Change a password (existing login cookies of that user stop working)."""
    with _locked(home):
        users = load_users(home)
        if name not in users:
            raise UsageError(f"no user {name!r} in {users_path(home)}")
        u = users[name]
        validate_password(password, name=name, admin=u.role in _admin_roles(home))
        users[name] = User(u.name, u.role, hash_password(password), u.created_at, _now())
        _save(home, users)
        return users[name]


def set_role(home: Home, name: str, role: str) -> User:
    """Change a user's role; the last admin cannot be demoted."""
    validate_role(home, role)
    with _locked(home):
        users = load_users(home)
        if name not in users:
            raise UsageError(f"no user {name!r} in {users_path(home)}")
        u = users[name]
        if _admins(home, users) == [name] and role not in _admin_roles(home):
            raise UsageError(f"cannot change the role of {name!r}: it is the only admin")
        users[name] = User(u.name, role, u.password_hash, u.created_at, _now())
        _save(home, users)
        return users[name]


def ensure_admin(home: Home) -> str | None:
    """Create the ``admin`` account if no admin exists; return its initial password once.

    The password comes from ``$SHOPGOV_ADMIN_PASSWORD`` or is generated. Returns None
    when an admin already exists (nothing is changed).
    """
    home.ensure()
    with _locked(home):
        users = load_users(home)
        if _admins(home, users):
            return None
    password = os.environ.get("SHOPGOV_ADMIN_PASSWORD") or generate_password()
    name = ADMIN_NAME
    if name in load_users(home):  # an 'admin' account with another role: keep it, use a new name
        name = f"{ADMIN_NAME}-{secrets.token_hex(2)}"
    roles = _admin_roles(home)
    if not roles:
        raise UsageError(f"{load_policy(home).source}: no role may manage_users, so no admin account can be created")
    add_user(home, name, "admin" if "admin" in roles else roles[0], password)
    return password if name == ADMIN_NAME else f"{password} (user {name})"


def cookie_key(home: Home) -> str:
    """The secret that signs login cookies: ``$SHOPGOV_COOKIE_KEY`` or a generated file."""
    env = os.environ.get("SHOPGOV_COOKIE_KEY")
    if env:
        return env
    return read_or_create_key(home.config / COOKIE_KEY_FILE)
