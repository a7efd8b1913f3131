"""Listing-quality model: a real (tiny) BERT fine-tune, save/load, scoring contract, CLI errors.

One small model is fine-tuned once per module on a few dozen hand-written titles; the tests
then score files and a warehouse with it through the library and the ``shopgov`` CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from assess.listing.data import load_labelled
from assess.listing.model import ListingModel
from assess.listing.rules import heuristic_raw, rule_reasons
from assess.listing.score import OUTPUT_COLUMNS, score_frame
from assess.listing.train import (
    TrainConfig,
    _mean_loss,
    fine_tune,
    resolve_model_dir,
    train,
    write_latest,
)
from dashboard.cli import build_app
from governance.paths import get_home

GOOD = [
    "Hanes Men's Crew Neck Cotton T-Shirt, Black, Large",
    "KitchenAid 5 Quart Tilt-Head Stand Mixer, Empire Red",
    "Lodge 10.25 Inch Cast Iron Skillet",
    "Samsung 55-Inch Class 4K UHD Smart TV",
    "Purina ONE Chicken and Rice Dry Dog Food, 16.5 lb Bag",
    "DEWALT 20V MAX Cordless Drill with Battery and Charger",
    "Coleman Sundome 4-Person Camping Tent with Rainfly",
    "Pilot G2 Gel Pens, Fine Point, Black Ink, 12 Count",
    "CeraVe Moisturizing Cream for Dry Skin, 16 oz",
    "LEGO Classic Creative Bricks Building Set, 484 Pieces",
    "Graco Lightweight Baby Stroller with Canopy, Gray",
    "Bosch Ceramic Front Brake Pads for 2015-2020 Ford F-150",
    "Mainstays 5-Shelf Wood Bookcase, Espresso",
    "Fossil Women's Stainless Steel Analog Watch, Rose Gold",
    "Apple AirPods Pro 2",
    "Stanley 25 ft Tape Measure",
    "Utopia Bedding Queen Microfiber Sheet Set, White",
    "Miracle-Gro All Purpose Potting Mix, 8 qt",
    "Nike Women's Revolution 6 Running Shoes, Size 8",
    "Folgers Classic Roast Ground Coffee, 25.9 oz",
]
NOT_CONCISE = [
    "Dog Bed Pet Bed for Large Dogs Dog Sofa Bed Washable Pet Couch Cat Bed Dog Mattress",
    "Wireless Earbuds Bluetooth Headphones Earphones In Ear Earbud Sports Headset for Men Women Kids",
    "Hot Sale 2024 New Women Handbag Shoulder Bag Tote Bag Purse Best Gift Free Shipping",
    "Phone Case for iPhone 15 14 13 12 11 Pro Max Mini Plus Shockproof Cover Case Phone Cover",
    "Yoga Mat Exercise Mat Fitness Mat Workout Mat Gym Mat for Home Gym Pilates Yoga",
    "Water Bottle Sports Bottle Insulated Bottle for Gym Travel School Office Camping Hiking",
    "Kitchen Knife Set Knife Block Set Chef Knife Kitchen Knives Cutlery Set Knives",
    "Toys for Boys Girls Kids Toddlers Birthday Christmas Gifts Educational Toys STEM Toys",
    "Solar Lights Outdoor Garden Lights Solar Pathway Lights for Yard Patio Lawn Walkway",
    "Necklace for Women Gift for Mom Wife Girlfriend Birthday Christmas Valentine Jewelry Gift",
    "Running Shoes Sneakers Walking Shoes Tennis Shoes Athletic Shoes Gym Shoes Trainers",
    "Office Chair Desk Chair Computer Chair Gaming Chair Task Chair Swivel Chair",
    "Throw Pillow Covers Pillow Cases Cushion Covers for Couch Sofa Bed Living Room Bedroom",
    "Bath Towels Towel Set Towels for Bathroom Hotel Gym Spa Beach Pool Quick Dry Towels",
]
NOT_CLEAR = ["Nice item", "Great product for you", "XR-2210 V2 Black", "Best Gift Free Shipping Hot Sale",
             "Soft Comfortable Black Large", "Lot of 3"]


def tiny_frame() -> pd.DataFrame:
    rows = [(t, 1, 1) for t in GOOD] + [(t, 1, 0) for t in NOT_CONCISE] + [(t, 0, 0) for t in NOT_CLEAR]
    return pd.DataFrame(rows, columns=["title", "clarity", "conciseness"]).assign(description=None)


TINY = TrainConfig(epochs=3, batch_size=8, lr=2e-4, max_length=32, evals_per_epoch=1, patience=4,
                   warmup_fraction=0.0, real_titles=False, val_fraction=0.2, threads=1)


@pytest.fixture(scope="module", autouse=True)
def one_thread(one_torch_thread):
    """One torch thread for the module (tests/conftest.py)."""
    yield


@pytest.fixture(scope="module")
def trained(tmp_path_factory, one_thread):
    """A home with one tiny fine-tuned model (trained once for the module)."""
    home = get_home(tmp_path_factory.mktemp("listing") / "home").ensure()
    card = train(home, tiny_frame(), TINY, progress=False, log=lambda m: None)
    return home, card


def run_cli(*args: str):
    return CliRunner().invoke(build_app(), list(args), catch_exceptions=False)


# ---- training --------------------------------------------------------------------------------
def test_tiny_fine_tune_decreases_the_loss():
    df = tiny_frame()
    model = ListingModel.from_base(max_length=24, seed=5)
    ids = model.encode(df["title"].tolist())
    y = df[["clarity", "conciseness"]].to_numpy().astype(np.float32)
    before, _ = _mean_loss(model, ids, y)
    hist = fine_tune(model, ids, y, cfg=TrainConfig(epochs=3, batch_size=8, lr=2e-4, warmup_fraction=0.0, seed=5),
                     progress=False)
    after, _ = _mean_loss(model, ids, y)
    assert after < before * 0.8, (before, after)
    assert np.mean(hist["train_loss"][-3:]) < np.mean(hist["train_loss"][:3])


def test_training_saves_model_card_and_latest_pointer(trained):
    home, card = trained
    path = resolve_model_dir(home)
    assert path.name == card["model_version"]
    assert (home.models / "latest").read_text().strip() == path.name
    for f in ("model.safetensors", "listing_config.json", "model_card.json", "MODEL_CARD.md", "activation_bounds.json"):
        assert (path / f).exists(), f
    saved = json.loads((path / "model_card.json").read_text())
    assert len(saved["data"]["sha256"]) == 64
    assert saved["data"]["rows"] == len(tiny_frame())
    metrics = saved["metrics_validation"]
    assert {"model", "prior", "tfidf_logreg", "heuristic"} <= set(metrics)
    for name in metrics:
        assert {"roc_auc", "pr_auc", "f1", "rmse"} <= set(metrics[name]["low_quality"])
    assert set(saved["robustness"]) >= {"case", "typo", "reorder"}
    assert all(0 < t < 20 for t in saved["calibration"]["temperature"].values())
    assert "ROC-AUC" in (path / "MODEL_CARD.md").read_text()


# ---- save / load / determinism ------------------------------------------------------------------
def test_save_load_round_trip_gives_identical_outputs(trained, tmp_path):
    home, _ = trained
    model = ListingModel.load(resolve_model_dir(home))
    titles = GOOD[:5] + NOT_CONCISE[:5]
    before = model.logits(titles)
    model.save(tmp_path / "copy")
    again = ListingModel.load(tmp_path / "copy")
    np.testing.assert_array_equal(before, again.logits(titles))
    assert again.config.threshold == model.config.threshold
    assert again.config.temperature == model.config.temperature


def test_scoring_is_deterministic_and_order_independent(trained):
    home, _ = trained
    fast = ListingModel.load(resolve_model_dir(home), fast=True)
    df = pd.DataFrame({"title": GOOD + NOT_CONCISE + NOT_CLEAR})
    a = score_frame(fast, df, progress=False)
    b = score_frame(fast, df, progress=False)
    pd.testing.assert_frame_equal(a, b)
    rev = score_frame(fast, df.iloc[::-1], progress=False, explain=False).loc[df.index]
    np.testing.assert_allclose(rev["low_quality_score"], a["low_quality_score"], atol=1e-5)
    assert a["low_quality_score"].between(0, 1).all()
    np.testing.assert_allclose(a["low_quality_score"], 1 - a["clarity_score"] * a["conciseness_score"], atol=1e-5)


def test_fast_path_agrees_with_fp32(trained):
    home, _ = trained
    path = resolve_model_dir(home)
    titles = GOOD + NOT_CONCISE + NOT_CLEAR
    fp32 = ListingModel.load(path).predict(titles)["low_quality"]
    fast = ListingModel.load(path, fast=True)
    int8 = fast.predict(titles)["low_quality"]
    thr = fast.config.threshold
    # the shipped scorer is the int8 path: its flags must be the fp32 model's (a plain fixed int8
    # range once moved scores by up to 0.96 and flipped one flag in five)
    assert np.abs(fp32 - int8).mean() < 0.02, np.abs(fp32 - int8).mean()
    assert np.abs(fp32 - int8).max() < 0.1, np.abs(fp32 - int8).max()
    assert ((fp32 >= thr) == (int8 >= thr)).mean() >= 0.95


def test_fast_load_keeps_its_calibration_beside_the_weights(trained):
    """The int8 ranges are computed once per saved model: a later load reads them and scores the same."""
    home, _ = trained
    path = resolve_model_dir(home)
    titles = GOOD + NOT_CLEAR
    cache = path / "activation_bounds.json"
    cache.unlink(missing_ok=True)
    fresh = ListingModel.load(path, fast=True).predict(titles)["low_quality"]  # calibrated now
    assert cache.exists()
    assert np.array_equal(ListingModel.load(path, fast=True).predict(titles)["low_quality"], fresh)
    stored = json.loads(cache.read_text())
    stored["bounds"] = {k: [1e-3] * len(v) for k, v in stored["bounds"].items()}  # cached ranges are really used ...
    cache.write_text(json.dumps(stored))
    assert not np.allclose(ListingModel.load(path, fast=True).predict(titles)["low_quality"], fresh)
    (path / "model.safetensors").touch()  # ... until the weights change
    assert np.array_equal(ListingModel.load(path, fast=True).predict(titles)["low_quality"], fresh)


def test_a_listing_score_does_not_depend_on_its_batch(trained):
    """Scored alone, among short titles, or among long noisy ones: the same score (int8 and fp32)."""
    home, _ = trained
    path = resolve_model_dir(home)
    probe = GOOD[:4] + NOT_CONCISE[:3] + NOT_CLEAR[:3]
    noisy = [" ".join(NOT_CONCISE) + " 9999999 ZZZZZZ !!!!", "X", "!!!! $$$$ 00000000 #### ¥¥¥¥ " * 4]
    for fast in (True, False):
        model = ListingModel.load(path, fast=fast)
        alone = np.array([model.predict([t])["low_quality"][0] for t in probe])
        together = model.predict(probe)["low_quality"]
        crowd = model.predict(noisy + probe + GOOD + NOT_CONCISE, batch_size=64)["low_quality"][len(noisy):][:len(probe)]
        small_batches = model.predict(probe + noisy, batch_size=3)["low_quality"][:len(probe)]
        for other in (together, crowd, small_batches):
            np.testing.assert_allclose(other, alone, atol=1e-3, err_msg=f"fast={fast}")
        df = pd.DataFrame({"title": probe})
        wide = pd.DataFrame({"title": noisy * 5 + probe})
        a = score_frame(model, df, progress=False, explain=False)["low_quality_score"].to_numpy()
        b = score_frame(model, wide, progress=False, explain=False, batch_size=16)["low_quality_score"].to_numpy()
        np.testing.assert_allclose(b[-len(probe):], a, atol=1e-3)


# ---- reasons -------------------------------------------------------------------------------------
def test_rule_reasons_and_heuristic():
    codes = lambda t, d=None: {r["code"] for r in rule_reasons(t, d)}  # noqa: E731
    assert "REPEATED_WORDS" in codes("Dog Bed Pet Bed Dog Sofa Bed for Dogs")
    assert "ALL_CAPS" in codes("STAINLESS STEEL FRYING PAN NONSTICK SKILLET")
    assert "TOO_SHORT" in codes("Nice")
    assert "SPAM_TERMS" in codes("Hot Sale Free Shipping Women Handbag")
    assert "MISSING_PRODUCT_TYPE" in codes("Great product for you")
    assert "HTML" in codes("Cotton T-Shirt", "<p>Soft</p>")
    contact = rule_reasons("Cotton T-Shirt call 138 1234 5678", "mail me: seller@example.com")
    assert {"CONTACT_DETAILS"} <= {r["code"] for r in contact}
    text = json.dumps(contact)
    assert "5678" not in text and "seller@example.com" not in text
    # a repeated e-mail address is not quoted word by word as "keyword stuffing"
    stuffed = rule_reasons("Dog Bed jane.roe@example.org Dog Bed jane.roe@example.org")
    shown = " ".join(r["message"] for r in stuffed if r["code"] == "REPEATED_WORDS")
    assert "'dog'" in shown and not any(w in shown for w in ("jane", "roe", "example"))
    assert not codes("Lodge 10.25 Inch Cast Iron Skillet")
    assert heuristic_raw(NOT_CONCISE[0]) > heuristic_raw(GOOD[0])


def test_flagged_rows_carry_reasons_and_top_tokens(trained):
    home, _ = trained
    fast = ListingModel.load(resolve_model_dir(home), fast=True)
    df = pd.DataFrame({"title": GOOD + NOT_CONCISE + NOT_CLEAR})
    out = score_frame(fast, df, progress=False)
    assert out["flagged"].any()
    for _, row in out[out["flagged"]].iterrows():
        codes = {r["code"] for r in row["reasons"]}
        assert codes & {"MODEL_LOW_CLARITY", "MODEL_LOW_CONCISENESS"}, row
        assert all(r["message"] for r in row["reasons"])
    tokens = [t for ts in out.loc[out["flagged"], "top_tokens"] for t in ts]
    assert tokens and all(t["weight"] > 0 for t in tokens)
    assert (out.loc[~out["flagged"], "top_tokens"].map(len) == 0).all()  # attributions only for flags


# ---- CLI: flag --input/--output ------------------------------------------------------------------
def test_flag_input_output_contract_via_cli(trained, tmp_path):
    home, _ = trained
    src = tmp_path / "listings.csv"
    pd.DataFrame({"sku": [f"s{i}" for i in range(len(GOOD + NOT_CONCISE))], "title": GOOD + NOT_CONCISE,
                  "description": ["<b>bold</b>"] + [""] * (len(GOOD + NOT_CONCISE) - 1)}).to_csv(src, index=False)
    out = tmp_path / "scored.csv"
    r = subprocess.run([sys.executable, "-m", "dashboard.cli", "flag", "--input", str(src), "--output", str(out),
                        "--home", str(home.root), "--json", "-"], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    scored = pd.read_csv(out)
    assert list(scored.columns) == ["sku", "title", "description", *OUTPUT_COLUMNS]
    assert len(scored) == len(GOOD + NOT_CONCISE) == summary["n_scored"]
    assert scored["low_quality_score"].between(0, 1).all()
    thr = summary["threshold"]
    assert (scored["flagged"] == (scored["low_quality_score"] >= thr)).all()
    reasons = scored["reasons"].map(json.loads)
    assert all(isinstance(r, list) for r in reasons)
    assert all(r for r, f in zip(reasons, scored["flagged"], strict=True) if f)
    assert "HTML" in {x["code"] for x in reasons.iloc[0]}

    jl = tmp_path / "scored.jsonl"
    res = run_cli("flag", "--input", str(src), "--output", str(jl), "--home", str(home.root), "--no-explain")
    assert res.exit_code == 0, res.output
    rows = pd.read_json(jl, lines=True)
    assert isinstance(rows["reasons"].iloc[0], list) and len(rows) == len(scored)


def test_flag_errors_name_the_file_and_column(trained, tmp_path):
    home, _ = trained
    no_title = tmp_path / "no_title.csv"
    pd.DataFrame({"name": ["Lodge Skillet"], "price": [20]}).to_csv(no_title, index=False)
    r = run_cli("flag", "--input", str(no_title), "--output", str(tmp_path / "o.csv"), "--home", str(home.root))
    assert r.exit_code == 3
    assert "no_title.csv" in r.output and "'title'" in r.output

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    r = run_cli("flag", "--input", str(empty), "--output", str(tmp_path / "o.csv"), "--home", str(home.root))
    assert r.exit_code == 3
    assert "empty.csv" in r.output and "empty" in r.output

    header_only = tmp_path / "header.csv"
    header_only.write_text("title,description\n")
    r = run_cli("flag", "--input", str(header_only), "--output", str(tmp_path / "o.csv"), "--home", str(home.root))
    assert r.exit_code == 3 and "header.csv" in r.output
    assert not (tmp_path / "o.csv").exists()

    r = run_cli("flag", "--input", str(no_title), "--home", str(home.root))
    assert r.exit_code == 2


def test_commands_without_a_model_say_how_to_train(tmp_path):
    empty_home = tmp_path / "nomodel"
    src = tmp_path / "in.csv"
    pd.DataFrame({"title": GOOD[:2]}).to_csv(src, index=False)
    r = run_cli("flag", "--input", str(src), "--output", str(tmp_path / "o.csv"), "--home", str(empty_home))
    assert r.exit_code == 3
    assert "no trained model" in r.output and "shopgov train" in r.output


def test_train_if_missing_skips_when_a_model_exists(trained, tmp_path):
    home, card = trained
    before = sorted(p.name for p in home.models.iterdir())
    r = run_cli("train", "--if-missing", "--home", str(home.root), "--json", str(tmp_path / "t.json"))
    assert r.exit_code == 0, r.output
    assert str(resolve_model_dir(home)) in r.output.replace("\n", "")
    assert json.loads((tmp_path / "t.json").read_text())["trained"] is False
    assert sorted(p.name for p in home.models.iterdir()) == before


def test_train_if_missing_trains_when_none_exists(tmp_path):
    data = tmp_path / "labelled.jsonl"
    tiny_frame().drop(columns="description").to_json(data, orient="records", lines=True)
    home = tmp_path / "fresh"
    args = ["train", "--if-missing", "--data", str(data), "--epochs", "1", "--batch-size", "8",
            "--max-length", "24", "--no-real-titles", "--home", str(home), "--json", str(tmp_path / "t.json")]
    r = run_cli(*args)
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "t.json").read_text())
    assert summary["trained"] is True
    assert resolve_model_dir(get_home(home)).name == summary["model_version"]


# ---- labelled data formats ---------------------------------------------------------------------------
def test_load_labelled_formats_and_errors(tmp_path):
    single = tmp_path / "single.csv"
    pd.DataFrame({"title": ["Lodge Skillet", "Nice item"], "label": [1, 0]}).to_csv(single, index=False)
    df = load_labelled(single)
    assert df["clarity"].tolist() == [1, 0] and df["conciseness"].tolist() == [1, 0]

    folder = tmp_path / "cikm"
    folder.mkdir()
    (folder / "data_train.csv").write_text(
        'my,SKU1,"Apple iPhone 15 Case",Mobiles,Cases,Phone Cases,"<ul><li>slim</li></ul>",9.9,local\n'
        'sg,SKU2,"Hot Sale Case Cover Case Phone Case",Mobiles,Cases,Phone Cases,,5.0,international\n')
    (folder / "clarity_train.labels").write_text("1\n1\n")
    (folder / "conciseness_train.labels").write_text("1\n0\n")
    df = load_labelled(folder / "data_train.csv")
    assert df["title"].tolist() == ["Apple iPhone 15 Case", "Hot Sale Case Cover Case Phone Case"]
    assert df["conciseness"].tolist() == [1, 0] and df["source"].iloc[0] == "cikm2017:my"
    assert len(load_labelled(folder)) == 2

    bad = tmp_path / "bad.csv"
    pd.DataFrame({"title": ["a b c", "d e f"], "clarity": [1, 2], "conciseness": [1, 0]}).to_csv(bad, index=False)
    with pytest.raises(Exception, match=r"bad.csv.*row 3.*clarity"):
        load_labelled(bad)


def test_train_data_bad_file_is_a_usage_error_naming_file_row_and_column(tmp_path):
    """`shopgov train --data FILE`: a team's labelled file with a bad row stops before any training (exit 2)."""
    home = tmp_path / "h"
    bad = tmp_path / "team_labels.csv"
    pd.DataFrame({"title": ["Lodge Skillet", "Nice item", "Dog Bed Pet Bed"], "clarity": [1, 0, 1],
                  "conciseness": [1, 0, "yes"]}).to_csv(bad, index=False)
    r = run_cli("train", "--data", str(bad), "--no-real-titles", "--home", str(home))
    assert r.exit_code == 2, r.output
    assert "--data" in r.output and "team_labels.csv" in r.output and "row 4" in r.output
    assert "'conciseness'" in r.output and "'yes'" in r.output and "Traceback" not in r.output

    unlabelled = tmp_path / "titles.jsonl"
    pd.DataFrame({"title": ["Lodge Skillet"]}).to_json(unlabelled, orient="records", lines=True)
    r = run_cli("train", "--extra-data", str(unlabelled), "--no-real-titles", "--home", str(home))
    assert r.exit_code == 2 and "titles.jsonl" in r.output and "'clarity'" in r.output
    r = run_cli("train", "--data", str(tmp_path / "missing.csv"), "--home", str(home))
    assert r.exit_code == 2 and "missing.csv" in r.output
    assert not (home / "models").exists()


