"""Finding aid as RTF, written by hand and streamed row by row.

RTF is plain 7-bit text, so a tree of any size is written with constant memory and
no extra dependency; word processors (LibreOffice, Word) open it for editing, which
is why archives ask for it next to the PDF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from flask_babel import gettext
from more_itertools import chunked

from actors.rendering.kept_fields import is_shown, kept_label
from actors.rendering.other_fields import other_fields
from actors.rendering.rtf_markup import HEADER, SUMMARY_COLUMNS, escape, field_paragraphs, table_row
from actors.rendering.scope import is_series
from models import ArchivalDescription
from models.description_parts import Related
from models.description_related import related_of

A4_WIDTH, A4_HEIGHT = 11906, 16838  # twips (1/1440 inch)
INDENT_PER_LEVEL = 340  # twips, ~6 mm, as in the PDF
PROGRESS_EVERY = 200
RELATED_BATCH = 200  # descriptions whose containers are read in one go


def write_finding_aid(
    root: ArchivalDescription,
    descriptions: Iterable[ArchivalDescription],
    dest: Path,
    generated: str,
    on_progress: Callable[[int, int], None],
    total: int,
    front: dict,
    summary: bool = False,
) -> None:
    """Write root's finding aid to dest; descriptions is root then its descendants in tree order.
    ``front``: the root's areas, creators, repository and series (front_pages);
    ``summary``: an inventory summary, a table per series (identifiers, titles, dates, levels, containers)."""
    done = 0
    repositories: dict[int, str] = {}
    table_open = False
    with open(dest, "w", encoding="ascii", newline="\n") as out:
        _write_front(out, root, generated, summary, front)
        for batch in chunked(descriptions, RELATED_BATCH):
            related = related_of(batch, repositories)
            for description in batch:
                done += 1
                if description.id != root.id:
                    table_open = _write_descendant(
                        out, root, description, summary, related.get(description.id), table_open
                    )
                if done % PROGRESS_EVERY == 0 and done < total:
                    on_progress(done, total)
        out.write("}\n")
    on_progress(done, max(done, total))


def _write_front(out: TextIO, root: ArchivalDescription, generated: str, summary: bool, front: dict) -> None:
    """Document settings, running header/footer, title page and the root's ISAD(G) fields."""
    title = escape(root.title)
    draft = escape(gettext("Draft — includes unpublished descriptions")) if front["drafts"] else ""
    out.write(HEADER)
    out.write(r"{\info{\title " + title + r"}{\doccomm Finding aid}}" + "\n")
    out.write(rf"\paperw{A4_WIDTH}\paperh{A4_HEIGHT}\margl1247\margr1134\margt1361\margb1247" "\n")
    out.write(r"\sectd\titlepg{\headerf\pard\par}{\footerf\pard\par}" "\n")
    out.write(r"{\header\pard\qc\f1\fs16\cf1 " + title + (rf" {{\b \u8212? {draft}}}" if draft else "") + r"\par}" "\n")
    out.write(
        r"{\footer\pard\qc\f1\fs16\cf1 Page {\field{\*\fldinst PAGE}{\fldrslt 1}}"
        r" of {\field{\*\fldinst NUMPAGES}{\fldrslt 1}}\par}"
        "\n"
    )
    # Title page
    out.write(r"\pard\plain\f1\fs22\cf1\sb3000\sa120 FINDING AID\par" "\n")
    out.write(r"\pard\plain\s1\outlinelevel0\f1\fs48\b\sa400 " + title + r"\par" "\n")
    out.write(r"\pard\plain\f1\fs22\b\sa400\box\brdrs\brdrw10\brsp60 " + draft + "\\par\n" if draft else "")
    creators = "; ".join(
        c.authorized_name + (f" ({c.dates_of_existence})" if c.dates_of_existence else "") for c in front["creators"]
    )
    for label, value in (
        ("Repository", front["repository"]),
        ("Creators" if len(front["creators"]) > 1 else "Creator", creators),
        ("Reference code", root.identifier),
        ("Dates", root.dates),
        ("Extent", root.extent_and_medium),
        ("Level of description", front["level_name"]),
    ):
        if value:
            out.write(field_paragraphs(label, value))
    out.write(r"\pard\plain\f0\fs18\cf1\sb2400 Generated on " + escape(generated) + r"\par" "\n")
    out.write(r"\page" "\n")
    if front.get("series"):
        _write_contents(out, front["series"])
    _write_root_description(out, root, summary, front)
    if root.descendant_count:
        out.write(r"\pard\plain\s2\outlinelevel1\f1\fs30\b\sb400\sa200 Detailed description\par" "\n")


