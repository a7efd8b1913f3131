"""Site bundles: the aggregates a site may send to a central home, signed and optionally encrypted.

A site runs its checks and assessment where the data lives; ``shopgov bundle`` writes one JSON
file holding only aggregates (no row, sample, observed value or person's name):

* ``check_run``: the newest run's metadata (id, times, status, counts, suites, GX version);
* ``expectations``: per expectation its id, table, column *name*, dimension, severity, verdict
  and the counts ``unexpected_count`` / ``element_count`` (never GX's observed values);
* ``scores``: the run's quality scores (table × dimension);
* ``incidents``: when the home has an ``incidents`` table, its lifecycle columns
  (:data:`INCIDENT_COLUMNS`; never owners, assignees or comments);
* ``maturity``: the newest assessment's overall and per-domain score and level, and per
  indicator its value and score (no evidence details);
* ``config_sha256``: :func:`governance.config.fingerprint` of the site's configuration.

The file (format ``shopgov-site-bundle`` version 1)::

    {"header": {"format", "version", "site_id", "key_id", "sequence", "nonce", "created_at",
                "encryption": null | "fernet"},
     "body": {...aggregates...}            # or "ciphertext": "<Fernet token of the body>"
     "signature": "<base64 Ed25519 signature>"}

The signature covers the canonical JSON (sorted keys, no spaces, UTF-8) of
``{"header": ..., "body": ...}`` (or ``"ciphertext"``): encrypt-then-sign, so a central home
rejects a tampered file before decrypting it. ``sequence`` grows by one per bundle of a site
(kept in ``keys/site.json``), so a replayed or older bundle is refused on import.

Keys: an Ed25519 key per site, made on first use in ``$SHOPGOV_HOME/keys/`` (folder 0700,
``site_ed25519.pem`` 0600). Encryption (optional): Fernet (AES-128-CBC + HMAC-SHA256) with the
key in ``$SHOPGOV_BUNDLE_KEY`` on both sides.

Differential privacy (optional): with ``epsilon`` every count (``unexpected_count``,
``element_count``, incidents' ``rows_affected``/``element_count``) gets Laplace noise of scale
``sensitivity / epsilon`` (sensitivity 1: one row), rounded and clamped to ``[0, element_count]``;
``unexpected_percent`` is recomputed from the noisy counts. The mechanism, epsilon, sensitivity,
scale and noised fields are recorded in ``body.privacy`` (the drawn noise itself is not, which
would undo it). Verdicts, pass shares and levels are not noised.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

from .errors import ShopgovError, UsageError
from .paths import Home

FORMAT = "shopgov-site-bundle"
FORMAT_VERSION = 1
ENCRYPTION_ENV = "SHOPGOV_BUNDLE_KEY"
SITE_ENV = "SHOPGOV_SITE"
SITE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
KEY_FILE = "site_ed25519.pem"
SITE_FILE = "site.json"

RUN_COLUMNS = ("run_id", "started_at", "finished_at", "partition_date", "status", "n_expectations",
               "n_failed", "suites", "gx_version", "config_sha256")
EXPECTATION_COLUMNS = ("suite", "kind", "table_name", "column_name", "expectation_id", "expectation_type",
                       "dimension", "severity", "success", "unexpected_count", "element_count",
                       "unexpected_percent")
SCORE_COLUMNS = ("table_name", "dimension", "checks_total", "checks_passed", "pass_share",
                 "row_weighted_pass_rate")
INCIDENT_COLUMNS = ("incident_id", "expectation_id", "table_name", "column_name", "dimension", "severity",
                    "status", "opened_at", "closed_at", "first_seen", "last_seen", "rows_affected",
                    "element_count", "due_date", "indicator_id", "points_at_stake")
DOMAIN_KEYS = ("id", "name_en", "name_zh", "score", "level", "target_level", "score_level", "gate_level",
               "cap_level", "coverage", "provisional")
INDICATOR_KEYS = ("id", "name_en", "name_zh", "kind", "weight", "value", "score", "status")


class BundleError(ShopgovError):
    """A bundle was refused (``reason``: unsigned, tampered, unknown_site, unknown_key, replayed,
    malformed, not_decryptable); the CLI exits 3 and prints why."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(f"bundle refused ({reason}): {message}")


# ---------------------------------------------------------------------------- keys and identity
def public_key_text(raw: bytes) -> str:
    """The printable form of an Ed25519 public key: ``ed25519:<base64 of the 32 raw bytes>``."""
    return "ed25519:" + base64.b64encode(raw).decode()


