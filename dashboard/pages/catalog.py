"""Catalog & metadata: coverage of descriptions, owners, PII tags, SLAs, retention, lineage; tables with gaps."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import queries, ui
from dashboard.ui import fmt_int, fmt_pct, t
from governance.coverage import CHECKS

ctx = ui.page("catalog")
st.title(t("catalog.title"))

cat = queries.catalog(ctx.home)
if not cat:
    ui.empty_state("no_warehouse")
    st.stop()
if cat["tables"].empty:
    ui.empty_state("no_catalog")
    st.stop()

coverage, per_table = queries.catalog_coverage(ctx.home)
cols = st.columns(len(coverage))
for col, (key, share) in zip(cols, coverage.items(), strict=True):
    col.metric(t(f"catalog.cov_{key}"), fmt_pct(share), help=t(f"catalog.cov_{key}_help"), border=True)

left, right = st.columns([3, 2])
with left:
    st.subheader(t("catalog.per_table"))
    checks = list(CHECKS)
    z = [[float(v) for v in per_table[c]] for c in checks]
    fig = go.Figure(go.Heatmap(
        z=list(map(list, zip(*z, strict=True))), x=[t(f"catalog.chk_{c}") for c in checks],
        y=per_table["table_name"].tolist(),
        text=[[fmt_pct(v) for v in row] for row in zip(*z, strict=True)], texttemplate="%{text}",
        colorscale=[[0, "#d93025"], [0.5, "#fbbc04"], [1, "#188038"]], zmin=0, zmax=1,
        showscale=False, xgap=2, ygap=2, hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
    ))
    ui.chart(ui.style_figure(fig, height=300), key="coverage_heatmap")
with right:
    st.subheader(t("catalog.gaps_title"))
    gaps = per_table[per_table["gaps"].map(len) > 0]
    if gaps.empty:
        st.success(t("catalog.no_gaps"), icon=":material/check_circle:")
    else:
        for row in gaps.itertuples():
            st.markdown(f"**{row.table_name}** — " + ", ".join(t(f"catalog.chk_{g}") for g in row.gaps))
    meta = cat["metadata_checks"]
    if not meta.empty:
        failed = meta[~meta["success"].fillna(False).astype(bool)]
        st.markdown(f"**{t('catalog.metadata_checks')}**: "
                    + t("catalog.metadata_summary", passed=fmt_int(len(meta) - len(failed)), total=fmt_int(len(meta))))
        for row in failed.itertuples():
            st.markdown(f"- :red[{t(f'severity.{row.severity}')}] {ui.check_text(ctx.home, row.expectation_id, row.description)}"
                        f" ({fmt_int(row.unexpected_count)})")

st.subheader(t("catalog.tables_title"))
tables = cat["tables"]
view = pd.DataFrame({
    t("catalog.col_table"): tables["table_name"],
    t("catalog.col_description"): tables["description"],
    t("catalog.col_owner"): tables["owner"],
    t("catalog.col_steward"): tables["steward"],
    t("catalog.col_source"): tables["source_system"],
    t("catalog.col_sensitivity"): tables["sensitivity"],
    t("catalog.col_sla"): tables["freshness_sla_hours"],
    t("catalog.col_retention"): tables["retention_days"],
    t("catalog.col_key"): tables["key_columns"],
})
st.dataframe(view, hide_index=True, width="stretch",
             column_config={t("catalog.col_sla"): st.column_config.NumberColumn(format="%d h"),
                            t("catalog.col_retention"): st.column_config.NumberColumn(format="localized")})

st.subheader(t("catalog.columns_title"))
columns = cat["columns"]
table = st.selectbox(t("catalog.col_table"), tables["table_name"].tolist(), key="catalog_table")
part = columns[columns["table_name"] == table]
st.dataframe(pd.DataFrame({
    t("catalog.col_column"): part["column_name"],
    t("catalog.col_type"): part["data_type"],
    t("catalog.col_required"): part["required"],
    t("catalog.col_pii"): [t(f"pii.{p}") if isinstance(p, str) else "—" for p in part["pii_class"]],
    t("catalog.col_masked"): part["masked"],
    t("catalog.col_description"): part["description"],
}), hide_index=True, width="stretch")

st.subheader(t("catalog.lineage_title"))
lineage = cat["lineage"]
if lineage.empty:
    st.caption(t("catalog.no_lineage"))
else:
    nodes = sorted(set(lineage["upstream"]) | set(lineage["downstream"]))
    index = {n: i for i, n in enumerate(nodes)}
    known = set(tables["table_name"])
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": nodes, "pad": 18, "thickness": 16, "line": {"width": 0},
              "color": ["#1a73e8" if n in known else "#9aa0a6" for n in nodes]},
        link={"source": [index[u] for u in lineage["upstream"]],
              "target": [index[d] for d in lineage["downstream"]],
              "value": [1] * len(lineage), "label": lineage["transform"].fillna("").tolist(),
              "color": "rgba(26,115,232,0.18)"},
        textfont={"size": 13, "color": "#202124", "shadow": "none"},
    ))
    st.caption(t("catalog.lineage_legend"))
    ui.chart(ui.style_figure(fig, height=340), key="lineage")
