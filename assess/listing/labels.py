"""Analysts' labels on scored listings: store them (who, when), queue the least certain flags first.

Verdicts (``listing_labels.verdict``):

* ``confirm``: the flag is right; the labels follow the model's reasons (low clarity → not clear;
  otherwise clear but not concise);
* ``reject``: the listing is fine (clear and concise);
* ``relabel``: the analyst gives ``clarity`` and ``conciseness`` (0/1) explicitly.

Every label keeps the analyst, the time, the model version and the score it saw. The newest label
of a listing input (title + description hash) wins. ``train(..., from_labels=True)`` fine-tunes on
them plus the generated data (:func:`training_frame`).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from governance.errors import UsageError
from governance.paths import Home
from governance.privacy import scrub_text

VERDICTS = ("confirm", "reject", "relabel")


def _labels_for(verdict: str, reasons: Any, clarity: int | None, conciseness: int | None) -> tuple[int, int]:
    if verdict == "reject":
        return 1, 1
    if verdict == "confirm":
        codes = {r.get("code") for r in (json.loads(reasons) if isinstance(reasons, str) else reasons or [])}
        return (0, 0) if "MODEL_LOW_CLARITY" in codes else (1, 0)
    if clarity not in (0, 1) or conciseness not in (0, 1):
        raise UsageError("relabel needs clarity and conciseness, each 0 or 1")
    return int(clarity), int(min(conciseness, clarity))  # not clear implies not concise


def record_label(home: Home, product_id: str, verdict: str, user: str, *, clarity: int | None = None,
                 conciseness: int | None = None, note: str | None = None,
                 at: datetime | None = None) -> dict[str, Any]:
    """Store one analyst's verdict on a scored listing; returns the stored row."""
    from governance.results_schema import ensure_schema, insert_sql, tables
    from governance.warehouse import atomic_write

    if verdict not in VERDICTS:
        raise UsageError(f"verdict must be one of {', '.join(VERDICTS)}, got {verdict!r}")
    if not user or not user.strip():
        raise UsageError("a label needs the analyst's name (user)")
    at = at or datetime.now(UTC).replace(tzinfo=None)
    with atomic_write(home, home.results) as w:
        w.execute("BEGIN")
        ensure_schema(w)
        if "listing_scores" not in tables(w):
            raise UsageError("no scored listings yet; run `shopgov flag` first")
        row = w.execute("SELECT title, input_hash, model_version, low_quality_score, reasons FROM listing_scores "
                        "WHERE product_id = ? LIMIT 1", [product_id]).fetchone()
        if row is None:
            raise UsageError(f"product_id {product_id!r} is not among the scored listings")
        title, digest, version, score, reasons = row
        c, k = _labels_for(verdict, reasons, clarity, conciseness)
        stored = {"label_id": f"lbl-{uuid.uuid4().hex[:12]}", "product_id": product_id, "title": title,
                  "input_hash": digest, "verdict": verdict, "clarity": c, "conciseness": k,
                  "model_version": version, "low_quality_score": score, "labelled_by": user.strip(),
                  "labelled_at": at, "note": scrub_text(note) if note else note}  # free text: may quote a person
        w.execute(insert_sql("listing_labels"), list(stored.values()))
        w.execute("COMMIT")
    return stored


def labels_frame(home: Home, latest_only: bool = True) -> pd.DataFrame:
    """Stored labels (newest first); ``latest_only``: one per listing input, the newest."""
    from governance.results_schema import columns, tables
    from governance.warehouse import connect_read

    empty = pd.DataFrame(columns=columns("listing_labels"))
    if not home.results.exists():
        return empty
    con = connect_read(home.results)
    try:
        if "listing_labels" not in tables(con):
            return empty
        sql = "SELECT * FROM listing_labels"
        if latest_only:
            sql += " QUALIFY row_number() OVER (PARTITION BY coalesce(input_hash, product_id) " \
                   "ORDER BY labelled_at DESC, label_id DESC) = 1"
        return con.execute(sql + " ORDER BY labelled_at DESC, label_id DESC").df()
    finally:
        con.close()


