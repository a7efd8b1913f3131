"""Personal data: find it in free text, mask it in values and frames.

Masking is deterministic and one-way, so masked values still group and join
(``u_3f2a9c1b`` is the same user everywhere) without revealing who it is.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from typing import Any

import pandas as pd

# Order matters: ID numbers before phones (an 18-digit ID contains phone-like runs).
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")  # PRC resident ID (GB 11643)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_WECHAT = re.compile(r"(?i)(?:wechat|weixin|wx|vx|微信|威信)\s*(?:id|号)?\s*[:：]?\s*[A-Za-z][-_A-Za-z0-9]{5,19}")
_PHONE = re.compile(
    r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"  # CN mobile
    r"|(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{4}(?![\w])"
)

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_ID_NUMBER, "[id-number]"),
    (_EMAIL, "[email]"),
    (_WECHAT, "[wechat]"),
    (_PHONE, "[phone]"),
]

FREE_TEXT_COLUMNS = {"title", "description", "text", "query", "name", "message", "reason"}


def _key() -> bytes:
    return os.environ.get("SHOPGOV_PSEUDONYM_KEY", "shopgov-pseudonym-v1").encode()


def find_pii(text: str | None) -> list[str]:
    """The kinds of personal data found in ``text`` (e.g. ``['email', 'phone']``)."""
    if not text:
        return []
    found = []
    for pattern, token in _PATTERNS:
        if pattern.search(text):
            found.append(token.strip("[]"))
    return found


def contains_pii(text: str | None) -> bool:
    return bool(find_pii(text))


def scrub_text(text: Any) -> Any:
    """Replace emails, phones, ID numbers and WeChat ids in ``text`` with placeholders."""
    if not isinstance(text, str) or not text:
        return text
    for pattern, token in _PATTERNS:
        text = pattern.sub(token, text)
    return text


def pseudonymize(value: Any, prefix: str = "u_") -> str | None:
    """A stable keyed pseudonym (HMAC-SHA256, 8 hex chars) for an identifier."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    digest = hmac.new(_key(), str(value).encode(), hashlib.sha256).hexdigest()[:8]
    return f"{prefix}{digest}"


def _mask_email(v: str) -> str:
    local, _, domain = v.partition("@")
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{tld}" if host else f"{local[:1]}***@***"


def _mask_phone(v: str) -> str:
    digits = re.sub(r"\D", "", v)
    if len(digits) < 7:
        return "***"
    return f"{digits[:3]}****{digits[-4:]}"


def mask_value(value: Any, pii_class: str = "direct") -> Any:
    """Mask one value of a PII-classified column (``pii_class`` from the catalog)."""
    if value is None or pii_class in (None, "", "none"):
        return value
    if isinstance(value, float) and pd.isna(value):
        return value
    s = str(value)
    if pii_class == "indirect":
        return pseudonymize(s)
    if _EMAIL.fullmatch(s.strip()):
        return _mask_email(s.strip())
    if _ID_NUMBER.fullmatch(s.strip()):
        return s.strip()[:3] + "*" * 11 + s.strip()[-4:]
    if re.fullmatch(r"[\d\s()+.-]{7,}", s.strip()):
        return _mask_phone(s)
    return pseudonymize(s, prefix="x_")


def mask_frame(df: pd.DataFrame, table_name: str | None = None, catalog=None) -> pd.DataFrame:
    """A copy of ``df`` with PII-classified columns masked and free-text columns scrubbed.

    Columns are classified from the catalog entry of ``table_name``; columns unknown to the
    catalog whose name says what they hold (``*email*``, ``*phone*``, ``user_id``) are masked too.
    """
    from .catalog import load_catalog

    catalog = catalog or load_catalog()
    classes: dict[str, str] = {}
    if table_name and table_name in catalog.tables:
        classes = {c.name: c.pii for c in catalog.tables[table_name].columns}
    out = df.copy()
    for col in out.columns:
        cls = classes.get(col)
        if cls is None:
            low = col.lower()
            if "email" in low or "phone" in low:
                cls = "direct"
            elif low in {"user_id", "session_id", "customer_id", "buyer_id"}:
                cls = "indirect"
            else:
                cls = "none"
        if cls != "none":
            out[col] = out[col].map(lambda v, c=cls: mask_value(v, c))
        elif col.lower() in FREE_TEXT_COLUMNS and (
            out[col].dtype == object or pd.api.types.is_string_dtype(out[col])
        ):
            out[col] = out[col].map(scrub_text)
    return out
