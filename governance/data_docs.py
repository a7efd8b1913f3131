"""GX Data Docs for check runs, written to ``$SHOPGOV_HOME/data_docs`` and free of personal data.

Runs validate with a counts-only ``result_format`` (no unexpected values, no sample rows),
and every validation result is additionally passed through :func:`sanitize_result` before
it is stored, rendered or sent anywhere: value lists are dropped, observed values of
PII-classified columns are removed, and free text (exception messages) is scrubbed with
:func:`governance.privacy.scrub_text`.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any, Literal

from great_expectations.checkpoint import UpdateDataDocsAction

from .check_suites import COUNT_OBSERVED, COUNTS_ONLY  # noqa: F401  (re-exported)
from .gx_private import build_data_docs
from .privacy import scrub_text

SITE_NAME = "shopgov"

# Result keys that can carry data values; never kept.
_VALUE_KEYS = (
    "partial_unexpected_list", "partial_unexpected_counts", "partial_unexpected_index_list",
    "unexpected_list", "unexpected_index_list", "unexpected_index_query", "unexpected_rows",
    "details",
)


def site_config(folder: Path) -> dict[str, Any]:
    """A GX Data Docs site writing static HTML into ``folder``."""
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
    }


class BuildDataDocsAction(UpdateDataDocsAction):
    """GX's UpdateDataDocsAction, but the site is rebuilt once per run, not once per suite."""

    type: Literal["shopgov_data_docs"] = "shopgov_data_docs"  # type: ignore[assignment]

    def run(self, checkpoint_result: Any, action_context: Any = None) -> dict:
        return build_data_docs(self, checkpoint_result)


def _scrub(obj: Any) -> Any:
    if isinstance(obj, str):
        return scrub_text(obj)
    if isinstance(obj, dict):
        return {k: _scrub(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_scrub(v) for v in obj]
    return obj


def sanitize_expectation_result(res: Any, pii_columns: set[str]) -> None:
    """Strip values from one GX ``ExpectationValidationResult`` in place."""
    result = res.result if isinstance(res.result, dict) else {}
    for key in _VALUE_KEYS:
        result.pop(key, None)
    config = res.expectation_config
    column = (config.meta or {}).get("column") if config else None
    touched = set(str(column or "").split(",")) & pii_columns
    if touched and (config is None or config.type not in COUNT_OBSERVED):
        result.pop("observed_value", None)
    res.result = _scrub(result)
    if res.exception_info:
        res.exception_info = _scrub(res.exception_info)


def sanitize_result(suite_result: Any, pii_columns: set[str]) -> Any:
    """Strip values from a GX ``ExpectationSuiteValidationResult`` in place; returns it."""
    for res in suite_result.results:
        sanitize_expectation_result(res, pii_columns)
    return suite_result


def prune(folder: Path, keep_days: int | None) -> int:
    """Delete Data Docs validation pages older than ``keep_days``; returns pages deleted."""
    if keep_days is None:
        return 0
    root = folder / "validations"
    if not root.exists():
        return 0
    cutoff = time.time() - keep_days * 86400
    deleted = 0
    for page in root.rglob("*.html"):
        if page.stat().st_mtime < cutoff:
            page.unlink()
            deleted += 1
    for d in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(d.iterdir()):
            shutil.rmtree(d, ignore_errors=True)
    return deleted


def validation_page(folder: Path, run_id: str | None, suite: str | None) -> Path | None:
    """The Data Docs page of one suite's validation in run ``run_id`` (else the site index; None: no docs)."""
    root = folder / "validations"
    if run_id and suite and root.is_dir():
        pages = sorted(p for p in (root / suite).glob(f"**/{run_id}/**/*.html"))
        if pages:
            return pages[-1]
    index = folder / "index.html"
    return index if index.exists() else None


_EXTERNAL = re.compile(r"""<(script|link)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//[^>]*>(?:\s*</script>)?""",
                       re.IGNORECASE)


def self_contained(page: Path) -> str:
    """A Data Docs page's HTML with every reference to another host removed (shown inline, offline)."""
    return _EXTERNAL.sub("", page.read_text(encoding="utf-8", errors="replace"))
