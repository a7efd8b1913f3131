"""``shopgov dashboard``: serve the Streamlit app."""

from __future__ import annotations

import os
import socket
import sys
from typing import Annotated

import typer
from rich.markup import escape

from governance.errors import UsageError
from governance.paths import bundled

from .common import EXIT_OK, HomeOption, console, resolve_home, run

APP_FILE = bundled("dashboard", "app.py")  # streamlit runs it as a script
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
