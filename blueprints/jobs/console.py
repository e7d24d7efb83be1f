"""A job's console output as its reader may see it (security review F11).

A failed job's output ends with the Python traceback of the failure: server paths, code,
library versions. Administrators see it whole (and the log file keeps it); anyone else sees
the message it ends with ("RuntimeError: ..."), the frames replaced by one line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask_login import current_user

START = "Traceback (most recent call last):"
HIDDEN = "(the details of this error are shown to administrators)\n"


def for_reader(text: str) -> str:
    return text if _admin() else "".join(hide_tracebacks(text.splitlines(keepends=True)))


def hide_tracebacks(lines: Iterable[str]) -> Iterator[str]:
    """Each traceback's frames (its indented lines) left out; the exception line kept."""
    inside = False
    for line in lines:
        if line.startswith(START):
            inside = True
            yield HIDDEN
        elif inside and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        else:
            inside = False
            yield line


def _admin() -> bool:
    return bool(getattr(current_user, "is_admin", False))
