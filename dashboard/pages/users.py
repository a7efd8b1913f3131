"""Users (admin only): accounts, roles, passwords."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import audit, ui, users
from dashboard.ui import t
from governance.errors import ShopgovError

ctx = ui.page("users")
st.title(t("users.title"))

rules = ctx.policy
accounts = users.load_users(ctx.home)
st.dataframe(pd.DataFrame([{
    t("users.col_name"): u.name, t("users.col_role"): ui.role_label(u.role),
    t("users.col_created"): ui.fmt_ts(u.created_at), t("users.col_updated"): ui.fmt_ts(u.updated_at),
} for u in accounts.values()]), hide_index=True, width="stretch")
with st.expander(t("users.roles_title")):
    for role, actions in rules.roles.items():
        st.markdown(f"**{ui.role_label(role)}** — " + ", ".join(t(f"actions.{a}") for a in sorted(actions)))


def _done(message: str, action: str, target: str) -> None:
    audit.log_access(ctx.home, ctx.user, ctx.role, action, target)
    st.session_state["_users_msg"] = message


msg = st.session_state.pop("_users_msg", None)
if msg:
    st.success(msg, icon=":material/check_circle:")

add, edit = st.columns(2)
with add, st.form("user_add", clear_on_submit=True):
    st.subheader(t("users.add_title"))
    name = st.text_input(t("users.col_name"), key="add_name")
    role = st.selectbox(t("users.col_role"), list(rules.roles), format_func=ui.role_label,
                        key="add_role")
    pw1 = st.text_input(t("users.password"), type="password", key="add_pw1")
    pw2 = st.text_input(t("users.password_again"), type="password", key="add_pw2")
    if st.form_submit_button(t("users.add_button"), icon=":material/person_add:"):
        try:
            if pw1 != pw2:
                raise ShopgovError(t("users.mismatch"))
            users.add_user(ctx.home, name.strip(), role, pw1)
            _done(t("users.added", name=name.strip()), "add_user", name.strip())
            st.rerun()
        except ShopgovError as e:
            st.error(str(e))

with edit:
    st.subheader(t("users.edit_title"))
    target = st.selectbox(t("users.col_name"), list(accounts), key="edit_name")
    if target:
        with st.form("user_role"):
            new_role = st.selectbox(t("users.col_role"), list(rules.roles), index=list(rules.roles).index(
                accounts[target].role) if accounts[target].role in rules.roles else 0,
                format_func=ui.role_label, key="edit_role")
            if st.form_submit_button(t("users.role_button")):
                try:
                    users.set_role(ctx.home, target, new_role)
                    _done(t("users.role_changed", name=target), "set_role", target)
                    st.rerun()
                except ShopgovError as e:
                    st.error(str(e))
        with st.form("user_passwd", clear_on_submit=True):
            np1 = st.text_input(t("users.password"), type="password", key="edit_pw1")
            np2 = st.text_input(t("users.password_again"), type="password", key="edit_pw2")
            if st.form_submit_button(t("users.passwd_button")):
                try:
                    if np1 != np2:
                        raise ShopgovError(t("users.mismatch"))
                    users.set_password(ctx.home, target, np1)
                    _done(t("users.passwd_changed", name=target), "set_password", target)
                    st.rerun()
                except ShopgovError as e:
                    st.error(str(e))
        confirm = st.checkbox(t("users.remove_confirm", name=target), key="remove_confirm",
                              disabled=target == ctx.user)
        if st.button(t("users.remove_button"), icon=":material/person_remove:", disabled=not confirm
                     or target == ctx.user, key="remove_user"):
            try:
                users.remove_user(ctx.home, target)
                _done(t("users.removed", name=target), "remove_user", target)
                st.rerun()
            except ShopgovError as e:
                st.error(str(e))
