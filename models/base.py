"""Helpers shared by the models."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC: the one time representation stored in every database we support."""
    return datetime.now(UTC).replace(tzinfo=None)
