"""Sessionise behaviour events and compute per-session, per-user and cross-session features.

Input: a frame with ``user_id``, ``item_id``, ``event_type``, ``ts`` and optionally
``session_id``, ``category_id``, ``seller_id``. Without ``session_id`` a user's events are
split at 30 minutes of inactivity. Everything after :func:`prepare` works on NumPy arrays
sorted by (session, time), so a million events take a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from governance.errors import UsageError

REQUIRED = ("user_id", "item_id", "event_type", "ts")
INACTIVITY_S = 30 * 60
TYPES = ("view", "click", "search", "cart", "fav", "purchase", "other")
VIEW, CLICK, SEARCH, CART, FAV, PURCHASE, OTHER = range(7)
ALIASES = {
    "pv": "view", "page_view": "view", "pageview": "view", "detail": "view", "item_view": "view",
    "clicks": "click", "buy": "purchase", "order": "purchase", "transaction": "purchase",
    "checkout": "purchase", "addtocart": "cart", "add_to_cart": "cart", "favorite": "fav",
    "favourite": "fav", "wishlist": "fav", "like": "fav", "query": "search",
}
US = 1_000_000
HOUR_US = 3600 * US


@dataclass
class Events:
    """Events as parallel arrays sorted by (session, ts); sessions are ``0..n_sessions-1``."""

    sess: np.ndarray  # int64 session code
    user: np.ndarray  # int64 user code
    item: np.ndarray  # int64 item rank (ids in catalogue order), -1 for none
    etype: np.ndarray  # int8 code into TYPES
    ts: np.ndarray  # int64 microseconds since the epoch
    cat: np.ndarray  # int64 category code, -1 unknown
    shop: np.ndarray  # int64 shop code (seller, else category, else item)
    session_ids: np.ndarray  # object: session id per session code
    user_ids: np.ndarray  # object: user id per user code
    starts: np.ndarray  # index of each session's first event
    has_category: bool

    @property
    def n_sessions(self) -> int:
        return len(self.session_ids)

    def __len__(self) -> int:
        return len(self.ts)


def _blank(s: pd.Series) -> pd.Series:
    if not (pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)):
        return s.isna()
    codes, uniq = pd.factorize(s)
    empty = np.asarray([str(u).strip() == "" for u in uniq] + [True], bool)
    return pd.Series(empty[codes], index=s.index)


def parse_ts(values: pd.Series, where: str = "input") -> np.ndarray:
    """Times as int64 microseconds: unix seconds/ms/us numbers or ISO date-times.

    Raises :class:`UsageError` naming ``where``, the column ``ts``, the row and the value.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values, utc=True)
    else:
        num = pd.to_numeric(values, errors="coerce") if not pd.api.types.is_numeric_dtype(values) else values
        num = num.astype("float64")
        if num.notna().all():
            mag = float(np.nanmax(np.abs(num.to_numpy()))) if len(num) else 0.0
            scale = 1 if mag > 1e14 else (1_000 if mag > 1e11 else US)
            return np.round(num.to_numpy() * scale).astype(np.int64)
        parsed = pd.to_datetime(values.astype(str), utc=True, errors="coerce", format="mixed")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise UsageError(f"{where}: column 'ts' has {int(bad.sum())} unparsable time(s), first at row {i + 1}: "
                         f"{values.iloc[i]!r} (use ISO 8601 or unix seconds)")
    return (parsed.astype("datetime64[us, UTC]").astype("int64")).to_numpy()


def validate(df: pd.DataFrame, where: str = "input") -> None:
    """Raise :class:`UsageError` naming ``where`` and the column for missing/empty required columns."""
    if df is None or len(df) == 0:
        raise UsageError(f"{where}: no events (the file is empty); expected columns {', '.join(REQUIRED)}")
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise UsageError(f"{where}: missing column(s) {', '.join(repr(c) for c in missing)}; "
                         f"required: {', '.join(REQUIRED)}; found: {', '.join(map(str, df.columns[:12]))}")
    for c in ("user_id", "ts"):
        blank = _blank(df[c])
        if blank.any():
            i = int(np.flatnonzero(blank.to_numpy())[0])
            raise UsageError(f"{where}: column {c!r} is empty in {int(blank.sum())} row(s), first at row {i + 1}")


