"""Evaluation-only injector of automated sessions into REAL behaviour samples.

Deliberately separate from the training generator (``governance.samplegen.automation``):
its own code, parameters and timing (e.g. crawler intervals drawn continuously from
0.8-6 s, slow scrapers with 40 s median gaps and occasional backward re-scans, campaigns
spread over 30-90 minutes mixed with popular items, partial replays with dropped events,
brushing within two hours). Items, categories and times come from the real sample being
evaluated, so the injected traffic lives in the sample's own catalogue and clock.

``inject(df, seed)`` returns the frame with injected rows appended and ``labels``
(``user_id -> kind``); every injected account is new and used by one kind only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KINDS = ("crawler", "click_farm", "short_burst", "slow_scraper", "coordinated_campaign", "replay",
         "order_brushing")
UNITS = {"crawler": 30, "click_farm": 2, "short_burst": 30, "slow_scraper": 30, "coordinated_campaign": 2,
         "replay": 8, "order_brushing": 10}
S = 1_000_000
MAX_GAP_US = 25 * 60 * S  # replayed gaps stay under the 30-minute session split


class _Ctx:
    def __init__(self, df: pd.DataFrame, rng: np.random.Generator):
        self.rng = rng
        self.df = df
        num = pd.to_numeric(df["item_id"], errors="coerce")
        ids = df["item_id"].dropna().unique()
        self.sorted_items = np.array(sorted(ids, key=lambda v: (float(v) if num.notna().all() else 0, str(v))))
        self.popular = df["item_id"].value_counts()
        self.base_type = df["event_type"].mode().iat[0]
        self.cat = (df.dropna(subset=["category_id"]).drop_duplicates("item_id").set_index("item_id")["category_id"]
                    if "category_id" in df.columns else None)
        self.t_lo, self.t_hi = np.quantile(df["ts_us"], [0.05, 0.95]).astype(np.int64)
        self.has_session = "session_id" in df.columns
        self.rows: list[pd.DataFrame] = []
        self.labels: list[tuple[str, str]] = []
        self.k = 0

    def start(self) -> int:
        return int(self.rng.integers(self.t_lo, max(self.t_hi, self.t_lo + 1)))

    def pop_items(self, n: int) -> np.ndarray:
        p = self.popular.to_numpy(float)
        return self.popular.index.to_numpy()[self.rng.choice(len(p), n, p=p / p.sum())]

    def add(self, kind: str, ts: np.ndarray, items: np.ndarray, types) -> None:
        uid = f"x{self.k:05d}"
        self.k += 1
        n = len(ts)
        row = {"user_id": uid, "item_id": np.asarray(items, dtype=object),
               "event_type": np.broadcast_to(np.asarray(types, dtype=object), (n,)), "ts_us": np.asarray(ts, np.int64)}
        if self.has_session:
            row["session_id"] = "xs" + uid
        if self.cat is not None:
            row["category_id"] = self.cat.reindex(np.asarray(items, dtype=object)).to_numpy()
        self.rows.append(pd.DataFrame(row))
        self.labels.append((uid, kind))

    def walk(self, n: int, max_step: int, back: float = 0.0) -> np.ndarray:
        steps = self.rng.integers(1, max_step + 1, n)
        steps[self.rng.random(n) < back] *= -1
        i0 = int(self.rng.integers(len(self.sorted_items)))
        return self.sorted_items[(i0 + np.cumsum(steps)) % len(self.sorted_items)]


def _crawler(c: _Ctx) -> None:
    n = int(c.rng.integers(20, 91))
    gap = c.rng.uniform(0.8, 6.0) * S * (1 + c.rng.normal(0, 0.08, n))
    gap[0] = 0
    c.add("crawler", c.start() + np.cumsum(np.maximum(gap, 0.1 * S)), c.walk(n, 4), c.base_type)


def _short_burst(c: _Ctx) -> None:
    n = int(c.rng.integers(6, 26))
    gap = (30_000 + c.rng.exponential(300_000, n)).astype(np.int64)
    gap[0] = 0
    items = c.sorted_items[c.rng.integers(0, len(c.sorted_items), n)]
    c.add("short_burst", c.start() + np.cumsum(gap), items, c.base_type)


def _lognorm(c: _Ctx, n: int, median: float, sigma: float, lo: float, hi: float) -> np.ndarray:
    g = np.clip(np.exp(c.rng.normal(np.log(median), sigma, n)), lo, hi) * S
    g[0] = 0
    return np.cumsum(g).astype(np.int64)


def _slow_scraper(c: _Ctx) -> None:
    n = int(c.rng.integers(25, 81))
    c.add("slow_scraper", c.start() + _lognorm(c, n, 40, 0.7, 4, 600), c.walk(n, 40, back=0.1), c.base_type)


def _click_farm(c: _Ctx) -> None:
    targets = c.sorted_items[c.rng.integers(0, len(c.sorted_items), int(c.rng.integers(1, 3)))]
    t0 = c.start()
    for _ in range(int(c.rng.integers(15, 31))):
        item = c.rng.choice(targets)
        types = [c.base_type] * int(c.rng.integers(1, 4)) + ["cart", "purchase"]
        rel = _lognorm(c, len(types), 15, 0.8, 3, 60)
        c.add("click_farm", t0 + int(c.rng.integers(0, 90 * 60)) * S + rel, np.full(len(types), item, object), types)


def _campaign(c: _Ctx) -> None:
    targets = c.sorted_items[c.rng.integers(0, len(c.sorted_items), int(c.rng.integers(1, 3)))]
    span = int(c.rng.integers(30, 91)) * 60 * S
    t0 = c.start()
    for _ in range(int(c.rng.integers(15, 41))):
        items = list(c.rng.choice(targets, int(c.rng.integers(1, 5)))) + list(c.pop_items(int(c.rng.integers(0, 3))))
        c.rng.shuffle(items)
        c.add("coordinated_campaign", t0 + int(c.rng.integers(0, span)) + _lognorm(c, len(items), 30, 0.9, 2, 400),
              np.array(items, dtype=object), c.base_type)


def _replay(c: _Ctx, sessions: list[pd.DataFrame]) -> None:
    src = sessions[int(c.rng.integers(len(sessions)))]
    rel = (src["ts_us"] - src["ts_us"].iat[0]).to_numpy()
    for _ in range(int(c.rng.integers(3, 11))):
        keep = np.ones(len(src), bool)
        if len(src) > 4 and c.rng.random() < 0.15:
            keep[int(c.rng.integers(2, len(src) - 2))] = False
        gaps = np.diff(np.r_[0, rel]) * c.rng.uniform(0.8, 1.2) * c.rng.uniform(0.85, 1.15, len(rel))
        gaps = np.minimum(gaps, MAX_GAP_US)  # one replay = one session (no 30-minute split)
        ts = c.start() + np.cumsum(gaps).astype(np.int64)
        c.add("replay", ts[keep], src["item_id"].to_numpy(object)[keep], src["event_type"].to_numpy(object)[keep])


def _brushing(c: _Ctx) -> None:
    if c.cat is not None:
        cat = c.rng.choice(c.cat.unique())
        pool = c.cat.index[c.cat == cat].to_numpy(object)
    else:
        pool = c.sorted_items[c.rng.integers(0, len(c.sorted_items), int(c.rng.integers(1, 6)))]
    t0 = c.start()
    for _ in range(int(c.rng.integers(1, 4))):
        items, types = [], []
        for it in c.rng.choice(pool, int(c.rng.integers(3, 9))):
            if c.rng.random() < 0.6:
                items.append(it)
                types.append(c.base_type)
            items.append(it)
            types.append("purchase")
        rel = _lognorm(c, len(items), 60, 0.8, 20, 300)
        c.add("order_brushing", t0 + int(c.rng.integers(0, 30 * 60)) * S + rel, np.array(items, object), types)


def _source_sessions(df: pd.DataFrame) -> pd.Series:
    """Session key per row: ``session_id``, else the user's events split at 30 minutes of inactivity.

    Replays copy one SESSION: copying all of a user's events (days apart in Taobao) would
    become several sessions per replay and overcount the kind.
    """
    if "session_id" in df.columns:
        return df["session_id"].astype(str)
    d = df.sort_values(["user_id", "ts_us"], kind="stable")
    new = (d["user_id"] != d["user_id"].shift()) | (d["ts_us"].diff() > 30 * 60 * S)
    return new.cumsum().reindex(df.index)


def inject(df: pd.DataFrame, seed: int = 2024, units: dict[str, int] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``df`` has user_id, item_id, event_type, ts_us (int us) and optionally session_id, category_id."""
    rng = np.random.default_rng(seed)
    c = _Ctx(df, rng)
    groups = [g for _, g in df.sort_values("ts_us", kind="stable").groupby(_source_sessions(df), sort=False) if 3 <= len(g) <= 20]
    for kind in KINDS:
        for _ in range((units or UNITS)[kind]):
            if kind == "replay":
                _replay(c, groups)
            else:
                {"crawler": _crawler, "short_burst": _short_burst, "slow_scraper": _slow_scraper,
                 "click_farm": _click_farm, "coordinated_campaign": _campaign, "order_brushing": _brushing}[kind](c)
    out = pd.concat([df, *c.rows], ignore_index=True)
    return out, pd.DataFrame(c.labels, columns=["user_id", "kind"])
