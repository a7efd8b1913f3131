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
from .language import LANGUAGE_AGNOSTIC_CODES, detect_languages, supported
from .model import ListingModel, set_threads
from .rules import REASON_CODES, rule_reasons

OUTPUT_COLUMNS = ["low_quality_score", "clarity_score", "conciseness_score", "flagged", "reasons", "language"]

def load_model(home: Home, version: str | None = None, fast: bool = True, stacker: bool = True) -> ListingModel:
    """The latest (or named) trained model of ``home``; the int8 fast path unless ``fast=False``.

    With the model's ``stacker.json`` (:mod:`.stack`) attached as its scorer unless
    ``stacker=False``; an unusable stacker file raises :class:`~.stack.StackerError`.
    """
    from .model import CONFIG_FILE, ModelConfig
    from .stack import Stacker
    from .train import resolve_model_dir

    path = resolve_model_dir(home, version)
    config = ModelConfig.from_dict(json.loads((path / CONFIG_FILE).read_text(encoding="utf-8")))
    scorer = Stacker.load(path, config.version) if stacker else None  # a bad stacker fails before the model loads
    model = ListingModel.load(path, fast=fast)
    model.stacker = scorer
    return model


def scorer_description(model: ListingModel) -> str:
    """Which scorer is active: the stacker (with its provenance) or the model alone."""
    from .stack import describe

    return describe(model.stacker, model.config.version)


def _model_reasons(clarity: float, concise: float, tokens: list[dict[str, Any]],
                   explained: bool = False, factors: dict[str, list[dict[str, Any]]] | None = None,
                   ) -> list[dict[str, Any]]:
    """The model's reason(s) for a flag. ``factors`` (the stacker's, per head ``clarity`` /
    ``conciseness``): the features behind the probability, in plain words with their log-odds
    contributions, e.g. ``why: many words (24) +1.2, repeated word 'bed' ×3 +0.8``."""
    words = ", ".join(f"'{t['token']}'" for t in tokens[:5])
    tail = f"; most influential words: {words}" if words else \
        ("; no single word stands out: information is missing or the problem spans several words" if explained else "")
    out: list[dict[str, Any]] = []
    weak_clarity = clarity < 0.5 or (concise >= 0.5 and clarity <= concise)
    weak_concise = concise < 0.5 or not weak_clarity
    for weak, code, head, p, name in ((weak_clarity, "MODEL_LOW_CLARITY", "clarity", clarity, "clear"),
                                      (weak_concise, "MODEL_LOW_CONCISENESS", "conciseness", concise, "concise")):
        if not weak:
            continue
        f = (factors or {}).get(head) or []
        why = "; why: " + ", ".join(f"{x['label']} {x['contribution']:+.1f}" for x in f) if f else ""
        reason: dict[str, Any] = {"code": code, "message": f"{REASON_CODES[code]} (P({name}) = {p:.2f}{why}{tail})"}
        if factors is not None:
            reason["factors"] = f
        out.append(reason)
    return out


DEFAULT_EXPLAIN_LIMIT = 1000


