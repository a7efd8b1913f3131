"""Modules imported on first use instead of when a library that never uses them is imported.

GX imports ``scipy.stats`` and ``altair`` at import time for two distribution expectations
(KL divergence, KS test) and their charts, which shopgov's suites do not use: 1.2 of the
3.5-4.3 s that ``import great_expectations`` takes on 2 cores, paid by every ``shopgov
check``. :func:`defer` puts a stand-in module in ``sys.modules`` that imports the real one
the first time any of its attributes is read, and then hands every attribute over, so code
that does use them (an expectation, scikit-learn) works unchanged.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import types

#: Imported by GX at import time, used by none of shopgov's code paths unless a suite asks.
DEFERRED = ("scipy.stats", "altair")


def defer(name: str) -> None:
    """Make ``import name`` cheap until an attribute of it is used (no-op if already imported
    or not installed)."""
    if name in sys.modules:
        return
    spec = _find_spec(name)
    if spec is None:
        return
    stub = types.ModuleType(name, f"{name}: imported on first use (governance.deferred_imports)")
    stub.__spec__ = spec  # what the import system asks a module in sys.modules for, without loading it

    def __getattr__(attr: str) -> object:
        real = sys.modules.get(name)
        if real is None or real is stub:
            del sys.modules[name]
            try:
                real = importlib.import_module(name)
            except BaseException:
                sys.modules.setdefault(name, stub)
                raise
        return getattr(real, attr)

    stub.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[name] = stub


def _find_spec(name: str) -> importlib.machinery.ModuleSpec | None:
    """The spec of ``name`` without importing anything (``importlib.util.find_spec`` of a
    submodule imports its package: ``scipy``, and with it numpy, 0.7 s on every command)."""
    parent, _, _ = name.rpartition(".")
    try:
        if not parent:
            return importlib.util.find_spec(name)
        loaded = sys.modules.get(parent)
        where = getattr(loaded, "__path__", None) if loaded is not None else None
        if where is None:
            pspec = _find_spec(parent)
            where = pspec.submodule_search_locations if pspec is not None else None
        return importlib.machinery.PathFinder.find_spec(name, where) if where else None
    except (ImportError, ValueError):
        return None


def defer_all() -> None:
    for name in DEFERRED:
        defer(name)


def assume_absent(name: str) -> bool:
    """For a process that will never use ``name``: libraries imported from now on see it as not
    installed (``import name`` raises ImportError), so they skip their optional support for it.

    ``shopgov check`` on DuckDB calls it for ``pyspark``: GX imports pyspark and its ML and
    Connect modules at import time for its Spark data sources (0.4 s of every check run), and
    runs as it does where pyspark is not installed. Not for a library caller that may run the
    Spark engine later in the same process. Returns whether ``name`` is now absent (False if it
    was already imported).
    """
    if name in sys.modules:
        return sys.modules[name] is None
    sys.modules[name] = None  # type: ignore[assignment]
    return True
