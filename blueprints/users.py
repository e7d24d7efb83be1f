"""`flask users ...`: create accounts."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from extensions import db
from models import User


def create_user(username: str, password: str, email: str | None = None, admin: bool = False) -> User:
    user = User(username=username, email=email, is_admin=admin)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


users_cli = click.Group("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--email")
@click.option("--admin", is_flag=True, help="Administrators see and manage everyone's jobs.")
@with_appcontext
def create(username: str, password: str, email: str | None, admin: bool) -> None:
    """Create a user; fails if the username is taken."""
    username = username.strip()
    if not username or not password:
        click.echo("A username and a non-empty password are required.", err=True)
        sys.exit(2)
    if User.by_username(username) is not None:
        click.echo(f"User {username!r} already exists.", err=True)
        sys.exit(1)
    create_user(username, password, email, admin)
    click.echo(f"Created {'administrator' if admin else 'user'} {username}.")
