"""Login throttling, cookie flags, the production secret key and password hash, time limits and HTML escaping."""

from __future__ import annotations

import time

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from actors.engine.launching import launch
from actors.registry import JobType
from commands.demo_data import insert_demo_fonds
from extensions import db as _db
from models import ArchivalDescription, FindingAid, Job, JobStatus, PublicationStatus, Role, User
from models.user import create_user
from tests.helpers import PASSWORD, login

SCRIPT = "<script>alert('x')</script>"


def spin(job_id: int) -> None:
    """Never ends by itself: only the time limit stops it."""
    while True:
        time.sleep(0.01)


def print_markup(job_id: int) -> None:
    print(f"output with {SCRIPT} in it")


@pytest.fixture
def extra_job_types() -> dict[str, JobType]:
    return {
        "spin": JobType(key="spin", label="Spin", perform=spin, time_limit_seconds=1),
        "markup": JobType(key="markup", label="Markup", perform=print_markup),
    }


def test_a_successful_login_forgets_earlier_failures(testapp, users):
    for _ in range(4):
        login(testapp, "alice", "wrong")
    assert login(testapp, "alice").status_int == 302
    testapp.reset()
    for _ in range(4):
        login(testapp, "alice", "wrong")
    assert login(testapp, "alice").status_int == 302


def test_session_cookie_is_http_only_and_same_site(testapp, users):
    response = login(testapp, "alice")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.fixture
