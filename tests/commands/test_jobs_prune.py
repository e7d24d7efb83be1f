"""`flask jobs prune`: old inactive jobs archived to the history CSV, then deleted with their
files and ledgers; never an active job; the retention setting and what the Jobs page says of it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from models import ArchivalDescription, Job, JobStatus, Notification
from models.base import utcnow
from models.changes import RecordChange
from models.finding_aid import FindingAid
from tests.helpers import parse_csv

pytestmark = pytest.mark.test_jobs


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args, input=None: runner.invoke(args=list(args), input=input)


def days_ago(days: float):
    return utcnow() - timedelta(days=days)


@pytest.fixture
def history(make_job, instance_dir, db):
    """Jobs of every age and status; the old finished ones have an output file and a ledger."""
    jobs = {
        "old_done": make_job("alice", JobStatus.COMPLETED, created_at=days_ago(100), info="=SUM(A1)"),
        "old_error": make_job("bob", JobStatus.ERROR, type="publication_status", created_at=days_ago(200)),
        "old_canceled": make_job(None, JobStatus.CANCELED, created_at=days_ago(95)),
        "recent_done": make_job("alice", JobStatus.COMPLETED, created_at=days_ago(10)),
        "old_queued": make_job("alice", JobStatus.QUEUED, created_at=days_ago(300)),
        "old_running": make_job("bob", JobStatus.RUNNING, created_at=days_ago(300)),
        "old_being_undone": make_job("alice", JobStatus.COMPLETED, created_at=days_ago(120)),
    }
    jobs["its_undo"] = make_job(
        "alice", JobStatus.QUEUED, type="undo_job", created_at=days_ago(200), undo_of_id=jobs["old_being_undone"].id
    )
    files = {}
    for key in ("old_done", "old_error", "recent_done"):
        path = instance_dir / "job-output" / f"{jobs[key].id}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("output")
        jobs[key].output_path, files[key] = str(path), path
        db.session.add(RecordChange(job_id=jobs[key].id, description_id=1, kind="updated"))
    db.session.commit()
    return {key: job.id for key, job in jobs.items()}, files


def ledger_jobs(db) -> set[int]:
    return set(db.session.scalars(select(RecordChange.job_id)))


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_prune_archives_then_leaves_the_last_days_and_every_active_job(cli, history, job_ids, db, as_user, tmp_path):
    ids, files = history
    exported = {row["jobId"]: row for row in parse_csv(as_user("admin").get("/jobs/export.csv").text)}
    archive = tmp_path / "jobs-2026.csv"

    result = cli("jobs", "prune", "--older-than", "90d", "--archive", str(archive), "--yes")

    assert result.exit_code == 0, result.output
    assert f"Archived 3 jobs to {archive}; pruned 3." in result.output
    pruned = {ids["old_done"], ids["old_error"], ids["old_canceled"]}
    assert job_ids() == set(ids.values()) - pruned
    text = archive.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "startDate,endDate,jobName,jobStatus,jobInfo,jobUser,jobId"
    rows = parse_csv(text)
    assert rows == [exported[str(job_id)] for job_id in sorted(pruned)]  # the export's rows, oldest id first
    assert rows[0]["jobInfo"] == "'=SUM(A1)"
    assert not files["old_done"].exists()
    assert not files["old_error"].exists()
    assert files["recent_done"].exists()
    assert ledger_jobs(db) == {ids["recent_done"]}


def test_status_and_type_narrow_what_is_pruned(cli, history, job_ids, tmp_path):
    ids, _ = history
    result = cli(
        "jobs", "prune", "--older-than", "90d", "--status", "completed", "--status", "error",
        "--type", "publication_status", "--archive", str(tmp_path / "a.csv"), "--yes",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "pruned 1." in result.output
    assert job_ids() == set(ids.values()) - {ids["old_error"]}


def test_hours_and_minutes_count_too(cli, make_job, job_ids, tmp_path):
    old, recent = make_job("alice", created_at=days_ago(0.6)).id, make_job("alice", created_at=days_ago(0.01)).id
    assert cli("jobs", "prune", "--older-than", "12h", "--archive", str(tmp_path / "h.csv"), "--yes").exit_code == 0
    assert job_ids() == {recent}
    assert cli("jobs", "prune", "--older-than", "60m", "--archive", str(tmp_path / "m.csv"), "--yes").exit_code == 0
    assert job_ids() == {recent}  # 14 minutes old
    assert cli("jobs", "prune", "--older-than", "10m", "--archive", str(tmp_path / "n.csv"), "--yes").exit_code == 0
    assert job_ids() == set()
    assert [row["jobId"] for row in parse_csv((tmp_path / "h.csv").read_text())] == [str(old)]


@pytest.mark.parametrize("duration", ["90", "90 days", "3w", "-5d", "d"])
def test_a_bad_duration_is_refused(cli, history, job_ids, tmp_path, duration):
    result = cli("jobs", "prune", "--older-than", duration, "--archive", str(tmp_path / "a.csv"), "--yes")
    assert result.exit_code == 2
    assert "is not a duration" in result.output
    assert "90d" in result.output
    assert len(job_ids()) == len(history[0])


def test_without_an_archive_nothing_is_deleted(cli, history, job_ids):
    result = cli("jobs", "prune", "--older-than", "90d", "--yes")
    assert result.exit_code == 2
    assert "history is never deleted without its archive" in result.output
    assert len(job_ids()) == len(history[0])


def test_an_existing_archive_is_never_overwritten(cli, history, job_ids, tmp_path):
    archive = tmp_path / "kept.csv"
    archive.write_text("last year's archive\n")
    result = cli("jobs", "prune", "--older-than", "90d", "--archive", str(archive), "--yes")
    assert result.exit_code == 1
    assert "never overwritten" in result.output
    assert archive.read_text() == "last year's archive\n"
    assert len(job_ids()) == len(history[0])


def test_without_yes_it_shows_what_it_would_prune_and_no_keeps_everything(cli, history, job_ids, tmp_path):
    archive = tmp_path / "a.csv"
    result = cli("jobs", "prune", "--older-than", "90d", "--archive", str(archive), input="n\n")
    assert result.exit_code == 1
    assert "Would prune 3 inactive jobs" in result.output
    assert "Completed  Generate finding aid" in result.output
    assert "Error      Update publication status" in result.output
    assert "Oldest ended" in result.output
    assert "Prune them?" in result.output
    assert len(job_ids()) == len(history[0])
    assert not archive.exists()


def test_nothing_old_enough_writes_no_archive(cli, make_job, tmp_path):
    make_job("alice", created_at=days_ago(1))
    result = cli("jobs", "prune", "--older-than", "90d", "--archive", str(tmp_path / "a.csv"))
    assert result.exit_code == 0, result.output
    assert "Nothing to prune" in result.output
    assert not (tmp_path / "a.csv").exists()


@pytest.mark.app_config(JOBS_RETENTION_DAYS=90)
def test_retention_archives_into_the_instance_folder_and_the_jobs_page_says_so(
    cli, history, job_ids, instance_dir, as_user
):
    ids, _ = history
    page = as_user("alice").get("/jobs/")
    assert "Inactive jobs older than 90 days are archived and pruned every night." in page.text
    result = cli("jobs", "prune", "--retention", "--yes")
    assert result.exit_code == 0, result.output
    archive = instance_dir / "archives" / f"jobs-{utcnow():%Y-%m-%d}.csv"
    assert f"Archived 3 jobs to {archive}; pruned 3." in result.output
    assert len(parse_csv(archive.read_text())) == 3
    assert ids["recent_done"] in job_ids()
    again = cli("jobs", "prune", "--retention", "--yes")
    assert "Nothing to prune" in again.output


def test_without_retention_days_retention_is_refused_and_the_page_is_silent(cli, history, job_ids, as_user):
    assert "archived and pruned" not in as_user("alice").get("/jobs/").text
    result = cli("jobs", "prune", "--retention", "--yes")
    assert result.exit_code == 1
    assert "JOBS_RETENTION_DAYS is not set" in result.output
    assert len(job_ids()) == len(history[0])


def test_the_archive_is_written_beside_and_only_renamed_into_place(cli, history, tmp_path):
    archive = tmp_path / "empty.csv"
    archive.touch()  # an empty file (from mktemp) may be the target
    assert cli("jobs", "prune", "--older-than", "90d", "--archive", str(archive), "--yes").exit_code == 0
    assert sorted(Path(tmp_path).glob(".*partial")) == []
    assert len(parse_csv(archive.read_text())) == 3


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_what_refers_to_a_pruned_job_stays_and_a_job_undone_since_the_prune_began_stays_too(
    cli, make_job, job_ids, db, tmp_path, fonds
):
    old = make_job("alice", JobStatus.ERROR, created_at=days_ago(100))
    undone = make_job("alice", JobStatus.COMPLETED, created_at=days_ago(100))
    retry = make_job("alice", JobStatus.COMPLETED, created_at=days_ago(1), retry_of_id=old.id)
    undo = make_job("alice", JobStatus.COMPLETED, type="undo_job", created_at=days_ago(100), undo_of_id=undone.id)
    undo.finished_at = utcnow()  # ended while the prune ran: the archive may miss what it did
    description = db.session.scalar(select(ArchivalDescription).where(ArchivalDescription.slug == fonds))
    db.session.add(FindingAid(description_id=description.id, format="pdf", file_name="a.pdf", job_id=old.id))
    db.session.add(RecordChange(job_id=old.id, description_id=description.id, kind="updated"))
    db.session.commit()
    Notification.record_endings(Job.id == old.id)
    db.session.commit()
    old, undone, retry, undo = old.id, undone.id, retry.id, undo.id

    result = cli("jobs", "prune", "--older-than", "90d", "--archive", str(tmp_path / "a.csv"), "--yes")

    assert result.exit_code == 0, result.output
    assert "pruned 1." in result.output
    assert job_ids() == {undone, retry, undo}
    assert db.session.get(Job, retry).retry_of_id is None  # the retry stays, its link to the pruned job goes
    assert db.session.scalar(select(FindingAid.job_id)) is None  # the finding aid stays
    notice = db.session.scalar(select(Notification))
    assert (notice.job_id, notice.job_number) == (None, old)  # the notice still reads, "cleared"
    assert ledger_jobs(db) == set()
