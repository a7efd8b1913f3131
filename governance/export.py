"""Privacy-guarded exports of behaviour data (``shopgov export behaviour``).

A behaviour extract is one row per event, joined to what the item says about it::

    user, session, event_type, item_id, ts, event_date, device, price_paid,
    category (top level of the item's category path), country (the item's market),
    city (the item's seller's city)

Guards, in order:

1. **Pseudonyms**: ``user`` and ``session`` are keyed HMAC pseudonyms
   (:func:`governance.privacy.pseudonymize`); raw ids, free-text queries and order ids
   never leave.
2. **k-anonymity**: the caller declares the quasi-identifiers (columns an outsider could
   link to a person, e.g. ``country,city,device``). Every combination of their values
   must be shared by at least ``k`` distinct users (a row without a user counts as its
   own person); otherwise the export is refused with the offending groups counted.
3. **Counts, optionally noised**: ``counts=True`` exports the number of events per
   quasi-identifier group and event type instead of rows. With ``epsilon`` each count
   gets Laplace noise of scale ``1/epsilon`` (event-level differential privacy: one
   event changes one count by one; the cells are disjoint, so the release costs
   ``epsilon`` in total), rounded and clipped at zero. Cells are the groups present in
   the data, so the *existence* of a group is not protected; declare coarse
   quasi-identifiers.

Every export writes ``<output>.meta.json`` beside the file: what was pseudonymised, the
quasi-identifiers, ``k`` and the smallest group, and the noise (mechanism, epsilon, scale).
"""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ShopgovError, UsageError
from .paths import Home
from .privacy import pseudonymize
from .warehouse import connect_read

FORMATS = (".csv", ".jsonl", ".parquet")
COLUMNS = ("user", "session", "event_type", "item_id", "ts", "event_date", "device", "price_paid",
           "category", "country", "city")
QUASI_CANDIDATES = ("event_type", "item_id", "event_date", "device", "category", "country", "city")
PSEUDONYMISED = {"user": "u_", "session": "s_"}

_SQL = """
SELECT e.user_id AS "user", e.session_id AS "session", e.event_type, e.item_id, e.ts, e.event_date,
       e.device, e.price_paid, split_part(p.category_path, '>', 1).trim() AS category,
       p.country, s.city,
       coalesce(e.user_id, 'row:' || e.event_id || ':' || row_number() OVER ()) AS _person
FROM events e
LEFT JOIN (SELECT * FROM products QUALIFY row_number() OVER (
    PARTITION BY product_id ORDER BY updated_at DESC NULLS LAST, seller_id, category_path) = 1
) p ON p.product_id = e.item_id
LEFT JOIN (SELECT * FROM sellers QUALIFY row_number() OVER (
    PARTITION BY seller_id ORDER BY joined_at DESC NULLS LAST, city) = 1
) s ON s.seller_id = p.seller_id
"""


class KAnonymityError(UsageError):
    """The extract would contain quasi-identifier groups smaller than k (the CLI exits 2)."""

    def __init__(self, message: str, offending: int, groups: int):
        self.offending, self.groups = offending, groups
        super().__init__(message)


@dataclass(frozen=True)
class ExportResult:
    output: Path
    meta_path: Path
    meta: dict


def check_output(output: Path) -> Path:
    """Validate ``output`` before any work: a known type in a folder that exists or can be made."""
    output = Path(output)
    if output.suffix.lower() not in FORMATS:
        raise UsageError(f"{output}: unknown output type '{output.suffix}' (use .csv, .jsonl or .parquet)")
    if output.is_dir():
        raise UsageError(f"{output} is a folder; give a file name")
    parent = output.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not _writable(parent):
        raise UsageError(f"{output}: cannot write in {parent}")
    return output


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK | os.X_OK)


def parse_quasi(text: str | None) -> list[str]:
    """``"country, city,device"`` -> ``['country', 'city', 'device']``, checked against the extract."""
    names = [n.strip() for n in (text or "").split(",") if n.strip()]
    if not names:
        raise UsageError(f"declare the quasi-identifiers with --quasi (any of: {', '.join(QUASI_CANDIDATES)})")
    bad = [n for n in names if n not in QUASI_CANDIDATES]
    if bad:
        raise UsageError(
            f"--quasi: unknown column(s) {', '.join(repr(b) for b in bad)} (any of: {', '.join(QUASI_CANDIDATES)})")
    return list(dict.fromkeys(names))


