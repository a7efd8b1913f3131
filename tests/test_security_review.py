"""The holes found in the security review of issue #10 (items 3-12), each pinned by a test."""

from __future__ import annotations

import pytest

from dashboard import auth, users
from governance.errors import UsageError


class FakeClock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self, t: float = 1_700_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


PW = "correct-horse-battery"


# ------------------------------------------------------------ 3. server-side login throttle
def test_login_lockout_is_per_user_on_the_server_and_backs_off(home):
    users.add_user(home, "alice", "analyst", PW)
    clock = FakeClock()
    for _ in range(auth.MAX_FAILURES):
        r = auth.attempt_login(home, "alice", "wrong guess", client="10.0.0.1", now=clock)
        assert r.user is None and r.retry_after == 0
    # locked: the right password is refused too, from any client (a fresh browser changes nothing)
    for client in ("10.0.0.1", "10.0.0.2"):
        r = auth.attempt_login(home, "alice", PW, client=client, now=clock)
        assert r.user is None and r.retry_after > 0
    clock.advance(r.retry_after)
    assert auth.attempt_login(home, "alice", PW, client="10.0.0.1", now=clock).user.name == "alice"
    # after a success the count starts again; repeated lockouts grow (exponential backoff)
    waits = []
    for _ in range(2):
        for _ in range(auth.MAX_FAILURES):
            auth.attempt_login(home, "alice", "wrong guess", client="10.0.0.1", now=clock)
        waits.append(auth.attempt_login(home, "alice", PW, client="10.0.0.1", now=clock).retry_after)
        clock.advance(waits[-1])
        auth.attempt_login(home, "alice", "wrong again", client="10.0.0.1", now=clock)
        waits.append(auth.attempt_login(home, "alice", PW, client="10.0.0.1", now=clock).retry_after)
        clock.advance(waits[-1])
    assert waits[1] > waits[0] and waits[3] > waits[2]


def test_login_lockout_is_per_client_across_user_names(home):
    users.add_user(home, "bob", "viewer", PW)
    clock = FakeClock()
    for i in range(auth.MAX_FAILURES):  # one guess per name: no single user reaches the limit
        auth.attempt_login(home, f"user{i}", "guess-guess", client="203.0.113.9", now=clock)
    assert auth.attempt_login(home, "bob", PW, client="203.0.113.9", now=clock).retry_after > 0
    assert auth.attempt_login(home, "bob", PW, client="198.51.100.1", now=clock).user.name == "bob"


def test_login_lockout_survives_a_page_reload(home):
    """The login page itself: a new browser session (AppTest run) is still locked out."""
    import os

    from streamlit.testing.v1 import AppTest

    users.add_user(home, "carol", "viewer", PW)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def attempt(password: str) -> AppTest:
        at = AppTest.from_file(os.path.join(root, "dashboard", "app.py"), default_timeout=60).run()
        at.text_input(key="login_name").input("carol")
        at.text_input(key="login_password").input(password)
        at.button[0].click().run()
        assert not at.exception, at.exception
        return at

    for _ in range(auth.MAX_FAILURES):
        attempt("not-her-password")
    at = attempt(PW)  # a reload: new session state
    assert "user" not in at.session_state
    assert any("locked" in str(e.value).lower() or "too many" in str(e.value).lower() for e in at.error)


# ------------------------------------------------------------ 4. password policy
@pytest.mark.parametrize("password, role, why", [
    ("password", "viewer", "too short"),
    ("12345678", "admin", "too short"),
    (" " * 8, "admin", "too short"),
    (" " * 14, "admin", "whitespace"),
    ("password1234", "viewer", "common"),
    ("qwertyuiop123", "admin", "common"),
    ("ten-chars!", "admin", "too short"),  # 10 is enough for a viewer, not for an admin
    ("dave-the-user", "viewer", "user name"),
])
def test_weak_passwords_are_refused(home, password, role, why):
    name = "dave-the-user" if why == "user name" else "dave"
    with pytest.raises(UsageError, match=why):
        users.add_user(home, name, role, password)


def test_password_rules_follow_the_role(home):
    users.add_user(home, "erin", "viewer", "ten-chars!")
    users.add_user(home, "frank", "admin", "twelve-chars")
    with pytest.raises(UsageError, match="too short"):
        users.set_password(home, "frank", "ten-chars!")