def _item_ranks(items: pd.Series) -> tuple[np.ndarray, int]:
    """Dense ranks of item ids in catalogue order (numeric ids by value), -1 for blanks.

    Parsed and sorted once per distinct id, not per event (10M events: 18 s -> about 2 s).
    """
    codes, uniq = pd.factorize(items)
    uniq = pd.Series(np.asarray(uniq, dtype=object))
    blank = _blank(uniq).to_numpy()
    num = pd.to_numeric(uniq, errors="coerce")
    key = num if num[~blank].notna().all() else uniq.astype(str)
    rank, ranked = pd.factorize(key.where(~blank), sort=True)  # equal numbers ("7", "7.0") share a rank
    table = np.r_[rank, -1].astype(np.int64)  # code -1 (missing) -> -1
    return table[codes], len(ranked)


def event_codes(types: pd.Series) -> np.ndarray:
    codes, uniq = pd.factorize(types)
    lookup = {name: i for i, name in enumerate(TYPES)}
    names = [str(u).strip().lower() for u in uniq]
    table = np.array([lookup.get(ALIASES.get(v, v), OTHER) for v in names] + [OTHER], np.int8)
    return table[codes]


def prepare(df: pd.DataFrame, where: str = "input", inactivity_s: int = INACTIVITY_S) -> Events:
    """Validate, encode and sessionise ``df`` (see the module docstring)."""
    validate(df, where)
    ts = parse_ts(df["ts"], where)
    # codes in sorted order and ties broken by content, not by row position: the same events give the
    # same sessions, features and Isolation Forest in whatever order the rows arrive
    user_codes, user_ids = pd.factorize(df["user_id"].astype(str), sort=True)
    item, _ = _item_ranks(df["item_id"])
    etype = event_codes(df["event_type"])
    cat_blank = _blank(df["category_id"]) if "category_id" in df.columns else None
    has_cat = cat_blank is not None and not cat_blank.all()
    cat = pd.factorize(df["category_id"].astype(str).where(~cat_blank))[0] if has_cat else np.full(len(df), -1)
    seller_blank = _blank(df["seller_id"]) if "seller_id" in df.columns else None
    if seller_blank is not None and not seller_blank.all():
        shop = pd.factorize(df["seller_id"].astype(str).where(~seller_blank))[0]
    else:
        shop = cat if has_cat else item
    if "session_id" in df.columns and not _blank(df["session_id"]).any():
        sess_codes, sess_ids = pd.factorize(df["session_id"].astype(str), sort=True)
        order = np.lexsort((item, etype, ts, sess_codes))  # same instant: funnel order (view before purchase)
        sess = sess_codes[order]
        new = np.r_[True, sess[1:] != sess[:-1]]
        sess_ids = np.asarray(sess_ids, dtype=object)[sess[new]]
        sess = np.cumsum(new) - 1
    else:
        order = np.lexsort((item, etype, ts, user_codes))
        u, t = user_codes[order], ts[order]
        new = np.r_[True, (u[1:] != u[:-1]) | (t[1:] - t[:-1] > inactivity_s * US)]
        sess = np.cumsum(new) - 1
        first = np.flatnonzero(new)
        nth = np.arange(len(first)) - np.searchsorted(u[first], u[first], side="left")
        uid = np.asarray(user_ids, dtype=object)[u[first]]
        sess_ids = (pd.Series(uid, dtype=str) + "#" + pd.Series(nth).astype(str)).to_numpy(object)
    starts = np.flatnonzero(np.r_[True, sess[1:] != sess[:-1]])
    return Events(sess=sess.astype(np.int64), user=user_codes[order].astype(np.int64), item=item[order],
                  etype=etype[order], ts=ts[order], cat=np.asarray(cat)[order].astype(np.int64),
                  shop=np.asarray(shop)[order].astype(np.int64), session_ids=sess_ids,
                  user_ids=np.asarray(user_ids, dtype=object), starts=starts, has_category=bool(has_cat))


