"""Listing-quality model commands: ``shopgov train`` and ``shopgov flag``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from .common import EXIT_OK, HomeOption, JsonOption, console, plain, resolve_home, run, write_json


def train(
    data: Annotated[Path | None, typer.Option(
        "--data", help="Train on a team's own labelled titles: CSV/JSONL/Parquet with title, optional "
                       "description, clarity + conciseness (1 = clear / concise; or one label) columns; or "
                       "CIKM 2017 data_train.csv / its folder. A bad file exits 2 naming file, row and column. "
                       "Default: the bundled governance/samplegen/listing_titles.csv.")] = None,
    epochs: Annotated[int, typer.Option(help="Training epochs (early stopping may end sooner).", min=1)] = 3,
    max_samples: Annotated[int | None, typer.Option(help="Use at most this many labelled rows (stratified).", min=10)] = None,
    batch_size: Annotated[int, typer.Option(help="Training batch size.", min=1)] = 32,
    lr: Annotated[float, typer.Option(help="Peak learning rate (AdamW, linear warm-up and decay).")] = 1e-4,
    max_length: Annotated[int, typer.Option(help="Max tokens per title.", min=8, max=512)] = 48,
    seed: Annotated[int, typer.Option(help="Random seed (split, initialisation, batches).")] = 13,
    if_missing: Annotated[bool, typer.Option(
        "--if-missing", help="If a trained model exists, print its path and exit 0 without training.")] = False,
    real_titles: Annotated[bool, typer.Option(
        "--real-titles/--no-real-titles",
        help="Also evaluate on the real labelled Walmart titles in ../shared when present (evaluation only).")] = True,
    from_labels: Annotated[bool, typer.Option(
        "--from-labels", help="Also fine-tune on the analysts' stored labels (training split only).")] = False,
    extra_data: Annotated[Path | None, typer.Option(
        "--extra-data", help="Another labelled file added to the training split (e.g. a team's QC labels).")] = None,
    stack: Annotated[Path | None, typer.Option(
        "--stack", help="Fit only the calibrated stacker (model + title features) of an existing model "
                        "(--version, default latest) on this labelled file; no fine-tuning. Kept only if its "
                        "out-of-fold AUC beats the model alone.")] = None,
    stack_from_labels: Annotated[bool, typer.Option(
        "--stack-from-labels", help="Fit only the stacker of an existing model on the analysts' stored labels "
                                    "(with --stack: on both).")] = False,
    version: Annotated[str | None, typer.Option(
        help="With --stack / --stack-from-labels: the model to fit the stacker for (default: latest).")] = None,
    adapt: Annotated[bool, typer.Option(
        "--adapt", help="First continue MiniLM's masked-language-model pre-training on the warehouse's own "
                        "listing titles (distinct, unlabelled; the English ones), then fine-tune that encoder. "
                        "Adds a few minutes on 2 cores; the card records titles and steps.")] = False,
    adapt_steps: Annotated[int | None, typer.Option(
        help="Adaptation steps (batches of 32 titles) with --adapt; at least 1. [default: 150]")] = None,
    adapt_titles: Annotated[int | None, typer.Option(
        help="With --adapt, use at most this many distinct titles (a seeded sample); at least 1. [default: 5000]")] = None,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Fine-tune the listing-quality model (BERT) and save it with its model card."""

    def body() -> int:
        from assess.listing.train import TrainConfig, load_card, resolve_model_dir
        from assess.listing.train import train as train_model
        from governance.errors import ShopgovError, UsageError

        adapt_cfg = adapt_config(adapt, adapt_steps, adapt_titles, seed, max_length)
        h = resolve_home(home)
        if stack is not None or stack_from_labels:
            if data is not None or from_labels or extra_data is not None:
                raise UsageError("--stack / --stack-from-labels fit only the stacker of an existing model; "
                                 "run them without --data, --from-labels or --extra-data")
            return fit_stacker(h, stack, stack_from_labels, version, json_out)
        if version is not None:
            raise UsageError("--version goes with --stack / --stack-from-labels")
        if if_missing:
            try:
                path = resolve_model_dir(h)
            except ShopgovError:
                path = None
            if path is not None:
                console.print(f"a trained model exists: {escape(str(path))} (use `shopgov train` without --if-missing "
                              "to retrain)", highlight=False, soft_wrap=True)
                card = load_card(path)
                write_json(json_out, {"model_version": path.name, "trained": False, "path": str(path),
                                      "threshold": card.get("threshold", {}).get("value")})
                return EXIT_OK
        cfg = TrainConfig(epochs=epochs, max_samples=max_samples, batch_size=batch_size, lr=lr,
                          max_length=max_length, seed=seed, real_titles=real_titles)
        cfg.check()
        check_labelled_files({"--data": data, "--extra-data": extra_data})
        card = train_model(h, data, cfg, progress=True, log=plain, from_labels=from_labels, extra_data=extra_data,
                           adapt=adapt_cfg)
        m = card["metrics_validation"]
        for target in ("not_clear", "not_concise", "low_quality"):
            row = "  ".join(
                f"{name} {m[name][target]['roc_auc']:.3f}" for name in ("model", "tfidf_logreg", "heuristic")
                if m[name][target]["roc_auc"] is not None
            )
            console.print(f"validation ROC-AUC {target:<12} {row}", highlight=False)
        effect = card.get("labels_before_after")
        for name in (effect["after"] if effect else ()):
            before = ((effect["before"] or {}).get(name) or {}).get("flag_accuracy")
            where = {"report_d_e": "real titles d+e"}.get(name, name.replace("_", " "))
            console.print(f"flag accuracy on {where}: before "
                          f"{'—' if before is None else f'{before:.3f}'} ({effect['before_model'] or 'no model'}), "
                          f"after {effect['after'][name]['flag_accuracy']:.3f}", highlight=False)
        stacked = stack_on_validation(h, card, data, cfg) if data is not None else None
        console.print(f"threshold {card['threshold']['value']:.3f}; card: "
                      f"{escape(str(h.models / card['model_version'] / 'MODEL_CARD.md'))}", highlight=False, soft_wrap=True)
        write_json(json_out, {"model_version": card["model_version"], "trained": True,
                              "path": str(h.models / card["model_version"]),
                              "threshold": card["threshold"]["value"], "data": card["data"],
                              "metrics_validation": card["metrics_validation"],
                              "robustness": card["robustness"], "fast_path": card["fast_path"],
                              "real_titles": card.get("real_titles"),
                              "labels_before_after": card.get("labels_before_after"),
                              "adaptation": card.get("adaptation"),
                              "train_seconds": card["train_seconds"], "stacker": stacked})
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def _print_stacker(report: dict) -> None:
    cv = "; ".join(f"{k}: model {v['model']:.3f}, stacker {v['stacker']:.3f}"
                   for k, v in report["out_of_fold_auc"].items() if v["model"] == v["model"])
    plain(f"stacker on {report['source']} ({report['n']} titles; out-of-fold AUC {cv or 'not measurable'}): "
          f"{report['decision']}")


