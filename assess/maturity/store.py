"""Assessment snapshots in ``results.duckdb``: ``assessments`` and ``assessment_domains``.

Every assessment is appended (history is kept); writes go through
:func:`governance.warehouse.atomic_write`, so readers never see a half-written snapshot.
The tables and the readers (``list_assessments``, ``load_assessment``, ``domain_history``)
belong to :mod:`governance.results_schema`; the readers are re-exported here.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from governance.paths import Home
from governance.results_schema import (
    domain_history,
    ensure_schema,
    insert_sql,
    list_assessments,
    load_assessment,
)
from governance.warehouse import atomic_write


def save_assessment(home: Home, tree: dict[str, Any]) -> None:
    """Append one assessment (its explanation tree is the payload) in a single atomic write."""
    home.ensure()
    ov = tree["overall"]
    with atomic_write(home, home.results) as con:
        con.execute("BEGIN")
        ensure_schema(con)
        con.execute(
            insert_sql("assessments"),
            [tree["assessment_id"], datetime.fromisoformat(tree["created_at"]), tree["standard"],
             tree["config_sha256"], ov["score"], ov["level"], ov["provisional"],
             json.dumps(tree, ensure_ascii=False, default=str)],
        )
        con.executemany(
            insert_sql("assessment_domains"),
            [[tree["assessment_id"], d["id"], d["name_en"], d["name_zh"], d["score"], d["level"],
              d["target_level"], d["provisional"]] for d in tree["domains"]],
        )
        con.execute("COMMIT")


__all__ = ["domain_history", "list_assessments", "load_assessment", "save_assessment"]