def score_frame(model: ListingModel, df: pd.DataFrame, batch_size: int = 64, explain: bool = True,
                progress: bool = True, desc: str = "scoring",
                explain_limit: int | None = DEFAULT_EXPLAIN_LIMIT) -> pd.DataFrame:
    """Scores for each row of ``df`` (``title``, optional ``description``), in ``df``'s order.

    Returns a frame with ``low_quality_score, clarity_score, conciseness_score, flagged, reasons``
    (list of ``{code, message}``), ``top_tokens`` (list of ``{token, weight}``) and ``language``.
    Titles the English model may not judge (:mod:`.language`, e.g. Chinese) get NaN scores, no
    flag and the ``UNSUPPORTED_LANGUAGE`` reason. A row's scores depend only on its title and
    the model (batch-invariant: see :meth:`ListingModel.quantize`).
    Word attributions (occlusion: one extra forward pass per word) are computed only for flagged
    titles, and at most for the ``explain_limit`` worst distinct ones (``None``: all); other
    flagged rows keep their reason codes and an empty ``top_tokens``. ``df.attrs["explained"]``
    of the result says how many distinct titles were explained.
    """
    from tqdm.auto import tqdm

    titles = df["title"].map(lambda t: t.strip() if isinstance(t, str) else "")
    descs = df["description"] if "description" in df.columns else pd.Series([None] * len(df), index=df.index)
    languages = detect_languages(titles)
    routed = np.array([supported(lang) for lang in languages], dtype=bool)
    has_title = (titles != "").to_numpy() & routed  # titles the (English) model judges
    rules = [rule_reasons(t, d) for t, d in zip(titles, descs, strict=True)]  # once per row
    judged = np.flatnonzero(has_title)
    uniq, first, inverse = np.unique(titles[has_title].to_numpy().astype(str), return_index=True, return_inverse=True)
    threshold = model.threshold
    with tqdm(total=len(uniq), desc=desc, unit="title", disable=not progress) as bar:
        pred = model.predict(list(uniq), batch_size=batch_size, progress=bar)
    base_low = pred["low_quality"]  # the model's own score: what word occlusion explains
    stacker, features_u = model.stacker, None
    if stacker is not None and len(uniq):
        from .stack import title_features

        # the rule codes the stacker reads depend on the title only: any row with the title will do
        features_u = title_features(list(uniq), [rules[judged[i]] for i in first])
        stacked = stacker.predict(list(uniq), {"not_clear": 1 - pred["clarity"], "not_concise": 1 - pred["conciseness"]},
                                  reasons=[rules[judged[i]] for i in first])
        pred = {"clarity": 1 - stacked["not_clear"], "conciseness": 1 - stacked["not_concise"],
                "low_quality": stacked["low_quality"], "model_clarity": pred["clarity"],
                "model_conciseness": pred["conciseness"]}
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
                tops = occlusion(model, list(uniq[part]), base_scores=base_low[part],
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
    unsupported = (titles != "").to_numpy() & ~routed
    low[unsupported] = clar[unsupported] = conc[unsupported] = np.nan
    flagged[unsupported] = False
    factors_u: dict[int, dict[str, list[dict[str, Any]]]] = {}
    if stacker is not None:
        for i in np.flatnonzero(flagged_u):
            factors_u[int(i)] = {
                head: stacker.factors(str(uniq[i]), defect, float(1 - pred[f"model_{head}"][i]), features_u[i])
                for head, defect in (("clarity", "not_clear"), ("conciseness", "not_concise"))}
    for r in range(len(titles)):
        rr = rules[r]
        if unsupported[r]:
            rr = [x for x in rr if x["code"] in LANGUAGE_AGNOSTIC_CODES] + [{
                "code": "UNSUPPORTED_LANGUAGE",
                "message": f"{REASON_CODES['UNSUPPORTED_LANGUAGE']}; detected language: {languages[r]}"}]
        toks = tokens_u[pos[r]] if pos[r] >= 0 else []
        if flagged[r] and pos[r] >= 0:
            rr = _model_reasons(float(clar[r]), float(conc[r]), toks, bool(explained_u[pos[r]]),
                                factors_u.get(int(pos[r])) if stacker is not None else None) + rr
        reasons.append(rr)
        top_tokens.append(toks)
    out = pd.DataFrame({
        "low_quality_score": np.round(low, 6), "clarity_score": np.round(clar, 6),
        "conciseness_score": np.round(conc, 6), "flagged": flagged, "reasons": reasons,
        "top_tokens": top_tokens, "language": languages,
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


def read_listings(input_path: str | Path, output_path: str | Path) -> pd.DataFrame:
    """The listings of an input file, checked (a ``title`` column, a usable output path) before
    any model is loaded, so bad input fails fast."""
    input_path, output_path = Path(input_path), Path(output_path)
    if input_path.resolve() == output_path.resolve():
        raise UsageError(f"{output_path}: output must differ from the input file")
    if output_path.suffix.lower() not in (".csv", ".parquet", ".pq", ".jsonl", ".ndjson", ".json"):
        raise UsageError(f"{output_path}: unsupported output type '{output_path.suffix}' (use .csv, .parquet or .jsonl)")
    df = read_table(input_path)
    require_title(df, input_path)
    return df


def score_file(model: ListingModel, input_path: str | Path, output_path: str | Path, batch_size: int = 64,
               explain: bool = True, progress: bool = True,
               explain_limit: int | None = DEFAULT_EXPLAIN_LIMIT, frame: pd.DataFrame | None = None) -> dict[str, Any]:
    """Score a CSV / Parquet / JSON Lines file with a ``title`` column; write input columns + scores
    (``frame``: the file as :func:`read_listings` already read it)."""
    input_path, output_path = Path(input_path), Path(output_path)
    df = read_listings(input_path, output_path) if frame is None else frame
    t0 = time.perf_counter()
    scored = score_frame(model, df, batch_size=batch_size, explain=explain, progress=progress,
                         explain_limit=explain_limit)
    seconds = time.perf_counter() - t0
    out = df.drop(columns=[c for c in OUTPUT_COLUMNS if c in df.columns]).copy()
    for c in OUTPUT_COLUMNS[:4]:
        out[c] = scored[c].to_numpy()
    as_text = output_path.suffix.lower() != ".jsonl" and output_path.suffix.lower() != ".ndjson"
    out["reasons"] = [json.dumps(r, ensure_ascii=False) if as_text else r for r in scored["reasons"]]
    out["language"] = scored["language"].to_numpy()
    _write_table(out, output_path)
    return {"input": str(input_path), "output": str(output_path), "model_version": model.scoring_version,
            "scorer": scorer_description(model),
            "n_scored": len(out), "n_flagged": int(scored["flagged"].sum()), "threshold": model.threshold,
            "explained_titles": scored.attrs.get("explained", 0),
            "seconds": round(seconds, 3), "listings_per_second": round(len(out) / max(seconds, 1e-9), 1)}


def hash_sql(alias: str = "") -> str:
    """The SQL of :data:`HASH_SQL` over the columns of table ``alias`` (e.g. ``"p"``)."""
    q = f"{alias}." if alias else ""
    return f"md5(coalesce({q}title, '') || chr(31) || coalesce({q}description, ''))"


HASH_SQL = hash_sql()
"""The key of a scored input: title and description (the rule reasons read both)."""


def input_hash(title: str | None, description: str | None) -> str:
    """:data:`HASH_SQL` in Python (the same hex digest DuckDB computes)."""
    import hashlib

    return hashlib.md5(f"{title or ''}\x1f{description or ''}".encode()).hexdigest()


def _read_products(home: Home) -> pd.DataFrame:
    from governance.warehouse import connect_read

    if not home.warehouse.exists():
        raise ShopgovError(f"no warehouse at {home.warehouse}; run `shopgov init` first")
    con = connect_read(home.warehouse)
    try:
        exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'products'").fetchone()[0]
        if not exists:
            raise ShopgovError(f"{home.warehouse} has no products table; run `shopgov init` first")
        return con.execute(
            f"SELECT product_id, seller_id, sku, category_id, {HASH_SQL} AS input_hash FROM products "
            "ORDER BY seller_id, sku").df()
    finally:
        con.close()


def _product_texts(home: Home, keys: pd.DataFrame) -> pd.DataFrame:
    """title and description of the given products (``product_id`` and ``input_hash``), one row per
    key, in the given order. The hash tells apart listings that share a product_id (a defect the
    checks report, which scoring must survive); a key no longer in the warehouse gets no text."""
    from governance.warehouse import connect_read

    con = connect_read(home.warehouse)
    try:
        con.register("wanted", pd.DataFrame({"product_id": keys["product_id"].to_numpy(),
                                             "input_hash": keys["input_hash"].to_numpy(), "k": np.arange(len(keys))}))
        return con.execute(
            "SELECT w.product_id, p.title, p.description FROM wanted w LEFT JOIN products p "
            f"ON p.product_id = w.product_id AND {hash_sql('p')} = w.input_hash "
            "QUALIFY row_number() OVER (PARTITION BY w.k) = 1 ORDER BY w.k").df()
    finally:
        con.close()


def _reusable_hashes(home: Home, version: str, hashes: pd.Series) -> np.ndarray:
    """Which of ``hashes`` the results already hold scores for, under model ``version``."""
    from governance.results_schema import columns as table_columns
    from governance.results_schema import tables
    from governance.warehouse import connect_read

    if not home.results.exists():
        return np.zeros(len(hashes), dtype=bool)
    con = connect_read(home.results)
    try:
        if "listing_scores" not in tables(con):
            return np.zeros(len(hashes), dtype=bool)
        have = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() "
                                          "WHERE table_name = 'listing_scores'").fetchall()}
        if not set(table_columns("listing_scores")) <= have:
            return np.zeros(len(hashes), dtype=bool)  # an older layout: no hashes yet
        con.register("cur", pd.DataFrame({"input_hash": hashes.to_numpy(), "k": np.arange(len(hashes))}))
        found = con.execute("SELECT k FROM cur SEMI JOIN (SELECT input_hash FROM listing_scores "
                            "WHERE model_version = ? AND input_hash IS NOT NULL) s USING (input_hash)",
                            [version]).fetchnumpy()["k"]
    finally:
        con.close()
    out = np.zeros(len(hashes), dtype=bool)
    out[np.asarray(found, dtype=int)] = True
    return out


def _scored_rows(model: ListingModel, products: pd.DataFrame, texts: pd.DataFrame, batch_size: int,
                 explain: bool, progress: bool, explain_limit: int | None) -> tuple[pd.DataFrame, dict[str, Any]]:
    scored = score_frame(model, texts, batch_size=batch_size, explain=explain, progress=progress,
                         explain_limit=explain_limit) \
        if len(texts) else pd.DataFrame(columns=OUTPUT_COLUMNS + ["top_tokens"])
    rows = pd.DataFrame({
        "product_id": products["product_id"].astype("string").to_numpy(),
        "title": texts["title"].map(scrub_text).astype("string").to_numpy(),
        "low_quality_score": scored["low_quality_score"].astype(float).to_numpy(),
        "clarity_score": scored["clarity_score"].astype(float).to_numpy(),
        "conciseness_score": scored["conciseness_score"].astype(float).to_numpy(),
        "flagged": scored["flagged"].astype(bool).to_numpy(),
        "reasons": [json.dumps(r, ensure_ascii=False) for r in scored["reasons"]],
        "top_tokens": [json.dumps(t, ensure_ascii=False) for t in scored["top_tokens"]],
        "input_hash": products["input_hash"].astype("string").to_numpy(),
        "language": scored["language"].astype("string").to_numpy(),
        "k": products["k"].to_numpy(),
    })
    return rows, {"explained": scored.attrs.get("explained", 0), "flagged_distinct": scored.attrs.get("flagged_distinct", 0)}


def score_warehouse(home: Home, model: ListingModel, batch_size: int = 64, explain: bool = False,
                    progress: bool = True, log: Callable[[str], None] = print,
                    explain_limit: int | None = DEFAULT_EXPLAIN_LIMIT, incremental: bool = True) -> dict[str, Any]:
    """Score every product of the warehouse into ``listing_scores``; append a ``listing_runs`` row.

    Incremental (the default, the nightly run): a listing whose title and description hash
    (:data:`HASH_SQL`) was already scored by this model version keeps its stored scores,
    reasons and explanations; only new or changed listings (or all, after a model change) go
    through the model. ``incremental=False`` re-scores everything. Explanations are not
    computed here by default (``explain=False``); use :func:`explain_listings` on demand.
    """
    from governance.results_schema import columns, ensure_schema, insert_sql
    from governance.warehouse import atomic_write

    products = _read_products(home)
    if products.empty:
        log("the warehouse has no products to score")
    set_threads()
    version = model.scoring_version  # model version (+ stacker digest): stored scores of another one are re-scored
    started = datetime.now(UTC).replace(tzinfo=None)
    t0 = time.perf_counter()
    products["k"] = np.arange(len(products))  # row identity: product ids may repeat (a defect checks report)
    stages = {"read_products": time.perf_counter() - t0}
    reuse = _reusable_hashes(home, version, products["input_hash"]) if incremental else \
        np.zeros(len(products), dtype=bool)
    todo = products[~reuse].reset_index(drop=True)
    texts = _product_texts(home, todo) if len(todo) else pd.DataFrame(columns=["title", "description"])
    stages["find_changed"] = time.perf_counter() - t0 - sum(stages.values())
    fresh, attrs = _scored_rows(model, todo, texts, batch_size, explain, progress, explain_limit)
    stages["score_changed"] = time.perf_counter() - t0 - sum(stages.values())
    run_id = f"lst-{started:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    meta = products[["product_id", "seller_id", "sku", "category_id", "input_hash"]].astype("string").assign(
        k=products["k"].to_numpy())
    cols = ", ".join(columns("listing_scores"))
    with atomic_write(home, home.results) as w:
        w.execute("BEGIN")
        ensure_schema(w)
        w.register("cur", meta)
        w.register("fresh", fresh)
        # reused: the newest stored row per input hash of this model version (inputs unchanged)
        w.execute("""CREATE TEMP TABLE next_scores AS
            WITH old AS (
              SELECT DISTINCT ON (input_hash) * FROM listing_scores
              WHERE model_version = ? AND input_hash IS NOT NULL ORDER BY input_hash, scored_at DESC),
            stored AS (
              SELECT c.product_id, c.seller_id, c.sku, c.category_id, o.title, o.low_quality_score,
                     o.clarity_score, o.conciseness_score, o.flagged, o.reasons, o.top_tokens, o.scored_at,
                     c.input_hash, o.language
              FROM cur c JOIN old o USING (input_hash)
              WHERE c.k NOT IN (SELECT k FROM fresh))
            SELECT * FROM stored
            UNION ALL
            SELECT c.product_id, c.seller_id, c.sku, c.category_id, f.title, f.low_quality_score,
                   f.clarity_score, f.conciseness_score, f.flagged, CAST(f.reasons AS JSON),
                   CAST(f.top_tokens AS JSON), CAST(? AS TIMESTAMP), c.input_hash, f.language
            FROM fresh f JOIN cur c USING (k)""", [version, started])
        n_rows = w.execute("SELECT count(*) FROM next_scores").fetchone()[0]
        if n_rows != len(products):  # stored rows vanished since we looked (a concurrent run): re-score all
            raise ShopgovError("listing scores changed during the run; run `shopgov flag` again")
        w.execute("DELETE FROM listing_scores")
        w.execute(f"""INSERT INTO listing_scores ({cols})
            SELECT ?, product_id, seller_id, sku, category_id, title, ?, low_quality_score, clarity_score,
                   conciseness_score, flagged, reasons, top_tokens, scored_at, input_hash, language
            FROM next_scores""", [run_id, version])
        w.execute("DROP TABLE next_scores")
        w.unregister("cur")
        w.unregister("fresh")
        n_flagged = w.execute("SELECT count(*) FILTER (WHERE flagged) FROM listing_scores").fetchone()[0]
        seconds = time.perf_counter() - t0
        w.execute(insert_sql("listing_runs"),
                  [run_id, version, started, len(products), n_flagged, model.threshold, seconds])
        reason_counts = dict(w.execute("""
            SELECT r.code, count(*) FROM (
              SELECT unnest(from_json(reasons, '[{"code":"VARCHAR","message":"VARCHAR"}]')) AS r
              FROM listing_scores) GROUP BY r.code ORDER BY count(*) DESC""").fetchall())
        w.execute("COMMIT")
    stages["write_results"] = time.perf_counter() - t0 - sum(stages.values())
    n = len(products)
    return {"run_id": run_id, "model_version": version, "n_scored": n, "n_flagged": int(n_flagged),
            "n_rescored": len(todo), "n_reused": int(reuse.sum()), "incremental": incremental,
            "flagged_share": round(n_flagged / max(n, 1), 4), "threshold": model.threshold,
            "scorer": scorer_description(model),
            "explained_titles": attrs["explained"], "flagged_titles": attrs["flagged_distinct"],
            "seconds": round(seconds, 2), "listings_per_second": round(n / max(seconds, 1e-9), 1),
            "rescored_per_second": round(len(todo) / max(seconds, 1e-9), 1),
            "reason_counts": reason_counts, "results": str(home.results),
            "stages": {k: round(v, 2) for k, v in stages.items()}}


