"""Label listings: the titles the model is least sure of first; analysts confirm, reject or relabel them.

Labels go to ``results.duckdb`` (``listing_labels``, with who and when) through
:mod:`assess.listing.labels`, and each one to the access audit log; ``shopgov train
--from-labels`` then fine-tunes on them.
"""

from __future__ import annotations

import json

import streamlit as st

from assess.listing import labels
from dashboard import audit, queries, ui
from dashboard.ui import fmt_int, fmt_num, fmt_ts, t
from governance.errors import ShopgovError
from governance.privacy import scrub_text
from governance.results_schema import latest_listing_run

QUEUE = 25  # titles shown at a time

ctx = ui.page("labels")
st.title(t("labels.title"))
st.caption(t("labels.intro"))

run = latest_listing_run(ctx.home)
if run is None:
    st.info(t("labels.empty"), icon=":material/info:")
    st.stop()
queue = labels.uncertain_flags(ctx.home, limit=QUEUE)
done = labels.labels_frame(ctx.home)

c = st.columns(3)
c[0].metric(t("labels.queue"), fmt_int(len(queue)) + ("+" if len(queue) == QUEUE else ""), border=True)
c[1].metric(t("labels.stored"), fmt_int(len(done)), border=True)
c[2].metric(t("labels.threshold"), fmt_num(run["threshold"]), help=t("labels.model", version=str(run["model_version"])),
            border=True)


def _title(value: object) -> str:
    return str(scrub_text(value)) if isinstance(value, str) else "—"


def _reasons(value: object) -> str:
    items = json.loads(value) if isinstance(value, str) else value or []
    return "; ".join(str(scrub_text(str(r.get("message") or r.get("code")))) for r in items) or "—"


if queue.empty:
    st.success(t("labels.all_done"), icon=":material/check_circle:")
else:
    audit_key = ("labels", queries.data_version(ctx.home), len(queue))
    if st.session_state.get("_labels_audited") != audit_key:  # titles are row-level data
        audit.log_access(ctx.home, ctx.user, ctx.role, "view_label_queue", "listing_scores", rows=len(queue))
        st.session_state["_labels_audited"] = audit_key
    st.subheader(t("labels.queue_title"))
    st.dataframe([{
        t("labels.col_rank"): i, t("labels.col_title"): _title(r["title"]),
        t("labels.col_score"): fmt_num(r["low_quality_score"]), t("labels.col_margin"): fmt_num(r["margin"]),
        t("labels.col_flagged"): bool(r["flagged"]), t("labels.col_reasons"): _reasons(r["reasons"]),
    } for i, r in enumerate(queue.to_dict("records"), start=1)], hide_index=True, width="stretch", key="lbl_queue")

    rows = {r["product_id"]: r for r in queue.to_dict("records")}
    pid = st.selectbox(t("labels.pick"), list(rows), index=0, key="lbl_pick",
                       format_func=lambda p: f"{fmt_num(rows[p]['low_quality_score'])} · {_title(rows[p]['title'])}")
    one = rows[pid]
    st.markdown(f"### {_title(one['title'])}")
    st.caption(f"{one['product_id']} · {one['seller_id']} · {_reasons(one['reasons'])}")
    st.markdown(t("labels.question", verdict=t("labels.says_flagged" if one["flagged"] else "labels.says_fine"),
                  score=fmt_num(one["low_quality_score"]), threshold=fmt_num(one["threshold"])))

    def _save(verdict: str, **kw) -> None:
        try:
            row = labels.record_label(ctx.home, pid, verdict, ctx.user, **kw)
        except ShopgovError as e:
            st.error(str(e))
            return
        audit.log_access(ctx.home, ctx.user, ctx.role, "label_listing", pid, verdict=verdict,
                         label_id=row["label_id"], clarity=row["clarity"], conciseness=row["conciseness"],
                         model_version=row["model_version"])
        st.session_state["_labels_saved"] = t("labels.saved", verdict=t(f"labels.v_{verdict}"), product=pid)
        st.rerun()

    b = st.columns(2)
    if b[0].button(t("labels.confirm"), key="lbl_confirm", icon=":material/flag:", width="stretch"):
        _save("confirm")
    if b[1].button(t("labels.reject"), key="lbl_reject", icon=":material/check:", width="stretch"):
        _save("reject")
    with st.form("lbl_form", clear_on_submit=True):
        st.markdown(f"**{t('labels.relabel')}**")
        f = st.columns(2)
        clarity = f[0].radio(t("labels.clarity"), [1, 0], key="lbl_clarity", horizontal=True,
                             format_func=lambda v: t("labels.clear" if v else "labels.not_clear"))
        concise = f[1].radio(t("labels.conciseness"), [1, 0], key="lbl_conciseness", horizontal=True,
                             format_func=lambda v: t("labels.concise" if v else "labels.not_concise"))
        note = st.text_input(t("labels.note"), key="lbl_note")
        if st.form_submit_button(t("labels.save")):
            _save("relabel", clarity=clarity, conciseness=concise, note=note.strip() or None)

saved = st.session_state.pop("_labels_saved", None)
if saved:
    st.toast(saved, icon=":material/check_circle:")

if not done.empty:
    st.subheader(t("labels.recent_title"))
    st.dataframe([{
        t("labels.col_at"): fmt_ts(r["labelled_at"]), t("labels.col_by"): r["labelled_by"],
        t("labels.col_verdict"): t(f"labels.v_{r['verdict']}"), t("labels.col_title"): _title(r["title"]),
        t("labels.col_labels"): f"{r['clarity']} / {r['conciseness']}",
    } for r in done.head(20).to_dict("records")], hide_index=True, width="stretch", key="lbl_recent")
