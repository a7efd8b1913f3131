import re

import pandas as pd
import pytest

from governance import vocabulary
from governance.privacy import (
    MASKING_RULES,
    contains_pii,
    find_pii,
    mask_frame,
    mask_value,
    pseudonymize,
    scrub_text,
)


@pytest.mark.parametrize(
    "text,kind",
    [
        ("write to jane.doe@example.com today", "email"),
        ("call 138 1234 5678", "phone"),
        ("call +1 (415) 555-0199", "phone"),
        ("mobile 13912345678", "phone"),
        ("WeChat: shop_seller88", "wechat"),
        ("加微信：abc12345 有优惠", "wechat"),
        ("ID 11010519491231002X", "id-number"),
    ],
)
def test_finds_and_scrubs_each_kind(text, kind):
    assert kind in find_pii(text)
    scrubbed = scrub_text(text)
    assert f"[{kind}]" in scrubbed
    assert not contains_pii(scrubbed)


@pytest.mark.parametrize(
    "text",
    [
        "Samsung 65 inch 4K TV QN65Q80C 2023",
        "3 pack 500 ml, SKU 12345678",
        "released 2024-11-23, size 10-12, 1080p",
        "Nike Air Zoom Pegasus 40 Men's Running Shoes, Size 10.5",
    ],
)
def test_product_text_is_not_personal_data(text):
    assert scrub_text(text) == text
    assert not contains_pii(text)


def test_mask_value_by_class():
    assert mask_value("alice@example.com", "direct") == "a***@e***.com"
    assert mask_value("13812345678", "direct") == "138****5678"
    pseudonym = mask_value("u123", "indirect")
    assert re.fullmatch(r"u_[0-9a-f]{16}", pseudonym)  # a keyed pseudonym, not the id
    assert mask_value("u123", "indirect") == pseudonym  # stable: masked ids still group and join
    assert mask_value("u124", "indirect") != pseudonym
    assert mask_value("anything", "none") == "anything"
    assert mask_value(None, "direct") is None


def test_mask_frame_uses_catalog_classes_and_scrubs_free_text():
    df = pd.DataFrame(
        {
            "seller_id": ["s1"],
            "contact_email": ["bob@shop.cn"],
            "contact_phone": ["+86 139 1234 5678"],
            "name": ["Shop, call 138 1234 5678"],
        }
    )
    out = mask_frame(df, "sellers")
    assert out.loc[0, "seller_id"] == "s1"
    assert "bob@shop.cn" not in out.to_string()
    assert "1234 5678" not in out.to_string()
    assert out.loc[0, "name"] == "Shop, call [phone]"
    assert df.loc[0, "contact_email"] == "bob@shop.cn"  # the input is not modified


def test_mask_frame_guesses_unknown_columns_by_name():
    out = mask_frame(pd.DataFrame({"user_id": ["u1"], "buyer_email": ["x@y.com"]}), "not_a_table")
    assert out.loc[0, "user_id"].startswith("u_")
    assert "x@y.com" not in out.to_string()


def test_every_pii_class_has_a_masking_rule():
    assert set(MASKING_RULES) == set(vocabulary.PII_CLASSES) - {"none"}
    for cls in MASKING_RULES:
        assert mask_value("li.wei@example.com", cls) != "li.wei@example.com"
    assert mask_value("li.wei@example.com", None) == "li.wei@example.com"  # unclassified: not masked


def test_pseudonyms_depend_on_the_secret_key(monkeypatch):
    default = pseudonymize("u123")
    monkeypatch.setenv("SHOPGOV_PSEUDONYM_KEY", "a-site-secret")
    assert pseudonymize("u123") != default  # without the key nobody can recompute the mapping
