"""Data quality: table × dimension heatmap, trend per table, failing checks, masked samples."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import audit, queries, samples, ui
from dashboard.ui import fmt_int, fmt_pct, fmt_ts, t
from governance.errors import ShopgovError

ctx = ui.page("quality")
st.title(t("quality.title"))

if not queries.available(ctx.home)["warehouse"]:
    ui.empty_state("no_warehouse")
    st.stop()
runs = queries.runs(ctx.home)
if runs.empty:
    ui.empty_state("no_check_run")
    st.stop()

labels = {r.run_id: f"{fmt_ts(r.started_at)} · {t(f'status.{r.status}')} · {r.run_id}"
          for r in runs.itertuples()}
run_id = st.selectbox(t("quality.run"), list(labels), format_func=labels.get, key="quality_run")
run = runs[runs["run_id"] == run_id].iloc[0]
data = queries.quality(ctx.home, run_id)
scores, failing, summary = data["scores"], data["failing"], data["summary"]

# ------------------------------------------------------------------ headline
cols = st.columns(4)
overall = scores[(scores["table_name"] == "*") & (scores["dimension"] == "*")] if not scores.empty else scores
cols[0].metric(t("quality.row_weighted"), fmt_pct(overall["row_weighted_pass_rate"].iloc[0]) if len(overall) else "—",
               help=t("quality.row_weighted_help"), border=True)
cols[1].metric(t("quality.checks_passed"),
               f"{fmt_int(run['n_expectations'] - run['n_failed'])} / {fmt_int(run['n_expectations'])}", border=True)
for i, kind in enumerate(("quality", "metadata"), start=2):
    row = summary[summary["kind"] == kind] if not summary.empty else summary
    value = f"{fmt_int(row['passed'].iloc[0])} / {fmt_int(row['total'].iloc[0])}" if len(row) else "—"
    cols[i].metric(t(f"quality.kind_{kind}"), value, border=True)

# ------------------------------------------------------------------ heatmap + trend
metric = st.segmented_control(
    t("quality.metric"), ["row_weighted_pass_rate", "pass_share"], default="row_weighted_pass_rate",
    format_func=lambda m: t(f"quality.{m}"), key="quality_metric",
) or "row_weighted_pass_rate"
left, right = st.columns(2)
with left:
    st.subheader(t("quality.heatmap_title"))
    cells = scores[(scores["table_name"] != "*") & (scores["dimension"] != "*")] if not scores.empty else scores
    if cells.empty:
        ui.empty_state("no_scores")
    else:
        grid = cells.pivot_table(index="table_name", columns="dimension", values=metric, aggfunc="first")
        grid = grid.reindex(columns=[d for d in queries.DIMENSIONS if d in grid.columns])
        counts = cells.pivot_table(index="table_name", columns="dimension", values="checks_total",
                                   aggfunc="first").reindex_like(grid)
        text = [[("" if pd.isna(v) else fmt_pct(v)) for v in row] for row in grid.to_numpy()]
        hover = [[("" if pd.isna(n) else t("quality.n_checks", n=fmt_int(n))) for n in row]
                 for row in counts.to_numpy()]
        fig = go.Figure(go.Heatmap(
            z=grid.to_numpy(), x=[t(f"dimension.{d}") for d in grid.columns], y=list(grid.index),
            text=text, texttemplate="%{text}", customdata=hover,
            hovertemplate="%{y} · %{x}: %{text} (%{customdata})<extra></extra>",
            colorscale=ui.SCORE_COLORS,
            zmin=0, zmax=1, colorbar={"tickformat": ".0%"}, xgap=2, ygap=2,
        ))
        ui.chart(ui.style_figure(fig, height=340), key="heatmap")
with right:
    st.subheader(t("quality.trend_title"))
    trend = data["table_trend"]
    if trend.empty or trend["run_id"].nunique() < 2:
        st.caption(t("quality.trend_needs_runs"))
    else:
        fig = go.Figure()
        for table, part in trend.groupby("table_name", sort=True):
            fig.add_trace(go.Scatter(x=part["started_at"], y=part[metric], mode="lines+markers", name=table))
        fig.update_yaxes(tickformat=".1%")
        ui.chart(ui.style_figure(fig, height=340), key="table_trend")

# ------------------------------------------------------------------ failing checks
st.subheader(t("quality.failing_title", n=fmt_int(len(failing))))
if failing.empty:
    st.success(t("quality.all_passed"), icon=":material/check_circle:")
else:
    kinds = st.pills(t("quality.kind"), ["quality", "metadata"], selection_mode="multi",
                     default=["quality", "metadata"], format_func=lambda k: t(f"quality.kind_{k}"),
                     key="quality_kinds")
    shown = failing[failing["kind"].isin(kinds or [])]
    view = pd.DataFrame({
        t("quality.col_severity"): [t(f"severity.{s}") for s in shown["severity"]],
        t("quality.col_table"): shown["table_name"],
        t("quality.col_column"): shown["column_name"].fillna("—"),
        t("quality.col_dimension"): [t(f"dimension.{d}") for d in shown["dimension"]],
        t("quality.col_check"): shown["description"].fillna(shown["expectation_type"]),
        t("quality.col_unexpected"): shown["unexpected_count"],
        t("quality.col_unexpected_pct"): shown["unexpected_percent"],
        t("quality.col_rows"): shown["element_count"],
        "id": shown["expectation_id"],
    })
    st.dataframe(
        view, hide_index=True, width="stretch",
        column_config={
            t("quality.col_unexpected"): st.column_config.NumberColumn(format="localized"),
            t("quality.col_rows"): st.column_config.NumberColumn(format="localized"),
            t("quality.col_unexpected_pct"): st.column_config.NumberColumn(format="%.1f%%"),
        },
    )

# ------------------------------------------------------------------ masked samples (analyst, admin)
st.subheader(t("quality.samples_title"))
if not ctx.can("view_rows"):
    st.caption(t("quality.samples_need_role"))
elif failing.empty:
    st.caption(t("quality.samples_none"))
else:
    options = failing[failing["table_name"].notna() & (failing["kind"] == "quality")]
    if options.empty:
        st.caption(t("quality.samples_none"))
    else:
        labels = {r.expectation_id: f"[{t(f'severity.{r.severity}')}] {r.table_name}"
                  f"{'.' + r.column_name if isinstance(r.column_name, str) else ''} — "
                  f"{r.description or r.expectation_type}" for r in options.itertuples()}
        choice = st.selectbox(t("quality.samples_pick"), list(labels), format_func=labels.get,
                              key="sample_choice")
        if st.button(t("quality.samples_button"), icon=":material/visibility:", key="sample_fetch"):
            exp = options[options["expectation_id"] == choice].iloc[0].to_dict()
            try:
                sample = samples.fetch_sample(ctx.home, exp, run.to_dict())
            except ShopgovError as e:
                st.error(str(e))
                sample = None
            audit.log_access(ctx.home, ctx.user, ctx.role, "view_sample_rows", f"{exp['table_name']}",
                             run_id=run_id, expectation_id=choice,
                             rows=0 if sample is None else len(sample))
            st.session_state["sample_result"] = (run_id, choice, sample)
        held = st.session_state.get("sample_result")
        if held and held[0] == run_id and held[1] == choice:
            sample = held[2]
            if sample is None:
                st.info(t("quality.samples_unavailable"), icon=":material/info:")
            elif sample.empty:
                st.info(t("quality.samples_empty"), icon=":material/info:")
            else:
                st.caption(t("quality.samples_masked", n=fmt_int(len(sample))))
                st.dataframe(sample, hide_index=True, width="stretch")

# ------------------------------------------------------------------ Data Docs
st.subheader(t("quality.docs_title"))
docs_dir = ctx.home.data_docs
index = docs_dir / "index.html"
if not index.exists():
    st.caption(t("quality.docs_missing"))
elif not ctx.can("view_rows"):
    st.caption(t("quality.docs_need_role"))
else:
    st.markdown(t("quality.docs_where"))
    docs_path = run.get("data_docs_path")
    st.code(docs_path if isinstance(docs_path, str) and docs_path else str(index), language=None)

    def _zip_docs() -> bytes:
        audit.log_access(ctx.home, ctx.user, ctx.role, "download_data_docs", str(docs_dir))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(docs_dir.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(docs_dir))
        return buf.getvalue()

    st.download_button(t("quality.docs_download"), data=_zip_docs, file_name="shopgov-data-docs.zip",
                       mime="application/zip", icon=":material/download:", key="docs_zip")
