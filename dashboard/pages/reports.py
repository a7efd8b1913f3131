"""Reports: download HTML / PDF / JSON reports; render fresh ones; admins run checks now.

Which files a role sees is decided by :func:`governance.access.visible_reports` from the
reports manifest (the audience recorded when each file was written), never by file name.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from dashboard import audit, jobs, queries, ui
from dashboard.ui import fmt_int, fmt_ts, t
from governance.access import visible_reports

ctx = ui.page("reports")
st.title(t("reports.title"))

FORMATS = {"html": "text/html", "pdf": "application/pdf", "json": "application/json"}
JOB_KINDS = {"check": ["check"], **{f"report-{f}": ["report", "--format", f] for f in FORMATS}}

# ------------------------------------------------------------------ downloads
st.subheader(t("reports.available"))
ROWS_SUFFIX = "-rows"  # a readable file name for renders with row samples (the manifest decides who sees them)

reports = visible_reports(ctx.home, ctx.role, ctx.policy)
if not reports:
    ui.empty_state("no_reports")
else:
    for r in reports:
        p, fmt = r.path, r.format
        info, button = st.columns([4, 1], vertical_alignment="center")
        stat = p.stat()
        tag = (f" · :orange[{t('reports.unlisted')}]" if r.entry is None
               else f" · {t('reports.rows_badge')}" if r.row_samples else "")
        info.markdown(f"**{p.name}** · {fmt.upper()} · {fmt_int(stat.st_size // 1024 or 1)} KB · "
                      f"{fmt_ts(datetime.fromtimestamp(stat.st_mtime, UTC).replace(tzinfo=None))} UTC{tag}")

        def _read(path=p, rows=r.row_samples) -> bytes:
            audit.log_access(ctx.home, ctx.user, ctx.role, "download_report", path.name, row_samples=rows)
            return path.read_bytes()

        button.download_button(t("reports.download"), data=_read, file_name=p.name, mime=FORMATS[fmt],
                               icon=":material/download:", key=f"dl_{p.name}", width="stretch",
                               disabled=not ctx.can("download_reports"), on_click="ignore")


if ctx.can("view_rows"):
    st.caption(t("reports.rows_note"))

# ------------------------------------------------------------------ background jobs
def _start(kind: str) -> None:
    args = list(JOB_KINDS[kind])
    if kind.startswith("report-"):
        # masked row samples go in only for roles that may see them; the manifest records the audience
        fmt = kind.split("-", 1)[1]
        rows = ctx.can("view_rows") and fmt != "json"
        name = f"assessment{ROWS_SUFFIX if rows else ''}.{fmt}"
        args += ["--role", ctx.role, "--output", str(ctx.home.reports / name)]
    job = jobs.start(ctx.home, kind, args, ctx.user)
    audit.log_access(ctx.home, ctx.user, ctx.role, "start_job", kind, job_id=job.id)
    st.session_state["_last_job"] = job.id


def _outcome(job: jobs.Job) -> str:
    """A finished job's result in the interface language; a running one's last output line."""
    done = jobs.summary(job)
    if done is None:
        return job.last_line
    key, values = done
    return t(f"jobs.{key}", **{k: fmt_int(v) if isinstance(v, int) else v for k, v in values.items()})


if ctx.can("generate_reports") or ctx.can("run_checks"):
    st.subheader(t("reports.actions"))
    av = queries.available(ctx.home)
    cols = st.columns(4)
    if ctx.can("generate_reports"):
        for col, fmt in zip(cols[:3], FORMATS, strict=True):
            col.button(t("reports.render", fmt=fmt.upper()), key=f"render_{fmt}", icon=":material/refresh:",
                       on_click=_start, args=(f"report-{fmt}",), width="stretch",
                       disabled=not av["results"])
    if ctx.can("run_checks"):
        cols[3].button(t("reports.run_checks"), key="run_checks", icon=":material/play_arrow:", type="primary",
                       on_click=_start, args=("check",), width="stretch", disabled=not av["warehouse"],
                       help=t("reports.run_checks_help"))
    if not av["warehouse"]:
        ui.empty_state("no_warehouse")

    @st.fragment(run_every="2s")
    def _job_panel() -> None:
        recent = jobs.list_jobs(ctx.home, limit=8)
        if not recent:
            st.caption(t("reports.no_jobs"))
            return
        running = [j for j in recent if j.status == "running"]
        was_running = st.session_state.get("_running_jobs", set())
        st.session_state["_running_jobs"] = {j.id for j in running}
        if was_running - {j.id for j in running}:
            st.rerun(scope="app")  # a job finished: refresh the report list and the cached results
        for j in running:
            label = t("reports.job_running", kind=t(f"jobs.kind_{j.kind}"), user=j.user)
            st.progress(j.progress or 0.0, text=f"{label} — {j.last_line or '…'}")
        table = pd.DataFrame([{
            t("reports.col_job"): t(f"jobs.kind_{j.kind}"), t("reports.col_started"): fmt_ts(j.started_at),
            t("reports.col_user"): j.user, t("reports.col_status"): t(f"jobs.{j.status}"),
            t("reports.col_exit"): "—" if j.exit_code is None else str(j.exit_code),
            t("reports.col_output"): _outcome(j),
        } for j in recent])
        st.dataframe(table, hide_index=True, width="stretch")
        last = st.session_state.get("_last_job")
        if last and not running:
            job = jobs.load(ctx.home, last)
            if job and job.status != "running":
                (st.success if job.status in ("done", "failed") else st.error)(
                    t(f"reports.job_finished_{'ok' if job.status in ('done', 'failed') else 'error'}",
                      kind=t(f"jobs.kind_{job.kind}"), status=t(f"jobs.{job.status}"),
                      code=job.exit_code if job.exit_code is not None else "—")
                    + (f"  \n{_outcome(job)}" if jobs.summary(job) else "")
                )
                with st.expander(t("reports.job_log")):
                    st.code(jobs.log_text(ctx.home, job.id)[-6000:] or "—", language=None)

    st.subheader(t("reports.jobs"))
    _job_panel()
else:
    st.caption(t("reports.viewer_note"))
