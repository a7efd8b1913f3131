"""The Spark engine: Parquet export round trip, and the same suites on Spark as on DuckDB.

One SparkSession for the module (local[2], no UI, 2 shuffle partitions) over a tiny
generated sample with its injected defects. GX's Spark engine costs about a second per
expectation whatever the data size, so `make test` runs three suites that hold every kind of
rule the default suites use on Spark (null, unique, range, row count, SQL rules with the
DuckDB-to-Spark fixes, a rule Spark cannot run); ``SHOPGOV_SPARK_SUITES=all`` runs every suite
(docs/spark.md gives the last full comparison). The differential test extends
tests/test_differential.py: the DuckDB path, the Spark path and GX's pandas engine give
the same verdict and unexpected count for every expectation each of them runs.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import duckdb
import pytest
from check_fixtures import AS_OF, TABLES, load, make_sample

pytest.importorskip("pyspark", reason="the Spark engine needs the [spark] extra (make setup installs it)")

from governance.checks import run_checks  # noqa: E402
from governance.config import ConfigError  # noqa: E402
from governance.ingest import ingest_files  # noqa: E402
from governance.parquet_export import export_parquet, ingest_items, read_manifest  # noqa: E402
from governance.paths import get_home  # noqa: E402
from governance.spark_engine import SparkSettings, load_spark_settings, spark_session  # noqa: E402
from governance.spark_sql import to_spark  # noqa: E402

#: the suites compared (``all``: every suite)
SUITES = [s for s in os.environ.get("SHOPGOV_SPARK_SUITES", "sellers,events_table,reviews").split(",") if s]
SUITES = None if SUITES == ["all"] else SUITES

#: rules of the default suites that Spark cannot run, and a word of the reason
_NOT_ON_SPARK = {
    "catalog_columns.schema.described": "DUCKDB_COLUMNS", "catalog_columns.schema.exists": "DUCKDB_COLUMNS",
    "catalog_columns.schema.type_matches": "DUCKDB_COLUMNS", "catalog_tables.warehouse.described": "DUCKDB_TABLES",
    "catalog_tables.warehouse.exists": "DUCKDB_TABLES", "products.listing.near_duplicate": "JAROWINKLER",
    "events.volume.stale_day": "INTERVAL", "catalog_columns.pii.content_classified": "warehouse",
    "catalog_columns.pii.no_critical_in_text": "warehouse",
}


def _rule_ids() -> set[str]:
    from governance.check_suites import load_suites

    return {r.id for s in load_suites(SUITES) for r in s.rules}


NOT_ON_SPARK = {k: v for k, v in _NOT_ON_SPARK.items() if SUITES is None or k in _rule_ids()}


@pytest.fixture(scope="module")
def spark():
    session = spark_session(SparkSettings(master="local[2]", conf={
        "spark.ui.enabled": False, "spark.sql.shuffle.partitions": 2, "spark.driver.memory": "512m",
        "spark.sql.adaptive.enabled": False, "spark.default.parallelism": 2,
        "spark.sql.session.timeZone": "UTC", "spark.sql.timestampType": "TIMESTAMP_NTZ",
        "spark.sql.sources.parallelPartitionDiscovery.threshold": 1000, "spark.ui.showConsoleProgress": False}))
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A tiny dirty sample: its home (warehouse) and its Parquet export."""
    root = tmp_path_factory.mktemp("spark")
    make_sample(root / "sample", clean=False, products=300, events=3000)
    home = get_home(root / "home")
    load(home, root / "sample")
    export = export_parquet(home, root / "parquet")
    return home, export


def test_export_layout_and_round_trip(sample, tmp_path):
    home, export = sample
    folder = export.folder
    manifest = read_manifest(folder)
    con = duckdb.connect(str(home.warehouse), read_only=True)
    counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in manifest.tables}
    days = {str(d) for (d,) in con.execute("SELECT DISTINCT event_date FROM events").fetchall()}
    con.close()
    assert export.rows == counts and counts["events"] == 3000
    assert manifest.config_sha256 and set(TABLES) <= set(manifest.tables)
    assert {p.name for p in (folder / "events").iterdir()} == {f"day={d}" for d in days}
    assert (folder / "products.parquet").is_file() and manifest.tables["events"].partition_column == "event_date"
    again = export_parquet(home, folder)  # an earlier export is replaced whole
    assert again.rows == counts
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x.txt").write_text("x")
    with pytest.raises(Exception, match="not empty"):
        export_parquet(home, tmp_path / "busy")
    # round trip: ingest reads the exported files back into an identical warehouse
    back = get_home(tmp_path / "back").ensure()
    ingest_files(back, ingest_items(folder, list(TABLES)), progress=False)
    con = duckdb.connect()
    con.execute(f"ATTACH '{home.warehouse}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{back.warehouse}' AS b (READ_ONLY)")
    for t in TABLES:
        diff = con.execute(f"SELECT count(*) FROM ((FROM a.{t} EXCEPT ALL FROM b.{t}) UNION ALL "
                           f"(FROM b.{t} EXCEPT ALL FROM a.{t}))").fetchone()[0]
        assert diff == 0, t
    con.close()


