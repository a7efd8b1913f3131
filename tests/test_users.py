"""Dashboard accounts, role rules, login tokens, the audit log and the `shopgov users` commands."""

from __future__ import annotations

import json
import stat

import pytest
import yaml
from typer.testing import CliRunner

from dashboard import audit, auth, users
from governance.access import load_policy
from governance.config import ConfigError
from governance.errors import ShopgovError, UsageError


def test_passwords_are_stored_as_bcrypt_hashes_only(home):
    users.add_user(home, "alice", "analyst", "correct horse")
    text = users.users_path(home).read_text()
    assert "correct horse" not in text
    entry = yaml.safe_load(text)["users"]["alice"]
    assert entry["role"] == "analyst"
    assert entry["password_hash"].startswith("$2b$")
    assert users.verify_password("correct horse", entry["password_hash"])
    assert not users.verify_password("correct horsE", entry["password_hash"])
    assert stat.S_IMODE(users.users_path(home).stat().st_mode) == 0o600
    # two hashes of the same password differ (random salt)
    assert users.hash_password("correct horse") != entry["password_hash"]


def test_add_validates_name_role_password_and_duplicates(home):
    users.add_user(home, "bob", "viewer", "tidy-maple-4721")
    with pytest.raises(UsageError, match="already exists"):
        users.add_user(home, "bob", "viewer", "brisk-otter-7734")
    with pytest.raises(UsageError, match="unknown role"):
        users.add_user(home, "carol", "superuser", "tidy-maple-4721")
    with pytest.raises(UsageError, match="too short"):
        users.add_user(home, "carol", "viewer", "short")
    with pytest.raises(UsageError, match="invalid user name"):
        users.add_user(home, "bad name!", "viewer", "tidy-maple-4721")
    assert set(users.load_users(home)) == {"bob"}


def test_remove_and_role_changes_keep_one_admin(home):
    users.add_user(home, "root", "admin", "tidy-maple-4721")
    users.add_user(home, "dana", "viewer", "tidy-maple-4721")
    with pytest.raises(UsageError, match="only admin"):
        users.remove_user(home, "root")
    with pytest.raises(UsageError, match="only admin"):
        users.set_role(home, "root", "viewer")
    users.set_role(home, "dana", "admin")
    users.set_role(home, "root", "analyst")
    assert users.get_user(home, "root").role == "analyst"
    users.remove_user(home, "root")
    assert set(users.load_users(home)) == {"dana"}
    with pytest.raises(UsageError, match="no user"):
        users.remove_user(home, "root")


def test_password_change_invalidates_login_tokens(home):
    user = users.add_user(home, "erin", "analyst", "tidy-maple-4721")
    token = auth.issue_token(home, user)
    assert auth.user_from_token(home, token).name == "erin"
    users.set_password(home, "erin", "brisk-otter-7734")
    assert auth.user_from_token(home, token) is None
    assert auth.authenticate(home, "erin", "tidy-maple-4721") is None
    assert auth.authenticate(home, "erin", "brisk-otter-7734").role == "analyst"


