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


def _from_url(param: str, key: str, options: list) -> None:
    """Deep links: a query parameter preselects a widget (once per new value in the URL)."""
    value = st.query_params.get(param)
    if value is not None and st.session_state.get(f"_url_{param}") != value:
        st.session_state[f"_url_{param}"] = value
        if value in options:
            st.session_state[key] = value


def _to_url(param: str, value: object, default: object = None) -> None:
    if value is None or value == default or value == "":
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(value)
    st.session_state[f"_url_{param}"] = None if value is None else str(value)


_from_url("run", "quality_run", list(labels))
run_id = st.selectbox(t("quality.run"), list(labels), format_func=labels.get, key="quality_run")
_to_url("run", run_id, runs["run_id"].iloc[0])
run = runs[runs["run_id"] == run_id].iloc[0]
data = queries.quality(ctx.home, run_id)
scores, failing, summary = data["scores"], data["failing"], data["summary"]

# ------------------------------------------------------------------ headline: two rates, each with its meaning
cols = st.columns(4)
overall = scores[(scores["table_name"] == "*") & (scores["dimension"] == "*")] if not scores.empty else scores
n_total, n_failed = int(run["n_expectations"]), int(run["n_failed"])
cols[0].metric(t("quality.row_weighted"), fmt_pct(overall["row_weighted_pass_rate"].iloc[0]) if len(overall) else "—",
               help=t("quality.row_weighted_help"), border=True)
cols[1].metric(t("quality.checks_passed"), fmt_pct((n_total - n_failed) / n_total if n_total else None),
               delta=f"{fmt_int(n_total - n_failed)} / {fmt_int(n_total)}", delta_color="off", delta_arrow="off",
               help=t("quality.pass_share_help"), border=True)
for i, kind in enumerate(("quality", "metadata"), start=2):
    row = summary[summary["kind"] == kind] if not summary.empty else summary
    value = f"{fmt_int(row['passed'].iloc[0])} / {fmt_int(row['total'].iloc[0])}" if len(row) else "—"
    cols[i].metric(t(f"quality.kind_{kind}"), value, border=True)
st.caption(t("quality.row_weighted_means") + "  \n" + t("quality.pass_share_means"))

# ------------------------------------------------------------------ heatmap + trend
metrics = ["row_weighted_pass_rate", "pass_share"]
_from_url("metric", "quality_metric", metrics)
metric = st.segmented_control(
    t("quality.metric"), metrics, default="row_weighted_pass_rate",
    format_func=lambda m: t(f"quality.{m}"), key="quality_metric",
) or "row_weighted_pass_rate"
_to_url("metric", metric, "row_weighted_pass_rate")

cells = scores[(scores["table_name"] != "*") & (scores["dimension"] != "*")] if not scores.empty else scores
tables = sorted(cells["table_name"].unique()) if not cells.empty else []
dims = [d for d in queries.DIMENSIONS if not cells.empty and d in set(cells["dimension"])]
critical = set()
if not failing.empty:
    crit = failing[failing["severity"] == "critical"]
    critical = {(r.table_name, r.dimension) for r in crit.itertuples()}

# a clicked heatmap cell becomes the filter (and the URL), once per new click
picked = (st.session_state.get("heatmap") or {}).get("selection", {}).get("points") or []
if picked and st.session_state.get("_heatmap_seen") != repr(picked):
    st.session_state["_heatmap_seen"] = repr(picked)
    cell = picked[0].get("customdata") or []
    if len(cell) >= 2:
        st.session_state["quality_table"], st.session_state["quality_dimension"] = cell[0], cell[1]
_from_url("table", "quality_table", tables)
_from_url("dimension", "quality_dimension", dims)

