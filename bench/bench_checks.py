"""Benchmark: the check suites through shopgov's GX-on-DuckDB path vs the alternatives.

Engines, each timed in its own subprocess (wall time and peak RSS from ``wait4``):

* ``shopgov``  - ``run_checks(partition='all')``: GX 1.x through governance.gx_duckdb
                 (counts only, no Data Docs, results not stored).
* ``sql``      - one hand-written DuckDB statement per table computing the same counts
                 (all row predicates as ``count(*) FILTER`` in one scan; uniqueness,
                 cross-table and session rules as sub-queries).
* ``gx_pandas`` - GX's pandas engine: each table read into a DataFrame, then validated.
                 GX has no pandas implementation of SQL rules (``unexpected_rows_expectation``),
                 so it runs only the built-in expectations (coverage is reported).
* ``soda``     - Soda Core 3 (soda-core-duckdb) with equivalent SodaCL checks: missing /
                 duplicate / invalid counts, row_count, and ``failed rows`` with the same
                 SQL for everything else; failed-row sampling disabled.

Cases: ``full`` (every suite, whole tables), ``simple6`` (6 simple checks on events:
event_id/session_id/ts not null, event_type in set, price_paid range, event_id unique) and
``nightly`` (shopgov only: newest partition + whole-table rules).

    python -m bench.bench_checks --events 10000000 --products 100000     # generates data once
    python -m bench.bench_checks --data /tmp/shopgov-bench/home10m        # an existing home
    python -m bench.bench_checks --data HOME --replicate 10 --engines shopgov --cases full nightly \
        --repeat 1 --out bench/results/checks_100m.md                     # 100M events

Writes ``bench/results/checks.md`` (and .json). The hand-written SQL's counts are compared
with shopgov's, rule by rule, so the comparison is between equivalent work.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from governance.rule_sql import count_sql, quote_ident, row_predicate, rows_query
from governance.warehouse import DEFAULT_CHECK_MEMORY_LIMIT

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
AS_OF = "2024-06-30T23:59:59"
END = "2024-06-30"
TABLES = ("categories", "sellers", "products", "events", "reviews")
SIMPLE6 = ("events.event_id.not_null", "events.session_id.not_null", "events.ts.not_null",
           "events.event_type.allowed", "events.price_paid.range", "events.event_id.unique")
ENGINES = ("shopgov", "shopgov_cold", "shopgov_noscan", "sql", "soda", "shopgov_unlimited", "sql_unlimited", "soda_unlimited", "gx_pandas")
MEMORY_LIMIT = DEFAULT_CHECK_MEMORY_LIMIT  # shopgov's default for every engine; *_unlimited: DuckDB's


# ------------------------------------------------------------------ rules -> SQL (governance.rule_sql) / SodaCL
def _planned(home_dir: Path, case: str):
    sys.path.insert(0, str(ROOT))
    from governance.catalog import load_catalog
    from governance.check_suites import load_suites, substitute
    from governance.checks import parse_as_of, plan_batches
    from governance.paths import get_home
    from governance.warehouse import connect_read

    home = get_home(home_dir)
    con = connect_read(home.warehouse)
    try:
        batches, _ = plan_batches(home, con, load_suites(home=home), load_catalog(home), "all", parse_as_of(AS_OF))
    finally:
        con.close()
    out = []
    for b in batches:
        rules = [r for r in b.suite.rules if case != "simple6" or r.id in SIMPLE6]
        if rules:
            out.append((b, [(r, substitute(r.kwargs, {**b.suite.params, **b.params}, r.id)) for r in rules]))
    return home, out


def sub_query(type_: str, kw: dict, table: str) -> str:
    """A scalar sub-query giving the rule's count (unexpected rows, or 0/1 for table rules)."""
    sql = count_sql(quote_ident(table), type_, kw)
    if sql is None:
        raise ValueError(type_)
    return f"({sql})"


def _families(batch) -> list[tuple[str, str]]:
    from governance.check_suites import family_table, substitute

    out = []
    for name, sql in batch.suite.families.items():
        text = substitute(sql, {**batch.suite.params, **batch.params}, name).replace("{batch}", quote_ident(batch.suite.table))
        out.append((family_table(batch.suite, name), text))
    return out


