"""``shopgov users ...``: dashboard accounts (bcrypt hashes in ``$SHOPGOV_HOME/config/users.yaml``)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from governance.errors import UsageError

from .common import EXIT_OK, HomeOption, JsonOption, console, resolve_home, run, write_json


def _password_from(env_var: str | None, confirm: bool = True) -> tuple[str, bool]:
    """(password, generated?) from an environment variable, a prompt, or a random one."""
    if env_var:
        value = os.environ.get(env_var)
        if not value:
            raise UsageError(f"environment variable {env_var} is not set or empty")
        return value, False
    if sys.stdin.isatty():
        return typer.prompt("password", hide_input=True, confirmation_prompt=confirm), False
    from dashboard.users import generate_password

    return generate_password(), True


def users_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option("--role", "-r", help="viewer, analyst or admin.")] = "viewer",
    password_env: Annotated[str | None, typer.Option("--password-env", help="Read the password from this environment variable (else prompt, or generate one when not interactive).")] = None,
    home: HomeOption = None,
    json_out: JsonOption = None,
) -> None:
    """Add a dashboard user."""

    def body() -> int:
        from dashboard.users import add_user, validate_name, validate_role

        h = resolve_home(home)
        validate_name(name)
        validate_role(h, role)
        password, generated = _password_from(password_env)
        user = add_user(h, name, role, password)
        console.print(f"added user [bold]{escape(name)}[/bold] with role {escape(role)}")
        if generated:
            console.print(f"initial password: [bold]{escape(password)}[/bold] (shown once)")
        write_json(json_out, user.as_public_dict())
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def users_remove(
    name: Annotated[str, typer.Argument(help="User name.")],
    home: HomeOption = None,
) -> None:
    """Remove a dashboard user (the last admin cannot be removed)."""

    def body() -> int:
        from dashboard.users import remove_user

        remove_user(resolve_home(home), name)
        console.print(f"removed user [bold]{escape(name)}[/bold]")
        return EXIT_OK

    run(body)


def users_passwd(
    name: Annotated[str, typer.Argument(help="User name.")],
    password_env: Annotated[str | None, typer.Option("--password-env", help="Read the new password from this environment variable (else prompt, or generate one when not interactive).")] = None,
    home: HomeOption = None,
) -> None:
    """Set a user's password (their open sessions end)."""

    def body() -> int:
        from dashboard.users import get_user, set_password

        h = resolve_home(home)
        if get_user(h, name) is None:
            raise UsageError(f"no user {name!r}; add it with `shopgov users add {name} --role viewer`")
        password, generated = _password_from(password_env)
        set_password(h, name, password)
        console.print(f"password of [bold]{escape(name)}[/bold] changed")
        if generated:
            console.print(f"new password: [bold]{escape(password)}[/bold] (shown once)")
        return EXIT_OK

    run(body)


def users_list(home: HomeOption = None, json_out: JsonOption = None) -> None:
    """List dashboard users and their roles."""

    def body() -> int:
        from dashboard.users import load_users

        users = load_users(resolve_home(home))
        table = RichTable(title="dashboard users")
        for col in ("name", "role", "created", "updated"):
            table.add_column(col)
        for u in users.values():
            table.add_row(*(escape(str(v)) for v in (u.name, u.role, u.created_at or "—", u.updated_at or "—")))
        console.print(table)
        write_json(json_out, [u.as_public_dict() for u in users.values()])
        return EXIT_OK

    run(body, outputs={"--json": json_out})


def register(app: typer.Typer) -> None:
    """The ``users`` group: add, remove, passwd, list."""
    group = typer.Typer(help="Manage dashboard users (stored with bcrypt hashes in $SHOPGOV_HOME/config/users.yaml).",
                        no_args_is_help=True)
    group.command("add")(users_add)
    group.command("remove")(users_remove)
    group.command("passwd")(users_passwd)
    group.command("list")(users_list)
    app.add_typer(group, name="users")
