"""Shared pieces of the dashboard pages: the page guard, language, formatting, empty states."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from governance.access import Policy, load_policy
from governance.paths import Home, get_home

from . import i18n
from .i18n import fmt_int, fmt_num, fmt_pct, fmt_seconds, fmt_signed  # noqa: F401  (re-exported)

SEVERITY_COLORS = {"critical": "#b3261e", "high": "#e8710a", "medium": "#f9ab00", "low": "#7cb342"}
STATUS_ICONS = {"passed": ":material/check_circle:", "failed": ":material/error:",
                "error": ":material/report:"}
# Quality scores live near 100%: the colours change at the thresholds that matter, not on a 0-100 gradient.
SCORE_BREAKS = (0.95, 0.99, 0.999)
SCORE_BAND_COLORS = ("#d93025", "#f29900", "#fbbc04", "#188038")  # <95%, 95-99%, 99-99.9%, >=99.9%
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
    """The interface language: the session's choice, else the signed-in user's saved preference."""
    user = st.session_state.get("user")
    if user and st.session_state.get("_lang_for") != user["name"]:
        st.session_state["_lang_for"] = user["name"]
        saved = load_language(home(), user["name"])
        if saved:
            st.session_state["lang"] = saved
    value = st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def _preferences_file(h: Home) -> Path:
    return h.config / "preferences.json"


def _read_preferences(h: Home) -> dict:
    try:
        data = json.loads(_preferences_file(h).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_language(h: Home, user: str) -> str | None:
    """The language ``user`` chose last (``$SHOPGOV_HOME/config/preferences.json``), or None."""
    value = (_read_preferences(h).get(user) or {}).get("lang")
    return value if value in i18n.LANGUAGES else None


def save_language(h: Home, user: str, language: str) -> None:
    """Remember ``user``'s language (written atomically; other users' entries are kept)."""
    if language not in i18n.LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(i18n.LANGUAGES)}")
    prefs = _read_preferences(h)
    entry = prefs.get(user) if isinstance(prefs.get(user), dict) else {}
    prefs[user] = {**entry, "lang": language}
    h.config.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=h.config, prefix=".preferences.", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(prefs, f, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(tmp, _preferences_file(h))


def t(key: str, **values: Any) -> str:
    return i18n.translate(key, lang(), **values)


def fmt_ts(ts: Any) -> str:
    """A timestamp in the interface language's format."""
    return i18n.fmt_ts(ts, lang())


def fmt_date(ts: Any) -> str:
    """A day in the interface language's format."""
    return i18n.fmt_date(ts, lang())


def check_text(h: Home, expectation_id: str, stored: Any = None) -> str:
    """A check's description in the interface language: the suite's Chinese text in Chinese
    (English when the suite file has none), else the text the run stored."""
    from . import queries

    texts = queries.check_texts(h).get(str(expectation_id)) or {}
    en = stored if isinstance(stored, str) and stored else texts.get("en") or str(expectation_id)
    return texts.get("zh") or en if lang() == "zh" else en


def role_label(role: str) -> str:
    """A role's name in the interface language (a team's own role: its name as written)."""
    key = f"roles.{role}"
    label = t(key)
    return role if label == key else label


def _apply_language() -> None:
    choice = st.session_state.get("_lang_widget")
    if choice in i18n.LANGUAGES:
        st.session_state["lang"] = choice
        user = st.session_state.get("user")
        if user:
            save_language(home(), user["name"], choice)


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


def not_allowed(name: str) -> None:
    """What a role sees when it opens a page it may not see (by URL or an old link)."""
    user = st.session_state.get("user") or {}
    st.title(t(f"nav.{name}"))
    st.error(t("auth.not_allowed", page=t(f"nav.{name}"), role=role_label(str(user.get("role", "")))),
             icon=":material/block:")
    st.page_link("pages/overview.py", label=t("auth.back_to_overview"), icon=":material/arrow_back:")


# The app's own CSS: no tall empty band above the page title.
CSS = """<style>
[data-testid="stMainBlockContainer"], .block-container { padding-top: 2rem; }
[data-testid="stSidebarHeader"] { height: 2.5rem; min-height: 2.5rem; }
</style>"""


def apply_style() -> None:
    st.html(CSS)


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


