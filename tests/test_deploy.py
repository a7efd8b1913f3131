"""Static checks of the Docker deployment files (CI has no Docker daemon)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_dashboard_and_nightly_over_one_home():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"dashboard", "nightly"}
    for s in services.values():
        assert s["build"] == "." and s["volumes"] == ["shopgov-home:/data"]
        assert s["environment"]["SHOPGOV_HOME"] == "/data"
    assert services["dashboard"]["command"][:2] == ["shopgov", "dashboard"]
    assert services["nightly"]["command"] == ["shopgov-nightly"]
    assert "shopgov-home" in compose["volumes"]


def test_dockerfile_pins_the_cpu_torch_of_pyproject_and_copies_the_packages():
    docker = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    pin = re.search(r'"torch==([\d.]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8")).group(1)
    assert f'"torch=={pin}" --index-url' in docker
    for pkg in ("governance", "assess", "dashboard"):
        assert f"COPY {pkg} ./{pkg}" in docker
    assert "COPY docker/nightly.sh" in docker and "USER shopgov" in docker
    assert (ROOT / "docker" / "nightly.sh").stat().st_mode & 0o111


def test_nightly_script_is_valid_shell_using_real_commands():
    script = ROOT / "docker" / "nightly.sh"
    sh = shutil.which("sh")
    assert subprocess.run([sh, "-n", str(script)], capture_output=True).returncode == 0
    text = script.read_text(encoding="utf-8")
    from dashboard.cli import build_app

    app = build_app()
    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    for cmd in re.findall(r"\bshopgov ([a-z]+)", text):
        assert cmd in names, cmd
