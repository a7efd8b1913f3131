"""``shopgov pii``: find personal data in any file (CSV, JSON Lines, Parquet) by its content."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from .common import EXIT_FAILED, EXIT_OK, JsonOption, console, run, write_json


def pii(
    input: Annotated[Path, typer.Option("--input", "-i", help="File to scan: .csv, .jsonl or .parquet.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write one row per finding here (.csv, .jsonl or .parquet): "
                               "row, column, kind, severity, start, end, excerpt (masked).")] = None,
    json_out: JsonOption = None,
) -> None:
    """Scan a file for personal data: exit 0 none found, 1 found, 2 bad input."""

    def body() -> int:
        from governance.pii_audit import scan_file, write_findings

        if output is not None and output.suffix.lower() not in (".csv", ".jsonl", ".ndjson", ".parquet"):
            from governance.errors import UsageError

            raise UsageError(f"{output}: unknown output type '{output.suffix}' (use .csv, .jsonl or .parquet)")
        records = scan_file(input)
        if output is not None:
            write_findings(records, output)
        by_kind = Counter(r["kind"] for r in records)
        rows = len({r["row"] for r in records})
        summary = ", ".join(f"{k}: {n}" for k, n in by_kind.most_common()) or "none"
        console.print(f"{input}: {len(records)} personal-data finding(s) in {rows} row(s) ({summary})",
                      highlight=False, markup=False)
        write_json(json_out, {"input": str(input), "output": str(output) if output else None,
                              "findings": len(records), "rows": rows, "by_kind": dict(by_kind)})
        return EXIT_FAILED if records else EXIT_OK

    run(body)


def register(app: typer.Typer) -> None:
    app.command("pii")(pii)
