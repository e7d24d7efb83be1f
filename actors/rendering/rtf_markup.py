"""RTF's own markup: the document header, text escaped as RTF wants it, a labelled field and a
table row. Apart from the finding aid's structure (actors.rendering.rtf), so each reads alone."""

from __future__ import annotations

import re

# The inventory summary's table: right edges of its cells in twips (A4 less the margins: 9525).
SUMMARY_COLUMNS = (("Reference code", 1900), ("Title", 5500), ("Dates", 6800), ("Level", 7700), ("Container", 9525))

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

HEADER = (
    r"{\rtf1\ansi\ansicpg1252\deff0\uc1"
    r"{\fonttbl{\f0\froman\fcharset0 DejaVu Serif;}{\f1\fswiss\fcharset0 DejaVu Sans;}}"
    r"{\colortbl;\red85\green85\blue85;}"
    r"{\stylesheet{\s0\f0\fs20 Normal;}"
    r"{\s1\outlinelevel0\f1\fs48\b\sbasedon0\snext0 heading 1;}"
    r"{\s2\outlinelevel1\f1\fs30\b\sbasedon0\snext0 heading 2;}"
    r"{\s3\outlinelevel2\f1\fs24\b\sbasedon0\snext0 heading 3;}}"
    "\n"
)


def escape(text: str | None) -> str:
    """Text as RTF: control words escaped, non-ASCII as \\uN? (UTF-16 units), newlines as \\line."""
    if not text:
        return ""
    out: list[str] = []
    for char in _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")):
        code = ord(char)
        if char in "\\{}":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\line ")
        elif char == "\t":
            out.append("\\tab ")
        elif code < 128:
            out.append(char)
        elif code < 0x10000:
            out.append(f"\\u{code if code < 0x8000 else code - 0x10000}?")
        else:  # outside the BMP: a UTF-16 surrogate pair, each unit signed
            code -= 0x10000
            for unit in (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF)):
                out.append(f"\\u{unit - 0x10000}?")
    return "".join(out)


def field_paragraphs(label: str, value: str) -> str:
    """A field's small-capitals label kept with its value, as the PDF sets them."""
    return (
        r"\pard\plain\f1\fs16\b\cf1\sb140\keepn " + escape(label.upper()) + r"\par"
        "\n"
        r"\pard\plain\f0\fs20 " + escape(value) + r"\par"
        "\n"
    )


def table_row(cells: list[str], *, header: bool) -> str:
    """One row of the inventory summary's table; the header row repeats on every page."""
    border = r"\clbrdrb\brdrs\brdrw" + ("12" if header else "4")
    row = r"\trowd\trgaph60\trkeep" + (r"\trhdr" if header else "")
    row += "".join(rf"{border}\cellx{edge}" for _label, edge in SUMMARY_COLUMNS) + "\n"
    style = r"\pard\plain\intbl\f1\fs15\b " if header else r"\pard\plain\intbl\f0\fs17 "
    return row + "".join(style + escape(cell) + r"\cell" for cell in cells) + r"\row" "\n"
