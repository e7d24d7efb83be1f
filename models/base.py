"""Helpers shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Integer


def utcnow() -> datetime:
    """Naive UTC: the one time representation stored in every database we support."""
    return datetime.now(UTC).replace(tzinfo=None)


# Ids a ledger or a link may name are never used twice, even after the highest rows are
# deleted (an Undo, a clear): on SQLite only AUTOINCREMENT keeps that promise (PostgreSQL's
# sequences never go back). For __table_args__.
NEVER_REUSED = {"sqlite_autoincrement": True}

# Ids that reach a URL (jobs, users) and the columns naming them: 64-bit on PostgreSQL, where
# INTEGER stops at 2**31 - 1 and ``/jobs/2147483648`` ended in a 500 (the web takes any id up to
# 2**63 - 1: blueprints/inputs.py). SQLite's INTEGER is 64-bit already, and a primary key must
# stay INTEGER there to be the rowid that AUTOINCREMENT guards.
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")
