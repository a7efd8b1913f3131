"""Shared pieces of the dashboard pages: the page guard, language, formatting, empty states."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from governance.access import Policy, load_policy
from governance.paths import Home, get_home

from . import i18n
from .i18n import fmt_int, fmt_num, fmt_pct, fmt_seconds, fmt_ts  # noqa: F401  (re-exported)

SEVERITY_COLORS = {"critical": "#b3261e", "high": "#e8710a", "medium": "#f9ab00", "low": "#7cb342"}
STATUS_ICONS = {"passed": ":material/check_circle:", "failed": ":material/error:",
                "error": ":material/report:"}
# Quality scores live near 100%: most of the colour range is spent above 90%.
SCORE_COLORS = [[0.0, "#d93025"], [0.9, "#f29900"], [0.97, "#fbbc04"], [0.995, "#a8dab5"], [1.0, "#188038"]]
PALETTE = ["#1a73e8", "#e8710a", "#9aa0a6", "#188038", "#a142f4", "#d93025", "#12b5cb"]


@dataclass(frozen=True)
class PageContext:
    home: Home
    user: str
    role: str
    policy: Policy  # the home's roles.yaml

    def can(self, action: str) -> bool:
        return self.policy.can(self.role, action)


def home() -> Home:
    """The home folder the dashboard serves (``$SHOPGOV_HOME``, set by ``shopgov dashboard``)."""
    return get_home()


def lang() -> str:
    value = st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def t(key: str, **values: Any) -> str:
    return i18n.translate(key, lang(), **values)


def role_label(role: str) -> str:
    """A role's name in the interface language (a team's own role: its name as written)."""
    key = f"roles.{role}"
    label = t(key)
    return role if label == key else label


def _apply_language() -> None:
    choice = st.session_state.get("_lang_widget")
    if choice in i18n.LANGUAGES:
        st.session_state["lang"] = choice


def language_switch() -> None:
    """The English / 中文 switch (the choice lives in ``st.session_state['lang']``)."""
    st.session_state["lang"] = lang()
    st.session_state["_lang_widget"] = lang()
    st.segmented_control(
        t("common.language"), options=list(i18n.LANGUAGES), key="_lang_widget",
        format_func=lambda code: i18n.LANGUAGES[code], label_visibility="collapsed",
        on_change=_apply_language,
    )


def page(name: str) -> PageContext:
    """Guard at the top of every page: logged in, and the role may see ``name``."""
    user = st.session_state.get("user")
    if not user:
        st.error(t("auth.login_required"))
        st.stop()
    h = home()
    policy = load_policy(h)
    if not policy.can_see_page(user["role"], name):
        st.error(t("auth.forbidden"))
        st.stop()
    return PageContext(home=h, user=user["name"], role=user["role"], policy=policy)


def empty_state(kind: str) -> None:
    """A helpful message instead of an empty page (``kind`` is a key under ``empty.``)."""
    st.info(t(f"empty.{kind}"), icon=":material/info:")


def localized_name(row: dict, en: str = "name_en", zh: str = "name_zh") -> str:
    if lang() == "zh" and row.get(zh):
        return str(row[zh])
    return str(row.get(en) or row.get(zh) or "")


def style_figure(fig: go.Figure, height: int = 360) -> go.Figure:
    """Consistent chart layout: compact margins, legend on top, readable fonts."""
    fig.update_layout(
        height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        font={"family": "Inter, 'Noto Sans CJK SC', 'Source Sans Pro', sans-serif", "size": 13},
        colorway=PALETTE,
    )
    return fig


def chart(fig: go.Figure, key: str | None = None) -> None:
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def highlight_tokens(text: str, tokens: list[dict], max_weight: float | None = None) -> str:
    """HTML of ``text`` (escaped) with the model's top tokens marked, stronger for higher weights.

    Tokens are WordPiece pieces (``##ing``); each is matched case-insensitively in the text.
    """
    import html

    text = text if isinstance(text, str) else ""
    weights = [0.0] * len(text)
    pieces = [(str(tok.get("token", "")).removeprefix("##").strip(), float(tok.get("weight") or 0.0))
              for tok in tokens or []]
    pieces = [(p, w) for p, w in pieces if len(p) >= 2 and w > 0]
    top = max_weight or max((w for _, w in pieces), default=1.0) or 1.0
    low = text.lower()
    for piece, w in pieces:
        start = low.find(piece.lower())
        while start >= 0:
            for i in range(start, start + len(piece)):
                weights[i] = max(weights[i], w / top)
            start = low.find(piece.lower(), start + len(piece))
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and weights[j] == weights[i]:
            j += 1
        chunk = html.escape(text[i:j])
        if weights[i] > 0:
            alpha = 0.25 + 0.6 * min(weights[i], 1.0)
            out.append(f'<mark style="background: rgba(232,113,10,{alpha:.2f}); padding: 0 1px; '
                       f'border-radius: 3px">{chunk}</mark>')
        else:
            out.append(chunk)
        i = j
    return "".join(out)


def count_axis(max_value: float | None) -> dict:
    """Axis settings for counts: whole numbers with thousands separators, starting at zero."""
    axis: dict = {"tickformat": ",d", "rangemode": "tozero"}
    if max_value is not None and max_value <= 8:
        axis["dtick"] = 1
    return axis
