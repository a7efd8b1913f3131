"""The Streamlit dashboard, page by page and role by role (streamlit.testing AppTest).

The home is a real warehouse and results file written with the contract schemas
(tests/dashboard_fixture.py); nothing is mocked.
"""

from __future__ import annotations

import os
import signal
import time

import duckdb
import pytest
import yaml
from conftest import DASH_PASSWORD as PASSWORD
from dashboard_fixture import SECRET_EMAIL, SECRET_PHONE, SECRET_USER, build_home
from streamlit.testing.v1 import AppTest

from dashboard import audit, jobs, samples, users
from governance.paths import get_home
from governance.warehouse import ensure_warehouse

APP = "dashboard/app.py"


PAGES = ["overview", "incidents", "freshness", "quality", "catalog", "listings", "assessment", "reports",
         "anomalies", "personal_data"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# fx_home and served: tests/conftest.py


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def login(name: str, password: str = PASSWORD) -> AppTest:
    at = new_app()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Everything the page shows as text (markdown, captions, titles, alerts, metrics)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def frames(at: AppTest) -> str:
    return "\n".join(df.value.to_csv() for df in at.dataframe)


def button_keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


# ------------------------------------------------------------------ login


def test_anonymous_visitor_sees_only_the_login_form(served):
    at = new_app()
    assert not at.exception
    assert at.text_input(key="login_name") is not None
    assert at.text_input(key="login_password").proto.type == at.text_input(key="login_password").proto.PASSWORD
    assert len(at.metric) == 0 and len(at.dataframe) == 0
    assert "Overview" not in texts(at)
    at.switch_page("pages/overview.py").run()  # not registered for anonymous visitors
    assert len(at.metric) == 0 and len(at.dataframe) == 0
    assert "user" not in at.session_state


def test_no_page_is_shown_as_planned_once_it_is_real(served):
    at = login("admin1")
    sidebar = "\n".join(str(m.value) for m in at.sidebar.markdown) + "\n".join(c.value for c in at.sidebar.caption)
    assert "Personal data" not in sidebar and "Behaviour anomalies" not in sidebar  # both are real pages now
    assert "Coming in a later release" not in sidebar
    open_page(at, "personal_data")
    assert "Personal data" in texts(at)


def test_wrong_password_is_refused_and_audited(served):
    at = login("viewer1", "not-the-password")
    assert "Wrong user name or password" in texts(at)
    assert "user" not in at.session_state and len(at.metric) == 0
    last = audit.read_audit(served)[-1]
    assert last["action"] == "login_failed" and last["user"] == "viewer1"


def test_login_issues_a_signed_cookie_token(served):
    from dashboard import auth

    at = login("viewer1")
    assert at.session_state["user"]["role"] == "viewer"
    assert "Overview" in texts(at)  # the default page
    token = next(e.proto.body for e in at.sidebar if getattr(e, "type", "") == "html" and "cookie" in e.proto.body)
    value = token.split(f"{auth.COOKIE_NAME}=")[1].split(";")[0]
    assert auth.user_from_token(served, value).name == "viewer1"


# ------------------------------------------------------------------ every page, every role


@pytest.mark.parametrize("role", ["viewer", "analyst", "admin"])
def test_every_page_renders_for_every_role(served, role):
    at = login(f"{role}1")
    for page in PAGES:
        open_page(at, page)
        assert not at.error, (page, [e.value for e in at.error])
    open_page(at, "overview")
    shown = texts(at)
    assert "Maturity level L2" in shown and "Open issues 5" in shown
    assert "Data quality score 80.6%" in shown  # latest run, one decimal
    open_page(at, "users")
    assert bool(at.error) == (role != "admin")


def test_overview_shows_latest_run_and_assessment(served):
    at = open_page(login("viewer1"), "overview")
    shown = texts(at)
    assert "Maturity score 2.77" in shown
    assert "5 of 9 checks failed" in shown
    assert "2 of 7 listings flagged (28.6%)" in shown


def test_viewer_gets_aggregates_but_no_row_level_data(served):
    at = open_page(login("viewer1"), "quality")
    assert "sample_fetch" not in button_keys(at)
    assert "Row-level samples are available to analysts" in texts(at)
    assert not any(b.key == "docs_zip" for b in at.get("download_button"))
    failing = frames(at)
    assert "product_id is unique" in failing  # counts of failing checks are aggregates

    open_page(at, "listings")
    shown = texts(at)
    assert "Individual listings are available to analysts" in shown
    assert "CHEAP CHEAP" not in shown and "<table" not in shown
    assert not at.get("download_button")

    open_page(at, "reports")
    assert not {"run_checks", "render_html"} & button_keys(at)
    assert not any(r["user"] == "viewer1" and r["action"].startswith(("view_", "export_"))
                   for r in audit.read_audit(served))


def test_analyst_sees_masked_samples_and_each_read_is_audited(served):
    at = open_page(login("analyst1"), "quality")
    at.selectbox(key="sample_choice").set_value("sellers.contact_phone.not_null").run()
    at.button(key="sample_fetch").click().run()
    assert not at.exception
    sample = at.dataframe[-1].value
    assert list(sample["seller_id"]) == ["s3"]
    shown = sample.to_csv()
    assert "c@cozy.example" not in shown and "c***@c***.example" in shown
    record = audit.read_audit(served)[-1]
    assert (record["user"], record["role"], record["action"]) == ("analyst1", "analyst", "view_sample_rows")
    assert record["detail"]["expectation_id"] == "sellers.contact_phone.not_null"
    assert record["detail"]["rows"] == 1


def test_analyst_sees_worst_listings_with_contact_details_scrubbed(served):
    at = open_page(login("analyst1"), "listings")
    table = next(m.value for m in at.markdown if "<table" in m.value)
    assert table.index("CHEAP") < table.index("[phone]")  # worst first
    assert SECRET_PHONE not in table and "<mark" in table
    assert any(b.key == "listings_csv" for b in at.get("download_button"))
    assert audit.read_audit(served)[-1]["action"] == "view_listing_rows"
    at.toggle(key="listing_flagged").set_value(False).run()
    table = next(m.value for m in at.markdown if "<table" in m.value)
    assert "Socks" in table and "(no title)" in table


def test_samples_turn_expectations_back_into_sql(served):
    con = duckdb.connect(str(served.warehouse), read_only=True)

    def ids(table, etype, column, kwargs=None, key="product_id"):
        sql = samples.unexpected_sql(con, table, etype, column, kwargs)
        return sorted(r[0] for r in con.execute(f"SELECT {key} FROM ({sql})").fetchall())

    assert ids("products", "expect_column_values_to_not_be_null", "title") == ["p2"]
    assert ids("products", "expect_column_values_to_be_unique", "product_id") == ["p3", "p3"]
    assert ids("products", "expect_column_values_to_be_between", "price", {"min_value": 0}) == ["p3"]
    assert ids("products", "expect_column_values_to_be_between", "price",
               {"min_value": 5, "max_value": 100, "strict_min": True}) == ["p2", "p3", "p6"]
    assert ids("events", "expect_column_values_to_be_in_set", "event_type",
               {"value_set": ["view", "click", "purchase"]}, key="event_id") == ["e3"]
    assert ids("sellers", "expect_column_values_to_match_regex", "contact_email",
               {"regex": r"^[^@]+@[^@]+\.[a-z]+$"}, key="seller_id") == ["s2"]
    assert ids("products", "expect_compound_columns_to_be_unique", None,
               {"column_list": ["seller_id", "product_id"]}) == ["p3", "p3"]
    assert ids("events", "unexpected_rows_expectation", None,
               {"unexpected_rows_query": "SELECT event_id FROM {batch} WHERE device = 'app-ios'"},
               key="event_id") == ["e3", "e4"]
    # the query's output is matched back to whole rows of the batch
    sql = samples.unexpected_sql(con, "(SELECT * FROM products WHERE seller_id = 's2')", "unexpected_rows_expectation",
                                 None, {"unexpected_rows_query": "SELECT sku FROM {batch} WHERE regexp_matches(title, '[A-Z]{{4,}}')"})
    assert con.execute(sql).df()[["product_id", "sku"]].values.tolist() == [["p3", "c"]]
    assert ids("products", "expect_column_pair_values_a_to_be_greater_than_b", None,
               {"column_A": "list_price", "column_B": "price", "or_equal": True}) == []
    assert ids("products", "expect_column_pair_values_a_to_be_greater_than_b", None,
               {"column_A": "list_price", "column_B": "price"}) == ["p2", "p3", "p6"]
    assert samples.unexpected_sql(con, "events", "expect_table_row_count_to_be_between", None) is None
    masked = samples.fetch_sample(served, {"table_name": "events", "column_name": "session_id",
                                           "expectation_type": "expect_column_values_to_be_unique",
                                           "expectation_id": "x"})
    assert len(masked) == 2 and SECRET_USER not in masked.to_csv()
    assert all(v.startswith("u_") for v in masked["user_id"])
    con.close()


def test_catalog_page_reports_coverage(served):
    at = open_page(login("viewer1"), "catalog")
    shown = texts(at)
    assert "Descriptions 100.0%" in shown and "Lineage 100.0%" in shown
    assert "Every table is fully described" in shown
    assert "contact_email" not in frames(at)  # default table is categories
    at.selectbox(key="catalog_table").set_value("sellers").run()
    cols = frames(at)
    assert "contact_email" in cols and "direct" in cols
    assert SECRET_EMAIL not in cols


def test_assessment_explains_why_not_the_next_level(served):
    at = open_page(login("viewer1"), "assessment")
    shown = texts(at)
    assert "Why not level 3" in shown and "weighted score 2.40 is below 3" in shown
    assert "recompute" not in button_keys(at)
    assert at.selectbox(key="q_strategy_planning_2").disabled  # read-only for viewers


def test_admin_edits_the_questionnaire(served):
    at = open_page(login("admin1"), "assessment")
    assert not at.selectbox(key="q_strategy_planning_2").disabled
    at.selectbox(key="q_strategy_planning_2").set_value("largely")
    at.selectbox(key="q_strategy_planning_3").set_value("partially")
    next(b for b in at.button if "Save answers" in b.label).click().run()
    assert not at.exception
    saved = yaml.safe_load((served.config / "questionnaire.yaml").read_text())
    assert saved["answers"]["strategy_planning"] == {2: {"answer": "largely"}, 3: {"answer": "partially"}}
    assert audit.read_audit(served)[-1]["action"] == "edit_questionnaire"
    # the saved answers are shown when the page is opened again
    at = open_page(login("admin1"), "assessment")
    assert at.selectbox(key="q_strategy_planning_2").value == "largely"

    # evidence upload, then attach it to a statement
    at.get("file_uploader")[0].upload("strategy v1.pdf", b"%PDF-1.4 approved strategy", "application/pdf").run()
    at.button(key="evidence_store").click().run()
    assert not at.exception
    assert (served.root / "evidence" / "strategy_v1.pdf").read_bytes() == b"%PDF-1.4 approved strategy"
    at.selectbox(key="q_strategy_planning_2").set_value("fully")
    at.multiselect(key="e_strategy_planning_2").set_value(["strategy_v1.pdf"])
    next(b for b in at.button if "Save answers" in b.label).click().run()
    saved = yaml.safe_load((served.config / "questionnaire.yaml").read_text())
    assert saved["answers"]["strategy_planning"][2] == {"answer": "fully", "evidence": ["strategy_v1.pdf"]}
    assert [r["action"] for r in audit.read_audit(served)[-2:]] == ["upload_evidence", "edit_questionnaire"]


def test_admin_recompute_stores_a_new_assessment(tmp_path, monkeypatch):
    h = build_home(get_home(tmp_path / "home"), assessments=1)
    users.add_user(h, "root", "admin", PASSWORD)
    monkeypatch.setenv("SHOPGOV_HOME", str(h.root))
    monkeypatch.chdir(ROOT)
    at = open_page(login("root"), "assessment")
    at.button(key="recompute").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Assessment recomputed" in texts(at)
    con = duckdb.connect(str(h.results), read_only=True)
    n, domains = con.execute("""
        SELECT count(*), (SELECT count(*) FROM assessment_domains WHERE assessment_id =
                          (SELECT assessment_id FROM assessments ORDER BY created_at DESC LIMIT 1))
        FROM assessments""").fetchone()
    con.close()
    assert n == 2 and domains == 8


def test_downloads_do_not_rerun_the_page(served):
    """A download generated on click (a callable) must not also rerun the app: the rerun drops the
    click's deferred file before the browser fetches it, and under load the download never comes
    (a CI run timed out waiting for it). Every download button says ``on_click="ignore"``."""
    at = login("admin1")
    seen = []
    for page in ("quality", "listings", "reports"):
        open_page(at, page)
        seen += [(page, b.key, b.proto) for b in at.get("download_button")]
    assert {"listings_csv"} <= {k for _, k, _ in seen} and any(p == "reports" for p, _, _ in seen)
    for page, key, proto in seen:
        assert proto.HasField("deferred_file_id"), (page, key)
        assert proto.ignore_rerun, f"{page}: download button {key} reruns the app on click"


def test_reports_with_row_samples_are_listed_only_for_analysts(served):
    from governance.access import record_report

    rows = served.reports / "assessment-rows.html"
    rows.write_text("<html>masked samples</html>")
    record_report(served, rows, role="analyst", row_samples=True, created_by="analyst1")
    try:
        viewer = open_page(login("viewer1"), "reports")
        names = [b.label for b in viewer.get("download_button")]
        assert len(names) == 2 and "assessment-rows.html" not in texts(viewer)
        analyst = open_page(login("analyst1"), "reports")
        assert "assessment-rows.html" in texts(analyst) and len(analyst.get("download_button")) == 3
        assert "with row samples" in texts(analyst)
        assert "run_checks" not in button_keys(analyst) and "render_html" in button_keys(analyst)
    finally:
        rows.unlink()


def test_reports_page_decides_by_the_manifest_not_the_file_name(served):
    """A row-sample report renamed to an innocent name, or a file nobody recorded, reaches admins only."""
    from governance.access import record_report

    rows = served.reports / "assessment-rows.html"
    rows.write_text("<html>masked samples p7</html>")
    record_report(served, rows, role="analyst", row_samples=True, created_by="analyst1")
    renamed = rows.rename(served.reports / "summary-for-everyone.html")
    stray = served.reports / "dropped-in.pdf"
    stray.write_bytes(b"%PDF-1.4 unknown")
    try:
        for role in ("viewer", "analyst"):
            shown = texts(open_page(login(f"{role}1"), "reports"))
            assert "summary-for-everyone.html" not in shown and "dropped-in.pdf" not in shown, role
        admin = texts(open_page(login("admin1"), "reports"))
        assert "summary-for-everyone.html" in admin and "dropped-in.pdf" in admin
        assert "administrators only" in admin
    finally:
        renamed.unlink()
        stray.unlink()


def test_a_teams_own_role_works_in_the_dashboard(tmp_path, monkeypatch):
    """config/roles.yaml of the home adds an `auditor`: aggregates and row samples, no user management."""
    import shutil

    from governance.access import load_policy
    from governance.config import default_path

    h = build_home(get_home(tmp_path / "home"), runs=1, listings=False, assessments=1)
    text = default_path("roles.yaml").read_text(encoding="utf-8").replace(
        "  admin:\n", "  auditor:\n    description: Reads everything, changes nothing.\n"
        "    actions: [view_aggregates, download_reports, view_rows]\n  admin:\n")
    (h.config / "roles.yaml").write_text(text, encoding="utf-8")
    assert load_policy(h).can("auditor", "view_rows") and not load_policy().roles.get("auditor")
    users.add_user(h, "audrey", "auditor", PASSWORD)
    monkeypatch.setenv("SHOPGOV_HOME", str(h.root))
    monkeypatch.chdir(ROOT)
    at = login("audrey")
    assert at.session_state["user"]["role"] == "auditor"
    assert "auditor" in "\n".join(c.value for c in at.sidebar.caption)
    open_page(at, "quality")
    assert "sample_fetch" in button_keys(at)  # may see masked rows
    open_page(at, "reports")
    assert len(at.get("download_button")) == 2 and "render_html" not in button_keys(at)
    open_page(at, "users")
    assert at.error  # no manage_users
    shutil.rmtree(h.root)


def test_admin_starts_checks_in_the_background(served):
    at = open_page(login("admin1"), "reports")
    assert "Render HTML" in [b.label for b in at.button]
    at.button(key="run_checks").click().run()
    assert not at.exception
    started = [j for j in jobs.list_jobs(served) if j.kind == "check"]
    assert started and started[0].user == "admin1" and started[0].args == ["check"]
    assert audit.read_audit(served)[-1]["action"] == "start_job"
    job = jobs.load(served, started[0].id)
    if job.status == "running":  # do not let a real check run on beyond the test
        os.killpg(job.pid, signal.SIGTERM)


def test_background_job_records_its_exit_code_and_output(served):
    job = jobs.start(served, "users-list", ["users", "list"], "admin1")
    deadline = time.time() + 60
    while (j := jobs.load(served, job.id)).status == "running" and time.time() < deadline:
        time.sleep(0.2)
    assert j.status == "done" and j.exit_code == 0
    assert "analyst1" in jobs.log_text(served, job.id)


def test_job_progress_is_read_from_progress_bars_only(tmp_path):
    log = tmp_path / "job.log"
    log.write_text("loading suites\rchecks  ━━━━━━━━━━━━         3/8 0:00:01\r")
    assert jobs.tail_progress(log) == (0.375, "checks  ━━━━━━━━━━━━         3/8 0:00:01")
    log.write_text("rows: 45%|████▌     | 45.0k/100k [00:01<00:02]\nall tables 80% / 99%\nData Docs: x\n")
    assert jobs.tail_progress(log) == (0.45, "Data Docs: x")
    log.write_text("\x1b[1mall tables\x1b[0m 80% / 99%\n")
    assert jobs.tail_progress(log) == (None, "all tables 80% / 99%")


def test_admin_manages_users_in_the_page(served):
    at = open_page(login("admin1"), "users")
    at.text_input(key="add_name").input("newbie")
    at.selectbox(key="add_role").set_value("analyst")
    at.text_input(key="add_pw1").input("maple-river-analyst")
    at.text_input(key="add_pw2").input("maple-river-analyst")
    next(b for b in at.button if "Add user" in b.label).click().run()
    assert not at.exception
    assert users.get_user(served, "newbie").role == "analyst"
    assert "Added newbie" in texts(at)
    users.remove_user(served, "newbie")


def test_removed_user_is_logged_out_at_the_next_click(served):
    users.add_user(served, "temp", "viewer", PASSWORD)
    at = login("temp")
    assert at.session_state["user"]["name"] == "temp"
    users.remove_user(served, "temp")
    at.run()
    assert "user" not in at.session_state
    assert at.text_input(key="login_name") is not None and len(at.metric) == 0


def test_language_switch_to_chinese(served):
    # the choice persists per user: a user of its own, so other tests keep viewer1 in English
    users.add_user(served, "viewer_zh", "viewer", PASSWORD)
    at = login("viewer_zh")
    at.sidebar.button_group[0].set_value("zh").run()
    assert not at.exception
    shown = texts(at)
    assert "总览" in shown and "成熟度等级" in shown
    open_page(at, "quality")
    assert "数据质量" in texts(at)


# ------------------------------------------------------------------ empty states


def test_empty_home_shows_how_to_start(tmp_path, monkeypatch):
    h = get_home(tmp_path / "empty").ensure()
    users.add_user(h, "root", "admin", PASSWORD)
    monkeypatch.setenv("SHOPGOV_HOME", str(h.root))
    monkeypatch.chdir(ROOT)
    at = login("root")
    for page in [*PAGES, "users"]:
        open_page(at, page)
        assert not at.error
        if page in ("overview", "quality", "catalog", "listings", "assessment"):
            assert "shopgov init" in texts(at), page
    open_page(at, "reports")
    assert "No reports yet" in texts(at)


def test_warehouse_without_results_says_what_to_run(tmp_path, monkeypatch):
    h = get_home(tmp_path / "fresh").ensure()
    ensure_warehouse(h)
    users.add_user(h, "root", "admin", PASSWORD)
    monkeypatch.setenv("SHOPGOV_HOME", str(h.root))
    monkeypatch.chdir(ROOT)
    at = login("root")
    assert "shopgov check" in texts(at)  # overview
    expected = {"quality": "No check run yet", "listings": "shopgov flag", "assessment": "No assessment yet"}
    for page, needle in expected.items():
        open_page(at, page)
        assert needle in texts(at), page
    open_page(at, "catalog")
    assert "Descriptions 100.0%" in texts(at)  # the catalog comes with the warehouse


def test_results_written_while_open_are_picked_up(served, tmp_path):
    """A writer swapping results.duckdb in never breaks an open session; the next rerun sees it."""
    h = build_home(get_home(tmp_path / "swap"), runs=1, listings=False, assessments=0)
    users.add_user(h, "root", "viewer", PASSWORD)
    os.environ["SHOPGOV_HOME"] = str(h.root)
    try:
        at = login("root")
        assert "Open issues 5" in texts(at)
        from governance.warehouse import atomic_write

        with atomic_write(h, h.results) as con:
            con.execute("UPDATE expectation_results SET success = true WHERE severity <> 'critical'")
        at.run()
        assert not at.exception
        assert "Open issues 1" in texts(at)
    finally:
        os.environ["SHOPGOV_HOME"] = str(served.root)


def test_i18n_has_both_languages_for_every_key_the_pages_use():
    import re
    from pathlib import Path

    from dashboard import i18n
    from dashboard.queries import DIMENSIONS, SEVERITIES
    from governance.access import ACTIONS, load_policy

    strings = i18n._strings()
    for key in i18n.all_keys():
        assert strings[key].get("en") and strings[key].get("zh"), key
    used = set()
    for path in [*Path(ROOT, "dashboard").glob("*.py"), *Path(ROOT, "dashboard", "pages").glob("*.py")]:
        used |= set(re.findall(r"""\bt\(["']([a-z_]+\.[a-z_0-9]+)["']""", path.read_text()))
    used |= {f"severity.{s}" for s in SEVERITIES} | {f"dimension.{d}" for d in DIMENSIONS}
    used |= {f"levels.l{n}" for n in range(1, 6)} | {f"roles.{r}" for r in load_policy().role_names()}
    used |= {f"actions.{a}" for a in ACTIONS} | {f"nav.{p}" for p in PAGES}
    assert len(used) > 150
    assert not sorted(used - set(strings))


# ------------------------------------------------------------------ behaviour anomalies

BOT_USER = "crawler-000001"


@pytest.fixture(scope="module")
def anomaly_home(tmp_path_factory):
    """The dashboard home plus a crawler and 60 shoppers in the events, scored by the real scorer."""
    from assess.anomaly.warehouse import run_warehouse
    from governance.warehouse import atomic_write

    h = build_home(get_home(tmp_path_factory.mktemp("anom") / "home"))
    for role in ("admin", "analyst", "viewer"):
        users.add_user(h, f"{role}1", role, PASSWORD)
    rows = [(f"b{i}", BOT_USER, "bot-sess", "view", f"p{100 + i}", f"2026-01-11 03:00:{i:02d}") for i in range(60)]
    for u in range(60):
        for j, (ev, gap) in enumerate((("view", 0), ("view", 47), ("cart", 130), ("view", 400))):
            m, sec = divmod(u * 7 + gap, 60)
            rows.append((f"h{u}_{j}", f"shopper-{u}", f"hs-{u}", ev, f"p{(u * 13 + j) % 40}",
                         f"2026-01-11 {10 + m // 60:02d}:{m % 60:02d}:{sec:02d}"))
    with atomic_write(h, h.warehouse) as con:
        con.executemany("INSERT INTO events (event_id, user_id, session_id, event_type, item_id, ts, device, "
                        "event_date) VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMP), 'web-desktop', "
                        "CAST(CAST(? AS TIMESTAMP) AS DATE))", [(*r, r[-1]) for r in rows])
    run = run_warehouse(h, "all")
    assert run["n_flagged"] >= 1
    return h


@pytest.fixture
def anomaly_served(anomaly_home, monkeypatch):
    monkeypatch.setenv("SHOPGOV_HOME", str(anomaly_home.root))
    monkeypatch.chdir(ROOT)
    return anomaly_home


def test_anomalies_viewer_sees_aggregates_only(anomaly_served):
    at = open_page(login("viewer1"), "anomalies")
    shown = texts(at)
    assert "Anomalous share of events" in shown and "Anomalous share of traffic per day" in shown
    assert "Individual sessions are available to analysts" in shown
    reasons = frames(at)
    assert "REGULAR_TIMING" in reasons and "Near-constant time between events" in reasons
    assert BOT_USER not in reasons and "bot-sess" not in reasons and "Session (pseudonym)" not in reasons
    assert not at.selectbox


def test_anomalies_analyst_sees_pseudonymised_sessions_and_a_timeline(anomaly_served):
    from governance.privacy import pseudonymize

    at = open_page(login("analyst1"), "anomalies")
    table = frames(at)
    assert pseudonymize(BOT_USER) in table and BOT_USER not in table and "bot-sess" not in table
    assert "HIGH_RATE" in table
    assert at.selectbox(key="anomaly_session") is not None
    assert "60 events, median gap 1.00 s." in texts(at)
    actions = [r["action"] for r in audit.read_audit(anomaly_served) if r["user"] == "analyst1"]
    assert "view_anomaly_sessions" in actions and "view_anomaly_timeline" in actions


def test_anomalies_admin_sees_the_page_and_chinese_labels(anomaly_served):
    at = open_page(login("admin1"), "anomalies")
    assert pseudonymize_in(frames(at))
    at.session_state["lang"] = "zh"
    at.run()
    assert "行为异常" in texts(at) and not at.exception


def pseudonymize_in(table: str) -> bool:
    from governance.privacy import pseudonymize

    return pseudonymize(BOT_USER) in table