# ---- warehouse scoring ----------------------------------------------------------------------------------
def test_flag_scores_the_warehouse_into_results(trained):
    from governance.warehouse import atomic_write, ensure_warehouse

    home, card = trained
    ensure_warehouse(home)
    titles = GOOD[:6] + NOT_CONCISE[:4] + ["Cotton T-Shirt, call 138 1234 5678", None]
    with atomic_write(home, home.warehouse) as con:
        for i, t in enumerate(titles):
            con.execute("INSERT INTO products (product_id, sku, seller_id, title, category_id) VALUES (?, ?, ?, ?, ?)",
                        [f"p{i}", f"sku{i}", f"s{i % 3}", t, "c1"])
    for _ in range(2):  # the latest run replaces the previous rows
        r = run_cli("flag", "--home", str(home.root), "--batch-size", "4", "--json", "-")
        assert r.exit_code == 0, r.output
    con = duckdb.connect(str(home.results), read_only=True)
    try:
        cols = [c[0] for c in con.execute("DESCRIBE listing_scores").fetchall()]
        assert cols == ["run_id", "product_id", "seller_id", "sku", "category_id", "title", "model_version",
                        "low_quality_score", "clarity_score", "conciseness_score", "flagged", "reasons",
                        "top_tokens", "scored_at", "input_hash", "language"]
        runs = con.execute("SELECT run_id, model_version, n_scored, n_flagged, threshold FROM listing_runs "
                           "ORDER BY scored_at, run_id").fetchall()
        scores = con.execute("SELECT * FROM listing_scores").df()
    finally:
        con.close()
    assert len(runs) == 2 and runs[-1][2] == len(titles) and runs[-1][1] == card["model_version"]
    assert len(scores) == len(titles) and set(scores["run_id"]) == {runs[-1][0]}
    assert int(scores["flagged"].sum()) == runs[-1][3]
    phone = scores.loc[scores["product_id"] == "p10"].iloc[0]
    assert "5678" not in phone["title"] and "5678" not in phone["reasons"]
    assert "CONTACT_DETAILS" in phone["reasons"]
    missing = scores.loc[scores["product_id"] == "p11"].iloc[0]
    assert bool(missing["flagged"]) and "MISSING_TITLE" in missing["reasons"]


