"""Where in a file a problem is, said in the job's language."""

from __future__ import annotations

from flask_babel import gettext as _


def located(where: str, text: str) -> str:
    """A problem or warning at its place in the file: "line 3: ...", in the job's language
    (French puts a space before the colon; column and element names stay as the file has them)."""
    return _("%(where)s: %(problem)s", where=where, problem=text)
