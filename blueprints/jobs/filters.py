"""Jobs page filters: parsed from GET query parameters, turned into SQL criteria, and
carried into every link (tabs, pages, auto refresh, CSV, bulk actions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, cast, false, func, or_, select

from actors.registry import JOB_TYPES
from extensions import db
from models import ArchivalDescription, Job, JobStatus, PublicationStatus, User
from models.record_choice import record_choice
from models.user import SEE_DRAFTS

# Shorter search terms would match most rows and say nothing; longer ones stay selective.
MIN_SEARCH = 3
FILTER_NAMES = ("status", "type", "user", "record", "from", "to", "q")


@dataclass
class JobFilter:
    status: str = ""
    type: str = ""
    user: str = ""
    record: str = ""
    created_from: date | None = None
    created_to: date | None = None
    q: str = ""
    problems: list[str] = field(default_factory=list)
    record_choice: dict[str, str] | None = None  # the record as its picker shows it (title, level, identifier)

    @classmethod
    def from_args(cls, args: Mapping[str, str], viewer: User) -> JobFilter:
        """Unknown or malformed values are dropped with a note, never a 500."""
        found = cls(problems=[])
        status = args.get("status", "").strip().lower()
        if status in {s.value for s in JobStatus}:
            found.status = status
        type_key = args.get("type", "").strip()
        if type_key in JOB_TYPES:
            found.type = type_key
        if viewer.is_admin:  # others only ever see their own jobs
            found.user = args.get("user", "").strip()[:80]
        found.record = args.get("record", "").strip()[:255]
        found.record_choice = _visible_choice(found.record, viewer)
        if found.record and found.record_choice is None:
            found.problems.append(
                _("No description is “%(text)s”: choose one from the suggestions.", text=found.record)
            )
        found.created_from = found._date(args, "from", _("Created from"))
        found.created_to = found._date(args, "to", _("Created to"))
        q = " ".join(args.get("q", "").split())[:200]
        if q and len(q) < MIN_SEARCH:
            found.problems.append(_("Search needs at least %(min)d characters; it was ignored.", min=MIN_SEARCH))
        elif q:
            found.q = q
        return found

    def _date(self, args: Mapping[str, str], name: str, label: str) -> date | None:
        raw = args.get(name, "").strip()
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.problems.append(_("%(label)s is not a date (YYYY-MM-DD); it was ignored.", label=label))
            return None

    def args(self) -> dict[str, str]:
        """The active filters as query parameters, for url_for."""
        values = {
            "status": self.status,
            "type": self.type,
            "user": self.user,
            "record": self.record,
            "from": self.created_from.isoformat() if self.created_from else "",
            "to": self.created_to.isoformat() if self.created_to else "",
            "q": self.q,
        }
        return {name: value for name, value in values.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.args())

    def criteria(self) -> list[Any]:
        """SQL criteria for these filters (search excluded: see search_criterion)."""
        found: list[Any] = []
        if self.status:
            found.append(Job.status == JobStatus(self.status))
        if self.type:
            found.append(Job.type == self.type)
        if self.user:
            user_id = db.session.scalar(select(User.id).where(User.username == self.user))
            found.append(Job.user_id == user_id if user_id else false())
        if self.record:
            record_id = db.session.scalar(select(ArchivalDescription.id).where(ArchivalDescription.slug == self.record))
            found.append(Job.description_id == record_id if record_id else false())
        if self.created_from and self.created_from > date.min:
            found.append(Job.created_at >= _utc_start_of(self.created_from))
        if self.created_to and self.created_to < date.max - timedelta(days=1):  # (9999-12-31: no end)
            found.append(Job.created_at < _utc_start_of(self.created_to + timedelta(days=1)))
        return found

    def search_criterion(self) -> Any | None:
        """Case-insensitive substring of info or parameters (JSON as text)."""
        if not self.q:
            return None
        pattern = "%" + self.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return or_(
            func.lower(func.coalesce(Job.info, "")).like(pattern, escape="\\"),
            func.lower(cast(Job.parameters, String)).like(pattern, escape="\\"),
        )


def _visible_choice(slug: str, viewer: User) -> dict[str, str] | None:
    """The record's title, level and identifier for the filter's picker, if the viewer may see it
    (a viewer's filter must not tell a draft's title)."""
    description = ArchivalDescription.by_slug(slug) if slug else None
    if description is None or (
        description.publication_status != PublicationStatus.PUBLISHED and not viewer.can(SEE_DRAFTS)
    ):
        return None
    return record_choice(description)


def _utc_start_of(day: date) -> datetime:
    """Midnight of day in the site's time zone, as the naive UTC the database stores."""
    zone = ZoneInfo(current_app.config["SITE_TIMEZONE"])
    try:
        return datetime.combine(day, time.min, zone).astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # the calendar's first or last day, moved past its end by the time zone
        return datetime.min if day.year == 1 else datetime.max


def type_choices() -> list[tuple[str, str]]:
    return [(key, job_type.label) for key, job_type in JOB_TYPES.items()]
