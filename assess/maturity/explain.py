"""The explanation tree: overall → domain → item → indicator → evidence, plus gaps,
what blocks the next level, and recommendations ranked by their estimated impact.

Recommendations are estimated by re-scoring the domain with one indicator changed
(raised to its next anchor, given evidence at the target level, or meeting a gate or
lifting a cap): the gain is the exact change that the scoring rules would produce.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .config import Domain, Indicator, MaturityModel
from .evidence import Evidence
from .scoring import (
    DomainResult,
    OverallResult,
    floor_level,
    score_domain,
    value_for_score,
)

MAX_RECOMMENDATIONS = 8


def _fmt(ind: Indicator, v: float | None, lang: str = "en") -> str:
    """An indicator value as the reports show it (``lang``: ``en`` or ``zh``)."""
    if v is None:
        return "—"
    if ind.kind == "questionnaire":
        return f"L{v:.2f}"
    metric = ind.metric or ""
    if metric in ("check_history_days",):
        return f"{v:g} 天" if lang == "zh" else f"{v:g} days"
    if metric in ("failed_checks", "open_pii_findings"):
        return f"{v:g}"
    if metric == "pass_rate_change":
        return f"{v * 100:+.2f} pp"
    return f"{v:.2%}" if 0.99 < v < 1 else f"{v:.1%}"  # 99.98% must not read as 100.0%


def _statement(domain: Domain, ind: Indicator, level: int) -> str | None:
    item = domain.item(ind.item)
    for st in item.statements:
        if st.level == level:
            return st.en
    return None


def _rescore(domain: Domain, values: Mapping[str, float | None], ind_id: str, new: float, min_cov: float) -> DomainResult:
    changed = dict(values)
    changed[ind_id] = new
    return score_domain(domain, changed, min_cov)


def recommendations(model: MaturityModel, domain: Domain, result: DomainResult,
                    values: Mapping[str, float | None], evidence: Mapping[str, Evidence]) -> list[dict[str, Any]]:
    """Candidate fixes for a domain, ranked by level gain, then whether the fix makes the level
    final (no longer provisional), then score gain. Gate and cap fixes are always listed."""
    min_cov = model.provisional_below_coverage
    n_domains = len(model.domains)
    cands: list[dict[str, Any]] = []

    def add(kind: str, ind: Indicator, new: float, action_en: str, action_zh: str) -> None:
        after = _rescore(domain, values, ind.id, new, min_cov)
        gain = after.score - result.score
        lvl_gain = after.level - result.level
        if kind == "improve" and gain <= 1e-9 and lvl_gain <= 0:
            return
        cands.append({
            "kind": kind, "indicator": ind.id, "item": ind.item, "name_en": ind.en, "name_zh": ind.zh,
            "current_value": values.get(ind.id), "target_value": new,
            "current_display": _fmt(ind, values.get(ind.id)), "target_display": _fmt(ind, new),
            "action_en": action_en, "action_zh": action_zh,
            "score_gain": round(gain, 4), "level_gain": lvl_gain,
            "overall_score_gain": round(gain / n_domains, 4),
            "score_after": round(after.score, 4), "level_after": after.level,
            "resolves_provisional": result.provisional and not after.provisional,
        })

    for ind, r in zip(domain.indicators, result.indicators, strict=True):
        if ind.weight <= 0:
            continue
        if r.score is None:
            target = float(domain.target_level)
            new = value_for_score(target, ind.anchors, ind.direction, ind.worst)
            if new is None:
                continue
            why = evidence[ind.id].reason if ind.id in evidence else None
            if ind.kind == "questionnaire":
                act_en = f"Answer the questionnaire for '{ind.en.replace(' (questionnaire)', '')}' with evidence"
                act_zh = f"填写「{domain.item(ind.item).zh}」的问卷并附证据"
            else:
                act_en = f"Provide evidence for '{ind.en}'" + (f" ({why})" if why else "")
                act_zh = f"为「{ind.zh}」提供证据"
            add("evidence", ind, new, act_en, act_zh)
        elif r.score < 5 - 1e-9:
            next_score = float(min(5, floor_level(r.score) + 1))
            new = value_for_score(next_score, ind.anchors, ind.direction, ind.worst)
            if new is None:
                continue
            if ind.kind == "questionnaire":
                lvl = int(next_score)
                st = _statement(domain, ind, lvl) or ""
                act_en = f"Meet the level-{lvl} statement of '{domain.item(ind.item).en}' (with evidence): {st}"
                act_zh = f"达到「{domain.item(ind.item).zh}」{lvl} 级要求（附证据）"
            else:
                act_en = f"Improve '{ind.en}' from {_fmt(ind, r.value)} to {_fmt(ind, new)}"
                act_zh = f"将「{ind.zh}」从 {_fmt(ind, r.value)} 提升到 {_fmt(ind, new)}"
            add("improve", ind, new, act_en, act_zh)

    for g in result.gates:
        if g.passed or g.level > max(result.level + 1, domain.target_level):
            continue
        gate = next(x for x in domain.gates if x.indicator == g.indicator and x.level == g.level)
        ind = domain.indicator(g.indicator)
        new = gate.min if gate.min is not None else gate.max
        if ind.kind == "questionnaire":
            item = domain.item(ind.item)
            add("gate", ind, float(new),
                f"Meet the level-{g.level} gate: the questionnaire for '{item.en}' must reach level {new:g} "
                f"(now {_fmt(ind, g.value)}; statements met with evidence)",
                f"满足 {g.level} 级门槛：「{item.zh}」问卷自评需达到 {new:g} 级（当前 {_fmt(ind, g.value)}，需附证据）")
        else:
            add("gate", ind, float(new),
                f"Meet the level-{g.level} gate: '{ind.en}' {'≥' if gate.min is not None else '≤'} "
                f"{_fmt(ind, new)} (now {_fmt(ind, g.value)})",
                f"满足 {g.level} 级门槛：「{ind.zh}」{'≥' if gate.min is not None else '≤'} {_fmt(ind, new)}"
                f"（当前 {_fmt(ind, g.value)}）")

    for c in result.caps:
        if not c.active:
            continue
        cap = next(x for x in domain.caps if x.indicator == c.indicator and x.max_level == c.max_level)
        ind = domain.indicator(c.indicator)
        new = cap.above if cap.above is not None else cap.below
        add("cap", ind, float(new), f"Resolve: {cap.en or c.condition} (now {_fmt(ind, c.value)})",
            f"消除上限：{cap.zh or c.condition}（当前 {_fmt(ind, c.value)}）")

    cands.sort(key=lambda c: (-c["level_gain"], -c["resolves_provisional"], -c["score_gain"], c["indicator"]))
    seen, ranked = set(), []
    for c in cands:
        key = c["indicator"]  # one recommendation per indicator: its most effective fix
        if key in seen:
            continue
        seen.add(key)
        c["rank"] = len(ranked) + 1
        ranked.append(c)
    return ranked[:MAX_RECOMMENDATIONS]


def blockers(model: MaturityModel, domain: Domain, result: DomainResult) -> list[dict[str, Any]]:
    """Why the domain is not at the next level (empty at level 5)."""
    if result.level >= 5:
        return []
    nxt = result.level + 1
    out: list[dict[str, Any]] = []
    if result.score_level < nxt:
        low = []
        for ind, r in zip(domain.indicators, result.indicators, strict=True):
            if r.score is not None and ind.weight > 0 and r.score < nxt:
                low.append({"indicator": ind.id, "name_en": ind.en, "name_zh": ind.zh, "value": r.value,
                            "display": _fmt(ind, r.value), "display_zh": _fmt(ind, r.value, "zh"),
                            "score": round(r.score, 3),
                            "shortfall": round(ind.weight * (nxt - r.score), 3)})
        low.sort(key=lambda x: -x["shortfall"])
        out.append({
            "kind": "score", "level": nxt,
            "message_en": f"weighted score {result.score:.2f} is below {nxt}",
            "message_zh": f"加权得分 {result.score:.2f} 低于 {nxt}",
            "low_indicators": low[:6],
        })
    for g in result.gates:
        if not g.passed and g.level <= nxt:
            ind = domain.indicator(g.indicator)
            out.append({
                "kind": "gate", "level": g.level, "indicator": g.indicator, "condition": g.condition,
                "value": g.value, "display": _fmt(ind, g.value), "display_zh": _fmt(ind, g.value, "zh"),
                "reason": g.reason,
                "message_en": f"level-{g.level} gate {g.condition} not met ({_fmt(ind, g.value)}; {g.reason})",
                "message_zh": f"{g.level} 级门槛 {g.condition} 未满足（{_fmt(ind, g.value, 'zh')}）",
            })
    for c in result.caps:
        if c.active and c.max_level < nxt:
            cap = next(x for x in domain.caps if x.indicator == c.indicator and x.max_level == c.max_level)
            out.append({
                "kind": "cap", "level": c.max_level, "indicator": c.indicator, "condition": c.condition,
                "value": c.value, "message_en": cap.en or f"cap {c.condition} limits the level to {c.max_level}",
                "message_zh": cap.zh or f"上限条件 {c.condition} 将等级限制为 {c.max_level}",
            })
    return out


def _anchors(ind: Indicator) -> dict[str, float]:
    return {str(lvl): t for lvl, t in ind.anchors}


def domain_node(model: MaturityModel, domain: Domain, result: DomainResult, values: Mapping[str, float | None],
                evidence: Mapping[str, Evidence], previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The explanation subtree of one domain."""
    items = []
    for item in domain.items:
        inds = []
        for ind, r in zip(domain.indicators, result.indicators, strict=True):
            if ind.item != item.id:
                continue
            ev = evidence.get(ind.id)
            status = "no_evidence" if r.value is None else ("answered" if ind.kind == "questionnaire" else "measured")
            inds.append({
                "id": ind.id, "name_en": ind.en, "name_zh": ind.zh, "kind": ind.kind, "metric": ind.metric,
                "params": ind.params, "weight": ind.weight, "direction": ind.direction, "anchors": _anchors(ind),
                "worst": ind.worst, "value": r.value, "display": _fmt(ind, r.value),
                "display_zh": _fmt(ind, r.value, "zh"),
                "score": None if r.score is None else round(r.score, 4),
                "contribution": None if r.contribution is None else round(r.contribution, 4),
                "status": status, "evidence": ev.to_dict() if ev else None,
            })
        item_score = result.item_scores.get(item.id)
        items.append({
            "id": item.id, "name_en": item.en, "name_zh": item.zh,
            "score": None if item_score is None else round(item_score, 4),
            "statements": {str(s.level): {"en": s.en, "zh": s.zh} for s in item.statements},
            "indicators": inds,
        })
    gap = max(0, domain.target_level - result.level)
    return {
        "id": domain.id, "name_en": domain.en, "name_zh": domain.zh,
        "score": round(result.score, 4), "level": result.level,
        "level_name_en": model.levels[result.level]["en"], "level_name_zh": model.levels[result.level]["zh"],
        "score_level": result.score_level, "gate_level": result.gate_level, "cap_level": result.cap_level,
        "target_level": domain.target_level, "gap": gap,
        "score_gap": round(max(0.0, domain.target_level - result.score), 4),
        "coverage": round(result.coverage, 4), "provisional": result.provisional,
        "provisional_reasons": result.provisional_reasons,
        "provisional_reasons_zh": result.provisional_reasons_zh,
        "gates": [{"level": g.level, "indicator": g.indicator, "condition": g.condition, "value": g.value,
                   "passed": g.passed, "reason": g.reason} for g in result.gates],
        "caps": [{"indicator": c.indicator, "condition": c.condition, "max_level": c.max_level, "value": c.value,
                  "active": c.active, "evaluated": c.evaluated, "reason": c.reason} for c in result.caps],
        "blockers": blockers(model, domain, result),
        "recommendations": recommendations(model, domain, result, values, evidence),
        "previous": dict(previous) if previous else None,
        "items": items,
    }