def test_a_long_password_is_hashed_and_verified_not_a_crash(home, cli):
    long_pw = "ü-ß-" * 12 + "ü" * 14  # 100 bytes in UTF-8: over bcrypt's 72-byte limit
    assert len(long_pw.encode()) == 100
    users.add_user(home, "gina", "admin", long_pw)
    assert auth.authenticate(home, "gina", long_pw).name == "gina"
    assert auth.authenticate(home, "gina", long_pw[:-1] + "u") is None  # the last byte counts
    assert auth.authenticate(home, "gina", long_pw.encode()[:72].decode()) is None  # not truncated
    # existing plain-bcrypt hashes still verify
    import bcrypt
    old = bcrypt.hashpw(b"an-old-password", bcrypt.gensalt()).decode()
    assert users.verify_password("an-old-password", old)


def test_users_add_cli_refuses_weak_passwords_and_takes_long_ones(home, cli, monkeypatch):
    for pw in ("password", "12345678", " " * 8):
        monkeypatch.setenv("PW", pw)
        r = cli("users", "add", "hal", "--role", "admin", "--password-env", "PW", "--home", str(home.root))
        assert r.exit_code == 2, r.output
        assert "Traceback" not in r.output
    long_pw = "a-long-passphrase-" * 5 + "0123456789"  # 100 bytes
    monkeypatch.setenv("PW", long_pw)
    r = cli("users", "add", "hal", "--role", "admin", "--password-env", "PW", "--home", str(home.root))
    assert r.exit_code == 0, r.output
    assert auth.authenticate(home, "hal", long_pw) is not None


@pytest.fixture
def cli():
    from typer.testing import CliRunner

    from dashboard.cli import build_app

    app = build_app()
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(app, list(args), **kw)


# ------------------------------------------------------------ 5. sessions: revocable, short-lived
def test_a_token_is_dead_after_sign_out(home):
    user = users.add_user(home, "ivan", "viewer", PW)
    token = auth.issue_token(home, user)
    other = auth.issue_token(home, user)  # the same user in a second browser
    assert auth.user_from_token(home, token).name == "ivan"
    auth.revoke_token(home, token)  # what signing out does
    assert auth.user_from_token(home, token) is None  # replayed in a fresh browser: refused
    assert auth.user_from_token(home, other).name == "ivan"  # the other browser stays signed in


def test_a_token_expires_after_12_hours_idle_and_a_day_at_most(home):
    user = users.add_user(home, "judy", "viewer", PW)
    clock = FakeClock()
    token = auth.issue_token(home, user, now=clock)
    clock.advance(12 * 3600 + 1)
    assert auth.user_from_token(home, token, now=clock) is None  # idle too long
    token = auth.issue_token(home, user, now=clock)
    for _ in range(4):  # active every 6 hours: alive ...
        clock.advance(6 * 3600)
        assert auth.user_from_token(home, token, now=clock) is not None
    clock.advance(1)
    assert auth.user_from_token(home, token, now=clock) is None  # ... but never beyond 24 hours
    assert auth.SESSION_MAX_AGE <= 24 * 3600


def test_the_login_cookie_is_strict_and_secure_over_https():
    from dashboard import login

    script = login._cookie_script("tok", 3600, secure=True)
    assert "SameSite=Strict" in script and "Secure" in script
    assert "Secure" not in login._cookie_script("tok", 3600, secure=False)  # plain http://localhost


# ------------------------------------------------------------ 6. pseudonym key per home
def test_each_home_gets_its_own_random_pseudonym_key(tmp_path, monkeypatch):
    import re
    import stat

    from governance import privacy
    from governance.paths import get_home
    from governance.setup import init_home

    monkeypatch.delenv("SHOPGOV_PSEUDONYM_KEY", raising=False)
    seen = []
    for name in ("a", "b"):
        h = get_home(tmp_path / name)
        init_home(h, load_sample=False, log=lambda _m: None)
        key_file = h.config / privacy.PSEUDONYM_KEY_FILE
        assert key_file.is_file() and stat.S_IMODE(key_file.stat().st_mode) == 0o600
        monkeypatch.setenv("SHOPGOV_HOME", str(h.root))
        seen.append(privacy.pseudonymize("u123"))
        assert privacy.pseudonymize("u123") == seen[-1]  # stable within a home
    assert seen[0] != seen[1]
    assert all(re.fullmatch(r"u_[0-9a-f]{16}", p) for p in seen)  # 64 bits


