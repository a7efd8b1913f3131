"""Behaviour anomalies: share of automated traffic per day, reasons, top flagged sessions, one timeline.

Reads the latest ``shopgov anomalies`` / nightly check run (results ``anomaly_runs`` and
``anomaly_sessions``). Viewers see aggregates only; analysts (``view_rows``) see the top
flagged sessions with pseudonymised user and session ids, and one session's events, audited.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from assess.anomaly.reasons import REASONS
from dashboard import audit, queries, ui
from dashboard.ui import fmt_int, fmt_pct, t
from governance.privacy import pseudonymize

ctx = ui.page("anomalies")
st.title(t("anomalies.title"))


@st.cache_data(show_spinner=False, max_entries=8)
def _load(root: str, version: queries.Version) -> dict:
    home = ui.home()
    runs = queries.query(home, "SELECT * FROM res.anomaly_runs ORDER BY scored_at DESC, run_id DESC LIMIT 30")
    days = queries.query(home, """
        SELECT CAST(started_at AS DATE) AS day, count(*) AS sessions, count(*) FILTER (WHERE flagged) AS flagged,
               sum(n_events) AS events, coalesce(sum(n_events) FILTER (WHERE flagged), 0) AS anomalous
        FROM res.anomaly_sessions GROUP BY 1 ORDER BY 1""")
    reasons = queries.query(home, """
        SELECT code, count(*) AS sessions FROM (
            SELECT unnest(string_split(reasons, '; ')) AS code FROM res.anomaly_sessions WHERE flagged)
        WHERE code <> '' AND NOT starts_with(code, 'top:') GROUP BY 1 ORDER BY 2 DESC""")
    top = queries.query(home, """
        SELECT session_id, user_id, started_at, n_events, anomaly_score, reasons FROM res.anomaly_sessions
        WHERE flagged ORDER BY anomaly_score DESC, session_id LIMIT 50""")
    return {"runs": runs, "days": days, "reasons": reasons, "top": top}


def _reason_label(code: str) -> str:
    return t(f"anomalies.reason_{code.lower()}") if code in REASONS else code


if not queries.has(ctx.home, "res", "anomaly_runs", "anomaly_sessions"):
    st.info(t("anomalies.empty"), icon=":material/info:")
    st.stop()
data = _load(str(ctx.home.root), queries.data_version(ctx.home))
runs, days = data["runs"], data["days"]
if runs.empty:
    st.info(t("anomalies.empty"), icon=":material/info:")
    st.stop()

last = runs.iloc[0]
share = float(last["n_anomalous"]) / max(float(last["n_events"]), 1.0)
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("anomalies.share"), fmt_pct(share, 2), border=True)
c2.metric(t("anomalies.events"), fmt_int(last["n_events"]), border=True)
c3.metric(t("anomalies.flagged_sessions"), fmt_int(int(days["flagged"].sum()) if not days.empty else 0),
          border=True)
c4.metric(t("anomalies.last_run"), ui.fmt_ts(last["scored_at"]), border=True)
st.caption(t("anomalies.method", version=str(last["model_version"])))

left, right = st.columns([3, 2])
with left:
    st.subheader(t("anomalies.per_day"))
    if days.empty:
        st.info(t("anomalies.empty"))
    else:
        d = days.assign(share=days["anomalous"] / days["events"].clip(lower=1))
        fig = go.Figure(go.Bar(x=d["day"].astype(str), y=d["share"], marker_color=ui.PALETTE[1],
                               hovertemplate="%{x}: %{y:.2%}<extra></extra>"))
        fig.update_yaxes(tickformat=".1%")
        ui.chart(ui.style_figure(fig, height=300), key="anomaly_share_per_day")
with right:
    st.subheader(t("anomalies.per_kind"))
    reasons = data["reasons"]
    if reasons.empty:
        st.success(t("anomalies.none_flagged"), icon=":material/check_circle:")
    else:
        st.dataframe(pd.DataFrame({t("anomalies.col_reason"): reasons["code"].map(_reason_label),
                                   t("anomalies.col_code"): reasons["code"],
                                   t("anomalies.col_sessions"): reasons["sessions"].astype(int)}),
                     hide_index=True, width="stretch")

st.subheader(t("anomalies.top_title"))
top = data["top"]
if not ctx.can("view_rows"):
    st.info(t("anomalies.rows_for_analysts"), icon=":material/lock:")
    st.stop()
if top.empty:
    st.success(t("anomalies.none_flagged"), icon=":material/check_circle:")
    st.stop()
shown = pd.DataFrame({
    t("anomalies.col_session"): top["session_id"].map(lambda v: pseudonymize(v, prefix="s_")),
    t("anomalies.col_user"): top["user_id"].map(pseudonymize),
    t("anomalies.col_started"): top["started_at"].map(ui.fmt_ts),
    t("anomalies.col_events"): top["n_events"].astype(int),
    t("anomalies.col_score"): top["anomaly_score"].round(2),
    t("anomalies.col_reasons"): top["reasons"],
})
audit.log_access(ctx.home, ctx.user, ctx.role, "view_anomaly_sessions", "anomaly_sessions", rows=len(shown))
st.dataframe(shown, hide_index=True, width="stretch")

st.subheader(t("anomalies.timeline_title"))
labels = shown[t("anomalies.col_session")].tolist()
choice = st.selectbox(t("anomalies.pick_session"), range(len(labels)), format_func=lambda i: labels[i],
                      key="anomaly_session")
sid = str(top["session_id"].iat[int(choice)])
events = pd.DataFrame()
if queries.has(ctx.home, "wh", "events"):
    events = queries.query(ctx.home, "SELECT ts, event_type, item_id FROM wh.events WHERE session_id = ? "
                                     "ORDER BY ts LIMIT 500", [sid])
if events.empty:
    st.info(t("anomalies.no_events"), icon=":material/info:")
else:
    audit.log_access(ctx.home, ctx.user, ctx.role, "view_anomaly_timeline", labels[int(choice)], rows=len(events))
    fig = go.Figure(go.Scatter(x=events["ts"], y=events["event_type"], mode="markers+lines",
                               text=events["item_id"], marker={"color": ui.PALETTE[0]},
                               hovertemplate="%{x}<br>%{y} · %{text}<extra></extra>"))
    ui.chart(ui.style_figure(fig, height=280), key="anomaly_timeline")
    gaps = events["ts"].diff().dt.total_seconds()
    st.caption(t("anomalies.timeline_caption", n=fmt_int(len(events)),
                 gap=ui.fmt_num(float(gaps.median()) if len(events) > 1 else 0.0)))
