"""How dates are shown: ISO 8601 with seconds (the contract) — in the site's time zone for
exports, in the user's own time zone on pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import format_decimal, get_timezone, ngettext
from flask_babel import gettext as _

from actors.wording import site_time
from models import Job


def format_datetime(value: datetime | None, missing: str | None = None) -> str:
    """Jinja filter: in the user's time zone, with 'N/A' (translated) for a missing date.

    The format stays ISO in every language: `YYYY-MM-DD HH:MM:SS`."""
    return site_time(value, str(get_timezone())) or (missing if missing is not None else _("N/A"))


def format_duration(value: timedelta | None) -> str:
    """Jinja filter: '12 s', '3 min 05 s', '2 h 04 min' (the same symbols in every language); '' for None."""
    if value is None:
        return ""
    seconds = max(0, int(value.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


def progress_text(job: Job) -> str:
    """'1,200 of 3,000 descriptions (40%)' in the page's language, or 'Stopped at 1,200 of 3,000
    descriptions.' for a job that failed or was canceled midway; bytes as sizes (an import reading
    its file). For a job with a progress total."""
    done, total, unit = job.progress_done or 0, job.progress_total or 0, job.progress_unit
    counts = {"done": format_decimal(done), "total": format_decimal(total)}
    if unit == "bytes":
        amount = _("%(done)s of %(total)s", done=format_size(done), total=format_size(total))
    elif unit == "changes":
        amount = ngettext("%(done)s of %(total)s change", "%(done)s of %(total)s changes", total, **counts)
    elif unit == "rows":
        amount = ngettext("%(done)s of %(total)s row", "%(done)s of %(total)s rows", total, **counts)
    elif unit == "components":  # (an EAD file's <c>s)
        amount = ngettext("%(done)s of %(total)s component", "%(done)s of %(total)s components", total, **counts)
    else:
        amount = ngettext("%(done)s of %(total)s description", "%(done)s of %(total)s descriptions", total, **counts)
    if job.stopped_midway:
        return _("Stopped at %(amount)s.", amount=amount)
    return _("%(amount)s (%(percent)s%%)", amount=amount, percent=job.progress_percent or 0)


def format_size(size: int) -> str:
    """'812 bytes', '12.5 KB', '3.2 MB' (decimal units, the page's number format)."""
    if size < 1000:
        return ngettext("%(num)s byte", "%(num)s bytes", size)  # (ngettext formats num itself)
    if size < 1_000_000:
        return _("%(num)s KB", num=format_decimal(round(size / 1000, 1)))
    return _("%(num)s MB", num=format_decimal(round(size / 1_000_000, 1)))
