"""Inherit rights: copy a record's rights statements to its descendants, in two SQL statements at most.

"overwrite" leaves the descendants with exactly the record's statements (it deletes
the others); "combine" keeps theirs. Both skip exact duplicates (NOT EXISTS). Scope
"digital_objects" limits both to descendants that have a digital object, as AtoM does.
"""

from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, insert, literal, select
from sqlalchemy.orm import aliased
from wtforms import SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from actors.engine.context import report_progress, set_info
from actors.jobs.forms import RecordJobForm
from actors.jobs.records import job_and_record, no_descendants_error, require_descendants
from actors.ledger.rights_ledger import record_rights_after, record_rights_before
from extensions import db, rowcount
from models import ArchivalDescription as D
from models.base import utcnow
from models.rights import RightsStatement as R
from models.tree import strictly_below

MODES = {
    "combine": _l("Combine (keep their statements, skip duplicates)"),
    "overwrite": _l("Overwrite (replace their statements)"),
}
SCOPES = {"all": _l("All descendants"), "digital_objects": _l("Only descendants with digital objects")}


def _choices(options: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options.items()]


class InheritRightsForm(RecordJobForm):
    mode = SelectField(_l("Mode"), choices=_choices(MODES), default="combine", validators=[InputRequired()])
    scope = SelectField(_l("Apply to"), choices=_choices(SCOPES), default="all", validators=[InputRequired()])

    def validate_record(self, field) -> None:
        require_descendants(self, field)
        if self.description is not None and statement_count(self.description.id) == 0:
            raise ValidationError(_("“%(title)s” has no rights statements to inherit.", title=self.description.title))

    def nothing_to_do(self) -> str | None:
        if self.description is not None and statement_count(self.description.id) == 0:
            return _("This record has no rights statement to pass down: nothing would change.")
        return None

    def preview(self) -> str | None:
        record = self.description
        if record is None:
            return None
        targets = target_count(record, self.scope.data)
        text = ngettext(
            "The rights will be copied to %(count)s description",
            "The rights will be copied to %(count)s descriptions",
            targets,
            count=format_decimal(targets),
        )
        if self.mode.data == "overwrite":
            replaced = db.session.scalar(
                select(func.count()).select_from(R).where(*_overwritten(record, self.scope.data))
            )
            text += " " + ngettext(
                "(overwrite: replaces %(count)s existing statement)",
                "(overwrite: replaces %(count)s existing statements)",
                replaced,
                count=format_decimal(replaced),
            )
        return text + "."


def statement_count(description_id: int) -> int:
    return db.session.execute(
        select(func.count()).select_from(R).where(R.description_id == description_id)
    ).scalar_one()


def _in_scope(record: D, scope: str) -> list:
    """WHERE conditions on descriptions: the descendants the statements go to."""
    conditions = [strictly_below(record)]
    if scope == "digital_objects":
        conditions.append(D.has_digital_object.is_(True))
    return conditions


def target_count(record: D, scope: str) -> int:
    return db.session.execute(select(func.count()).select_from(D).where(*_in_scope(record, scope))).scalar_one()


def check_options(mode: str, scope: str) -> None:
    if mode not in MODES or scope not in SCOPES:
        raise ValueError(
            _(
                "Unknown mode %(mode)r or scope %(scope)r; use %(modes)s and %(scopes)s.",
                mode=mode,
                scope=scope,
                modes=" or ".join(MODES),
                scopes=" or ".join(SCOPES),
            )
        )


def _same_content(statement, other) -> list:
    """``statement`` says exactly what ``other`` says (NULL matching NULL)."""
    return [getattr(statement, c).is_not_distinct_from(getattr(other, c)) for c in R.CONTENT]


def _overwritten(record: D, scope: str) -> list:
    """WHERE conditions on statements: those an overwrite removes (the descendants' statements
    the record does not have)."""
    source = aliased(R)
    the_records_own = exists().where(source.description_id == record.id, *_same_content(R, source))
    return [R.description_id.in_(select(D.id).where(*_in_scope(record, scope))), ~the_records_own]


