"""Behaviour anomaly detection: generated kinds are caught, the file interface, bad inputs, the store."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from assess.anomaly import model as anomaly_model
from assess.anomaly.detectors import SCORER_VERSION, robust_margin, rule_margins
from assess.anomaly.score import OUTPUT_COLUMNS, score_events, score_file
from assess.anomaly.sessions import prepare, session_features
from assess.anomaly.store import write_run
from assess.maturity.evidence import Sources, behaviour_anomaly_share
from governance import results_schema as rs
from governance.errors import UsageError
from governance.paths import get_home
from governance.samplegen.automation import KINDS, generate

SMALL_UNITS = {"crawler": 12, "click_farm": 2, "short_burst": 12, "slow_scraper": 12, "coordinated_campaign": 1,
               "replay": 4, "order_brushing": 5}


@pytest.fixture(scope="module")
def generated():
    events, labels = generate(n_events=12_000, n_products=1_500, days=7, seed=5, units=SMALL_UNITS)
    ev = prepare(events)
    kinds = pd.Series(ev.session_ids).map(labels.set_index("session_id")["kind"]).to_numpy()
    return events, ev, session_features(ev), kinds


@pytest.fixture(scope="module")
def tiny_model():
    return anomaly_model.train(n_events=8_000, gru_epochs=1, units=SMALL_UNITS)


def test_every_injected_kind_is_caught_by_the_rules(generated):
    _, _, feats, kinds = generated
    fired = rule_margins(feats).to_numpy().max(axis=1) >= 1
    assert set(KINDS) <= set(kinds)
    for kind in KINDS:
        assert fired[kinds == kind].mean() >= 0.8, kind
    assert fired[kinds == "human"].mean() <= 0.02


def test_sessionising_splits_at_30_minutes_of_inactivity():
    df = pd.DataFrame({"user_id": ["u1"] * 4 + ["u2"], "item_id": ["1", "2", "3", "4", "1"],
                       "event_type": ["view", "pv", "buy", "view", "view"],
                       "ts": ["2024-05-01T10:00:00Z", "2024-05-01T10:10:00Z", "2024-05-01T10:39:00Z",
                              "2024-05-01T11:20:00Z", "2024-05-01T10:00:00Z"]})
    ev = prepare(df)
    assert ev.n_sessions == 3
    assert sorted(ev.session_ids) == ["u1#0", "u1#1", "u2#0"]
    feats = session_features(ev)
    first = list(ev.session_ids).index("u1#0")
    assert feats["n_events"].iat[first] == 3 and feats["n_purchases"].iat[first] == 1
    assert feats["purchase_without_view"].iat[first] == 1  # item 3 was bought without a view


def test_a_purchase_counts_as_without_a_view_only_if_the_account_never_touched_the_item_before():
    """u1 carts item 7 in one session and buys it in the next: a shopper. u2 buys item 7 cold."""
    df = pd.DataFrame({"user_id": ["u1", "u1", "u1", "u2", "u2"], "item_id": ["7", "7", "7", "9", "7"],
                       "event_type": ["view", "cart", "buy", "view", "buy"],
                       "ts": ["2024-05-01T10:00:00Z", "2024-05-01T10:01:00Z", "2024-05-02T09:00:00Z",
                              "2024-05-02T09:00:00Z", "2024-05-02T09:00:40Z"]})
    ev = prepare(df)
    feats = session_features(ev).set_index(pd.Index(ev.session_ids))
    assert feats.loc["u1#1", "purchase_without_view"] == 0
    assert feats.loc["u2#0", "purchase_without_view"] == 1


def test_score_file_on_a_hand_made_csv(tmp_path, tiny_model):
    rows = ["user_id,item_id,event_type,ts"]
    rows += [f"bot,{1000 + i},view,{1714557600 + i}" for i in range(60)]  # a crawler: one id a second
    for u in range(40):  # shoppers: a few views with human gaps
        t = 1714557600 + u * 97
        rows += [f"h{u},{(u * 37) % 500},view,{t}", f"h{u},{(u * 53) % 500},view,{t + 41}",
                 f"h{u},{(u * 53) % 500},cart,{t + 95}"]
    src = tmp_path / "events.csv"
    src.write_text("\n".join(rows) + "\n")
    out = tmp_path / "scored.csv"
    summary = score_file(src, out, model=tiny_model)
    scored = pd.read_csv(out, keep_default_na=False)
    assert list(scored.columns[:5]) == OUTPUT_COLUMNS
    assert len(scored) == summary["n_sessions"] == 41
    bot = scored[scored["user_id"] == "bot"].iloc[0]
    assert bool(bot["flagged"]) and "REGULAR_TIMING" in bot["reasons"] and "ID_WALK" in bot["reasons"]
    assert bot["anomaly_score"] == scored["anomaly_score"].max()
    assert scored.loc[scored["user_id"] != "bot", "flagged"].mean() < 0.2
    pq = tmp_path / "scored.parquet"
    score_file(src, pq, model=tiny_model)
    assert len(pd.read_parquet(pq)) == 41


@pytest.mark.parametrize(("content", "expected"), [
    ("user_id,item_id,ts\nu1,1,2024-05-01T10:00:00\n", "'event_type'"),
    ("user_id,item_id,event_type,ts\nu1,1,view,2024-05-01T10:00:00\nu1,2,view,not a time\n", "column 'ts'"),
    ("", "empty"),
    ("user_id,item_id,event_type,ts\n", "empty"),
])
def test_bad_input_names_the_file_and_column(tmp_path, content, expected):
    src = tmp_path / "bad.csv"
    src.write_text(content)
    with pytest.raises(UsageError) as err:
        score_file(src, tmp_path / "out.csv")
    assert expected in str(err.value) and "bad.csv" in str(err.value)


def test_unparsable_time_names_the_row(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("user_id,item_id,event_type,ts\nu1,1,view,2024-05-01T10:00:00\nu1,2,view,yesterday\n")
    with pytest.raises(UsageError, match="row 2: 'yesterday'"):
        score_file(src, tmp_path / "out.csv")


def test_anomaly_run_is_written_and_read_back(tmp_path, generated, tiny_model):
    events, *_ = generated
    home = get_home(tmp_path / "home")
    home.ensure()
    scored = score_events(events, tiny_model)
    run = write_run(home, scored)
    latest = rs.latest_anomaly_run(home)
    assert latest["run_id"] == run["run_id"] and latest["n_events"] == len(events)
    assert latest["n_anomalous"] == scored.loc[scored["flagged"], "n_events"].sum() > 0
    top = rs.anomaly_sessions(home, flagged_only=True, limit=3)
    assert len(top) == 3 and top[0]["flagged"] and top[0]["reasons"]
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{home.results}' AS res (READ_ONLY)")
    ev = behaviour_anomaly_share(Sources(con), {})
    assert ev.value == pytest.approx(latest["n_anomalous"] / latest["n_events"])


def test_saved_model_is_loaded_for_scoring(tmp_path, tiny_model, generated):
    home = get_home(tmp_path / "home")
    home.ensure()
    folder = anomaly_model.save(tiny_model, home, version="anomaly-test")
    loaded = anomaly_model.get_model(home)
    assert anomaly_model.version_of(loaded) == "anomaly-test" == folder.name
    events, *_ = generated
    a = score_events(events.head(3000), tiny_model)
    b = score_events(events.head(3000), loaded)
    assert np.allclose(a.sort_values("session_id")["anomaly_score"], b.sort_values("session_id")["anomaly_score"])


def _cli(*args, home=None):
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "160"} | ({"SHOPGOV_HOME": str(home.root)} if home is not None else {})
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_shipped_scorer_needs_no_trained_model_and_flags_at_one(generated):
    events, ev, _, kinds = generated
    scored = score_events(events)
    assert scored.attrs["model_version"] == SCORER_VERSION and scored.attrs["threshold"] == 1.0
    assert (scored["flagged"] == (scored["anomaly_score"] >= 1.0)).all()
    assert scored["score_gbm"].isna().all()  # comparison columns only when a trained model is passed
    kind = pd.Series(kinds, index=ev.session_ids.astype(str))
    flagged = scored.set_index("session_id")["flagged"]
    for k in KINDS:
        assert flagged[kind.index[kind == k]].mean() >= 0.8, k
    assert flagged[kind.index[kind == "human"]].mean() <= 0.02
    assert (scored.loc[scored["flagged"], "reasons"] != "").all()
    assert scored["score_iforest"].notna().all() and scored["score_iforest"].nunique() > 1


def test_cli_scores_a_file_and_rejects_bad_input(tmp_path):
    rows = ["user_id,item_id,event_type,ts"] + [f"bot,{1000 + i},view,{1714557600 + i}" for i in range(30)]
    rows += [f"h{u},{u},view,{1714557600 + u * 50}" for u in range(20)]
    src = tmp_path / "in.csv"
    src.write_text("\n".join(rows) + "\n")
    out = tmp_path / "out.csv"
    r = _cli("anomalies", "--input", str(src), "--output", str(out), "--json", "-")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["n_sessions"] == 21 and doc["n_flagged"] >= 1
    assert list(pd.read_csv(out).columns[:5]) == OUTPUT_COLUMNS
    bad = tmp_path / "bad.csv"
    bad.write_text("user_id,item_id,ts\nu1,1,2024-05-01T10:00:00\n")
    r = _cli("anomalies", "--input", str(bad), "--output", str(out))
    assert r.returncode == 2 and "'event_type'" in r.stderr and "bad.csv" in r.stderr
    r = _cli("anomalies", "--input", str(src))
    assert r.returncode == 2 and "--output" in r.stderr


def test_cli_scores_the_warehouse_and_check_reports_anomalies(home, tmp_path):
    from check_fixtures import AS_OF, home_with

    manifest = home_with("dirty", home)
    r = _cli("anomalies", "--partition", "all", "--json", "-", home=home)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["n_events"] > 10_000 and doc["checks"] and doc["run_id"]
    assert {c["check"] for c in doc["checks"]} == {"behaviour_anomaly_share"}
    assert sum(c["n_events"] for c in doc["checks"]) == doc["n_events"]
    assert rs.latest_anomaly_run(home)["run_id"] == doc["run_id"]
    keys = {d["defect"]: d["keys"] for d in manifest["defects"]}
    bots = set(keys["bot_high_rate"] + keys["bot_regular_interval"])  # session ids of the sample's bots
    flagged = {s["session_id"] for s in rs.anomaly_sessions(home, flagged_only=True, limit=1_000_000)}
    assert bots and len(bots & flagged) >= 0.8 * len(bots)
    out = tmp_path / "check.json"
    r = _cli("check", "--partition", "latest", "--as-of", AS_OF, "--no-docs", "--quiet", "--json", str(out), home=home)
    assert r.returncode in (0, 1), r.stderr
    check = json.loads(out.read_text())
    latest = check["anomalies"]
    assert latest["partition_date"] == check["partition_date"] and latest["run_id"] != doc["run_id"]
    assert len(latest["checks"]) >= 1 and latest["n_events"] < doc["n_events"]
    assert rs.latest_anomaly_run(home)["run_id"] == latest["run_id"]
    r = _cli("check", "--partition", "latest", "--as-of", AS_OF, "--no-docs", "--quiet", "--no-anomalies",
             "--json", str(out), home=home)
    assert "anomalies" not in json.loads(out.read_text())


def test_scoring_with_the_shipped_scorer_does_not_import_torch():
    """torch (seconds to import) is for the GRU only: the nightly check and `shopgov anomalies` never pay it."""
    code = ("import sys, pandas as pd\n"
            "from assess.anomaly.warehouse import run_warehouse\n"
            "from assess.anomaly.score import score_events\n"
            "df = pd.DataFrame({'user_id': ['u'] * 3, 'item_id': ['1', '2', '3'], 'event_type': 'view',\n"
            "                   'ts': ['2024-05-01T10:00:00Z', '2024-05-01T10:00:30Z', '2024-05-01T10:01:00Z']})\n"
            "assert len(score_events(df)) == 1\n"
            "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]", r.stdout[:300]


@pytest.mark.parametrize("with_session_ids", [True, False])
def test_scores_do_not_depend_on_the_order_of_the_rows(generated, with_session_ids):
    """The warehouse returns rows in no fixed order (a join on several threads): the same events must get
    the same scores and flags, the Isolation Forest included, with or without the source's session ids."""
    events = generated[0] if with_session_ids else generated[0].drop(columns="session_id")
    a = score_events(events).set_index("session_id")
    b = score_events(events.sample(frac=1, random_state=3)).set_index("session_id").loc[a.index]
    assert (a["flagged"] == b["flagged"]).all()
    np.testing.assert_allclose(a["anomaly_score"], b["anomaly_score"], atol=1e-9)
    np.testing.assert_allclose(a["score_iforest"], b["score_iforest"], atol=1e-9)


