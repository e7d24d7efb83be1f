"""XML parsing bounded in memory and time (security review, issue 24: H2 and M4).

A DOCTYPE's attribute default, an encoding expat cannot read, a huge text or tag, deep nesting:
refused with a message on the upload form (400) and by the job (Error, no traceback), and a
60 MB hostile file costs a few MB, in the upload check and in the worker's parse alike.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from actors.engine.launching import launch
from actors.formats.ead.reader import EadReader
from actors.formats.xml_safety import CHUNK, MAX_RUN, UnsafeXML, check_prolog, safe_iterparse
from extensions import db
from models import ArchivalDescription, JobStatus
from tests.import_export_support import FIXTURES, last_job, run_form, submit

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
MB = 2**20
BODY = b'<ead><archdesc level="fonds"><did><unittitle>Fonds</unittitle></did><dsc>\n'
END = b"</dsc></archdesc></ead>\n"
DEFAULT_BOMB = (  # security review H2, scaled down: a default copied into every <c01/>
    b'<?xml version="1.0"?>\n<!DOCTYPE ead [<!ATTLIST c01 audience CDATA "' + b"a" * 10_000 + b'">]>\n'
    + BODY + b"<c01/>\n" * 1000 + END
)  # fmt: skip
DEFAULT_REFUSED = "gives the attribute “audience” of <c01> a default value"
HOSTILE = {"billion_laughs.xml", "xxe.xml", "xxe_parameter.xml"}


def form_error(client, filename: str, content: bytes) -> str:
    page = submit(client, "import_descriptions", (filename, content), status=400)
    assert last_job() is None
    return page.html.find("span", class_="field-error").get_text()


def job_error(tmp_path: Path, run_jobs, content: bytes) -> str:
    """What a job says of a file that reached it without the form's check (e.g. replaced on disk)."""
    path = tmp_path / "given.xml"
    path.write_bytes(content)
    launch("import_descriptions", parameters={"file": {"path": str(path), "filename": "given.xml"}, "format": "ead"})
    run_jobs()
    job = last_job()
    assert job.status == JobStatus.ERROR
    assert "Traceback" not in (job.output or "")
    return job.info


def test_an_attribute_default_is_refused_on_the_form(as_user):
    assert DEFAULT_REFUSED in form_error(as_user("alice"), "bomb.xml", DEFAULT_BOMB)


def test_an_attribute_default_is_refused_by_the_job(app, tmp_path, run_jobs):
    assert DEFAULT_REFUSED in job_error(tmp_path, run_jobs, DEFAULT_BOMB)


UNREADABLE = ["UTF-32", "x-nonsense", "Shift_JIS", "cp037"]


@pytest.mark.parametrize("encoding", UNREADABLE)
def test_an_encoding_expat_cannot_read_is_a_message_on_the_form(as_user, encoding):
    xml = f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + BODY + END
    assert form_error(as_user("alice"), "enc.xml", xml) == (
        f"This XML file declares the encoding “{encoding}”, which cannot be read; save it as UTF-8."
    )


def test_an_encoding_expat_cannot_read_ends_the_job_with_the_message(app, tmp_path, run_jobs):
    xml = b'<?xml version="1.0" encoding="UTF-32"?>' + BODY + END
    assert "declares the encoding “UTF-32”, which cannot be read" in job_error(tmp_path, run_jobs, xml)


def test_utf16_is_a_message_on_the_form(as_user):
    """No real file is UTF-16 (see xml_safety); the form already asks for UTF-8."""
    xml = ('<?xml version="1.0" encoding="UTF-16"?>' + (BODY + END).decode()).encode("utf-16")
    assert "The file is UTF-16 text; save it as UTF-8" in form_error(as_user("alice"), "u.xml", xml)


def test_utf16_with_a_bom_is_still_read_by_the_job():
    xml = ('<?xml version="1.0" encoding="UTF-16"?>' + (BODY + END).decode()).encode("utf-16")
    assert sum(1 for _ in safe_iterparse(io.BytesIO(xml))) == 2 * 5


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252", "US-ASCII"])
def test_single_byte_encodings_still_import(as_user, run_jobs, encoding):
    title = "Dail Eireann" if encoding == "US-ASCII" else "Dáil Éireann"
    xml = f'<?xml version="1.0" encoding="{encoding}"?><ead><archdesc level="fonds"><did><unittitle>{title}'
    xml += "</unittitle></did></archdesc></ead>"
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("enc.xml", xml.encode(encoding)))
    assert job.status == JobStatus.COMPLETED, job.output
    assert db.session.scalars(select(ArchivalDescription.title)).all() == [title]


def refusal(xml: bytes) -> str:
    with pytest.raises(UnsafeXML) as refused:
        for _ in safe_iterparse(io.BytesIO(xml)):
            pass
    return str(refused.value)


