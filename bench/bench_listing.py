"""Listing-model throughput on CPU: fp32 vs the int8 fast path, and what the fast path costs in AUC.

Scores the same titles with the fp32 model and with the dynamically quantized (int8) copy, both
with length-sorted batches and dynamic padding, on ``--threads`` cores (default 2). Titles: the
real Walmart listings in ``../shared`` when present, otherwise the warehouse products, otherwise
the labelled sample set. Also times the full ``score_frame`` path (model + rule reasons) with and
without word-occlusion explanations of the flagged rows. AUC differences are measured on the
model's validation split and, when present, on the 600 real labelled titles.
Writes ``bench/results/listing_throughput.md`` and ``.json``.

    .venv/bin/python -m bench.bench_listing [--home DIR] [--n 2000] [--batch-size 64] [--threads 2]

The nightly incremental run at catalogue scale is :mod:`bench.bench_listing_nightly`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assess.listing import real_titles  # noqa: E402
from assess.listing.data import load_labelled, stratified_split, subsample  # noqa: E402
from assess.listing.evaluate import (  # noqa: E402
    binary_metrics,
    defect_targets,
    model_defect_scores,
    round_floats,
)
from assess.listing.model import ListingModel, set_threads  # noqa: E402
from assess.listing.score import score_frame  # noqa: E402
from assess.listing.train import load_card, resolve_model_dir  # noqa: E402
from governance.paths import get_home  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def titles_to_score(home, n: int) -> tuple[pd.DataFrame, str]:
    listings = real_titles.load_listings()
    if listings is not None:
        return listings[["title", "description"]].head(n).reset_index(drop=True), "Walmart listings (../shared)"
    if home.warehouse.exists():
        from governance.warehouse import connect_read

        con = connect_read(home.warehouse)
        try:
            df = con.execute(f"SELECT title, description FROM products LIMIT {int(n)}").df()
        finally:
            con.close()
        if len(df):
            return df, "warehouse products"
    return load_labelled()[["title", "description"]].head(n), "governance/samplegen/listing_titles.csv"


def rate(fn, n: int, repeats: int) -> tuple[float, float]:
    """Best-of-``repeats`` listings/s and that run's seconds."""
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best, best


