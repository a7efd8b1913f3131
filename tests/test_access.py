"""governance.access: roles.yaml of a home, its errors (file, key, line), and report audiences."""

from __future__ import annotations

import json

import pytest

from governance.access import (
    MANIFEST,
    load_policy,
    read_manifest,
    record_report,
    report_files,
    visible_reports,
)
from governance.config import ConfigError, default_path


def _roles(home, text: str):
    (home.config / "roles.yaml").write_text(text, encoding="utf-8")


def _default() -> str:
    return default_path("roles.yaml").read_text(encoding="utf-8")


def test_default_policy_and_inheritance():
    p = load_policy()
    assert p.role_names() == ["viewer", "analyst", "admin"]
    assert p.roles["admin"] >= p.roles["analyst"] >= p.roles["viewer"]
    assert p.roles_with("view_rows") == ("analyst", "admin")
    assert p.report_audience(row_samples=False) == ("viewer", "analyst", "admin")
    assert p.report_audience(row_samples=True) == ("analyst", "admin")


def test_home_without_roles_file_uses_the_default(home):
    assert load_policy(home).source == default_path("roles.yaml")


def test_a_custom_role_in_the_homes_roles_file(home):
    _roles(home, _default().replace("  admin:\n", "  auditor:\n    description: Reads rows.\n"
                                    "    inherits: viewer\n    actions: [view_rows]\n  admin:\n"))
    p = load_policy(home)
    assert p.can("auditor", "view_rows") and p.can("auditor", "view_aggregates")
    assert not p.can("auditor", "manage_users")
    assert "auditor" in p.report_audience(row_samples=True)
    assert "auditor" not in load_policy().roles


@pytest.mark.parametrize(("change", "expected", "at_line"), [
    (("    inherits: analyst\n", "    inherits: analist\n"),
     r"roles.yaml:\d+: roles.admin.inherits: unknown role 'analist'", "inherits: analist"),
    (("    actions: [view_rows, export_rows, generate_reports, manage_incidents, label_listings]",
      "    actions: [view_rows, export_rows, generate_reprots, manage_incidents, label_listings]"),
     r"roles.yaml:\d+: roles.analyst.actions\[2\]: Input should be", "generate_reprots"),
    (("  viewer:\n    description: Aggregates only.\n",
      "  viewer:\n    description: Aggregates only.\n    inherits: admin\n"),
     r"roles.viewer.inherits: inheritance loop viewer -> admin -> analyst -> viewer", "inherits: admin"),
    (("  users: manage_users", "  userz: manage_users"), r"pages.userz: Input should be", "userz"),
    (("  users: manage_users", "  users: manage_userz"), r"pages.users: Input should be", "manage_userz"),
    (("    description: Aggregates only.", "    descripton: Aggregates only."),
     r"roles.viewer.descripton: unknown key", "descripton"),
])
def test_mistakes_in_roles_yaml_name_file_key_and_line(home, change, expected, at_line):
    text = _default()
    assert change[0] in text
    _roles(home, text.replace(*change, 1))
    with pytest.raises(ConfigError, match=expected) as e:
        load_policy(home)
    assert str(home.config / "roles.yaml") in str(e.value)
    line = int(str(e.value).split("roles.yaml:")[1].split(":")[0])
    assert at_line in (home.config / "roles.yaml").read_text().splitlines()[line - 1]


def test_loop_line_points_at_the_inherits_key(home):
    text = _default().replace("  viewer:\n    description: Aggregates only.\n",
                              "  viewer:\n    description: Aggregates only.\n    inherits: viewer\n")
    _roles(home, text)
    with pytest.raises(ConfigError) as e:
        load_policy(home)
    line = text.splitlines().index("    inherits: viewer") + 1
    assert f"roles.yaml:{line}: roles.viewer.inherits: inheritance loop viewer -> viewer" in str(e.value)


def test_the_cli_exits_2_on_a_broken_roles_file(home):
    import os
    import subprocess
    import sys

    _roles(home, _default().replace("    inherits: analyst\n", "    inherits: nobody\n"))
    r = subprocess.run([sys.executable, "-m", "dashboard.cli", "users", "add", "x1", "--role", "viewer",
                        "--password-env", "PW", "--home", str(home.root)], capture_output=True, text=True,
                       env={**os.environ, "PW": "long-enough", "COLUMNS": "300"}, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "roles.admin.inherits: unknown role 'nobody'" in r.stderr and "Traceback" not in r.stderr


# ---------------------------------------------------------------- report files
def _report(home, name: str, body: str, *, rows: bool):
    p = home.reports / name
    p.write_text(body)
    record_report(home, p, role="analyst" if rows else "viewer", row_samples=rows, created_by="tester",
                  assessment_id="a1", config_sha256="c" * 64)
    return p


def test_manifest_records_the_audience_and_lists_by_it(home):
    _report(home, "plain.html", "<html>aggregates</html>", rows=False)
    _report(home, "with-samples.html", "<html>p7 masked</html>", rows=True)
    entry = read_manifest(home).reports["with-samples.html"]
    assert entry.row_samples and entry.audience == ["analyst", "admin"] and entry.created_by == "tester"
    assert entry.format == "html" and entry.assessment_id == "a1" and entry.created_at
    raw = json.loads((home.reports / MANIFEST).read_text())
    assert set(raw["reports"]) == {"plain.html", "with-samples.html"}

    def names(role):
        return sorted(r.path.name for r in visible_reports(home, role))

    assert names("viewer") == ["plain.html"]
    assert names("analyst") == ["plain.html", "with-samples.html"]
    assert names(None) == [] and names("intruder") == []
    assert MANIFEST not in names("admin")


def test_renamed_or_replaced_files_do_not_fool_the_listing(home):
    _report(home, "plain.html", "<html>aggregates</html>", rows=False)
    rows = _report(home, "with-samples.html", "<html>p7 masked</html>", rows=True)
    # renamed to a name with no entry: unknown audience
    renamed = rows.rename(home.reports / "for-everyone.html")
    assert [r.path.name for r in visible_reports(home, "viewer")] == ["plain.html"]
    assert "for-everyone.html" not in [r.path.name for r in visible_reports(home, "analyst")]
    assert "for-everyone.html" in [r.path.name for r in visible_reports(home, "admin")]
    # renamed over a file the viewer may see: the content no longer matches that entry
    renamed.replace(home.reports / "plain.html")
    assert visible_reports(home, "viewer") == []
    assert [r.entry for r in report_files(home)] == [None]
    # a file nobody recorded (copied in by hand) is for admins only
    (home.reports / "dropped.pdf").write_bytes(b"%PDF-1.4")
    assert [r.path.name for r in visible_reports(home, "analyst")] == []
    assert "dropped.pdf" in [r.path.name for r in visible_reports(home, "admin")]


def test_a_policy_change_applies_to_existing_reports(home):
    _report(home, "with-samples.html", "<html>p7 masked</html>", rows=True)
    assert [r.path.name for r in visible_reports(home, "analyst")] == ["with-samples.html"]
    _roles(home, _default().replace("    actions: [view_rows, export_rows, generate_reports, manage_incidents, label_listings]",
                                    "    actions: [export_rows, generate_reports, manage_incidents, label_listings]"))
    assert visible_reports(home, "analyst") == []


def test_reports_outside_the_home_are_not_entered(home, tmp_path):
    p = tmp_path / "elsewhere.html"
    p.write_text("x")
    assert record_report(home, p, role="viewer", row_samples=False, created_by="t") is None
    assert not (home.reports / MANIFEST).exists()
