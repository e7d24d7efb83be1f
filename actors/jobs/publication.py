"""Update publication status: draft or published, for a description and optionally its descendants."""

from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from wtforms import BooleanField, SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired

from actors.engine.context import report_progress, set_info
from actors.jobs.forms import RecordJobForm
from actors.jobs.records import job_and_record
from actors.ledger.recording import record_updates
from extensions import db, rowcount
from models import ArchivalDescription as D
from models import PublicationStatus
from models.base import utcnow
from models.tree import within


class PublicationStatusForm(RecordJobForm):
    status = SelectField(
        _l("Publication status"),
        choices=[SelectChoice(s.value, s.lazy_label) for s in PublicationStatus],
        default=PublicationStatus.PUBLISHED.value,
        validators=[InputRequired()],
    )
    include_descendants = BooleanField(_l("Update descendants too"), default=False)

    def preview(self) -> str | None:
        if self.description is None:
            return None
        status = PublicationStatus(self.status.data)
        total, already = db.session.execute(
            select(func.count(), func.count().filter(D.publication_status == status)).where(
                within(self.description, bool(self.include_descendants.data))
            )
        ).one()
        return _(
            "%(changing)s of %(total)s will become %(status)s; %(already)s already are.",
            changing=ngettext(
                "%(count)s description",
                "%(count)s descriptions",
                total - already,
                count=format_decimal(total - already),
            ),
            total=format_decimal(total),
            status=status.label,
            already=format_decimal(already),
        )


def set_publication_status(record: D, status: PublicationStatus, include_descendants: bool, job_id: int) -> int:
    """One UPDATE over the record's lft range; rows already in that status are left alone.
    The job's ledger gets one row per description changed (with its status before).

    Returns how many descriptions changed.
    """
    record_updates(job_id, within(record, include_descendants), {"publication_status": status})
    return rowcount(
        update(D)
        .where(within(record, include_descendants), D.publication_status != status)
        .values(publication_status=status, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def update_publication_status(job_id: int) -> None:

    _job, parameters, record = job_and_record(job_id)
    try:
        status = PublicationStatus(parameters.get("status"))
    except ValueError:
        raise ValueError(
            _("Unknown publication status %(status)r; use draft or published.", status=parameters.get("status"))
        ) from None
    include = bool(parameters.get("include_descendants"))
    total = record.descendant_count + 1 if include else 1
    counts = {"total": format_decimal(total), "status": status.label.lower()}
    scope = _("“%(title)s”", title=record.title)
    if include:
        scope = ngettext(
            "“%(title)s” and its %(count)s descendant",
            "“%(title)s” and its %(count)s descendants",
            record.descendant_count,
            title=record.title,
            count=format_decimal(record.descendant_count),
        )
    setting = ngettext(
        "Setting %(scope)s to %(status)s: 0 of %(total)s description...",
        "Setting %(scope)s to %(status)s: 0 of %(total)s descriptions...",
        total,
        scope=scope,
        **counts,
    )
    report_progress(0, total, setting)
    changed = set_publication_status(record, status, include, job_id)
    now = ngettext(
        "%(total)s of %(total)s description is now %(status)s.",
        "%(total)s of %(total)s descriptions are now %(status)s.",
        total,
        **counts,
    )
    report_progress(total, total, now)
    db.session.commit()
    summary = _summary(changed, total - changed, status)
    print(summary, flush=True)
    set_info(summary)


def _summary(changed: int, unchanged: int, status: PublicationStatus) -> str:
    """ "12 descriptions set to published (28 already were)." (a sentence per status: the words agree)."""
    count = format_decimal(changed)
    if status == PublicationStatus.PUBLISHED:
        summary = ngettext(
            "%(count)s description set to published", "%(count)s descriptions set to published", changed, count=count
        )
    else:
        summary = ngettext(
            "%(count)s description set to draft", "%(count)s descriptions set to draft", changed, count=count
        )
    if unchanged:
        summary += " " + ngettext(
            "(%(count)s already was)", "(%(count)s already were)", unchanged, count=format_decimal(unchanged)
        )
    return summary + "."
