"""Human behaviour with injected automation, labelled per session (training data for anomalies).

Human sessions come from the clean behaviour simulator (:mod:`.behaviour`); each kind of
automation is added with accounts and sessions of its own:

* ``crawler``: walks the catalogue in id order at a near-constant pace;
* ``click_farm``: fresh accounts that each view, cart and buy one seller's item within an hour;
* ``short_burst``: a few dozen events fired sub-second apart;
* ``slow_scraper``: walks the catalogue in id order with human-like (log-normal) timing;
* ``coordinated_campaign``: many short, human-looking sessions on the same few items in one window;
* ``replay``: a recorded human session replayed by other accounts with jittered timing;
* ``order_brushing``: a few accounts placing many orders at one shop within an hour.

:func:`generate` returns the events (``user_id, item_id, event_type, ts, session_id,
category_id, seller_id``) and the labels (``session_id, kind``; humans are ``"human"``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from .behaviour import (
    CART,
    CLICK,
    FAV,
    HOUR,
    PURCHASE,
    SEARCH,
    TYPES,
    VIEW,
    Catalogue,
    Rows,
    Users,
    Window,
    first_sessions,
    regular_sessions,
)

KINDS = ("crawler", "click_farm", "short_burst", "slow_scraper", "coordinated_campaign", "replay",
         "order_brushing")
HUMAN = "human"
ITEM_BASE = 100_000  # item ids are ITEM_BASE + catalogue row: id order is catalogue order
SEC = 1_000_000
Session = tuple[np.ndarray, np.ndarray, np.ndarray]  # ts (us), item rows (-1: search), type codes


class World:
    """The catalogue, time window and human sessions that automation is injected into."""

    def __init__(self, n_products: int, n_events: int, days: int, seed: int):
        rng = np.random.default_rng([seed, 1])
        self.rng = rng
        self.window = Window.make(date(2024, 6, 30), days, seed, stale_share=1.0)
        leaf = np.sort(rng.integers(0, max(4, n_products // 80), n_products))
        self.cat = Catalogue.make(leaf, np.full(n_products, "active"), rng.uniform(3, 300, n_products).round(2),
                                  rng.integers(0, max(3, n_products // 60), n_products), 3, seed)
        self.users = Users.make(self.window, max(50, n_events // 40), seed)
        first = first_sessions(rng, self.window, self.users, self.cat, np.arange(self.users.n), 0)
        regular = regular_sessions(rng, self.window, self.users, self.cat, max(0, n_events - len(first)), 1 << 32)
        self.human = Rows.concat([first, regular])

    def human_frame(self) -> pd.DataFrame:
        r = self.human
        return _frame(r.ts, r.item, r.etype, "u" + pd.Series(r.user).astype(str),
                      "h" + pd.Series(r.session).astype(str), self.cat)

    def human_sessions(self, min_len: int, max_len: int) -> list[Session]:
        r = self.human
        order = np.lexsort((r.ts, r.session))
        sess = r.session[order]
        cut = np.flatnonzero(np.r_[True, sess[1:] != sess[:-1], True])
        out = []
        for a, b in zip(cut[:-1], cut[1:], strict=True):
            if min_len <= b - a <= max_len:
                idx = order[a:b]
                out.append((r.ts[idx], r.item[idx], r.etype[idx]))
        return out

    def start(self, span_us: int = 0) -> int:
        t = int(self.window.sample_times(self.rng, 1)[0])
        return min(t, self.window.end_us - span_us - SEC)


def _frame(ts, item, etype, user, session, cat: Catalogue) -> pd.DataFrame:
    item = np.asarray(item)
    has = item >= 0
    safe = np.maximum(item, 0)
    return pd.DataFrame({
        "user_id": np.asarray(user, dtype=object), "session_id": np.asarray(session, dtype=object),
        "item_id": np.where(has, (ITEM_BASE + safe).astype(str), None),
        "event_type": np.asarray(TYPES, dtype=object)[np.asarray(etype, int)],
        "ts": pd.to_datetime(np.asarray(ts, np.int64), unit="us", utc=True),
        "category_id": np.where(has, "c" + pd.Series(cat.leaf[safe]).astype(str), None),
        "seller_id": np.where(has, "m" + pd.Series(cat.seller[safe]).astype(str), None),
    })


def _lognormal_gaps(rng, n: int, median_s: float, sigma: float, lo: float = 2.0, hi: float = 300.0) -> np.ndarray:
    g = np.clip(np.exp(rng.normal(np.log(median_s), sigma, n)), lo, hi) * SEC
    g[0] = 0
    return np.cumsum(g.astype(np.int64))


def crawler(w: World, rng) -> list[Session]:
    n = int(rng.integers(30, 151))
    interval = float(rng.choice([1, 2, 3, 5, 8])) * SEC
    gaps = np.maximum(interval * (1 + rng.normal(0, 0.02, n)), 0.2 * SEC).astype(np.int64)
    gaps[0] = 0
    first = int(rng.integers(0, w.cat.n))
    items = (first + np.cumsum(rng.integers(1, 3, n))) % w.cat.n
    return [(w.start(int(gaps.sum())) + np.cumsum(gaps), items, np.full(n, VIEW))]


def short_burst(w: World, rng) -> list[Session]:
    n = int(rng.integers(10, 41))
    gaps = rng.integers(50, 700, n) * 1000
    gaps[0] = 0
    types = rng.choice([VIEW, CLICK, SEARCH], size=n, p=[0.6, 0.3, 0.1])
    items = np.where(types == SEARCH, -1, w.cat.popular(rng, n))
    return [(w.start(int(gaps.sum())) + np.cumsum(gaps), items, types)]


def slow_scraper(w: World, rng) -> list[Session]:
    n = int(rng.integers(40, 121))
    rel = _lognormal_gaps(rng, n, 25.0, 0.9, 3.0)
    first = int(rng.integers(0, w.cat.n))
    items = (first + np.cumsum(rng.integers(1, 15, n))) % w.cat.n
    types = np.where(rng.random(n) < 0.05, CLICK, VIEW)
    return [(w.start(int(rel[-1])) + rel, items, types)]


def click_farm(w: World, rng) -> list[Session]:
    seller = int(rng.choice(w.cat.seller))
    pool = np.flatnonzero(w.cat.seller == seller)[: int(rng.integers(1, 4))]
    t0 = w.start(HOUR)
    out = []
    for _ in range(int(rng.integers(20, 41))):
        types = np.array([VIEW, CLICK, CART, PURCHASE] if rng.random() < 0.7 else [VIEW, CLICK, PURCHASE])
        gaps = rng.integers(5_000, 40_000, len(types)) * 1000
        gaps[0] = 0
        item = int(rng.choice(pool))
        out.append((t0 + int(rng.integers(0, 40 * 60)) * SEC + np.cumsum(gaps), np.full(len(types), item), types))
    return out


def campaign(w: World, rng) -> list[Session]:
    targets = rng.integers(0, w.cat.n, int(rng.integers(1, 4)))
    window = int(rng.integers(20, 61)) * 60 * SEC
    t0 = w.start(window + HOUR)
    out = []
    for _ in range(int(rng.integers(25, 61))):
        n = int(rng.integers(2, 7))
        items = rng.choice(targets, n)
        if rng.random() < 0.3:
            items[-1] = w.cat.popular(rng, 1)[0]
        types = rng.choice([VIEW, CLICK, FAV, CART], size=n, p=[0.55, 0.25, 0.1, 0.1])
        types[0] = VIEW
        out.append((t0 + int(rng.integers(0, window)) + _lognormal_gaps(rng, n, 20.0, 0.8), items, types))
    return out


def replay(w: World, rng, pool: list[Session]) -> list[Session]:
    ts, items, types = pool[int(rng.integers(len(pool)))]
    rel = ts - ts[0]
    out = []
    for _ in range(int(rng.integers(5, 16))):
        jit = (rel * rng.uniform(0.9, 1.1)).astype(np.int64)
        out.append((w.start(int(jit[-1])) + jit, items.copy(), types.copy()))
    return out


def brushing(w: World, rng) -> list[Session]:
    seller = int(rng.choice(w.cat.seller))
    pool = np.flatnonzero(w.cat.seller == seller)
    t0 = w.start(2 * HOUR)
    out = []
    for _ in range(int(rng.integers(2, 6))):
        orders = int(rng.integers(4, 11))
        items, types = [], []
        for it in rng.choice(pool, orders):
            if rng.random() < 0.8:
                items.append(it)
                types.append(VIEW)
            items.append(it)
            types.append(PURCHASE)
        rel = _lognormal_gaps(rng, len(items), 25.0, 0.6, 5.0, 120.0)
        out.append((t0 + int(rng.integers(0, 20 * 60)) * SEC + rel, np.array(items), np.array(types)))
    return out


MAKERS: dict[str, Callable] = {
    "crawler": crawler, "click_farm": click_farm, "short_burst": short_burst, "slow_scraper": slow_scraper,
    "coordinated_campaign": campaign, "replay": replay, "order_brushing": brushing,
}
# units per kind: sessions for single-session kinds, groups (farms, campaigns, replay sets) otherwise
UNITS = {"crawler": 80, "click_farm": 6, "short_burst": 80, "slow_scraper": 80, "coordinated_campaign": 5,
         "replay": 16, "order_brushing": 25}


def generate(n_events: int = 150_000, n_products: int = 5_000, days: int = 14, seed: int = 7,
             units: dict[str, int] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Human sessions plus every kind of automation; returns (events, labels)."""
    w = World(n_products, n_events, days, seed)
    units = {**UNITS, **(units or {})}
    rng = np.random.default_rng([seed, 2])
    frames = [w.human_frame()]
    human_ids = frames[0]["session_id"].unique()
    labels = [pd.DataFrame({"session_id": human_ids, "kind": HUMAN})]
    pool = w.human_sessions(4, 30)
    k = 0
    for kind in KINDS:
        for _ in range(units.get(kind, 0)):
            sessions = MAKERS[kind](w, rng, pool) if kind == "replay" else MAKERS[kind](w, rng)
            for ts, items, types in sessions:
                sid, uid = f"a{k:06d}", f"acct{k:06d}"
                k += 1
                frames.append(_frame(ts, items, types, np.full(len(ts), uid), np.full(len(ts), sid), w.cat))
                labels.append(pd.DataFrame({"session_id": [sid], "kind": [kind]}))
    events = pd.concat(frames, ignore_index=True)
    events = events.sort_values("ts", kind="stable").reset_index(drop=True)
    return events, pd.concat(labels, ignore_index=True)
