"""Job queries of the Jobs page: filtered lists, keyset pages, counts, health."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import aliased

from blueprints.jobs.filters import JobFilter
from extensions import db
from models import Job, JobStatus, User, WorkerProcess
from models.base import utcnow

# A search reads at most this many job ids per page (an id range), so a rare term never
# scans a million rows in one request; "Older" searches further.
SEARCH_WINDOW = 20_000


def jobs_for(user: User, tab: str, filters: JobFilter | None = None, *, search: bool = True) -> Select:
    """What the user may see, on a tab ('active' = queued + running), narrowed by filters.

    Unordered: callers add keyset order/limit. search=False leaves the search out (the
    Jobs page applies it inside a bounded window instead).
    """
    query = Job.visible_to(user)
    if tab == "active":
        query = query.where(Job.status.in_(JobStatus.active()))
    if filters is not None:
        query = query.where(*filters.criteria())
        criterion = filters.search_criterion() if search else None
        if criterion is not None:
            query = query.where(criterion)
    return query


@dataclass
class KeysetPage:
    """One page, newest first. newer/older are the query args of the links, or None."""

    items: list[Job]
    newer: dict[str, int] | None = None
    older: dict[str, int] | None = None
    searched: int | None = None  # a search window ended here without filling the page
    extra: dict[str, Any] = field(default_factory=dict)


def keyset_page(
    base: Select,
    per_page: int,
    *,
    before: int | None = None,
    after: int | None = None,
    search: Any = None,
    window: int = SEARCH_WINDOW,
) -> KeysetPage:
    """Rows of base with id < before (or > after), newest first: an index range scan + LIMIT
    whatever the depth, unlike OFFSET. With a search criterion, only `window` ids are read."""
    ascending = after is not None
    bound = (Job.id > after) if ascending else (Job.id < before) if before is not None else None
    order = Job.id.asc() if ascending else Job.id.desc()
    query = base if bound is None else base.where(bound)
    edge = None
    if search is not None:
        edge = _window_edge(before, after, window)
        query = query.where(search)
        if edge is not None:
            query = query.where(Job.id <= edge if ascending else Job.id >= edge)
    rows = list(db.session.scalars(query.order_by(order).limit(per_page + 1)).unique())
    more = len(rows) > per_page
    rows = rows[:per_page]
    if ascending:
        rows.reverse()
    if ascending and not rows and edge is None:
        return keyset_page(base, per_page, search=search, window=window)  # nothing newer: the first page
    page = KeysetPage(rows)
    if not more and edge is not None:
        page.searched = edge
    if after is not None:  # (ascending)
        page.newer = {"after": rows[0].id} if more else {"after": page.searched} if page.searched else None
        page.older = _link_if(base, search, rows[-1].id if rows else after + 1, older=True)
    else:
        page.older = {"before": rows[-1].id} if more else {"before": page.searched} if page.searched else None
        page.newer = None if before is None else _link_if(base, search, rows[0].id if rows else before - 1, older=False)
    return page


def _window_edge(before: int | None, after: int | None, window: int) -> int | None:
    """The last id a search may read: `window` ids past the keyset, whoever owns them.

    Bounded in ids, not in matching rows: a user's jobs are spread thinly over the table,
    so "their newest 10,000" could mean reading half of it. None when the window reaches
    the end of the table (nothing further to search).
    """
    low, high = db.session.execute(select(func.min(Job.id), func.max(Job.id))).one()
    if high is None:
        return None
    if after is not None:
        edge = after + window
        return edge if edge < high else None
    edge = (high + 1 if before is None else before) - window
    return edge if edge > low else None


def _link_if(base: Select, search: Any, edge_id: int, *, older: bool) -> dict[str, int] | None:
    """A link past edge_id when a row lies there (one index probe); with a search, always."""
    key, criterion = ("before", Job.id < edge_id) if older else ("after", Job.id > edge_id)
    if search is None and db.session.scalar(base.with_only_columns(Job.id).where(criterion).limit(1)) is None:
        return None
    return {key: edge_id}


def counts(user: User, since: timedelta = timedelta(hours=24)) -> dict[str, int]:
    """Queued / running now, and failed in the last 24 h, among the jobs user may see. A failure
    stops counting once it was retried (or cleared), or once the user marked the failures as
    seen: a red count that stays after they were dealt with teaches to ignore it."""
    visible = Job.visible_to(user)
    active = dict(
        db.session.execute(
            visible.with_only_columns(Job.status, func.count())
            .where(Job.status.in_(JobStatus.active()))
            .group_by(Job.status)
        ).all()
    )
    retried = aliased(Job)
    failed = db.session.scalar(
        visible.with_only_columns(func.count()).where(
            Job.status == JobStatus.ERROR,
            Job.finished_at >= max(utcnow() - since, user.failures_seen_at or datetime.min),
            ~exists().where(retried.retry_of_id == Job.id),
        )
    )
    return {"queued": active.get(JobStatus.QUEUED, 0), "running": active.get(JobStatus.RUNNING, 0), "failed": failed}


def queue_position(job: Job) -> int | None:
    """How many queued jobs are ahead of a queued job (smaller id); None when not queued."""
    if job.status != JobStatus.QUEUED:
        return None
    return db.session.scalar(
        select(func.count()).select_from(Job).where(Job.status == JobStatus.QUEUED, Job.id < job.id)
    )


@dataclass
class Health:
    workers: list[WorkerProcess]
    last_seen: datetime | None

    @property
    def workers_alive(self) -> int:
        return len(self.workers)


def health() -> Health:
    """Whether anyone is working, from heartbeats in the database (never from the broker)."""
    window = current_app.config["WORKER_HEARTBEAT_SECONDS"] * 3
    return Health(workers=WorkerProcess.alive(window), last_seen=WorkerProcess.last_seen())
