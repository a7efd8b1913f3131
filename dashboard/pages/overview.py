"""Overview: maturity level and score, domain radar, quality trend, open issues, last run."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import queries, ui
from dashboard.ui import fmt_int, fmt_num, fmt_pct, fmt_ts, t

ctx = ui.page("overview")
st.title(t("overview.title"))

av = queries.available(ctx.home)
if not av["warehouse"]:
    ui.empty_state("no_warehouse")
    st.stop()

data = queries.overview(ctx.home)
run, assessment = data["latest_run"], data["assessment"]
if run is None and assessment is None:
    ui.empty_state("no_results")
    st.stop()

# ------------------------------------------------------------------ fix first
open_incidents = queries.incidents(ctx.home, "open") if "incidents" in av["res"] else []
st.subheader(t("overview.fix_first"), help=t("overview.fix_first_help"))
if not open_incidents:
    st.caption(t("overview.no_incidents"))
for r in open_incidents[:5]:
    st.page_link("pages/incidents.py", query_params={"id": r["incident_id"]},
                 icon=":material/error:" if r["severity"] in ("critical", "high") else ":material/warning:",
                 label=t("overview.fix_line", severity=t(f"severity.{r['severity']}"), check=r["expectation_id"],
                         table=r["table_name"], rows="—" if r["rows_affected"] is None else fmt_int(r["rows_affected"]),
                         owner=r["owner"] or "—", points=fmt_num(r["points_at_stake"] or 0)))
if len(open_incidents) > 5:
    st.page_link("pages/incidents.py", label=t("overview.all_incidents", n=len(open_incidents)),
                 icon=":material/list:")

# ------------------------------------------------------------------ headline numbers
trend = data["trend"]
severity = data["severity"]
open_issues = int(severity["failed"].sum()) if not severity.empty else 0
cols = st.columns(5)
if assessment:
    level = int(assessment["overall_level"])
    prev = data["previous"]
    cols[0].metric(t("overview.maturity_level"), f"L{level}", delta=t(f"levels.l{level}"), delta_color="off",
                   delta_arrow="off", help=t("overview.maturity_help"), border=True)
    change = round(assessment["overall_score"] - prev["overall_score"], 2) if prev else None
    cols[1].metric(
        t("overview.maturity_score"), t("assessment.score_of_5", score=fmt_num(assessment["overall_score"])),
        delta=None if change is None else ui.fmt_signed(change),
        delta_color="off" if change == 0 else "normal", delta_arrow="off" if change == 0 else "auto",
        help=t("overview.score_help"), border=True,
    )
else:
    cols[0].metric(t("overview.maturity_level"), "—", border=True)
    cols[1].metric(t("overview.maturity_score"), "—", border=True)
if not trend.empty:
    last = trend.iloc[-1]
    delta = (last["row_weighted_pass_rate"] - trend.iloc[-2]["row_weighted_pass_rate"]) if len(trend) > 1 else None
    flat = delta is not None and round(delta * 100, 1) == 0
    cols[2].metric(t("overview.quality_score"), fmt_pct(last["row_weighted_pass_rate"]),
                   delta=None if delta is None else ui.fmt_signed(delta * 100, 1, " pp"),
                   delta_color="off" if flat else "normal", delta_arrow="off" if flat else "auto",
                   help=t("overview.quality_help"), border=True)
else:
    cols[2].metric(t("overview.quality_score"), "—", border=True)
cols[3].metric(t("overview.open_issues"), fmt_int(open_issues) if run else "—",
               delta=t("overview.of_checks", total=fmt_int(run["n_expectations"])) if run else None,
               delta_color="off", delta_arrow="off", help=t("overview.open_issues_help"), border=True)
if run:
    cols[4].metric(t("overview.last_run"), t(f"status.{run['status']}"), delta=fmt_ts(run["started_at"]),
                   delta_color="off", delta_arrow="off", help=t("overview.last_run_help"), border=True)
else:
    cols[4].metric(t("overview.last_run"), "—", border=True)

if not trend.empty and run:
    last = trend.iloc[-1]
    st.caption(t("overview.rates_mean", rows=fmt_pct(last["row_weighted_pass_rate"]),
                 checks=fmt_pct(last["pass_share"])))

fresh = [r for r in queries.freshness(ctx.home)["tables"] if r["fresh"] is not None]
if fresh:
    breached = [r["table"] for r in fresh if not r["fresh"]]
    st.page_link("pages/freshness.py", icon=":material/schedule:",
                 label=f"{t('overview.freshness_tile')}: {len(fresh) - len(breached)}/{len(fresh)}"
                 + (f" · {t('overview.freshness_breach', n=len(breached))}: {', '.join(breached)}" if breached else ""))

if assessment and assessment.get("provisional"):
    st.warning(t("overview.provisional"), icon=":material/hourglass_top:")

# ------------------------------------------------------------------ radar + issues
left, right = st.columns([3, 2])
with left:
    st.subheader(t("overview.radar_title"))
    domains = data["domains"]
    if domains.empty:
        ui.empty_state("no_assessment")
    else:
        names = [ui.localized_name(r) for r in domains.to_dict("records")]
        closed = names + names[:1]

        def loop(values):
            values = [None if v is None else float(v) for v in values]
            return values + values[:1]

        fig = go.Figure()
        fig.add_trace(go.Scatterpolar(r=loop(domains["target_level"].tolist()), theta=closed,
                                      name=t("overview.target"), line={"dash": "dash", "color": "#188038"}))
        if "previous_score" in domains and domains["previous_score"].notna().any():
            fig.add_trace(go.Scatterpolar(r=loop(domains["previous_score"].tolist()), theta=closed,
                                          name=t("overview.previous"), line={"dash": "dot", "color": "#9aa0a6"}))
        fig.add_trace(go.Scatterpolar(r=loop(domains["score"].tolist()), theta=closed, fill="toself",
                                      name=t("overview.current"), line={"color": "#1a73e8"},
                                      opacity=0.85))
        ui.style_figure(fig, height=440)
        fig.update_layout(polar={"radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5]}},
                          legend={"orientation": "h", "yanchor": "bottom", "y": 1.08, "x": 0.0, "xanchor": "left"},
                          margin={"l": 110, "r": 110, "t": 60, "b": 30})
        ui.chart(fig, key="radar")

with right:
    st.subheader(t("overview.issues_title"))
    if run is None:
        ui.empty_state("no_check_run")
    elif severity.empty:
        st.success(t("overview.no_open_issues"), icon=":material/check_circle:")
    else:
        sev = severity.set_index("severity").reindex(queries.SEVERITIES).fillna(0).reset_index()
        fig = go.Figure(go.Bar(
            x=sev["failed"], y=[t(f"severity.{s}") for s in sev["severity"]], orientation="h",
            marker_color=[ui.SEVERITY_COLORS[s] for s in sev["severity"]],
            text=[fmt_int(v) for v in sev["failed"]], textposition="auto",
            customdata=[fmt_int(v) for v in sev["unexpected"]],
            hovertemplate="%{y}: %{x} " + t("overview.failed_checks") + " · %{customdata} "
            + t("overview.bad_rows") + "<extra></extra>",
        ))
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title=t("overview.failed_checks"), **ui.count_axis(sev["failed"].max()))
        ui.style_figure(fig, height=300)
        fig.update_layout(clickmode="event+select")
        bar = st.plotly_chart(fig, width="stretch", key="severity", on_select="rerun", selection_mode="points",
                              config={"displaylogo": False})
        points = (bar or {}).get("selection", {}).get("points") or []
        if points and points[0].get("point_index") is not None:
            st.switch_page("pages/quality.py",
                           query_params={"severity": str(sev["severity"].iloc[int(points[0]["point_index"])])})
        st.caption(t("overview.severity_click"))
    if run:
        st.markdown(f"**{t('overview.last_run')}**")
        icon = ui.STATUS_ICONS.get(run["status"], "")
        duration = (run["finished_at"] - run["started_at"]).total_seconds() if run.get("finished_at") else None
        status_label = t(f"status.{run['status']}")
        st.markdown(
            f"{icon} {status_label} · {fmt_ts(run['started_at'])} · "
            f"{t('overview.partition')} {ui.fmt_date(run['partition_date'])}  \n"
            + t("overview.run_counts", failed=fmt_int(run["n_failed"]), total=fmt_int(run["n_expectations"]),
                seconds=ui.fmt_seconds(duration))
        )
    lr = data["listing_run"]
    if lr:
        st.markdown(
            f"**{t('overview.listing_run')}**  \n"
            + t("overview.listing_counts", flagged=fmt_int(lr["n_flagged"]), scored=fmt_int(lr["n_scored"]),
                share=fmt_pct(lr["n_flagged"] / lr["n_scored"] if lr["n_scored"] else None),
                when=fmt_ts(lr["scored_at"]))
        )

# ------------------------------------------------------------------ trend
st.subheader(t("overview.trend_title"), help=t("quality.trend_help"))
daily = ui.last_per_day(trend, [])
if trend.empty:
    ui.empty_state("no_check_run")
else:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=daily["day"], y=daily["row_weighted_pass_rate"], mode="lines+markers",
                             name=t("overview.row_weighted"), marker={"size": 9}))
    fig.add_trace(go.Scatter(x=daily["day"], y=daily["pass_share"], mode="lines+markers",
                             name=t("overview.checks_passed"), line={"dash": "dot"},
                             marker={"symbol": "square", "size": 8}))
    fig.update_yaxes(tickformat=".1%", title=None)
    ui.date_axis(fig, daily["day"])
    ui.chart(ui.style_figure(fig, height=300), key="trend")
    if len(daily) < 2:
        st.caption(t("quality.trend_needs_runs"))