def test_a_dictionary_over_300k_ids_has_no_collisions(home, monkeypatch):
    from governance import privacy

    monkeypatch.delenv("SHOPGOV_PSEUDONYM_KEY", raising=False)
    pseudonyms = {privacy.pseudonymize(i) for i in range(300_000)}
    assert len(pseudonyms) == 300_000  # each pseudonym points at one id: no ambiguity to exploit


# ------------------------------------------------------------ 7. transforms are expressions only
SELLERS = ("seller_id,name,country,city,rating,joined_at,contact_email,contact_phone\n"
           "s1,Shop One,US,New York,4.5,2023-01-01 10:00:00,,\n")


@pytest.mark.parametrize("expr", [
    "'x'); COPY (SELECT 42 AS x) TO '{out}' (FORMAT csv); SELECT ('y'",
    "(SELECT string_agg(name, ',') FROM read_csv('{src}'))",
    "name) FROM read_csv('{src}') WHERE (1 = 1",
    "name) AS a, (name",
    "getenv('HOME')",
])
def test_a_mapping_transform_that_is_not_one_expression_is_refused(home, tmp_path, expr):
    from governance.config import ConfigError
    from governance.ingest import ingest_file

    src = tmp_path / "sellers.csv"
    src.write_text(SELLERS)
    out = tmp_path / "pwned.csv"
    mapping = tmp_path / "evil.yaml"
    mapping.write_text("transforms:\n  city: " + json_str(expr.format(out=out, src=src)) + "\n")
    with pytest.raises(ConfigError) as e:
        ingest_file(home, "sellers", src, mapping, progress=False)
    assert str(mapping) in str(e.value) and "transforms.city" in str(e.value)
    assert not out.exists()


def test_ordinary_transforms_still_work(home, tmp_path):
    from governance.ingest import ingest_file
    from governance.warehouse import connect_read

    src = tmp_path / "sellers.csv"
    src.write_text(SELLERS)
    mapping = tmp_path / "ok.yaml"
    mapping.write_text("transforms:\n  city: \"CASE WHEN country = 'US' THEN upper(city) ELSE city END\"\n")
    ingest_file(home, "sellers", src, mapping, progress=False)
    con = connect_read(home.warehouse)
    assert con.execute("SELECT city FROM sellers").fetchone() == ("NEW YORK",)
    con.close()


def test_a_derived_catalog_expression_that_is_not_one_expression_is_refused(home, tmp_path):
    from governance.catalog import load_catalog
    from governance.config import ConfigError, default_path

    text = default_path("catalog.yaml").read_text()
    evil = "CAST(ts AS DATE)); COPY (SELECT 1) TO '" + str(tmp_path / "x.csv") + "'; SELECT (1"
    assert 'derived: "CAST(ts AS DATE)"' in text
    (home.config / "catalog.yaml").write_text(text.replace('derived: "CAST(ts AS DATE)"', "derived: " + json_str(evil)))
    with pytest.raises(ConfigError, match=r"tables\.events\.columns\.event_date\.derived"):
        load_catalog(home)


def json_str(s: str) -> str:
    import json

    return json.dumps(s)


# ------------------------------------------------------------ 8. no markup injection in messages
def _shopgov(*args: str, env: dict | None = None):
    """The real `shopgov` console script in a subprocess (its own exit code and stderr)."""
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "400", **(env or {})}, timeout=300)


def test_brackets_in_a_path_and_in_data_are_printed_not_interpreted(home, tmp_path):
    folder = tmp_path / "[/nope]"  # the folders "[" and "nope]"
    folder.mkdir(parents=True)
    good = folder / "sellers.csv"
    good.write_text(SELLERS)
    r = _shopgov("ingest", "sellers", str(good), "--home", str(home.root))
    assert r.returncode == 0, r.stderr
    assert "[/nope]/sellers.csv" in r.stderr
    bad = folder / "bad.csv"
    bad.write_text(SELLERS.replace(",4.5,", ",[/nope][bold],"))
    r = _shopgov("ingest", "sellers", str(bad), "--home", str(home.root))
    assert r.returncode == 3, r.stderr
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    assert "'[/nope][bold]' is not a DOUBLE" in r.stderr and "[/nope]/bad.csv" in r.stderr
    r = _shopgov("status", "--home", str(home.root))
    assert r.returncode == 0, r.stderr


# ------------------------------------------------------------ 9. environment errors: exit 3, one line
def _loaded_home(tmp_path, name: str = "home"):
    from governance.ingest import ingest_file
    from governance.paths import get_home

    h = get_home(tmp_path / name)
    src = tmp_path / "sellers.csv"
    src.write_text(SELLERS)
    ingest_file(h, "sellers", src, progress=False)
    return h, src


