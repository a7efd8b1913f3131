"""The shared vocabulary is the only place that names dimensions, severities and DCMM domains."""

from __future__ import annotations

from pathlib import Path

import yaml

from dashboard.i18n import translate
from governance import vocabulary
from governance.config import DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("governance", "assess", "dashboard")
# Chinese dimension names of GB/T 36344 and the synonyms that used to disagree with it
DIMENSION_WORDS = {v["zh"] for v in vocabulary.DIMENSIONS.values()} | {"有效性", "及时性", "可访问性"}


def test_maturity_domains_are_the_dcmm_domains():
    model = yaml.safe_load((DEFAULTS / "maturity.yaml").read_text(encoding="utf-8"))
    domains = {d["id"]: {"en": d["en"], "zh": d["zh"]} for d in model["domains"]}
    assert domains == vocabulary.DCMM_DOMAINS


def test_maturity_pass_rate_indicators_use_the_dimension_names():
    model = yaml.safe_load((DEFAULTS / "maturity.yaml").read_text(encoding="utf-8"))
    seen = set()
    for d in model["domains"]:
        for ind in d.get("indicators", []):
            dim = (ind.get("params") or {}).get("dimension")
            if dim and dim != "*":
                names = vocabulary.DIMENSIONS[dim]
                assert ind["zh"].startswith(names["zh"]) and ind["en"].startswith(names["en"]), ind["id"]
                seen.add(dim)
    assert seen  # the model does have per-dimension indicators


def _source_files():
    for pkg in PACKAGES:
        for p in sorted((ROOT / pkg).rglob("*")):
            if p.suffix in (".py", ".j2", ".html") or p.name == "i18n.yaml":
                yield p


def test_no_module_but_vocabulary_spells_a_dimension_name():
    offenders = []
    for p in _source_files():
        if p == ROOT / "governance" / "vocabulary.py":
            continue
        text = p.read_text(encoding="utf-8")
        offenders += [f"{p.relative_to(ROOT)}: {w}" for w in sorted(DIMENSION_WORDS) if w in text]
    assert offenders == []


def test_dashboard_and_report_show_the_vocabulary_names():
    from assess.report.render import DIMENSIONS as REPORT
    from dashboard.queries import DIMENSIONS, SEVERITIES

    assert list(DIMENSIONS) == list(vocabulary.DIMENSION_IDS) and list(SEVERITIES) == list(vocabulary.SEVERITIES)
    for dim, names in vocabulary.DIMENSIONS.items():
        assert translate(f"dimension.{dim}", "zh") == names["zh"]
        assert translate(f"dimension.{dim}", "en") == names["en"]
        assert REPORT[dim] == (names["zh"], names["en"])
    assert translate("dimension.validity", "zh") == "规范性" and translate("dimension.timeliness", "zh") == "时效性"
    assert translate("severity.critical", "zh") == vocabulary.SEVERITY_NAMES["critical"]["zh"]


def test_every_anomaly_reason_is_a_rule_of_the_detectors_and_has_its_words_in_both_languages():
    import pandas as pd

    from assess.anomaly.detectors import rule_margins
    from assess.anomaly.reasons import REASONS, RULES
    from assess.anomaly.sessions import FEATURES

    margins = rule_margins(pd.DataFrame({f: [0.0] for f in FEATURES}), calibrate=False)
    assert list(margins.columns) == list(RULES) and set(REASONS) == set(RULES) | {"ISOLATED"}
    for code in REASONS:
        key = f"anomalies.reason_{code.lower()}"
        assert translate(key, "en") != key and translate(key, "zh") != translate(key, "en"), code
