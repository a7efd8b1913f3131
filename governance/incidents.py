"""Incidents: every failing check becomes a tracked problem with an owner and a maturity cost.

Lifecycle (updated by :func:`update_incidents` at the end of every check run, one call from
:func:`governance.checks.run_checks` after the run is stored):

* a check that fails and has no active incident opens one. Its id is stable while it stays
  open: ``INC-<first 8 hex of sha1(expectation_id)>-<n>``, ``n`` counting the incidents of
  that check (so the same check failing again after a fix opens ``...-2``);
* while it keeps failing, each run updates last seen, rows affected, severity and stake;
* the first run in which the check passes closes it (status ``closed``);
* people (roles with ``manage_incidents``) acknowledge, assign, comment, set a due date and
  resolve (:func:`act`). ``resolved`` ends the incident like ``closed``: if the check still
  fails in a later run, a new incident opens. Active statuses: ``open`` and ``acknowledged``.

Checks that a run did not include (a subset of suites) leave their incidents untouched.
A failing check that raised an error has no row count (``rows_affected`` is empty).
Every change is one row of ``incident_events``; :func:`act` also hands the event to the
caller's ``audit`` function (the dashboard and the CLI write it to the access audit log).

Maturity points at stake (:func:`stake`) come from the latest stored assessment tree
(:func:`governance.results_schema.load_assessment`):

* a check of dimension *d* on table *t* drags down every measured indicator with
  ``metric: check_pass_rate`` and ``params.dimension == d`` (and, if the indicator lists
  ``params.tables``, only when *t* is among them);
* fixing the check raises the row-weighted pass rate of (*t*, *d*) by
  ``rows affected / rows judged in (t, d)`` (a table-level check counts as one unit, as in
  :func:`governance.checks.compute_scores`); the indicator averages the per-table rates
  (``aggregate: table_mean``, the default), so its value rises by that amount divided by
  the number of tables with *d* checks (``aggregate: overall``: by rows affected / rows
  judged in *d* over all tables);
* the points at stake are the indicator's level score (1-5, linear between its anchors)
  after the fix minus its score now;
* a failing check whose severity is listed by a ``failed_checks`` indicator (the critical
  checks cap) adds that indicator, with the domain level cap it holds (``cap_level``).

Ranking (:func:`priority`): severity weight (critical 8, high 4, medium 2, low 1) x
``(1 + log10(1 + rows affected))`` x ``(1 + points at stake)``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .levels import anchor_score
from .paths import Home
from .results_schema import (
    ensure_schema,
    incident_events,
    insert_sql,
    latest_runs,
    list_incidents,
    load_assessment,
    run_results,
)
from .warehouse import atomic_write

if TYPE_CHECKING:
    from .catalog import Catalog

ACTIVE = ("open", "acknowledged")
STATUSES = ("open", "acknowledged", "resolved", "closed")
ACTIONS = ("ack", "assign", "comment", "due", "resolve")
SEVERITY_WEIGHT = {"critical": 8.0, "high": 4.0, "medium": 2.0, "low": 1.0}
SYSTEM_ACTOR = "shopgov-check"

Audit = Callable[[dict[str, Any]], Any]


def incident_id(expectation_id: str, n: int) -> str:
    """The id of the ``n``-th incident of a check (stable across runs while it is open)."""
    return f"INC-{hashlib.sha1(expectation_id.encode('utf-8')).hexdigest()[:8]}-{n}"


def priority(severity: str | None, rows: int | None, points: float | None) -> float:
    """Fix-first rank: severity weight x log rows x (1 + maturity points at stake)."""
    return (SEVERITY_WEIGHT.get(severity or "", 1.0) * (1.0 + math.log10(1.0 + max(0, rows or 0)))
            * (1.0 + max(0.0, points or 0.0)))


# ---------------------------------------------------------------------------- maturity stake
def _pairs(anchors: dict[str, float]) -> list[tuple[int, float]]:
    """An explanation tree's ``{"2": 0.95, ...}`` anchors as (level, threshold) pairs."""
    return [(int(level), float(t)) for level, t in anchors.items()]


