"""Assessment snapshots in ``results.duckdb``: ``assessments`` and ``assessment_domains``.

Every assessment is appended (history is kept); writes go through
:func:`governance.warehouse.atomic_write`, so readers never see a half-written snapshot.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from governance.paths import Home
from governance.warehouse import atomic_write, connect_read

ASSESSMENTS_DDL = """CREATE TABLE IF NOT EXISTS assessments (
    assessment_id VARCHAR, created_at TIMESTAMP, standard VARCHAR, config_sha256 VARCHAR,
    overall_score DOUBLE, overall_level INTEGER, provisional BOOLEAN, payload JSON)"""
DOMAINS_DDL = """CREATE TABLE IF NOT EXISTS assessment_domains (
    assessment_id VARCHAR, domain_id VARCHAR, name_en VARCHAR, name_zh VARCHAR,
    score DOUBLE, level INTEGER, target_level INTEGER, provisional BOOLEAN)"""


def save_assessment(home: Home, tree: dict[str, Any]) -> None:
    """Append one assessment (its explanation tree is the payload) in a single atomic write."""
    home.ensure()
    ov = tree["overall"]
    with atomic_write(home, home.results) as con:
        con.execute(ASSESSMENTS_DDL)
        con.execute(DOMAINS_DDL)
        con.execute("BEGIN")
        con.execute(
            "INSERT INTO assessments VALUES (?,?,?,?,?,?,?,?)",
            [tree["assessment_id"], datetime.fromisoformat(tree["created_at"]), tree["standard"],
             tree["config_sha256"], ov["score"], ov["level"], ov["provisional"],
             json.dumps(tree, ensure_ascii=False, default=str)],
        )
        con.executemany(
            "INSERT INTO assessment_domains VALUES (?,?,?,?,?,?,?,?)",
            [[tree["assessment_id"], d["id"], d["name_en"], d["name_zh"], d["score"], d["level"],
              d["target_level"], d["provisional"]] for d in tree["domains"]],
        )
        con.execute("COMMIT")


def _has_table(con, name: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = current_database()", [name]
    ).fetchone()[0])


def list_assessments(home: Home, limit: int = 100) -> list[dict[str, Any]]:
    """Stored assessments, newest first (without payloads)."""
    if not home.results.exists():
        return []
    con = connect_read(home.results)
    try:
        if not _has_table(con, "assessments"):
            return []
        cur = con.execute(
            "SELECT assessment_id, created_at, standard, config_sha256, overall_score, overall_level, provisional"
            " FROM assessments ORDER BY created_at DESC, assessment_id DESC LIMIT ?", [int(limit)]
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def load_assessment(home: Home, assessment_id: str | None = None) -> dict[str, Any] | None:
    """The explanation tree of ``assessment_id`` (default: the latest), or None."""
    if not home.results.exists():
        return None
    con = connect_read(home.results)
    try:
        if not _has_table(con, "assessments"):
            return None
        if assessment_id:
            row = con.execute("SELECT payload FROM assessments WHERE assessment_id = ?", [assessment_id]).fetchone()
        else:
            row = con.execute(
                "SELECT payload FROM assessments ORDER BY created_at DESC, assessment_id DESC LIMIT 1"
            ).fetchone()
    finally:
        con.close()
    if row is None:
        return None
    return json.loads(row[0]) if isinstance(row[0], str) else row[0]


def domain_history(home: Home, limit: int = 50) -> list[dict[str, Any]]:
    """Domain scores and levels of the last ``limit`` assessments (oldest first)."""
    if not home.results.exists():
        return []
    con = connect_read(home.results)
    try:
        if not _has_table(con, "assessment_domains"):
            return []
        cur = con.execute(
            """WITH a AS (SELECT assessment_id, created_at FROM assessments
                          ORDER BY created_at DESC, assessment_id DESC LIMIT ?)
               SELECT a.assessment_id, a.created_at, d.domain_id, d.name_en, d.name_zh, d.score, d.level,
                      d.target_level, d.provisional
               FROM a JOIN assessment_domains d USING (assessment_id)
               ORDER BY a.created_at, a.assessment_id, d.domain_id""",
            [int(limit)],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