def handwritten_sql(batch, rules) -> tuple[str, list[str]]:
    """One statement for a table: one scan for every row predicate plus sub-queries.

    Rule families become MATERIALIZED CTEs, computed once for the whole statement.
    """
    table = batch.suite.table
    ids, filters, subs = [], [], []
    for r, kw in rules:
        pred = row_predicate(r.type, kw)
        if pred is not None:
            filters.append((r.id, pred))
        else:
            subs.append((r.id, sub_query(r.type, kw, table)))
    cols = [f"count(*) FILTER (WHERE {p}) AS c{i}" for i, (_, p) in enumerate(filters)]
    ids = [i for i, _ in filters]
    fams = "".join(f"{name} AS MATERIALIZED ({text}),\n" for name, text in _families(batch))
    sql = f"WITH {fams}scan AS (SELECT {', '.join(cols) or '0 AS c0'} FROM {quote_ident(table)})\nSELECT scan.*"
    for j, (rid, s) in enumerate(subs):
        sql += f",\n  {s} AS s{j}"
        ids.append(rid)
    if not filters:
        ids = [None, *ids]
    return sql + "\nFROM scan", ids


def _with_families(query: str, fams: list[tuple[str, str]]) -> str:
    """Soda runs each query on its own: inline the families the query uses as CTEs."""
    used = [(n, t) for n, t in fams if n in query]
    if not used:
        return query
    ctes = ", ".join(f"{n} AS ({t})" for n, t in used)
    stripped = query.lstrip()
    if stripped[:4].upper() == "WITH":
        return f"WITH {ctes}, {stripped[4:]}"
    return f"WITH {ctes} {stripped}"