@dataclass(frozen=True)
class Stake:
    """The maturity indicators a failing check drags down and the points it costs."""

    indicator_id: str | None
    points: float
    details: list[dict[str, Any]]


def _indicators(tree: dict[str, Any] | None) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
    for d in (tree or {}).get("domains", []):
        for item in d.get("items", []):
            for ind in item.get("indicators", []):
                yield d, ind


def _judged(r: dict[str, Any]) -> tuple[float, float]:
    """(rows judged, rows failed) of one result, as compute_scores counts them."""
    n, bad = r.get("element_count"), r.get("unexpected_count")
    if n and bad is not None:
        return float(n), min(float(bad), float(n))
    return 1.0, 0.0 if r.get("success") else 1.0


def stake(result: dict[str, Any], run_results: list[dict[str, Any]], tree: dict[str, Any] | None) -> Stake:
    """Points at stake of one failing result (see the module docstring for the mapping)."""
    table, dim, sev = result.get("table_name"), result.get("dimension"), result.get("severity")
    _, fixed = _judged(result)
    details: list[dict[str, Any]] = []
    for domain, ind in _indicators(tree):
        params = ind.get("params") or {}
        metric, value, anchors = ind.get("metric"), ind.get("value"), ind.get("anchors") or {}
        if value is None or not anchors:
            continue
        if metric == "check_pass_rate" and params.get("dimension") == dim:
            tables = params.get("tables")
            if tables and table not in tables:
                continue
            scope = [r for r in run_results if r.get("dimension") == dim and r.get("kind", "quality") == "quality"
                     and (not tables or r.get("table_name") in tables)]
            if params.get("aggregate", "table_mean") == "overall":
                judged = sum(_judged(r)[0] for r in scope)
                rise = fixed / judged if judged else 0.0
            else:
                mine = [r for r in scope if r.get("table_name") == table]
                judged = sum(_judged(r)[0] for r in mine)
                n_tables = len({r.get("table_name") for r in scope}) or 1
                rise = (fixed / judged if judged else 0.0) / n_tables
            new = min(1.0, float(value) + rise)
        elif metric == "failed_checks" and sev in (params.get("severities") or []):
            new = max(0.0, float(value) - 1)
        else:
            continue
        now = anchor_score(float(value), _pairs(anchors), ind.get("direction", "higher_is_better"), ind.get("worst"))
        after = anchor_score(new, _pairs(anchors), ind.get("direction", "higher_is_better"), ind.get("worst"))
        cap = next((c.get("max_level") for c in domain.get("caps", [])
                    if c.get("indicator") == ind.get("id") and c.get("active")), None)
        details.append({"indicator": ind.get("id"), "name_en": ind.get("name_en"), "name_zh": ind.get("name_zh"),
                        "domain": domain.get("id"), "weight": ind.get("weight"), "value": value,
                        "value_if_fixed": round(new, 6), "points": round(max(0.0, after - now), 4),
                        "cap_level": cap})
    points = round(sum(d["points"] for d in details), 4)
    main = max(details, key=lambda d: (d["points"], d["cap_level"] is not None), default=None)
    return Stake(main["indicator"] if main else None, points, details)


# ---------------------------------------------------------------------------- updates by a run
def _row(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in rows}


