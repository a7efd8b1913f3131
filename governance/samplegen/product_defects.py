"""Known listing defects, injected into clean listings one defect per row.

Every injected row is re-checked with :func:`listing_problems`: a row counts as a defect
only when it breaks exactly its own rule, so the rest of the data stays clean.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .listings import Listings, make_sku, product_ids, sku_numbers
from .text import CLEAN_TITLE_MAX, is_all_caps, listing_problems, title_problems
from .vocab import Vocabulary

PRODUCT_DEFECTS = (
    "null_title", "duplicate_product_id", "near_duplicate_listing", "negative_price", "price_x100",
    "sale_above_list", "invalid_category", "brand_mismatch", "out_of_stock_active",
    "keyword_stuffed_title", "all_caps_title", "short_title", "long_title",
    "html_in_description", "contact_in_description",
)
ADDED = ("duplicate_product_id", "near_duplicate_listing")  # these add rows
ROBUST_Z_CLIP = 4.5  # clean prices stay within this robust z of their (leaf, currency) group
FILLERS_EN = ["Premium Quality", "Fast Shipping", "Perfect Gift Idea", "Latest Model",
              "Satisfaction Guaranteed", "Great Value", "Best Seller", "Top Rated Choice",
              "Durable Everyday Use", "Ideal Home Office Travel", "Limited Time Offer",
              "Brand New Sealed", "Free Returns", "Official Store", "Trusted by Thousands"]
CONTACT_EN = ["Questions? WeChat: {w} for wholesale prices.", "Contact us at {e} for bulk orders.",
              "Call or text {p} before ordering.", "Email {e} or add WeChat {w} for discounts."]
CONTACT_ZH = ["加微信：{w} 领取优惠券。", "批发请联系 {e}。", "咨询电话：{c}，欢迎来电。"]
HTML = ['<div class="desc"><p>{d}</p></div>', "<p>{d}</p><br><ul><li>Free shipping</li></ul>",
        "{d}<br/><br/><b>Hot sale!</b>", '<div>{d}</div><script>track("view")</script>']


@dataclass
class Injected:
    """Keys of the rows carrying each defect (product_id, or sku for duplicate ids)."""

    keys: dict[str, list[str]]


def _stuffed(row: dict, parts: dict, rnd: random.Random) -> str:
    brand = row["brand"]
    if parts["zh"]:
        t = parts["values"]["zh_type"]
        return f"{t} {brand} {t} {t}正品 {t} 包邮"
    t = parts["values"]["type"].lower()
    if "book_title" in parts["values"]:  # "a novel" reads badly: stuff the genre instead
        t = f"{t.split()[-1]} book"
    last = t.split()[-1]
    extra = rnd.choice(["cover", "new", "best", "cheap", "sale"])
    return f"{t} {t} {brand} {last} {t} {extra} {last}"


def _short(row: dict, parts: dict) -> str:
    brand = row["brand"]
    if parts["zh"]:
        return f"{brand}{parts['values']['zh_type']}"[:10]
    last = parts["values"]["type"].split()[-1]
    return f"{brand} {last}" if len(brand.split()) == 1 and len(brand) + len(last) < 11 else last


def _long(row: dict, rnd: random.Random) -> str:
    fillers = FILLERS_EN[:]
    rnd.shuffle(fillers)
    title = row["title"]
    while len(title) <= 150 and fillers:
        title = f"{title}, {fillers.pop()}"
    return title


def _contact(rnd: random.Random, zh: bool) -> str:
    w = f"{rnd.choice(['shop', 'deals', 'vip', 'sale'])}_{rnd.randint(1000, 99999)}"
    e = f"{rnd.choice(['store', 'sales', 'kefu', 'deals'])}{rnd.randint(10, 999)}@{rnd.choice(['gmail.com', 'qq.com', 'outlook.com', '163.com'])}"
    p = f"+1 ({rnd.randint(201, 989)}) 555-{rnd.randint(0, 9999):04d}"
    cn = f"1{rnd.choice('3589')}{rnd.randint(0, 9)} {rnd.randint(0, 9999):04d} {rnd.randint(0, 9999):04d}"
    return rnd.choice(CONTACT_ZH if zh else CONTACT_EN).format(w=w, e=e, p=p, c=cn)


def _near_title(title: str, brand: str, rnd: random.Random) -> str:
    """The same title with different punctuation, case or one word changed."""
    words = title.split()
    choice = rnd.randrange(4)
    if choice == 0 and ", " in title:
        return title.replace(", ", " - ", 1) if " - " not in title else title.replace(", ", " ", 1)
    if choice == 1:
        cands = [i for i, w in enumerate(words) if w[:1].isupper() and w.lower() != w
                 and w not in brand.split() and i > 0]
        if cands:
            i = rnd.choice(cands)
            words[i] = words[i].lower()
            return " ".join(words)
    droppable = [i for i, w in enumerate(words) if i >= 2 and w.isalpha() and w not in brand.split()]
    if choice == 2 and len(words) > 5 and droppable:
        i = rnd.choice(droppable)
        return " ".join(words[:i] + words[i + 1:])
    return f"{title} New" if len(title) < CLEAN_TITLE_MAX - 4 else title.rstrip(".") + "."


def _group_stats(rows: list[dict]) -> dict[tuple[str, str], list[int]]:
    groups: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault((r["category_id"], r["currency"]), []).append(i)
    return groups


def clip_prices(rows: list[dict], frozen: set[int], rounds: int = 3) -> None:
    """Pull clean prices inside ``ROBUST_Z_CLIP`` robust z-scores of their (leaf, currency) group.

    Median and MAD are computed over all positive prices of the group (outlier defects
    included, as a check would); rows in ``frozen`` (the defects) are left alone.
    """
    groups = _group_stats(rows)
    for _ in range(rounds):
        changed = False
        for members in groups.values():
            prices = np.array([rows[i]["price"] for i in members], dtype=float)
            pos = prices[prices > 0]
            if len(pos) < 5:
                continue
            med = float(np.median(pos))
            mad = 1.4826 * float(np.median(np.abs(pos - med)))
            if mad <= 0:
                continue
            lo, hi = med - ROBUST_Z_CLIP * mad, med + ROBUST_Z_CLIP * mad
            for i in members:
                p = rows[i]["price"]
                if i in frozen or p <= 0 or lo <= p <= hi:
                    continue
                new = math.floor(hi * 100) / 100 if p > hi else math.ceil(max(lo, 0.01) * 100) / 100
                rows[i]["price"] = new
                rows[i]["list_price"] = max(rows[i]["list_price"], new)
                changed = True
        if not changed:
            break


def inject_product_defects(vocab: Vocabulary, listings: Listings, counts: dict[str, int],
                           sellers_ids: list[str], seed: int, first_new_index: int) -> Injected:
    """Inject ``counts[defect]`` rows of each defect into ``listings`` (in place)."""
    rnd = random.Random(f"{seed}:product-defects")
    rows, parts = listings.rows, listings.parts
    brands = vocab.brands
    leaf_ids = {leaf.category_id for leaf in vocab.leaves}
    keys: dict[str, list[str]] = {d: [] for d in PRODUCT_DEFECTS}
    order = list(range(len(rows)))
    rnd.shuffle(order)
    taken: set[int] = set()
    groups = _group_stats(rows)
    big_group = {i for m in groups.values() if len(m) >= 6 for i in m}

    def modify(name: str, change: Callable[[dict, dict], bool], want: set[str] | None = None) -> None:
        """Apply ``change`` to fresh rows until ``counts[name]`` rows break exactly ``want``."""
        want = {name} if want is None else want
        done = 0
        for i in order:
            if done >= counts.get(name, 0):
                break
            if i in taken:
                continue
            backup = dict(rows[i])
            if not change(rows[i], parts[i]) or listing_problems(rows[i], brands, leaf_ids) != want:
                rows[i].clear()
                rows[i].update(backup)
                continue
            taken.add(i)
            keys[name].append(rows[i]["product_id"])
            done += 1

    def null_title(r, p):
        r["title"] = rnd.choice([None, None, "", "   "])
        return True

    def negative(r, p):
        r["price"] = -abs(r["price"])
        return True

    def x100(r, p):
        if p.get("_i") not in big_group:
            return False
        r["price"], r["list_price"] = round(r["price"] * 100, 2), round(r["list_price"] * 100, 2)
        return True

    def above_list(r, p):
        r["list_price"] = round(r["price"] * rnd.uniform(0.6, 0.9), 2)
        return r["list_price"] < r["price"]

    def invalid_category(r, p):
        r["category_id"] = f"C99{rnd.randint(0, 9999):04d}"
        return True

    def brand_mismatch(r, p):
        leaf = vocab.leaves[p["leaf"]]
        pool = [b for b in (leaf.zh_brands if p["zh"] else leaf.brands) if b != r["brand"]]
        r["brand"] = rnd.choice(pool or [b for b in brands if b != r["brand"]])
        return True

    def out_of_stock(r, p):
        if r["status"] != "active":
            return False
        r["stock"] = 0
        return True

    def stuffed(r, p):
        r["title"] = _stuffed(r, p, rnd)
        return True

    def caps(r, p):
        r["title"] = r["title"].upper()
        return is_all_caps(r["title"])

    def short(r, p):
        r["title"] = _short(r, p)
        return True

    def long(r, p):
        if p["zh"]:
            return False
        r["title"] = _long(r, rnd)
        return True

    def html(r, p):
        r["description"] = rnd.choice(HTML).format(d=r["description"])
        return True

    def contact(r, p):
        r["description"] = f"{r['description']} {_contact(rnd, p['zh'])}"
        return True

    for i, p in enumerate(parts):
        p["_i"], p["leaf"] = i, listings.leaf[i]
    for name, fn in (("null_title", null_title), ("negative_price", negative),
                     ("price_x100", x100), ("sale_above_list", above_list),
                     ("invalid_category", invalid_category), ("brand_mismatch", brand_mismatch),
                     ("out_of_stock_active", out_of_stock), ("keyword_stuffed_title", stuffed),
                     ("all_caps_title", caps), ("short_title", short), ("long_title", long),
                     ("html_in_description", html), ("contact_in_description", contact)):
        modify(name, fn, set() if name == "price_x100" else None)
    x100_rows = {i for i in taken if rows[i]["product_id"] in set(keys["price_x100"])}
    negative_rows = {i for i in taken if rows[i]["product_id"] in set(keys["negative_price"])}

    # rows added next to clean originals
    n_dup, n_near = counts.get("duplicate_product_id", 0), counts.get("near_duplicate_listing", 0)
    new_index = first_new_index
    clean = [i for i in order if i not in taken]
    added: list[tuple[dict, dict, int]] = []
    for i in clean[:n_dup]:
        r = dict(rows[i])
        others = [s for s in sellers_ids if s != r["seller_id"]]
        r["seller_id"] = rnd.choice(others)
        r["sku"] = make_sku(r["brand"], sku_numbers(np.array([new_index]), seed)[0])
        new_index += 1
        keys["duplicate_product_id"].append(r["sku"])
        added.append((r, parts[i], listings.leaf[i]))
        taken.add(i)
    for i in clean[n_dup:]:
        if len(keys["near_duplicate_listing"]) >= n_near:
            break
        r = dict(rows[i])
        r["title"] = _near_title(r["title"], r["brand"], rnd)
        if r["title"] == rows[i]["title"] or title_problems(r["title"], r["brand"], brands):
            continue
        r["product_id"] = product_ids(np.array([new_index]), seed)[0]
        r["sku"] = make_sku(r["brand"], sku_numbers(np.array([new_index]), seed)[0])
        new_index += 1
        keys["near_duplicate_listing"].append(r["product_id"])
        added.append((r, parts[i], listings.leaf[i]))
        taken.add(i)
    for r, p, leaf in added:
        rows.append(r)
        parts.append(p)
        listings.leaf.append(leaf)
        listings.seller.append(sellers_ids.index(r["seller_id"]))
    assert len(rows) == len(parts) == len(listings.leaf) == len(listings.seller)
    clip_prices(rows, frozen=x100_rows | negative_rows)
    sale = set(keys["sale_above_list"])
    for r in rows:  # keep the sale-above-list rows broken after clipping
        if r["product_id"] in sale and r["list_price"] >= r["price"]:
            r["list_price"] = round(r["price"] * 0.8, 2)
    return Injected(keys=keys)


def added_rows(counts: dict[str, int]) -> int:
    return sum(counts.get(d, 0) for d in ADDED)


def clean_price(row: dict, x100: bool) -> float:
    """What a buyer actually pays for a listing (undoing price typos)."""
    p = abs(row["price"])
    return round(p / 100, 2) if x100 else p

