"""The README stays honest: its worked example validates, its module table names real files."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import yaml

from governance.catalog import CatalogSpec
from governance.check_suites import SuiteSpec

README = Path(__file__).resolve().parents[1] / "README.md"


def _yaml_blocks() -> list[str]:
    return [textwrap.dedent(b) for b in re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)]


def test_worked_example_catalog_and_suite_validate():
    blocks = _yaml_blocks()
    catalog = next(b for b in blocks if "search_queries:" in b and "columns:" in b)
    spec = CatalogSpec.model_validate(yaml.safe_load(catalog))
    assert spec.tables["search_queries"].columns["user_id"].pii == "indirect"
    suite = next(b for b in blocks if b.lstrip().startswith("suite: search_queries"))
    assert len(SuiteSpec.model_validate(yaml.safe_load(suite)).expectations) == 2


def test_module_table_names_existing_files():
    root = README.parent
    paths = re.findall(r"\| `((?:governance|assess|dashboard)/[\w/]+\.py)` \|", README.read_text(encoding="utf-8"))
    assert len(paths) >= 10
    missing = [p for p in paths if not (root / p).is_file()]
    assert not missing


def test_no_merge_markers_left():
    root = README.parent
    for p in [README, *root.glob("docs/*.md"), *root.glob("governance/**/*.py"), *root.glob("assess/**/*.py"),
              *root.glob("dashboard/**/*.py")]:
        text = p.read_text(encoding="utf-8")
        assert not re.search(r"^(<<<<<<<|>>>>>>>) ", text, re.M), p


def test_benchmark_commands_name_existing_modules():
    """Every `python -m bench.X` the README and docs/ give is a module of bench/."""
    root = README.parent
    text = "".join(p.read_text(encoding="utf-8") for p in [README, *sorted(root.glob("docs/*.md"))])
    modules = re.findall(r"python -m bench\.(\w+)", text)
    assert len(modules) >= 5
    assert [m for m in modules if not (root / "bench" / f"{m}.py").is_file()] == []