def update_incidents(home: Home, run_id: str, catalog: Catalog | None = None) -> dict[str, list[str]]:
    """Open, update and close incidents from the stored check run ``run_id``.

    Returns ``{"opened": [...], "closed": [...]}`` incident ids.
    """
    if catalog is None:
        from .catalog import load_catalog
        catalog = load_catalog(home)
    tree = load_assessment(home)
    runs = [r for r in latest_runs(home, limit=1000) if r["run_id"] == run_id]
    if not runs:
        raise UsageError(f"no stored check run {run_id!r}")
    at = runs[0]["finished_at"] or runs[0]["started_at"]
    results = run_results(home, run_id)
    opened: list[str] = []
    closed: list[str] = []
    with atomic_write(home, home.results) as con:
        con.execute("BEGIN")
        ensure_schema(con)
        active = {r[0]: r[1] for r in con.execute(
            "SELECT expectation_id, incident_id FROM incidents WHERE status IN ('open', 'acknowledged')").fetchall()}
        counts = dict(con.execute(
            "SELECT expectation_id, count(*) FROM incidents GROUP BY expectation_id").fetchall())
        events: list[list[Any]] = []
        for res in results:
            eid = res["expectation_id"]
            current = active.get(eid)
            if res["success"]:
                if current:
                    con.execute("UPDATE incidents SET status = 'closed', closed_at = ?, updated_at = ?, "
                                "last_run_id = ? WHERE incident_id = ?", [at, at, run_id, current])
                    events.append(_event(current, at, SYSTEM_ACTOR, "system", "closed", {"run_id": run_id}))
                    closed.append(current)
                continue
            s = stake(res, results, tree)
            rows = res["unexpected_count"]
            if current:
                con.execute(
                    "UPDATE incidents SET last_seen = ?, last_run_id = ?, rows_affected = ?, element_count = ?, "
                    "severity = ?, indicator_id = ?, points_at_stake = ?, stake = ?, updated_at = ? "
                    "WHERE incident_id = ?",
                    [at, run_id, rows, res["element_count"], res["severity"], s.indicator_id, s.points,
                     json.dumps(s.details, ensure_ascii=False), at, current])
                continue
            n = int(counts.get(eid, 0)) + 1
            iid = incident_id(eid, n)
            spec = catalog.tables.get(res["table_name"]) if catalog else None
            con.execute(insert_sql("incidents"), [
                iid, eid, res["suite"], res["kind"], res["table_name"], res["column_name"], res["dimension"],
                res["severity"], res["expectation_type"], res["description"], "open", at, None, run_id, run_id,
                at, at, rows, res["element_count"], getattr(spec, "owner", None), getattr(spec, "steward", None),
                None, None, s.indicator_id, s.points, json.dumps(s.details, ensure_ascii=False), at])
            events.append(_event(iid, at, SYSTEM_ACTOR, "system", "opened",
                                 {"run_id": run_id, "rows_affected": rows, "occurrence": n}))
            opened.append(iid)
        if events:
            con.executemany(insert_sql("incident_events"), events)
        con.execute("COMMIT")
    return {"opened": opened, "closed": closed}


def _event(iid: str, at: datetime, actor: str, role: str, action: str, detail: dict[str, Any]) -> list[Any]:
    eid = hashlib.sha1(f"{iid}|{at.isoformat()}|{action}|{actor}|{json.dumps(detail, default=str)}"
                       .encode()).hexdigest()[:16]
    return [eid, iid, at, actor, role, action, json.dumps(detail, ensure_ascii=False, default=str)]


