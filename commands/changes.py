"""`flask jobs changes JOB_ID [--csv]`: what a job did to descriptions, from its ledger;
`flask jobs undo JOB_ID [--partial] [--wait]`: undo it (both on the jobs group: commands.register)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from actors.engine.launching import LaunchConflict, launch
from actors.ledger.reading import csv_lines, field_changes, ledger_title
from actors.ledger.summary import summary_of
from actors.ledger.undo import undo as preview
from actors.ledger.undoable import refusal
from commands.descriptions import DEFAULT_TIMEOUT, wait_for_job
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
        name = title if title is not None else f"{ledger_title(change) or ''} (deleted)".lstrip()
        record = f"{change.description_id} {name}"
        click.echo(f"{change.kind:8} {record}")
        for name, before, after in field_changes(change):
            click.echo(f"         {name}: {before!r} -> {after!r}")


@click.command("undo")
@click.argument("job_id", type=int)
@click.option(
    "--partial", is_flag=True, help="Leave the records changed since and undo the rest (default: all or nothing)."
)
@click.option("--wait", is_flag=True, help="Wait for the Undo to end; exit ≠ 0 with its message on Error.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, help="With --wait: seconds to wait at most.")
@with_appcontext
def undo(job_id: int, partial: bool, wait: bool, timeout: float) -> None:
    """Launch an Undo of JOB_ID: put back what it changed, never over a later change."""
    original = db.session.get(Job, job_id)
    why = refusal(original)
    if why:
        click.echo(why, err=True)
        sys.exit(1)
    assert original is not None
    plan = preview(original, None, apply=False)
    click.echo(f"Job {job_id}: {summary_of(plan)}.")
    if plan.conflicts and not partial:
        click.echo(
            "Records were changed since: nothing would be undone. --partial leaves them and undoes the rest.", err=True
        )
        sys.exit(1)
    try:
        job, sent = launch(
            "undo_job", description=original.description, parameters={"partial": partial}, undo_of_id=job_id
        )
    except LaunchConflict:  # another Undo of it was launched at the same moment
        click.echo(refusal(db.session.get(Job, job_id)) or "Another Undo of this job was launched.", err=True)
        sys.exit(1)
    click.echo(f"Launched job {job.id} (Undo of job {job_id}).")
    if not sent:
        click.echo("The job queue is not reachable now: the job will start when it is back.", err=True)
    if wait:
        wait_for_job(job.id, timeout)
