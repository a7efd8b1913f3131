"""End to end in a real headless Chromium: `shopgov dashboard` serves, a user logs in,
opens every page, downloads a report and switches to Chinese; screenshots are saved.

The browser and the served home come from tests/conftest.py (one per worker, shared with
tests/test_dashboard_e2e_clean.py). Runs with SHOPGOV_E2E=1 (``make test`` sets it when chromium is installed). Screenshots go
to ``$SHOPGOV_E2E_SCREENSHOTS`` (default: the test's tmp folder).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from dashboard_fixture import SECRET_EMAIL, SECRET_PHONE

from dashboard import audit

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "e2e-password"
# (url path, title in English); the default page (overview) lives at the root URL
PAGES = [("", "Overview"), ("quality", "Data quality"), ("catalog", "Catalog & metadata"),
         ("listings", "Listing quality"), ("assessment", "Maturity assessment"), ("reports", "Reports"),
         ("users", "Users"), ("labels", "Label listings")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(home):
    """``shopgov dashboard`` over ``home`` on a free port; yields its URL (log: logs/dashboard.log)."""
    port = _free_port()
    env = {**os.environ, "SHOPGOV_HOME": str(home.root), "SHOPGOV_COOKIE_KEY": "e2e-cookie-key"}
    log = open(home.logs / "dashboard.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard.cli", "dashboard", "--port", str(port), "--home", str(home.root)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            log.close()
            pytest.fail("dashboard did not start:\n" + (home.logs / "dashboard.log").read_text()[-3000:])
        time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def server(e2e_server):
    """The served fixture home (tests/conftest.py: one per worker, shared with the other browser tests)."""
    return e2e_server


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("SHOPGOV_E2E_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def settle(page) -> None:
    """Wait until Streamlit has finished running the script and the charts have drawn."""
    page.wait_for_timeout(300)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(700)


def screenshot(page, path: Path) -> None:
    """The whole page (Streamlit scrolls inside its main container, so grow the viewport)."""
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]'); return m ? m.scrollHeight : 900 }")
    page.set_viewport_size({"width": 1400, "height": max(900, min(height + 40, 6000))})
    page.wait_for_timeout(600)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 900})


def sign_in(page, url: str, name: str) -> None:
    page.goto(url)
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("h1:has-text('Overview')", timeout=30_000)
    settle(page)


def no_errors(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, page.locator(
        "[data-testid='stException']").first.inner_text()


def test_admin_walks_every_page_and_downloads_a_report(server, browser, shots):
    url, home = server
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = ctx.new_page()

    # the first thing an anonymous visitor sees is the login form, and no data
    page.goto(url)
    page.wait_for_selector("text=Sign in", timeout=30_000)
    settle(page)
    assert page.locator("h1:has-text('Overview')").count() == 0
    assert page.locator("[data-testid='stMetric']").count() == 0
    screenshot(page, shots / "00-login.png")

    sign_in(page, url, "admin")
    for i, (path, title) in enumerate(PAGES, start=1):
        page.locator(f"[data-testid='stSidebarNav'] a[href='{url}/{path}']").click()
        page.wait_for_selector(f"h1:has-text('{title}')", timeout=30_000)
        settle(page)
        no_errors(page)
        body = page.locator("[data-testid='stMain']").inner_text()
        assert SECRET_EMAIL not in body and SECRET_PHONE not in body
        screenshot(page, shots / f"{i:02d}-{path or 'overview'}.png")
        if path == "":
            assert page.locator("[data-testid='stMetric']").count() == 5
            assert page.locator(".js-plotly-plot").count() >= 3  # radar, severity, trend
        if path == "quality":
            page.get_by_role("button", name="Show masked sample rows").click()
            page.wait_for_selector("text=personal data is masked", timeout=30_000)
            settle(page)
            assert page.locator("[data-testid='stDataFrame']").count() >= 2
            screenshot(page, shots / f"{i:02d}-quality-sample.png")

    # a reload starts a new session: the signed cookie keeps the user logged in
    page.goto(f"{url}/reports")
    page.wait_for_selector("h1:has-text('Reports')", timeout=30_000)
    settle(page)
    with page.expect_download() as dl:
        page.locator("[data-testid='stDownloadButton'] button").first.click()
    saved = Path(dl.value.path())
    assert dl.value.suggested_filename in {"assessment.html", "assessment.json"}
    assert saved.read_bytes() == (home.reports / dl.value.suggested_filename).read_bytes()
    assert any(r["action"] == "download_report" and r["user"] == "admin" for r in audit.read_audit(home))

    # Chinese interface
    page.locator(f"[data-testid='stSidebarNav'] a[href='{url}/']").click()
    page.wait_for_selector("h1:has-text('Overview')", timeout=30_000)
    page.get_by_role("radio", name="中文").click()
    page.wait_for_selector("h1:has-text('总览')", timeout=30_000)
    settle(page)
    no_errors(page)
    screenshot(page, shots / "08-overview-zh.png")

    # sign out: back to the login form, and a reload does not log back in
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for(timeout=30_000)
    settle(page)
    page.goto(url)
    page.wait_for_selector("text=Sign in", timeout=30_000)
    settle(page)
    assert page.locator("h1:has-text('Overview')").count() == 0
    ctx.close()


def test_viewer_menu_has_no_admin_or_row_level_pages(server, browser, shots):
    url, _home = server
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    sign_in(page, url, "vera")
    links = [text.split("\n")[-1] for text in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]
    assert "Users" not in links and "Label listings" not in links  # the not-allowed pages are hidden from the menu
    assert links[:7] == ["Overview", "Incidents", "Freshness & volume", "Data quality", "Catalog & metadata",
                         "Personal data", "Listing quality"]
    page.goto(f"{url}/users")  # not in the viewer's menu: its URL says so instead of showing the page
    page.wait_for_selector("text=Not allowed", timeout=30_000)
    settle(page)
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    page.goto(f"{url}/labels")  # analysts label listings; a viewer is told so
    page.wait_for_selector("text=Not allowed", timeout=30_000)
    settle(page)
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    page.locator(f"[data-testid='stSidebarNav'] a[href='{url}/listings']").click()
    page.wait_for_selector("h1:has-text('Listing quality')", timeout=30_000)
    settle(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Individual listings are available to analysts" in body and "CHEAP CHEAP" not in body
    assert page.locator("[data-testid='stDownloadButton']").count() == 0
    screenshot(page, shots / "09-listings-viewer.png")
    ctx.close()
