"""Assessment reports: self-contained offline HTML, PDF via headless Chromium, the JSON tree,
no personal data, role rules, and the assess / report / questionnaire commands."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from maturity_fixture import (
    ANSWERS_YAML,
    EVIDENCE_FILES,
    T0,
    Check,
    add_check_run,
    add_listing_run,
    add_products,
    baseline_checks,
    write_answers,
)
from typer.testing import CliRunner

from assess.maturity import run_assessment, store
from assess.report import build_report, render_html
from assess.report.pdf import find_chromium, html_to_pdf
from governance.errors import ShopgovError
from governance.paths import get_home

PII_TITLE = "CHEAP CHEAP phone case call 13812345678 or bob.smith@example.com see https://spam.example.com/x"
PII_OBSERVED = '{"unexpected_rows": [{"contact_email": "alice@example.org", "wechat": "wx: alice_2024"}]}'
URL_ATTRS = {"src", "href", "xlink:href", "action", "data", "poster", "srcset", "background", "formaction"}


@pytest.fixture(scope="module")
def assessed(tmp_path_factory):
    """A home with two check runs, a listing run with PII in a title, answers, and two assessments
    (built once per module: the tests only read it)."""
    home = get_home(tmp_path_factory.mktemp("assessed") / "home").ensure()
    add_check_run(home, "r1", T0, baseline_checks(20))
    checks = [*baseline_checks(60), Check("sellers.contact.masked", "sellers", "validity", 1, 100, "high",
                                          column="contact_email", observed=PII_OBSERVED)]
    add_check_run(home, "r2", T0 + timedelta(days=1), checks)
    add_products(home, 50)
    add_listing_run(home, "L1", T0, 50, 6, samples=[
        {"product_id": "p7", "title": PII_TITLE, "score": 0.97},
        {"product_id": "p9", "title": "Blue cotton T-shirt", "score": 0.61},
    ])
    write_answers(home, ANSWERS_YAML, EVIDENCE_FILES)
    run_assessment(home)
    run_assessment(home)
    return home


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self._style = False
        self.css: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        self.refs += [v for k, v in attrs if k.lower() in URL_ATTRS and v]
        if a.get("style"):
            self.css.append(a["style"])
        self._style = tag == "style"

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if self._style:
            self.css.append(data)


def _external(ref: str) -> bool:
    ref = ref.strip().strip("'\"")
    return bool(re.match(r"(?i)^(?:[a-z][a-z0-9+.-]*:)?//", ref)) or bool(re.match(r"(?i)^(https?|ftp):", ref))


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_html_is_self_contained_and_offline(assessed, tmp_path, role):
    out = build_report(assessed, "html", tmp_path / "r.html", role=role)
    html = out.read_text(encoding="utf-8")
    p = _Refs()
    p.feed(html)
    refs = p.refs + [m.group(1) for css in p.css for m in re.finditer(r"url\(\s*([^)]*?)\s*\)", css)]
    refs += [m.group(1) for m in re.finditer(r"@import\s+['\"]?([^'\";\s]+)", html)]
    assert [r for r in refs if _external(r)] == []
    assert "http://" not in html and "https://" not in html
    assert not [t for t, a in p.tags if t == "script" and a.get("src")]
    assert not [t for t, a in p.tags if t == "link"]
    assert not [t for t, a in p.tags if t in ("img", "iframe", "object", "embed")]
    # the charts are inline SVG and the labels are bilingual
    assert len(re.findall(r"<svg\b", html)) >= 3 + 8
    for label in ("数据战略", "Data strategy", "数据生存周期", "Data lifecycle", "总体等级", "Overall level",
                  "证据附录", "Evidence appendix", "雷达", "Radar", "热力图", "heatmap", "数据质量趋势",
                  "Data quality trends", "Top gaps and recommendations"):
        assert label in html
    assert "not the official DCMM certification rules" in html and "并非 DCMM 官方认证评估规则" in html


def test_reports_hold_no_personal_data_and_respect_roles(assessed, tmp_path):
    viewer = build_report(assessed, "html", tmp_path / "v.html", role="viewer").read_text(encoding="utf-8")
    analyst = build_report(assessed, "html", tmp_path / "a.html", role="analyst").read_text(encoding="utf-8")
    js = build_report(assessed, "json", tmp_path / "r.json").read_text(encoding="utf-8")
    for text in (viewer, analyst, js):
        for pii in ("13812345678", "bob.smith@example.com", "alice@example.org", "alice_2024", "cdo@example.com",
                    "spam.example.com"):
            assert pii not in text
    # viewers get aggregates only; analysts also get masked row-level samples
    assert "p7" not in viewer and "Worst flagged listings" not in viewer
    assert "aggregates only" in viewer
    assert "p7" in analyst and "Blue cotton T-shirt" in analyst
    assert "[phone]" in analyst and "[email]" in analyst and "[url]" in analyst
    assert "[wechat]" in analyst  # masked observed value of a failing check
    assert "[email]" in js  # the questionnaire note, scrubbed when read


def test_json_report_is_the_full_explanation_tree(assessed, tmp_path):
    out = build_report(assessed, "json", tmp_path / "r.json")
    tree = json.loads(out.read_text(encoding="utf-8"))
    assert tree == json.loads(json.dumps(store.load_assessment(assessed), default=str))
    assert tree["config_sha256"] and tree["standard"] == "GB/T 36073-2018"
    assert tree["previous"]["assessment_id"] != tree["assessment_id"]
    assert len(tree["domains"]) == 8 and sum(len(d["items"]) for d in tree["domains"]) == 28
    for d in tree["domains"]:
        assert {"score", "level", "target_level", "gap", "blockers", "recommendations", "coverage"} <= set(d)
        for it in d["items"]:
            for ind in it["indicators"]:
                assert ind["evidence"] is not None
                assert ind["status"] in ("measured", "answered", "no_evidence")
                if ind["status"] == "no_evidence":
                    assert ind["value"] is None and ind["evidence"]["reason"]
    inds = {i["id"]: i for d in tree["domains"] for it in d["items"] for i in it["indicators"]}
    assert inds["quality.validity"]["evidence"]["details"]["run_id"] == "r2"
    assert any(f["expectation_id"] == "sellers.contact.masked"
               for f in inds["quality.validity"]["evidence"]["details"]["failed_expectations"])
    assert [p["run_id"] for p in tree["quality_trend"]] == ["r1", "r2"]


@pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed (make setup installs it with apt-get)")
def test_pdf_renders_pages(assessed, tmp_path):
    from pypdf import PdfReader

    out = build_report(assessed, "pdf", tmp_path / "r.pdf", role="viewer")
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(str(out))
    assert len(reader.pages) >= 2
    first, last = (" ".join((reader.pages[i].extract_text() or "").split()) for i in (0, -1))
    assert "Overall level" in first and "Data quality" in first
    assert "sha256" in last  # the evidence appendix / footer made it to the end


def test_pdf_without_chromium_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.delenv("SHOPGOV_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ShopgovError, match="apt-get install chromium"):
        html_to_pdf("<html></html>", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_render_html_rejects_unknown_role(assessed):
    from governance.errors import UsageError

    with pytest.raises(UsageError):
        render_html(store.load_assessment(assessed), role="guest")


# ---------------------------------------------------------------- commands
@pytest.fixture(scope="module")
def cli():
    from dashboard.cli import build_app

    app = build_app()
    return lambda *args: CliRunner().invoke(app, list(args))


def test_assess_and_report_commands(cli, home, tmp_path):
    r = cli("report", "--format", "html", "--output", str(tmp_path / "x.html"), "--home", str(home.root))
    assert r.exit_code == 3 and "shopgov assess" in r.output
    add_check_run(home, "r1", T0, baseline_checks())
    r = cli("assess", "--home", str(home.root), "--json", str(tmp_path / "a.json"))
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert summary["standard"] == "GB/T 36073-2018" and len(summary["domains"]) == 8
    assert summary["assessment_id"] == store.load_assessment(home)["assessment_id"]
    r = cli("report", "--format", "json", "--output", str(tmp_path / "r.json"), "--home", str(home.root))
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["assessment_id"] == summary["assessment_id"]
    assert cli("report", "--format", "docx", "--home", str(home.root)).exit_code == 2
    assert cli("report", "--role", "guest", "--home", str(home.root)).exit_code == 2
    r = cli("report", "--format", "html", "--role", "analyst", "--output", str(tmp_path / "a.html"),
            "--home", str(home.root))
    assert r.exit_code == 0, r.output
    audit = (home.logs / "access_audit.jsonl").read_text(encoding="utf-8")
    assert '"report_row_samples"' in audit and '"analyst"' in audit


def test_questionnaire_commands_and_bad_answers(cli, home, tmp_path):
    r = cli("questionnaire", "template", "--output", str(tmp_path / "q.yaml"))
    assert r.exit_code == 0, r.output
    text = (tmp_path / "q.yaml").read_text(encoding="utf-8")
    assert "standard: GB/T 36073-2018" in text and "数据战略规划" in text
    assert cli("questionnaire", "validate", str(tmp_path / "q.yaml"), "--home", str(home.root)).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers:\n  quality_checking:\n    3: sometimes\n", encoding="utf-8")
    r = cli("assess", "--answers", str(bad), "--home", str(home.root))
    assert r.exit_code == 2
    assert "answers.quality_checking.3" in r.output and "unknown answer" in r.output
    assert not home.results.exists() or store.load_assessment(home) is None


def test_analyst_report_is_not_listed_for_viewers(cli, assessed, monkeypatch):
    """`shopgov report --role analyst` records its audience; the Reports page's listing follows it."""
    from governance.access import MANIFEST, read_manifest, visible_reports

    monkeypatch.setenv("SHOPGOV_ACTOR", "analyst7")
    r = cli("report", "--format", "html", "--role", "analyst", "--home", str(assessed.root))
    assert r.exit_code == 0, r.output
    r = cli("report", "--format", "json", "--role", "analyst", "--home", str(assessed.root))
    assert r.exit_code == 0, r.output
    tree = store.load_assessment(assessed)
    html, js = f"assessment-{tree['assessment_id']}.html", f"assessment-{tree['assessment_id']}.json"
    entry = read_manifest(assessed).reports[html]
    assert entry.row_samples and entry.role == "analyst" and entry.audience == ["analyst", "admin"]
    assert entry.created_by == "analyst7" and entry.assessment_config_sha256 == tree["config_sha256"]
    assert len(entry.config_sha256 or "") == 64
    assert not read_manifest(assessed).reports[js].row_samples  # JSON never holds rows

    def names(role):
        return {f.path.name for f in visible_reports(assessed, role)}

    assert html not in names("viewer") and js in names("viewer")
    assert {html, js} <= names("analyst")
    # renaming it to look like the viewer's JSON-style name, or over the viewer's file, does not help
    moved = (assessed.reports / html).rename(assessed.reports / "assessment-for-viewers.html")
    assert "assessment-for-viewers.html" not in names("viewer") | names("analyst")
    moved.replace(assessed.reports / js)
    assert js not in names("viewer")
    assert cli("report", "--format", "json", "--output", str(assessed.reports / MANIFEST),
               "--home", str(assessed.root)).exit_code == 2


def test_report_roles_come_from_the_homes_policy(tmp_path, assessed):
    """A team's `auditor` role (rows allowed) is accepted by the exporter and gets row samples."""
    import shutil

    from governance.config import default_path
    from governance.paths import get_home

    home = get_home(tmp_path / "copy")
    shutil.copytree(assessed.root, home.root)
    text = default_path("roles.yaml").read_text().replace(
        "  admin:\n", "  auditor:\n    actions: [view_aggregates, download_reports, view_rows]\n  admin:\n")
    (home.config / "roles.yaml").write_text(text)
    html = build_report(home, "html", tmp_path / "a.html", role="auditor").read_text(encoding="utf-8")
    assert "p7" in html and "Blue cotton T-shirt" in html
    viewer = build_report(home, "html", tmp_path / "v.html", role="viewer").read_text(encoding="utf-8")
    assert "analyst, auditor, admin" in viewer  # who gets row samples, from the policy
    with pytest.raises(ShopgovError, match="unknown role 'auditor'"):
        build_report(assessed, "html", tmp_path / "x.html", role="auditor")
