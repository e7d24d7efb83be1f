"""Demo and benchmark data, inserted in batches (no ORM object per row)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import insert, select, text

from commands.demo_related import conditions, insert_related, repository_id
from extensions import autocommit, db
from models.base import utcnow
from models.description import ArchivalDescription, PublicationStatus, unique_slug
from models.job import Job, JobStatus
from models.user import Role, User

LEVELS_BY_DEPTH = ("fonds", "series", "file", "item")
SUBJECTS = (
    "harbour works",
    "ship registers",
    "pilotage",
    "dredging",
    "customs",
    "lighthouses",
    "tide tables",
    "wharf leases",
    "quarantine",
    "fisheries",
    "ferry services",
    "storm damage",
    "coal trade",
    "emigration",
)
FORMS = ("Correspondence", "Minutes", "Ledgers", "Photographs", "Plans", "Reports", "Petitions", "Registers")
BATCH = 2000


def tree_shape(total: int) -> Iterator[int]:
    """Depths of a fonds > series > file > item tree of ``total`` nodes, in tree order."""
    fanout = max(2, math.ceil((total - 1) ** (1 / 3)))
    emitted = 0

    def walk(depth: int) -> Iterator[int]:
        nonlocal emitted
        if emitted >= total:
            return
        emitted += 1
        yield depth
        if depth < len(LEVELS_BY_DEPTH) - 1:
            for _ in range(fanout):
                yield from walk(depth + 1)

    yield from walk(0)


def insert_demo_fonds(total: int, title: str = "Port Ellis Harbour Commission fonds") -> str:
    """Insert a fonds of ``total`` descriptions with consistent nested-set values; returns its slug."""
    rng = random.Random(total)
    depths = list(tree_shape(total))
    first_id = ArchivalDescription.highest_id_ever() + 1
    lft = ArchivalDescription.next_free_lft()
    slug_base = unique_slug(title)
    rows: list[dict] = []
    placed: list[dict] = []  # what demo_related needs of each row beside its columns
    stack: list[dict] = []  # open ancestors, to close their rgt and find parents
    counter, files = lft, 0
    repository = repository_id()
    for index, depth in enumerate(depths):
        while stack and stack[-1]["depth"] >= depth:
            stack.pop()["rgt"] = counter
            counter += 1
        parent = stack[-1] if stack else None
        row = _demo_row(rng, index, depth, first_id + index, parent, title, slug_base)
        row.update(lft=counter, repository_id=repository, **conditions(rng, depth, row["end_date"].year))
        counter += 1
        rows.append(row)
        placed.append({"file_number": files})
        files += depth == 2
        stack.append(row)
    while stack:
        stack.pop()["rgt"] = counter
        counter += 1
    for row, extra in zip(rows, placed, strict=True):
        extra.update(row, subject=row.pop("_subject"))
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(ArchivalDescription), rows[start : start + BATCH])
    _advance_id_sequence("archival_descriptions")
    insert_related(placed, list(SUBJECTS))
    db.session.commit()
    return slug_base


def _demo_row(
    rng: random.Random, index: int, depth: int, row_id: int, parent: dict | None, title: str, slug_base: str
) -> dict:
    """One description; its dates lie within its parent's (1851-1972 for the fonds)."""
    low, high = (parent["start_date"].year, parent["end_date"].year) if parent else (1851, 1972)
    start_year = low if parent is None else rng.randint(low, high)
    end_year = high if parent is None else rng.randint(start_year, min(high, start_year + 30))
    subject = parent["_subject"] if parent and depth > 1 else rng.choice(SUBJECTS)
    level = LEVELS_BY_DEPTH[depth]
    row_title = title if depth == 0 else f"{rng.choice(FORMS)} on {subject}"
    return {
        "_subject": subject,  # (not a column: its series' subject access point)
        "id": row_id,
        "parent_id": parent["id"] if parent else None,
        "depth": depth,
        "slug": slug_base if depth == 0 else f"{slug_base}-pehc-{index:05d}",
        "identifier": "PEHC" if depth == 0 else f"PEHC-{index:05d}",
        "title": row_title,
        "level_of_description": level,
        "dates": f"{start_year}-{end_year}",
        "start_date": date(start_year, 1, 1),
        "end_date": date(end_year, 12, 31),
        "extent_and_medium": f"{rng.randint(1, 40)} {'boxes' if depth < 2 else 'folders'} of textual records",
        "scope_and_content": (
            f"{level.capitalize()} consisting of {subject} kept by the commission, "
            f"documenting its work between {start_year} and {end_year}."
        ),
        "arrangement": "Arranged chronologically." if depth < 3 else None,
        "has_digital_object": depth == 3 and index % 3 == 0,
        # (a digital object has a file: without it, an export could not carry the flag)
        "digital_object_uri": f"https://images.example.org/pehc/{index:05d}.jpg"
        if depth == 3 and index % 3 == 0
        else None,
        "publication_status": PublicationStatus.PUBLISHED if rng.random() < 0.7 else PublicationStatus.DRAFT,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }


