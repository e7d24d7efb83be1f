"""`flask descriptions ...`: import, export and list archival descriptions from scripts.

Imports and exports run as ordinary jobs (no user, or ``--user``'s: their permissions, their
notifications), so they show on the Jobs page, take the same locks and can be canceled there;
``--wait`` follows the job's row until it ends.
"""

from __future__ import annotations

import shutil
import sys
import time
import zipfile
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from actors.engine.launching import launch
from actors.formats import FORMAT_NAMES
from actors.formats.load.plan import MATCH_MODES
from actors.formats.uploads import UploadError, check_upload, store_upload
from actors.formats.writing import parse_slugs
from actors.registry import JOB_TYPES
from extensions import db
from models import ArchivalDescription as D
from models import Job, JobStatus, PublicationStatus, User

descriptions_cli = click.Group("descriptions", help="Import, export and list archival descriptions.")
DEFAULT_TIMEOUT = 6 * 3600


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def _record(slug: str) -> D:
    record = D.by_slug(slug)
    if record is None:
        _fail(f"There is no description with the slug “{slug}”.", 2)
    return record


def _as_user(username: str | None, type_key: str) -> User | None:
    """The user a job runs as (None: the CLI's own, no user); exit 1 when there is no such active
    user or their role may not create this type of job."""
    if username is None:
        return None
    user = User.by_username(username)
    if user is None or not user.active:
        _fail(f"There is no active user {username!r}.")
    job_type = JOB_TYPES[type_key]
    if not job_type.may_create(user):
        _fail(f"{username} ({user.role.value}) may not create “{job_type.label}” jobs.")
    return user


USER_OPTION = click.option(
    "--user", "username", help="Run the job as this user: their permissions; the job and its notifications are theirs."
)


def _launched(job: Job, sent: bool) -> None:
    click.echo(f"Launched job {job.id}.")
    if not sent:
        click.echo("The job queue is not reachable now: the job will start when it is back.", err=True)


def wait_for_job(job_id: int, timeout: float, interval: float = 0.5) -> Job:
    """Poll the job's row until it ends, echoing its new output; exit ≠ 0 unless it completed."""
    deadline = time.monotonic() + timeout
    shown = ""
    while True:
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        if job is None:  # cleared once it ended, before this poll
            _fail(f"Job {job_id} no longer exists.")
        output = job.output or ""
        if output.startswith(shown) and len(output) > len(shown):  # (a capped output's middle moves: skip it)
            click.echo(output[len(shown) :], nl=False)
            shown = output
        if not job.is_active:
            break
        if time.monotonic() > deadline:
            _fail(f"Job {job_id} is still {job.status.label} after {timeout:.0f} s; it goes on in the background.", 3)
        time.sleep(interval)
    if job.status != JobStatus.COMPLETED:
        _fail(f"Job {job_id} ended {job.status.label}: {job.info or ''}")
    click.echo(f"\nJob {job_id} completed: {job.info or ''}")
    return job


@descriptions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(FORMAT_NAMES)), help="Default: from the file name.")
@click.option("--parent", help="Slug of the description to import under (default: top level).")
@click.option(
    "--match",
    type=click.Choice(MATCH_MODES),
    default="skip",
    show_default=True,
    help="A record with the same identifier under the same parent: skip it, update it, or import anew.",
)
@USER_OPTION
@click.option("--wait", is_flag=True, help="Wait for the job to end; exit ≠ 0 with its message on Error.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, help="With --wait: seconds to wait at most.")
@with_appcontext
def import_command(
    file: Path, fmt: str | None, parent: str | None, match: str, username: str | None, wait: bool, timeout: float
) -> None:
    """Launch an import of an AtoM CSV or EAD 2002 FILE."""
    user = _as_user(username, "import_descriptions")
    record = _record(parent) if parent else None
    limit = current_app.config["IMPORT_MAX_FILE_BYTES"]
    with file.open("rb") as stream:
        try:
            fmt = check_upload(stream, file.name, fmt, limit)
        except UploadError as error:
            _fail(f"{file}: {error}")
        stored = store_upload(FileStorage(stream=stream, filename=file.name))
    parameters = {"file": stored, "format": fmt, "parent": record.slug if record else None, "match": match}
    job, sent = launch("import_descriptions", user=user, description=record, parameters=parameters)
    _launched(job, sent)
    if wait:
        wait_for_job(job.id, timeout)


@descriptions_cli.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMAT_NAMES)), required=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where --wait writes the result: a .zip as it is, else the (single) exported file.",
)
@USER_OPTION
@click.option("--wait", is_flag=True, help="Wait for the job, then write --output.")
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, help="With --wait: seconds to wait at most.")
@with_appcontext
def export_command(slug: str, fmt: str, output: Path, username: str | None, wait: bool, timeout: float) -> None:
    """Launch an export of SLUG (or several, comma-separated) and its descendants."""
    user = _as_user(username, "export_descriptions")
    slugs = parse_slugs(slug)
    records = [_record(s) for s in slugs]
    if not records:
        _fail("Name at least one description to export.", 2)
    parameters = {"format": fmt, "slugs": slugs}
    job, sent = launch("export_descriptions", user=user, description=records[0], parameters=parameters)
    _launched(job, sent)
    if not wait:
        click.echo(f"When it completes, download it from /jobs/{job.id}/result (or use --wait to write {output}).")
        return
    job = wait_for_job(job.id, timeout)
    if not job.result_path:
        _fail(f"Job {job.id} completed without a result file.")
    copy_result(Path(job.result_path), output)
    click.echo(f"Wrote {output}.")


def copy_result(zip_path: Path, output: Path) -> None:
    """A .zip output gets the zip; any other name gets its one member (streamed, not loaded)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".zip":
        shutil.copyfile(zip_path, output)
        return
    with zipfile.ZipFile(zip_path) as archive:
        members = archive.namelist()
        if len(members) != 1:
            _fail(f"The export has {len(members)} files ({', '.join(members)}); use an --output ending in .zip.")
        with archive.open(members[0]) as source, output.open("wb") as target:
            shutil.copyfileobj(source, target)


def _cell(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


@descriptions_cli.command("list")
@click.option("--root", help="Only this description and its descendants.")
@with_appcontext
def list_command(root: str | None) -> None:
    """One line per description in tree order: depth, level, identifier, title, status, slug (tab-separated)."""
    query = select(D.depth, D.level_of_description, D.identifier, D.title, D.publication_status, D.slug).order_by(D.lft)
    if root:
        record = _record(root)
        query = query.where(D.lft.between(record.lft, record.rgt))
    for depth, level, identifier, title, status, slug in db.session.execute(query.execution_options(yield_per=2000)):
        cells = (str(depth), level, _cell(identifier), _cell(title), PublicationStatus(status).label, slug)
        click.echo("\t".join(cells))
