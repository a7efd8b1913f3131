"""Score behaviour events: one row per session with score, flag and reasons; file interface."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from governance.errors import UsageError
from governance.paths import Home

from .detectors import (
    SCORER_VERSION,
    SHIPPED,
    Detectors,
    batch_reasons,
    combine,
    iforest_batch,
    matrix,
    robust_margin,
    rule_margins,
    rule_score,
    tokens,
)
from .sessions import REQUIRED, US, prepare, session_features

OUTPUT_COLUMNS = ["session_id", "user_id", "anomaly_score", "flagged", "reasons"]
EXTRA_COLUMNS = ["started_at", "n_events", "score_rules", "score_gbm", "score_gru", "score_iforest"]


def score_events(df: pd.DataFrame, model: Detectors | None = None, *, home: Home | None = None,
                 where: str = "input") -> pd.DataFrame:
    """One row per session: ``OUTPUT_COLUMNS`` then ``EXTRA_COLUMNS``, most anomalous first.

    The shipped scorer (``detectors.SHIPPED``, chosen on the dev split) needs no trained model:
    ``anomaly_score`` is the larger of the rules' margin (frequent per-session rules demoted on
    this batch, ``attrs["demoted_rules"]``) and the margin of an Isolation Forest fitted on this
    batch (``score_iforest``; ISOLATED in the reasons); ``flagged`` = score >= 1.
    ``model`` (a trained :class:`Detectors`) only adds its GBM/GRU scores for comparison;
    ``home`` is accepted for symmetry and unused.
    """
    del home
    ev = prepare(df, where)
    feats = session_features(ev)
    margins = rule_margins(feats)
    rules = rule_score(margins)
    forest = iforest_batch(feats)
    if_margin = robust_margin(forest)
    score = combine(rules, forest)[SHIPPED]
    flagged = score >= 1.0
    shown = np.round(score, 4)
    shown = np.where(flagged, shown, np.minimum(shown, 0.9999))  # an unflagged score never reads 1.0
    nan = np.full(len(score), np.nan)
    if model is not None:
        from .sequence import gru_scores

        gbm = model.gbm.predict_proba(matrix(feats))[:, 1]
        gru = gru_scores(model.gru, *tokens(ev))
    else:
        gbm, gru = nan, nan
    out = pd.DataFrame({
        "session_id": ev.session_ids.astype(str),
        "user_id": ev.user_ids[ev.user[ev.starts]].astype(str),
        "anomaly_score": shown,
        "flagged": flagged,
        "reasons": batch_reasons(feats, margins, if_margin, flagged),
        "started_at": pd.to_datetime(ev.ts[ev.starts], unit="us", utc=True).tz_localize(None),
        "n_events": feats["n_events"].astype(np.int64).to_numpy(),
        "score_rules": rules, "score_gbm": gbm, "score_gru": gru, "score_iforest": forest,
    })
    out = out.sort_values(["anomaly_score", "session_id"], ascending=[False, True], kind="stable")
    out.attrs["n_events"] = len(ev)
    out.attrs["model_version"] = SCORER_VERSION
    out.attrs["threshold"] = 1.0
    out.attrs["demoted_rules"] = list(margins.attrs.get("demoted", []))
    return out.reset_index(drop=True)


def read_events(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet events file; :class:`UsageError` naming the file on any problem."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: file not found")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder, expected a CSV or Parquet file")
    if path.stat().st_size == 0:
        raise UsageError(f"{path}: the file is empty; expected columns {', '.join(REQUIRED)}")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        elif suffix in (".csv", ".tsv", ".txt"):
            df = pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", dtype=str, keep_default_na=False,
                             na_values=[""])
        else:
            raise UsageError(f"{path}: unsupported file type '{path.suffix}' (use .csv or .parquet)")
    except UsageError:
        raise
    except pd.errors.EmptyDataError:
        raise UsageError(f"{path}: the file is empty; expected columns {', '.join(REQUIRED)}") from None
    except Exception as e:  # malformed file
        raise UsageError(f"{path}: cannot read the file: {e}") from None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def score_file(input_path: str | Path, output_path: str | Path, *, model: Detectors | None = None,
               home: Home | None = None) -> dict[str, Any]:
    """Score ``input_path`` (CSV/Parquet) and write one row per session to ``output_path``."""
    output = Path(output_path)
    if output.suffix.lower() not in (".csv", ".parquet", ".pq"):
        raise UsageError(f"{output}: unsupported output type '{output.suffix}' (use .csv or .parquet)")
    started = time.perf_counter()
    df = read_events(input_path)
    scored = score_events(df, model, home=home, where=str(input_path))
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".csv":
        scored.to_csv(output, index=False)
    else:
        scored.to_parquet(output, index=False)
    return summary(scored, time.perf_counter() - started) | {"output": str(output)}


def summary(scored: pd.DataFrame, seconds: float) -> dict[str, Any]:
    flagged = scored[scored["flagged"]]
    return {"n_events": int(scored.attrs.get("n_events", scored["n_events"].sum())), "n_sessions": len(scored),
            "n_flagged": len(flagged), "flagged_events": int(flagged["n_events"].sum()),
            "model_version": scored.attrs.get("model_version"), "threshold": scored.attrs.get("threshold"),
            "demoted_rules": list(scored.attrs.get("demoted_rules", [])),
            "seconds": round(seconds, 2)}


__all__ = ["OUTPUT_COLUMNS", "read_events", "score_events", "score_file", "US"]
