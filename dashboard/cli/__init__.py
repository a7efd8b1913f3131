"""The ``shopgov`` command line: a thin layer over the library.

Exit codes, for every command: 0 = done / all checks passed, 1 = checks failed,
2 = usage error, 3 = runtime error. Commands that produce results accept ``--json FILE``
(``-`` for stdout) and write a machine-readable summary there.

Each feature module exposes ``register(app)``; :func:`build_app` calls them in a fixed
order (the order of ``shopgov --help``). Nothing registers itself on import.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys

import typer
from rich.markup import escape

from . import (
    anomalies,
    assess,
    check,
    config,
    dashboard,
    data,
    demo,
    export,
    incidents,
    model,
    pii,
    sites,
    users,
)
from .common import CONTEXT_SETTINGS, EXIT_ERROR, EXIT_OK, EXIT_USAGE, console

FEATURES = (assess, check, anomalies, incidents, config, dashboard, data, demo, model, pii, export, users, sites)


def build_app() -> typer.Typer:
    """A fresh ``shopgov`` application with every command registered."""
    app = typer.Typer(
        name="shopgov",
        help="Data governance and capability assessment for e-commerce search and recommendation data.",
        no_args_is_help=True,
        add_completion=False,
        context_settings=CONTEXT_SETTINGS,
        pretty_exceptions_enable=False,
    )
    for feature in FEATURES:
        feature.register(app)
    return app


def main() -> None:
    """Entry point of the ``shopgov`` console script."""
    skip_final_collection()
    _main()


def skip_final_collection() -> None:
    """Let the process end without CPython's last garbage collection.

    At exit the collector walks every object still alive: after a check run (GX's import
    leaves about a million) that took ~1.1 s of ``shopgov check``'s wall time, for nothing,
    as the process is ending. ``gc.freeze`` at exit (an ``atexit`` handler runs before that
    collection) moves them out of its reach; files, connections and the other handlers close
    and run as before, and a caller of :func:`main` in a longer-lived process (a test) keeps
    its collector until it ends too.
    """
    atexit.unregister(gc.freeze)  # once, however often main() runs in one process
    atexit.register(gc.freeze)


def _main() -> None:
    app = build_app()
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
        # anything else is a bug or an environment problem, never "checks failed" (exit 1)
        if os.environ.get("SHOPGOV_DEBUG"):
            raise
        from governance.privacy import scrub_text

        console.print(f"internal error: {escape(type(e).__name__)}: {escape(scrub_text(str(e)))[:500]} "
                      "(set SHOPGOV_DEBUG=1 for the traceback)", highlight=False)
        sys.exit(EXIT_ERROR)
