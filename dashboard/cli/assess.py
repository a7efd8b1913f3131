"""Commands of the assess feature: ``assess``, ``report`` and ``questionnaire``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .common import (
    CONTEXT_SETTINGS,
    HomeOption,
    JsonOption,
    console,
    plain,
    resolve_home,
    run,
    write_json,
)

Format = Annotated[str, typer.Option("--format", "-f", help="Report format: html, pdf or json.")]
Role = Annotated[str, typer.Option("--role", help="Who the report is for: viewer (aggregates only), "
                                   "analyst or admin (also masked row-level samples).")]


def _summary_table(tree: dict) -> Table:
    ov = tree["overall"]
    title = escape(f"{tree['standard']} maturity · overall L{ov['level']} {ov['level_name_zh']} {ov['level_name_en']}"
             f" · score {ov['score']:.2f}" + (" · provisional" if ov["provisional"] else ""))
    table = Table(title=title, title_justify="left")
    for col, kw in (("domain", {}), ("score", {"justify": "right"}), ("level", {}), ("target", {}),
                    ("coverage", {"justify": "right"}), ("status", {})):
        table.add_column(col, **kw)
    for d in tree["domains"]:
        status = "provisional" if d["provisional"] else ("on target" if d["level"] >= d["target_level"] else "below target")
        color = "yellow" if d["provisional"] else ("green" if d["level"] >= d["target_level"] else "red")
        table.add_row(escape(f"{d['name_zh']} {d['name_en']}"), f"{d['score']:.2f}", escape(f"L{d['level']} {d['level_name_en']}"),
                      f"L{d['target_level']}", f"{d['coverage']:.0%}", f"[{color}]{status}[/{color}]")
    return table


def assess_cmd(
    answers: Annotated[Path | None, typer.Option(
        "--answers", help="Questionnaire answers (YAML or CSV) [default: $SHOPGOV_HOME/config/questionnaire.yaml].")] = None,
    model: Annotated[Path | None, typer.Option(
        "--model", help="A maturity model file to use instead of the bundled DCMM 2018 calibration.")] = None,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Compute a DCMM-aligned maturity assessment from the latest evidence and store the snapshot.

    Evidence: check results, the catalog, listing flags and the questionnaire. Thresholds are
    shopgov's calibration, not official DCMM certification rules. Exit 0 when stored.
    """

    def body() -> int:
        from assess.maturity import run_assessment, summary

        h = resolve_home(home)
        if answers is not None and not answers.exists():
            from governance.errors import UsageError

            raise UsageError(f"answers file not found: {answers}")
        with console.status("assessing…") as status:
            tree = run_assessment(h, model_path=model, answers_path=answers,
                                  progress=lambda msg: status.update(f"assessing: {escape(str(msg))}"))
        console.print(_summary_table(tree))
        if tree["top_recommendations"]:
            r = tree["top_recommendations"][0]
            plain(f"top recommendation ({r['domain_en']}): {r['action_en']}")
        plain(f"stored assessment {tree['assessment_id']} in {h.results}")
        console.print(f"[dim]{escape(tree['disclaimer']['en'])}[/dim]", highlight=False)
        write_json(json_out, summary(tree))
        return 0

    run(body, outputs={"--json": json_out})


def report_cmd(
    fmt: Format = "html",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="File to write [default: $SHOPGOV_HOME/reports/assessment-<id>.<format>].")] = None,
    role: Role = "viewer",
    assessment: Annotated[str | None, typer.Option("--assessment", help="Assessment id [default: the latest].")] = None,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Export the latest (or a given) assessment as a self-contained HTML, a PDF, or the JSON explanation tree."""

    def body() -> int:
        from assess.report import FORMATS, build_report
        from dashboard import audit
        from governance.access import ROW_ACTION, load_policy
        from governance.errors import UsageError

        f = fmt.lower()
        if f not in FORMATS:
            raise UsageError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
        h = resolve_home(home)
        policy = load_policy(h)
        policy.check_role(role)
        rows = policy.can(role, ROW_ACTION) and f in ("html", "pdf")
        with console.status(f"rendering {f} report…"):
            path = build_report(h, f, output, role=role, assessment_id=assessment, include_rows=rows,
                                requested_by=_requested_by())
        if rows:  # every read of row-level data is audited
            audit.log_access(h, "cli", role, "report_row_samples", path.name, format=f)
        plain(f"wrote {path} ({path.stat().st_size:,} bytes)")
        write_json(json_out, {"format": f, "role": role, "output": str(path), "bytes": path.stat().st_size})
        return 0

    run(body, outputs={"--json": json_out, "--output": output})


def _requested_by() -> str:
    """Who asked for a report: the dashboard user of a background job, else the OS account."""
    import getpass
    import os

    actor = os.environ.get("SHOPGOV_ACTOR")
    if actor:
        return actor
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def questionnaire_template(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write (.yaml or .csv).")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="yaml or csv [default: from the suffix].")] = None,
    model: Annotated[Path | None, typer.Option("--model", help="Maturity model file [default: bundled].")] = None,
) -> None:
    """Write a blank answers file listing every statement (one per level 2-5 per capability item)."""

    def body() -> int:
        from assess.maturity import load_model, write_template

        path = write_template(load_model(model), output, fmt)
        plain(f"wrote {path}; answer the statements and save it as "
              "$SHOPGOV_HOME/config/questionnaire.yaml (or pass --answers)")
        return 0

    run(body, outputs={"--output": output})


def questionnaire_validate(
    file: Annotated[Path | None, typer.Argument(help="Answers file [default: the home's questionnaire].")] = None,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Check an answers file: item ids, levels, answers and evidence attachments."""

    def body() -> int:
        from assess.maturity import load_answers, load_model
        from assess.maturity.questionnaire import default_answers_path, evidence_dir
        from governance.errors import UsageError

        h = resolve_home(home)
        path = file or default_answers_path(h)
        if path is None:
            raise UsageError(f"no answers file in {h.config}; write one with `shopgov questionnaire template`")
        m = load_model()
        ans = load_answers(path, m, evidence_dir(h))
        total = sum(len(it.statements) for _, it in m.items)
        unevidenced = sum(1 for a in ans.answers.values() if a.answer in ("largely", "fully") and not a.evidence)
        plain(f"{path}: {ans.answered}/{total} statements answered; "
              f"{unevidenced} largely/fully answers without evidence count as {m.unevidenced_answer}")
        write_json(json_out, {"file": str(path), "answered": ans.answered, "statements": total,
                              "unevidenced": unevidenced})
        return 0

    run(body, outputs={"--json": json_out})


def register(app: typer.Typer) -> None:
    """``assess``, ``report`` and the ``questionnaire`` group."""
    app.command("assess")(assess_cmd)
    app.command("report")(report_cmd)
    questionnaire = typer.Typer(
        help="The DCMM self-assessment questionnaire (answers file and templates).",
        no_args_is_help=True,
        context_settings=CONTEXT_SETTINGS,
    )
    questionnaire.command("template")(questionnaire_template)
    questionnaire.command("validate")(questionnaire_validate)
    app.add_typer(questionnaire, name="questionnaire")
