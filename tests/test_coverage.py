"""Catalog coverage has one definition: status, the dashboard and the maturity evidence agree."""

from __future__ import annotations

import duckdb
import pytest

from assess.maturity.evidence import (
    Sources,
    catalog_column_coverage,
    catalog_table_coverage,
    lineage_coverage,
)
from dashboard import queries
from governance.catalog import CATALOG_FILE, load_catalog
from governance.coverage import SHARES, catalog_coverage
from governance.status import warehouse_status
from governance.warehouse import ensure_warehouse

EDITS = [  # a catalog with one gap of each kind
    ("city: {type: VARCHAR, pii: none, description: City of registration.}",
     "city: {type: VARCHAR, description: City of registration.}"),  # unclassified column
    ("rating: {type: INTEGER, pii: none, description: Star rating from 1 to 5.}",
     "rating: {type: INTEGER, pii: none}"),  # undescribed column
    ("    steward: trust-and-safety\n", ""),  # reviews: owner but no steward
    ("    freshness_sla_hours: 168\n", ""),  # categories: no SLA
    ("    retention_days: 395\n", ""),  # events: no retention
    ("  - {upstream: reviews-service, downstream: reviews, transform: nightly export}\n", ""),  # no lineage
]


@pytest.fixture
def gappy(home):
    text = CATALOG_FILE.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (home.config / "catalog.yaml").write_text(text, encoding="utf-8")
    catalog = load_catalog(home)
    ensure_warehouse(home, catalog)
    return home, catalog


def test_status_dashboard_and_evidence_give_the_same_figures(gappy):
    home, catalog = gappy
    n_cols = sum(len(t.columns) for t in catalog.tables.values())
    n_tables = len(catalog.tables)
    expected = {
        "descriptions": (n_tables + n_cols - 1) / (n_tables + n_cols),
        "owners": (n_tables - 1) / n_tables, "pii_tags": (n_cols - 1) / n_cols,
        "slas": (n_tables - 1) / n_tables, "retention": (n_tables - 1) / n_tables,
        "lineage": (n_tables - 1) / n_tables,
    }
    status = warehouse_status(home)["catalog_coverage"]
    dashboard, per_table = queries.catalog_coverage(home)
    assert list(status) == list(SHARES) == list(dashboard)
    assert status == pytest.approx(expected) and dashboard == pytest.approx(expected)

    src, reader = Sources.open(home)
    try:
        ev = {
            "owners": catalog_table_coverage(src, {"fields": ["owner", "steward"]}),
            "pii_tags": catalog_column_coverage(src, {"field": "pii_class"}),
            "slas": catalog_table_coverage(src, {"fields": ["freshness_sla_hours"]}),
            "retention": catalog_table_coverage(src, {"fields": ["retention_days"]}),
            "lineage": lineage_coverage(src, {}),
        }
        col_desc = catalog_column_coverage(src, {"field": "description"})
    finally:
        reader.close()
    assert {k: e.value for k, e in ev.items()} == pytest.approx({k: expected[k] for k in ev})
    assert ev["pii_tags"].details["missing"] == ["sellers.city"]
    assert ev["lineage"].details["missing"] == ["reviews"]
    assert col_desc.value == pytest.approx((n_cols - 1) / n_cols)

    gaps = dict(zip(per_table["table_name"], per_table["gaps"], strict=True))
    assert gaps == {"categories": ["sla"], "events": ["retention"], "products": [],
                    "reviews": ["column_descriptions", "steward", "lineage"], "sellers": ["pii_tags"]}


def test_no_catalog_means_no_coverage(home):
    ensure_warehouse(home)
    con = duckdb.connect(":memory:")
    try:
        assert catalog_coverage(con) is None
        con.execute(f"ATTACH '{home.warehouse}' AS wh (READ_ONLY)")
        assert catalog_coverage(con, "wh").shares == pytest.approx({k: 1.0 for k in SHARES})
    finally:
        con.close()
