"""Calculate descendant dates: a parent's date range from the earliest/latest dates below it."""

from __future__ import annotations

from datetime import date

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from actors.engine.context import report_progress, set_info
from actors.jobs.forms import RecordJobForm
from actors.jobs.records import job_and_record, no_descendants_error, require_descendants
from actors.ledger.recording import record_rows
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind
from models.base import utcnow
from models.tree import strictly_below


class DescendantDatesForm(RecordJobForm):
    def validate_record(self, field) -> None:
        require_descendants(self, field)

    def preview(self) -> str | None:
        record = self.description
        if record is None:
            return None
        earliest, latest, dated = descendant_date_range(record)
        if earliest is None or latest is None:  # (both or neither)
            return _("No descendant of “%(title)s” has dates: its dates stay as they are.", title=record.title)
        return ngettext(
            "The dates of “%(title)s” will become %(dates)s (from %(count)s dated descendant; now: %(now)s).",
            "The dates of “%(title)s” will become %(dates)s (from %(count)s dated descendants; now: %(now)s).",
            dated,
            count=format_decimal(dated),
            title=record.title,
            dates=display_dates(earliest, latest),
            now=record.dates or "—",
        )


def descendant_date_range(record: D) -> tuple[date | None, date | None, int]:
    """(earliest, latest, how many descendants have a date): one aggregate over the lft range.

    A descendant with only one of its dates counts it for both ends, so either both ends are
    None (no descendant has a date) or neither is.
    """
    start = func.coalesce(D.start_date, D.end_date)
    end = func.coalesce(D.end_date, D.start_date)
    query = select(func.min(start), func.max(end), func.count(start)).where(strictly_below(record))
    earliest, latest, dated = db.session.execute(query).one()
    return earliest, latest, dated


def display_dates(earliest: date, latest: date) -> str:
    return f"{earliest.year:04d}-{latest.year:04d}"


def calculate_descendant_dates(job_id: int) -> None:

    _job, _parameters, record = job_and_record(job_id)
    total = record.descendant_count
    if total == 0:
        raise no_descendants_error(record)
    counts = {"total": format_decimal(total), "title": record.title}
    report_progress(
        0,
        total,
        ngettext(
            "Reading the dates of 0 of %(total)s descendant of “%(title)s”...",
            "Reading the dates of 0 of %(total)s descendants of “%(title)s”...",
            total,
            **counts,
        ),
    )
    earliest, latest, dated = descendant_date_range(record)
    read = ngettext(
        "Read the dates of %(total)s of %(total)s descendant: %(dated)s have dates.",
        "Read the dates of %(total)s of %(total)s descendants: %(dated)s have dates.",
        total,
        dated=format_decimal(dated),
        **counts,
    )
    report_progress(total, total, read)
    if earliest is None or latest is None:  # (both or neither)
        message = _("No descendant of “%(title)s” has dates; its dates are unchanged.", title=record.title)
        print(message, flush=True)
        set_info(message)
        return
    dates = display_dates(earliest, latest)
    new = {"start_date": earliest, "end_date": latest, "dates": dates}
    old = {name: getattr(record, name) for name in new}
    changed = [name for name in new if old[name] != new[name]]
    if changed:
        record_rows(
            job_id,
            ChangeKind.UPDATED,
            [(record.id, {name: old[name] for name in changed}, {name: new[name] for name in changed})],
        )
    db.session.execute(
        update(D)
        .where(D.id == record.id)
        .values(start_date=earliest, end_date=latest, dates=dates, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    message = _(
        "Dates of “%(title)s” set to %(dates)s (%(earliest)s to %(latest)s).",
        title=record.title,
        dates=dates,
        earliest=earliest.isoformat(),
        latest=latest.isoformat(),
    )
    print(message, flush=True)
    set_info(message)