def test_tokens_reject_tampering_expiry_and_removed_users(home):
    users.add_user(home, "root", "admin", "tidy-maple-4721")
    user = users.add_user(home, "fred", "viewer", "tidy-maple-4721")
    issued = 1_800_000_000.0

    def at(t: float):
        return lambda: t

    token = auth.issue_token(home, user, now=at(issued))
    assert auth.user_from_token(home, token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    assert auth.user_from_token(home, "not-a-token") is None
    assert auth.user_from_token(home, None) is None
    # valid up to SESSION_MAX_AGE seconds after it was issued (when used at least every
    # SESSION_IDLE seconds), expired one second later (a fake clock)
    last = issued + auth.SESSION_MAX_AGE
    assert auth.user_from_token(home, token, now=at(last - auth.SESSION_IDLE)).name == "fred"
    assert auth.user_from_token(home, token, now=at(last)).name == "fred"
    assert auth.user_from_token(home, token, now=at(last + 1)) is None
    assert auth.user_from_token(home, token, max_age=0, now=at(issued + 1)) is None
    assert auth.user_from_token(home, token, now=at(issued - 5)) is None  # issued "in the future"
    users.remove_user(home, "fred")
    assert auth.user_from_token(home, token, now=at(issued)) is None


def test_cookie_key_from_env_or_generated_once(home, monkeypatch):
    monkeypatch.delenv("SHOPGOV_COOKIE_KEY", raising=False)
    key = users.cookie_key(home)
    path = home.config / users.COOKIE_KEY_FILE
    assert len(key) == 64 and path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert users.cookie_key(home) == key
    monkeypatch.setenv("SHOPGOV_COOKIE_KEY", "from-the-environment")
    assert users.cookie_key(home) == "from-the-environment"
    # a token signed with one key does not verify with another
    user = users.add_user(home, "gina", "viewer", "tidy-maple-4721")
    token = auth.issue_token(home, user)
    monkeypatch.setenv("SHOPGOV_COOKIE_KEY", "another-key")
    assert auth.user_from_token(home, token) is None


def test_ensure_admin_creates_one_admin_once(home, monkeypatch):
    monkeypatch.delenv("SHOPGOV_ADMIN_PASSWORD", raising=False)
    password = users.ensure_admin(home)
    assert password and len(password) >= users.MIN_PASSWORD_LENGTH
    assert auth.authenticate(home, "admin", password).role == "admin"
    assert users.ensure_admin(home) is None
    assert len(users.load_users(home)) == 1


def test_ensure_admin_takes_the_password_from_the_environment(home, monkeypatch):
    monkeypatch.setenv("SHOPGOV_ADMIN_PASSWORD", "from-env-secret")
    assert users.ensure_admin(home) == "from-env-secret"
    assert auth.authenticate(home, "admin", "from-env-secret") is not None


def test_broken_users_file_names_the_file(home):
    users.users_path(home).write_text("users: [oops")
    with pytest.raises(ShopgovError, match="users.yaml"):
        users.load_users(home)


def test_role_rules():
    policy = load_policy()
    assert policy.can("viewer", "view_aggregates") and policy.can("viewer", "download_reports")
    assert not policy.can("viewer", "view_rows")
    assert policy.can("analyst", "view_rows") and policy.can("analyst", "export_rows")
    assert not policy.can("analyst", "run_checks") and not policy.can("analyst", "manage_users")
    for action in policy.actions:
        assert policy.can("admin", action)
        assert not policy.can(None, action)
        assert not policy.can("intruder", action)
    assert policy.can_see_page("admin", "users") and not policy.can_see_page("analyst", "users")
    with pytest.raises(UsageError, match="unknown action"):
        policy.can("admin", "launch_rockets")
    with pytest.raises(PermissionError):
        policy.require("viewer", "view_rows")


def test_users_file_typos_name_file_key_and_line(home):
    users.add_user(home, "kim", "viewer", "tidy-maple-4721")
    path = users.users_path(home)
    good = path.read_text()
    path.write_text(good.replace("    role: viewer", "    rol: viewer"))
    with pytest.raises(ConfigError) as e:
        users.load_users(home)
    msg = str(e.value)
    assert f"{path}:4: users.kim.rol: unknown key" in msg and "users.kim.role: required key is missing" in msg
    path.write_text(good.replace("    role: viewer", "    role: auditor"))
    with pytest.raises(ConfigError, match=r"users.yaml:4: users.kim.role: unknown role 'auditor'"):
        users.load_users(home)
    path.write_text(good.replace("password_hash: ", "password_hash: x"))
    with pytest.raises(ConfigError, match=r"users.kim.password_hash: .*not a bcrypt hash"):
        users.load_users(home)
    path.write_text(good)
    assert users.get_user(home, "kim").role == "viewer"


def test_a_teams_own_role_file_is_used_for_accounts(home):
    from governance.config import default_path
    from governance.paths import get_home

    text = default_path("roles.yaml").read_text().replace(
        "  admin:\n", "  auditor:\n    actions: [view_aggregates, view_rows]\n  admin:\n")
    (home.config / "roles.yaml").write_text(text)
    users.add_user(home, "audrey", "auditor", "tidy-maple-4721")
    assert auth.authenticate(home, "audrey", "tidy-maple-4721").role == "auditor"
    assert auth.user_from_token(home, auth.issue_token(home, users.get_user(home, "audrey"))).name == "audrey"
    with pytest.raises(UsageError, match="unknown role 'auditor'"):
        users.validate_role(get_home(home.root / "other"), "auditor")


def test_audit_log_appends_json_lines(home):
    audit.log_access(home, "alice", "analyst", "view_sample_rows", "sellers", rows=3)
    audit.log_access(home, None, None, "login_failed")
    records = audit.read_audit(home)
    assert [r["action"] for r in records] == ["view_sample_rows", "login_failed"]
    assert records[0]["user"] == "alice" and records[0]["role"] == "analyst"
    assert records[0]["detail"] == {"rows": 3} and records[0]["ts"].endswith("+00:00")
    assert records[1]["user"] == "anonymous"


@pytest.fixture
def cli():
    from dashboard.cli import build_app

    app = build_app()
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(app, list(args), catch_exceptions=False, **kw)


def test_users_cli(home, cli, monkeypatch):
    monkeypatch.setenv("NEW_PW", "s3cret-password")
    r = cli("users", "add", "hank", "--role", "analyst", "--password-env", "NEW_PW", "--home", str(home.root))
    assert r.exit_code == 0, r.output
    assert auth.authenticate(home, "hank", "s3cret-password").role == "analyst"

    r = cli("users", "list", "--home", str(home.root), "--json", "-")
    assert r.exit_code == 0
    listed = json.loads(r.stdout[r.stdout.index("["):])
    assert listed[0]["name"] == "hank" and "password_hash" not in listed[0]

    monkeypatch.setenv("NEW_PW", "other-password")
    assert cli("users", "passwd", "hank", "--password-env", "NEW_PW", "--home", str(home.root)).exit_code == 0
    assert auth.authenticate(home, "hank", "other-password") is not None

    # usage errors exit 2
    assert cli("users", "add", "ivy", "--role", "root", "--password-env", "NEW_PW",
               "--home", str(home.root)).exit_code == 2
    assert cli("users", "add", "ivy", "--password-env", "UNSET_VARIABLE_X", "--home", str(home.root)).exit_code == 2
    assert cli("users", "passwd", "nobody", "--password-env", "NEW_PW", "--home", str(home.root)).exit_code == 2

    assert cli("users", "remove", "hank", "--home", str(home.root)).exit_code == 0
    assert users.load_users(home) == {}


def test_users_cli_typo_in_users_file_exits_2_naming_the_line(home, cli):
    users.add_user(home, "lee", "viewer", "tidy-maple-4721")
    path = users.users_path(home)
    path.write_text(path.read_text().replace("    role: viewer", "    role: viewer\n    rloe: admin"))
    r = cli("users", "list", "--home", str(home.root))
    assert r.exit_code == 2
    out = "".join(r.output.split())  # the console wraps long paths
    assert "users.yaml:5:users.lee.rloe:unknownkey" in out


def test_users_add_generates_a_password_when_not_interactive(home, cli):
    r = cli("users", "add", "jo", "--role", "viewer", "--home", str(home.root))
    assert r.exit_code == 0
    password = r.output.split("initial password:")[1].split()[0]
    assert auth.authenticate(home, "jo", password) is not None


def test_the_last_admin_rule_follows_the_policy(home):
    """Any role that may manage_users counts as an admin, not just the one named `admin`."""
    from governance.config import default_path

    text = default_path("roles.yaml").read_text().replace(
        "\n# Pages", "  owner:\n    inherits: admin\n\n# Pages")
    (home.config / "roles.yaml").write_text(text)
    users.add_user(home, "root", "admin", "tidy-maple-4721")
    users.set_role(home, "root", "owner")  # still an admin: allowed
    with pytest.raises(UsageError, match="only admin"):
        users.remove_user(home, "root")
    with pytest.raises(UsageError, match="only admin"):
        users.set_role(home, "root", "analyst")
    assert users.ensure_admin(home) is None