def parse_public_key(text: str) -> bytes:
    """The 32 raw bytes of a key written by :func:`public_key_text` (or a PEM public key)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError("not an Ed25519 key")
            return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        body = text.removeprefix("ed25519:")
        raw = base64.b64decode(body, validate=True)
        if len(raw) != 32:
            raise ValueError(f"{len(raw)} bytes, expected 32")
        return raw
    except ValueError as e:
        raise UsageError(f"not an Ed25519 public key ({e}); expected 'ed25519:<base64>' as printed "
                         "by `shopgov sites key` on the site") from None


def key_id(raw: bytes) -> str:
    """A short fingerprint of a public key (first 16 hex digits of its sha256)."""
    return hashlib.sha256(raw).hexdigest()[:16]


def check_site_id(site_id: str) -> str:
    if not SITE_ID.match(site_id or ""):
        raise UsageError(f"invalid site id {site_id!r}: use 1-64 lower-case letters, digits, '.', '_' or '-'")
    return site_id


@dataclass(frozen=True)
class SiteIdentity:
    """This home's site id and signing key."""

    site_id: str
    public_key: bytes
    private_pem: bytes

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    @property
    def public_text(self) -> str:
        return public_key_text(self.public_key)


def _keys_lock(home: Home) -> FileLock:
    """The site key folder's writer lock (an OS file lock)."""
    home.keys.mkdir(parents=True, exist_ok=True)
    os.chmod(home.keys, 0o700)
    return FileLock(home.keys / ".lock", mode=0o600)


def _read_site_file(home: Home) -> dict[str, Any]:
    path = home.keys / SITE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise ShopgovError(f"{path}: not valid JSON ({e})") from None
    return data if isinstance(data, dict) else {}


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def site_identity(home: Home, site_id: str | None = None) -> SiteIdentity:
    """This home's site identity, creating the key (and recording ``site_id``) on first use.

    The site id comes from ``site_id``, else ``$SHOPGOV_SITE``, else the one recorded in
    ``keys/site.json``; a different id than the recorded one is a usage error (one key per site).
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    wanted = site_id or os.environ.get(SITE_ENV) or None
    with _keys_lock(home):
        info = _read_site_file(home)
        recorded = info.get("site_id")
        if wanted and recorded and wanted != recorded:
            raise UsageError(f"this home is site {recorded!r} ({home.keys / SITE_FILE}); "
                             f"it cannot sign as {wanted!r}")
        sid = check_site_id(wanted or recorded or "")
        key_path = home.keys / KEY_FILE
        if key_path.exists():
            pem = key_path.read_bytes()
            try:
                key = serialization.load_pem_private_key(pem, password=None)
            except ValueError as e:
                raise ShopgovError(f"{key_path}: not a private key ({e})") from None
            if not isinstance(key, Ed25519PrivateKey):
                raise ShopgovError(f"{key_path}: not an Ed25519 private key")
        else:
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            _write_private(key_path, pem)
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        if recorded != sid or info.get("public_key") != public_key_text(raw):
            info.update(site_id=sid, key_id=key_id(raw), public_key=public_key_text(raw))
            info.setdefault("sequence", 0)
            _write_private(home.keys / SITE_FILE, (json.dumps(info, indent=2) + "\n").encode())
    return SiteIdentity(sid, raw, pem)


def _next_sequence(home: Home) -> int:
    with _keys_lock(home):
        info = _read_site_file(home)
        seq = int(info.get("sequence", 0)) + 1
        info["sequence"] = seq
        _write_private(home.keys / SITE_FILE, (json.dumps(info, indent=2) + "\n").encode())
    return seq


# ---------------------------------------------------------------------------- aggregates
def _plain(v: Any) -> Any:
    """A JSON-able scalar (timestamps and dates as ISO text)."""
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def collect(home: Home) -> dict[str, Any]:
    """The aggregates of ``home``'s newest check run and assessment (see the module docstring)."""
    from .config import fingerprint
    from .results_schema import _open, load_assessment, tables

    body: dict[str, Any] = {"config_sha256": fingerprint(home), "check_run": None, "expectations": [],
                            "scores": [], "incidents": None, "maturity": None}
    with _open(home) as con:
        present = tables(con) if con is not None else set()
        if "check_runs" in present:
            row = con.execute(f"SELECT {', '.join(RUN_COLUMNS)} FROM check_runs "
                              "ORDER BY started_at DESC, run_id DESC LIMIT 1").fetchone()
            if row:
                run = {k: _plain(v) for k, v in zip(RUN_COLUMNS, row, strict=True)}
                body["check_run"] = run
                body["expectations"] = [
                    {k: _plain(v) for k, v in zip(EXPECTATION_COLUMNS, r, strict=True)}
                    for r in con.execute(f"SELECT {', '.join(EXPECTATION_COLUMNS)} FROM expectation_results "
                                         "WHERE run_id = ? ORDER BY expectation_id", [run["run_id"]]).fetchall()]
                body["scores"] = [
                    {k: _plain(v) for k, v in zip(SCORE_COLUMNS, r, strict=True)}
                    for r in con.execute(f"SELECT {', '.join(SCORE_COLUMNS)} FROM quality_scores "
                                         "WHERE run_id = ? ORDER BY table_name, dimension",
                                         [run["run_id"]]).fetchall()]
        if "incidents" in present:  # governance.incidents' table, where that feature is installed
            have = [c[0] for c in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                "AND table_name = 'incidents' ORDER BY column_index").fetchall()]
            cols = [c for c in INCIDENT_COLUMNS if c in have]
            order = "opened_at, incident_id" if {"opened_at", "incident_id"} <= set(cols) else "1"
            body["incidents"] = [{k: _plain(v) for k, v in zip(cols, r, strict=True)}
                                 for r in con.execute(f"SELECT {', '.join(cols)} FROM incidents "
                                                      f"ORDER BY {order}").fetchall()]
    tree = load_assessment(home)
    if tree:
        body["maturity"] = {
            "assessment_id": tree.get("assessment_id"), "created_at": tree.get("created_at"),
            "standard": tree.get("standard"), "model_version": tree.get("model_version"),
            "config_sha256": tree.get("config_sha256"), "levels": tree.get("levels"),
            "overall": {k: tree.get("overall", {}).get(k) for k in ("score", "level", "provisional", "coverage")},
            "domains": [
                {**{k: d.get(k) for k in DOMAIN_KEYS},
                 "indicators": [{k: ind.get(k) for k in INDICATOR_KEYS}
                                for item in d.get("items", []) for ind in item.get("indicators", [])]}
                for d in tree.get("domains", [])],
        }
    return body


