"""Render an assessment as one self-contained HTML file, a PDF, or the JSON explanation tree.

The HTML embeds its CSS and inline SVG charts: no script, font, image or stylesheet is
fetched from anywhere, so it works offline and prints identically to PDF. Free text that
could carry personal data goes through :func:`governance.privacy.scrub_text`, and URLs in
it are removed. Row-level samples (always masked) are included only for roles the home's
policy allows to see rows (:data:`governance.access.ROW_ACTION`); a viewer's report holds
aggregates only. Every report written into ``$SHOPGOV_HOME/reports`` is entered in the
reports manifest with its audience (:func:`governance.access.record_report`).
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from governance.access import ROW_ACTION, Policy, load_policy, record_report, reserved_report_name
from governance.config import fingerprint
from governance.errors import ShopgovError, UsageError
from governance.paths import Home, bundled
from governance.privacy import scrub_text
from governance.results_schema import listing_scores, run_results
from governance.vocabulary import ALL
from governance.vocabulary import DIMENSIONS as VOCAB_DIMENSIONS

from ..maturity.store import load_assessment
from . import charts

TEMPLATES = bundled("assess.report", "templates")
FORMATS = ("html", "pdf", "json")
#: dimension id ('*': all) -> (Chinese GB/T 36344 name, English name), from governance.vocabulary
DIMENSIONS = {"*": (ALL["zh"], ALL["en"]), **{k: (v["zh"], v["en"]) for k, v in VOCAB_DIMENSIONS.items()}}
_URL = re.compile(r"(?i)\b(?:https?|ftp|file)://\S+|(?<![\w/])//[\w.-]+\.[a-z]{2,}\S*|\bwww\.[\w.-]+\.[a-z]{2,}\S*")


def clean_text(text: Any, limit: int | None = None) -> str:
    """Free text made safe for a report: personal data scrubbed, URLs removed, length capped."""
    if text is None:
        return ""
    s = _URL.sub("[url]", scrub_text(str(text)))
    s = re.sub(r"\s+", " ", s).strip()
    if limit and len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


def _pct(v: Any) -> str:
    return "—" if v is None else f"{float(v):.1%}"


def _num(v: Any, nd: int = 2) -> str:
    return "—" if v is None else f"{float(v):.{nd}f}"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(pct=_pct, num=_num, signed=lambda v: "—" if v is None else f"{float(v):+.2f}", clean=clean_text, tojson_pretty=lambda v: json.dumps(v, ensure_ascii=False, indent=1, default=str))
    return env


def row_samples(home: Home, tree: dict[str, Any], limit: int = 10) -> dict[str, list[dict[str, Any]]]:
    """Masked row-level samples for analyst/admin reports: worst listings and failing-check samples."""
    out: dict[str, list[dict[str, Any]]] = {"listings": [], "failing_checks": []}
    for r in listing_scores(home, flagged_only=True, limit=limit):
        codes = [x.get("code") for x in r["reasons"] if isinstance(x, dict)]
        out["listings"].append({"product_id": clean_text(r["product_id"], 40),
                                "category_id": clean_text(r["category_id"], 40),
                                "title": clean_text(r["title"], 90), "score": r["low_quality_score"],
                                "reasons": ", ".join(clean_text(c, 30) for c in codes if c)})
    run = (tree.get("sources") or {}).get("check_run") or {}
    if run.get("run_id"):
        for r in run_results(home, run["run_id"], failed_only=True, limit=limit):
            out["failing_checks"].append({"expectation_id": clean_text(r["expectation_id"], 80),
                                          "table": r["table_name"], "column": r["column_name"],
                                          "dimension": r["dimension"], "severity": r["severity"],
                                          "unexpected_count": r["unexpected_count"],
                                          "observed": clean_text(r["observed"], 220)})
    return out


def _context(tree: dict[str, Any], role: str, samples: dict | None, row_roles: tuple[str, ...]) -> dict[str, Any]:
    domains = tree["domains"]
    prev = tree.get("previous") or {}
    prev_domains = prev.get("domains") or {}
    labels = [(d["name_zh"], d["name_en"]) for d in domains]
    series = [
        ("Current 当前", [d["score"] for d in domains], "#2b6cb0", ""),
        ("Target 目标", [float(d["target_level"]) for d in domains], "#38a169", "6 4"),
    ]
    if prev_domains:
        series.append(("Previous 上次", [(prev_domains.get(d["id"]) or {}).get("score") for d in domains],
                       "#dd6b20", "2 3"))
    heat = [((d["name_zh"], d["name_en"]), [(it["name_zh"], it["name_en"], it["score"]) for it in d["items"]])
            for d in domains]
    contrib = {}
    for d in domains:
        segs = [(f"{ind['name_en']}", ind["contribution"]) for it in d["items"] for ind in it["indicators"]
                if ind.get("contribution")]
        contrib[d["id"]] = charts.contributions(segs, float(d["target_level"]))
    trend_pts = []
    for p in tree.get("quality_trend") or []:
        label = str(p.get("started_at") or "")[5:16].replace(" ", " ")
        trend_pts.append((label, p.get("rates") or {}))
    present = {k for _, r in trend_pts for k, v in r.items() if v is not None}
    trend_series = [(k, f"{DIMENSIONS[k][1]} {DIMENSIONS[k][0]}") for k in DIMENSIONS if k in present]
    trend_svg = charts.trend(trend_pts, trend_series) if trend_pts else None
    below = [d for d in domains if d["level"] < d["target_level"]]
    return {
        "t": tree, "role": role, "samples": samples, "domains": domains, "overall": tree["overall"],
        "radar": charts.radar(labels, series), "heatmap": charts.heatmap(heat), "contrib": contrib,
        "trend_svg": trend_svg, "trend": tree.get("quality_trend") or [], "dimensions": DIMENSIONS,
        "below_target": below, "score_color": charts.score_color, "levels": tree["levels"],
        "generated_at": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "row_roles": row_roles,
    }


def render_html(tree: dict[str, Any], role: str = "viewer", samples: dict | None = None,
                policy: Policy | None = None) -> str:
    """The report as one self-contained HTML document (``samples``: masked rows, or None).

    ``policy``: the roles in effect (default: the bundled ``roles.yaml``).
    """
    policy = policy or load_policy()
    policy.check_role(role)
    row_roles = policy.roles_with(ROW_ACTION)
    return _env().get_template("report.html.j2").render(**_context(tree, role, samples, row_roles))


def render_json(tree: dict[str, Any]) -> str:
    """The full explanation tree (aggregates and evidence references; no row-level data)."""
    return json.dumps(tree, ensure_ascii=False, indent=2, default=str) + "\n"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def build_report(home: Home, fmt: str, output: str | Path | None = None, *, role: str = "viewer",
                 assessment_id: str | None = None, include_rows: bool | None = None,
                 requested_by: str = "cli") -> Path:
    """Write the report of an assessment (default: the latest) and return its path.

    Masked row-level samples go in (HTML and PDF only) when the home's policy lets ``role``
    see rows, unless ``include_rows`` is False. A report written into ``home.reports`` is
    entered in the reports manifest: its audience, ``requested_by``, when, and the hashes.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    policy = load_policy(home)
    policy.check_role(role)
    tree = load_assessment(home, assessment_id)
    if tree is None:
        what = f"assessment {assessment_id!r}" if assessment_id else "assessment"
        raise ShopgovError(f"no {what} stored in {home.results}; run `shopgov assess` first")
    out = Path(output) if output else home.reports / f"assessment-{tree['assessment_id']}.{fmt}"
    if reserved_report_name(home, out):
        raise UsageError(f"{out} is the reports manifest; write the report to another file")
    rows = fmt != "json" and include_rows is not False and policy.can(role, ROW_ACTION)
    if fmt == "json":
        _write_atomic(out, render_json(tree).encode("utf-8"))
    else:
        html = render_html(tree, role, row_samples(home, tree) if rows else None, policy)
        if fmt == "html":
            _write_atomic(out, html.encode("utf-8"))
        else:
            from .pdf import html_to_pdf

            html_to_pdf(html, out)
    record_report(home, out, role=role, row_samples=rows, created_by=requested_by,
                  assessment_id=tree.get("assessment_id"), assessment_config_sha256=tree.get("config_sha256"),
                  config_sha256=fingerprint(home), policy=policy)
    return out
