"""The configuration folder: defaults vs the home's copy, init/diff, and typed validation errors."""

from __future__ import annotations

import pytest
import yaml

from governance.catalog import load_catalog
from governance.check_suites import load_suite, load_suites
from governance.config import (
    DEFAULTS,
    ConfigError,
    diff_config,
    fingerprint,
    init_config,
    resolve,
)
from governance.mapping import load_mapping
from governance.notify import load_notifications


def test_defaults_until_the_home_has_its_own(home):
    assert resolve(home, "catalog.yaml") == DEFAULTS / "catalog.yaml"
    assert resolve(home, "suites") == DEFAULTS / "suites"
    own = home.config / "catalog.yaml"
    own.write_text((DEFAULTS / "catalog.yaml").read_text())
    assert resolve(home, "catalog.yaml") == own


def test_init_copies_defaults_and_never_overwrites_an_edited_file(home):
    actions = {a.name: a.action for a in init_config(home)}
    assert actions["catalog.yaml"] == "created" and actions["suites/products.yaml"] == "created"
    assert (home.config / "maturity.yaml").read_bytes() == (DEFAULTS / "maturity.yaml").read_bytes()
    edited = (home.config / "roles.yaml").read_text() + "\n# edited by the team\n"
    (home.config / "roles.yaml").write_text(edited)
    (home.config / "suites" / "reviews.yaml").unlink()  # a suite removed on purpose
    again = {a.name: a.action for a in init_config(home)}
    assert again["roles.yaml"] == "kept" and again["catalog.yaml"] == "unchanged"
    assert (home.config / "roles.yaml").read_text() == edited
    assert not (home.config / "suites" / "reviews.yaml").exists()  # not brought back


def test_diff_names_what_differs(home):
    assert diff_config(home) == []
    init_config(home)
    assert diff_config(home) == []
    (home.config / "suites" / "reviews.yaml").unlink()
    cat = home.config / "catalog.yaml"
    cat.write_text(cat.read_text().replace("freshness_sla_hours: 48", "freshness_sla_hours: 24"))
    diffs = {d.name: d for d in diff_config(home)}
    assert diffs["suites/reviews.yaml"].status == "removed"
    assert diffs["catalog.yaml"].status == "changed"
    assert "-    freshness_sla_hours: 48" in diffs["catalog.yaml"].diff
    assert "+    freshness_sla_hours: 24" in diffs["catalog.yaml"].diff


def test_fingerprint_covers_every_file(home):
    base = fingerprint(home)
    init_config(home)
    assert fingerprint(home) == base  # identical copies, identical configuration
    for name in ("roles.yaml", "maturity.yaml", "notifications.yaml", "suites/sellers.yaml"):
        p = home.config / name
        original = p.read_text()
        p.write_text(original + "\n# changed\n")
        assert fingerprint(home) != base, name
        p.write_text(original)
    (home.config / "mappings" / "mine.yaml").write_text("format: csv\n")
    assert fingerprint(home) != base


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_catalog_typo_names_file_key_and_line(home):
    init_config(home)
    p = home.config / "catalog.yaml"
    _edit(p, "    steward: seller-operations", "    stewart: seller-operations")
    with pytest.raises(ConfigError) as e:
        load_catalog(home)
    msg = str(e.value)
    assert f"{p}:{_line_of(p, 'stewart:')}: tables.sellers.stewart: unknown key" in msg


def test_catalog_wrong_type_and_unknown_pii_class(home):
    init_config(home)
    p = home.config / "catalog.yaml"
    _edit(p, "freshness_sla_hours: 48", "freshness_sla_hours: two days")
    _edit(p, "contact_email: {type: VARCHAR, pii: direct", "contact_email: {type: VARCHAR, pii: secret")
    with pytest.raises(ConfigError) as e:
        load_catalog(home)
    msg = str(e.value)
    assert "tables.sellers.freshness_sla_hours" in msg
    assert "tables.sellers.columns.contact_email.pii" in msg and "'direct'" in msg


def test_catalog_key_must_name_columns(tmp_path):
    p = tmp_path / "catalog.yaml"
    p.write_text(yaml.safe_dump({"tables": {"t": {"key": ["id"], "columns": {"x": {"type": "VARCHAR"}}}}}))
    with pytest.raises(ConfigError, match=r"tables\.t: .*'id' is not one of the table's columns"):
        load_catalog(p)


