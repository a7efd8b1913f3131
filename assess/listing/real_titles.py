"""Real, labelled Walmart titles for *evaluation only* (never training data of the product).

The team keeps them beside the project in ``../shared/data/walmart-products/``:
``walmart_products_free_dataset.csv`` (2,112 listings) and ``title_labels_{c,d,e}.csv``
(600 of them labelled by uniq_id with clarity, conciseness and a reason). Users who clone the
project, and installs from a wheel, do not have them (unless ``$SHOPGOV_SHARED`` points there);
every function here returns ``None`` then, and callers skip the real-title section.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .evaluate import compare, flip_rates

# The source checkout this module runs from, if any (an installed wheel has no pyproject.toml above it).
_ROOT = Path(__file__).resolve().parents[2]
PROJECT_ROOT: Path | None = _ROOT if (_ROOT / "pyproject.toml").is_file() else None
SUBDIR = Path("data") / "walmart-products"
#: The protocol's label files (docs/listing_model.md): decide on ``c``, report on ``d`` + ``e``.
DEV_FILES = ("c",)
REPORT_FILES = ("d", "e")
LISTINGS = "walmart_products_free_dataset.csv"
DESCRIPTION = ("600 real Walmart marketplace titles labelled by careful review under the same guideline "
               "(../shared/data/walmart-products); evaluation only, never used for training")


def find_dir() -> Path | None:
    """The folder holding the Walmart sample (``$SHOPGOV_SHARED``, or ``../shared`` of a source checkout)."""
    candidates = []
    if os.environ.get("SHOPGOV_SHARED"):
        candidates.append(Path(os.environ["SHOPGOV_SHARED"]))
    if PROJECT_ROOT is not None:
        candidates += [PROJECT_ROOT.parent / "shared", PROJECT_ROOT / "shared"]
    for base in candidates:
        folder = base / SUBDIR
        if (folder / LISTINGS).exists() and list(folder.glob("title_labels_*.csv")):
            return folder
    return None


def load_listings(folder: Path | None = None) -> pd.DataFrame | None:
    """All Walmart listings (uniq_id, title, brand, description, ...), or None if absent."""
    folder = folder or find_dir()
    if folder is None:
        return None
    df = pd.read_csv(folder / LISTINGS, dtype=str, keep_default_na=False)
    df["title"] = df["title"].str.strip()
    return df


def load_labelled(folder: Path | None = None) -> pd.DataFrame | None:
    """The labelled titles joined to their listings (title, description, clarity, conciseness, reason)."""
    folder = folder or find_dir()
    if folder is None:
        return None
    labels = pd.concat([pd.read_csv(p, dtype={"uniq_id": str}).assign(label_file=p.stem.replace("title_labels_", ""))
                        for p in sorted(folder.glob("title_labels_*.csv"))],
                       ignore_index=True).drop_duplicates("uniq_id")
    listings = load_listings(folder)
    df = labels.merge(listings[["uniq_id", "title", "description"]], on="uniq_id", how="inner")
    df = df[df["title"] != ""].reset_index(drop=True)
    df["clarity"] = df["clarity"].astype(int)
    df["conciseness"] = np.minimum(df["conciseness"].astype(int), df["clarity"])
    return df


def evaluate(model: Any, baselines: Any, threshold: float, robustness: bool = True,
             seed: int = 13) -> dict[str, Any] | None:
    """Metrics of ``model`` and the baselines on the real labelled titles (None if absent)."""
    df = load_labelled()
    if df is None or df.empty:
        return None
    titles = df["title"].tolist()
    pred = model.predict(titles, batch_size=128)
    out: dict[str, Any] = {
        "description": DESCRIPTION, "n": len(df),
        "defects": {"not_clear": int((df["clarity"] == 0).sum()), "not_concise": int((df["conciseness"] == 0).sum())},
        "metrics": compare(pred, df, baselines, threshold),
        # the protocol (docs/listing_model.md): decide on c, report on d+e
        "metrics_by_split": {
            name: compare({k: v[mask] for k, v in pred.items()}, df[mask].reset_index(drop=True), baselines, threshold)
            for name, mask in (("dev_c", df["label_file"].isin(DEV_FILES).to_numpy()),
                               ("report_d_e", df["label_file"].isin(REPORT_FILES).to_numpy()))
            if mask.any()},
        "flagged_share": float(np.mean(pred["low_quality"] >= threshold)),
    }
    if robustness:
        out["robustness"] = flip_rates(lambda ts: model.predict(ts, batch_size=128)["low_quality"], titles,
                                       threshold, seed=seed)
    return out
