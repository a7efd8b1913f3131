"""DCMM-aligned (GB/T 36073-2018) maturity assessment with traceable scores.

The model is declared in ``maturity.yaml`` (a home's ``config/``, else the bundled default);
thresholds there are shopgov's calibration, not official DCMM certification rules.
"""

from .assessment import compute_assessment, run_assessment, summary
from .config import MaturityModel, load_model
from .questionnaire import Answers, load_answers, save_answers, write_template
from .store import domain_history, list_assessments, load_assessment

__all__ = [
    "Answers",
    "MaturityModel",
    "compute_assessment",
    "domain_history",
    "list_assessments",
    "load_answers",
    "load_assessment",
    "load_model",
    "run_assessment",
    "save_answers",
    "summary",
    "write_template",
]
