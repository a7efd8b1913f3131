"""Incidents: fix-first list, and one incident with its history, definition, rows, Data Docs and actions.

Deep link: ``/incidents?id=INC-xxxxxxxx-n`` opens one incident (``status=all`` lists ended ones too).
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
import streamlit as st

from dashboard import audit, queries, samples, ui
from dashboard.ui import fmt_int, fmt_num, fmt_ts, t
from governance import data_docs
from governance import incidents as inc

ctx = ui.page("incidents")
st.title(t("incidents.title"))

if not queries.available(ctx.home)["results"]:
    ui.empty_state("no_check_run")
    st.stop()

status = st.segmented_control(t("incidents.status"), ["open", "all"], format_func=lambda s: t(f"incidents.show_{s}"),
                              default=st.query_params.get("status", "open"), key="inc_status")
status = status or "open"
rows = queries.incidents(ctx.home, status)
wanted = st.query_params.get("id")
if not rows and not wanted:
    st.success(t("incidents.none_open"), icon=":material/check_circle:")
    st.stop()


def _label(r: dict) -> str:
    return f"{r['incident_id']} · {t('severity.' + r['severity'])} · {r['table_name']} · {r['expectation_id']}"


ids = [r["incident_id"] for r in rows]
if wanted and wanted not in ids:
    extra = queries.incident(ctx.home, wanted)
    if extra is None:
        st.error(t("incidents.unknown", id=wanted))
        st.stop()
    rows = [extra, *rows]
    ids = [wanted, *ids]
table = [{
    t("incidents.col_id"): r["incident_id"], t("incidents.col_status"): t(f"incidents.st_{r['status']}"),
    t("incidents.col_severity"): t(f"severity.{r['severity']}"), t("incidents.col_table"): r["table_name"],
    t("incidents.col_check"): r["expectation_id"], t("incidents.col_owner"): r["owner"] or "—",
    t("incidents.col_steward"): r["steward"] or "—",
    t("incidents.col_rows"): "—" if r["rows_affected"] is None else fmt_int(r["rows_affected"]),
    t("incidents.col_points"): fmt_num(r["points_at_stake"] or 0), t("incidents.col_last"): fmt_ts(r["last_seen"]),
} for r in rows]
st.dataframe(table, hide_index=True, width="stretch")

choice = st.selectbox(t("incidents.pick"), ids, index=ids.index(wanted) if wanted in ids else 0,
                      format_func=lambda i: _label(next(r for r in rows if r["incident_id"] == i)), key="inc_pick")
if choice != wanted:
    st.query_params["id"] = choice
one = queries.incident(ctx.home, choice)
if one is None:
    st.error(t("incidents.unknown", id=choice))
    st.stop()

# ------------------------------------------------------------------ the incident
st.header(f"{one['incident_id']} · {one['expectation_id']}")
c = st.columns(5)
c[0].metric(t("incidents.col_status"), t(f"incidents.st_{one['status']}"), border=True)
c[1].metric(t("incidents.col_severity"), t(f"severity.{one['severity']}"), border=True)
c[2].metric(t("incidents.col_rows"), "—" if one["rows_affected"] is None else fmt_int(one["rows_affected"]),
            delta=t("incidents.of_rows", total=fmt_int(one["element_count"])) if one["element_count"] else None,
            delta_color="off", delta_arrow="off", border=True)
c[3].metric(t("incidents.col_points"), fmt_num(one["points_at_stake"] or 0), help=t("incidents.points_help"),
            border=True)
c[4].metric(t("incidents.col_first"), ui.fmt_date(one["first_seen"]),
            delta=t("incidents.last_seen", when=fmt_ts(one["last_seen"])), delta_color="off", delta_arrow="off",
            border=True)
st.markdown(
    f"**{t('incidents.col_table')}** `{one['table_name']}`" + (f" · `{one['column_name']}`" if one["column_name"] else "")
    + f" · **{t('incidents.col_owner')}** {one['owner'] or '—'} · **{t('incidents.col_steward')}** "
    f"{one['steward'] or '—'} · **{t('incidents.assignee')}** {one['assignee'] or '—'} · "
    f"**{t('incidents.due')}** {ui.fmt_date(one['due_date']) if one['due_date'] else '—'}")
for d in one["stake"]:
    st.caption(t("incidents.stake_line", indicator=ui.localized_name(d) or d["indicator"], points=fmt_num(d["points"]),
                 cap=t("incidents.cap", level=d["cap_level"]) if d.get("cap_level") else ""))

tab_def, tab_hist, tab_rows, tab_docs, tab_log = st.tabs(
    [t("incidents.tab_definition"), t("incidents.tab_history"), t("incidents.tab_rows"), t("incidents.tab_docs"),
     t("incidents.tab_log")])
with tab_def:
    st.markdown(f"{ui.check_text(ctx.home, one['expectation_id'], one['description'])}  \n`{one['expectation_type']}` · "
                f"{t('dimension.' + one['dimension']) if one['dimension'] else '—'} · {one['suite']}")
with tab_hist:
    hist = queries.check_history(ctx.home, one["expectation_id"])
    if hist.empty:
        ui.empty_state("no_check_run")
    else:
        colors = ["#188038" if ok else ui.SEVERITY_COLORS.get(one["severity"], "#d93025") for ok in hist["success"]]
        hist = hist.assign(unexpected_count=hist["unexpected_count"].fillna(0))
        fig = go.Figure(go.Bar(x=hist["day"], y=hist["unexpected_count"], marker_color=colors,
                               name=t("overview.bad_rows"), showlegend=False,
                               hovertemplate="%{x|%Y-%m-%d}: %{y:,} " + t("overview.bad_rows") + "<extra></extra>"))
        same_check = queries.incidents(ctx.home, "all")
        ui.mark_incidents(fig, same_check, {one["expectation_id"]: hist}, lambda r: r["expectation_id"],
                          "unexpected_count")
        ui.date_axis(fig, hist["day"])
        fig.update_xaxes(title=None)
        fig.update_yaxes(title=t("overview.bad_rows"), **ui.count_axis(hist["unexpected_count"].max()))
        ui.chart(ui.style_figure(fig, height=260), key="inc_hist")
        st.caption(t("incidents.history_help") + " " + t("incidents.markers_help"))
    st.page_link("pages/quality.py", label=t("incidents.trend_link"), icon=":material/show_chart:",
                 query_params={"trend": "check", "check": one["expectation_id"]})
with tab_rows:
    if not ctx.can("view_rows"):
        st.info(t("incidents.rows_not_allowed"), icon=":material/lock:")
    elif st.button(t("incidents.show_rows"), key="inc_rows", icon=":material/table_rows:"):
        run = next((r for r in queries.runs(ctx.home).to_dict("records") if r["run_id"] == one["last_run_id"]), None)
        expectation = {k: one[k] for k in ("suite", "table_name", "column_name", "expectation_id", "expectation_type")}
        df = samples.fetch_sample(ctx.home, expectation, run)
        audit.log_access(ctx.home, ctx.user, ctx.role, "view_incident_rows", one["incident_id"],
                         rows=0 if df is None else len(df))
        if df is None or df.empty:
            st.caption(t("incidents.no_rows"))
        else:
            st.dataframe(df, hide_index=True, width="stretch")
with tab_docs:
    page = data_docs.validation_page(ctx.home.data_docs, one["last_run_id"], one["suite"])
    if not ctx.can("view_rows"):
        st.info(t("incidents.rows_not_allowed"), icon=":material/lock:")
    elif page is None:
        st.caption(t("incidents.no_docs"))
    elif st.toggle(t("incidents.show_docs"), key="inc_docs"):
        audit.log_access(ctx.home, ctx.user, ctx.role, "view_data_docs", one["incident_id"])
        st.iframe(data_docs.self_contained(page), height=640)
with tab_log:
    for e in one["events"]:
        detail = ", ".join(f"{t(f'incidents.detail_{k}')}: {v}" for k, v in e["detail"].items()
                           if k != "run_id" and v is not None)
        what = t(f"incidents.ev_{e['action']}")
        st.markdown(f"{fmt_ts(e['event_at'])} · **{html.escape(e['actor'])}** · {what}"
                    + (f" · {html.escape(detail)}" if detail else ""))

# ------------------------------------------------------------------ actions
if ctx.can("manage_incidents") and one["status"] in inc.ACTIVE:
    st.subheader(t("incidents.actions"))

    def _do(action: str, **kw) -> None:
        inc.act(ctx.home, one["incident_id"], action, actor=ctx.user, role=ctx.role, **kw,
                audit=lambda ev: audit.log_access(ctx.home, ctx.user, ctx.role, f"incident_{action}",
                                                  one["incident_id"], **ev["detail"]))
        st.toast(t("incidents.done", action=t(f"incidents.ev_{action}")))

    a = st.columns(4)
    if one["status"] == "open" and a[0].button(t("incidents.ack"), key="inc_ack", icon=":material/visibility:"):
        _do("ack")
        st.rerun()
    if a[1].button(t("incidents.resolve"), key="inc_resolve", icon=":material/task_alt:"):
        _do("resolve")
        st.rerun()
    with st.form("inc_form", clear_on_submit=True):
        text = st.text_area(t("incidents.comment"), key="inc_comment")
        who = st.text_input(t("incidents.assignee"), key="inc_assignee")
        due = st.date_input(t("incidents.due"), value=None, key="inc_due")
        if st.form_submit_button(t("incidents.save")):
            if text.strip():
                _do("comment", comment=text)
            if who.strip():
                _do("assign", assignee=who)
            if due:
                _do("due", due=due)
            st.rerun()
