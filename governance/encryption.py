"""Encryption at rest: the one place that opens a home's DuckDB files.

A home created with ``shopgov init --encrypt`` keeps ``warehouse.duckdb`` and
``results.duckdb`` as encrypted DuckDB files (AES, DuckDB's own format). The home holds
only a marker, ``config/encryption.yaml`` (``encrypted: true``), never the key: the key
comes from ``$SHOPGOV_ENCRYPTION_KEY`` in every process that opens the files.

Every opener (the copy-and-swap writer, :func:`~governance.warehouse.connect_read`, the
:class:`~governance.warehouse.Reader`, the GX data source) goes through :func:`open_db` or
:func:`attach`, which look at the marker next to the file. Reading needs nothing more;
writing needs DuckDB's ``httpfs`` extension (its OpenSSL), which cannot be downloaded
here: the PyPI package ``duckdb-extension-httpfs`` pinned to DuckDB's version ships it
and it is loaded by path.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import yaml

from .errors import ShopgovError, UsageError

KEY_ENV = "SHOPGOV_ENCRYPTION_KEY"
MARKER = Path("config") / "encryption.yaml"


class EncryptionError(ShopgovError):
    """An encrypted file cannot be opened: no key, a wrong key, or no httpfs to write it."""


def _lit(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def marker_path(root: Path) -> Path:
    return Path(root) / MARKER


def is_encrypted(root: Path) -> bool:
    """True if the home at ``root`` is marked encrypted."""
    p = marker_path(root)
    if not p.exists():
        return False
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise EncryptionError(f"{p}: not valid YAML ({e.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("encrypted", False), bool):
        raise EncryptionError(f"{p}: expected a mapping with 'encrypted: true' or 'encrypted: false'")
    return bool(data.get("encrypted"))


def key_from_env() -> str:
    """The key in ``$SHOPGOV_ENCRYPTION_KEY``; a clear error when it is missing or blank."""
    key = os.environ.get(KEY_ENV, "")
    if not key.strip():
        raise EncryptionError(f"this home is encrypted: set {KEY_ENV} to its encryption key")
    return key


def key_for(root: Path) -> str | None:
    """The key to open the files of the home at ``root``; None for a plain home."""
    return key_from_env() if is_encrypted(root) else None


def httpfs_extension() -> Path:
    """The ``httpfs`` extension file shipped by the ``duckdb-extension-httpfs`` package."""
    want = f"pip install duckdb-extension-httpfs=={duckdb.__version__}"
    try:
        import duckdb_extension_httpfs as pkg
    except ImportError:
        raise EncryptionError(f"writing an encrypted home needs DuckDB's httpfs extension: {want}") from None
    found = sorted(Path(pkg.__file__).parent.rglob(f"v{duckdb.__version__}/httpfs.duckdb_extension"))
    if not found:
        raise EncryptionError(f"duckdb-extension-httpfs does not match DuckDB {duckdb.__version__}: {want}")
    return found[0]


def _alias(path: Path) -> str:
    """Catalog name for ``path``: ``warehouse`` for warehouse.duckdb and its temporary copies."""
    stem = path.name.lstrip(".").split(".")[0]
    return "".join(c if c.isalnum() else "_" for c in stem) or "db"


def _explain(path: Path, err: duckdb.Error) -> EncryptionError | None:
    text = str(err)
    if "Wrong encryption key" in text:
        return EncryptionError(f"{path.name}: wrong encryption key ({KEY_ENV}) for {path.parent}")
    if "encrypted database" in text and "without a key" in text:
        return EncryptionError(
            f"{path.name} is encrypted but {marker_path(path.parent)} does not say so; "
            f"restore it ('encrypted: true') and set {KEY_ENV}"
        )
    return None


def attach(con: duckdb.DuckDBPyConnection, path: Path, alias: str, *, read_only: bool) -> None:
    """ATTACH ``path`` as ``alias`` on ``con``, with the home's key when it is encrypted."""
    path = Path(path)
    key = key_for(path.parent)
    opts = ["READ_ONLY"] if read_only else []
    if key is not None:
        opts.insert(0, f"ENCRYPTION_KEY {_lit(key)}")
        if not read_only:
            con.execute(f"LOAD {_lit(str(httpfs_extension()))}")
    try:
        con.execute(f"ATTACH {_lit(str(path))} AS \"{alias}\"" + (f" ({', '.join(opts)})" if opts else ""))
    except duckdb.Error as e:
        raise (_explain(path, e) or e) from None


def open_db(path: Path, *, read_only: bool, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A connection whose default catalog is the DuckDB file ``path`` (plain or encrypted).

    A plain file is opened directly (DuckDB shares one instance between read-only
    connections of a process); an encrypted one is attached to an in-memory session with
    ``USE``, so unqualified names and ``current_database()`` refer to it either way.
    """
    path = Path(path)
    if key_for(path.parent) is None:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config or {})
        except duckdb.Error as e:
            raise (_explain(path, e) or e) from None
    con = duckdb.connect(":memory:", config=config or {})
    try:
        alias = _alias(path)
        attach(con, path, alias, read_only=read_only)
        con.execute(f'USE "{alias}"')
    except BaseException:
        con.close()
        raise
    return con


def enable(root: Path) -> bool:
    """Mark the home at ``root`` encrypted (the key must be set). Returns True if newly marked.

    Refuses a home whose files already exist unencrypted: they would stay plain.
    """
    root = Path(root)
    key_from_env()
    httpfs_extension()
    if is_encrypted(root):
        return False
    plain = [p.name for p in (root / "warehouse.duckdb", root / "results.duckdb") if p.exists()]
    if plain:
        raise UsageError(
            f"{root} already holds unencrypted {', '.join(plain)}; --encrypt needs a new home "
            "(export and re-ingest into an encrypted one)"
        )
    p = marker_path(root)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("# The DuckDB files of this home are encrypted; the key is read from "
                 f"${KEY_ENV} (never stored here).\nencrypted: true\n", encoding="utf-8")
    return True
