"""A small shopgov home for dashboard tests: real DuckDB files with the contract schemas.

The warehouse is created by the real ``ensure_warehouse`` (tables and catalog from
catalog.yaml) and gets a handful of rows, some with personal data, so masking can be
seen to work. results.duckdb gets check runs, expectation results, quality scores,
listing scores and assessments in the tables of ``governance.results_schema``,
written through the real ``atomic_write``. Nothing here depends on the checks, model or
maturity code, so the dashboard tests do not wait for them.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from governance.access import record_report
from governance.incidents import update_incidents
from governance.paths import Home
from governance.results_schema import columns, ensure_schema, insert_sql
from governance.warehouse import atomic_write, ensure_warehouse

SECRET_EMAIL = "owner.li@example.com"
SECRET_PHONE = "13812345678"
SECRET_USER = "user-000042"

# (expectation_id, suite, kind, table, column, type, dimension, severity, unexpected, elements, description)
EXPECTATIONS = [
    ("products.title.not_null", "products", "quality", "products", "title",
     "expect_column_values_to_not_be_null", "completeness", "high", 1, 6, "Every listing has a title."),
    ("products.product_id.unique", "products", "quality", "products", "product_id",
     "expect_column_values_to_be_unique", "uniqueness", "critical", 2, 6, "product_id is unique."),
    ("products.price.positive", "products", "quality", "products", "price",
     "expect_column_values_to_be_between", "validity", "high", 1, 6, "Prices are positive."),
    ("sellers.contact_phone.not_null", "sellers", "quality", "sellers", "contact_phone",
     "expect_column_values_to_not_be_null", "completeness", "medium", 1, 3, "Sellers have a contact phone."),
    ("events.event_type.allowed", "events", "quality", "events", "event_type",
     "expect_column_values_to_be_in_set", "validity", "low", 1, 4, "Event types are known."),
    ("events.volume.partition", "events", "quality", "events", None,
     "expect_table_row_count_to_be_between", "timeliness", "medium", None, 4, "Daily partitions are complete."),
    ("categories.name.not_null", "categories", "quality", "categories", "name",
     "expect_column_values_to_not_be_null", "completeness", "high", 0, 2, "Categories have a name."),
    ("catalog.owner.present", "catalog", "metadata", "catalog_tables", "owner",
     "expect_column_values_to_not_be_null", "completeness", "medium", 0, 5, "Every table has an owner."),
    ("catalog.column_description.present", "catalog", "metadata", "catalog_columns", "description",
     "expect_column_values_to_not_be_null", "completeness", "low", 0, 44, "Every column is described."),
]

DOMAINS = [
    ("strategy", "Data strategy", "数据战略"), ("governance", "Data governance", "数据治理"),
    ("architecture", "Data architecture", "数据架构"), ("applications", "Data applications", "数据应用"),
    ("security", "Data security", "数据安全"), ("quality", "Data quality", "数据质量"),
    ("standards", "Data standards", "数据标准"), ("lifecycle", "Data lifecycle", "数据生存周期"),
]


def _load_warehouse(home: Home) -> None:
    ensure_warehouse(home)
    with atomic_write(home, home.warehouse) as con:
        con.execute("""INSERT INTO categories VALUES
            ('c1', NULL, 'Phones', '手机', 1, 'Phones', true),
            ('c2', NULL, 'Shoes', '鞋', 1, 'Shoes', true)""")
        con.execute(f"""INSERT INTO sellers VALUES
            ('s1', 'Acme', 'CN', 'Hangzhou', 4.5, '2020-01-01', '{SECRET_EMAIL}', '{SECRET_PHONE}'),
            ('s2', 'Bolt', 'CN', 'Shanghai', 4.1, '2021-01-01', 'not-an-email', '13900001111'),
            ('s3', 'Cozy', 'US', 'Austin', 3.9, '2022-01-01', 'c@cozy.example', NULL)""")
        con.execute("""INSERT INTO products (product_id, sku, seller_id, title, description, category_id,
                price, list_price, currency, stock, status) VALUES
            ('p1', 'a', 's1', 'Red running shoes', 'Light.', 'c2', 59.0, 79.0, 'USD', 3, 'active'),
            ('p2', 'b', 's1', NULL, 'Call 13812345678', 'c1', 199.0, 199.0, 'USD', 1, 'active'),
            ('p3', 'c', 's2', 'CHEAP CHEAP PHONE BEST PHONE', 'x', 'c1', -5.0, 10.0, 'USD', 0, 'active'),
            ('p3', 'd', 's2', 'Phone case', 'x', 'c1', 9.0, 9.0, 'USD', 5, 'active'),
            ('p5', 'e', 's3', 'Trail shoes', 'x', 'c2', 89.0, 99.0, 'USD', 2, 'active'),
            ('p6', 'f', 's3', 'Socks', 'x', 'c2', 5.0, 5.0, 'USD', 9, 'active')""")
        con.execute(f"""INSERT INTO events (event_id, user_id, session_id, event_type, item_id, ts, device,
                event_date) VALUES
            ('e1', '{SECRET_USER}', 'sess-1', 'view', 'p1', '2026-01-10 10:00', 'web-desktop', '2026-01-10'),
            ('e2', '{SECRET_USER}', 'sess-1', 'click', 'p1', '2026-01-10 10:01', 'web-desktop', '2026-01-10'),
            ('e3', 'user-7', 'sess-2', 'teleport', 'p5', '2026-01-11 09:00', 'app-ios', '2026-01-11'),
            ('e4', 'user-8', 'sess-3', 'purchase', 'p5', '2026-01-11 09:05', 'app-ios', '2026-01-11')""")


def _tree(aid: str, created: datetime, overall: float, domain_rows: list) -> dict:
    """An explanation tree shaped like assess.maturity's payload (overall → domain → item → indicator)."""
    domains = []
    for did, en, zh, score, level in domain_rows:
        nxt = level + 1
        domains.append({
            "id": did, "name_en": en, "name_zh": zh, "score": score, "level": level,
            "level_name_en": f"Level {level}", "level_name_zh": f"{level} 级", "target_level": 3,
            "gap": max(0, 3 - level), "coverage": 0.5 if did == "strategy" else 0.9,
            "provisional": did == "strategy",
            "provisional_reasons": ["evidence coverage 50% is below 60%"] if did == "strategy" else [],
            "blockers": [{
                "kind": "score", "level": nxt,
                "message_en": f"weighted score {score:.2f} is below {nxt}",
                "message_zh": f"加权得分 {score:.2f} 低于 {nxt}",
                "low_indicators": [{"indicator": f"{did}.metric", "name_en": f"{en} metric",
                                    "name_zh": f"{zh}指标", "display": "61.0%", "score": score,
                                    "shortfall": 0.5}],
            }],
            "recommendations": [{
                "rank": 1, "kind": "improve", "indicator": f"{did}.metric",
                "action_en": f"Improve '{en} metric' from 61.0% to 90.0%",
                "action_zh": f"将「{zh}指标」从 61.0% 提升到 90.0%",
                "score_gain": 0.4, "level_gain": 1, "overall_score_gain": 0.05,
            }],
            "items": [{
                "id": f"{did}_item", "name_en": f"{en} item", "name_zh": f"{zh}能力项", "score": score,
                "statements": {"2": {"en": "Level 2 statement", "zh": "二级要求"}},
                "indicators": [{"id": f"{did}.metric", "name_en": f"{en} metric", "name_zh": f"{zh}指标",
                                "kind": "measured", "weight": 2, "value": 0.61, "display": "61.0%",
                                "score": score, "status": "measured",
                                "evidence": {"value": 0.61, "source": "check run", "details": {},
                                             "reason": None}}],
            }],
        })
    return {
        "assessment_id": aid, "created_at": created.isoformat(sep=" "), "standard": "GB/T 36073-2018",
        "model_version": "test", "config_sha256": "cfg",
        "disclaimer": {"en": "Self-assessment aid, not a DCMM certification.", "zh": "仅供自评参考。"},
        "overall": {"score": overall, "level": int(overall), "level_name_en": f"Level {int(overall)}",
                    "level_name_zh": f"{int(overall)} 级", "provisional": False, "coverage": 0.85},
        "domains": domains,
        "top_recommendations": [dict(d["recommendations"][0], domain=d["id"], domain_en=d["name_en"],
                                     domain_zh=d["name_zh"]) for d in domains[:3]],
        "questionnaire": {"file": None, "sha256": None, "answered": 0, "statements": 112},
    }


