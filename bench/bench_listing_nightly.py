"""The nightly listing run at catalogue scale: 1M listings, 5% of titles changed, 2 threads, peak memory.

Builds a warehouse of ``--n`` listings (default 1,000,000) from the title generator's output
(the bundled ``governance/samplegen/listing_titles.csv``, no shared rows): generated title
``i mod 4,200`` plus a variant suffix (``Model <letter><number>``) so every title is distinct.
The previous night's run is *seeded*, not scored: one ``listing_scores`` row per listing with
its real input hash and the active scoring version (model version + stacker digest), so the
incremental run reuses it exactly as it reuses a scored row, but its score columns are
placeholders (a full first run over 1M titles takes about an hour on 2 cores; it is not what
the nightly run does). Then ``--changed`` (5%) of the titles are edited and the incremental
``score_warehouse`` runs, timed per stage, with the process's peak RSS (ru_maxrss, which
includes loading the model and building the warehouse). Writes
``bench/results/listing_nightly.{md,json}``.

    .venv/bin/python -m bench.bench_listing_nightly [--home DIR] [--n 1000000] [--changed 0.05]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assess.listing.data import DEFAULT_DATA, load_labelled  # noqa: E402
from assess.listing.evaluate import round_floats  # noqa: E402
from assess.listing.model import set_threads  # noqa: E402
from assess.listing.score import HASH_SQL, load_model, score_warehouse, scorer_description  # noqa: E402
from governance.paths import get_home  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(home, n: int, version: str) -> None:
    """The warehouse of ``n`` generated listings and the seeded previous run (see the module docstring)."""
    from governance.results_schema import columns, ensure_schema
    from governance.warehouse import atomic_write, ensure_warehouse

    base = load_labelled(DEFAULT_DATA)["title"].astype(str).tolist()
    i = np.arange(n)
    letters = np.array(list("ABCDEFGHJKLMNPRSTUVWXYZ"))
    suffix = [f" Model {letters[k % len(letters)]}{k // len(letters)}" for k in (i // len(base))]
    products = pd.DataFrame({"product_id": [f"p{k:07d}" for k in i], "sku": [f"k{k}" for k in i],
                             "seller_id": [f"s{k % 997}" for k in i], "category_id": "c1",
                             "title": [base[k % len(base)] + suffix[k] for k in i], "description": None})
    ensure_warehouse(home)
    with atomic_write(home, home.warehouse) as con:
        con.register("src", products)
        con.execute("INSERT INTO products (product_id, sku, seller_id, category_id, title, description) "
                    "SELECT product_id, sku, seller_id, category_id, title, description FROM src")
    with atomic_write(home, home.results) as w:
        ensure_schema(w)
        w.execute(f"ATTACH '{home.warehouse}' AS wh (READ_ONLY)")
        w.execute(f"""INSERT INTO listing_scores ({', '.join(columns('listing_scores'))})
            SELECT 'prev', product_id, seller_id, sku, category_id, title, ?, 0.3, 0.9, 0.8, false,
                   '[]'::JSON, '[]'::JSON, now()::TIMESTAMP, {HASH_SQL}, 'en' FROM wh.products""", [version])
        w.execute("INSERT INTO listing_runs VALUES ('prev', ?, now()::TIMESTAMP, ?, 0, 0.5, 0)", [version, n])
        w.execute("DETACH wh")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, default=None, help="home with the trained model (default $SHOPGOV_HOME)")
    ap.add_argument("--version", default=None)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--changed", type=float, default=0.05)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/shopgov-bench-nightly"))
    ap.add_argument("--out", type=Path, default=RESULTS / "listing_nightly.md")
    args = ap.parse_args(argv)
    set_threads(args.threads)
    model = load_model(get_home(args.home), args.version)
    shutil.rmtree(args.workdir, ignore_errors=True)
    home = get_home(args.workdir).ensure()
    t0 = time.perf_counter()
    build(home, args.n, model.scoring_version)
    build_s = time.perf_counter() - t0
    from governance.warehouse import atomic_write

    edit = np.sort(np.random.default_rng(0).choice(args.n, int(round(args.n * args.changed)), replace=False))
    with atomic_write(home, home.warehouse) as con:
        con.register("ed", pd.DataFrame({"product_id": [f"p{k:07d}" for k in edit]}))
        con.execute("UPDATE products SET title = title || ' (new)' WHERE product_id IN (SELECT product_id FROM ed)")
    rss_before = rss_mib()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    summary = score_warehouse(home, model, batch_size=args.batch_size, progress=False, log=lambda m: None)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    import torch

    res = round_floats({
        "n": args.n, "changed": args.changed, "n_rescored": summary["n_rescored"], "n_reused": summary["n_reused"],
        "n_flagged": summary["n_flagged"], "seconds": seconds, "cpu_seconds": cpu, "stages": summary.get("stages"),
        "peak_rss_mib": rss_mib(), "rss_before_run_mib": rss_before, "build_seconds": build_s,
        "results_mib": home.results.stat().st_size / 2**20, "warehouse_mib": home.warehouse.stat().st_size / 2**20,
        "scoring_version": model.scoring_version, "scorer": scorer_description(model),
        "threads": torch.get_num_threads(), "cpu_count": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
        "load_average_at_end": os.getloadavg(), "torch": torch.__version__})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    args.out.write_text(render(res), encoding="utf-8")
    print(render(res))
    return 0


def render(r: dict) -> str:
    st = r.get("stages") or {}
    return "\n".join([
        "# Listing model: nightly incremental run at catalogue scale", "",
        f"{r['n']:,} generated listings (bundled generator titles + a variant suffix; no shared rows), "
        f"{r['changed']:.0%} of titles edited; previous run seeded (real hashes and scoring version, placeholder "
        f"scores; see the module docstring). Scorer: {r['scorer']}. {r['threads']} torch threads, "
        f"{r['cpu_count']} CPUs ({r['cpu']}), shared machine (load average at the end {r['load_average_at_end']}): "
        "read the times as upper bounds. Command: `.venv/bin/python -m bench.bench_listing_nightly`.", "",
        "| measure | value |", "|---|---|",
        f"| listings re-scored / reused | {r['n_rescored']:,} / {r['n_reused']:,} |",
        f"| nightly run, wall | {r['seconds']:.1f} s |",
        f"| nightly run, CPU (process) | {r['cpu_seconds']:.1f} s |",
        *[f"| stage: {k} | {v:.1f} s |" for k, v in st.items()],
        f"| peak RSS (process, incl. model and warehouse build) | {r['peak_rss_mib']:.0f} MiB |",
        f"| RSS before the run | {r['rss_before_run_mib']:.0f} MiB |",
        f"| results.duckdb / warehouse.duckdb | {r['results_mib']:.0f} / {r['warehouse_mib']:.0f} MiB |", ""])


if __name__ == "__main__":
    raise SystemExit(main())
