"""Fine-tune the listing model: split, train with early stopping, calibrate, evaluate, save.

``train(...)`` is what ``shopgov train`` runs. Steps: load the labelled set, stratified
train/validation split, fine-tune MiniLM-L6 with dynamic padding and length-grouped batches
(seeded), keep the weights with the best validation loss (early stopping), fit one temperature
per head on validation logits, choose the flag threshold with the best validation F1, compare
with the three baselines on the same split, measure robustness and the int8 fast path, then
write ``$SHOPGOV_HOME/models/<version>/`` with the model card and point ``models/latest`` at it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from governance.errors import ShopgovError, UsageError
from governance.paths import Home

from . import card as card_mod
from .adapt import AdaptConfig
from .data import DEFAULT_DATA, data_hash, load_labelled, stratified_split, subsample
from .evaluate import (
    Baselines,
    best_threshold,
    compare,
    defect_targets,
    fit_temperature,
    flip_rates,
    round_floats,
)
from .model import HEADS, SMOOTHING, ListingModel, pad_batch, scores_from_probs, set_threads

LATEST = "latest"
ADAPTED_DIR = "adapted_encoder"  # the MLM-adapted encoder that `train --adapt` fine-tuned


@dataclass
class TrainConfig:
    """Hyper-parameters of a training run (all stored in the model card)."""

    epochs: int = 3
    batch_size: int = 32
    lr: float = 1e-4
    weight_decay: float = 0.01
    warmup_fraction: float = 0.1
    max_length: int = 48
    max_samples: int | None = None
    val_fraction: float = 0.15
    evals_per_epoch: int = 2
    patience: int = 2
    seed: int = 13
    threads: int = field(default_factory=lambda: int(os.environ.get("SHOPGOV_THREADS", "2")))
    freeze_embeddings: bool = True
    real_titles: bool = True

    def check(self) -> None:
        if self.epochs < 1:
            raise UsageError("--epochs must be at least 1")
        if self.batch_size < 1:
            raise UsageError("--batch-size must be at least 1")
        if not 0 < self.val_fraction < 0.9:
            raise UsageError("validation fraction must be between 0 and 0.9")
        if self.max_samples is not None and self.max_samples < 10:
            raise UsageError("--max-samples must be at least 10")
        if not 8 <= self.max_length <= 512:
            raise UsageError("--max-length must be between 8 and 512")


def seed_everything(seed: int) -> None:
    """Fix Python, NumPy and torch seeds."""
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _length_grouped_batches(lengths: Sequence[int], batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of similar-length items (mega-batches of 50 sorted by length)."""
    perm = rng.permutation(len(lengths))
    mega = batch_size * 50
    batches: list[np.ndarray] = []
    for i in range(0, len(perm), mega):
        chunk = perm[i : i + mega]
        chunk = chunk[np.argsort([-lengths[j] for j in chunk], kind="stable")]
        batches.extend(chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size))
    order = rng.permutation(len(batches))
    return [batches[i] for i in order]


def _mean_loss(model: ListingModel, ids: Sequence[Sequence[int]], y: np.ndarray, batch_size: int = 128) -> tuple[float, np.ndarray]:
    """Mean BCE loss and raw logits of ``model`` on (ids, y)."""
    import torch

    logits = model.logits_from_ids(ids, batch_size=batch_size)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.from_numpy(logits), torch.from_numpy(y.astype(np.float32))
    )
    return float(loss), logits


