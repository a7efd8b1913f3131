"""The declarative maturity model (``maturity.yaml``): typed loading and the runtime model.

The file declares the standard (``GB/T 36073-2018``), its domains and capability items,
the questionnaire statements, the measured indicators with weights, anchors and direction,
and per-domain gates and caps. It is read from ``$SHOPGOV_HOME/config/maturity.yaml`` when a
home has one (its own calibration), else from the bundled default
(``governance/defaults/maturity.yaml``).

:class:`MaturitySpec` (pydantic, ``extra="forbid"``) validates the file, including every
cross reference (items, indicators named by gates and caps, metrics known to
:data:`assess.maturity.evidence.METRICS`, monotone anchors); a problem is a
:class:`~governance.config.ConfigError` naming the file, the key path and the line.
:func:`load_model` then builds the frozen runtime dataclasses the scorer uses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationError, field_validator, model_validator

from governance.config import (
    DEFAULTS,
    ConfigError,
    KeyProblem,
    Strict,
    clean_loc,
    resolve,
)
from governance.config import load_model as load_config
from governance.errors import UsageError
from governance.paths import Home
from governance.vocabulary import DCMM_DOMAINS, DIMENSION_IDS, Severity

from .evidence import METRICS

MODEL_FILE = DEFAULTS / "maturity.yaml"

# Number of capability domains per supported edition of DCMM. A model for another edition
# is added by writing a model file with its `standard` key (see docs/maturity.md).
STANDARDS = {"GB/T 36073-2018": 8, "GB/T 36073-2025": 9}
LEVELS = (1, 2, 3, 4, 5)
DIRECTIONS = ("higher_is_better", "lower_is_better")
LEVEL_RULES = ("floor_mean_level", "floor_mean_score", "min_domain_level")
ANSWER_KEYS = ("not", "partially", "largely", "fully")
QUESTIONNAIRE_PREFIX = "q."

Direction = Literal["higher_is_better", "lower_is_better"]
LevelRule = Literal["floor_mean_level", "floor_mean_score", "min_domain_level"]
AnswerKey = Literal["not", "partially", "largely", "fully"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Level = Annotated[int, Field(ge=1, le=5)]
Num = Annotated[float, Field(strict=True)]  # int or float; no strings or booleans
Share = Annotated[float, Field(strict=True, ge=0.0, le=1.0)]


def _none_is_empty(v: Any) -> Any:
    return {} if v is None else v


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



# ---------------------------------------------------------------------------- metric params
class _NoParams(Strict):
    pass


class _PassRateParams(Strict):
    dimension: str = Field("*", description="a quality dimension id, or '*' for all")
    tables: list[Text] | None = Field(None, min_length=1)
    aggregate: Literal["table_mean", "overall"] = "table_mean"

    @field_validator("dimension")
    @classmethod
    def _known_dimension(cls, v: str) -> str:
        if v != "*" and v not in DIMENSION_IDS:
            raise ValueError(f"unknown quality dimension {v!r}; known: {', '.join(DIMENSION_IDS)} or '*' (all)")
        return v


class _SeverityParams(Strict):
    severities: list[Severity] = Field(["critical"], min_length=1)


class _WindowParams(Strict):
    window_days: float = Field(30, gt=0)


class _TableFieldsParams(Strict):
    fields: list[Text] = Field(min_length=1)


class _ColumnFieldParams(Strict):
    field: Text


#: The parameters each metric accepts (metrics not listed accept none).
METRIC_PARAMS: dict[str, type[Strict]] = {
    "check_pass_rate": _PassRateParams,
    "failed_checks": _SeverityParams,
    "open_pii_findings": _SeverityParams,
    "pass_rate_change": _WindowParams,
    "freshness_sla_attainment": _WindowParams,
    "load_success_share": _WindowParams,
    "catalog_table_coverage": _TableFieldsParams,
    "catalog_column_coverage": _ColumnFieldParams,
}


# ---------------------------------------------------------------------------- the file
class NamesSpec(Strict):
    zh: Text
    en: Text


class StatementSpec(Strict):
    en: Text
    zh: Text


class ItemSpec(Strict):
    """A capability item with its questionnaire statements (one per level 2-5)."""

    id: Text
    zh: Text
    en: Text
    statements: dict[Level, StatementSpec]

    @model_validator(mode="after")
    def _levels_2_to_5(self) -> ItemSpec:
        if 1 in self.statements:
            raise KeyProblem(("statements", 1), "level 1 (initial) is the baseline and has no statement")
        if sorted(self.statements) != [2, 3, 4, 5]:
            raise KeyProblem(("statements",), "one statement per level 2, 3, 4 and 5 is required")
        return self


class IndicatorSpec(Strict):
    """A measured indicator: a metric, its weight and the anchors mapping values to levels."""

    id: Text
    item: Text
    zh: Text
    en: Text
    metric: Text
    params: dict[str, Any] = Field(default_factory=dict)
    direction: Direction = "higher_is_better"
    weight: Num = Field(1.0, ge=0)
    anchors: dict[Level, Num] = Field(min_length=1, description="level -> threshold, e.g. {2: 0.85, 3: 0.93}")
    worst: Num | None = Field(None, description="value at level 1 when the anchors have no level-1 entry")

    @field_validator("params", mode="before")
    @classmethod
    def _no_params(cls, v: Any) -> Any:
        return _none_is_empty(v)

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, v: str) -> str:
        if v.startswith(QUESTIONNAIRE_PREFIX):
            raise ValueError(f"ids starting with '{QUESTIONNAIRE_PREFIX}' are reserved for questionnaire indicators")
        return v

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str) -> str:
        if v not in METRICS:
            raise ValueError(f"unknown metric '{v}'; known: {', '.join(sorted(METRICS))}")
        return v

    @model_validator(mode="after")
    def _params_and_anchors(self) -> IndicatorSpec:
        try:
            METRIC_PARAMS.get(self.metric, _NoParams).model_validate(self.params)
        except ValidationError as e:
            err = e.errors()[0]
            cause = (err.get("ctx") or {}).get("error")
            what = ("unknown parameter" if err["type"] == "extra_forbidden"
                    else str(cause) if isinstance(cause, ValueError) else err["msg"])
            raise KeyProblem(("params", *clean_loc(err["loc"])), f"{what} (metric {self.metric})") from None
        pairs = sorted(self.anchors.items())
        sign = self.sign
        for (l1, t1), (l2, t2) in zip(pairs, pairs[1:], strict=False):
            if not sign * t2 > sign * t1:
                word = "increase" if sign > 0 else "decrease"
                raise KeyProblem(("anchors", l2), f"thresholds must strictly {word} with the level "
                                 f"({self.direction}): level {l1} = {t1:g}, level {l2} = {t2:g}")
        if pairs[0][0] != 1 and not sign * pairs[0][1] > sign * self.worst_value:
            raise KeyProblem(("worst",) if self.worst is not None else ("anchors",),
                             f"worst value {self.worst_value:g} must be worse than the first anchor "
                             f"{pairs[0][1]:g}; add a level-1 anchor or set 'worst'")
        return self

    @property
    def sign(self) -> float:
        return 1.0 if self.direction == "higher_is_better" else -1.0

    @property
    def worst_value(self) -> float:
        if self.worst is not None:
            return self.worst
        return 0.0 if self.direction == "higher_is_better" else 1.0


class GateSpec(Strict):
    """Reaching a level requires ``indicator`` ≥ ``min`` and/or ≤ ``max``."""

    indicator: Text
    min: Num | None = None
    max: Num | None = None

    @model_validator(mode="after")
    def _bound(self) -> GateSpec:
        if self.min is None and self.max is None:
            raise ValueError("a gate needs 'min' and/or 'max'")
        return self


class CapSpec(Strict):
    """The domain's level is at most ``max_level`` while ``indicator`` is above/below a value."""

    indicator: Text
    max_level: Level
    above: Num | None = None
    below: Num | None = None
    en: str = ""
    zh: str = ""

    @model_validator(mode="after")
    def _one_bound(self) -> CapSpec:
        if (self.above is None) == (self.below is None):
            raise ValueError("a cap needs exactly one of 'above' or 'below'")
        return self