# ---- nightly incremental scoring, on-demand explanations, language routing -----------------------------
def _warehouse_with(home, rows):
    from governance.warehouse import atomic_write, ensure_warehouse

    ensure_warehouse(home)
    with atomic_write(home, home.warehouse) as con:
        con.execute("DELETE FROM products")
        for pid, title, desc in rows:
            con.execute("INSERT INTO products (product_id, sku, seller_id, title, description, category_id) "
                        "VALUES (?, ?, 's1', ?, ?, 'c1')", [pid, f"sku-{pid}", title, desc])


def _stored(home) -> pd.DataFrame:
    con = duckdb.connect(str(home.results), read_only=True)
    try:
        return con.execute("SELECT * FROM listing_scores ORDER BY product_id").df().set_index("product_id")
    finally:
        con.close()


def test_listings_sharing_a_product_id_are_scored_each_with_its_own_title(trained, tmp_path):
    """Duplicate product ids are a defect the checks report (the bundled sample has 200); the
    nightly scoring must still score each listing with its own text (`make demo` failed here)."""
    from assess.listing.score import explain_listings, score_warehouse

    home = get_home(tmp_path / "dup").ensure()
    model = ListingModel.load(resolve_model_dir(trained[0]), fast=True)
    _warehouse_with(home, [("p1", GOOD[0], None), ("p1", NOT_CONCISE[0], None), ("p2", NOT_CLEAR[0], None)])
    summary = score_warehouse(home, model, explain=False, progress=False, log=lambda m: None)
    assert summary["n_scored"] == 3
    con = duckdb.connect(str(home.results), read_only=True)
    try:
        stored = con.execute("SELECT product_id, title, low_quality_score FROM listing_scores").fetchall()
    finally:
        con.close()
    assert sorted((p, t) for p, t, _ in stored) == sorted([("p1", GOOD[0]), ("p1", NOT_CONCISE[0]), ("p2", NOT_CLEAR[0])])
    expected = dict(zip([GOOD[0], NOT_CONCISE[0], NOT_CLEAR[0]],
                        model.predict([GOOD[0], NOT_CONCISE[0], NOT_CLEAR[0]])["low_quality"], strict=True))
    for _, title, score in stored:
        assert abs(score - expected[title]) < 1e-3, title
    explain_listings(home, model, top_n=3)  # on-demand explanations survive the duplicate too


