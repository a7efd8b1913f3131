"""The login form, the logged-in session and the signed "remember me" cookie.

The session (``st.session_state['user']``) is re-validated on every run: removing a user,
changing the role or the password, or signing out takes effect at the next click. The
cookie holds only a signed, timestamped token (itsdangerous, HMAC-SHA1 keyed with the cookie
key) naming the user, a fingerprint of the password hash and a server-side session
(:mod:`dashboard.sessions`) that sign-out revokes.
"""

from __future__ import annotations

import json
import math

import streamlit as st

from . import audit, auth, ui
from .users import load_users


def _session_user(user, token: str) -> dict:
    # the token stays on the server (session state); it is re-checked on every run
    return {"name": user.name, "role": user.role, "tok": token}


def current_user() -> dict | None:
    """The logged-in user of this session (from the session or a valid cookie), or None.

    Every run re-checks the session's token (:func:`dashboard.auth.user_from_token`): a
    removed user, a changed password, a sign-out elsewhere or an idle session ends it.
    """
    home = ui.home()
    session = st.session_state.get("user")
    if session:
        user = auth.user_from_token(home, session.get("tok"))
        if user is None:
            st.session_state.pop("user", None)
            return None
        if user.role != session["role"]:
            session = _session_user(user, session["tok"])
            st.session_state["user"] = session
        return session
    if st.session_state.get("logged_out"):
        return None
    token = st.context.cookies.get(auth.COOKIE_NAME)
    user = auth.user_from_token(home, token)
    if user is None:
        return None
    session = _session_user(user, token)
    st.session_state["user"] = session
    return session


def _cookie_script(value: str, max_age: int, secure: bool) -> str:
    """JavaScript that sets the login cookie in the browser.

    Streamlit gives a page no way to send a ``Set-Cookie`` header, so the cookie cannot be
    HttpOnly: a script on the page could read it. What limits the damage is on the server:
    the token names a session that sign-out revokes and that ends after 12 idle hours or
    24 hours at most (:mod:`dashboard.sessions`). ``Secure`` is set whenever the dashboard is
    served over HTTPS (on plain http a Secure cookie would be dropped); ``SameSite=Strict``
    always.
    """
    attrs = f"path=/; max-age={max_age}; SameSite=Strict" + ("; Secure" if secure else "")
    return "<script>document.cookie = " + json.dumps(f"{auth.COOKIE_NAME}={value}; {attrs}") + ";</script>"


def _https() -> bool:
    url = st.context.url or ""
    proto = (st.context.headers.get("X-Forwarded-Proto") or "").lower()
    return url.startswith("https://") or proto == "https"


def sync_cookie() -> None:
    """Write or clear the login cookie in the browser when a login or logout asked for it."""
    token = st.session_state.pop("_set_cookie", None)
    if token:
        st.html(_cookie_script(token, auth.SESSION_MAX_AGE, _https()), unsafe_allow_javascript=True)
    if st.session_state.pop("_clear_cookie", False):
        st.html(_cookie_script("", 0, _https()), unsafe_allow_javascript=True)


def logout() -> None:
    """Sign out: the session ends on the server (its token is refused from now on, anywhere)."""
    user = st.session_state.pop("user", None)
    if user:
        auth.revoke_token(ui.home(), user.get("tok"))
        audit.log_access(ui.home(), user["name"], user["role"], "logout")
    st.session_state["logged_out"] = True
    st.session_state["_clear_cookie"] = True


def login_page() -> None:
    """The only page an anonymous visitor can reach."""
    home = ui.home()
    sync_cookie()
    _, mid, _ = st.columns([1, 2, 1])
    with mid:
        top = st.columns([3, 2])
        top[0].title(ui.t("app.title"))
        with top[1]:
            ui.language_switch()
        st.caption(ui.t("auth.subtitle"))
        with st.form("login", clear_on_submit=False):
            name = st.text_input(ui.t("auth.username"), key="login_name")
            password = st.text_input(ui.t("auth.password"), type="password", key="login_password")
            submitted = st.form_submit_button(ui.t("auth.sign_in"), type="primary", width="stretch")
        if not load_users(home):
            st.warning(ui.t("auth.no_users"), icon=":material/person_off:")
        if not submitted:
            return
        attempt = auth.attempt_login(home, name, password, client=st.context.ip_address)
        if attempt.retry_after > 0:
            audit.log_access(home, (name or "").strip()[:64] or None, None, "login_locked")
            st.error(ui.t("auth.locked", seconds=math.ceil(attempt.retry_after)))
            return
        user = attempt.user
        if user is None:
            audit.log_access(home, (name or "").strip()[:64] or None, None, "login_failed")
            st.error(ui.t("auth.invalid"))
            return
        st.session_state.pop("logged_out", None)
        token = auth.issue_token(home, user)
        st.session_state["user"] = _session_user(user, token)
        st.session_state["_set_cookie"] = token
        audit.log_access(home, user.name, user.role, "login")
        st.rerun()
