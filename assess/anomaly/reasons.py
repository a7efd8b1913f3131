"""The vocabulary of anomaly reasons: rule codes and what each means (the one owner).

Plain data, no numpy: the dashboard imports it to label reasons without loading the detectors.
"""

from __future__ import annotations

RULES: dict[str, str] = {
    "HIGH_RATE": "more than 40 events a minute",
    "SUBSECOND_GAPS": "most gaps between events under one second",
    "REGULAR_TIMING": "near-constant time between events (coefficient of variation < 0.12)",
    "ID_WALK": "walks item ids in order with small steps (catalogue crawl)",
    "CATALOGUE_SWEEP": "40+ distinct items, no repeats, no cart or purchase",
    "PURCHASE_WITHOUT_VIEW": "buys an item the account never viewed, carted or saved before",
    "CAMPAIGN_BURST": "its items got a burst of sessions in one hour (coordinated campaign)",
    "COHORT": "more other accounts' sessions with the same item set within an hour than the set's usual rate",
    "REPLAY": "the same event sequence with the same timing as sessions of other accounts",
    "BRUSHING": "many orders per buyer, or an order burst, at one shop in one hour",
}
REASONS: dict[str, str] = {**RULES, "ISOLATED": "an unusual combination of features (Isolation Forest on the batch)"}
