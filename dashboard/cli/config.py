"""``shopgov config init|validate|diff``: the home's configuration folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from .common import (
    EXIT_OK,
    EXIT_USAGE,
    HomeOption,
    JsonOption,
    console,
    resolve_home,
    run,
    write_json,
)


def _users(path: Path, home: Any) -> tuple[Any, list[str]]:
    from dashboard.users import load_users

    return load_users(home), []


def config_init(home: HomeOption = None, json_out: JsonOption = None) -> None:
    """Copy the bundled configuration into $SHOPGOV_HOME/config/ (never overwriting an edited file)."""

    def body() -> int:
        from governance.config import init_config

        h = resolve_home(home)
        h.ensure()
        actions = init_config(h)
        for a in actions:
            console.print(f"{a.action:>9}  {escape(str(h.config / a.name))}", highlight=False)
        write_json(json_out, {"config": str(h.config), "files": [a.__dict__ for a in actions]})
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def config_validate(home: HomeOption = None, json_out: JsonOption = None) -> None:
    """Validate every configuration file in effect (exit 2 naming file, line and key on a problem)."""

    def body() -> int:
        from assess.configuration import validate_config

        h = resolve_home(home)
        report = validate_config(h, extra={"users.yaml": _users})
        for f in report.files:
            mark = "[green]ok     [/green]" if f.ok else "[red]invalid[/red]"
            origin = "home" if f.source == "home" else "bundled default"
            console.print(f"{mark}  {escape(f.name)}  [dim]({origin})[/dim]", highlight=False, soft_wrap=True)
            for p in f.problems:
                console.print(f"           {escape(p)}", highlight=False, soft_wrap=True)
            for n in f.notes:
                console.print(f"           [yellow]note:[/yellow] {escape(n)}", highlight=False, soft_wrap=True)
        write_json(json_out, report.to_json())
        if not report.ok:
            console.print(f"[red]invalid configuration[/red]: {len(report.problems)} problem(s)", highlight=False)
            return EXIT_USAGE
        console.print(f"configuration valid: {len(report.files)} file(s)", highlight=False)
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def config_diff(home: HomeOption = None, json_out: JsonOption = None) -> None:
    """Show what the home's configuration changes against the bundled defaults (unified diff)."""

    def body() -> int:
        from governance.config import diff_config

        h = resolve_home(home)
        diffs = diff_config(h)
        if not diffs:
            console.print("the configuration in effect is the bundled default", highlight=False)
        for d in diffs:
            console.print(f"[bold]{d.status}[/bold] {escape(d.name)}", highlight=False)
            if d.diff:
                typer.echo(d.diff, nl=not d.diff.endswith("\n"))
        write_json(json_out, {"differences": [d.__dict__ for d in diffs]})
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def register(app: typer.Typer) -> None:
    """The ``config`` group: init, validate, diff."""
    group = typer.Typer(help="The configuration folder $SHOPGOV_HOME/config/ (catalog, suites, roles, "
                             "maturity calibration, notifications, mappings).", no_args_is_help=True)
    group.command("init")(config_init)
    group.command("validate")(config_validate)
    group.command("diff")(config_diff)
    app.add_typer(group, name="config")
