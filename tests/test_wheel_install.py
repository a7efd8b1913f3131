"""The built wheel works on its own: installed into a fresh environment, away from the source tree.

The sources are copied to a temporary folder (no build artefacts land in the repository), built
into a wheel with ``pip wheel`` and installed with pip into a new ``venv --without-pip``. The
dependencies are not installed again: a ``.pth`` file adds the running environment's
site-packages *after* the new one, without processing its ``.pth`` files, so the editable
shopgov of the test environment stays invisible. Every command then runs from a folder outside
the repository with ``PYTHONPATH`` unset, and the tests assert that shopgov is imported from
the temporary install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("governance", "assess", "dashboard")
SOURCES = ("pyproject.toml", "README.md", *PACKAGES)
TIMEOUT = 300  # seconds per command; a hang fails the test instead of blocking CI


@dataclass(frozen=True)
class Install:
    wheel: Path
    venv: Path
    python: Path
    shopgov: Path
    cwd: Path
    env: dict[str, str]


def _clean_env() -> dict[str, str]:
    drop = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("SHOPGOV_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", SHOPGOV_THREADS="1", NO_COLOR="1")
    return env


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert proc.returncode in ok, (f"{' '.join(map(str, args))} exited {proc.returncode}\n"
                                   f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}")
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Install:
    work = tmp_path_factory.mktemp("wheel")
    env = _clean_env()
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)

    # --no-build-isolation: build with this environment's setuptools (no network needed)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
          "-w", work / "dist", src], cwd=work, env=env)
    (wheel,) = (work / "dist").glob("shopgov-*.whl")

    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=work, env=env)
    python = venv / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=work, env=env).stdout.strip())
    deps = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "_shopgov_test_deps.pth").write_text("".join(f"{p}\n" for p in deps), encoding="utf-8")
    # pip (from the dependency path) installs into the new venv; --ignore-installed leaves the
    # test environment's editable shopgov alone
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed",
          "--no-warn-script-location", "-q", wheel], cwd=work, env=env)
    cwd = work / "run"
    cwd.mkdir()
    return Install(wheel, venv, python, venv / "bin" / "shopgov", cwd, env)


def _inside(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def test_wheel_ships_every_file_of_the_packages(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    expected = {p.relative_to(ROOT).as_posix() for pkg in PACKAGES for p in (ROOT / pkg).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert expected - names == set()
    assert "governance/samplegen/listing_titles.csv" in names
    assert not {n for n in names if n.startswith(("tests/", "bench/", "sample_data/"))}


def test_installed_wheel_runs_init_check_assess_report_and_dashboard(installed):
    py, sg, cwd, env = installed.python, installed.shopgov, installed.cwd, installed.env
    where = json.loads(_run([py, "-c", (
        "import json, assess, dashboard, governance\n"
        "from assess.listing import real_titles\n"
        "from assess.listing.data import DEFAULT_DATA, load_labelled\n"
        "from dashboard.cli.dashboard import APP_FILE\n"
        "print(json.dumps({'modules': [m.__file__ for m in (governance, assess, dashboard)],\n"
        "  'data': str(DEFAULT_DATA), 'rows': len(load_labelled()), 'app': str(APP_FILE),\n"
        "  'pages': sorted(p.name for p in APP_FILE.with_name('pages').glob('*.py')),\n"
        "  'shared': str(real_titles.find_dir())}))")], cwd=cwd, env=env).stdout)
    for path in [*where["modules"], where["data"], where["app"]]:
        assert _inside(path, installed.venv) and not _inside(path, ROOT), path
    assert where["rows"] > 1000 and where["pages"] and where["shared"] == "None"

    home = cwd / "home"
    _run([sg, "init", "--products", "500", "--events", "5000", "--home", home, "--json", "init.json"],
         cwd=cwd, env=env)
    loaded = json.loads((cwd / "init.json").read_text())["loaded"]
    assert loaded

    # checks may fail on the injected defects (1) but must run (not 2 or 3)
    _run([sg, "check", "--home", home, "--quiet", "--json", "check.json"], cwd=cwd, env=env, ok=(0, 1))
    check = json.loads((cwd / "check.json").read_text())
    assert check["n_expectations"] > 0 and check["expectations"] and "products" in check["suites"]

    _run([sg, "assess", "--home", home], cwd=cwd, env=env)
    _run([sg, "report", "--format", "json", "--home", home, "--json", "report.json"], cwd=cwd, env=env)
    report = Path(json.loads((cwd / "report.json").read_text())["output"])
    assert json.loads(report.read_text())
    _run([sg, "report", "--format", "html", "--home", home, "-o", "report.html"], cwd=cwd, env=env)
    assert "<html" in (cwd / "report.html").read_text(encoding="utf-8").lower()

    # the dashboard script streamlit runs, with its pages, from the installed package
    _run([py, "-c", (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "from dashboard import users\n"
        "from dashboard.cli.dashboard import APP_FILE\n"
        "from governance.paths import get_home\n"
        "users.add_user(get_home(sys.argv[1]), 'wheeltest', 'admin', 'wheel-test-password')\n"
        "at = AppTest.from_file(str(APP_FILE), default_timeout=60).run()\n"
        "at.text_input(key='login_name').input('wheeltest')\n"
        "at.text_input(key='login_password').input('wheel-test-password')\n"
        "at.button[0].click().run()\n"
        "at.switch_page('pages/quality.py').run()\n"
        "assert not at.exception, [e.message for e in at.exception]\n"), home],
         cwd=cwd, env={**env, "SHOPGOV_HOME": str(home)})


@pytest.mark.slow
def test_installed_wheel_trains_on_the_bundled_titles(installed):
    home = installed.cwd / "home-train"
    _run([installed.shopgov, "train", "--home", home, "--max-samples", "40", "--epochs", "1",
          "--max-length", "32", "--no-real-titles", "--json", "train.json"], cwd=installed.cwd, env=installed.env)
    card = json.loads((installed.cwd / "train.json").read_text())
    assert card["trained"] and (home / "models").is_dir()
    assert card["data"]["source"].endswith("listing_titles.csv") and _inside(card["data"]["source"], installed.venv)
