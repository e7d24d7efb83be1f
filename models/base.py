"""Helpers shared by the models."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    """Naive UTC: the one time representation stored in every database we support."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
