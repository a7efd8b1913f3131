"""The evaluation protocol on real titles (docs/listing_model.md): decide on c, report on d+e.

* ``dev``: ``title_labels_c.csv``. Every decision (generator changes, hyper-parameters,
  thresholds, stacking, whether a step is kept) is taken on it alone.
* ``report``: ``title_labels_d.csv`` + ``title_labels_e.csv``. Reported once per model version
  with bootstrap intervals; never used to choose anything.
* ``clarity``: unclear titles selected from the shared Walmart listings by the rule
  :func:`unclear_titles` (fixed before any model score was looked at), against the clear
  titles of the report files. It exists because d+e hold under ten unclear titles each.

Nothing here is copied into the project: every set is built at run time from ``../shared``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import real_titles
from .real_titles import DEV_FILES, REPORT_FILES

#: Placeholder titles real catalogues carry (withdrawn, unfinished or test listings).
PLACEHOLDER = re.compile(
    r"^\s*(retired item|discontinued( item)?|untitled|no title|n/?a|tbd|test( item| product)?|placeholder|"
    r"unknown( item)?|item|product|new item|default title|sample)\s*$", re.I)
#: A title made only of codes: capitals, digits and separators, with at least one digit.
CODE_ONLY = re.compile(r"^[A-Z0-9][A-Z0-9\-_/.#+ ]*$")
DERIVED_PER_RULE = 30


def unclear_titles(listings: pd.DataFrame, per_rule: int = DERIVED_PER_RULE) -> pd.DataFrame:
    """Unclear titles from the Walmart listings, by a rule written before looking at model scores.

    1. natural: listings whose title is a placeholder (:data:`PLACEHOLDER`), a single word, or
       only codes (:data:`CODE_ONLY`);
    2. ``brand_only``: the seller wrote just the brand (the listing's ``brand`` field as title);
    3. ``brand_code``: brand plus the item number (``brand`` + ``sku``), i.e. no product named.

    Rules 2 and 3 take ``per_rule`` listings each, in order of sha256(uniq_id) (a fixed,
    arbitrary order), skipping brands that are empty, longer than four words, or that already
    name a product (the brand equals the title). Returns ``title, rule, uniq_id``; duplicates
    dropped. These are the common sources of unclear titles in real catalogues: withdrawn items,
    unfinished uploads, titles that are an identifier, and titles that name only the maker.
    """
    t = listings["title"].fillna("").str.strip()
    natural = t.map(lambda x: bool(PLACEHOLDER.match(x)) or len(x.split()) == 1
                    or (bool(CODE_ONLY.match(x)) and any(c.isdigit() for c in x)))
    out = [pd.DataFrame({"title": t[natural], "rule": "natural", "uniq_id": listings.loc[natural, "uniq_id"]})]
    order = listings.assign(_k=listings["uniq_id"].map(lambda u: hashlib.sha256(str(u).encode()).hexdigest()))
    order = order.sort_values("_k")
    brand = order["brand"].fillna("").str.strip()
    ok = (brand != "") & (brand.str.split().map(len) <= 4) & (brand.str.lower() != order["title"].str.lower())
    cand = order[ok & ~natural.reindex(order.index).to_numpy()]
    b = cand.iloc[:per_rule]
    c = cand.iloc[per_rule : 2 * per_rule]
    out.append(pd.DataFrame({"title": b["brand"].str.strip(), "rule": "brand_only", "uniq_id": b["uniq_id"]}))
    out.append(pd.DataFrame({"title": c["brand"].str.strip() + " " + c["sku"].fillna("").str.strip(),
                             "rule": "brand_code", "uniq_id": c["uniq_id"]}))
    return pd.concat(out, ignore_index=True).drop_duplicates("title").reset_index(drop=True)


def sets(folder: Path | None = None) -> dict[str, pd.DataFrame] | None:
    """``dev`` (c), ``report`` (d+e) and ``clarity`` frames with title, clarity, conciseness; None without data."""
    labelled = real_titles.load_labelled(folder)
    if labelled is None:
        return None
    dev = labelled[labelled["label_file"].isin(DEV_FILES)].reset_index(drop=True)
    report = labelled[labelled["label_file"].isin(REPORT_FILES)].reset_index(drop=True)
    unclear = unclear_titles(real_titles.load_listings(folder))
    clear = report[report["clarity"] == 1][["title", "clarity", "conciseness"]].assign(rule="labelled_clear")
    clarity = pd.concat([unclear.assign(clarity=0, conciseness=0)[["title", "clarity", "conciseness", "rule"]], clear],
                        ignore_index=True)
    return {"dev": dev, "report": report, "clarity": clarity}


def _auc(y: np.ndarray, p: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else None


def bootstrap(y: np.ndarray, p: np.ndarray, fn: Callable[[np.ndarray, np.ndarray], float | None],
              n: int = 1000, seed: int = 0) -> dict[str, float | None]:
    """Point value and 95% percentile interval of ``fn(y, p)`` over ``n`` resamples of rows."""
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    point = fn(y, p)
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n):
        idx = rng.integers(0, len(y), len(y))
        v = fn(y[idx], p[idx])
        if v is not None:
            vals.append(v)
    if point is None or not vals:
        return {"value": point, "lo": None, "hi": None}
    return {"value": point, "lo": float(np.quantile(vals, 0.025)), "hi": float(np.quantile(vals, 0.975))}


def rmse(y: np.ndarray, p: np.ndarray) -> float:
    """Root mean squared error of defect probabilities, both heads pooled (CIKM 2017 metric)."""
    return float(np.sqrt(np.mean((np.asarray(p, dtype=float) - np.asarray(y, dtype=float)) ** 2)))


Scorer = Callable[[Sequence[str]], dict[str, np.ndarray]]
"""titles → ``{"not_clear": P, "not_concise": P}`` (defect probabilities)."""


def measure(scorer: Scorer, frame: pd.DataFrame, n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """AUC(not concise), AUC(not clear) and RMSE (both heads) of ``scorer`` on ``frame``, with intervals."""
    p = scorer(frame["title"].tolist())
    y_nc = 1 - frame["conciseness"].to_numpy().astype(int)
    y_ncl = 1 - frame["clarity"].to_numpy().astype(int)
    y_both = np.concatenate([y_nc, y_ncl])
    p_both = np.concatenate([np.asarray(p["not_concise"]), np.asarray(p["not_clear"])])
    pairs = np.stack([np.arange(len(frame))] * 2).ravel()  # resample listings, keeping both heads

    def pooled_rmse(idx_y: np.ndarray, _p: np.ndarray) -> float:
        rows = np.concatenate([idx_y, idx_y + len(frame)])
        return rmse(y_both[rows], p_both[rows])

    return {
        "n": len(frame), "not_concise": int(y_nc.sum()), "not_clear": int(y_ncl.sum()),
        "auc_not_concise": bootstrap(y_nc, p["not_concise"], _auc, n_boot, seed),
        "auc_not_clear": bootstrap(y_ncl, p["not_clear"], _auc, n_boot, seed),
        "rmse": bootstrap(pairs[: len(frame)], pairs[: len(frame)], pooled_rmse, n_boot, seed),
    }


def fmt(m: dict[str, float | None]) -> str:
    """``0.842 [0.80, 0.88]``."""
    if m["value"] is None:
        return "—"
    if m["lo"] is None:
        return f"{m['value']:.3f}"
    return f"{m['value']:.3f} [{m['lo']:.2f}, {m['hi']:.2f}]"


__all__ = ["DEV_FILES", "REPORT_FILES", "bootstrap", "fmt", "measure", "rmse", "sets", "unclear_titles"]
