"""``shopgov incidents``: list failing-check incidents and acknowledge, assign, comment, resolve them.

Every change is stored in ``results.duckdb`` (``incident_events``) and written to the access
audit log with the acting user (``--by``, default: the login name) and role ``cli``.
"""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.table import Table as RichTable

from .common import HomeOption, JsonOption, console, resolve_home, run, write_json

Id = Annotated[str, typer.Argument(help="Incident id (INC-xxxxxxxx-n), see `shopgov incidents list`.")]
By = Annotated[str | None, typer.Option("--by", help="Who acts (default: the login name).")]
_SEV_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}


def list_cmd(
    status: Annotated[str, typer.Option("--status", help="open (open and acknowledged), all, or one status.")] = "open",
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Incidents, fix first: severity x rows affected x maturity points at stake."""

    def body() -> int:
        from governance import incidents as inc

        rows = [inc.to_json(r) for r in inc.incidents(resolve_home(home), status)]
        if json_out != "-":
            t = RichTable(title=f"Incidents ({status}): {len(rows)}")
            for col in ("id", "status", "severity", "table", "check", "owner", "steward", "rows", "first seen",
                        "last seen", "points"):
                t.add_column(col, justify="right" if col in ("rows", "points") else "left", no_wrap=col == "id",
                             min_width=16 if col == "id" else None)
            for r in rows:
                t.add_row(r["id"], r["status"], f"[{_SEV_STYLE.get(r['severity'], '')}]{r['severity']}[/]",
                          r["table"] or "", r["check"], r["owner"] or "—", r["steward"] or "—",
                          "—" if r["rows_affected"] is None else f"{r['rows_affected']:,}",
                          str(r["first_seen"])[:16], str(r["last_seen"])[:16], f"{r['points_at_stake'] or 0:.2f}")
            console.print(t)
        write_json(json_out, rows)
        return 0

    run(body)


def _act(action: str, iid: str, by: str | None, home, **kw) -> None:
    def body() -> int:
        from dashboard.audit import log_access
        from governance import incidents as inc

        h = resolve_home(home)
        actor = by or getpass.getuser()
        inc.act(h, iid, action, actor=actor, role="cli",
                     audit=lambda e: log_access(h, actor, "cli", f"incident_{action}", iid, **e["detail"]), **kw)
        console.print(f"{iid}: {action} by {actor}", highlight=False)
        return 0

    run(body)


def ack(incident: Id, by: By = None, home: HomeOption = None) -> None:
    """Acknowledge an incident (someone is on it)."""
    _act("ack", incident, by, home)


def assign(incident: Id, to: Annotated[str, typer.Option("--to", help="Assignee.")], by: By = None,
           home: HomeOption = None) -> None:
    """Assign an incident to someone."""
    _act("assign", incident, by, home, assignee=to)


def comment(incident: Id, text: Annotated[str, typer.Option("--text", help="The comment.")], by: By = None,
            home: HomeOption = None) -> None:
    """Comment on an incident."""
    _act("comment", incident, by, home, comment=text)


def due(incident: Id, date: Annotated[str, typer.Option("--date", help="Due date, YYYY-MM-DD.")], by: By = None,
        home: HomeOption = None) -> None:
    """Set an incident's due date."""
    _act("due", incident, by, home, due=date)


def resolve(incident: Id, text: Annotated[str | None, typer.Option("--text", help="Optional note.")] = None,
            by: By = None, home: HomeOption = None) -> None:
    """Mark an incident resolved (a later failing run opens a new one)."""
    _act("resolve", incident, by, home, comment=text)


def register(app: typer.Typer) -> None:
    """``incidents list|ack|assign|comment|due|resolve``."""
    sub = typer.Typer(help="Incidents of failing checks: list, acknowledge, assign, comment, resolve.",
                      no_args_is_help=True)
    sub.command("list")(list_cmd)
    for fn in (ack, assign, comment, due, resolve):
        sub.command()(fn)
    app.add_typer(sub, name="incidents")
