"""A calibrated stacker: the model's two outputs plus interpretable title features.

Per defect head (not concise, not clear) a logistic regression on standardised features:
the model's log-odds for that head, word count, character count, the largest repeat count
of a content word, and 0/1 rule hits (repeated words, missing product type, spam terms,
all caps, too long, too short). Logistic regression is calibrated by construction; each
feature's contribution (coefficient × standardised value) is its explanation. It is fitted
on real labelled titles (the dev file c, by the protocol) and kept only if it wins there.
Stored as JSON (``stacker.json``): coefficients, means, scales, no pickles.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .rules import load_rules, repeated_words, rule_reasons, words

RULE_FEATURES = ("REPEATED_WORDS", "MISSING_PRODUCT_TYPE", "SPAM_TERMS", "ALL_CAPS", "TOO_LONG", "TOO_SHORT")
FEATURES = ("model_logodds", "n_words", "n_chars", "max_repeat", *(f"rule_{c.lower()}" for c in RULE_FEATURES))
HEADS = ("not_concise", "not_clear")
STACKER_FILE = "stacker.json"


def title_features(titles: Sequence[str]) -> np.ndarray:
    """Interpretable features (every column of :data:`FEATURES` but the model's)."""
    rules = load_rules()
    rows = []
    for t in titles:
        t = t if isinstance(t, str) else ""
        codes = {r["code"] for r in rule_reasons(t, None)}
        reps = repeated_words(t, rules)
        rows.append([len(words(t)), len(t), max(reps.values(), default=1),
                     *(float(c in codes) for c in RULE_FEATURES)])
    return np.asarray(rows, dtype=float)


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
    """One logistic head per defect; see the module docstring."""

    heads: dict[str, Head]
    features: tuple[str, ...] = FEATURES

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

    def _z(self, h: str, x: np.ndarray) -> np.ndarray:
        hd = self.heads[h]
        return (x - np.asarray(hd.mean)) / np.asarray(hd.scale)

    def predict(self, titles: Sequence[str], model_pred: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Defect probabilities per head, plus ``low_quality`` (1 - P(clear)·P(concise))."""
        base = title_features(titles)
        out = {}
        for h in HEADS:
            hd = self.heads[h]
            z = self._z(h, np.column_stack([_logodds(model_pred[h]), base])) @ np.asarray(hd.coef) + hd.intercept
            out[h] = 1 / (1 + np.exp(-z))
        out["low_quality"] = 1 - (1 - out["not_clear"]) * (1 - out["not_concise"])
        return out

    def explain(self, title: str, model_pred: dict[str, float]) -> dict[str, list[dict[str, Any]]]:
        """Per head, each feature's contribution to the log-odds (largest first)."""
        base = title_features([title])
        out = {}
        for h in HEADS:
            x = np.column_stack([_logodds(np.array([model_pred[h]])), base])
            contrib = self._z(h, x)[0] * np.asarray(self.heads[h].coef)
            order = np.argsort(-np.abs(contrib))
            out[h] = [{"feature": self.features[i], "value": float(x[0, i]), "contribution": round(float(contrib[i]), 4)}
                      for i in order]
        return out

    def save(self, folder: str | Path) -> Path:
        path = Path(folder) / STACKER_FILE
        path.write_text(json.dumps({"features": list(self.features),
                                    "heads": {h: asdict(v) for h, v in self.heads.items()}}, indent=2) + "\n",
                        encoding="utf-8")
        return path

    @classmethod
    def load(cls, folder: str | Path) -> Stacker | None:
        path = Path(folder) / STACKER_FILE
        if not path.exists():
            return None
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls({h: Head(**v) for h, v in d["heads"].items()}, tuple(d["features"]))


def cross_val_auc(titles: Sequence[str], model_pred: dict[str, np.ndarray], targets: dict[str, np.ndarray],
                  folds: int = 5, seed: int = 13) -> dict[str, dict[str, float]]:
    """Out-of-fold ROC-AUC of the stacker vs the model alone, per head (the decision on dev data)."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    titles = list(titles)
    out = {}
    for h in HEADS:
        y = np.asarray(targets[h]).astype(int)
        oof = np.zeros(len(y))
        k = min(folds, int(min(y.sum(), len(y) - y.sum())))
        if k < 2:
            out[h] = {"model": float("nan"), "stacker": float("nan")}
            continue
        for tr, te in StratifiedKFold(k, shuffle=True, random_state=seed).split(titles, y):
            sub = {hh: np.asarray(model_pred[hh])[tr] for hh in HEADS}
            tt = {hh: np.asarray(targets[hh])[tr] for hh in HEADS}
            if len(np.unique(tt["not_clear"])) < 2:  # a fold without unclear titles: copy the concise head
                tt["not_clear"] = tt["not_concise"]
            st = Stacker.fit([titles[i] for i in tr], sub, tt)
            oof[te] = st.predict([titles[i] for i in te], {hh: np.asarray(model_pred[hh])[te] for hh in HEADS})[h]
        out[h] = {"model": float(roc_auc_score(y, model_pred[h])), "stacker": float(roc_auc_score(y, oof))}
    return out


__all__ = ["FEATURES", "STACKER_FILE", "Stacker", "cross_val_auc", "feature_matrix", "title_features"]
