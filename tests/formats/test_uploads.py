"""Upload hardening: bad files get a clear message on the form; malicious XML never gets through."""

from __future__ import annotations

import io
import tracemalloc

import pytest

from actors.engine.launching import launch
from actors.formats.uploads import UploadError, check_upload
from models import JobStatus
from tests.import_export_support import FIXTURES, fixture_bytes, last_job, submit

GOOD_CSV = b"legacyId,title\n1,Fonds\n"


def form_error(client, filename: str, content: bytes, **fields) -> str:
    page = submit(client, "import_descriptions", (filename, content), status=400, **fields)
    assert last_job() is None  # nothing launched
    return page.html.find("span", class_="field-error").get_text()


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("nul.csv", b"legacyId,title\n1,F\x00onds\n", "This is a binary file, not text (it contains NUL bytes)."),
        (
            "latin1.csv",
            "legacyId,title\n1,Fonds\n2,Société\n".encode("latin-1"),
            "The file is not UTF-8 text (byte 0xE9 on line 3).",
        ),
        ("utf16.csv", "legacyId,title\n".encode("utf-16"), "The file is UTF-16 text; save it as UTF-8"),
        (
            "book.csv",
            b"PK\x03\x04\x14\x00\x06\x00rest of an xlsx",
            "This is a ZIP archive (an Excel .xlsx workbook is one",
        ),
        ("notes.txt", GOOD_CSV, "Choose a .csv (AtoM CSV) or .xml (EAD 2002 or EAD3) file (got “notes.txt”)."),
        (
            "list.csv",
            b"name,size\nx,1\n",
            "This does not look like an AtoM CSV file: its first line has no “title” column.",
        ),
        ("ead.csv", fixture_bytes("harbour.xml"), "This looks like an XML file, not CSV"),
        ("other.xml", b"<?xml version='1.0'?><rss><channel/></rss>", "its root element is <rss>, not <ead>."),
        ("broken.xml", b"<ead>\n<archdesc>\n</ead>", "The XML is not well-formed (line 3, column 3: mismatched tag)."),
        (
            "latin1.xml",
            "<ead><archdesc><did><unittitle>Société</unittitle></did></archdesc></ead>".encode("latin-1"),
            "The file is not UTF-8 text (byte 0xE9 on line 1).",
        ),
    ],
)
def test_bad_files_get_a_clear_message_on_the_form(as_user, filename, content, message):
    assert message in form_error(as_user("alice"), filename, content)


def test_a_declared_xml_encoding_is_honoured(as_user, run_jobs):
    xml = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        '<ead><archdesc level="fonds"><did><unittitle>Société</unittitle></did></archdesc></ead>'
    )
    response = submit(as_user("alice"), "import_descriptions", ("latin.xml", xml.encode("latin-1")))
    assert response.status_int == 302
    run_jobs()
    assert last_job().status == JobStatus.COMPLETED


def test_the_format_must_match_the_file_name(as_user):
    assert "The AtoM CSV file must end in .csv" in form_error(
        as_user("alice"), "h.xml", fixture_bytes("harbour.xml"), format="csv"
    )


def test_a_utf8_bom_is_accepted(as_user, run_jobs):
    response = submit(as_user("alice"), "import_descriptions", ("bom.csv", b"\xef\xbb\xbf" + GOOD_CSV))
    assert response.status_int == 302
    run_jobs()
    job = last_job()
    assert job.status == JobStatus.COMPLETED
    assert job.info.startswith("Created 1,")