def overall_node(model: MaturityModel, overall: OverallResult) -> dict[str, Any]:
    return {
        "score": round(overall.score, 4), "level": overall.level,
        "level_name_en": model.levels[overall.level]["en"], "level_name_zh": model.levels[overall.level]["zh"],
        "provisional": overall.provisional, "level_rule": overall.rule, "coverage": round(overall.coverage, 4),
    }


def top_recommendations(domains: list[dict[str, Any]], limit: int = 10) -> list[dict[str, Any]]:
    """Recommendations across domains, ranked by level gain then overall score gain."""
    allrecs = [dict(r, domain=d["id"], domain_en=d["name_en"], domain_zh=d["name_zh"])
               for d in domains for r in d["recommendations"]]
    allrecs.sort(key=lambda r: (-r["level_gain"], -r["resolves_provisional"], -r["overall_score_gain"],
                                r["domain"], r["indicator"]))
    for i, r in enumerate(allrecs[:limit], 1):
        r["rank"] = i
    return allrecs[:limit]


METHOD = {
    "indicator_score": "linear interpolation of the value between level anchors (direction-aware); "
                       "below the first anchor towards level 1 at the worst value",
    "domain_score": "weighted mean of the level scores of indicators with evidence; "
                    "indicators without evidence only lower the coverage",
    "domain_level": "min(floor(domain score), highest level whose gates (and all lower gates) pass, lowest active cap)",
    "provisional": "evidence coverage below the configured share, or a cap that could not be evaluated",
    "questionnaire": "declared level = 1 + sum over levels 2..L of the lowest answer among levels 2..L; "
                     "answers not/partially/largely/fully; largely/fully without evidence count as the "
                     "unevidenced answer",
    "overall_score": "mean of the domain scores",
    "recommendation_gain": "exact change of the domain score when the indicator is changed as recommended",
}
