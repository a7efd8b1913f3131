"""Model card of a listing model: ``model_card.json`` (machine) and ``MODEL_CARD.md`` (people)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .evaluate import TARGETS, round_floats
from .model import ModelConfig

CARD_JSON = "model_card.json"
CARD_MD = "MODEL_CARD.md"

INTENDED_USE = (
    "Flag marketplace listing titles that a shopper cannot understand within 5 seconds (clarity) "
    "or that are padded, keyword-stuffed, repetitive or omit necessary attributes (conciseness), "
    "so catalog managers review them first. Title text only; English. Not for automatic delisting."
)
LABEL_GUIDELINE = (
    "clarity = 1 if a shopper can tell within 5 s what the product is and its key attributes; "
    "conciseness = 1 if the title has no padding, repeated words or keyword stuffing and omits "
    "nothing necessary; not clear implies not concise."
)


def build_card(*, version: str, model_config: ModelConfig, train_config: dict[str, Any], data_source: str,
               data_sha256: str, n_rows: int, n_train: int, n_val: int, label_balance: dict[str, float],
               history: dict[str, Any], metrics: dict[str, Any], robustness: dict[str, Any],
               fast_path: dict[str, Any], seconds: float,
               real_titles: dict[str, Any] | None = None,
               labels_before_after: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything a reviewer needs to trust (or distrust) the model."""
    import torch
    import transformers

    return round_floats({
        "model_version": version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "task": "listing title quality: P(clear), P(concise); low_quality = 1 - P(clear) * P(concise)",
        "intended_use": INTENDED_USE,
        "label_guideline": LABEL_GUIDELINE,
        "base_model": model_config.base_model,
        "architecture": "BertForSequenceClassification (MiniLM-L6-H384, uncased), 2 sigmoid outputs",
        "model_config": model_config.__dict__,
        "calibration": {"method": "temperature scaling per head on validation logits",
                        "temperature": dict(zip(("clarity", "conciseness"), model_config.temperature, strict=True))},
        "threshold": {"value": model_config.threshold,
                      "rule": "flagged = low_quality_score >= value; value maximises validation F1 of low quality"},
        "data": {"source": data_source, "sha256": data_sha256, "rows": n_rows, "train": n_train,
                 "validation": n_val, "defect_rates": label_balance},
        "train_config": train_config,
        "training": {k: v for k, v in history.items() if k != "train_loss"}
        | {"first_loss": history["train_loss"][0] if history["train_loss"] else None,
           "last_loss": history["train_loss"][-1] if history["train_loss"] else None},
        "metrics_validation": metrics,
        "real_titles": real_titles,
        "labels_before_after": labels_before_after,
        "robustness": robustness,
        "fast_path": fast_path,
        "software": {"torch": torch.__version__, "transformers": transformers.__version__},
        "train_seconds": seconds,
    })


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def metrics_table(metrics: dict[str, Any], title: str) -> list[str]:
    """Markdown table: one row per (target, model/baseline)."""
    lines = [f"### {title}", "", "| target | scorer | ROC-AUC | PR-AUC | F1 | RMSE | n (defects) |",
             "|---|---|---|---|---|---|---|"]
    for t in TARGETS:
        for name, per in metrics.items():
            m = per.get(t) if isinstance(per, dict) else None
            if not m:
                continue
            lines.append(f"| {t} | {name} | {_fmt(m['roc_auc'])} | {_fmt(m['pr_auc'])} | {_fmt(m['f1'])} | "
                         f"{_fmt(m['rmse'])} | {m['n']} ({m['positives']}) |")
    return lines + [""]


