"""Deterministic, realistic sample data with known, injected defects.

``generate(out_dir)`` writes ``categories``, ``sellers``, ``products``, ``events`` and
``reviews`` as Parquet files (columns exactly as in ``catalog.yaml``; events without the
derived ``event_date``) plus ``manifest.json`` listing every injected defect with the keys
of the rows that carry it. Same arguments, same data. See ``sample_data/README.md`` for
the invariants clean rows satisfy and how each defect breaks them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .errors import UsageError
from .samplegen.behaviour import Catalogue, Users, Window
from .samplegen.events import EventContext, at_least_one, query_pool, user_ids, write_events
from .samplegen.listings import build_listings
from .samplegen.product_defects import (
    PRODUCT_DEFECTS,
    added_rows,
    clean_price,
    inject_product_defects,
)
from .samplegen.reviews import build_reviews
from .samplegen.sellers import build_sellers
from .samplegen.tables import build_table, write_table
from .samplegen.vocab import load_vocabulary

# Share of rows carrying each defect: products defects per listing, events defects per event
# (bots and click farms: share of event rows in their sessions). stale_partition is the share
# of its normal volume the stale day keeps (1.0: no stale day). A rate above 0 injects at
# least one instance; 0 injects none.
DEFECT_RATES: dict[str, float] = {
    "null_title": 0.010,
    "duplicate_product_id": 0.005,
    "near_duplicate_listing": 0.005,
    "negative_price": 0.003,
    "price_x100": 0.003,
    "sale_above_list": 0.010,
    "invalid_category": 0.005,
    "brand_mismatch": 0.006,
    "out_of_stock_active": 0.010,
    "keyword_stuffed_title": 0.005,
    "all_caps_title": 0.005,
    "short_title": 0.005,
    "long_title": 0.005,
    "html_in_description": 0.010,
    "contact_in_description": 0.005,
    "unknown_item": 0.005,
    "purchase_without_view": 0.002,
    "future_timestamp": 0.003,
    "past_timestamp": 0.003,
    "duplicate_event": 0.005,
    "stale_partition": 0.05,
    "bot_high_rate": 0.008,
    "bot_regular_interval": 0.004,
    "click_farm": 0.002,
}

DEFECTS: dict[str, tuple[str, str]] = {
    "null_title": ("products", "completeness"),
    "duplicate_product_id": ("products", "uniqueness"),
    "near_duplicate_listing": ("products", "uniqueness"),
    "negative_price": ("products", "validity"),
    "price_x100": ("products", "accuracy"),
    "sale_above_list": ("products", "consistency"),
    "invalid_category": ("products", "consistency"),
    "brand_mismatch": ("products", "consistency"),
    "out_of_stock_active": ("products", "consistency"),
    "keyword_stuffed_title": ("products", "validity"),
    "all_caps_title": ("products", "validity"),
    "short_title": ("products", "validity"),
    "long_title": ("products", "validity"),
    "html_in_description": ("products", "validity"),
    "contact_in_description": ("products", "validity"),
    "unknown_item": ("events", "consistency"),
    "purchase_without_view": ("events", "consistency"),
    "future_timestamp": ("events", "validity"),
    "past_timestamp": ("events", "validity"),
    "duplicate_event": ("events", "uniqueness"),
    "stale_partition": ("events", "timeliness"),
    "bot_high_rate": ("events", "accuracy"),
    "bot_regular_interval": ("events", "accuracy"),
    "click_farm": ("events", "accuracy"),
}

FILES = ("categories", "sellers", "products", "events", "reviews")
REVIEWS_PER_PRODUCT = 1.5
QUERIES_PER_PRODUCT = 3
EVENTS_PER_SESSION = 7.3  # mean session length, used to size the user population
USERS_PER_SESSION = 0.3


def _end_date(end: str | date | None) -> date:
    if end is None:
        return datetime.now(UTC).date()
    if isinstance(end, datetime):
        return end.date()
    if isinstance(end, date):
        return end
    try:
        return date.fromisoformat(str(end))
    except ValueError:
        raise UsageError(f"end must be a date like 2025-06-30, got {end!r}") from None


def _check_args(products: int, events: int, days: int) -> None:
    if products < 10:
        raise UsageError(f"products must be at least 10, got {products}")
    if events < 100:
        raise UsageError(f"events must be at least 100, got {events}")
    if days < 7:
        raise UsageError(f"days must be at least 7, got {days}")


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, disable=not enabled, desc="sample data", unit="rows",
                unit_scale=True, leave=False)


def generate(out_dir: str | Path, products: int = 20_000, events: int = 1_000_000, seed: int = 42,
             days: int = 35, end: str | date | None = None, progress: bool = True,
             rates: dict[str, float] | None = None) -> dict:
    """Write the sample tables and ``manifest.json`` to ``out_dir``; return the manifest.

    ``end`` is the last day of the behaviour window (default: today, UTC). ``rates``
    overrides entries of :data:`DEFECT_RATES`. Files appear only when all were written.
    """
    _check_args(products, events, days)
    end_date = _end_date(end)
    rates = {**DEFECT_RATES, **(rates or {})}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".sample-", dir=out))
    bar = _progress(products + events, progress)
    try:
        manifest = _generate(tmp, products, events, seed, days, end_date, rates, bar.update)
        for name in (*[f"{t}.parquet" for t in FILES], "manifest.json"):
            os.replace(tmp / name, out / name)
    finally:
        bar.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return manifest


def _generate(out: Path, n_products: int, n_events: int, seed: int, days: int, end: date,
              rates: dict[str, float], tick: Callable[[int], Any]) -> dict:
    vocab = load_vocabulary()
    end_dt = datetime(end.year, end.month, end.day)
    n_tops = sum(1 for c in vocab.categories if c["level"] == 1)
    sellers = build_sellers(vocab, int(np.clip(n_products // 40, 10, 500)), seed, end_dt, n_tops)

    # products: clean listings, then defects (two defects add rows)
    counts = {d: at_least_one(rates[d], n_products) for d in PRODUCT_DEFECTS}
    budget = n_products // 3  # tiny samples: at most a third of the listings carry a defect
    for d in PRODUCT_DEFECTS:
        counts[d] = min(counts[d], budget)
        budget -= counts[d]
    n_base = n_products - added_rows(counts)
    listings = build_listings(vocab, n_base, sellers, seed, end_dt)
    injected = inject_product_defects(vocab, listings, counts, sellers.ids, seed, n_base)
    order = np.random.default_rng([seed, 3]).permutation(len(listings.rows))
    rows = [listings.rows[i] for i in order]
    leaf_of = [listings.leaf[i] for i in order]
    seller_of = np.array([listings.seller[i] for i in order])
    x100 = set(injected.keys["price_x100"])
    write_table(build_table("products", {c: [r[c] for r in rows] for c in rows[0]}),
                out / "products.parquet")
    write_table(build_table("categories", {c: [r[c] for r in vocab.categories]
                                           for c in vocab.categories[0]}), out / "categories.parquet")
    write_table(build_table("sellers", {c: [r[c] for r in sellers.rows] for c in sellers.rows[0]}),
                out / "sellers.parquet")
    tick(n_products)

    # behaviour
    window = Window.make(end, days, seed, stale_share=rates["stale_partition"])
    pid_count = Counter(r["product_id"] for r in rows)
    cat = Catalogue.make(
        leaf=np.array(leaf_of), status=np.array([r["status"] for r in rows]),
        price=np.array([clean_price(r, r["product_id"] in x100) for r in rows]),
        seller=seller_of, n_queries=QUERIES_PER_PRODUCT, seed=seed,
        unique_id=np.array([pid_count[r["product_id"]] == 1 for r in rows]),
    )
    n_users = int(np.clip(n_events / EVENTS_PER_SESSION * USERS_PER_SESSION, 50, 8_000_000))
    users = Users.make(window, n_users, seed)
    reviewers = user_ids(min(n_users, 200_000), seed).to_pylist()
    n_reviews = round(REVIEWS_PER_PRODUCT * len(rows))
    write_table(build_table("reviews", build_reviews(vocab, rows, leaf_of, cat, reviewers,
                                                     n_reviews, seed, end_dt)),
                out / "reviews.parquet")
    import pyarrow as pa

    ctx = EventContext(
        seed=seed, window=window, users=users, cat=cat,
        product_ids=pa.array([r["product_id"] for r in rows], pa.string()),
        queries=query_pool(rows, vocab.leaves, leaf_of, QUERIES_PER_PRODUCT, seed),
        seller_ids=sellers.ids, rates=rates,
    )
    tally = write_events(out / "events.parquet", ctx, n_events, on_chunk=tick)

    # manifest
    table_rows = {"categories": len(vocab.categories), "sellers": len(sellers.rows),
                  "products": len(rows), "events": tally.total, "reviews": n_reviews}
    defects = []
    for name, (table, dimension) in DEFECTS.items():
        if name == "stale_partition" and rates[name] >= 1:  # switched off
            entry = {"count": 0, "rate": 0.0, "keys": [], "rows": 0}
        elif name == "stale_partition":
            stale = date.fromordinal(end.toordinal() - days + 1 + window.stale_day)
            per_day = tally.clean_per_day
            others = np.delete(per_day, window.stale_day)
            entry = {"count": 1, "rate": round(1 / days, 6), "keys": [stale.isoformat()],
                     "rows": int(per_day[window.stale_day]),
                     "detail": {"partition": stale.isoformat(),
                                "rows": int(per_day[window.stale_day]),
                                "median_rows": int(np.median(others))}}
        elif table == "products":
            keys = injected.keys[name]
            entry = {"count": len(keys), "rate": round(len(keys) / len(rows), 6), "keys": keys,
                     "rows": len(keys)}
        else:
            keys = tally.keys[name]
            entry = {"count": len(keys), "rate": round(tally.rows[name] / tally.total, 6),
                     "keys": keys, "rows": tally.rows[name]}
        defects.append({"defect": name, "table": table, "dimension": dimension, **entry})
    manifest = {"seed": seed, "end": end.isoformat(), "days": days, "counts": table_rows,
                "defects": defects}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    return manifest
