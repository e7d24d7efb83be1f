"""Pruning: old inactive jobs written to an archive (the Jobs page's history CSV), then cleared
with their output, files and ledgers. History is never deleted without its archive: a job is
deleted only after its row is in the archive file, which is complete (renamed into place)
before the first deletion.

``flask jobs prune`` calls ``prune``; the nightly retention run (and ``prune --retention``)
calls ``prune_by_retention``."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from actors.engine.clearing import delete_jobs
from actors.engine.clearing.history import HEADER, LINE_END, row_partitions
from actors.wording import site_time
from extensions import db
from models import Job, JobStatus
from models.base import utcnow

# Clocks of the hosts that end Undos may differ a little from this one's.
CLOCK_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class Selection:
    """Which jobs a prune takes: inactive ones (never queued or running, whatever is asked)
    that ended longer ago than ``older_than``, of these statuses and types (all when empty)."""

    older_than: timedelta
    statuses: tuple[JobStatus, ...] = ()
    types: tuple[str, ...] = ()
    now: datetime = field(default_factory=utcnow)

    @property
    def cutoff(self) -> datetime:
        return self.now - self.older_than

    def query(self) -> Select:
        statuses = [s for s in JobStatus.inactive() if not self.statuses or s in self.statuses]
        ended = or_(Job.finished_at < self.cutoff, Job.finished_at.is_(None) & (Job.created_at < self.cutoff))
        query = select(Job).where(Job.status.in_(statuses), ended, Job.clearable())
        return query.where(Job.type.in_(self.types)) if self.types else query


@dataclass(frozen=True)
class Summary:
    """What a prune would take: counts by (status, type), and when the oldest and newest ended."""

    counts: list[tuple[JobStatus, str, int]]
    oldest: datetime | None
    newest: datetime | None

    @property
    def total(self) -> int:
        return sum(count for _, _, count in self.counts)


@dataclass(frozen=True)
class Pruned:
    archived: int
    pruned: int
    archive: Path | None  # None: nothing matched, no file written


def summary(selection: Selection) -> Summary:
    ended = func.coalesce(Job.finished_at, Job.created_at)
    rows = db.session.execute(
        selection.query()
        .with_only_columns(Job.status, Job.type, func.count(), func.min(ended), func.max(ended))
        .group_by(Job.status, Job.type)
        .order_by(Job.status, Job.type)
    ).all()
    return Summary(
        counts=[(status, type_key, count) for status, type_key, count, _, _ in rows],
        oldest=min((row[3] for row in rows), default=None),
        newest=max((row[4] for row in rows), default=None),
    )


def archive_taken(path: Path) -> bool:
    """An archive is never overwritten: a file already there counts unless it is empty."""
    return path.exists() and path.stat().st_size > 0


def prune(selection: Selection, archive: Path) -> Pruned:
    """Write the selected jobs' history to ``archive``, then delete exactly those jobs.

    The archive is written beside, flushed to disk and renamed into place first. The deletion
    then takes the archived jobs again (ids up to the last archived one) less any whose Undo
    was launched or ended since the prune began: those may not be in the archive."""
    if archive_taken(archive):
        raise FileExistsError(archive)
    began = utcnow() - CLOCK_MARGIN
    archived, last_id = _write_archive(selection.query().order_by(Job.id), archive)
    if not archived:
        return Pruned(0, 0, None)
    undo = aliased(Job)
    undone_since = select(undo.undo_of_id).where(  # (few: read once per batch through its index, never a scan)
        undo.undo_of_id.isnot(None), or_(undo.finished_at.is_(None), undo.finished_at >= began)
    )
    pruned = delete_jobs(selection.query().where(Job.id <= last_id, Job.id.not_in(undone_since)))
    return Pruned(archived, pruned, archive)


def _write_archive(query: Select, archive: Path) -> tuple[int, int]:
    """(rows written, last id); no file at all when nothing matched."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(f".{archive.name}.partial")
    count = last_id = 0
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator=LINE_END)
            writer.writerow(HEADER)
            for rows in row_partitions(query):
                writer.writerows(rows)
                count, last_id = count + len(rows), rows[-1][-1]
            out.flush()
            os.fsync(out.fileno())
        db.session.commit()  # (ends the reading transaction before the deletions)
        if count:
            os.replace(partial, archive)
    finally:
        partial.unlink(missing_ok=True)
    return count, last_id


def retention_archive() -> Path:
    """instance/archives/jobs-YYYY-MM-DD.csv, today in the site's time zone (-2, -3 ... when
    that day's name is taken)."""
    day = site_time(utcnow())[:10]
    folder = Path(current_app.instance_path) / "archives"
    path, n = folder / f"jobs-{day}.csv", 1
    while archive_taken(path):
        n += 1
        path = folder / f"jobs-{day}-{n}.csv"
    return path


def prune_by_retention() -> Pruned | None:
    """The nightly run: JOBS_RETENTION_DAYS applied, archived in the instance's storage.
    None when the setting is unset (history is kept until cleared)."""
    days = current_app.config.get("JOBS_RETENTION_DAYS")
    if not days:
        return None
    return prune(Selection(timedelta(days=days)), retention_archive())
