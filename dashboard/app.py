"""shopgov dashboard: ``streamlit run dashboard/app.py`` (or ``shopgov dashboard``).

Anonymous visitors get only the login page. After login the menu is built from the
user's role (``roles.yaml``); a page the role may not see is left out of the menu and its
URL shows a "not allowed" message instead of the page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    # `streamlit run dashboard/app.py` from a checkout that is not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import login, ui  # noqa: E402
from governance.access import load_policy  # noqa: E402

st.set_page_config(page_title="shopgov", page_icon="🛡️", layout="wide")

# (page name, icon, section) in menu order; the page file is pages/<name>.py.
PAGES = [
    ("overview", ":material/dashboard:", "governance"),
    ("incidents", ":material/crisis_alert:", "governance"),
    ("freshness", ":material/schedule:", "governance"),
    ("quality", ":material/fact_check:", "governance"),
    ("catalog", ":material/menu_book:", "governance"),
    ("personal_data", ":material/shield_person:", "governance"),
    ("listings", ":material/sell:", "assessment"),
    ("labels", ":material/label:", "assessment"),
    ("assessment", ":material/insights:", "assessment"),
    ("reports", ":material/description:", "assessment"),
    ("sites", ":material/hub:", "assessment"),
    ("anomalies", ":material/robot_2:", "assessment"),
    ("users", ":material/manage_accounts:", "admin"),
]
# Planned pages, shown disabled in the menu until their release.
PLANNED: list[tuple[str, str]] = []


def _sidebar(user: dict) -> None:
    with st.sidebar:
        st.markdown(f"**{ui.t('app.title')}** · {ui.t('app.tagline')}")
        st.caption(ui.t("auth.signed_in_as", user=user["name"], role=ui.role_label(user["role"])))
        ui.language_switch()
        if PLANNED:
            st.caption(ui.t("nav.planned"), help=ui.t("nav.planned_help"))
            st.markdown("  \n".join(f":gray[{icon} {ui.t(f'nav.{name}')}]" for name, icon in PLANNED))
        if st.button(ui.t("auth.sign_out"), icon=":material/logout:", key="logout"):
            login.logout()
            st.rerun()
        login.sync_cookie()


def _not_allowed_page(name: str):
    """A hidden page at ``/<name>`` saying the role may not open it (no data is read)."""

    def show() -> None:
        ui.not_allowed(name)

    show.__name__ = f"not_allowed_{name}"
    return show


def main() -> None:
    ui.apply_style()
    user = login.current_user()
    if user is None:
        nav = st.navigation([st.Page(login.login_page, title=ui.t("auth.sign_in"),
                                     icon=":material/login:", url_path="login")])
        nav.run()
        return
    sections: dict[str, list[st.Page]] = {}
    hidden: list[st.Page] = []
    policy = load_policy(ui.home())
    for name, icon, section in PAGES:
        if policy.can_see_page(user["role"], name):
            sections.setdefault(ui.t(f"nav.section_{section}"), []).append(
                st.Page(f"pages/{name}.py", title=ui.t(f"nav.{name}"), icon=icon,
                        url_path=name, default=(name == "overview"))
            )
        else:
            hidden.append(st.Page(_not_allowed_page(name), title=ui.t(f"nav.{name}"), icon=icon,
                                  url_path=name, visibility="hidden"))
    if hidden:  # in a section with visible pages, so no empty header shows
        sections.setdefault(next(iter(sections), ""), []).extend(hidden)
    nav = st.navigation(sections, expanded=True)  # every page in the menu, no "View more" fold
    _sidebar(user)
    nav.run()


main()
