"""Does ``shopgov train --from-labels`` help? Analysts' labels on c, the model before and after, reported on d+e.

The user's path, end to end, through the real CLI:

1. ``shopgov init --no-sample``, then ``shopgov ingest products`` the shared Walmart listings
   that are not in d or e (by ``uniq_id``, and no title equal to a d/e title): c's 200 listings
   plus the 1,512 unlabelled ones, with ``sample_data/mappings/walmart_products.yaml``.
2. ``shopgov train --no-real-titles``: the default model (generated titles), unless ``--before``
   names an existing version of the home.
3. ``shopgov flag``: the warehouse's listings are scored (labels attach to scored listings).
4. Each c listing gets an analyst's ``relabel`` with c's clarity and conciseness
   (:func:`assess.listing.labels.record_label`, user ``qc-team``), as the Label listings page
   stores it.
5. ``shopgov train --from-labels --no-real-titles``: the same training plus those labels.

Both models are then scored under the protocol (int8, as shipped): c is in-sample for the
after-model (its labels are in the training split), so only d+e and the clarity set measure
anything; the paired bootstrap gives after − before on the same resampled listings.
Writes ``bench/results/listing_from_labels.{md,json}``.

    .venv/bin/python -m bench.eval_from_labels --home /tmp/fl-home [--before V0]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assess.listing import protocol, real_titles  # noqa: E402
from assess.listing.labels import record_label  # noqa: E402
from assess.listing.model import set_threads  # noqa: E402
from bench.eval_adapt import RESULTS, compare, render_sets, write  # noqa: E402
from governance.errors import UsageError  # noqa: E402
from governance.paths import get_home  # noqa: E402

MAPPING = ROOT / "sample_data" / "mappings" / "walmart_products.yaml"
SHOPGOV = [sys.executable, "-m", "dashboard.cli"]


def shopgov(*args: str, home: Path) -> float:
    """Run one CLI command (output shown); returns its wall seconds; stops the benchmark if it fails."""
    t0 = time.perf_counter()
    subprocess.run([*SHOPGOV, *args, "--home", str(home)], check=True, cwd=ROOT)
    return time.perf_counter() - t0


def latest_version(home: Path) -> str:
    from assess.listing.train import resolve_model_dir

    return resolve_model_dir(get_home(home)).name


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True, help="a new home folder (created)")
    ap.add_argument("--before", help="an existing model version of --home to start from (skips steps 1-2)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=RESULTS / "listing_from_labels.md")
    args = ap.parse_args(argv)
    set_threads(args.threads)
    labelled = real_titles.load_labelled()
    listings = real_titles.load_listings()
    if labelled is None or listings is None:
        print("../shared/data/walmart-products not found; nothing to evaluate", file=sys.stderr)
        return 3
    report = labelled[labelled["label_file"].isin(protocol.REPORT_FILES)]
    dev = labelled[labelled["label_file"].isin(protocol.DEV_FILES)]
    times: dict[str, float] = {}
    if args.before is None:
        keep = listings[~listings["uniq_id"].isin(report["uniq_id"]) & ~listings["title"].isin(report["title"])]
        with tempfile.TemporaryDirectory() as tmp:  # outside the project: shared rows are never copied into it
            f = Path(tmp) / "walmart_without_d_e.csv"
            keep.to_csv(f, index=False)
            times["init"] = shopgov("init", "--no-sample", home=args.home)
            times["ingest"] = shopgov("ingest", "products", str(f), "-m", str(MAPPING), home=args.home)
        times["train_before"] = shopgov("train", "--no-real-titles", home=args.home)
        before = latest_version(args.home)
    else:
        before = args.before
    times["flag"] = shopgov("flag", "--full", "--no-explain", "--version", before, home=args.home)
    home = get_home(args.home)
    n = skipped = 0
    for row in dev.itertuples():
        try:
            record_label(home, row.uniq_id, "relabel", "qc-team", clarity=int(row.clarity),
                         conciseness=int(row.conciseness), note="title_labels_c.csv")
            n += 1
        except UsageError:  # not in the warehouse: its title equals a d/e title
            skipped += 1
    times["train_after"] = shopgov("train", "--from-labels", "--no-real-titles", home=args.home)
    after = latest_version(args.home)
    names = ("before", "after")
    result = compare(home, before, after, names)
    cards = result.pop("cards")
    result["labels"], result["labels_skipped"] = n, skipped
    result["labels_before_after_card"] = cards["after"].get("labels_before_after")
    result["seconds"] = times
    lines = ["# Listing model: do analysts' labels help? (`shopgov train --from-labels`)", "",
             f"Before: `{before}` (the default model, generated titles). After: `{after}`, the same "
             f"training plus {n} analysts' labels (c's clarity and conciseness recorded as `relabel` "
             "verdicts on the flagged warehouse listings, each row weighted x3 in the training split). "
             "Int8 fast path as shipped; 95% bootstrap intervals (1,000 resamples of listings); the "
             "difference is paired. c is **in-sample** for the after-model (shown for completeness, not "
             "evidence); d+e and the clarity set never shaped either model. Command: "
             "`.venv/bin/python -m bench.eval_from_labels --home H`.", "",
             "Wall seconds per step: " + ", ".join(f"{k} {v:.0f}" for k, v in times.items()) + ".", ""]
    titles = {"dev": "c (in-sample for the after-model: its labels)"}
    write(args.out, "\n".join(lines + render_sets(result, names, titles)), result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
