"""Errors shopgov raises on purpose: each carries a message a user can act on.

Messages are scrubbed of personal data when the error is made (a message quoting a bad
value ends up on the terminal, in logs, JSON and ``load_audit``): one place, every path.
"""

from __future__ import annotations

from .pii_scan import mask


class ShopgovError(Exception):
    """Base class for expected, user-facing failures (the CLI exits 3 on these)."""

    def __init__(self, *args: object):
        super().__init__(*(mask(a) if isinstance(a, str) else a for a in args))


class UsageError(ShopgovError):
    """The request itself is wrong: unknown table, bad option (the CLI exits 2)."""


class IngestError(ShopgovError):
    """A file could not be loaded. ``problems`` lists (row, column, message) tuples."""

    def __init__(self, file: str, message: str, problems: list[tuple[int | None, str | None, str]] | None = None):
        self.file = file
        self.problems = [(row, column, mask(str(msg))) for row, column, msg in problems or []]
        lines = [f"{file}: {message}"]
        for row, column, msg in self.problems[:20]:
            where = ", ".join(p for p in (f"row {row}" if row is not None else "", f"column '{column}'" if column else "") if p)
            lines.append(f"  {file}: {where}: {msg}" if where else f"  {file}: {msg}")
        if len(self.problems) > 20:
            lines.append(f"  … and {len(self.problems) - 20} more problems")
        super().__init__("\n".join(lines))


class WarehouseBusy(ShopgovError):
    """Another writer holds the warehouse lock for longer than we were willing to wait."""


class DatabaseDamaged(ShopgovError):
    """A DuckDB file fails its block checksums: shopgov refuses to read it into results or
    to build a new version on it (restore it from a backup)."""
