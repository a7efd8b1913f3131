"""The shared vocabulary: quality dimensions, severities, PII classes and DCMM domains.

Defined once here; suites, scores, reports, the maturity model and the dashboard import
these names instead of spelling them again.

Quality dimensions are the six DAMA dimensions. Their Chinese names follow GB/T 36344-2018
(信息技术 数据质量评价指标: 规范性, 完整性, 准确性, 一致性, 时效性, 可访问性); uniqueness, which
the standard folds into other indicators, uses the customary 唯一性.
"""

from __future__ import annotations

from typing import Literal

Dimension = Literal["completeness", "uniqueness", "validity", "accuracy", "consistency", "timeliness"]
DIMENSION_IDS: tuple[str, ...] = ("completeness", "uniqueness", "validity", "accuracy", "consistency",
                                  "timeliness")

#: dimension id -> {"en": English name, "zh": GB/T 36344 name}
DIMENSIONS: dict[str, dict[str, str]] = {
    "completeness": {"en": "Completeness", "zh": "完整性"},
    "uniqueness": {"en": "Uniqueness", "zh": "唯一性"},
    "validity": {"en": "Validity", "zh": "规范性"},
    "accuracy": {"en": "Accuracy", "zh": "准确性"},
    "consistency": {"en": "Consistency", "zh": "一致性"},
    "timeliness": {"en": "Timeliness", "zh": "时效性"},
}
ALL = {"en": "Overall", "zh": "总体"}

Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")
SEVERITY_NAMES: dict[str, dict[str, str]] = {
    "critical": {"en": "Critical", "zh": "严重"},
    "high": {"en": "High", "zh": "高"},
    "medium": {"en": "Medium", "zh": "中"},
    "low": {"en": "Low", "zh": "低"},
}

#: PII classes of catalog columns. A column without one is *unclassified* (None).
PiiClass = Literal["none", "direct", "indirect", "contact"]
PII_CLASSES: tuple[str, ...] = ("none", "direct", "indirect", "contact")

#: The eight DCMM (GB/T 36073-2018) capability domains.
DCMM_DOMAINS: dict[str, dict[str, str]] = {
    "strategy": {"en": "Data strategy", "zh": "数据战略"},
    "governance": {"en": "Data governance", "zh": "数据治理"},
    "architecture": {"en": "Data architecture", "zh": "数据架构"},
    "application": {"en": "Data application", "zh": "数据应用"},
    "security": {"en": "Data security", "zh": "数据安全"},
    "quality": {"en": "Data quality", "zh": "数据质量"},
    "standards": {"en": "Data standards", "zh": "数据标准"},
    "lifecycle": {"en": "Data lifecycle", "zh": "数据生存周期"},
}


def dimension_name(dimension: str, lang: str = "en") -> str:
    """Display name of a dimension id ('*' = all dimensions) in ``lang`` ('en' or 'zh')."""
    if dimension == "*":
        return ALL[lang]
    return DIMENSIONS.get(dimension, {}).get(lang, dimension)
