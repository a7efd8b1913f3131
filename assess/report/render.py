"""Render an assessment as one self-contained HTML file, a PDF, or the JSON explanation tree.

The HTML embeds its CSS and inline SVG charts: no script, font, image or stylesheet is
fetched from anywhere, so it works offline and prints identically to PDF. Free text that
could carry personal data goes through :func:`governance.privacy.scrub_text`, and URLs in
it are removed. Row-level samples (always masked) are included only for roles allowed to
see rows (analyst, admin); a viewer's report holds aggregates only.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from governance.errors import ShopgovError, UsageError
from governance.paths import Home
from governance.privacy import scrub_text
from governance.vocabulary import ALL
from governance.vocabulary import DIMENSIONS as VOCAB_DIMENSIONS
from governance.warehouse import connect_read

from ..maturity.store import load_assessment
from . import charts

TEMPLATES = Path(__file__).with_name("templates")
FORMATS = ("html", "pdf", "json")
ROLES = ("viewer", "analyst", "admin")
ROW_ROLES = ("analyst", "admin")  # roles that may see (masked) row-level samples
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
    if not home.results.exists():
        return out
    con = connect_read(home.results)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "listing_scores" in tables:
            cur = con.execute(
                "SELECT product_id, category_id, title, low_quality_score, reasons FROM listing_scores"
                " WHERE flagged ORDER BY low_quality_score DESC, product_id LIMIT ?", [limit])
            for pid, cat, title, score, reasons in cur.fetchall():
                try:
                    codes = [r.get("code") for r in json.loads(reasons or "[]") if isinstance(r, dict)]
                except (TypeError, ValueError):
                    codes = []
                out["listings"].append({"product_id": clean_text(pid, 40), "category_id": clean_text(cat, 40),
                                        "title": clean_text(title, 90), "score": score,
                                        "reasons": ", ".join(clean_text(c, 30) for c in codes if c)})
        run = (tree.get("sources") or {}).get("check_run") or {}
        if "expectation_results" in tables and run.get("run_id"):
            cur = con.execute(
                "SELECT expectation_id, table_name, column_name, dimension, severity, unexpected_count, observed"
                " FROM expectation_results WHERE run_id = ? AND NOT success"
                " ORDER BY unexpected_count DESC NULLS LAST, expectation_id LIMIT ?", [run["run_id"], limit])
            for eid, tbl, col, dim, sev, n, observed in cur.fetchall():
                out["failing_checks"].append({"expectation_id": clean_text(eid, 80), "table": tbl, "column": col,
                                              "dimension": dim, "severity": sev, "unexpected_count": n,
                                              "observed": clean_text(observed, 220)})
    finally:
        con.close()
    return out


def _context(tree: dict[str, Any], role: str, samples: dict | None) -> dict[str, Any]:
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
        "row_roles": ROW_ROLES,
    }


def render_html(tree: dict[str, Any], role: str = "viewer", samples: dict | None = None) -> str:
    """The report as one self-contained HTML document (``samples``: masked rows, or None)."""
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return _env().get_template("report.html.j2").render(**_context(tree, role, samples))


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
                 assessment_id: str | None = None, include_rows: bool | None = None) -> Path:
    """Write the report of an assessment (default: the latest) and return its path.

    ``include_rows`` says whether masked row-level samples go in (default: the role is
    analyst or admin); the CLI decides it with the dashboard's role rules.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    tree = load_assessment(home, assessment_id)
    if tree is None:
        what = f"assessment {assessment_id!r}" if assessment_id else "assessment"
        raise ShopgovError(f"no {what} stored in {home.results}; run `shopgov assess` first")
    out = Path(output) if output else home.reports / f"assessment-{tree['assessment_id']}.{fmt}"
    if fmt == "json":
        _write_atomic(out, render_json(tree).encode("utf-8"))
        return out
    rows = role in ROW_ROLES if include_rows is None else include_rows
    samples = row_samples(home, tree) if rows else None
    html = render_html(tree, role, samples)
    if fmt == "html":
        _write_atomic(out, html.encode("utf-8"))
        return out
    from .pdf import html_to_pdf

    html_to_pdf(html, out)
    return out
