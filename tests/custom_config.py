"""A team's own configuration, as the README's worked example builds it (shared by tests).

The home adds a ``search_queries`` table (contract, metadata and a suite), removes the
``reviews`` table (catalog entry, lineage edge and suite), and defines its own role.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from governance.config import init_config
from governance.paths import Home

SEARCH_QUERIES_TABLE = {
    "description": "Search queries typed by shoppers, with how many results they got.",
    "owner": "search-platform",
    "source_system": "search-gateway",
    "domain": "behaviour",
    "sensitivity": "confidential",
    "freshness_sla_hours": 24,
    "retention_days": 180,
    "key": ["query_id"],
    "columns": {
        "query_id": {"type": "VARCHAR", "required": True, "pii": "none", "description": "Query event id."},
        "user_id": {"type": "VARCHAR", "pii": "indirect", "description": "Raw account id of the shopper."},
        "query": {"type": "VARCHAR", "pii": "none", "description": "The text typed."},
        "results": {"type": "INTEGER", "pii": "none", "description": "Number of results returned."},
        "ts": {"type": "TIMESTAMP", "required": True, "pii": "none", "description": "When it was typed (UTC)."},
    },
}

SEARCH_QUERIES_SUITE = """\
suite: search_queries
kind: quality
table: search_queries
description: Search queries are identified, unique and sane.
expectations:
  - id: search_queries.query_id.unique
    type: expect_column_values_to_be_unique
    kwargs: {column: query_id}
    meta: {dimension: uniqueness, severity: critical, description: Each query event is logged once.}
  - id: search_queries.results.non_negative
    type: expect_column_values_to_be_between
    kwargs: {column: results, min_value: 0}
    meta: {dimension: validity, severity: high, description: A result count is never negative.}
  - id: search_queries.query.not_blank
    type: unexpected_rows_expectation
    column: query
    kwargs:
      unexpected_rows_query: "SELECT query_id FROM {batch} WHERE trim(query) = ''"
    meta: {dimension: completeness, severity: medium, description: No query is empty.}
"""

SEARCH_QUERIES_CSV = """\
query_id,user_id,query,results,ts
q1,u1,red running shoes,120,2026-11-20 10:00:00
q2,u2,iphone case,300,2026-11-20 10:05:00
q3,u1,  ,0,2026-11-20 10:06:00
q4,u3,wireless earbuds,-1,2026-11-20 11:00:00
"""


#: the owner-coverage anchors, default and tightened by the team
DEFAULT_OWNER_ANCHORS = "anchors: {2: 0.5, 3: 0.9, 4: 0.97, 5: 1.0}"
TIGHT_OWNER_ANCHORS = "anchors: {2: 0.95, 3: 0.99, 4: 0.995, 5: 1.0}"
AUDITOR_ROLE = """  auditor:
    description: Internal audit - aggregates and masked rows, no changes.
    inherits: viewer
    actions: [view_rows]
"""


def write_custom_config(home: Home) -> None:
    """Start from the defaults, then add search_queries, remove reviews, add a role, tighten an anchor."""
    init_config(home)
    cfg = home.config
    roles = cfg / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("  admin:\n", AUDITOR_ROLE + "  admin:\n", 1),
                     encoding="utf-8")
    maturity = cfg / "maturity.yaml"
    text = maturity.read_text(encoding="utf-8")
    owner = text.index("id: governance.owner_coverage")
    at = text.index(DEFAULT_OWNER_ANCHORS, owner)
    maturity.write_text(text[:at] + TIGHT_OWNER_ANCHORS + text[at + len(DEFAULT_OWNER_ANCHORS):], encoding="utf-8")
    cat_path = cfg / "catalog.yaml"
    cat = yaml.safe_load(cat_path.read_text(encoding="utf-8"))
    cat["tables"]["search_queries"] = SEARCH_QUERIES_TABLE
    del cat["tables"]["reviews"]
    cat["lineage"] = [e for e in cat["lineage"] if "reviews" not in (e["upstream"], e["downstream"])]
    cat["lineage"].append({"upstream": "search-gateway", "downstream": "search_queries",
                           "transform": "hourly export"})
    cat_path.write_text(yaml.safe_dump(cat, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (cfg / "suites" / "reviews.yaml").unlink()
    (cfg / "suites" / "search_queries.yaml").write_text(SEARCH_QUERIES_SUITE, encoding="utf-8")


def search_queries_file(folder: Path) -> Path:
    p = folder / "search_queries.csv"
    p.write_text(SEARCH_QUERIES_CSV, encoding="utf-8")
    return p
