"""What differs between EAD 2002 and EAD3 when we write them: the same places, spelled two ways
(EAD3 names its types ``localtype``, puts a name's text in ``<part>``, has no xlink, calls its
header ``<control>``, and structures a few elements). The export (actors.formats.ead.writer)
writes one model through either; the reader reads both (actors.formats.ead.tags.dialect_of)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import ClassVar

from actors.formats.writing import xml_attr, xml_text

_BARCODE = re.compile(r"^(.*?)\s*\((\w+)\)$")  # "Mixed Materials (39002042785937)": ArchivesSpace's label


class Ead2002:
    key = "ead"
    namespace = "urn:isbn:1-931666-22-9"
    # Attributes of kept elements as this dialect names them (EAD3's ``localtype`` is 2002's ``type``).
    renamed: ClassVar[dict[str, str]] = {
        "dsc@dsctype": "type",  # (a tag's own: EAD3's <dsc dsctype> is 2002's <dsc type>)
        "localtype": "type",
        "linktitle": "title",
        "linkrole": "role",
        "lang": "langcode",
    }
    kept_tags: ClassVar[dict[str, str]] = {}  # a kept element's place -> the element written

    def root(self) -> str:
        return f'<ead xmlns="{self.namespace}" xmlns:xlink="http://www.w3.org/1999/xlink">\n'

    def header(self, identifier: str, title: str) -> str:
        return (
            f"<eadheader><eadid>{xml_text(identifier)}</eadid><filedesc><titlestmt>"
            f"<titleproper>{xml_text(title)}</titleproper></titlestmt></filedesc></eadheader>\n"
        )

    def named(self, tag: str, text: str, attributes: str = "") -> str:
        """A name or term: <persname>Ellis, Mary</persname>."""
        return f"<{tag}{attributes}>{xml_text(text)}</{tag}>"

    def typed(self, kind: str) -> str:
        """The type attribute of a container, unitid or unittitle."""
        return f" type={xml_attr(kind)}"

    def date_type(self, kind: str) -> str:
        return f" type={xml_attr(kind)}"

    def physdesc(self, text: str) -> str:
        return f"<physdesc><extent>{xml_text(text)}</extent></physdesc>"

    def langmaterial(self, languages: list[str], scripts: list[str], note: str | None) -> str:
        if not languages and not note:
            return ""
        codes = "".join(f"<language langcode={xml_attr(code)}/>" for code in languages)
        return f"<langmaterial>{xml_text(note)}{codes}</langmaterial>"

    def container_label(self, label: str) -> str:
        return f" label={xml_attr(label)}" if label else ""

    def dao(self, href: str, described: str, attributes: str = "") -> str:
        """A digital object's link, its description (paragraphs) inside."""
        inner = f"<daodesc>{described}</daodesc>" if described else ""
        return f'<dao xlink:type="simple" xlink:href={xml_attr(href)}{attributes}>{inner}</dao>'

    def dao_attribute(self, name: str) -> str:
        name = self.attribute(name)
        return f"xlink:{name}" if name in ("role", "title", "actuate", "show", "arcrole") else name

    def attribute(self, name: str, tag: str = "") -> str:
        return self.renamed.get(f"{tag}@{name}") or self.renamed.get(name, name)

    def kept_tag(self, place: str) -> str:
        return self.kept_tags.get(place) or place.rsplit("/", 1)[-1]


class Ead3(Ead2002):
    key = "ead3"
    namespace = "http://ead3.archivists.org/schema/"
    renamed: ClassVar[dict[str, str]] = {
        "dsc@type": "dsctype",
        "type": "localtype",
        "title": "linktitle",
        "role": "linkrole",
        "langcode": "lang",
    }
    # (EAD3 has no <descgrp> and no <note> outside <did>: an <odd localtype="..."> holds them, read back
    # as what they were: actors.formats.ead.fields.KEPT_AS_ODD)
    kept_tags: ClassVar[dict[str, str]] = {"did/note": "didnote", "note": "odd", "descgrp": "odd"}

    def root(self) -> str:
        return f'<ead xmlns="{self.namespace}">\n'

    def header(self, identifier: str, title: str) -> str:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        return (
            f"<control><recordid>{xml_text(identifier)}</recordid><filedesc><titlestmt>"
            f"<titleproper>{xml_text(title)}</titleproper></titlestmt></filedesc>"
            '<maintenancestatus value="derived"/><maintenanceagency><agencyname>Archive Jobs</agencyname>'
            '</maintenanceagency><maintenancehistory><maintenanceevent><eventtype value="derived"/>'
            f'<eventdatetime standarddatetime="{now}">{now}</eventdatetime><agenttype value="machine"/>'
            "<agent>Archive Jobs</agent></maintenanceevent></maintenancehistory></control>\n"
        )

    def named(self, tag: str, text: str, attributes: str = "") -> str:
        return f"<{tag}{attributes}><part>{xml_text(text)}</part></{tag}>"

    def typed(self, kind: str) -> str:
        return f" localtype={xml_attr(kind)}"

    def date_type(self, kind: str) -> str:
        return f" unitdatetype={xml_attr(kind)}"

    def physdesc(self, text: str) -> str:
        return f"<physdesc>{xml_text(text)}</physdesc>"

    def langmaterial(self, languages: list[str], scripts: list[str], note: str | None) -> str:
        """EAD3 wants a <language> in it: codes as empty ones (with their scripts, a <languageset>),
        the note as a language of words when there is no code."""
        if not languages and not note:
            return ""
        if languages and scripts:
            codes = "".join(f"<language langcode={xml_attr(code)}/>" for code in languages)
            scripted = "".join(f"<script scriptcode={xml_attr(code)}/>" for code in scripts)
            inner = f"<languageset>{codes}{scripted}</languageset>"
        else:
            inner = "".join(f"<language langcode={xml_attr(code)}/>" for code in languages)
        if note:
            inner += f"<descriptivenote><p>{xml_text(note)}</p></descriptivenote>" if languages else ""
            inner = inner or f"<language>{xml_text(note)}</language>"
        return f"<langmaterial>{inner}</langmaterial>"

    def container_label(self, label: str) -> str:
        barcode = _BARCODE.match(label or "")
        if barcode:
            name = f" label={xml_attr(barcode.group(1))}" if barcode.group(1) else ""
            return f"{name} containerid={xml_attr(barcode.group(2))}"
        return f" label={xml_attr(label)}" if label else ""

    def dao(self, href: str, described: str, attributes: str = "") -> str:
        inner = f"<descriptivenote>{described}</descriptivenote>" if described else ""
        return f'<dao daotype="unknown" href={xml_attr(href)}{attributes}>{inner}</dao>'

    def dao_attribute(self, name: str) -> str:
        return self.attribute(name)


DIALECTS: dict[str, Ead2002] = {"ead": Ead2002(), "ead3": Ead3()}
