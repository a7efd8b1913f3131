"""Where shopgov keeps its files: everything lives under one home folder; bundled data ships
inside the packages (:func:`bundled`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

DEFAULT_HOME = "shopgov-home"


@dataclass(frozen=True)
class Home:
    """The layout of a shopgov home folder (``$SHOPGOV_HOME``, default ``./shopgov-home``)."""

    root: Path

    @property
    def warehouse(self) -> Path:
        """Loaded data, the metadata catalog and the load audit log."""
        return self.root / "warehouse.duckdb"

    @property
    def results(self) -> Path:
        """Check runs, scores, listing flags and assessments (written by nightly jobs)."""
        return self.root / "results.duckdb"

    @property
    def lock(self) -> Path:
        return self.root / ".write.lock"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def data_docs(self) -> Path:
        return self.root / "data_docs"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def sample(self) -> Path:
        return self.root / "sample"

    @property
    def keys(self) -> Path:
        """This site's bundle signing key (``governance.bundle``; mode 0700, files 0600)."""
        return self.root / "keys"

    @property
    def config(self) -> Path:
        """User-editable configuration (users, notifications, questionnaire answers)."""
        return self.root / "config"

    def ensure(self) -> Home:
        for d in (self.root, self.models, self.data_docs, self.reports, self.logs, self.config):
            d.mkdir(parents=True, exist_ok=True)
        return self


def get_home(home: str | os.PathLike[str] | None = None) -> Home:
    """Resolve the home folder: explicit argument, then ``$SHOPGOV_HOME``, then ``./shopgov-home``."""
    raw = home if home is not None else os.environ.get("SHOPGOV_HOME", DEFAULT_HOME)
    return Home(Path(raw).expanduser().resolve())


def bundled(package: str, *parts: str) -> Path:
    """A data file or folder shipped inside ``package`` (e.g. ``bundled("governance", "catalog.yaml")``).

    Found through :mod:`importlib.resources`, so it works from a source tree, an editable install
    and an installed wheel alike. Only file-system installs are supported (pip never zips), so
    the result is a real :class:`~pathlib.Path`.
    """
    res = files(package).joinpath(*parts)
    if not isinstance(res, Path):
        raise RuntimeError(f"{package} is not installed as files on disk (zipped?); cannot read {'/'.join(parts)}")
    return res
