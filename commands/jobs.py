"""`flask jobs ...`: the administrator's commands."""

from __future__ import annotations

import os
import re
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from actors.engine import clearing, lifecycle
from actors.engine.clearing import pruning
from actors.engine.launching import dispatch_unsent
from actors.engine.runtime import runtime
from actors.engine.worker.reaper import reap_lost_jobs
from actors.engine.worker.supervisor import STOP_MARGIN_SECONDS, serve
from actors.registry import JOB_TYPES, label_for
from actors.wording import site_time
from extensions import db
from models import Job, JobStatus, User

jobs_cli = click.Group("jobs", help="Manage background jobs.")


@jobs_cli.command("list")
@click.option("--status", type=click.Choice([s.value for s in JobStatus], case_sensitive=False))
@click.option("--limit", default=100, show_default=True, help="Newest N jobs.")
@with_appcontext
def list_jobs(status: str | None, limit: int) -> None:
    """Table of jobs: id, status, name, user, start, end."""
    query = select(Job.id, Job.status, Job.type, User.username, Job.created_at, Job.finished_at).outerjoin(
        User, User.id == Job.user_id
    )
    if status:
        query = query.where(Job.status == JobStatus(status.lower()))
    rows = db.session.execute(query.order_by(Job.id.desc()).limit(limit)).all()
    table = [("ID", "STATUS", "NAME", "USER", "START", "END")] + [
        (str(i), s.label, label_for(t), u or "", site_time(c), site_time(f) or "N/A") for i, s, t, u, c, f in rows
    ]
    widths = [max(len(row[col]) for row in table) for col in range(6)]
    for row in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if not rows:
        click.echo("No jobs.")


@jobs_cli.command("clear")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def clear(yes: bool) -> None:
    """Delete ALL jobs (queued, running, finished), their history and files, and purge the queue."""
    if not yes:
        click.echo(
            "This deletes ALL jobs — queued, running and finished — with their history and output files\n"
            "and the record of what they changed in the descriptions (it can no longer be seen, nor undone),\n"
            "and removes queued messages from the job queue. Export the history first if you need it\n"
            "(Jobs page > Export history CSV)."
        )
        click.confirm("Clear all jobs?", abort=True)
    try:
        runtime().broker.flush_all()
    except Exception as error:
        click.echo(f"Warning: the job queue could not be purged ({error}); cleared jobs will be ignored if sent.")
    count = clearing.delete_jobs(select(Job))
    click.echo(f"Cleared {count} job{'s' if count != 1 else ''}.")
    kept = db.session.scalar(select(func.count()).select_from(Job)) or 0
    if kept:
        click.echo(f"Kept {kept}: Undos queued or running and the jobs they undo. Clear again once they end.")


DURATION_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class Duration(click.ParamType):
    """90d, 12h, 60m: a number of days, hours or minutes."""

    name = "duration"

    def convert(self, value, param, ctx) -> timedelta:
        if isinstance(value, timedelta):
            return value
        match = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", str(value).lower())
        if not match:
            self.fail(f"{value!r} is not a duration: a number then d (days), h (hours) or m (minutes), e.g. 90d.")
        return timedelta(**{DURATION_UNITS[match[2]]: int(match[1])})


@jobs_cli.command("prune")
@click.option("--older-than", type=Duration(), help="Jobs that ended longer ago than this: 90d, 12h, 60m.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([s.value for s in JobStatus.inactive()], case_sensitive=False),
    help="Only jobs of this status (repeatable). Queued and running jobs are never pruned.",
)
@click.option("--type", "types", multiple=True, help="Only jobs of this type key, e.g. finding_aid (repeatable).")
@click.option("--archive", type=click.Path(dir_okay=False, path_type=Path), help="CSV file their history goes to.")
@click.option("--retention", is_flag=True, help="Apply JOBS_RETENTION_DAYS, archiving into instance/archives/.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def prune(
    older_than: timedelta | None,
    statuses: tuple[str, ...],
    types: tuple[str, ...],
    archive: Path | None,
    retention: bool,
    yes: bool,
) -> None:
    """Archive the history of old inactive jobs to a CSV (the Jobs page export's format), then
    delete them with their output, files and ledgers."""
    older_than, archive = _age_and_archive(older_than, archive, retention)
    unknown = sorted(set(types) - set(JOB_TYPES))
    if unknown:
        raise click.BadParameter(
            f"unknown {', '.join(unknown)}; one of {', '.join(sorted(JOB_TYPES))}.", param_hint="--type"
        )
    if pruning.archive_taken(archive):
        raise click.ClickException(f"{archive} already exists: an archive is never overwritten; choose another name.")
    selection = pruning.Selection(older_than, tuple(JobStatus(s.lower()) for s in statuses), types)
    if not yes:
        _ask(selection, archive)
    done = pruning.prune(selection, archive)
    if done.archive is None:
        click.echo(f"Nothing to prune: no inactive job ended before {site_time(selection.cutoff)}.")
        return
    click.echo(f"Archived {done.archived} jobs to {done.archive}; pruned {done.pruned}.")
    if done.pruned < done.archived:
        click.echo(f"Kept {done.archived - done.pruned}: an Undo of them was launched meanwhile.")