left, right = st.columns(2)
with left:
    st.subheader(t("quality.heatmap_title"), help=t("quality.heatmap_help"))
    if cells.empty:
        ui.empty_state("no_scores")
    else:
        grid = cells.pivot_table(index="table_name", columns="dimension", values=metric, aggfunc="first")
        grid = grid.reindex(columns=dims)
        counts = cells.pivot_table(index="table_name", columns="dimension", values="checks_total",
                                   aggfunc="first").reindex_like(grid)
        mark = t("quality.critical_mark")
        text, hover, custom, z = [], [], [], []
        for table, row, nrow in zip(grid.index, grid.to_numpy(), counts.to_numpy(), strict=True):
            text.append([("" if pd.isna(v) else fmt_pct(v, 2 if 0.99 <= v < 1 else 1)
                          + (" ⚠" if (table, d) in critical else "")) for d, v in zip(grid.columns, row, strict=True)])
            hover.append([("" if pd.isna(n) else t("quality.n_checks", n=fmt_int(n)))
                          + (f" · ⚠ {mark}" if (table, d) in critical else "")
                          for d, n in zip(grid.columns, nrow, strict=True)])
            custom.append([[table, d, h] for d, h in zip(grid.columns, hover[-1], strict=True)])
            z.append([None if pd.isna(v) else ui.score_band(v) for v in row])
        fig = go.Figure(go.Heatmap(
            z=z, x=[t(f"dimension.{d}") for d in grid.columns], y=list(grid.index),
            text=text, texttemplate="%{text}", customdata=custom,
            hovertemplate="%{y} · %{x}: %{text}<br>%{customdata[2]}<extra></extra>",
            colorscale=ui.band_colorscale(), zmin=0, zmax=len(ui.SCORE_BAND_COLORS) - 1,
            colorbar=ui.band_colorbar(), xgap=2, ygap=2,
        ))
        fig.update_layout(clickmode="event+select")
        ui.style_figure(fig, height=340)
        st.plotly_chart(fig, width="stretch", key="heatmap", on_select="rerun", selection_mode="points",
                        config={"displaylogo": False})
        if critical:
            st.caption(t("quality.critical_legend"))
with right:
    st.subheader(t("quality.trend_title"), help=t("quality.trend_help"))
    daily = queries.daily_scores(ctx.home)
    all_incidents = queries.incidents(ctx.home, "all") if "incidents" in queries.available(ctx.home)["res"] else []
    _from_url("trend", "trend_by", ["table", "dimension", "check"])
    by = st.segmented_control(t("quality.trend_by"), ["table", "dimension", "check"], default="table",
                              format_func=lambda b: t(f"quality.trend_by_{b}"), key="trend_by") or "table"
    _to_url("trend", by, "table")
    lines: dict[str, pd.DataFrame] = {}
    if by == "check":
        check_ids = list(dict.fromkeys([r["expectation_id"] for r in all_incidents]
                                       + (failing["expectation_id"].tolist() if not failing.empty else [])))
        _from_url("check", "trend_check", check_ids)
        check = st.selectbox(t("quality.trend_check"), check_ids, key="trend_check",
                             format_func=lambda e: f"{e} — {ui.check_text(ctx.home, e)}") if check_ids else None
        _to_url("check", check, None)
        hist = queries.check_history(ctx.home, check) if check else pd.DataFrame()
        if not hist.empty:
            rows = hist["element_count"].where(hist["element_count"] > 0)
            share = (1 - hist["unexpected_count"] / rows).where(rows.notna() & hist["unexpected_count"].notna())
            ok = hist["success"].fillna(False).astype(float)
            lines[check] = hist.assign(pass_share=ok, row_weighted_pass_rate=share.fillna(ok))
        series_of = lambda r: r["expectation_id"]  # noqa: E731
    elif not daily.empty:
        part = (daily[(daily["dimension"] == "*") & (daily["table_name"] != "*")] if by == "table"
                else daily[(daily["table_name"] == "*") & (daily["dimension"] != "*")])
        lines = {name: line for name, line in part.groupby("table_name" if by == "table" else "dimension", sort=True)}
        series_of = (lambda r: r["table_name"]) if by == "table" else (lambda r: r["dimension"])
    if not lines:
        st.caption(t("quality.trend_needs_runs"))
    else:
        fig = go.Figure()
        symbols = ["circle", "square", "diamond", "cross", "x", "star", "hexagon"]
        dashes = ["solid", "dot", "dash", "longdash", "dashdot"]
        for i, (name, line) in enumerate(lines.items()):
            label = t(f"dimension.{name}") if by == "dimension" else name
            fig.add_trace(go.Scatter(x=line["day"], y=line[metric], mode="lines+markers", name=label,
                                     marker={"symbol": symbols[i % len(symbols)], "size": 8},
                                     line={"dash": dashes[i % len(dashes)]}))
        marked = ui.mark_incidents(fig, all_incidents, lines, series_of, metric)
        fig.update_yaxes(tickformat=".1%")
        days = pd.concat([line["day"] for line in lines.values()])
        ui.date_axis(fig, days)
        ui.chart(ui.style_figure(fig, height=340), key="table_trend")
        st.caption(t("quality.trend_daily", n=fmt_int(days.nunique()))
                   + (" " + t("incidents.markers_help") if marked else ""))