def test_nightly_scoring_rescores_only_changed_listings(trained, tmp_path):
    import dataclasses

    from assess.listing.score import explain_listings, score_warehouse

    home = get_home(tmp_path / "nightly").ensure()
    model = ListingModel.load(resolve_model_dir(trained[0]), fast=True)
    titles = GOOD[:5] + NOT_CONCISE[:4] + NOT_CLEAR[:2]
    rows = [(f"p{i:02d}", t, None) for i, t in enumerate(titles)]
    _warehouse_with(home, rows)
    first = score_warehouse(home, model, progress=False, log=lambda m: None)
    assert (first["n_rescored"], first["n_reused"]) == (len(rows), 0)
    before = _stored(home)
    assert before["input_hash"].notna().all() and (before["top_tokens"].map(json.loads).map(len) == 0).all()

    again = score_warehouse(home, model, progress=False, log=lambda m: None)
    assert (again["n_rescored"], again["n_reused"]) == (0, len(rows))
    same = _stored(home)
    pd.testing.assert_series_equal(same["scored_at"], before["scored_at"])  # kept, not recomputed
    pd.testing.assert_series_equal(same["low_quality_score"], before["low_quality_score"])
    assert set(same["run_id"]) == {again["run_id"]}

    rows[1] = ("p01", NOT_CONCISE[5], None)  # title changed
    rows[2] = ("p02", rows[2][1], "<b>now with HTML</b>")  # description changed (rule reasons read it)
    rows.append(("p99", "Brand new listing: Lodge 12 Inch Cast Iron Skillet", None))
    _warehouse_with(home, rows)
    third = score_warehouse(home, model, progress=False, log=lambda m: None)
    assert (third["n_rescored"], third["n_reused"]) == (3, len(rows) - 3)
    after = _stored(home)
    changed = {"p01", "p02", "p99"}
    assert set(after.index[after["scored_at"] != after["scored_at"].min()]) == changed
    assert after.loc["p01", "title"] == NOT_CONCISE[5] and "HTML" in after.loc["p02", "reasons"]
    unchanged = sorted(set(after.index) - changed)
    pd.testing.assert_series_equal(after.loc[unchanged, "scored_at"], before.loc[unchanged, "scored_at"])

    other = ListingModel(model.net, model.tokenizer, dataclasses.replace(model.config, version="other-version"),
                         quantized=True)
    assert score_warehouse(home, other, progress=False, log=lambda m: None)["n_rescored"] == len(rows)

    # explanations on demand: the worst flagged listings, stored with their rows
    flagged = _stored(home)
    flagged = flagged[flagged["flagged"]]
    assert len(flagged)
    done = explain_listings(home, other, top_n=2)
    assert 0 < done["explained"] <= 2
    stored = _stored(home)
    for pid in done["product_ids"]:
        assert all(t["weight"] > 0 for t in json.loads(stored.loc[pid, "top_tokens"]))


