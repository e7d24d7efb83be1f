"""Users: the administrators' page to set roles, and `flask users ...`."""
from __future__ import annotations

import sys

import click
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields import SelectChoice

from extensions import db
from models import Role, User

bp = Blueprint("users", __name__, url_prefix="/users")
ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


def create_user(
    username: str, password: str, email: str | None = None, admin: bool = False, role: Role | None = None
) -> User:
    user = User(username=username, email=email, role=role or (Role.ADMINISTRATOR if admin else Role.EDITOR))
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


@bp.before_request
@login_required
def require_admin() -> None:
    """Only administrators manage users."""
    if not current_user.is_admin:
        abort(403, description=_("Only administrators can manage users."))


@bp.get("/")
def index():
    users = db.paginate(db.select(User).order_by(User.username), per_page=50, error_out=False)
    forms = {user.id: RoleForm(role=user.role.value, prefix=f"u{user.id}") for user in users.items}
    return render_template("users/index.html", users=users, forms=forms)


@bp.post("/<int:user_id>/role")
def set_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404, description=_("There is no user %(id)d.", id=user_id))
    form = RoleForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        flash(_("Choose one of the roles offered."), "error")
    elif user.id == current_user.id and form.role.data != Role.ADMINISTRATOR.value:
        flash(_("You cannot take away your own administrator role; ask another administrator."), "error")
    else:
        user.role = Role(form.role.data)
        db.session.commit()
        flash(_("%(name)s is now %(role)s.", name=user.username, role=str(user.role.label).lower()), "success")
    return redirect(url_for("users.index"))


users_cli = click.Group("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--email")
@click.option("--admin", is_flag=True, help="Administrators see and manage everyone's jobs.")
@click.option("--role", type=click.Choice([r.value for r in Role]), help="Default: editor (administrator with --admin).")
@with_appcontext
def create(username: str, password: str, email: str | None, admin: bool, role: str | None) -> None:
    """Create a user; fails if the username is taken."""
    username = username.strip()
    if not username or not password:
        click.echo("A username and a non-empty password are required.", err=True)
        sys.exit(2)
    if User.by_username(username) is not None:
        click.echo(f"User {username!r} already exists.", err=True)
        sys.exit(1)
    user = create_user(username, password, email, admin, Role(role) if role else None)
    click.echo(f"Created {user.role.value} {username}.")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@with_appcontext
def set_role_command(username: str, role: str) -> None:
    """Give a user a role: administrator, editor, contributor or viewer."""
    user = User.by_username(username)
    if user is None:
        click.echo(f"There is no user {username!r}.", err=True)
        sys.exit(1)
    user.role = Role(role)
    db.session.commit()
    click.echo(f"{username} is now {user.role.value}.")
