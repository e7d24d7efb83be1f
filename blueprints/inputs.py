"""Values from URLs and forms, checked once here: what a database integer can hold, and text
no database column stores.

A path or query integer past 64 bits (``/jobs/99999999999999999999``, ``?before=…``,
``?page=…``) used to reach the database and end in a 500 (``OverflowError: Python int too
large to convert to SQLite INTEGER``). Every ``<int:…>`` in a route is ``DatabaseInt``
(``app.url_map.converters["int"]``), so such a path is a 404; query and form values go
through ``db_int`` (``request.args.get(name, type=db_int)``), so they are "not given".

A NUL in any query, form value or path reached PostgreSQL and ended in a 500 (109 of them, the
login form's username among them; ``/jobs/export.csv?q=%00`` cut its stream after the 200):
``refuse_unstorable_text`` answers 400 before any view runs (``models.text`` decides).
"""

from __future__ import annotations

from itertools import chain

from flask import abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter, Map

from models.text import refused

LARGEST = 2**63 - 1  # a signed 64-bit integer: SQLite INTEGER, PostgreSQL BIGINT
LARGEST_PAGE = 10**6  # beyond it, page * per_page runs past what OFFSET takes


class DatabaseInt(IntegerConverter):
    """Werkzeug's int converter, bounded to 0..LARGEST unless a route says otherwise."""

    def __init__(self, url_map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", LARGEST)
        super().__init__(url_map, *args, **kwargs)  # type: ignore[arg-type]


def db_int(value: str) -> int:
    """A query or form value as an integer the database can hold; ValueError otherwise."""
    number = int(value.strip())
    if not -LARGEST - 1 <= number <= LARGEST:
        raise ValueError(value)
    return number


def page_number(value: str) -> int:
    """A page number: 1..LARGEST_PAGE."""
    number = int(value.strip())
    if not 1 <= number <= LARGEST_PAGE:
        raise ValueError(value)
    return number


def current_page() -> int:
    """The ?page= of a paginated list (Flask-SQLAlchemy would take any integer)."""
    return request.args.get("page", 1, type=page_number)


def refuse_unstorable_text() -> None:
    """Before every request: 400 when its path, a query or a form field (name or value) holds a
    character no database stores. (An upload's file name is cleaned instead: forms.store_upload.)"""
    sent = chain(
        [request.path],
        *(pair for pair in request.args.items(multi=True)),
        *(pair for pair in request.form.items(multi=True)),
    )
    if any(refused(text) for text in sent):
        abort(
            400,
            description=_("What you sent holds a character that cannot be stored (a NUL). Remove it and try again."),
        )
