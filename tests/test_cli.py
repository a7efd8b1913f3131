"""The command line follows conventions: --help everywhere, exit codes, JSON summaries."""

import json
import socket
import subprocess
import sys

import pytest

COMMANDS = ["init", "sample", "ingest", "status", "check", "anomalies", "train", "flag", "assess", "report",
            "dashboard", "users", "demo", "pii", "bundle", "sites", "export"]


def shopgov(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_top_level_help_lists_every_command():
    r = shopgov("--help")
    assert r.returncode == 0
    for cmd in COMMANDS:
        assert cmd in r.stdout


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_command_has_help(cmd):
    r = shopgov(cmd, "--help")
    assert r.returncode == 0, r.stderr
    assert "Usage" in r.stdout


def test_unknown_command_and_bad_option_are_usage_errors():
    assert shopgov("no-such-command").returncode == 2
    assert shopgov("status", "--no-such-option").returncode == 2


def test_status_without_warehouse_is_a_runtime_error(tmp_path):
    r = shopgov("status", "--home", str(tmp_path / "empty"))
    assert r.returncode == 3
    assert "shopgov init" in r.stderr


def test_init_without_sample_then_status_json(tmp_path):
    home = tmp_path / "h"
    r = shopgov("init", "--no-sample", "--home", str(home), "--json", "-")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["warehouse_created"] is True
    r = shopgov("status", "--home", str(home), "--json", "-")
    assert r.returncode == 0, r.stderr
    st = json.loads(r.stdout)
    assert {t["table"] for t in st["tables"]} == {"categories", "sellers", "products", "events", "reviews"}
    assert all(t["rows"] == 0 for t in st["tables"])
    assert st["catalog_coverage"]["owners"] == 1.0


def test_commands_are_registered_explicitly_without_import_cycles():
    """Feature modules import only ``common`` and register when build_app() asks them to."""
    import ast
    from pathlib import Path

    import dashboard.cli as cli_pkg
    from dashboard.cli import build_app

    folder = Path(cli_pkg.__file__).parent
    for path in folder.glob("*.py"):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                target = "." * node.level + (node.module or "")
                assert target in (".common",) or node.level == 0, (path.name, target)
                assert not (node.module or "").startswith("dashboard.cli"), (path.name, node.module)
    a, b = build_app(), build_app()
    names = [c.name or c.callback.__name__ for c in a.registered_commands]
    assert names == [c.name or c.callback.__name__ for c in b.registered_commands]
    assert [g.name for g in a.registered_groups] == ["questionnaire", "incidents", "config", "export", "users", "sites"]
    assert {"assess", "report", "check", "anomalies", "dashboard", "init", "demo", "train", "flag"} <= set(names)


def test_main_leaves_the_garbage_collector_of_its_caller_alone(monkeypatch):
    """``shopgov`` skips CPython's last collection at exit (gc.freeze, ~1 s after a check run),
    but only at exit: a process that calls main() and goes on (a test, a scheduler) keeps
    collecting everything it had."""
    import gc

    from dashboard.cli import main

    monkeypatch.setattr(sys, "argv", ["shopgov", "--help"])
    before = gc.get_freeze_count()
    with pytest.raises(SystemExit) as e:
        main()
    assert e.value.code == 0
    assert gc.get_freeze_count() == before


@pytest.fixture
def taken_port():
    """A port some other server is listening on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_dashboard_on_a_taken_port_is_a_usage_error_naming_the_port(tmp_path, taken_port):
    r = shopgov("dashboard", "--port", str(taken_port), "--home", str(tmp_path / "h"))
    assert r.returncode == 2, r.stderr
    assert f"port {taken_port}" in r.stderr and "--port" in r.stderr
    assert "Traceback" not in r.stderr


def test_demo_refuses_a_taken_port_before_running_its_steps_and_otherwise_finds_a_free_one(tmp_path, taken_port):
    from dashboard.cli.common import free_port, port_is_free

    r = shopgov("demo", "--port", str(taken_port), "--home", str(tmp_path / "h"))
    assert r.returncode == 2, r.stderr
    assert f"port {taken_port}" in r.stderr
    assert not (tmp_path / "h" / "warehouse.duckdb").exists()  # nothing ran
    assert not port_is_free("127.0.0.1", taken_port)
    found = free_port("127.0.0.1", taken_port)
    assert found > taken_port and port_is_free("127.0.0.1", found)
