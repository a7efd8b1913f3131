"""Who may see and do what: the one place that decides, for dashboard pages, CLI outputs and report files.

The rules come from ``roles.yaml`` of a home (``config/roles.yaml``, else the bundled
default): roles, the actions each may do (with inheritance) and the action each dashboard
page needs. The actions themselves are the code's vocabulary (:data:`ACTIONS`): a role file
may only name these, so a typo is an error naming the file, key and line, never a silent
"may not".

Report files get their audience when they are written: :func:`record_report` adds an entry
to ``$SHOPGOV_HOME/reports/manifest.json`` (role, whether it holds row samples, who, when,
format, hashes). :func:`visible_reports` lists a folder through that manifest; a file with no
entry, or whose content no longer matches its entry (renamed, replaced), is shown only to
administrators (roles that may ``manage_users``).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from filelock import FileLock
from pydantic import Field, StringConstraints, ValidationError

from .config import (
    ConfigError,
    Strict,
    default_path,
    key_path,
    line_of,
    load_model,
    read_yaml,
    resolve,
)
from .errors import UsageError
from .paths import Home

# The actions the code checks, with what they allow. A role file may use only these.
ACTIONS: dict[str, str] = {
    "view_aggregates": "Scores, trends, counts, coverage, maturity levels and explanations.",
    "download_reports": "Download the HTML / PDF / JSON assessment reports.",
    "view_rows": "Row-level data, always masked (failing-check samples, worst listings, Data Docs).",
    "export_rows": "Export row-level listing data as CSV (masked, audited).",
    "generate_reports": "Render a fresh report from the latest results.",
    "run_checks": "Start a check run from the dashboard.",
    "edit_questionnaire": "Answer the maturity questionnaire and upload evidence.",
    "recompute_assessment": "Recompute the maturity assessment.",
    "manage_users": "Add and remove users, change roles and passwords.",
    "manage_incidents": "Acknowledge, assign, comment on, set due dates of and resolve incidents.",
    "label_listings": "Confirm, reject or relabel the listing model's flags (stored as training labels, audited).",
}
# The dashboard's pages (dashboard/pages/<name>.py); roles.yaml says which action each needs.
PAGES = ("overview", "incidents", "freshness", "quality", "catalog", "listings", "assessment", "reports",
         "anomalies", "sites", "users", "personal_data", "labels")

ROW_ACTION = "view_rows"  # masked row-level data, in pages and in report files
DOWNLOAD_ACTION = "download_reports"  # report files
ADMIN_ACTION = "manage_users"  # administrators: also see report files of unknown audience

Action = Literal[tuple(ACTIONS)]  # type: ignore[valid-type]
Page = Literal[PAGES]  # type: ignore[valid-type]
RoleName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]


# ---------------------------------------------------------------------------- roles.yaml
class RoleSpec(Strict):
    description: str = ""
    inherits: RoleName | None = None
    actions: list[Action] = Field(default_factory=list)


class PolicySpec(Strict):
    """The whole ``roles.yaml`` file."""

    version: Literal[1] = 1
    actions: dict[Action, str] = Field(default_factory=dict)  # descriptions (optional)
    roles: dict[RoleName, RoleSpec] = Field(min_length=1)
    pages: dict[Page, Action] = Field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    """The rules in effect: every role with its actions resolved through inheritance."""

    source: Path
    actions: dict[str, str]  # action -> description
    roles: dict[str, frozenset[str]]  # role -> every action it may do
    descriptions: dict[str, str]
    pages: dict[str, str]  # page -> action needed

    def role_names(self) -> list[str]:
        return list(self.roles)

    def check_role(self, role: str) -> str:
        """``role`` if the policy has it, else a usage error listing the roles."""
        if role not in self.roles:
            raise UsageError(f"unknown role {role!r}; use one of {', '.join(self.roles)}")
        return role

    def can(self, role: str | None, action: str) -> bool:
        """True if ``role`` may do ``action`` (unknown roles and anonymous users may do nothing)."""
        if action not in self.actions:
            raise UsageError(f"unknown action {action!r}; known actions: {', '.join(self.actions)}")
        return action in self.roles.get(role or "", frozenset())

    def require(self, role: str | None, action: str) -> None:
        """Raise :class:`PermissionError` unless ``role`` may do ``action``."""
        if not self.can(role, action):
            raise PermissionError(f"role {role or 'anonymous'!r} may not {action}")

    def can_see_page(self, role: str | None, page: str) -> bool:
        action = self.pages.get(page)
        return action is not None and self.can(role, action)

    def roles_with(self, *actions: str) -> tuple[str, ...]:
        """The roles that may do every one of ``actions``."""
        return tuple(r for r in self.roles if all(self.can(r, a) for a in actions))

    def report_audience(self, row_samples: bool) -> tuple[str, ...]:
        """The roles a report may be shown to: those that download reports (and see rows, if it has them)."""
        return self.roles_with(DOWNLOAD_ACTION, *((ROW_ACTION,) if row_samples else ()))

    def can_see_report(self, role: str | None, entry: ReportEntry | None) -> bool:
        """Decided by what the file holds (its entry) under the rules in effect now.

        ``entry`` None: a file of unknown content, for administrators only. The audience an
        entry recorded when it was written is the record; a policy changed since wins.
        """
        if entry is None:
            return self.can(role, ADMIN_ACTION)
        return role in self.report_audience(entry.row_samples)


def _resolve(name: str, spec: PolicySpec, seen: tuple[str, ...]) -> frozenset[str]:
    own = set(spec.roles[name].actions)
    parent = spec.roles[name].inherits
    if parent in spec.roles and parent not in seen:
        own |= _resolve(parent, spec, (*seen, parent))
    return frozenset(own)


def _problems(spec: PolicySpec) -> list[tuple[tuple, str]]:
    out: list[tuple[tuple, str]] = []
    for name, role in spec.roles.items():
        if role.inherits is None:
            continue
        loc = ("roles", name, "inherits")
        if role.inherits not in spec.roles:
            out.append((loc, f"unknown role {role.inherits!r}; known roles: {', '.join(spec.roles)}"))
            continue
        chain, cur = [name], role.inherits
        while cur is not None and cur not in chain and cur in spec.roles:
            chain.append(cur)
            cur = spec.roles[cur].inherits
        if cur == name:
            out.append((loc, f"inheritance loop {' -> '.join([*chain, name])}"))
    return out


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int) -> Policy:
    p = Path(path)
    spec = load_model(p, PolicySpec)
    problems = _problems(spec)
    if problems:
        _, node = read_yaml(p)
        raise ConfigError(p, [(key_path(loc), line_of(node, loc), msg) for loc, msg in problems])
    return Policy(
        source=p,
        actions={a: spec.actions.get(a, d) for a, d in ACTIONS.items()},
        roles={name: _resolve(name, spec, (name,)) for name in spec.roles},
        descriptions={name: r.description for name, r in spec.roles.items()},
        pages=dict(spec.pages),
    )


def policy_path(home: Home | None) -> Path:
    return resolve(home, "roles.yaml") if home is not None else default_path("roles.yaml")


def load_policy(home: Home | None = None) -> Policy:
    """The rules of ``home`` (its ``config/roles.yaml``, else the bundled default; None: the default)."""
    p = policy_path(home)
    try:
        st = p.stat()
    except OSError:
        raise ConfigError(p, [("", None, "file not found")]) from None
    return _load_cached(str(p), st.st_mtime_ns, st.st_size)


# ---------------------------------------------------------------------------- report files
MANIFEST = "manifest.json"
REPORT_FORMATS = ("html", "pdf", "json")


class ReportEntry(Strict):
    """Who a report file is for; written by the exporter next to the file."""

    file: str
    sha256: str
    format: str
    role: str  # the role it was rendered for
    row_samples: bool
    audience: list[str]  # roles allowed when it was written (the record; visibility follows the policy in effect)
    created_by: str
    created_at: str
    assessment_id: str | None = None
    assessment_config_sha256: str | None = None
    config_sha256: str | None = None


class Manifest(Strict):
    version: Literal[1] = 1
    reports: dict[str, ReportEntry] = Field(default_factory=dict)


@dataclass(frozen=True)
class ReportFile:
    path: Path
    entry: ReportEntry | None  # None: not in the manifest, or its content changed since

    @property
    def format(self) -> str:
        return self.path.suffix.lstrip(".").lower()

    @property
    def row_samples(self) -> bool:
        return self.entry.row_samples if self.entry else True  # unknown content: assume the worst


def manifest_path(home: Home) -> Path:
    return home.reports / MANIFEST


def in_reports_folder(home: Home, path: Path) -> bool:
    return Path(path).resolve().parent == home.reports.resolve()


def file_sha256(path: Path) -> str:
    st = path.stat()
    return _sha256_cached(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=256)
def _sha256_cached(path: str, mtime_ns: int, size: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(home: Home) -> Manifest:
    """The manifest of ``home``'s reports; a missing or unreadable one lists nothing (fail closed)."""
    try:
        return Manifest.model_validate(json.loads(manifest_path(home).read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        return Manifest()


def _locked(home: Home) -> FileLock:
    """The report manifest's writer lock (an OS file lock)."""
    home.reports.mkdir(parents=True, exist_ok=True)
    return FileLock(home.reports / f".{MANIFEST}.lock", mode=0o600)


def record_report(home: Home, path: Path, *, role: str, row_samples: bool, created_by: str,
                  assessment_id: str | None = None, assessment_config_sha256: str | None = None,
                  config_sha256: str | None = None, policy: Policy | None = None) -> ReportEntry | None:
    """Enter a freshly written report in the manifest (only files in ``home.reports`` are listed)."""
    path = Path(path)
    if not in_reports_folder(home, path):
        return None
    policy = policy or load_policy(home)
    entry = ReportEntry(
        file=path.name, sha256=file_sha256(path), format=path.suffix.lstrip(".").lower(), role=role,
        row_samples=row_samples, audience=list(policy.report_audience(row_samples)), created_by=created_by,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"), assessment_id=assessment_id,
        assessment_config_sha256=assessment_config_sha256, config_sha256=config_sha256,
    )
    with _locked(home):
        current = read_manifest(home).reports
        kept = {k: v for k, v in current.items() if (home.reports / k).is_file() and k != path.name}
        manifest = Manifest(reports={**kept, path.name: entry})
        target = manifest_path(home)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, target)
    return entry


def reserved_report_name(home: Home, path: Path) -> bool:
    """True for paths a report must not be written to (the manifest itself)."""
    return Path(path).resolve() == manifest_path(home).resolve()


def report_files(home: Home) -> list[ReportFile]:
    """Every report file in ``home.reports`` (newest first) with its manifest entry, if it still matches."""
    if not home.reports.is_dir():
        return []
    entries = read_manifest(home).reports
    out = []
    for p in home.reports.iterdir():
        if (not p.is_file() or p.name == MANIFEST or p.name.startswith(".")
                or p.suffix.lstrip(".").lower() not in REPORT_FORMATS):
            continue
        entry = entries.get(p.name)
        if entry is not None and entry.sha256 != file_sha256(p):
            entry = None  # replaced or renamed over: its audience is unknown
        out.append(ReportFile(p, entry))
    return sorted(out, key=lambda r: (r.path.stat().st_mtime, r.path.name), reverse=True)


def visible_reports(home: Home, role: str | None, policy: Policy | None = None) -> list[ReportFile]:
    """The report files ``role`` may see (what the Reports page lists)."""
    policy = policy or load_policy(home)
    return [r for r in report_files(home) if policy.can_see_report(role, r.entry)]
