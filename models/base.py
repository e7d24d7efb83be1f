"""Helpers shared by the models."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC: the one time representation stored in every database we support."""
    return datetime.now(UTC).replace(tzinfo=None)


# Ids a ledger or a link may name are never used twice, even after the highest rows are
# deleted (an Undo, a clear): on SQLite only AUTOINCREMENT keeps that promise (PostgreSQL's
# sequences never go back). For __table_args__.
NEVER_REUSED = {"sqlite_autoincrement": True}