@pytest.fixture(scope="module")
def spark_run(sample, spark, tmp_path_factory):
    """The one Spark run of the module: the CLI in-process (the module's session is reused),
    newest events partition, into a home without a warehouse (the export is all it reads)."""
    from typer.testing import CliRunner

    from dashboard.cli import build_app

    _, export = sample
    h = get_home(tmp_path_factory.mktemp("spark-home") / "home").ensure()
    (h.config / "spark.yaml").write_text("cache_tables: true\n")  # tiny data: read each table once
    out = h.root / "run.json"
    picked = [a for name in SUITES or () for a in ("--suite", name)]
    sc = spark.sparkContext
    sc.setJobGroup("spark_run", "the module's Spark check run")
    try:
        r = CliRunner().invoke(build_app(), ["check", *picked, "--engine", "spark", "--source", str(export.folder),
                                             "--partition", "latest", "--as-of", AS_OF, "--no-docs",
                                             "--home", str(h.root), "--json", str(out)])
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    tracker = sc.statusTracker()
    jobs = {}  # job id -> call sites of its stages (where in Python or the JVM the job was started)
    for job in tracker.getJobIdsForGroup("spark_run"):
        info = tracker.getJobInfo(job)
        stages = [tracker.getStageInfo(s) for s in (info.stageIds if info else ())]
        jobs[job] = [s.name for s in stages if s]
    return h, r, json.loads(out.read_text()) if out.exists() else None, jobs


def test_cli_spark_run_is_stored_like_a_duckdb_run(spark_run):
    from governance.check_store import latest_runs

    h, r, doc, _ = spark_run
    assert r.exit_code == 1, r.output
    assert doc["engine"] == "spark" and doc["status"] == "failed" and doc["partition_date"] == (
        "2024-06-30" if SUITES is None or "events" in SUITES else None)
    reasons = {n["expectation"]: n["reason"] for n in doc["not_run"]}
    assert set(reasons) == set(NOT_ON_SPARK)  # listed with the reason, not failed
    for rid, word in NOT_ON_SPARK.items():
        assert word.lower() in reasons[rid].lower(), (rid, reasons[rid])
    assert not {e["expectation"] for e in doc["expectations"]} & set(reasons)
    assert "not run on this engine" in r.output
    run = latest_runs(h, limit=1)[0]
    assert run["run_id"] == doc["run_id"] and run["status"] == "failed"
    assert doc["incidents"]["opened"]


def test_gx_runs_at_most_one_spark_job_per_expectation(spark_run):
    """Every Spark job has a fixed cost whatever the data size, so job count is the Spark path's
    time at small and medium scale. GX left alone runs each SQL rule twice (a count, then a
    sample of up to 200 rows that a counts-only run discards) and a job per column expectation
    to collect no values; :mod:`governance.gx_spark` removes both, and this holds the line:
    after reading the tables, GX needs at most one job per expectation (sellers, events_table,
    reviews: 14 jobs for 17 expectations with the shortcuts, 20 without)."""
    _, _, doc, jobs = spark_run
    sites = {job: " ".join(names) for job, names in jobs.items()}
    reading = {j for j, s in sites.items() if "parquet at" in s or "spark_engine.py" in s}
    samples = {j for j, s in sites.items() if "query_metrics" in s}
    gx_jobs = len(jobs) - len(reading)
    assert jobs and reading, sites  # the run was observed
    assert samples == set(), f"GX sampled the rows of SQL rules in a counts-only run: {samples}"
    assert gx_jobs <= len(doc["expectations"]), (gx_jobs, len(doc["expectations"]), sites)


