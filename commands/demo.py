"""`flask demo ...`: demo data for newcomers and data sets for benchmarks."""

from __future__ import annotations

import os
import secrets

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from commands.demo_data import insert_demo_fonds, insert_historical_jobs
from extensions import db
from models import ArchivalDescription, User
from models.user import create_user

demo_cli = click.Group("demo", help="Demo data and benchmark data sets.")


@demo_cli.command("load")
@click.option("--descriptions", default=200, show_default=True, type=click.IntRange(1, 1_000_000))
@with_appcontext
def load(descriptions: int) -> None:
    """Create a demo fonds with N descriptions (fonds > series > file > item); prints its slug."""
    click.echo(insert_demo_fonds(descriptions))


@demo_cli.command("jobs")
@click.option("--count", required=True, type=click.IntRange(1, 50_000_000))
@click.option("--users", default=5, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def jobs(count: int, users: int) -> None:
    """Insert N finished historical jobs spread over K users, set-based."""
    inserted = insert_historical_jobs(count, users)
    click.echo(f"Inserted {inserted} historical jobs over {users} users.")


@demo_cli.command("setup")
@with_appcontext
def setup() -> None:
    """First run only: an administrator `admin` and a demo fonds (what scripts/serve calls)."""
    if db.session.scalar(select(func.count()).select_from(User)):
        click.echo(
            "Users exist already; demo setup skipped. Lost the administrator's password? "
            "Set a new one with: .venv/bin/flask users reset-password admin"
        )
        return
    password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    create_user("admin", password, admin=True)
    if not db.session.scalar(select(func.count()).select_from(ArchivalDescription)):
        slug = insert_demo_fonds(200)
        click.echo(f"Demo fonds: /descriptions/{slug}")
    shown = "(from ADMIN_PASSWORD)" if os.environ.get("ADMIN_PASSWORD") else password
    click.echo(f"Administrator: admin / {shown}")
