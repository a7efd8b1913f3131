"""Shared fixtures. Tests use a private SHOPGOV_HOME under pytest's tmp_path."""

from __future__ import annotations

import os

import pytest

from governance.paths import Home, get_home

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Home:
    """An empty shopgov home folder, also exported as $SHOPGOV_HOME."""
    h = get_home(tmp_path / "home").ensure()
    monkeypatch.setenv("SHOPGOV_HOME", str(h.root))
    return h


def pytest_collection_modifyitems(config, items):
    if os.environ.get("SHOPGOV_E2E") == "1":
        return
    skip = pytest.mark.skip(reason="browser tests run with SHOPGOV_E2E=1 (make test sets it when chromium is installed)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