class DomainSpec(Strict):
    """A capability domain: its items, measured indicators, gates and caps."""

    id: Text
    zh: Text
    en: Text
    target_level: Level | None = None
    items: list[ItemSpec] = Field(min_length=1)
    indicators: list[IndicatorSpec] = Field(default_factory=list)
    gates: dict[Level, list[GateSpec]] = Field(default_factory=dict)
    caps: list[CapSpec] = Field(default_factory=list)

    @field_validator("indicators", "gates", "caps", mode="before")
    @classmethod
    def _null_is_empty(cls, v: Any) -> Any:
        return ([] if v is None else v) if not isinstance(v, dict) else v

    @model_validator(mode="after")
    def _cross_references(self) -> DomainSpec:
        item_ids: list[str] = []
        for j, it in enumerate(self.items):
            if it.id in item_ids:
                raise KeyProblem(("items", j, "id"), f"duplicate item id '{it.id}'")
            item_ids.append(it.id)
        known = {QUESTIONNAIRE_PREFIX + i for i in item_ids}
        for j, ind in enumerate(self.indicators):
            if ind.item not in item_ids:
                raise KeyProblem(("indicators", j, "item"),
                                 f"unknown item '{ind.item}'; this domain's items: {', '.join(sorted(item_ids))}")
            if ind.id in known:
                raise KeyProblem(("indicators", j, "id"), f"duplicate indicator id '{ind.id}'")
            known.add(ind.id)
        for lvl, gates in self.gates.items():
            if lvl == 1:
                raise KeyProblem(("gates", lvl), "level 1 cannot have gates (every domain starts at level 1)")
            for j, g in enumerate(gates):
                if g.indicator not in known:
                    raise KeyProblem(("gates", lvl, j, "indicator"),
                                     f"gate must name an indicator of this domain; got '{g.indicator}'")
        for j, c in enumerate(self.caps):
            if c.indicator not in known:
                raise KeyProblem(("caps", j, "indicator"),
                                 f"cap must name an indicator of this domain; got '{c.indicator}'")
        return self