def _age_and_archive(older_than: timedelta | None, archive: Path | None, retention: bool) -> tuple[timedelta, Path]:
    """What to prune and where its history goes: as given, or JOBS_RETENTION_DAYS into instance/archives/."""
    if retention:
        if older_than or archive:
            raise click.UsageError("--retention takes its age from JOBS_RETENTION_DAYS and names its own archive.")
        days = current_app.config.get("JOBS_RETENTION_DAYS")
        if not days:
            raise click.ClickException("JOBS_RETENTION_DAYS is not set: jobs are kept until cleared.")
        return timedelta(days=days), pruning.retention_archive()
    if older_than is None:
        raise click.UsageError("Say which jobs: --older-than DURATION (e.g. 90d), or --retention.")
    if archive is None:
        raise click.UsageError("--archive FILE is required: history is never deleted without its archive.")
    return older_than, archive


def _ask(selection: pruning.Selection, archive: Path) -> None:
    """Print what would be pruned and ask; no stops here (exit 1, nothing changed)."""
    seen = pruning.summary(selection)
    if not seen.total:
        return  # (prune says there is nothing to prune)
    click.echo(f"Would prune {seen.total} inactive jobs that ended before {site_time(selection.cutoff)}:")
    for status, type_key, count in seen.counts:
        click.echo(f"  {count:>10}  {status.label:<10} {label_for(type_key)}")
    click.echo(f"Oldest ended {site_time(seen.oldest)}, newest {site_time(seen.newest)}.")
    click.echo(
        f"Their history is written to {archive} first; then they are deleted with their output files and\n"
        "the record of what they changed in the descriptions (it can no longer be seen, nor undone)."
    )
    click.confirm("Prune them?", abort=True)


@jobs_cli.command("kill")
@click.argument("job_id", type=int)
@with_appcontext
def kill(job_id: int) -> None:
    """Stop one stalled or queued job: mark it Error and never run it."""
    job = db.session.get(Job, job_id)
    if job is None:
        click.echo(f"There is no job {job_id}.", err=True)
        sys.exit(1)
    if not lifecycle.kill(job_id):
        click.echo(f"Job {job_id} has already ended ({job.status.label}); nothing to kill.", err=True)
        sys.exit(1)
    click.echo(f"Job {job_id} marked Error (killed by administrator).")


@jobs_cli.command("dispatch")
@with_appcontext
def dispatch() -> None:
    """Send queued jobs whose message never reached the queue (e.g. Redis was down)."""
    click.echo(f"Sent {dispatch_unsent(grace_seconds=0)} job(s).")


@jobs_cli.command("reap")
@with_appcontext
def reap() -> None:
    """Settle the running jobs of workers that stopped or went silent, and those no worker runs any more."""
    silent = current_app.config["WORKER_HEARTBEAT_SECONDS"] * 3
    requeued, failed = reap_lost_jobs(silent, runtime().job_types)
    click.echo(f"Jobs of lost workers: {requeued} re-queued, {failed} marked Error.")


@jobs_cli.command("worker")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--queues", default="", help="Comma-separated queues to consume (default: all, or WORKER_QUEUES).")
def worker(processes: int, threads: int, queues: str) -> None:
    """Run a worker (what the Procfile's worker line calls). Ctrl-C or SIGTERM stops it cleanly."""
    if queues:
        os.environ["WORKER_QUEUES"] = queues  # the spawned worker processes read it through the config
    current_app.logger.info("Starting %d worker process(es) with %d thread(s).", processes, threads)
    stop_timeout = current_app.config["WORKER_SHUTDOWN_SECONDS"] + STOP_MARGIN_SECONDS
    # Each worker process builds its own app with the factory this one came from.
    sys.exit(serve(f"{current_app.import_name}:create_app", processes, threads, stop_timeout))
