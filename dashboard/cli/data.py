"""Data commands: init, sample, ingest, status."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from .common import EXIT_OK, HomeOption, JsonOption, console, plain, resolve_home, run, write_json


def sample(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the Parquet files and manifest.json to.")],
    products: Annotated[int, typer.Option(help="Number of products.", min=10)] = 20_000,
    events: Annotated[int, typer.Option(help="Number of behaviour events.", min=100)] = 1_000_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 42,
    days: Annotated[int, typer.Option(help="Days of behaviour history.", min=7)] = 35,
    end: Annotated[str | None, typer.Option(help="Last day of the window (YYYY-MM-DD, default today UTC).")] = None,
    json_out: JsonOption = None,
) -> None:
    """Generate realistic sample data with known, injected defects (and a manifest of them)."""

    def body() -> int:
        from governance.sample import generate

        manifest = generate(out, products=products, events=events, seed=seed, days=days, end=end)
        console.print(f"wrote sample data to {escape(str(out))} ({', '.join(f'{k}: {v:,}' for k, v in manifest['counts'].items())})")
        write_json(json_out, {"out": str(out), "counts": manifest["counts"],
                              "defects": {d["defect"]: d["count"] for d in manifest["defects"]}})
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def ingest(
    table: Annotated[str, typer.Argument(help="Warehouse table to load into (categories, sellers, products, events, reviews).")],
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or JSON Lines file.")],
    mapping: Annotated[Path | None, typer.Option("--mapping", "-m", help="YAML column mapping for exports with other names/formats.")] = None,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Load a file into a warehouse table: validated, all-or-nothing, idempotent by key."""

    def body() -> int:
        from governance.ingest import ingest_file

        h = resolve_home(home)
        result = ingest_file(h, table, file, mapping=mapping)
        console.print(
            f"loaded {result.rows_in:,} rows from {escape(str(file))} into {escape(table)}: "
            f"{result.rows_inserted:,} new, {result.rows_updated:,} updated ({result.seconds:.1f} s)"
        )
        write_json(json_out, result.as_dict())
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def init(
    home: HomeOption = None,
    products: Annotated[int, typer.Option(help="Products in the bundled sample.")] = 20_000,
    events: Annotated[int, typer.Option(help="Events in the bundled sample.")] = 1_000_000,
    no_sample: Annotated[bool, typer.Option("--no-sample", help="Create an empty warehouse, load no sample data.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Rebuild the sample data even if the warehouse has data.")] = False,
    encrypt: Annotated[bool, typer.Option(
        "--encrypt", help="Keep warehouse and results encrypted (key from $SHOPGOV_ENCRYPTION_KEY; new homes only).")] = False,
    json_out: JsonOption = None,
) -> None:
    """Create the home folder and warehouse, load the bundled sample, create the admin account."""

    def body() -> int:
        from dashboard.users import ensure_admin
        from governance.encryption import enable
        from governance.setup import init_home

        h = resolve_home(home)
        if encrypt:
            enable(h.root)
        summary = init_home(h, products=products, events=events,
                            load_sample=not no_sample, force=force, log=plain)
        password = ensure_admin(h)
        if password:
            console.print(
                f"created dashboard user [bold]admin[/bold] with initial password: [bold]{escape(str(password))}[/bold]\n"
                "  (shown once; change it with `shopgov users passwd admin`)"
            )
        summary["admin_created"] = bool(password)
        write_json(json_out, summary)
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def status(home: HomeOption = None, json_out: JsonOption = None) -> None:
    """Show row counts, freshness against SLA, catalog coverage and the latest runs."""

    def body() -> int:
        from governance.status import warehouse_status

        st = warehouse_status(resolve_home(home))
        t = RichTable(title=f"shopgov warehouse — {escape(str(st['home']))}")
        for col in ("table", "rows", "newest", "age (h)", "SLA (h)", "fresh", "last load"):
            t.add_column(col, justify="right" if col in ("rows", "age (h)", "SLA (h)") else "left")
        for r in st["tables"]:
            t.add_row(
                escape(r["table"]), f"{r['rows']:,}", str(r["newest"] or "—"),
                "—" if r["age_hours"] is None else f"{r['age_hours']:.1f}",
                "—" if r["sla_hours"] is None else f"{r['sla_hours']:g}",
                {True: "[green]yes[/green]", False: "[red]no[/red]", None: "—"}[r["fresh"]],
                escape(str(r["last_load"] or "—")),
            )
        console.print(t)
        cov = st["catalog_coverage"]
        console.print(
            "catalog coverage: "
            + ", ".join(f"{escape(str(k))} {v:.0%}" for k, v in cov.items())
        )
        for line in st.get("latest", []):
            plain(line)
        write_json(json_out, st)
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def register(app: typer.Typer) -> None:
    """``sample``, ``ingest``, ``init`` and ``status``."""
    app.command()(sample)
    app.command()(ingest)
    app.command()(init)
    app.command()(status)