class OverallSpec(Strict):
    score: Literal["mean"] = Field("mean", description="overall score = mean of the domain scores")
    level_rule: LevelRule = "floor_mean_level"


class MaturitySpec(Strict):
    """The whole ``maturity.yaml`` file."""

    standard: str
    model_version: str = "unversioned"
    disclaimer: NamesSpec = Field(description="state that thresholds are not official DCMM rules")
    levels: dict[Level, NamesSpec]
    answers: dict[AnswerKey, Share]
    unevidenced_answer: AnswerKey = "partially"
    questionnaire_weight: Num = Field(1.0, ge=0)
    provisional_below_coverage: Share = 0.6
    default_target_level: Level = 3
    overall: OverallSpec = Field(default_factory=OverallSpec)
    domains: list[DomainSpec]

    @field_validator("standard")
    @classmethod
    def _known_standard(cls, v: str) -> str:
        if v not in STANDARDS:
            raise ValueError(f"unknown standard {v!r}; supported: {', '.join(STANDARDS)}")
        return v

    @field_validator("model_version", mode="before")
    @classmethod
    def _version_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v

    @field_validator("overall", mode="before")
    @classmethod
    def _overall_default(cls, v: Any) -> Any:
        return _none_is_empty(v)

    @model_validator(mode="after")
    def _consistent(self) -> MaturitySpec:
        if sorted(self.levels) != list(LEVELS):
            raise KeyProblem(("levels",), "levels 1 to 5 must all be named")
        if sorted(self.answers) != sorted(ANSWER_KEYS):
            raise KeyProblem(("answers",), f"the answer scale must define exactly {', '.join(ANSWER_KEYS)}")
        a = self.answers
        if not a["not"] < a["partially"] < a["largely"] < a["fully"]:
            raise KeyProblem(("answers",), "answer values must increase not < partially < largely < fully")
        n = STANDARDS[self.standard]
        if len(self.domains) != n:
            raise KeyProblem(("domains",), f"{self.standard} has {n} capability domains, "
                             f"the file declares {len(self.domains)}")
        seen_domains: set[str] = set()
        seen_items: set[str] = set()
        seen_inds: set[str] = set()
        for i, d in enumerate(self.domains):
            if self.standard == "GB/T 36073-2018" and d.id not in DCMM_DOMAINS:
                raise KeyProblem(("domains", i, "id"),
                                 f"unknown DCMM domain '{d.id}'; {self.standard} domains: {', '.join(DCMM_DOMAINS)}")
            if d.id in seen_domains:
                raise KeyProblem(("domains", i, "id"), f"duplicate domain id '{d.id}'")
            seen_domains.add(d.id)
            for j, it in enumerate(d.items):
                if it.id in seen_items:
                    raise KeyProblem(("domains", i, "items", j, "id"),
                                     f"capability item ids must be unique across domains; '{it.id}' is repeated")
                seen_items.add(it.id)
            for j, ind in enumerate(d.indicators):
                if ind.id in seen_inds:
                    raise KeyProblem(("domains", i, "indicators", j, "id"),
                                     f"indicator ids must be unique across domains; '{ind.id}' is repeated")
                seen_inds.add(ind.id)
            if sum(ind.weight for ind in d.indicators) + self.questionnaire_weight * len(d.items) <= 0:
                raise KeyProblem(("domains", i, "indicators"), "at least one indicator needs a positive weight")
        return self


