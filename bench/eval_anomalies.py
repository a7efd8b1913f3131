"""Evaluate the behaviour anomaly detectors on REAL samples with injected automation.

Trains on generator data only (``governance.samplegen.automation``), then for the YooChoose,
Diginetica and Taobao samples in ``../shared/data/`` injects automation with the separate
evaluation injector (``bench/anomaly_injector.py``: different code, parameters and timing)
and reports per detector and per kind ROC-AUC, PR-AUC, recall at 1% false alarms (threshold
= 99th percentile of that sample's real, untouched sessions) and sessions per second; plus
what the shipped ensemble flags in the untouched samples (share and examples). Writes
``bench/results/anomalies.md`` and ``.json``. Nothing from the samples is written to the repo
beyond session ids, counts and reason codes.

    PYTHONPATH=. .venv/bin/python -m bench.eval_anomalies [--train-events 100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assess.anomaly import detectors as D  # noqa: E402
from assess.anomaly.model import train  # noqa: E402
from assess.anomaly.sessions import prepare, session_features  # noqa: E402
from bench.anomaly_injector import KINDS, inject  # noqa: E402

# ../shared next to the project (a git worktree one level deeper finds it one more up)
DATA = next((p / "shared" / "data" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared" / "data").exists()),
            ROOT.parent / "shared" / "data")
RESULTS = ROOT / "bench" / "results"
DETS = ("rules", "iforest", "gbm", "gru", "ensemble")


def load_yoochoose() -> pd.DataFrame:
    df = pd.read_csv(DATA / "yoochoose-rsc15-100k" / "yoochoose-clicks-100k_train_full.txt", sep="\t")
    return pd.DataFrame({"session_id": df["SessionId"].astype(str), "user_id": df["SessionId"].astype(str),
                         "item_id": df["ItemId"].astype(str), "event_type": "click",
                         "ts_us": (df["Time"] * 1e6).round().astype(np.int64)})


def load_diginetica() -> pd.DataFrame:
    df = pd.read_csv(DATA / "diginetica-sample" / "sample_train-item-views.csv", sep=";")
    day = pd.to_datetime(df["eventdate"]).astype("datetime64[us]").astype(np.int64)
    return pd.DataFrame({"session_id": df["session_id"].astype(str), "user_id": df["session_id"].astype(str),
                         "item_id": df["item_id"].astype(str), "event_type": "view",
                         "ts_us": day + df["timeframe"].astype(np.int64) * 1000})


def load_taobao() -> pd.DataFrame:
    df = pd.read_csv(DATA / "taobao-userbehavior-sample" / "UserBehavior.csv", header=None,
                     names=["user_id", "item_id", "category_id", "behavior", "ts"])
    return pd.DataFrame({"user_id": df["user_id"].astype(str), "item_id": df["item_id"].astype(str),
                         "category_id": df["category_id"].astype(str), "event_type": df["behavior"],
                         "ts_us": df["ts"].astype(np.int64) * 1_000_000})


LOADERS = {"yoochoose": load_yoochoose, "diginetica": load_diginetica, "taobao": load_taobao}


def timed_scores(det: D.Detectors, df: pd.DataFrame) -> tuple[dict[str, np.ndarray], dict[str, float], object]:
    """Per-detector scores and seconds (shared sessionising/feature time added to each)."""
    t = time.perf_counter()
    ev = prepare(df.rename(columns={"ts_us": "ts"}))
    feats = session_features(ev)
    shared = time.perf_counter() - t
    secs, out = {}, {}
    x = D.matrix(feats)
    t = time.perf_counter()
    margins = D.rule_margins(feats)
    out["rules"] = D.rule_score(margins)
    secs["rules"] = time.perf_counter() - t
    t = time.perf_counter()
    out["gbm"] = det.gbm.predict_proba(x)[:, 1]
    secs["gbm"] = time.perf_counter() - t
    t = time.perf_counter()
    out["gru"] = D.gru_scores(det.gru, *D.tokens(ev))
    secs["gru"] = time.perf_counter() - t
    t = time.perf_counter()
    from sklearn.ensemble import IsolationForest
    xf = np.where(np.isnan(x), det.feature_median, x)
    out["iforest"] = -IsolationForest(n_estimators=100, max_samples=256, random_state=7).fit(xf).score_samples(xf)
    secs["iforest"] = time.perf_counter() - t
    out["ensemble"] = det.ensemble(out)
    secs["ensemble"] = secs["rules"] + secs["gbm"] + secs["gru"]
    out["_margins"] = margins
    out["_feats"] = feats
    return out, {k: v + shared for k, v in secs.items()}, ev


def recall_at_far(neg: np.ndarray, pos: np.ndarray, far: float = 0.01) -> float:
    thr = np.quantile(neg, 1 - far)
    return float((pos > thr).mean()) if len(pos) else float("nan")


def evaluate(det: D.Detectors, name: str, real: pd.DataFrame, seed: int) -> dict:
    injected, labels = inject(real, seed=seed)
    s, secs, ev = timed_scores(det, injected)
    users = ev.user_ids[ev.user[ev.starts]].astype(str)
    kind = pd.Series(users).map(labels.set_index("user_id")["kind"]).fillna("human").to_numpy()
    human = kind == "human"
    res: dict = {"events": int(len(injected)), "real_sessions": int(human.sum()),
                 "injected_sessions": {k: int((kind == k).sum()) for k in KINDS}, "detectors": {}}
    for d in DETS:
        sc = s[d]
        y = ~human
        r = {"roc_auc": roc_auc_score(y, sc), "pr_auc": average_precision_score(y, sc),
             "recall_at_1pct_far": recall_at_far(sc[human], sc[y]),
             "sessions_per_s": ev.n_sessions / secs[d], "per_kind": {}}
        for k in KINDS:
            m = kind == k
            r["per_kind"][k] = {"roc_auc": roc_auc_score(m[human | m], sc[human | m]),
                                "recall_at_1pct_far": recall_at_far(sc[human], sc[m])}
        res["detectors"][d] = r
    ens = s["ensemble"]
    res["shipped_threshold"] = {"far_on_real_humans": float((ens[human] >= det.threshold).mean()),
                                "recall": float((ens[~human] >= det.threshold).mean())}
    return res


def untouched(det: D.Detectors, real: pd.DataFrame, top: int = 5) -> dict:
    s, _, ev = timed_scores(det, real)
    ens = s["ensemble"]
    flagged = ens >= det.threshold
    reasons = det.reasons(s["_feats"], s["_margins"], flagged)
    feats = s["_feats"]
    order = np.argsort(-ens)[:top]
    codes: dict[str, int] = {}
    for r in np.asarray(reasons)[flagged]:
        for c in r.split("; "):
            if c and not c.startswith("top:"):
                codes[c] = codes.get(c, 0) + 1
    return {"sessions": ev.n_sessions, "flagged": int(flagged.sum()), "flagged_share": float(flagged.mean()),
            "reason_counts": dict(sorted(codes.items(), key=lambda kv: -kv[1])),
            "examples": [{"session_id": str(ev.session_ids[i]), "n_events": int(feats["n_events"].iat[i]),
                          "span_s": round(float(feats["span_s"].iat[i]), 1), "score": round(float(ens[i]), 3),
                          "reasons": reasons[i]} for i in order]}


def _f(v: float) -> str:
    return "n/a" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.3f}"


def render(out: dict) -> str:
    lines = ["# Behaviour anomaly detection: real samples with injected automation", "",
             f"Trained on generator data only ({out['train']['n_events']:,} events, "
             f"{out['train']['n_sessions']:,} sessions, {out['train']['train_seconds']} s on CPU). Automation injected "
             "into the real samples by `bench/anomaly_injector.py` (separate code, parameters and timing). "
             "Recall at 1% false alarms uses the 99th percentile of each sample's real sessions as threshold. "
             "Sessions/s include sessionising and features.", "",
             "Command: `PYTHONPATH=. .venv/bin/python -m bench.eval_anomalies`", ""]
    for name, r in out["datasets"].items():
        lines += [f"## {name}: {r['events']:,} events, {r['real_sessions']:,} real sessions, injected "
                  + ", ".join(f"{k} {v}" for k, v in r["injected_sessions"].items()), "",
                  "| detector | ROC-AUC | PR-AUC | recall@1%FAR | sessions/s | " + " | ".join(KINDS) + " |",
                  "|---|---|---|---|---|" + "---|" * len(KINDS)]
        for d, m in r["detectors"].items():
            per = " | ".join(f"{_f(m['per_kind'][k]['recall_at_1pct_far'])} ({_f(m['per_kind'][k]['roc_auc'])})"
                             for k in KINDS)
            lines.append(f"| {d} | {_f(m['roc_auc'])} | {_f(m['pr_auc'])} | {_f(m['recall_at_1pct_far'])} | "
                         f"{m['sessions_per_s']:,.0f} | {per} |")
        st = r["shipped_threshold"]
        lines += ["", "Per kind: recall at 1% FAR (ROC-AUC vs real sessions). Shipped ensemble threshold "
                  f"(calibrated on generator humans): false alarms on real sessions {st['far_on_real_humans']:.2%}, "
                  f"recall {st['recall']:.2%}.", ""]
    lines += ["## Untouched real samples: what the shipped ensemble flags", ""]
    for name, u in out["untouched"].items():
        lines += [f"### {name}: {u['flagged']:,} of {u['sessions']:,} sessions flagged ({u['flagged_share']:.2%})", "",
                  "Reasons: " + ", ".join(f"{k} {v}" for k, v in list(u["reason_counts"].items())[:8]), "",
                  "| session | events | span s | score | reasons |", "|---|---|---|---|---|"]
        lines += [f"| {e['session_id']} | {e['n_events']} | {e['span_s']} | {e['score']} | {e['reasons']} |"
                  for e in u["examples"]]
        lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train-events", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"no real samples at {DATA}", file=sys.stderr)
        return 2
    det = train(n_events=args.train_events)
    out: dict = {"train": det.info, "datasets": {}, "untouched": {}}
    for name, load in LOADERS.items():
        real = load()
        out["datasets"][name] = evaluate(det, name, real, args.seed)
        out["untouched"][name] = untouched(det, real)
        print(name, {d: round(m["roc_auc"], 3) for d, m in out["datasets"][name]["detectors"].items()}, flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "anomalies.json").write_text(json.dumps(out, indent=1, default=float) + "\n", encoding="utf-8")
    (RESULTS / "anomalies.md").write_text(render(out), encoding="utf-8")
    print(render(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
