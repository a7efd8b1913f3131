"""What every command shares: exit codes, the error-to-exit-code runner, options, JSON output, the dashboard port."""

from __future__ import annotations

import json
import socket
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


class OutputNotWritable(ShopgovError):
    """A ``--json``/``--output`` target cannot be written (checked before any work is done)."""


def check_output(target: str | Path | None, option: str) -> None:
    """Make sure ``target`` can be written, before a command does (or commits) anything.

    The folder is created if needed; a file that did not exist is created and removed again
    (the only test that also holds for root and read-only file systems).
    """
    if target is None or str(target) in ("", "-"):
        return
    path = Path(target)
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "it is a folder", str(path))
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise NotADirectoryError(20, f"{blocker} is a file, not a folder", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        existed = path.exists()
        with open(path, "a", encoding="utf-8"):
            pass
        if not existed:
            path.unlink()
    except OSError as e:
        raise OutputNotWritable(f"cannot write {option} {path}: {e.strerror or e}") from None


def write_json(target: str | None, payload: Any) -> None:
    """Write ``payload`` as JSON to ``target`` (a path, or '-' for stdout)."""
    if not target:
        return
    text = json.dumps(payload, indent=2, default=str, ensure_ascii=False)
    if target == "-":
        sys.stdout.write(text + "\n")
        return
    try:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(text + "\n", encoding="utf-8")
    except OSError as e:
        raise OutputNotWritable(f"cannot write --json {target}: {e.strerror or e}") from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _error(message: str) -> None:
    console.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)


def _duckdb_errors() -> tuple[type[BaseException], ...]:
    """``duckdb.Error`` once DuckDB is loaded (not imported for ``--help``: a command that never
    loaded DuckDB cannot raise its errors)."""
    mod = sys.modules.get("duckdb")
    return (mod.Error,) if mod is not None else ()


def run(fn: Callable[[], int | None], outputs: dict[str, str | Path | None] | None = None) -> None:
    """Run a command body, mapping expected errors to exit codes and clear messages.

    ``outputs`` maps an option (``--json``, ``--output``) to its target: each is checked to be
    writable before ``fn`` runs, so a bad target never costs a load or a commit. An OS error
    (read-only home, full disk) or a DuckDB error (damaged file) is a runtime error: one line,
    exit 3.
    """
    try:
        for option, target in (outputs or {}).items():
            check_output(target, option)
        code = fn()
    except UsageError as e:
        console.print(f"[red]usage error:[/red] {escape(str(e))}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    except ShopgovError as e:
        _error(str(e))
        raise typer.Exit(EXIT_ERROR) from None
    except OSError as e:
        where = " → ".join(str(f) for f in (e.filename, e.filename2) if f)
        _error(_one_line(f"{where}: {e.strerror or e}" if where else str(e)))
        raise typer.Exit(EXIT_ERROR) from None
    except _duckdb_errors() as e:
        _error(_one_line(str(e).split("\n\n")[0]))
        raise typer.Exit(EXIT_ERROR) from None
    raise typer.Exit(code or EXIT_OK)


# ---------------------------------------------------------------- the dashboard's port
DEFAULT_PORT = 8501


def port_is_free(address: str, port: int) -> bool:
    """Whether a server could listen on ``address:port`` now (bound and released at once)."""
    try:
        family, kind, proto, _, sockaddr = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is free
            s.bind(sockaddr)
    except OSError:
        return False
    return True


def free_port(address: str, start: int = DEFAULT_PORT, tries: int = 20) -> int:
    """The first port from ``start`` that is free on ``address``; UsageError if none of ``tries`` is."""
    for port in range(start, min(start + tries, 65536)):
        if port_is_free(address, port):
            return port
    raise UsageError(f"ports {start}-{start + tries - 1} on {address} are all in use; choose one with --port")


def require_free_port(address: str, port: int) -> None:
    """UsageError naming the port when it is taken (Streamlit would only say "not available")."""
    if not port_is_free(address, port):
        raise UsageError(f"port {port} on {address} is already in use (another dashboard?); "
                         "stop that server or choose another port with --port")