class ModelError(ConfigError):
    """The maturity model file is invalid (names the file, the key path and the line)."""


# ---------------------------------------------------------------------------- spec -> runtime
def _questionnaire_indicator(item: Item, weight: float) -> Indicator:
    return Indicator(
        id=item.questionnaire_indicator, item=item.id,
        zh=f"{item.zh}（问卷自评）", en=f"{item.en} (questionnaire)",
        kind="questionnaire", metric=None, params={}, weight=weight,
        anchors=tuple((lvl, float(lvl)) for lvl in LEVELS),
    )


def _indicator(spec: IndicatorSpec) -> Indicator:
    anchors = tuple(sorted((lvl, float(t)) for lvl, t in spec.anchors.items()))
    return Indicator(
        id=spec.id, item=spec.item, zh=spec.zh, en=spec.en, kind="measured", metric=spec.metric,
        params=dict(spec.params), weight=float(spec.weight), anchors=anchors, direction=spec.direction,
        worst=None if anchors[0][0] == 1 and spec.worst is None else float(spec.worst_value),
    )


def _domain(spec: DomainSpec, model: MaturitySpec) -> Domain:
    items = tuple(
        Item(id=it.id, zh=it.zh, en=it.en,
             statements=tuple(Statement(lvl, s.en, s.zh) for lvl, s in sorted(it.statements.items())))
        for it in spec.items
    )
    indicators = tuple(_indicator(i) for i in spec.indicators) + tuple(
        _questionnaire_indicator(it, float(model.questionnaire_weight)) for it in items)
    gates = tuple(
        Gate(level=lvl, indicator=g.indicator, min=g.min, max=g.max)
        for lvl, gs in sorted(spec.gates.items()) for g in gs
    )
    caps = tuple(Cap(indicator=c.indicator, max_level=c.max_level, above=c.above, below=c.below,
                     en=c.en, zh=c.zh) for c in spec.caps)
    return Domain(id=spec.id, zh=spec.zh, en=spec.en,
                  target_level=spec.target_level or model.default_target_level,
                  items=items, indicators=indicators, gates=gates, caps=caps)


def build_model(spec: MaturitySpec, sha256: str = "", source: str = "") -> MaturityModel:
    """The runtime :class:`MaturityModel` of a validated file."""
    return MaturityModel(
        standard=spec.standard, model_version=spec.model_version, sha256=sha256, source=source,
        disclaimer={"en": spec.disclaimer.en, "zh": spec.disclaimer.zh},
        levels={lvl: {"zh": n.zh, "en": n.en} for lvl, n in sorted(spec.levels.items())},
        answers={k: float(spec.answers[k]) for k in ANSWER_KEYS},  # type: ignore[index]
        unevidenced_answer=spec.unevidenced_answer, questionnaire_weight=float(spec.questionnaire_weight),
        provisional_below_coverage=float(spec.provisional_below_coverage),
        default_target_level=spec.default_target_level, overall_level_rule=spec.overall.level_rule,
        domains=tuple(_domain(d, spec) for d in spec.domains),
    )


# ---------------------------------------------------------------------------- loading
def model_path(source: Home | Path | str | None = None) -> Path:
    """The model file for ``source``: a home (its ``config/maturity.yaml``, else the default),
    a file, or (``None``) the bundled default."""
    if isinstance(source, Home):
        return resolve(source, "maturity.yaml")
    return Path(source) if source else MODEL_FILE


def load_model(source: Home | Path | str | None = None) -> MaturityModel:
    """Read and validate the maturity model of a home, a file, or (default) the bundled one."""
    p = model_path(source)
    try:
        st = p.stat()
    except OSError:
        raise ModelError(p, [("", None, "file not found")]) from None
    return _load_cached(str(p), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int) -> MaturityModel:
    p = Path(path)
    try:
        spec = load_config(p, MaturitySpec)
    except ConfigError as e:
        raise ModelError(e.file, e.problems) from None
    return build_model(spec, hashlib.sha256(p.read_bytes()).hexdigest(), path)