def k_anonymity(df: pd.DataFrame, quasi: list[str], person: str = "_person") -> pd.DataFrame:
    """Distinct people and rows per quasi-identifier group (NULL is a value of its own)."""
    keys = df[quasi].astype("string").fillna("\x00null")
    g = df.assign(**{q: keys[q] for q in quasi}).groupby(quasi, dropna=False)
    return pd.DataFrame({"people": g[person].nunique(), "rows": g.size()}).reset_index()


def laplace_counts(counts: pd.Series, epsilon: float, rng: np.random.Generator | None = None) -> pd.Series:
    """``counts`` plus Laplace(1/epsilon) noise, rounded and clipped at 0 (post-processing keeps DP)."""
    rng = rng or np.random.default_rng(secrets.randbits(128))
    noisy = counts.to_numpy(dtype=float) + rng.laplace(0.0, 1.0 / epsilon, size=len(counts))
    return pd.Series(np.clip(np.rint(noisy), 0, None).astype("int64"), index=counts.index)


def _load(home: Home) -> pd.DataFrame:
    if not home.warehouse.exists():
        raise ShopgovError(f"no warehouse at {home.warehouse}; run `shopgov init` first")
    con = connect_read(home.warehouse)
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        missing = {"events", "products", "sellers"} - have
        if missing:
            raise ShopgovError(f"{home.warehouse}: missing table(s) {', '.join(sorted(missing))}")
        return con.execute(_SQL).df()
    finally:
        con.close()


def _write(df: pd.DataFrame, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.tmp")
    suffix = output.suffix.lower()
    if suffix == ".csv":
        df.to_csv(tmp, index=False)
    elif suffix == ".jsonl":
        df.to_json(tmp, orient="records", lines=True, date_format="iso", force_ascii=False)
    else:
        df.to_parquet(tmp, index=False)
    tmp.replace(output)


def export_behaviour(
    home: Home,
    output: Path,
    *,
    quasi: list[str],
    k: int = 5,
    counts: bool = False,
    epsilon: float | None = None,
    rng: np.random.Generator | None = None,
) -> ExportResult:
    """Write a guarded behaviour extract to ``output`` (see the module docstring)."""
    output = check_output(output)
    if k < 1:
        raise UsageError(f"--k must be at least 1 (got {k})")
    if epsilon is not None:
        if not (math.isfinite(epsilon) and epsilon > 0):
            raise UsageError(f"--epsilon must be a positive finite number (got {epsilon})")
        counts = True
    df = _load(home)

    groups = k_anonymity(df, quasi)
    small = groups[groups["people"] < k]
    if len(small):
        raise KAnonymityError(
            f"refusing to export: k-anonymity with k={k} fails on ({', '.join(quasi)}): "
            f"{len(small)} of {len(groups)} groups have fewer than {k} users "
            f"({int(small['rows'].sum())} rows); drop or coarsen a quasi-identifier",
            offending=len(small), groups=len(groups),
        )

    meta: dict = {
        "kind": "behaviour", "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": str(home.warehouse), "format": output.suffix.lower().lstrip("."),
        "mode": "counts" if counts else "rows",
        "quasi_identifiers": quasi,
        "k_anonymity": {"k": k, "groups": len(groups),
                        "smallest_group_users": int(groups["people"].min()) if len(groups) else None,
                        "unit": "distinct users (a row without a user is its own person)"},
        "noise": None,
    }
    if counts:
        out = (df.groupby([*quasi, "event_type"] if "event_type" not in quasi else quasi, dropna=False)
               .size().rename("events").reset_index())
        if epsilon is not None:
            out["events"] = laplace_counts(out["events"], epsilon, rng)
            meta["noise"] = {"mechanism": "laplace", "epsilon": epsilon, "sensitivity": 1, "scale": 1.0 / epsilon,
                             "unit": "event", "post_processing": "rounded, clipped at 0"}
    else:
        out = df[list(COLUMNS)].copy()
        for col, prefix in PSEUDONYMISED.items():
            uniq = out[col].dropna().unique()
            out[col] = out[col].map(dict(zip(uniq, (pseudonymize(v, prefix=prefix) for v in uniq), strict=True)))
        meta["pseudonymised"] = {c: "HMAC-SHA256 (governance.privacy.pseudonymize)" for c in PSEUDONYMISED}
        meta["dropped"] = ["query", "order_id", "event_id"]
    meta["rows"] = len(out)
    meta["columns"] = list(out.columns)
    _write(out, output)
    meta_path = output.with_name(output.name + ".meta.json")
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return ExportResult(output, meta_path, meta)
