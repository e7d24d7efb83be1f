"""`flask schedules add|list|run|pause|resume|remove`: what an administrator types, and the
clear refusals of a bad cron, an unknown type, a bad parameter and a user who may not."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Job, Overlap, Role, Schedule


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["schedules", *args])


def _add(cli, fonds, *extra):
    return cli("add", "nightly", "--type", "finding_aid", "--cron", "30 2 * * *", "--param", f"record={fonds}",
               "--param", "format=rtf", *extra)  # fmt: skip


@pytest.mark.app_config(SITE_TIMEZONE="Europe/Paris")
def test_add_list_run_pause_resume_remove(cli, db, users, fonds):
    added = _add(cli, fonds, "--user", "alice", "--overlap", "skip")
    assert added.exit_code == 0, added.output
    assert "Added schedule “nightly”; next run " in added.output
    assert " 02:30:00." in added.output
    schedule = Schedule.by_name("nightly")
    assert (schedule.user.username, schedule.overlap, schedule.parameters["format"]) == ("alice", Overlap.SKIP, "rtf")
    assert schedule.description.slug == fonds

    [line] = cli("list").output.splitlines()
    name, type_key, cron, next_run, last_run, state = line.split("\t")
    assert (name, type_key, cron, last_run, state) == ("nightly", "finding_aid", "30 2 * * *", "never", "active")
    assert next_run.endswith(" 02:30:00")  # in the site's time zone

    ran = cli("run", "nightly")
    assert ran.exit_code == 0, ran.output
    job = db.session.scalar(select(Job))
    assert ran.output.startswith(f"Launched job {job.id}.")
    assert (job.schedule_id, job.user_id) == (schedule.id, users["alice"].id)
    db.session.expire_all()
    assert Schedule.by_name("nightly").next_run_at == schedule.next_run_at  # run now moves nothing
    assert f"(job {job.id}: Queued)" in cli("list").output

    assert cli("pause", "nightly").output == "Paused “nightly”.\n"
    assert cli("list").output.split("\t")[3] == "-"
    assert cli("list").output.rstrip().endswith("paused")
    assert "Resumed “nightly”; next run " in cli("resume", "nightly").output
    assert cli("list").output.rstrip().endswith("active")

    assert cli("remove", "nightly").output == "Removed “nightly”.\n"
    assert cli("list").output == ""
    db.session.expire_all()
    assert db.session.get(Job, job.id).schedule_id is None  # the job stays


def test_refusals_say_why_and_exit_non_zero(cli, db, users, fonds):
    bad_cron = cli("add", "x", "--type", "finding_aid", "--cron", "61 * * * *", "--param", f"record={fonds}")
    assert bad_cron.exit_code == 1
    assert "Schedule not added: “61 * * * *” is not a cron expression" in bad_cron.output

    unknown = cli("add", "x", "--type", "nonsense", "--cron", "0 3 * * *")
    assert unknown.exit_code == 1
    assert "There is no job type “nonsense” (job types: " in unknown.output

    bad_record = cli("add", "x", "--type", "finding_aid", "--cron", "0 3 * * *", "--param", "record=no-such-slug")
    assert bad_record.exit_code == 1
    assert "record: No description is “no-such-slug”" in bad_record.output
    bad_choice = cli("add", "x", "--type", "finding_aid", "--cron", "0 3 * * *", "--param", f"record={fonds}",
                     "--param", "format=docx")  # fmt: skip
    assert bad_choice.exit_code == 1
    assert "format: " in bad_choice.output
    no_field = cli("add", "x", "--type", "finding_aid", "--cron", "0 3 * * *", "--param", "colour=red")
    assert no_field.exit_code == 1
    assert "has no field colour (its fields: " in no_field.output
    no_equals = cli("add", "x", "--type", "finding_aid", "--cron", "0 3 * * *", "--param", "record")
    assert no_equals.exit_code == 1
    assert "write it FIELD=VALUE" in no_equals.output

    needs_file = cli("add", "x", "--type", "import_descriptions", "--cron", "0 3 * * *")
    assert needs_file.exit_code == 1
    assert "need a file: they cannot be scheduled" in needs_file.output

    users["bob"].role = Role.VIEWER
    db.session.commit()
    viewer = _add(cli, fonds, "--user", "bob")
    assert viewer.exit_code == 1
    assert "bob may not create “Generate finding aid” jobs." in viewer.output
    assert cli("add", "x", "--type", "finding_aid", "--cron", "0 3 * * *", "--user", "zed").exit_code == 1

    assert _add(cli, fonds).exit_code == 0
    twice = _add(cli, fonds)
    assert twice.exit_code == 1
    assert "There is already a schedule named “nightly”." in twice.output
    for command in ("run", "pause", "resume", "remove"):
        missing = cli(command, "nope")
        assert missing.exit_code == 1
        assert "There is no schedule named “nope”" in missing.output
    assert db.session.scalar(select(Job)) is None
