"""Encryption at rest: an encrypted home keeps no plaintext on disk, opens only with its key,
and runs the same end-to-end as a plain one."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from governance import encryption
from governance.encryption import EncryptionError
from governance.errors import UsageError
from governance.paths import get_home
from governance.warehouse import Reader, atomic_write, connect_read, ensure_warehouse

KEY = "correct horse battery staple"
SECRET = "zq-unmistakable-plaintext-7731"


def _load_secret(home) -> None:
    ensure_warehouse(home)
    with atomic_write(home, home.warehouse) as con:
        con.execute("SET force_compression = 'uncompressed'")  # plaintext as-is, unless encrypted
        con.execute("CREATE TABLE notes AS SELECT ? || range AS note FROM range(2000)", [SECRET])


@pytest.fixture
def encrypted_home(home, monkeypatch):
    monkeypatch.setenv(encryption.KEY_ENV, KEY)
    assert encryption.enable(home.root)
    _load_secret(home)
    return home


def test_plain_home_stores_plaintext_but_encrypted_home_does_not(home, encrypted_home, tmp_path, monkeypatch):
    plain = get_home(tmp_path / "plain").ensure()
    monkeypatch.delenv(encryption.KEY_ENV)
    _load_secret(plain)
    assert SECRET.encode() in plain.warehouse.read_bytes()  # the check below can see plaintext
    raw = encrypted_home.warehouse.read_bytes()
    assert SECRET.encode() not in raw and b"products" not in raw
    assert KEY not in encryption.marker_path(encrypted_home.root).read_text()  # the marker never holds the key


def test_every_opener_reads_an_encrypted_home(encrypted_home):
    con = connect_read(encrypted_home.warehouse)
    try:
        assert con.execute("SELECT count(*) FROM notes").fetchone()[0] == 2000
        assert con.execute("SELECT current_database()").fetchone()[0] == "warehouse"
    finally:
        con.close()
    reader = Reader(encrypted_home)
    assert reader.connection().execute("SELECT count(*) FROM wh.notes").fetchone()[0] == 2000
    reader.close()
    from governance import gx_duckdb

    with gx_duckdb.create_engine(encrypted_home.warehouse).connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM notes").scalar() == 2000


def test_missing_or_wrong_key_fails_clearly(encrypted_home, monkeypatch):
    monkeypatch.delenv(encryption.KEY_ENV)
    with pytest.raises(EncryptionError, match="set SHOPGOV_ENCRYPTION_KEY"):
        connect_read(encrypted_home.warehouse)
    with pytest.raises(EncryptionError, match="set SHOPGOV_ENCRYPTION_KEY"):
        Reader(encrypted_home).connection()
    monkeypatch.setenv(encryption.KEY_ENV, "not the key")
    with pytest.raises(EncryptionError, match="wrong encryption key"):
        connect_read(encrypted_home.warehouse)
    with pytest.raises(EncryptionError, match="wrong encryption key"), \
            atomic_write(encrypted_home, encrypted_home.warehouse) as con:
        con.execute("SELECT 1")
    monkeypatch.setenv(encryption.KEY_ENV, KEY)  # the failed write left the file intact
    assert connect_read(encrypted_home.warehouse).execute("SELECT count(*) FROM notes").fetchone()[0] == 2000


def test_encrypted_file_without_its_marker_is_named(encrypted_home):
    encryption.marker_path(encrypted_home.root).unlink()
    with pytest.raises(EncryptionError, match="encrypted but .*encryption.yaml"):
        connect_read(encrypted_home.warehouse)


def test_enable_needs_a_key_and_a_new_home(home, monkeypatch):
    monkeypatch.delenv(encryption.KEY_ENV, raising=False)
    with pytest.raises(EncryptionError, match="SHOPGOV_ENCRYPTION_KEY"):
        encryption.enable(home.root)
    monkeypatch.setenv(encryption.KEY_ENV, KEY)
    ensure_warehouse(home)  # plain files exist already
    with pytest.raises(UsageError, match="unencrypted warehouse.duckdb"):
        encryption.enable(home.root)
    assert not encryption.is_encrypted(home.root)


def test_httpfs_extension_matches_duckdb():
    assert f"v{duckdb.__version__}" in str(encryption.httpfs_extension())


def _cli(*args, key: str | None):
    env = {k: v for k, v in os.environ.items() if k != encryption.KEY_ENV}
    if key is not None:
        env[encryption.KEY_ENV] = key
    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          env=env, timeout=180)


def test_encrypted_home_end_to_end(tmp_path):
    """init --encrypt, check, assess, report json, status; no sample plaintext in either file."""
    h = get_home(tmp_path / "enc")
    home = ["--home", str(h.root)]
    r = _cli("init", *home, "--products", "500", "--events", "5000", "--encrypt", key=KEY)
    assert r.returncode == 0, r.stderr
    r = _cli("check", *home, "--json", str(tmp_path / "check.json"), key=KEY)
    assert r.returncode in (0, 1), r.stderr  # 1: the sample carries injected defects
    summary = json.loads((tmp_path / "check.json").read_text())
    assert summary["n_expectations"] > 50 and summary["exit_code"] == r.returncode
    assert _cli("assess", *home, key=KEY).returncode == 0
    r = _cli("report", *home, "-f", "json", "-o", str(tmp_path / "report.json"), key=KEY)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "report.json").read_text())
    r = _cli("status", *home, "--json", "-", key=KEY)
    assert r.returncode == 0, r.stderr
    assert {t["table"]: t["rows"] for t in json.loads(r.stdout)["tables"]}["products"] == 500

    con = duckdb.connect()
    titles = [t for (t,) in con.execute(
        f"SELECT title FROM read_parquet('{h.sample / 'products.parquet'}') WHERE length(title) > 12 LIMIT 5").fetchall()]
    sellers = [s for (s,) in con.execute(
        f"SELECT DISTINCT contact_email FROM read_parquet('{h.sample / 'sellers.parquet'}') WHERE contact_email IS NOT NULL LIMIT 3").fetchall()]
    needles = [s.encode() for s in (*titles, *sellers, "product_id", "check_runs")]
    assert len(needles) >= 7
    for f in (h.warehouse, h.results):
        raw = f.read_bytes()
        assert [n for n in needles if n in raw] == [], f.name

    for key, message in ((None, "set SHOPGOV_ENCRYPTION_KEY"), ("wrong", "wrong encryption key")):
        r = _cli("status", *home, key=key)
        assert r.returncode == 3 and message in " ".join(r.stderr.split()), r.stderr
        assert "Traceback" not in r.stderr
