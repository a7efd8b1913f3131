"""Score listings with a trained model: files, frames, or every product in the warehouse.

Scoring runs on the CPU fast path by default (int8 dynamic quantization of the Linear layers),
batches titles of similar length together, scores each distinct title once, and explains only
flagged listings (word occlusion). Each row gets ``low_quality_score``, ``clarity_score``
(P(clear)), ``conciseness_score`` (P(concise)), ``flagged`` and ``reasons`` (rule codes plus the
model's verdict with its most influential words).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from governance.errors import ShopgovError, UsageError
from governance.paths import Home
from governance.privacy import scrub_text

from .data import read_table, require_title
from .explain import occlusion
from .model import ListingModel, set_threads
from .rules import REASON_CODES, rule_reasons

OUTPUT_COLUMNS = ["low_quality_score", "clarity_score", "conciseness_score", "flagged", "reasons"]

def load_model(home: Home, version: str | None = None, fast: bool = True) -> ListingModel:
    """The latest (or named) trained model of ``home``; the int8 fast path unless ``fast=False``."""
    from .train import resolve_model_dir

    return ListingModel.load(resolve_model_dir(home, version), fast=fast)


def _model_reasons(clarity: float, concise: float, tokens: list[dict[str, Any]],
                   explained: bool = False) -> list[dict[str, str]]:
    words = ", ".join(f"'{t['token']}'" for t in tokens[:5])
    tail = f"; most influential words: {words}" if words else \
        ("; no single word stands out: information is missing or the problem spans several words" if explained else "")
    out = []
    weak_clarity = clarity < 0.5 or (concise >= 0.5 and clarity <= concise)
    weak_concise = concise < 0.5 or not weak_clarity
    if weak_clarity:
        out.append({"code": "MODEL_LOW_CLARITY",
                    "message": f"{REASON_CODES['MODEL_LOW_CLARITY']} (P(clear) = {clarity:.2f}{tail})"})
    if weak_concise:
        out.append({"code": "MODEL_LOW_CONCISENESS",
                    "message": f"{REASON_CODES['MODEL_LOW_CONCISENESS']} (P(concise) = {concise:.2f}{tail})"})
    return out


DEFAULT_EXPLAIN_LIMIT = 1000


def score_frame(model: ListingModel, df: pd.DataFrame, batch_size: int = 64, explain: bool = True,
                progress: bool = True, desc: str = "scoring",
                explain_limit: int | None = DEFAULT_EXPLAIN_LIMIT) -> pd.DataFrame:
    """Scores for each row of ``df`` (``title``, optional ``description``), in ``df``'s order.

    Returns a frame with ``low_quality_score, clarity_score, conciseness_score, flagged, reasons``
    (list of ``{code, message}``) and ``top_tokens`` (list of ``{token, weight}``).
    Word attributions (occlusion: one extra forward pass per word) are computed only for flagged
    titles, and at most for the ``explain_limit`` worst distinct ones (``None``: all); other
    flagged rows keep their reason codes and an empty ``top_tokens``. ``df.attrs["explained"]``
    of the result says how many distinct titles were explained.
    """
    from tqdm.auto import tqdm

    titles = df["title"].map(lambda t: t.strip() if isinstance(t, str) else "")
    descs = df["description"] if "description" in df.columns else pd.Series([None] * len(df), index=df.index)
    has_title = (titles != "").to_numpy()
    uniq, inverse = np.unique(titles[has_title].to_numpy().astype(str), return_inverse=True)
    threshold = float(model.config.threshold)
    with tqdm(total=len(uniq), desc=desc, unit="title", disable=not progress) as bar:
        pred = model.predict(list(uniq), batch_size=batch_size, progress=bar)
    flagged_u = pred["low_quality"] >= threshold
    tokens_u: list[list[dict[str, Any]]] = [[] for _ in uniq]
    explained_u = np.zeros(len(uniq), dtype=bool)
    idx = np.flatnonzero(flagged_u) if explain else np.array([], dtype=int)
    if explain_limit is not None and len(idx) > explain_limit:
        idx = idx[np.argsort(-pred["low_quality"][idx], kind="stable")[:explain_limit]]
    if len(idx):
        chunk = 256
        with tqdm(total=len(idx), desc="explaining flags", unit="title", disable=not progress) as bar:
            for k in range(0, len(idx), chunk):
                part = idx[k : k + chunk]
                tops = occlusion(model, list(uniq[part]), base_scores=pred["low_quality"][part],
                                 batch_size=max(batch_size, 128))
                for i, top in zip(part, tops, strict=True):
                    tokens_u[i] = top
                    explained_u[i] = True
                bar.update(len(part))

    n = len(df)
    low = np.ones(n)
    clar = np.zeros(n)
    conc = np.zeros(n)
    low[has_title] = pred["low_quality"][inverse]
    clar[has_title] = pred["clarity"][inverse]
    conc[has_title] = pred["conciseness"][inverse]
    flagged = np.ones(n, dtype=bool)
    flagged[has_title] = flagged_u[inverse]
    pos = np.full(n, -1)
    pos[has_title] = inverse
    reasons, top_tokens = [], []
    for r, (title, desc) in enumerate(zip(titles, descs, strict=True)):
        rr = rule_reasons(title, desc)
        toks = tokens_u[pos[r]] if pos[r] >= 0 else []
        if flagged[r] and pos[r] >= 0:
            rr = _model_reasons(float(clar[r]), float(conc[r]), toks, bool(explained_u[pos[r]])) + rr
        reasons.append(rr)
        top_tokens.append(toks)
    out = pd.DataFrame({
        "low_quality_score": np.round(low, 6), "clarity_score": np.round(clar, 6),
        "conciseness_score": np.round(conc, 6), "flagged": flagged, "reasons": reasons,
        "top_tokens": top_tokens,
    }, index=df.index)
    out.attrs["explained"] = int(len(idx))
    out.attrs["flagged_distinct"] = int(flagged_u.sum())
    return out


def _write_table(df: pd.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if suffix in (".parquet", ".pq"):
            df.to_parquet(tmp, index=False)
        elif suffix in (".jsonl", ".ndjson", ".json"):
            df.to_json(tmp, orient="records", lines=True, force_ascii=False)
        elif suffix == ".csv":
            df.to_csv(tmp, index=False)
        else:
            raise UsageError(f"{path}: unsupported output type '{path.suffix}' (use .csv, .parquet or .jsonl)")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def score_file(model: ListingModel, input_path: str | Path, output_path: str | Path, batch_size: int = 64,
               explain: bool = True, progress: bool = True,
               explain_limit: int | None = DEFAULT_EXPLAIN_LIMIT) -> dict[str, Any]:
    """Score a CSV / Parquet / JSON Lines file with a ``title`` column; write input columns + scores."""
    input_path, output_path = Path(input_path), Path(output_path)
    if input_path.resolve() == output_path.resolve():
        raise UsageError(f"{output_path}: output must differ from the input file")
    if output_path.suffix.lower() not in (".csv", ".parquet", ".pq", ".jsonl", ".ndjson", ".json"):
        raise UsageError(f"{output_path}: unsupported output type '{output_path.suffix}' (use .csv, .parquet or .jsonl)")
    df = read_table(input_path)
    require_title(df, input_path)
    t0 = time.perf_counter()
    scored = score_frame(model, df, batch_size=batch_size, explain=explain, progress=progress,
                         explain_limit=explain_limit)
    seconds = time.perf_counter() - t0
    out = df.drop(columns=[c for c in OUTPUT_COLUMNS if c in df.columns]).copy()
    for c in OUTPUT_COLUMNS[:4]:
        out[c] = scored[c].to_numpy()
    as_text = output_path.suffix.lower() != ".jsonl" and output_path.suffix.lower() != ".ndjson"
    out["reasons"] = [json.dumps(r, ensure_ascii=False) if as_text else r for r in scored["reasons"]]
    _write_table(out, output_path)
    return {"input": str(input_path), "output": str(output_path), "model_version": model.config.version,
            "n_scored": len(out), "n_flagged": int(scored["flagged"].sum()), "threshold": model.config.threshold,
            "explained_titles": scored.attrs.get("explained", 0),
            "seconds": round(seconds, 3), "listings_per_second": round(len(out) / max(seconds, 1e-9), 1)}


def score_warehouse(home: Home, model: ListingModel, batch_size: int = 64, explain: bool = True,
                    progress: bool = True, log: Callable[[str], None] = print,
                    explain_limit: int | None = DEFAULT_EXPLAIN_LIMIT) -> dict[str, Any]:
    """Score every product in the warehouse; replace ``listing_scores``, append to ``listing_runs``."""
    from governance.results_schema import columns, ensure_schema, insert_sql
    from governance.warehouse import atomic_write, connect_read

    if not home.warehouse.exists():
        raise ShopgovError(f"no warehouse at {home.warehouse}; run `shopgov init` first")
    con = connect_read(home.warehouse)
    try:
        exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'products'").fetchone()[0]
        if not exists:
            raise ShopgovError(f"{home.warehouse} has no products table; run `shopgov init` first")
        products = con.execute(
            "SELECT product_id, seller_id, sku, category_id, title, description FROM products "
            "ORDER BY seller_id, sku"
        ).df()
    finally:
        con.close()
    if products.empty:
        log("the warehouse has no products to score")
    set_threads()
    started = datetime.now(UTC).replace(tzinfo=None)
    t0 = time.perf_counter()
    scored = score_frame(model, products, batch_size=batch_size, explain=explain, progress=progress,
                         explain_limit=explain_limit) \
        if len(products) else pd.DataFrame(columns=OUTPUT_COLUMNS + ["top_tokens"])
    seconds = time.perf_counter() - t0
    run_id = f"lst-{started:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    version = model.config.version
    rows = pd.DataFrame({
        "run_id": run_id,
        "product_id": products["product_id"].astype("string"),
        "seller_id": products["seller_id"].astype("string"),
        "sku": products["sku"].astype("string"),
        "category_id": products["category_id"].astype("string"),
        "title": products["title"].map(scrub_text).astype("string"),
        "model_version": version,
        "low_quality_score": scored["low_quality_score"].astype(float).to_numpy(),
        "clarity_score": scored["clarity_score"].astype(float).to_numpy(),
        "conciseness_score": scored["conciseness_score"].astype(float).to_numpy(),
        "flagged": scored["flagged"].astype(bool).to_numpy(),
        "reasons": [json.dumps(r, ensure_ascii=False) for r in scored["reasons"]],
        "top_tokens": [json.dumps(t, ensure_ascii=False) for t in scored["top_tokens"]],
        "scored_at": started,
    })
    n_flagged = int(rows["flagged"].sum())
    with atomic_write(home, home.results) as w:
        w.execute("BEGIN")
        ensure_schema(w)
        w.execute("DELETE FROM listing_scores")
        w.register("scored_rows", rows)
        w.execute(f"""
            INSERT INTO listing_scores ({', '.join(columns('listing_scores'))})
            SELECT run_id, product_id, seller_id, sku, category_id, title, model_version,
              low_quality_score, clarity_score, conciseness_score, flagged,
              CAST(reasons AS JSON), CAST(top_tokens AS JSON), CAST(scored_at AS TIMESTAMP)
            FROM scored_rows""")
        w.unregister("scored_rows")
        w.execute(insert_sql("listing_runs"),
                  [run_id, version, started, len(rows), n_flagged, float(model.config.threshold), seconds])
        w.execute("COMMIT")
    codes: dict[str, int] = {}
    for rs in scored["reasons"]:
        for r in rs:
            codes[r["code"]] = codes.get(r["code"], 0) + 1
    return {"run_id": run_id, "model_version": version, "n_scored": len(rows), "n_flagged": n_flagged,
            "flagged_share": round(n_flagged / max(len(rows), 1), 4), "threshold": model.config.threshold,
            "explained_titles": scored.attrs.get("explained", 0),
            "flagged_titles": scored.attrs.get("flagged_distinct", 0),
            "seconds": round(seconds, 2), "listings_per_second": round(len(rows) / max(seconds, 1e-9), 1),
            "reason_counts": dict(sorted(codes.items(), key=lambda kv: -kv[1])), "results": str(home.results)}


__all__ = ["DEFAULT_EXPLAIN_LIMIT", "OUTPUT_COLUMNS", "load_model", "score_file", "score_frame", "score_warehouse"]