def test_a_text_over_256_kb_is_refused_naming_a_line_at_or_before_it():
    line = b"<c01><did><unittitle>A file</unittitle></did></c01>\n"
    xml = BODY + line * 2000 + b"<c01><did><unittitle>" + b"x" * MB + b"</unittitle></did></c01>" + END
    found = re.fullmatch(
        r"This XML file has a text, a tag or a comment over 256 KB long \(starting at or after line (\d+)\), "
        r"which is refused to protect the server.",
        refusal(xml),
    )
    assert found
    assert 2002 - CHUNK // len(line) <= int(found.group(1)) <= 2002


def test_a_text_of_256_kb_is_read():
    xml = BODY + b"<c01><did><unittitle>" + b"x" * MAX_RUN + b"</unittitle></did></c01>" + END
    assert sum(1 for _ in safe_iterparse(io.BytesIO(xml))) == 2 * 8


def test_nesting_over_500_deep_is_refused_naming_a_line_at_or_before_it_and_500_is_read():
    xml = b"<ead>" + b"<p/>\n" * 20_000 + b"<list>\n" * 600 + b"</list>" * 600 + b"</ead>"
    found = re.fullmatch(
        r"This XML file nests elements more than 500 deep \(<list>, at or after line (\d+)\), "
        r"which is refused to protect the server.",
        refusal(xml),
    )
    deepest = 20_000 + 500  # the 500th <list>, 501 deep
    assert found
    assert deepest - CHUNK // len(b"<p/>\n") <= int(found.group(1)) <= deepest
    assert sum(1 for _ in safe_iterparse(io.BytesIO(b"<ead>" + b"<list>" * 499 + b"</list>" * 499 + b"</ead>"))) == 1000


def test_over_1000_names_or_a_name_over_1000_characters_is_refused():
    names = b"".join(b"<x%d/>" % n for n in range(1000))
    assert "uses more than 1000 different names of elements, attributes and namespaces" in refusal(
        b"<ead>" + names + b"</ead>"
    )
    assert sum(1 for _ in safe_iterparse(io.BytesIO(b"<ead>" + names[:-7] + b"</ead>"))) == 2000
    uri = b"urn:" + b"n" * 1000
    for xml in (b"<ead><x" + b"y" * 1000 + b"/></ead>", b'<ead xmlns:a="' + uri + b'"/>'):
        assert "has a name or a namespace over 1000 characters long (at or after line 1)" in refusal(xml)


def test_a_prolog_over_256_kb_is_refused():
    with pytest.raises(UnsafeXML, match="over 256 KB before its first element"):
        check_prolog(io.BytesIO(b"<?xml version='1.0'?><!--" + b"x" * 2 * MAX_RUN + b"-->" + BODY + END))


ALLOWED = [
    '<!NOTATION gif PUBLIC "-//CompuServe//NOTATION Graphics Interchange Format//EN">',
    '<!ENTITY logo{n} SYSTEM "logo{n}.gif" NDATA gif>',
    "<!ELEMENT c01 ANY>",
    "<!ATTLIST c01 audience (external|internal) #IMPLIED>",
    "<!ATTLIST c01 id ID #REQUIRED>",
    "<!-- an image -->",
    "<?page break?>",
]
REFUSED = [
    '<!ENTITY name{n} "a parsed entity">',
    '<!ENTITY % parameter{n} "a parameter entity">',
    '<!ENTITY page{n} SYSTEM "page.xml">',
    '<!ATTLIST c01 audience CDATA "external">',
    '<!ATTLIST c0{n} level CDATA #FIXED "file">',
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(ALLOWED + REFUSED), max_size=8))
def test_a_doctype_is_refused_exactly_when_it_declares_an_entity_or_a_default(declarations):
    subset = "\n".join(d.format(n=n) for n, d in enumerate(declarations, 1)).encode()
    source = io.BytesIO(b'<?xml version="1.0"?>\n<!DOCTYPE ead [\n' + subset + b"\n]>\n" + BODY + END)
    if any(d in REFUSED for d in declarations):
        with pytest.raises(UnsafeXML, match="refused for security reasons"):
            check_prolog(source)
    else:
        check_prolog(source)
    assert source.tell() == 0


def _real_files() -> list[Path]:
    real = [path for path in sorted(FIXTURES.glob("*.xml")) if path.name not in HOSTILE]
    return real + (sorted(CORPUS.rglob("*.xml")) if CORPUS.is_dir() else [])


@pytest.mark.parametrize("path", _real_files(), ids=lambda path: path.name)
def test_every_real_file_passes(path):
    with path.open("rb") as source:
        assert sum(1 for event, _ in safe_iterparse(source) if event == "start") > 1
    assert list(EadReader(path).rows(full=False))


# -- a 60 MB hostile file costs a few MB, in a fresh process ----------------------------------

