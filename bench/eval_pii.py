"""Precision and recall of the personal-data scanner per kind, on bench/pii_corpus.jsonl.

A labelled value counts as found (true positive) when a finding of the same kind overlaps
it; a finding that overlaps no labelled value of its kind is a false positive. When
``presidio-analyzer`` is importable (the ``pii-bench`` extra, or ``--presidio-path DIR`` where
it was pip-installed with ``--target``), its pattern recognizers run on the same corpus
(instantiated directly, ``analyze(text, entities, nlp_artifacts=None)``: no spaCy model).

    python bench/eval_pii.py [--presidio-path /tmp/presidio-site] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from governance.pii_scan import KINDS, scan  # noqa: E402

CORPUS = Path(__file__).with_name("pii_corpus.jsonl")
Span = tuple[str, int, int]  # kind, start, end


def load() -> list[dict]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in rows:
        spans = []
        for lab in r["labels"]:
            at = r["text"].find(lab["value"])
            assert at >= 0, f"row {r['id']}: label {lab['value']!r} not in its text"
            spans.append((lab["kind"], at, at + len(lab["value"])))
        r["gold"] = spans
    return rows


def shopgov(text: str) -> list[Span]:
    return [(f.kind, f.start, f.end) for f in scan(text)]


PRESIDIO_KINDS = {"EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "CREDIT_CARD": "bank-card",
                  "IP_ADDRESS": "ip", "URL": "url-token"}


def presidio(path: str | None) -> Callable[[str], list[Span]] | None:
    """Presidio's pattern recognizers as a detector, or None when it is not installed."""
    if path:
        sys.path.append(path)  # after the project's own packages: only what they lack comes from there
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # no network: it falls back to its snapshot
    try:
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IpRecognizer,
            PhoneRecognizer,
            UrlRecognizer,
        )
    except ImportError:
        return None
    recs = [(EmailRecognizer(), ["EMAIL_ADDRESS"]), (PhoneRecognizer(supported_regions=("US", "UK", "DE", "CN", "FR", "JP", "AU")), ["PHONE_NUMBER"]),
            (CreditCardRecognizer(), ["CREDIT_CARD"]), (IpRecognizer(), ["IP_ADDRESS"]), (UrlRecognizer(), ["URL"])]

    def detect(text: str) -> list[Span]:
        out = []
        for rec, entities in recs:
            for r in rec.analyze(text, entities, nlp_artifacts=None) or []:
                out.append((PRESIDIO_KINDS[r.entity_type], r.start, r.end))
        return out

    return detect


def evaluate(rows: list[dict], detect: Callable[[str], list[Span]]) -> tuple[dict[str, dict[str, int]], float]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "gold": 0})
    t0 = time.perf_counter()
    for r in rows:
        pred = detect(r["text"])
        for kind, s, e in r["gold"]:
            counts[kind]["gold"] += 1
            hit = any(k == kind and ps < e and s < pe for k, ps, pe in pred)
            counts[kind]["tp" if hit else "fn"] += 1
        for kind, ps, pe in pred:
            if not any(k == kind and ps < e and s < pe for k, s, e in r["gold"]):
                counts[kind]["fp"] += 1
    return counts, time.perf_counter() - t0


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "—"


def table(counts: dict[str, dict[str, int]], kinds: tuple[str, ...]) -> list[str]:
    lines = ["| kind | labelled | TP | FP | FN | precision | recall |", "|---|---:|---:|---:|---:|---:|---:|"]
    tot = {"tp": 0, "fp": 0, "fn": 0, "gold": 0}
    for k in kinds:
        c = counts.get(k, {"tp": 0, "fp": 0, "fn": 0, "gold": 0})
        for key in tot:
            tot[key] += c[key]
        lines.append(f"| {k} | {c['gold']} | {c['tp']} | {c['fp']} | {c['fn']} | "
                     f"{_ratio(c['tp'], c['tp'] + c['fp'])} | {_ratio(c['tp'], c['tp'] + c['fn'])} |")
    lines.append(f"| **all** | {tot['gold']} | {tot['tp']} | {tot['fp']} | {tot['fn']} | "
                 f"{_ratio(tot['tp'], tot['tp'] + tot['fp'])} | {_ratio(tot['tp'], tot['tp'] + tot['fn'])} |")
    return lines


def negatives(rows: list[dict], detect: Callable[[str], list[Span]]) -> list[str]:
    """False positives per negative family (rows without any personal data)."""
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if not r["labels"]:
            by[r["group"]][0] += 1
            by[r["group"]][1] += bool(detect(r["text"]))
    return [f"{g}: {n_fp}/{n}" for g, (n, n_fp) in sorted(by.items())]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presidio-path", help="a folder where presidio-analyzer was pip-installed with --target")
    ap.add_argument("--markdown", type=Path, help="also write the tables to this file")
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()
    rows = load()
    n_pos, n_neg = sum(1 for r in rows if r["labels"]), sum(1 for r in rows if not r["labels"])
    out = [f"corpus: {CORPUS.name}, {len(rows)} texts ({n_pos} with personal data, {n_neg} tricky negatives)", ""]
    ours, secs = evaluate(rows, shopgov)
    out += [f"### shopgov scanner ({secs * 1000 / len(rows):.2f} ms/text)", "", *table(ours, KINDS), "",
            "texts without personal data flagged, per family: " + ", ".join(negatives(rows, shopgov)), ""]
    if args.show_errors:
        for r in rows:
            pred = shopgov(r["text"])
            gold = {(k, s, e) for k, s, e in r["gold"]}
            miss = [g for g in gold if not any(k == g[0] and ps < g[2] and g[1] < pe for k, ps, pe in pred)]
            extra = [p for p in pred if not any(k == p[0] and p[1] < e and s < p[2] for k, s, e in gold)]
            if miss or extra:
                print(f"  {r['group']}: {r['text']!r} missed={miss} extra={[(k, r['text'][s:e]) for k, s, e in extra]}")
    detect = presidio(args.presidio_path)
    if detect is None:
        out.append("presidio-analyzer is not installed: no comparison (pip install presidio-analyzer)")
    else:
        theirs, secs = evaluate(rows, detect)
        out += [f"### Presidio pattern recognizers ({secs * 1000 / len(rows):.2f} ms/text; "
                "email, phone, credit card, IP, URL; no Chinese ID, WeChat, QQ or address recognizer)", "",
                *table(theirs, KINDS), "",
                "texts without personal data flagged, per family: " + ", ".join(negatives(rows, detect)), ""]
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