CHINESE = ["【新品】小米 Redmi Note 13 手机 8GB+256GB 黑色", "Apple iPhone 15 手机壳 黑色 防摔",
           "好", "加微信 138 1234 5678 纯棉T恤"]


def test_language_detection():
    from assess.listing.language import detect_language

    assert [detect_language(t) for t in CHINESE] == ["zh"] * 4
    assert detect_language("Lodge 10.25 Inch Cast Iron Skillet") == "en"
    assert detect_language("無印良品 ノート A5") == "ja"
    assert detect_language("삼성 갤럭시 S24 케이스") == "ko"
    assert detect_language("Чайник электрический 1.7 л") == "other"
    assert detect_language("XR-2210 9999") == "und" or detect_language("XR-2210 9999") == "en"
    assert detect_language("2210 / 9999") == "und" and detect_language(None) == "und"


def test_chinese_titles_get_no_english_verdict(trained):
    home, _ = trained
    model = ListingModel.load(resolve_model_dir(home), fast=True)
    df = pd.DataFrame({"title": CHINESE + NOT_CONCISE[:2], "description": [None, None, None, "<p>x</p>", None, None]})
    out = score_frame(model, df, progress=False)
    zh = out.iloc[: len(CHINESE)]
    assert (zh["language"] == "zh").all() and not zh["flagged"].any()
    assert zh[["low_quality_score", "clarity_score", "conciseness_score"]].isna().all().all()
    for reasons in zh["reasons"]:
        codes = [r["code"] for r in reasons]
        assert "UNSUPPORTED_LANGUAGE" in codes
        assert not set(codes) - {"UNSUPPORTED_LANGUAGE", "CONTACT_DETAILS", "HTML"}, codes
    assert "HTML" in {r["code"] for r in zh["reasons"].iloc[3]}
    assert (out["language"].iloc[len(CHINESE):] == "en").all()
    assert out["low_quality_score"].iloc[len(CHINESE):].notna().all()