def _advance_id_sequence(table: str) -> None:
    """Explicit ids leave PostgreSQL's sequence behind; move it past them (never back: ids
    deleted by an Undo above today's highest are named by the ledger)."""
    if db.engine.dialect.name == "postgresql":
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        db.session.execute(
            text(
                f"SELECT setval({sequence}, GREATEST((SELECT max(id) FROM {table}),"
                f" pg_sequence_last_value({sequence}::regclass), 1))"
            )
        )


def demo_users(count: int) -> list[int]:
    """Ids of ``count`` demo users (demo-user-1..K), created when missing."""
    names = [f"demo-user-{n}" for n in range(1, count + 1)]
    existing = set(db.session.scalars(select(User.username).where(User.username.in_(names))))
    for name in names:
        if name not in existing:
            user = User(username=name, role=Role.CONTRIBUTOR)
            user.set_password(random.SystemRandom().randbytes(16).hex())
            db.session.add(user)
    db.session.commit()
    return list(db.session.scalars(select(User.id).where(User.username.in_(names)).order_by(User.id)))


def insert_historical_jobs(count: int, users: int) -> int:
    """Insert finished jobs spread over users, statuses and the past: on PostgreSQL one
    INSERT ... SELECT generate_series (a million rows in seconds), elsewhere in batches."""
    user_ids = demo_users(users)
    if db.engine.dialect.name == "postgresql":
        _insert_jobs_postgres(count, user_ids)
        return count
    now = utcnow()
    statuses = (JobStatus.COMPLETED,) * 8 + (JobStatus.ERROR, JobStatus.CANCELED)
    rng = random.Random(count)
    for start in range(0, count, 10_000):
        rows = []
        for n in range(start, min(count, start + 10_000)):
            # Spread over the past, finished before now.
            created = now - timedelta(seconds=(count - n) * 30 + 600)
            status = statuses[(n // len(user_ids)) % len(statuses)]  # every user gets every status
            rows.append(
                {
                    "type": "finding_aid",
                    "status": status,
                    "user_id": user_ids[n % len(user_ids)],
                    "parameters": {"format": "pdf"},
                    "created_at": created,
                    "sent_at": created,
                    "started_at": created,
                    "finished_at": created + timedelta(seconds=rng.randint(1, 600)),
                    "info": "Finding aid generated (PDF)."
                    if status == JobStatus.COMPLETED
                    else f"Historical {status.value} job.",
                    "output": "",
                }
            )
        db.session.execute(insert(Job), rows)
        db.session.commit()
    return count


def _insert_jobs_postgres(count: int, user_ids: list[int]) -> None:
    """The same rows as the batched path, generated by the server (per user: 8 completed, 1 error, 1 canceled in 10)."""
    db.session.execute(
        text(
            """
            INSERT INTO jobs (type, status, user_id, parameters, created_at, sent_at, started_at, finished_at,
                              info, output)
            SELECT 'finding_aid', s.status, (CAST(:user_ids AS integer[]))[1 + n % :users],
                   CAST('{"format": "pdf"}' AS json),
                   c.created, c.created, c.created, c.created + make_interval(secs => 1 + (n * 7919) % 600),
                   CASE s.status WHEN 'completed' THEN 'Finding aid generated (PDF).'
                                 ELSE 'Historical ' || s.status || ' job.' END, ''
            FROM generate_series(CAST(0 AS bigint), :count - 1) AS n,
                 LATERAL (SELECT CAST(:now AS timestamp) - make_interval(secs => (:count - n) * 30 + 600)
                          AS created) AS c,
                 LATERAL (SELECT CASE (n / :users) % 10 WHEN 8 THEN 'error' WHEN 9 THEN 'canceled'
                                 ELSE 'completed' END AS status) AS s
            """
        ),
        {"user_ids": user_ids, "users": len(user_ids), "count": count, "now": utcnow()},
    )
    db.session.commit()
    # What autovacuum would do soon: statistics, and the visibility map index-only scans need.
    with autocommit() as connection:
        connection.execute(text("VACUUM ANALYZE jobs"))
