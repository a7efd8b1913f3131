"""``shopgov export``: privacy-guarded behaviour extracts (pseudonyms, k-anonymity, optional Laplace
noise), and the warehouse as Parquet for other engines (``export warehouse --parquet DIR``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    CONTEXT_SETTINGS,
    EXIT_OK,
    HomeOption,
    JsonOption,
    console,
    resolve_home,
    run,
    write_json,
)


def behaviour(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write: .csv, .jsonl or .parquet "
                                                                "(metadata in FILE.meta.json).")],
    quasi: Annotated[str, typer.Option(
        "--quasi", help="Quasi-identifier columns, comma-separated (of: event_type, item_id, event_date, "
                        "device, category, country, city).")] = "country,device",
    k: Annotated[int, typer.Option("--k", help="Smallest number of users every quasi-identifier group must have.")] = 5,
    counts: Annotated[bool, typer.Option("--counts", help="Export event counts per group and event type, not rows.")] = False,
    epsilon: Annotated[float | None, typer.Option(
        "--epsilon", help="Add Laplace noise (differential privacy, this epsilon) to exported counts; implies --counts.")] = None,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Export events with pseudonymous user/session ids, refused below k-anonymity: exit 0 written, 2 refused."""

    def body() -> int:
        from governance.export import check_output, export_behaviour, parse_quasi

        names = parse_quasi(quasi)
        target = check_output(output)
        res = export_behaviour(resolve_home(home), target, quasi=names, k=k, counts=counts, epsilon=epsilon)
        m = res.meta
        noise = f", Laplace noise epsilon={m['noise']['epsilon']:g}" if m["noise"] else ""
        console.print(f"wrote {res.output} ({m['rows']:,} {m['mode']}; k={k} on {', '.join(names)}: "
                      f"smallest group {m['k_anonymity']['smallest_group_users']} users{noise}); "
                      f"metadata {res.meta_path}", highlight=False, markup=False)
        write_json(json_out, {"output": str(res.output), "meta_path": str(res.meta_path), **m})
        return EXIT_OK

    run(body)


def warehouse(
    parquet: Annotated[Path, typer.Option(
        "--parquet", help="Folder to write: one Parquet file per table, events by day (day=YYYY-MM-DD/), "
                          "manifest.json. Replaces an earlier export there.")],
    plaintext: Annotated[bool, typer.Option(
        "--plaintext", help="Allow the export of an encrypted home (the Parquet files are not encrypted).")] = False,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Export the warehouse tables as Parquet (for `shopgov check --engine spark --source DIR`): a plain copy, no pseudonyms."""

    def body() -> int:
        from governance.parquet_export import export_parquet

        res = export_parquet(resolve_home(home), parquet, plaintext=plaintext)
        rows = res.rows
        console.print(f"wrote {res.folder}: {len(rows)} tables, {sum(rows.values()):,} rows "
                      f"(events {rows.get('events', 0):,}); manifest {res.folder / 'manifest.json'}",
                      highlight=False, markup=False)
        write_json(json_out, {"folder": str(res.folder), **res.manifest.model_dump()})
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def register(app: typer.Typer) -> None:
    """The ``export`` group: behaviour, warehouse."""
    group = typer.Typer(help="Export data with privacy guards (refused when k-anonymity fails: exit 2).",
                        no_args_is_help=True, context_settings=CONTEXT_SETTINGS)
    group.command("behaviour")(behaviour)
    group.command("warehouse")(warehouse)
    app.add_typer(group, name="export")
