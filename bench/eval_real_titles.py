"""Evaluate the trained listing model on REAL Walmart titles (evaluation only, never training).

Reads ``../shared/data/walmart-products/`` (600 labelled titles joined to the 2,112 listings by
uniq_id) and the latest model of ``$SHOPGOV_HOME`` (or ``--home``). Reports, for not clear / not
concise / low quality: the model (fp32 and the int8 fast path) against the class prior, TF-IDF +
logistic regression (fitted on the model's own training split) and the plain length +
repeated-word heuristic, with a bootstrap confidence interval of the model − heuristic ROC-AUC
difference; then the score distribution on all 2,112 listings with a few flagged and
unflagged examples. Writes ``bench/results/listing_real_titles.md`` and ``.json``.

The protocol section comes first (docs/listing_model.md): every scorer on the dev file c (where
decisions are taken) and on the report files d+e (reported, never tuned on), plus the clarity set
(rule-selected unclear Walmart titles against the clear titles of d+e), with 95% bootstrap
intervals; ``--compare V ...`` adds other model versions (e.g. one trained with ``--data``);
the stacker is fitted on c and kept only if its out-of-fold AUC on c beats the model's.
``--protocol-only`` stops after it and writes ``bench/results/listing_protocol.{md,json}``.
``--write-dev FILE`` writes the dev file c joined to its titles (``title, description, clarity,
conciseness``) to ``FILE`` outside the project and stops: the input of the ``--data c`` path
(``shopgov train --data FILE``: c as a team's own QC labels), reported on d+e like any model.

    .venv/bin/python -m bench.eval_real_titles [--home DIR] [--version V] [--compare V2 ...] [--protocol-only]
    .venv/bin/python -m bench.eval_real_titles --write-dev /tmp/title_labels_c_titles.csv
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assess.listing import real_titles  # noqa: E402
from assess.listing.data import load_labelled, stratified_split, subsample  # noqa: E402
from assess.listing.evaluate import TARGETS, Baselines, compare, defect_targets, round_floats  # noqa: E402
from assess.listing.model import ListingModel, set_threads  # noqa: E402
from assess.listing.rules import heuristic_scores  # noqa: E402
from assess.listing.score import score_frame  # noqa: E402
from assess.listing.train import load_card, resolve_model_dir  # noqa: E402
from governance.paths import get_home  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def bootstrap_auc_diff(y: np.ndarray, a: np.ndarray, b: np.ndarray, n: int = 2000, seed: int = 0) -> dict[str, float]:
    """Paired bootstrap of ROC-AUC(a) − ROC-AUC(b): mean, 95% interval, share of resamples ≤ 0."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n):
        idx = rng.integers(0, len(y), len(y))
        if len(np.unique(y[idx])) < 2:
            continue
        diffs.append(roc_auc_score(y[idx], a[idx]) - roc_auc_score(y[idx], b[idx]))
    d = np.asarray(diffs)
    return {"mean": float(d.mean()), "ci95_low": float(np.quantile(d, 0.025)),
            "ci95_high": float(np.quantile(d, 0.975)), "p_not_better": float(np.mean(d <= 0))}


def training_baselines(card: dict, seed: int, generated: bool = False) -> Baselines:
    """Baselines fitted on the same training split as the model (recomputed from its data).

    ``generated``: on the generated training split whatever the model was trained on (the
    protocol's baselines, the same for every model version, e.g. one trained with ``--data``).
    """
    cfg = {} if generated else card["train_config"]
    src = "<frame>" if generated else card["data"]["source"]
    df = load_labelled(None if src == "<frame>" else src)
    df = subsample(df, cfg.get("max_samples"), seed=cfg.get("seed", seed))
    train_df, _ = stratified_split(df, cfg.get("val_fraction", 0.15), seed=cfg.get("seed", seed))
    return Baselines(train_df, seed=cfg.get("seed", seed))


def table(metrics: dict) -> list[str]:
    lines = ["| target | scorer | ROC-AUC | PR-AUC | F1 | RMSE |", "|---|---|---|---|---|---|"]
    for t in TARGETS:
        for name, per in metrics.items():
            m = per.get(t)
            if m:
                f = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
                lines.append(f"| {t} | {name} | {f(m['roc_auc'])} | {f(m['pr_auc'])} | {f(m['f1'])} | {f(m['rmse'])} |")
    return lines