def inherit_rights(record: D, mode: str, scope: str, job_id: int) -> tuple[int, int]:
    """Copy the record's statements to its descendants. Returns (deleted, inserted) row counts.
    The job's ledger keeps the statements before and after of each descendant that changed.

    Copies already in place stay: overwrite removes only the statements the record does
    not have, so running it again rewrites nothing. Both modes then add, in one
    INSERT ... SELECT, the copies a descendant lacks.
    """
    check_options(mode, scope)
    record_rights_before(job_id, _in_scope(record, scope))
    source = aliased(R)
    deleted = 0
    if mode == "overwrite":
        deleted = rowcount(delete(R).where(*_overwritten(record, scope)).execution_options(synchronize_session=False))
    copies = (
        select(D.id, *(getattr(source, c) for c in R.CONTENT), literal(utcnow()))
        .select_from(D)
        .join(source, source.description_id == record.id)
        .where(*_in_scope(record, scope), ~exists().where(R.description_id == D.id, *_same_content(R, source)))
    )
    inserted = rowcount(
        insert(R)
        .from_select(["description_id", *R.CONTENT, "created_at"], copies)
        .execution_options(preserve_rowcount=True)  # INSERT rowcount is kept only when asked for
    )
    record_rights_after(job_id)
    return deleted, inserted


def inherit_rights_job(job_id: int) -> None:

    _job, parameters, record = job_and_record(job_id)
    mode, scope = parameters.get("mode", "combine"), parameters.get("scope", "all")
    check_options(mode, scope)
    if record.descendant_count == 0:
        raise no_descendants_error(record)
    statements = statement_count(record.id)
    if statements == 0:
        raise ValueError(_("“%(title)s” has no rights statements to inherit.", title=record.title))
    targets = target_count(record, scope)
    report_progress(0, targets, _copying(record.title, statements, targets, str(SCOPES[scope]).lower(), mode))
    deleted, inserted = inherit_rights(record, mode, scope, job_id)
    copied = ngettext(
        "Copied to %(done)s of %(total)s descendant.",
        "Copied to %(done)s of %(total)s descendants.",
        targets,
        done=format_decimal(targets),
        total=format_decimal(targets),
    )
    report_progress(targets, targets, copied)
    db.session.commit()
    summary = _summary(inserted, targets, statements * targets - inserted, deleted if mode == "overwrite" else None)
    print(summary, flush=True)
    set_info(summary)


def _copying(title: str, statements: int, targets: int, scope: str, mode: str) -> str:
    what = ngettext(
        "%(count)s rights statement", "%(count)s rights statements", statements, count=format_decimal(statements)
    )
    return ngettext(
        "Copying %(what)s of “%(title)s” to 0 of %(count)s descendant (%(scope)s, %(mode)s)...",
        "Copying %(what)s of “%(title)s” to 0 of %(count)s descendants (%(scope)s, %(mode)s)...",
        targets,
        count=format_decimal(targets),
        what=what,
        title=title,
        scope=scope,
        mode=mode,
    )


def _summary(inserted: int, targets: int, already: int, deleted: int | None) -> str:
    """What it did, in parts a language can agree: "77 rights statements added to 39 descendants, 1 already there"."""
    parts = [
        ngettext(
            "%(count)s rights statement added to %(targets)s",
            "%(count)s rights statements added to %(targets)s",
            inserted,
            count=format_decimal(inserted),
            targets=ngettext("%(count)s descendant", "%(count)s descendants", targets, count=format_decimal(targets)),
        )
    ]
    if already:
        parts.append(
            ngettext("%(count)s already there", "%(count)s already there", already, count=format_decimal(already))
        )
    if deleted is not None:
        parts.append(
            ngettext(
                "%(count)s other statement removed",
                "%(count)s other statements removed",
                deleted,
                count=format_decimal(deleted),
            )
        )
    return ", ".join(parts) + "."
