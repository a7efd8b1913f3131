"""Known behaviour defects: corrupted rows, duplicates, bot sessions and click farms.

Each defect touches rows that carry no other defect: modified rows are never the first
view of an item in a session (so clean purchases keep their preceding view), time
defects never move purchases, and injected sessions use accounts of their own.
"""

from __future__ import annotations

import numpy as np

from .behaviour import (
    CART,
    CLICK,
    DAY,
    DEVICES,
    FAV,
    HOUR,
    PURCHASE,
    SEARCH,
    VIEW,
    Catalogue,
    Rows,
    Window,
)

EVENT_DEFECTS = (
    "unknown_item", "purchase_without_view", "future_timestamp", "past_timestamp",
    "duplicate_event", "bot_high_rate", "bot_regular_interval", "click_farm",
)
CODE = {name: i + 1 for i, name in enumerate(EVENT_DEFECTS)}
DESKTOP = DEVICES.index("web-desktop")
EPOCH_2000_DAYS = 10_957  # 2000-01-01 in days since 1970-01-01
ANDROID = DEVICES.index("app-android")


def _pick(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    return np.sort(rng.choice(pool, size=min(k, len(pool)), replace=False)) if k > 0 else pool[:0]


def corrupt_rows(rng: np.random.Generator, rows: Rows, window: Window, cat: Catalogue,
                 counts: dict[str, int], unknown_base: int) -> int:
    """Modify clean rows in place for the row-level defects; returns unknown ids used."""
    browse = np.isin(rows.etype, (VIEW, CLICK, CART, FAV))
    movable = ~rows.first_occ & (rows.defect == 0)

    # unknown_item: an item id that is no product (never a first view, never a purchase)
    idx = _pick(rng, np.flatnonzero(movable & browse), counts.get("unknown_item", 0))
    rows.item[idx] = -(unknown_base + np.arange(len(idx)) + 2)
    rows.defect[idx] = CODE["unknown_item"]
    used_unknown = len(idx)

    # purchase_without_view: a purchase of an item the session never looked at
    movable = ~rows.first_occ & (rows.defect == 0)
    idx = _pick(rng, np.flatnonzero(movable & browse & rows.regular), counts.get("purchase_without_view", 0))
    if len(idx):
        seen = np.unique(rows.session[rows.item >= 0] * cat.n + rows.item[rows.item >= 0])
        new_item = cat.popular(rng, len(idx))
        for _ in range(20):
            clash = np.isin(rows.session[idx] * cat.n + new_item, seen)
            if not clash.any():
                break
            new_item[clash] = cat.popular(rng, int(clash.sum()))
        ok = ~np.isin(rows.session[idx] * cat.n + new_item, seen)
        idx, new_item = idx[ok], new_item[ok]
        rows.item[idx] = new_item
        rows.etype[idx] = PURCHASE
        rows.price[idx] = cat.price[new_item]
        rows.defect[idx] = CODE["purchase_without_view"]

    # timestamps far outside the window, as a client with a wrong or reset clock sends them:
    # the time of day is kept, the date is set to one of a few bad dates (purchases never move)
    time_of_day = rows.ts % DAY
    for name in ("future_timestamp", "past_timestamp"):
        movable = ~rows.first_occ & (rows.defect == 0) & (rows.etype != PURCHASE)
        idx = _pick(rng, np.flatnonzero(movable), counts.get(name, 0))
        if name == "future_timestamp":  # a month or a year ahead of the window
            ahead = np.where(rng.random(len(idx)) < 0.5, 30, 365)
            rows.ts[idx] = window.end_us + ahead * DAY + time_of_day[idx]
        else:  # the Unix epoch or the year-2000 default of a reset device clock
            day0 = np.where(rng.random(len(idx)) < 0.6, 0, EPOCH_2000_DAYS)
            rows.ts[idx] = day0 * DAY + time_of_day[idx]
        rows.defect[idx] = CODE[name]
    return used_unknown


def duplicate_rows(rng: np.random.Generator, rows: Rows, k: int) -> Rows:
    """Copies of clean rows (same user, session, item, type, ts) that get new event ids."""
    idx = _pick(rng, np.flatnonzero(rows.defect == 0), k)
    dup = rows.take(idx)
    dup.defect[:] = CODE["duplicate_event"]
    dup.first_occ[:] = False
    return dup


def _block(ts, user, session, etype, item, query, device, price=None) -> Rows:
    n = len(ts)
    return Rows(
        ts=np.asarray(ts, np.int64), user=np.full(n, user, np.int64) if np.isscalar(user) else user,
        session=np.full(n, session, np.int64) if np.isscalar(session) else session,
        etype=np.asarray(etype, np.int8), item=np.asarray(item, np.int64),
        query=np.asarray(query, np.int64), device=np.full(n, device, np.int64),
        price=np.full(n, np.nan) if price is None else price, order=np.full(n, -1, np.int64),
        defect=np.zeros(n, np.int8), first_occ=np.zeros(n, bool), regular=np.zeros(n, bool),
    )


def _fit(ts: np.ndarray, window: Window) -> np.ndarray:
    over = ts[-1] - (window.end_us - 1000)
    return ts - over if over > 0 else ts


def bot_high_rate(rng: np.random.Generator, window: Window, cat: Catalogue, length: int,
                  user: int, session: int) -> Rows:
    """A scraper: hundreds of views/clicks/searches a minute (80-400 ms apart)."""
    start = window.sample_times(rng, 1, avoid_stale=True)[0]
    gaps = rng.integers(80, 400, length) * 1000
    gaps[0] = 0
    ts = _fit(start + np.cumsum(gaps), window)
    etype = rng.choice([VIEW, CLICK, SEARCH], size=length, p=[0.75, 0.15, 0.10])
    item = cat.members[rng.integers(0, len(cat.members), length)]
    query = np.where(etype == SEARCH, item * cat.n_queries, -1)
    item = np.where(etype == SEARCH, -1, item)
    b = _block(ts, user, session, etype, item, query, DESKTOP)
    b.defect[:] = CODE["bot_high_rate"]
    return b


def bot_regular_interval(rng: np.random.Generator, window: Window, cat: Catalogue, length: int,
                         user: int, session: int) -> Rows:
    """A crawler walking the catalogue at a perfectly regular pace (exactly every k seconds)."""
    start = window.sample_times(rng, 1, avoid_stale=True)[0] // 1_000_000 * 1_000_000
    interval = int(rng.choice([2, 3, 5, 10])) * 1_000_000
    ts = _fit(start + np.arange(length) * interval, window)
    first = int(rng.integers(len(cat.members)))
    item = cat.members[(first + np.arange(length)) % len(cat.members)]
    b = _block(ts, user, session, np.full(length, VIEW), item, np.full(length, -1), DESKTOP)
    b.defect[:] = CODE["bot_regular_interval"]
    return b


def click_farm(rng: np.random.Generator, window: Window, cat: Catalogue, seller: int,
               accounts: int, first_user: int, first_session: int) -> Rows:
    """``accounts`` brand-new accounts that each view and buy one seller's item in one hour."""
    days = [d for d in range(window.days - 1) if d != window.stale_day]
    day = int(rng.choice(days))
    hour_start = window.start_us + day * DAY + int(rng.integers(0, 23)) * HOUR
    items = cat.farmable[cat.seller[cat.farmable] == seller]
    items = items[: int(rng.integers(1, 4))]
    blocks = []
    for a in range(accounts):
        kinds = [VIEW, CLICK, CART, PURCHASE] if rng.random() < 0.7 else [VIEW, CLICK, PURCHASE]
        start = hour_start + int(rng.integers(0, 40 * 60_000)) * 1000
        gaps = rng.integers(5_000, 40_000, len(kinds)) * 1000
        gaps[0] = 0
        item = int(items[rng.integers(len(items))])
        price = np.where(np.array(kinds) == PURCHASE, cat.price[item], np.nan)
        blocks.append(_block(start + np.cumsum(gaps), first_user + a, first_session + a, kinds,
                             np.full(len(kinds), item), np.full(len(kinds), -1), ANDROID, price))
    b = Rows.concat(blocks)
    b.defect[:] = CODE["click_farm"]
    return b