def protocol_section(home, path, card, compare_versions: list[str], n_boot: int = 1000) -> tuple[dict, str]:
    """The protocol table: heuristic, TF-IDF, model(s) and the stacker on dev, report and clarity sets."""
    from assess.listing import protocol
    from assess.listing.stack import Stacker, cross_val_auc

    sets = protocol.sets()
    baselines = training_baselines(card, 13, generated=True)
    scorers: dict[str, object] = {
        "heuristic (length + repeats, Platt on generated)": lambda ts: baselines.predict(ts)["heuristic"],
        "TF-IDF + logreg (generated)": lambda ts: baselines.predict(ts)["tfidf_logreg"],
    }
    models = {f"model {card['model_version']} (int8)": ListingModel.load(path, fast=True)}
    for v in compare_versions:
        vp = resolve_model_dir(home, v)
        vc = load_card(vp)
        models[f"model {v} (int8; data: {Path(vc['data']['source']).name[:60]})"] = ListingModel.load(vp, fast=True)

    def as_defects(m):
        def score(ts):
            pred = m.predict(ts, batch_size=64)
            return {"not_clear": 1 - pred["clarity"], "not_concise": 1 - pred["conciseness"]}
        return score

    for name, m in models.items():
        scorers[name] = as_defects(m)
    # the stacker: decided on c (out-of-fold), fitted on c, then reported on d+e
    main_model = next(iter(models.values()))
    dev = sets["dev"]
    dev_pred = as_defects(main_model)(dev["title"].tolist())
    dev_y = {"not_concise": 1 - dev["conciseness"].to_numpy(), "not_clear": 1 - dev["clarity"].to_numpy()}
    decision = cross_val_auc(dev["title"].tolist(), dev_pred, dev_y)
    stacker = Stacker.fit(dev["title"].tolist(), dev_pred, dev_y)
    scorers["stacker (model + features, fitted on c)"] = \
        lambda ts: stacker.predict(ts, as_defects(main_model)(ts))
    result = {"decision_on_c_out_of_fold_auc": decision, "sets": {}}
    for set_name in ("dev", "report", "clarity"):
        frame = sets[set_name]
        result["sets"][set_name] = {name: protocol.measure(fn, frame, n_boot=n_boot) for name, fn in scorers.items()}
    # paired: each scorer against the heuristic on the same resampled d+e listings (not concise)
    report = sets["report"]
    y_nc = 1 - report["conciseness"].to_numpy()
    heuristic, *others = scorers
    base = np.asarray(scorers[heuristic](report["title"].tolist())["not_concise"])
    result["report_not_concise_vs_heuristic"] = {
        name: bootstrap_auc_diff(y_nc, np.asarray(scorers[name](report["title"].tolist())["not_concise"]), base, n=n_boot)
        for name in others}
    lines = ["## Protocol: decide on c, report on d+e", "",
             "Values with 95% bootstrap intervals (1,000 resamples of listings). RMSE pools both heads. "
             "The stacker was fitted on c, so its c row is in-sample; the decision to keep it uses its "
             "out-of-fold AUC on c: " + ", ".join(f"{h}: model {v['model']:.3f} vs stacker {v['stacker']:.3f}"
                                                 for h, v in decision.items()) + ".", ""]
    titles = {"dev": "c (dev: decisions)", "report": "d+e (report: never tuned on)",
              "clarity": "clarity set (rule-selected unclear titles + clear titles of d+e)"}
    for set_name, per in result["sets"].items():
        first = next(iter(per.values()))
        lines += [f"### {titles[set_name]}: n {first['n']}, not concise {first['not_concise']}, "
                  f"not clear {first['not_clear']}", "",
                  "| scorer | AUC not concise | AUC not clear | RMSE |", "|---|---|---|---|"]
        for name, m in per.items():
            nc = protocol.fmt(m["auc_not_concise"]) if set_name != "clarity" else "—"
            lines.append(f"| {name} | {nc} | {protocol.fmt(m['auc_not_clear'])} | {protocol.fmt(m['rmse'])} |")
        lines.append("")
    lines += ["### d+e: AUC not concise minus the heuristic's, paired (same resampled listings)", "",
              "| scorer | difference [95% interval] | share of resamples not better |", "|---|---|---|"]
    for name, d in result["report_not_concise_vs_heuristic"].items():
        lines.append(f"| {name} | {d['mean']:+.3f} [{d['ci95_low']:+.3f}, {d['ci95_high']:+.3f}] | {d['p_not_better']:.3f} |")
    lines.append("")
    return result, "\n".join(lines)


