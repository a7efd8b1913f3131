"""Clean user behaviour: the time window, users, and vectorised session/funnel simulation.

Everything here works on integer codes in NumPy arrays (one row per event); strings are
only materialised when a chunk is turned into an Arrow table (``events.py``).

Clean sessions are built so that the invariants in ``sample_data/README.md`` hold:
gaps of at least 2 s (never more than 30 events a minute) drawn at millisecond resolution
(never perfectly regular), the first event of every (session, item) pair is a view (so a
purchase always follows a view of its item), and a user's first session in the data set
never buys (so no purchase ever comes from a fresh account).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

US = 1_000_000
HOUR = 3600 * US
DAY = 24 * HOUR
TYPES = ("view", "click", "search", "cart", "fav", "purchase")
VIEW, CLICK, SEARCH, CART, FAV, PURCHASE = range(6)
DEVICES = ("app-android", "app-ios", "web-mobile", "web-desktop")
DEVICE_SHARE = np.array([0.36, 0.26, 0.24, 0.14])
# UTC hour-of-day profile with an evening peak
HOUR_PROFILE = np.array([0.45, 0.32, 0.25, 0.22, 0.22, 0.28, 0.45, 0.70, 0.90, 1.00, 1.05, 1.10,
                         1.15, 1.10, 1.05, 1.05, 1.10, 1.20, 1.45, 1.70, 1.85, 1.80, 1.40, 0.85])
MIN_GAP_MS, MAX_GAP_MS = 2_000, 300_000
FRESH_MARGIN = 2 * HOUR  # a user's first session precedes any session that may buy by this much
# probabilities of view, click, cart, fav, purchase for an item event after its first view
NEXT_TYPE_BUYER = np.array([0.40, 0.30, 0.14, 0.06, 0.10])
NEXT_TYPE_BROWSER = np.array([0.50, 0.33, 0.09, 0.08, 0.00])
NEXT_CODES = np.array([VIEW, CLICK, CART, FAV, PURCHASE])
BUYER_SHARE = 0.2  # sessions that may end in a purchase


@dataclass(frozen=True)
class Window:
    """The behaviour window: ``days`` whole UTC days ending with ``end``."""

    end: date
    days: int
    start_us: int
    end_us: int  # exclusive: midnight after ``end``
    stale_day: int  # index of the thinned partition
    day_cdf: np.ndarray

    @classmethod
    def make(cls, end: date, days: int, seed: int, stale_share: float = 0.05) -> Window:
        end_us = int(datetime(end.year, end.month, end.day, tzinfo=UTC).timestamp()) * US + DAY
        start_us = end_us - days * DAY
        rng = np.random.default_rng([seed, 11])
        first = date.fromordinal(end.toordinal() - days + 1)
        weekday = (first.weekday() + np.arange(days)) % 7
        w = (1.0 + 0.18 * (weekday >= 5) + 0.003 * np.arange(days)) * rng.uniform(0.95, 1.05, days)
        stale = days - 4  # three days before ``end``
        w[stale] *= min(1.0, stale_share)
        return cls(end, days, start_us, end_us, stale, np.cumsum(w) / w.sum())

    def day_of(self, ts: np.ndarray) -> np.ndarray:
        return (ts - self.start_us) // DAY

    def sample_times(self, rng: np.random.Generator, n: int, avoid_stale: bool = False) -> np.ndarray:
        """Event-time draws with weekly seasonality, an evening peak and the stale day thinned."""
        day = np.minimum(np.searchsorted(self.day_cdf, rng.random(n)), self.days - 1)
        if avoid_stale:
            day = np.where(day == self.stale_day, (day + 1) % self.days, day)
        hour_cdf = np.cumsum(HOUR_PROFILE) / HOUR_PROFILE.sum()
        hour = np.minimum(np.searchsorted(hour_cdf, rng.random(n)), 23)
        within = (rng.random(n) * HOUR).astype(np.int64) // 1000 * 1000
        return self.start_us + day * DAY + hour * HOUR + within


@dataclass
class Users:
    """Users ordered by the time of their first session (``t0``)."""

    t0: np.ndarray  # int64 us, ascending
    device: np.ndarray  # preferred device code

    @property
    def n(self) -> int:
        return len(self.t0)

    @classmethod
    def make(cls, window: Window, n: int, seed: int) -> Users:
        rng = np.random.default_rng([seed, 12])
        t0 = np.sort(window.sample_times(rng, n))
        device = rng.choice(len(DEVICES), size=n, p=DEVICE_SHARE)
        return cls(t0=t0, device=device)


@dataclass
class Catalogue:
    """What behaviour needs to know about products (by row index of products.parquet)."""

    popularity_cdf: np.ndarray
    leaf: np.ndarray
    members: np.ndarray  # visible products sorted by leaf
    leaf_start: np.ndarray  # members[leaf_start[l]: leaf_start[l] + leaf_count[l]] are in leaf l
    leaf_count: np.ndarray
    price: np.ndarray  # clean unit price (what buyers pay)
    seller: np.ndarray
    n_queries: int  # queries per product in the query pool
    unique_id: np.ndarray  # bool: the row's product_id is not shared with another listing

    @property
    def n(self) -> int:
        return len(self.leaf)

    @classmethod
    def make(cls, leaf: np.ndarray, status: np.ndarray, price: np.ndarray, seller: np.ndarray,
             n_queries: int, seed: int, unique_id: np.ndarray | None = None) -> Catalogue:
        rng = np.random.default_rng([seed, 13])
        n = len(leaf)
        rank = rng.permutation(n)
        w = 1.0 / (rank + 10.0) ** 0.9  # Zipf-like popularity, flattened at the head
        w = w * np.select([status == "active", status == "inactive"], [1.0, 0.1], 0.0)
        if w.sum() == 0:
            w = np.ones(n)
        visible = np.flatnonzero(w > 0)
        members = visible[np.argsort(leaf[visible], kind="stable")]
        count = np.bincount(leaf[visible], minlength=int(leaf.max()) + 1)
        start = np.concatenate([[0], np.cumsum(count)[:-1]])
        unique_id = np.ones(n, bool) if unique_id is None else unique_id
        return cls(np.cumsum(w) / w.sum(), leaf, members, start, count, price, seller, n_queries,
                   unique_id)

    @property
    def farmable(self) -> np.ndarray:
        """Visible listings whose product_id belongs to them alone (click-farm targets)."""
        return self.members[self.unique_id[self.members]]

    def popular(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.minimum(np.searchsorted(self.popularity_cdf, rng.random(n)), self.n - 1)

    def related(self, rng: np.random.Generator, items: np.ndarray) -> np.ndarray:
        """A product in the same leaf category as each of ``items`` (or a popular one)."""
        out = self.popular(rng, len(items))
        leaf = self.leaf[items]
        count = self.leaf_count[leaf]
        same = (rng.random(len(items)) < 0.7) & (count > 0)
        pick = self.leaf_start[leaf] + (rng.random(len(items)) * count).astype(np.int64)
        out[same] = self.members[pick[same]]
        return out


@dataclass
class Rows:
    """One block of events as parallel arrays (a chunk is a concatenation of blocks)."""

    ts: np.ndarray  # int64 us
    user: np.ndarray  # user rank (>= Users.n: accounts outside the regular population)
    session: np.ndarray  # global session number
    etype: np.ndarray  # int8 code into TYPES
    item: np.ndarray  # product row index; -1 for searches; <= -2: unknown id number -(x+2)
    query: np.ndarray  # index into the query pool, -1 for none
    device: np.ndarray
    price: np.ndarray  # price paid (NaN unless purchase)
    order: np.ndarray  # order number, -1 unless purchase
    defect: np.ndarray  # 0 clean, else 1 + index into EVENT_DEFECTS
    first_occ: np.ndarray  # bool: first event of its (session, item slot) - never modified
    regular: np.ndarray  # bool: part of a non-first session of a regular user

    @classmethod
    def concat(cls, blocks: list[Rows]) -> Rows:
        return cls(*(np.concatenate([getattr(b, f) for b in blocks]) for f in cls.__dataclass_fields__))

    def take(self, idx: np.ndarray) -> Rows:
        return Rows(*(getattr(self, f)[idx] for f in self.__dataclass_fields__))

    def __len__(self) -> int:
        return len(self.ts)


def _gaps(rng: np.random.Generator, n: int) -> np.ndarray:
    ms = np.exp(rng.normal(np.log(25_000), 1.0, n))
    return np.clip(ms, MIN_GAP_MS, MAX_GAP_MS).astype(np.int64) * 1000


def simulate_sessions(rng: np.random.Generator, window: Window, users: Users, cat: Catalogue,
                      user: np.ndarray, start: np.ndarray, length: np.ndarray, buyer: np.ndarray,
                      session_base: int, first: bool) -> Rows:
    """Events of sessions with the given user, start time, length and buyer flag."""
    s = len(length)
    n = int(length.sum())
    if s == 0:
        empty = np.empty(0, np.int64)
        return Rows(empty, empty, empty, empty.astype(np.int8), empty, empty, empty,
                    np.empty(0), empty, empty.astype(np.int8), empty.astype(bool), empty.astype(bool))
    sess = np.repeat(np.arange(s), length)
    offsets = np.concatenate([[0], np.cumsum(length)[:-1]])
    pos = np.arange(n) - offsets[sess]

    gaps = _gaps(rng, n)
    gaps[offsets] = 0
    cum = np.cumsum(gaps)
    rel = cum - cum[offsets][sess]
    duration = rel[np.cumsum(length) - 1]
    # sessions may not run past the window: move them back
    overflow = np.maximum(0, start + duration - (window.end_us - 1000))
    start = np.maximum(start - overflow, window.start_us)
    if not first:  # a moved session that now starts too close to the user's first one cannot buy
        buyer = buyer & (start >= users.t0[user] + FRESH_MARGIN)
    ts = start[sess] + rel

    n_slots = 1 + rng.binomial(3, 0.35, s)
    slot_items = np.empty((s, 4), dtype=np.int64)
    slot_items[:, 0] = cat.popular(rng, s)
    for j in range(1, 4):
        slot_items[:, j] = cat.related(rng, slot_items[:, 0])
    has_search = rng.random(s) < 0.35
    is_search = ((pos == 0) & has_search[sess]) | ((pos > 0) & (rng.random(n) < 0.05))
    slot = (rng.random(n) * n_slots[sess]).astype(np.int64)
    item = slot_items[sess, slot]

    key = sess * 4 + slot
    item_rows = np.flatnonzero(~is_search)
    _, first_idx = np.unique(key[item_rows], return_index=True)
    first_occ = np.zeros(n, dtype=bool)
    first_occ[item_rows[first_idx]] = True

    etype = np.full(n, VIEW, dtype=np.int8)
    later = ~is_search & ~first_occ
    u = rng.random(n)
    buyer_cdf, browser_cdf = np.cumsum(NEXT_TYPE_BUYER), np.cumsum(NEXT_TYPE_BROWSER)
    pick = np.where(buyer[sess], np.searchsorted(buyer_cdf, u), np.searchsorted(browser_cdf, u))
    etype[later] = NEXT_CODES[np.minimum(pick[later], 4)]
    if first:
        etype[later & (etype == PURCHASE)] = CART  # a first visit never buys
    purchases = np.flatnonzero(etype == PURCHASE)
    if len(purchases):  # one purchase per item and session
        _, keep = np.unique(key[purchases], return_index=True)
        extra = np.setdiff1d(purchases, purchases[keep])
        etype[extra] = VIEW
    etype[is_search] = SEARCH

    query = np.full(n, -1, dtype=np.int64)
    query[is_search] = item[is_search] * cat.n_queries + rng.integers(0, cat.n_queries, is_search.sum())
    item = np.where(is_search, -1, item)
    is_purchase = etype == PURCHASE
    price = np.where(is_purchase, cat.price[np.maximum(item, 0)], np.nan)
    device = np.where(rng.random(s) < 0.9, users.device[np.minimum(user, users.n - 1)],
                      rng.choice(len(DEVICES), size=s, p=DEVICE_SHARE))
    return Rows(
        ts=ts, user=user[sess], session=session_base + sess, etype=etype, item=item, query=query,
        device=device[sess], price=price, order=np.full(n, -1, dtype=np.int64),
        defect=np.zeros(n, dtype=np.int8), first_occ=first_occ,
        regular=np.full(n, not first, dtype=bool),
    )


def session_lengths(rng: np.random.Generator, n: int, first: bool) -> np.ndarray:
    if first:
        return np.minimum(1 + rng.geometric(0.5, n) - 1, 5).astype(np.int64)
    return np.minimum(rng.geometric(1 / 7.0, n) + 1, 60).astype(np.int64)


def regular_sessions(rng: np.random.Generator, window: Window, users: Users, cat: Catalogue,
                     n_rows: int, session_base: int) -> Rows:
    """Sessions of returning users filling exactly ``n_rows`` events (the last one is cut short)."""
    if n_rows <= 0:
        return simulate_sessions(rng, window, users, cat, *(np.empty(0, np.int64),) * 3,
                                 np.empty(0, bool), session_base, first=False)
    est = int(n_rows / 7.5 * 1.05) + 8
    lengths = session_lengths(rng, est, first=False)
    while lengths.sum() < n_rows:
        lengths = np.concatenate([lengths, session_lengths(rng, est // 4 + 8, first=False)])
    cum = np.cumsum(lengths)
    s = int(np.searchsorted(cum, n_rows)) + 1
    lengths = lengths[:s].copy()
    lengths[-1] -= int(cum[s - 1] - n_rows)
    start = window.sample_times(rng, s)
    # a session belongs to a user whose first session was at least FRESH_MARGIN earlier;
    # earlier users are more active (they have had longer to come back)
    eligible = np.searchsorted(users.t0, start - FRESH_MARGIN, side="right")
    user = (eligible * rng.random(s) ** 1.6).astype(np.int64)
    none = eligible == 0
    user[none] = 0
    start[none] = users.t0[0] + FRESH_MARGIN + (rng.random(none.sum()) * HOUR).astype(np.int64)
    buyer = rng.random(s) < BUYER_SHARE
    return simulate_sessions(rng, window, users, cat, user, start, lengths, buyer,
                             session_base, first=False)


def first_sessions(rng: np.random.Generator, window: Window, users: Users, cat: Catalogue,
                   ranks: np.ndarray, session_base: int) -> Rows:
    """Each user's first session: short, browsing only, at ``Users.t0``."""
    lengths = session_lengths(rng, len(ranks), first=True)
    return simulate_sessions(rng, window, users, cat, ranks, users.t0[ranks], lengths,
                             np.zeros(len(ranks), bool), session_base, first=True)