def auc_pair(fp32: ListingModel, int8: ListingModel, df: pd.DataFrame) -> dict:
    y = defect_targets(df)
    a = model_defect_scores(fp32.predict(df["title"].tolist()))
    b = model_defect_scores(int8.predict(df["title"].tolist()))
    out = {}
    for t in y:
        ra, rb = binary_metrics(y[t], a[t])["roc_auc"], binary_metrics(y[t], b[t])["roc_auc"]
        if ra is not None:
            out[t] = {"fp32": ra, "int8": rb, "loss": ra - rb}
    thr = fp32.config.threshold
    out["flag_agreement"] = float(np.mean((a["low_quality"] >= thr) == (b["low_quality"] >= thr)))
    out["max_abs_score_diff"] = float(np.max(np.abs(a["low_quality"] - b["low_quality"])))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("--version", default=None)
    ap.add_argument("--n", type=int, default=2000, help="listings to score (default 2000)")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path, default=RESULTS / "listing_throughput.md")
    args = ap.parse_args(argv)
    set_threads(args.threads)
    import torch

    home = get_home(args.home)
    path = resolve_model_dir(home, args.version)
    card = load_card(path)
    fp32, int8 = ListingModel.load(path), ListingModel.load(path, fast=True)
    df, source = titles_to_score(home, args.n)
    titles = df["title"].fillna("").astype(str).tolist()
    n = len(titles)
    fp32.predict(titles[:64])
    int8.predict(titles[:64])  # warm-up
    ids = fp32.encode(titles)
    res: dict = {"model_version": card.get("model_version"), "titles": source, "n": n,
                 "mean_tokens": float(np.mean([len(x) for x in ids])), "batch_size": args.batch_size,
                 "threads": torch.get_num_threads(), "cpu": platform.processor() or platform.machine(),
                 "cpu_count": os.cpu_count(), "torch": torch.__version__}
    res["fp32_listings_per_s"], _ = rate(lambda: fp32.predict(titles, batch_size=args.batch_size), n, args.repeats)
    res["int8_listings_per_s"], _ = rate(lambda: int8.predict(titles, batch_size=args.batch_size), n, args.repeats)
    unsorted = lambda m: [m.logits_from_ids(ids[i:i + args.batch_size], batch_size=args.batch_size)  # noqa: E731
                          for i in range(0, n, args.batch_size)]
    # the same batches without length sorting (each batch padded to its own longest title)
    res["int8_unsorted_listings_per_s"], _ = rate(lambda: unsorted(int8), n, 1)
    res["score_frame_no_explain_per_s"], _ = rate(
        lambda: score_frame(int8, df, batch_size=args.batch_size, explain=False, progress=False), n, 1)
    t0 = time.perf_counter()
    scored = score_frame(int8, df, batch_size=args.batch_size, explain=True, progress=False)
    sec = time.perf_counter() - t0
    res["score_frame_with_explanations"] = {"listings_per_s": n / sec, "seconds": sec,
                                            "flagged": int(scored["flagged"].sum())}
    res["speedup_int8_vs_fp32"] = res["int8_listings_per_s"] / res["fp32_listings_per_s"]

    cfg = card.get("train_config", {})
    src = card.get("data", {}).get("source")
    if src and src != "<frame>":
        data = subsample(load_labelled(src), cfg.get("max_samples"), seed=cfg.get("seed", 13))
        _, val = stratified_split(data, cfg.get("val_fraction", 0.15), seed=cfg.get("seed", 13))
        res["auc_validation"] = auc_pair(fp32, int8, val)
    real = real_titles.load_labelled()
    if real is not None:
        res["auc_real_titles"] = auc_pair(fp32, int8, real)
    res = round_floats(res)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    args.out.write_text(render(res), encoding="utf-8")
    print(render(res))
    return 0


def render(r: dict) -> str:
    lines = [
        "# Listing model throughput (CPU)", "",
        f"Model `{r['model_version']}`; {r['n']:,} titles from {r['titles']} (mean {r['mean_tokens']:.1f} tokens); "
        f"batch size {r['batch_size']}, {r['threads']} torch threads on {r['cpu_count']} CPUs ({r['cpu']}), "
        f"torch {r['torch']}. fp32 and int8 rows: best of 3 runs; the other rows: one run. Command: `.venv/bin/python -m bench.bench_listing`.", "",
        "| path | listings/s |", "|---|---|",
        f"| fp32, length-sorted batches | {r['fp32_listings_per_s']:.0f} |",
        f"| int8 (SmoothQuant, fixed ranges: batch-invariant), length-sorted batches (fast path) | {r['int8_listings_per_s']:.0f} |",
        f"| int8, batches in input order (dynamic padding only) | {r['int8_unsorted_listings_per_s']:.0f} |",
        f"| `score_frame` fast path + rule reasons, no explanations | {r['score_frame_no_explain_per_s']:.0f} |",
        f"| `score_frame` + occlusion for the {r['score_frame_with_explanations']['flagged']} flagged rows | "
        f"{r['score_frame_with_explanations']['listings_per_s']:.0f} |", "",
        f"Speed-up of int8 over fp32: ×{r['speedup_int8_vs_fp32']:.2f}.", "",
    ]
    for key, name in (("auc_validation", "validation split"), ("auc_real_titles", "600 real Walmart titles")):
        if key in r:
            a = r[key]
            lines += [f"ROC-AUC on the {name}: " + "; ".join(
                f"{t} fp32 {v['fp32']:.4f} / int8 {v['int8']:.4f} (loss {v['loss']:+.4f})"
                for t, v in a.items() if isinstance(v, dict))
                + f"; flag agreement {a['flag_agreement']:.3f}; max |Δscore| {a['max_abs_score_diff']:.3f}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