def test_duckdb_spark_and_gx_pandas_agree(sample, spark_run):
    import great_expectations as gx

    from governance.catalog import load_catalog
    from governance.check_suites import COUNTS_ONLY, load_suites, to_gx_suite
    from governance.checks import parse_as_of, plan_batches
    from governance.warehouse import connect_read

    home, _ = sample
    doc = spark_run[2]
    duck = run_checks(home, partition="latest", suites=SUITES, as_of=AS_OF, progress=False, docs=False, store=False)
    assert duck.engine == "duckdb" and duck.not_run == []
    d = {r.expectation_id: (r.success, r.unexpected_count, r.element_count, r.error) for r in duck.results}
    s = {e["expectation"]: (e["success"], e["unexpected_count"], e["element_count"], e["error"])
         for e in doc["expectations"]}
    assert set(s) == set(d) - set(NOT_ON_SPARK)
    assert {k: v for k, v in s.items() if d[k] != v} == {}
    assert sum(1 for v in s.values() if not v[0]) >= (10 if SUITES is None else 2) and not any(v[3] for v in s.values())

    # GX's pandas engine on the same batches (it has no SQL rules): same verdicts and counts
    con = connect_read(home.warehouse)
    try:
        batches, _ = plan_batches(home, con, load_suites(SUITES), load_catalog(), "latest", parse_as_of(AS_OF))
        frames = {b.suite.name: con.execute(b.query or f'SELECT * FROM "{b.suite.table}"').df() for b in batches}
    finally:
        con.close()
    pdb = gx.get_context(mode="ephemeral").data_sources.add_pandas("pd")
    differ, compared = {}, 0
    for b in batches:
        rules = tuple(r for r in b.suite.rules if not r.is_sql)
        if not rules:
            continue
        bd = pdb.add_dataframe_asset(b.suite.name).add_batch_definition_whole_dataframe("b")
        res = bd.get_batch(batch_parameters={"dataframe": frames[b.suite.name]}).validate(
            to_gx_suite(dataclasses.replace(b.suite, rules=rules), b.params), result_format=COUNTS_ONLY)
        for r in res.results:
            rid = r.expectation_config.meta["id"]
            got = (bool(r.success), r.result.get("unexpected_count") if b.suite.rule(rid).scope == "rows" else None)
            if got != s[rid][:2]:
                differ[rid] = (got, s[rid])
            compared += 1
    assert differ == {} and compared >= (40 if SUITES is None else 8)


def test_sql_fixes_keep_duckdb_semantics(spark):
    """Each DuckDB-to-Spark fix gives Spark's answer equal to DuckDB's on edge values."""
    cases = [
        ("regexp_full_match('AB', '[A-Z][A-Z]')", {}),
        ("regexp_full_match('AB' || chr(10), '[A-Z][A-Z]')", {}),  # Java's $ would match here
        ("regexp_full_match('xAB', '[A-Z][A-Z]')", {}),
        ("len(regexp_split_to_array(trim('one  two three'), '\\s+'))", {}),
        ("epoch_ms(ts)", {"ts"}),
        ("TIMESTAMP '2024-06-30 10:00:00' - INTERVAL (90) MINUTE", {}),
    ]
    con = duckdb.connect()
    for expr, stamps in cases:
        sql = f"SELECT {expr} AS v FROM (SELECT TIMESTAMP '2024-06-30 12:34:56.789' AS ts) t"
        want = con.execute(sql).fetchone()[0]
        got = spark.sql(to_spark(sql, timestamp_columns=stamps)).collect()[0][0]
        assert got == want, (expr, to_spark(sql, timestamp_columns=stamps), got, want)
    con.close()


def test_spark_settings_file_and_environment(home, monkeypatch):
    assert load_spark_settings(home).master == "local[2]"  # the bundled default
    path = home.config / "spark.yaml"
    path.write_text("master: spark://cluster:7077\nconf:\n  spark.hadoop.fs.s3a.secret.key: ${env:S3_SECRET}\n")
    with pytest.raises(ConfigError, match=r"spark.yaml: conf.spark.hadoop.fs.s3a.secret.key: .*S3_SECRET"):
        load_spark_settings(home)
    monkeypatch.setenv("S3_SECRET", "s3cr3t")
    monkeypatch.setenv("SHOPGOV_SPARK_MASTER", "local[1]")
    s = load_spark_settings(home)
    assert s.master == "local[1]" and s.conf["spark.hadoop.fs.s3a.secret.key"] == "s3cr3t"
    path.write_text("master: local[2]\nmastr: x\n")
    with pytest.raises(ConfigError, match=r"spark.yaml:2: mastr: unknown key"):
        load_spark_settings(home)


def _cli(*args, env=None, block_pyspark=False):
    code = "import sys\n"
    if block_pyspark:
        code += "sys.modules['pyspark'] = None\n"
    code += "from dashboard.cli import main\nsys.argv = ['shopgov', *sys.argv[1:]]\nmain()\n"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def test_cli_usage_errors_exit_2(sample, tmp_path):
    home, export = sample
    env = {"SHOPGOV_HOME": str(home.root)}
    r = _cli("check", "--engine", "spark", "--source", str(export.folder), env=env, block_pyspark=True)
    assert r.returncode == 2 and "shopgov[spark]" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = _cli("check", "--engine", "spark", env=env)
    assert r.returncode == 2 and "--source" in r.stderr
    r = _cli("check", "--engine", "spark", "--source", str(tmp_path / "none"), env=env)
    assert r.returncode == 2 and "no such folder" in r.stderr
    r = _cli("check", "--engine", "flink", env=env)
    assert r.returncode == 2 and "duckdb or spark" in r.stderr


def test_a_python_c_script_is_not_taken_for_a_pyspark_doctest_run():
    """pyspark 4 (imported by GX) calls sys.exit(0) in a ``python -c`` process when grpc is
    missing; importing shopgov first must keep such a script running (and its exit code its own)."""
    code = "import governance, great_expectations, sys; print('still running'); sys.exit(7)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert r.returncode == 7 and "still running" in r.stdout, r.stderr[-2000:]
