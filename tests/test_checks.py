"""Quality and metadata checks on generated samples: defects caught, clean data passes, results stored."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import duckdb
import pytest
from check_fixtures import AS_OF, home_with

from governance.check_store import Retention
from governance.check_suites import DIMENSIONS, load_suites
from governance.checks import ExpectationOutcome, compute_scores, run_checks
from governance.errors import ShopgovError, UsageError
from governance.pii_audit import EXPECTATION_IDS as PII_EXPECTATIONS
from governance.warehouse import atomic_write

CONTRACT = {
    "check_runs": ["run_id", "started_at", "finished_at", "partition_date", "status", "n_expectations",
                   "n_failed", "suites", "gx_version", "config_sha256", "data_docs_path"],
    "expectation_results": ["run_id", "suite", "kind", "table_name", "column_name", "expectation_id",
                            "expectation_type", "dimension", "severity", "success", "unexpected_count",
                            "element_count", "unexpected_percent", "observed", "description"],
    "quality_scores": ["run_id", "table_name", "dimension", "checks_total", "checks_passed", "pass_share",
                       "row_weighted_pass_rate"],
}


def _failing(run):
    return {(r.table_name, r.dimension) for r in run.results if not r.success}


def test_every_injected_defect_fails_a_check_on_its_table_and_dimension(home):
    manifest = home_with("dirty", home)
    run = run_checks(home, partition="all", as_of=AS_OF, progress=False, docs=False)
    assert run.status == "failed" and run.exit_code == 1
    assert not [r.expectation_id for r in run.results if r.error], "no check may error"
    failing = _failing(run)
    missed = [d["defect"] for d in manifest["defects"] if (d["table"], d["dimension"]) not in failing]
    assert not missed, f"defects not caught: {missed}"
    by_id = {r.expectation_id: r for r in run.results}
    counts = {d["defect"]: d for d in manifest["defects"]}
    # row-level rules count exactly the injected rows
    assert by_id["events.session.bot_rate"].unexpected_count == counts["bot_high_rate"]["rows"]
    assert by_id["events.session.bot_regular"].unexpected_count == counts["bot_regular_interval"]["rows"]
    assert by_id["products.price.category_outlier"].unexpected_count == counts["price_x100"]["count"]
    assert by_id["products.title.all_caps"].unexpected_count == counts["all_caps_title"]["count"]
    assert by_id["events.item.known"].unexpected_count == counts["unknown_item"]["count"]
    # metadata checks pass: the catalog is complete
    assert all(r.success for r in run.results if r.kind == "metadata")


@pytest.mark.parametrize("partition", ["all", "latest"])
def test_clean_sample_passes_every_check(home, partition):
    home_with("clean", home)
    run = run_checks(home, partition=partition, as_of=AS_OF, progress=False, docs=False)
    failed = [(r.expectation_id, r.unexpected_count, r.error) for r in run.results if not r.success]
    assert not failed
    assert run.status == "passed" and run.exit_code == 0
    assert run.partition_date == (None if partition == "all" else datetime.fromisoformat(AS_OF).date())
    assert run.score().pass_share == 1.0 and run.score().row_weighted_pass_rate == 1.0


def test_nightly_partition_run_still_sees_whole_table_defects(home):
    home_with("dirty", home)
    run = run_checks(home, partition="2024-06-20", as_of=AS_OF, progress=False, docs=False)
    assert str(run.partition_date) == "2024-06-20"
    events = [r for r in run.results if r.suite == "events"]
    assert {r.element_count for r in events if r.scope == "rows"} != {None}
    assert max(r.element_count for r in events) < 5000  # one day of ~50k events over 35 days
    failing = {r.expectation_id for r in run.results if not r.success}
    assert {"events.ts.not_future", "events.ts.in_window", "events.volume.stale_day"} <= failing


def test_results_are_stored_exactly_as_the_contract(home):
    home_with("dirty", home)
    run = run_checks(home, partition="all", as_of=AS_OF, progress=False, docs=False)
    con = duckdb.connect(str(home.results), read_only=True)
    try:
        for table, cols in CONTRACT.items():
            got = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            assert got == cols, table
        row = con.execute("SELECT status, n_expectations, n_failed, gx_version FROM check_runs").fetchone()
        assert row == ("failed", run.n_expectations, run.n_failed, run.gx_version)
        n, dims, sevs, kinds = con.execute("""SELECT count(*), list(DISTINCT dimension), list(DISTINCT severity),
                                              list(DISTINCT kind) FROM expectation_results""").fetchone()
        # the suites' rules plus the personal-data scan's two metadata results
        assert n == run.n_expectations == sum(len(s.rules) for s in load_suites()) + len(PII_EXPECTATIONS)
        assert {r.expectation_id for r in run.results} >= set(PII_EXPECTATIONS)
        assert set(dims) == set(DIMENSIONS) and set(sevs) <= {"critical", "high", "medium", "low"}
        assert set(kinds) == {"quality", "metadata"}
        observed = [json.loads(o) for (o,) in con.execute("SELECT observed FROM expectation_results").fetchall()]
        assert all(isinstance(o, dict) for o in observed)
        overall = con.execute("SELECT checks_total, checks_passed FROM quality_scores "
                              "WHERE table_name = '*' AND dimension = '*'").fetchone()
        assert overall == (run.n_expectations, run.n_expectations - run.n_failed)
        per_table = con.execute("SELECT count(*) FROM quality_scores WHERE dimension = '*' AND table_name <> '*'"
                                ).fetchone()[0]
        assert per_table == len({s.table for s in load_suites()})
    finally:
        con.close()


def _outcome(table, dim, success, unexpected, elements, scope="rows"):
    return ExpectationOutcome(
        suite=table, kind="quality", table_name=table, column_name=None, expectation_id=f"{table}.x.{dim}",
        expectation_type="t", dimension=dim, severity="high", success=success, unexpected_count=unexpected,
        element_count=elements, unexpected_percent=None, observed={}, description="", scope=scope)


def test_scores_are_share_of_checks_and_row_weighted_pass_rate():
    results = [
        _outcome("products", "validity", False, 10, 1000),
        _outcome("products", "validity", True, 0, 1000),
        _outcome("products", "timeliness", False, None, 1000, scope="table"),
        _outcome("events", "validity", True, 0, 99_000),
    ]
    scores = {(s.table_name, s.dimension): s for s in compute_scores(results)}
    pv = scores[("products", "validity")]
    assert (pv.checks_total, pv.checks_passed, pv.pass_share) == (2, 1, 0.5)
    assert pv.row_weighted_pass_rate == pytest.approx(1990 / 2000)
    assert scores[("products", "timeliness")].row_weighted_pass_rate == 0.0  # table-level: one unit
    assert scores[("products", "*")].row_weighted_pass_rate == pytest.approx(1990 / 2001)
    assert scores[("*", "validity")].row_weighted_pass_rate == pytest.approx((1990 + 99_000) / 101_000)
    assert scores[("*", "*")].pass_share == 0.5


def test_volume_rule_learns_from_earlier_runs_and_old_runs_are_pruned(home):
    home_with("clean", home)
    keep = Retention(days=None, runs=3)
    for _ in range(3):
        run = run_checks(home, partition="all", suites=["products"], as_of=AS_OF, progress=False,
                         docs=False, retention=keep)
        assert run.status == "passed"
    with atomic_write(home, home.warehouse) as con:  # lose most listings
        con.execute("DELETE FROM products WHERE random() < 0.8")
    run = run_checks(home, partition="all", suites=["products"], as_of=AS_OF, progress=False,
                     docs=False, retention=keep)
    volume = next(r for r in run.results if r.expectation_id == "products.volume.history")
    assert not volume.success and volume.observed["min_value"] > volume.observed["observed_value"]
    assert run.pruned_runs == 1
    con = duckdb.connect(str(home.results), read_only=True)
    try:
        runs = [r[0] for r in con.execute("SELECT run_id FROM check_runs").fetchall()]
        assert len(runs) == 3 and run.run_id in runs
        for table in ("expectation_results", "quality_scores"):
            left = {r[0] for r in con.execute(f"SELECT DISTINCT run_id FROM {table}").fetchall()}
            assert left == set(runs)
    finally:
        con.close()


def test_old_runs_expire_after_the_retention_days(home):
    home_with("clean", home)
    run_checks(home, partition="all", suites=["categories"], as_of=AS_OF, progress=False, docs=False)
    with atomic_write(home, home.results) as con:
        con.execute("UPDATE check_runs SET started_at = started_at - INTERVAL 100 DAY")
    run = run_checks(home, partition="all", suites=["categories"], as_of=AS_OF, progress=False, docs=False,
                     retention=Retention(days=90, runs=None))
    assert run.pruned_runs == 1


def _personal_values(home) -> set[str]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        rows = con.execute("""
            SELECT DISTINCT user_id FROM events WHERE user_id IS NOT NULL
            UNION SELECT DISTINCT session_id FROM events
            UNION SELECT contact_email FROM sellers WHERE contact_email IS NOT NULL
            UNION SELECT contact_phone FROM sellers WHERE contact_phone IS NOT NULL""").fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def test_no_personal_data_in_results_json_data_docs_or_logs(home):
    home_with("dirty", home)
    secrets = ["li.secret@example.com", "13987654321", "wechat_secret88"]
    with atomic_write(home, home.warehouse) as con:
        con.execute("UPDATE products SET description = description || ' Mail li.secret@example.com, call "
                    "13987654321, WeChat: wechat_secret88' WHERE product_id IN (SELECT product_id FROM products LIMIT 3)")
        con.execute("UPDATE sellers SET contact_email = 'not-an-email wechat_secret88' "
                    "WHERE seller_id = (SELECT min(seller_id) FROM sellers)")
        con.execute("UPDATE events SET user_id = 'li.secret@example.com' WHERE event_id IN "
                    "(SELECT event_id FROM events WHERE event_type = 'view' LIMIT 5)")
    personal = _personal_values(home) | set(secrets)
    run = run_checks(home, partition="all", as_of=AS_OF, progress=False)
    by_id = {r.expectation_id: r for r in run.results}
    assert not by_id["products.description.contact"].success
    assert not by_id["sellers.contact_email.format"].success
    assert by_id["sellers.contact_email.format"].unexpected_count == 1

    texts = [json.dumps(run.to_json(), default=str)]
    con = duckdb.connect(str(home.results), read_only=True)
    for table in CONTRACT:
        texts += [" ".join(str(v) for v in row) for row in con.execute(f"SELECT * FROM {table}").fetchall()]
    con.close()
    docs = [p for p in home.data_docs.rglob("*") if p.is_file() and p.suffix in (".html", ".json")]
    assert any(p.name == "index.html" for p in docs) and any("validations" in p.parts for p in docs)
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in docs]
    texts += [p.read_text(encoding="utf-8") for p in home.logs.rglob("*") if p.is_file()]
    tokens = set()
    for t in texts:
        tokens.update(re.findall(r"[\w.@+-]+", t))
    leaked = (tokens & personal) | {s for s in secrets if any(s in t for t in texts)}
    assert not leaked


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[str, dict]] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        _Hook.received.append((self.path, json.loads(body or b"{}")))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server():
    _Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_failures_are_notified_through_gx_actions(home, webhook_server, monkeypatch):
    home_with("dirty", home)
    monkeypatch.setenv("HOOK_TOKEN", "t0ken")
    (home.config / "notifications.yaml").write_text(
        f"notify_on: failure\n"
        f"webhook:\n  - url: {webhook_server}/hook\n    headers: {{Authorization: 'Bearer ${{HOOK_TOKEN}}'}}\n"
        f"slack:\n  - webhook: {webhook_server}/slack\n")
    run = run_checks(home, partition="all", suites=["products", "sellers"], as_of=AS_OF, progress=False,
                     docs=False)
    assert run.status == "failed"
    assert {n["type"] for n in run.notifications} == {"shopgov_webhook", "slack"}
    paths = {p: body for p, body in _Hook.received}
    assert set(paths) == {"/hook", "/slack"}
    hook = paths["/hook"]
    assert hook["run_id"] == run.run_id and hook["success"] is False
    products = next(s for s in hook["suites"] if s["suite"] == "products")
    failed_ids = {f["id"] for f in products["failed_expectations"]}
    assert failed_ids == {r.expectation_id for r in run.results if r.suite == "products" and not r.success}
    assert "blocks" in paths["/slack"] or "text" in paths["/slack"]
    # the summary names the incidents the run opens (none were open before)
    assert set(hook["incidents"]["new"]) == {r.expectation_id for r in run.results if not r.success}
    assert hook["incidents"]["resolved"] == [] and set(run.incidents["opened"]) and run.incidents["closed"] == []

    _Hook.received = []
    home_clean = home.root.parent / "clean"
    from governance.paths import get_home

    h2 = get_home(home_clean)
    home_with("clean", h2)
    h2.config.mkdir(parents=True, exist_ok=True)
    (h2.config / "notifications.yaml").write_text((home.config / "notifications.yaml").read_text())
    run = run_checks(h2, partition="all", suites=["sellers"], as_of=AS_OF, progress=False, docs=False)
    assert run.status == "passed" and _Hook.received == []


def test_bad_notification_config_names_the_file(home):
    home_with("clean", home)
    (home.config / "notifications.yaml").write_text("webhook:\n  - url: http://x\n    notify_on: sometimes\n")
    with pytest.raises(ShopgovError, match=r"notifications.yaml:3: webhook\[0\]\.notify_on: .*got 'sometimes'"):
        run_checks(home, suites=["sellers"], as_of=AS_OF, progress=False)


def test_check_runs_while_another_process_reads_the_warehouse(home):
    home_with("clean", home)
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time\n"
         f"c = duckdb.connect({str(home.warehouse)!r}, read_only=True)\n"
         "print(c.execute('SELECT count(*) FROM events').fetchone()[0], flush=True)\n"
         "sys.stdin.readline()\n"
         "print(c.execute('SELECT count(*) FROM products').fetchone()[0], flush=True)\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert int(reader.stdout.readline()) > 0  # the reader holds the file open
        run = run_checks(home, partition="latest", suites=["events", "products"], as_of=AS_OF,
                         progress=False, docs=False)
        assert run.status == "passed"
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert int(reader.stdout.readline()) > 0  # and is still reading afterwards
    finally:
        reader.kill()
        reader.wait()


def test_usage_and_runtime_errors(home, tmp_path):
    with pytest.raises(UsageError, match="unknown suite 'nope'"):
        run_checks(home, suites=["nope"], progress=False)
    with pytest.raises(UsageError, match="bad partition"):
        run_checks(home, partition="2024-02-30", progress=False)
    with pytest.raises(ShopgovError, match="run `shopgov init` first"):
        run_checks(home, progress=False)
    assert not home.results.exists()


def test_suite_files_are_validated(tmp_path):
    from governance.check_suites import load_suite

    bad = tmp_path / "bad.yaml"
    bad.write_text("suite: bad\ntable: products\nexpectations:\n"
                   "  - id: products.x.y\n    type: expect_column_values_to_not_be_null\n"
                   "    kwargs: {column: title}\n    meta: {dimension: freshness, severity: high, description: d}\n")
    with pytest.raises(ShopgovError, match=r"bad.yaml:7: expectations\[0\]\.meta\.dimension: .*got 'freshness'"):
        load_suite(bad)
    bad.write_text(bad.read_text().replace("freshness", "completeness").replace(
        "expect_column_values_to_not_be_null", "unexpected_rows_expectation").replace(
        "{column: title}", "{unexpected_rows_query: 'SELECT 1'}"))
    with pytest.raises(ShopgovError, match=r"\{batch\} placeholder"):
        load_suite(bad)


def test_suites_never_report_values_of_personal_data_columns(tmp_path):
    from governance.catalog import load_catalog
    from governance.check_suites import check_pii_safe, load_suite

    pii = tmp_path / "pii.yaml"
    pii.write_text("suite: pii\ntable: sellers\nexpectations:\n"
                   "  - id: sellers.contact_email.max\n    type: expect_column_max_to_be_between\n"
                   "    kwargs: {column: contact_email, min_value: a}\n"
                   "    meta: {dimension: validity, severity: low, description: d}\n")
    with pytest.raises(ShopgovError, match="personal-data column"):
        check_pii_safe(load_suite(pii), set(load_catalog().tables["sellers"].pii_columns))
    catalog = load_catalog()
    for suite in load_suites():  # and the bundled suites pass the same guard
        table = catalog.tables.get(suite.table)
        check_pii_safe(suite, set(table.pii_columns) if table else set())


def test_as_of_controls_freshness(home):
    home_with("clean", home)
    late = (datetime.fromisoformat(AS_OF) + timedelta(days=3)).isoformat()
    run = run_checks(home, partition="latest", suites=["events_table", "products"], as_of=late,
                     progress=False, docs=False)
    failing = {r.expectation_id for r in run.results if not r.success}
    assert failing == {"events.freshness.newest_partition", "products.updated_at.fresh"}
    assert {r.dimension for r in run.results if not r.success} == {"timeliness"}
