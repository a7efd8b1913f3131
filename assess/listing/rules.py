"""Rule-based reason codes for listing titles, and the length + repeated-word heuristic.

The rules are declarative (``rules.yaml`` next to this file). They explain a flag in words a
catalog manager can act on; the fine-tuned model decides whether a listing is flagged. The same
word statistics give the plain heuristic baseline the model is measured against.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from governance import pii_scan
from governance.paths import bundled
from governance.privacy import find_pii

RULES_FILE = bundled("assess.listing", "rules.yaml")

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?\s*>|&(?:[a-zA-Z]{2,8}|#\d{2,5});")

#: Every reason code a scored listing may carry, with what it means.
REASON_CODES: dict[str, str] = {
    "MISSING_TITLE": "the listing has no title",
    "TOO_SHORT": "title too short to say what the product is",
    "TOO_LONG": "title longer than shoppers read",
    "REPEATED_WORDS": "the same words repeated (keyword stuffing)",
    "ALL_CAPS": "title written in capital letters",
    "SPAM_TERMS": "promotional padding that does not describe the product",
    "CONTACT_DETAILS": "contact details in the listing",
    "MISSING_PRODUCT_TYPE": "title does not name a product type",
    "HTML": "HTML markup in the listing text",
    "MODEL_LOW_CLARITY": "model: a shopper may not tell what the product is",
    "MODEL_LOW_CONCISENESS": "model: title padded, stuffed or missing key attributes",
    "UNSUPPORTED_LANGUAGE": "title not in English: the model does not judge it (no score, no flag)",
}


@dataclass(frozen=True)
class RuleConfig:
    """The contents of ``rules.yaml``."""

    thresholds: dict[str, float]
    heuristic: dict[str, float]
    stopwords: frozenset[str]
    spam_terms: tuple[str, ...]
    product_words: frozenset[str]
    product_phrases: tuple[str, ...]
    spam_pattern: re.Pattern[str]
    phrase_pattern: re.Pattern[str] | None = None  # " phrase " for any product phrase (one search)
    hyphen_pattern: re.Pattern[str] | None = None  # any hyphenated product word, as a substring


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> RuleConfig:
    """Read the rule configuration (cached)."""
    raw = yaml.safe_load(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    types = [str(t).lower().strip() for t in raw["product_types"]]
    spam = tuple(str(s).lower() for s in raw["spam_terms"])
    spam_pattern = re.compile(
        r"(?<![a-z0-9])(?:" + "|".join(re.escape(s) for s in sorted(spam, key=len, reverse=True)) + r")(?![a-z0-9])"
    )
    phrases = tuple(t for t in types if " " in t)
    hyphenated = sorted({t for t in types if "-" in t}, key=len, reverse=True)
    return RuleConfig(
        thresholds={k: float(v) for k, v in raw["thresholds"].items()},
        heuristic={k: float(v) for k, v in raw["heuristic"].items()},
        stopwords=frozenset(str(w).lower() for w in raw["stopwords"]),
        spam_terms=spam,
        product_words=frozenset(_stem(t) for t in types if " " not in t and "-" not in t)
        | frozenset(t for t in types if "-" in t),
        product_phrases=phrases,
        spam_pattern=spam_pattern,
        phrase_pattern=re.compile(" (?:" + "|".join(re.escape(p) for p in phrases) + ") ") if phrases else None,
        hyphen_pattern=re.compile("|".join(re.escape(t) for t in hyphenated)) if hyphenated else None,
    )


def _stem(word: str) -> str:
    """A crude plural stemmer: 'shoes' → 'shoe', 'boxes' → 'box', 'batteries' → 'battery'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words of ``text``."""
    return _WORD.findall(text.lower())


def repeated_words(title: str, rules: RuleConfig | None = None) -> dict[str, int]:
    """Content words (stemmed, no stopwords or numbers) occurring more than once, with counts."""
    rules = rules or load_rules()
    stems = [_stem(w.replace("'s", "")) for w in words(title)]
    content = [w for w in stems if len(w) > 1 and w not in rules.stopwords and not w.isdigit()]
    return {w: n for w, n in Counter(content).items() if n >= rules.thresholds["repeated_min"]}


def quotable_repeats(title: str, rules: RuleConfig | None = None) -> dict[str, int]:
    """The repeated words a reason may quote: those of the title with its personal data cut out.

    A repeated e-mail address or handle would otherwise be quoted piecewise ('jane' ×2) to any
    role that reads reasons; the count-based scores still use :func:`repeated_words`.
    """
    if not isinstance(title, str):
        return {}
    found = pii_scan.scan(title)
    if found:
        parts, pos = [], 0
        for f in found:
            parts.append(title[pos:f.start])
            pos = f.end
        title = " ".join([*parts, title[pos:]])
    return repeated_words(title, rules)


def heuristic_raw(title: str, rules: RuleConfig | None = None) -> float:
    """The plain length + repeated-word heuristic: higher means more likely padded or stuffed."""
    rules = rules or load_rules()
    if not isinstance(title, str) or not title.strip():
        return 10.0
    n_words = len(title.split())
    repeats = sum(n - 1 for n in repeated_words(title, rules).values())
    h = rules.heuristic
    return n_words / h["words_per_point"] + h["repeat_weight"] * repeats


def heuristic_scores(titles: list[str]) -> np.ndarray:
    """:func:`heuristic_raw` for many titles."""
    rules = load_rules()
    return np.array([heuristic_raw(t, rules) for t in titles], dtype=float)


def has_product_type(title: str, rules: RuleConfig | None = None) -> bool:
    """Does the title contain a noun that names a product type?"""
    rules = rules or load_rules()
    low = " " + " ".join(words(title.replace("-", " - "))) + " "
    if rules.phrase_pattern is not None and rules.phrase_pattern.search(low):
        return True
    if rules.hyphen_pattern is not None and rules.hyphen_pattern.search(title.lower()):
        return True
    return any(_stem(w) in rules.product_words or w in rules.product_words for w in words(title))


def _msg(code: str, detail: str = "") -> dict[str, str]:
    return {"code": code, "message": REASON_CODES[code] + (f" ({detail})" if detail else "")}


def rule_reasons(title: Any, description: Any = None) -> list[dict[str, str]]:
    """Reason codes the rules find in a title (and description), each ``{code, message}``.

    Messages never quote contact details: CONTACT_DETAILS names only the kind found.
    """
    rules = load_rules()
    th = rules.thresholds
    if not isinstance(title, str) or not title.strip():
        return [_msg("MISSING_TITLE")]
    desc = description if isinstance(description, str) else ""
    out: list[dict[str, str]] = []
    text = html.unescape(title)
    n_words, n_chars = len(text.split()), len(text.strip())
    if n_words < th["min_words"] or n_chars < th["min_chars"]:
        out.append(_msg("TOO_SHORT", f"{n_words} words, {n_chars} characters"))
    if n_words > th["max_words"] or n_chars > th["max_chars"]:
        out.append(_msg("TOO_LONG", f"{n_words} words, {n_chars} characters"))
    reps = quotable_repeats(text, rules)
    if reps:
        shown = ", ".join(f"'{w}' ×{n}" for w, n in sorted(reps.items(), key=lambda kv: -kv[1])[:4])
        out.append(_msg("REPEATED_WORDS", shown))
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= th["all_caps_min_letters"]:
        upper = sum(c.isupper() for c in letters) / len(letters)
        if upper >= th["all_caps_share"]:
            out.append(_msg("ALL_CAPS"))
    spam = sorted({m.group(0) for m in rules.spam_pattern.finditer(text.lower())})
    if spam:
        out.append(_msg("SPAM_TERMS", ", ".join(f"'{s}'" for s in spam[:4])))
    in_title = find_pii(title)
    kinds = sorted(set(in_title) | set(find_pii(desc)))
    if kinds:
        where = "title" if in_title else "description"
        out.append(_msg("CONTACT_DETAILS", f"{'/'.join(kinds)} in the {where}"))
    if n_words >= 2 and not has_product_type(text, rules):
        out.append(_msg("MISSING_PRODUCT_TYPE"))
    if _HTML.search(title) or (desc and _HTML.search(desc)):
        out.append(_msg("HTML", "in the title" if _HTML.search(title) else "in the description"))
    return out