def explain_title(model: ListingModel, title: str, top_k: int = 5) -> list[dict[str, Any]]:
    """Word occlusion for one title, on demand (a page opening one listing)."""
    return occlusion(model, [title], top_k=top_k)[0]


def explain_listings(home: Home, model: ListingModel, product_ids: list[str] | None = None,
                     top_n: int | None = 100, batch_size: int = 128) -> dict[str, Any]:
    """Compute and store explanations (``top_tokens`` and the model reasons' word lists).

    For the given ``product_ids``, or else the ``top_n`` worst flagged listings of the latest
    run that have none yet. Reads the original titles from the warehouse (the stored ones are
    scrubbed of contact details). Returns ``{"explained": n, "product_ids": [...]}``.
    """
    from governance.results_schema import tables
    from governance.warehouse import atomic_write, connect_read

    if not home.results.exists():
        return {"explained": 0, "product_ids": []}
    con = connect_read(home.results)
    try:
        if "listing_scores" not in tables(con):
            return {"explained": 0, "product_ids": []}
        if product_ids is not None:
            con.register("ids", pd.DataFrame({"product_id": pd.Series(product_ids, dtype="string")}))
            rows = con.execute("SELECT product_id, clarity_score, conciseness_score, flagged, reasons FROM "
                               "listing_scores SEMI JOIN ids USING (product_id) WHERE model_version = ?",
                               [model.scoring_version]).df()
        else:
            rows = con.execute(
                "SELECT product_id, input_hash, clarity_score, conciseness_score, flagged, reasons FROM listing_scores "
                "WHERE flagged AND model_version = ? AND clarity_score IS NOT NULL "
                "AND coalesce(json_array_length(top_tokens), 0) = 0 "
                "ORDER BY low_quality_score DESC, product_id LIMIT ?",
                [model.scoring_version, int(top_n or 0)]).df()
    finally:
        con.close()
    rows = rows[rows["clarity_score"].notna()].reset_index(drop=True)
    if rows.empty:
        return {"explained": 0, "product_ids": []}
    texts = _product_texts(home, rows)
    titles = texts["title"].map(lambda t: t.strip() if isinstance(t, str) else "").tolist()
    tops = occlusion(model, titles, batch_size=batch_size)
    new_reasons = []
    for r, top in zip(rows.itertuples(), tops, strict=True):
        reasons = json.loads(r.reasons) if isinstance(r.reasons, str) else list(r.reasons or [])
        rules = [x for x in reasons if not str(x.get("code", "")).startswith("MODEL_")]
        factors = {head: x.get("factors") or [] for x in reasons for code, head in
                   (("MODEL_LOW_CLARITY", "clarity"), ("MODEL_LOW_CONCISENESS", "conciseness")) if x.get("code") == code}
        model_part = _model_reasons(float(r.clarity_score), float(r.conciseness_score), top, True,
                                    factors if model.stacker is not None else None) if r.flagged else []
        new_reasons.append(json.dumps(model_part + rules, ensure_ascii=False))
    upd = pd.DataFrame({"product_id": rows["product_id"].astype("string"),
                        "top_tokens": [json.dumps(t, ensure_ascii=False) for t in tops], "reasons": new_reasons})
    with atomic_write(home, home.results) as w:
        w.execute("BEGIN")
        w.register("upd", upd)
        w.execute("""UPDATE listing_scores s SET top_tokens = CAST(u.top_tokens AS JSON),
                     reasons = CAST(u.reasons AS JSON) FROM upd u
                     WHERE s.product_id = u.product_id AND s.model_version = ?""", [model.scoring_version])
        w.unregister("upd")
        w.execute("COMMIT")
    return {"explained": len(upd), "product_ids": upd["product_id"].tolist()}


__all__ = ["DEFAULT_EXPLAIN_LIMIT", "HASH_SQL", "OUTPUT_COLUMNS", "explain_listings", "explain_title", "input_hash",
           "load_model", "score_file", "score_frame", "score_warehouse", "scorer_description"]
