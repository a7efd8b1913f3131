"""Product reviews: J-shaped ratings, short texts in the listing's language."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import numpy as np

from .behaviour import Catalogue
from .ids import feistel_perm
from .vocab import Vocabulary

RATING_SHARE = {1: 0.08, 2: 0.05, 3: 0.09, 4: 0.22, 5: 0.56}


def build_reviews(vocab: Vocabulary, products: list[dict], leaf_of: list[int], cat: Catalogue,
                  user_ids: list[str], n: int, seed: int, end: datetime) -> dict[str, list]:
    """``n`` reviews of popular products (columns of the reviews table)."""
    rnd = random.Random(f"{seed}:reviews")
    rng = np.random.default_rng([seed, 41])
    items = cat.popular(rng, n).tolist()
    ratings = rng.choice(list(RATING_SHARE), size=n, p=list(RATING_SHARE.values())).tolist()
    users = rng.integers(0, len(user_ids), n).tolist()
    ids = [f"R{x:09d}" for x in 100_000_000 + feistel_perm(np.arange(n), 900_000_000, seed, "review")]
    end_dt = datetime(end.year, end.month, end.day, 23, 59, 59)
    en, zh = vocab.people["reviews"], vocab.people["reviews_zh"]
    cols: dict[str, list] = {k: [] for k in ("review_id", "product_id", "user_id", "rating", "text", "ts")}
    for i in range(n):
        row, r = products[items[i]], ratings[i]
        if row["locale"] == "zh-CN":
            text = rnd.choice(zh[r])
        else:
            text = rnd.choice(en[r]).replace("{type}", vocab.leaves[leaf_of[items[i]]].type.lower())
        created = row["created_at"]
        span = (end_dt - created).total_seconds()
        ts = end_dt - timedelta(seconds=int(span * rnd.random() ** 2))  # recent reviews dominate
        cols["review_id"].append(ids[i])
        cols["product_id"].append(row["product_id"])
        cols["user_id"].append(user_ids[users[i]])
        cols["rating"].append(r)
        cols["text"].append(text)
        cols["ts"].append(ts)
    return cols
