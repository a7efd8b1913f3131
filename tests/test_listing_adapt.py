"""``shopgov train --adapt``: masked-language-model adaptation on the warehouse's own titles.

Tiny runs only (a few steps on ~20 titles, short max length); no full training here.
"""

from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import load_file
from test_listing_model import GOOD, NOT_CONCISE, tiny_frame
from typer.testing import CliRunner

from assess.listing.adapt import AdaptConfig, adapt_encoder, warehouse_titles
from assess.listing.model import ListingModel, base_model_path
from assess.listing.train import ADAPTED_DIR, resolve_model_dir
from dashboard.cli import build_app
from governance.paths import get_home

WAREHOUSE_TITLES = GOOD[:12] + NOT_CONCISE[:8] + [GOOD[0], "  " + GOOD[1] + " ", "纯棉短袖T恤 男士 黑色", "", None]


@pytest.fixture(scope="module", autouse=True)
def one_thread(one_torch_thread):
    """One torch thread for the module (tests/conftest.py)."""
    yield


def run_cli(*args: str):
    return CliRunner().invoke(build_app(), list(args), catch_exceptions=False)


def home_with_listings(root):
    from governance.warehouse import atomic_write, ensure_warehouse

    home = get_home(root).ensure()
    ensure_warehouse(home)
    with atomic_write(home, home.warehouse) as con:
        for i, t in enumerate(WAREHOUSE_TITLES):
            con.execute("INSERT INTO products (product_id, sku, seller_id, title, category_id) VALUES (?, ?, ?, ?, ?)",
                        [f"p{i}", f"sku{i}", "s1", t, "c1"])
    return home


def test_warehouse_titles_are_distinct_english_and_capped(tmp_path):
    home = home_with_listings(tmp_path / "home")
    titles, n = warehouse_titles(home)
    assert n == 20 and len(titles) == 20  # duplicates (also after trimming), Chinese, empty and NULL dropped
    assert titles == sorted(GOOD[:12] + NOT_CONCISE[:8])
    few, n_all = warehouse_titles(home, max_titles=5, seed=1)
    assert n_all == 20 and len(few) == 5 and set(few) <= set(titles)
    assert few == warehouse_titles(home, max_titles=5, seed=1)[0]  # seeded


def test_adaptation_is_deterministic(tmp_path):
    cfg = AdaptConfig(steps=2, batch_size=4, max_length=12)
    a = adapt_encoder(GOOD[:8], tmp_path / "a", cfg, progress=False)
    b = adapt_encoder(GOOD[:8], tmp_path / "b", cfg, progress=False)
    wa, wb = load_file(str(tmp_path / "a" / "model.safetensors")), load_file(str(tmp_path / "b" / "model.safetensors"))
    assert all(torch.equal(wa[k], wb[k]) for k in wa)
    assert a["loss_first"] == b["loss_first"] and a["mlm_head"].startswith("fresh")


def test_train_adapt_changes_the_encoder_and_records_it_in_the_card(tmp_path):
    home = home_with_listings(tmp_path / "home")
    data = tmp_path / "labelled.jsonl"
    tiny_frame().drop(columns="description").to_json(data, orient="records", lines=True)
    r = run_cli("train", "--adapt", "--adapt-steps", "2", "--data", str(data), "--epochs", "1", "--batch-size", "8",
                "--max-length", "16", "--no-real-titles", "--home", str(home.root), "--json", str(tmp_path / "t.json"))
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "t.json").read_text())
    path = resolve_model_dir(home)
    card = json.loads((path / "model_card.json").read_text())
    a = card["adaptation"]
    assert summary["adaptation"] == a
    assert (a["titles"], a["distinct_titles_in_warehouse"], a["steps"], a["path"]) == (20, 20, 2, ADAPTED_DIR)
    assert a["config"]["mlm_probability"] == 0.15 and a["config"]["max_length"] == 16 and a["config"]["seed"] == 13
    assert "fresh" in a["mlm_head"] and "cls.predictions.transform.dense.weight" in a["fresh_head_weights"]
    assert "MLM adaptation on 20 warehouse titles, 2 steps" in card["base_model"]
    assert "Adapted before fine-tuning" in (path / "MODEL_CARD.md").read_text()
    # the adapted encoder differs from the package's in the trained layers, keeps its pooler and frozen embeddings
    base = load_file(str(base_model_path() / "model.safetensors"))
    adapted = load_file(str(path / ADAPTED_DIR / "model.safetensors"))
    key = next(k for k in adapted if k.endswith("encoder.layer.0.attention.self.query.weight"))
    assert not torch.equal(adapted[key], base[key.removeprefix("bert.")])
    assert torch.equal(adapted[next(k for k in adapted if k.endswith("pooler.dense.weight"))], base["pooler.dense.weight"])
    assert torch.equal(adapted[next(k for k in adapted if k.endswith("word_embeddings.weight"))],
                       base["embeddings.word_embeddings.weight"])
    assert not list(home.models.glob(".adapt-*"))  # the working copy moved into the model folder
    assert ListingModel.load(path).predict(GOOD[:2])["low_quality"].shape == (2,)


@pytest.mark.parametrize("args", [["--adapt", "--adapt-steps", "0"], ["--adapt", "--adapt-steps", "-3"],
                                  ["--adapt", "--adapt-titles", "0"], ["--adapt-steps", "5"]])
def test_bad_adapt_values_are_usage_errors(tmp_path, args):
    r = run_cli("train", *args, "--no-real-titles", "--home", str(tmp_path / "home"))
    assert r.exit_code == 2, r.output
    assert "--adapt" in r.output
    assert not (tmp_path / "home" / "models").exists() or not list((tmp_path / "home" / "models").iterdir())


def test_adapt_without_listings_says_what_to_do(tmp_path):
    data = tmp_path / "labelled.jsonl"
    tiny_frame().drop(columns="description").to_json(data, orient="records", lines=True)
    r = run_cli("train", "--adapt", "--data", str(data), "--no-real-titles", "--home", str(tmp_path / "empty"))
    assert r.exit_code == 3, r.output
    assert "no warehouse" in r.output and "shopgov ingest products" in r.output.replace("\n", " ")
