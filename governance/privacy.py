"""Personal data: find it in free text, mask it in values and frames.

Finding is done by content (:mod:`governance.pii_scan`): free text anywhere (any text
column, JSON values, messages) is scrubbed of what the scanner finds, whatever the column is
called. Columns the catalog classifies as PII are masked whole by their class's rule.
Masking is deterministic and one-way, so masked values still group and join
(``u_3f2a9c1b04d7e865`` is the same user everywhere) without revealing who it is.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import re
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import pii_scan
from .keyfile import read_or_create_key
from .paths import Home, get_home

if TYPE_CHECKING:  # pandas is imported where frames are masked, not by every importer
    import pandas as pd

PSEUDONYM_KEY_FILE = "pseudonym.key"  # in the home's config folder, mode 0600
PSEUDONYM_HEX = 16  # hex characters of a pseudonym: 64 bits, no collisions over any real id space
_MACS: dict[tuple[str, str], hmac.HMAC] = {}  # (home, cwd) -> keyed HMAC, ready to copy
_EPHEMERAL = secrets.token_bytes(32)


def pseudonym_key(home: Home | None = None) -> bytes:
    """The secret behind pseudonyms: ``$SHOPGOV_PSEUDONYM_KEY``, else the home's key file.

    The file (``config/pseudonym.key``) is generated at random by ``shopgov init`` (or on
    first use in an existing home), so two homes never share pseudonyms. Outside any home
    a random per-process key is used: pseudonyms are then stable only within the process.
    """
    env = os.environ.get("SHOPGOV_PSEUDONYM_KEY")
    if env:
        return env.encode()
    if home is not None:
        _MACS.clear()  # e.g. `init` just created the home: forget a per-process key
    home = home or get_home()
    if not home.root.is_dir():
        return _EPHEMERAL
    return read_or_create_key(home.config / PSEUDONYM_KEY_FILE).encode()


def _mac() -> hmac.HMAC:
    env = os.environ.get("SHOPGOV_PSEUDONYM_KEY")
    cache = ("env:" + env, "") if env else (os.environ.get("SHOPGOV_HOME", ""), os.getcwd())
    mac = _MACS.get(cache)
    if mac is None:
        mac = _MACS[cache] = hmac.new(pseudonym_key(), digestmod=hashlib.sha256)
    return mac


def find_pii(text: Any) -> list[str]:
    """The kinds of personal data found in ``text`` (e.g. ``['email', 'phone']``), in order."""
    return list(dict.fromkeys(f.kind for f in pii_scan.scan(text)))


def contains_pii(text: Any) -> bool:
    return bool(pii_scan.scan(text))


def scrub_text(text: Any) -> Any:
    """Replace every piece of personal data the scanner finds in ``text`` with ``[kind]``."""
    if isinstance(text, dict | list):  # a parsed JSON value
        return json.loads(pii_scan.mask(json.dumps(text, ensure_ascii=False, default=str)))
    return pii_scan.mask(text)


def pseudonymize(value: Any, prefix: str = "u_") -> str | None:
    """A stable keyed pseudonym (HMAC-SHA256 with the home's key, 16 hex chars) for an identifier."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    mac = _mac().copy()
    mac.update(str(value).encode())
    return f"{prefix}{mac.hexdigest()[:PSEUDONYM_HEX]}"


def _mask_email(v: str) -> str:
    local, _, domain = v.partition("@")
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{tld}" if host else f"{local[:1]}***@***"


def _mask_phone(v: str) -> str:
    digits = re.sub(r"\D", "", v)
    if len(digits) < 7:
        return "***"
    return f"{digits[:3]}****{digits[-4:]}"


def mask_direct(value: Any) -> Any:
    """Mask a directly identifying value: emails and phones keep a hint, ID numbers and cards
    their ends, anything else becomes a keyed pseudonym."""
    s = str(value).strip()
    found = pii_scan.scan(s)
    kind = found[0].kind if len(found) == 1 and (found[0].start, found[0].end) == (0, len(s)) else None
    if kind == "email":
        return _mask_email(s)
    if kind in ("id-number", "bank-card"):
        digits = re.sub(r"[^\dXx]", "", s)
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if kind == "phone" or re.fullmatch(r"[\d\s()+.-]{7,}", s):
        return _mask_phone(s)
    return pseudonymize(str(value), prefix="x_")


def mask_indirect(value: Any) -> Any:
    """Mask a pseudonymous identifier (user or session id) with a keyed pseudonym."""
    return pseudonymize(str(value))


#: The masking rule of each PII class: the only place that says how a class is masked.
#: A class without a rule is published as it is, and the catalog records that column as
#: not masked (see :func:`masks_column`), which the critical metadata check reports.
MASKING_RULES: dict[str, Callable[[Any], Any]] = {
    "direct": mask_direct,
    "contact": mask_direct,
    "indirect": mask_indirect,
}

#: Columns unknown to the catalog are classified by name: (test on the lower-case name, class).
NAME_RULES: list[tuple[Callable[[str], bool], str]] = [
    (lambda low: "email" in low or "phone" in low, "direct"),
    (lambda low: low in {"user_id", "session_id", "customer_id", "buyer_id"}, "indirect"),
]


def mask_value(value: Any, pii_class: str | None = "direct") -> Any:
    """Mask one value of a PII-classified column (``pii_class`` from the catalog)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return value
    rule = MASKING_RULES.get(pii_class or "none")
    return value if rule is None else rule(value)


def column_class(column: str, table_name: str | None = None, catalog=None) -> str:
    """The PII class masking uses for ``column``: the catalog's, else one guessed from the name."""
    cls = None
    if catalog is not None and table_name in catalog.tables:
        cols = {c.name: c.pii for c in catalog.tables[table_name].columns}
        cls = cols.get(column)
    if cls is None:
        low = column.lower()
        cls = next((c for test, c in NAME_RULES if test(low)), "none")
    return cls


def mask_frame(df: pd.DataFrame, table_name: str | None = None, catalog=None) -> pd.DataFrame:
    """A copy of ``df`` with PII-classified columns masked and every other text column scrubbed.

    Columns are classified from the catalog entry of ``table_name`` (pass the home's
    catalog; default: the bundled one); columns the catalog does not classify but whose
    name says what they hold (``*email*``, ``*phone*``, ``user_id``) are masked too. Every
    other column holding text (free text, JSON, codes) goes through :func:`scrub_text`, so
    personal data is masked whatever the column is called.
    """
    import pandas as pd

    from .catalog import load_catalog

    catalog = catalog or load_catalog()
    out = df.copy()
    for col in out.columns:
        cls = column_class(str(col), table_name, catalog)
        if cls != "none":
            out[col] = out[col].map(lambda v, c=cls: mask_value(v, c))
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(scrub_text)
    return out


#: Probe values of every kind masking distinguishes (email, phone, ID number, identifiers,
#: names, numbers, free text), used to find out what :func:`mask_frame` does to a column.
PROBES: tuple[Any, ...] = (
    "li.wei@example.com", "+86 138 0013 8000", "(415) 555-0199", "11010519491231002X",
    "u0012345", "Zhang Wei", "Room 5, 88 Nanjing Road", 4217, 3.5,
)


def masks_column(table_name: str, column: str, catalog) -> bool:
    """True when :func:`mask_frame` (the masking every published row sample goes through)
    changes every value of ``table_name.column``: computed by masking :data:`PROBES`, so
    it follows the rules above (remove a rule and the column is no longer masked)."""
    import pandas as pd

    probe = pd.DataFrame({column: pd.Series(PROBES, dtype=object)})
    out = mask_frame(probe, table_name, catalog)[column]
    return all(not _same(a, b) for a, b in zip(probe[column], out, strict=True))


def _same(a: Any, b: Any) -> bool:
    """``b`` is ``a`` unmasked (or still contains the whole of a long ``a``)."""
    return str(a) == str(b) or (isinstance(a, str) and len(a) > 6 and isinstance(b, str) and a in b)
