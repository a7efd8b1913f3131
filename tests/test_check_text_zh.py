"""Chinese texts: every interface string and every bundled check has one; a user's own suite
without one falls back to English; dates are formatted per language (Babel)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from dashboard import i18n, jobs
from governance import check_suites as cs

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_interface_string_has_english_and_chinese():
    strings = i18n._strings()
    missing = [k for k in i18n.all_keys() if not (strings[k].get("en") and strings[k].get("zh"))]
    assert not missing, f"interface strings without a Chinese (or English) text: {missing}"


def test_every_bundled_suite_and_check_has_a_current_chinese_description():
    suites = cs.load_suites(folder=cs.SUITES_DIR)
    rules = [r for s in suites for r in s.rules]
    assert len(rules) > 100
    lacking = [r.id for r in rules if not (r.description_zh and CJK.search(r.description_zh))]
    assert not lacking, f"add these to {cs.TEXT_ZH_FILE.name} (or the English text changed): {lacking}"
    assert all(s.description_zh and CJK.search(s.description_zh) for s in suites)
    # the table lists no check that does not exist (renamed ids leave no orphan behind)
    table = cs.bundled_text_zh()
    assert set(table["checks"]) == {r.id for r in rules} and set(table["suites"]) == {s.name for s in suites}


def _suite(folder, name, meta: str, top: str = "") -> None:
    (folder / f"{name}.yaml").write_text(f"""suite: {name}
table: products
{top}expectations:
  - id: products.title.not_null
    type: expect_column_values_to_not_be_null
    kwargs: {{column: title}}
    meta: {meta}
""", encoding="utf-8")


def test_user_suite_gives_its_own_chinese_or_falls_back_to_english(tmp_path):
    _suite(tmp_path, "own", "{dimension: completeness, severity: high, description: Titles are set., "
                            "description_zh: 标题已填写。}", top="description: Mine.\ndescription_zh: 我的。\n")
    own = cs.load_suites(folder=tmp_path)[0]
    assert cs.description_in(own.rules[0], "zh") == "标题已填写。" and cs.description_in(own, "zh") == "我的。"
    # same id as a bundled check but other English: the bundled Chinese would be wrong, so English is shown
    (tmp_path / "own.yaml").unlink()
    _suite(tmp_path, "plain", "{dimension: completeness, severity: high, description: Titles are set.}")
    assert cs.check_texts(folder=tmp_path) == {"products.title.not_null": {"en": "Titles are set.",
                                                                           "zh": "Titles are set."}}
    # a bundled check copied unchanged keeps its bundled Chinese
    _suite(tmp_path, "plain", "{dimension: completeness, severity: high, description: Every listing has a title.}")
    assert cs.check_texts(folder=tmp_path)["products.title.not_null"]["zh"] == "每个商品都有标题。"


def test_empty_chinese_text_is_refused_with_file_and_key(tmp_path):
    _suite(tmp_path, "bad", "{dimension: completeness, severity: high, description: x, description_zh: ''}")
    with pytest.raises(cs.ConfigError, match=r"bad\.yaml.*description_zh"):
        cs.load_suites(folder=tmp_path)


def test_dates_per_language_with_babel():
    ts = datetime(2026, 1, 11, 9, 5)
    assert i18n.fmt_ts(ts, "en") == "2026-01-11 09:05" and i18n.fmt_ts(ts, "zh") == "2026年01月11日 09:05"
    assert i18n.fmt_date(date(2026, 2, 3), "zh") == "2026年02月03日" and i18n.fmt_date(None, "en") == "—"
    assert i18n.fmt_date(ts, "xx") == "2026-01-11"  # an unknown language: English


def test_finished_job_summary_is_an_interface_string():
    job = jobs.Job(id="j", kind="report-html", args=[], user="a", started_at="", pid=0, status="done",
                   result={"format": "html", "output": "/h/reports/assessment.html", "bytes": 2048})
    key, values = jobs.summary(job)
    assert i18n.translate(f"jobs.{key}", "zh", **values) == "HTML 报告已生成：assessment.html（2048 字节）"
    assert jobs.summary(jobs.Job(id="j", kind="check", args=[], user="a", started_at="", pid=0)) is None
