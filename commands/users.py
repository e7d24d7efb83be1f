"""`flask users ...`: create users, set their roles and which of their jobs' endings e-mail them."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from extensions import db
from models import LoginFailure, Role, User
from models.user import NotifyOn, UsernameRefused, check_new_username, create_user

users_cli = click.Group("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--email")
@click.option("--admin", is_flag=True, help="Administrators see and manage everyone's jobs.")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), help="Default: editor (administrator with --admin)."
)
@with_appcontext
def create(username: str, password: str, email: str | None, admin: bool, role: str | None) -> None:
    """Create a user; fails if the username is taken, looks like a taken one or holds other
    characters than letters, digits, '.', '_' and '-' (the users page's rule)."""
    username = username.strip()
    if not username or not password:
        click.echo("A username and a non-empty password are required.", err=True)
        sys.exit(2)
    if User.by_username(username) is not None:
        click.echo(f"User {username!r} already exists.", err=True)
        sys.exit(1)
    try:
        check_new_username(username)
    except UsernameRefused as refused:
        click.echo(str(refused), err=True)
        sys.exit(1 if refused.taken else 2)
    user = create_user(username, password, email, admin, Role(role) if role else None)
    click.echo(f"Created {user.role.value} {username}.")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@with_appcontext
def set_role_command(username: str, role: str) -> None:
    """Give a user a role: administrator, editor, contributor or viewer."""
    user = existing_user(username)
    user.role = Role(role)
    db.session.commit()
    click.echo(f"{username} is now {user.role.value}.")


@users_cli.command("notify")
@click.argument("username")
@click.option("--on", "notify_on", type=click.Choice([n.value for n in NotifyOn]), required=True,
              help="all: every ending; errors (default): errors, cancels by someone else and runs over a minute; "
              "none: no e-mail. Notices in the app come always.")  # fmt: skip
@with_appcontext
def notify(username: str, notify_on: str) -> None:
    """Which of the user's jobs' endings e-mail them (also on their My settings page)."""
    user = existing_user(username)
    user.notify_on = NotifyOn(notify_on)
    db.session.commit()
    address = user.email or "no e-mail address: set one to receive e-mails"
    click.echo(f"{username} is e-mailed on: {notify_on} ({address}).")


def existing_user(username: str) -> User:
    """The named user, or exit 1 with a message."""
    user = User.by_username(username)
    if user is None:
        click.echo(f"There is no user {username!r}.", err=True)
        sys.exit(1)
    return user


@users_cli.command("unlock")
@click.argument("username")
@with_appcontext
def unlock(username: str) -> None:
    """Lift login throttling for an account (its recent failed logins, from every address)."""
    existing_user(username)
    removed = LoginFailure.forget(username)
    click.echo(f"{username} can log in again without waiting ({removed} recent failed logins forgotten).")


@users_cli.command("deactivate")
@click.argument("username")
@with_appcontext
def deactivate(username: str) -> None:
    """Refuse the account's logins and end its sessions; its jobs stay."""
    user = existing_user(username)
    user.deactivate()
    db.session.commit()
    click.echo(f"{username} is deactivated; their sessions have ended.")


@users_cli.command("reactivate")
@click.argument("username")
@with_appcontext
def reactivate(username: str) -> None:
    """Let a deactivated account log in again."""
    user = existing_user(username)
    user.active = True
    db.session.commit()
    click.echo(f"{username} can log in again.")


@users_cli.command("reset-password")
@click.argument("username")
@click.option("--password", prompt="New password", hide_input=True, confirmation_prompt=True)
@click.option("--temporary", is_flag=True, help="They must choose their own password at their next login.")
@with_appcontext
def reset_password(username: str, password: str, temporary: bool) -> None:
    """Set a new password; every session of the account ends."""
    user = existing_user(username)
    if not password:
        click.echo("The password must not be empty.", err=True)
        sys.exit(2)
    user.set_password(password, temporary=temporary)
    db.session.commit()
    click.echo(f"{username} has a new password; their sessions have ended.")
