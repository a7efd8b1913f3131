"""Does ``shopgov train --adapt`` help? The adapted model against the default one, under the protocol.

Both models come from one home (``--home``): ``--default V`` trained without ``--adapt``,
``--adapted V`` with it, same data, seed and steps otherwise. Each is scored on the dev file c
(the decision), on d+e (the report) and on the clarity set (docs/listing_model.md), int8 fast
path as shipped, with 95% bootstrap intervals, plus the paired bootstrap of the difference
(adapted − default) on the same resampled listings. The heuristic is printed for reference.
Writes ``bench/results/listing_adapt.{md,json}``.

    .venv/bin/python -m bench.eval_adapt --home H --default V0 --adapted V1
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assess.listing import protocol  # noqa: E402
from assess.listing.evaluate import round_floats  # noqa: E402
from assess.listing.model import ListingModel, set_threads  # noqa: E402
from assess.listing.train import load_card, resolve_model_dir  # noqa: E402
from bench.eval_real_titles import training_baselines  # noqa: E402
from governance.paths import get_home  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SETS = {"dev": ("c (dev: decision)", ("not_concise", "not_clear")),
        "report": ("d+e (report)", ("not_concise", "not_clear")),
        "clarity": ("clarity set", ("not_clear",))}


def paired_diff(y: np.ndarray, a: np.ndarray, b: np.ndarray, n: int = 1000, seed: int = 0) -> dict[str, float]:
    """AUC(a) − AUC(b) on the same resampled rows: point value, 95% interval, share of resamples ≤ 0."""
    from sklearn.metrics import roc_auc_score

    point = roc_auc_score(y, a) - roc_auc_score(y, b)
    rng = np.random.default_rng(seed)
    d = []
    for _ in range(n):
        idx = rng.integers(0, len(y), len(y))
        if len(np.unique(y[idx])) == 2:
            d.append(roc_auc_score(y[idx], a[idx]) - roc_auc_score(y[idx], b[idx]))
    return {"value": float(point), "lo": float(np.quantile(d, 0.025)), "hi": float(np.quantile(d, 0.975)),
            "p_not_better": float(np.mean(np.asarray(d) <= 0))}


def compare(home, before: str, after: str, names: tuple[str, str] = ("default", "adapted")) -> dict:
    """Score two model versions of ``home`` (int8, as shipped) and the heuristic on every protocol set.

    Returns per-set metrics with bootstrap intervals and the paired AUC difference ``after − before``
    (key ``<after>_minus_<before>_auc``), plus the two versions and cards.
    """
    sets = protocol.sets()
    if sets is None:
        raise SystemExit("../shared/data/walmart-products not found; nothing to evaluate")
    b, a = names
    paths = {b: resolve_model_dir(home, before), a: resolve_model_dir(home, after)}
    cards = {k: load_card(p) for k, p in paths.items()}
    models = {k: ListingModel.load(p, fast=True) for k, p in paths.items()}
    baselines = training_baselines(cards[b], 13, generated=True)

    def defects(m: ListingModel):
        def score(ts):
            pred = m.predict(ts, batch_size=64)
            return {"not_clear": 1 - pred["clarity"], "not_concise": 1 - pred["conciseness"]}
        return score

    scorers = {"heuristic": lambda ts: baselines.predict(ts)["heuristic"], b: defects(models[b]), a: defects(models[a])}
    result: dict = {"models": {k: p.name for k, p in paths.items()}, "cards": cards, "sets": {}}
    for name, frame in sets.items():
        preds = {s: fn(frame["title"].tolist()) for s, fn in scorers.items()}
        per = {s: protocol.measure(lambda _ts, p=p: p, frame) for s, p in preds.items()}
        diffs = {t: paired_diff(1 - frame["clarity" if t == "not_clear" else "conciseness"].to_numpy().astype(int),
                                np.asarray(preds[a][t]), np.asarray(preds[b][t]))
                 for t in SETS[name][1]}
        result["sets"][name] = {"metrics": per, f"{a}_minus_{b}_auc": diffs}
    return result


def render_sets(result: dict, names: tuple[str, str], titles: dict[str, str] | None = None) -> list[str]:
    """Markdown tables per set and the paired difference line (``titles`` overrides set headings)."""
    b, a = names
    lines: list[str] = []
    for name, res in result["sets"].items():
        title, targets = SETS[name]
        title = (titles or {}).get(name, title)
        first = next(iter(res["metrics"].values()))
        lines += [f"## {title}: n {first['n']}, not concise {first['not_concise']}, not clear {first['not_clear']}", "",
                  "| scorer | AUC not concise | AUC not clear | RMSE |", "|---|---|---|---|"]
        for s, m in res["metrics"].items():
            nc = protocol.fmt(m["auc_not_concise"]) if "not_concise" in targets else "—"
            lines.append(f"| {s} | {nc} | {protocol.fmt(m['auc_not_clear'])} | "
                         f"{protocol.fmt(m['rmse']) if name != 'clarity' else '—'} |")
        lines += ["", f"{a.capitalize()} − {b}, paired: " + "; ".join(
            f"AUC {t.replace('_', ' ')} {d['value']:+.3f} [{d['lo']:+.3f}, {d['hi']:+.3f}] "
            f"(share of resamples not better {d['p_not_better']:.2f})" for t, d in res[f"{a}_minus_{b}_auc"].items()), ""]
    return lines


def write(out: Path, text: str, result: dict) -> None:
    """Print and write ``out`` (markdown) and its ``.json`` twin."""
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(round_floats(result), indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, required=True)
    ap.add_argument("--default", required=True, help="model version trained without --adapt")
    ap.add_argument("--adapted", required=True, help="model version trained with --adapt")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=RESULTS / "listing_adapt.md")
    args = ap.parse_args(argv)
    set_threads(args.threads)
    result = compare(get_home(args.home), args.default, args.adapted)
    cards = result.pop("cards")
    result["adaptation"] = cards["adapted"].get("adaptation")
    paths = result["models"]
    a = result["adaptation"] or {}
    lines = ["# Listing model: does MLM adaptation on the catalogue's own titles help?", "",
             f"Default model `{paths['default']}` (generated data, seed 13, 3 epochs) against "
             f"`{paths['adapted']}`: the same training after `--adapt` (masked-language-model pre-training "
             f"on {a.get('titles', '?')} distinct unlabelled warehouse titles, {a.get('steps', '?')} steps, "
             f"MLM loss {a.get('loss_first', float('nan')):.2f} → {a.get('loss_last', float('nan')):.2f}). "
             "Int8 fast path as shipped; 95% bootstrap intervals (1,000 resamples of listings); the "
             "difference is paired (the same resampled listings for both models). Command: "
             "`.venv/bin/python -m bench.eval_adapt --home H --default V0 --adapted V1`.", ""]
    write(args.out, "\n".join(lines + render_sets(result, ("default", "adapted"))), result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