def stack_on_validation(h, card: dict, data: Path, cfg) -> dict:
    """After ``--data FILE``: fit the stacker on FILE's validation split (rows the model was not fine-tuned on)."""
    from assess.listing.stack import fit_on_validation

    report = fit_on_validation(h.models / card["model_version"], data, cfg)
    _print_stacker(report)
    return report


def fit_stacker(h, stack: Path | None, from_labels: bool, version: str | None, json_out) -> int:
    """``shopgov train --stack FILE`` / ``--stack-from-labels``: the stacker only, for an existing model."""
    from assess.listing.stack import Stacker, describe, fit_from_sources
    from assess.listing.train import resolve_model_dir

    path = resolve_model_dir(h, version)
    check_labelled_files({"--stack": stack})
    report = fit_from_sources(h, path, stack, from_labels)
    _print_stacker(report)
    plain(f"active scorer: {describe(Stacker.load(path, path.name), path.name)}")
    write_json(json_out, report)
    return EXIT_OK
def adapt_config(adapt: bool, steps: int | None, titles: int | None, seed: int, max_length: int):
    """The ``--adapt`` settings (None without it; same seed and max length as the fine-tuning);
    a bad value is a usage error (exit 2)."""
    from assess.listing.adapt import AdaptConfig
    from governance.errors import UsageError

    if not adapt:
        if steps is not None or titles is not None:
            raise UsageError("--adapt-steps and --adapt-titles need --adapt")
        return None
    cfg = AdaptConfig(seed=seed, max_length=max_length)
    cfg.steps = cfg.steps if steps is None else steps
    cfg.max_titles = cfg.max_titles if titles is None else titles
    cfg.check()
    return cfg


