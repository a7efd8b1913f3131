"""Sellers (shops) with invented but realistic contact details."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from .ids import feistel_perm
from .vocab import Vocabulary


@dataclass
class Sellers:
    rows: list[dict]
    ids: list[str]
    country: np.ndarray  # ISO code per seller
    weight: np.ndarray  # relative listing volume (Pareto)
    specialty: list[set[int]]  # indices of top-level categories each seller focuses on


def _fill(fmt: str, rnd: random.Random) -> str:
    out = fmt
    for token, width in (("{a3}", 3), ("{m2}", 2), ("{d2}", 2), ("{d3}", 3), ("{d4}", 4), ("{d5}", 5)):
        while token in out:
            if token == "{a3}":
                val = str(rnd.randint(201, 989))
            elif token == "{m2}":
                val = f"{rnd.choice('356789')}{rnd.randint(0, 9)}"
            else:
                val = "".join(str(rnd.randint(0, 9)) for _ in range(width))
            out = out.replace(token, val, 1)
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def build_sellers(vocab: Vocabulary, n: int, seed: int, end: datetime, n_tops: int) -> Sellers:
    """``n`` sellers; every top-level category gets specialists, CN sellers among them."""
    rnd = random.Random(f"{seed}:sellers")
    rng = np.random.default_rng([seed, 101])
    people = vocab.people
    codes = list(people["countries"])
    shares = np.array([people["countries"][c]["share"] for c in codes], dtype=float)
    country = np.array(codes)[rng.choice(len(codes), size=n, p=shares / shares.sum())]
    # at least a few Chinese shops so zh-CN listings have sellers
    n_cn = max(2, n // 8)
    if (country == "CN").sum() < n_cn:
        country[: n_cn] = "CN"
    weight = rng.pareto(1.3, size=n) + 1.0
    specialty = [{i % n_tops} for i in range(n)]
    for i in range(n):
        if rnd.random() < 0.4:
            specialty[i].add(rnd.randrange(n_tops))
    seller_nums = 10000 + feistel_perm(np.arange(n), 90000, seed, "seller")
    ids = [f"S{x:05d}" for x in seller_nums]
    rows, used = [], set()
    start = datetime(2012, 1, 1)
    span = (end - timedelta(days=60) - start).total_seconds()
    for i in range(n):
        cc = str(country[i])
        info = people["countries"][cc]
        city = rnd.choice(info["cities"])
        if cc == "CN":
            name = rnd.choice(people["shop_cn_prefix"]) + rnd.choice(people["shop_cn_suffix"])
        else:
            name = f"{rnd.choice(people['shop_first'])} {rnd.choice(people['shop_second'])}"
        base, k = name, 2
        while name in used:
            name = f"{base} {city}" if k == 2 else f"{base} {k}"
            k += 1
        used.add(name)
        if cc == "CN":
            email = f"{rnd.choice(people['pinyin_names'])}{rnd.randint(10, 9999)}@{rnd.choice(people['email_domains_cn'])}"
        elif rnd.random() < 0.5:
            email = f"{rnd.choice(['support', 'sales', 'hello', 'orders', 'info'])}@{_slug(base)}.com"
        else:
            first, last = rnd.choice(people["first_names"]), rnd.choice(people["last_names"])
            sep = rnd.choice([".", "_", ""])
            email = f"{first.lower()}{sep}{last.lower()}{rnd.randint(1, 99)}@{rnd.choice(people['email_domains'])}"
        joined = start + timedelta(seconds=int(rnd.random() * span))
        rows.append({
            "seller_id": ids[i], "name": name, "country": cc, "city": city,
            "rating": round(min(5.0, max(2.5, rnd.gauss(4.5, 0.3))), 1),
            "joined_at": joined, "contact_email": email,
            "contact_phone": _fill(info["phone"], rnd),
        })
    return Sellers(rows=rows, ids=ids, country=country, weight=weight, specialty=specialty)
