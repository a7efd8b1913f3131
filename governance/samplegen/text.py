"""Listing text: template rendering plus the text rules clean listings satisfy.

The rule helpers here are the executable form of the invariants in
``sample_data/README.md``; the generator uses them to keep clean rows clean and the
tests use them to prove it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from governance.privacy import contains_pii

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_WORD = re.compile(r"\w+")
HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")

TITLE_MIN, TITLE_MAX = 12, 150  # what checks enforce
CLEAN_TITLE_MIN, CLEAN_TITLE_MAX = 20, 120  # what the generator writes for clean rows


def render(template: str, values: dict[str, str]) -> str:
    """Fill ``{name}`` placeholders; unknown names raise KeyError."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def max_token_repeat(title: str) -> int:
    """Most times one token occurs: words (``\\w+``) or whitespace-separated tokens, lower case."""
    low = title.lower()
    words, tokens = Counter(_WORD.findall(low)), Counter(low.split())
    return max([0, *words.values(), *tokens.values()])


def is_all_caps(title: str) -> bool:
    """Has an upper-case Latin letter and no lower-case one (CJK has no case)."""
    return title.upper() == title and re.search(r"[A-Z]", title) is not None


def is_short_title(title: str) -> bool:
    return len(title.split()) <= 2 or len(title.strip()) < TITLE_MIN


def has_html(text: str | None) -> bool:
    return bool(text) and HTML_TAG.search(text) is not None


def has_contact(text: str | None) -> bool:
    return bool(text) and contains_pii(text)


@lru_cache(maxsize=8)
def _brand_patterns(brands: tuple[str, ...]) -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    ascii_brands = sorted((b for b in brands if b.isascii()), key=len, reverse=True)
    cjk = tuple(b for b in brands if not b.isascii())
    pat = None
    if ascii_brands:
        alt = "|".join(re.escape(b) for b in ascii_brands)
        pat = re.compile(rf"(?<![\w])(?:{alt})(?![\w])", re.IGNORECASE)
    return pat, cjk


def brands_in_text(text: str, brands: Iterable[str]) -> set[str]:
    """Known brands mentioned in ``text``.

    Latin brands match as whole words, case-insensitively (``Levi's``, ``Supergoop!``);
    Chinese brands match as substrings.
    """
    brands = tuple(sorted(set(brands)))
    pat, cjk = _brand_patterns(brands)
    found: set[str] = set()
    if pat is not None:
        lower = {b.lower(): b for b in brands}
        for m in pat.finditer(text):
            found.add(lower.get(m.group(0).lower(), m.group(0)))
        # overlapping brand names ("Nature Made" vs "Made"): check each Latin brand too
        # only when the alternation matched something, which keeps this cheap.
        if found:
            low = text.lower()
            for b in brands:
                if b.isascii() and b.lower() in low and re.search(
                    rf"(?<![\w]){re.escape(b)}(?![\w])", text, re.IGNORECASE
                ):
                    found.add(b)
    found.update(b for b in cjk if b in text)
    return found


def title_problems(title: str | None, brand: str | None = None,
                   brands: Iterable[str] | None = None) -> set[str]:
    """Which title rules ``title`` breaks (empty set: a clean title)."""
    if title is None or not title.strip():
        return {"null_title"}
    out: set[str] = set()
    if max_token_repeat(title) >= 3:
        out.add("keyword_stuffed_title")
    if is_all_caps(title):
        out.add("all_caps_title")
    if is_short_title(title):
        out.add("short_title")
    if len(title) > TITLE_MAX:
        out.add("long_title")
    if brands is not None:
        mentioned = brands_in_text(title, brands)
        if mentioned and brand not in mentioned:
            out.add("brand_mismatch")
    return out


def description_problems(description: str | None) -> set[str]:
    out: set[str] = set()
    if has_html(description):
        out.add("html_in_description")
    if has_contact(description):
        out.add("contact_in_description")
    return out


def listing_problems(row: dict, brands: Iterable[str], leaf_ids: set[str]) -> set[str]:
    """Row-level rules a product listing breaks, named like the defects that break them.

    Data-set level defects (duplicate ids, near duplicates, price outliers) need other
    rows and are checked elsewhere.
    """
    out = title_problems(row.get("title"), row.get("brand"), brands)
    out |= description_problems(row.get("description"))
    price, list_price = row.get("price"), row.get("list_price")
    if price is not None and price <= 0:
        out.add("negative_price")
    elif price is not None and list_price is not None and price > list_price:
        out.add("sale_above_list")
    if row.get("category_id") not in leaf_ids:
        out.add("invalid_category")
    if row.get("stock") == 0 and row.get("status") == "active":
        out.add("out_of_stock_active")
    return out
