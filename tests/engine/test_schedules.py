"""Schedules run by the worker's tick: next runs across daylight-saving changes, each due time
launched once however many workers tick, once after downtime, and the overlap policies."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from actors.engine import lifecycle, scheduling
from actors.engine.worker import retention
from actors.engine.worker.scheduler import run_due_schedules
from actors.wording import site_time
from extensions import db as _db
from models import Job, JobStatus, Overlap, Role, Schedule
from models.base import utcnow
from models.schedule import RETENTION_NAME, RETENTION_TYPE, next_due

PARIS = ZoneInfo("Europe/Paris")


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)


def _runs(expression: str, start_local: datetime, count: int) -> list[datetime]:
    """The next ``count`` runs after ``start_local``, as Paris wall-clock times."""
    runs, after = [], _utc(start_local)
    for _ in range(count):
        after = next_due(expression, after, "Europe/Paris")
        runs.append(after.replace(tzinfo=UTC).astimezone(PARIS).replace(tzinfo=None))
    return runs


def test_a_nightly_0230_run_runs_once_on_both_daylight_saving_days() -> None:
    # 29 March 2026: 02:00 becomes 03:00 (02:30 does not exist): it runs once, at 03:00.
    assert _runs("30 2 * * *", datetime(2026, 3, 28, 12), 3) == [
        datetime(2026, 3, 29, 3, 0),
        datetime(2026, 3, 30, 2, 30),
        datetime(2026, 3, 31, 2, 30),
    ]
    # 25 October 2026: 03:00 goes back to 02:00 (02:30 comes twice): it runs once.
    fall = _runs("30 2 * * *", datetime(2026, 10, 24, 12), 3)
    assert fall == [datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 26, 2, 30), datetime(2026, 10, 27, 2, 30)]
    # Stored as UTC: 00:30 UTC in summer time, 01:30 UTC once winter time began.
    assert next_due("30 2 * * *", datetime(2026, 10, 24, 12), "Europe/Paris") == datetime(2026, 10, 25, 0, 30)
    assert next_due("30 2 * * *", datetime(2026, 10, 25, 12), "Europe/Paris") == datetime(2026, 10, 26, 1, 30)


def _add(users, fonds, cron="* * * * *", overlap=Overlap.WAIT, now=datetime(2026, 6, 1, 10, 0, 30)) -> Schedule:
    fields = {"record": fonds, "format": "pdf"}
    return scheduling.add("nightly", "finding_aid", cron, fields, users["alice"], overlap, now)


def _jobs() -> list[Job]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(Job).order_by(Job.id)))


def test_a_due_schedule_launches_its_job_as_its_owner_then_waits_for_the_next_time(app, db, users, fonds):
    schedule = _add(users, fonds)
    assert schedule.next_run_at == datetime(2026, 6, 1, 10, 1)
    assert run_due_schedules(datetime(2026, 6, 1, 10, 0, 50)) == 0  # not yet due
    assert run_due_schedules(datetime(2026, 6, 1, 10, 1, 5)) == 1
    [job] = _jobs()
    assert (job.type, job.user_id, job.schedule_id) == ("finding_aid", users["alice"].id, schedule.id)
    assert job.description.slug == fonds
    assert job.parameters["format"] == "pdf"
    db.session.refresh(schedule)
    assert schedule.next_run_at == datetime(2026, 6, 1, 10, 2)
    assert schedule.last_run_at == datetime(2026, 6, 1, 10, 1, 5)
    assert run_due_schedules(datetime(2026, 6, 1, 10, 1, 30)) == 0  # that due time is done


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_two_workers_ticking_at_once_launch_a_due_time_once(app, db, users, fonds, monkeypatch):
    _add(users, fonds)
    claim, both_read = Schedule.claim, threading.Barrier(2, timeout=10)

    def claim_together(*args):  # both have read the schedule as due before either claims it
        both_read.wait()
        return claim(*args)

    monkeypatch.setattr(Schedule, "claim", claim_together)
    launched: list[int] = []

    def tick() -> None:
        with app.app_context():  # a session of its own, as another worker process has
            launched.append(run_due_schedules(datetime(2026, 6, 1, 10, 1, 5)))
            _db.session.remove()

    ticks = [threading.Thread(target=tick) for _ in range(2)]
    for thread in ticks:
        thread.start()
    for thread in ticks:
        thread.join(30)
    assert sorted(launched) == [0, 1]
    assert len(_jobs()) == 1


def test_after_ten_minutes_of_downtime_an_every_minute_schedule_runs_once(app, db, users, fonds):
    schedule = _add(users, fonds)
    assert run_due_schedules(datetime(2026, 6, 1, 10, 11, 20)) == 1  # due since 10:01
    assert run_due_schedules(datetime(2026, 6, 1, 10, 11, 40)) == 0
    assert len(_jobs()) == 1
    db.session.refresh(schedule)
    assert schedule.next_run_at == datetime(2026, 6, 1, 10, 12)  # from now, not 10:02


def test_skip_drops_a_due_time_while_the_last_job_goes_on(app, db, users, fonds):
    schedule = _add(users, fonds, overlap=Overlap.SKIP)
    assert run_due_schedules(datetime(2026, 6, 1, 10, 1, 5)) == 1  # its job stays Queued (no worker)
    assert run_due_schedules(datetime(2026, 6, 1, 10, 2, 5)) == 0
    db.session.refresh(schedule)
    assert schedule.next_run_at == datetime(2026, 6, 1, 10, 3)  # skipped, moved on
    lifecycle.kill(_jobs()[0].id)
    assert run_due_schedules(datetime(2026, 6, 1, 10, 3, 5)) == 1
    assert len(_jobs()) == 2


def test_wait_keeps_it_due_until_the_last_job_ends(app, db, users, fonds):
    schedule = _add(users, fonds, overlap=Overlap.WAIT)
    assert run_due_schedules(datetime(2026, 6, 1, 10, 1, 5)) == 1
    assert run_due_schedules(datetime(2026, 6, 1, 10, 2, 5)) == 0
    db.session.refresh(schedule)
    assert schedule.next_run_at == datetime(2026, 6, 1, 10, 2)  # still due
    lifecycle.kill(_jobs()[0].id)
    assert run_due_schedules(datetime(2026, 6, 1, 10, 4, 30)) == 1  # once, as soon as it ended
    db.session.refresh(schedule)
    assert schedule.next_run_at == datetime(2026, 6, 1, 10, 5)
    assert len(_jobs()) == 2


def test_paused_schedules_do_not_run_and_resume_from_now(app, db, users, fonds):
    schedule = _add(users, fonds)
    scheduling.set_paused(schedule, True, datetime(2026, 6, 1, 10, 0, 40))
    assert run_due_schedules(datetime(2026, 6, 1, 10, 30)) == 0
    scheduling.set_paused(schedule, False, datetime(2026, 6, 1, 10, 30, 10))
    assert schedule.next_run_at == datetime(2026, 6, 1, 10, 31)
    assert run_due_schedules(datetime(2026, 6, 1, 10, 31)) == 1


def test_an_owner_who_may_no_longer_create_the_type_launches_nothing(app, db, users, fonds):
    schedule = _add(users, fonds, cron="0 3 * * *")
    users["alice"].role = Role.VIEWER
    db.session.commit()
    assert run_due_schedules(schedule.next_run_at + timedelta(seconds=1)) == 0
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    db.session.refresh(schedule)
    assert schedule.next_run_at == datetime(2026, 6, 3, 3, 0)  # it moved on (not retried every tick)


@pytest.mark.app_config(JOBS_RETENTION_DAYS=90, SITE_TIMEZONE="Europe/Paris")
def test_the_built_in_nightly_retention_prunes_at_night(app, db, make_job, monkeypatch):
    monkeypatch.setattr(retention, "in_background", lambda work: work())  # (the worker: a thread of its own)
    now = datetime(2026, 6, 1, 12)
    today = utcnow()  # (the prune measures ages from the clock)
    make_job(None, JobStatus.COMPLETED, created_at=today - timedelta(days=100))
    recent = make_job(None, JobStatus.COMPLETED, created_at=today - timedelta(days=10))
    assert run_due_schedules(now) == 0  # the tick adds the schedule: 03:00 in the site's time zone
    nightly = Schedule.by_name(RETENTION_NAME)
    assert (nightly.cron, nightly.next_run_at) == ("0 3 * * *", datetime(2026, 6, 2, 1, 0))
    assert run_due_schedules(datetime(2026, 6, 2, 1, 0, 3)) == 0  # it prunes; it launches no job
    assert [job.id for job in _jobs()] == [recent.id]
    assert [path.name for path in (Path(app.instance_path) / "archives").iterdir()] == [
        f"jobs-{site_time(today, 'Europe/Paris')[:10]}.csv"
    ]
    db.session.expire_all()
    assert Schedule.by_name(RETENTION_NAME).next_run_at == datetime(2026, 6, 3, 1, 0)
    with pytest.raises(scheduling.ScheduleError, match="flask jobs prune --retention --yes"):
        scheduling.schedulable(RETENTION_TYPE, None)  # Run now: says what to type instead