def sodacl(batch, rules) -> str:
    fams = _families(batch)
    lines = [f"checks for {batch.suite.table}:"]
    for r, kw in rules:
        name = r.id
        if r.type == "expect_column_values_to_not_be_null":
            lines.append(f"  - missing_count({kw['column']}) = 0:\n      name: {name}")
        elif r.type == "expect_column_values_to_be_unique":
            lines.append(f"  - duplicate_count({kw['column']}) = 0:\n      name: {name}")
        elif r.type == "expect_compound_columns_to_be_unique":
            lines.append(f"  - duplicate_count({', '.join(kw['column_list'])}) = 0:\n      name: {name}")
        elif r.type == "expect_column_values_to_be_in_set":
            values = ", ".join(json.dumps(v) for v in kw["value_set"])
            lines.append(f"  - invalid_count({kw['column']}) = 0:\n      name: {name}\n      valid values: [{values}]")
        elif r.type == "expect_table_row_count_to_be_between":
            hi = kw.get("max_value")
            lines.append(f"  - row_count {'between ' + str(kw['min_value']) + ' and ' + str(hi) if hi else '>= ' + str(kw['min_value'])}:\n      name: {name}")
        elif (pred := row_predicate(r.type, kw)) is not None:
            cond = json.dumps(pred.replace("\n", " "))
            lines.append(f"  - failed rows:\n      name: {name}\n      fail condition: {cond}")
        else:
            sub = sub_query(r.type, kw, batch.suite.table)[1:-1]
            query = f"SELECT 1 FROM (SELECT ({sub}) AS n) WHERE n > 0" if not r.is_sql else \
                rows_query(quote_ident(batch.suite.table), kw)
            query = _with_families(query, fams)
            body = "\n".join("        " + ln for ln in query.strip().splitlines())
            lines.append(f"  - failed rows:\n      name: {name}\n      fail query: |\n{body}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ engines (run in a child)
def _import_engine(engine: str) -> None:
    """Import the engine's libraries first, so that check time excludes interpreter start-up.

    ``shopgov_cold`` imports only shopgov's check module, as ``shopgov check`` does: the run
    itself imports GX (its wall is the cold command's)."""
    import duckdb  # noqa: F401

    if engine.startswith("shopgov"):  # as `shopgov check --engine duckdb` does
        from governance.deferred_imports import assume_absent

        assume_absent("pyspark")
    if engine == "shopgov_cold":
        import governance.checks  # noqa: F401
    elif engine.startswith(("shopgov", "gx_pandas")):
        import great_expectations  # noqa: F401

        import governance.gx_duckdb  # noqa: F401
    elif engine.startswith("soda"):
        from soda.scan import Scan  # noqa: F401


def run_engine(engine: str, case: str, home_dir: Path) -> dict:
    t_start = time.perf_counter()
    _import_engine(engine)
    t0 = time.perf_counter()
    home, planned = _planned(home_dir, case)
    counts: dict[str, Any] = {}
    failed: list[str] = []
    n_checks = sum(len(rules) for _, rules in planned)
    covered = n_checks
    statements = [0]  # SQL statements shopgov's GX run sends (a load-independent measure of the work)
    pii_seconds = [0.0]
    if engine.startswith("shopgov"):
        import sqlalchemy as sa

        from governance.checks import run_checks

        sa.event.listen(sa.engine.Engine, "before_cursor_execute",
                        lambda *_a: statements.__setitem__(0, statements[0] + 1))
        from governance import pii_audit

        scan = pii_audit.scan_warehouse  # the content scan for personal data: work the other engines skip

        def timed_scan(*a: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            try:
                return scan(*a, **kw)
            finally:
                pii_seconds[0] += time.perf_counter() - t

        # shopgov_noscan: the same 108 checks without the personal-data content scan, which no
        # other engine does (like-for-like with hand-written SQL; its 2 PII results see no column)
        pii_audit.scan_warehouse = (lambda *_a, **_kw: []) if engine == "shopgov_noscan" else timed_scan

        suites = [b.suite.name for b, _ in planned]
        if case in ("full", "nightly"):
            part = "all" if case == "full" else "latest"
            run = run_checks(home, partition=part, as_of=AS_OF, progress=False, docs=False, store=False)
            counts = {r.expectation_id: r.unexpected_count for r in run.results}
            failed = [r.expectation_id for r in run.results if not r.success]
        else:  # only the six rules: a one-off suite folder
            import tempfile

            import yaml

            from governance import checks as ch
            from governance.check_suites import load_suite

            folder = Path(tempfile.mkdtemp())
            src = load_suite(next(b.suite.path for b, _ in planned))
            raw = yaml.safe_load(src.path.read_text())
            raw["expectations"] = [e for e in raw["expectations"] if e["id"] in SIMPLE6]
            (folder / "events.yaml").write_text(yaml.safe_dump(raw))
            orig = ch.load_suites
            ch.load_suites = lambda names=None, *_a, **_kw: orig(names, folder=folder)
            run = run_checks(home, partition="all", suites=suites, as_of=AS_OF, progress=False,
                             docs=False, store=False)
            counts = {r.expectation_id: r.unexpected_count for r in run.results}
            failed = [r.expectation_id for r in run.results if not r.success]
    elif engine.startswith("sql"):
        import duckdb

        con = duckdb.connect(str(home.warehouse), read_only=True)
        if engine == "sql":
            con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        for b, rules in planned:
            sql, ids = handwritten_sql(b, rules)
            row = con.execute(sql).fetchone()
            counts.update({i: int(v) for i, v in zip(ids, row, strict=True) if i is not None})
        con.close()
    elif engine.startswith("soda"):
        from soda.scan import Scan

        scan = Scan()
        scan.set_data_source_name("wh")
        limit = f"  configuration:\n    memory_limit: {MEMORY_LIMIT}\n" if engine == "soda" else ""
        scan.add_configuration_yaml_str(
            f"data_source wh:\n  type: duckdb\n  path: {home.warehouse}\n  read_only: true\n{limit}"
            "  sampler:\n    disable_samples: true\n")
        for b, rules in planned:
            scan.add_sodacl_yaml_str(sodacl(b, rules))
        scan.set_scan_definition_name("bench")
        scan.execute()
        res = scan.get_scan_results()
        for c in res["checks"]:
            counts[c["name"]] = c.get("outcome")
        errors = scan.get_error_logs_text()
        if errors:
            counts["_errors"] = errors[:2000]
    elif engine == "gx_pandas":
        import dataclasses

        import duckdb
        import great_expectations as gx

        from governance.check_suites import COUNTS_ONLY, to_gx_suite

        ctx = gx.get_context(mode="ephemeral")
        pdb = ctx.data_sources.add_pandas("pd")
        con = duckdb.connect(str(home.warehouse), read_only=True)
        covered = 0
        for b, rules in planned:
            keep = tuple(r for r, _ in rules if not r.is_sql)
            if not keep:
                continue
            covered += len(keep)
            frame = con.execute(f'SELECT * FROM "{b.suite.table}"').df()
            bd = pdb.add_dataframe_asset(b.suite.name).add_batch_definition_whole_dataframe("b")
            suite = to_gx_suite(dataclasses.replace(b.suite, rules=keep), b.params)
            res = bd.get_batch(batch_parameters={"dataframe": frame}).validate(suite, result_format=COUNTS_ONLY)
            for r in res.results:
                counts[r.expectation_config.meta["id"]] = r.result.get("unexpected_count")
            del frame
        con.close()
    return {"engine": engine, "case": case, "seconds": time.perf_counter() - t0,
            "import_seconds": t0 - t_start, "checks": n_checks, "covered": covered, "counts": counts,
            "failed": failed, "statements": statements[0] or None, "pii_scan_seconds": pii_seconds[0] or None}


def own_peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM of its address space since exec).

    ``ru_maxrss`` as ``wait4`` reports it is not enough: Linux carries the parent's high-water
    mark into a forked child across exec, so a child of a 600 MB parent reports >= 600 MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure(engine: str, case: str, home_dir: Path, timeout: float, module: str = "bench.bench_checks",
            extra: list[str] | None = None) -> dict:
    """Run one engine in a child process (``python -m module --child ENGINE``); wall time and
    the child's peak RSS (its own VmHWM, reported by the child)."""
    import tempfile

    cmd = [sys.executable, "-m", module, "--child", engine, "--case", case, "--data", str(home_dir),
           *(extra or [])]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        if engine == "shopgov_unlimited":  # DuckDB's default memory limit (80% of RAM)
            env["SHOPGOV_CHECK_MEMORY_LIMIT"] = ""
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err, text=True, env=env)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                return {"engine": engine, "case": case, "error": f"timeout after {timeout:.0f} s"}
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    line = next((ln for ln in reversed(stdout.splitlines()) if ln.startswith("{")), None)
    if proc.returncode != 0 or line is None:
        return {"engine": engine, "case": case, "error": (stderr or stdout)[-1500:]}
    doc = json.loads(line)
    own = doc.pop("own_peak_rss_mb", None)  # the child's VmHWM: immune to the parent's size
    doc.update(wall=wall, peak_rss_mb=own if own is not None else usage.ru_maxrss / 1024.0,
               cpu=usage.ru_utime + usage.ru_stime)
    return doc


