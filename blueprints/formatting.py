"""How dates are shown: ISO 8601 with seconds in the site's time zone (the contract)."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def site_time(value: datetime | None) -> str:
    """'2026-11-23 16:05:01' in SITE_TIMEZONE; '' when there is no date."""
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config["SITE_TIMEZONE"])
    return value.replace(tzinfo=timezone.utc).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def format_datetime(value: datetime | None, missing: str = "N/A") -> str:
    """Jinja filter: like site_time, with 'N/A' for a missing date."""
    return site_time(value) or missing
