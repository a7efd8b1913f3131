"""What every command shares: exit codes, the error-to-exit-code runner, options, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from governance.errors import ShopgovError, UsageError
from governance.paths import Home, get_home

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

console = Console(stderr=True)

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="Home folder for the warehouse and results [env: SHOPGOV_HOME; default ./shopgov-home]."),
]
JsonOption = Annotated[
    str | None, typer.Option("--json", help="Write a JSON summary to this file ('-' for stdout).")
]


def plain(message: object) -> None:
    """Print a message as it is: no rich markup (paths and data values may contain ``[...]``)."""
    console.print(str(message), markup=False, highlight=False, soft_wrap=True)


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
        console.print(f"[red]usage error:[/red] {escape(str(e))}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    except ShopgovError as e:
        console.print(f"[red]error:[/red] {escape(str(e))}", highlight=False)
        raise typer.Exit(EXIT_ERROR) from None
    raise typer.Exit(code or EXIT_OK)
