"""Assessment: each domain's level and why it is not at the next one; questionnaire; recompute."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import audit, queries, ui
from dashboard.ui import fmt_num, fmt_pct, fmt_ts, t
from governance.errors import ShopgovError

ctx = ui.page("assessment")
head, action = st.columns([5, 1], vertical_alignment="bottom")
head.title(t("assessment.title"))

if not queries.available(ctx.home)["warehouse"]:
    ui.empty_state("no_warehouse")
    st.stop()


def _loc(node: dict, key: str = "name") -> str:
    """A node's text in the interface language (``name_en``/``name_zh`` or ``message_en``...)."""
    zh, en = node.get(f"{key}_zh"), node.get(f"{key}_en")
    return str((zh if ui.lang() == "zh" and zh else en) or zh or "")


def _shown(node: dict) -> str:
    """An indicator value as the assessment wrote it, in the interface language (``display``/``display_zh``)."""
    zh = node.get("display_zh") if ui.lang() == "zh" else None
    return str(zh or node.get("display") or "—")


def _capped(domains: list[dict]) -> list[tuple[dict, str]]:
    """Domains whose level is held below their score's level by a gate or a cap, with what holds it."""
    out = []
    for d in domains:
        score_level = int(d.get("score_level") or d.get("level") or 1)
        if int(d.get("level") or 1) >= score_level:
            continue
        if int(d.get("gate_level") or 5) < score_level:
            failed = [g for g in d.get("gates") or [] if not g.get("passed")]
            what = t("assessment.gate_caps", level=d.get("gate_level"),
                     gate=", ".join(str(g.get("condition") or g.get("indicator")) for g in failed[:2]) or "—")
        else:
            what = t("assessment.cap_caps", level=d.get("cap_level"))
        out.append((d, what))
    return out


def _recompute() -> None:
    from assess.maturity import run_assessment

    try:
        with st.spinner(t("assessment.recomputing")):
            tree = run_assessment(ctx.home)
        audit.log_access(ctx.home, ctx.user, ctx.role, "recompute_assessment", tree["assessment_id"])
        st.session_state["_assess_msg"] = ("success", t("assessment.recomputed", level=tree["overall"]["level"],
                                                         score=fmt_num(tree["overall"]["score"])))
    except ShopgovError as e:
        st.session_state["_assess_msg"] = ("error", str(e))


msg = st.session_state.pop("_assess_msg", None)
if msg:
    (st.success if msg[0] == "success" else st.error)(msg[1])

data = queries.assessment(ctx.home)
latest = data.get("latest") if data else None
tree = (latest or {}).get("payload") or {}

if ctx.can("recompute_assessment"):
    action.button(t("assessment.recompute"), icon=":material/calculate:", on_click=_recompute,
                  key="recompute", width="stretch", disabled=not queries.available(ctx.home)["results"])

tab_domains, tab_recs, tab_questionnaire, tab_history = st.tabs(
    [t("assessment.tab_domains"), t("assessment.tab_recommendations"), t("assessment.tab_questionnaire"),
     t("assessment.tab_history")]
)

