"""Clean product listings: titles, descriptions, attributes, prices and stock per leaf category."""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from .ids import feistel_perm
from .sellers import Sellers
from .text import (
    CLEAN_TITLE_MAX,
    CLEAN_TITLE_MIN,
    is_all_caps,
    max_token_repeat,
    placeholders,
    render,
)
from .vocab import Leaf, Vocabulary

ZH_SHARE = 0.08
STATUS = (("active", 0.86), ("inactive", 0.09), ("draft", 0.05))


@dataclass
class Listings:
    """Product rows (dicts in catalog column order) plus generator-side facts about each row."""

    rows: list[dict]
    leaf: list[int]  # index into vocab.leaves
    parts: list[dict]  # title parts (brand, type, attrs) used by defect injection
    seller: list[int]  # index into sellers


def product_ids(index: np.ndarray, seed: int) -> list[str]:
    """``P`` + 8 digits, a bijection of the row index (ids >= 90M are never issued)."""
    return [f"P{x:08d}" for x in 10_000_000 + feistel_perm(index, 80_000_000, seed, "product")]


def unknown_product_ids(n: int, seed: int) -> list[str]:
    """Ids that look like product ids but are never issued (the 90M..99.9M range)."""
    return [f"P{x:08d}" for x in 90_000_000 + feistel_perm(np.arange(n), 9_999_999, seed, "unknown")]


def sku_numbers(index: np.ndarray, seed: int) -> np.ndarray:
    return feistel_perm(index, 10**8, seed, "sku")


def make_sku(brand: str, number: int) -> str:
    """A seller SKU like ``ANK-04821937`` (unique: the number is a bijection of the row index)."""
    code = re.sub(r"[^A-Za-z]", "", brand).upper()[:3] or "CN"
    return f"{code}-{int(number):08d}"