def test_catalog_undeclared_pii_is_unclassified(tmp_path):
    p = tmp_path / "catalog.yaml"
    p.write_text(yaml.safe_dump({"tables": {"t": {"columns": {
        "a": {"type": "VARCHAR", "pii": "none"}, "b": {"type": "VARCHAR"}, "c": {"pii": "direct"}}}}}))
    t = load_catalog(p).tables["t"]
    assert [c.pii for c in t.columns] == ["none", None, "direct"]
    assert t.pii_columns == ["c"]


def test_suite_unknown_dimension_and_duplicate_id(tmp_path):
    src = (DEFAULTS / "suites" / "sellers.yaml").read_text()
    p = tmp_path / "sellers.yaml"
    p.write_text(src.replace("dimension: uniqueness", "dimension: uniquenes", 1))
    with pytest.raises(ConfigError) as e:
        load_suite(p)
    line = _line_of(p, "dimension: uniquenes,")
    assert f"{p}:{line}: expectations[" in str(e.value) and ".meta.dimension:" in str(e.value)
    raw = yaml.safe_load(src)
    raw["expectations"].append(dict(raw["expectations"][0]))
    p.write_text(yaml.safe_dump(raw, sort_keys=False))
    n = len(raw["expectations"]) - 1
    with pytest.raises(ConfigError, match=rf"expectations\[{n}\]\.id: duplicate expectation id"):
        load_suite(p)


def test_home_suites_replace_the_defaults(home):
    init_config(home)
    (home.config / "suites" / "reviews.yaml").unlink()
    names = {s.name for s in load_suites(home=home)}
    assert "reviews" not in names and "products" in names
    assert "reviews" in {s.name for s in load_suites()}


def test_mapping_typo_is_a_config_error(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text("format: csv\ncolumns: {a: b}\ntransfroms: {x: y}\n")
    with pytest.raises(ConfigError, match=r"m\.yaml:3: transfroms: unknown key"):
        load_mapping(p)


def test_mapping_by_name_from_the_home(home):
    (home.config / "mappings").mkdir(parents=True, exist_ok=True)
    (home.config / "mappings" / "shop.yaml").write_text("format: csv\nconstants: {seller_id: s1}\n")
    assert load_mapping("shop", home).constants == {"seller_id": "s1"}


def test_notifications_typo(tmp_path):
    p = tmp_path / "notifications.yaml"
    p.write_text("notify_on: failure\nwebhook:\n  - url: https://example.invalid/x\n    timout: 5\n")
    with pytest.raises(ConfigError, match=r"notifications\.yaml:4: webhook\[0\]\.timout: unknown key"):
        load_notifications(p)


def test_bundled_defaults_are_inert_and_valid():
    spec = load_notifications(DEFAULTS / "notifications.yaml")
    assert spec.webhook == [] and spec.slack == [] and spec.email == []  # nothing is sent by default
    assert len(load_catalog().tables) >= 5


def test_value_cut_at_a_comma_gets_a_migration_hint(tmp_path):
    p = tmp_path / "catalog.yaml"
    p.write_text("tables:\n  t:\n    columns:\n      a: {type: INTEGER, pii: none, description: Depth, 1 for top.}\n")
    with pytest.raises(ConfigError, match=r"catalog\.yaml:4: tables\.t\.columns\.a\.1 for top\.: .*quote that value"):
        load_catalog(p)


def test_notify_on_values_are_gxs_own():
    """notifications.yaml is validated without importing GX; its ``notify_on`` values must stay GX's."""
    import typing

    from great_expectations.checkpoint.actions import NotifyOn as GXNotifyOn

    from governance.notify import NotifyOn

    assert set(typing.get_args(NotifyOn)) == set(typing.get_args(GXNotifyOn))


def test_validating_notifications_does_not_import_gx(tmp_path):
    import subprocess
    import sys

    code = ("import sys\nfrom governance.notify import load_notifications\n"
            "from governance.config import DEFAULTS\nload_notifications(DEFAULTS / 'notifications.yaml')\n"
            "print('great_expectations' in sys.modules)\n")
    script = tmp_path / "probe.py"  # a file, not -c: pyspark takes a bare __main__ for a doctest run
    script.write_text(code)
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"
