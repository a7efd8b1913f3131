"""Incidents: a failing check opens one, a passing run closes it, people's actions are stored and audited."""

from __future__ import annotations

import json
import sys

import pytest
from check_fixtures import AS_OF, home_with

from dashboard.audit import read_audit
from governance import incidents as inc
from governance.checks import run_checks
from governance.errors import UsageError
from governance.levels import anchor_score
from governance.results_schema import incident_events

SUITES = ["products"]


def _run(home):
    return run_checks(home, partition="all", suites=SUITES, as_of=AS_OF, progress=False, docs=False)


def _audit_to(home, actor, role):
    from dashboard.audit import log_access

    return lambda ev: log_access(home, actor, role, f"incident_{ev['action']}", ev["incident_id"],
                                 **ev["detail"])


@pytest.fixture(scope="module")
def dirty_run(tmp_path_factory):
    """One failing run of the dirty sample (shared: the check run is the slow part)."""
    from governance.paths import get_home

    home = get_home(tmp_path_factory.mktemp("inc") / "home").ensure()
    home_with("dirty", home)
    return home, _run(home)


def test_failing_checks_open_incidents_with_owner_and_stable_ids(dirty_run):
    home, run = dirty_run
    failing = {r.expectation_id for r in run.results if not r.success}
    assert failing and set(run.incidents["opened"]) and run.incidents["closed"] == []
    rows = inc.incidents(home)
    assert {r["expectation_id"] for r in rows} == failing
    first = rows[0]
    assert first["incident_id"] == inc.incident_id(first["expectation_id"], 1)
    assert first["owner"] and first["steward"]  # from the home's catalog
    assert first["status"] == "open" and first["first_seen"] == first["last_seen"]
    # fix-first order: the highest priority first
    assert [r["priority"] for r in rows] == sorted((r["priority"] for r in rows), reverse=True)
    ev = incident_events(home, first["incident_id"])
    assert [e["action"] for e in ev] == ["opened"] and ev[0]["detail"]["run_id"] == run.run_id


def test_incident_lifecycle_fail_keep_pass_reopen(home):
    home_with("dirty", home)
    first = _run(home)
    opened = set(first.incidents["opened"])
    second = _run(home)  # still failing: same ids, nothing new
    assert second.incidents == {"opened": [], "closed": []}
    again = {r["incident_id"]: r for r in inc.incidents(home)}
    assert set(again) == opened
    assert all(r["last_seen"] > r["first_seen"] for r in again.values())

    home_with("clean", home)  # the fix is loaded: the next run closes every incident
    fixed = _run(home)
    assert fixed.status == "passed" and set(fixed.incidents["closed"]) == opened
    assert inc.incidents(home) == []
    closed = inc.incidents(home, "closed")
    assert {r["incident_id"] for r in closed} == opened and all(r["closed_at"] for r in closed)

    home_with("dirty", home)  # it breaks again: a new incident, not the old one reopened
    broken = _run(home)
    new_ids = set(broken.incidents["opened"])
    assert new_ids and not new_ids & opened
    assert all(i.endswith("-2") for i in new_ids)


def test_ack_assign_comment_due_resolve_round_trip_and_audit(dirty_run):
    home, _ = dirty_run
    iid = inc.incidents(home)[-1]["incident_id"]
    audit = _audit_to(home, "ana", "analyst")
    inc.act(home, iid, "ack", actor="ana", role="analyst", audit=audit)
    inc.act(home, iid, "assign", actor="ana", role="analyst", audit=audit, assignee="bo")
    inc.act(home, iid, "comment", actor="ana", role="analyst", audit=audit, comment="seller tool bug")
    inc.act(home, iid, "due", actor="ana", role="analyst", audit=audit, due="2030-01-31")
    got = inc.get_incident(home, iid)
    assert got["status"] == "acknowledged" and got["assignee"] == "bo" and str(got["due_date"]) == "2030-01-31"
    assert [e["action"] for e in got["events"]] == ["opened", "ack", "assign", "comment", "due"]
    assert got["events"][3]["detail"] == {"comment": "seller tool bug"} and got["events"][3]["actor"] == "ana"
    logged = [r for r in read_audit(home) if r["target"] == iid]
    assert [r["action"] for r in logged] == ["incident_ack", "incident_assign", "incident_comment", "incident_due"]
    inc.act(home, iid, "resolve", actor="ana", role="analyst", audit=audit, comment="fixed upstream")
    assert inc.get_incident(home, iid)["status"] == "resolved"
    with pytest.raises(UsageError, match="resolved; only comments"):
        inc.act(home, iid, "ack", actor="ana", role="analyst", audit=audit)
    with pytest.raises(UsageError, match="no incident 'INC-nope'"):
        inc.act(home, "INC-nope", "ack", actor="ana", role="analyst", audit=audit)
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        inc.act(home, inc.incidents(home)[0]["incident_id"], "due", actor="a", role="r", audit=audit, due="soon")