# ------------------------------------------------------------------------ features

def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 of int64 values (uint64 hash, wrap-around arithmetic)."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _dup_counts(keys: np.ndarray, valid: np.ndarray, owner: np.ndarray | None = None) -> np.ndarray:
    """For each valid key: how many OTHER rows (of other owners) share it; 0 where invalid."""
    out = np.zeros(len(keys))
    if not valid.any():
        return out
    k = pd.Series(keys[valid])
    if owner is None:
        out[valid] = k.map(k.value_counts()).to_numpy() - 1
    else:  # count distinct owners (users) sharing the key, minus this one
        pairs = pd.DataFrame({"k": keys[valid], "o": owner[valid]}).drop_duplicates()
        n = pairs.groupby("k")["o"].size()
        out[valid] = k.map(n).to_numpy() - 1
    return out


def _burst(key_a: np.ndarray, bucket: np.ndarray, weight_sessions: np.ndarray, n_buckets: float) -> np.ndarray:
    """Poisson-style z of distinct sessions per (key, bucket) against the key's mean per bucket."""
    df = pd.DataFrame({"k": key_a, "b": bucket, "s": weight_sessions})
    per_kb = df.groupby(["k", "b"], sort=False)["s"].nunique()
    total = per_kb.groupby(level=0).sum()
    mu = total / max(n_buckets, 1.0)
    kb = per_kb.reset_index(name="c")
    kb["z"] = (kb["c"] - kb["k"].map(mu)) / np.sqrt(kb["k"].map(mu) + 1.0)
    z = df.merge(kb[["k", "b", "z", "c"]], on=["k", "b"], how="left")
    return z["z"].to_numpy(), z["c"].to_numpy()


MAX_SEQ_GROUP = 64  # a sequence shared by more sessions is common browsing, not a replay
TIMING_TOL = 0.7  # |log gap ratio| of every compared gap (about a factor of 2)
MIN_GAP_S = 1.0


