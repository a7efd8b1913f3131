"""Throughput of behaviour anomaly scoring: N generated events (default 1M) scored end to end.

Generates events with injected automation, writes them to Parquet, then in a fresh process
reads and scores them (sessionise, features, rules, GBM, GRU, Isolation Forest, ensemble,
reasons) with a model trained beforehand; reports seconds, events/s and the scoring
process's peak RSS. Writes ``bench/results/anomaly_throughput.md`` and ``.json``.

    PYTHONPATH=. .venv/bin/python -m bench.bench_anomalies [--events 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def _score(path: str, home: str) -> None:
    from assess.anomaly.score import read_events, score_events
    from governance.paths import get_home

    t = time.perf_counter()
    df = read_events(path)
    scored = score_events(df, home=get_home(home))
    secs = time.perf_counter() - t
    print(json.dumps({"events": int(scored.attrs["n_events"]), "sessions": len(scored),
                      "flagged": int(scored["flagged"].sum()), "seconds": round(secs, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--score", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.score:
        _score(*args.score)
        return 0
    from assess.anomaly import model
    from governance.paths import get_home
    from governance.samplegen.automation import UNITS, generate

    with tempfile.TemporaryDirectory() as tmp:
        home = get_home(Path(tmp) / "home")
        home.ensure()
        model.save(model.train(), home)
        scale = max(1, args.events // 150_000)
        events, _ = generate(n_events=args.events, seed=99, units={k: v * scale for k, v in UNITS.items()})
        path = Path(tmp) / "events.parquet"
        events.to_parquet(path, index=False)
        proc = subprocess.run([sys.executable, "-m", "bench.bench_anomalies", "--score", str(path), str(home.root)],
                              capture_output=True, text=True, cwd=ROOT, check=True)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["events_per_s"] = round(res["events"] / res["seconds"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "anomaly_throughput.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    (RESULTS / "anomaly_throughput.md").write_text(
        "# Behaviour anomaly scoring throughput\n\n"
        "`PYTHONPATH=. .venv/bin/python -m bench.bench_anomalies --events N` (2 shared CPU cores)\n\n"
        "| events | sessions | flagged | seconds | events/s | peak RSS MB |\n|---|---|---|---|---|---|\n"
        f"| {res['events']:,} | {res['sessions']:,} | {res['flagged']:,} | {res['seconds']} | "
        f"{res['events_per_s']:,} | {res['peak_rss_mb']} |\n", encoding="utf-8")
    print(res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
