"""Checks on uploaded import files, run in the web request (and by the CLI) before a job exists.

Why here and not only in the job: a user who picks the wrong file should read the reason
on the form, at once, instead of finding a failed job later. Every check streams the file
in chunks, so a 64 MB upload never sits in memory as one string. XML is parsed through
actors.formats.xml_safety, which refuses entity declarations outright: no external entities (XXE) and
no entity expansion (billion laughs), before any expansion can start; and attribute defaults,
unreadable encodings, huge texts and deep nesting, so that no file costs more than a few MB.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from actors.formats import FORMAT_NAMES
from actors.formats.atom_csv.entities import refusal
from actors.formats.ead.tags import dialect_of
from actors.formats.xml_safety import UnsafeXML, safe_iterparse

CHUNK = 64 * 1024
EXTENSIONS = {"csv": (".csv",), "ead": (".xml", ".ead"), "ead3": (".xml", ".ead")}
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BINARY_MAGIC = {
    b"PK\x03\x04": _l(
        "This is a ZIP archive (an Excel .xlsx workbook is one: save it as “CSV UTF-8” instead), not a text file."
    ),
    b"%PDF": _l("This is a PDF document, not a text file."),
    b"\xd0\xcf\x11\xe0": _l("This is an old Microsoft Office file (save it as “CSV UTF-8” instead), not a text file."),
}


class UploadError(ValueError):
    """The file cannot be imported; the message is for the person who chose it (in the page's
    language on the web form; English for the CLI and the worker, which have no request)."""


def format_for(filename: str, requested: str | None) -> str:
    """The format to read the file as: the requested one, or guessed from the extension."""
    suffix = Path(filename or "").suffix.lower()
    if requested in EXTENSIONS:
        if suffix not in EXTENSIONS[requested]:
            allowed = " or ".join(EXTENSIONS[requested])
            raise UploadError(
                _(
                    "The %(format)s file must end in %(allowed)s (got “%(filename)s”).",
                    format=FORMAT_NAMES[requested],
                    allowed=allowed,
                    filename=filename,
                )
            )
        return requested
    for fmt, suffixes in EXTENSIONS.items():
        if suffix in suffixes:
            return fmt
    raise UploadError(
        _(
            "Choose a .csv (AtoM CSV) or .xml (EAD 2002 or EAD3) file (got “%(filename)s”).",
            filename=filename or _("no name"),
        )
    )


def check_upload(stream: IO[bytes], filename: str, requested: str | None, max_bytes: int | None) -> str:
    """Raise UploadError with a clear reason, or return the file's format. Leaves the stream at 0."""
    fmt = format_for(filename, requested)
    try:
        _check_size(stream, max_bytes)
        head = stream.read(CHUNK)
        stream.seek(0)
        _check_not_binary(stream, head)
        if fmt == "csv":
            _check_utf8(stream)
            _check_csv_header(stream)
        else:
            declared = _XML_ENCODING.match(head.lstrip(codecs.BOM_UTF8))
            if declared is None or declared.group(1).lower().replace(b"_", b"-") in (b"utf-8", b"utf8"):
                _check_utf8(stream)
            stream.seek(0)
            fmt = check_ead_xml(stream)  # (EAD 2002 or EAD3, by its namespace, whatever was asked)
    finally:
        stream.seek(0)
    return fmt


def _check_size(stream: IO[bytes], max_bytes: int | None) -> None:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise UploadError(_("The file is empty."))
    if max_bytes and size > max_bytes:
        raise UploadError(
            _(
                "The file is too large (%(size).1f MB; the limit is %(limit).0f MB).",
                size=size / 2**20,
                limit=max_bytes / 2**20,
            )
        )


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        yield chunk


def _check_not_binary(stream: IO[bytes], head: bytes) -> None:
    for magic, message in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise UploadError(str(message))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UploadError(_("The file is UTF-16 text; save it as UTF-8 (in Excel: “CSV UTF-8”)."))
    for chunk in _chunks(stream):
        if b"\x00" in chunk:
            raise UploadError(_("This is a binary file, not text (it contains NUL bytes)."))


def _check_utf8(stream: IO[bytes]) -> None:
    """Decode incrementally; name the line of the first invalid byte. A UTF-8 BOM is accepted."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    for chunk in _chunks(stream):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            bad = chunk[error.start]
            line += chunk.count(b"\n", 0, error.start)
            raise UploadError(
                _(
                    "The file is not UTF-8 text (byte 0x%(byte)s on line %(line)d). Save it as UTF-8 "
                    "(in Excel: “CSV UTF-8”); Windows-1252 and Latin-1 files are not accepted.",
                    byte=f"{bad:02X}",
                    line=line,
                )
            ) from None
        line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UploadError(_("The file is not UTF-8 text (it ends in the middle of a character).")) from None


def _check_csv_header(stream: IO[bytes]) -> None:
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        header = next(csv.reader(text), [])
    except csv.Error as error:
        raise UploadError(_("The first line of the file is not valid CSV: %(error)s.", error=error)) from None
    finally:
        text.detach()
    if header and header[0].lstrip().startswith("<"):
        raise UploadError(_("This looks like an XML file, not CSV: to import it as EAD, give it a .xml name."))
    if refused := refusal(header):  # (the job says the same: actors.formats.atom_csv.reader)
        raise UploadError(refused)


def describe_xml_error(error: Exception) -> str:
    """A reader's message for what xml_safety or expat refused."""
    if isinstance(error, UnsafeXML):
        return str(error)
    position = getattr(error, "position", None)
    reason = str(error).split(":")[0]
    if position:
        return _(
            "The XML is not well-formed (line %(line)s, column %(column)s: %(reason)s).",
            line=position[0],
            column=position[1] + 1,
            reason=reason,
        )
    return _("The XML is not well-formed (%(reason)s).", reason=reason)


def check_ead_xml(stream: IO[bytes]) -> str:
    """Well-formed, entity-free XML whose root element is <ead>; its dialect ("ead" for EAD 2002,
    "ead3"), by the root's namespace. Streams; keeps no tree."""
    open_elements: list = []
    dialect = "ead"
    try:
        for event, element in safe_iterparse(stream, events=("start", "end")):
            if event == "start":
                local = element.tag.rsplit("}", 1)[-1]
                if not open_elements and local != "ead":
                    raise UploadError(
                        _(
                            "The XML file is not an EAD finding aid: its root element is <%(root)s>, not <ead>.",
                            root=local,
                        )
                    )
                if not open_elements:
                    dialect = dialect_of(element.tag)
                open_elements.append(element)
                continue
            open_elements.pop()
            element.clear()
            if open_elements:  # detach it too, or a million empty elements pile up under the root
                open_elements[-1].remove(element)
    except (UnsafeXML, ParseError) as error:
        raise UploadError(describe_xml_error(error)) from None
    return dialect


def store_upload(upload) -> dict[str, str]:
    """Keep an uploaded file for the job under a random name; returns what the job needs."""
    directory = Path(current_app.instance_path) / "uploads"
    directory.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.filename or "").suffix.lower()[:10]
    path = directory / f"{secrets.token_urlsafe(16)}{suffix}"
    upload.save(path)
    return {"path": str(path), "filename": upload.filename or path.name}