def test_a_lumpy_score_distribution_does_not_flag_the_shoulder_of_its_crowd():
    """Most sessions identical and a broad shoulder: the MAD collapses onto the identical crowd, so
    median + 5 MAD would flag the ordinary shoulder; the scale is at least the IQR's."""
    rng = np.random.default_rng(0)
    x = np.r_[np.full(6_000, 0.34) + rng.normal(0, 0.002, 6_000), rng.uniform(0.30, 0.62, 4_000)]
    assert (robust_margin(x) >= 1).mean() < 0.01
    y = rng.normal(0.4, 0.05, 10_000)  # a unimodal crowd keeps its MAD scale: its far tail still flags
    assert (robust_margin(np.r_[y, [0.9, 1.0]]) >= 1)[-2:].all()


def test_a_few_broken_clocks_do_not_turn_steady_traffic_into_bursts():
    """An item seen by 12 shoppers every hour for a week is steady traffic. One event stamped 1970 (the
    checks flag such rows; they are still in the warehouse) must not stretch the usual rate per hour to
    decades, which made every busy hour a CAMPAIGN_BURST."""
    start = pd.Timestamp("2024-05-01", tz="UTC")
    rows = [{"user_id": f"u{h}-{k}", "item_id": "42", "event_type": "view",
             "ts": start + pd.Timedelta(hours=h, minutes=5 * k)} for h in range(7 * 24) for k in range(12)]
    steady = pd.DataFrame(rows)
    broken = pd.concat([steady, pd.DataFrame([{"user_id": "clock", "item_id": "7", "event_type": "view",
                                                "ts": pd.Timestamp("1970-01-01", tz="UTC")}])], ignore_index=True)
    for df in (steady, broken):
        margins = rule_margins(session_features(prepare(df)))
        assert (margins["CAMPAIGN_BURST"] >= 1).sum() == 0