def before_after_table(effect: dict[str, Any] | None) -> list[str]:
    """Markdown section: the previous model vs this one after training on analysts' labels."""
    if not effect:
        return []
    before = effect.get("before") or {}
    lines = ["## Analysts' labels: before / after", "",
             f"Fine-tuned on {effect['labels']} analyst labels (`shopgov train --from-labels`). Before: "
             + (f"`{effect['before_model']}`, the latest model when training started." if effect["before_model"]
                else "no earlier model in this home.") + f" Note: {effect['note']}.", "",
             "| rows | metric | before | after |", "|---|---|---|---|"]
    for name, title in (("validation", "validation split"), ("analyst_labels", "analyst labels"),
                        ("report_d_e", "real titles d+e, trained on by neither")):
        after = effect["after"].get(name)
        if not after:
            continue
        b = before.get(name) or {}
        rows = [("flag accuracy", b.get("flag_accuracy"), after["flag_accuracy"])]
        rows += [(f"ROC-AUC {t}", (b.get(t) or {}).get("roc_auc"), after[t]["roc_auc"]) for t in TARGETS]
        rows += [("F1 low_quality", (b.get("low_quality") or {}).get("f1"), after["low_quality"]["f1"])]
        lines += [f"| {title} ({after['n']}) | {m} | {_fmt(x)} | {_fmt(y)} |" for m, x, y in rows]
    if effect.get("report_left_out"):
        lines += ["", f"{effect['report_left_out']} real d+e titles that the analysts also labelled are left out "
                  "of that row."]
    return lines + [""]


def scorer_section(card: dict[str, Any]) -> list[str]:
    """Markdown section: which scorer ``shopgov flag`` uses with this model (stacker or model alone)."""
    scorer = card.get("scorer") or f"model alone ({card['model_version']}; no stacker fitted)"
    lines = ["## Scorer", "", f"Active scorer: {scorer}.", ""]
    st = card.get("stacker")
    if st:
        lines += [f"Last stacker fit ({st['source']}, {st['n']} titles): {st['decision']}.", ""]
    return lines


def adaptation_lines(a: dict[str, Any] | None) -> list[str]:
    """The model section's line on ``train --adapt`` (MLM pre-training on the warehouse's titles)."""
    if not a:
        return []
    return [f"- Adapted before fine-tuning: masked-language-model pre-training on {a['titles']} distinct "
            f"warehouse titles (of {a.get('distinct_titles_in_warehouse', a['titles'])}), {a['steps']} steps "
            f"(MLM loss {_fmt(a.get('loss_first'))} → {_fmt(a.get('loss_last'))}; MLM head {a.get('mlm_head')}); "
            f"encoder kept in `{a.get('path')}/`."]


