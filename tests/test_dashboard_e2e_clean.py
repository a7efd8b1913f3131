"""In a real headless Chromium, every role in both languages: nothing leaves localhost, the
server logs no traceback, a forbidden page says so, the language survives a reload, and the
overview's fix-first entry leads to its incident. Screenshots of the overview, an incident,
freshness and the Chinese overview go to ``$SHOPGOV_E2E_SCREENSHOTS`` (default ``docs/screenshots``).

Runs with SHOPGOV_E2E=1 (the ``browser`` marker; see tests/test_dashboard_e2e.py for the server).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from test_dashboard_e2e import PASSWORD, settle

from governance import incidents as inc

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
LOCAL = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture(scope="module")
def server(e2e_server):
    """The served fixture home with one user per role (tests/conftest.py, shared with test_dashboard_e2e)."""
    return e2e_server


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(os.environ.get("SHOPGOV_E2E_SCREENSHOTS") or ROOT / "docs" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shot(page, path: Path) -> None:
    """The visible window as a PNG (1280 x 900 keeps files small)."""
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))


def watch(page) -> dict:
    """Collect requests that leave localhost and responses that fail on the server."""
    seen: dict[str, list[str]] = {"external": [], "server_errors": []}

    def on_request(req) -> None:
        u = urlparse(req.url)
        if u.scheme in ("http", "https", "ws", "wss") and u.hostname not in LOCAL:
            seen["external"].append(req.url)

    def on_response(resp) -> None:
        if resp.status >= 500:
            seen["server_errors"].append(f"{resp.status} {resp.url}")

    page.on("request", on_request)
    page.on("response", on_response)
    return seen


def sign_in(page, url: str, name: str, title: str = "Overview") -> None:
    page.goto(url)
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(f"h1:has-text('{title}')", timeout=30_000)
    settle(page)


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator(
        "[data-testid='stException']").first.inner_text()


def top_gap(page) -> float:
    """Pixels between the top of the main area and the page title."""
    return page.evaluate("""() => {
        const h = document.querySelector('[data-testid="stMain"] h1');
        const m = document.querySelector('[data-testid="stMain"]');
        return h.getBoundingClientRect().top - m.getBoundingClientRect().top; }""")


@pytest.mark.parametrize("role", ["viewer", "analyst", "admin"])
def test_each_role_in_both_languages_stays_local_and_clean(server, browser, shots, role):
    url, home = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    seen = watch(page)
    sign_in(page, url, f"{role}1")
    no_exception(page)
    assert top_gap(page) < 110, "no tall empty band above the title"
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "None" not in body.split() and "+-" not in body

    if role == "admin":
        shot(page, shots / "issue12-overview.png")
        # fix first -> the incident page of the top incident
        first = page.locator("[data-testid='stPageLink'] a[href*='incidents?id=']").first
        href = first.get_attribute("href")
        first.click()
        page.wait_for_selector("h1:has-text('Incidents')", timeout=30_000)
        settle(page)
        no_exception(page)
        iid = href.split("id=")[1]
        assert iid in page.locator("[data-testid='stMain']").inner_text()
        shot(page, shots / "issue12-incident.png")
        page.locator(f"[data-testid='stSidebarNav'] a[href='{url}/freshness']").click()
        page.wait_for_selector("h1:has-text('Freshness')", timeout=30_000)
        settle(page)
        no_exception(page)
        shot(page, shots / "issue12-freshness.png")
    elif role == "analyst":
        # the incident flow: fix first -> the incident; acknowledge, comment, the failing rows one click away
        first = page.locator("[data-testid='stPageLink'] a[href*='incidents?id=']").first
        iid = first.get_attribute("href").split("id=")[1]
        first.click()
        page.wait_for_selector("h1:has-text('Incidents')", timeout=30_000)
        settle(page)
        ack = page.get_by_role("button", name="Acknowledge")  # its name includes the icon
        ack.click()
        ack.wait_for(state="detached", timeout=30_000)  # an acknowledged incident has no Acknowledge button
        settle(page)
        page.get_by_label("Comment", exact=True).fill("seller feed fix loaded tonight")
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=seller feed fix loaded tonight", state="attached", timeout=30_000)
        settle(page)
        got = inc.get_incident(home, iid)
        assert got["status"] == "acknowledged" and got["events"][-1]["actor"] == "analyst1"
        page.get_by_role("tab", name="Failing rows").click()
        page.get_by_role("button", name="Show masked failing rows").click()
        page.locator("[data-testid='stDataFrame']").nth(1).wait_for(timeout=30_000)  # the list, then the rows
        settle(page)
        no_exception(page)
    if role != "admin":
        # a page the role may not open: a clear message, not a silent landing on the overview
        page.goto(f"{url}/users")
        page.wait_for_selector("text=Not allowed", timeout=30_000)
        settle(page)
        assert page.locator("h1:has-text('Overview')").count() == 0

    # Chinese, and the choice survives a reload (a new session)
    page.goto(url)
    page.wait_for_selector("h1:has-text('Overview')", timeout=30_000)
    page.get_by_role("radio", name="中文").click()
    page.wait_for_selector("h1:has-text('总览')", timeout=30_000)
    settle(page)
    no_exception(page)
    page.reload()
    page.wait_for_selector("h1:has-text('总览')", timeout=30_000)
    settle(page)
    no_exception(page)
    if role == "admin":
        shot(page, shots / "issue12-overview-zh.png")
    if role == "analyst":
        page.goto(f"{url}/incidents?id={iid}")
        page.wait_for_selector("h1:has-text('问题单')", timeout=30_000)
        settle(page)
        no_exception(page)
        assert "没有两个商品共用同一个平台商品编号。" in page.locator("[data-testid='stMain']").inner_text()
        page.goto(url)
        page.wait_for_selector("h1:has-text('总览')", timeout=30_000)
        settle(page)
    page.get_by_role("radio", name="English").click()
    page.wait_for_selector("h1:has-text('Overview')", timeout=30_000)
    settle(page)
    ctx.close()

    assert not seen["external"], f"requests left localhost: {sorted(set(seen['external']))[:5]}"
    assert not seen["server_errors"], seen["server_errors"][:5]
    log = (home.logs / "dashboard.log").read_text(errors="replace")
    assert "Traceback" not in log, log[log.index("Traceback") - 200:][:3000]


@pytest.fixture(scope="module")
def flow_server(tmp_path_factory):
    """A home of its own (the flow mutates it): the team's two-rule products suite failed in a
    real nightly run a day ago (tests/test_dashboard_incidents.py builds the same home for AppTest)."""
    from dashboard_fixture import build_home
    from test_dashboard_e2e import serve
    from test_dashboard_incidents import FLOW_SUITE, _nightly, _to_yesterday

    from dashboard import users
    from governance.paths import get_home

    h = build_home(get_home(tmp_path_factory.mktemp("flow-e2e") / "home"), runs=0, listings=False, assessments=0)
    (h.config / "suites").mkdir(parents=True, exist_ok=True)
    (h.config / "suites" / "products.yaml").write_text(FLOW_SUITE, encoding="utf-8")
    for role in ("analyst", "viewer"):
        users.add_user(h, f"{role}1", role, PASSWORD)
    assert _nightly(h).status == "failed"
    _to_yesterday(h)
    with serve(h) as url:
        yield url, h


def test_incident_flow_from_failure_to_closed_in_the_browser(flow_server, browser, shots, tmp_path):
    """A check fails in a nightly run -> first on the overview with its owner -> an analyst acknowledges
    and comments -> the failing rows one click away -> the fix is loaded -> the next nightly run closes
    the incident -> the incident page and the check's daily trend show it."""
    from test_dashboard_incidents import UNIQUE, _nightly
    from typer.testing import CliRunner

    from dashboard.cli import build_app

    url, home = flow_server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    seen = watch(page)
    sign_in(page, url, "analyst1")
    first = page.locator("[data-testid='stPageLink'] a[href*='incidents?id=']").first
    owner = inc.incidents(home)[0]["owner"]
    assert UNIQUE in first.inner_text() and owner in first.inner_text()
    iid = first.get_attribute("href").split("id=")[1]
    first.click()
    page.wait_for_selector("h1:has-text('Incidents')", timeout=30_000)
    settle(page)
    ack = page.get_by_role("button", name="Acknowledge")
    ack.click()
    ack.wait_for(state="detached", timeout=30_000)
    settle(page)
    page.get_by_label("Comment", exact=True).fill("duplicate id from the seller feed; fix loaded tonight")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=fix loaded tonight", state="attached", timeout=30_000)
    settle(page)
    page.get_by_role("tab", name="Failing rows").click()
    page.get_by_role("button", name="Show masked failing rows").click()
    page.locator("[data-testid='stDataFrame']").nth(1).wait_for(timeout=30_000)
    settle(page)
    no_exception(page)
    assert inc.get_incident(home, iid)["status"] == "acknowledged"

    # the fix is loaded (`shopgov ingest`: the second p3 becomes p4) and the next nightly run closes it
    fix = tmp_path / "fix.csv"
    fix.write_text("product_id,sku,seller_id,title,description,category_id,price,list_price,currency,stock,status\n"
                   "p4,d,s2,Phone case,x,c1,9.0,9.0,USD,5,active\n", encoding="utf-8")
    got = CliRunner().invoke(build_app(), ["ingest", "products", str(fix), "--home", str(home.root)])
    assert got.exit_code == 0, got.output
    assert _nightly(home).incidents == {"opened": [], "closed": [iid]}

    # the overview no longer leads with it; its page says closed; its trend marks opened and closed
    page.goto(url)
    page.wait_for_selector("h1:has-text('Overview')", timeout=30_000)
    settle(page)
    assert UNIQUE not in page.locator("[data-testid='stPageLink'] a[href*='incidents?id=']").first.inner_text()
    page.goto(f"{url}/incidents?id={iid}&status=all")
    page.wait_for_selector("h1:has-text('Incidents')", timeout=30_000)
    settle(page)
    assert "Closed (check passes)" in page.locator("[data-testid='stMain']").inner_text()
    page.get_by_role("tab", name="History").click()
    page.get_by_role("link", name="Daily trend of this check").click()
    page.wait_for_selector("h1:has-text('Quality')", timeout=30_000)
    settle(page)
    no_exception(page)
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert {UNIQUE, "Incident opened", "Incident closed"} <= set(legend), legend
    page.locator(".js-plotly-plot").nth(1).screenshot(path=str(shots / "issue12-trend-closed.png"))
    ctx.close()
    assert not seen["external"] and not seen["server_errors"], seen
    log = (home.logs / "dashboard.log").read_text(errors="replace")
    assert "Traceback" not in log, log[log.index("Traceback") - 200:][:3000]
