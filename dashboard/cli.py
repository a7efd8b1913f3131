"""The ``shopgov`` command line: a thin layer over the library.

Exit codes, for every command: 0 = done / all checks passed, 1 = checks failed,
2 = usage error, 3 = runtime error. Commands that produce results accept ``--json FILE``
(``-`` for stdout) and write a machine-readable summary there.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from governance.errors import ShopgovError, UsageError
from governance.paths import Home, get_home

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3

console = Console(stderr=True)
app = typer.Typer(
    name="shopgov",
    help="Data governance and capability assessment for e-commerce search and recommendation data.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="Home folder for the warehouse and results [env: SHOPGOV_HOME; default ./shopgov-home]."),
]
JsonOption = Annotated[
    str | None, typer.Option("--json", help="Write a JSON summary to this file ('-' for stdout).")
]


def resolve_home(home: Path | None) -> Home:
    return get_home(home)


def write_json(target: str | None, payload: Any) -> None:
    """Write ``payload`` as JSON to ``target`` (a path, or '-' for stdout)."""
    if not target:
        return
    text = json.dumps(payload, indent=2, default=str, ensure_ascii=False)
    if target == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(text + "\n", encoding="utf-8")


def run(fn: Callable[[], int | None]) -> None:
    """Run a command body, mapping expected errors to exit codes and clear messages."""
    try:
        code = fn()
    except UsageError as e:
        console.print(f"[red]usage error:[/red] {e}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    except ShopgovError as e:
        console.print(f"[red]error:[/red] {e}", highlight=False)
        raise typer.Exit(EXIT_ERROR) from None
    raise typer.Exit(code or EXIT_OK)


def _register() -> None:
    # Each feature contributes its commands from its own module.
    from . import cmd_assess, cmd_check, cmd_dashboard, cmd_data, cmd_demo, cmd_model  # noqa: F401


def main() -> None:
    """Entry point of the ``shopgov`` console script."""
    _register()
    try:
        # with standalone_mode=False click *returns* the code of a typer.Exit instead of raising it
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        console.print("aborted")
        sys.exit(EXIT_ERROR)
    except Exception as e:
        # typer bundles its own click; recognise its usage errors by shape, not by class
        if hasattr(e, "show") and hasattr(e, "exit_code"):
            e.show()
            sys.exit(EXIT_USAGE)
        raise

if __name__ == "__main__":
    # `python -m dashboard.cli`: this file runs as __main__, but the commands register on the
    # app of the imported module dashboard.cli, so run that one.
    from dashboard.cli import main as _main

    _main()