def _one_line_error(r, *needles: str) -> None:
    assert r.returncode == 3, (r.returncode, r.stderr)
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error:") and "internal error" not in r.stderr and "Traceback" not in r.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])


def test_a_corrupt_warehouse_header_is_a_one_line_runtime_error(tmp_path):
    h, _ = _loaded_home(tmp_path)
    with open(h.warehouse, "r+b") as f:
        f.write(b"NOT A DUCKDB FILE" * 4)
    for args in (["status"], ["check", "--no-docs", "-q"]):
        _one_line_error(_shopgov(*args, "--home", str(h.root)), str(h.warehouse))


def _read_only(path):
    """Make the tree ``path`` unwritable, also for root (chattr +i); returns the undo function."""
    import os
    import subprocess

    if os.geteuid() != 0:
        folders = [path, *(p for p in path.rglob("*") if p.is_dir())]
        for p in folders:
            p.chmod(0o555)
        return lambda: [p.chmod(0o755) for p in folders]
    subprocess.run(["chattr", "-R", "+i", str(path)], check=True)
    return lambda: subprocess.run(["chattr", "-R", "-i", str(path)], check=True)


def test_a_read_only_home_is_a_one_line_runtime_error(tmp_path):
    h, src = _loaded_home(tmp_path)
    undo = _read_only(h.root)
    try:
        runs = [_shopgov("ingest", "sellers", str(src), "--home", str(h.root)),
                _shopgov("check", "--no-docs", "-q", "--home", str(h.root)),
                _shopgov("users", "add", "zed", "--home", str(h.root))]
    finally:
        undo()
    for r in runs:
        _one_line_error(r, str(h.root))


def test_an_unwritable_json_target_is_refused_before_anything_is_committed(tmp_path):
    from governance.paths import get_home
    from governance.warehouse import connect_read

    (tmp_path / "a-file").write_text("")
    src = tmp_path / "sellers.csv"
    src.write_text(SELLERS)
    h = get_home(tmp_path / "home")
    bad = tmp_path / "a-file" / "out.json"  # its "folder" is a file
    r = _shopgov("ingest", "sellers", str(src), "--home", str(h.root), "--json", str(bad))
    _one_line_error(r, str(bad))
    if h.warehouse.exists():
        con = connect_read(h.warehouse)
        assert con.execute("SELECT count(*) FROM sellers").fetchone() == (0,)  # nothing loaded
        con.close()
    r = _shopgov("report", "--format", "json", "--output", str(bad), "--home", str(h.root))
    _one_line_error(r, str(bad))


def test_a_home_path_with_a_quote_works(tmp_path):
    h, _ = _loaded_home(tmp_path, "it's home")
    r = _shopgov("status", "--home", str(h.root), "--json", "-")
    assert r.returncode == 0, r.stderr
    assert '"sellers"' in r.stdout