PEAK = r"""
import resource, sys
from pathlib import Path

resource.setrlimit(resource.RLIMIT_AS, (2**31, 2**31))  # (a bomb fails fast instead of swapping)
from actors.formats.ead.reader import EadReader
from actors.formats.rows import ImportFailed
from actors.formats.uploads import UploadError, check_upload

path = Path(sys.argv[1])
if "upload" in sys.argv[2]:
    with path.open("rb") as stream:
        try:
            check_upload(stream, path.name, None, 64 * 2**20)
            print("upload: accepted")
        except UploadError as error:
            print("upload:", error)
try:
    for _ in EadReader(path).rows():
        pass
    print("worker: accepted")
except ImportFailed as error:
    print("worker:", error)
status = Path("/proc/self/status").read_text()  # (this process's peak, not its parent's: exec keeps ru_maxrss)
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""
PEAK_MB = 200


def same(unit: bytes) -> Callable[[int], bytes]:
    block = unit * (MB // len(unit))
    return lambda _: block


def numbered(unit: bytes) -> Callable[[int], bytes]:
    """Blocks of `unit` with N a number never used before: names that never repeat."""
    block = b"".join(unit.replace(b"N", b"%dz" % n) for n in range(MB // (len(unit) + 5)))
    return lambda i: block.replace(b"z", b"_%d" % i)


SHAPES = {  # name: (before the blocks, a block, after them, what refuses it)
    "attribute default": (
        b'<!DOCTYPE ead [<!ATTLIST c01 audience CDATA "' + b"a" * 200_000 + b'">]>' + BODY,
        same(b"<c01/>\n"), END, "a default value",
    ),
    "doctype": (
        b'<!DOCTYPE ead [<!NOTATION gif SYSTEM "gif">', same(b'<!ENTITY i SYSTEM "i.gif" NDATA gif>'),
        b"]>" + BODY + END, "over 256 KB before its first element",
    ),
    "text": (
        BODY + b"<c01><did><unittitle>", same(b"Dail Eireann \xf0\x9f\x98\x80\n"), b"</unittitle></did></c01>" + END,
        "a text, a tag or a comment over 256 KB",
    ),
    "attribute": (BODY + b'<c01 altrender="', same(b"v" * 1000), b'"/>' + END, "over 256 KB"),
    "comment": (BODY + b"<!--", same(b"c" * 1000), b"-->" + END, "over 256 KB"),
    "tag name": (BODY + b"<c", same(b"x" * 1000), b"/>" + END, "over 256 KB"),
    "nesting": (BODY, same(b"<c>"), b"", "more than 500 deep"),
    "namespace": (
        b'<ead xmlns:a="urn:' + b"n" * 200_000 + b'"><archdesc level="fonds"><dsc>', same(b"<a:x/>"), END,
        "a name or a namespace over 1000 characters",
    ),
    "element names": (BODY, numbered(b"<aN/>"), END, "more than 1000 different names"),
    "attribute names": (BODY, numbered(b'<c01 aN=""/>'), END, "more than 1000 different names"),
    "namespace prefixes": (BODY, numbered(b'<c01 xmlns:pN="u"/>'), END, "more than 1000 different names"),
}  # fmt: skip


def peak(tmp_path: Path, before: bytes, block: Callable[[int], bytes], after: bytes, sides: str) -> list[str]:
    """A 60 MB file read where `sides` says (upload, worker): what each said, then the peak in MB."""
    path = tmp_path / "hostile.xml"
    with path.open("wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n' + before)
        blocks = 0
        while out.tell() < 60 * MB:
            out.write(block(blocks))
            blocks += 1
        out.write(after)
    command = [sys.executable, "-c", PEAK, str(path), sides]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=900)  # (a guard, not a limit)
    assert run.returncode == 0, run.stderr[-3000:]
    *said, peak_kb = run.stdout.splitlines()
    return [*said, str(int(peak_kb) // 1024)]


@pytest.mark.parametrize("shape", SHAPES)
def test_a_60_mb_hostile_file_costs_a_few_mb_on_the_web_and_in_the_worker(tmp_path, shape):
    before, block, after, refused_by = SHAPES[shape]
    upload, worker, peak_mb = peak(tmp_path, before, block, after, "upload,worker")
    assert refused_by in upload, upload
    assert "refused" in upload, upload
    assert worker.removeprefix("worker: ") == upload.removeprefix("upload: ")
    assert int(peak_mb) < PEAK_MB


def test_a_60_mb_note_costs_a_few_mb_in_the_worker(tmp_path):
    """Well-formed, so the upload check (which keeps nothing) reads it all; the worker reads a
    note whole when it ends, so it holds at most 100,000 elements."""
    before = BODY + b"<c01><did><unittitle>A file</unittitle></did><scopecontent>"
    worker, peak_mb = peak(tmp_path, before, same(b"<p>x</p>"), b"</scopecontent></c01>" + END, "worker")
    assert "more than 100,000 elements in one part of a component" in worker
    assert int(peak_mb) < PEAK_MB
