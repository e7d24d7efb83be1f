"""The "Changes" section of a job's details page, and its CSV: what the job did to descriptions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, stream_with_context
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from actors.ledger.reading import csv_lines, field_changes, ledger_title
from actors.ledger.values import HELD_KEY
from blueprints.jobs.blueprint import bp
from extensions import db
from models import ArchivalDescription, Job, PublicationStatus, RecordChange, User
from models.changes import ChangeKind, change_counts, changes_of

PER_PAGE = 50
SHOWN_TEXT = 200  # characters of a long text shown on the page (the CSV has all of it)
FIELD_LABELS = {
    "publication_status": _l("Publication status"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "dates": _l("Date(s)"),
    "parent_id": _l("Parent"),
    "previous_sibling_id": _l("After"),
    "title": _l("Title"),
    "identifier": _l("Reference code"),
    "level_of_description": _l("Level of description"),
    "extent_and_medium": _l("Extent and medium"),
    "scope_and_content": _l("Scope and content"),
    "rights": _l("Rights"),
}
FIELD_LABELS[HELD_KEY] = _l("Notes, events, access points and containers")
HELD_LABELS = {  # what an update import replaces of a matched record, by table
    "events": _l("Events"),
    "notes": _l("Notes"),
    "alternative_identifiers": _l("Alternative identifiers"),
    "description_terms": _l("Subject, place and genre access points"),
    "description_names": _l("Name access points"),
    "description_containers": _l("Containers"),
}
RECORD_FIELDS = ("parent_id", "previous_sibling_id")  # values that are description ids
KIND_LABELS = {
    ChangeKind.CREATED.value: _l("Created"),
    ChangeKind.UPDATED.value: _l("Updated"),
    ChangeKind.MOVED.value: _l("Moved"),
    ChangeKind.DELETED.value: _l("Deleted"),
    ChangeKind.SKIPPED.value: _l("Skipped"),
}


def change_label(kind: str) -> str:
    """'Created', 'Updated'... in the page's language (templates: the Changes section, a History)."""
    return str(KIND_LABELS.get(kind, kind))


@dataclass
class ShownChange:
    kind: str
    description_id: int
    title: str | None  # None: deleted since
    slug: str | None
    fields: list[tuple[str, str, str]]  # (label, before, after) as people read them


HISTORY_LIMIT = 20


def history_of(description_id: int, user: User) -> list[tuple[Job, ShownChange]]:
    """The jobs that changed a description, newest first, with what each changed (a
    description page's History); only jobs the user may see."""
    query = (
        select(RecordChange, Job)
        .join(Job, Job.id == RecordChange.job_id)
        .where(RecordChange.description_id == description_id)
        .order_by(RecordChange.id.desc())
        .limit(HISTORY_LIMIT)
    )
    if not user.is_admin:
        query = query.where(Job.user_id == user.id)
    rows = db.session.execute(query).all()
    titles = _record_titles(change for change, _job in rows)
    return [(job, _shown_change(change, None, None, titles)) for change, job in rows]


def ledger_section(job_id: int, page: int) -> dict[str, Any]:
    """What the details page shows of the ledger: counts, one page of changes, the pages."""
    counts = change_counts(job_id)
    total = sum(counts.values())
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(changes_of(job_id).offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    titles = _record_titles(change for change, _title, _slug in rows)
    shown = [_shown_change(change, title, slug, titles) for change, title, slug in rows]
    return {"summary": counts_sentence(counts), "changes": shown, "page": page, "pages": pages, "total": total}


def counts_sentence(counts: dict[str, int]) -> str:
    """'4,999 created, 12 updated, 3 skipped' (in the order of ChangeKind)."""
    words = {
        ChangeKind.CREATED.value: lambda n: ngettext(
            "%(count)s created", "%(count)s created", n, count=format_decimal(n)
        ),
        ChangeKind.UPDATED.value: lambda n: ngettext(
            "%(count)s updated", "%(count)s updated", n, count=format_decimal(n)
        ),
        ChangeKind.MOVED.value: lambda n: ngettext("%(count)s moved", "%(count)s moved", n, count=format_decimal(n)),
        ChangeKind.DELETED.value: lambda n: ngettext(
            "%(count)s deleted", "%(count)s deleted", n, count=format_decimal(n)
        ),
        ChangeKind.SKIPPED.value: lambda n: ngettext(
            "%(count)s skipped", "%(count)s skipped", n, count=format_decimal(n)
        ),
    }
    return ", ".join(words[kind.value](counts[kind.value]) for kind in ChangeKind if counts.get(kind.value))


@bp.get("/<int:job_id>/changes.csv")
def changes_csv(job_id: int) -> Response:
    """The job's whole ledger, streamed (one line per field changed)."""
    if Job.get_visible(job_id, current_user) is None:
        abort(404, description=_("There is no job %(id)s that you can see.", id=job_id))
    return Response(
        stream_with_context(csv_lines(job_id)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=job-{job_id}-changes.csv"},
    )


def _shown_change(change: RecordChange, title: str | None, slug: str | None, titles: dict[int, str]) -> ShownChange:
    created = change.kind == ChangeKind.CREATED.value  # nothing before: not "(top level)"
    fields = [
        (str(FIELD_LABELS.get(name, name)), "—" if created else _shown(name, old, titles), _shown(name, new, titles))
        for name, old, new in field_changes(change)
    ]
    if title is None:
        title = ledger_title(change)  # the record is gone: its title is in the ledger
    return ShownChange(change.kind, change.description_id, title, slug, fields)


def _record_titles(changes: Iterable[RecordChange]) -> dict[int, str]:
    """Titles of the records a page's moves name (old parent, the sibling it followed), in one query."""
    ids = {
        value
        for change in changes
        for values in (change.before or {}, change.after or {})
        for name, value in values.items()
        if name in RECORD_FIELDS and isinstance(value, int)
    }
    return ArchivalDescription.titles_of(ids) if ids else {}


def _shown(name: str, value: Any, titles: dict[int, str]) -> str:
    if value is None:
        return _("(top level)") if name == "parent_id" else _("(first)") if name == "previous_sibling_id" else "—"
    if name == HELD_KEY:  # how many rows of each kind: the CSV has them all
        return (
            "; ".join(f"{HELD_LABELS.get(table, table)}: {len(rows)}" for table, rows in value.items() if rows) or "—"
        )
    if name == "rights":
        return "; ".join(_statement(statement) for statement in value) or _("none")
    if name in RECORD_FIELDS:
        return titles.get(value, _("description %(id)s (deleted)", id=value))
    if name == "publication_status":
        try:
            return PublicationStatus(value).label
        except ValueError:
            return str(value)
    text = str(value)
    return text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT] + "…"


def _statement(statement: dict[str, Any]) -> str:
    """'copyright, display, allow (1950-01-01 to 1999-12-31): note' — a rights statement in one line."""
    text = ", ".join(str(statement.get(part) or "") for part in ("basis", "act", "restriction"))
    dates = " to ".join(str(statement[end]) for end in ("start_date", "end_date") if statement.get(end))
    note = statement.get("note")
    return text + (f" ({dates})" if dates else "") + (f": {note}" if note else "")