# ------------------------------------------------------------------ failing checks
st.subheader(t("quality.failing_title", n=fmt_int(len(failing))))
if failing.empty:
    st.success(t("quality.all_passed"), icon=":material/check_circle:")
else:
    kinds = st.pills(t("quality.kind"), ["quality", "metadata"], selection_mode="multi",
                     default=["quality", "metadata"], format_func=lambda k: t(f"quality.kind_{k}"),
                     key="quality_kinds")
    fc1, fc2, fc3 = st.columns(3)
    table_opts = ["", *sorted(failing["table_name"].dropna().unique())]
    dim_opts = ["", *[d for d in queries.DIMENSIONS if d in set(failing["dimension"])]]
    sev_opts = ["", *[s for s in queries.SEVERITIES if s in set(failing["severity"])]]
    _from_url("severity", "quality_severity", sev_opts)
    for key, opts in (("quality_table", table_opts), ("quality_dimension", dim_opts),
                      ("quality_severity", sev_opts)):
        if st.session_state.get(key) not in opts:
            st.session_state[key] = ""
    f_table = fc1.selectbox(t("quality.col_table"), table_opts, key="quality_table",
                            format_func=lambda v: v or t("quality.any"))
    f_dim = fc2.selectbox(t("quality.col_dimension"), dim_opts, key="quality_dimension",
                          format_func=lambda v: t(f"dimension.{v}") if v else t("quality.any"))
    f_sev = fc3.selectbox(t("quality.col_severity"), sev_opts, key="quality_severity",
                          format_func=lambda v: t(f"severity.{v}") if v else t("quality.any"))
    _to_url("table", f_table, "")
    _to_url("dimension", f_dim, "")
    _to_url("severity", f_sev, "")
    shown = failing[failing["kind"].isin(kinds or [])]
    if f_table:
        shown = shown[shown["table_name"] == f_table]
    if f_dim:
        shown = shown[shown["dimension"] == f_dim]
    if f_sev:
        shown = shown[shown["severity"] == f_sev]
    open_ids = {r["expectation_id"]: r["incident_id"] for r in queries.incidents(ctx.home, "open")} \
        if "incidents" in queries.available(ctx.home)["res"] else {}
    view = pd.DataFrame({
        t("quality.col_severity"): [t(f"severity.{s}") for s in shown["severity"]],
        t("quality.col_table"): shown["table_name"],
        t("quality.col_column"): shown["column_name"].fillna("—"),
        t("quality.col_dimension"): [t(f"dimension.{d}") for d in shown["dimension"]],
        t("quality.col_check"): [ui.check_text(ctx.home, e, d) if isinstance(d, str) else x for e, d, x in
                                 zip(shown["expectation_id"], shown["description"], shown["expectation_type"],
                                     strict=True)],
        t("quality.col_unexpected"): shown["unexpected_count"],
        t("quality.col_unexpected_pct"): shown["unexpected_percent"],
        t("quality.col_rows"): shown["element_count"],
        "id": shown["expectation_id"],
        t("quality.col_incident"): [f"incidents?id={open_ids[e]}" if e in open_ids else None
                                    for e in shown["expectation_id"]],
    })
    st.dataframe(
        view, hide_index=True, width="stretch",
        column_config={
            t("quality.col_unexpected"): st.column_config.NumberColumn(format="localized"),
            t("quality.col_rows"): st.column_config.NumberColumn(format="localized"),
            t("quality.col_unexpected_pct"): st.column_config.NumberColumn(format="%.1f%%"),
            t("quality.col_incident"): st.column_config.LinkColumn(display_text=r"incidents\?id=(.*)"),
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
                  f"{ui.check_text(ctx.home, r.expectation_id, r.description) if r.description else r.expectation_type}"
                  for r in options.itertuples()}
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
                       mime="application/zip", icon=":material/download:", key="docs_zip", on_click="ignore")
