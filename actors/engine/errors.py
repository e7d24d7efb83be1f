"""How a failed job's Info line reads: a user's bad input says what was wrong, anything else
names the exception (the traceback is in the output); a database error says what the database
said, not the statement it refused (its SQL, let alone its values)."""

from __future__ import annotations

from dramatiq.middleware import TimeLimitExceeded
from sqlalchemy.exc import DBAPIError

# By convention job code raises these, with a message for the user, on bad input.
USER_FACING = (ValueError, LookupError)


def describe_failure(exception: BaseException, time_limit_ms: int | None) -> str:
    """The Info column's one line: the exception's message, or the time limit that was hit."""
    if isinstance(exception, TimeLimitExceeded):
        return f"Timed out after {(time_limit_ms or 0) // 1000} s."
    text = str(exception).strip()
    name = type(exception).__name__
    if isinstance(exception, DBAPIError):  # what the database said, without its statement
        text = str(exception.orig).strip().splitlines()[0] if str(exception.orig).strip() else ""
    if text and isinstance(exception, USER_FACING):
        return text  # a message written for the user (bad input); the traceback is in the output
    return f"{name}: {text}" if text and text != name else name