def production(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_JOBS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("ARCHIVE_JOBS_INSTANCE", str(tmp_path))
    from app import create_app

    return lambda: create_app({"JOBS_BROKER": "stub"})


STRONG = "666fc3879ec3c12b4c522d57266bed7a651c092b24bd68a44938d48b875429bf"  # (secrets.token_hex(32))


def test_production_refuses_to_start_without_a_secret_key(production):
    with pytest.raises(SystemExit, match="SECRET_KEY must be set"):
        production()


@pytest.mark.parametrize("weak", ["change-me-to-a-long-random-string", "s3cret", "x" * 31])
def test_production_refuses_an_example_or_short_secret_key(production, monkeypatch, weak):
    """Security review F3: the key of deploy/env.example forged an administrator's cookie."""
    monkeypatch.setenv("SECRET_KEY", weak)
    with pytest.raises(SystemExit, match="example value or shorter than 32 bytes") as refused:
        production()
    assert refused.value.code.startswith("Archive Jobs will not start")  # printed, exit status 1


def test_production_cookies_are_secure_unless_turned_off_on_purpose(production, monkeypatch):
    """Security review F13."""
    monkeypatch.setenv("SECRET_KEY", STRONG)
    assert production().config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    assert production().config["SESSION_COOKIE_SECURE"] is False
    assert production().config["SECRET_KEY"] == STRONG


def test_passwords_are_hashed_with_scrypt_by_default(tmp_path, monkeypatch):
    """The tests hash with one PBKDF2 round for speed; what users get is scrypt."""
    for name in ("PASSWORD_HASH_METHOD", "DATABASE_URL", "REDIS_URL", "JOBS_NAMESPACE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ARCHIVE_JOBS_INSTANCE", str(tmp_path / "instance"))
    from app import create_app

    app = create_app(
        {"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'default.db'}", "JOBS_BROKER": "stub"}
    )
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    with app.app_context():
        _db.create_all()
        user = create_user("alice", PASSWORD)
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password(PASSWORD)
        assert not user.check_password("wrong")
        _db.session.remove()
    outside = User()
    outside.set_password(PASSWORD)  # no app context: scrypt as well
    assert outside.password_hash.startswith("scrypt:")


def test_the_hash_method_comes_from_the_environment_and_older_hashes_verify(tmp_path, monkeypatch, testapp, users):
    monkeypatch.setenv("PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")
    from config import load

    assert load(tmp_path)["PASSWORD_HASH_METHOD"] == "pbkdf2:sha256:1000"
    alice = users["alice"]
    assert alice.password_hash.startswith("pbkdf2:sha256:1$")  # the test config's fast method
    alice.password_hash = generate_password_hash(PASSWORD, method="scrypt")  # made before a change of method
    _db.session.commit()
    assert login(testapp, "alice").status_int == 302


def test_a_job_over_its_time_limit_ends_in_error(db, run_jobs):
    job, _ = launch("spin")
    run_jobs()
    job = db.session.get(Job, job.id)
    assert (job.status, job.info) == (JobStatus.ERROR, "Timed out after 1 s.")


def test_titles_and_output_are_escaped_everywhere(as_user, db, run_jobs, users):
    slug = insert_demo_fonds(3, title=f"Fonds {SCRIPT}")
    record = ArchivalDescription.by_slug(slug)
    job, _ = launch("markup", user=users["alice"], description=record)
    run_jobs()
    client = as_user("alice")
    for url in ("/jobs/", f"/jobs/{job.id}", f"/descriptions/{slug}", "/descriptions/"):
        page = client.get(url)
        assert SCRIPT not in page.text, url
        assert "&lt;script&gt;" in page.text, url
    assert client.get(f"/jobs/{job.id}/status.json").json["output"].startswith("output with <script>")


def test_every_page_sends_the_security_headers(testapp, users):
    """Security review F7: no CSP, no frame protection, no nosniff, no Referrer-Policy."""
    for path in ("/login", "/jobs/"):
        headers = testapp.get(path, expect_errors=True).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert "script-src 'self'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # (only with Secure cookies: HTTPS)


def test_a_traceback_is_shown_to_administrators_only(make_job, as_user, users):
    """Security review F11: job owners saw Python tracebacks with server paths."""
    output = (
        "Working...\nTraceback (most recent call last):\n"
        '  File "/srv/archive-jobs/.venv/lib/python3.11/site-packages/x.py", line 3, in run\n'
        "    boom()\nRuntimeError: the disk is full\n"
    )
    job = make_job("alice", JobStatus.ERROR, info="RuntimeError: the disk is full")
    job.output = output
    _db.session.commit()
    owner = as_user("alice")
    for path in (f"/jobs/{job.id}", f"/jobs/{job.id}/output", f"/jobs/{job.id}/status.json?offset=0"):
        text = owner.get(path).text
        assert "RuntimeError: the disk is full" in text
        assert "Working..." in text
        assert "/srv/archive-jobs" not in text
        assert "Traceback" not in text
    assert "/srv/archive-jobs/.venv" in as_user("admin").get(f"/jobs/{job.id}/output").text


def test_viewers_see_published_descriptions_only(testapp, users, tmp_path):
    """Security review F10: viewers opened drafts and downloaded finding aids that show them."""
    create_user("victor", PASSWORD, role=Role.VIEWER)
    fonds = insert_demo_fonds(40)
    root = ArchivalDescription.by_slug(fonds)
    root.publication_status = PublicationStatus.PUBLISHED
    draft, published = _db.session.scalars(
        select(ArchivalDescription).where(ArchivalDescription.parent_id == root.id).order_by(ArchivalDescription.lft)
    ).all()[:2]
    draft.publication_status, draft.title = PublicationStatus.DRAFT, "A draft series"
    published.publication_status, published.title = PublicationStatus.PUBLISHED, "A published series"
    _db.session.add(FindingAid(description_id=root.id, format="pdf", file_name="x.pdf"))  # generated, all records
    _db.session.commit()
    login(testapp, "victor")
    assert testapp.get(f"/descriptions/{draft.slug}", expect_errors=True).status_int == 404
    listing = testapp.get(f"/descriptions/{fonds}").text
    assert "A published series" in listing
    assert "A draft series" not in listing
    assert testapp.get(f"/descriptions/{fonds}/finding-aid", expect_errors=True).status_int == 404
    testapp.reset()
    login(testapp, "alice")
    assert "A draft series" in testapp.get(f"/descriptions/{draft.slug}").text  # staff see drafts


@pytest.mark.app_config(PASSWORD_HASH_METHOD="scrypt")
def test_an_unknown_username_costs_the_same_hashing_as_a_known_one(testapp, users, monkeypatch):
    """Security review F8: only known usernames had their password hashed (timing told them apart)."""
    import blueprints.auth as auth

    checked = []
    real = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash", lambda *a: checked.append(a[0].split("$")[0]) or real(*a))
    login(testapp, "nobody-here", "wrong")
    assert checked == ["scrypt:32768:8:1"]  # one scrypt check, as for a real account


def test_the_csrf_token_changes_at_login(app, testapp, users):
    """Security review F9: the token stayed the same across login (compared unsigned: the
    signed form changes every second anyway)."""
    unsigned = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token").loads
    before = unsigned(testapp.get("/login").forms["login-form"]["csrf_token"].value)
    login(testapp, "alice").follow()
    after = unsigned(testapp.get("/jobs/").html.find("input", {"name": "csrf_token"})["value"])
    assert before != after


def test_a_viewers_breadcrumb_leaves_out_draft_ancestors(testapp, users):
    """A published file under a draft series: the viewer reads neither the series' title nor a link to it."""
    create_user("victor", PASSWORD, role=Role.VIEWER)
    fonds = insert_demo_fonds(40)
    root = ArchivalDescription.by_slug(fonds)
    series = _db.session.scalars(select(ArchivalDescription).where(ArchivalDescription.parent_id == root.id)).first()
    child = _db.session.scalars(select(ArchivalDescription).where(ArchivalDescription.parent_id == series.id)).first()
    root.publication_status = child.publication_status = PublicationStatus.PUBLISHED
    series.publication_status, series.title = PublicationStatus.DRAFT, "A secret draft series"
    _db.session.commit()
    login(testapp, "victor")
    page = testapp.get(f"/descriptions/{child.slug}")
    assert "A secret draft series" not in page.text
    assert f"/descriptions/{series.slug}" not in page.text
    assert f"/descriptions/{fonds}" in page.text  # the published fonds stays in it
    testapp.reset()
    login(testapp, "alice")
    assert "A secret draft series" in testapp.get(f"/descriptions/{child.slug}").text