def test_points_at_stake_follow_the_assessment_tree():
    tree = {"domains": [{"id": "quality", "caps": [{"indicator": "q.crit", "active": True, "max_level": 3}],
                         "items": [{"indicators": [
        {"id": "q.uniq", "metric": "check_pass_rate", "params": {"dimension": "uniqueness"}, "weight": 2,
         "value": 0.97, "anchors": {"2": 0.95, "3": 0.98, "4": 0.995, "5": 0.999}},
        {"id": "q.crit", "metric": "failed_checks", "params": {"severities": ["critical"]}, "weight": 0,
         "direction": "lower_is_better", "value": 1, "anchors": {"1": 5, "5": 0}},
        {"id": "q.valid", "metric": "check_pass_rate", "params": {"dimension": "validity"}, "weight": 2,
         "value": 0.5, "anchors": {"2": 0.95}}]}]}]}
    failing = {"table_name": "products", "dimension": "uniqueness", "severity": "critical", "kind": "quality",
               "success": False, "unexpected_count": 30, "element_count": 1000}
    other = {"table_name": "sellers", "dimension": "uniqueness", "kind": "quality", "success": True,
             "unexpected_count": 0, "element_count": 500}
    s = inc.stake(failing, [failing, other], tree)
    by_ind = {d["indicator"]: d for d in s.details}
    assert set(by_ind) == {"q.uniq", "q.crit"}  # validity is another dimension
    # fixing raises the products rate by 30/1000, the mean over 2 tables by 0.015: 0.97 -> 0.985
    assert by_ind["q.uniq"]["value_if_fixed"] == pytest.approx(0.985)
    assert by_ind["q.uniq"]["points"] == pytest.approx(anchor_score(0.985, [(2, 0.95), (3, 0.98), (4, 0.995),
                                                                            (5, 0.999)]) - (2 + 2 / 3), abs=1e-3)
    assert by_ind["q.crit"]["cap_level"] == 3 and by_ind["q.crit"]["points"] == pytest.approx(0.8)
    assert s.points == pytest.approx(sum(d["points"] for d in s.details), abs=1e-3)
    assert inc.stake(failing, [failing], None).points == 0.0  # no assessment yet: nothing at stake


def _cli(home, *args):
    """``shopgov incidents ...`` in-process (the real app and exit-code mapping), as (code, stderr)."""
    import contextlib
    import io

    from dashboard.cli import main

    err = io.StringIO()
    argv = ["shopgov", "incidents", *args, "--home", str(home.root)]
    with contextlib.redirect_stderr(err), pytest.MonkeyPatch.context() as mp:  # the CLI console follows sys.stderr
        mp.setattr(sys, "argv", argv)
        with pytest.raises(SystemExit) as done:
            main()
    return done.value.code, err.getvalue()


def test_cli_list_json_and_actions(dirty_run, tmp_path):
    home, _ = dirty_run
    out = tmp_path / "inc.json"
    code, err = _cli(home, "list", "--json", str(out))
    assert code == 0, err
    listed = json.loads(out.read_text())
    assert listed and {"id", "status", "severity", "table", "check", "owner", "steward", "rows_affected",
                       "first_seen", "last_seen", "points_at_stake"} <= set(listed[0])
    assert listed[0]["id"] in err  # the table names it too
    iid = listed[0]["id"]
    code, err = _cli(home, "comment", iid, "--text", "looking", "--by", "cli-user")
    assert code == 0, err
    assert inc.get_incident(home, iid)["events"][-1]["detail"] == {"comment": "looking"}
    assert read_audit(home)[-1]["action"] == "incident_comment" and read_audit(home)[-1]["user"] == "cli-user"
    code, err = _cli(home, "ack", "INC-missing")
    assert code == 2 and "no incident 'INC-missing'" in err
    code, err = _cli(home, "list", "--status", "bogus")
    assert code == 2 and "Traceback" not in err