# ------------------------------------------------------------------ domains
with tab_domains:
    if not latest:
        ui.empty_state("no_assessment")
    else:
        overall = tree.get("overall", {})
        level = int(latest["overall_level"])
        cols = st.columns(4)
        cols[0].metric(t("overview.maturity_level"), f"L{level}", delta=t(f"levels.l{level}"), delta_color="off",
                       delta_arrow="off", border=True)
        capped = _capped(tree.get("domains") or [])
        cols[1].metric(t("overview.maturity_score"), t("assessment.score_of_5", score=fmt_num(latest["overall_score"])),
                       delta=t("assessment.capped_by", domains=", ".join(_loc(d) for d, _ in capped)) if capped
                       else None, delta_color="off", delta_arrow="off", help=t("assessment.score_axis_help"),
                       border=True)
        cols[2].metric(t("assessment.coverage"), fmt_pct(overall.get("coverage")),
                       help=t("assessment.coverage_help"), border=True)
        cols[3].metric(t("assessment.assessed_at"), ui.fmt_date(latest["created_at"]),
                       delta=fmt_ts(latest["created_at"])[-5:] + " UTC", delta_color="off", delta_arrow="off",
                       border=True)
        disclaimer = tree.get("disclaimer") or {}
        st.caption(f"{latest.get('standard') or ''} · "
                   + str(disclaimer.get(ui.lang()) or disclaimer.get("en") or t("assessment.disclaimer")))
        if latest.get("provisional"):
            st.warning(t("overview.provisional"), icon=":material/hourglass_top:")

        domains = tree.get("domains") or []
        if domains:
            holds = dict((d["id"], what) for d, what in _capped(domains))
            fig = go.Figure()
            names = [_loc(d) for d in domains]
            scores = [float(d["score"]) for d in domains]
            fig.add_trace(go.Bar(y=names, x=[v - 1 for v in scores], base=1, orientation="h",
                                 name=t("assessment.score"), marker_color="#1a73e8",
                                 text=[f"L{d['level']} · {fmt_num(d['score'])}"
                                       + (f" · {holds[d['id']]}" if d["id"] in holds else "") for d in domains],
                                 textposition="auto",
                                 hovertemplate="%{y}: %{text}<extra></extra>"))
            fig.add_trace(go.Scatter(y=names, x=[d["target_level"] for d in domains], mode="markers",
                                     name=t("overview.target"),
                                     marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#188038"}}))
            for lvl in range(2, 6):  # a whole level is reached when the score reaches its threshold
                fig.add_vline(x=lvl, line={"color": "#9aa0a6", "width": 1, "dash": "dot"},
                              annotation_text=f"L{lvl}", annotation_position="top")
            fig.update_xaxes(range=[1, 5.05], dtick=1, title=t("assessment.score_axis"))
            fig.update_yaxes(autorange="reversed")
            ui.chart(ui.style_figure(fig, height=40 * len(domains) + 110), key="domain_bars")
            st.caption(t("assessment.thresholds_drawn"))
            for d, what in _capped(domains):
                st.markdown(f":material/lock: **{_loc(d)}** — {t('assessment.score')} {fmt_num(d['score'])} "
                            f"(L{d.get('score_level')}) → L{d['level']}: {what}")

        first_blocked = next((d["id"] for d in domains if int(d["level"]) < int(d["target_level"])), None)
        for d in domains:
            badge = " :material/hourglass_top:" if d.get("provisional") else ""
            title = (f"{_loc(d)} — L{d['level']} {_loc(d, 'level_name')} · {fmt_num(d['score'])} "
                     f"({t('assessment.target')} L{d['target_level']}){badge}")
            with st.expander(title, expanded=d["id"] == first_blocked):
                st.markdown(f"**{t('assessment.why_not_next', level=min(int(d['level']) + 1, 5))}**")
                blockers = d.get("blockers") or []
                if int(d["level"]) >= 5:
                    st.markdown(t("assessment.top_level"))
                elif not blockers:
                    st.markdown(t("assessment.no_blockers"))
                for b in blockers:
                    st.markdown(f"- {_loc(b, 'message')}")
                    for low in b.get("low_indicators") or []:
                        st.markdown(f"    - {_loc(low)}: {_shown(low)} "
                                    f"({t('assessment.indicator_score')} {fmt_num(low.get('score'))})")
                reasons = (d.get("provisional_reasons_zh") if ui.lang() == "zh" else None) or d.get("provisional_reasons")
                if reasons:
                    st.caption(t("assessment.provisional_because") + " " + "; ".join(map(str, reasons)))
                recs = d.get("recommendations") or []
                if recs:
                    st.markdown(f"**{t('assessment.recommendations')}**")
                    for r in recs[:3]:
                        st.markdown(f"{r.get('rank') or '•'}. {_loc(r, 'action') or '—'} "
                                    f"({ui.fmt_signed(r.get('score_gain'))} · "
                                    f"{t('assessment.level_gain', n=int(r.get('level_gain') or 0))})")
                rows = [{
                    t("assessment.col_item"): _loc(item), t("assessment.col_indicator"): _loc(ind),
                    t("assessment.col_value"): _shown(ind),
                    t("assessment.col_score"): ind.get("score"),
                    t("assessment.col_weight"): ind.get("weight"),
                    t("assessment.col_status"): t(f"assessment.status_{ind.get('status', 'no_evidence')}"),
                } for item in d.get("items") or [] for ind in item.get("indicators") or []]
                if rows:
                    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                                 column_config={t("assessment.col_score"): st.column_config.NumberColumn(format="%.2f")})

# ------------------------------------------------------------------ recommendations
with tab_recs:
    recs = tree.get("top_recommendations") or []
    if not recs:
        ui.empty_state("no_assessment" if not latest else "no_recommendations")
    else:
        st.dataframe(pd.DataFrame([{
            "#": r.get("rank"),
            t("assessment.col_domain"): (_loc(r, "domain") if r.get("domain_en") else r.get("domain")) or "—",
            t("assessment.col_action"): _loc(r, "action") or "—",
            t("assessment.col_score_gain"): ui.fmt_signed(r.get("score_gain")),
            t("assessment.col_level_gain"): f"+{int(r.get('level_gain') or 0)}",
        } for r in recs]), hide_index=True, width="stretch")

# ------------------------------------------------------------------ questionnaire
with tab_questionnaire:
    from assess.maturity import load_answers, load_model, save_answers
    from assess.maturity.questionnaire import (
        Answer,
        Answers,
        attach_evidence,
        default_answers_path,
        evidence_dir,
    )

    editable = ctx.can("edit_questionnaire")
    model = load_model()
    edir = evidence_dir(ctx.home)
    try:
        answers = load_answers(default_answers_path(ctx.home), model, edir)
    except ShopgovError as e:
        st.error(str(e))
        answers = Answers()
    total = sum(len(it.statements) for _, it in model.items)
    st.caption(t("assessment.q_intro", answered=answers.answered, total=total))
    if not editable:
        st.info(t("assessment.q_read_only"), icon=":material/lock:")

    if editable:
        with st.expander(t("assessment.evidence_upload"), icon=":material/upload_file:"):
            files = st.file_uploader(t("assessment.evidence_pick"), accept_multiple_files=True, key="evidence_files")
            if st.button(t("assessment.evidence_store"), disabled=not files, key="evidence_store"):
                stored = [attach_evidence(ctx.home, f.name, f.getvalue()) for f in files or []]
                audit.log_access(ctx.home, ctx.user, ctx.role, "upload_evidence", ",".join(stored))
                st.success(t("assessment.evidence_stored", files=", ".join(stored)))
    evidence_files = sorted(p.name for p in edir.iterdir() if p.is_file() and not p.name.startswith(".")) \
        if edir.exists() else []

    options = ["", "not", "partially", "largely", "fully"]
    domain = st.selectbox(t("assessment.q_domain"), [d.id for d in model.domains],
                          format_func=lambda i: _loc({"name_en": model.domain(i).en, "name_zh": model.domain(i).zh}),
                          key="q_domain")
    dom = model.domain(domain)
    with st.form(f"questionnaire_{domain}"):
        for item in dom.items:
            st.markdown(f"**{_loc({'name_en': item.en, 'name_zh': item.zh})}** `{item.id}`")
            for stmt in item.statements:
                current = answers.get(item.id, stmt.level)
                c1, c2, c3 = st.columns([5, 2, 3])
                c1.markdown(f"L{stmt.level} · {stmt.zh if ui.lang() == 'zh' else stmt.en}")
                c2.selectbox(t("assessment.q_answer"), options,
                             index=options.index(current.answer) if current else 0,
                             format_func=lambda o: t(f"answers.{o or 'blank'}"),
                             key=f"q_{item.id}_{stmt.level}", label_visibility="collapsed", disabled=not editable)
                c3.multiselect(t("assessment.q_evidence"), evidence_files,
                               default=[f for f in (current.evidence if current else ()) if f in evidence_files],
                               key=f"e_{item.id}_{stmt.level}", label_visibility="collapsed",
                               placeholder=t("assessment.q_evidence"), disabled=not editable)
        saved = st.form_submit_button(t("assessment.q_save"), icon=":material/save:", disabled=not editable)
    if saved and editable:
        merged = dict(answers.answers)
        for item in dom.items:
            for stmt in item.statements:
                value = st.session_state.get(f"q_{item.id}_{stmt.level}") or ""
                files = tuple(st.session_state.get(f"e_{item.id}_{stmt.level}") or ())
                old = merged.pop((item.id, stmt.level), None)
                if value:
                    merged[(item.id, stmt.level)] = Answer(item.id, stmt.level, value, files,
                                                           old.note if old else None)
        path = save_answers(ctx.home, Answers(answers=merged))
        audit.log_access(ctx.home, ctx.user, ctx.role, "edit_questionnaire", domain, answered=len(merged))
        st.success(t("assessment.q_saved", path=str(path)))

# ------------------------------------------------------------------ history
with tab_history:
    history = data.get("history") if data else None
    if history is None or history.empty:
        ui.empty_state("no_assessment")
    else:
        fig = go.Figure(go.Scatter(x=history["created_at"], y=history["overall_score"], mode="lines+markers",
                                   name=t("overview.maturity_score"),
                                   text=[f"L{v}" for v in history["overall_level"]]))
        fig.update_yaxes(range=[1, 5.05], dtick=1, title=t("assessment.score_axis"))
        for lvl in range(2, 6):
            fig.add_hline(y=lvl, line={"color": "#9aa0a6", "width": 1, "dash": "dot"},
                          annotation_text=f"L{lvl}", annotation_position="right")
        ui.date_axis(fig, history["created_at"].dt.normalize() if len(history) == 1 else None)
        ui.chart(ui.style_figure(fig, height=300), key="history")
