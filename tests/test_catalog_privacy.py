"""Catalog PII metadata is honest: unclassified columns stay NULL and ``masked`` is what masking does.

End to end on a real warehouse: a home's own ``config/catalog.yaml`` -> ``ensure_warehouse``
-> GX metadata checks -> maturity assessment.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from assess.maturity.assessment import compute_assessment
from governance import privacy
from governance.catalog import CATALOG_FILE, load_catalog
from governance.checks import run_checks
from governance.privacy import mask_frame, masks_column
from governance.warehouse import connect_read, ensure_warehouse

CITY = "city: {type: VARCHAR, pii: none, description: City of registration.}"
WECHAT = ("      contact_wechat: {type: VARCHAR, pii: contact, "
          "description: Shop owner's WeChat id for buyer questions.}\n")


def _custom_catalog(home, edit) -> None:
    text = CATALOG_FILE.read_text(encoding="utf-8")
    changed = edit(text)
    assert changed != text
    (home.config / "catalog.yaml").write_text(changed, encoding="utf-8")


def _result(run, expectation_id):
    return next(r for r in run.results if r.expectation_id == expectation_id)


def _catalog_rows(home, where):
    con = connect_read(home.warehouse)
    try:
        return con.execute(f"SELECT table_name, column_name, pii_class, masked FROM catalog_columns WHERE {where}"
                           " ORDER BY table_name, ordinal").fetchall()
    finally:
        con.close()


def test_an_undeclared_pii_class_is_unclassified_and_fails_the_metadata_check(home):
    _custom_catalog(home, lambda t: t.replace(CITY, "city: {type: VARCHAR, description: City of registration.}"))
    catalog = load_catalog(home)
    assert catalog.tables["sellers"].column("city").pii is None
    ensure_warehouse(home)  # the home's config/catalog.yaml
    assert _catalog_rows(home, "pii_class IS NULL") == [("sellers", "city", None, False)]

    run = run_checks(home, suites=["catalog_columns"], progress=False, docs=False)
    not_null = _result(run, "catalog_columns.pii_class.not_null")
    assert not not_null.success and not_null.unexpected_count == 1
    assert _result(run, "catalog_columns.pii.masked").success  # an unclassified column is not claimed as PII

    from governance.status import warehouse_status

    cov = warehouse_status(home)["catalog_coverage"]
    n = sum(len(t.columns) for t in catalog.tables.values())
    assert cov["pii_tags"] == pytest.approx((n - 1) / n)


def test_the_bundled_catalog_passes_both_pii_checks(home):
    ensure_warehouse(home)
    run = run_checks(home, suites=["catalog_columns"], progress=False, docs=False)
    assert _result(run, "catalog_columns.pii_class.not_null").success
    assert _result(run, "catalog_columns.pii.masked").success


def test_masked_is_what_the_masking_rules_do_to_each_column():
    catalog = load_catalog()
    sellers = catalog.tables["sellers"]
    for col in sellers.columns:
        real = pd.DataFrame({col.name: ["li.wei@example.com", "+86 138 0013 8000", "Li Wei"]})
        changed = (mask_frame(real, "sellers", catalog)[col.name] != real[col.name]).all()
        assert masks_column("sellers", col.name, catalog) == bool(changed), col.name
    assert masks_column("sellers", "contact_email", catalog)
    assert not masks_column("sellers", "city", catalog)  # pii: none is published as it is


def test_a_pii_column_without_a_masking_rule_fails_the_critical_check_and_the_l3_gate(home, monkeypatch):
    # A steward classifies a new column as a business contact, but the masking code has no rule for
    # that class (the rule is taken out of the real rule table: nothing else is replaced).
    _custom_catalog(home, lambda t: re.sub(r"(      contact_phone: .*\n)", lambda m: m.group(1) + WECHAT, t, count=1))
    ensure_warehouse(home)
    assert _catalog_rows(home, "pii_class <> 'none' AND NOT masked") == []
    monkeypatch.delitem(privacy.MASKING_RULES, "contact")
    catalog = load_catalog(home)
    probe = pd.DataFrame({"contact_wechat": ["wx_shop_owner88"]})
    assert mask_frame(probe, "sellers", catalog).equals(probe)  # really published unmasked

    ensure_warehouse(home)  # the catalog file is unchanged, but what masking does is not: re-synced
    assert _catalog_rows(home, "pii_class <> 'none' AND NOT masked") == [
        ("sellers", "contact_wechat", "contact", False)]

    run = run_checks(home, suites=["catalog_columns"], progress=False, docs=False)
    masked = _result(run, "catalog_columns.pii.masked")
    assert masked.severity == "critical"
    assert not masked.success and masked.unexpected_count == 1

    tree = compute_assessment(home)
    security = next(d for d in tree["domains"] if d["id"] == "security")
    masking = next(i for it in security["items"] for i in it["indicators"] if i["id"] == "security.pii_masking")
    assert masking["value"] == pytest.approx(5 / 6)  # the 5 bundled PII columns are masked
    gate = next(g for g in security["gates"] if g["indicator"] == "security.pii_masking" and g["level"] == 3)
    assert gate["passed"] is False
    assert security["gate_level"] <= 2 and security["level"] <= 2


def test_restoring_the_rule_masks_the_column_again(home):
    _custom_catalog(home, lambda t: re.sub(r"(      contact_phone: .*\n)", lambda m: m.group(1) + WECHAT, t, count=1))
    catalog = load_catalog(home)
    assert masks_column("sellers", "contact_wechat", catalog)
    ensure_warehouse(home, catalog)
    assert _catalog_rows(home, "pii_class <> 'none' AND NOT masked") == []
