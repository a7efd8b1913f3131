"""Pure scoring rules: indicator value → level score → domain level → overall level.

Nothing here reads files or databases, so every rule is testable on hand-computed numbers.

* :func:`anchor_score` maps a value to a level score in [1, 5] by linear interpolation
  between anchors (below the first anchor: towards ``worst`` at level 1), honouring the
  indicator's direction.
* :func:`score_domain` weights the evidenced indicators, applies gates and caps and decides
  whether the level is provisional.
* :func:`score_overall` combines domains (mean score; configurable level rule).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from governance.levels import anchor_score

from .config import Cap, Domain, Gate, Indicator

EPS = 1e-9


def value_for_score(target: float, anchors: Sequence[tuple[int, float]], direction: str = "higher_is_better",
                    worst: float | None = None) -> float | None:
    """The smallest improvement of the value that reaches level score ``target`` (inverse of anchors)."""
    sign = 1.0 if direction == "higher_is_better" else -1.0
    pts = sorted((int(lvl), sign * float(t)) for lvl, t in anchors)
    if pts[0][0] != 1:
        pts.insert(0, (1, sign * float(worst if worst is not None else (0.0 if sign > 0 else 1.0))))
    if target > pts[-1][0] + EPS:
        return None
    if target <= pts[0][0]:
        return sign * pts[0][1]
    for (l1, x1), (l2, x2) in zip(pts, pts[1:], strict=False):
        if l1 <= target <= l2:
            return sign * (x1 + (target - l1) / (l2 - l1) * (x2 - x1))
    return None


def floor_level(score: float) -> int:
    """The whole level reached by a score in [1, 5] (tolerant of float noise)."""
    return max(1, min(5, math.floor(score + EPS)))


@dataclass
class IndicatorResult:
    id: str
    value: float | None
    score: float | None
    weight: float
    contribution: float | None = None  # weight * score / total evidenced weight

    @property
    def has_evidence(self) -> bool:
        return self.value is not None


@dataclass
class GateResult:
    level: int
    indicator: str
    condition: str
    value: float | None
    passed: bool
    reason: str


@dataclass
class CapResult:
    indicator: str
    condition: str
    max_level: int
    value: float | None
    active: bool
    evaluated: bool
    reason: str


@dataclass
class DomainResult:
    domain_id: str
    score: float
    score_level: int
    gate_level: int
    cap_level: int
    level: int
    coverage: float
    provisional: bool
    provisional_reasons: list[str]
    indicators: list[IndicatorResult]
    gates: list[GateResult] = field(default_factory=list)
    caps: list[CapResult] = field(default_factory=list)
    item_scores: dict[str, float | None] = field(default_factory=dict)
    provisional_reasons_zh: list[str] = field(default_factory=list)  # the same reasons in Chinese

    def indicator(self, indicator_id: str) -> IndicatorResult:
        for r in self.indicators:
            if r.id == indicator_id:
                return r
        raise KeyError(indicator_id)


def indicator_score(ind: Indicator, value: float | None) -> float | None:
    if value is None:
        return None
    return anchor_score(value, ind.anchors, ind.direction, ind.worst)


def weighted_score(pairs: Sequence[tuple[float, float | None]]) -> tuple[float | None, float]:
    """(weighted mean of the evidenced scores, coverage = evidenced weight / total weight).

    Pairs are ``(weight, score or None)``; ``None`` means no evidence: it is left out of
    the mean and only lowers coverage. The mean is None when nothing is evidenced.
    """
    total = sum(w for w, _ in pairs)
    ev = [(w, s) for w, s in pairs if s is not None and w > 0]
    ev_w = sum(w for w, _ in ev)
    coverage = ev_w / total if total > 0 else 0.0
    if ev_w <= 0:
        return None, coverage
    return sum(w * s for w, s in ev) / ev_w, coverage


def evaluate_gate(gate: Gate, value: float | None) -> GateResult:
    cond = gate.describe()
    if value is None:
        return GateResult(gate.level, gate.indicator, cond, None, False, "no evidence")
    ok = (gate.min is None or value >= gate.min - EPS) and (gate.max is None or value <= gate.max + EPS)
    return GateResult(gate.level, gate.indicator, cond, value, ok, "met" if ok else "not met")


def gate_level(gates: Sequence[Gate], values: Mapping[str, float | None]) -> tuple[int, list[GateResult]]:
    """Highest level L such that every gate of every level ≤ L passes (gates are cumulative)."""
    results = [evaluate_gate(g, values.get(g.indicator)) for g in gates]
    level = 5
    for r in results:
        if not r.passed:
            level = min(level, r.level - 1)
    return max(1, level), results


def evaluate_cap(cap: Cap, value: float | None) -> CapResult:
    cond = cap.describe()
    if value is None:
        return CapResult(cap.indicator, cond, cap.max_level, None, False, False, "not evaluated: no evidence")
    active = value > cap.above + EPS if cap.above is not None else value < cap.below - EPS
    return CapResult(cap.indicator, cond, cap.max_level, value, active, True,
                     "active" if active else "not active")


def cap_level(caps: Sequence[Cap], values: Mapping[str, float | None]) -> tuple[int, list[CapResult]]:
    """Lowest ``max_level`` among active caps (5 when none is active)."""
    results = [evaluate_cap(c, values.get(c.indicator)) for c in caps]
    level = min([r.max_level for r in results if r.active], default=5)
    return level, results


def score_domain(domain: Domain, values: Mapping[str, float | None], min_coverage: float) -> DomainResult:
    """Score one domain from indicator values (None = no evidence)."""
    inds = []
    for ind in domain.indicators:
        v = values.get(ind.id)
        inds.append(IndicatorResult(ind.id, v, indicator_score(ind, v), ind.weight))
    mean, coverage = weighted_score([(r.weight, r.score) for r in inds])
    score = 1.0 if mean is None else mean
    ev_w = sum(r.weight for r in inds if r.score is not None and r.weight > 0)
    for r in inds:
        if r.score is not None and r.weight > 0 and ev_w > 0:
            r.contribution = r.weight * r.score / ev_w
    s_level = floor_level(score)
    g_level, gates = gate_level(domain.gates, values)
    c_level, caps = cap_level(domain.caps, values)
    level = min(s_level, g_level, c_level)
    reasons, reasons_zh = [], []
    if mean is None:
        reasons.append("no evidence for any indicator")
        reasons_zh.append("所有指标都没有证据")
    elif coverage < min_coverage - EPS:
        reasons.append(f"evidence covers {coverage:.0%} of the indicator weight (< {min_coverage:.0%})")
        reasons_zh.append(f"证据只覆盖指标权重的 {coverage:.0%}（低于 {min_coverage:.0%}）")
    reasons += [f"cap '{c.condition}' could not be evaluated (no evidence)" for c in caps if not c.evaluated]
    reasons_zh += [f"上限条件「{c.condition}」无法评估（没有证据）" for c in caps if not c.evaluated]
    items: dict[str, list[tuple[float, float | None]]] = {it.id: [] for it in domain.items}
    for ind, r in zip(domain.indicators, inds, strict=True):
        if ind.weight > 0:
            items[ind.item].append((ind.weight, r.score))
    item_scores = {k: weighted_score(v)[0] if v else None for k, v in items.items()}
    return DomainResult(
        domain_id=domain.id, score=score, score_level=s_level, gate_level=g_level, cap_level=c_level,
        level=level, coverage=coverage, provisional=bool(reasons), provisional_reasons=reasons,
        provisional_reasons_zh=reasons_zh,
        indicators=inds, gates=gates, caps=caps, item_scores=item_scores,
    )


@dataclass
class OverallResult:
    score: float
    level: int
    provisional: bool
    rule: str
    coverage: float


def score_overall(domains: Sequence[DomainResult], rule: str = "floor_mean_level") -> OverallResult:
    """Overall score = mean of domain scores; level by ``rule``.

    ``floor_mean_level``: floor of the mean domain level (gates and caps count);
    ``floor_mean_score``: floor of the overall score; ``min_domain_level``: the weakest domain.
    """
    if not domains:
        raise ValueError("no domains to combine")
    score = sum(d.score for d in domains) / len(domains)
    if rule == "floor_mean_level":
        level = floor_level(sum(d.level for d in domains) / len(domains))
    elif rule == "floor_mean_score":
        level = floor_level(score)
    elif rule == "min_domain_level":
        level = min(d.level for d in domains)
    else:
        raise ValueError(f"unknown overall level rule {rule!r}")
    return OverallResult(
        score=score, level=level, provisional=any(d.provisional for d in domains), rule=rule,
        coverage=sum(d.coverage for d in domains) / len(domains),
    )


def questionnaire_level(answers: Mapping[int, float | None]) -> float | None:
    """Declared level of an item from its level-2..5 answer values in [0, 1].

    ``1 + sum over L=2..5 of min(answer_2 .. answer_L)``: a level only counts as far as all
    lower levels are met. Unanswered statements count as 0 once any statement is answered;
    with no answer at all there is no evidence (None).
    """
    if all(answers.get(lvl) is None for lvl in (2, 3, 4, 5)):
        return None
    total, running = 1.0, 1.0
    for lvl in (2, 3, 4, 5):
        running = min(running, answers.get(lvl) or 0.0)
        total += running
    return total
