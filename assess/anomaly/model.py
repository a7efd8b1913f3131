"""The anomaly model artefact: train on generated behaviour, save/load under ``models/anomaly``.

Layout: ``<home>/models/anomaly/<version>/`` holds ``detectors.joblib`` (scikit-learn parts and
the clean reference), ``gru.pt`` (the sequence model's weights) and ``meta.json``;
``models/anomaly/LATEST`` names the newest version. Without a trained model, scoring trains
a small default one on the fly (about half a minute on two cores) and keeps it in memory.
"""

from __future__ import annotations

import functools
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import torch

from governance.errors import ShopgovError
from governance.paths import Home
from governance.samplegen.automation import generate

from .detectors import Detectors, fit
from .sequence import SequenceNet
from .sessions import prepare, session_features

LATEST = "LATEST"
DEFAULT_EVENTS = 100_000


def models_dir(home: Home) -> Path:
    return home.models / "anomaly"


def train(n_events: int = DEFAULT_EVENTS, seed: int = 7, target_far: float = 0.01,
          gru_epochs: int = 4, units: dict[str, int] | None = None) -> Detectors:
    """Fit every detector on generator sessions with injected automation."""
    started = time.perf_counter()
    events, labels = generate(n_events=n_events, seed=seed, units=units,
                              n_products=max(1_000, min(5_000, n_events // 20)))
    ev = prepare(events, "generated events")
    feats = session_features(ev)
    kinds = pd.Series(ev.session_ids).map(labels.set_index("session_id")["kind"]).fillna("human").to_numpy()
    det = fit(ev, feats, kinds, target_far=target_far, seed=seed, gru_epochs=gru_epochs)
    det.info.update({"n_events": int(len(events)), "seed": seed, "generator": "governance.samplegen.automation",
                     "train_seconds": round(time.perf_counter() - started, 1)})
    return det


def save(det: Detectors, home: Home, version: str | None = None) -> Path:
    """Write ``det`` as a new version and point LATEST at it; returns its folder."""
    version = version or datetime.now(UTC).strftime("anomaly-%Y%m%d-%H%M%S")
    folder = models_dir(home) / version
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(det.gru.state_dict(), folder / "gru.pt")
    gru, det.gru = det.gru, None  # type: ignore[assignment]
    try:
        joblib.dump(det, folder / "detectors.joblib")
    finally:
        det.gru = gru
    meta = {"version": version, "threshold": det.threshold, "target_far": det.target_far, **det.info}
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    (models_dir(home) / LATEST).write_text(version + "\n", encoding="utf-8")
    return folder


def load(folder: Path) -> Detectors:
    try:
        det: Detectors = joblib.load(folder / "detectors.joblib")
        net = SequenceNet()
        net.load_state_dict(torch.load(folder / "gru.pt", weights_only=True))
    except (OSError, EOFError, ValueError, RuntimeError) as e:
        raise ShopgovError(f"{folder}: cannot load the anomaly model ({e}); retrain it") from None
    net.eval()
    det.gru = net
    det.info["version"] = folder.name
    return det


def latest(home: Home | None) -> Path | None:
    """Folder of the newest saved model of ``home``, or None."""
    if home is None:
        return None
    pointer = models_dir(home) / LATEST
    if not pointer.exists():
        return None
    folder = models_dir(home) / pointer.read_text(encoding="utf-8").strip()
    return folder if (folder / "detectors.joblib").exists() else None


@functools.lru_cache(maxsize=1)
def default_model() -> Detectors:
    """A small model trained on the fly (cached per process) when no home has one."""
    det = train()
    det.info["version"] = "default-untrained-home"
    return det


def get_model(home: Home | None = None) -> Detectors:
    """The home's latest saved model, else the on-the-fly default."""
    folder = latest(home)
    return load(folder) if folder else default_model()


def version_of(det: Detectors) -> str:
    return str(det.info.get("version", "unsaved"))


def describe(det: Detectors) -> dict[str, Any]:
    return {"version": version_of(det), "threshold": round(float(det.threshold), 4), "target_far": det.target_far,
            "reference_sessions": int(len(det.reference.get("rules", np.zeros(0))))}