def fine_tune(model: ListingModel, train_ids: Sequence[Sequence[int]], train_y: np.ndarray,
              val_ids: Sequence[Sequence[int]] | None = None, val_y: np.ndarray | None = None,
              cfg: TrainConfig | None = None, progress: bool = True,
              log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Fine-tune ``model.net`` in place; restore the weights with the best validation loss.

    Returns the history: per-step training losses, validation evaluations, best step.
    """
    import torch
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    cfg = cfg or TrainConfig()
    seed_everything(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    net = model.net
    # Frozen word embeddings keep the pre-trained meaning of words the training titles never use
    # (better transfer to real listings) and halve the optimizer's work on CPU.
    net.bert.embeddings.word_embeddings.weight.requires_grad_(not cfg.freeze_embeddings)
    pad_id = model.tokenizer.pad_token_id or 0
    lengths = [len(x) for x in train_ids]
    steps_per_epoch = max(1, -(-len(train_ids) // cfg.batch_size))
    total = steps_per_epoch * cfg.epochs
    eval_every = max(1, steps_per_epoch // max(1, cfg.evals_per_epoch))
    no_decay = ("bias", "LayerNorm.weight", "layer_norm")
    params = [(n, p) for n, p in net.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in params if not any(k in n for k in no_decay)], "weight_decay": cfg.weight_decay},
        {"params": [p for n, p in params if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=cfg.lr)
    sched = get_linear_schedule_with_warmup(opt, int(total * cfg.warmup_fraction), total)
    history: dict[str, Any] = {"train_loss": [], "evals": [], "best_step": 0, "stopped_early": False,
                               "steps_per_epoch": steps_per_epoch}
    has_val = val_ids is not None and val_y is not None and len(val_ids) > 0
    best_loss, best_state, bad_evals, step = np.inf, None, 0, 0
    bar = tqdm(total=total, desc="fine-tuning", unit="step", disable=not progress, leave=True)
    t0 = time.perf_counter()
    try:
        for epoch in range(cfg.epochs):
            for idx in _length_grouped_batches(lengths, cfg.batch_size, rng):
                net.train()
                batch = pad_batch([train_ids[i] for i in idx], pad_id)
                out = net(**batch, labels=torch.from_numpy(train_y[idx].astype(np.float32)))
                out.loss.backward()
                torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
                opt.step()
                sched.step()
                opt.zero_grad(set_to_none=True)
                step += 1
                history["train_loss"].append(float(out.loss.detach()))
                bar.update(1)
                bar.set_postfix(epoch=epoch + 1, loss=f"{np.mean(history['train_loss'][-20:]):.3f}")
                if has_val and (step % eval_every == 0 or step == total):
                    vloss, _ = _mean_loss(model, val_ids, val_y)
                    history["evals"].append({"step": step, "epoch": round(step / steps_per_epoch, 2), "val_loss": vloss})
                    bar.set_postfix(epoch=epoch + 1, loss=f"{np.mean(history['train_loss'][-20:]):.3f}",
                                    val=f"{vloss:.3f}")
                    if vloss < best_loss - 1e-4:
                        best_loss, bad_evals, history["best_step"] = vloss, 0, step
                        best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
                    else:
                        bad_evals += 1
                        if bad_evals >= cfg.patience:
                            history["stopped_early"] = True
                            if log:
                                log(f"early stop at step {step}: validation loss did not improve for {bad_evals} evaluations")
                            raise StopIteration
    except StopIteration:
        pass
    finally:
        bar.close()
    if best_state is not None:
        net.load_state_dict(best_state)
    elif not has_val:
        history["best_step"] = step
    net.eval()
    history["steps"] = step
    history["seconds"] = time.perf_counter() - t0
    history["samples_per_second"] = step * cfg.batch_size / max(history["seconds"], 1e-9)
    history["best_val_loss"] = None if best_loss == np.inf else float(best_loss)
    return history


def _labels(df: pd.DataFrame) -> np.ndarray:
    return df[list(HEADS)].to_numpy().astype(np.float32)


def _new_version(models_dir: Path, digest: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    base = f"listing-{stamp}-{digest[:6]}"
    version, n = base, 1
    while (models_dir / version).exists():
        n += 1
        version = f"{base}-{n}"
    return version


def write_latest(models_dir: Path, version: str) -> None:
    """Point ``models/latest`` at ``version`` (atomic replace)."""
    tmp = models_dir / f".{LATEST}.{os.getpid()}.tmp"
    tmp.write_text(version + "\n", encoding="utf-8")
    os.replace(tmp, models_dir / LATEST)


def resolve_model_dir(home: Home, version: str | None = None) -> Path:
    """Folder of the requested (default: latest) model; clear error if none is trained."""
    models = home.models
    if version:
        path = models / version
        if not (path / "listing_config.json").exists():
            raise ShopgovError(f"no model '{version}' in {models}; run `shopgov train`")
        return path
    pointer = models / LATEST
    if not pointer.exists():
        raise ShopgovError(f"no trained model in {models}; run `shopgov train`")
    path = models / pointer.read_text(encoding="utf-8").strip()
    if not (path / "listing_config.json").exists():
        raise ShopgovError(f"no trained model in {models} (latest points to missing {path.name}); run `shopgov train`")
    return path


def _latest_or_none(home: Home) -> Path | None:
    try:
        return resolve_model_dir(home)
    except ShopgovError:
        return None


def _extra_rows(home: Home, from_labels: bool, extra_data: str | Path | pd.DataFrame | None) -> pd.DataFrame:
    parts = []
    if from_labels:
        from .labels import training_frame

        lab = training_frame(home)
        if lab.empty:
            raise UsageError("no analyst labels stored yet: confirm, reject or relabel flags first")
        parts.append(lab)
    if extra_data is not None:
        parts.append(extra_data.reset_index(drop=True) if isinstance(extra_data, pd.DataFrame)
                     else load_labelled(extra_data))
    cols = ["title", "description", "category", "source", "clarity", "conciseness"]
    return pd.concat([p.reindex(columns=cols) for p in parts], ignore_index=True) if parts else pd.DataFrame(columns=cols)


def train(home: Home, data: str | Path | pd.DataFrame | None = None, cfg: TrainConfig | None = None,
          progress: bool = True, log: Callable[[str], None] = print, *, from_labels: bool = False,
          extra_data: str | Path | pd.DataFrame | None = None, extra_weight: int = 3,
          adapt: AdaptConfig | None = None) -> dict[str, Any]:
    """Train, evaluate and save a listing model under ``home.models``; return its card.

    ``data``: the labelled set (default: the bundled generated titles; a team's CSV / JSONL /
    Parquet with ``title, clarity, conciseness`` trains on that alone). ``from_labels``: add the
    analysts' stored labels (:mod:`.labels`), and ``extra_data``: add another labelled file;
    both only to the training split (validation, calibration and threshold stay on ``data``),
    each row repeated ``extra_weight`` times so a few hundred labels count next to thousands
    of generated titles. ``adapt``: first continue MiniLM's masked-language-model pre-training
    on the warehouse's own titles (:mod:`.adapt`), then fine-tune that encoder; it is kept in
    the model folder (``adapted_encoder/``) and the card's ``adaptation`` section.
    """
    cfg = cfg or TrainConfig()
    cfg.check()
    set_threads(cfg.threads)
    seed_everything(cfg.seed)
    started = time.perf_counter()
    if isinstance(data, pd.DataFrame):
        df, source = data.reset_index(drop=True), "<frame>"
    else:
        source = str(data or DEFAULT_DATA)
        df = load_labelled(data)
    n_loaded = len(df)
    df = subsample(df, cfg.max_samples, seed=cfg.seed)
    digest = data_hash(df)
    train_df, val_df = stratified_split(df, cfg.val_fraction, seed=cfg.seed)
    extra = _extra_rows(home, from_labels, extra_data)
    previous = _latest_or_none(home) if from_labels else None  # the model the labels were given on
    if len(extra):
        if extra_weight < 1:
            raise UsageError("extra_weight must be at least 1")
        train_df = pd.concat([train_df] + [extra] * extra_weight, ignore_index=True)
        source += f" + {len(extra):,} extra labelled titles (x{extra_weight}, training split only)"
        digest = data_hash(pd.concat([df, extra], ignore_index=True))
    log(f"training on {len(train_df):,} titles, validating on {len(val_df):,} "
        f"(from {source}, {n_loaded:,} rows, sha256 {digest[:12]})")

    adaptation, adapted_dir = None, None
    if adapt is not None:
        from .adapt import adapt_from_warehouse

        adapt.check()
        adapted_dir = home.ensure().models / f".adapt-{os.getpid()}"
        shutil.rmtree(adapted_dir, ignore_errors=True)
        adaptation = adapt_from_warehouse(home, adapted_dir, adapt, progress, log)
    model = ListingModel.from_base(max_length=cfg.max_length, seed=cfg.seed, base=adapted_dir)
    if adaptation is not None:
        model.config.base_model += (f" + MLM adaptation on {adaptation['titles']:,} warehouse titles, "
                                    f"{adaptation['steps']} steps")
    tr_ids, va_ids = model.encode(train_df["title"].tolist()), model.encode(val_df["title"].tolist())
    history = fine_tune(model, tr_ids, _labels(train_df), va_ids, _labels(val_df), cfg, progress, log)

    # calibration (temperature per head) and threshold, both on validation
    val_logits = model.logits_from_ids(va_ids, batch_size=128)
    y_val = _labels(val_df)
    model.config.temperature = [fit_temperature(val_logits[:, k], y_val[:, k]) for k in range(len(HEADS))]
    pred = scores_from_probs(model.calibrate(val_logits))
    model.config.threshold = best_threshold(defect_targets(val_df)["low_quality"], pred["low_quality"])

    label_effect = None
    if from_labels:
        from .labels import before_after, training_frame

        report = None
        if cfg.real_titles:  # the shared real titles' report files (d+e), when this checkout has them
            from .real_titles import REPORT_FILES
            from .real_titles import load_labelled as load_real

            real = load_real()
            report = real[real["label_file"].isin(REPORT_FILES)] if real is not None else None
        log("measuring the previous model and the new one on validation and the analysts' labels"
            + (" and the real report titles (d+e)" if report is not None else ""))
        label_effect = before_after(ListingModel.load(previous) if previous else None, model, val_df,
                                    training_frame(home), previous.name if previous else None, report=report)
    log("evaluating against baselines and perturbations")
    baselines = Baselines(train_df, seed=cfg.seed)
    metrics = compare(pred, val_df, baselines, model.config.threshold)
    robustness = flip_rates(lambda ts: model.predict(ts, batch_size=128)["low_quality"],
                            val_df["title"].tolist(), model.config.threshold, seed=cfg.seed)
    bounds = model.activation_bounds()  # the default calibration, kept with the saved model
    fast = model.quantize(bounds=bounds)
    val_titles = val_df["title"].tolist()
    t0 = time.perf_counter()
    fp32_pred = model.predict(val_titles, batch_size=64)
    fp32_rate = len(val_titles) / max(time.perf_counter() - t0, 1e-9)
    t0 = time.perf_counter()
    fast_pred = fast.predict(val_titles, batch_size=64)
    fast_rate = len(val_titles) / max(time.perf_counter() - t0, 1e-9)
    fast_metrics = compare(fast_pred, val_df, baselines, model.config.threshold)["model"]
    fast_path = {
        "method": ("int8 Linear layers, per-channel weights; SmoothQuant "
                   f"(a={SMOOTHING}) and fixed activation ranges, so scores do not depend on the batch"),
        "metrics": fast_metrics,
        "auc_loss": {t: (metrics["model"][t]["roc_auc"] or 0) - (fast_metrics[t]["roc_auc"] or 0)
                     for t in metrics["model"]},
        "flag_agreement": float(np.mean((fast_pred["low_quality"] >= model.config.threshold)
                                        == (fp32_pred["low_quality"] >= model.config.threshold))),
        "throughput": {"fp32_listings_per_s": fp32_rate, "int8_listings_per_s": fast_rate,
                       "threads": cfg.threads, "batch_size": 64, "note": "validation titles, length-sorted batches"},
    }
    real = None
    if cfg.real_titles:
        from . import real_titles

        real = real_titles.evaluate(model, baselines, model.config.threshold, seed=cfg.seed)
        if real is not None:
            fast_real = real_titles.evaluate(fast, baselines, model.config.threshold, robustness=False)
            real["fast_path_roc_auc"] = {t: fast_real["metrics"]["model"][t]["roc_auc"] for t in fast_real["metrics"]["model"]}
            m = real["metrics"]
            log("real Walmart titles (evaluation only), ROC-AUC not concise: model "
                f"{m['model']['not_concise']['roc_auc']:.3f}, heuristic {m['heuristic']['not_concise']['roc_auc']:.3f}, "
                f"TF-IDF {m['tfidf_logreg']['not_concise']['roc_auc']:.3f}")

    home.ensure()
    version = _new_version(home.models, digest)
    model.config.version = version
    tmp_dir = home.models / f".tmp-{version}"
    shutil.rmtree(tmp_dir, ignore_errors=True)
    try:
        model.save(tmp_dir)
        model.store_bounds(bounds)
        card = card_mod.build_card(
            version=version, model_config=model.config, train_config=asdict(cfg), data_source=source,
            data_sha256=digest, n_rows=len(df), n_train=len(train_df), n_val=len(val_df),
            label_balance={t: float(np.mean(v)) for t, v in defect_targets(df).items()},
            history=history, metrics=metrics, robustness=robustness, fast_path=fast_path, real_titles=real,
            seconds=time.perf_counter() - started, labels_before_after=label_effect,
        )
        if adapted_dir is not None:
            shutil.move(adapted_dir, tmp_dir / ADAPTED_DIR)
            card["adaptation"] = round_floats(adaptation | {"path": ADAPTED_DIR})
        card_mod.write_card(tmp_dir, card)
        os.replace(tmp_dir, home.models / version)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    finally:
        if adapted_dir is not None:
            shutil.rmtree(adapted_dir, ignore_errors=True)
    write_latest(home.models, version)
    log(f"saved model {version} to {home.models / version}")
    return card


def load_card(model_dir: Path) -> dict[str, Any]:
    """The model card (JSON) of a saved model."""
    path = model_dir / card_mod.CARD_JSON
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


__all__ = ["TrainConfig", "fine_tune", "load_card", "resolve_model_dir", "round_floats", "train", "write_latest"]
