"""Sites: each site's newest bundle and the organisation's level, capped by its weakest site."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.ui import t
from governance.sites import list_sites, organisation_view

ctx = ui.page("sites")
st.title(t("sites.title"))
st.caption(t("sites.caption"))

sites = [s for s in list_sites(ctx.home) if s["sequence"] is not None]
org = organisation_view(ctx.home)
if not sites:
    st.info(t("sites.none"), icon=":material/info:")
    st.stop()


def _level(v: object) -> str:
    return "—" if v is None else f"L{v}"


a, b, c = st.columns(3)
a.metric(t("sites.n_sites"), len(sites))
b.metric(t("sites.org_level"), _level(org["overall_level"]))
c.metric(t("sites.capped_by"), ", ".join(org["overall_capped_by"]) or "—")

st.subheader(t("sites.sites_title"))
st.dataframe(pd.DataFrame([{
    t("sites.col_site"): s["site_id"], t("sites.col_bundle"): f"#{s['sequence']}",
    t("sites.col_created"): s["created_at"], t("sites.col_checks"): s["checks"],
    t("sites.col_failed"): s["failed_checks"], t("sites.col_level"): _level(s["overall_level"]),
    t("sites.col_epsilon"): s["epsilon"], t("sites.col_config"): (s["config_sha256"] or "")[:12],
} for s in sites]), hide_index=True, width="stretch")

st.subheader(t("sites.domains_title"))
st.dataframe(pd.DataFrame([{
    t("sites.col_domain"): ui.localized_name(d), t("sites.col_org"): _level(d["level"]),
    t("sites.capped_by"): ", ".join(d["capped_by"]),
    **{s: _level(d["sites"].get(s, {}).get("level")) for s in org["sites"]},
} for d in org["domains"]]), hide_index=True, width="stretch")
