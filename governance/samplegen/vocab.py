"""The generator's vocabulary: the category tree and per-leaf listing templates (YAML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from ..paths import bundled

HERE = bundled("governance.samplegen")


@dataclass(frozen=True)
class Leaf:
    """A leaf category with everything needed to write listings in it."""

    category_id: str
    name: str
    name_zh: str
    path: str
    top: str
    price: float
    sigma: float
    weight: float
    brands: tuple[str, ...]
    zh_brands: tuple[str, ...]
    type: str
    zh_type: str
    attrs: dict[str, tuple[str, ...]]
    titles: tuple[str, ...]
    zh_titles: tuple[str, ...]
    features: tuple[str, ...]
    queries: tuple[str, ...]
    series: tuple[str, ...] = ()
    n_range: tuple[int, int] = (2, 20)
    book: bool = False


@dataclass(frozen=True)
class Vocabulary:
    categories: list[dict[str, Any]]  # rows of the categories table
    leaves: list[Leaf]
    raw: dict[str, Any]
    people: dict[str, Any]
    brands: tuple[str, ...] = field(default=())

    @property
    def usd_cny(self) -> float:
        return float(self.raw.get("usd_cny", 7.1))


def _leaf(node: dict, cid: str, path: str, top: str) -> Leaf:
    t = lambda key: tuple(node.get(key) or ())  # noqa: E731
    return Leaf(
        category_id=cid, name=node["name"], name_zh=node["zh"], path=path, top=top,
        price=float(node["price"]), sigma=float(node.get("sigma", 0.45)),
        weight=float(node.get("weight", 1.0)), brands=t("brands"),
        zh_brands=t("zh_brands") or t("brands"), type=node["type"], zh_type=node["zh_type"],
        attrs={k: tuple(str(x) for x in v) for k, v in (node.get("attrs") or {}).items()},
        titles=t("titles"), zh_titles=t("zh_titles"), features=t("features"),
        queries=t("queries"), series=t("series"),
        n_range=tuple(node.get("n", (2, 20))), book=bool(node.get("book", False)),
    )


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Parse ``taxonomy.yaml`` and ``people.yaml`` into category rows and leaf specs."""
    raw = yaml.safe_load((HERE / "taxonomy.yaml").read_text(encoding="utf-8"))
    people = yaml.safe_load((HERE / "people.yaml").read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = []
    leaves: list[Leaf] = []

    def walk(nodes: list[dict], parent: str | None, prefix: str, level: int, path: str, top: str):
        for i, node in enumerate(nodes):
            cid = f"C{10 + i}" if parent is None else f"{parent}{i + 1:02d}"
            full = node["name"] if not path else f"{path} > {node['name']}"
            children = node.get("children") or []
            rows.append({"category_id": cid, "parent_id": parent, "name": node["name"],
                         "name_zh": node["zh"], "level": level, "path": full,
                         "is_leaf": not children})
            if children:
                walk(children, cid, prefix, level + 1, full, top or node["name"])
            else:
                leaves.append(_leaf(node, cid, full, top or node["name"]))

    walk(raw["categories"], None, "", 1, "", "")
    brands = sorted({b for leaf in leaves for b in (*leaf.brands, *leaf.zh_brands)})
    return Vocabulary(categories=rows, leaves=leaves, raw=raw, people=people, brands=tuple(brands))
