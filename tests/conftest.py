"""Shared fixtures. Tests use a private SHOPGOV_HOME under pytest's tmp_path."""

from __future__ import annotations

import os

import pytest

from governance.paths import Home, get_home

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


DASH_PASSWORD = "test-password"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def fx_home(tmp_path_factory) -> Home:
    """A populated dashboard home for the module (tests/dashboard_fixture.py), one user per role."""
    from dashboard_fixture import build_home

    from dashboard import users

    h = build_home(get_home(tmp_path_factory.mktemp("dash") / "home"))
    for role in ("admin", "analyst", "viewer"):
        users.add_user(h, f"{role}1", role, DASH_PASSWORD)
    return h


@pytest.fixture
def served(fx_home, monkeypatch) -> Home:
    """``fx_home`` as the home of the Streamlit app under test (run from the repository root)."""
    monkeypatch.setenv("SHOPGOV_HOME", str(fx_home.root))
    monkeypatch.chdir(REPO_ROOT)
    return fx_home


@pytest.fixture
def home(tmp_path, monkeypatch) -> Home:
    """An empty shopgov home folder, also exported as $SHOPGOV_HOME."""
    h = get_home(tmp_path / "home").ensure()
    monkeypatch.setenv("SHOPGOV_HOME", str(h.root))
    return h


@pytest.fixture(scope="module")
def one_torch_thread():
    """One torch thread: on a busy 2-core CI machine two spinning threads are many times slower."""
    import torch

    from assess.listing.model import set_threads

    before = torch.get_num_threads()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHOPGOV_THREADS", "1")
        set_threads(1)
        yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def _cli_console_left_unbound():
    """No test may leave the CLI's console bound to one stream: later tests' output would vanish."""
    import sys

    yield
    common = sys.modules.get("dashboard.cli.common")
    if common is not None and common.console._file is not None:
        common.console._file = None
        pytest.fail("the CLI console was left bound to a stream (set console.file and restored it?)")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of this worker (each test opens its own contexts)."""
    from test_dashboard_e2e import ARGS, CHROMIUM

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: install chromium (make test does) or unset SHOPGOV_E2E")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def e2e_server(tmp_path_factory):
    """``shopgov dashboard`` over one fixture home for every browser test of this worker:
    admin and vera (viewer) for the page walk, admin1 / analyst1 / viewer1 for the role checks."""
    from dashboard_fixture import build_home
    from test_dashboard_e2e import PASSWORD, serve

    from dashboard import users

    h = build_home(get_home(tmp_path_factory.mktemp("e2e") / "home"))
    for name, role in (("admin", "admin"), ("vera", "viewer"), ("admin1", "admin"), ("analyst1", "analyst"),
                       ("viewer1", "viewer")):
        users.add_user(h, name, role, PASSWORD)
    with serve(h) as url:
        yield url, h


#: The longest test files, run first: `make test`'s two workers (pytest-xdist ``worksteal``)
#: each start on one half of the list and steal from the other's tail, so heavy tests early
#: and light ones late let both finish together.
HEAVY_FIRST = (
    "test_dashboard_e2e.py", "test_spark_engine.py", "test_pii_everywhere.py", "test_wheel_install.py", "test_dashboard_e2e_clean.py",
    "test_listing_model.py", "test_listing_adapt.py", "test_anomalies.py", "test_dashboard_apptest.py", "test_checks.py",
    "test_encryption.py", "test_maturity_metamorphic.py", "test_dashboard_incidents.py", "test_sites.py",
    "test_incidents.py", "test_check_cli.py", "test_security_review.py", "test_custom_config.py",
    "test_config_cli.py", "test_ingest.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(HEAVY_FIRST)))  # stable: order within a file kept
    if os.environ.get("SHOPGOV_E2E") == "1":
        return
    skip = pytest.mark.skip(reason="browser tests run with SHOPGOV_E2E=1 (make test sets it when chromium is installed)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
