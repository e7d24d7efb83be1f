"""`flask jobs changes JOB_ID [--csv]`: what a job did to descriptions, from its ledger
(registered on the jobs group by commands.register)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from actors.changes.reading import csv_lines, field_changes
from extensions import db
from models import Job
from models.changes import change_counts, changes_of


@click.command("changes")
@click.argument("job_id", type=int)
@click.option("--csv", "as_csv", is_flag=True, help="The whole ledger as CSV (one line per field changed).")
@with_appcontext
def changes(job_id: int, as_csv: bool) -> None:
    """What JOB_ID created, updated, moved, deleted or skipped, with the values before and after."""
    if db.session.get(Job, job_id) is None:
        click.echo(f"There is no job {job_id}.", err=True)
        sys.exit(1)
    if as_csv:
        for lines in csv_lines(job_id):
            click.echo(lines, nl=False)
        return
    counts = change_counts(job_id)
    if not counts:
        click.echo(f"Job {job_id} changed no description (or its ledger was cleared).")
        return
    click.echo(f"Job {job_id}: " + ", ".join(f"{count:,} {kind}" for kind, count in sorted(counts.items())) + ".")
    for change, title, _slug in db.session.execute(changes_of(job_id).execution_options(yield_per=1000)):
        record = f"{change.description_id} {title}" if title is not None else f"{change.description_id} (deleted)"
        click.echo(f"{change.kind:8} {record}")
        for name, before, after in field_changes(change):
            click.echo(f"         {name}: {before!r} -> {after!r}")
