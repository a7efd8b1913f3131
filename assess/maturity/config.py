"""Load and validate the declarative maturity model (``model.yaml``).

The model file declares the standard (``GB/T 36073-2018``), its domains and capability items,
the questionnaire statements, the measured indicators with weights, anchors and direction,
and per-domain gates and caps. :func:`load_model` turns it into frozen dataclasses and
rejects anything inconsistent with a message naming the file and the offending entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from governance.config import DEFAULTS
from governance.errors import UsageError

MODEL_FILE = DEFAULTS / "maturity.yaml"

# Number of capability domains per supported edition of DCMM. A model for another edition
# is added by writing a model file with its `standard` key (see docs/maturity.md).
STANDARDS = {"GB/T 36073-2018": 8, "GB/T 36073-2025": 9}
LEVELS = (1, 2, 3, 4, 5)
DIRECTIONS = ("higher_is_better", "lower_is_better")
LEVEL_RULES = ("floor_mean_level", "floor_mean_score", "min_domain_level")
ANSWER_KEYS = ("not", "partially", "largely", "fully")
QUESTIONNAIRE_PREFIX = "q."


@dataclass(frozen=True)
class Statement:
    level: int
    en: str
    zh: str


@dataclass(frozen=True)
class Item:
    id: str
    zh: str
    en: str
    statements: tuple[Statement, ...]

    @property
    def questionnaire_indicator(self) -> str:
        return QUESTIONNAIRE_PREFIX + self.id


@dataclass(frozen=True)
class Indicator:
    id: str
    item: str
    zh: str
    en: str
    kind: str  # measured | questionnaire
    metric: str | None
    params: dict[str, Any]
    weight: float
    anchors: tuple[tuple[int, float], ...]  # (level, threshold), levels ascending
    direction: str = "higher_is_better"
    worst: float | None = None  # value mapped to level 1 when anchors have no level-1 entry


@dataclass(frozen=True)
class Gate:
    level: int
    indicator: str
    min: float | None = None
    max: float | None = None

    def describe(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f"{self.indicator} ≥ {self.min:g}")
        if self.max is not None:
            parts.append(f"{self.indicator} ≤ {self.max:g}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Cap:
    indicator: str
    max_level: int
    above: float | None = None
    below: float | None = None
    en: str = ""
    zh: str = ""

    def describe(self) -> str:
        if self.above is not None:
            return f"{self.indicator} > {self.above:g}"
        return f"{self.indicator} < {self.below:g}"


@dataclass(frozen=True)
class Domain:
    id: str
    zh: str
    en: str
    target_level: int
    items: tuple[Item, ...]
    indicators: tuple[Indicator, ...]
    gates: tuple[Gate, ...] = ()
    caps: tuple[Cap, ...] = ()

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)


@dataclass(frozen=True)
class MaturityModel:
    standard: str
    model_version: str
    sha256: str
    source: str
    disclaimer: dict[str, str]
    levels: dict[int, dict[str, str]]
    answers: dict[str, float]
    unevidenced_answer: str
    questionnaire_weight: float
    provisional_below_coverage: float
    default_target_level: int
    overall_level_rule: str
    domains: tuple[Domain, ...] = field(default_factory=tuple)

    def domain(self, domain_id: str) -> Domain:
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise UsageError(f"unknown maturity domain '{domain_id}'; known: {', '.join(d.id for d in self.domains)}")

    @property
    def items(self) -> list[tuple[Domain, Item]]:
        return [(d, it) for d in self.domains for it in d.items]

    def level_name(self, level: int, lang: str = "en") -> str:
        return self.levels[int(level)][lang]


class ModelError(UsageError):
    """The maturity model file is inconsistent (names the file and the entry)."""


class _Ctx:
    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, message: str) -> None:
        raise ModelError(f"{self.source}: {where}: {message}")


def _num(ctx: _Ctx, where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        ctx.fail(where, f"expected a number, got {value!r}")
    return float(value)


def _level(ctx: _Ctx, where: str, value: Any) -> int:
    try:
        lvl = int(value)
    except (TypeError, ValueError):
        ctx.fail(where, f"expected a level 1-5, got {value!r}")
    if lvl not in LEVELS or (isinstance(value, float) and value != lvl):
        ctx.fail(where, f"expected a level 1-5, got {value!r}")
    return lvl


def _text(ctx: _Ctx, where: str, raw: dict, key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        ctx.fail(where, f"'{key}' is required (non-empty text)")
    return value.strip()


def _anchors(ctx: _Ctx, where: str, raw: Any, direction: str) -> tuple[tuple[int, float], ...]:
    if not isinstance(raw, dict) or not raw:
        ctx.fail(where, "anchors must be a mapping level -> threshold, e.g. {2: 0.85, 3: 0.93}")
    pairs = sorted((_level(ctx, f"{where} level {k!r}", k), _num(ctx, f"{where}[{k}]", v)) for k, v in raw.items())
    sign = 1.0 if direction == "higher_is_better" else -1.0
    for (l1, t1), (l2, t2) in zip(pairs, pairs[1:], strict=False):
        if not sign * t2 > sign * t1:
            word = "increase" if sign > 0 else "decrease"
            ctx.fail(where, f"thresholds must strictly {word} with the level ({direction}): "
                     f"level {l1} = {t1:g}, level {l2} = {t2:g}")
    return tuple(pairs)


def _indicator(ctx: _Ctx, where: str, raw: Any, items: set[str]) -> Indicator:
    if not isinstance(raw, dict):
        ctx.fail(where, "an indicator must be a mapping")
    iid = _text(ctx, where, raw, "id")
    where = f"{where} ({iid})"
    if iid.startswith(QUESTIONNAIRE_PREFIX):
        ctx.fail(where, f"ids starting with '{QUESTIONNAIRE_PREFIX}' are reserved for questionnaire indicators")
    item = _text(ctx, where, raw, "item")
    if item not in items:
        ctx.fail(where, f"unknown item '{item}'; this domain's items: {', '.join(sorted(items))}")
    metric = _text(ctx, where, raw, "metric")
    direction = raw.get("direction", "higher_is_better")
    if direction not in DIRECTIONS:
        ctx.fail(where, f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    weight = _num(ctx, f"{where}.weight", raw.get("weight", 1))
    if weight < 0:
        ctx.fail(f"{where}.weight", "weights must be ≥ 0")
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        ctx.fail(f"{where}.params", "params must be a mapping")
    anchors = _anchors(ctx, f"{where}.anchors", raw.get("anchors"), direction)
    worst = raw.get("worst")
    worst = _num(ctx, f"{where}.worst", worst) if worst is not None else None
    if anchors[0][0] != 1:
        if worst is None:
            worst = 0.0 if direction == "higher_is_better" else 1.0
        sign = 1.0 if direction == "higher_is_better" else -1.0
        if not sign * anchors[0][1] > sign * worst:
            ctx.fail(f"{where}.worst", f"worst value {worst:g} must be worse than the first anchor "
                     f"{anchors[0][1]:g}; add a level-1 anchor or set 'worst'")
    return Indicator(
        id=iid, item=item, zh=_text(ctx, where, raw, "zh"), en=_text(ctx, where, raw, "en"),
        kind="measured", metric=metric, params=dict(params), weight=weight, anchors=anchors,
        direction=direction, worst=worst,
    )


def _item(ctx: _Ctx, where: str, raw: Any) -> Item:
    if not isinstance(raw, dict):
        ctx.fail(where, "an item must be a mapping")
    iid = _text(ctx, where, raw, "id")
    where = f"{where} ({iid})"
    stmts_raw = raw.get("statements")
    if not isinstance(stmts_raw, dict):
        ctx.fail(where, "statements must map each level 2-5 to {en, zh}")
    stmts = []
    for k, s in stmts_raw.items():
        lvl = _level(ctx, f"{where}.statements", k)
        if lvl == 1:
            ctx.fail(f"{where}.statements", "level 1 (initial) is the baseline and has no statement")
        if not isinstance(s, dict):
            ctx.fail(f"{where}.statements[{lvl}]", "expected {en: ..., zh: ...}")
        stmts.append(Statement(lvl, _text(ctx, f"{where}.statements[{lvl}]", s, "en"),
                               _text(ctx, f"{where}.statements[{lvl}]", s, "zh")))
    if sorted(s.level for s in stmts) != [2, 3, 4, 5]:
        ctx.fail(f"{where}.statements", "one statement per level 2, 3, 4 and 5 is required")
    return Item(id=iid, zh=_text(ctx, where, raw, "zh"), en=_text(ctx, where, raw, "en"),
                statements=tuple(sorted(stmts, key=lambda s: s.level)))


def _questionnaire_indicator(item: Item, weight: float) -> Indicator:
    return Indicator(
        id=item.questionnaire_indicator, item=item.id,
        zh=f"{item.zh}（问卷自评）", en=f"{item.en} (questionnaire)",
        kind="questionnaire", metric=None, params={}, weight=weight,
        anchors=tuple((lvl, float(lvl)) for lvl in LEVELS),
    )


def _domain(ctx: _Ctx, i: int, raw: Any, model_defaults: dict) -> Domain:
    where = f"domains[{i}]"
    if not isinstance(raw, dict):
        ctx.fail(where, "a domain must be a mapping")
    did = _text(ctx, where, raw, "id")
    where = f"domains[{i}] ({did})"
    items_raw = raw.get("items")
    if not isinstance(items_raw, list) or not items_raw:
        ctx.fail(where, "a domain needs a non-empty list of items")
    items = [_item(ctx, f"{where}.items[{j}]", it) for j, it in enumerate(items_raw)]
    item_ids = [it.id for it in items]
    if len(set(item_ids)) != len(item_ids):
        ctx.fail(where, "duplicate item ids")
    measured = [_indicator(ctx, f"{where}.indicators[{j}]", ind, set(item_ids))
                for j, ind in enumerate(raw.get("indicators") or [])]
    indicators = measured + [_questionnaire_indicator(it, model_defaults["questionnaire_weight"]) for it in items]
    ids = [ind.id for ind in indicators]
    dupes = {x for x in ids if ids.count(x) > 1}
    if dupes:
        ctx.fail(where, f"duplicate indicator ids: {', '.join(sorted(dupes))}")
    if sum(ind.weight for ind in indicators) <= 0:
        ctx.fail(where, "at least one indicator needs a positive weight")
    known = set(ids)
    gates = []
    for lvl_raw, gate_list in (raw.get("gates") or {}).items():
        lvl = _level(ctx, f"{where}.gates", lvl_raw)
        if lvl == 1:
            ctx.fail(f"{where}.gates", "level 1 cannot have gates (every domain starts at level 1)")
        for j, g in enumerate(gate_list or []):
            gw = f"{where}.gates[{lvl}][{j}]"
            if not isinstance(g, dict) or g.get("indicator") not in known:
                ctx.fail(gw, f"gate must name an indicator of this domain; got {g!r}")
            if g.get("min") is None and g.get("max") is None:
                ctx.fail(gw, "a gate needs 'min' and/or 'max'")
            gates.append(Gate(
                level=lvl, indicator=g["indicator"],
                min=_num(ctx, f"{gw}.min", g["min"]) if g.get("min") is not None else None,
                max=_num(ctx, f"{gw}.max", g["max"]) if g.get("max") is not None else None,
            ))
    caps = []
    for j, c in enumerate(raw.get("caps") or []):
        cw = f"{where}.caps[{j}]"
        if not isinstance(c, dict) or c.get("indicator") not in known:
            ctx.fail(cw, f"cap must name an indicator of this domain; got {c!r}")
        if (c.get("above") is None) == (c.get("below") is None):
            ctx.fail(cw, "a cap needs exactly one of 'above' or 'below'")
        caps.append(Cap(
            indicator=c["indicator"], max_level=_level(ctx, f"{cw}.max_level", c.get("max_level")),
            above=_num(ctx, f"{cw}.above", c["above"]) if c.get("above") is not None else None,
            below=_num(ctx, f"{cw}.below", c["below"]) if c.get("below") is not None else None,
            en=str(c.get("en") or ""), zh=str(c.get("zh") or ""),
        ))
    target = _level(ctx, f"{where}.target_level", raw.get("target_level", model_defaults["default_target_level"]))
    return Domain(id=did, zh=_text(ctx, where, raw, "zh"), en=_text(ctx, where, raw, "en"),
                  target_level=target, items=tuple(items), indicators=tuple(indicators),
                  gates=tuple(sorted(gates, key=lambda g: g.level)), caps=tuple(caps))


def parse_model(raw: Any, source: str = "model.yaml", sha256: str = "") -> MaturityModel:
    """Validate a parsed model mapping and build the :class:`MaturityModel`."""
    ctx = _Ctx(source)
    if not isinstance(raw, dict):
        ctx.fail("top level", "expected a mapping")
    standard = raw.get("standard")
    if standard not in STANDARDS:
        ctx.fail("standard", f"unknown standard {standard!r}; supported: {', '.join(STANDARDS)}")
    levels_raw = raw.get("levels") or {}
    levels = {}
    for k, v in levels_raw.items():
        lvl = _level(ctx, "levels", k)
        if not isinstance(v, dict):
            ctx.fail(f"levels[{lvl}]", "expected {zh: ..., en: ...}")
        levels[lvl] = {"zh": _text(ctx, f"levels[{lvl}]", v, "zh"), "en": _text(ctx, f"levels[{lvl}]", v, "en")}
    if sorted(levels) != list(LEVELS):
        ctx.fail("levels", "levels 1 to 5 must all be named")
    answers_raw = raw.get("answers") or {}
    if sorted(answers_raw) != sorted(ANSWER_KEYS):
        ctx.fail("answers", f"the answer scale must define exactly {', '.join(ANSWER_KEYS)}")
    answers = {k: _num(ctx, f"answers.{k}", answers_raw[k]) for k in ANSWER_KEYS}
    if not all(0.0 <= answers[k] <= 1.0 for k in ANSWER_KEYS) or not (
        answers["not"] < answers["partially"] < answers["largely"] < answers["fully"]
    ):
        ctx.fail("answers", "answer values must lie in [0, 1] and increase not < partially < largely < fully")
    unevidenced = raw.get("unevidenced_answer", "partially")
    if unevidenced not in ANSWER_KEYS:
        ctx.fail("unevidenced_answer", f"must be one of {', '.join(ANSWER_KEYS)}")
    cov = _num(ctx, "provisional_below_coverage", raw.get("provisional_below_coverage", 0.6))
    if not 0.0 <= cov <= 1.0:
        ctx.fail("provisional_below_coverage", "must lie in [0, 1]")
    defaults = {
        "questionnaire_weight": _num(ctx, "questionnaire_weight", raw.get("questionnaire_weight", 1)),
        "default_target_level": _level(ctx, "default_target_level", raw.get("default_target_level", 3)),
    }
    if defaults["questionnaire_weight"] < 0:
        ctx.fail("questionnaire_weight", "must be ≥ 0")
    overall = raw.get("overall") or {}
    if overall.get("score", "mean") != "mean":
        ctx.fail("overall.score", "only 'mean' (mean of domain scores) is supported")
    rule = overall.get("level_rule", "floor_mean_level")
    if rule not in LEVEL_RULES:
        ctx.fail("overall.level_rule", f"must be one of {', '.join(LEVEL_RULES)}, got {rule!r}")
    domains_raw = raw.get("domains")
    if not isinstance(domains_raw, list):
        ctx.fail("domains", "expected a list of domains")
    domains = [_domain(ctx, i, d, defaults) for i, d in enumerate(domains_raw)]
    if len(domains) != STANDARDS[standard]:
        ctx.fail("domains", f"{standard} has {STANDARDS[standard]} capability domains, the file declares {len(domains)}")
    dids = [d.id for d in domains]
    if len(set(dids)) != len(dids):
        ctx.fail("domains", "duplicate domain ids")
    all_items = [it.id for d in domains for it in d.items]
    if len(set(all_items)) != len(all_items):
        ctx.fail("domains", "capability item ids must be unique across domains")
    all_inds = [ind.id for d in domains for ind in d.indicators]
    if len(set(all_inds)) != len(all_inds):
        ctx.fail("domains", "indicator ids must be unique across domains")
    disclaimer = raw.get("disclaimer") or {}
    if not isinstance(disclaimer, dict) or not disclaimer.get("en") or not disclaimer.get("zh"):
        ctx.fail("disclaimer", "a disclaimer in en and zh is required (state that thresholds are not official DCMM rules)")
    _check_metrics(ctx, domains)
    return MaturityModel(
        standard=standard, model_version=str(raw.get("model_version") or "unversioned"),
        sha256=sha256, source=source, disclaimer={"en": disclaimer["en"].strip(), "zh": disclaimer["zh"].strip()},
        levels=levels, answers=answers, unevidenced_answer=unevidenced,
        questionnaire_weight=defaults["questionnaire_weight"], provisional_below_coverage=cov,
        default_target_level=defaults["default_target_level"], overall_level_rule=rule, domains=tuple(domains),
    )


def _check_metrics(ctx: _Ctx, domains: list[Domain]) -> None:
    from .evidence import METRICS  # the collectors live next to the data they read

    for d in domains:
        for ind in d.indicators:
            if ind.kind == "measured" and ind.metric not in METRICS:
                ctx.fail(f"domains ({d.id}).indicators ({ind.id}).metric",
                         f"unknown metric '{ind.metric}'; known: {', '.join(sorted(METRICS))}")


def load_model(path: str | Path | None = None) -> MaturityModel:
    """Read and validate a maturity model file (default: the bundled ``model.yaml``)."""
    p = Path(path) if path else MODEL_FILE
    try:
        data = p.read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read maturity model {p}: {e.strerror or e}") from None
    try:
        raw = yaml.safe_load(data)
    except yaml.YAMLError as e:
        raise ModelError(f"{p}: not valid YAML: {e}") from None
    return parse_model(raw, source=str(p), sha256=hashlib.sha256(data).hexdigest())
