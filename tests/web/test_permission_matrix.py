"""One permission matrix: every route of the URL map, as every role, is allowed exactly when the
question the menus ask (role permissions, JobType.may_create / may_cancel, ownership) says so.

A route added without an entry here fails ``test_every_route_is_in_the_matrix``; a route whose
check disagrees with the menus fails ``test_each_role_gets_exactly_what_the_matrix_allows``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from webtest import TestApp

from actors.registry import JOB_TYPES
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import (
    ArchivalDescription,
    AuthorityRecord,
    FindingAid,
    Job,
    JobStatus,
    PublicationStatus,
    RecordChange,
    Schedule,
    User,
)
from models.finding_aid import finding_aid_dir
from models.user import SEE_DRAFTS
from tests.helpers import FreshContext, login
from tests.import_export_support import roles

__all__ = ["roles"]

Rule = Callable[[User | None], bool]
ROLE_USERS = [None, "victor", "carol", "alice", "admin"]  # anonymous, viewer, contributor, editor, administrator
EDIT = "edit_descriptions"


def public(user: User | None) -> bool:
    return True


def nobody(user: User | None) -> bool:
    return False


def signed_in(user: User | None) -> bool:
    return user is not None


def admin(user: User | None) -> bool:
    return user is not None and user.is_admin


def holds(permission: str) -> Rule:
    return lambda user: user is not None and user.can(permission)


def creates(type_key: str) -> Rule:
    """Whoever may create the type; nobody through a form for a hidden one (an Undo has its dialog)."""
    return lambda user: user is not None and not JOB_TYPES[type_key].hidden and JOB_TYPES[type_key].may_create(user)


def cancels(type_key: str) -> Rule:
    return lambda user: user is not None and JOB_TYPES[type_key].may_cancel(user)


def retries_some(user: User | None) -> bool:
    return user is not None and any(t.may_create(user) for t in JOB_TYPES.values())


def schedules_some(user: User | None) -> bool:
    """The Schedules page: whoever the menu offers "Create background job" to."""
    return user is not None and any(not t.hidden and t.may_create(user) for t in JOB_TYPES.values())


def cancels_some(user: User | None) -> bool:
    return user is not None and any(t.may_cancel(user) for t in JOB_TYPES.values())


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: str  # may name {own_queued}, {own_failed}, {others}, {published}, {draft}, {authority}, {me}
    allowed: Rule
    form: tuple[tuple[str, str], ...] = ()


def cases() -> list[Case]:
    """In an order where no request undoes what a later one needs (clear and logout last)."""
    per_type = [Case("jobs.new_of_type", "GET", f"/jobs/new/{key}", creates(key)) for key in JOB_TYPES]
    per_type += [Case("jobs.new_of_type", "POST", f"/jobs/new/{key}", creates(key)) for key in JOB_TYPES]
    per_type += [
        Case("jobs.preview", "GET", f"/jobs/new/{key}/preview.json?record={{published}}", creates(key))
        for key in JOB_TYPES
    ]
    return [
        Case("index", "GET", "/", public),
        Case("static", "GET", "/static/style.css", public),
        Case("auth.login", "GET", "/login", public),
        Case("auth.login", "POST", "/login", public),
        Case("i18n.set_language", "POST", "/language", public, (("language", "en"),)),
        Case("i18n.time_zone", "GET", "/preferences/time-zone", signed_in),
        Case("i18n.time_zone", "POST", "/preferences/time-zone", signed_in, (("timezone", "UTC"),)),
        Case("jobs.index", "GET", "/jobs/", signed_in),
        Case("jobs.active", "GET", "/jobs/active", signed_in),
        Case("jobs.export_csv", "GET", "/jobs/export.csv", signed_in),
        Case("jobs.new", "GET", "/jobs/new", signed_in),
        *[Case(f"jobs.{view}", "GET", f"/jobs/{{own_failed}}{suffix}", signed_in)
          for view, suffix in (("detail", ""), ("output", "/output"), ("status", "/status.json"),
                               ("changes_csv", "/changes.csv"))],
        Case("jobs.result", "GET", "/jobs/{own_completed}/result", signed_in),
        *[Case(f"jobs.{view}", "GET", f"/jobs/{{others}}{suffix}", admin)
          for view, suffix in (("detail", ""), ("output", "/output"), ("status", "/status.json"),
                               ("changes_csv", "/changes.csv"))],
        Case("jobs.result", "GET", "/jobs/{others_completed}/result", admin),
        *[Case("jobs.undo_job", method, "/jobs/{own_changed}/undo", creates("publication_status"))
          for method in ("GET", "POST")],
        *[Case("jobs.undo_job", method, "/jobs/{others_changed}/undo", admin) for method in ("GET", "POST")],
        Case("jobs.undo_job", "GET", "/jobs/{own_completed}/undo", nobody),  # a report changes nothing
        Case("descriptions.index", "GET", "/descriptions/", signed_in),
        Case("descriptions.search", "GET", "/descriptions/search.json?q=port", signed_in),
        Case("descriptions.view", "GET", "/descriptions/{published}", signed_in),
        Case("descriptions.view", "GET", "/descriptions/{draft}", holds(SEE_DRAFTS)),
        Case("descriptions.download_finding_aid", "GET", "/descriptions/{published}/finding-aid", signed_in),
        Case("descriptions.download_finding_aid", "GET", "/descriptions/{draft}/finding-aid", holds(SEE_DRAFTS)),
        Case("authorities.view", "GET", "/authorities/{authority}", signed_in),
        Case("descriptions.generate_finding_aid", "POST", "/descriptions/{published}/finding-aid",
             creates("finding_aid"), (("format", "pdf"),)),
        Case("descriptions.upload_finding_aid", "POST", "/descriptions/{published}/finding-aid/upload", holds(EDIT)),
        Case("descriptions.add_rights_statement", "POST", "/descriptions/{published}/rights", holds(EDIT)),
        Case("account.password", "GET", "/account/password", signed_in),
        Case("account.password", "POST", "/account/password", signed_in),
        Case("account.settings", "GET", "/account/settings", signed_in),
        Case("account.settings", "POST", "/account/settings", signed_in, (("notify_on", "all"),)),
        Case("notifications.index", "GET", "/notifications", signed_in),
        Case("notifications.mark_all_read", "POST", "/notifications/read", signed_in),
        Case("users.index", "GET", "/users/", admin),
        Case("users.create", "GET", "/users/new", admin),
        Case("users.create", "POST", "/users/new", admin),
        Case("users.set_active", "POST", "/users/{me}/active", admin, (("active", "1"),)),
        Case("users.reset_password", "GET", "/users/{bob}/reset-password", admin),
        Case("users.reset_password", "POST", "/users/{bob}/reset-password", admin),
        Case("users.unlock", "POST", "/users/{me}/unlock", admin),
        Case("users.set_role", "POST", "/users/{me}/role", admin, (("u{me}-role", "administrator"),)),
        *per_type,
        Case("jobs.bulk_confirm", "GET", "/jobs/bulk/retry", retries_some),
        Case("jobs.bulk_confirm", "GET", "/jobs/bulk/cancel", cancels_some),
        Case("jobs.bulk_confirm", "GET", "/jobs/bulk/clear", signed_in),
        Case("jobs.cancel", "GET", "/jobs/{own_queued}/cancel", cancels("report")),
        Case("jobs.cancel", "GET", "/jobs/{others_queued}/cancel", admin),
        Case("jobs.clear_confirm", "GET", "/jobs/clear", signed_in),
        Case("jobs.mark_failures_seen", "POST", "/jobs/failures/seen", signed_in),
        Case("jobs.retry", "POST", "/jobs/{own_failed}/retry", creates("report")),
        Case("jobs.retry", "POST", "/jobs/{others}/retry", admin),
        Case("jobs.cancel", "POST", "/jobs/{own_queued}/cancel", cancels("report")),
        Case("jobs.cancel", "POST", "/jobs/{others_queued}/cancel", admin),
        Case("jobs.bulk_apply", "POST", "/jobs/bulk/retry", retries_some),
        Case("jobs.bulk_apply", "POST", "/jobs/bulk/cancel", cancels_some),
        Case("descriptions.remove_finding_aid", "POST", "/descriptions/{draft}/finding-aid/delete", holds(EDIT)),
        Case("schedules.index", "GET", "/schedules/", schedules_some),
        *[Case(f"schedules.{view}", "POST", f"/schedules/{{{whose}_schedule}}/{view.replace('_now', '')}", rule)
          for whose, rule in (("own", schedules_some), ("others", admin))
          for view in ("pause", "resume", "run_now")],
        *[Case("schedules.delete", method, f"/schedules/{{{whose}_schedule}}/delete", rule)
          for whose, rule in (("own", schedules_some), ("others", admin)) for method in ("GET", "POST")],
        Case("jobs.bulk_apply", "POST", "/jobs/bulk/clear", signed_in, (("upto", "0"),)),
        Case("jobs.clear", "POST", "/jobs/clear", signed_in),
        Case("auth.logout", "POST", "/logout", signed_in),
    ]  # fmt: skip


@pytest.fixture
def world(app, roles) -> dict[str, dict[str, int | str]]:
    """Records and, for every user, a queued, a failed and a completed job of their own."""
    fonds = insert_demo_fonds(12)
    root = ArchivalDescription.by_slug(fonds)
    root.publication_status = PublicationStatus.PUBLISHED
    draft = db.session.scalars(select(ArchivalDescription).where(ArchivalDescription.parent_id == root.id)).first()
    draft.publication_status = PublicationStatus.DRAFT
    aids = finding_aid_dir()
    aids.mkdir(parents=True, exist_ok=True)
    for description, name in ((root, "public.pdf"), (draft, "draft.pdf")):
        (aids / name).write_bytes(b"%PDF-1.7 test")
        db.session.add(FindingAid(description_id=description.id, format="pdf", file_name=name, uploaded_by="admin"))
    authority = db.session.scalars(select(AuthorityRecord)).first() or AuthorityRecord(name="Someone", slug="someone")
    db.session.add(authority)
    ids: dict[str, dict[str, int | str]] = {}
    for user in db.session.scalars(select(User)):
        jobs = {
            status: Job(type="report", user_id=user.id, status=status, parameters={}, output="")
            for status in (JobStatus.QUEUED, JobStatus.ERROR, JobStatus.COMPLETED)
        }
        changed = Job(type="publication_status", user_id=user.id, status=JobStatus.COMPLETED, parameters={})
        db.session.add_all([*jobs.values(), changed])
        db.session.flush()
        db.session.add(  # something to undo (a record changed since: the POST shows the conflict)
            RecordChange(job_id=changed.id, description_id=draft.id, kind="updated",
                         before={"publication_status": "draft"}, after={"publication_status": "published"})
        )  # fmt: skip
        jobs[JobStatus.COMPLETED].result_path = str(Path(app.instance_path) / "result.csv")
        schedule = Schedule(name=f"{user.username} nightly", type="report", cron="0 3 * * *", user_id=user.id)
        db.session.add(schedule)
        db.session.flush()
        ids[user.username] = {
            "own_schedule": schedule.id,
            "own_queued": jobs[JobStatus.QUEUED].id,
            "own_failed": jobs[JobStatus.ERROR].id,
            "own_completed": jobs[JobStatus.COMPLETED].id,
            "own_changed": changed.id,
            "me": user.id,
        }
    (Path(app.instance_path) / "result.csv").write_text("a,b\n")
    db.session.commit()
    common = {"published": fonds, "draft": draft.slug, "authority": authority.slug, "bob": ids["bob"]["me"]}
    for username, own in ids.items():
        others = ids["alice" if username != "alice" else "bob"]
        own.update(
            common,
            others=others["own_failed"],
            others_queued=others["own_queued"],
            others_completed=others["own_completed"],
            others_changed=others["own_changed"],
            others_schedule=others["own_schedule"],
        )
    ids[""] = {**ids["alice"]}  # anonymous: aims at alice's records
    return ids


def outcome(client: TestApp, case: Case, values: dict) -> str:
    path = case.path.format(**values)
    form = [(name.format(**values), value) for name, value in case.form]
    if case.method == "POST":
        response = client.post(path, form, expect_errors=True)
    else:
        response = client.get(path, expect_errors=True)
    assert response.status_int < 500, f"{case.method} {path}: {response.status}"
    sent_to_login = "/login?next=" in response.headers.get("Location", "")  # (logout's own redirect has no next)
    if response.status_int in (401, 403, 404) or sent_to_login:
        return "denied"
    return "allowed"


def test_every_route_is_in_the_matrix(app):
    routes = {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(case.endpoint, case.method) for case in cases()}
    assert routes - covered == set(), "routes without a permission case: add them to cases()"
    assert covered - routes == set(), "cases for routes that no longer exist"


@pytest.mark.app_config(WTF_CSRF_ENABLED=False)
@pytest.mark.parametrize("username", ROLE_USERS, ids=lambda name: name or "anonymous")
def test_each_role_gets_exactly_what_the_matrix_allows(app, world, username):
    client = TestApp(FreshContext(app))
    user = None
    if username:
        login(client, username).follow()
        user = User.by_username(username)
    wrong = []
    for case in cases():
        db.session.expire_all()
        expected = "allowed" if case.allowed(user) else "denied"
        got = outcome(client, case, world[username or ""])
        if got != expected:
            wrong.append(f"{case.method} {case.path}: {got}, the matrix says {expected}")
    assert wrong == [], f"as {username or 'anonymous'}:\n" + "\n".join(wrong)