def _standin_shared(root, also: str):
    """A stand-in for ../shared's Walmart folder (titles from this file): c, and d+e holding 9
    titles, one of which is ``also``; returns the folder to point ``$SHOPGOV_SHARED`` at."""
    folder = root / "data" / "walmart-products"
    folder.mkdir(parents=True)
    rows = ([("c", t, 1, 1) for t in GOOD[10:12]] + [("c", t, 1, 0) for t in NOT_CONCISE[10:12]]
            + [("d", t, 1, 1) for t in GOOD[14:17]] + [("d", t, 1, 0) for t in NOT_CONCISE[8:10]]
            + [("e", t, 1, 1) for t in [GOOD[17], also]] + [("e", t, 1, 0) for t in NOT_CONCISE[12:14]])
    ids = [f"w{i:03d}" for i in range(len(rows))]
    pd.DataFrame({"uniq_id": ids, "title": [r[1] for r in rows], "description": "", "brand": "", "sku": ""}).to_csv(
        folder / "walmart_products_free_dataset.csv", index=False)
    for f in "cde":
        pd.DataFrame([(i, r[2], r[3], "") for i, r in zip(ids, rows, strict=True) if r[0] == f],
                     columns=["uniq_id", "clarity", "conciseness", "reason"]).to_csv(folder / f"title_labels_{f}.csv",
                                                                                     index=False)
    return root


