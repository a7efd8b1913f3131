"""``shopgov check``: run the quality and metadata suites (GX pushed down into DuckDB, or on Spark)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from .common import HomeOption, JsonOption, console, resolve_home, run, write_json

_SEV_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}


def check(
    partition: Annotated[str, typer.Option(
        "--partition", "-p",
        help="Events partition to validate: 'latest' (newest daily partition), 'all', or YYYY-MM-DD.",
    )] = "latest",
    suite: Annotated[list[str] | None, typer.Option(
        "--suite", "-s", help="Run only this suite (repeatable); default: all suites.",
    )] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Reference time for freshness and future-timestamp rules (default: now, UTC).",
    )] = None,
    no_docs: Annotated[bool, typer.Option("--no-docs", help="Do not build Data Docs.")] = False,
    keep_days: Annotated[int, typer.Option(
        "--keep-days", min=0, help="Delete stored runs (and Data Docs pages) older than this many days; 0 = never.",
    )] = 90,
    keep_runs: Annotated[int, typer.Option(
        "--keep-runs", min=0, help="Runs beyond the newest N are deleted once older than --keep-days (with --keep-days 0: at once); 0 = no count limit.",
    )] = 30,
    no_anomalies: Annotated[bool, typer.Option(
        "--no-anomalies", help="Skip behaviour anomaly scoring of the same events partition.",
    )] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or table.")] = False,
    engine: Annotated[str, typer.Option(
        "--engine", help="duckdb: the warehouse; spark: a Parquet export (--source) on Spark (config/spark.yaml).",
    )] = "duckdb",
    source: Annotated[Path | None, typer.Option(
        "--source", help="With --engine spark: the folder written by `shopgov export warehouse --parquet DIR`.",
    )] = None,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Validate the warehouse: exit 0 all passed, 1 checks failed, 2 usage error, 3 could not run."""

    def body() -> int:
        from governance.check_store import Retention
        from governance.checks import run_checks
        from governance.errors import UsageError

        h = resolve_home(home)
        if engine not in ("duckdb", "spark"):
            raise UsageError(f"--engine {engine!r}: use duckdb or spark")
        if (engine == "spark") != (source is not None):
            raise UsageError("--source DIR goes with --engine spark (and --engine spark needs --source DIR)")
        spark = None
        if engine == "duckdb":  # this process never runs Spark: GX need not import pyspark (0.4 s)
            from governance.deferred_imports import assume_absent

            assume_absent("pyspark")
        if engine == "spark":
            from governance.spark_engine import SparkEngine, require_pyspark

            require_pyspark()
            spark = SparkEngine(source, home=h)
        retention = Retention(days=keep_days or None, runs=keep_runs or None)
        result = run_checks(h, partition=partition, suites=suite or None, progress=not quiet,
                            as_of=as_of, docs=not no_docs, retention=retention, engine=spark)
        if not quiet:
            _print_summary(result)
        payload = result.to_json()
        if not no_anomalies and spark is None:
            payload["anomalies"] = _anomalies(h, result, quiet)
        write_json(json_out, payload)
        return result.exit_code

    run(body, outputs={"--json": json_out})


def _anomalies(h, result, quiet: bool) -> dict:
    """Score the checked events partition for automated traffic; reported, never a failed check."""
    from assess.anomaly.warehouse import run_warehouse
    from governance.errors import ShopgovError

    part = result.partition_date or ("all" if result.partition == "all" else "latest")
    try:
        res = run_warehouse(h, part)
    except ShopgovError as e:
        console.print(f"[yellow]behaviour anomalies not scored:[/yellow] {e}", highlight=False)
        return {"status": "error", "error": str(e), "checks": []}
    if not quiet and res["n_events"]:
        high = [c for c in res["checks"] if not c["success"]]
        style = "yellow" if high else "green"
        console.print(f"[{style}]behaviour anomalies[/]: {res['anomalous_share']:.2%} of {res['n_events']:,} events "
                      f"in {res['n_flagged']:,} flagged sessions ({res['seconds']} s)"
                      + (f"; above {high[0]['max']:.0%} on {', '.join(c['day'] for c in high)}" if high else ""),
                      highlight=False)
    return res


def _print_summary(result) -> None:
    from governance.check_suites import DIMENSIONS

    failed = [r for r in result.results if not r.success]
    if failed:
        t = RichTable(title=f"Failed checks ({len(failed)} of {result.n_expectations})")
        for col in ("severity", "table", "check", "dimension", "unexpected", "of rows"):
            t.add_column(col, justify="right" if col in ("unexpected", "of rows") else "left")
        order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
        for r in sorted(failed, key=lambda r: (order.get(r.severity, 9), r.table_name, r.expectation_id)):
            unexpected = "error" if r.error else ("—" if r.unexpected_count is None else f"{r.unexpected_count:,}")
            rows = ("table" if r.scope == "table" else
                    "—" if r.element_count is None else f"{r.element_count:,}")
            t.add_row(f"[{_SEV_STYLE.get(r.severity, '')}]{escape(r.severity)}[/]", escape(r.table_name),
                      escape(r.expectation_id), escape(r.dimension), unexpected, rows)
        console.print(t)
    s = RichTable(title="Quality scores: share of checks passed / row-weighted pass rate")
    dims = [d for d in DIMENSIONS if any(x.dimension == d for x in result.scores)]
    s.add_column("table")
    for d in dims:
        s.add_column(f"{d}\n{DIMENSIONS[d]['zh']}", justify="right")
    s.add_column("all", justify="right")
    tables = sorted({x.table_name for x in result.scores if x.table_name != "*"}) + ["*"]
    for tname in tables:
        cells = []
        for d in [*dims, "*"]:
            sc = result.score(tname, d)
            if sc is None:
                cells.append("")
                continue
            style = "green" if sc.checks_passed == sc.checks_total else "red"
            cells.append(f"[{style}]{sc.pass_share:.0%}[/] / {sc.row_weighted_pass_rate:.2%}")
        s.add_row("all tables" if tname == "*" else escape(tname), *cells)
    console.print(s)
    for n in result.not_run:
        console.print(f"[yellow]not run on this engine ({escape(result.engine)}):[/] {escape(n['expectation'])}: "
                      f"{escape(n['reason'])}", highlight=False)
    where = f"partition {result.partition_date}" if result.partition_date else f"partition {result.partition}"
    colour = {"passed": "green", "failed": "red"}.get(result.status, "bold red")
    console.print(
        f"[{colour}]{result.status}[/]: {result.n_expectations - result.n_failed}/{result.n_expectations} "
        f"checks passed ({escape(where)}, {result.seconds:.1f} s) — run {escape(result.run_id)}"
    )
    if result.data_docs_path:
        console.print(f"Data Docs: {escape(str(result.data_docs_path))}")


def register(app: typer.Typer) -> None:
    """``check``."""
    app.command()(check)
