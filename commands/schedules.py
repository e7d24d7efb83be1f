"""`flask schedules ...`: recurring jobs, launched by the worker when their cron expression says
(read in SITE_TIMEZONE). Parameters are the type's form fields, checked as the form checks them."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask.cli import with_appcontext

from actors.engine import scheduling
from actors.engine.launching import launch_scheduled
from actors.wording import site_time
from commands.users import existing_user
from models import Overlap, Schedule
from models.base import utcnow

schedules_cli = click.Group("schedules", help="Jobs that run themselves on a cron schedule (in SITE_TIMEZONE).")


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def _schedule(name: str) -> Schedule:
    schedule = Schedule.by_name(name)
    if schedule is None:
        _fail(f"There is no schedule named “{name}” (see `flask schedules list`).")
    return schedule


def _fields(params: tuple[str, ...]) -> dict[str, str]:
    fields = {}
    for param in params:
        name, equals, value = param.partition("=")
        if not equals or not name.strip():
            _fail(f"--param {param!r}: write it FIELD=VALUE (e.g. record=my-fonds).")
        fields[name.strip()] = value
    return fields


@schedules_cli.command("add")
@click.argument("name")
@click.option("--type", "type_key", required=True, help="The job type's key, as in /jobs/new/<type>.")
@click.option("--cron", required=True, help='Five fields, e.g. "30 2 * * *" (every night at 02:30).')
@click.option("--param", "params", multiple=True, help="FIELD=VALUE, a field of the type's form (repeat).")
@click.option("--user", "username", help="Its jobs run as this user (permissions, notifications); default: none.")
@click.option("--overlap", type=click.Choice([o.value for o in Overlap]), default="wait", show_default=True,
              help="When its previous job is still queued or running: wait for it, or skip that run.")  # fmt: skip
@with_appcontext
def add(name: str, type_key: str, cron: str, params: tuple[str, ...], username: str | None, overlap: str) -> None:
    """Add schedule NAME: a TYPE job with these parameters, each time CRON says."""
    user = existing_user(username) if username else None
    try:
        schedule = scheduling.add(name, type_key, cron, _fields(params), user, Overlap(overlap), utcnow())
    except scheduling.ScheduleError as error:
        _fail(f"Schedule not added: {error}")
    click.echo(f"Added schedule “{schedule.name}”; next run {site_time(schedule.next_run_at)}.")


def _last_run(schedule: Schedule) -> str:
    if schedule.last_run_at is None:
        return "never"
    job = schedule.last_job()
    outcome = f" (job {job.id}: {job.status.label})" if job else ""
    return site_time(schedule.last_run_at) + outcome


@schedules_cli.command("list")
@with_appcontext
def list_command() -> None:
    """One line per schedule (tab-separated): name, type, cron, next run, last run and its job, state."""
    for schedule in Schedule.listed():
        state = "paused" if schedule.paused else "active"
        next_run = "-" if schedule.paused else site_time(schedule.next_run_at)
        cells = (schedule.name, schedule.type, schedule.cron, next_run, _last_run(schedule), state)
        click.echo("\t".join(cells))


@schedules_cli.command("run")
@click.argument("name")
@with_appcontext
def run(name: str) -> None:
    """Launch NAME's job now, once; its next run stays when it was."""
    schedule = _schedule(name)
    try:
        scheduling.schedulable(schedule.type, schedule.user)
    except scheduling.ScheduleError as error:
        _fail(f"Not run: {error}")
    job, sent = launch_scheduled(schedule, utcnow())
    click.echo(f"Launched job {job.id}.")
    if not sent:
        click.echo("The job queue is not reachable now: the job will start when it is back.", err=True)


@schedules_cli.command("pause")
@click.argument("name")
@with_appcontext
def pause(name: str) -> None:
    """Stop running NAME until it is resumed."""
    scheduling.set_paused(_schedule(name), True, utcnow())
    click.echo(f"Paused “{name}”.")


@schedules_cli.command("resume")
@click.argument("name")
@with_appcontext
def resume(name: str) -> None:
    """Run NAME again from its next due time (the runs missed while paused are not made up)."""
    schedule = _schedule(name)
    scheduling.set_paused(schedule, False, utcnow())
    click.echo(f"Resumed “{name}”; next run {site_time(schedule.next_run_at)}.")


@schedules_cli.command("remove")
@click.argument("name")
@with_appcontext
def remove(name: str) -> None:
    """Delete NAME; its jobs stay (without their link to it)."""
    scheduling.remove(_schedule(name))
    click.echo(f"Removed “{name}”.")
