"""The incident flow in the dashboard, role by role (AppTest on the real fixture home)."""

from __future__ import annotations

import pytest
from test_dashboard_apptest import login, open_page, texts

from dashboard import audit
from governance import incidents as inc

# fx_home and served: tests/conftest.py


def test_overview_leads_with_fix_first_naming_check_table_owner(served):
    at = login("viewer1")
    links = [p for p in at.get("page_link")]
    first = inc.incidents(served)[0]
    assert links, "the overview lists open incidents as links"
    label = links[0].proto.label
    assert first["expectation_id"] in label and first["table_name"] in label and first["owner"] in label
    assert links[0].proto.page.endswith("incidents") and first["incident_id"] in links[0].proto.query_string
    assert "Last run" in texts(at) and "Last nightly run" not in texts(at)


@pytest.mark.parametrize("role", ["viewer", "analyst", "admin"])
def test_incident_page_per_role(served, role):
    at = login(f"{role}1")
    iid = inc.incidents(served)[0]["incident_id"]
    at.query_params["id"] = iid
    open_page(at, "incidents")
    shown = texts(at)
    assert iid in shown and not at.error
    can_act = role in ("analyst", "admin")
    assert any(b.key == "inc_resolve" for b in at.button) == can_act
    assert ("may not see row-level data" in shown) == (role == "viewer")


def test_analyst_acknowledges_and_comments_and_it_is_audited(served):
    at = login("analyst1")
    target = inc.incidents(served)[-1]["incident_id"]
    at.query_params["id"] = target
    open_page(at, "incidents")
    at.button(key="inc_ack").click().run()
    assert not at.exception, at.exception
    at.text_area(key="inc_comment").input("seller fix scheduled")
    at.button[-1].click().run()  # the form's Save
    got = inc.get_incident(served, target)
    assert got["status"] == "acknowledged"
    assert [e["action"] for e in got["events"]][-2:] == ["ack", "comment"]
    assert got["events"][-1]["actor"] == "analyst1"
    logged = [r["action"] for r in audit.read_audit(served) if r["target"] == target and r["action"].startswith("incident_")]
    assert logged[-2:] == ["incident_ack", "incident_comment"]


def test_freshness_page_marks_breaches(served):
    at = login("viewer1")
    open_page(at, "freshness")
    assert not at.error and "Freshness" in texts(at)
