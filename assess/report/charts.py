"""Static inline SVG charts for the report: no JavaScript, no external resources.

Every function returns an SVG fragment (``markupsafe.Markup``) sized by ``viewBox`` so it
scales to the page and prints crisply in the PDF.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

FONT = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
PALETTE = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#4a5568",
           "#e53e3e", "#3182ce", "#9f7aea", "#48bb78"]


def _e(text: object) -> str:
    return str(escape(str(text)))


def score_color(score: float | None) -> str:
    """Red (level 1) → amber (3) → green (5); grey when there is no score."""
    if score is None:
        return "#e2e8f0"
    t = max(0.0, min(1.0, (score - 1.0) / 4.0))
    stops = [(0.0, (215, 48, 39)), (0.5, (254, 224, 139)), (1.0, (26, 152, 80))]
    for (t0, c0), (t1, c1) in zip(stops, stops[1:], strict=False):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            rgb = [round(a + (b - a) * f) for a, b in zip(c0, c1, strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#1a9850"


def radar(labels: Sequence[tuple[str, str]], series: Sequence[tuple[str, Sequence[float | None], str, str]],
          max_level: int = 5) -> Markup:
    """A radar of domain scores. ``labels``: (zh, en) per axis; ``series``: (name, values, color, dash)."""
    w, h, cx, cy, r = 640, 500, 320, 245, 170
    n = len(labels)
    parts = [f'<svg class="chart radar" viewBox="0 0 {w} {h}" role="img" aria-label="radar" font-family="{FONT}">']

    def pt(i: int, v: float) -> tuple[float, float]:
        a = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * v / max_level * math.cos(a), cy + r * v / max_level * math.sin(a)

    for lvl in range(1, max_level + 1):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (pt(i, lvl) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#cbd5e0" stroke-width="1"/>')
        x, y = pt(0, lvl)
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 4:.1f}" font-size="11" fill="#718096">{lvl}</text>')
    for i, (zh, en) in enumerate(labels):
        x, y = pt(i, max_level)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#cbd5e0"/>')
        lx, ly = pt(i, max_level + 0.9)
        anchor = "middle" if abs(lx - cx) < 20 else ("start" if lx > cx else "end")
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="14" text-anchor="{anchor}" fill="#1a202c">{_e(zh)}</text>')
        parts.append(f'<text x="{lx:.1f}" y="{ly + 15:.1f}" font-size="11" text-anchor="{anchor}" fill="#4a5568">{_e(en)}</text>')
    for name, values, color, dash in series:
        if all(v is None for v in values):
            continue
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (pt(i, v or 0.0) for i, v in enumerate(values)))
        fill = color if not dash else "none"
        parts.append(
            f'<polygon points="{pts}" fill="{fill}" fill-opacity="0.18" stroke="{color}" stroke-width="2.2"'
            + (f' stroke-dasharray="{dash}"' if dash else "") + f'><title>{_e(name)}</title></polygon>'
        )
    lx = 20
    for name, values, color, dash in series:
        if all(v is None for v in values):
            continue
        parts.append(f'<line x1="{lx}" y1="{h - 14}" x2="{lx + 26}" y2="{h - 14}" stroke="{color}" stroke-width="3"'
                     + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        parts.append(f'<text x="{lx + 32}" y="{h - 10}" font-size="12" fill="#2d3748">{_e(name)}</text>')
        lx += 40 + 7 * len(name)
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap(rows: Sequence[tuple[tuple[str, str], Sequence[tuple[str, str, float | None]]]]) -> Markup:
    """Domain × capability item grid coloured by item score (1-5)."""
    label_w, cell_w, cell_h, gap = 150, 170, 50, 4
    ncols = max(len(cells) for _, cells in rows)
    w = label_w + ncols * (cell_w + gap)
    h = len(rows) * (cell_h + gap) + 40
    parts = [f'<svg class="chart heatmap" viewBox="0 0 {w} {h}" role="img" aria-label="heatmap" font-family="{FONT}">']
    for ri, ((zh, en), cells) in enumerate(rows):
        y = ri * (cell_h + gap)
        parts.append(f'<text x="4" y="{y + 22}" font-size="14" fill="#1a202c">{_e(zh)}</text>')
        parts.append(f'<text x="4" y="{y + 38}" font-size="11" fill="#4a5568">{_e(en)}</text>')
        for ci, (izh, ien, score) in enumerate(cells):
            x = label_w + ci * (cell_w + gap)
            color = score_color(score)
            txt = "#1a202c"
            parts.append(f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" rx="4" fill="{color}">'
                         f'<title>{_e(izh)} {_e(ien)}: {"—" if score is None else f"{score:.2f}"}</title></rect>')
            parts.append(f'<text x="{x + 6}" y="{y + 17}" font-size="12" fill="{txt}">{_e(izh)}</text>')
            short = ien if len(ien) <= 26 else ien[:25] + "…"
            parts.append(f'<text x="{x + 6}" y="{y + 31}" font-size="10" fill="{txt}">{_e(short)}</text>')
            val = "no evidence 无证据" if score is None else f"{score:.2f}"
            parts.append(f'<text x="{x + cell_w - 6}" y="{y + 45}" font-size="12" font-weight="bold" '
                         f'text-anchor="end" fill="{txt}">{_e(val)}</text>')
    # colour legend
    ly = len(rows) * (cell_h + gap) + 12
    for i in range(41):
        s = 1 + i * 0.1
        parts.append(f'<rect x="{label_w + i * 6}" y="{ly}" width="6" height="12" fill="{score_color(s)}"/>')
    parts.append(f'<text x="{label_w - 6}" y="{ly + 10}" font-size="11" text-anchor="end">1</text>')
    parts.append(f'<text x="{label_w + 252}" y="{ly + 10}" font-size="11">5</text>')
    parts.append(f'<rect x="{label_w + 290}" y="{ly}" width="18" height="12" fill="{score_color(None)}"/>')
    parts.append(f'<text x="{label_w + 314}" y="{ly + 10}" font-size="11">no evidence 无证据</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def contributions(segments: Sequence[tuple[str, float]], target: float, max_level: int = 5) -> Markup:
    """A stacked bar of indicator contributions (they add up to the domain score)."""
    w, h, x0, bar_w = 700, 54, 10, 660
    parts = [f'<svg class="chart contrib" viewBox="0 0 {w} {h}" role="img" aria-label="contributions" font-family="{FONT}">']
    x = x0
    for i, (label, value) in enumerate(segments):
        seg = bar_w * value / max_level
        color = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x:.1f}" y="8" width="{max(seg, 0):.1f}" height="22" fill="{color}">'
                     f'<title>{_e(label)}: {value:.2f}</title></rect>')
        if seg > 34:
            parts.append(f'<text x="{x + seg / 2:.1f}" y="23" font-size="10" text-anchor="middle" fill="#fff">{value:.2f}</text>')
        x += seg
    parts.append(f'<rect x="{x0}" y="8" width="{bar_w}" height="22" fill="none" stroke="#a0aec0"/>')
    for lvl in range(1, max_level + 1):
        tx = x0 + bar_w * lvl / max_level
        parts.append(f'<line x1="{tx:.1f}" y1="30" x2="{tx:.1f}" y2="36" stroke="#718096"/>')
        parts.append(f'<text x="{tx:.1f}" y="48" font-size="10" text-anchor="middle" fill="#4a5568">{lvl}</text>')
    tx = x0 + bar_w * target / max_level
    parts.append(f'<line x1="{tx:.1f}" y1="2" x2="{tx:.1f}" y2="34" stroke="#1a202c" stroke-width="2" stroke-dasharray="3 2"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def trend(points: Sequence[tuple[str, dict[str, float | None]]], series: Sequence[tuple[str, str]]) -> Markup:
    """Pass rates per check run. ``points``: (label, {key: rate}); ``series``: (key, display name)."""
    w, h, left, right, top, bottom = 700, 300, 52, 150, 14, 40
    pw, ph = w - left - right, h - top - bottom
    vals = [v for _, rates in points for k, _ in series if (v := rates.get(k)) is not None]
    lo = math.floor((min(vals) - 0.005) * 100) / 100 if vals else 0.8
    lo = max(0.0, min(lo, 0.98))  # at least a 2-point range, zoomed to the data
    parts = [f'<svg class="chart trend" viewBox="0 0 {w} {h}" role="img" aria-label="trend" font-family="{FONT}">']
    for i in range(6):
        v = lo + (1 - lo) * i / 5
        y = top + ph - ph * (v - lo) / (1 - lo)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" stroke="#edf2f7"/>')
        label = f"{v:.0%}" if 1 - lo >= 0.1 else f"{v:.1%}"
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#4a5568">{label}</text>')
    n = len(points)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (pw * i / (n - 1) if n > 1 else pw / 2)
        return x, top + ph - ph * (v - lo) / (1 - lo)

    step = max(1, n // 8)
    for i, (label, _) in enumerate(points):
        if i % step == 0 or i == n - 1:
            x, _y = xy(i, lo)
            parts.append(f'<text x="{x:.1f}" y="{top + ph + 16}" font-size="10" text-anchor="middle" fill="#4a5568">{_e(label)}</text>')
    for si, (key, name) in enumerate(series):
        color = PALETTE[si % len(PALETTE)]
        pts = [(i, rates.get(key)) for i, (_, rates) in enumerate(points)]
        pts = [(i, v) for i, v in pts if v is not None]
        if not pts:
            continue
        width = 3 if key == "*" else 1.6
        if len(pts) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in pts))
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="{width}"/>')
        for i, v in pts:
            x, y = xy(i, v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{color}"><title>{_e(name)}: {v:.2%}</title></circle>')
        ly = top + 14 + si * 17
        parts.append(f'<line x1="{left + pw + 12}" y1="{ly - 4}" x2="{left + pw + 30}" y2="{ly - 4}" stroke="{color}" stroke-width="{width}"/>')
        parts.append(f'<text x="{left + pw + 36}" y="{ly}" font-size="11" fill="#2d3748">{_e(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