def write_dev(path: Path) -> int:
    """Write the dev file c with its titles (never into the project: shared rows stay outside)."""
    from assess.listing import protocol

    target = path.resolve()
    if target == ROOT or ROOT in target.parents:
        print(f"{path}: refusing to write shared rows inside the project ({ROOT})", file=sys.stderr)
        return 2
    dev = protocol.sets()["dev"]
    target.parent.mkdir(parents=True, exist_ok=True)
    dev[["title", "description", "clarity", "conciseness"]].to_csv(target, index=False)
    print(f"wrote {len(dev)} labelled dev titles (c) to {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, default=None)
    ap.add_argument("--version", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=RESULTS / "listing_real_titles.md")
    ap.add_argument("--compare", nargs="*", default=[], help="other model versions to put in the protocol table")
    ap.add_argument("--protocol-only", action="store_true", help="print and write only the protocol section")
    ap.add_argument("--write-dev", type=Path, default=None,
                    help="write c joined to its titles to this file (outside the project) and stop")
    args = ap.parse_args(argv)
    set_threads(args.threads)
    folder = real_titles.find_dir()
    if folder is None:
        print("../shared/data/walmart-products not found; nothing to evaluate", file=sys.stderr)
        return 3
    if args.write_dev is not None:
        return write_dev(args.write_dev)
    home = get_home(args.home)
    path = resolve_model_dir(home, args.version)
    card = load_card(path)
    proto, proto_md = protocol_section(home, path, card, args.compare)
    print(proto_md)
    if args.protocol_only:
        out = RESULTS / "listing_protocol.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(f"# Listing model: evaluation protocol\n\nModel `{card['model_version']}`. Command: "
                       "`.venv/bin/python -m bench.eval_real_titles --protocol-only`.\n\n" + proto_md + "\n",
                       encoding="utf-8")
        out.with_suffix(".json").write_text(json.dumps(round_floats(proto), indent=2) + "\n", encoding="utf-8")
        return 0
    fp32, fast = ListingModel.load(path), ListingModel.load(path, fast=True)
    thr = fp32.config.threshold
    baselines = training_baselines(card, 13)

    labelled = real_titles.load_labelled(folder)
    titles = labelled["title"].tolist()
    pred32, pred8 = fp32.predict(titles, batch_size=64), fast.predict(titles, batch_size=64)
    metrics = compare(pred32, labelled, baselines, thr)
    metrics_fast = compare(pred8, labelled, baselines, thr)["model"]
    metrics = {"model_fp32": metrics.pop("model"), "model_int8": metrics_fast, **metrics}
    y = defect_targets(labelled)
    heur = heuristic_scores(titles)
    tfidf = baselines.predict(titles)["tfidf_logreg"]
    from sklearn.metrics import roc_auc_score

    by_file = {}
    for f, idx in labelled.groupby("label_file").groups.items():
        yf = y["not_concise"][idx]
        by_file[f] = {"n": len(idx), "model_int8": roc_auc_score(yf, 1 - pred8["conciseness"][idx]),
                      "heuristic": roc_auc_score(yf, heur[idx]),
                      "tfidf_logreg": roc_auc_score(yf, tfidf["not_concise"][idx])}
    held = (labelled["label_file"] != "c").to_numpy()
    yh = y["not_concise"][held]
    by_file["d+e (held out)"] = {"n": int(held.sum()), "model_int8": roc_auc_score(yh, 1 - pred8["conciseness"][held]),
                                 "heuristic": roc_auc_score(yh, heur[held]),
                                 "tfidf_logreg": roc_auc_score(yh, tfidf["not_concise"][held])}
    boot = {
        "not_concise_vs_heuristic": bootstrap_auc_diff(y["not_concise"], 1 - pred8["conciseness"], heur),
        "low_quality_vs_heuristic": bootstrap_auc_diff(y["low_quality"], pred8["low_quality"], heur),
        "not_concise_vs_tfidf": bootstrap_auc_diff(y["not_concise"], 1 - pred8["conciseness"], tfidf["not_concise"]),
    }

    listings = real_titles.load_listings(folder)
    t0 = time.perf_counter()
    scored = score_frame(fast, listings[["title", "description"]], batch_size=64, explain=True, progress=True,
                         explain_limit=None)
    seconds = time.perf_counter() - t0
    low = scored["low_quality_score"].to_numpy()
    deciles = np.quantile(low, np.linspace(0, 1, 11))
    hist, edges = np.histogram(low, bins=10, range=(0, 1))
    codes: dict[str, int] = {}
    for rs in scored["reasons"]:
        for r in rs:
            codes[r["code"]] = codes.get(r["code"], 0) + 1
    order = np.argsort(-low)
    flagged_idx = [i for i in order if scored["flagged"].iloc[i]]
    clean_idx = [i for i in order[::-1] if not scored["flagged"].iloc[i]]
    rng = np.random.default_rng(1)
    near = [i for i in order if abs(low[i] - thr) < 0.1]

    def example(i: int) -> dict:
        return {"title": listings["title"].iloc[i], "low_quality_score": round(float(low[i]), 3),
                "flagged": bool(scored["flagged"].iloc[i]),
                "reasons": [r["code"] for r in scored["reasons"].iloc[i]],
                "top_tokens": [t["token"] for t in scored["top_tokens"].iloc[i]]}

    examples = {
        "most_flagged": [example(i) for i in flagged_idx[:3]],
        "most_flagged_long_titles": [example(i) for i in flagged_idx
                                     if len(str(listings["title"].iloc[i]).split()) >= 12][:4],
        "flagged_near_threshold": [example(i) for i in rng.choice([i for i in near if scored["flagged"].iloc[i]]
                                                                  or flagged_idx, 3, replace=False)],
        "unflagged_near_threshold": [example(i) for i in rng.choice([i for i in near if not scored["flagged"].iloc[i]]
                                                                    or clean_idx, 3, replace=False)],
        "cleanest": [example(i) for i in clean_idx[:4]],
    }
    result = round_floats({
        "model_version": card["model_version"], "model_path": str(path), "threshold": thr,
        "labelled": {"n": len(labelled), "defects": {k: int(v.sum()) for k, v in y.items()}},
        "metrics": metrics, "bootstrap_auc_difference": boot, "not_concise_roc_auc_by_label_file": by_file,
        "distribution": {"n": len(listings), "flagged": int(scored["flagged"].sum()),
                         "flagged_share": float(scored["flagged"].mean()), "mean": float(low.mean()),
                         "deciles": [float(d) for d in deciles],
                         "histogram": {f"{edges[i]:.1f}-{edges[i + 1]:.1f}": int(hist[i]) for i in range(10)},
                         "reason_counts": dict(sorted(codes.items(), key=lambda kv: -kv[1])),
                         "seconds_with_explanations": seconds},
        "examples": examples, "protocol": proto,
    })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    args.out.write_text(render(result), encoding="utf-8")
    print(render(result))
    with args.out.open("a", encoding="utf-8") as f:
        f.write("\n" + proto_md + "\n")
    return 0


