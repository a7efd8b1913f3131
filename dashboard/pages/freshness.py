"""Freshness and volume: each table's age against its SLA, rows per day against the volume band."""

from __future__ import annotations

import statistics

import plotly.graph_objects as go
import streamlit as st

from dashboard import queries, ui
from dashboard.ui import fmt_int, t

ctx = ui.page("freshness")
st.title(t("freshness.title"))
st.caption(t("freshness.intro"))

if not queries.available(ctx.home)["warehouse"]:
    ui.empty_state("no_warehouse")
    st.stop()

status = queries.freshness(ctx.home)
tables = status["tables"]


def _state(r: dict) -> str:
    return t("freshness.no_sla") if r["fresh"] is None else t("freshness.ok") if r["fresh"] else t("freshness.breach")


st.dataframe([{
    t("freshness.table"): r["table"], t("freshness.rows"): fmt_int(r["rows"]), t("freshness.newest"): r["newest"] or "—",
    t("freshness.age"): "—" if r["age_hours"] is None else f"{r['age_hours']:,.1f}",
    t("freshness.sla"): "—" if r["sla_hours"] is None else f"{r['sla_hours']:,.0f}", t("freshness.state"): _state(r),
} for r in tables], hide_index=True, width="stretch")

with_sla = [r for r in tables if r["sla_hours"] and r["age_hours"] is not None]
if with_sla:
    ratio = [r["age_hours"] / r["sla_hours"] for r in with_sla]
    fig = go.Figure(go.Bar(
        x=ratio, y=[r["table"] for r in with_sla], orientation="h",
        marker_color=["#d93025" if x > 1 else "#188038" for x in ratio],
        text=[f"{r['age_hours']:,.0f} h / {r['sla_hours']:,.0f} h" for r in with_sla], textposition="auto",
        hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.add_vline(x=1, line_dash="dash", line_color="#5f6368", annotation_text="SLA")
    fig.update_xaxes(title=f"{t('freshness.age')} / {t('freshness.sla')}", type="log" if max(ratio) > 20 else "linear")
    ui.chart(ui.style_figure(fig, height=80 + 40 * len(with_sla)), key="fresh_bars")

# Rows per day of the tables with a daily partition column (events: event_date).
for name, column in (("events", "event_date"),):
    if name not in queries.available(ctx.home)["wh"]:
        continue
    daily = queries.daily_rows(ctx.home, name, column)
    if daily.empty:
        continue
    st.subheader(t("freshness.volume_title", table=name))
    counts = daily["rows"].tolist()
    lo, hi = [], []
    for i in range(len(counts)):  # the volume check's rule: median of up to 7 earlier days x 0.5 .. x 2
        prev = counts[max(0, i - 7):i]
        med = statistics.median(prev) if len(prev) >= 3 else None
        lo.append(None if med is None else med * 0.5)
        hi.append(None if med is None else med * 2.0)
    out = [c is not None and h is not None and not (lo_ <= c <= h) for c, lo_, h in zip(counts, lo, hi, strict=True)]
    days = daily["day"].astype(str)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=days, y=hi, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=days, y=lo, mode="lines", line={"width": 0}, fill="tonexty",
                             fillcolor="rgba(26,115,232,0.12)", name=t("freshness.band")))
    fig.add_trace(go.Bar(x=days, y=counts, name=t("freshness.rows"),
                         marker_color=["#d93025" if o else "#1a73e8" for o in out]))
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(**ui.count_axis(max(counts)))
    ui.chart(ui.style_figure(fig, height=300), key=f"vol_{name}")
    if any(out):
        st.warning(f"{t('freshness.out_of_band')}: " + ", ".join(d for d, o in zip(days, out, strict=True) if o),
                   icon=":material/warning:")
