"""Labelled listing titles: load them, check them, hash them, split them.

Accepted inputs (see :func:`load_labelled`):

* CSV / JSON Lines / Parquet with a ``title`` column, an optional ``description`` column and
  either both label columns ``clarity`` and ``conciseness`` (1 = clear / concise) or a single
  ``label`` column (1 = good listing, 0 = low quality; used for both outputs);
* the CIKM AnalytiCup 2017 Lazada format: ``data_train.csv`` (no header: country, sku_id, title,
  category_lvl_1, category_lvl_2, category_lvl_3, short_description, price, product_type) with
  the sibling files ``clarity_train.labels`` and ``conciseness_train.labels`` (one 0/1 per line),
  given as that CSV or as the folder holding it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from governance.errors import IngestError, UsageError
from governance.paths import bundled

LABELS = ("clarity", "conciseness")
CIKM_COLUMNS = [
    "country", "sku_id", "title", "category_lvl_1", "category_lvl_2", "category_lvl_3",
    "short_description", "price", "product_type",
]
# The generated training set ships in the wheel (governance/samplegen/listing_titles.py writes it).
DEFAULT_DATA = bundled("governance.samplegen", "listing_titles.csv")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV, JSON Lines or Parquet file into a frame (strings kept as strings)."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: file not found")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder, expected a CSV, Parquet or JSON Lines file")
    if path.stat().st_size == 0:
        raise IngestError(str(path), "the file is empty")
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    try:
        if suffix.startswith(".parquet") or suffix == ".pq":
            df = pd.read_parquet(path)
        elif suffix.startswith((".jsonl", ".ndjson", ".json")):
            df = pd.read_json(path, lines=True, dtype=False)
        elif suffix.startswith((".csv", ".tsv", ".txt")):
            df = pd.read_csv(path, sep="\t" if suffix.startswith(".tsv") else ",", dtype=str,
                             keep_default_na=False, na_values=[""])
        else:
            raise UsageError(f"{path}: unsupported file type '{path.suffix}' (use .csv, .parquet or .jsonl)")
    except (UsageError, IngestError):
        raise
    except pd.errors.EmptyDataError:
        raise IngestError(str(path), "the file is empty") from None
    except Exception as e:  # malformed file
        raise IngestError(str(path), f"cannot read the file: {e}") from None
    if df.empty:
        raise IngestError(str(path), "the file has no rows")
    return df


def require_title(df: pd.DataFrame, path: str | Path) -> None:
    """Raise a clear error naming ``path`` if ``df`` has no ``title`` column."""
    if "title" not in df.columns:
        cols = ", ".join(map(str, df.columns[:12]))
        raise IngestError(str(path), "missing required column 'title'", [(None, "title", f"columns found: {cols}")])


def _labels_from(series: pd.Series, path: str, column: str) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() | ~values.isin([0, 1])
    if bad.any():
        rows = [(int(i) + 2, column, f"expected 0 or 1, got {series.iloc[i]!r}")
                for i in np.flatnonzero(bad.to_numpy())]
        raise IngestError(path, f"invalid labels in column '{column}'", rows)
    return values.astype(int).to_numpy()


def _read_cikm(csv_path: Path) -> pd.DataFrame:
    folder = csv_path.parent
    stem = csv_path.stem.replace("data_", "")  # data_train.csv → train
    files = {lab: folder / f"{lab}_{stem}.labels" for lab in LABELS}
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing:
        raise IngestError(str(csv_path), "CIKM 2017 format needs the label files " + ", ".join(missing))
    df = pd.read_csv(csv_path, header=None, names=CIKM_COLUMNS, dtype=str, keep_default_na=False,
                     encoding="utf-8", encoding_errors="replace")
    if df.empty:
        raise IngestError(str(csv_path), "the file has no rows")
    out = pd.DataFrame({
        "title": df["title"],
        "description": df["short_description"],
        "category": df["category_lvl_1"],
        "source": "cikm2017:" + df["country"].astype(str),
    })
    for lab, p in files.items():
        raw = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
        if len(raw) != len(out):
            raise IngestError(str(p), f"has {len(raw)} labels but {csv_path.name} has {len(out)} rows")
        out[lab] = _labels_from(pd.Series(raw), str(p), lab)
    return out


def _is_cikm(path: Path) -> bool:
    if path.is_dir():
        return (path / "data_train.csv").exists()
    return path.suffix.lower() == ".csv" and path.name.startswith("data_") and \
        (path.parent / f"clarity_{path.stem.replace('data_', '')}.labels").exists()


def load_labelled(path: str | Path | None = None) -> pd.DataFrame:
    """Load a labelled set → frame with title, description, clarity, conciseness, category, source.

    Rows without a title are dropped; labels must be 0/1. Not clear implies not concise, so a row
    labelled clear=0, concise=1 is corrected to concise=0.
    """
    path = Path(path) if path else DEFAULT_DATA
    if not path.exists():
        hint = " (run python -m governance.samplegen.listing_titles or pass --data FILE)" if path == DEFAULT_DATA else ""
        raise UsageError(f"{path}: labelled data not found{hint}")
    if _is_cikm(path):
        df = _read_cikm(path / "data_train.csv" if path.is_dir() else path)
    else:
        raw = read_table(path)
        require_title(raw, path)
        df = pd.DataFrame({"title": raw["title"]})
        df["description"] = raw["description"] if "description" in raw.columns else None
        df["category"] = raw["category"] if "category" in raw.columns else None
        df["source"] = raw["source"] if "source" in raw.columns else Path(path).name
        if all(lab in raw.columns for lab in LABELS):
            for lab in LABELS:
                df[lab] = _labels_from(raw[lab], str(path), lab)
        elif "label" in raw.columns:
            lab = _labels_from(raw["label"], str(path), "label")
            df["clarity"], df["conciseness"] = lab, lab
        else:
            raise IngestError(str(path), "no label columns: need 'clarity' and 'conciseness', or 'label'",
                              [(None, "clarity", "missing"), (None, "conciseness", "missing")])
    df["title"] = df["title"].astype("string").str.strip()
    df = df[df["title"].notna() & (df["title"] != "")].reset_index(drop=True)
    if df.empty:
        raise IngestError(str(path), "no rows with a non-empty title")
    df["conciseness"] = np.minimum(df["conciseness"], df["clarity"])
    df["title"] = df["title"].astype(str)
    return df


def low_quality_label(df: pd.DataFrame) -> np.ndarray:
    """1 when a listing is not clear or not concise."""
    return (1 - df["clarity"].to_numpy() * df["conciseness"].to_numpy()).astype(int)


def data_hash(df: pd.DataFrame) -> str:
    """sha256 of the titles and labels (order-sensitive): identifies the training data."""
    h = hashlib.sha256()
    for t, c, k in zip(df["title"], df["clarity"], df["conciseness"], strict=True):
        h.update(f"{t}\t{int(c)}\t{int(k)}\n".encode())
    return h.hexdigest()


def stratified_split(df: pd.DataFrame, val_fraction: float = 0.15, seed: int = 13) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split into train / validation, stratified on the (clarity, conciseness) pair."""
    from sklearn.model_selection import train_test_split

    strata = df["clarity"].astype(str) + df["conciseness"].astype(str)
    counts = strata.value_counts()
    n_val = max(int(round(len(df) * val_fraction)), 1)
    stratify = strata if counts.min() >= 2 and n_val >= counts.size else None
    train, val = train_test_split(df, test_size=n_val, random_state=seed, stratify=stratify)
    return train.reset_index(drop=True), val.reset_index(drop=True)


def subsample(df: pd.DataFrame, max_samples: int | None, seed: int = 13) -> pd.DataFrame:
    """At most ``max_samples`` rows, keeping the label mix (stratified)."""
    if not max_samples or len(df) <= max_samples:
        return df
    _, keep = stratified_split(df, val_fraction=max_samples / len(df), seed=seed)
    return keep