def test_label_feedback_round_trip(trained, tmp_path, monkeypatch):
    import dataclasses

    from assess.listing.labels import labels_frame, record_label, uncertain_flags
    from assess.listing.score import score_warehouse
    from governance.errors import UsageError

    home = get_home(tmp_path / "labels").ensure()
    model = ListingModel.load(resolve_model_dir(trained[0]), fast=True)
    _warehouse_with(home, [(f"p{i:02d}", t, None) for i, t in enumerate(GOOD[:6] + NOT_CONCISE[:6] + CHINESE[:1])])
    score_warehouse(home, model, progress=False, log=lambda m: None)
    queue = uncertain_flags(home, limit=20)
    assert len(queue) == 12 and "p12" not in set(queue["product_id"])  # the Chinese title has no score
    assert queue["margin"].is_monotonic_increasing
    first, second = queue["product_id"].iloc[0], queue["product_id"].iloc[1]
    stored_note = record_label(home, first, "reject", "alice", note="fine as is, ask ann.lee@example.com")["note"]
    assert "ann.lee@example.com" not in stored_note and stored_note.startswith("fine as is")
    stored = record_label(home, second, "relabel", "bob", clarity=0, conciseness=1)
    assert (stored["clarity"], stored["conciseness"]) == (0, 0)  # not clear implies not concise
    labels = labels_frame(home)
    assert set(labels["labelled_by"]) == {"alice", "bob"} and labels["labelled_at"].notna().all()
    assert labels.set_index("product_id").loc[first, ["clarity", "conciseness"]].tolist() == [1, 1]
    assert not {first, second} & set(uncertain_flags(home, limit=20)["product_id"])
    with pytest.raises(UsageError, match="verdict"):
        record_label(home, first, "maybe", "alice")
    with pytest.raises(UsageError, match="nope"):
        record_label(home, "nope", "reject", "alice")

    # the round trip through the CLI: fine-tune on the labels plus the data; the card reports before / after
    previous = resolve_model_dir(trained[0])
    (home.models / previous.name).symlink_to(previous, target_is_directory=True)
    write_latest(home.models, previous.name)  # the model the analysts labelled against
    data = tmp_path / "labelled.jsonl"
    tiny_frame().drop(columns="description").to_json(data, orient="records", lines=True)
    # with the real labelled titles present, both models are also measured on d+e, less any d+e
    # title the analysts labelled (it would be in-sample for the new model)
    monkeypatch.setenv("SHOPGOV_SHARED", str(_standin_shared(tmp_path / "shared", labels["title"].iloc[0])))
    r = run_cli("train", "--from-labels", "--data", str(data), "--epochs", "1", "--batch-size", "8",
                "--max-length", "24", "--home", str(home.root), "--json", str(tmp_path / "t.json"))
    assert r.exit_code == 0, r.output
    assert "flag accuracy on analyst labels: before" in r.output and previous.name in r.output
    assert "flag accuracy on real titles d+e: before" in r.output
    summary = json.loads((tmp_path / "t.json").read_text())
    assert "2 extra labelled titles (x3" in summary["data"]["source"]
    assert summary["data"]["train"] == len(tiny_frame()) - summary["data"]["validation"] + 6
    effect = summary["labels_before_after"]
    assert effect["before_model"] == previous.name and effect["labels"] == 2
    assert effect["report_left_out"] == 1
    for side in ("before", "after"):
        assert effect[side]["analyst_labels"]["n"] == 2 and 0 <= effect[side]["analyst_labels"]["flag_accuracy"] <= 1
        assert effect[side]["validation"]["n"] == summary["data"]["validation"]
        assert effect[side]["report_d_e"]["n"] == 8 and 0 <= effect[side]["report_d_e"]["flag_accuracy"] <= 1
    card_md = (resolve_model_dir(home) / "MODEL_CARD.md").read_text()
    assert "## Analysts' labels: before / after" in card_md and f"`{previous.name}`" in card_md
    assert "| analyst labels (2) | flag accuracy |" in card_md
    assert "| real titles d+e, trained on by neither (8) | flag accuracy |" in card_md
    assert "1 real d+e titles that the analysts also labelled are left out" in card_md

    cfg = dataclasses.replace(TINY, epochs=1)
    with pytest.raises(UsageError, match="no analyst labels"):
        train(get_home(tmp_path / "nolabels").ensure(), tiny_frame(), cfg, progress=False, log=lambda m: None,
              from_labels=True)


# ---- the calibrated stacker (model + title features) as the scorer ------------------------------------
def _home_with_model_copy(trained, path):
    """A home whose latest model links to the trained one's files (its own folder: a stacker of its own)."""
    src = resolve_model_dir(trained[0])
    home = get_home(path).ensure()
    dst = home.models / src.name
    dst.mkdir(parents=True)
    for f in src.iterdir():
        (dst / f.name).symlink_to(f)
    write_latest(home.models, src.name)
    return home, dst


def _fit_stacker(model_dir, c=0.5, model=None):
    from assess.listing.stack import Stacker, model_defects, targets_of

    df = tiny_frame()
    model = model or ListingModel.load(model_dir, fast=True)
    st = Stacker.fit(df["title"].tolist(), model_defects(model, df["title"].tolist()), targets_of(df), c=c)
    st.threshold, st.info = 0.5, {"source": "tiny", "n": len(df), "model_version": model.config.version}
    st.save(model_dir)
    return st, model


def test_flag_with_a_stacker_uses_it_and_explains_per_feature(trained, tmp_path):
    from assess.listing.score import load_model, score_warehouse
    from assess.listing.stack import Stacker, model_defects

    home, model_dir = _home_with_model_copy(trained, tmp_path / "stk")
    st, plain_model = _fit_stacker(model_dir)
    titles = GOOD[:3] + NOT_CONCISE[:3] + NOT_CLEAR[:2]
    _warehouse_with(home, [(f"p{i}", t, None) for i, t in enumerate(titles)])
    r = run_cli("flag", "--home", str(home.root), "--no-explain", "--json", str(tmp_path / "s.json"))
    assert r.exit_code == 0, r.output
    assert "scorer: stacker" in r.output
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["model_version"] == f"{plain_model.config.version}+stacker-{st.digest[:8]}"
    stored = _stored(home)
    expected = st.predict(titles, model_defects(plain_model, titles))["low_quality"]
    np.testing.assert_allclose(stored.loc[[f"p{i}" for i in range(len(titles))], "low_quality_score"], expected, atol=1e-5)
    flagged = stored[stored["flagged"]]
    assert len(flagged) and (flagged["low_quality_score"] >= st.threshold).all()
    for reasons in flagged["reasons"].map(json.loads):
        model_part = [x for x in reasons if x["code"].startswith("MODEL_")]
        assert model_part and all("factors" in x and "; why: " in x["message"] for x in model_part)
        for f in (f for x in model_part for f in x["factors"]):
            assert f["feature"] in Stacker.load(model_dir).features and f["contribution"] > 0 and f["label"]
    stuffed = json.loads(stored.loc["p3", "reasons"])  # "Dog Bed Pet Bed ... Dog ..." keeps its rule code too
    # the factor that quotes a repeated word never quotes a piece of personal data
    for head in ("not_clear", "not_concise"):
        labels = " ".join(f["label"] for f in st.factors("jane.roe@example.org jane.roe@example.org bed", head, 0.9))
        assert not any(w in labels for w in ("jane", "roe", "example")), labels
    assert "REPEATED_WORDS" in {x["code"] for x in stuffed}
    # the model alone is still available, and is a different scoring version (re-scores everything)
    alone = load_model(home, stacker=False)
    assert alone.scoring_version == plain_model.config.version
    assert score_warehouse(home, alone, progress=False, log=lambda m: None)["n_rescored"] == len(titles)


