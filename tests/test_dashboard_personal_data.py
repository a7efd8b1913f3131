"""The Personal data page, role by role: viewers see counts, analysts masked excerpts, admins the audit log."""

from __future__ import annotations

import pytest
from dashboard_fixture import SECRET_EMAIL, SECRET_PHONE, build_home
from test_dashboard_apptest import PASSWORD, ROOT, frames, login, open_page, texts

from dashboard import audit, users
from governance.catalog import load_catalog
from governance.paths import get_home
from governance.pii_audit import findings, scan_warehouse, store_findings


@pytest.fixture(scope="module")
def pii_home(tmp_path_factory):
    """The dashboard home with the real scanner's findings stored in results ``pii_findings``."""
    h = build_home(get_home(tmp_path_factory.mktemp("pii") / "home"))
    for role in ("admin", "analyst", "viewer"):
        users.add_user(h, f"{role}1", role, PASSWORD)
    records = findings(scan_warehouse(h, load_catalog(h)), load_catalog(h))
    assert {r["kind"] for r in records} >= {"email", "phone"}
    store_findings(h, records, run_id="run-pii")
    return h


@pytest.fixture
def pii_served(pii_home, monkeypatch):
    monkeypatch.setenv("SHOPGOV_HOME", str(pii_home.root))
    monkeypatch.chdir(ROOT)
    return pii_home


def _raw_free(at) -> None:
    everything = texts(at) + frames(at)
    assert SECRET_EMAIL not in everything and SECRET_PHONE not in everything


def test_viewer_sees_counts_only(pii_served):
    at = open_page(login("viewer1"), "personal_data")
    shown, table = texts(at), frames(at)
    assert "Open findings" in shown and "By kind" in shown and "By severity" in shown
    assert "email" in table and "sellers" in table and "High" in table
    assert "Findings with masked excerpts are available to analysts." in shown
    assert "Excerpt (masked)" not in table and "Access audit log" not in shown
    _raw_free(at)
    assert not [r for r in audit.read_audit(pii_served) if r["action"] == "view_pii_findings" and r["user"] == "viewer1"]


def test_analyst_sees_masked_excerpts_and_the_read_is_audited(pii_served):
    at = open_page(login("analyst1"), "personal_data")
    table = frames(at)
    assert "Excerpt (masked)" in table and "contact_email" in table and "[email]" in table
    assert "Access audit log" not in texts(at)
    _raw_free(at)
    last = [r for r in audit.read_audit(pii_served) if r["user"] == "analyst1"][-1]
    assert last["action"] == "view_pii_findings" and last["detail"]["rows"] >= 2


def test_admin_sees_who_read_what(pii_served):
    open_page(login("analyst1"), "personal_data")  # something to see in the log
    at = open_page(login("admin1"), "personal_data")
    shown, table = texts(at), frames(at)
    assert "Access audit log (who read what)" in shown
    assert "analyst1" in table and "view_pii_findings" in table and "login" in table
    _raw_free(at)


def test_page_without_a_scan_says_what_to_run(tmp_path, monkeypatch):
    h = build_home(get_home(tmp_path / "home"))
    users.add_user(h, "viewer1", "viewer", PASSWORD)
    monkeypatch.setenv("SHOPGOV_HOME", str(h.root))
    monkeypatch.chdir(ROOT)
    at = open_page(login("viewer1"), "personal_data")
    assert "No personal-data scan yet" in texts(at)