def add_noise(body: dict[str, Any], epsilon: float, sensitivity: float = 1.0,
              rng: Any | None = None) -> dict[str, Any]:
    """Add Laplace noise to the counts of ``body`` in place; returns the ``privacy`` record."""
    import numpy as np

    if not epsilon > 0:
        raise UsageError(f"epsilon must be > 0 (got {epsilon})")
    gen = rng or np.random.default_rng(secrets.randbits(128))
    scale = sensitivity / epsilon

    def noisy(v: Any, upper: Any = None) -> Any:
        if v is None:
            return None
        out = max(0, int(round(v + gen.laplace(0.0, scale))))
        return min(out, upper) if isinstance(upper, int) else out

    for e in body.get("expectations") or []:
        e["element_count"] = noisy(e.get("element_count"))
        e["unexpected_count"] = noisy(e.get("unexpected_count"), e.get("element_count"))
        if e.get("unexpected_count") is not None and e.get("element_count"):
            e["unexpected_percent"] = 100.0 * e["unexpected_count"] / e["element_count"]
    for i in body.get("incidents") or []:
        for k in ("element_count", "rows_affected"):
            if k in i:
                i[k] = noisy(i[k], i.get("element_count") if k == "rows_affected" else None)
    return {"mechanism": "laplace", "epsilon": float(epsilon), "sensitivity": float(sensitivity),
            "scale": scale,
            "fields": ["expectations.element_count", "expectations.unexpected_count",
                       "expectations.unexpected_percent (recomputed)", "incidents.element_count",
                       "incidents.rows_affected"],
            "note": "counts rounded and clamped to [0, element_count]; verdicts, scores and levels not noised"}


