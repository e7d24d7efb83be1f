"""No 500 and no stuck job from an upload: generated file names (NUL, control and bidi
characters, slashes, very long) and contents (bytes, and CSV and XML shapes with odd cells,
entities, encodings) through the import and Check import forms, on SQLite and PostgreSQL.
Every answer is below 500, and once the worker drained its queue no job is left active: a NUL
in a file name once left an import Running for ever, holding its locks."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from webtest import Upload

from extensions import db
from models import Job, JobStatus
from tests.import_export_support import roles

__all__ = ["roles"]

NAMES = st.builds(
    lambda stem, suffix: stem + suffix,
    st.one_of(
        st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "L", "N", "P", "Zs"]), max_size=30),
        st.sampled_from(["\x00", "a\x00b", "../../etc/passwd", "\u202eevil", "x" * 300, "", " "]),
    ),
    st.sampled_from([".csv", ".xml", ".CSV", ".txt", "", ".csv\x00.xml"]),
)
CELLS = st.one_of(st.text(max_size=20), st.sampled_from(["", "NULL", "=1+1", '"', "\\", "\u202e", "x" * 2000]))
CSV_FILES = st.builds(
    lambda header, rows: (",".join(header) + "\n" + "".join(",".join(row) + "\n" for row in rows)).encode(
        "utf-8", "surrogatepass"
    ),
    st.lists(
        st.sampled_from(["legacyId", "parentId", "title", "levelOfDescription", "eventDates", "identifier"]),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.lists(CELLS.map(lambda cell: '"' + cell.replace('"', '""') + '"'), max_size=6), max_size=4),
)
XML_FILES = st.builds(
    lambda declaration, doctype, body: (
        f"{declaration}{doctype}<ead><archdesc level='fonds'><did>{body}</did></archdesc></ead>".encode(
            "utf-8", "surrogatepass"
        )
    ),
    st.sampled_from(
        [
            '<?xml version="1.0"?>',
            '<?xml version="1.0" encoding="UTF-32"?>',
            '<?xml version="1.0" encoding="x-none"?>',
            "",
        ]
    ),
    st.sampled_from(["", '<!DOCTYPE ead [<!ENTITY a "aaaa">]>', '<!DOCTYPE ead [<!ATTLIST did a CDATA "x">]>']),
    st.text(max_size=40).map(lambda text: f"<unittitle>{text.replace('<', '&lt;').replace('&', '&amp;')}</unittitle>"),
)
CONTENTS = st.one_of(st.binary(max_size=200), CSV_FILES, XML_FILES)
QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
EXAMPLE = {
    "name": NAMES,
    "content": CONTENTS,
    "job_type": st.sampled_from(["import_descriptions", "validate_csv"]),
    "fmt": st.sampled_from(["auto", "csv", "ead"]),
}


@pytest.fixture
def editor(as_user, roles):
    return as_user("alice")


@settings(max_examples=150, deadline=None, suppress_health_check=QUIET)
@given(**EXAMPLE)
def test_no_upload_answers_500_or_leaves_a_job_active(editor, run_jobs, name, content, job_type, fmt):
    _one_upload(editor, run_jobs, name, content, job_type, fmt)


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
@settings(max_examples=80, deadline=None, suppress_health_check=QUIET)
@given(**EXAMPLE)
def test_no_upload_answers_500_or_leaves_a_job_active_on_postgresql(editor, run_jobs, name, content, job_type, fmt):
    _one_upload(editor, run_jobs, name, content, job_type, fmt)


def _one_upload(client, run_jobs, name: str, content: bytes, job_type: str, fmt: str) -> None:
    page = client.get(f"/jobs/new/{job_type}")
    form = next(f for f in page.forms.values() if f.action in ("", f"/jobs/new/{job_type}"))
    form["file"] = Upload(name, content)
    form["format"] = fmt
    response = form.submit(expect_errors=True)
    assert response.status_int < 500, f"{name!r} {content[:80]!r}: {response.status}"
    run_jobs()
    db.session.expire_all()
    active = db.session.scalar(select(func.count()).select_from(Job).where(Job.status.in_(JobStatus.active())))
    assert active == 0, f"{name!r} {content[:80]!r}: a job is still active"