def _write_root_description(out: TextIO, root: ArchivalDescription, summary: bool, front: dict) -> None:
    """The root's ISAD(G) fields: its identity only in an inventory summary; else every area the
    description page shows (its creators' histories in the context area)."""
    out.write(
        r"\pard\plain\s2\outlinelevel1\f1\fs30\b\sa200 Description of the "
        + escape(root.level_of_description)
        + r"\par"
        "\n"
    )
    fields = [
        ("Reference code", root.identifier),
        ("Title", root.title),
        ("Dates", root.dates),
        ("Level of description", (root.level_of_description or "").capitalize()),
    ]
    if summary:
        for label, value in fields:
            out.write(field_paragraphs(label, value or "\u2014"))
    else:
        for area, area_fields in front["root_areas"]:
            out.write(r"\pard\plain\f1\fs24\b\sb300\sa120 " + escape(str(area)) + r"\par" "\n")
            for field in area_fields:
                value = "; ".join(text for text, _slug in field.items) if field.items else field.text
                out.write(field_paragraphs(str(field.label), value or "\u2014"))


def _write_descendant(
    out: TextIO,
    root: ArchivalDescription,
    unit: ArchivalDescription,
    summary: bool,
    related: Related | None,
    table_open: bool,
) -> bool:
    """A row of the inventory summary's table (True: a table is open now), or a heading with its fields."""
    if summary and not is_series(root, unit):
        if not table_open:
            out.write(table_row([label for label, _ in SUMMARY_COLUMNS], header=True))
        out.write(table_row(_summary_cells(unit, related), header=False))
        return True
    _write_unit(out, unit, unit.depth - root.depth, summary, related)
    return False


def _write_unit(out: TextIO, unit: ArchivalDescription, depth: int, summary: bool, related: Related | None) -> None:
    """One descendant: level and reference, title as a heading, then its fields, indented by depth."""
    indent = rf"\li{INDENT_PER_LEVEL * max(depth - 1, 0)}"
    style = r"\s3\outlinelevel2" if depth == 1 else ""
    size = {1: 26, 2: 23}.get(depth, 21)
    reference = f" {unit.identifier}" if unit.identifier else ""
    out.write(
        r"\pard\plain"
        + indent
        + r"\keepn\sb200\f1\fs15\cf1 "
        + escape((unit.level_of_description or "").upper() + reference)
        + r"\par"
        "\n"
    )
    out.write(r"\pard\plain" + style + indent + rf"\keepn\f1\b\fs{size} " + escape(unit.title) + r"\par" "\n")
    containers = _containers(related)
    details: tuple[tuple[str, str | None], ...] = (
        ("Dates", unit.dates),
        ("Container", containers),
        ("Conditions governing access", unit.access_conditions),
    )
    if not summary:
        details += (("Extent and medium", unit.extent_and_medium), *_kept_details(unit, related))
    for label, value in details:
        if value:
            out.write(r"\pard\plain" + indent + r"\f0\fs18{\i " + escape(label) + r":} " + escape(value) + r"\par" "\n")
    if unit.scope_and_content and not summary:
        out.write(r"\pard\plain" + indent + r"\sb60\f0\fs20 " + escape(unit.scope_and_content) + r"\par" "\n")


def _kept_details(unit: ArchivalDescription, related: Related | None) -> list[tuple[str, str | None]]:
    """What an import kept as it came (EAD elements, RAD's columns), as the PDF prints them."""
    kept: list[tuple[str, str | None]] = [
        (str(kept_label(k)), k.text) for k in (related.kept if related else []) if is_shown(k)
    ]
    return kept + [(str(f.label), f.text or "; ".join(f.items)) for f in other_fields(unit.other_fields)]


def _write_contents(out: TextIO, series: list) -> None:
    """A table of contents field over the headings (the root's parts and the series): the word
    processor numbers its pages; until it is updated it lists the series without numbers."""
    out.write(r"\pard\plain\s2\outlinelevel1\f1\fs30\b\sa200 Contents\par" "\n")
    out.write(r"{\field{\*\fldinst TOC \\o " + '"2-3"' + r" \\h}{\fldrslt ")
    for entry in series:
        label = f"{entry.identifier} {entry.title}" if entry.identifier else entry.title
        out.write(r"\pard\plain\f0\fs20\sa60 " + escape(label) + r"\par" "\n")
    out.write("}}\n")
    out.write(
        r"\pard\plain\f0\fs16\cf1\i\sb120 Update this table for its page numbers"
        r" (F9 in Word; Tools, Update in LibreOffice).\par\page"
        "\n"
    )


def _summary_cells(unit: ArchivalDescription, related: Related | None) -> list[str]:
    return [unit.identifier or "", unit.title, unit.dates or "", unit.level_of_description or "", _containers(related)]


def _containers(related: Related | None) -> str:
    """ "Box 3, Folder 12": what a reading room pulls."""
    return ", ".join(f"{c['type']} {c['name']}".strip() for c in related.containers) if related else ""
