"""An import's progress, said in the file's own words: an EAD file holds components, a CSV rows;
the bar and the Info move every 1 %, the console says it every 10 %."""

from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from actors.engine.context import report_progress
from actors.formats.atom_csv.reader import CsvReader
from actors.formats.ead.reader import EadReader


def counted(reader: CsvReader | EadReader) -> str:
    """What a file's records are called where a person reads them: an EAD file's are components."""
    return "component" if isinstance(reader, EadReader) else "row"


class Steps:
    """Progress on the bar and the Info every 1 %, in the console every 10 %: 117 lines of
    "Checked N of 720 rows..." said no more than ten (issue 27)."""

    def __init__(self, total: int, unit: str) -> None:
        self.total, self.unit = total, unit
        self.step = max(1, total // 100)
        self.next = self.step
        self.tenths = 0  # the console's last line was at this many tenths

    def due(self, done: int) -> bool:
        if done < self.next:
            return False
        self.next = done + self.step
        return True

    def report(self, done: int, text: str, *, echo: bool = True) -> None:
        tenths = done * 10 // max(1, self.total)
        report_progress(done, self.total, text, unit=self.unit, echo=echo and tenths > self.tenths)
        self.tenths = max(self.tenths, tenths) if echo else self.tenths


def said_records(reader: CsvReader | EadReader, count: int) -> str:
    """ "720 rows" of a CSV, "720 components" of an EAD file, in the job's language."""
    number = format_decimal(count)
    if isinstance(reader, EadReader):
        return ngettext("%(count)s component", "%(count)s components", count, count=number)
    return ngettext("%(count)s row", "%(count)s rows", count, count=number)


def said_done(importing: bool, done: int, records: str) -> str:
    """ "Imported 12 of 720 rows" (or Checked), in the job's language."""
    if importing:
        return _("Imported %(done)s of %(records)s", done=format_decimal(done), records=records)
    return _("Checked %(done)s of %(records)s", done=format_decimal(done), records=records)


def said_opening(importing: bool, file_name: str, fmt: str, parent: str | None, match: str) -> str:
    """An import's first line: which file, as what, where it goes, what a match does."""
    where = _("under “%(title)s”", title=parent) if parent is not None else _("at the top level")
    values = {"file": file_name, "format": fmt.upper(), "where": where, "match": match}
    if importing:
        return _("Importing %(file)s (%(format)s) %(where)s; existing matches: %(match)s.", **values)
    return _("Checking %(file)s (%(format)s) %(where)s; existing matches: %(match)s.", **values)
