"""Move description: a description and its sub-tree under a new parent, or to top level.

The form refuses a move under the record itself or one of its descendants; the job
checks again (models.tree.move_subtree raises TreeError) because the tree may have
changed between the request and the run.
"""

from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import ValidationError

from actors.engine.context import report_progress, set_info
from actors.jobs.forms import RecordField, RecordJobForm, not_found
from actors.jobs.records import job_and_record
from actors.ledger.recording import record_rows
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind
from models.tree import check_tree, move_subtree, previous_sibling_id


class MoveDescriptionForm(RecordJobForm):
    new_parent = RecordField(
        _l("New parent"),
        description=_l(
            "The description to move it under (the moved one becomes its last child): type part of its title."
        ),
        render_kw={"data-picker-exclude": "record"},  # never under itself or its own sub-tree
        when_empty=_l("At the top level"),
    )
    top_level = BooleanField(_l("Move to top level instead"))

    def validate_new_parent(self, field) -> None:
        slug = (field.data or "").strip()
        field.data = slug
        if self.top_level.data:
            if slug:
                raise ValidationError(_("Give a new parent or tick “Move to top level”, not both."))
            return
        if not slug:
            raise ValidationError(_("Choose the new parent from the suggestions, or tick “Move to top level”."))
        parent = D.by_slug(slug)
        if parent is None:
            raise not_found(slug)
        record = self.description
        if record is not None:
            refusal = move_refusal(record, parent)
            if refusal:
                raise ValidationError(refusal)

    def preview(self) -> str | None:
        record = self.description
        if record is None:
            return None
        parent = None if self.top_level.data else D.by_slug(self.new_parent.data)
        where = (
            _("to the top level") if parent is None else _("under “%(title)s”, as its last child", title=parent.title)
        )
        return ngettext(
            "“%(title)s” and its %(count)s descendant will move %(where)s.",
            "“%(title)s” and its %(count)s descendants will move %(where)s.",
            record.descendant_count,
            count=format_decimal(record.descendant_count),
            title=record.title,
            where=where,
        )

    def validate_top_level(self, field) -> None:
        if field.data and self.description is not None and self.description.parent_id is None:
            raise ValidationError(_("“%(title)s” is already at top level.", title=self.description.title))


def move_refusal(record: D, parent: D) -> str | None:
    """Why ``record`` cannot go under ``parent``, or None (the same rule as move_subtree).

    In the page's language on the form, in the job's own in its Info."""
    if record.id == parent.id:
        return _("“%(title)s” cannot be moved under itself.", title=record.title)
    if record.lft < parent.lft < record.rgt:
        return _(
            "“%(title)s” cannot be moved under one of its own descendants (“%(parent)s”).",
            title=record.title,
            parent=parent.title,
        )
    return None


def move_description(job_id: int) -> None:

    _job, parameters, record = job_and_record(job_id, exclusive=True)
    slug = (parameters.get("new_parent") or "").strip()
    top_level = bool(parameters.get("top_level"))
    if top_level == bool(slug):
        raise ValueError(_("Give either a new parent or “top level”, not both and not neither."))
    parent = None if top_level else D.by_slug(slug)
    if not top_level and parent is None:
        raise LookupError(_("The new parent “%(slug)s” no longer exists.", slug=slug))
    refusal = move_refusal(record, parent) if parent else None
    if refusal:
        raise ValueError(refusal)
    total = record.descendant_count + 1
    where = _("to top level") if parent is None else _("under “%(title)s”", title=parent.title)
    counts = {"total": format_decimal(total), "title": record.title, "where": where}
    moving = ngettext(
        "Moving “%(title)s” (%(total)s description) %(where)s: 0 of %(total)s...",
        "Moving “%(title)s” (%(total)s descriptions) %(where)s: 0 of %(total)s...",
        total,
        **counts,
    )
    report_progress(0, total, moving)
    before = {"parent_id": record.parent_id, "previous_sibling_id": previous_sibling_id(record)}
    move_subtree(record, parent)
    after = {"parent_id": parent.id if parent else None, "previous_sibling_id": previous_sibling_id(record)}
    record_rows(job_id, ChangeKind.MOVED, [(record.id, before, after)])
    moved = ngettext(
        "Moved %(total)s of %(total)s description.", "Moved %(total)s of %(total)s descriptions.", total, **counts
    )
    report_progress(total, total, moved)
    check_tree()  # the nested set and the parent links agree, or nothing is changed
    message = ngettext(  # (before the commit)
        "Moved “%(title)s” and %(count)s descendant %(where)s.",
        "Moved “%(title)s” and %(count)s descendants %(where)s.",
        total - 1,
        count=format_decimal(total - 1),
        **counts,
    )
    db.session.commit()
    print(message, flush=True)
    set_info(message)
