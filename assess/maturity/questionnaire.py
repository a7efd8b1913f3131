"""The self-assessment questionnaire: one statement per level (2-5) per capability item.

Answers live in ``$SHOPGOV_HOME/config/questionnaire.yaml`` (or ``.csv``) and are
``not`` / ``partially`` / ``largely`` / ``fully`` (Chinese 未达到 / 部分达到 / 大部分达到 /
完全达到 also accepted). Evidence attachments are files under ``$SHOPGOV_HOME/evidence/``;
an answer of ``largely`` or ``fully`` without an attachment counts as ``partially``.

YAML layout::

    standard: GB/T 36073-2018
    answers:
      strategy_planning:
        2: {answer: fully, evidence: [strategy-2025.pdf], note: approved by the CDO}
        3: largely            # short form, no evidence

CSV layout: columns ``item, level, answer, evidence, note`` (evidence: ``;``-separated).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from governance.errors import ShopgovError, UsageError
from governance.paths import Home
from governance.privacy import scrub_text

from .config import ANSWER_KEYS, MaturityModel
from .evidence import Evidence
from .scoring import questionnaire_level

ALIASES = {
    "not": ("not", "no", "none", "not met", "未达到", "不符合", "否"),
    "partially": ("partially", "partial", "partly", "部分达到", "部分符合", "部分"),
    "largely": ("largely", "mostly", "大部分达到", "基本符合", "基本达到", "大部分"),
    "fully": ("fully", "full", "yes", "完全达到", "完全符合", "完全", "是"),
}
_ALIAS = {a: key for key, names in ALIASES.items() for a in names}
CSV_COLUMNS = ("item", "level", "answer", "evidence", "note")


class QuestionnaireError(UsageError):
    """The answers file has a problem (names the file, row/entry and column)."""


def evidence_dir(home: Home) -> Path:
    return home.root / "evidence"


def default_answers_path(home: Home) -> Path | None:
    """``config/questionnaire.yaml`` (or ``.yml`` / ``.csv``) if one exists."""
    for name in ("questionnaire.yaml", "questionnaire.yml", "questionnaire.csv"):
        p = home.config / name
        if p.exists():
            return p
    return None


@dataclass(frozen=True)
class Answer:
    item: str
    level: int
    answer: str  # canonical key: not | partially | largely | fully
    evidence: tuple[str, ...] = ()
    note: str | None = None
    where: str = ""


@dataclass
class Answers:
    source: str | None = None
    sha256: str | None = None
    answers: dict[tuple[str, int], Answer] = field(default_factory=dict)

    def get(self, item: str, level: int) -> Answer | None:
        return self.answers.get((item, level))

    @property
    def answered(self) -> int:
        return len(self.answers)


def parse_answer(text: Any) -> str | None:
    """Canonical answer key for ``text`` (None for blank), or raise ValueError."""
    if text is None:
        return None
    t = str(text).strip().lower()
    if not t:
        return None
    if t in _ALIAS:
        return _ALIAS[t]
    raise ValueError(f"unknown answer {text!r}; use one of {', '.join(ANSWER_KEYS)} (or 未达到/部分达到/大部分达到/完全达到)")


def _split_evidence(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [p.strip() for p in re.split(r"[;\n]", raw) if p.strip()]
    if isinstance(raw, list | tuple):
        return [str(p).strip() for p in raw if str(p).strip()]
    raise ValueError(f"evidence must be a list of file names, got {raw!r}")


def _check_evidence(names: list[str], edir: Path | None) -> tuple[str, ...]:
    out = []
    for name in names:
        if re.match(r"^[a-z][a-z0-9+.-]*://", name, re.I) or name.startswith("//"):
            raise ValueError(f"evidence {name!r} is a URL; attach a file under {edir or 'the evidence folder'} instead")
        p = Path(name)
        if p.is_absolute() or ".." in p.parts:
            raise ValueError(f"evidence {name!r} must be a file name relative to the evidence folder")
        if edir is not None and not (edir / p).is_file():
            raise ValueError(f"evidence file {name!r} not found in {edir}")
        out.append(p.as_posix())
    return tuple(out)


class _Builder:
    def __init__(self, source: str, model: MaturityModel, edir: Path | None):
        self.source = source
        self.items = {it.id for _, it in model.items}
        self.edir = edir
        self.answers: dict[tuple[str, int], Answer] = {}

    def fail(self, where: str, message: str) -> None:
        raise QuestionnaireError(f"{self.source}: {where}: {message}")

    def add(self, item: Any, level: Any, answer: Any, evidence: Any, note: Any, where: str, col: dict[str, str]) -> None:
        item = str(item or "").strip()
        if item not in self.items:
            self.fail(f"{where}, {col['item']}", f"unknown capability item {item!r}; "
                      f"run `shopgov questionnaire template` to see the item ids")
        try:
            lvl = int(str(level).strip())
        except ValueError:
            lvl = None
        if lvl not in (2, 3, 4, 5):
            self.fail(f"{where}, {col['level']}", f"level must be 2, 3, 4 or 5 (level 1 has no statement), got {level!r}")
        try:
            key = parse_answer(answer)
        except ValueError as e:
            self.fail(f"{where}, {col['answer']}", str(e))
        try:
            files = _check_evidence(_split_evidence(evidence), self.edir)
        except ValueError as e:
            self.fail(f"{where}, {col['evidence']}", str(e))
        if (item, lvl) in self.answers:
            self.fail(where, f"{item} level {lvl} is answered twice (first at {self.answers[(item, lvl)].where})")
        if key is None:
            if files:
                self.fail(f"{where}, {col['answer']}", "evidence is attached but the statement is not answered")
            return
        note_text = scrub_text(str(note).strip()) if note not in (None, "") else None
        self.answers[(item, lvl)] = Answer(item, lvl, key, files, note_text, where)


def _parse_yaml(text: str, b: _Builder) -> None:
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise QuestionnaireError(f"{b.source}: not valid YAML: {e}") from None
    if not isinstance(raw, dict):
        b.fail("top level", "expected a mapping with an 'answers' key")
    answers = raw.get("answers") or {}
    if not isinstance(answers, dict):
        b.fail("answers", "expected a mapping item id -> {level: answer}")
    for item, levels in answers.items():
        if levels is None:
            continue
        if not isinstance(levels, dict):
            b.fail(f"answers.{item}", "expected a mapping level -> answer")
        for lvl, entry in levels.items():
            where = f"answers.{item}.{lvl}"
            col = {"item": "item", "level": "level", "answer": "answer", "evidence": "evidence", "note": "note"}
            if isinstance(entry, dict):
                unknown = set(entry) - {"answer", "evidence", "note"}
                if unknown:
                    b.fail(where, f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; use answer, evidence, note")
                b.add(item, lvl, entry.get("answer"), entry.get("evidence"), entry.get("note"), where, col)
            else:
                b.add(item, lvl, entry, None, None, where, col)


def _parse_csv(text: str, b: _Builder) -> None:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    lacking = [c for c in ("item", "level", "answer") if c not in header]
    if lacking:
        b.fail("row 1 (header)", f"missing column(s) {', '.join(lacking)}; expected {', '.join(CSV_COLUMNS)}")
    reader.fieldnames = header
    for n, row in enumerate(reader, start=2):
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue
        col = {c: f"column '{c}'" for c in CSV_COLUMNS}
        b.add(row.get("item"), row.get("level"), row.get("answer"), row.get("evidence"), row.get("note"),
              f"row {n}", col)


def load_answers(path: str | Path | None, model: MaturityModel, evidence_folder: Path | None = None) -> Answers:
    """Read and validate an answers file (YAML or CSV). ``None`` → no answers."""
    if path is None:
        return Answers()
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read questionnaire answers {p}: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QuestionnaireError(f"{p}: not UTF-8 text") from None
    b = _Builder(str(p), model, evidence_folder)
    if p.suffix.lower() == ".csv":
        _parse_csv(text, b)
    else:
        _parse_yaml(text, b)
    return Answers(source=str(p), sha256=hashlib.sha256(data).hexdigest(), answers=b.answers)


def _file_sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def questionnaire_evidence(model: MaturityModel, answers: Answers, evidence_folder: Path | None) -> dict[str, Evidence]:
    """Evidence (declared level and the per-statement trail) for every questionnaire indicator."""
    out: dict[str, Evidence] = {}
    uneval = model.answers[model.unevidenced_answer]
    for _domain, item in model.items:
        per_level: dict[int, float | None] = {}
        trail = []
        for st in item.statements:
            a = answers.get(item.id, st.level)
            if a is None:
                per_level[st.level] = None
                trail.append({"level": st.level, "answer": None, "effective": None, "value": None,
                              "evidence": [], "note": None})
                continue
            value = model.answers[a.answer]
            effective = a.answer
            if not a.evidence and value > uneval:
                effective, value = model.unevidenced_answer, uneval
            per_level[st.level] = value
            files = [{"file": f, "sha256": _file_sha(evidence_folder / f) if evidence_folder else None}
                     for f in a.evidence]
            trail.append({"level": st.level, "answer": a.answer, "effective": effective, "value": value,
                          "evidence": files, "note": a.note, "where": a.where})
        declared = questionnaire_level(per_level)
        source = f"questionnaire ({Path(answers.source).name})" if answers.source else "questionnaire"
        details = {"file_sha256": answers.sha256, "statements": trail}
        if declared is None:
            out[item.questionnaire_indicator] = Evidence(
                None, source, details, "no evidence yet: questionnaire statements not answered")
        else:
            out[item.questionnaire_indicator] = Evidence(declared, source, details)
    return out


# -- templates and saving (CLI and dashboard) --------------------------------------------
def _q(text: str) -> str:
    return text.replace("\n", " ")


def template_yaml(model: MaturityModel) -> str:
    """A YAML answers file with every statement as a comment and blank answers."""
    lines = [
        f"# shopgov maturity questionnaire — {model.standard} (DCMM) self-assessment / 数据管理能力成熟度自评问卷",
        "# Answer each statement with: not | partially | largely | fully",
        "#   (未达到 / 部分达到 / 大部分达到 / 完全达到); leave blank if not assessed.",
        "# evidence: file names under $SHOPGOV_HOME/evidence/. 'largely' or 'fully' without evidence",
        f"#   counts as '{model.unevidenced_answer}'. Level 1 (initial) is the baseline and has no statement.",
        f"# {_q(model.disclaimer['en'])}",
        f"standard: {model.standard}",
        "answers:",
    ]
    for d in model.domains:
        lines.append(f"  # ---- {d.zh} {d.en}")
        for item in d.items:
            lines.append(f"  {item.id}:  # {item.zh} {item.en}")
            for st in item.statements:
                lines.append(f"    # L{st.level} {model.levels[st.level]['zh']} {model.levels[st.level]['en']}: {_q(st.en)}")
                lines.append(f"    #    {_q(st.zh)}")
                lines.append(f"    {st.level}: {{answer: , evidence: [], note: }}")
    return "\n".join(lines) + "\n"


def template_csv(model: MaturityModel) -> str:
    """A CSV answers file (one row per statement; the statement columns are informative)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*CSV_COLUMNS, "domain", "item_name", "level_name", "statement_en", "statement_zh"])
    for d in model.domains:
        for item in d.items:
            for st in item.statements:
                w.writerow([item.id, st.level, "", "", "", f"{d.zh} {d.en}", f"{item.zh} {item.en}",
                            f"{model.levels[st.level]['zh']} {model.levels[st.level]['en']}", _q(st.en), _q(st.zh)])
    return buf.getvalue()


