"""Compute an assessment: collect evidence, score every domain, explain, and store it."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from governance.config import DEFAULTS, fingerprint, resolve
from governance.paths import Home

from . import explain, store
from .config import MaturityModel, load_model
from .evidence import Sources, collect_measured, quality_trend
from .questionnaire import (
    Answers,
    default_answers_path,
    evidence_dir,
    load_answers,
    questionnaire_evidence,
)
from .scoring import score_domain, score_overall

Progress = Callable[[str], None]


def _previous_summary(tree: dict[str, Any] | None) -> dict[str, Any] | None:
    if not tree:
        return None
    return {
        "assessment_id": tree["assessment_id"], "created_at": tree["created_at"],
        "config_sha256": tree.get("config_sha256"),
        "overall_score": tree["overall"]["score"], "overall_level": tree["overall"]["level"],
        "domains": {d["id"]: {"score": d["score"], "level": d["level"]} for d in tree["domains"]},
    }


def model_origin(home: Home, model: MaturityModel) -> str:
    """Where the model came from: ``config/maturity.yaml`` (the home's own calibration),
    ``default/maturity.yaml`` (bundled), or the name of a file given explicitly."""
    src = Path(model.source).resolve()
    if src.parent == home.config.resolve():
        return f"config/{src.name}"
    if src.parent == DEFAULTS.resolve():
        return f"default/{src.name}"
    return src.name  # a file given explicitly (its name only: reports travel)


def config_fingerprint(home: Home, model: MaturityModel) -> str:
    """sha256 of the whole configuration in effect for an assessment of ``home``.

    :func:`governance.config.fingerprint` covers every configuration file the home resolves
    (catalog, suites, roles, maturity model, ...); a model file given explicitly instead of
    the home's is folded in too.
    """
    fp = fingerprint(home)
    if Path(model.source).resolve() == resolve(home, "maturity.yaml").resolve():
        return fp
    return hashlib.sha256(f"{fp}\nmaturity.yaml override\0{model.sha256}\n".encode()).hexdigest()


def compute_assessment(
    home: Home,
    model: MaturityModel | None = None,
    answers: Answers | None = None,
    *,
    answers_path: str | Path | None = None,
    previous: dict[str, Any] | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The full explanation tree of a fresh assessment (not stored)."""
    say = progress or (lambda _msg: None)
    model = model or load_model(home)
    if answers is None:
        path = answers_path if answers_path is not None else default_answers_path(home)
        answers = load_answers(path, model, evidence_dir(home))
    say("collecting evidence from results and catalog")
    src, reader = Sources.open(home)
    try:
        evidence = collect_measured(src, model)
        sources = src.summary()
        trend = quality_trend(src)
    finally:
        reader.close()
    say("reading questionnaire answers")
    evidence.update(questionnaire_evidence(model, answers, evidence_dir(home)))
    values = {k: e.value for k, e in evidence.items()}
    say("scoring domains")
    results = {d.id: score_domain(d, values, model.provisional_below_coverage) for d in model.domains}
    overall = score_overall(list(results.values()), model.overall_level_rule)
    prev = _previous_summary(previous)
    domains = [
        explain.domain_node(model, d, results[d.id], values, evidence,
                            prev["domains"].get(d.id) if prev else None)
        for d in model.domains
    ]
    created = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    statements = sum(len(it.statements) for _, it in model.items)
    return {
        "assessment_id": f"a-{created:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}",
        "created_at": created.isoformat(sep=" "),
        "standard": model.standard,
        "model_version": model.model_version,
        "config_sha256": config_fingerprint(home, model),
        "model_sha256": model.sha256,
        "config_source": model_origin(home, model),
        "disclaimer": model.disclaimer,
        "levels": {str(k): v for k, v in model.levels.items()},
        "method": dict(explain.METHOD, provisional_below_coverage=model.provisional_below_coverage,
                       overall_level_rule=model.overall_level_rule,
                       answer_values=model.answers, unevidenced_answer=model.unevidenced_answer),
        "overall": explain.overall_node(model, overall),
        "domains": domains,
        "top_recommendations": explain.top_recommendations(domains),
        "questionnaire": {
            "file": Path(answers.source).name if answers.source else None, "sha256": answers.sha256,
            "answered": answers.answered, "statements": statements,
        },
        "sources": sources,
        "quality_trend": trend,
        "previous": prev,
    }


def run_assessment(
    home: Home,
    *,
    model_path: str | Path | None = None,
    answers_path: str | Path | None = None,
    save: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Compute an assessment against the latest evidence and (by default) store it.

    The maturity model is the home's (``config/maturity.yaml``, else the bundled default)
    unless ``model_path`` names another file.
    """
    model = load_model(model_path if model_path is not None else home)
    previous = store.load_assessment(home)
    tree = compute_assessment(home, model, answers_path=answers_path, previous=previous, progress=progress)
    if save:
        if progress:
            progress("storing the assessment in results.duckdb")
        store.save_assessment(home, tree)
    return tree


def summary(tree: dict[str, Any]) -> dict[str, Any]:
    """The short machine-readable summary the CLI writes with ``--json``."""
    return {
        "assessment_id": tree["assessment_id"], "created_at": tree["created_at"], "standard": tree["standard"],
        "config_sha256": tree["config_sha256"], "model_sha256": tree.get("model_sha256"),
        "config_source": tree.get("config_source"), "overall_score": tree["overall"]["score"],
        "overall_level": tree["overall"]["level"], "provisional": tree["overall"]["provisional"],
        "domains": [{"id": d["id"], "name_en": d["name_en"], "name_zh": d["name_zh"], "score": d["score"],
                     "level": d["level"], "target_level": d["target_level"], "gap": d["gap"],
                     "coverage": d["coverage"], "provisional": d["provisional"]} for d in tree["domains"]],
        "disclaimer": tree["disclaimer"]["en"],
    }