def allocate_leaves(vocab: Vocabulary, n: int, rng: np.random.Generator) -> np.ndarray:
    """Leaf index per listing: a floor per leaf (so every leaf has peers) plus weighted draws."""
    n_leaves = len(vocab.leaves)
    floor = min(5, n // (2 * n_leaves))
    base = np.repeat(np.arange(n_leaves), floor)
    w = np.array([leaf.weight for leaf in vocab.leaves])
    extra = rng.choice(n_leaves, size=n - len(base), p=w / w.sum())
    out = np.concatenate([base, extra])
    rng.shuffle(out)
    return out


def charm_price(p: float, currency: str, rnd: random.Random) -> float:
    """Round like a shop would: 24.99, 9.49, CNY 59.9 or 1299."""
    if currency == "CNY":
        if p >= 200:
            return float(max(10, int(round(p / 10.0)) * 10 - 1))
        return round(max(1.0, math.floor(p) + 0.9), 2)
    if p < 10:
        return round(max(0.99, math.floor(p) + (0.49 if p % 1 < 0.5 else 0.99)), 2)
    return round(math.floor(p) + rnd.choice((0.99, 0.99, 0.95, 0.0)), 2)


def _book_values(vocab: Vocabulary, leaf: Leaf, rnd: random.Random) -> dict[str, str]:
    ppl = vocab.people
    pool = {"Business Books": "book_business", "Cookbooks": "book_cooking",
            "Children's Books": "book_kids"}.get(leaf.name)
    title = rnd.choice(ppl[pool]) if pool else (
        f"The {rnd.choice(ppl['book_adjectives'])} {rnd.choice(ppl['book_nouns'])}")
    return {"book_title": title,
            "author": f"{rnd.choice(ppl['first_names'])} {rnd.choice(ppl['last_names'])}",
            "book_zh": rnd.choice(ppl["book_zh"]), "author_zh": rnd.choice(ppl["author_zh"])}


def title_ok(title: str) -> bool:
    has_latin = re.search(r"[A-Za-z]", title) is not None
    return (CLEAN_TITLE_MIN <= len(title) <= CLEAN_TITLE_MAX and len(title.split()) >= 3
            and max_token_repeat(title) < 3 and not is_all_caps(title)
            and (not has_latin or re.search(r"[a-z]", title) is not None))


def _zh_finish(title: str, vocab: Vocabulary, rnd: random.Random) -> str:
    tags = list(vocab.raw["zh_title_tags"])
    rnd.shuffle(tags)
    if rnd.random() < 0.4:
        title = f"【{tags.pop()}】{title}"
    while len(title) < CLEAN_TITLE_MIN and tags:
        title = f"{title} {tags.pop()}"
    if re.search(r"[A-Z]", title) and not re.search(r"[a-z]", title):
        title = f"{title} {rnd.choice(vocab.raw['zh_case_tags'])}"
    return title


def _pick(items, k: int, rnd: random.Random) -> list:
    """``k`` distinct items (a random rotation with a random stride; cheaper than sample)."""
    n = len(items)
    if n <= k:
        return list(items)
    start = rnd.randrange(n)
    step = rnd.choice([d for d in (1, 2, 3) if math.gcd(d, n) == 1])
    return [items[(start + j * step) % n] for j in range(k)]


def make_listing_text(vocab: Vocabulary, leaf: Leaf, zh: bool, rnd: random.Random) -> dict:
    """Brand, title, description and attributes of one clean listing."""
    brands = leaf.zh_brands if zh else leaf.brands
    zh_map = {**vocab.raw["values_zh"], **vocab.raw["materials_zh"], **vocab.raw["colors_zh"]}
    for _attempt in range(8):
        brand = rnd.choice(brands)
        attrs = {k: rnd.choice(v) for k, v in leaf.attrs.items()}
        shown = {k: zh_map.get(v, v) if zh else v for k, v in attrs.items()}
        values = {"brand": brand, "type": leaf.type, "zh_type": leaf.zh_type, **shown}
        if leaf.series:
            values["series"] = rnd.choice(leaf.series)
            values["n"] = str(rnd.randint(*leaf.n_range))
        if leaf.book:
            values.update(_book_values(vocab, leaf, rnd))
        templates = leaf.zh_titles if zh else leaf.titles
        template = rnd.choice(templates)
        title = render(template, values)
        if zh:
            title = _zh_finish(title, vocab, rnd)
        ok = title_ok(title)
        if ok:
            break
    if not ok:  # a plain, always-valid fallback
        title = f"{brand} {leaf.zh_type if zh else leaf.type} {leaf.name_zh if zh else leaf.name} Series"
    feats = _pick(leaf.features, 3, rnd)
    if leaf.book:
        attrs.update({"author": values["author_zh"] if zh else values["author"],
                      "pages": str(rnd.randint(120, 640))})
    if zh:  # Chinese listings describe only what their title shows
        used = set(placeholders(template)) if ok else set()
        attrs = {k: v for k, v in attrs.items() if k in used or k in ("author", "pages")}
        specs = "，".join(shown[k] for k in attrs if k in shown)
        lead = (f"《{values['book_zh']}》，{values['author_zh']} 著。" if leaf.book
                else f"{brand}{leaf.zh_type}{'，' + specs if specs else ''}。")
        points = _pick(vocab.raw["zh_points"], 2, rnd)
        description = lead + "".join(points)
        attributes = {k: shown.get(k, v) for k, v in attrs.items()}
    else:
        color = attrs.get("color")
        lead = (f"{values['book_title']} by {values['author']}." if leaf.book
                else f"The {brand} {leaf.type}{f' in {color}' if color else ''}.")
        feature_text = (f"{feats[0][:1].upper()}{feats[0][1:]}, {feats[1]} and {feats[2]}."
                        if len(feats) == 3 else "")
        specs = "; ".join(f"{k}: {v}" for k, v in attrs.items() if k != "author")
        description = f"{lead} {feature_text} Specifications: {specs}. {rnd.choice(vocab.raw['closings'])}"
        attributes = dict(attrs)
    return {"brand": brand, "title": title, "description": description, "attributes": attributes,
            "values": values}


def choose_sellers(sellers: Sellers, leaf_idx: np.ndarray, zh: np.ndarray, leaves: list[Leaf],
                   rng: np.random.Generator) -> list[int]:
    """Seller per listing: 85% specialists of its top category, Chinese shops for zh-CN."""
    tops = list(dict.fromkeys(leaf.top for leaf in leaves))
    top_of = np.array([tops.index(leaves[i].top) for i in range(len(leaves))])[leaf_idx]
    u, u_any = rng.random(len(leaf_idx)), rng.random(len(leaf_idx))
    is_cn = sellers.country == "CN"
    out = np.empty(len(leaf_idx), dtype=np.int64)

    def draw(pool: np.ndarray, rows: np.ndarray) -> None:
        cdf = np.cumsum(sellers.weight[pool]) / sellers.weight[pool].sum()
        out[rows] = pool[np.minimum(np.searchsorted(cdf, u[rows]), len(pool) - 1)]

    draw(np.arange(len(sellers.ids)), np.flatnonzero(~zh & (u_any >= 0.85)))
    for t in range(len(tops)):
        spec = np.array([t in s for s in sellers.specialty])
        for want_cn in (False, True):
            rows = np.flatnonzero((top_of == t) & (zh == want_cn) & (want_cn | (u_any < 0.85)))
            pool = np.flatnonzero(spec & is_cn) if want_cn else np.flatnonzero(spec)
            if len(pool) == 0:
                pool = np.flatnonzero(is_cn) if want_cn else np.arange(len(sellers.ids))
            if len(rows):
                draw(pool, rows)
    return out.tolist()


def build_listings(vocab: Vocabulary, n: int, sellers: Sellers, seed: int, end: datetime,
                   first_index: int = 0) -> Listings:
    """``n`` clean listings with row index ``first_index``.. (defects are injected later)."""
    rnd = random.Random(f"{seed}:listings")
    rng = np.random.default_rng([seed, 202])
    leaves = vocab.leaves
    leaf_idx = allocate_leaves(vocab, n, rng)
    zh = rng.random(n) < ZH_SHARE
    z = np.clip(rng.standard_normal(n), -2.2, 2.2)
    status = np.array([s for s, _ in STATUS])[
        rng.choice(len(STATUS), size=n, p=[p for _, p in STATUS])]
    ids = product_ids(np.arange(first_index, first_index + n), seed)
    skus = sku_numbers(np.arange(first_index, first_index + n), seed)

    seller_of = choose_sellers(sellers, leaf_idx, zh, leaves, rng)
    end_dt = datetime(end.year, end.month, end.day, 23, 59, 59)
    rows, parts = [], []
    zh, z, status = zh.tolist(), z.tolist(), status.tolist()
    for i in range(n):
        leaf = leaves[leaf_idx[i]]
        s = seller_of[i]
        text = make_listing_text(vocab, leaf, bool(zh[i]), rnd)
        currency = "CNY" if zh[i] else "USD"
        median = leaf.price * (vocab.usd_cny if zh[i] else 1.0)
        price = charm_price(median * math.exp(leaf.sigma * z[i]), currency, rnd)
        if rnd.random() < 0.45:
            list_price = price
        else:
            list_price = charm_price(price * rnd.uniform(1.08, 1.6), currency, rnd)
            list_price = max(list_price, price)
        st = status[i]
        if st == "active":
            stock = min(5000, int(rnd.lognormvariate(3.5, 1.2)) + 1)
        elif st == "inactive":
            stock = 0 if rnd.random() < 0.6 else rnd.randint(1, 50)
        else:
            stock = 0 if rnd.random() < 0.7 else rnd.randint(1, 20)
        created = end_dt - timedelta(days=2 + rnd.random() * 2188)
        if rnd.random() < 0.3:
            updated = end_dt - timedelta(seconds=rnd.random() * 3 * 86400)
        else:
            updated = created + (end_dt - created) * rnd.random()
        updated = max(updated, created)
        pid = ids[i]
        images = [f"https://img.example.com/p/{pid}/{k}.jpg" for k in range(1, rnd.randint(1, 6) + 1)]
        rows.append({
            "product_id": pid, "sku": make_sku(text["brand"], skus[i]),
            "seller_id": sellers.ids[s], "title": text["title"], "description": text["description"],
            "category_id": leaf.category_id, "category_path": leaf.path, "brand": text["brand"],
            "price": price, "list_price": list_price, "currency": currency, "stock": stock,
            "status": st, "image_urls": json.dumps(images),
            "attributes": json.dumps(text["attributes"], ensure_ascii=False),
            "country": "CN" if zh[i] else "US", "locale": "zh-CN" if zh[i] else "en-US",
            "created_at": created.replace(microsecond=0), "updated_at": updated.replace(microsecond=0),
        })
        parts.append({"values": text["values"], "zh": bool(zh[i])})
    return Listings(rows=rows, leaf=leaf_idx.tolist(), parts=parts, seller=seller_of)
