"""Why did the model flag a title? Word occlusion: remove one word at a time and see how much
the low-quality score drops. A word's weight is the drop in log-odds,
``logit(score(title)) - logit(score(title without it))`` (log-odds, so that words still count
when the score is saturated near 1); positive weights are the words that made the title look
low quality.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from governance.privacy import contains_pii, scrub_text

_EDGE_PUNCT = re.compile(r"^[^\w#%&$]+|[^\w%)]+$")


def display_token(word: str) -> str | None:
    """The word as shown to users: trimmed of edge punctuation, never a contact detail."""
    w = _EDGE_PUNCT.sub("", word)
    if not w:
        return None
    if contains_pii(w) or scrub_text(w) != w or (sum(c.isdigit() for c in w) >= 7):
        return "[contact]" if contains_pii(w) or scrub_text(w) != w else "[number]"
    return w


def occlusion(model: Any, titles: Sequence[str], base_scores: Sequence[float] | None = None,
              top_k: int = 5, max_words: int = 24, batch_size: int = 128) -> list[list[dict[str, Any]]]:
    """Top ``top_k`` words per title by occlusion weight on the low-quality score.

    ``model`` is a :class:`~assess.listing.model.ListingModel` (fp32 or quantized);
    ``base_scores`` is accepted for compatibility and not needed (log-odds are recomputed).
    Returns, per title, a list of ``{"token", "weight"}`` with positive weights, largest first.
    """
    variants: list[str] = []
    owners: list[tuple[int, int]] = []
    split = [t.split() if isinstance(t, str) else [] for t in titles]
    for i, words in enumerate(split):
        for j in range(min(len(words), max_words)):
            variants.append(" ".join(words[:j] + words[j + 1 :]))
            owners.append((i, j))
    if not variants:
        return [[] for _ in titles]
    scores = model.low_quality_logodds(variants, batch_size=batch_size)
    base = model.low_quality_logodds(list(titles), batch_size=batch_size)
    weights: list[dict[int, float]] = [{} for _ in titles]
    for (i, j), s in zip(owners, scores, strict=True):
        weights[i][j] = float(base[i]) - float(s)
    out: list[list[dict[str, Any]]] = []
    for i, words in enumerate(split):
        ranked = sorted(weights[i].items(), key=lambda kv: -kv[1])
        seen: set[str] = set()
        top: list[dict[str, Any]] = []
        for j, w in ranked:
            if w <= 1e-3 or len(top) >= top_k:
                break
            tok = display_token(words[j])
            if tok is None or tok.lower() in seen:
                continue
            seen.add(tok.lower())
            top.append({"token": tok, "weight": round(float(np.round(w, 4)), 4)})
        out.append(top)
    return out