def uncertain_flags(home: Home, limit: int = 50) -> pd.DataFrame:
    """Scored listings the model is least sure of (score nearest its threshold), unlabelled ones first.

    Active learning: labels on these move the model most. Rows without a model score
    (unsupported language) or without a title (nothing to label) are left out; ``threshold``
    is the latest run's.
    """
    from governance.results_schema import tables
    from governance.warehouse import connect_read

    if not home.results.exists():
        return pd.DataFrame()
    con = connect_read(home.results)
    try:
        present = tables(con)
        if not {"listing_scores", "listing_runs"} <= present:
            return pd.DataFrame()
        labelled = "listing_labels" in present
        anti = ("WHERE coalesce(s.input_hash, s.product_id) NOT IN "
                "(SELECT coalesce(input_hash, product_id) FROM listing_labels)") if labelled else ""
        return con.execute(f"""
            WITH thr AS (SELECT threshold FROM listing_runs ORDER BY scored_at DESC, run_id DESC LIMIT 1)
            SELECT s.product_id, s.seller_id, s.sku, s.title, s.low_quality_score, s.clarity_score,
                   s.conciseness_score, s.flagged, s.reasons, s.model_version,
                   thr.threshold, abs(s.low_quality_score - thr.threshold) AS margin
            FROM listing_scores s, thr {anti}
            {'AND' if anti else 'WHERE'} s.low_quality_score IS NOT NULL AND trim(coalesce(s.title, '')) <> ''
            ORDER BY margin, s.product_id LIMIT ?""", [int(limit)]).df()
    finally:
        con.close()


def training_frame(home: Home) -> pd.DataFrame:
    """The latest labels as training rows: title, clarity, conciseness, source ``analyst``."""
    df = labels_frame(home)
    df = df[df["title"].notna() & (df["title"].astype(str).str.strip() != "")]
    return pd.DataFrame({"title": df["title"].astype(str), "description": None, "category": None,
                         "source": "analyst", "clarity": df["clarity"].astype(int),
                         "conciseness": df["conciseness"].astype(int)}).reset_index(drop=True)


def before_after(before: Any, after: Any, validation: pd.DataFrame, labelled: pd.DataFrame,
                 before_version: str | None, report: pd.DataFrame | None = None) -> dict[str, Any]:
    """Model-card section ``labels_before_after``: the model the labels were given on vs the new one.

    Both models (``ListingModel``; ``before`` None when there was none) are measured on the
    same held-out validation rows and on the analysts' labelled titles: flag accuracy at each
    model's own threshold, ROC-AUC and F1 per target. The labels are in the new model's
    training split, so its numbers on them show what it learnt, not how it generalises.
    ``report``: real labelled titles neither model trained on (the report files d+e of the
    shared Walmart titles, when present), measured as ``report_d_e``; a title the analysts
    also labelled is left out of it (``report_left_out``), so it stays unseen by both.
    """
    import numpy as np

    from .evaluate import TARGETS, defect_targets, model_defect_scores, score_set

    left_out = 0
    if report is not None:
        seen = set(labelled["title"].astype(str).str.strip().str.lower())
        keep = ~report["title"].astype(str).str.strip().str.lower().isin(seen)
        report, left_out = report[keep].reset_index(drop=True), int((~keep).sum())
    sets = [("validation", validation), ("analyst_labels", labelled)]
    sets += [("report_d_e", report)] if report is not None else []

    def measure(model: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, df in sets:
            if df.empty:
                continue
            pred = model.predict(df["title"].astype(str).tolist(), batch_size=128)
            targets, thr = defect_targets(df), model.config.threshold
            m = score_set(model_defect_scores(pred), targets, thr)
            out[name] = {"n": len(df), "threshold": thr,
                         "flag_accuracy": float(np.mean((pred["low_quality"] >= thr) == (targets["low_quality"] == 1))),
                         **{t: {"roc_auc": m[t]["roc_auc"], "f1": m[t]["f1"]} for t in TARGETS}}
        return out

    out = {"before_model": before_version, "labels": len(labelled),
           "before": measure(before) if before is not None else None, "after": measure(after),
           "note": "analyst labels are in the new model's training split (in-sample for 'after')"}
    if report is not None:
        out["report_left_out"] = left_out
    return out


__all__ = ["VERDICTS", "before_after", "labels_frame", "record_label", "training_frame", "uncertain_flags"]
