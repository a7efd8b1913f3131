"""English and Chinese interface strings (``i18n.yaml`` plus the names of
:mod:`governance.vocabulary`) and number formatting."""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date, format_datetime

from governance import vocabulary
from governance.paths import bundled

I18N_FILE = bundled("dashboard", "i18n.yaml")
#: Strings owned by governance.vocabulary (GB/T 36344 dimension names, severities), not i18n.yaml.
_VOCABULARY: dict[str, dict[str, dict[str, str]]] = {
    "dimension": {**vocabulary.DIMENSIONS, "*": vocabulary.ALL},
    "severity": vocabulary.SEVERITY_NAMES,
}
LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=2)
def _strings(path: Path = I18N_FILE) -> dict[str, dict[str, str]]:
    """Flatten the nested YAML into ``{"page.key": {"en": ..., "zh": ...}}``."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict) and set(node) <= set(LANGUAGES) and node:
            flat[prefix] = {k: str(v) for k, v in node.items()}
            return
        if not isinstance(node, dict) or not node:
            raise ValueError(f"{path}: '{prefix}' must be a mapping of strings or {{en: ..., zh: ...}}")
        for k, v in node.items():
            walk(f"{prefix}.{k}" if prefix else str(k), v)

    walk("", raw)
    for prefix, names in _VOCABULARY.items():
        if any(k.startswith(f"{prefix}.") for k in flat):
            raise ValueError(f"{path}: '{prefix}' names come from governance/vocabulary.py; remove them here")
        flat.update({f"{prefix}.{k}": dict(v) for k, v in names.items()})
    return flat


def all_keys() -> list[str]:
    return sorted(_strings())


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The string ``key`` in ``lang`` (English if missing there), formatted with ``values``."""
    entry = _strings().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get(DEFAULT_LANGUAGE) or key
    return text.format(**values) if values else text


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_int(n: Any) -> str:
    """``1234567`` → ``1,234,567`` (``—`` when missing)."""
    if _missing(n):
        return "—"
    return f"{int(n):,}"


def fmt_pct(share: Any, digits: int = 1) -> str:
    """A share in 0..1 as a percentage with one decimal: ``0.9731`` → ``97.3%``."""
    if _missing(share):
        return "—"
    return f"{float(share) * 100:,.{digits}f}%"


def fmt_num(x: Any, digits: int = 2) -> str:
    if _missing(x):
        return "—"
    return f"{float(x):,.{digits}f}"


#: Date and time patterns per interface language (CLDR patterns, formatted by Babel with the
#: language's locale), and the same for chart axes (d3, drawn by Plotly in the browser).
LOCALES = {"en": "en_US", "zh": "zh_Hans_CN"}
DATE_FORMATS = {"en": "yyyy-MM-dd", "zh": "yyyy年MM月dd日"}
TIME_FORMATS = {"en": "yyyy-MM-dd HH:mm", "zh": "yyyy年MM月dd日 HH:mm"}
AXIS_DATE_FORMATS = {"en": "%b %d<br>%Y", "zh": "%m月%d日<br>%Y年"}


def _as_datetime(ts: Any) -> date | datetime | None:
    if ts is None or (isinstance(ts, float) and math.isnan(ts)):
        return None
    if isinstance(ts, date):
        return ts
    if hasattr(ts, "to_pydatetime"):  # pandas Timestamp (NaT included)
        return None if str(ts) == "NaT" else ts.to_pydatetime()
    try:
        return datetime.fromisoformat(str(ts))
    except ValueError:
        return None


def fmt_ts(ts: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """Timestamps as ``YYYY-MM-DD HH:MM`` (``YYYY年MM月DD日 HH:MM`` in Chinese; UTC, as stored)."""
    value = _as_datetime(ts)
    if value is None:
        return "—" if ts is None or (isinstance(ts, float) and math.isnan(ts)) or str(ts) == "NaT" else str(ts)
    if not isinstance(value, datetime):
        return fmt_date(value, lang)
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return format_datetime(value, TIME_FORMATS[lang], locale=LOCALES[lang])


def fmt_date(ts: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """The day of a date or timestamp, per language (``2026-01-11`` / ``2026年01月11日``)."""
    value = _as_datetime(ts)
    if value is None:
        return "—" if ts is None or (isinstance(ts, float) and math.isnan(ts)) or str(ts) == "NaT" else str(ts)
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return format_date(value, DATE_FORMATS[lang], locale=LOCALES[lang])


def fmt_signed(x: Any, digits: int = 2, unit: str = "") -> str:
    """A change with its sign: ``+0.35``, ``-0.35``, ``±0.00`` for no change (``—`` when missing)."""
    if _missing(x):
        return "—"
    value = round(float(x), digits)
    if value == 0:
        return f"±{0:.{digits}f}{unit}"
    return f"{'+' if value > 0 else '-'}{abs(value):,.{digits}f}{unit}"


def fmt_seconds(s: Any) -> str:
    if _missing(s):
        return "—"
    s = float(s)
    if s < 60:
        return f"{s:,.1f} s"
    return f"{int(s // 60)} min {int(s % 60)} s"