# ------------------------------------------------------------------ data
def ensure_data(root: Path, products: int, events: int) -> Path:
    sys.path.insert(0, str(ROOT))
    from governance.ingest import ingest_files
    from governance.paths import get_home
    from governance.sample import generate

    sample, home = root / f"sample-{products}-{events}", get_home(root / f"home-{products}-{events}")
    if not home.warehouse.exists():
        if not (sample / "manifest.json").exists():
            print(f"generating {products:,} products / {events:,} events in {sample} ...", file=sys.stderr, flush=True)
            generate(sample, products=products, events=events, seed=42, end=END, progress=True)
        home.ensure()
        print(f"loading into {home.warehouse} ...", file=sys.stderr, flush=True)
        ingest_files(home, [(t, sample / f"{t}.parquet") for t in TABLES])
    return home.root


def replicate(src_home: Path, dest: Path, copies: int) -> Path:
    """A larger warehouse: ``copies`` copies of the events, each shifted ``days`` further back.

    Copy k gets its own event, session and user ids (suffix ``-k``) and timestamps moved back
    by k x 35 days, so the result looks like a longer history of the same shop (no duplicate
    keys, a thin partition in every copy, one newest partition).
    """
    import shutil

    import duckdb

    sys.path.insert(0, str(ROOT))
    from governance.paths import get_home
    from governance.warehouse import atomic_write

    home = get_home(dest)
    if home.warehouse.exists():
        return home.root
    home.ensure()
    shutil.copyfile(Path(src_home) / "warehouse.duckdb", home.warehouse)
    con0 = duckdb.connect(str(home.warehouse), read_only=True)
    days = con0.execute(f"""WITH newest AS (SELECT max(event_date) AS d FROM events WHERE event_date <= DATE '{END}')
        SELECT (SELECT d FROM newest) - min(event_date) + 1 FROM events
        WHERE event_date >= (SELECT d FROM newest) - 60""").fetchone()[0]
    con0.close()
    print(f"replicating events x{copies} (shift {days} days per copy) into {home.warehouse} ...", file=sys.stderr, flush=True)
    with atomic_write(home, home.warehouse) as con:
        con.execute("CREATE TEMP TABLE base AS SELECT * FROM events")
        for k in range(1, copies):
            con.execute(f"""INSERT INTO events SELECT event_id || '-{k}', user_id || '-{k}', session_id || '-{k}',
                event_type, item_id, query, ts - INTERVAL ({k * days}) DAY, device,
                CASE WHEN order_id IS NULL THEN NULL ELSE order_id || '-{k}' END, price_paid,
                CAST(ts - INTERVAL ({k * days}) DAY AS DATE) FROM base""")
            print(f"  copy {k + 1}/{copies}", file=sys.stderr, flush=True)
        con.execute("DROP TABLE base")
    return home.root