# ------------------------------------------------------------ 10. a damaged warehouse is refused
def _damage_a_data_block(path, table: str) -> None:
    """Overwrite bytes inside a block that holds ``table``'s data (a real DuckDB file layout:
    three 4 KiB headers, then 256 KiB blocks, each starting with its checksum)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    block = con.execute(f"SELECT max(block_id) FROM pragma_storage_info('{table}') WHERE block_id >= 0").fetchone()[0]
    con.close()
    assert block is not None
    with open(path, "r+b") as f:
        f.seek(3 * 4096 + block * block_size + 100)
        f.write(b"\xde\xad\xbe\xef" * 16)


def test_a_warehouse_damaged_in_the_middle_is_refused_not_rewritten(home, tmp_path):
    import hashlib

    from test_concurrency import events_parquet

    from governance.ingest import ingest_file

    ingest_file(home, "events", events_parquet(tmp_path / "e.parquet", 50_000, 0), progress=False)
    src = tmp_path / "sellers.csv"
    src.write_text(SELLERS)
    _damage_a_data_block(home.warehouse, "events")
    before = hashlib.sha256(home.warehouse.read_bytes()).hexdigest()
    for args in (["ingest", "sellers", str(src)], ["status"], ["check", "--no-docs", "-q"]):
        r = _shopgov(*args, "--home", str(home.root))
        assert r.returncode == 3, (args, r.returncode, r.stderr)
        assert "damaged" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert hashlib.sha256(home.warehouse.read_bytes()).hexdigest() == before  # never swapped
    assert not home.results.exists()  # nothing built on it


# ------------------------------------------------------------ 11. non-finite numbers, padded keys
PRODUCTS = "product_id,sku,seller_id,title,price\n"


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "1e309"])
def test_non_finite_prices_are_rejected_naming_row_and_column(home, tmp_path, value):
    from governance.errors import IngestError
    from governance.ingest import ingest_file

    f = tmp_path / "products.csv"
    f.write_text(PRODUCTS + "p1,k1,s1,Good title,9.5\n" + f"p2,k2,s1,Other title,{value}\n")
    with pytest.raises(IngestError) as e:
        ingest_file(home, "products", f, progress=False)
    assert (2, "price") in [(row, col) for row, col, _ in e.value.problems]
    assert "finite" in str(e.value)


def test_non_finite_numbers_in_parquet_are_rejected_too(home, tmp_path):
    import duckdb

    from governance.errors import IngestError
    from governance.ingest import ingest_file

    f = tmp_path / "products.parquet"
    duckdb.sql(f"COPY (SELECT 'p1' AS product_id, 'k1' AS sku, 's1' AS seller_id, 'nan'::DOUBLE AS price) "
               f"TO '{f}' (FORMAT parquet)")
    with pytest.raises(IngestError, match="finite"):
        ingest_file(home, "products", f, progress=False)


def test_key_values_are_trimmed(home, tmp_path):
    from governance.errors import IngestError
    from governance.ingest import ingest_file
    from governance.warehouse import connect_read

    f = tmp_path / "products.csv"
    f.write_text(PRODUCTS + "p1,k1,s1,First title,9.5\n")
    ingest_file(home, "products", f, progress=False)
    f.write_text(PRODUCTS + "p1,k1 , s1,New title,9.9\n")  # the same listing, padded keys
    r = ingest_file(home, "products", f, progress=False)
    assert (r.rows_inserted, r.rows_updated) == (0, 1)
    con = connect_read(home.warehouse)
    assert con.execute("SELECT seller_id, sku, title FROM products").fetchall() == [("s1", "k1", "New title")]
    con.close()
    f.write_text(PRODUCTS + "p1,k1,s1,A,1\np2,k1 ,s1,B,2\n")
    with pytest.raises(IngestError, match="duplicate"):
        ingest_file(home, "products", f, progress=False)


# ------------------------------------------------------------ 12. a killed writer's leftovers
def test_the_next_write_of_any_file_removes_a_killed_ingests_temporary_files(home, tmp_path):
    import signal

    from test_concurrency import WRITER, _python, events_parquet

    from governance.errors import WarehouseBusy
    from governance.ingest import ingest_file
    from governance.warehouse import atomic_write

    ingest_file(home, "events", events_parquet(tmp_path / "base.parquet", 100, 0), progress=False)
    # a source file in another encoding: the ingest keeps a converted copy while it runs
    latin = tmp_path / "sellers-latin1.csv"
    latin.write_bytes(SELLERS.replace("New York", "Zürich").encode("latin-1"))
    (tmp_path / "latin1.yaml").write_text("encoding: latin-1\n")
    writer = WRITER.replace('"events", sys.argv[2], progress=False', '"sellers", sys.argv[2], sys.argv[3], progress=False')
    w = _python("-c", writer, str(home.root), str(latin), str(tmp_path / "latin1.yaml"),
                pause_at="ingest.source_staged")
    assert w.stdout.readline().split()[:2] == ["shopgov-paused", "ingest.source_staged"], w.stderr.read()
    leftovers = [*home.root.glob(".warehouse.duckdb.*.tmp*"), *(home.root / ".scratch").glob("*")]
    assert len(leftovers) >= 2  # the live writer's private copy and its converted source ...
    with pytest.raises(WarehouseBusy), atomic_write(home, home.results, timeout=0):
        pass
    assert all(p.exists() for p in leftovers)  # ... are never removed by another writer
    w.send_signal(signal.SIGKILL)  # killed: they stay behind
    w.wait(60)
    assert all(p.exists() for p in leftovers)
    # the next write, even of the *other* file (results), cleans up first
    with atomic_write(home, home.results) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    assert not any(p.exists() for p in leftovers)
    assert not list(home.root.glob(".warehouse.duckdb.*")) and not list(home.root.glob(".results.duckdb.*"))
