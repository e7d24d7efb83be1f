"""No 500 from input: every route of the URL map, as every role, with generated values in its
path, query and form (ints past 32 and 64 bits, negatives, non-numbers, calendar ends, long and
odd strings, NUL and lone surrogates, repeated fields), POSTs with and without their CSRF token,
answers below 500 and, for a 4xx, with a readable page; on SQLite and on PostgreSQL (whose
32-bit ids and NUL refusals made 239 of the second review's 500s). TESTING propagates
exceptions, so any 500 would fail here with its traceback. Each example comes from an address of
its own: the login throttling must not answer the next example's login (it once made this flaky)."""

from __future__ import annotations

import re
from itertools import count
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from commands.demo_data import insert_demo_fonds
from models import ArchivalDescription, PublicationStatus
from tests.helpers import login
from tests.import_export_support import roles

__all__ = ["roles"]

NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=2**31 - 1, max_value=2**63),  # past PostgreSQL's INTEGER, up to BIGINT's end
    st.sampled_from([0, 1, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, -1]),
)
TEXTS = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec=None, categories=["Cc", "Cs", "Co", "Zs", "Lu"]), max_size=8),  # NUL, surrogates
    st.sampled_from(["", " ", "9999-12-31", "0001-01-01", "2026-02-30", "x" * 10_000, "\u202e\u0000", "../etc"]),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfff", "%00"]),
    NUMBERS.map(str),
)
QUERY_NAMES = ["page", "before", "after", "offset", "from", "to", "repository", "level", "q", "tab", "partial",
               "status", "type", "user", "record", "upto", "format", "next", "autorefresh"]  # fmt: skip
ROLE_USERS = [None, "victor", "carol", "alice", "admin"]  # anonymous, viewer, contributor, editor, administrator


@pytest.fixture
def routes(app, roles, db):
    insert_demo_fonds(12)
    db.session.commit()
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"), key=lambda rule: rule.rule)


def _path(rule, values: dict) -> str:
    """The rule's URL with a generated value for each argument (ints for <int:...>)."""
    path = rule.rule
    for name, converter in rule._converters.items():
        kind = "int" if isinstance(converter, IntegerConverter) else "text"
        value = (
            quote(str(values[kind]), safe="", errors="replace") or "x"
        )  # (WebTest cannot send a surrogate in a path)
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", value.replace("\\", "\\\\"), path)
    return path


EXAMPLE = {
    "data": st.data(),
    "user": st.sampled_from(ROLE_USERS),
    "method": st.sampled_from(["GET", "POST"]),
    "with_csrf": st.booleans(),
    "query": st.dictionaries(st.sampled_from(QUERY_NAMES), st.lists(TEXTS, min_size=1, max_size=2), max_size=4),
}
QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
_addresses = count(1)


@settings(max_examples=1000, deadline=None, suppress_health_check=QUIET)
@given(**EXAMPLE)
def test_no_route_answers_500_to_any_input(testapp, sessions, routes, data, user, method, with_csrf, query):
    _one_request(testapp, sessions, routes, data, user, method, with_csrf, query)


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
@settings(max_examples=300, deadline=None, suppress_health_check=QUIET)
@given(**EXAMPLE)
def test_no_route_answers_500_to_any_input_on_postgresql(
    testapp, sessions, routes, data, user, method, with_csrf, query
):
    _one_request(testapp, sessions, routes, data, user, method, with_csrf, query)


Sessions = dict[str | None, tuple[dict[str, str], str]]


@pytest.fixture
def sessions() -> Sessions:
    """Each user's session cookies and CSRF token, for the examples of one test."""
    return {}


def _signed_in(testapp, sessions: Sessions, user: str | None) -> str:
    """Start the example as ``user`` (None: anonymous); the session's CSRF token. Each user logs in
    once per test, as a browser keeps its session: an example later may disable the user or change
    their password, and the next ones then run as whoever that session still is (a real case too)."""
    if user not in sessions:
        testapp.reset()
        if user:
            login(testapp, user)
        page = testapp.get("/jobs/" if user else "/login").maybe_follow()
        sessions[user] = (dict(testapp.cookies), page.html.find("input", {"name": "csrf_token"})["value"])
    cookies, token = sessions[user]
    testapp.reset()
    for name, value in cookies.items():
        testapp.set_cookie(name, value)
    return token


def _one_request(testapp, sessions, routes, data, user, method, with_csrf, query) -> None:
    rule = data.draw(st.sampled_from([r for r in routes if method in r.methods]))
    path = _path(rule, {"int": data.draw(NUMBERS), "text": data.draw(TEXTS)})
    address = next(_addresses)
    testapp.extra_environ = {"REMOTE_ADDR": f"10.{address >> 16 & 255}.{address >> 8 & 255}.{address & 255}"}
    token = _signed_in(testapp, sessions, user)
    params = [(name, value.encode("utf-8", "surrogatepass")) for name, values in query.items() for value in values]
    if method == "GET":
        response = testapp.get(path, params=params, expect_errors=True)
    else:
        if with_csrf:  # the token of this session, as a form would send it; without it: a readable 400
            params.append(("csrf_token", token))
        response = testapp.post(path, params=params, expect_errors=True)
    assert response.status_int < 500, f"{method} {path} {params} as {user}: {response.status}"
    if response.status_int >= 400 and response.content_type == "text/html":
        assert response.html.find("h1"), f"{method} {path}: {response.status} without a readable page"


HUGE = 2**64 + 12345


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/jobs/{HUGE}", 404),
        (f"/jobs/{HUGE}/output", 404),
        (f"/jobs/{HUGE}/status.json", 404),
        (f"/jobs/{HUGE}/result", 404),
        (f"/jobs/?before={HUGE}", 200),
        (f"/jobs/?after={HUGE}", 200),
        ("/jobs/?to=9999-12-31", 200),
        ("/jobs/?from=0001-01-01", 200),
        ("/jobs/active?to=9999-12-31", 200),
        ("/jobs/export.csv?to=9999-12-31", 200),
        ("/descriptions/?page=9223372036854775807", 200),
        ("/users/?page=9223372036854775807", 200),
    ],
)
def test_the_inputs_of_the_security_review_get_a_page_not_a_500(as_user, roles, path, expected):
    assert as_user("admin").get(path, expect_errors=True).status_int == expected


@pytest.mark.app_config(WTF_CSRF_ENABLED=False)
def test_posts_with_huge_ids_are_404(as_user, roles):
    client = as_user("admin")
    for path in (f"/jobs/{HUGE}/cancel", f"/jobs/{HUGE}/retry", f"/users/{HUGE}/role"):
        assert client.post(path, {"role": "editor"}, expect_errors=True).status_int == 404


def test_a_viewer_can_neither_see_nor_post_the_finding_aid_form(as_user, roles, fonds, db):
    """Security review F1: the description page's form launched the job for any role."""
    ArchivalDescription.by_slug(fonds).publication_status = PublicationStatus.PUBLISHED  # (viewers see it)
    db.session.commit()
    viewer = as_user("victor")
    assert "Generate finding aid" not in viewer.get(f"/descriptions/{fonds}").text
    token = viewer.get("/jobs/").forms and viewer.get(f"/descriptions/{fonds}").html.find(
        "input", {"name": "csrf_token"}
    )
    response = viewer.post(
        f"/descriptions/{fonds}/finding-aid",
        {"format": "rtf", "model": "full", "csrf_token": token["value"] if token else ""},
        expect_errors=True,
    )
    assert response.status_int == 403
    assert "Generate finding aid" in as_user("alice").get(f"/descriptions/{fonds}").text