# ---------------------------------------------------------------------------- signing and encryption
def canonical(obj: Any) -> bytes:
    """The bytes that are signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _signed_part(envelope: dict[str, Any]) -> dict[str, Any]:
    part = {"header": envelope.get("header")}
    if "ciphertext" in envelope:
        part["ciphertext"] = envelope["ciphertext"]
    else:
        part["body"] = envelope.get("body")
    return part


def _fernet(purpose: str) -> Any:
    from cryptography.fernet import Fernet

    key = os.environ.get(ENCRYPTION_ENV)
    if not key:
        raise UsageError(f"{purpose} needs the Fernet key in ${ENCRYPTION_ENV} (make one with "
                         "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)")
    try:
        return Fernet(key.encode())
    except ValueError as e:
        raise UsageError(f"${ENCRYPTION_ENV} is not a Fernet key: {e}") from None


def build_bundle(home: Home, *, site_id: str | None = None, epsilon: float | None = None,
                 encrypt: bool = False, now: datetime | None = None) -> dict[str, Any]:
    """A signed bundle of ``home``'s aggregates (the dict written to the file)."""
    from cryptography.hazmat.primitives import serialization

    identity = site_identity(home, site_id)
    fernet = _fernet("an encrypted bundle") if encrypt else None
    body = collect(home)
    if body["check_run"] is None and body["maturity"] is None:
        raise ShopgovError(f"nothing to bundle in {home.results}: run `shopgov check` and `shopgov assess` first")
    body["privacy"] = add_noise(body, epsilon) if epsilon is not None else None
    created = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    header = {"format": FORMAT, "version": FORMAT_VERSION, "site_id": identity.site_id,
              "key_id": identity.key_id, "sequence": _next_sequence(home), "nonce": secrets.token_hex(16),
              "created_at": created.isoformat(sep=" "), "encryption": "fernet" if fernet else None,
              "epsilon": float(epsilon) if epsilon is not None else None}
    envelope: dict[str, Any] = {"header": header}
    if fernet is not None:
        envelope["ciphertext"] = fernet.encrypt(canonical(body)).decode()
    else:
        envelope["body"] = body
    key = serialization.load_pem_private_key(identity.private_pem, password=None)
    envelope["signature"] = base64.b64encode(key.sign(canonical(_signed_part(envelope)))).decode()
    return envelope


def write_bundle(home: Home, output: Path, **kwargs: Any) -> dict[str, Any]:
    """Build a bundle and write it to ``output``; returns its header plus file facts."""
    envelope = build_bundle(home, **kwargs)
    data = json.dumps(envelope, indent=1, ensure_ascii=False, allow_nan=False).encode() + b"\n"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    return {**envelope["header"], "output": str(output), "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def read_bundle(path: Path) -> tuple[dict[str, Any], bytes]:
    """The parsed envelope of a bundle file and its bytes (malformed files are refused)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"bundle file not found: {path}") from None
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e}") from None
    try:
        env = json.loads(data)
    except (ValueError, UnicodeDecodeError) as e:
        raise BundleError("malformed", f"{path} is not JSON ({e})") from None
    header = env.get("header") if isinstance(env, dict) else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BundleError("malformed", f"{path} is not a {FORMAT} file")
    if header.get("version") != FORMAT_VERSION:
        raise BundleError("malformed", f"{path}: format version {header.get('version')!r}, "
                          f"this shopgov reads {FORMAT_VERSION}")
    for k, kind in (("site_id", str), ("key_id", str), ("sequence", int), ("nonce", str), ("created_at", str)):
        if not isinstance(header.get(k), kind):
            raise BundleError("malformed", f"{path}: header.{k} is missing or not a {kind.__name__}")
    if ("body" in env) == ("ciphertext" in env):
        raise BundleError("malformed", f"{path}: needs exactly one of 'body' and 'ciphertext'")
    return env, data


def verify(envelope: dict[str, Any], public_key: bytes) -> dict[str, Any]:
    """Check the signature with the site's trusted key and return the (decrypted) body."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    header = envelope["header"]
    sig = envelope.get("signature")
    if not sig:
        raise BundleError("unsigned", f"bundle of site {header['site_id']!r} has no signature")
    if header["key_id"] != key_id(public_key):
        raise BundleError("unknown_key", f"signed with key {header['key_id']}, but site {header['site_id']!r} "
                          f"is trusted with key {key_id(public_key)}")
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(base64.b64decode(sig, validate=True),
                                                              canonical(_signed_part(envelope)))
    except (InvalidSignature, ValueError):
        raise BundleError("tampered", f"signature of site {header['site_id']!r} does not match the content "
                          "(changed after signing, or signed by another key)") from None
    if "ciphertext" not in envelope:
        body = envelope["body"]
    else:
        from cryptography.fernet import InvalidToken

        try:
            body = json.loads(_fernet("this bundle is encrypted; importing it").decrypt(
                envelope["ciphertext"].encode()))
        except InvalidToken:
            raise BundleError("not_decryptable", f"${ENCRYPTION_ENV} is not the key this bundle was "
                              "encrypted with") from None
    if not isinstance(body, dict) or not {"config_sha256", "expectations", "scores", "maturity"} <= set(body):
        raise BundleError("malformed", "the body lacks config_sha256 / expectations / scores / maturity")
    return body
