"""Metrics for the listing model and the three baselines it must beat, plus robustness.

Every metric treats the *defect* as the positive class (not clear, not concise, low quality):
ROC-AUC, PR-AUC (average precision), F1 at a threshold, and RMSE of the probability of the
positive label (the CIKM AnalytiCup 2017 metric, computed on P(clear) / P(concise)).
Baselines, fitted on the same training split and scored on the same evaluation rows:

* ``prior``: the training-set base rate for every row;
* ``tfidf_logreg``: TF-IDF word 1–2-grams + character 2–5-grams, logistic regression;
* ``heuristic``: the plain length + repeated-word rule (:func:`rules.heuristic_raw`), mapped to a
  probability by a one-feature logistic fit (Platt scaling) on the training split.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .data import LABELS, low_quality_label
from .rules import heuristic_scores

TARGETS = ("not_clear", "not_concise", "low_quality")
PERTURBATIONS = ("case", "typo", "reorder")


def defect_targets(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """0/1 defect labels per target."""
    return {
        "not_clear": 1 - df["clarity"].to_numpy().astype(int),
        "not_concise": 1 - df["conciseness"].to_numpy().astype(int),
        "low_quality": low_quality_label(df),
    }


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> dict[str, float | None]:
    """ROC-AUC, PR-AUC, F1/precision/recall at ``threshold`` and RMSE for a defect probability."""
    from sklearn.metrics import (
        average_precision_score,
        f1_score,
        precision_score,
        recall_score,
        roc_auc_score,
    )

    y = np.asarray(y).astype(int)
    p = np.asarray(p, dtype=float)
    pred = (p >= threshold).astype(int)
    both = len(np.unique(y)) == 2
    return {
        "n": int(len(y)),
        "positives": int(y.sum()),
        "roc_auc": float(roc_auc_score(y, p)) if both else None,
        "pr_auc": float(average_precision_score(y, p)) if both else None,
        "f1": float(f1_score(y, pred, zero_division=0)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "rmse": float(np.sqrt(np.mean((p - y) ** 2))),
        "threshold": float(threshold),
    }


def score_set(scores: dict[str, np.ndarray], targets: dict[str, np.ndarray], threshold: float) -> dict[str, Any]:
    """Metrics for every target; ``scores`` holds defect probabilities keyed like ``targets``."""
    return {
        t: binary_metrics(targets[t], scores[t], threshold if t == "low_quality" else 0.5)
        for t in TARGETS
        if t in scores
    }


def model_defect_scores(pred: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Model outputs (P(clear), P(concise), low-quality) as defect probabilities."""
    return {"not_clear": 1 - pred["clarity"], "not_concise": 1 - pred["conciseness"],
            "low_quality": pred["low_quality"]}


# ---- baselines ------------------------------------------------------------------------------
class Baselines:
    """The three baselines, fitted on a training frame."""

    def __init__(self, train: pd.DataFrame, seed: int = 13):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion

        targets = defect_targets(train)
        self.prior = {t: float(np.mean(v)) for t, v in targets.items()}
        titles = train["title"].tolist()
        self.vectorizer = FeatureUnion([
            ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                     max_features=50000)),
        ])
        x = self.vectorizer.fit_transform(titles)
        self.tfidf: dict[str, Any] = {}
        self.platt: dict[str, Any] = {}
        h = heuristic_scores(titles).reshape(-1, 1)
        for t, y in targets.items():
            if len(np.unique(y)) < 2:
                self.tfidf[t] = float(y[0]) if len(y) else 0.0
                self.platt[t] = float(y[0]) if len(y) else 0.0
                continue
            self.tfidf[t] = LogisticRegression(C=4.0, max_iter=3000, random_state=seed).fit(x, y)
            self.platt[t] = LogisticRegression(max_iter=1000).fit(h, y)

    @staticmethod
    def _proba(clf: Any, x: Any, n: int) -> np.ndarray:
        return np.full(n, clf) if isinstance(clf, float) else clf.predict_proba(x)[:, 1]

    def predict(self, titles: Sequence[str]) -> dict[str, dict[str, np.ndarray]]:
        """Defect probabilities per baseline and target."""
        n = len(titles)
        x = self.vectorizer.transform(list(titles))
        h = heuristic_scores(list(titles)).reshape(-1, 1)
        return {
            "prior": {t: np.full(n, v) for t, v in self.prior.items()},
            "tfidf_logreg": {t: self._proba(c, x, n) for t, c in self.tfidf.items()},
            "heuristic": {t: self._proba(c, h, n) for t, c in self.platt.items()},
        }


