"""Honest numbers, deep links, language and the served favicon (AppTest on the real fixture home)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import plotly.graph_objects as go
from test_dashboard_apptest import frames, login, open_page, texts

from dashboard import i18n, ui

# fx_home and served: tests/conftest.py



def figures(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_quality_page_says_what_each_rate_means_and_steps_colours_at_thresholds(served):
    at = open_page(login("viewer1"), "quality")
    shown = texts(at)
    assert "Rows passing" in shown and "Checks passing" in shown
    assert "share of checks with no failing row" in shown and "of all the rows the checks looked at" in shown
    heat = next(f for f in figures(at) if f["data"][0]["type"] == "heatmap")["data"][0]
    assert heat["zmin"] == 0 and heat["zmax"] == 3  # bands, not a 0-100 gradient
    assert [tv for tv in heat["colorbar"]["ticktext"]] == ["< 95%", "95–99%", "99–99.9%", "≥ 99.9%"]
    cells = {(y, x): txt for y, row in zip(heat["y"], heat["text"], strict=True)
             for x, txt in zip(heat["x"], row, strict=True)}
    marked = [k for k, v in cells.items() if "⚠" in v]
    assert marked and all(k[0] == "products" for k in marked)  # the critical failure is on products
    assert "a critical check fails" in shown


def test_score_bands_break_at_95_99_and_99_9():
    assert [ui.score_band(v) for v in (0.5, 0.949, 0.95, 0.989, 0.99, 0.998, 0.999, 1.0)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_failing_checks_follow_the_url(served):
    at = login("viewer1")
    at.query_params["table"] = "products"
    at.query_params["severity"] = "critical"
    open_page(at, "quality")
    table = at.dataframe[0].value
    assert len(table) >= 1
    assert set(table["Table"]) == {"products"} and set(table["Severity"]) == {"Critical"}
    assert at.selectbox(key="quality_table").value == "products"


def test_trends_are_daily_and_one_point_gets_a_sane_axis(served):
    at = open_page(login("viewer1"), "quality")
    trend = next(f for f in figures(at) if f["data"] and f["data"][0].get("mode") == "lines+markers")
    lines = [tr for tr in trend["data"] if tr.get("mode") == "lines+markers"]
    for trace in lines:
        days = [str(x)[:10] for x in trace["x"]]
        assert len(days) == len(set(days))  # one point per day
    # incidents are marked on their table's line: ▲ opened (the fixture's runs open some)
    marks = [tr for tr in trend["data"] if tr.get("mode") == "markers"]
    assert [tr["name"] for tr in marks][:1] == ["Incident opened"]
    assert {str(x)[:10] for x in marks[0]["x"]} <= {str(x)[:10] for tr in lines for x in tr["x"]}
    fig = ui.date_axis(go.Figure(go.Scatter(x=[datetime(2026, 1, 10)], y=[1.0])), [datetime(2026, 1, 10)])
    lo, hi = fig.layout.xaxis.range
    assert str(lo)[:10] == "2026-01-09" and str(hi)[:10] == "2026-01-11"
    # two days: one tick per day, not one every few hours repeating the same date
    two = [datetime(2026, 1, 10), datetime(2026, 1, 11)]
    fig = ui.date_axis(go.Figure(go.Scatter(x=two, y=[0.5, 1.0])), two)
    assert fig.layout.xaxis.dtick == 86_400_000 and str(fig.layout.xaxis.tick0)[:10] == "2026-01-10"


def test_maturity_page_scores_on_1_to_5_with_level_lines_and_no_raw_values(served):
    at = open_page(login("viewer1"), "assessment")
    shown = texts(at) + frames(at)
    assert "2.77 / 5" in shown
    assert "+-" not in shown and " None" not in shown and "nan" not in shown.split()
    bars = next(f for f in figures(at) if f["data"][0]["type"] == "bar")
    assert bars["layout"]["xaxis"]["range"][0] == 1
    levels = sorted(s["x0"] for s in bars["layout"]["shapes"])
    assert levels == [2, 3, 4, 5]


def test_signed_changes_and_dates_per_language():
    assert i18n.fmt_signed(-0.35) == "-0.35" and i18n.fmt_signed(0.35) == "+0.35"
    assert i18n.fmt_signed(0.0001) == "±0.00" and i18n.fmt_signed(None) == "—"
    ts = datetime(2026, 1, 11, 9, 5)
    assert i18n.fmt_ts(ts, "en") == "2026-01-11 09:05" and i18n.fmt_ts(ts, "zh") == "2026年01月11日 09:05"
    assert i18n.fmt_date(ts, "zh") == "2026年01月11日" and i18n.fmt_date(None, "zh") == "—"


def test_language_choice_persists_per_user(served):
    at = login("analyst1")
    at.sidebar.button_group[0].set_value("zh").run()
    assert "总览" in texts(at)
    assert ui.load_language(served, "analyst1") == "zh"
    again = login("analyst1")  # a new session (a reload)
    assert "总览" in texts(again)
    other = login("viewer1")  # another user keeps their own choice
    assert "Overview" in texts(other)
    again.sidebar.button_group[0].set_value("en").run()
    assert ui.load_language(served, "analyst1") == "en"


def test_favicon_response_starts_before_its_body(tmp_path):
    """Streamlit 1.60 on Starlette 1.x lost the start of uncompressed responses (favicon 500)."""
    from starlette.staticfiles import StaticFiles
    from streamlit.web.server.starlette.starlette_gzip_middleware import MediaAwareGZipMiddleware

    from dashboard.serve import fix_uncompressed_responses

    (tmp_path / "favicon.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 2000)
    fix_uncompressed_responses()
    app = MediaAwareGZipMiddleware(StaticFiles(directory=tmp_path))
    sent: list[dict] = []

    async def exchange(scope: dict) -> None:
        done = asyncio.Event()
        requested = False

        async def receive() -> dict:  # the request, then a disconnect once the response is complete
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        await asyncio.wait_for(app(scope, receive, send), timeout=30)

    for encoding in (b"gzip", b"identity"):
        sent.clear()
        scope = {"type": "http", "method": "GET", "path": "/favicon.png", "raw_path": b"/favicon.png",
                 "root_path": "", "query_string": b"", "headers": [(b"accept-encoding", encoding)],
                 "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 80)}
        asyncio.run(exchange(scope))
        assert [m["type"] for m in sent][:2] == ["http.response.start", "http.response.body"], encoding
        assert sent[0]["status"] == 200
