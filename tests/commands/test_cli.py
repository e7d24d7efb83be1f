"""The `flask users|jobs|demo` commands."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from actors.engine.broker import QUEUE_NAME
from models import ArchivalDescription, Job, JobStatus, User

pytestmark = pytest.mark.test_jobs


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def _invoke(*args: str, input: str | None = None):
        return runner.invoke(args=list(args), input=input)

    return _invoke


# -- users ------------------------------------------------------------------------------------


def test_users_create_makes_an_account_that_can_log_in(cli, testapp):
    result = cli("users", "create", "carol", "--password", "s3cret pass", "--email", "carol@example.org", "--admin")
    assert result.exit_code == 0, result.output
    assert "Created administrator carol." in result.output
    carol = User.by_username("carol")
    assert (carol.email, carol.is_admin) == ("carol@example.org", True)
    form = testapp.get("/login").forms["login-form"]
    form["username"], form["password"] = "carol", "s3cret pass"
    assert form.submit().status_int == 302


def test_users_create_refuses_an_existing_username(cli, users, password):
    result = cli("users", "create", "alice", "--password", "another one")
    assert result.exit_code != 0
    assert "User 'alice' already exists." in result.output
    assert User.by_username("alice").check_password(password)


# -- jobs list ----------------------------------------------------------------------------------


@pytest.fixture
def some_jobs(make_job):
    return {
        "done": make_job(
            "alice",
            JobStatus.COMPLETED,
            created_at=datetime(2026, 11, 23, 16, 5, 1),
            finished_at=datetime(2026, 11, 23, 16, 6, 2),
        ),
        "failed": make_job("bob", JobStatus.ERROR),
        "running": make_job(None, JobStatus.RUNNING),
    }


def test_jobs_list_shows_a_table_newest_first(cli, some_jobs):
    result = cli("jobs", "list")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["ID", "STATUS", "NAME", "USER", "START", "END"]
    assert [int(row.split()[0]) for row in rows] == [some_jobs[k].id for k in ("running", "failed", "done")]
    done = rows[-1]
    for cell in ("Completed", "Generate finding aid", "alice", "2026-11-23 16:05:01", "2026-11-23 16:06:02"):
        assert cell in done
    assert rows[0].split()[1] == "Running"
    assert rows[0].rstrip().endswith("N/A")


def test_jobs_list_filters_by_status(cli, some_jobs):
    result = cli("jobs", "list", "--status", "error")
    assert result.exit_code == 0
    rows = result.output.splitlines()[1:]
    assert [row.split()[:2] for row in rows] == [[str(some_jobs["failed"].id), "Error"]]


def test_jobs_list_refuses_an_unknown_status(cli):
    result = cli("jobs", "list", "--status", "lost")
    assert result.exit_code != 0
    assert "lost" in result.output


def test_jobs_list_without_jobs_says_so(cli):
    assert "No jobs." in cli("jobs", "list").output


# -- jobs kill ----------------------------------------------------------------------------------


def test_jobs_kill_marks_one_job_error_and_it_never_runs(cli, launch_job, start_worker, reload, probe):
    victim = launch_job("test_count", "alice")
    bystander = launch_job("test_count", "bob")
    result = cli("jobs", "kill", str(victim.id))
    assert result.exit_code == 0, result.output
    killed = reload(victim.id)
    assert (killed.status, killed.info) == (JobStatus.ERROR, "Killed by administrator.")
    assert killed.finished_at is not None
    assert reload(bystander.id).status == JobStatus.QUEUED
    start_worker()  # the killed job's message is still in the queue
    assert probe.runs == {bystander.id: 1}
    assert reload(victim.id).status == JobStatus.ERROR
    assert reload(bystander.id).status == JobStatus.COMPLETED


def test_jobs_kill_stops_a_running_job_record(cli, make_job, reload):
    job = make_job("alice", JobStatus.RUNNING)
    assert cli("jobs", "kill", str(job.id)).exit_code == 0
    assert reload(job.id).status == JobStatus.ERROR


def test_jobs_kill_of_an_unknown_job_fails(cli, make_job):
    make_job("alice", JobStatus.QUEUED)
    result = cli("jobs", "kill", "999999")
    assert result.exit_code != 0
    assert "There is no job 999999." in result.output


def test_jobs_kill_of_a_finished_job_fails_and_changes_nothing(cli, make_job, reload):
    job = make_job("alice", JobStatus.COMPLETED, info="fine")
    result = cli("jobs", "kill", str(job.id))
    assert result.exit_code != 0
    assert "already ended" in result.output
    assert (reload(job.id).status, reload(job.id).info) == (JobStatus.COMPLETED, "fine")


# -- jobs clear ---------------------------------------------------------------------------------


@pytest.fixture
def all_kinds(make_job, launch_job, instance_dir, db):
    """A queued job whose message is in the broker, and running/finished rows with output files."""
    jobs = [
        launch_job("test_count", "alice"),
        make_job("bob", JobStatus.RUNNING),
        make_job(None, JobStatus.COMPLETED),
        make_job("alice", JobStatus.ERROR),
    ]
    files = []
    for job in jobs[1:]:
        path = instance_dir / "job-output" / f"{job.id}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("output")
        job.output_path = str(path)
        files.append(path)
    db.session.commit()
    return [job.id for job in jobs], files


def test_jobs_clear_asks_first_and_n_keeps_everything(cli, all_kinds, job_ids):
    ids, files = all_kinds
    result = cli("jobs", "clear", input="n\n")
    assert result.exit_code != 0
    assert "Export" in result.output
    assert "Clear all jobs?" in result.output
    assert job_ids() == set(ids)
    assert all(path.exists() for path in files)


def test_jobs_clear_yes_deletes_every_job_its_files_and_queued_messages(
    cli, all_kinds, job_ids, broker, start_worker, probe
):
    ids, files = all_kinds
    assert broker.queues[QUEUE_NAME].qsize() == 1
    result = cli("jobs", "clear", "--yes")
    assert result.exit_code == 0, result.output
    assert "Cleared 4 jobs." in result.output
    assert job_ids() == set()
    assert not any(path.exists() for path in files)
    assert broker.queues[QUEUE_NAME].qsize() == 0
    start_worker()
    assert probe.runs[ids[0]] == 0


def test_jobs_clear_confirmed_interactively(cli, all_kinds, job_ids):
    result = cli("jobs", "clear", input="y\n")
    assert result.exit_code == 0
    assert "Cleared 4 jobs." in result.output
    assert job_ids() == set()


def test_jobs_clear_with_no_jobs(cli):
    result = cli("jobs", "clear", "--yes")
    assert result.exit_code == 0
    assert "Cleared 0 jobs." in result.output


# -- demo ---------------------------------------------------------------------------------------


def test_demo_load_prints_a_slug_of_a_browsable_fonds(cli, db, as_user):
    result = cli("demo", "load", "--descriptions", "30")
    assert result.exit_code == 0, result.output
    slug = result.output.strip().splitlines()[-1]
    root = ArchivalDescription.by_slug(slug)
    assert root is not None
    assert root.level_of_description == "fonds"
    assert db.session.scalar(select(func.count()).select_from(ArchivalDescription)) == 30
    assert root.descendant_count == 29
    assert len(db.session.scalars(root.subtree()).all()) == 30
    page = as_user("alice").get(f"/descriptions/{slug}")
    assert page.html.h1.get_text(strip=True) == root.title


def test_demo_jobs_inserts_finished_jobs_over_users(cli, db, as_user, jobs_table):
    result = cli("demo", "jobs", "--count", "50", "--users", "3")
    assert result.exit_code == 0, result.output
    assert "50" in result.output
    jobs = db.session.scalars(select(Job)).all()
    assert len(jobs) == 50
    assert len({job.user_id for job in jobs}) == 3
    assert all(job.status in JobStatus.inactive() and job.finished_at for job in jobs)
    as_user("admin")
    assert len(jobs_table("/jobs/")) == 25
    assert jobs_table("/jobs/active") == []


def test_demo_setup_run_again_says_how_to_recover_the_administrators_password(cli, users):
    result = cli("demo", "setup")
    assert result.exit_code == 0, result.output
    assert "demo setup skipped" in result.output
    command = result.output.split("with: ")[-1].strip()
    assert command.endswith("flask users reset-password admin")
    reset = cli(*command.split()[1:], input="a new pass phrase\na new pass phrase\n")
    assert reset.exit_code == 0, reset.output
    assert User.by_username("admin").check_password("a new pass phrase")