def _results(home: Home, runs: int, listings: bool, assessments: int, start: datetime) -> None:
    with atomic_write(home, home.results) as con:
        ensure_schema(con)
        for i in range(runs):
            run_id = f"run-{i + 1:03d}"
            started = start + timedelta(days=i)
            last = i == runs - 1
            failing = [e for e in EXPECTATIONS if e[8]] if last else [e for e in EXPECTATIONS[:2] if e[8]]
            con.execute(insert_sql("check_runs"), [
                run_id, started, started + timedelta(seconds=42), (started - timedelta(days=1)).date(),
                "failed" if failing else "passed", len(EXPECTATIONS), len(failing), "products,sellers,events,catalog",
                "1.24.1", "abc123", str(home.data_docs / "index.html")])
            for (eid, suite, kind, table, column, etype, dim, sev, unexpected, elements, desc) in EXPECTATIONS:
                fails = any(f[0] == eid for f in failing)
                observed = {"unexpected_count": unexpected if fails else 0}
                con.execute(insert_sql("expectation_results"), [
                    run_id, suite, kind, table, column, eid, etype, dim, sev, not fails,
                    (unexpected or 0) if fails else 0, elements,
                    100.0 * (unexpected or 0) / elements if fails else 0.0, json.dumps(observed), desc])
            con.execute(f"""
                INSERT INTO quality_scores ({', '.join(columns('quality_scores'))})
                WITH r AS (SELECT table_name, dimension, success, unexpected_count, element_count
                           FROM expectation_results WHERE run_id = ? AND kind = 'quality'),
                g AS (SELECT table_name, dimension, count(*) AS total, count(*) FILTER (WHERE success) AS passed,
                             1 - sum(coalesce(unexpected_count, 0)) / greatest(sum(element_count), 1) AS rw
                      FROM r GROUP BY GROUPING SETS ((table_name, dimension), (table_name), (dimension), ()))
                SELECT ?, coalesce(table_name, '*'), coalesce(dimension, '*'), total, passed, passed / total, rw
                FROM g""", [run_id, run_id])
        if listings:
            scored = start + timedelta(days=runs)
            con.execute(insert_sql("listing_runs"), ["lr-1", "bert-test", scored, 7, 2, 0.5, 3.2])
            rows = [
                ("p1", "s1", "a", "c2", "Red running shoes", 0.08, False, [], [{"token": "red", "weight": 0.1}]),
                ("p2", "s1", "b", "c1", "Call 13812345678 now", 0.71, True,
                 [{"code": "contact_in_title", "message": "Title contains contact details"}],
                 [{"token": "call", "weight": 0.6}]),
                ("p3", "s2", "c", "c1", "CHEAP CHEAP PHONE BEST PHONE", 0.93, True,
                 [{"code": "all_caps_title", "message": "Title is written in capitals"},
                  {"code": "keyword_stuffed_title", "message": "Repeated keywords"}],
                 [{"token": "cheap", "weight": 0.9}, {"token": "##phone", "weight": 0.4}]),
                ("p4", "s2", "d", "c1", "Phone case", 0.21, False, [], []),
                ("p5", "s3", "e", "c2", "Trail shoes", 0.12, False, [], []),
                ("p6", "s3", "f", "c2", "Socks", 0.47, False, [], [{"token": "socks", "weight": 0.2}]),
                ("p7", "s3", "g", "c2", None, 0.49, False,
                 [{"code": "MISSING_TITLE", "message": "the listing has no title"}], []),
            ]
            for pid, sid, sku, cat, title, score, flagged, reasons, tokens in rows:
                con.execute(insert_sql("listing_scores"), [
                    "lr-1", pid, sid, sku, cat, title, "bert-test", score, 1 - score, 1 - score / 2, flagged,
                    json.dumps(reasons), json.dumps(tokens), scored, None, "en"])
        for a in range(assessments):
            aid = f"as-{a + 1}"
            base = 2.0 + 0.4 * a
            domain_rows = []
            for j, (did, en, zh) in enumerate(DOMAINS):
                score = round(base + 0.25 * (j % 4), 2)
                level = int(score)
                domain_rows.append((did, en, zh, score, level))
                con.execute(insert_sql("assessment_domains"),
                            [aid, did, en, zh, score, level, 3, j == 0])
            overall = sum(r[3] for r in domain_rows) / len(domain_rows)
            payload = _tree(aid, start + timedelta(days=a), overall, domain_rows)
            con.execute(insert_sql("assessments"), [
                aid, start + timedelta(days=a), "GB/T 36073-2018", "cfg", overall, int(overall),
                False, json.dumps(payload, ensure_ascii=False)])


def build_home(home: Home, *, runs: int = 3, listings: bool = True, assessments: int = 2,
               start: datetime | None = None) -> Home:
    """Fill ``home`` with a warehouse and results (pass ``runs=0, listings=False, assessments=0``
    for a warehouse without results)."""
    home.ensure()
    _load_warehouse(home)
    if runs or listings or assessments:
        _results(home, runs, listings, assessments, start or datetime(2026, 1, 10, 2, 0))
    for i in range(runs):  # incidents follow the runs, as run_checks does after each
        update_incidents(home, f"run-{i + 1:03d}")
    (home.data_docs / "index.html").write_text("<html><body>Data Docs</body></html>")
    home.reports.mkdir(parents=True, exist_ok=True)
    (home.reports / "assessment.json").write_text(json.dumps({"overall_level": 2}))
    (home.reports / "assessment.html").write_text("<html><body><h1>Assessment</h1></body></html>")
    for name in ("assessment.json", "assessment.html"):  # aggregates only: every role that downloads reports
        record_report(home, home.reports / name, role="viewer", row_samples=False, created_by="fixture")
    return home