def render_markdown(card: dict[str, Any]) -> str:
    """The human-readable model card."""
    d, cal, thr = card["data"], card["calibration"], card["threshold"]
    rob = card.get("robustness", {})
    lines = [
        f"# Model card — {card['model_version']}", "",
        f"*Created {card['created_at']}.* {card['task']}.", "",
        "## Intended use", "", card["intended_use"], "",
        "## Labels", "", card["label_guideline"], "",
        "## Model", "",
        f"- Base: {card['base_model']}; {card['architecture']}.",
        f"- Max length {card['model_config']['max_length']} tokens (title only).",
        f"- Calibration: {cal['method']}; T(clarity) = {_fmt(cal['temperature']['clarity'])}, "
        f"T(conciseness) = {_fmt(cal['temperature']['conciseness'])}.",
        f"- Threshold: {_fmt(thr['value'])} ({thr['rule']}).",
        *adaptation_lines(card.get("adaptation")), "",
        "## Data", "",
        f"- Source: `{d['source']}`, sha256 `{d['sha256']}`.",
        f"- {d['rows']} rows: {d['train']} train / {d['validation']} validation (stratified on both labels).",
        "- Defect rates: " + ", ".join(f"{k} {_fmt(v)}" for k, v in d["defect_rates"].items()) + ".", "",
        "## Training", "",
        "- Config: " + ", ".join(f"{k}={v}" for k, v in card["train_config"].items()) + ".",
        f"- {card['training'].get('steps')} steps, best at step {card['training'].get('best_step')} "
        f"(best validation loss {_fmt(card['training'].get('best_val_loss'))}; "
        f"stopped early: {card['training'].get('stopped_early')}); "
        f"loss {_fmt(card['training'].get('first_loss'))} → {_fmt(card['training'].get('last_loss'))}; "
        f"{_fmt(card['training'].get('samples_per_second'))} samples/s; total {_fmt(card['train_seconds'])} s.", "",
        "## Metrics", "",
        "Positive class = the defect. Baselines are fitted on the same training split and scored on the "
        "same rows: prior (base rate), TF-IDF + logistic regression, length + repeated-word heuristic.", "",
    ]
    lines += metrics_table(card["metrics_validation"], "Validation split (held-out labelled titles)")
    real = card.get("real_titles")
    if real:
        lines += [f"Real titles: {real.get('description', '')}", ""]
        lines += metrics_table(real["metrics"], f"Real titles ({real.get('n', '?')} labelled)")
        if real.get("fast_path_roc_auc"):
            lines += ["Int8 fast path on real titles, ROC-AUC: " + ", ".join(
                f"{k} {_fmt(v)}" for k, v in real["fast_path_roc_auc"].items()) + ".", ""]
        if real.get("robustness"):
            lines += ["Robustness on real titles: " + ", ".join(
                f"{k} flip rate {_fmt(real['robustness'][k]['flip_rate'])}" for k in ("case", "typo", "reorder")) + ".", ""]
    lines += before_after_table(card.get("labels_before_after"))
    lines += scorer_section(card)
    if rob:
        lines += ["## Robustness", "",
                  f"Flip rate of the flag under small perturbations ({rob.get('n')} validation titles): "
                  + ", ".join(f"{k} {_fmt(rob[k]['flip_rate'])} (mean |Δscore| {_fmt(rob[k]['mean_abs_delta'])})"
                              for k in ("case", "typo", "reorder")) + ".", ""]
    fp = card.get("fast_path")
    if fp:
        lines += ["## CPU fast path", "",
                  f"{fp['method']}: ROC-AUC loss vs fp32 " + ", ".join(f"{k} {_fmt(v)}" for k, v in fp["auc_loss"].items())
                  + f"; flag agreement {_fmt(fp['flag_agreement'])}.", ""]
        if fp.get("throughput"):
            lines += ["Throughput: " + ", ".join(f"{k} {_fmt(v)}" for k, v in fp["throughput"].items()) + ".", ""]
    lines += ["## Limitations", "",
              "- Trained on a generated, hand-curated English set (governance/samplegen/listing_titles.csv) unless "
              "`--data` was given; other languages and marketplaces need their own labels.",
              "- Title only: descriptions are checked by rules (HTML, contact details), not by the model.",
              "- Probabilities are calibrated (temperature) on held-out labelled titles of the training set; on "
              "other listings they can be overconfident (scores pile up near 0 and 1). Rank and flag with them; "
              "read them as exact probabilities only after calibrating on your own labels.",
              "- The model is uncased: ALL CAPS is reported by the rules, never by the model.",
              f"- Software: torch {card['software']['torch']}, transformers {card['software']['transformers']}.", ""]
    return "\n".join(lines)


def write_card(model_dir: Path, card: dict[str, Any]) -> None:
    """Write both card files (each replaced atomically)."""
    for name, text in ((CARD_JSON, json.dumps(card, indent=2, ensure_ascii=False) + "\n"),
                       (CARD_MD, render_markdown(card))):
        tmp = model_dir / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, model_dir / name)


def update_card(model_dir: Path, **sections: Any) -> dict[str, Any]:
    """Add or replace sections of a saved model's card (e.g. ``real_titles=...``)."""
    card = json.loads((model_dir / CARD_JSON).read_text(encoding="utf-8"))
    card.update(round_floats(sections))
    write_card(model_dir, card)
    return card