def compare(shopgov: dict, sql: dict) -> tuple[int, list[str]]:
    same, diff = 0, []
    for rid, n in sql["counts"].items():
        got = shopgov["counts"].get(rid)
        table_rule = got is None  # table-scope rules: 0/1 vs pass/fail
        if table_rule or got == n:
            same += 1
        else:
            diff.append(f"{rid}: shopgov {got} vs sql {n}")
    return same, diff


def _median(runs: list[dict]) -> dict:
    """The run with the median check time, with the median wall, CPU and import times and the
    largest peak RSS of all runs."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[-1]
    ok.sort(key=lambda r: r["seconds"])
    med = dict(ok[len(ok) // 2])
    med["runs"] = [round(r["seconds"], 2) for r in ok]
    med["wall_runs"] = [round(r["wall"], 2) for r in ok]
    for k in ("wall", "cpu", "import_seconds"):  # each the median of its own
        med[k] = statistics.median(r[k] for r in ok)
    med["peak_rss_mb"] = max(r["peak_rss_mb"] for r in ok)
    return med


def report(results: list[dict], home_dir: Path, rows: dict[str, int], load: list[tuple[float, ...]]) -> str:
    lines = [
        "# Check suite benchmark",
        "",
        f"Generated by `python -m bench.bench_checks` on {datetime.now():%Y-%m-%d %H:%M}; "
        f"{platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}.",
        f"Data: `{home_dir}` — " + ", ".join(f"{t} {n:,}" for t, n in rows.items()) + ".",
        "Load average (1/5/15 min) before and after: " + " → ".join(
            "/".join(f"{x:.2f}" for x in la) for la in load) + ".",
        "Each engine runs in a fresh subprocess. *check seconds*: from loading the rules to having "
        "every count, after the engine's libraries are imported (*+ imports*: that import time); "
        "*wall*: the whole child process; *CPU seconds*: user + system time of the child "
        "(all threads; less sensitive to other load on the machine than wall time). "
        "Peak memory is the child's own VmHWM (its peak RSS since exec). "
        f"`shopgov`, `sql` and `soda` run DuckDB with memory_limit {MEMORY_LIMIT} (shopgov's default "
        "SHOPGOV_CHECK_MEMORY_LIMIT; DuckDB spills to disk beyond it); the `*_unlimited` variants use "
        "DuckDB's default (80% of RAM). "
        "Times are the median of the runs listed in the notes (the machine is shared, so "
        "single runs vary); peak RSS is the largest of them.",
        "",
    ]
    for case, title in (("simple6", "6 simple checks on events"), ("full", "Full suite (all tables, whole tables)"),
                        ("nightly", "Nightly run (newest events partition + whole-table rules, other tables whole)")):
        if not any(x["case"] == case for x in results):
            continue
        lines += [f"## {title}", "",
                  "| engine | checks run | check seconds | + imports | wall seconds (cold process) | CPU seconds (process) | peak RSS MB | notes |",
                  "|---|---:|---:|---:|---:|---:|---:|---|"]
        for r in (x for x in results if x["case"] == case):
            if "error" in r:
                lines.append(f"| {r['engine']} | | | | | error: {r['error'][:200].replace(chr(10), ' ')} |")
                continue
            note = ""
            if r["covered"] != r["checks"]:
                note = f"runs {r['covered']} of {r['checks']} checks (no SQL rules in GX pandas)"
            if r["engine"] == "soda" and "_errors" in r["counts"]:
                note = "errors: " + r["counts"]["_errors"][:120].replace("\n", " ")
            if r.get("statements"):
                note = (note + "; " if note else "") + f"{r['statements']} GX SQL statements"
            if r.get("pii_scan_seconds"):
                note += (f"; the content scan for personal data ran {r['pii_scan_seconds']:.1f} s in a thread "
                         "beside the checks")
            if r["engine"] == "shopgov_cold":
                note += "; GX imported by the run, as `shopgov check` does (check seconds include it)"
            if r["engine"] == "shopgov_noscan":
                note += "; the same checks without the content scan for personal data (like-for-like with SQL)"
            if len(r.get("runs", [])) > 1:
                note = (note + "; " if note else "") + "runs: " + ", ".join(f"{x:.1f}" for x in r["runs"])
                note += " (wall " + ", ".join(f"{x:.1f}" for x in r["wall_runs"]) + ")"
            lines.append(f"| {r['engine']} | {r['covered']} | {r['seconds']:.1f} | {r['import_seconds']:.1f} | "
                         f"{r['wall']:.1f} | {r['cpu']:.1f} | {r['peak_rss_mb']:.0f} | {note} |")
        lines.append("")
        sg = next((x for x in results if x["case"] == case and x["engine"] == "shopgov" and "error" not in x), None)
        if sg is None:
            continue
        sq = next((x for x in results if x["case"] == case and x["engine"] == "sql" and "error" not in x), None)
        cold = next((x for x in results if x["case"] == case and x["engine"] == "shopgov_cold"
                     and "error" not in x), None)
        if sg and sq:
            wall = (f"cold-process wall {cold['wall'] / sq['wall']:.2f}x (`shopgov_cold`; "
                    f"{sg['wall'] / sq['wall']:.2f}x with GX imported before the run)" if cold
                    else f"cold-process wall {sg['wall'] / sq['wall']:.2f}x")
            lines.append(f"shopgov / hand-written SQL: check seconds {sg['seconds'] / sq['seconds']:.2f}x "
                         f"(shopgov also scans for personal data, beside the checks), {wall}, CPU seconds "
                         f"{sg['cpu'] / sq['cpu']:.2f}x.")
            ns = next((x for x in results if x["case"] == case and x["engine"] == "shopgov_noscan"
                       and "error" not in x), None)
            if ns:
                lines.append(f"Like-for-like (`shopgov_noscan`, the same checks without the personal-data scan): "
                             f"check seconds {ns['seconds'] / sq['seconds']:.2f}x, cold-process wall "
                             f"{ns['wall'] / sq['wall']:.2f}x (GX imported in the process), CPU seconds "
                             f"{ns['cpu'] / sq['cpu']:.2f}x.")
            lines.append("")
            same, diff = compare(sg, sq)
            lines.append(f"Hand-written SQL and shopgov agree on {same} of {len(sq['counts'])} rule counts."
                         + (" Differences: " + "; ".join(diff[:10]) if diff else ""))
            lines.append("")
        so = next((x for x in results if x["case"] == case and x["engine"] == "soda" and "error" not in x), None)
        if sg and so:
            verdicts = {k: v for k, v in so["counts"].items() if k != "_errors"}
            agree = sum(1 for k, v in verdicts.items() if (v == "pass") == (k not in sg["failed"]))
            lines.append(f"Soda and shopgov agree on pass/fail for {agree} of {len(verdicts)} checks "
                         f"({sum(1 for v in verdicts.values() if v != 'pass')} failing).")
            lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", type=Path, help="existing shopgov home to benchmark (skips generation)")
    p.add_argument("--cache", type=Path, default=Path("/tmp/shopgov-bench"), help="where generated data is kept")
    p.add_argument("--products", type=int, default=100_000)
    p.add_argument("--events", type=int, default=10_000_000)
    p.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES)
    p.add_argument("--cases", nargs="+", default=["simple6", "full"], choices=["simple6", "full", "nightly"],
                   help="nightly: shopgov only, --partition latest (newest partition + whole-table rules)")
    p.add_argument("--timeout", type=float, default=1800)
    p.add_argument("--repeat", type=int, default=3, help="runs per engine (median reported; GX pandas runs once)")
    p.add_argument("--out", type=Path, default=RESULTS / "checks.md")
    p.add_argument("--replicate", type=int, default=0,
                   help="benchmark a copy of --data with the events repeated N times (e.g. 10 -> 100M)")
    p.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    p.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--case", default="full", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        doc = run_engine(args.child, args.case, args.data)
        print(json.dumps({**doc, "own_peak_rss_mb": own_peak_rss_mb()}, default=str))
        # end as the `shopgov` command does (dashboard.cli.skip_final_collection), every engine alike
        import gc

        gc.freeze()
        return
    # Data preparation runs in a child: a forked child inherits the parent's peak RSS
    # (ru_maxrss survives fork and exec), so the parent must stay small.
    if args.prepare:
        home_dir = args.data or ensure_data(args.cache, args.products, args.events)
        if args.replicate > 1:
            home_dir = replicate(Path(home_dir), args.cache / f"{Path(home_dir).name}-x{args.replicate}", args.replicate)
        print(json.dumps({"home": str(home_dir)}))
        return
    prep = [sys.executable, "-m", "bench.bench_checks", "--prepare", "--cache", str(args.cache),
            "--products", str(args.products), "--events", str(args.events), "--replicate", str(args.replicate)]
    if args.data:
        prep += ["--data", str(args.data)]
    out = subprocess.run(prep, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    home_dir = json.loads(out.strip().splitlines()[-1])["home"]
    import duckdb

    con = duckdb.connect(str(Path(home_dir) / "warehouse.duckdb"), read_only=True)
    rows = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("products", "events")}
    rows["events in the newest partition"] = con.execute(
        "SELECT count(*) FROM events WHERE event_date = (SELECT max(event_date) FROM events "
        f"WHERE event_date <= DATE '{END}')").fetchone()[0]
    con.close()
    results = []
    # read the files once, so that the first engine of round 1 does not pay for a cold page cache
    # (a run right after the test suite took 35 s where the next took 16 s)
    for f in sorted(Path(home_dir).glob("*.duckdb")):
        with f.open("rb") as fh:
            while fh.read(1 << 24):
                pass
    load = [os.getloadavg()]
    for case in args.cases:
        runs: dict[str, list[dict]] = {e: [] for e in args.engines}
        for i in range(args.repeat):  # round robin: every engine sees the same machine load
            for engine in args.engines:
                if (engine == "gx_pandas" and i > 0) or (case == "nightly" and not engine.startswith("shopgov")):
                    continue
                print(f"{case:8} {engine:18} #{i + 1} ...", end=" ", flush=True)
                r = measure(engine, case, Path(home_dir), args.timeout)
                print(r.get("error") or f"{r['seconds']:.1f} s, cpu {r['cpu']:.1f} s, {r['peak_rss_mb']:.0f} MB",
                      flush=True)
                runs[engine].append(r)
        results += [_median(runs[e]) for e in args.engines if runs[e]]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    load.append(os.getloadavg())
    args.out.write_text(report(results, Path(home_dir), rows, load))
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=1, default=str))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
