"""Build results.duckdb evidence for maturity and report tests, with the contract schemas.

The warehouse comes from the real ``ensure_warehouse`` (catalog tables from catalog.yaml);
check runs, expectation results, quality scores and listing runs/scores are written through
the real ``atomic_write`` into tables created by ``governance.results_schema.ensure_schema``,
so these tests do not depend on the checks or listing-model code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from governance.paths import Home
from governance.results_schema import ensure_schema, ensure_table, insert_sql
from governance.warehouse import atomic_write, ensure_warehouse

T0 = datetime(2025, 3, 1, 2, 0, 0)


@dataclass(frozen=True)
class Check:
    expectation_id: str
    table: str
    dimension: str
    unexpected: int = 0
    element: int = 1000
    severity: str = "high"
    kind: str = "quality"
    column: str | None = None
    observed: str | None = None

    @property
    def success(self) -> bool:
        return self.unexpected == 0


def baseline_checks(consistency_unexpected: int = 20) -> list[Check]:
    """A realistic latest run: every table and dimension covered, a few failures."""
    return [
        Check("products.title.not_null", "products", "completeness", 10, 2000, "high", column="title"),
        Check("products.product_id.unique", "products", "uniqueness", 4, 2000, "critical", column="product_id"),
        Check("products.price.positive", "products", "validity", 6, 2000, "high", column="price"),
        Check("products.price.outlier", "products", "accuracy", 8, 2000, "medium", column="price"),
        Check("products.sale_le_list", "products", "consistency", consistency_unexpected, 2000, "high",
              column="price", observed='{"unexpected_rows": [{"product_id": "p1", "price": 12.5}]}'),
        Check("categories.category_id.unique", "categories", "uniqueness", 0, 60),
        Check("categories.name.not_null", "categories", "completeness", 0, 60),
        Check("sellers.seller_id.unique", "sellers", "uniqueness", 0, 100),
        Check("sellers.rating.range", "sellers", "validity", 1, 100, "low", column="rating"),
        Check("events.event_id.unique", "events", "uniqueness", 3, 50000, "high", column="event_id"),
        Check("events.item_known", "events", "consistency", 40, 50000, "medium", column="item_id"),
        Check("events.ts.not_future", "events", "validity", 2, 50000, "medium", column="ts"),
        Check("events.freshness", "events", "timeliness", 0, 1),
        Check("reviews.rating.range", "reviews", "validity", 0, 500),
        Check("reviews.review_id.unique", "reviews", "uniqueness", 0, 500),
        Check("meta.tables.have_owner", "catalog_tables", "completeness", 0, 5, kind="metadata"),
        Check("meta.columns.have_description", "catalog_columns", "completeness", 0, 48, kind="metadata"),
    ]


def _scores(run_id: str, checks: list[Check]) -> list[list]:
    q = [c for c in checks if c.kind == "quality"]
    groups: dict[tuple[str, str], list[Check]] = {}
    for c in q:
        for key in ((c.table, c.dimension), ("*", c.dimension), (c.table, "*"), ("*", "*")):
            groups.setdefault(key, []).append(c)
    rows = []
    for (table, dim), cs in sorted(groups.items()):
        total, passed = len(cs), sum(c.success for c in cs)
        elements = sum(c.element for c in cs)
        rate = 1 - sum(c.unexpected for c in cs) / elements if elements else None
        rows.append([run_id, table, dim, total, passed, passed / total, rate])
    return rows


def ensure_results(home: Home) -> None:
    ensure_warehouse(home)
    with atomic_write(home, home.results) as con:
        ensure_schema(con)


def add_check_run(home: Home, run_id: str, started_at: datetime, checks: list[Check], status: str | None = None) -> None:
    """Append one check run with its expectation results and quality scores."""
    ensure_results(home)
    n_failed = sum(not c.success for c in checks)
    with atomic_write(home, home.results) as con:
        con.execute(
            insert_sql("check_runs"),
            [run_id, started_at, started_at + timedelta(seconds=30), started_at.date(),
             status or ("failed" if n_failed else "passed"), len(checks), n_failed, "products,events,metadata",
             "1.24.1", "c" * 64, None],
        )
        if not checks:
            return
        con.executemany(
            insert_sql("expectation_results"),
            [[run_id, f"{c.table}_suite", c.kind, c.table, c.column, c.expectation_id, "expect_x", c.dimension,
              c.severity, c.success, c.unexpected, c.element, 100.0 * c.unexpected / c.element, c.observed,
              f"check {c.expectation_id}"] for c in checks],
        )
        con.executemany(insert_sql("quality_scores"), _scores(run_id, checks))


def add_listing_run(home: Home, run_id: str, scored_at: datetime, n_scored: int, n_flagged: int,
                    samples: list[dict] | None = None) -> None:
    ensure_results(home)
    with atomic_write(home, home.results) as con:
        con.execute(insert_sql("listing_runs"),
                    [run_id, "m-test", scored_at, n_scored, n_flagged, 0.5, 1.0])
        con.execute("DELETE FROM listing_scores")
        for s in samples or []:
            con.execute(
                insert_sql("listing_scores"),
                [run_id, s["product_id"], s.get("seller_id", "s1"), s.get("sku", "k1"), s.get("category_id", "c1"),
                 s["title"], "m-test", s.get("score", 0.9), 0.1, 0.2, s.get("flagged", True),
                 json.dumps(s.get("reasons", [{"code": "keyword_stuffing", "message": "repeated words"}])),
                 json.dumps([{"token": "cheap", "weight": 0.4}]), scored_at, None, "en"],
            )


def add_products(home: Home, n: int) -> None:
    """Insert ``n`` minimal product rows (so listing scoring coverage has a denominator)."""
    ensure_warehouse(home)
    with atomic_write(home, home.warehouse) as con:
        con.execute(
            "INSERT INTO products (product_id, sku, seller_id, title) "
            "SELECT 'p' || i, 'k' || i, 's' || (i % 7), 'Product ' || i FROM range(?) t(i)", [n])


def add_pii_findings(home: Home, rows: list[tuple[str, str]]) -> None:
    """A results.pii_findings table as the personal-data scanning release will write it."""
    ensure_results(home)
    with atomic_write(home, home.results) as con:
        ensure_table(con, "pii_findings")
        con.executemany("INSERT INTO pii_findings (finding_id, severity, status) VALUES (?,?,?)",
                        [[f"f{i}", s, st] for i, (s, st) in enumerate(rows)])


def write_answers(home: Home, text: str, evidence: dict[str, bytes] | None = None) -> None:
    home.config.mkdir(parents=True, exist_ok=True)
    (home.config / "questionnaire.yaml").write_text(text, encoding="utf-8")
    edir = home.root / "evidence"
    edir.mkdir(parents=True, exist_ok=True)
    for name, data in (evidence or {}).items():
        (edir / name).write_bytes(data)


ANSWERS_YAML = """
answers:
  strategy_planning:
    2: {answer: fully, evidence: [strategy.pdf], note: "approved by the CDO, contact cdo@example.com"}
    3: {answer: largely, evidence: [strategy.pdf]}
    4: partially
  strategy_implementation:
    2: {answer: fully, evidence: [roadmap.pdf]}
    3: {answer: fully}
  governance_organisation:
    2: {answer: fully, evidence: [raci.xlsx]}
    3: {answer: fully, evidence: [raci.xlsx]}
    4: {answer: largely, evidence: [kpi.pdf]}
  quality_analysis:
    2: fully
"""
EVIDENCE_FILES = {"strategy.pdf": b"%PDF-1.4 strategy", "roadmap.pdf": b"roadmap", "raci.xlsx": b"raci",
                  "kpi.pdf": b"kpi"}
