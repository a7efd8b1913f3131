"""The events table: planned per chunk, simulated, corrupted, and streamed to Parquet."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .behaviour import (
    DEVICES,
    PURCHASE,
    TYPES,
    Catalogue,
    Rows,
    Users,
    Window,
    first_sessions,
    regular_sessions,
)
from .event_defects import (
    CODE,
    EVENT_DEFECTS,
    bot_high_rate,
    bot_regular_interval,
    click_farm,
    corrupt_rows,
    duplicate_rows,
)
from .ids import feistel_perm, prefixed_hex, prefixed_numbers, uuid4_like
from .tables import arrow_schema, build_table

CHUNK_ROWS = 1_000_000
ROW_DEFECTS = ("unknown_item", "purchase_without_view", "future_timestamp", "past_timestamp",
               "duplicate_event")
USER_SPACE = 9_000_000


def query_pool(products: list[dict], leaves: list, leaf_of: list[int], per_product: int,
               seed: int) -> pa.StringArray:
    """``per_product`` search queries per product, phrased the way shoppers type them."""
    rnd = random.Random(f"{seed}:queries")
    out: list[str] = []
    for row, li in zip(products, leaf_of, strict=True):
        leaf = leaves[li]
        brand = row["brand"] or ""
        if row["locale"] == "zh-CN":
            opts = [leaf.zh_type, f"{brand} {leaf.zh_type}", f"{leaf.zh_type} 正品", f"{brand}{leaf.zh_type} 新款"]
        else:
            attrs = _attrs(row)
            opts = []
            for q in leaf.queries:
                try:
                    opts.append(q.format(brand=brand, **attrs).lower())
                except (KeyError, IndexError):
                    continue
            if "color" in attrs:
                opts.append(f"{attrs['color']} {leaf.queries[0]}".lower())
        rnd.shuffle(opts)
        out.extend((opts * per_product)[:per_product])
    return pa.array(out, pa.string())


def _attrs(row: dict) -> dict:
    import json

    try:
        return {k: str(v) for k, v in json.loads(row["attributes"] or "{}").items()}
    except ValueError:
        return {}


@dataclass
class EventContext:
    """Fixed inputs shared by all chunks."""

    seed: int
    window: Window
    users: Users
    cat: Catalogue
    product_ids: pa.StringArray
    queries: pa.StringArray
    seller_ids: list[str]
    rates: dict[str, float]
    user_ids: pa.StringArray = field(init=False)

    def user_id_array(self, n_fresh: int) -> None:
        self.user_ids = user_ids(self.users.n + n_fresh, self.seed)


def user_ids(n: int, seed: int) -> pa.StringArray:
    """Account ids ``u`` + 7 digits for user ranks 0..n-1 (regular users first, then fresh ones)."""
    if n > USER_SPACE:
        raise ValueError(f"at most {USER_SPACE:,} users fit the id space, not {n:,}")
    return prefixed_numbers("u", 1_000_000 + feistel_perm(np.arange(n), USER_SPACE, seed, "user"), 7)


@dataclass
class Plan:
    chunk_rows: list[int]
    row_defects: list[dict[str, int]]
    bots: list[list[tuple[str, int]]]  # per chunk: (kind, length)
    farms: list[list[tuple[int, int]]]  # per chunk: (seller index, accounts)
    n_fresh: int


def _split(total: int, weights: list[int]) -> list[int]:
    cum = np.round(np.cumsum(weights) / max(1, sum(weights)) * total).astype(int)
    return np.diff(np.concatenate([[0], cum])).tolist()


def at_least_one(rate: float, n: int) -> int:
    """Rows for a defect rate: none for 0, otherwise at least one."""
    return max(1, round(rate * n)) if rate > 0 else 0


def plan_events(n: int, rates: dict[str, float], cat: Catalogue, seed: int,
                chunk_rows: int = CHUNK_ROWS) -> Plan:
    """Rows per chunk and where each injected defect goes (fixed before any simulation)."""
    rng = np.random.default_rng([seed, 21])
    n_chunks = max(1, -(-n // chunk_rows))
    rows = _split(n, [1] * n_chunks)
    per_chunk: list[dict[str, int]] = [{} for _ in range(n_chunks)]
    for name in ROW_DEFECTS:
        total = at_least_one(rates[name], n)
        for c, k in enumerate(_split(total, rows)):
            per_chunk[c][name] = k
    # injected sessions never take more than a third of the rows (only tiny data sets hit this)
    budget = n // 3 - sum(sum(c.values()) for c in per_chunk)
    bots: list[list[tuple[str, int]]] = [[] for _ in range(n_chunks)]
    cap = max(20, min(400, n // 25))
    i = fresh = 0
    for kind, lo, hi in (("bot_high_rate", 120, 400), ("bot_regular_interval", 20, 80)):
        lo, hi_ = min(lo, cap), min(hi, cap)
        target, got = rates[kind] * n, 0
        while rates[kind] > 0 and (got < target or got == 0):
            length = int(rng.integers(lo, hi_ + 1))
            if length > budget:
                break
            bots[i % n_chunks].append((kind, length))
            got += length
            budget -= length
            i += 1
            fresh += 1
    farms: list[list[tuple[int, int]]] = [[] for _ in range(n_chunks)]
    sellers = np.unique(cat.seller[cat.farmable])
    n_farms = min(len(sellers), at_least_one(rates["click_farm"], n // 124))
    chosen = rng.choice(sellers, size=n_farms, replace=False)
    for j, s in enumerate(chosen):
        accounts = int(rng.integers(22, 41))
        if accounts * 4 > budget:
            break
        farms[j % n_chunks].append((int(s), accounts))
        budget -= accounts * 4
        fresh += accounts
    return Plan(rows, per_chunk, bots, farms, fresh)


@dataclass
class Tally:
    """What was written: defect keys and rows, clean rows per day."""

    keys: dict[str, list[str]] = field(default_factory=lambda: {d: [] for d in EVENT_DEFECTS})
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EVENT_DEFECTS, 0))
    clean_per_day: np.ndarray | None = None
    total: int = 0


def simulate_chunk(ctx: EventContext, plan: Plan, c: int, fresh_base: int,
                   unknown_base: int) -> tuple[Rows, int, int]:
    """All rows of chunk ``c`` (unsorted); returns rows, fresh accounts used, unknown ids used."""
    rng = np.random.default_rng([ctx.seed, 31, c])
    n_chunks = len(plan.chunk_rows)
    base = c << 32
    ranks = np.arange(c, ctx.users.n, n_chunks)
    first = first_sessions(rng, ctx.window, ctx.users, ctx.cat, ranks, base)
    counts = plan.row_defects[c]
    injected = [bot for bot in plan.bots[c]]
    added = counts["duplicate_event"] + sum(length for _, length in injected)
    added += sum(acc * 4 for _, acc in plan.farms[c])  # upper bound; topped up below
    n_regular = plan.chunk_rows[c] - added - len(first)
    regular = regular_sessions(rng, ctx.window, ctx.users, ctx.cat, n_regular, base + len(ranks))
    clean = Rows.concat([first, regular])
    used_unknown = corrupt_rows(rng, clean, ctx.window, ctx.cat, counts, unknown_base)
    purchases = np.flatnonzero(clean.etype == PURCHASE)
    order_base = c << 24
    clean.order[purchases] = order_base + np.arange(len(purchases))
    blocks = [clean, duplicate_rows(rng, clean, counts["duplicate_event"])]
    sess = base + (1 << 31)
    fresh = fresh_base
    for kind, length in injected:
        make = bot_high_rate if kind == "bot_high_rate" else bot_regular_interval
        blocks.append(make(rng, ctx.window, ctx.cat, length, fresh, sess))
        fresh += 1
        sess += 1
    next_order = order_base + len(purchases)
    for seller, accounts in plan.farms[c]:
        farm = click_farm(rng, ctx.window, ctx.cat, seller, accounts, fresh, sess)
        p = np.flatnonzero(farm.etype == PURCHASE)
        farm.order[p] = next_order + np.arange(len(p))
        next_order += len(p)
        blocks.append(farm)
        fresh += accounts
        sess += accounts
    rows = Rows.concat(blocks)
    short = plan.chunk_rows[c] - len(rows)
    if short > 0:  # farms used fewer rows than budgeted: top up with more regular sessions
        extra = regular_sessions(rng, ctx.window, ctx.users, ctx.cat, short, base + (1 << 30))
        rows = Rows.concat([rows, extra])
    elif short < 0:  # tiny data sets only: drop the tail of the clean rows
        keep = np.ones(len(rows), bool)
        drop = np.flatnonzero((rows.defect == 0) & ~rows.regular)[short:]
        keep[drop] = False
        rows = rows.take(np.flatnonzero(keep))
    return rows, fresh - fresh_base, used_unknown


def to_arrow(ctx: EventContext, rows: Rows, event_base: int, unknown_ids: pa.StringArray) -> pa.Table:
    n = len(rows)
    item_idx = np.where(rows.item >= 0, rows.item, ctx.cat.n + (-rows.item - 2))
    items = pa.concat_arrays([ctx.product_ids, unknown_ids]) if len(unknown_ids) else ctx.product_ids
    is_purchase = rows.etype == PURCHASE
    order_rank = np.cumsum(is_purchase) - 1
    order_nums = feistel_perm(rows.order[is_purchase], 10**12, ctx.seed, "order")
    orders = prefixed_numbers("ORD", order_nums, 12)
    cols = {
        "event_id": uuid4_like(event_base + np.arange(n), ctx.seed, "event"),
        "user_id": ctx.user_ids.take(pa.array(rows.user)),
        "session_id": prefixed_hex(
            "s", feistel_perm(rows.session, 2**48, ctx.seed, "session").astype(np.uint64), 12),
        "event_type": pa.array(TYPES).take(pa.array(rows.etype.astype(np.int64))),
        "item_id": items.take(pa.array(item_idx, mask=rows.item == -1)),
        "query": ctx.queries.take(pa.array(rows.query, mask=rows.query < 0)),
        "ts": pa.array(rows.ts, pa.timestamp("us")),
        "device": pa.array(DEVICES).take(pa.array(rows.device)),
        "order_id": orders.take(pa.array(order_rank, mask=~is_purchase)),
        "price_paid": pa.array(np.round(rows.price, 2), pa.float64(), mask=~is_purchase),
    }
    return build_table("events", cols)


def write_events(path: Path, ctx: EventContext, n: int, chunk_rows: int = CHUNK_ROWS,
                 on_chunk: Callable[[int], None] | None = None) -> Tally:
    """Simulate ``n`` events chunk by chunk and stream them to ``path``."""
    plan = plan_events(n, ctx.rates, ctx.cat, ctx.seed, chunk_rows)
    ctx.user_id_array(plan.n_fresh)
    n_unknown = sum(c["unknown_item"] for c in plan.row_defects)
    from .listings import unknown_product_ids

    unknown_ids = pa.array(unknown_product_ids(n_unknown, ctx.seed), pa.string())
    tally = Tally(clean_per_day=np.zeros(ctx.window.days, np.int64))
    fresh = ctx.users.n
    unknown = 0
    event_base = 0
    with pq.ParquetWriter(path, arrow_schema("events"), compression="zstd") as writer:
        for c in range(len(plan.chunk_rows)):
            rows, used_fresh, used_unknown = simulate_chunk(ctx, plan, c, fresh, unknown)
            fresh += used_fresh
            unknown += used_unknown
            rows = rows.take(np.argsort(rows.ts, kind="stable"))
            tbl = to_arrow(ctx, rows, event_base, unknown_ids)
            writer.write_table(tbl, row_group_size=len(rows))
            _tally(tally, ctx, rows, tbl)
            event_base += len(rows)
            if on_chunk:
                on_chunk(len(rows))
    return tally


def _tally(tally: Tally, ctx: EventContext, rows: Rows, tbl: pa.Table) -> None:
    tally.total += len(rows)
    clean = rows.defect == 0
    tally.clean_per_day += np.bincount(ctx.window.day_of(rows.ts[clean]), minlength=ctx.window.days)
    for name in EVENT_DEFECTS:
        pos = np.flatnonzero(rows.defect == CODE[name])
        if not len(pos):
            continue
        tally.rows[name] += len(pos)
        if name in ("bot_high_rate", "bot_regular_interval"):
            first = pos[np.unique(rows.session[pos], return_index=True)[1]]
            tally.keys[name].extend(tbl.column("session_id").take(pa.array(np.sort(first))).to_pylist())
        elif name == "click_farm":
            items = rows.item[pos][rows.etype[pos] == PURCHASE]
            tally.keys[name].extend(ctx.seller_ids[s] for s in np.unique(ctx.cat.seller[items]))
        else:
            tally.keys[name].extend(tbl.column("event_id").take(pa.array(pos)).to_pylist())