def render(r: dict) -> str:
    d = r["distribution"]
    b = r["bootstrap_auc_difference"]
    lines = [
        "# Listing model on real Walmart titles", "",
        f"Model `{r['model_version']}` (threshold {r['threshold']}). Data: `../shared/data/walmart-products` — "
        f"{r['labelled']['n']} labelled titles (not clear {r['labelled']['defects']['not_clear']}, not concise "
        f"{r['labelled']['defects']['not_concise']}); evaluation only, never used for training. Baselines: class prior "
        "and TF-IDF + logistic regression fitted on the model's training split; the length + repeated-word heuristic "
        "(no fitting needed for ROC-AUC). Command: `.venv/bin/python -m bench.eval_real_titles`.", "",
        *table(r["metrics"]), "",
        "Paired bootstrap (2,000 resamples) of the ROC-AUC difference, int8 model minus baseline:", "",
        *[f"- {k}: {v['mean']:+.3f} (95% interval {v['ci95_low']:+.3f} … {v['ci95_high']:+.3f}; "
          f"share of resamples where the model is not better: {v['p_not_better']:.3f})" for k, v in b.items()], "",
        "Not-concise ROC-AUC per label file. While the training-data generator was iterated, only the "
        "errors on file c were inspected (dev); files d and e were used for these numbers only (held out):", "",
        "| label file | n | model (int8) | heuristic | TF-IDF |", "|---|---|---|---|---|",
        *[f"| {k} | {v['n']} | {v['model_int8']:.3f} | {v['heuristic']:.3f} | {v['tfidf_logreg']:.3f} |"
          for k, v in r["not_concise_roc_auc_by_label_file"].items()], "",
        f"## Score distribution on all {d['n']:,} Walmart listings (int8 fast path)", "",
        f"Flagged {d['flagged']:,} ({d['flagged_share']:.1%}); mean low-quality score {d['mean']:.3f}; "
        f"scored with explanations of the flagged rows in {d['seconds_with_explanations']:.1f} s.", "",
        "| low-quality score | listings |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in d["histogram"].items()], "",
        "Deciles: " + ", ".join(f"{x:.2f}" for x in d["deciles"]), "",
        "Reason codes: " + ", ".join(f"{k} {v}" for k, v in d["reason_counts"].items()), "",
        "## Examples", "",
    ]
    for group, rows in r["examples"].items():
        lines += [f"### {group.replace('_', ' ')}", ""]
        for e in rows:
            lines.append(f"- {e['low_quality_score']:.3f} {'FLAG' if e['flagged'] else 'ok'} — {e['title']}  "
                         f"(reasons: {', '.join(e['reasons']) or '—'}; top tokens: {', '.join(e['top_tokens']) or '—'})")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
