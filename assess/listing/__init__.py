"""Listing quality: a fine-tuned BERT (MiniLM-L6) that flags unclear or padded titles.

Modules: ``data`` (labelled sets), ``rules`` (reason codes, heuristic baseline), ``model``
(the two-output classifier), ``train`` (fine-tuning, calibration, saving), ``evaluate``
(metrics, baselines, robustness), ``explain`` (word occlusion), ``score`` (batch scoring of
files and the warehouse), ``card`` (model cards).
"""
