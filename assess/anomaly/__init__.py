"""Behaviour anomaly detection: bots, click farms, campaigns, replays and order brushing.

``sessions`` (sessionise + features) -> ``detectors`` (rules, Isolation Forest, GBM, ensemble;
the GRU in ``sequence``, the only module that needs torch; reason codes in ``reasons``) ->
``model`` (train/save/load) -> ``score`` (frames and files) -> ``store`` (results.duckdb).
Entry points: :func:`score_events`, :func:`score_file`, :func:`write_run`.
"""

from .score import score_events, score_file
from .store import write_run

__all__ = ["score_events", "score_file", "write_run"]
