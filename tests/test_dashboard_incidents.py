"""The incident flow in the dashboard, role by role (AppTest on the real fixture home)."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from conftest import REPO_ROOT
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


# ------------------------------------------------------------------ the whole flow, with real check runs

FLOW_SUITE = """suite: products
table: products
description: Listings are unique and titled.
expectations:
  - id: products.product_id.unique
    type: expect_column_values_to_be_unique
    kwargs: {column: product_id}
    meta: {dimension: uniqueness, severity: critical, description: No two listings share a platform product id.}
  - id: products.title.not_null
    type: expect_column_values_to_not_be_null
    kwargs: {column: title}
    meta: {dimension: completeness, severity: high, description: Every listing has a title.,
           description_zh: 每个商品都有标题（团队译文）。}
"""
UNIQUE = "products.product_id.unique"


def _nightly(home):
    from governance.checks import run_checks

    return run_checks(home, partition="all", suites=["products"], progress=False, docs=False)


def _to_yesterday(home) -> None:
    """The first nightly run happened a day earlier (check runs stamp the wall clock)."""
    from governance.warehouse import atomic_write

    with atomic_write(home, home.results) as con:
        for table, cols in (("check_runs", ("started_at", "finished_at")),
                            ("incidents", ("opened_at", "first_seen", "last_seen", "updated_at")),
                            ("incident_events", ("event_at",))):
            con.execute(f"UPDATE {table} SET " + ", ".join(f"{c} = {c} - INTERVAL 1 DAY" for c in cols))


@pytest.fixture(scope="module")
def flow_home(tmp_path_factory):
    """The fixture warehouse (a duplicated product id, a missing title) checked by the team's own
    two-rule suite in one real nightly run, a day ago."""
    from conftest import DASH_PASSWORD
    from dashboard_fixture import build_home

    from dashboard import users
    from governance.paths import get_home

    h = build_home(get_home(tmp_path_factory.mktemp("flow") / "home"), runs=0, listings=False, assessments=0)
    (h.config / "suites").mkdir(parents=True, exist_ok=True)
    (h.config / "suites" / "products.yaml").write_text(FLOW_SUITE, encoding="utf-8")
    for role in ("admin", "analyst", "viewer"):
        users.add_user(h, f"{role}1", role, DASH_PASSWORD)
    run = _nightly(h)
    assert run.status == "failed" and len(run.incidents["opened"]) == 2
    _to_yesterday(h)
    return h


def _trend(at, check: str) -> dict:
    at.button_group(key="trend_by").set_value("check").run()
    at.selectbox(key="trend_check").set_value(check).run()
    assert not at.exception, at.exception
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["layout"].get("height") == 340 and
                any(tr.get("mode") == "lines+markers" for tr in json.loads(c.proto.spec)["data"]))


def test_incident_flow_fail_fix_first_ack_rows_ingest_close_and_trend(flow_home, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from dashboard import jobs
    from dashboard.cli import build_app

    monkeypatch.setenv("SHOPGOV_HOME", str(flow_home.root))
    monkeypatch.chdir(REPO_ROOT)
    # 1. the failing check is the first thing on the overview, with its owner
    first = inc.incidents(flow_home)[0]
    assert first["expectation_id"] == UNIQUE and first["owner"]
    at = login("viewer1")
    label = at.get("page_link")[0].proto.label
    assert UNIQUE in label and first["owner"] in label
    iid = first["incident_id"]

    # 2. an analyst acknowledges and comments; the failing rows are one click away (masked, audited)
    at = login("analyst1")
    at.query_params["id"] = iid
    open_page(at, "incidents")
    at.button(key="inc_ack").click().run()
    at.text_area(key="inc_comment").input("duplicate id from the seller feed; fix loaded tonight")
    at.button[-1].click().run()
    assert inc.get_incident(flow_home, iid)["status"] == "acknowledged"
    at.button(key="inc_rows").click().run()
    assert not at.exception and "p3" in at.dataframe[-1].value.to_csv()
    assert any(r["action"] == "view_incident_rows" and r["target"] == iid for r in audit.read_audit(flow_home))
    # in Chinese: the bundled text for the unchanged check, the team's own text for theirs
    for target, text in ((iid, "没有两个商品共用同一个平台商品编号。"),
                         (inc.incidents(flow_home)[-1]["incident_id"], "每个商品都有标题（团队译文）。")):
        at = login("analyst1")
        at.session_state["lang"] = "zh"
        at.query_params["id"] = target
        assert text in texts(open_page(at, "incidents"))

    # 3. the fix is loaded with `shopgov ingest` (upsert by the load key: the second p3 becomes p4)
    fix = tmp_path / "fix.csv"
    fix.write_text("product_id,sku,seller_id,title,description,category_id,price,list_price,currency,stock,status\n"
                   "p4,d,s2,Phone case,x,c1,9.0,9.0,USD,5,active\n", encoding="utf-8")
    got = CliRunner().invoke(build_app(), ["ingest", "products", str(fix), "--home", str(flow_home.root)])
    assert got.exit_code == 0, got.output

    # 4. the next nightly run closes the incident; the job result says so in both languages
    run = _nightly(flow_home)
    assert run.incidents == {"opened": [], "closed": [iid]}
    assert inc.get_incident(flow_home, iid)["status"] == "closed"
    job = jobs.Job(id="j", kind="check", args=["check"], user="admin1", started_at="", pid=0, status="failed",
                   result=run.to_json())
    key, values = jobs.summary(job)
    assert values == {"failed": 1, "total": 2, "opened": 0, "closed": 1}

    # 5. the overview no longer leads with it; the daily trend of the check shows it opened and closed
    at = login("viewer1")
    assert UNIQUE not in at.get("page_link")[0].proto.label
    open_page(at, "quality")
    fig = _trend(at, UNIQUE)
    line = next(tr for tr in fig["data"] if tr.get("mode") == "lines+markers")
    ys = np.frombuffer(base64.b64decode(line["y"]["bdata"]), dtype=line["y"]["dtype"]).tolist() \
        if isinstance(line["y"], dict) else line["y"]
    assert len(line["x"]) == 2 and ys == [pytest.approx(2 / 3), 1.0]  # one point per day: 4 of 6 rows, then all
    marks = {tr["name"]: [str(x)[:10] for x in tr["x"]] for tr in fig["data"] if tr.get("mode") == "markers"}
    assert marks["Incident opened"] == [str(line["x"][0])[:10]]
    assert marks["Incident closed"] == [str(line["x"][1])[:10]]
    # the closed incident's own page, in Chinese: closed, and its history marks both days
    at = login("viewer1")
    at.session_state["lang"] = "zh"
    at.query_params["id"] = iid
    open_page(at, "incidents")
    assert "已关闭（检查通过）" in texts(at)
    hist = next(json.loads(c.proto.spec) for c in at.get("plotly_chart"))
    assert {"问题单创建", "问题单关闭"} <= {tr.get("name") for tr in hist["data"]}
