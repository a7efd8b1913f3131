"""Personal data: what the PII scanner found in the warehouse, and who read row-level data.

Reads results ``pii_findings`` (written by ``shopgov check``) through the frame readers of
:mod:`governance.results_schema`. Viewers see counts by kind, table and severity; analysts
(``view_rows``) also the findings with the scanner's masked excerpts (audited); admins
(``manage_users``) also the access audit log (``logs/access_audit.jsonl``), newest first.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from dashboard import audit, queries, ui
from dashboard.ui import fmt_int, t
from governance import results_schema as rs
from governance.privacy import scrub_text
from governance.vocabulary import SEVERITIES

ctx = ui.page("personal_data")
st.title(t("personal_data.title"))
st.caption(t("personal_data.caption"))


def _severity(s: object) -> str:
    return t(f"severity.{s}") if s in SEVERITIES else str(s)


def _counts(df: pd.DataFrame, by: str, label: str) -> pd.DataFrame:
    g = df.groupby(by, dropna=False)[["findings", "n_values"]].sum().reset_index()
    g = g.sort_values(["findings", by], ascending=[False, True])
    return pd.DataFrame({label: g[by].map(_severity) if by == "severity" else g[by].astype(str),
                         t("personal_data.col_findings"): g["findings"].astype(int),
                         t("personal_data.col_values"): g["n_values"].astype(int)})


if not queries.has(ctx.home, "res", "pii_findings"):
    st.info(t("personal_data.empty"), icon=":material/info:")
    summary = pd.DataFrame()
else:
    summary = queries.results(ctx.home, rs.pii_summary_frame)

if not summary.empty:
    open_ = summary[summary["status"] == "open"]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("personal_data.open_findings"), fmt_int(int(open_["findings"].sum())), border=True)
    c2.metric(t("personal_data.high_findings"),
              fmt_int(int(open_[open_["severity"].isin(["critical", "high"])]["findings"].sum())), border=True)
    c3.metric(t("personal_data.tables"), fmt_int(open_["table_name"].nunique()), border=True)
    c4.metric(t("personal_data.kinds"), fmt_int(open_["kind"].nunique()), border=True)
    left, mid, right = st.columns(3)
    for col, by, label in ((left, "kind", t("personal_data.col_kind")),
                           (mid, "table_name", t("personal_data.col_table")),
                           (right, "severity", t("personal_data.col_severity"))):
        with col:
            st.subheader(t(f"personal_data.by_{by.split('_')[0]}"))
            st.dataframe(_counts(open_, by, label), hide_index=True, width="stretch")
    statuses = summary.groupby("status")["findings"].sum()
    st.caption(t("personal_data.statuses", summary=", ".join(f"{k}: {int(v)}" for k, v in statuses.items())))
elif queries.has(ctx.home, "res", "pii_findings"):
    st.success(t("personal_data.none_found"), icon=":material/check_circle:")

st.subheader(t("personal_data.findings_title"))
if not ctx.can("view_rows"):
    st.info(t("personal_data.rows_for_analysts"), icon=":material/lock:")
elif not summary.empty:
    rows = queries.results(ctx.home, rs.pii_findings_frame)
    shown = pd.DataFrame({
        t("personal_data.col_table"): rows["table_name"],
        t("personal_data.col_column"): rows["column_name"],
        t("personal_data.col_kind"): rows["kind"],
        t("personal_data.col_severity"): rows["severity"].map(_severity),
        t("personal_data.col_status"): rows["status"],
        t("personal_data.col_values"): rows["n_values"].fillna(0).astype(int),
        t("personal_data.col_excerpt"): rows["excerpt"].map(scrub_text),  # masked by the scanner; belt and braces
    })
    audit.log_access(ctx.home, ctx.user, ctx.role, "view_pii_findings", "pii_findings", rows=len(shown))
    st.dataframe(shown, hide_index=True, width="stretch")

if ctx.can("manage_users"):
    st.subheader(t("personal_data.audit_title"))
    records = list(reversed(audit.read_audit(ctx.home, limit=1000)))
    if not records:
        st.info(t("personal_data.audit_empty"), icon=":material/info:")
    else:
        log = pd.DataFrame({
            t("personal_data.col_when"): [r.get("ts", "") for r in records],
            t("personal_data.col_user"): [r.get("user", "") for r in records],
            t("personal_data.col_role"): [r.get("role", "") for r in records],
            t("personal_data.col_action"): [r.get("action", "") for r in records],
            t("personal_data.col_target"): [scrub_text(str(r.get("target", ""))) for r in records],
            t("personal_data.col_detail"): [scrub_text(json.dumps(r.get("detail", {}), ensure_ascii=False, default=str))
                                            for r in records],
        })
        st.caption(t("personal_data.audit_caption", n=len(records)))
        st.dataframe(log, hide_index=True, width="stretch")
