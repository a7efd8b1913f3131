"""A calibrated stacker: the model's two outputs plus interpretable title features.

Per defect head (not concise, not clear) a logistic regression on standardised features:
the model's log-odds for that head, word count, character count, the largest repeat count
of a content word, and 0/1 rule hits (repeated words, missing product type, spam terms,
all caps, too long, too short). Logistic regression is calibrated by construction; each
feature's contribution (coefficient × standardised value) is its explanation, named in plain
words (:meth:`Stacker.factors`). It is fitted on real labelled titles for one model version
(the dev file c in the protocol; a team's own labels or the analysts' labels for a user, see
:func:`fit_for_model`) and kept only if its out-of-fold AUC beats the model alone
(:func:`decide`). Stored beside the model as JSON (``stacker.json``: coefficients, means,
scales, threshold, provenance; no pickles, no labelled rows).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from governance.errors import ShopgovError

from .rules import load_rules, quotable_repeats, repeated_words, rule_reasons, words

RULE_FEATURES = ("REPEATED_WORDS", "MISSING_PRODUCT_TYPE", "SPAM_TERMS", "ALL_CAPS", "TOO_LONG", "TOO_SHORT")
FEATURES = ("model_logodds", "n_words", "n_chars", "max_repeat", *(f"rule_{c.lower()}" for c in RULE_FEATURES))
HEADS = ("not_concise", "not_clear")
STACKER_FILE = "stacker.json"
#: A head is judged by the keep rule only with at least this many titles of each class.
MIN_CLASS = 5

#: Plain words for a feature whose standardised value is above / below its mean in the fit data.
_WORDS = {
    "model_logodds": ("the text model's verdict", "the text model's verdict"),
    "n_words": ("many words ({v:.0f})", "few words ({v:.0f})"),
    "n_chars": ("long title ({v:.0f} characters)", "short title ({v:.0f} characters)"),
    "max_repeat": ("repeated word{w} ×{v:.0f}", "no repeated word"),
    "rule_repeated_words": ("repeated words", "no repeated words"),
    "rule_missing_product_type": ("no product type named", "names a product type"),
    "rule_spam_terms": ("promotional terms", "no promotional terms"),
    "rule_all_caps": ("all capitals", "not all capitals"),
    "rule_too_long": ("over the length limit", "within the length limit"),
    "rule_too_short": ("under the minimum length", "not too short"),
}


class StackerError(ShopgovError):
    """A ``stacker.json`` that cannot be used (unreadable, malformed, or for another model)."""


def title_features(titles: Sequence[str], reasons: Sequence[Sequence[dict[str, str]]] | None = None) -> np.ndarray:
    """Interpretable features (every column of :data:`FEATURES` but the model's).

    ``reasons``: the titles' :func:`~.rules.rule_reasons`, when the caller has them already
    (scoring does), so the rules run once per title. The feature codes read only the title.
    """
    rules = load_rules()
    rows = []
    for i, t in enumerate(titles):
        t = t if isinstance(t, str) else ""
        codes = {r["code"] for r in (reasons[i] if reasons is not None else rule_reasons(t, None))}
        reps = repeated_words(t, rules)
        rows.append([len(words(t)), len(t), max(reps.values(), default=1),
                     *(float(c in codes) for c in RULE_FEATURES)])
    return np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES) - 1)


def _logodds(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def feature_matrix(titles: Sequence[str], defect_probs: np.ndarray) -> np.ndarray:
    return np.column_stack([_logodds(defect_probs), title_features(titles)])


@dataclass
class Head:
    coef: list[float]
    intercept: float
    mean: list[float]
    scale: list[float]


@dataclass
class Stacker:
    """One logistic head per defect; see the module docstring.

    ``threshold``: flag when the combined low-quality probability reaches it (best F1 of the
    out-of-fold predictions on the fit data). ``info``: provenance (model version it was fitted
    for, source, rows, out-of-fold AUCs, the keep decision).
    """

    heads: dict[str, Head]
    features: tuple[str, ...] = FEATURES
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(cls, titles: Sequence[str], model_pred: dict[str, np.ndarray], targets: dict[str, np.ndarray],
            c: float = 0.5) -> Stacker:
        """Fit on labelled titles; ``model_pred`` / ``targets``: defect probabilities / 0-1 per head."""
        from sklearn.linear_model import LogisticRegression

        base = title_features(titles)
        heads = {}
        for h in HEADS:
            x = np.column_stack([_logodds(model_pred[h]), base])
            mean, scale = x.mean(0), x.std(0)
            scale[scale == 0] = 1.0
            clf = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, targets[h])
            heads[h] = Head(clf.coef_[0].tolist(), float(clf.intercept_[0]), mean.tolist(), scale.tolist())
        return cls(heads)

    @property
    def digest(self) -> str:
        """sha256 of what decides the scores (features, coefficients, threshold): part of the scoring version."""
        payload = json.dumps({"features": list(self.features), "threshold": self.threshold,
                              "heads": {h: asdict(v) for h, v in sorted(self.heads.items())}}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    def _z(self, h: str, x: np.ndarray) -> np.ndarray:
        hd = self.heads[h]
        return (x - np.asarray(hd.mean)) / np.asarray(hd.scale)

    def _x(self, h: str, base: np.ndarray, model_pred: dict[str, np.ndarray]) -> np.ndarray:
        return np.column_stack([_logodds(np.asarray(model_pred[h], dtype=float).reshape(-1)), base])

    def predict(self, titles: Sequence[str], model_pred: dict[str, np.ndarray],
                reasons: Sequence[Sequence[dict[str, str]]] | None = None) -> dict[str, np.ndarray]:
        """Defect probabilities per head, plus ``low_quality`` (1 - P(clear)·P(concise))."""
        base = title_features(titles, reasons)
        out = {}
        for h in HEADS:
            hd = self.heads[h]
            z = self._z(h, self._x(h, base, model_pred)) @ np.asarray(hd.coef) + hd.intercept
            out[h] = 1 / (1 + np.exp(-z))
        out["low_quality"] = 1 - (1 - out["not_clear"]) * (1 - out["not_concise"])
        return out

    def explain(self, title: str, model_pred: dict[str, float]) -> dict[str, list[dict[str, Any]]]:
        """Per head, each feature's contribution to the log-odds (largest first)."""
        base = title_features([title])
        out = {}
        for h in HEADS:
            x = self._x(h, base, {h: np.array([model_pred[h]])})
            contrib = self._z(h, x)[0] * np.asarray(self.heads[h].coef)
            order = np.argsort(-np.abs(contrib))
            out[h] = [{"feature": self.features[i], "value": float(x[0, i]), "contribution": round(float(contrib[i]), 4)}
                      for i in order]
        return out

    def factors(self, title: str, head: str, model_prob: float, base: np.ndarray | None = None,
                top: int = 3) -> list[dict[str, Any]]:
        """The ``top`` features pushing ``head`` towards the defect, in plain words.

        Each ``{"feature", "label", "contribution"}``: contribution = coefficient × standardised
        value, in log-odds; label e.g. ``many words (24)`` or ``repeated word 'bed' ×3``.
        Only positive contributions (what made the title look defective), largest first.
        """
        base = title_features([title]) if base is None else base.reshape(1, -1)
        x = self._x(head, base, {head: np.array([model_prob])})
        z = self._z(head, x)[0]
        contrib = z * np.asarray(self.heads[head].coef)
        reps = quotable_repeats(title)
        word = f" '{max(reps, key=lambda w: reps[w])}'" if reps else ""
        out = []
        for i in np.argsort(-contrib):
            if contrib[i] <= 0.05 or len(out) >= top:
                break
            name = self.features[i]
            above, below = _WORDS.get(name, (name, name))
            label = (above if z[i] > 0 else below).format(v=float(x[0, i]), w=word)
            out.append({"feature": name, "label": label, "contribution": round(float(contrib[i]), 2)})
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.features), "threshold": self.threshold, "info": self.info,
                "heads": {h: asdict(v) for h, v in self.heads.items()}}

    def save(self, folder: str | Path) -> Path:
        path = Path(folder) / STACKER_FILE
        tmp = path.with_name(f".{STACKER_FILE}.tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, folder: str | Path, model_version: str | None = None) -> Stacker | None:
        """The stacker beside a model, or None when the folder has none.

        A file that is unreadable, malformed, or fitted for another model version raises
        :class:`StackerError` naming the file and the problem: scores never silently change
        scorer. ``model_version``: the version of the model it will be stacked on.
        """
        path = Path(folder) / STACKER_FILE
        if not path.exists():
            return None
        fix = f"refit it (`shopgov train --stack FILE`) or delete {path} to score with the model alone"
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            features = tuple(d["features"])
            if features != FEATURES:
                raise StackerError(f"{path}: features {list(features)} differ from this version's {list(FEATURES)}; {fix}")
            heads = {h: Head(**d["heads"][h]) for h in HEADS}
            for h, hd in heads.items():
                lens = {len(hd.coef), len(hd.mean), len(hd.scale)}
                if lens != {len(FEATURES)} or not all(math.isfinite(v) for v in [*hd.coef, hd.intercept, *hd.mean, *hd.scale]) \
                        or min(hd.scale) <= 0:
                    raise StackerError(f"{path}: head '{h}' needs {len(FEATURES)} finite coefficients, means and "
                                       f"positive scales; {fix}")
            threshold = float(d.get("threshold", 0.5))
            if not 0 < threshold < 1:
                raise StackerError(f"{path}: threshold {threshold} is not between 0 and 1; {fix}")
        except StackerError:
            raise
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise StackerError(f"{path}: not readable JSON ({e}); {fix}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise StackerError(f"{path}: malformed stacker (missing or bad key {e}); {fix}") from None
        info = d.get("info") or {}
        fitted_for = info.get("model_version")
        if model_version is not None and fitted_for not in (None, model_version):
            raise StackerError(f"{path}: fitted for model {fitted_for}, not {model_version} (its inputs are that "
                               f"model's outputs); {fix}")
        return cls(heads, features, threshold, info)


def _oof(titles: list[str], model_pred: dict[str, np.ndarray], targets: dict[str, np.ndarray],
         folds: int, seed: int) -> dict[str, np.ndarray | None]:
    """Out-of-fold stacker predictions per head (None where a class is too small to split)."""
    from sklearn.model_selection import StratifiedKFold

    out: dict[str, np.ndarray | None] = {}
    for h in HEADS:
        y = np.asarray(targets[h]).astype(int)
        k = min(folds, int(min(y.sum(), len(y) - y.sum())))
        if k < 2:
            out[h] = None
            continue
        oof = np.zeros(len(y))
        for tr, te in StratifiedKFold(k, shuffle=True, random_state=seed).split(titles, y):
            sub = {hh: np.asarray(model_pred[hh])[tr] for hh in HEADS}
            tt = {hh: np.asarray(targets[hh])[tr] for hh in HEADS}
            for hh in HEADS:  # a fold without one class of the other head: copy this head's labels
                if len(np.unique(tt[hh])) < 2:
                    tt[hh] = tt[h]
            st = Stacker.fit([titles[i] for i in tr], sub, tt)
            oof[te] = st.predict([titles[i] for i in te], {hh: np.asarray(model_pred[hh])[te] for hh in HEADS})[h]
        out[h] = oof
    return out


def cross_val_auc(titles: Sequence[str], model_pred: dict[str, np.ndarray], targets: dict[str, np.ndarray],
                  folds: int = 5, seed: int = 13) -> dict[str, dict[str, float]]:
    """Out-of-fold ROC-AUC of the stacker vs the model alone, per head (the decision on dev data)."""
    from sklearn.metrics import roc_auc_score

    oof = _oof(list(titles), model_pred, targets, folds, seed)
    out = {}
    for h in HEADS:
        y = np.asarray(targets[h]).astype(int)
        if oof[h] is None:
            out[h] = {"model": float("nan"), "stacker": float("nan"), "positives": int(y.sum()), "n": len(y)}
            continue
        out[h] = {"model": float(roc_auc_score(y, model_pred[h])), "stacker": float(roc_auc_score(y, oof[h])),
                  "positives": int(y.sum()), "n": len(y)}
    return out


def decide(cv: dict[str, dict[str, float]]) -> tuple[bool, str]:
    """The keep rule (the protocol's): on every head with at least :data:`MIN_CLASS` titles of
    each class, the stacker's out-of-fold AUC is at least the model's, and above it on one."""
    judged = {h: v for h, v in cv.items()
              if min(v.get("positives", MIN_CLASS), v.get("n", 2 * MIN_CLASS) - v.get("positives", MIN_CLASS)) >= MIN_CLASS
              and math.isfinite(v["model"]) and math.isfinite(v["stacker"])}
    if not judged:
        return False, f"too few labels: no head has {MIN_CLASS} titles of each class to judge the stacker"
    text = ", ".join(f"{h}: stacker {v['stacker']:.3f} vs model {v['model']:.3f}" for h, v in judged.items())
    worse = [h for h, v in judged.items() if v["stacker"] < v["model"]]
    if worse:
        return False, f"not kept: out-of-fold AUC below the model alone on {', '.join(worse)} ({text})"
    if not any(v["stacker"] > v["model"] for v in judged.values()):
        return False, f"not kept: out-of-fold AUC no better than the model alone ({text})"
    return True, f"kept: out-of-fold AUC {text}"


def targets_of(frame: Any) -> dict[str, np.ndarray]:
    """Defect targets per head from a labelled frame (``clarity``, ``conciseness``: 1 = good)."""
    return {"not_concise": 1 - frame["conciseness"].to_numpy().astype(int),
            "not_clear": 1 - frame["clarity"].to_numpy().astype(int)}


def model_defects(model: Any, titles: Sequence[str]) -> dict[str, np.ndarray]:
    """The model's defect probabilities per head (the stacker's model inputs)."""
    pred = model.predict(list(titles), batch_size=64)
    return {"not_clear": 1 - pred["clarity"], "not_concise": 1 - pred["conciseness"]}


def fit_for_model(model_dir: str | Path, frame: Any, source: str, model: Any = None) -> dict[str, Any]:
    """Fit, judge and (if it wins) save the stacker of the model in ``model_dir`` on labelled titles.

    ``frame``: ``title, clarity, conciseness`` (a team's own labels, the analysts' labels, or a
    trained model's held-out validation rows); the model's inputs come from its int8 fast path
    (what ``shopgov flag`` scores with). Kept only if :func:`decide` says so; otherwise any
    earlier stacker of the model stays as it was. Returns the report (also written to the model
    card's ``stacker`` section). No labelled row is stored: coefficients, means and scales only.
    """
    from .card import update_card
    from .evaluate import best_threshold
    from .model import ListingModel

    model_dir = Path(model_dir)
    model = model or ListingModel.load(model_dir, fast=True)
    frame = frame[frame["title"].map(lambda t: isinstance(t, str) and t.strip() != "")].reset_index(drop=True)
    titles = frame["title"].map(str.strip).tolist()
    y = targets_of(frame)
    pred = model_defects(model, titles)
    cv = cross_val_auc(titles, pred, y)
    keep, why = decide(cv)
    report: dict[str, Any] = {"kept": keep, "decision": why, "source": source, "n": len(titles),
                              "positives": {h: int(v.sum()) for h, v in y.items()}, "out_of_fold_auc": cv,
                              "model_version": model.config.version}
    if keep:
        st = Stacker.fit(titles, pred, {h: (y[h] if len(np.unique(y[h])) > 1 else y["not_concise"]) for h in HEADS})
        for h in HEADS:  # a head without both classes: the model alone for it (identity on its log-odds)
            if len(np.unique(y[h])) < 2:
                st.heads[h] = Head([1.0] + [0.0] * (len(FEATURES) - 1), 0.0, [0.0] * len(FEATURES), [1.0] * len(FEATURES))
        oof = _oof(titles, pred, y, 5, 13)
        low_y = np.maximum(y["not_clear"], y["not_concise"])
        parts = [oof[h] if oof[h] is not None else st.predict(titles, pred)[h] for h in HEADS]
        st.threshold = float(np.clip(best_threshold(low_y, 1 - (1 - parts[0]) * (1 - parts[1])), 0.01, 0.99))
        st.info = {k: report[k] for k in ("source", "n", "positives", "out_of_fold_auc", "decision", "model_version")}
        st.save(model_dir)
        report |= {"threshold": st.threshold, "digest": st.digest[:12]}
    if (model_dir / "model_card.json").exists():
        try:
            active = Stacker.load(model_dir)
        except StackerError:
            active = None
        update_card(model_dir, stacker=report, scorer=describe(active, model.config.version))
    return report


def fit_from_sources(home: Any, model_dir: str | Path, file: Path | None = None,
                     from_labels: bool = False) -> dict[str, Any]:
    """``shopgov train --stack FILE`` / ``--stack-from-labels``: :func:`fit_for_model` on a team's
    labelled file, the analysts' stored labels, or both."""
    import pandas as pd

    from governance.errors import UsageError

    from .data import load_labelled
    from .labels import training_frame

    parts, names = [], []
    if file is not None:
        parts.append(load_labelled(file)[["title", "clarity", "conciseness"]])
        names.append(Path(file).name)
    if from_labels:
        lab = training_frame(home)
        if lab.empty:
            raise UsageError("no analyst labels stored yet: confirm, reject or relabel flags first")
        parts.append(lab[["title", "clarity", "conciseness"]])
        names.append(f"{len(lab)} analyst labels")
    if not parts:
        raise UsageError("give a labelled file (--stack FILE) or --stack-from-labels")
    return fit_for_model(model_dir, pd.concat(parts, ignore_index=True), " + ".join(names))


def fit_on_validation(model_dir: str | Path, data: Path, cfg: Any) -> dict[str, Any]:
    """After ``shopgov train --data FILE``: :func:`fit_for_model` on FILE's validation split, the
    rows the model was not fine-tuned on (the same split training used)."""
    from .data import load_labelled, stratified_split, subsample

    df = subsample(load_labelled(data), cfg.max_samples, seed=cfg.seed)
    _, val = stratified_split(df, cfg.val_fraction, seed=cfg.seed)
    return fit_for_model(model_dir, val, f"validation split of {Path(data).name}")


def describe(stacker: Stacker | None, model_version: str) -> str:
    """One line saying which scorer is active (for ``shopgov flag`` and the model card)."""
    if stacker is None:
        return f"model alone ({model_version}; no {STACKER_FILE} beside it)"
    i = stacker.info
    return (f"stacker {stacker.digest[:8]} on {model_version} (model log-odds + title features; fitted on "
            f"{i.get('source', '?')}, {i.get('n', '?')} titles; threshold {stacker.threshold:.3f})")


__all__ = ["FEATURES", "STACKER_FILE", "Stacker", "StackerError", "cross_val_auc", "decide", "describe",
           "fit_from_sources", "fit_on_validation",
           "feature_matrix", "fit_for_model", "model_defects", "targets_of", "title_features"]
