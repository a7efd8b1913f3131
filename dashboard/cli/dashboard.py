"""``shopgov dashboard``: serve the Streamlit app."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.markup import escape

from governance.paths import bundled

from .common import DEFAULT_PORT, EXIT_OK, HomeOption, console, require_free_port, resolve_home, run

APP_FILE = bundled("dashboard", "app.py")  # streamlit runs it as a script


def streamlit_command(port: int, address: str) -> list[str]:
    """The ``streamlit run`` command line that serves the dashboard (through :mod:`dashboard.serve`)."""
    return [
        sys.executable, "-m", "dashboard.serve", "run", str(APP_FILE),  # streamlit + a Starlette fix
        "--server.port", str(port), "--server.address", address, "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal", "--client.showErrorDetails", "type",
        "--server.enableXsrfProtection", "true", "--theme.base", "light",
        "--theme.primaryColor", "#1a73e8",
    ]


def dashboard(
    port: Annotated[int, typer.Option("--port", "-p", help="Port to serve on.", min=1, max=65535)] = DEFAULT_PORT,
    address: Annotated[str, typer.Option("--address", help="Address to bind (0.0.0.0 to serve the network).")] = "127.0.0.1",
    home: HomeOption = None,
) -> None:
    """Serve the dashboard (login required; create users with `shopgov users add`)."""

    def body() -> int:
        from dashboard.users import ensure_admin, load_users

        require_free_port(address, port)
        h = resolve_home(home)
        h.ensure()
        if not load_users(h):
            password = ensure_admin(h)
            console.print(
                f"created dashboard user [bold]admin[/bold] with initial password: [bold]{escape(str(password))}[/bold]\n"
                "  (shown once; change it with `shopgov users passwd admin`)"
            )
        if not h.warehouse.exists():
            console.print("[yellow]note:[/yellow] no warehouse yet; run `shopgov init` to load data")
        console.print(f"dashboard for {escape(str(h.root))}: http://{escape(address)}:{port}  (Ctrl+C to stop)")
        env = {**os.environ, "SHOPGOV_HOME": str(h.root)}
        cmd = streamlit_command(port, address)
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, cmd, env)  # replace this process: signals go straight to Streamlit
        return EXIT_OK  # pragma: no cover

    run(body)


def register(app: typer.Typer) -> None:
    """``dashboard``."""
    app.command()(dashboard)
