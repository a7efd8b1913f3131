"""``shopgov demo``: the main job end to end, as a user would type it."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Annotated

import typer
from rich.markup import escape

from .common import (
    DEFAULT_PORT,
    EXIT_ERROR,
    EXIT_OK,
    HomeOption,
    JsonOption,
    console,
    free_port,
    require_free_port,
    resolve_home,
    run,
    write_json,
)

# (label, arguments, exit codes that still count as success). `check` exits 1 when checks
# fail, which is the expected outcome on the sample: it carries injected defects.
STEPS: list[tuple[str, list[str], set[int]]] = [
    ("load the bundled sample", ["init"], {0}),
    ("run the quality and metadata checks", ["check"], {0, 1}),
    ("train the listing-quality model (if none)", ["train", "--if-missing"], {0}),
    ("flag low-quality listings", ["flag"], {0}),
    ("assess governance maturity", ["assess"], {0}),
    ("export the HTML report", ["report", "--format", "html", "--output", "{reports}/assessment.html"], {0}),
    ("export the JSON report", ["report", "--format", "json", "--output", "{reports}/assessment.json"], {0}),
    ("export the PDF report", ["report", "--format", "pdf", "--output", "{reports}/assessment.pdf"], {0}),
]


def demo(
    home: HomeOption = None,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the dashboard at the end.")] = True,
    port: Annotated[int | None, typer.Option(
        help="Dashboard port [default: the first free one from 8501].", min=1, max=65535)] = None,
    json_out: JsonOption = None,
) -> None:
    """Run the main job: load → check → train → flag → assess → report → dashboard."""

    def body() -> int:
        serve_port = port
        if serve:  # a taken port is found before the steps run, not after
            if port is None:
                serve_port = free_port("127.0.0.1", DEFAULT_PORT)
            else:
                require_free_port("127.0.0.1", port)
        h = resolve_home(home)
        h.ensure()
        done = []
        for i, (label, args, ok_codes) in enumerate(STEPS, 1):
            argv = [a.format(reports=h.reports) for a in args] + ["--home", str(h.root)]
            console.rule(f"[bold]{i}/{len(STEPS)} {label}[/bold]  [dim]shopgov {' '.join(args[:1])}[/dim]")
            t0 = time.perf_counter()
            code = subprocess.call([sys.executable, "-m", "dashboard.cli", *argv])
            secs = round(time.perf_counter() - t0, 1)
            done.append({"step": args[0], "exit_code": code, "seconds": secs})
            if code not in ok_codes:
                console.print(f"[red]step '{label}' failed with exit code {code}[/red]")
                write_json(json_out, {"home": str(h.root), "steps": done, "ok": False})
                return EXIT_ERROR
        console.rule("[green]demo ready[/green]")
        console.print(f"reports: {escape(str(h.reports))}")
        write_json(json_out, {"home": str(h.root), "steps": done, "ok": True})
        if serve:
            console.print(f"dashboard: http://localhost:{serve_port}  (log in as admin; Ctrl+C to stop)")
            return subprocess.call(
                [sys.executable, "-m", "dashboard.cli", "dashboard", "--home", str(h.root), "--port", str(serve_port)]
            )
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def register(app: typer.Typer) -> None:
    """``demo``."""
    app.command()(demo)