def score_band(value: Any) -> int:
    """0..3: below 95%, 95-99%, 99-99.9%, at least 99.9% (:data:`SCORE_BREAKS`)."""
    return sum(float(value) >= b - 1e-12 for b in SCORE_BREAKS)


def band_colorscale() -> list[list]:
    """A stepped colour scale for z = :func:`score_band` (zmin 0, zmax 3)."""
    scale: list[list] = []
    n = len(SCORE_BAND_COLORS)
    for i, color in enumerate(SCORE_BAND_COLORS):
        scale += [[i / n, color], [(i + 1) / n, color]]
    return scale


def band_colorbar() -> dict:
    """The colour bar of a :func:`band_colorscale` heatmap, labelled with the breakpoints."""
    labels = ["< 95%", "95–99%", "99–99.9%", "≥ 99.9%"]
    return {"tickvals": [0.375, 1.125, 1.875, 2.625], "ticktext": labels, "title": {"text": ""}}


#: Up to this many days of history the date axis ticks once per day.
SHORT_HISTORY_DAYS = 14


def date_axis(fig: go.Figure, xs: Any) -> go.Figure:
    """Dates on the x axis in the interface language; a single day gets a day either side, and a
    short history one tick per day (Plotly would otherwise tick every few hours, repeating the date)."""
    values = sorted({v for v in (list(xs) if xs is not None else []) if v is not None})
    axis: dict = {"tickformat": i18n.AXIS_DATE_FORMATS[lang()], "type": "date"}
    if len(values) == 1:
        day = values[0]
        axis["range"] = [day - timedelta(days=1), day + timedelta(days=1)]
    if values and values[-1] - values[0] <= timedelta(days=SHORT_HISTORY_DAYS):
        axis["dtick"] = 86_400_000
        axis["tick0"] = values[0]
    fig.update_xaxes(**axis)
    return fig


def last_per_day(df: Any, keys: list[str], at: str = "started_at") -> Any:
    """One row per day and ``keys`` (the last run of the day), with a ``day`` column, oldest first."""
    if df is None or df.empty:
        return df
    out = df.sort_values(at).assign(day=lambda d: d[at].dt.normalize())
    return out.groupby(["day", *keys], sort=True).tail(1).sort_values(["day", *keys]).reset_index(drop=True)


INCIDENT_MARKERS = (("opened", "opened_at", "triangle-up", "#b3261e"),
                    ("closed", "closed_at", "triangle-down", "#188038"))


def _day(value: Any) -> pd.Timestamp | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    ts = pd.Timestamp(value)
    return (ts.tz_convert(None) if ts.tzinfo else ts).normalize()


def mark_incidents(fig: go.Figure, incidents: list[dict], lines: dict[str, Any], series_of: Callable[[dict], Any],
                   y: str) -> int:
    """Mark incidents on a daily trend: ▲ on the day one opened, ▼ on the day one closed.

    ``lines`` maps a series name to its frame (``day`` and ``y`` columns); ``series_of(incident)``
    names the series an incident belongs to (None: not on this chart). A marker sits on its
    series at that day (or the day before it, if the series has no point that day). Returns
    the number of markers drawn.
    """
    drawn = 0
    for kind, column, symbol, color in INCIDENT_MARKERS:
        xs, ys, text = [], [], []
        for r in incidents:
            name, day = series_of(r), _day(r.get(column))
            line = lines.get(name) if name is not None else None
            if line is None or line.empty or day is None:
                continue
            days = pd.to_datetime(line["day"])
            before = line[days <= day]
            xs.append(day)
            ys.append(float((before if not before.empty else line)[y].iloc[-1 if not before.empty else 0]))
            text.append(f"{r['incident_id']} · {r['expectation_id']} ({name})")
        if xs:
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="markers", name=t(f"incidents.marker_{kind}"), text=text,
                marker={"symbol": symbol, "size": 15, "color": color, "line": {"width": 1, "color": "#ffffff"}},
                hovertemplate="%{x|%Y-%m-%d} · %{text}<extra>" + t(f"incidents.marker_{kind}") + "</extra>"))
            drawn += len(xs)
    return drawn


def count_axis(max_value: float | None) -> dict:
    """Axis settings for counts: whole numbers with thousands separators, starting at zero."""
    axis: dict = {"tickformat": ",d", "rangemode": "tozero"}
    if max_value is not None and max_value <= 8:
        axis["dtick"] = 1
    return axis