def compare(pred: dict[str, np.ndarray], eval_df: pd.DataFrame, baselines: Baselines,
            threshold: float) -> dict[str, Any]:
    """Metrics of the model and every baseline on the same rows.

    The model's low-quality flag uses its validation threshold; baselines flag at 0.5.
    """
    targets = defect_targets(eval_df)
    out = {"model": score_set(model_defect_scores(pred), targets, threshold)}
    for name, scores in baselines.predict(eval_df["title"].tolist()).items():
        out[name] = score_set(scores, targets, 0.5)
    return out


# ---- calibration and threshold ----------------------------------------------------------------
def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature T minimising the validation log-loss of ``sigmoid(logits / T)``."""
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    best_t, best = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.2), np.log(10.0), 400)):
        p = np.clip(1 / (1 + np.exp(-z / t)), 1e-7, 1 - 1e-7)
        nll = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        if nll < best:
            best, best_t = nll, float(t)
    return best_t


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The threshold on ``p`` with the best F1 for ``y`` (ties → the higher threshold)."""
    from sklearn.metrics import precision_recall_curve

    y = np.asarray(y).astype(int)
    if len(np.unique(y)) < 2:
        return 0.5
    prec, rec, thr = precision_recall_curve(y, p)
    f1 = 2 * prec[:-1] * rec[:-1] / np.maximum(prec[:-1] + rec[:-1], 1e-12)
    i = int(np.flatnonzero(f1 >= f1.max() - 1e-12)[-1])
    return float(thr[i])


# ---- robustness ------------------------------------------------------------------------------
def perturb(title: str, kind: str, rng: random.Random) -> str:
    """A small, meaning-preserving change: ``case`` (lower/upper/title case), ``typo`` (one
    character dropped, doubled or swapped in one word) or ``reorder`` (two adjacent words swapped)."""
    if kind == "case":
        return rng.choice([str.lower, str.upper, str.title])(title)
    words = title.split()
    if kind == "typo":
        cands = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        if not cands:
            return title
        i = rng.choice(cands)
        w = words[i]
        j = rng.randrange(1, len(w) - 1)
        op = rng.choice(["drop", "double", "swap"])
        w = w[:j] + w[j + 1:] if op == "drop" else w[:j] + w[j] + w[j:] if op == "double" else \
            w[:j] + w[j + 1] + w[j] + w[j + 2:]
        words[i] = w
        return " ".join(words)
    if kind == "reorder":
        if len(words) < 3:
            return title
        i = rng.randrange(0, len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
        return " ".join(words)
    raise ValueError(f"unknown perturbation {kind!r}")


def flip_rates(score_fn: Callable[[list[str]], np.ndarray], titles: Sequence[str], threshold: float,
               seed: int = 13, max_titles: int = 400) -> dict[str, Any]:
    """Share of titles whose flag changes under each perturbation (and the mean |Δscore|)."""
    rng = random.Random(seed)
    titles = [t for t in titles if isinstance(t, str) and t.strip()]
    if len(titles) > max_titles:
        titles = rng.sample(titles, max_titles)
    variants: dict[str, list[str]] = {k: [perturb(t, k, rng) for t in titles] for k in PERTURBATIONS}
    all_titles = list(titles) + [v for k in PERTURBATIONS for v in variants[k]]
    scores = np.asarray(score_fn(all_titles))
    base = scores[: len(titles)]
    out: dict[str, Any] = {"n": len(titles), "threshold": threshold}
    for i, k in enumerate(PERTURBATIONS):
        s = scores[len(titles) * (i + 1): len(titles) * (i + 2)]
        out[k] = {
            "flip_rate": float(np.mean((base >= threshold) != (s >= threshold))) if len(titles) else 0.0,
            "mean_abs_delta": float(np.mean(np.abs(base - s))) if len(titles) else 0.0,
        }
    out["overall_flip_rate"] = float(np.mean([out[k]["flip_rate"] for k in PERTURBATIONS]))
    return out


def round_floats(obj: Any, digits: int = 4) -> Any:
    """Round floats in nested dicts/lists (for cards and reports)."""
    if isinstance(obj, float):
        return round(obj, digits)
    if isinstance(obj, dict):
        return {k: round_floats(v, digits) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [round_floats(v, digits) for v in obj]
    return obj

__all__ = [
    "LABELS", "TARGETS", "Baselines", "binary_metrics", "best_threshold", "compare", "defect_targets",
    "fit_temperature", "flip_rates", "model_defect_scores", "perturb", "round_floats", "score_set",
]