# ---------------------------------------------------------------------------- people's actions
def act(home: Home, iid: str, action: str, *, actor: str, role: str, audit: Audit,
        assignee: str | None = None, comment: str | None = None, due: str | date | None = None,
        now: datetime | None = None) -> dict[str, Any]:
    """Apply one action (``ack``, ``assign``, ``comment``, ``due``, ``resolve``) to an incident.

    Stores the change and an ``incident_events`` row in one transaction, then passes the
    event to ``audit`` (e.g. the access audit log). Raises :class:`UsageError` for an unknown
    incident or action, a missing argument, or a change to an ended incident.
    """
    if action not in ACTIONS:
        raise UsageError(f"unknown incident action {action!r}; use one of {', '.join(ACTIONS)}")
    at = now or datetime.now()
    detail: dict[str, Any] = {}
    sets: dict[str, Any] = {"updated_at": at}
    if action == "ack":
        sets["status"] = "acknowledged"
    elif action == "assign":
        if not assignee or not assignee.strip():
            raise UsageError("assign needs an assignee (--to NAME)")
        sets["assignee"] = detail["assignee"] = assignee.strip()
    elif action == "comment":
        if not comment or not comment.strip():
            raise UsageError("comment needs a text (--text TEXT)")
        detail["comment"] = comment.strip()[:2000]
    elif action == "due":
        try:
            d = due if isinstance(due, date) else date.fromisoformat(str(due))
        except ValueError:
            raise UsageError(f"due date {due!r} is not a date (YYYY-MM-DD)") from None
        sets["due_date"] = d
        detail["due_date"] = d.isoformat()
    elif action == "resolve":
        sets["status"] = "resolved"
        sets["closed_at"] = at
        if comment:
            detail["comment"] = comment.strip()[:2000]
    with atomic_write(home, home.results) as con:
        con.execute("BEGIN")
        ensure_schema(con)
        row = con.execute("SELECT status FROM incidents WHERE incident_id = ?", [iid]).fetchone()
        if row is None:
            raise UsageError(f"no incident {iid!r} (see `shopgov incidents list --status all`)")
        if row[0] not in ACTIVE and action != "comment":
            raise UsageError(f"incident {iid} is {row[0]}; only comments can be added")
        con.execute(f"UPDATE incidents SET {', '.join(f'{k} = ?' for k in sets)} WHERE incident_id = ?",
                    [*sets.values(), iid])
        event = _event(iid, at, actor, role, action, detail)
        con.execute(insert_sql("incident_events"), event)
        con.execute("COMMIT")
    record = {"event_id": event[0], "incident_id": iid, "event_at": at, "actor": actor, "role": role,
              "action": action, "detail": detail}
    audit(record)
    return record


# ---------------------------------------------------------------------------- readers
def incidents(home: Home, status: str = "open") -> list[dict[str, Any]]:
    """Incidents, fix-first order (``status``: ``open`` = active, ``all``, or one status)."""
    if status not in ("open", "all", *STATUSES):
        raise UsageError(f"unknown incident status {status!r}; use open, all or one of {', '.join(STATUSES)}")
    rows = list_incidents(home)
    if status == "open":
        rows = [r for r in rows if r["status"] in ACTIVE]
    elif status != "all":
        rows = [r for r in rows if r["status"] == status]
    for r in rows:
        r["priority"] = round(priority(r["severity"], r["rows_affected"], r["points_at_stake"]), 4)
        r["stake"] = json.loads(r["stake"]) if isinstance(r.get("stake"), str) and r["stake"] else []
    rows.sort(key=lambda r: (r["status"] not in ACTIVE, -r["priority"], r["incident_id"]))
    return rows


def get_incident(home: Home, iid: str) -> dict[str, Any] | None:
    """One incident with its events (oldest first), or None."""
    found = [r for r in incidents(home, "all") if r["incident_id"] == iid]
    if not found:
        return None
    inc = found[0]
    inc["events"] = incident_events(home, iid)
    return inc


def changes_since_last_run(home: Home, failing: set[str], passing: set[str]) -> dict[str, list[str]]:
    """What a run with these failing / passing expectation ids will open and close (for notifications).

    New: failing checks with no active incident; resolved: active incidents whose check passed.
    """
    active = {r["expectation_id"]: r["incident_id"] for r in list_incidents(home) if r["status"] in ACTIVE}
    return {"new": sorted(e for e in failing if e not in active),
            "resolved": sorted(active[e] for e in passing if e in active)}


def to_json(r: dict[str, Any]) -> dict[str, Any]:
    """The CLI / API record of an incident."""
    def iso(v: Any) -> Any:
        return v.isoformat() if isinstance(v, datetime | date) else v
    return {
        "id": r["incident_id"], "status": r["status"], "severity": r["severity"], "table": r["table_name"],
        "column": r["column_name"], "check": r["expectation_id"], "dimension": r["dimension"],
        "description": r["description"], "owner": r["owner"], "steward": r["steward"],
        "assignee": r["assignee"], "due_date": iso(r["due_date"]), "rows_affected": r["rows_affected"],
        "first_seen": iso(r["first_seen"]), "last_seen": iso(r["last_seen"]), "closed_at": iso(r["closed_at"]),
        "indicator": r["indicator_id"], "points_at_stake": r["points_at_stake"], "priority": r.get("priority"),
    }