@pytest.mark.app_config(IMPORT_MAX_FILE_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused(as_user):
    big = GOOD_CSV + b"".join(f"{n},Title {n}\n".encode() for n in range(2, 200))
    assert "The file is too large" in form_error(as_user("alice"), "big.csv", big)


def test_a_request_over_max_content_length_gets_the_413_page(as_user, app):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    page = submit(as_user("alice"), "import_descriptions", ("big.csv", GOOD_CSV + b"1,x\n" * 1000), status=413)
    assert "Traceback" not in page.text
    # Security review F12: the page states the limit and leads back to the form.
    app.config["MAX_CONTENT_LENGTH"] = 2 * 2**20
    page = submit(as_user("alice"), "import_descriptions", ("big.csv", GOOD_CSV + b"1,x\n" * 600_000), status=413)
    assert "at most 2 MB" in page.text
    assert page.html.find("a", string="Back to the form")["href"] == "/jobs/new/import_descriptions"


@pytest.fixture
def xxe_file(tmp_path) -> tuple[bytes, str]:
    """An XXE file whose entity points at a local secret file."""
    secret = "TOP-SECRET-" + "7" * 12
    path = tmp_path / "secret.txt"
    path.write_text(secret)
    xml = (FIXTURES / "xxe.xml").read_text().replace("file:///etc/passwd", path.as_uri())
    return xml.encode(), secret


def test_xxe_is_refused_on_the_form_and_leaks_nothing(as_user, xxe_file):
    content, secret = xxe_file
    message = form_error(as_user("alice"), "xxe.xml", content)
    assert "refused for security reasons" in message
    assert secret not in message


def test_xxe_is_refused_by_the_job_too(app, db, tmp_path, xxe_file, run_jobs):
    """Even a file that bypassed the form (e.g. replaced on disk) is parsed without entities."""
    content, secret = xxe_file
    path = tmp_path / "xxe.xml"
    path.write_bytes(content)
    job, _ = launch(
        "import_descriptions", parameters={"file": {"path": str(path), "filename": "xxe.xml"}, "format": "ead"}
    )
    run_jobs()
    job = last_job()
    assert job.status == JobStatus.ERROR
    assert "refused for security reasons" in job.info
    assert secret not in (job.output or "")
    assert secret not in job.info


@pytest.mark.parametrize("name", ["billion_laughs.xml", "xxe_parameter.xml", "xxe.xml"])
def test_entity_tricks_are_refused_before_anything_expands(name):
    """Refused at the declaration: the check never holds more than its read buffer (a billion
    laughs expanded would be gigabytes). Memory, not seconds: a busy machine is slow, not bigger."""
    tracemalloc.start()
    try:
        with pytest.raises(UploadError, match="refused for security reasons"):
            check_upload(io.BytesIO(fixture_bytes(name)), name, None, 10**8)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * 2**20


def test_billion_laughs_on_the_form(as_user):
    assert "refused for security reasons" in form_error(
        as_user("alice"), "lol.xml", fixture_bytes("billion_laughs.xml")
    )


def test_check_upload_leaves_the_stream_at_the_start():
    stream = io.BytesIO(GOOD_CSV)
    assert check_upload(stream, "a.csv", None, None) == "csv"
    assert stream.tell() == 0


def test_clearing_jobs_removes_their_upload_once_no_retry_reads_it(as_user, post, run_jobs, db):
    from pathlib import Path

    from sqlalchemy import select

    from actors.engine.clearing import delete_jobs
    from models import Job

    client = as_user("alice")
    submit(client, "import_descriptions", ("orphans.csv", b"legacyId,parentId,title\n1,999,Lost file\n"), status=302)
    run_jobs()
    original = last_job()
    assert original.status == JobStatus.ERROR  # its parent 999 is nowhere: the user may fix things and retry
    upload = Path(original.parameters["file"]["path"])
    assert post(f"/jobs/{original.id}/retry").status_int == 302
    run_jobs()
    delete_jobs(select(Job).where(Job.id == original.id))
    assert upload.is_file(), "the retry still reads the file"
    assert post("/jobs/clear").status_int == 302  # Clear inactive jobs: the retry goes too
    assert db.session.scalar(select(Job.id)) is None
    assert not upload.exists()
    assert not any(upload.parent.iterdir())


def test_an_entity_declared_after_a_long_prolog_is_refused_too():
    """The prolog is read in chunks up to the root element: a declaration far into it is found."""
    xml = (
        b'<?xml version="1.0"?>\n<!--' + b"x" * 200_000 + b'-->\n<!DOCTYPE ead [<!ENTITY e "boom">]>\n'
        b"<ead><archdesc level='fonds'><did><unittitle>&e;</unittitle></did></archdesc></ead>"
    )
    with pytest.raises(UploadError, match="refused for security reasons"):
        check_upload(io.BytesIO(xml), "long.xml", None, 10**8)
