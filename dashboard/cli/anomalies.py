"""``shopgov anomalies``: score behaviour events for bots, click farms, campaigns, replays, brushing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import EXIT_OK, HomeOption, JsonOption, console, resolve_home, run, write_json


def anomalies(
    input_path: Annotated[Path | None, typer.Option(
        "--input", "-i", help="Score this CSV/Parquet file (user_id, item_id, event_type, ts; session_id optional) "
                              "instead of the warehouse.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="With --input: write one row per session here (.csv or .parquet).")] = None,
    partition: Annotated[str, typer.Option(
        "--partition", "-p", help="Warehouse events partition: 'latest' (newest day), 'all', or YYYY-MM-DD.")] = "all",
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Find automated sessions: exit 0 done (flags are results, not failures), 2 bad input, 3 could not run."""

    def body() -> int:
        from governance.errors import UsageError

        if input_path is not None:
            from assess.anomaly.score import score_file

            if output is None:
                raise UsageError("--input needs --output FILE (.csv or .parquet)")
            res = score_file(input_path, output)
            console.print(f"{res['n_flagged']:,} of {res['n_sessions']:,} sessions flagged "
                          f"({res['n_events']:,} events, {res['seconds']} s) -> {output}", highlight=False)
            write_json(json_out, res)
            return EXIT_OK
        if output is not None:
            raise UsageError("--output needs --input FILE (without --input the warehouse is scored into results)")
        from assess.anomaly.warehouse import run_warehouse

        res = run_warehouse(resolve_home(home), partition)
        if res["n_events"] == 0:
            console.print(f"no events to score (partition {res['partition']})", highlight=False)
        else:
            console.print(f"{res['n_flagged']:,} of {res['n_sessions']:,} sessions flagged, "
                          f"{res['anomalous_share']:.2%} of {res['n_events']:,} events "
                          f"({res['seconds']} s) — run {res['run_id']}", highlight=False)
            for c in res["checks"]:
                mark = "ok" if c["success"] else "HIGH"
                console.print(f"  {c['day']}: {c['value']:.2%} anomalous ({mark}, max {c['max']:.0%})",
                              highlight=False)
        write_json(json_out, res)
        return EXIT_OK

    run(body)


def register(app: typer.Typer) -> None:
    """``anomalies``."""
    app.command()(anomalies)
