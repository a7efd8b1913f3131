"""pyproject.toml declares exactly the third-party packages the shipped code imports."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("governance", "assess", "dashboard")
OPTIONAL_EXTRAS = ("spark",)  # pyspark: governance.spark_engine.require_pyspark names the extra


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules() -> dict[str, str]:
    """Top-level third-party module -> a file importing it (any import, also inside functions)."""
    found: dict[str, str] = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in PACKAGES:
                        found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_import_is_declared_and_every_dependency_imported():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_norm(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0]) for d in project["dependencies"]}
    # extras that shipped code may import (behind an ImportError that names the extra)
    optional = {_norm(re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0])
                for extra in OPTIONAL_EXTRAS for d in project["optional-dependencies"][extra]}
    dists = packages_distributions()
    used: set[str] = set()
    undeclared = []
    for module, where in _imported_modules().items():
        owners = {_norm(d) for d in dists.get(module, [module])}
        used |= owners & declared
        if not owners & (declared | optional):
            undeclared.append(f"{module} ({where}; distribution {', '.join(sorted(owners))})")
    assert not undeclared, "imported but not in pyproject dependencies: " + "; ".join(undeclared)
    assert declared - used == set(), "declared but never imported: " + ", ".join(sorted(declared - used))


def test_constraints_pin_every_dependency_and_agree_with_the_exact_pins():
    """``make setup`` installs with ``-c constraints.txt``: every dependency (and extra that
    make setup installs) has one exact version there, and pyproject's own exact pins agree."""
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            pinned[_norm(name)] = version.strip()
    wanted = [Requirement(d) for d in project["dependencies"]
              + [d for extra in ("dev", "spark") for d in project["optional-dependencies"][extra]]]
    missing = [str(r) for r in wanted if _norm(r.name) not in pinned and _norm(r.name) != "setuptools"]
    assert not missing, "not in constraints.txt (run `make lock`): " + ", ".join(missing)
    clash = [f"{r} vs {pinned[_norm(r.name)]}" for r in wanted
             if _norm(r.name) in pinned and not r.specifier.contains(pinned[_norm(r.name)], prereleases=True)]
    assert not clash, "constraints.txt disagrees with pyproject.toml: " + "; ".join(clash)
