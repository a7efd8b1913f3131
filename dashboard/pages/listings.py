"""Listing quality: score distributions by category and seller; worst listings (role permitting)."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import audit, queries, ui
from dashboard.ui import fmt_int, fmt_num, fmt_pct, fmt_ts, t
from governance.privacy import scrub_text

ctx = ui.page("listings")
st.title(t("listings.title"))

if not queries.available(ctx.home)["warehouse"]:
    ui.empty_state("no_warehouse")
    st.stop()
summary = queries.listing_summary(ctx.home)
if not summary:
    ui.empty_state("no_listing_run")
    st.stop()

run = summary["run"]
cols = st.columns(4)
cols[0].metric(t("listings.scored"), fmt_int(run["n_scored"]), border=True)
cols[1].metric(t("listings.flagged"), fmt_int(run["n_flagged"]),
               help=t("listings.flagged_help", threshold=fmt_num(run["threshold"])), border=True)
cols[2].metric(t("listings.flagged_share"),
               fmt_pct(run["n_flagged"] / run["n_scored"] if run["n_scored"] else None), border=True)
cols[3].metric(t("listings.threshold_metric"), fmt_num(run["threshold"]),
               help=t("listings.model_help", model=str(run["model_version"]), when=fmt_ts(run["scored_at"])),
               border=True)

by_cat = summary["by_category"].copy()
by_cat["label"] = [
    (r.get("category_name_zh") if ui.lang() == "zh" and isinstance(r.get("category_name_zh"), str)
     else r.get("category_name") if isinstance(r.get("category_name"), str) else r["category_id"])
    or "—" for r in by_cat.to_dict("records")
]

left, right = st.columns(2)
with left:
    st.subheader(t("listings.histogram_title"))
    hist = summary["histogram"]
    fig = go.Figure()
    for flagged, name, color in ((False, t("listings.not_flagged"), "#1a73e8"), (True, t("listings.flagged"), "#d93025")):
        part = hist[hist["flagged"] == flagged]
        fig.add_trace(go.Bar(x=part["bin"] + 0.025, y=part["listings"], name=name, marker_color=color, width=0.048))
    fig.add_vline(x=float(run["threshold"]), line_dash="dash", line_color="#5f6368",
                  annotation_text=t("listings.threshold"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("listings.score_axis"), range=[0, 1])
    fig.update_yaxes(title=t("listings.count_axis"),
                     **ui.count_axis(hist.groupby("bin")["listings"].sum().max() if not hist.empty else None))
    ui.chart(ui.style_figure(fig), key="histogram")
with right:
    st.subheader(t("listings.category_title"))
    top = by_cat.head(15)
    fig = go.Figure()
    for r in top.to_dict("records"):
        fig.add_trace(go.Box(
            y=[r["label"]], q1=[r["q1"]], median=[r["median"]], q3=[r["q3"]], lowerfence=[r["p05"]],
            upperfence=[r["p95"]], mean=[r["mean_score"]], orientation="h", showlegend=False,
            marker_color="#1a73e8", name=r["label"],
            hovertemplate=f"{html.escape(str(r['label']))}<br>" + t("listings.box_hover", n=fmt_int(r["listings"]),
                                                               flagged=fmt_int(r["flagged"])) + "<extra></extra>",
        ))
    fig.update_xaxes(title=t("listings.score_axis"), range=[0, 1])
    fig.update_yaxes(autorange="reversed")
    ui.chart(ui.style_figure(fig, height=max(260, 28 * len(top) + 80)), key="categories")

left, right = st.columns(2)
with left:
    st.subheader(t("listings.seller_title"))
    sellers = summary["by_seller"].head(15)
    fig = go.Figure(go.Bar(
        y=sellers["seller_id"], x=sellers["flagged"], orientation="h", marker_color="#e8710a",
        text=[f"{fmt_int(f)} / {fmt_int(n)} · {fmt_pct(s)}" for f, n, s in
              zip(sellers["flagged"], sellers["listings"], sellers["flagged_share"], strict=True)],
        textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(title=t("listings.flagged_count"), **ui.count_axis(sellers["flagged"].max()))
    ui.chart(ui.style_figure(fig, height=max(260, 26 * len(sellers) + 80)), key="sellers")
with right:
    st.subheader(t("listings.reasons_title"))
    reasons = summary["reasons"]
    if reasons.empty:
        st.caption(t("listings.no_reasons"))
    else:
        fig = go.Figure(go.Bar(y=reasons["code"], x=reasons["listings"], orientation="h", marker_color="#a142f4",
                               text=[fmt_int(v) for v in reasons["listings"]], textposition="outside",
                               cliponaxis=False))
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(**ui.count_axis(reasons["listings"].max()))
        ui.chart(ui.style_figure(fig, height=max(260, 26 * len(reasons) + 80)), key="reasons")

# ------------------------------------------------------------------ worst listings (row-level)
st.subheader(t("listings.worst_title"))
if not ctx.can("view_rows"):
    st.caption(t("listings.worst_need_role"))
    st.stop()

label_of = dict(zip(by_cat["category_id"], by_cat["label"], strict=True))
f1, f2, f3, f4, f5 = st.columns([3, 2, 2, 1, 1])
categories = f1.multiselect(t("listings.filter_category"), by_cat["category_id"].tolist(),
                            format_func=lambda c: label_of.get(c, c), key="listing_categories",
                            placeholder=t("listings.all_categories"))
seller = f2.text_input(t("listings.filter_seller"), key="listing_seller")
min_score = f3.slider(t("listings.filter_min_score"), 0.0, 1.0, 0.0, 0.05, key="listing_min_score")
flagged_only = f4.toggle(t("listings.filter_flagged"), value=True, key="listing_flagged")
limit = f5.selectbox(t("listings.show_rows"), [10, 25, 50, 100, 200], index=1, key="listing_limit")
rows = queries.listing_rows(ctx.home, categories=tuple(categories), seller=seller, min_score=min_score,
                            flagged_only=flagged_only, limit=limit)
audit_key = ("listings", tuple(categories), seller, min_score, flagged_only, queries.data_version(ctx.home))
if st.session_state.get("_listings_audited") != audit_key:
    audit.log_access(ctx.home, ctx.user, ctx.role, "view_listing_rows", "listing_scores",
                     categories=list(categories), seller=seller, min_score=min_score,
                     flagged_only=flagged_only, rows=len(rows))
    st.session_state["_listings_audited"] = audit_key

if rows.empty:
    st.info(t("listings.no_match"), icon=":material/filter_alt_off:")
else:
    st.caption(t("listings.worst_caption", n=fmt_int(len(rows))))
    body = []
    for r in rows.to_dict("records"):
        raw_title = r["title"] if isinstance(r["title"], str) and r["title"].strip() else None
        title = (ui.highlight_tokens(scrub_text(raw_title), r["top_tokens"]) if raw_title
                 else f"<i style='color:#9aa0a6'>{html.escape(t('listings.no_title'))}</i>")
        reasons_html = "".join(
            f"<li>{html.escape(scrub_text(str(x.get('message') or x.get('code'))))}</li>" for x in r["reasons"]
        ) or "<li>—</li>"
        badge = "#d93025" if r["flagged"] else "#5f6368"
        body.append(
            f"<tr><td><b style='color:{badge}'>{fmt_num(r['low_quality_score'])}</b></td>"
            f"<td>{title}<br><small style='color:#5f6368'>{html.escape(str(r['product_id']))} · "
            f"{html.escape(str(r['seller_id']))} · {html.escape(str(label_of.get(r['category_id'], r['category_id'])))}"
            f"</small></td><td><ul style='margin:0;padding-left:1.1em'>{reasons_html}</ul></td>"
            f"<td>{fmt_pct(r['clarity_score'])}</td><td>{fmt_pct(r['conciseness_score'])}</td></tr>"
        )
    st.markdown(
        "<table style='width:100%;font-size:0.9rem'><thead><tr>"
        f"<th>{t('listings.col_score')}</th><th>{t('listings.col_title')}</th><th>{t('listings.col_reasons')}</th>"
        f"<th>{t('listings.col_clarity')}</th><th>{t('listings.col_conciseness')}</th></tr></thead><tbody>"
        + "".join(body) + "</tbody></table>",
        unsafe_allow_html=True,
    )

if ctx.can("export_rows"):
    def _csv() -> bytes:
        full = queries.listing_rows(ctx.home, categories=tuple(categories), seller=seller, min_score=min_score,
                                    flagged_only=flagged_only, limit=100_000)
        out = pd.DataFrame({
            "product_id": full["product_id"], "seller_id": full["seller_id"], "sku": full["sku"],
            "category_id": full["category_id"], "title": full["title"].map(scrub_text),
            "low_quality_score": full["low_quality_score"].round(4),
            "clarity_score": full["clarity_score"].round(4),
            "conciseness_score": full["conciseness_score"].round(4), "flagged": full["flagged"],
            "reasons": full["reasons"].map(lambda rs: "; ".join(str(x.get("code")) for x in rs)),
        })
        audit.log_access(ctx.home, ctx.user, ctx.role, "export_listing_rows", "listing_scores",
                         categories=list(categories), seller=seller, min_score=min_score,
                         flagged_only=flagged_only, rows=len(out))
        return out.to_csv(index=False).encode("utf-8")

    st.download_button(t("listings.export"), data=_csv, file_name="shopgov-listings.csv", mime="text/csv",
                       icon=":material/download:", key="listings_csv", on_click="ignore")