def write_template(model: MaturityModel, output: str | Path, fmt: str | None = None) -> Path:
    """Write a blank answers template (format from ``fmt`` or the file suffix)."""
    out = Path(output)
    fmt = (fmt or ("csv" if out.suffix.lower() == ".csv" else "yaml")).lower()
    if fmt not in ("yaml", "csv"):
        raise UsageError(f"unknown template format {fmt!r}; use yaml or csv")
    text = template_csv(model) if fmt == "csv" else template_yaml(model)
    out.parent.mkdir(parents=True, exist_ok=True)
    _atomic_text(out, text)
    return out


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def save_answers(home: Home, answers: Answers, path: Path | None = None) -> Path:
    """Write ``answers`` as the home's YAML answers file (atomically)."""
    target = path or home.config / "questionnaire.yaml"
    doc: dict[str, Any] = {"answers": {}}
    for (item, level), a in sorted(answers.answers.items()):
        entry: dict[str, Any] = {"answer": a.answer}
        if a.evidence:
            entry["evidence"] = list(a.evidence)
        if a.note:
            entry["note"] = a.note
        doc["answers"].setdefault(item, {})[level] = entry
    target.parent.mkdir(parents=True, exist_ok=True)
    _atomic_text(target, yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    return target


def attach_evidence(home: Home, filename: str, data: bytes) -> str:
    """Store an evidence attachment under ``$SHOPGOV_HOME/evidence/`` and return its name."""
    name = re.sub(r"[^\w.\-]+", "_", Path(filename).name).strip("._")
    if not name:
        raise ShopgovError(f"cannot store evidence with file name {filename!r}")
    edir = evidence_dir(home)
    edir.mkdir(parents=True, exist_ok=True)
    _atomic_text_bytes(edir / name, data)
    return name


def _atomic_text_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