def test_scoring_version_changes_with_the_stacker(trained, tmp_path):
    from assess.listing.score import load_model, score_warehouse
    from assess.listing.stack import Stacker

    home, model_dir = _home_with_model_copy(trained, tmp_path / "ver")
    _fit_stacker(model_dir, c=0.5)
    _warehouse_with(home, [(f"p{i}", t, None) for i, t in enumerate(GOOD[:3] + NOT_CONCISE[:2])])
    first = load_model(home)
    assert score_warehouse(home, first, progress=False, log=lambda m: None)["n_rescored"] == 5
    assert score_warehouse(home, first, progress=False, log=lambda m: None)["n_reused"] == 5
    first_version = first.scoring_version
    _fit_stacker(model_dir, c=0.05, model=first)  # refitted: other coefficients, other digest
    second = first
    second.stacker = Stacker.load(model_dir, first.config.version)
    assert second.scoring_version != first_version
    assert score_warehouse(home, second, progress=False, log=lambda m: None)["n_rescored"] == 5


def test_a_broken_or_foreign_stacker_is_a_clear_error_and_none_means_the_model_alone(trained, tmp_path):
    home, model_dir = _home_with_model_copy(trained, tmp_path / "bad")
    r = run_cli("flag", "--input", str(_titles_csv(tmp_path)), "--output", str(tmp_path / "o.csv"), "--home", str(home.root))
    assert r.exit_code == 0 and "scorer: model alone" in r.output and "no stacker.json" in r.output
    (model_dir / "stacker.json").write_text("{not json", encoding="utf-8")
    r = run_cli("flag", "--input", str(_titles_csv(tmp_path)), "--output", str(tmp_path / "o.csv"), "--home", str(home.root))
    assert r.exit_code == 3 and "stacker.json" in r.output and "not readable JSON" in r.output
    assert "Traceback" not in r.output
    st, _ = _fit_stacker(model_dir)
    d = json.loads((model_dir / "stacker.json").read_text())
    d["heads"]["not_clear"]["coef"] = d["heads"]["not_clear"]["coef"][:3]
    (model_dir / "stacker.json").write_text(json.dumps(d), encoding="utf-8")
    r = run_cli("flag", "--input", str(_titles_csv(tmp_path)), "--output", str(tmp_path / "o.csv"), "--home", str(home.root))
    assert r.exit_code == 3 and "head 'not_clear'" in r.output
    st.info["model_version"] = "listing-someone-else"
    st.save(model_dir)
    r = run_cli("flag", "--input", str(_titles_csv(tmp_path)), "--output", str(tmp_path / "o.csv"), "--home", str(home.root))
    assert r.exit_code == 3 and "fitted for model listing-someone-else" in r.output


def _titles_csv(tmp_path):
    path = tmp_path / "titles.csv"
    pd.DataFrame({"title": GOOD[:2] + NOT_CONCISE[:2]}).to_csv(path, index=False)
    return path


def test_train_stack_fits_only_the_stacker_and_keeps_it_only_if_it_wins(trained, tmp_path):
    from assess.listing.stack import decide

    home, model_dir = _home_with_model_copy(trained, tmp_path / "fit")
    data = tmp_path / "team.csv"
    tiny_frame().to_csv(data, index=False)
    r = run_cli("train", "--stack", str(data), "--home", str(home.root), "--json", str(tmp_path / "r.json"))
    assert r.exit_code == 0, r.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["n"] == len(tiny_frame()) and "out-of-fold AUC" in report["decision"] or "too few" in report["decision"]
    assert (model_dir / "stacker.json").exists() == report["kept"]
    card = json.loads((model_dir / "model_card.json").read_text())
    assert card["stacker"]["decision"] == report["decision"] and card["scorer"].startswith(
        "stacker" if report["kept"] else "model alone")
    assert "## Scorer" in (model_dir / "MODEL_CARD.md").read_text()
    assert "active scorer:" in r.output
    assert run_cli("train", "--stack", str(data), "--data", str(data), "--home", str(home.root)).exit_code == 2
    # the keep rule (the protocol's): not worse on any judged head, better on one
    cv = lambda m, s, pos=20: {"model": m, "stacker": s, "positives": pos, "n": 100}  # noqa: E731
    assert decide({"not_concise": cv(0.8, 0.9), "not_clear": cv(0.6, 0.61)})[0]
    assert not decide({"not_concise": cv(0.8, 0.9), "not_clear": cv(0.6, 0.5)})[0]
    assert decide({"not_concise": cv(0.8, 0.9), "not_clear": cv(0.6, 0.1, pos=2)})[0]  # too few to judge: ignored
    assert not decide({"not_concise": cv(0.8, 0.9, pos=3)})[0]