def check_labelled_files(files: dict[str, Path | None]) -> None:
    """Read each labelled file given on the command line before training: a bad one is a usage error (exit 2)."""
    from assess.listing.data import load_labelled
    from governance.errors import IngestError, UsageError

    for option, path in files.items():
        if path is None:
            continue
        try:
            load_labelled(path)
        except IngestError as e:
            raise UsageError(f"{option}: {e}") from None


def flag(
    input_file: Annotated[Path | None, typer.Option(
        "--input", help="Score this CSV/Parquet/JSONL file (needs a 'title' column) instead of the warehouse.")] = None,
    output_file: Annotated[Path | None, typer.Option(
        "--output", help="Where to write the scored file (with --input): .csv, .parquet or .jsonl.")] = None,
    batch_size: Annotated[int, typer.Option(help="Titles per inference batch (sorted by length).", min=1)] = 64,
    version: Annotated[str | None, typer.Option(help="Model version to use (default: latest).")] = None,
    fp32: Annotated[bool, typer.Option("--fp32", help="Use the full-precision model instead of the int8 fast path.")] = False,
    no_explain: Annotated[bool, typer.Option("--no-explain", help="Skip word attributions for flagged rows.")] = False,
    explain_top: Annotated[int, typer.Option(
        "--explain-top", min=0,
        help="Word attributions (occlusion, one extra pass per word) only for flagged listings, and at most "
             "for this many of the worst distinct titles; other flagged rows keep their reason codes.")] = 100,
    full: Annotated[bool, typer.Option(
        "--full", help="Re-score every listing (default: only listings whose title, description or the "
                       "model version changed since the last run).")] = False,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Score listings with the trained model and store scores, flags and reasons."""

    def body() -> int:
        from assess.listing.score import load_model, read_listings, score_file, score_warehouse
        from governance.errors import UsageError

        if (input_file is None) != (output_file is None):
            raise UsageError("--input and --output go together")
        h = resolve_home(home)
        frame = read_listings(input_file, output_file) if input_file is not None else None  # before the model
        model = load_model(h, version, fast=not fp32)
        from assess.listing.model import set_threads
        from assess.listing.score import scorer_description

        set_threads()
        plain(f"scorer: {scorer_description(model)}")
        if input_file is not None:
            summary = score_file(model, input_file, output_file, batch_size=batch_size, explain=not no_explain,
                                 explain_limit=explain_top, frame=frame)
            console.print(f"scored {summary['n_scored']:,} listings from {escape(str(input_file))} → {escape(str(output_file))}: "
                          f"{summary['n_flagged']:,} flagged ({summary['listings_per_second']:.0f}/s)", highlight=False)
        else:
            summary = score_warehouse(h, model, batch_size=batch_size, explain=not no_explain,
                                      log=plain, explain_limit=explain_top, incremental=not full)
            if summary.get("incremental"):
                plain(f"incremental: {summary.get('n_rescored', 0):,} re-scored, {summary.get('n_reused', 0):,} "
                      "unchanged listings kept their stored scores (--full re-scores all)")
            console.print(f"scored {summary['n_scored']:,} products with {summary['model_version']}: "
                          f"{summary['n_flagged']:,} flagged ({summary['flagged_share']:.1%}) in "
                          f"{summary['seconds']:.1f} s; stored in {escape(str(h.results))} (run {summary['run_id']})", highlight=False)
            if not no_explain:
                console.print(f"word attributions for {summary['explained_titles']:,} of "
                              f"{summary['flagged_titles']:,} flagged distinct titles (the worst first; "
                              "--explain-top sets the limit)", highlight=False)
            top = list(summary["reason_counts"].items())[:6]
            if top:
                plain("reasons: " + ", ".join(f"{k} {v:,}" for k, v in top))
        write_json(json_out, summary)
        return EXIT_OK

    run(body, outputs={"--json": json_out, "--output": output_file})


def register(app: typer.Typer) -> None:
    """``train`` and ``flag``."""
    app.command()(train)
    app.command()(flag)
