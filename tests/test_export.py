"""Behaviour exports: pseudonymous ids, k-anonymity refusal with groups counted, Laplace-noised counts."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from governance import encryption
from governance.errors import UsageError
from governance.export import KAnonymityError, export_behaviour, laplace_counts
from governance.privacy import pseudonymize
from governance.warehouse import atomic_write, ensure_warehouse

# (country, number of users, events per user); every product of a country has one seller city
GROUPS = {"CN": 6, "US": 5, "DE": 2}


def _fill(home) -> None:
    ensure_warehouse(home)
    with atomic_write(home, home.warehouse) as con:
        for country, users in GROUPS.items():
            con.execute("INSERT INTO sellers (seller_id, name, country, city) VALUES (?, ?, ?, ?)",
                        [f"S-{country}", f"seller {country}", country, f"city-{country}"])
            con.execute("INSERT INTO products (product_id, seller_id, title, category_path, country) "
                        "VALUES (?, ?, ?, ?, ?)", [f"P-{country}", f"S-{country}", "thing", "Home > Kitchen", country])
            for u in range(users):
                for n in range(3):
                    con.execute(
                        "INSERT INTO events (event_id, user_id, session_id, event_type, item_id, query, ts, device, "
                        "order_id, event_date) VALUES (?, ?, ?, ?, ?, ?, TIMESTAMP '2025-01-02 10:00:00', "
                        "'app-ios', ?, DATE '2025-01-02')",
                        [f"e-{country}-{u}-{n}", f"user-{country}-{u}", f"sess-{country}-{u}", ["view", "click", "cart"][n],
                         f"P-{country}", "call me on 13812345678", f"order-{country}-{u}"])


@pytest.fixture
def filled(home):
    _fill(home)
    return home


def test_rows_export_pseudonymises_ids_and_drops_free_text(filled, tmp_path):
    out = tmp_path / "out" / "behaviour.csv"
    res = export_behaviour(filled, out, quasi=["device"], k=5)
    text = out.read_text()
    assert "user-CN-0" not in text and "sess-CN-0" not in text and "13812345678" not in text and "order-" not in text
    df = pd.read_csv(out)
    assert set(df["user"]) == {pseudonymize(f"user-{c}-{u}", prefix="u_") for c, n in GROUPS.items() for u in range(n)}
    assert len(df) == 3 * sum(GROUPS.values())
    meta = json.loads(res.meta_path.read_text())
    assert meta["k_anonymity"] == {"k": 5, "groups": 1, "smallest_group_users": 13,
                                   "unit": "distinct users (a row without a user is its own person)"}
    assert meta["noise"] is None and set(meta["pseudonymised"]) == {"user", "session"}


def test_export_below_k_is_refused_with_offending_groups_counted(filled, tmp_path):
    out = tmp_path / "b.jsonl"
    with pytest.raises(KAnonymityError, match=r"1 of 3 groups have fewer than 5 users \(6 rows\)") as e:
        export_behaviour(filled, out, quasi=["country", "device"], k=5)
    assert (e.value.offending, e.value.groups) == (1, 3)
    with pytest.raises(KAnonymityError, match="2 of 3 groups have fewer than 6 users"):
        export_behaviour(filled, out, quasi=["city"], k=6)
    assert not out.exists()
    export_behaviour(filled, out, quasi=["country", "device"], k=2)  # DE has exactly 2 users
    assert out.exists()


def test_epsilon_noises_counts_and_records_it(filled, tmp_path):
    out = tmp_path / "counts.parquet"
    res = export_behaviour(filled, out, quasi=["country"], k=2, epsilon=0.5, rng=np.random.default_rng(7))
    df = pd.read_parquet(out)
    assert list(df.columns) == ["country", "event_type", "events"] and len(df) == 9
    assert (df["events"] >= 0).all() and df["events"].dtype == "int64"
    meta = json.loads(res.meta_path.read_text())
    assert meta["mode"] == "counts"
    assert meta["noise"] == {"mechanism": "laplace", "epsilon": 0.5, "sensitivity": 1, "scale": 2.0,
                             "unit": "event", "post_processing": "rounded, clipped at 0"}
    exact = export_behaviour(filled, tmp_path / "exact.csv", quasi=["country"], k=2, counts=True)
    assert exact.meta["noise"] is None
    assert sorted(pd.read_csv(tmp_path / "exact.csv")["events"]) == sorted([n for n in GROUPS.values() for _ in range(3)])


def test_laplace_noise_has_the_declared_scale():
    true = pd.Series(np.full(20_000, 1000))
    noisy = laplace_counts(true, epsilon=0.5, rng=np.random.default_rng(1))
    err = (noisy - true).to_numpy()
    assert abs(np.abs(err).mean() - 2.0) < 0.1  # E|Laplace(b)| = b = 1/epsilon
    assert abs(err.mean()) < 0.1


@pytest.mark.parametrize("kwargs, message", [
    ({"epsilon": 0.0}, "--epsilon must be a positive"),
    ({"epsilon": float("nan")}, "--epsilon must be a positive"),
    ({"k": 0}, "--k must be at least 1"),
])
def test_bad_parameters_are_usage_errors(filled, tmp_path, kwargs, message):
    with pytest.raises(UsageError, match=message):
        export_behaviour(filled, tmp_path / "x.csv", quasi=["device"], **kwargs)
    assert not (tmp_path / "x.csv").exists()


def test_export_from_an_encrypted_home(home, tmp_path, monkeypatch):
    monkeypatch.setenv(encryption.KEY_ENV, "export test key")
    encryption.enable(home.root)
    _fill(home)
    res = export_behaviour(home, tmp_path / "e.csv", quasi=["device"], k=5)
    assert res.meta["rows"] == 3 * sum(GROUPS.values())


def test_cli_refuses_below_k_with_exit_2_and_validates_output_first(filled, tmp_path):
    def cli(*args):
        r = subprocess.run([sys.executable, "-m", "dashboard.cli", "export", "behaviour", "--home",
                            str(filled.root), *args], capture_output=True, text=True, timeout=120)
        r.stderr = " ".join(r.stderr.split())  # rich wraps long lines
        return r

    r = cli("--output", str(tmp_path / "x.csv"), "--quasi", "country,device")
    assert r.returncode == 2 and "1 of 3 groups have fewer than 5 users" in r.stderr, r.stderr
    r = cli("--output", str(tmp_path / "x.txt"))
    assert r.returncode == 2 and "unknown output type" in r.stderr
    r = cli("--output", str(tmp_path / "x.csv"), "--quasi", "user")
    assert r.returncode == 2 and "unknown column(s) 'user'" in r.stderr
    r = cli("--output", str(tmp_path / "ok.jsonl"), "--quasi", "device", "--epsilon", "1", "--json", "-")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["noise"]["epsilon"] == 1.0
    assert (tmp_path / "ok.jsonl.meta.json").exists()
