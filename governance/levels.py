"""Anchored level scores: a measured value mapped to a maturity level score in [1, 5].

Shared by the maturity assessment (``assess.maturity.scoring``) and the maturity points an
incident puts at stake (``governance.incidents``), so both read anchors the same way.
"""

from __future__ import annotations

from collections.abc import Sequence


def anchor_score(
    value: float,
    anchors: Sequence[tuple[int, float]],
    direction: str = "higher_is_better",
    worst: float | None = None,
) -> float:
    """Level score in [1, 5] of ``value`` given ``(level, threshold)`` anchors.

    Between two anchors the level is interpolated linearly; at or beyond the last anchor
    it is that anchor's level; below the first anchor it falls linearly towards level 1 at
    ``worst`` (used only when no level-1 anchor is given) and is 1 beyond ``worst``.
    """
    sign = 1.0 if direction == "higher_is_better" else -1.0
    pts = sorted((int(lvl), sign * float(t)) for lvl, t in anchors)
    if pts[0][0] != 1:
        if worst is None:
            worst = 0.0 if sign > 0 else 1.0
        pts.insert(0, (1, sign * float(worst)))
    v = sign * float(value)
    if v <= pts[0][1]:
        return float(pts[0][0])
    if v >= pts[-1][1]:
        return float(pts[-1][0])
    for (l1, x1), (l2, x2) in zip(pts, pts[1:], strict=False):
        if x1 <= v < x2:
            return l1 + (v - x1) / (x2 - x1) * (l2 - l1)
    raise AssertionError("unreachable: anchors are sorted and strictly monotone")