def _timed_matches(key: np.ndarray, valid: np.ndarray, owner: np.ndarray, first: np.ndarray, n_cmp: np.ndarray,
                   lgap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: other owners whose row has the same ``key`` AND near-identical timing, and the group size.

    Timing: the ``n_cmp`` log gaps after event ``first`` of both rows differ by at most
    :data:`TIMING_TOL` each. Groups larger than :data:`MAX_SEQ_GROUP` are not paired (matches 0).
    """
    rows = len(key)
    matches, size = np.zeros(rows), np.zeros(rows)
    vi = np.flatnonzero(valid)
    if len(vi) < 2:
        return matches, size
    o = np.argsort(key[vi], kind="stable")
    vi = vi[o]
    k = key[vi]
    newg = np.r_[True, k[1:] != k[:-1]]
    gid = np.cumsum(newg) - 1
    gsize = np.bincount(gid)
    g0 = np.flatnonzero(newg)
    size[vi] = gsize[gid]
    pair = (gsize[gid] >= 2) & (gsize[gid] <= MAX_SEQ_GROUP)
    p = np.flatnonzero(pair)  # positions in the sorted order
    if not len(p):
        return matches, size
    reps = gsize[gid[p]]
    a_pos = np.repeat(p, reps)
    b_pos = np.repeat(g0[gid[p]], reps) + (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps))
    a, b = vi[a_pos], vi[b_pos]
    keep = (a != b) & (owner[a] != owner[b])
    a, b = a[keep], b[keep]
    if not len(a):
        return matches, size
    m = np.maximum(n_cmp[a], 1)
    seg = np.cumsum(m) - m
    off = np.arange(m.sum()) - np.repeat(seg, m) + 1
    ia, ib = np.repeat(first[a], m) + off, np.repeat(first[b], m) + off
    d = np.abs(lgap[np.minimum(ia, len(lgap) - 1)] - lgap[np.minimum(ib, len(lgap) - 1)])
    ok = np.maximum.reduceat(d, seg) <= TIMING_TOL
    # distinct other owners with a timed match
    pairs = pd.DataFrame({"a": a[ok], "o": owner[b[ok]]}).drop_duplicates()
    np.add.at(matches, pairs["a"].to_numpy(), 1)
    return matches, size


def active_hours(ts: np.ndarray) -> float:
    """Hours of the batch that have events: the denominator of every "usual rate per hour".

    Not max - min: a few events with broken clocks (1970, a year ahead: the checks flag them)
    would stretch the span to decades, make every item's usual rate near zero and every busy
    hour a "burst". On continuous traffic the two are the same.
    """
    return float(max(len(pd.unique(ts // HOUR_US)), 1))  # hashing, not sorting, 10M stamps


COHORT_WINDOW_US = HOUR_US  # cohorts: other accounts' sessions starting within an hour either side


def _window_counts(key: np.ndarray, valid: np.ndarray, owner: np.ndarray, t: np.ndarray,
                   window: int) -> tuple[np.ndarray, np.ndarray]:
    """Per valid row: rows of OTHER owners with the same key within ``window`` of ``t``, and the key's total."""
    near, total = np.zeros(len(key)), np.zeros(len(key))
    vi = np.flatnonzero(valid)
    if len(vi) < 2:
        return near, total
    ts_s = (t[vi] - t[vi].min()) // US
    w = window // US
    stride = int(ts_s.max()) + 2 * w + 2
    gk = pd.factorize(key[vi])[0].astype(np.int64)
    gu = pd.factorize(pd.Series(list(zip(gk, owner[vi], strict=True))))[0].astype(np.int64)
    for codes, sign in ((gk, 1.0), (gu, -1.0)):  # all rows in the window minus this owner's
        c = codes * stride + ts_s
        srt = np.sort(c)
        near[vi] += sign * (np.searchsorted(srt, c + w, side="right") - np.searchsorted(srt, c - w, side="left"))
    tot = np.bincount(gk)[gk] - np.bincount(gu)[gu]
    total[vi] = tot
    return near, total


ID_STEP_BAR = 0.45  # ID_WALK: geometric-mean rank step at most (items in the batch) ** ID_STEP_BAR
WALK_STEP_SHARE = 0.05  # a walk step: at most this share of the batch's items by rank (random pairs: ~10%)


def _walk_steps(rank_step: np.ndarray, step_ok: np.ndarray, up: np.ndarray, st: np.ndarray,
                n_items: int) -> np.ndarray:
    """Per session: steps in its majority id direction that are small by rank among the batch's items.

    Small = at most ``WALK_STEP_SHARE`` of the items seen in the batch (ids are dense ranks, so a
    sparse raw id space does not matter); a random pair of items is that close about 10% of the time.
    """
    small = step_ok & (rank_step <= max(1.0, WALK_STEP_SHARE * n_items))
    n_up = np.add.reduceat((small & up).astype(float), st)
    n_down = np.add.reduceat((small & ~up).astype(float), st)
    ups = np.add.reduceat((step_ok & up).astype(float), st)
    downs = np.add.reduceat((step_ok & ~up).astype(float), st)
    return np.where(ups >= downs, n_up, n_down)


def _unseen_purchases(ev: Events, first_occ: np.ndarray) -> np.ndarray:
    """Purchases of an item the account never viewed, carted or saved before, in any session of the batch.

    ``first_occ``: the item's first event in its session. A buyer who carted an item yesterday and
    buys it today in a new session is a shopper, not a purchase without a view.
    """
    buy = first_occ & (ev.etype == PURCHASE)
    if not buy.any():
        return buy
    touch = (ev.item >= 0) & (ev.etype != PURCHASE) & (ev.etype != SEARCH)
    key = ev.user * (int(ev.item.max()) + 2) + ev.item
    first_touch = pd.Series(ev.ts[touch]).groupby(key[touch]).min()
    seen = pd.Series(key[buy]).map(first_touch).to_numpy(float) < ev.ts[buy]
    out = buy.copy()
    out[np.flatnonzero(buy)[seen]] = False
    return out


def session_features(ev: Events) -> pd.DataFrame:
    """One row per session code: per-session, per-user and cross-session features."""
    n, s = len(ev), ev.n_sessions
    st = ev.starts
    sess, ts, et, item = ev.sess, ev.ts, ev.etype, ev.item
    cnt = np.diff(np.r_[st, n]).astype(float)
    same = np.r_[False, sess[1:] == sess[:-1]]  # event has a predecessor in its session
    gap = np.where(same, np.r_[0, np.diff(ts)] / US, np.nan)
    g = np.nan_to_num(gap)
    n_gaps = np.maximum(cnt - 1, 1)
    gsum = np.add.reduceat(g, st)
    gmean = gsum / n_gaps
    gvar = np.maximum(np.add.reduceat(g * g, st) / n_gaps - gmean ** 2, 0)
    span = (np.maximum.reduceat(ts, st) - np.minimum.reduceat(ts, st)) / US
    logg = np.where(same, np.log10(np.maximum(g, 1e-3)), 0.0)
    f: dict[str, np.ndarray] = {}
    f["n_events"] = cnt
    f["span_s"] = span
    f["events_per_min"] = (cnt - 1) / np.maximum(span, 1.0) * 60
    f["gap_mean_s"] = np.where(cnt > 1, gmean, np.nan)
    f["gap_log_mean"] = np.where(cnt > 1, np.add.reduceat(logg, st) / n_gaps, np.nan)
    f["gap_cv"] = np.where(cnt > 2, np.sqrt(gvar) / np.maximum(gmean, 1e-6), np.nan)
    lg2 = np.add.reduceat(logg * logg, st) / n_gaps - (np.add.reduceat(logg, st) / n_gaps) ** 2
    f["gap_log_sd"] = np.where(cnt > 2, np.sqrt(np.maximum(lg2, 0)), np.nan)
    f["fast_gap_share"] = np.where(cnt > 1, np.add.reduceat((same & (g < 1.0)).astype(float), st) / n_gaps, 0.0)

    has_item = (item >= 0) & (et != SEARCH)
    n_item = np.add.reduceat(has_item.astype(float), st)
    key = sess * (int(item.max()) + 2) + item + 1
    first_occ = has_item & ~pd.Series(np.where(has_item, key, -1 - np.arange(n))).duplicated().to_numpy()
    n_new = np.add.reduceat(first_occ.astype(float), st)
    f["n_items"] = n_new
    f["distinct_item_share"] = np.where(n_item > 0, n_new / np.maximum(n_item, 1), np.nan)
    f["repeat_rate"] = np.where(n_item > 0, 1 - n_new / np.maximum(n_item, 1), np.nan)
    counts = {t: np.add.reduceat((et == t).astype(float), st) for t in (VIEW, CLICK, SEARCH, CART, FAV, PURCHASE)}
    views = counts[VIEW] + counts[CLICK]
    f["view_share"] = views / cnt
    f["search_share"] = counts[SEARCH] / cnt
    f["cart_per_view"] = counts[CART] / np.maximum(views, 1)
    f["purchase_per_cart"] = counts[PURCHASE] / np.maximum(counts[CART], 1)
    f["n_purchases"] = counts[PURCHASE]
    f["purchase_without_view"] = np.add.reduceat(_unseen_purchases(ev, first_occ).astype(float), st)
    f["purchase_unviewed_in_session"] = np.add.reduceat((first_occ & (et == PURCHASE)).astype(float), st)
    hour = (ts // HOUR_US) % 24
    f["night_share"] = np.add.reduceat((hour < 6).astype(float), st) / cnt
    if ev.has_category:
        ckey = sess * (int(ev.cat.max()) + 2) + ev.cat + 1
        new_cat = (ev.cat >= 0) & ~pd.Series(np.where(ev.cat >= 0, ckey, -1 - np.arange(n))).duplicated().to_numpy()
        f["distinct_categories"] = np.add.reduceat(new_cat.astype(float), st)
        chg = same & (ev.cat != np.r_[-2, ev.cat[:-1]])
        f["category_change_share"] = np.add.reduceat(chg.astype(float), st) / n_gaps
    else:
        f["distinct_categories"] = np.full(s, np.nan)
        f["category_change_share"] = np.full(s, np.nan)
    # id order: among consecutive item events of different items, share going one way
    prev_item = np.r_[-1, item[:-1]]
    step_ok = same & has_item & np.r_[False, has_item[:-1]] & (item != prev_item)
    up = np.add.reduceat((step_ok & (item > prev_item)).astype(float), st)
    n_steps = np.add.reduceat(step_ok.astype(float), st)
    f["id_monotone"] = np.where(n_steps >= 3, np.maximum(up, n_steps - up) / np.maximum(n_steps, 1), np.nan)
    n_cat_items = max(int(item.max()) + 1, 2)
    step = np.where(step_ok, np.log1p(np.abs(item - prev_item)), 0.0)
    f["id_step_log"] = np.where(n_steps >= 1, np.add.reduceat(step, st) / np.maximum(n_steps, 1)
                                / np.log1p(n_cat_items), np.nan)
    f["n_id_steps"] = n_steps
    f["id_walk_steps"] = _walk_steps(np.abs(item - prev_item), step_ok, item > prev_item, st, n_cat_items)

    # per user
    s_user = ev.user[st]
    u_sessions = np.bincount(s_user)
    u_events = np.bincount(s_user, weights=cnt)
    f["user_sessions"] = u_sessions[s_user].astype(float)
    f["user_events"] = u_events[s_user]
    u_first = pd.Series(ts[st]).groupby(s_user).transform("min").to_numpy()
    f["user_age_h"] = (ts[st] - u_first) / HOUR_US

    # cross-session: campaigns (item bursts), replays (repeated sequences), brushing (shop-hour orders)
    span_h = active_hours(ts)
    fo = np.flatnonzero(first_occ)
    z_max = np.zeros(s)
    c_max = np.zeros(s)
    if len(fo):
        for offset in (0, HOUR_US // 2):
            z, c = _burst(item[fo], (ts[fo] + offset) // HOUR_US, sess[fo], span_h)
            np.maximum.at(z_max, sess[fo], np.nan_to_num(z))
            np.maximum.at(c_max, sess[fo], np.nan_to_num(c))
    f["campaign_z"] = z_max
    f["campaign_sessions"] = c_max
    # sessions sharing this session's item set within the same 2 hours
    set_h = np.zeros(s, np.uint64)
    if len(fo):
        np.add.at(set_h, sess[fo], _mix(item[fo]))
    valid2 = n_new >= 1
    cohort_key = _mix(set_h.astype(np.int64) ^ _mix(ts[st] // (2 * HOUR_US)).astype(np.int64)).astype(np.int64)
    f["cohort_sessions"] = _dup_counts(cohort_key, valid2, s_user)
    near, total = _window_counts(set_h.astype(np.int64), valid2, s_user, ts[st], COHORT_WINDOW_US)
    f["cohort_window"] = near
    f["cohort_expected"] = total * (2 * COHORT_WINDOW_US / HOUR_US) / span_h
    # replays: identical item sequences (and prefixes/suffixes) in other users' sessions
    pos = np.arange(n) - st[sess]
    ekey = (item + 2) * 8 + et
    seq_h = np.add.reduceat(_mix(ekey.astype(np.int64) * 1000 + np.minimum(pos, 999)), st)
    f["replay_dup"] = _dup_counts(seq_h.astype(np.int64), cnt >= 4, s_user)
    pre = np.where(pos < 4, _mix(ekey * 1000 + pos), np.uint64(0))
    from_end = (np.r_[st[1:], n][sess] - 1) - np.arange(n)
    suf = np.where(from_end < 4, _mix(ekey * 1000 + from_end + 7), np.uint64(0))
    pre_h, suf_h = np.add.reduceat(pre, st), np.add.reduceat(suf, st)
    f["replay_prefix_dup"] = _dup_counts(pre_h.astype(np.int64), cnt >= 5, s_user)
    f["replay_suffix_dup"] = _dup_counts(suf_h.astype(np.int64), cnt >= 5, s_user)
    f["replay_set_dup"] = _dup_counts(set_h.astype(np.int64), n_new >= 3, s_user)
    # timed replays: the same sequence (whole, or first/last 4 events) with near-identical gaps in other
    # accounts' sessions; "popularity" = sessions sharing the sequence without the timing
    lgap = np.log(np.maximum(g, MIN_GAP_S))
    end = np.r_[st[1:], n]
    full_key = (seq_h ^ _mix(cnt.astype(np.int64))).astype(np.int64)
    tm, tsize = _timed_matches(full_key, cnt >= 3, s_user, st, np.minimum(cnt, 21).astype(np.int64) - 1, lgap)
    pm, psize = _timed_matches(pre_h.astype(np.int64), cnt >= 5, s_user, st, np.full(s, 3), lgap)
    sm, ssize = _timed_matches(suf_h.astype(np.int64), cnt >= 5, s_user, end - 4, np.full(s, 3), lgap)
    f["replay_timed"] = tm
    f["replay_timed_part"] = np.maximum(pm, sm)
    f["replay_popularity"] = np.maximum(tsize - 1 - tm, 0)
    f["replay_part_popularity"] = np.maximum(np.minimum(psize - 1 - pm, ssize - 1 - sm), 0)
    # brushing: orders per unique buyer per shop-hour, and the shop-hour order burst
    buy = np.flatnonzero(et == PURCHASE)
    opb = np.zeros(s)
    oz = np.zeros(s)
    if len(buy):
        d = pd.DataFrame({"shop": ev.shop[buy], "h": ts[buy] // HOUR_US, "u": ev.user[buy], "s": sess[buy]})
        grp = d.groupby(["shop", "h"], sort=False)
        ratio = grp["u"].transform("size") / grp["u"].transform("nunique")
        np.maximum.at(opb, sess[buy], ratio.to_numpy(float))
        d["one"] = 1
        z, _ = _burst(ev.shop[buy], ts[buy] // HOUR_US, np.arange(len(buy)), span_h)
        np.maximum.at(oz, sess[buy], np.nan_to_num(z))
    f["shop_orders_per_buyer"] = opb
    f["shop_order_z"] = oz
    return pd.DataFrame(f)


FEATURES = (
    "n_events", "span_s", "events_per_min", "gap_mean_s", "gap_log_mean", "gap_cv", "gap_log_sd", "fast_gap_share",
    "n_items", "distinct_item_share", "repeat_rate", "view_share", "search_share", "cart_per_view",
    "purchase_per_cart", "n_purchases", "purchase_without_view", "purchase_unviewed_in_session", "night_share",
    "distinct_categories", "category_change_share", "id_monotone", "id_step_log", "n_id_steps", "id_walk_steps",
    "user_sessions", "user_events",
    "user_age_h", "campaign_z", "campaign_sessions", "cohort_sessions", "replay_dup", "replay_prefix_dup",
    "replay_suffix_dup", "replay_set_dup", "shop_orders_per_buyer", "shop_order_z", "replay_timed",
    "replay_timed_part", "replay_popularity", "replay_part_popularity",
    "cohort_window", "cohort_expected",
)
